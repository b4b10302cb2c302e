// The Kotlin bindings of inventory-ffi, exercised on the JVM through JNA: every call, every error
// class with its fields, the BigDecimal/UUID/Instant mappings, many threads on one product, and
// a SQLite file reopened. Run by scripts/test-kotlin.sh; exits non-zero on the first failure of
// each test and reports every failed test.

import inventory.Inventory
import inventory.ManualClock
import inventory.Movement
import inventory.Query
import inventory.core.Event
import inventory.core.Durability
import inventory.core.EventKind
import inventory.core.FieldChange
import inventory.core.HoldStatus
import inventory.core.InventoryException
import inventory.core.NewHold
import inventory.core.NewProduct
import inventory.core.Page
import inventory.core.Product
import inventory.core.ProductPatch
import inventory.core.StorageKind
import java.math.BigDecimal
import java.nio.file.Files
import java.nio.file.Path
import java.time.Duration
import java.time.Instant
import java.util.UUID
import java.util.concurrent.CountDownLatch
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import kotlin.system.exitProcess

const val MAX_STOCK = 2_147_483_647u

var checks = 0

fun fail(message: String): Nothing = throw AssertionError(message)

fun ensure(condition: Boolean, message: () -> String) {
    checks++
    if (!condition) fail(message())
}

fun <T> eq(actual: T, expected: T, what: String) {
    checks++
    if (actual != expected) fail("$what: expected <$expected>, got <$actual>")
}

/** Runs [block], which must throw exactly an [E]; returns it for its fields. */
inline fun <reified E : InventoryException> throws(what: String, block: () -> Any?): E {
    checks++
    val result = try {
        block()
    } catch (e: InventoryException) {
        if (e is E) return e
        fail("$what: expected ${E::class.simpleName}, got ${e::class.simpleName}: $e")
    } catch (e: Throwable) {
        fail("$what: expected ${E::class.simpleName}, got ${e::class.qualifiedName}: $e")
    }
    fail("$what: expected ${E::class.simpleName}, but it returned <$result>")
}

fun money(text: String) = BigDecimal(text)

fun widget(inv: Inventory, sku: String = " ab-1 ", price: String = "9.99", stock: UInt = 10u): Product =
    inv.create(NewProduct(name = "Widget", sku = sku, price = money(price), stock = stock))

/** A fingerprint of everything stored: what a failed call must leave unchanged. */
fun state(inv: Inventory): Triple<List<Product>, BigDecimal, Int> {
    val page = inv.list(Query(limit = 1000u))
    return Triple(page.items, inv.totalValue(), inv.eventsSince(0uL, 10_000u).size)
}

fun tempDir(): Path = Files.createTempDirectory("inventory-ffi-test")

// ------------------------------------------------------------------------------- the tests

fun createAndRead() {
    Inventory.inMemory().use { inv ->
        val before = Instant.now().minusSeconds(1)
        val p = widget(inv)
        eq(p.sku, "AB-1", "sku is trimmed and upper-cased")
        eq(p.name, "Widget", "name")
        eq(p.stock, 10u, "stock")
        eq(p.version, 1uL, "version")
        eq(p.price, BigDecimal("9.99"), "price")
        eq(p.updatedAt, p.createdAt, "updatedAt at creation")
        ensure(!p.createdAt.isBefore(before) && p.createdAt.isBefore(Instant.now().plusSeconds(1))) {
            "createdAt ${p.createdAt} is not now"
        }
        eq(inv.get(p.id), p, "get(id)")
        eq(inv.getBySku("ab-1"), p, "getBySku normalises")
        eq(inv.getBySku("  AB-1\t"), p, "getBySku trims")

        val more = inv.createMany(listOf(
            NewProduct(name = "Bolt", sku = "b-1", price = money("0.25"), stock = 100u),
            NewProduct(name = "Nut", sku = "n-1", price = money("0.1")), // stock defaults to 0
        ))
        eq(more.map { it.sku }, listOf("B-1", "N-1"), "createMany")
        eq(more[1].stock, 0u, "NewProduct.stock defaults to 0")
        eq(inv.list(Query()).total, 3uL, "three products")
    }
}

fun typeMappings() {
    Inventory.inMemory().use { inv ->
        val p = widget(inv, price = "12.5")
        // Compile-time types: BigDecimal, UUID, Instant (no strings).
        val price: BigDecimal = p.price
        val id: UUID = p.id
        val created: Instant = p.createdAt
        eq(price.toPlainString(), "12.50", "prices come back with two decimal places")
        eq(price.scale(), 2, "price scale")
        eq(id.version(), 7, "ids are time-ordered (v7) UUIDs")
        eq(created.nano % 1000, 0, "timestamps have microsecond precision")
        eq(inv.get(id).createdAt, created, "an Instant reads back equal")

        // Trailing zeros beyond two places are fine; the value is what counts.
        eq(inv.update(id, ProductPatch(price = money("7.500"))).price, BigDecimal("7.50"), "7.500 is 7.50")
        // Any scale, as long as the value has at most two places.
        eq(inv.update(id, ProductPatch(price = BigDecimal("9.99").setScale(30))).price, BigDecimal("9.99"), "setScale(30)")
        eq(inv.update(id, ProductPatch(price = money("7.50"))).price, BigDecimal("7.50"), "back to 7.50")

        val total: BigDecimal = inv.totalValue()
        eq(total, BigDecimal("75.00"), "totalValue is exact with scale 2")
        eq(total.scale(), 2, "totalValue scale")
        eq(Inventory.inMemory().use { it.totalValue() }, BigDecimal("0.00"), "empty total is 0.00")

        val ev: Event = inv.history(id).first()
        val at: Instant = ev.at
        val productId: UUID = ev.productId
        eq(productId, id, "event productId is the product's UUID")
        eq(at, created, "the creation event is at createdAt")
        eq(ev.kind, EventKind.CREATED, "EventKind is a Kotlin enum")
    }
}

fun update() {
    Inventory.inMemory().use { inv ->
        val p = widget(inv)
        val q = inv.update(p.id, ProductPatch(name = "Widget v2", price = money("10.50")))
        eq(q.name, "Widget v2", "name changed")
        eq(q.price, BigDecimal("10.50"), "price changed")
        eq(q.sku, "AB-1", "sku unchanged (null in the patch)")
        eq(q.version, 2uL, "version moves on a write")
        ensure(!q.updatedAt.isBefore(p.updatedAt)) { "updatedAt moved back" }
        eq(q.createdAt, p.createdAt, "createdAt stays")

        val same = inv.update(p.id, ProductPatch(name = "  Widget v2 "))
        eq(same.version, 2uL, "a patch that changes nothing writes nothing")

        val e = throws<InventoryException.VersionConflict>("stale expectedVersion") {
            inv.update(p.id, ProductPatch(name = "Stale", expectedVersion = 1uL))
        }
        eq(e.field, "version", "VersionConflict.field")
        eq(e.expected, 1uL, "VersionConflict.expected")
        eq(e.actual, 2uL, "VersionConflict.actual")
        eq(inv.get(p.id).name, "Widget v2", "a conflicting update changes nothing")

        eq(inv.update(p.id, ProductPatch(sku = "ab-2", expectedVersion = 2uL)).sku, "AB-2", "sku renamed")
        val changed = inv.history(p.id).filter { it.kind == EventKind.UPDATED }
        eq(changed.size, 2, "two update events")
        eq(changed[0].changes, listOf(
            FieldChange(field = "name", before = "Widget", after = "Widget v2"),
            FieldChange(field = "price", before = "9.99", after = "10.50"),
        ), "what the first update changed")
        eq(changed[1].sku, "AB-1", "an SKU change is recorded under the old SKU")
    }
}

fun stockMovements() {
    Inventory.inMemory().use { inv ->
        val p = widget(inv)
        val sold = inv.adjustStock(p.id, -3, "sale", reference = "order-42", actor = "till-1")
        eq(sold.stock, 7u, "adjustStock(-3)")
        eq(sold.version, 2uL, "a movement is a write")
        eq(inv.adjustStock(p.id, 5, "RESTOCK").stock, 12u, "adjustStock(+5)")
        eq(inv.setStock(p.id, 40u, "correction").stock, 40u, "setStock(40)")
        eq(inv.setStock(p.id, 41u, "count", actor = "ann", expected = 40u).stock, 41u, "setStock with expected")
        val e = throws<InventoryException.VersionConflict>("setStock with a stale count") {
            inv.setStock(p.id, 5u, "count", expected = 40u)
        }
        eq(Triple(e.field, e.expected, e.actual), Triple("stock", 40uL, 41uL), "VersionConflict on stock")
        val stale = throws<InventoryException.VersionConflict>("adjustStock with a stale stock") {
            inv.adjustStock(p.id, -1, "sale", expected = 40u)
        }
        eq(Triple(stale.field, stale.expected, stale.actual), Triple("stock", 40uL, 41uL), "adjustStock expected")
        eq(inv.adjustStock(p.id, -1, "sale", expected = 41u).stock, 40u, "adjustStock with the current stock")

        val events = inv.history(p.id)
        val kinds = listOf(EventKind.CREATED, EventKind.STOCK_CHANGED, EventKind.STOCK_CHANGED, EventKind.COUNTED, EventKind.COUNTED, EventKind.STOCK_CHANGED)
        eq(events.map { it.kind }, kinds, "event kinds (a count is COUNTED)")
        val sale = events[1]
        eq(sale.delta, -3L, "sale delta")
        eq(sale.stockBefore, 10u, "stockBefore")
        eq(sale.stockAfter, 7u, "stockAfter")
        eq(sale.reason, "sale", "reason")
        eq(sale.reference, "order-42", "reference")
        eq(sale.actor, "till-1", "actor")
        eq(sale.sku, "AB-1", "sku at the time")
        eq(events[2].reason, "restock", "well-known reasons are stored lower-case")
        eq(events[2].reference, null, "no reference given")
        eq(events[4].actor, "ann", "setStock actor")
        eq(events[0].delta, 10L, "initial stock is the first movement")
        eq(events[0].reason, "initial", "initial reason")
        ensure(events.zipWithNext().all { (a, b) -> a.seq < b.seq }) { "seq increases" }
        eq(events.sumOf { it.delta ?: 0L }, 40L, "movements add up to the stock")
        inv.checkLedger()
    }
}

fun listing() {
    Inventory.inMemory().use { inv ->
        val specs = listOf(
            Triple("Apple", "FR-APPLE", "0.50" to 3u),
            Triple("Banana", "FR-BANANA", "0.25" to 50u),
            Triple("Cherry", "FR-CHERRY", "12.00" to 2u),
            Triple("Drill", "TL-DRILL", "89.90" to 4u),
            Triple("Hammer", "TL-HAMMER", "15.00" to 20u),
        )
        for ((name, sku, priceStock) in specs) {
            inv.create(NewProduct(name = name, sku = sku, price = money(priceStock.first), stock = priceStock.second))
        }
        val first: Page = inv.list(Query(lowStock = 5u, orderBy = "-price", limit = 2u))
        eq(first.total, 3uL, "three at or below 5 in stock")
        eq(first.items.map { it.name }, listOf("Drill", "Cherry"), "first page, by price descending")
        val cursor = first.nextCursor ?: fail("a first page of two out of three has a nextCursor")
        val second = inv.list(Query(lowStock = 5u, orderBy = "-price", limit = 2u, cursor = cursor))
        eq(second.items.map { it.name }, listOf("Apple"), "second page")
        eq(second.nextCursor, null, "the last page has no cursor")

        eq(inv.list(Query(skuPrefix = "fr-", orderBy = "name")).items.map { it.name },
            listOf("Apple", "Banana", "Cherry"), "skuPrefix is normalised")
        eq(inv.list(Query(nameContains = "AN", orderBy = "sku")).items.map { it.name },
            listOf("Banana"), "nameContains ignores case")
        eq(inv.list(Query(minPrice = money("12"), maxPrice = money("15.00"), orderBy = "price")).items.map { it.name },
            listOf("Cherry", "Hammer"), "price range with BigDecimal bounds")
        eq(inv.list(Query(orderBy = "stock", offset = 3uL)).items.map { it.name },
            listOf("Hammer", "Banana"), "offset")
        eq(inv.list(Query()).items.map { it.name },
            listOf("Apple", "Banana", "Cherry", "Drill", "Hammer"), "default order is creation")

        eq(inv.totalValue(), BigDecimal("1.50") + BigDecimal("12.50") + BigDecimal("24.00") +
            BigDecimal("359.60") + BigDecimal("300.00"), "totalValue")

        val all = inv.eventsSince(0uL)
        eq(all.size, 5, "eventsSince(0) returns every event")
        eq(inv.eventsSince(0uL, 2u).map { it.seq }, all.take(2).map { it.seq }, "eventsSince with a limit")
        eq(inv.eventsSince(all[2].seq).map { it.seq }, all.drop(3).map { it.seq }, "eventsSince a seq")
        eq(inv.eventsSince(all.last().seq), emptyList<Event>(), "nothing after the last event")
    }
}

fun deleting() {
    Inventory.inMemory().use { inv ->
        val p = widget(inv)
        inv.delete(p.id)
        throws<InventoryException.NotFound>("get after delete") { inv.get(p.id) }
        val events = inv.history(p.id)
        eq(events.last().kind, EventKind.DELETED, "a deleted product keeps its history")
        eq(events.last().stockBefore, 10u, "the deletion records the stock it removed")
        eq(inv.list(Query()).total, 0uL, "nothing left")
        eq(widget(inv).sku, "AB-1", "the SKU is free again")
    }
}

fun everyErrorClass() {
    Inventory.inMemory().use { inv ->
        val p = widget(inv)
        val before = state(inv)

        fun validation(field: String, rule: String, block: () -> Any?) {
            val e = throws<InventoryException.Validation>("$field: $rule", block)
            eq(e.field, field, "Validation.field")
            ensure(e.detail.contains(rule)) { "Validation.detail <${e.detail}> should say <$rule>" }
            eq(e.toString(), "$field: ${e.detail}", "toString() is the library's message")
            ensure(e.message!!.contains(field)) { "message <${e.message}> names the field" }
        }
        validation("name", "must not be blank") {
            inv.create(NewProduct(name = "  ", sku = "x-1", price = money("1")))
        }
        validation("sku", "must not contain whitespace") {
            inv.create(NewProduct(name = "X", sku = "A B", price = money("1")))
        }
        validation("price", "must be greater than 0") {
            inv.create(NewProduct(name = "X", sku = "x-1", price = money("0")))
        }
        validation("price", "at most 2 decimal places") {
            inv.create(NewProduct(name = "X", sku = "x-1", price = money("9.999")))
        }
        validation("price", "at most 99999999.99") {
            inv.create(NewProduct(name = "X", sku = "x-1", price = money("100000000")))
        }
        validation("price", "at most 28 digits") { // a BigDecimal beyond what the core holds
            inv.create(NewProduct(name = "X", sku = "x-1", price = money("1e40")))
        }
        validation("stock", "between 0 and 2147483647") {
            inv.create(NewProduct(name = "X", sku = "x-1", price = money("1"), stock = MAX_STOCK + 1u))
        }
        validation("delta", "must not be zero") { inv.adjustStock(p.id, 0, "sale") }
        validation("reason", "must not be blank") { inv.adjustStock(p.id, -1, "  ") }
        validation("reference", "at most 200 characters") {
            inv.adjustStock(p.id, -1, "sale", reference = "r".repeat(201))
        }
        validation("actor", "control characters") { inv.setStock(p.id, 3u, "count", actor = "a\u0007b") }
        validation("order_by", "must be one of") { inv.list(Query(orderBy = "colour")) }
        validation("limit", "between 1 and 1000") { inv.list(Query(limit = 0u)) }
        validation("cursor", "not a cursor") { inv.list(Query(cursor = "zz")) }
        validation("min_price", "0 or more") { inv.list(Query(minPrice = money("-1"))) }
        validation("limit", "between 1 and 10000") { inv.eventsSince(0uL, 0u) }
        validation("name", "at most 100 characters") {
            inv.update(p.id, ProductPatch(name = "n".repeat(101)))
        }
        validation("snapshot", "not valid JSON") { Inventory.inMemory().use { it.importJson("{nope") } }
        validation("location", "must be a path") { Inventory.open("  ") }

        val dup = throws<InventoryException.DuplicateSku>("same SKU, other spelling") {
            inv.create(NewProduct(name = "Other", sku = "ab-1 ", price = money("1")))
        }
        eq(dup.sku, "AB-1", "DuplicateSku.sku")
        throws<InventoryException.DuplicateSku>("createMany is all or nothing") {
            inv.createMany(listOf(
                NewProduct(name = "Fine", sku = "fine-1", price = money("1")),
                NewProduct(name = "Dup", sku = "AB-1", price = money("1")),
            ))
        }

        val missing = UUID.randomUUID()
        val nf = throws<InventoryException.NotFound>("get unknown id") { inv.get(missing) }
        ensure(nf.key.contains(missing.toString())) { "NotFound.key <${nf.key}> names the id" }
        val nfSku = throws<InventoryException.NotFound>("get unknown SKU") { inv.getBySku("nope") }
        ensure(nfSku.key.contains("NOPE")) { "NotFound.key <${nfSku.key}> names the normalised SKU" }
        throws<InventoryException.NotFound>("update unknown") { inv.update(missing, ProductPatch(name = "X")) }
        throws<InventoryException.NotFound>("delete unknown") { inv.delete(missing) }
        throws<InventoryException.NotFound>("adjust unknown") { inv.adjustStock(missing, 1, "restock") }
        throws<InventoryException.NotFound>("set unknown") { inv.setStock(missing, 1u, "count") }
        throws<InventoryException.NotFound>("history unknown") { inv.history(missing) }

        val short = throws<InventoryException.InsufficientStock>("sell more than there is") {
            inv.adjustStock(p.id, -100, "sale")
        }
        eq(short.available, 10u, "InsufficientStock.available")
        eq(short.requested, 100uL, "InsufficientStock.requested")
        eq(short.toString(), "stock: insufficient stock: 10 available, 100 requested", "InsufficientStock message")
        val most = throws<InventoryException.InsufficientStock>("Long.MIN_VALUE") {
            inv.adjustStock(p.id, Long.MIN_VALUE, "sale")
        }
        eq(most.requested, 9_223_372_036_854_775_808uL, "requested is the size of any Long")
        val huge = throws<InventoryException.StockOverflow>("Long.MAX_VALUE") {
            inv.adjustStock(p.id, Long.MAX_VALUE, "restock")
        }
        eq(Pair(huge.current, huge.delta), Pair(10u, Long.MAX_VALUE), "StockOverflow for the largest Long")
        validation("quantity", "between 0 and 2147483647") { inv.setStock(p.id, MAX_STOCK + 1u, "count") }

        eq(state(inv), before, "no failed call changed anything")

        inv.setStock(p.id, MAX_STOCK, "count")
        val over = throws<InventoryException.StockOverflow>("above the maximum") { inv.adjustStock(p.id, 1, "restock") }
        eq(over.current, MAX_STOCK, "StockOverflow.current")
        eq(over.delta, 1L, "StockOverflow.delta")
        throws<InventoryException.VersionConflict>("stale version") {
            inv.update(p.id, ProductPatch(name = "X", expectedVersion = 1uL))
        }

        // Durability: FULL waits for the disk on every commit; the data is the same.
        val durable = tempDir().resolve("durable.db").toString()
        Inventory.openWith(durable, Durability.FULL).use { widget(it) }
        Inventory.open(durable).use { eq(it.list(Query()).total, 1uL, "a FULL file reopens") }

        // Storage: a file that is not a database.
        val junk = tempDir().resolve("junk.db")
        Files.write(junk, ByteArray(4096) { 'x'.code.toByte() })
        val storage = throws<InventoryException.Storage>("open a file that is not a database") {
            Inventory.open(junk.toString()).use { it.list(Query()) }
        }
        ensure(storage.detail.isNotBlank()) { "Storage.detail is empty" }
        eq(storage.kind, StorageKind.CORRUPT, "Storage.kind of a file that is not a database")
        ensure(storage.source?.isNotBlank() == true) { "Storage.source is empty" }
        ensure(storage.toString().startsWith("storage: ")) { "Storage message <$storage>" }

        // Every variant is one sealed class: a `when` over them needs no else branch.
        val described = listOf<InventoryException>(short, over, dup, nf, storage).map {
            when (it) {
                is InventoryException.Validation -> "validation"
                is InventoryException.DuplicateSku -> "duplicate"
                is InventoryException.NotFound -> "not found"
                is InventoryException.InsufficientStock -> "insufficient"
                is InventoryException.StockOverflow -> "overflow"
                is InventoryException.VersionConflict -> "conflict"
                is InventoryException.IdempotencyConflict -> "key reused"
                is InventoryException.HoldClosed -> "hold closed"
                is InventoryException.HoldExpired -> "hold expired"
                is InventoryException.Storage -> "storage"
            }
        }
        eq(described, listOf("insufficient", "overflow", "duplicate", "not found", "storage"), "sealed errors")
    }
}

fun stockInPlaces() {
    Inventory.inMemory().use { inv ->
        val p = widget(inv)
        eq(inv.locations().map { it.code }, listOf("DEFAULT"), "the default location")
        val wh = inv.createLocation(" wh-1 ", "Main warehouse")
        eq(wh.code, "WH-1", "a location's code is normalised")
        eq(inv.adjustStock(p.id, 5, "restock", location = "wh-1", idempotencyKey = "rcv-1").stock, 15u, "adjust at WH-1")
        eq(inv.adjustStock(p.id, 5, "restock", location = "wh-1", idempotencyKey = "rcv-1").stock, 15u, "a retry applies nothing")
        val conflict = throws<InventoryException.IdempotencyConflict>("a key reused for another request") {
            inv.adjustStock(p.id, 6, "restock", location = "wh-1", idempotencyKey = "rcv-1")
        }
        eq(conflict.key, "rcv-1", "IdempotencyConflict.key")
        inv.transfer(p.id, 3u, fromLocation = "WH-1", toLocation = "DEFAULT", reference = "t-9")
        eq(inv.stockLevels(p.id).map { it.location to it.onHand }, listOf("DEFAULT" to 13u, "WH-1" to 2u), "levels")
        val legs = inv.history(p.id).takeLast(2)
        eq(legs.map { it.kind }, listOf(EventKind.TRANSFERRED, EventKind.TRANSFERRED), "two transfer legs")
        ensure(legs[0].transferId != null && legs[0].transferId == legs[1].transferId) { "the legs share a transferId" }
        val after = inv.apply(
            listOf(
                Movement.Adjust(productId = p.id, delta = -1, reason = "sale", location = "WH-1"),
                Movement.Count(productId = p.id, quantity = 12u),
                Movement.Transfer(productId = p.id, quantity = 1u, fromLocation = "DEFAULT", toLocation = "WH-1"),
            ),
            idempotencyKey = "order-77",
        )
        eq(after.map { it.stock }, listOf(14u, 13u, 13u), "a batch answers the product after each movement")
        val bad = throws<InventoryException.Validation>("a batch with a bad movement") {
            inv.apply(listOf(Movement.Adjust(productId = p.id, delta = 1, reason = "restock"), Movement.Count(productId = p.id, quantity = 1u, location = "")))
        }
        eq(bad.field, "movements[1].location", "the bad movement is named")
        eq(inv.setReorderPoint(p.id, 20u).reorderPoint, 20u, "setReorderPoint")
        eq(inv.list(Query(belowReorderPoint = true)).total, 1uL, "due for reordering")
        val e = inv.history(p.id).last()
        eq(e.replica, inv.replicaId(), "events carry the replica id")
        eq(e.idempotencyKey, "order-77", "events carry the key")
        inv.checkLedger()
    }
}

fun holds() {
    val clock = ManualClock(Instant.parse("2030-01-01T00:00:00Z"))
    Inventory.inMemoryWithClock(clock).use { inv ->
        val p = widget(inv, stock = 5u)
        val h = inv.reserve(
            NewHold(productId = p.id, quantity = 2u, expiresIn = Duration.ofMinutes(15), reference = "cart-1"),
            idempotencyKey = "cart-1-line-1",
        )
        eq(h.status, HoldStatus.ACTIVE, "a new hold is active")
        eq(h.expiresAt, Instant.parse("2030-01-01T00:15:00Z"), "expiresIn counts from the clock")
        eq(inv.reserve(NewHold(productId = p.id, quantity = 2u, expiresIn = Duration.ofMinutes(15), reference = "cart-1"), idempotencyKey = "cart-1-line-1"), h, "a keyed retry")
        val level = inv.stockLevels(p.id).single()
        eq(listOf(level.onHand, level.reserved, level.available, level.short), listOf(5u, 2u, 3u, 0u), "the level counts the hold")
        val low = throws<InventoryException.InsufficientStock>("held stock is not for sale") { inv.adjustStock(p.id, -4, "sale") }
        eq(low.available, 3u, "InsufficientStock.available")
        eq(inv.commitHold(h.id, quantity = 1u, reference = "order-1").stock, 4u, "a commit sells part of the hold")
        val closed = throws<InventoryException.HoldClosed>("a hold resolves once") { inv.releaseHold(h.id) }
        eq(closed.holdId, h.id, "HoldClosed.holdId")
        eq(closed.status, "committed", "HoldClosed.status")
        val later = inv.reserve(NewHold(productId = p.id, quantity = 1u, expiresAt = Instant.parse("2030-01-01T01:00:00Z")))
        clock.advance(Duration.ofHours(1))
        eq(inv.hold(later.id).status, HoldStatus.EXPIRED, "an expired hold reads as expired")
        val expired = throws<InventoryException.HoldExpired>("an expired hold cannot be committed") { inv.commitHold(later.id) }
        eq(expired.expiresAt, Instant.parse("2030-01-01T01:00:00Z"), "HoldExpired.expiresAt")
        eq(inv.expireHolds(), 1u, "expireHolds records it")
        eq(inv.holds(p.id), emptyList(), "no active holds")
        eq(inv.holds(p.id, includeClosed = true).map { it.status }, listOf(HoldStatus.COMMITTED, HoldStatus.EXPIRED), "every hold")
        val bad = throws<InventoryException.Validation>("a hold of 0") { inv.reserve(NewHold(productId = p.id, quantity = 0u)) }
        eq(bad.field, "quantity", "Validation.field")
        throws<InventoryException.Validation>("both expiries") {
            inv.reserve(NewHold(productId = p.id, quantity = 1u, expiresIn = Duration.ofSeconds(5), expiresAt = Instant.parse("2031-01-01T00:00:00Z")))
        }
        eq(inv.history(p.id).map { it.kind }.takeLast(2), listOf(EventKind.HOLD_PLACED, EventKind.HOLD_EXPIRED), "hold events")
        eq(clock.now(), Instant.parse("2030-01-01T01:00:00Z"), "the clock")
        inv.checkLedger()
    }
    clock.close()
}

fun transactions() {
    for ((label, open) in listOf<Pair<String, () -> Inventory>>(
        "memory" to { Inventory.inMemory() },
        "sqlite" to { Inventory.open(tempDir().resolve("shop.db").toString()) },
    )) {
        open().use { inv ->
            // Committed: every call at once, reading its own writes.
            val p = inv.begin().use { tx ->
                val p = tx.create(NewProduct(name = "Mug", sku = "mug-1", price = money("8.50"), stock = 0u))
                tx.adjustStock(p.id, 12, "restock")
                eq(tx.getBySku(" MUG-1 ").stock, 12u, "$label: a transaction reads its own writes")
                tx.createLocation("wh-1", "Annex")
                eq(tx.location("WH-1").name, "Annex", "$label: location inside")
                tx.transfer(p.id, 2u, fromLocation = "DEFAULT", toLocation = "WH-1")
                val inside = throws<InventoryException.Validation>("$label: the inventory inside") { inv.get(p.id) }
                eq(inside.field, "transaction", "$label: Validation.field")
                tx.commit()
                p
            }
            eq(inv.get(p.id).stock, 12u, "$label: committed")
            val before = inv.exportJson()
            // Rolled back: on close without a commit, or a failed call that fails the commit.
            inv.begin().use { tx -> tx.adjustStock(p.id, -1, "sale") }
            inv.begin().use { tx ->
                tx.adjustStock(p.id, -1, "sale")
                throws<InventoryException.DuplicateSku>("$label: a duplicate inside") {
                    tx.create(NewProduct(name = "Again", sku = "MUG-1", price = money("1"), stock = 0u))
                }
                throws<InventoryException.DuplicateSku>("$label: the commit fails with it") { tx.commit() }
            }
            eq(inv.exportJson(), before, "$label: nothing written")
            // Keys per call; an ended transaction refuses calls.
            repeat(2) {
                inv.begin().use { tx ->
                    tx.adjustStock(p.id, -2, "sale", idempotencyKey = "order-7:1")
                    eq(tx.keyUsedAt("order-7:1") != null, true, "$label: keyUsedAt")
                    tx.commit()
                    val over = throws<InventoryException.Validation>("$label: after the commit") { tx.get(p.id) }
                    eq(over.field, "transaction", "$label: Validation.field after")
                }
            }
            eq(inv.get(p.id).stock, 10u, "$label: a keyed call applied once")
            inv.checkLedger()
        }
    }
}

fun threads() {
    for ((label, open) in listOf<Pair<String, () -> Inventory>>(
        "memory" to { Inventory.inMemory() },
        "SQLite file" to { Inventory.open(tempDir().resolve("threads.db").toString()) },
    )) {
        open().use { inv ->
            val threadCount = 8
            val perThread = 50
            val p = widget(inv, stock = (threadCount * perThread).toUInt())
            val other = widget(inv, sku = "other", stock = 0u)
            val start = CountDownLatch(1)
            val pool = Executors.newFixedThreadPool(threadCount)
            val jobs = (0 until threadCount).map { t ->
                pool.submit<Int> {
                    start.await()
                    var refused = 0
                    repeat(perThread) { i ->
                        inv.adjustStock(p.id, -1, "sale", reference = "t$t-$i")
                        inv.adjustStock(other.id, 1, "restock")
                        // A sale of 2 from an almost empty product may be refused; never oversold.
                        try {
                            inv.adjustStock(other.id, -2, "sale")
                            inv.adjustStock(other.id, 2, "return")
                        } catch (e: InventoryException.InsufficientStock) {
                            refused++
                        }
                    }
                    refused
                }
            }
            start.countDown()
            jobs.forEach { it.get(120, TimeUnit.SECONDS) }
            pool.shutdown()
            eq(inv.get(p.id).stock, 0u, "$label: $threadCount threads × $perThread sales, no lost update")
            eq(inv.get(other.id).stock, (threadCount * perThread).toUInt(), "$label: concurrent restocks")
            val sales = inv.history(p.id).filter { it.kind == EventKind.STOCK_CHANGED }
            eq(sales.size, threadCount * perThread, "$label: one event per sale")
            eq(sales.mapNotNull { it.reference }.toSet().size, threadCount * perThread, "$label: every sale recorded once")
            eq(inv.history(other.id).sumOf { it.delta ?: 0L }, (threadCount * perThread).toLong(), "$label: ledger sum")
            throws<InventoryException.InsufficientStock>("$label: sold out") { inv.adjustStock(p.id, -1, "sale") }
            inv.checkLedger()
        }
    }
}

fun persistence() {
    val dir = tempDir()
    val file = dir.resolve("shop.db").toString()
    val (id, stateBefore) = Inventory.open(file).use { inv ->
        val p = widget(inv)
        inv.adjustStock(p.id, -4, "sale", reference = "order-1", actor = "till-2")
        inv.update(p.id, ProductPatch(price = money("11.25")))
        p.id to Triple(inv.get(p.id), inv.history(p.id), inv.totalValue())
    }
    Inventory.open("sqlite://$file").use { inv ->
        eq(inv.get(id), stateBefore.first, "the product survives reopening (sqlite:// form)")
        eq(inv.history(id), stateBefore.second, "the ledger survives reopening")
        eq(inv.totalValue(), stateBefore.third, "total value after reopening")
        inv.adjustStock(id, -1, "sale")
    }
    Inventory.open(file).use { inv ->
        eq(inv.get(id).stock, 5u, "a change after reopening is kept")
        inv.checkLedger()
    }
    Inventory.open("memory:").use { inv -> eq(inv.list(Query()).total, 0uL, "memory: is a new, empty store") }
}

fun exportImport() {
    Inventory.inMemory().use { source ->
        val p = widget(source)
        source.adjustStock(p.id, -2, "sale")
        val json = source.exportJson()
        ensure(json.contains("\"AB-1\"")) { "the export holds the product" }
        Inventory.open(tempDir().resolve("copy.db").toString()).use { copy ->
            copy.importJson(json)
            eq(copy.get(p.id), source.get(p.id), "the product is copied exactly")
            eq(copy.eventsSince(0uL), source.eventsSince(0uL), "the ledger is copied exactly")
            val again = throws<InventoryException.Validation>("import into a non-empty inventory") { copy.importJson(json) }
            eq(again.field, "snapshot", "Validation.field for a snapshot")
        }
    }
}

fun shutdown() {
    Inventory.inMemory().use { inv ->
        val p = widget(inv)
        ensure(!inv.isShutDown()) { "a new inventory is not shut down" }
        inv.shutdown()
        ensure(inv.isShutDown()) { "isShutDown after shutdown" }
        // Every call that starts afterwards fails, from this thread and from others.
        val e = throws<InventoryException.Storage>("a call after shutdown") { inv.get(p.id) }
        eq(e.kind, StorageKind.CLOSED, "Storage.kind after shutdown")
        val pool = Executors.newFixedThreadPool(4)
        val results = (1..16).map { pool.submit<Boolean> { runCatching { inv.adjustStock(p.id, -1, "sale") }.isFailure } }
        ensure(results.all { it.get() }) { "a call started on another thread after shutdown succeeded" }
        pool.shutdown()
    }
}

fun main() {
    val tests = listOf(
        "shutdown" to ::shutdown,
        "create and read" to ::createAndRead,
        "type mappings" to ::typeMappings,
        "update" to ::update,
        "stock movements" to ::stockMovements,
        "listing and events" to ::listing,
        "delete" to ::deleting,
        "every error class" to ::everyErrorClass,
        "stock in places" to ::stockInPlaces,
        "holds" to ::holds,
        "transactions" to ::transactions,
        "threads" to ::threads,
        "persistence" to ::persistence,
        "export and import" to ::exportImport,
    )
    val failed = mutableListOf<String>()
    for ((name, test) in tests) {
        val started = System.nanoTime()
        try {
            test()
            println("ok   $name (${Duration.ofNanos(System.nanoTime() - started).toMillis()} ms)")
        } catch (e: Throwable) {
            failed += name
            println("FAIL $name: $e")
            e.printStackTrace(System.out)
        }
    }
    if (failed.isNotEmpty()) {
        println("kotlin: ${failed.size} of ${tests.size} tests failed (${failed.joinToString()}); $checks checks ran")
        exitProcess(1)
    }
    println("kotlin: ${tests.size} tests passed, $checks checks")
}
