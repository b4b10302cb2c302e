//! # inventory-ffi
//!
//! Kotlin and Swift bindings of [`inventory_core`] for mobile apps, generated with
//! [uniffi](https://mozilla.github.io/uniffi-rs/) from the proc-macro annotations in this crate
//! and in inventory-core (feature `uniffi`). The crate is thin: every rule lives in the core; this
//! crate only exposes [`Inventory`] as a uniffi object and converts the two inputs whose core type
//! does not cross as is ([`Query`]'s ordering, and a stock movement's [`StockChange`]).
//!
//! What the app sees:
//!
//! | Rust | Kotlin | Swift |
//! |---|---|---|
//! | [`Inventory`] | `inventory.Inventory` | `Inventory` |
//! | `Product`, `NewProduct`, `ProductPatch`, `Event`, `EventKind`, `FieldChange`, `Page` | `inventory.core.*` data classes | structs and enums |
//! | [`Query`] | `inventory.Query` | `Query` |
//! | `InventoryError` | `inventory.core.InventoryException.Validation`, `.DuplicateSku`, … | `InventoryError` (a Swift `Error`) |
//! | `Decimal`, `Uuid`, `DateTime<Utc>` | `BigDecimal`, `UUID`, `Instant` | `Decimal`, `UUID`, `Date` |
//!
//! ```kotlin
//! val inv = Inventory.open("shop.db")                   // or Inventory.inMemory()
//! val p = inv.create(NewProduct(name = "Widget", sku = " ab-1 ", price = BigDecimal("9.99"), stock = 10u))
//! inv.adjustStock(p.id, -3, "sale", reference = "order-42")
//! try { inv.adjustStock(p.id, -100, "sale") }
//! catch (e: InventoryException.InsufficientStock) { println("only ${e.available} left") }
//! ```
//!
//! The same from Rust, which is how this crate's own tests use it:
//!
//! ```
//! use inventory_ffi::{Inventory, Query};
//! use inventory_core::{NewProduct, parse_price};
//!
//! let inv = Inventory::in_memory();
//! let p = inv.create(NewProduct::new("Widget", " ab-1 ", parse_price("9.99")?).with_stock(10), None)?;
//! inv.adjust_stock(p.id, -3, "sale".into(), Some("order-42".into()), None, None, None, None)?;
//! let page = inv.list(Query { order_by: Some("-price".into()), ..Query::default() })?;
//! assert_eq!(page.items[0].stock, 7);
//! # Ok::<(), inventory_core::InventoryError>(())
//! ```

use std::sync::Arc;

use inventory_core::chrono::{DateTime, Utc};
use inventory_core::{
    Clock, Decimal, Durability, Event, Hold, HoldStatus, InventoryError, Location, NewHold,
    NewProduct, Page, Product, ProductPatch, QueryInput, Snapshot, StockChange, StockLevel, Uuid,
};

uniffi::setup_scaffolding!();

// Decimal and Uuid are uniffi custom types of inventory-core (BigDecimal/UUID in Kotlin,
// Decimal/UUID in Swift); this crate's signatures use them as they are.
uniffi::use_remote_type!(inventory_core::Decimal);
uniffi::use_remote_type!(inventory_core::Uuid);
uniffi::use_remote_type!(inventory_core::DateTime<Utc>);

type Result<T> = std::result::Result<T, InventoryError>;

/// An inventory of products with a ledger of every change, stored in a SQLite file, a PostgreSQL
/// database or in memory.
///
/// Safe to share between threads: every call is atomic, and stock movements from many threads
/// never lose an update.
///
/// ```kotlin
/// val inv = Inventory.open(context.filesDir.resolve("shop.db").path)
/// val p = inv.create(NewProduct(name = "Widget", sku = "AB-1", price = BigDecimal("9.99"), stock = 10u))
/// inv.adjustStock(p.id, -3, "sale")
/// ```
///
/// ```swift
/// let inv = try Inventory.open(location: path)
/// let p = try inv.create(new: NewProduct(name: "Widget", sku: "AB-1", price: Decimal(string: "9.99")!, stock: 10))
/// ```
#[derive(Debug, uniffi::Object)]
pub struct Inventory {
    inner: inventory_core::Inventory,
}

/// What to list: every filter is optional, and all given filters must hold.
///
/// ```kotlin
/// val page = inv.list(Query(lowStock = 5u, orderBy = "-price", limit = 50u))
/// val next = inv.list(Query(lowStock = 5u, orderBy = "-price", limit = 50u, cursor = page.nextCursor))
/// ```
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Query {
    /// Name contains this text, ignoring case.
    #[uniffi(default = None)]
    pub name_contains: Option<String>,
    /// SKU starts with this (normalised like a SKU first).
    #[uniffi(default = None)]
    pub sku_prefix: Option<String>,
    /// Stock at or below this threshold.
    #[uniffi(default = None)]
    pub low_stock: Option<u32>,
    /// Price at least this.
    #[uniffi(default = None)]
    pub min_price: Option<Decimal>,
    /// Price at most this.
    #[uniffi(default = None)]
    pub max_price: Option<Decimal>,
    /// `created_at` (the default), `name`, `sku`, `price` or `stock`; a leading `-` for
    /// descending (`"-price"`).
    #[uniffi(default = None)]
    pub order_by: Option<String>,
    /// Page size: default 50, at most 1,000.
    #[uniffi(default = None)]
    pub limit: Option<u32>,
    /// Where the previous page ended (`Page.nextCursor`).
    #[uniffi(default = None)]
    pub cursor: Option<String>,
    /// Rows to skip after the cursor.
    #[uniffi(default = None)]
    pub offset: Option<u64>,
    /// Only products due for reordering: at `location`, the level at or below its reorder
    /// point there; without it, the stock at or below the sum of the product's reorder points.
    #[uniffi(default = false)]
    pub below_reorder_point: bool,
    /// The location (its code) `belowReorderPoint` looks at; only with it.
    #[uniffi(default = None)]
    pub location: Option<String>,
    /// Count every match for `Page.total` (`false`: `total` is null and a page costs what its
    /// rows cost).
    #[uniffi(default = true)]
    pub with_total: bool,
}

/// One movement of a batch (`apply`): as `adjustStock`, `setStock` or `transfer`.
///
/// ```kotlin
/// inv.apply(listOf(
///     Movement.Adjust(productId = p.id, delta = -1, reason = "sale", location = "WH-1"),
///     Movement.Count(productId = q.id, quantity = 12u),
///     Movement.Transfer(productId = p.id, quantity = 1u, fromLocation = "WH-1", toLocation = "DEFAULT"),
/// ), idempotencyKey = "order-77")
/// ```
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum Movement {
    Adjust {
        product_id: Uuid,
        delta: i64,
        reason: String,
        #[uniffi(default = None)]
        location: Option<String>,
        #[uniffi(default = None)]
        reference: Option<String>,
        #[uniffi(default = None)]
        actor: Option<String>,
        #[uniffi(default = None)]
        expected: Option<u32>,
    },
    Count {
        product_id: Uuid,
        quantity: u32,
        #[uniffi(default = "count")]
        reason: String,
        #[uniffi(default = None)]
        location: Option<String>,
        #[uniffi(default = None)]
        reference: Option<String>,
        #[uniffi(default = None)]
        actor: Option<String>,
        #[uniffi(default = None)]
        expected: Option<u32>,
    },
    Transfer {
        product_id: Uuid,
        quantity: u32,
        from_location: String,
        to_location: String,
        #[uniffi(default = "transfer")]
        reason: String,
        #[uniffi(default = None)]
        reference: Option<String>,
        #[uniffi(default = None)]
        actor: Option<String>,
        #[uniffi(default = None)]
        expected: Option<u32>,
    },
}

impl From<Movement> for inventory_core::Movement {
    fn from(m: Movement) -> Self {
        let change = |reason, location, reference, actor, expected| StockChange {
            reason,
            reference,
            actor,
            location,
            expected,
        };
        match m {
            Movement::Adjust {
                product_id,
                delta,
                reason,
                location,
                reference,
                actor,
                expected,
            } => Self::adjust(
                product_id,
                delta,
                change(reason, location, reference, actor, expected),
            ),
            Movement::Count {
                product_id,
                quantity,
                reason,
                location,
                reference,
                actor,
                expected,
            } => Self::count(
                product_id,
                quantity,
                change(reason, location, reference, actor, expected),
            ),
            Movement::Transfer {
                product_id,
                quantity,
                from_location,
                to_location,
                reason,
                reference,
                actor,
                expected,
            } => Self::transfer(
                product_id,
                quantity,
                from_location,
                to_location,
                change(reason, None, reference, actor, expected),
            ),
        }
    }
}

impl Default for Query {
    /// Every filter off, the default order and page size, the total counted.
    fn default() -> Self {
        Self {
            name_contains: None,
            sku_prefix: None,
            low_stock: None,
            min_price: None,
            max_price: None,
            order_by: None,
            limit: None,
            cursor: None,
            offset: None,
            below_reorder_point: false,
            location: None,
            with_total: true,
        }
    }
}

impl TryFrom<Query> for inventory_core::Query {
    type Error = InventoryError;

    /// Through the core's [`QueryInput`], as every binding's query goes.
    fn try_from(q: Query) -> Result<Self> {
        QueryInput {
            name_contains: q.name_contains,
            sku_prefix: q.sku_prefix,
            low_stock: q.low_stock.map(i64::from),
            min_price: q.min_price.map(|d| d.to_string()),
            max_price: q.max_price.map(|d| d.to_string()),
            order_by: q.order_by,
            limit: q.limit.map(i64::from),
            cursor: q.cursor,
            offset: q.offset.map(|n| i64::try_from(n).unwrap_or(i64::MAX)),
            below_reorder_point: q.below_reorder_point,
            location: q.location,
            with_total: Some(q.with_total),
        }
        .parse()
    }
}

/// A clock that stands still until it is moved: give it to `Inventory.openWithClock` or
/// `Inventory.inMemoryWithClock` to test what happens when time passes (a hold expiring)
/// without waiting for it.
///
/// ```kotlin
/// val clock = ManualClock(Instant.parse("2030-01-01T00:00:00Z"))
/// val inv = Inventory.inMemoryWithClock(clock)
/// val h = inv.reserve(NewHold(productId = p.id, quantity = 2u, expiresIn = Duration.ofMinutes(15)))
/// clock.advance(Duration.ofMinutes(15))
/// inv.hold(h.id).status   // HoldStatus.EXPIRED
/// ```
#[derive(Debug, uniffi::Object)]
pub struct ManualClock {
    inner: Arc<inventory_core::ManualClock>,
}

#[uniffi::export]
impl ManualClock {
    /// A clock showing `start`.
    #[uniffi::constructor]
    pub fn new(start: DateTime<Utc>) -> Arc<Self> {
        Arc::new(Self {
            inner: Arc::new(inventory_core::ManualClock::new(start)),
        })
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: std::time::Duration) {
        self.inner.advance(by);
    }

    /// Sets the clock (it may go back).
    pub fn set(&self, t: DateTime<Utc>) {
        self.inner.set(t);
    }

    /// What the clock shows.
    pub fn now(&self) -> DateTime<Utc> {
        self.inner.now()
    }
}

impl Inventory {
    /// A write: a transaction of one call, under `idempotency_key` when one is given.
    fn call<T: Send + 'static>(
        &self,
        idempotency_key: Option<String>,
        f: impl FnMut(&mut inventory_core::Transaction<'_>) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        self.inner
            .idempotent(idempotency_key.as_deref())?
            .transaction(f)
    }

    /// A read, on the inventory.
    fn read<T>(
        &self,
        outside: impl FnOnce(&inventory_core::Inventory) -> Result<T>,
        _inside: impl FnOnce(&mut inventory_core::Transaction<'_>) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        outside(&self.inner)
    }
}

/// Calls that commit together, or not at all: made by `Inventory.begin()`, ended by `commit()`
/// or `rollback()` (closing it without a commit rolls back). It has the inventory's writes and
/// its reads by key (`get`, `getBySku`, `location`), with the same rules and exceptions; they
/// see the transaction's own writes. A call that throws ends the transaction: `commit()` then
/// throws that exception too. Until it ends, the thread that began it may not call the
/// inventory itself (`Validation`, field `transaction`).
///
/// ```kotlin
/// inv.begin().use { tx ->
///     val p = tx.create(NewProduct(name = "Mug", sku = "MUG-1", price = BigDecimal("8.50"), stock = 0u))
///     tx.adjustStock(p.id, 12, "restock")
///     tx.adjustStock(p.id, -2, "sale")
///     tx.commit()
/// }
/// ```
#[derive(Debug, uniffi::Object)]
pub struct Transaction {
    open: inventory_core::OpenTransaction,
}

impl Transaction {
    /// A write inside the transaction, under `idempotency_key` when one is given.
    fn call<T: Send + 'static>(
        &self,
        idempotency_key: Option<String>,
        mut f: impl FnMut(&mut inventory_core::Transaction<'_>) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        self.open.call(move |tx| {
            tx.idempotent(idempotency_key.as_deref())?;
            let result = f(tx);
            tx.idempotent(None)?;
            result
        })
    }

    /// A read inside the transaction.
    fn read<T: Send + 'static>(
        &self,
        _outside: impl FnOnce(&inventory_core::Inventory) -> Result<T>,
        inside: impl FnOnce(&mut inventory_core::Transaction<'_>) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        self.open.call(inside)
    }
}

#[uniffi::export]
impl Transaction {
    /// Commits every call at once; throws the exception of a call that failed (and then
    /// nothing is written), or `Validation` (field `transaction`) when it ended before.
    pub fn commit(&self) -> Result<()> {
        self.open.commit()
    }

    /// Rolls every call back (nothing happens when it ended before).
    pub fn rollback(&self) {
        self.open.rollback();
    }

    /// When a write with this idempotency key was first applied, or null.
    pub fn key_used_at(&self, key: String) -> Result<Option<DateTime<Utc>>> {
        self.open.call(move |tx| tx.key_used_at(&key))
    }
}

#[uniffi::export]
impl Inventory {
    /// Opens an inventory: a SQLite file at `location` (created if missing; `sqlite://PATH`
    /// works too), a PostgreSQL database at a `postgres://` URL, `memory:` for a new in-memory
    /// store, or `:memory:` for in-memory SQLite.
    ///
    /// Throws `Validation` (field `location`) for an empty location and `Storage` when the file
    /// cannot be opened.
    #[uniffi::constructor]
    pub fn open(location: String) -> Result<Arc<Self>> {
        Ok(Arc::new(Self {
            inner: inventory_core::Inventory::open(&location)?,
        }))
    }

    /// Like `open`, choosing what a commit to a SQLite file survives: `Durability.NORMAL` (the
    /// default of `open`: an app crash, not always a power loss) or `Durability.FULL` (waits for
    /// the disk on every commit, and survives a power loss too).
    ///
    /// ```kotlin
    /// val inv = Inventory.openWith(path, Durability.FULL)
    /// ```
    #[uniffi::constructor]
    pub fn open_with(location: String, durability: Durability) -> Result<Arc<Self>> {
        let options = inventory_core::OpenOptions { durability };
        Ok(Arc::new(Self {
            inner: inventory_core::Inventory::open_with(&location, &options)?,
        }))
    }

    /// Closes the inventory: every call that starts afterwards, on any thread, throws
    /// `InventoryException.Storage` of kind `CLOSED` (uniffi's own `close()`/`destroy()` only
    /// drops this handle's reference, and lets calls started after it succeed while others are
    /// in flight). Call `shutdown()` first, then `close()` (or leave `use {}`).
    ///
    /// ```kotlin
    /// inv.shutdown()
    /// inv.list(Query())   // throws InventoryException.Storage(kind = StorageKind.CLOSED, …)
    /// ```
    pub fn shutdown(&self) {
        self.inner.close();
    }

    /// Whether `shutdown()` was called.
    pub fn is_shut_down(&self) -> bool {
        self.inner.is_closed()
    }

    /// A new, empty inventory in memory (gone when the object is).
    #[uniffi::constructor]
    pub fn in_memory() -> Arc<Self> {
        Arc::new(Self {
            inner: inventory_core::Inventory::in_memory(),
        })
    }

    /// Like `open`, with its time from `clock` (for tests of expiry).
    #[uniffi::constructor]
    pub fn open_with_clock(location: String, clock: Arc<ManualClock>) -> Result<Arc<Self>> {
        Ok(Arc::new(Self {
            inner: inventory_core::Inventory::open(&location)?.with_clock(clock.inner.clone()),
        }))
    }

    /// Like `inMemory`, with its time from `clock` (for tests of expiry).
    #[uniffi::constructor]
    pub fn in_memory_with_clock(clock: Arc<ManualClock>) -> Arc<Self> {
        Arc::new(Self {
            inner: inventory_core::Inventory::in_memory().with_clock(clock.inner.clone()),
        })
    }

    /// The hold with this id, as it is now (an active hold past its time reads as `EXPIRED`);
    /// throws `NotFound`.
    pub fn hold(&self, hold_id: Uuid) -> Result<Hold> {
        self.inner.hold(hold_id)
    }

    /// A product's active holds, oldest first; with `includeClosed`, every hold it ever had.
    #[uniffi::method(default(include_closed = false))]
    pub fn holds(&self, product_id: Uuid, include_closed: bool) -> Result<Vec<Hold>> {
        let status = (!include_closed).then_some(HoldStatus::Active);
        self.inner.holds(product_id, status)
    }

    /// Records the expiry of every hold past its time (a `HOLD_EXPIRED` event each); returns
    /// how many. Not needed for correctness: a hold stops reserving at its `expiresAt` anyway.
    pub fn expire_holds(&self) -> Result<u32> {
        self.inner.expire_holds()
    }

    /// Every location, ordered by code (`DEFAULT` included).
    pub fn locations(&self) -> Result<Vec<Location>> {
        self.inner.locations()
    }

    /// A product's stock per location, ordered by code; throws `NotFound` for an unknown id.
    pub fn stock_levels(&self, id: Uuid) -> Result<Vec<StockLevel>> {
        self.inner.stock_levels(id)
    }

    /// Begins a [`Transaction`]: its calls commit together on `commit()`, or not at all.
    pub fn begin(&self) -> Result<Arc<Transaction>> {
        Ok(Arc::new(Transaction {
            open: self.inner.begin()?,
        }))
    }

    /// The id of this store as a replica: every event it writes carries it.
    pub fn replica_id(&self) -> Result<Uuid> {
        self.inner.replica_id()
    }

    /// One page of products: filtered, ordered, and paginated by cursor. `Page.total` counts the
    /// matches on all pages.
    pub fn list(&self, query: Query) -> Result<Page> {
        self.inner.list(&query.try_into()?)
    }

    /// Σ price × stock over every product, exact, with two decimal places.
    pub fn total_value(&self) -> Result<Decimal> {
        self.inner.total_value()
    }

    /// Every event of one product, oldest first (a deleted product keeps its history); throws
    /// `NotFound` for an id that never existed.
    pub fn history(&self, id: Uuid) -> Result<Vec<Event>> {
        self.inner.history(id)
    }

    /// Up to `limit` (default 1,000, at most 10,000) events after sequence number `since`,
    /// oldest first: start at 0, then pass the last `seq` you saw.
    #[uniffi::method(default(limit = None))]
    pub fn events_since(&self, since: u64, limit: Option<u32>) -> Result<Vec<Event>> {
        self.inner.events_since(since, limit)
    }

    /// Checks that every product's stock equals the sum of its movements; throws `Storage`
    /// naming the first product that disagrees.
    pub fn check_ledger(&self) -> Result<()> {
        self.inner.check_ledger()
    }

    /// Every product and event as one JSON document (a backup, or a move to another store).
    pub fn export_json(&self) -> Result<String> {
        Ok(self.inner.export()?.to_json())
    }

    /// Loads a document written by `exportJson` into this inventory, which must be empty. The
    /// document is checked whole first; a bad one throws `Validation` (field `snapshot`) and
    /// nothing is written.
    pub fn import_json(&self, json: String) -> Result<()> {
        self.inner.import(&Snapshot::from_json(&json)?)
    }
}

/// The calls an [`Inventory`] and a [`Transaction`] share (the writes, and the reads by key),
/// written once: each runs its core call through the type's `call` (a write, under the
/// call's idempotency key) or `read`.
// rustfmt re-indents attribute arguments inside a macro body on every run; keep it out.
#[rustfmt::skip]
macro_rules! shared_calls {
    ($ty:ident) => {
        #[uniffi::export]
        impl $ty {
            /// Holds stock for a cart or an order: `new.quantity` of a product at a location, until
            /// `commitHold`, `releaseHold` or its expiry (`expiresIn` or `expiresAt`, not both). Held
            /// stock is not for sale: `adjustStock` and `transfer` take only what is `available`.
            /// Throws `InsufficientStock` (field `quantity`) when less is available, `Validation` for a
            /// quantity of 0 or an expiry not in the future, `NotFound` for an unknown product or
            /// location; nothing changes then.
            ///
            /// ```kotlin
            /// val h = inv.reserve(NewHold(productId = p.id, quantity = 2u, location = "WH-1",
            ///     expiresIn = Duration.ofMinutes(15), reference = "cart-1"), idempotencyKey = "cart-1-line-1")
            /// ```
            #[uniffi::method(default(idempotency_key = None))]
            pub fn reserve(&self, new: NewHold, idempotency_key: Option<String>) -> Result<Hold> {
                self.call(idempotency_key, move |tx| tx.reserve(new.clone()))
            }

            /// Commits a hold: `quantity` of it (all of it when null) leaves the stock as a
            /// `HOLD_COMMITTED` movement and the rest is released; returns the product. A hold resolves
            /// once: a second commit or release throws `HoldClosed` (unless it repeats the first with
            /// its `idempotencyKey`); a hold past its time throws `HoldExpired`.
            ///
            /// ```kotlin
            /// inv.commitHold(h.id, quantity = 1u, reference = "order-1")
            /// ```
            #[uniffi::method(default(
                quantity = None,
                reason = "sale",
                reference = None,
                actor = None,
                idempotency_key = None
            ))]
            pub fn commit_hold(
                &self,
                hold_id: Uuid,
                quantity: Option<u32>,
                reason: String,
                reference: Option<String>,
                actor: Option<String>,
                idempotency_key: Option<String>,
            ) -> Result<Product> {
                let change = StockChange {
                    reason,
                    reference,
                    actor,
                    ..StockChange::default()
                };
                self.call(idempotency_key, move |tx| {
                    tx.commit_hold(hold_id, quantity, change.clone())
                })
            }

            /// Releases a hold: its units are available again; returns the released hold. Throws
            /// `HoldClosed` if it was resolved before, `HoldExpired` if it is past its time.
            #[uniffi::method(default(idempotency_key = None))]
            pub fn release_hold(
                &self,
                hold_id: Uuid,
                idempotency_key: Option<String>,
            ) -> Result<Hold> {
                self.call(idempotency_key, move |tx| tx.release_hold(hold_id))
            }

            /// Creates a product; its initial stock is the first movement in the ledger. The SKU is
            /// trimmed and upper-cased (`" ab-1 "` becomes `"AB-1"`).
            ///
            /// Throws `Validation` (naming the field) or `DuplicateSku`; nothing is written then.
            ///
            /// Every method that changes something takes an `idempotencyKey` (1 to 255 characters):
            /// the same call made again with the same key changes nothing and returns what the first
            /// returned (a retry after a timeout is safe); the key reused for another call throws
            /// `IdempotencyConflict`.
            #[uniffi::method(default(idempotency_key = None))]
            pub fn create(
                &self,
                new: NewProduct,
                idempotency_key: Option<String>,
            ) -> Result<Product> {
                self.call(idempotency_key, move |tx| tx.create(new.clone()))
            }

            /// Creates several products in one transaction: all of them, or none when any fails.
            #[uniffi::method(default(idempotency_key = None))]
            pub fn create_many(
                &self,
                products: Vec<NewProduct>,
                idempotency_key: Option<String>,
            ) -> Result<Vec<Product>> {
                self.call(idempotency_key, move |tx| tx.create_many(products.clone()))
            }

            /// The product with this id; throws `NotFound`.
            pub fn get(&self, id: Uuid) -> Result<Product> {
                self.read(move |inv| inv.get(id), move |tx| tx.get(id))
            }

            /// The product with this SKU, normalised first (`"ab-1"` finds `AB-1`); throws `NotFound`.
            pub fn get_by_sku(&self, sku: String) -> Result<Product> {
                let inside = sku.clone();
                self.read(
                    move |inv| inv.get_by_sku(&sku),
                    move |tx| tx.get_by_sku(&inside),
                )
            }

            /// Changes any of name, SKU, price and stock (fields left null stay), in one transaction; a
            /// changed stock is recorded as a `correction` movement. With `expectedVersion` set, throws
            /// `VersionConflict` if the product changed since that version.
            #[uniffi::method(default(idempotency_key = None))]
            pub fn update(
                &self,
                id: Uuid,
                patch: ProductPatch,
                idempotency_key: Option<String>,
            ) -> Result<Product> {
                self.call(idempotency_key, move |tx| tx.update(id, patch.clone()))
            }

            /// Deletes a product; its events stay in the ledger, followed by a `DELETED` event.
            #[uniffi::method(default(idempotency_key = None))]
            pub fn delete(&self, id: Uuid, idempotency_key: Option<String>) -> Result<()> {
                self.call(idempotency_key, move |tx| tx.delete(id))
            }

            /// Moves stock by `delta` (negative for a sale), atomically, and records why (`reason`:
            /// `sale`, `restock`, `return`, `correction`, `damage` or a word of your own), for what
            /// (`reference`, e.g. an order id) and by whom (`actor`). With `expected` set (the stock the
            /// caller last saw), throws `VersionConflict` (field `stock`) if stock has moved since.
            ///
            /// `location` is a location's code (`DEFAULT` when null); `expected` compares the level
            /// there.
            ///
            /// Throws, changing nothing, `InsufficientStock` (with `available` and `requested`) if the
            /// level would go below 0, `StockOverflow` above the maximum, `Validation` for a zero delta
            /// or a bad reason/reference/actor, `NotFound` for an unknown id or location.
            #[uniffi::method(default(
                reference = None,
                actor = None,
                location = None,
                expected = None,
                idempotency_key = None
            ))]
            #[allow(clippy::too_many_arguments)]
            pub fn adjust_stock(
                &self,
                id: Uuid,
                delta: i64,
                reason: String,
                reference: Option<String>,
                actor: Option<String>,
                location: Option<String>,
                expected: Option<u32>,
                idempotency_key: Option<String>,
            ) -> Result<Product> {
                let change = StockChange {
                    reason,
                    reference,
                    actor,
                    location,
                    expected,
                };
                self.call(idempotency_key, move |tx| {
                    tx.adjust_stock(id, delta, change.clone())
                })
            }

            /// Records a physical count: the level at `location` (`DEFAULT` when null) becomes
            /// `quantity`, and the ledger keeps a `COUNTED` event with the difference. With `expected`
            /// set (the level the counter saw), throws `VersionConflict` (field `stock`) if it has moved.
            #[uniffi::method(default(
                reference = None,
                actor = None,
                location = None,
                expected = None,
                idempotency_key = None
            ))]
            #[allow(clippy::too_many_arguments)]
            pub fn set_stock(
                &self,
                id: Uuid,
                quantity: u32,
                reason: String,
                reference: Option<String>,
                actor: Option<String>,
                location: Option<String>,
                expected: Option<u32>,
                idempotency_key: Option<String>,
            ) -> Result<Product> {
                let change = StockChange {
                    reason,
                    reference,
                    actor,
                    location,
                    expected,
                };
                self.call(idempotency_key, move |tx| {
                    tx.set_stock(id, quantity, change.clone())
                })
            }

            /// Moves `quantity` of a product from one location to another in one transaction (two
            /// `TRANSFERRED` events sharing a `transferId`); the product's stock does not change.
            /// Throws `InsufficientStock` if the source holds less, `NotFound` for an unknown location,
            /// `Validation` for a quantity of 0 or the same location twice.
            ///
            /// ```kotlin
            /// inv.transfer(p.id, 3u, fromLocation = "WH-1", toLocation = "DEFAULT", reference = "t-9")
            /// ```
            #[uniffi::method(default(
                reason = "transfer",
                reference = None,
                actor = None,
                expected = None,
                idempotency_key = None
            ))]
            #[allow(clippy::too_many_arguments)]
            pub fn transfer(
                &self,
                id: Uuid,
                quantity: u32,
                from_location: String,
                to_location: String,
                reason: String,
                reference: Option<String>,
                actor: Option<String>,
                expected: Option<u32>,
                idempotency_key: Option<String>,
            ) -> Result<Product> {
                let change = StockChange {
                    reason,
                    reference,
                    actor,
                    location: None,
                    expected,
                };
                self.call(idempotency_key, move |tx| {
                    tx.transfer(id, quantity, &from_location, &to_location, change.clone())
                })
            }

            /// Runs adjustments, counts and transfers in one transaction: all of them, or none. Returns
            /// the product after each movement. An error names the movement (`movements[1].delta`).
            #[uniffi::method(default(idempotency_key = None))]
            pub fn apply(
                &self,
                movements: Vec<Movement>,
                idempotency_key: Option<String>,
            ) -> Result<Vec<Product>> {
                let movements: Vec<inventory_core::Movement> =
                    movements.into_iter().map(Into::into).collect();
                self.call(idempotency_key, move |tx| tx.apply(movements.clone()))
            }

            /// Creates a location; `code` is trimmed and upper-cased like a SKU and must be free.
            #[uniffi::method(default(idempotency_key = None))]
            pub fn create_location(
                &self,
                code: String,
                name: String,
                idempotency_key: Option<String>,
            ) -> Result<Location> {
                self.call(idempotency_key, move |tx| tx.create_location(&code, &name))
            }

            /// Renames a location (its code stays).
            #[uniffi::method(default(idempotency_key = None))]
            pub fn rename_location(
                &self,
                code: String,
                name: String,
                idempotency_key: Option<String>,
            ) -> Result<Location> {
                self.call(idempotency_key, move |tx| tx.rename_location(&code, &name))
            }

            /// Deletes a location that holds no stock; `DEFAULT` cannot be deleted.
            #[uniffi::method(default(idempotency_key = None))]
            pub fn delete_location(
                &self,
                code: String,
                idempotency_key: Option<String>,
            ) -> Result<()> {
                self.call(idempotency_key, move |tx| tx.delete_location(&code))
            }

            /// The location with this code (normalised first); throws `NotFound`.
            pub fn location(&self, code: String) -> Result<Location> {
                let inside = code.clone();
                self.read(
                    move |inv| inv.location(&code),
                    move |tx| tx.location(&inside),
                )
            }

            /// Sets (or with null clears) a product's reorder point at `location` (`DEFAULT` when null).
            #[uniffi::method(default(location = None, idempotency_key = None))]
            pub fn set_reorder_point(
                &self,
                id: Uuid,
                reorder_point: Option<u32>,
                location: Option<String>,
                idempotency_key: Option<String>,
            ) -> Result<StockLevel> {
                self.call(idempotency_key, move |tx| {
                    tx.set_reorder_point(id, reorder_point, location.as_deref())
                })
            }
        }
    };
}

shared_calls!(Inventory);
shared_calls!(Transaction);

#[cfg(test)]
mod tests {
    use super::*;
    use inventory_core::parse_price;

    #[test]
    fn query_ordering_is_parsed_by_the_core() {
        let q = inventory_core::Query::try_from(Query {
            order_by: Some("-price".into()),
            low_stock: Some(5),
            ..Query::default()
        })
        .unwrap();
        assert_eq!(q.order_by.to_string(), "-price");
        assert_eq!(q.low_stock, Some(5));
        let err = inventory_core::Query::try_from(Query {
            order_by: Some("colour".into()),
            ..Query::default()
        })
        .unwrap_err();
        assert_eq!(err.field(), Some("order_by"));
    }

    #[test]
    fn stock_calls_pass_reference_actor_and_expected() {
        let inv = Inventory::in_memory();
        let p = inv
            .create(
                NewProduct::new("Bolt", "b-1", parse_price("0.25").unwrap()).with_stock(5),
                None,
            )
            .unwrap();
        inv.adjust_stock(
            p.id,
            -2,
            "sale".into(),
            Some("order-7".into()),
            Some("till".into()),
            None,
            Some(5),
            None,
        )
        .unwrap();
        let err = inv
            .set_stock(p.id, 9, "count".into(), None, None, None, Some(5), None)
            .unwrap_err();
        assert_eq!(err.code(), "VERSION_CONFLICT");
        inv.set_stock(
            p.id,
            9,
            "count".into(),
            None,
            Some("ann".into()),
            None,
            Some(3),
            None,
        )
        .unwrap();
        let events = inv.history(p.id).unwrap();
        assert_eq!(events[1].reference.as_deref(), Some("order-7"));
        assert_eq!(events[1].actor.as_deref(), Some("till"));
        assert_eq!(events[2].actor.as_deref(), Some("ann"));
        assert_eq!(inv.events_since(0, None).unwrap().len(), 3);
        assert_eq!(inv.events_since(0, Some(1)).unwrap().len(), 1);
    }
}
