// The shared conformance vectors (conformance/vectors/*.json, format in conformance/README.md),
// replayed through the Kotlin binding on the JVM, once on Inventory.inMemory() and once on a
// SQLite file per case. Inputs are passed as a Kotlin program passes them: text as String,
// prices as BigDecimal(text), ids as UUID.fromString(text) (or the saved product's UUID), counts
// as the Long, UInt or ULong the binding takes. After the last step of a case the ledger
// invariant is checked with checkLedger(). Cases whose "skip" has the key "kotlin" (an input
// those types cannot carry) are counted and listed with their reason, not run.
//
// Run by scripts/test-kotlin.sh:  java ... conformance.ConformanceKt conformance/vectors
// It prints one summary line per store and exits non-zero listing every failing case.
//
// The vector files are read with Gson (Debian's libgoogle-gson-java): the Kotlin and Java
// standard libraries have no JSON reader.

package conformance

import com.google.gson.Gson
import com.google.gson.JsonArray
import com.google.gson.JsonElement
import com.google.gson.JsonObject
import com.google.gson.JsonPrimitive
import com.google.gson.stream.JsonReader
import com.google.gson.stream.JsonToken
import inventory.Inventory
import inventory.ManualClock
import inventory.Movement
import inventory.Query
import inventory.Transaction
import inventory.core.Event
import inventory.core.Hold
import inventory.core.InventoryException
import inventory.core.NewHold
import inventory.core.Location
import inventory.core.NewProduct
import inventory.core.Page
import inventory.core.Product
import inventory.core.ProductPatch
import inventory.core.StockLevel
import java.io.StringReader
import java.math.BigDecimal
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.Paths
import java.time.Duration
import java.time.Instant
import java.util.UUID
import kotlin.system.exitProcess

/** This runner's key in a case's "skip" object. */
const val RUNNER = "kotlin"

/** The vector format this runner reads. */
const val FORMAT = 1L

/** A step that did not meet its expectation, or a vector this runner cannot read. */
class Mismatch(message: String) : Exception(message)

class VectorCase(val file: String, val name: String, val steps: List<JsonObject>, val skip: String?, val clock: String?)

// ------------------------------------------------------------------------------- reading JSON

/** The whole text as one JSON value, strictly (no comments, no trailing garbage). */
fun parseJson(text: String, what: String): JsonElement {
    val reader = JsonReader(StringReader(text))
    reader.isLenient = false
    val value = try {
        Gson().getAdapter(JsonElement::class.java).read(reader)
    } catch (e: Exception) {
        throw IllegalArgumentException("$what: not valid JSON: ${e.message}", e)
    }
    require(reader.peek() == JsonToken.END_DOCUMENT) { "$what: text after the JSON value" }
    return value
}

fun JsonElement?.describe(): String = this?.toString() ?: "nothing"

fun JsonElement?.obj(what: String): JsonObject =
    if (this != null && isJsonObject) asJsonObject else throw Mismatch("$what must be an object, not ${describe()}")

fun JsonElement?.arr(what: String): JsonArray =
    if (this != null && isJsonArray) asJsonArray else throw Mismatch("$what must be an array, not ${describe()}")

fun JsonElement?.str(what: String): String =
    if (this is JsonPrimitive && isString) asString else throw Mismatch("$what must be a string, not ${describe()}")

fun JsonElement?.strOrNull(what: String): String? = if (this == null || isJsonNull) null else str(what)

/** An integer, exactly: its JSON text must be a 64-bit integer (no fraction, no exponent). */
fun JsonElement?.long(what: String): Long =
    (if (this is JsonPrimitive && isNumber) asString.toLongOrNull() else null)
        ?: throw Mismatch("$what must be a 64-bit integer, not ${describe()}")

fun JsonElement?.longOrNull(what: String): Long? = if (this == null || isJsonNull) null else long(what)

fun JsonElement?.bool(what: String): Boolean =
    if (this is JsonPrimitive && isBoolean) asBoolean else throw Mismatch("$what must be true or false, not ${describe()}")

/** Every case of every vector file in [dir], in file-name order. */
fun load(dir: Path): List<VectorCase> {
    val paths = Files.list(dir).use { files -> files.filter { it.fileName.toString().endsWith(".json") }.sorted().toList() }
    require(paths.isNotEmpty()) { "no vector files in $dir" }
    val names = mutableSetOf<String>()
    return paths.flatMap { path ->
        val file = path.fileName.toString()
        val doc = parseJson(Files.readString(path), file).obj(file)
        require(doc["format"].longOrNull("format") == FORMAT) { "$file: this runner reads format $FORMAT" }
        doc["cases"].arr("$file: cases").map { element ->
            val case = element.obj("$file: a case")
            val name = case["name"].str("$file: a case's name")
            require(names.add(name)) { "$file: case name \"$name\" is used twice" }
            val skip = case["skip"]?.obj("$file: $name: skip")?.get(RUNNER)?.str("$file: $name: skip reason")
            val clock = case["clock"]?.str("$file: $name: clock")
            VectorCase(file, name, case["steps"].arr("$file: $name: steps").map { it.obj("a step") }, skip, clock)
        }
    }
}

// ------------------------------------------------------------------------------- arguments

/** A step's arguments, checked against the names its operation takes. */
class Args(step: JsonObject, op: String, required: List<String>, optional: List<String> = emptyList()) {
    private val map: JsonObject = step["args"]?.obj("\"args\"") ?: JsonObject()

    init {
        for (key in map.keySet()) {
            if (key !in required && key !in optional) throw Mismatch("$op takes no argument \"$key\"")
        }
        for (key in required) {
            if (!map.has(key)) throw Mismatch("missing argument \"$key\"")
        }
    }

    fun text(key: String): String? = map[key]?.str("argument \"$key\"")

    fun long(key: String): Long? = map[key]?.long("argument \"$key\"")

    /** A price as the binding takes it: a BigDecimal of the vector's text. */
    fun price(key: String): BigDecimal? = text(key)?.let {
        try {
            BigDecimal(it)
        } catch (e: NumberFormatException) {
            throw Mismatch("argument \"$key\" \"$it\" is not a plain decimal; the vector should skip \"$RUNNER\"")
        }
    }

    /** A count the binding takes as UInt. */
    fun uint(key: String): UInt? = long(key)?.let {
        if (it in 0..UInt.MAX_VALUE.toLong()) it.toUInt() else throw Mismatch("argument \"$key\" $it is outside UInt; the vector should skip \"$RUNNER\"")
    }

    /** A count the binding takes as ULong. */
    fun ulong(key: String): ULong? = long(key)?.let {
        if (it >= 0) it.toULong() else throw Mismatch("argument \"$key\" $it is outside ULong; the vector should skip \"$RUNNER\"")
    }

    fun required(key: String): String = text(key)!!

    /** A number of seconds, fractions allowed, as a [Duration]. */
    fun seconds(key: String): Duration? = map[key]?.let {
        val seconds = (it as? JsonPrimitive)?.takeIf { p -> p.isNumber }?.asBigDecimal
            ?: throw Mismatch("argument \"$key\" must be a number, not $it")
        Duration.ofNanos(seconds.movePointRight(9).toLong())
    }

    fun flag(key: String): Boolean = map[key]?.bool("argument \"$key\"") ?: false

    fun flagOr(key: String, absent: Boolean): Boolean = map[key]?.bool("argument \"$key\"") ?: absent
}

/** The state of one case: products saved with save_as, and the last page's next cursor. */
class Ctx {
    val ids = mutableMapOf<String, UUID>()
    var next: String? = null

    /** The case's clock, when it has a "clock". */
    var clock: ManualClock? = null

    /** A message as the vectors pin it: each saved product's id written as its "\$name". */
    fun pinned(message: String): String =
        ids.entries.fold(message) { text, (name, id) -> text.replace(id.toString(), "\$$name") }

    /** "\$name" is the id saved as name; other text is a literal UUID. */
    fun id(text: String): UUID =
        if (text.startsWith("$")) {
            ids[text.substring(1)] ?: throw Mismatch("no product was saved as \"${text.substring(1)}\"")
        } else {
            try {
                UUID.fromString(text)
            } catch (e: IllegalArgumentException) {
                throw Mismatch("id \"$text\" is not a UUID; the vector should skip \"$RUNNER\"")
            }
        }

    fun idText(text: String): String = if (text.startsWith("$")) id(text).toString() else text

    fun cursor(text: String): String = when {
        text == "\$next" -> next ?: throw Mismatch("\"\$next\": the previous page had no next cursor")
        text.startsWith("$") -> throw Mismatch("unknown cursor placeholder \"$text\"")
        else -> text
    }
}

// ------------------------------------------------------------------------------- operations

/** What an operation returned, or the binding's error. */
sealed class Outcome {
    class Product(val p: inventory.core.Product) : Outcome()
    class Products(val ps: List<inventory.core.Product>) : Outcome()
    class Place(val l: Location) : Outcome()
    class Places(val ls: List<Location>) : Outcome()
    class Level(val l: StockLevel) : Outcome()
    class Levels(val ls: List<StockLevel>) : Outcome()
    object Done : Outcome()
    class Listed(val page: Page) : Outcome()
    class Total(val value: BigDecimal) : Outcome()
    class Events(val events: List<Event>) : Outcome()
    class Held(val h: Hold) : Outcome()
    class Holds(val hs: List<Hold>) : Outcome()
    class Number(val n: Long) : Outcome()
    class Failed(val error: InventoryException) : Outcome()
}

/** The binding's answer to [call]: its result, or the [InventoryException] it threw. */
inline fun attempt(call: () -> Outcome): Outcome =
    try {
        call()
    } catch (e: InventoryException) {
        Outcome.Failed(e)
    }

/** Calls [op] as a Kotlin program would; a vector this runner cannot read throws [Mismatch]. */
/** A batch movement of a vector as the binding's [Movement]. */
fun movement(m: JsonObject, ctx: Ctx): Movement {
    val type = m["type"].str("a movement's type")
    val keys = when (type) {
        "adjust" -> setOf("type", "id", "delta", "reason", "location", "expected_stock")
        "count" -> setOf("type", "id", "quantity", "reason", "location", "expected_stock")
        "transfer" -> setOf("type", "id", "quantity", "reason", "from_location", "to_location")
        else -> throw Mismatch("unknown movement type \"$type\"")
    }
    val unknown = m.keySet() - keys
    if (unknown.isNotEmpty()) throw Mismatch("a $type movement takes no $unknown")
    val wrapped = JsonObject().apply { add("args", m) }
    val a = Args(wrapped, "a movement", listOf("type", "id", "reason"), keys.toList())
    val id = ctx.id(a.required("id"))
    val expected = a.uint("expected_stock")
    return when (type) {
        "adjust" -> Movement.Adjust(productId = id, delta = a.long("delta")!!, reason = a.required("reason"), location = a.text("location"), expected = expected)
        "count" -> Movement.Count(productId = id, quantity = a.uint("quantity")!!, reason = a.required("reason"), location = a.text("location"), expected = expected)
        else -> Movement.Transfer(
            productId = id, quantity = a.uint("quantity")!!, fromLocation = a.required("from_location"),
            toLocation = a.required("to_location"), reason = a.required("reason"),
        )
    }
}

/** Where a step's calls go: the case's inventory, or the [Transaction] of a `transaction` step.
 *  Its methods are the calls both have (the writes and the reads by key), passed on as is. */
class Target(private val inventory: Inventory?, private val tx: Transaction?) {
    /** The inventory, for a call a transaction does not have (refused before it gets here). */
    val inv: Inventory get() = inventory ?: throw Mismatch("not a call of a transaction")
    val isTransaction: Boolean get() = tx != null

    fun create(new: NewProduct, idempotencyKey: String?) =
        tx?.create(new, idempotencyKey) ?: inv.create(new, idempotencyKey)
    fun get(id: UUID) = tx?.get(id) ?: inv.get(id)
    fun getBySku(sku: String) = tx?.getBySku(sku) ?: inv.getBySku(sku)
    fun update(id: UUID, patch: ProductPatch, idempotencyKey: String?) =
        tx?.update(id, patch, idempotencyKey) ?: inv.update(id, patch, idempotencyKey)
    fun delete(id: UUID, idempotencyKey: String?) {
        if (tx != null) tx.delete(id, idempotencyKey) else inv.delete(id, idempotencyKey)
    }
    fun transfer(
        id: UUID, quantity: UInt, fromLocation: String, toLocation: String, reason: String, reference: String?,
        actor: String?, expected: UInt?, idempotencyKey: String?,
    ) = tx?.transfer(id, quantity, fromLocation, toLocation, reason, reference, actor, expected, idempotencyKey)
        ?: inv.transfer(id, quantity, fromLocation, toLocation, reason, reference, actor, expected, idempotencyKey)
    fun apply(movements: List<Movement>, idempotencyKey: String?) =
        tx?.apply(movements, idempotencyKey) ?: inv.apply(movements, idempotencyKey)
    fun createLocation(code: String, name: String, idempotencyKey: String?) =
        tx?.createLocation(code, name, idempotencyKey) ?: inv.createLocation(code, name, idempotencyKey)
    fun deleteLocation(code: String) {
        if (tx != null) tx.deleteLocation(code) else inv.deleteLocation(code)
    }
    fun setReorderPoint(id: UUID, point: UInt?, location: String?) =
        tx?.setReorderPoint(id, point, location) ?: inv.setReorderPoint(id, point, location)
    fun adjustStock(
        id: UUID, delta: Long, reason: String, reference: String?, actor: String?, location: String?,
        expected: UInt?, idempotencyKey: String?,
    ) = tx?.adjustStock(id, delta, reason, reference, actor, location, expected, idempotencyKey)
        ?: inv.adjustStock(id, delta, reason, reference, actor, location, expected, idempotencyKey)
    fun setStock(
        id: UUID, quantity: UInt, reason: String, reference: String?, actor: String?, location: String?,
        expected: UInt?, idempotencyKey: String?,
    ) = tx?.setStock(id, quantity, reason, reference, actor, location, expected, idempotencyKey)
        ?: inv.setStock(id, quantity, reason, reference, actor, location, expected, idempotencyKey)
    fun reserve(new: NewHold, idempotencyKey: String?) =
        tx?.reserve(new, idempotencyKey) ?: inv.reserve(new, idempotencyKey)
    fun commitHold(hold: UUID, quantity: UInt?, reason: String, reference: String?, actor: String?, idempotencyKey: String?) =
        tx?.commitHold(hold, quantity, reason, reference, actor, idempotencyKey)
            ?: inv.commitHold(hold, quantity, reason, reference, actor, idempotencyKey)
    fun releaseHold(hold: UUID, idempotencyKey: String?) =
        tx?.releaseHold(hold, idempotencyKey) ?: inv.releaseHold(hold, idempotencyKey)
}

/** The operations a `transaction` step's own steps may use: the writes and the reads by key. */
val TRANSACTION_OPS = setOf(
    "create", "get", "get_by_sku", "update", "delete", "adjust_stock", "set_stock", "transfer", "apply",
    "create_location", "delete_location", "set_reorder_point", "reserve", "commit_hold", "release_hold",
)

fun call(t: Target, op: String, step: JsonObject, ctx: Ctx): Outcome {
    val change = listOf("reference", "actor", "expected_stock", "location", "idempotency_key")
    return when (op) {
        "create" -> {
            val a = Args(step, op, listOf("name", "sku", "price"), listOf("stock", "idempotency_key"))
            val (name, sku, price) = Triple(a.required("name"), a.required("sku"), a.price("price")!!)
            val stock = a.uint("stock")
            // An absent stock is not passed: the binding's default applies.
            val new = if (stock == null) {
                NewProduct(name = name, sku = sku, price = price)
            } else {
                NewProduct(name = name, sku = sku, price = price, stock = stock)
            }
            attempt { Outcome.Product(t.create(new, idempotencyKey = a.text("idempotency_key"))) }
        }
        "get" -> {
            val id = ctx.id(Args(step, op, listOf("id")).required("id"))
            attempt { Outcome.Product(t.get(id)) }
        }
        "get_by_sku" -> {
            val sku = Args(step, op, listOf("sku")).required("sku")
            attempt { Outcome.Product(t.getBySku(sku)) }
        }
        "update" -> {
            val a = Args(step, op, listOf("id"), listOf("name", "sku", "price", "stock", "expected_version", "idempotency_key"))
            val id = ctx.id(a.required("id"))
            val patch = ProductPatch(
                name = a.text("name"),
                sku = a.text("sku"),
                price = a.price("price"),
                stock = a.uint("stock"),
                expectedVersion = a.ulong("expected_version"),
            )
            attempt { Outcome.Product(t.update(id, patch, idempotencyKey = a.text("idempotency_key"))) }
        }
        "delete" -> {
            val a = Args(step, op, listOf("id"), listOf("idempotency_key"))
            val id = ctx.id(a.required("id"))
            attempt {
                t.delete(id, idempotencyKey = a.text("idempotency_key"))
                Outcome.Done
            }
        }
        "transfer" -> {
            val a = Args(
                step, op, listOf("id", "quantity", "from_location", "to_location", "reason"),
                listOf("reference", "actor", "expected_stock", "idempotency_key"),
            )
            val id = ctx.id(a.required("id"))
            val quantity = a.uint("quantity")!!
            attempt {
                Outcome.Product(
                    t.transfer(
                        id, quantity, fromLocation = a.required("from_location"), toLocation = a.required("to_location"),
                        reason = a.required("reason"), reference = a.text("reference"), actor = a.text("actor"),
                        expected = a.uint("expected_stock"), idempotencyKey = a.text("idempotency_key"),
                    ),
                )
            }
        }
        "apply" -> {
            val a = Args(step, op, listOf("movements"), listOf("idempotency_key"))
            val movements = step["args"].obj("args")["movements"].arr("movements").map { movement(it.obj("a movement"), ctx) }
            attempt { Outcome.Products(t.apply(movements, idempotencyKey = a.text("idempotency_key"))) }
        }
        "create_location" -> {
            val a = Args(step, op, listOf("code", "name"), listOf("idempotency_key"))
            attempt { Outcome.Place(t.createLocation(a.required("code"), a.required("name"), idempotencyKey = a.text("idempotency_key"))) }
        }
        "delete_location" -> {
            val a = Args(step, op, listOf("code"))
            attempt {
                t.deleteLocation(a.required("code"))
                Outcome.Done
            }
        }
        "locations" -> {
            Args(step, op, emptyList())
            attempt { Outcome.Places(t.inv.locations()) }
        }
        "stock_levels" -> {
            val id = ctx.id(Args(step, op, listOf("id")).required("id"))
            attempt { Outcome.Levels(t.inv.stockLevels(id)) }
        }
        "set_reorder_point" -> {
            val a = Args(step, op, listOf("id"), listOf("reorder_point", "location"))
            val id = ctx.id(a.required("id"))
            val point = a.uint("reorder_point")
            attempt { Outcome.Level(t.setReorderPoint(id, point, location = a.text("location"))) }
        }
        "adjust_stock" -> {
            val a = Args(step, op, listOf("id", "delta", "reason"), change)
            val id = ctx.id(a.required("id"))
            val delta = a.long("delta")!!
            val (reason, reference, actor) = Triple(a.required("reason"), a.text("reference"), a.text("actor"))
            val expected = a.uint("expected_stock")
            attempt {
                Outcome.Product(
                    t.adjustStock(
                        id, delta, reason, reference = reference, actor = actor, location = a.text("location"),
                        expected = expected, idempotencyKey = a.text("idempotency_key"),
                    ),
                )
            }
        }
        "set_stock" -> {
            val a = Args(step, op, listOf("id", "quantity", "reason"), change)
            val id = ctx.id(a.required("id"))
            val quantity = a.uint("quantity")!!
            val (reason, reference, actor) = Triple(a.required("reason"), a.text("reference"), a.text("actor"))
            val expected = a.uint("expected_stock")
            attempt {
                Outcome.Product(
                    t.setStock(
                        id, quantity, reason, reference = reference, actor = actor, location = a.text("location"),
                        expected = expected, idempotencyKey = a.text("idempotency_key"),
                    ),
                )
            }
        }
        "list" -> {
            val a = Args(
                step, op, emptyList(),
                listOf(
                    "name_contains", "sku_prefix", "low_stock", "min_price", "max_price", "order_by", "limit", "cursor", "offset",
                    "below_reorder_point", "location", "with_total",
                ),
            )
            val query = Query(
                nameContains = a.text("name_contains"),
                skuPrefix = a.text("sku_prefix"),
                lowStock = a.uint("low_stock"),
                minPrice = a.price("min_price"),
                maxPrice = a.price("max_price"),
                orderBy = a.text("order_by"),
                limit = a.uint("limit"),
                cursor = a.text("cursor")?.let { ctx.cursor(it) },
                offset = a.ulong("offset"),
                belowReorderPoint = a.flag("below_reorder_point"),
                location = a.text("location"),
                withTotal = a.flagOr("with_total", true),
            )
            attempt { Outcome.Listed(t.inv.list(query)) }
        }
        "total_value" -> {
            Args(step, op, emptyList())
            attempt { Outcome.Total(t.inv.totalValue()) }
        }
        "history" -> {
            val id = ctx.id(Args(step, op, listOf("id")).required("id"))
            attempt { Outcome.Events(t.inv.history(id)) }
        }
        "reserve" -> {
            val a = Args(
                step, op, listOf("id", "quantity"),
                listOf("location", "expires_in_seconds", "expires_at", "reference", "actor", "idempotency_key"),
            )
            val new = NewHold(
                productId = ctx.id(a.required("id")),
                quantity = a.uint("quantity")!!,
                location = a.text("location"),
                expiresIn = a.seconds("expires_in_seconds"),
                expiresAt = a.text("expires_at")?.let { Instant.parse(it) },
                reference = a.text("reference"),
                actor = a.text("actor"),
            )
            attempt { Outcome.Held(t.reserve(new, idempotencyKey = a.text("idempotency_key"))) }
        }
        "commit_hold" -> {
            val a = Args(step, op, listOf("hold"), listOf("quantity", "reason", "reference", "actor", "idempotency_key"))
            val hold = ctx.id(a.required("hold"))
            val quantity = a.uint("quantity")
            attempt {
                Outcome.Product(
                    t.commitHold(
                        hold, quantity = quantity, reason = a.text("reason") ?: "sale", reference = a.text("reference"),
                        actor = a.text("actor"), idempotencyKey = a.text("idempotency_key"),
                    ),
                )
            }
        }
        "release_hold" -> {
            val a = Args(step, op, listOf("hold"), listOf("idempotency_key"))
            val hold = ctx.id(a.required("hold"))
            attempt { Outcome.Held(t.releaseHold(hold, idempotencyKey = a.text("idempotency_key"))) }
        }
        "get_hold" -> {
            val hold = ctx.id(Args(step, op, listOf("hold")).required("hold"))
            attempt { Outcome.Held(t.inv.hold(hold)) }
        }
        "holds" -> {
            val a = Args(step, op, listOf("id"), listOf("status"))
            val id = ctx.id(a.required("id"))
            val includeClosed = when (val status = a.text("status")) {
                null -> false
                "all" -> true
                else -> throw Mismatch("this runner passes no status but \"all\", not \"$status\"")
            }
            attempt { Outcome.Holds(if (includeClosed) t.inv.holds(id, includeClosed = true) else t.inv.holds(id)) }
        }
        "expire_holds" -> {
            Args(step, op, emptyList())
            attempt { Outcome.Number(t.inv.expireHolds().toLong()) }
        }
        "transaction" -> {
            val a = Args(step, op, listOf("steps"), listOf("rollback"))
            if (t.isTransaction) throw Mismatch("a transaction inside a transaction")
            val steps = step["args"].obj("args")["steps"].arr("steps").map { it.obj("a step") }
            attempt {
                t.inv.begin().use { tx ->
                    val failure = runSteps(Target(null, tx), steps, ctx)
                    if (failure != null) throw Mismatch("inside the transaction, $failure")
                    if (a.flag("rollback")) tx.rollback() else tx.commit()
                }
                Outcome.Done
            }
        }
        "advance_clock" -> {
            val by = Args(step, op, listOf("seconds")).seconds("seconds")!!
            val clock = ctx.clock ?: throw Mismatch("advance_clock in a case with no \"clock\"")
            clock.advance(by)
            Outcome.Done
        }
        else -> throw Mismatch("unknown operation \"$op\"")
    }
}

/** The core's code for an error variant. */
fun code(e: InventoryException): String = when (e) {
    is InventoryException.Validation -> "VALIDATION"
    is InventoryException.DuplicateSku -> "DUPLICATE_SKU"
    is InventoryException.NotFound -> "NOT_FOUND"
    is InventoryException.InsufficientStock -> "INSUFFICIENT_STOCK"
    is InventoryException.StockOverflow -> "STOCK_OVERFLOW"
    is InventoryException.VersionConflict -> "VERSION_CONFLICT"
    is InventoryException.IdempotencyConflict -> "IDEMPOTENCY_CONFLICT"
    is InventoryException.HoldClosed -> "HOLD_CLOSED"
    is InventoryException.HoldExpired -> "HOLD_EXPIRED"
    is InventoryException.Storage -> "STORAGE"
}

/** The field an error is about, as the core names it (InventoryError::field). */
fun field(e: InventoryException): String? = when (e) {
    is InventoryException.Validation -> e.field
    is InventoryException.VersionConflict -> e.field
    is InventoryException.DuplicateSku -> "sku"
    is InventoryException.IdempotencyConflict -> "idempotency_key"
    is InventoryException.HoldClosed, is InventoryException.HoldExpired -> "hold_id"
    is InventoryException.InsufficientStock -> e.field
    is InventoryException.StockOverflow -> e.field
    is InventoryException.NotFound, is InventoryException.Storage -> null
}

fun describe(got: Outcome): String = when (got) {
    is Outcome.Failed -> "error ${code(got.error)} (field ${field(got.error)}): ${got.error}"
    is Outcome.Product -> got.p.let { "product {id: ${it.id}, name: \"${it.name}\", sku: \"${it.sku}\", price: ${it.price.toPlainString()}, stock: ${it.stock}, version: ${it.version}}" }
    is Outcome.Done -> "ok"
    is Outcome.Listed -> "page {skus: ${got.page.items.map { it.sku }}, total: ${got.page.total}, has_next: ${got.page.nextCursor != null}}"
    is Outcome.Total -> "value ${got.value.toPlainString()}"
    is Outcome.Events -> "events [${got.events.joinToString { "${it.kind.name.lowercase()} ${it.delta} ${it.reason}" }}]"
    is Outcome.Products -> "products [${got.ps.joinToString { "${it.sku} stock ${it.stock} version ${it.version}" }}]"
    is Outcome.Place -> "location ${got.l.code} \"${got.l.name}\" v${got.l.version}"
    is Outcome.Places -> "locations ${got.ls.map { it.code }}"
    is Outcome.Level -> "level ${got.l.location} ${got.l.onHand} ${got.l.reorderPoint}"
    is Outcome.Levels -> "levels ${got.ls.map { listOf(it.location, it.onHand, it.reserved, it.available, it.short) }}"
    is Outcome.Held -> "hold ${got.h.status} ${got.h.committed} of ${got.h.quantity}"
    is Outcome.Holds -> "holds ${got.hs.map { "${it.id} ${it.status}" }}"
    is Outcome.Number -> "number ${got.n}"
}

fun checkLevel(want: JsonObject, l: StockLevel) {
    for ((key, v) in want.entrySet()) {
        when (key) {
            "location" -> same("location", v.str(key), l.location)
            "on_hand" -> same("on_hand", v.long(key), l.onHand.toLong())
            "reorder_point" -> same("reorder_point", v.longOrNull(key), l.reorderPoint?.toLong())
            "reserved" -> same("reserved", v.long(key), l.reserved.toLong())
            "available" -> same("available", v.long(key), l.available.toLong())
            "short" -> same("short", v.long(key), l.short.toLong())
            else -> throw Mismatch("unknown level field \"$key\" in the expectation")
        }
    }
}

// ------------------------------------------------------------------------------- expectations

fun <T> same(what: String, want: T, got: T) {
    if (want != got) throw Mismatch("$what: expected <$want>, got <$got>")
}

fun checkProduct(want: JsonObject, p: Product, ctx: Ctx) {
    for ((key, v) in want.entrySet()) {
        when (key) {
            "id" -> same("id", ctx.idText(v.str("id")), p.id.toString())
            "name" -> same("name", v.str(key), p.name)
            "sku" -> same("sku", v.str(key), p.sku)
            "price" -> same("price", v.str(key), p.price.toPlainString())
            "stock" -> same("stock", v.long(key), p.stock.toLong())
            "version" -> same("version", v.long(key), p.version.toLong())
            else -> throw Mismatch("unknown product field \"$key\" in the expectation")
        }
    }
}

fun checkPage(want: JsonObject, page: Page) {
    for ((key, v) in want.entrySet()) {
        when (key) {
            "skus" -> same("skus", v.arr(key).map { it.str("a sku") }, page.items.map { it.sku })
            "count" -> same("count", v.long(key), page.items.size.toLong())
            "total" -> same("total", v.longOrNull(key), page.total?.toLong())
            "has_next" -> same("has_next", v.bool(key), page.nextCursor != null)
            else -> throw Mismatch("unknown page field \"$key\" in the expectation")
        }
    }
}

fun checkEvent(want: JsonObject, e: Event) {
    for ((key, v) in want.entrySet()) {
        when (key) {
            "kind" -> same("kind", v.str(key), e.kind.name.lowercase())
            "sku" -> same("sku", v.str(key), e.sku)
            "delta" -> same("delta", v.longOrNull(key), e.delta)
            "stock_before" -> same("stock_before", v.longOrNull(key), e.stockBefore?.toLong())
            "stock_after" -> same("stock_after", v.longOrNull(key), e.stockAfter?.toLong())
            "reason" -> same("reason", v.strOrNull(key), e.reason)
            "reference" -> same("reference", v.strOrNull(key), e.reference)
            "actor" -> same("actor", v.strOrNull(key), e.actor)
            "location" -> same("location", v.strOrNull(key), e.location)
            "idempotency_key" -> same("idempotency_key", v.strOrNull(key), e.idempotencyKey)
            "linked" -> same("linked", v.bool(key), e.transferId != null)
            "hold" -> same("hold", v.bool(key), e.holdId != null)
            "quantity" -> same("quantity", v.longOrNull(key), e.quantity?.toLong())
            "changes" -> same(
                "changes",
                v.arr(key).map { c -> c.obj("a change").let { Triple(it["field"].str("field"), it["before"].str("before"), it["after"].str("after")) } },
                e.changes.map { Triple(it.field, it.before, it.after) },
            )
            else -> throw Mismatch("unknown event field \"$key\" in the expectation")
        }
    }
}

fun checkHold(want: JsonObject, h: Hold, ctx: Ctx) {
    for ((key, v) in want.entrySet()) {
        when (key) {
            "id" -> same("id", ctx.idText(v.str("id")), h.id.toString())
            "status" -> same("status", v.str(key), h.status.name.lowercase())
            "quantity" -> same("quantity", v.long(key), h.quantity.toLong())
            "committed" -> same("committed", v.long(key), h.committed.toLong())
            "location" -> same("location", v.str(key), h.location)
            "reference" -> same("reference", v.strOrNull(key), h.reference)
            "actor" -> same("actor", v.strOrNull(key), h.actor)
            "expires_at" -> same("expires_at", v.strOrNull(key)?.let { Instant.parse(it) }, h.expiresAt)
            else -> throw Mismatch("unknown hold field \"$key\" in the expectation")
        }
    }
}

/** Compares an answer with a step's "expect". */
fun check(want: JsonObject, got: Outcome, ctx: Ctx) {
    if (want.has("error")) {
        if (want.keySet().any { it !in setOf("error", "field", "message") }) throw Mismatch("an error expectation has error, field and message only")
        val error = (got as? Outcome.Failed)?.error
            ?: throw Mismatch("expected error ${want["error"].str("error")}, got ${describe(got)}")
        same("error", want["error"].str("error"), code(error))
        if (want.has("field")) same("error field", want["field"].str("field"), field(error))
        if (want.has("message")) same("error message", want["message"].str("message"), ctx.pinned(error.toString()))
        return
    }
    if (want.size() != 1) throw Mismatch("an expectation has one key, not ${want.keySet()}")
    val (kind, v) = want.entrySet().first()
    try {
        when {
            kind == "product" && got is Outcome.Product -> checkProduct(v.obj("product"), got.p, ctx)
            kind == "ok" && got is Outcome.Done -> same("ok", true, v.bool("ok"))
            kind == "page" && got is Outcome.Listed -> checkPage(v.obj("page"), got.page)
            kind == "value" && got is Outcome.Total -> same("value", v.str("value"), got.value.toPlainString())
            kind == "events" && got is Outcome.Events -> {
                val events = v.arr("events")
                same("number of events", events.size(), got.events.size)
                events.forEachIndexed { i, w ->
                    try {
                        checkEvent(w.obj("an event"), got.events[i])
                    } catch (m: Mismatch) {
                        throw Mismatch("event $i: ${m.message}")
                    }
                }
            }
            kind == "products" && got is Outcome.Products -> {
                val products = v.arr("products")
                same("number of products", products.size(), got.ps.size)
                products.forEachIndexed { i, w -> checkProduct(w.obj("a product")["product"].obj("product"), got.ps[i], ctx) }
            }
            kind == "location" && got is Outcome.Place -> {
                for ((key, w) in v.obj("location").entrySet()) {
                    when (key) {
                        "code" -> same("code", w.str(key), got.l.code)
                        "name" -> same("name", w.str(key), got.l.name)
                        "version" -> same("version", w.long(key), got.l.version.toLong())
                        else -> throw Mismatch("unknown location field \"$key\"")
                    }
                }
            }
            kind == "locations" && got is Outcome.Places -> same("locations", v.arr("locations").map { it.str("a code") }, got.ls.map { it.code })
            kind == "level" && got is Outcome.Level -> checkLevel(v.obj("level"), got.l)
            kind == "levels" && got is Outcome.Levels -> {
                val levels = v.arr("levels")
                same("number of levels", levels.size(), got.ls.size)
                levels.forEachIndexed { i, w -> checkLevel(w.obj("a level"), got.ls[i]) }
            }
            kind == "hold" && got is Outcome.Held -> checkHold(v.obj("hold"), got.h, ctx)
            kind == "holds" && got is Outcome.Holds -> {
                val holds = v.arr("holds")
                same("number of holds", holds.size(), got.hs.size)
                holds.forEachIndexed { i, w -> checkHold(w.obj("a hold"), got.hs[i], ctx) }
            }
            kind == "number" && got is Outcome.Number -> same("number", v.long("number"), got.n)
            kind in listOf("product", "ok", "page", "value", "events", "products", "location", "locations", "level", "levels", "hold", "holds", "number") ->
                throw Mismatch("expected $kind")
            else -> throw Mismatch("unknown expectation \"$kind\"")
        }
    } catch (m: Mismatch) {
        throw Mismatch("${m.message}; got ${describe(got)}")
    }
}

// ------------------------------------------------------------------------------- running

/** Runs one case; returns null, or what failed ("step i (op): …"). */
fun runCase(inv: Inventory, case: VectorCase, clock: ManualClock?): String? {
    val ctx = Ctx()
    ctx.clock = clock
    runSteps(Target(inv, null), case.steps, ctx)?.let { return it }
    return try {
        inv.checkLedger()
        null
    } catch (e: InventoryException) {
        "after the last step, the ledger invariant fails: $e"
    }
}

/** Runs [steps] in order on [t]; returns null, or what failed first. */
fun runSteps(t: Target, steps: List<JsonObject>, ctx: Ctx): String? {
    for ((i, step) in steps.withIndex()) {
        val op = (step["op"] as? JsonPrimitive)?.takeIf { it.isString }?.asString
        try {
            if (op == null) throw Mismatch("a step without \"op\"")
            if (t.isTransaction && op !in TRANSACTION_OPS) throw Mismatch("$op is not a call of a transaction")
            val want = step["expect"].obj("\"expect\"")
            val got = call(t, op, step, ctx)
            check(want, got, ctx)
            step["save_as"]?.let { save ->
                ctx.ids[save.str("save_as")] = when (got) {
                    is Outcome.Product -> got.p.id
                    is Outcome.Held -> got.h.id
                    else -> throw Mismatch("save_as $save needs a product or hold to save")
                }
            }
            if (got is Outcome.Listed) ctx.next = got.page.nextCursor
        } catch (m: Mismatch) {
            return "step $i ($op): ${m.message}"
        } catch (e: Exception) {
            // Anything but an InventoryException is a failure of the binding (or of this runner).
            return "step $i ($op): threw ${e::class.qualifiedName}: ${e.message}"
        }
    }
    return null
}

/** Runs every case on inventories from [open]; prints the summary line, the skipped cases and
 *  every failing case; returns how many failed. */
fun runAll(store: String, cases: List<VectorCase>, open: (Int, ManualClock?) -> Inventory): Int {
    var steps = 0
    val skipped = mutableListOf<String>()
    val failures = mutableListOf<String>()
    for ((n, case) in cases.withIndex()) {
        if (case.skip != null) {
            skipped += "${case.name}: ${case.skip}"
            continue
        }
        steps += case.steps.size
        val clock = case.clock?.let { ManualClock(Instant.parse(it)) }
        val failure = open(n, clock).use { inv -> runCase(inv, case, clock) }
        clock?.close()
        if (failure != null) failures += "${case.file}: case \"${case.name}\", $failure"
    }
    val skippedNote = if (skipped.isEmpty()) "" else ", ${skipped.size} skipped"
    println("conformance: ${cases.size} cases, $steps steps, store $store$skippedNote")
    skipped.forEach { println("  skipped $it") }
    if (failures.isNotEmpty()) {
        println("conformance: ${failures.size} of ${cases.size} cases failed (store $store):")
        failures.forEach { println("  $it") }
    }
    return failures.size
}

fun main(args: Array<String>) {
    require(args.size == 1) { "usage: conformance.ConformanceKt VECTORS_DIR" }
    val cases = load(Paths.get(args[0]))
    val dir = Files.createTempDirectory("inventory-conformance")
    val failures = try {
        // Each case gets its own SQLite file, copied from one new database: creating the schema
        // costs more than most cases.
        val template = dir.resolve("template.db")
        Inventory.open(template.toString()).close()
        runAll("memory", cases) { _, clock -> clock?.let { Inventory.inMemoryWithClock(it) } ?: Inventory.inMemory() } +
            runAll("sqlite", cases) { n, clock ->
                val file = dir.resolve("case-$n.db")
                Files.copy(template, file)
                clock?.let { Inventory.openWithClock(file.toString(), it) } ?: Inventory.open(file.toString())
            }
    } finally {
        dir.toFile().deleteRecursively()
    }
    if (failures > 0) exitProcess(1)
}
