//! [`Inventory`]: the service every caller uses. It holds every rule; the store only keeps.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::clock::{Clock, SystemClock};
use crate::error::{InventoryError, Result, StorageKind};
use crate::hold::{self, Hold, HoldStatus, NewHold};
use crate::idempotency::check_idempotency_key;
use crate::ledger::{Event, StockChange};
use crate::location::{Location, StockLevel, normalize_location_code};
use crate::movement::Movement;
use crate::price::value_cents;
use crate::product::{NewProduct, Product, ProductPatch};
use crate::query::{Page, Query, encode_cursor};
use crate::replay::{MAX_SEQUENCE, Replay};
use crate::sku::normalize_sku;
use crate::store::{Durability, MemoryStore, Store};
use crate::transaction::{Transaction, Tx, inside};

/// How [`Inventory::open_with`] opens a store.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpenOptions {
    /// What a commit survives in a SQLite file (see [`Durability`]); the default survives a
    /// crash of the application but may lose the last commits on power loss.
    pub durability: Durability,
}

/// How many events [`Inventory::events_since`] returns when asked for no particular number.
pub const DEFAULT_EVENTS_LIMIT: u32 = 1000;
/// How many holds one transaction of [`Inventory::expire_holds`] expires.
const EXPIRE_BATCH: u32 = 1000;

/// The most events one call of [`Inventory::events_since`] returns.
pub const MAX_EVENTS_LIMIT: u32 = 10_000;

/// An inventory of products over any [`Store`]. Cheap to clone (the store is shared) and safe to
/// use from many threads.
///
/// ```
/// use inventory_core::{Inventory, NewProduct, ProductPatch, Query};
/// use rust_decimal::Decimal;
///
/// let inv = Inventory::in_memory();
/// let p = inv.create(NewProduct::new("Widget", " ab-1 ", Decimal::new(999, 2)).with_stock(10))?;
/// assert_eq!(p.sku, "AB-1");
/// let p = inv.adjust_stock(p.id, -3, "sale")?;
/// assert_eq!(p.stock, 7);
/// let err = inv.adjust_stock(p.id, -8, "sale").unwrap_err();
/// assert_eq!(err.code(), "INSUFFICIENT_STOCK");
/// let p = inv.update(p.id, ProductPatch::default().name("Widget v2"))?;
/// assert_eq!(inv.get_by_sku("ab-1")?.name, "Widget v2");
/// assert_eq!(inv.total_value()?.to_string(), "69.93");
/// assert_eq!(inv.history(p.id)?.len(), 3); // created, sold, renamed
/// assert_eq!(inv.list(&Query::default())?.total, Some(1));
/// # Ok::<(), inventory_core::InventoryError>(())
/// ```
#[derive(Clone)]
pub struct Inventory {
    store: Arc<dyn Store>,
    /// Set by [`Inventory::close`], shared by every clone.
    closed: Arc<AtomicBool>,
    /// The threads with an [`OpenTransaction`](crate::OpenTransaction) of this inventory open.
    pub(crate) openers: Arc<crate::open::Openers>,
    /// Where new ids come from: time-ordered v7 UUIDs for products, events, transfers and holds
    /// (so index inserts stay local), unless a test asked for its own.
    new_id: Option<Arc<dyn Fn() -> Uuid + Send + Sync>>,
    /// The store's replica id, read on the first write.
    replica: Arc<OnceLock<Uuid>>,
    /// The idempotency key every mutation of this handle carries ([`Inventory::idempotent`]).
    key: Option<Arc<str>>,
    /// Where time comes from ([`Inventory::with_clock`]).
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for Inventory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inventory").finish_non_exhaustive()
    }
}

impl Inventory {
    /// An inventory over `store`.
    pub fn new(store: impl Store + 'static) -> Self {
        Self::from_store(Arc::new(store))
    }

    /// An inventory over a shared store.
    pub fn from_store(store: Arc<dyn Store>) -> Self {
        Self {
            store,
            closed: Arc::new(AtomicBool::new(false)),
            openers: Arc::default(),
            new_id: None,
            replica: Arc::new(OnceLock::new()),
            key: None,
            clock: Arc::new(SystemClock),
        }
    }

    /// Uses `clock` for every time the inventory reads: event and product times, and when
    /// holds expire. The default is the [`SystemClock`]; tests move a [`ManualClock`](crate::ManualClock).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Now, by this inventory's clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Uses `new_id` instead of random UUIDs for new products, events and transfers. For tests
    /// that run the same operations against several stores and need the same ids in each.
    #[doc(hidden)]
    pub fn with_id_generator(mut self, new_id: impl Fn() -> Uuid + Send + Sync + 'static) -> Self {
        self.new_id = Some(Arc::new(new_id));
        self
    }

    /// An empty inventory in memory.
    pub fn in_memory() -> Self {
        Self::new(MemoryStore::new())
    }

    /// Opens an inventory by location:
    ///
    /// | location | store |
    /// |---|---|
    /// | `memory:` | a new [`MemoryStore`] |
    /// | `:memory:`, `sqlite::memory:` | a private in-memory SQLite database |
    /// | `sqlite://PATH`, or a plain path | the SQLite file at PATH (created if missing) |
    /// | `postgres://…`, `postgresql://…` | a `PostgresStore` (cargo feature `postgres`) |
    ///
    /// ```
    /// let inv = inventory_core::Inventory::open("memory:").unwrap();
    /// assert_eq!(inv.total_value().unwrap().to_string(), "0.00");
    /// ```
    pub fn open(location: &str) -> Result<Self> {
        Self::open_with(location, &OpenOptions::default())
    }

    /// Like [`Inventory::open`], with options.
    ///
    /// ```
    /// use inventory_core::{Durability, Inventory, OpenOptions};
    /// let dir = tempfile::tempdir().unwrap();
    /// let path = dir.path().join("shop.db");
    /// let options = OpenOptions { durability: Durability::Full };
    /// let inv = Inventory::open_with(path.to_str().unwrap(), &options)?;
    /// # Ok::<(), inventory_core::InventoryError>(())
    /// ```
    pub fn open_with(location: &str, options: &OpenOptions) -> Result<Self> {
        let location = location.trim();
        if location.is_empty() {
            return Err(InventoryError::validation(
                "location",
                "must be a path, sqlite://PATH or memory:",
            ));
        }
        if location == "memory:" {
            return Ok(Self::in_memory());
        }
        if location.starts_with("postgres://") || location.starts_with("postgresql://") {
            return Self::open_postgres(location);
        }
        let path = match location {
            "sqlite::memory:" | "sqlite://:memory:" => ":memory:",
            _ => location.strip_prefix("sqlite://").unwrap_or(location),
        };
        Self::open_sqlite_with(path, options)
    }

    /// The SQLite file at `path` (created if missing; `:memory:` for a private in-memory
    /// database), with the default options. Unlike [`Inventory::open`], the path is never read
    /// as a URL: a file named `memory:` is a file.
    ///
    /// ```
    /// use inventory_core::Inventory;
    /// let dir = tempfile::tempdir().unwrap();
    /// let inv = Inventory::open_sqlite(dir.path().join("shop.db"))?;
    /// assert_eq!(inv.total_value()?.to_string(), "0.00");
    /// # Ok::<(), inventory_core::InventoryError>(())
    /// ```
    #[cfg(feature = "sqlite")]
    pub fn open_sqlite(path: impl AsRef<std::path::Path>) -> Result<Self> {
        Self::open_sqlite_with(path, &OpenOptions::default())
    }

    /// Like [`Inventory::open_sqlite`], with options.
    #[cfg(feature = "sqlite")]
    pub fn open_sqlite_with(
        path: impl AsRef<std::path::Path>,
        options: &OpenOptions,
    ) -> Result<Self> {
        let path = path.as_ref().to_str().ok_or_else(|| {
            InventoryError::validation("location", "must be a path that is valid UTF-8")
        })?;
        let options = crate::store::sqlite::SqliteOptions {
            durability: options.durability,
            ..Default::default()
        };
        Ok(Self::new(crate::store::SqliteStore::open_with(
            path, options,
        )?))
    }

    #[cfg(not(feature = "sqlite"))]
    fn open_sqlite_with(_path: &str, _options: &OpenOptions) -> Result<Self> {
        Err(InventoryError::validation(
            "location",
            "this build has no SQLite support; use memory:",
        ))
    }

    /// The PostgreSQL database at `url` (`postgres://user@host/db`), its schema created or
    /// migrated on first use. See `PostgresStore` for the pool's options.
    #[cfg(feature = "postgres")]
    pub fn open_postgres(url: &str) -> Result<Self> {
        Ok(Self::new(crate::store::PostgresStore::open(url)?))
    }

    #[cfg(not(feature = "postgres"))]
    fn open_postgres(_url: &str) -> Result<Self> {
        Err(InventoryError::validation(
            "location",
            "PostgreSQL is not supported by this build (cargo feature postgres)",
        ))
    }

    /// The store underneath, for this crate's own tests. Not public: its primitives skip every
    /// rule (keep an `Arc` of the store passed to [`Inventory::from_store`] for that).
    #[cfg(test)]
    pub(crate) fn store(&self) -> &dyn Store {
        &*self.store
    }

    /// Closes the inventory, for this handle and every clone of it: every call that starts
    /// afterwards, on any thread, fails at once with a `Storage` error of kind `Closed`. Calls
    /// already running finish. The store itself is released when the last handle is dropped.
    ///
    /// ```
    /// use inventory_core::{Inventory, StorageKind};
    /// let inv = Inventory::in_memory();
    /// let other = inv.clone();
    /// inv.close();
    /// assert_eq!(other.total_value().unwrap_err().storage_kind(), Some(StorageKind::Closed));
    /// ```
    pub fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
    }

    /// Whether [`Inventory::close`] was called.
    pub fn is_closed(&self) -> bool {
        self.closed.load(Ordering::SeqCst)
    }

    /// The store, unless the inventory is closed.
    pub(crate) fn live(&self) -> Result<&dyn Store> {
        if self.is_closed() {
            return Err(InventoryError::storage_fault(
                StorageKind::Closed,
                "the inventory is closed",
                None::<std::io::Error>,
            ));
        }
        if inside::this_thread_is_in(&self.store) || self.openers.this_thread_is_one() {
            return Err(InventoryError::inside_transaction());
        }
        Ok(&*self.store)
    }

    /// A handle on the same inventory whose every mutation carries the idempotency key `key`
    /// (1 to 255 characters, no control characters). The first request made with a key
    /// applies; the same request again applies nothing and returns what the first returned;
    /// another request with the key fails with `IdempotencyConflict` and changes nothing. A
    /// request that fails stores nothing, so it may be retried with its key. `None` gives a
    /// handle with no key.
    ///
    /// ```
    /// use inventory_core::{Inventory, NewProduct, Decimal};
    /// let inv = Inventory::in_memory();
    /// let p = inv.create(NewProduct::new("Bolt", "B-1", Decimal::ONE).with_stock(5))?;
    /// let till = inv.idempotent("sale-17")?;
    /// assert_eq!(till.adjust_stock(p.id, -2, "sale")?.stock, 3);
    /// assert_eq!(till.adjust_stock(p.id, -2, "sale")?.stock, 3); // a retry: applied once
    /// assert_eq!(inv.get(p.id)?.stock, 3);
    /// let err = till.adjust_stock(p.id, -1, "sale").unwrap_err();
    /// assert_eq!(err.code(), "IDEMPOTENCY_CONFLICT");
    /// # Ok::<(), inventory_core::InventoryError>(())
    /// ```
    pub fn idempotent<'k>(&self, key: impl Into<Option<&'k str>>) -> Result<Self> {
        let key = key.into();
        if let Some(key) = key {
            check_idempotency_key(key)?;
        }
        Ok(Self {
            key: key.map(Arc::from),
            ..self.clone()
        })
    }

    /// The idempotency key of this handle, if it has one.
    pub fn idempotency_key(&self) -> Option<&str> {
        self.key.as_deref()
    }

    /// The id of the replica (the store) this inventory writes events as.
    pub fn replica_id(&self) -> Result<Uuid> {
        if let Some(id) = self.replica.get() {
            return Ok(*id);
        }
        let id = self.live()?.replica_id()?;
        Ok(*self.replica.get_or_init(|| id))
    }

    /// Runs `f` as one transaction of the store: every call it makes on the [`Transaction`]
    /// commits together when it returns `Ok`, or none does (an `Err`, a call that failed, or a
    /// panic rolls all of it back). Inside, the transaction has the inventory's methods with
    /// the same rules and the same ledger; it reads its own writes, and other callers see none
    /// of them until it commits. Writers of other transactions wait for it, so keep it short
    /// (no network calls inside). The same thread must not call the inventory itself until
    /// `f` returns (it gets a `Validation` error, field `transaction`).
    ///
    /// `f` may run more than once: a store that loses a transaction to a transient fault
    /// (PostgreSQL's serialisation failures, a dropped connection) runs it again from the start.
    ///
    /// ```
    /// use inventory_core::{Inventory, NewProduct, Decimal};
    /// let inv = Inventory::in_memory();
    /// let p = inv.transaction(|tx| {
    ///     let p = tx.create(NewProduct::new("Bolt", "B-1", Decimal::ONE).with_stock(5))?;
    ///     tx.adjust_stock(p.id, -2, "sale")
    /// })?;
    /// assert_eq!(p.stock, 3);
    ///
    /// // A failure anywhere rolls back everything before it.
    /// let err = inv
    ///     .transaction(|tx| {
    ///         tx.create(NewProduct::new("Nut", "N-1", Decimal::ONE))?;
    ///         tx.adjust_stock(p.id, -9, "sale")
    ///     })
    ///     .unwrap_err();
    /// assert_eq!(err.code(), "INSUFFICIENT_STOCK");
    /// assert_eq!(inv.get_by_sku("N-1").unwrap_err().code(), "NOT_FOUND");
    /// # Ok::<(), inventory_core::InventoryError>(())
    /// ```
    pub fn transaction<T, E>(
        &self,
        mut f: impl FnMut(&mut Transaction<'_>) -> std::result::Result<T, E> + Send,
    ) -> std::result::Result<T, E>
    where
        T: Send,
        E: From<InventoryError> + Send,
    {
        let store = self.live()?;
        let replica = self.replica_id()?;
        let _inside = inside::enter(&self.store);
        let new_id = self.new_id.as_deref();
        let clock = &*self.clock;
        let mut out = None;
        let written = store.write(&mut |store| {
            let mut t = Transaction {
                tx: Tx {
                    store,
                    replica,
                    key: self.key.clone(),
                    new_id,
                    clock,
                },
                failed: None,
            };
            out = None;
            match (f(&mut t), t.failed) {
                (Ok(value), None) => {
                    out = Some(Ok(value));
                    Ok(())
                }
                (Ok(_), Some(failed)) => Err(failed),
                (Err(e), _) => {
                    out = Some(Err(e));
                    Err(InventoryError::storage("rolled back by the caller"))
                }
            }
        });
        match (out, written) {
            (Some(Err(e)), _) => Err(e),
            (_, Err(e)) => Err(e.into()),
            (Some(Ok(value)), Ok(())) => Ok(value),
            (None, Ok(())) => Err(InventoryError::storage(
                "the store committed without running the change",
            )
            .into()),
        }
    }

    /// Creates a product. Its initial stock is the first movement in the ledger.
    ///
    /// Fails with `Validation` (naming the field) or `DuplicateSku`; nothing is written then.
    pub fn create(&self, new: NewProduct) -> Result<Product> {
        self.transaction(|tx| tx.create(new.clone()))
    }

    /// Creates several products in one transaction: all of them, or none when any fails.
    ///
    /// A validation error names the item: field `items[3].price`. Each product gets its own,
    /// later `created_at`, so the default (oldest first) listing keeps the caller's order.
    ///
    /// ```
    /// use inventory_core::{Inventory, NewProduct, Decimal};
    /// let inv = Inventory::in_memory();
    /// let err = inv
    ///     .create_many(vec![
    ///         NewProduct::new("A", "A", Decimal::ONE),
    ///         NewProduct::new("B", "B", Decimal::ZERO),
    ///     ])
    ///     .unwrap_err();
    /// assert_eq!(err.field(), Some("items[1].price"));
    /// assert!(inv.export()?.products.is_empty());
    /// # Ok::<(), inventory_core::InventoryError>(())
    /// ```
    pub fn create_many(&self, new: Vec<NewProduct>) -> Result<Vec<Product>> {
        self.transaction(|tx| tx.create_many(new.clone()))
    }

    /// The product with this id, or `NotFound`.
    pub fn get(&self, id: Uuid) -> Result<Product> {
        self.live()?
            .get(id)?
            .ok_or_else(|| InventoryError::not_found_id(id))
    }

    /// The product with this SKU (normalised first, so `" ab-1 "` finds `AB-1`), or `NotFound`.
    pub fn get_by_sku(&self, sku: &str) -> Result<Product> {
        let sku = normalize_sku(sku)?;
        self.live()?
            .get_by_sku(&sku)?
            .ok_or_else(|| InventoryError::not_found_sku(&sku))
    }

    /// Changes any of name, SKU, price and stock, in one transaction. With `expected_version`
    /// set, fails with `VersionConflict` if the product changed since that version. A patch
    /// that changes nothing writes nothing. A changed stock is a `correction` movement in the
    /// ledger, after the `Updated` event (see [`ProductPatch`]).
    ///
    /// ```
    /// use inventory_core::{EventKind, Inventory, NewProduct, ProductPatch, parse_price};
    /// let inv = Inventory::in_memory();
    /// let p = inv.create(NewProduct::new("Bolt", "B-1", parse_price("1")?).with_stock(5))?;
    /// let p = inv.update(p.id, ProductPatch::default().name("Hex bolt").stock(8).expect_version(1))?;
    /// assert_eq!((p.name.as_str(), p.stock, p.version), ("Hex bolt", 8, 3));
    /// let kinds: Vec<_> = inv.history(p.id)?.iter().map(|e| e.kind).collect();
    /// assert_eq!(kinds, [EventKind::Created, EventKind::Updated, EventKind::StockChanged]);
    /// # Ok::<(), inventory_core::InventoryError>(())
    /// ```
    pub fn update(&self, id: Uuid, patch: ProductPatch) -> Result<Product> {
        self.transaction(|tx| tx.update(id, patch.clone()))
    }

    /// Deletes a product. Its events stay in the ledger, followed by a `Deleted` event.
    pub fn delete(&self, id: Uuid) -> Result<()> {
        self.transaction(|tx| tx.delete(id))
    }

    /// Moves stock by `delta` (negative for a sale, positive for a restock) at
    /// `change.location` (the default location when `None`), atomically, and records the
    /// movement. Fails, changing nothing, with `InsufficientStock` if the level there would go
    /// below 0, `StockOverflow` if the product's stock would go above the maximum,
    /// `VersionConflict` if `change.expected` is set and the level is no longer that, or
    /// `NotFound` for an unknown product or location.
    ///
    /// ```
    /// use inventory_core::{Inventory, NewProduct, StockChange};
    /// use rust_decimal::Decimal;
    /// let inv = Inventory::in_memory();
    /// let p = inv.create(NewProduct::new("Bolt", "B-1", Decimal::ONE).with_stock(5))?;
    /// let p = inv.adjust_stock(p.id, -2, StockChange::new("sale").reference("order-7"))?;
    /// assert_eq!(p.stock, 3);
    /// # Ok::<(), inventory_core::InventoryError>(())
    /// ```
    pub fn adjust_stock(
        &self,
        id: Uuid,
        delta: i64,
        change: impl Into<StockChange>,
    ) -> Result<Product> {
        let change = change.into();
        self.transaction(|tx| tx.adjust_stock(id, delta, change.clone()))
    }

    /// Records a physical count: the level at `change.location` becomes `quantity`, and the
    /// ledger says it was a count (`Counted`), what was counted and the difference it implies.
    /// A count that matches is recorded too, with delta 0. With `change.expected` set, fails
    /// with `VersionConflict` if the level is no longer what the counter saw.
    pub fn set_stock(
        &self,
        id: Uuid,
        quantity: u32,
        change: impl Into<StockChange>,
    ) -> Result<Product> {
        let change = change.into();
        self.transaction(|tx| tx.set_stock(id, quantity, change.clone()))
    }

    /// Moves `quantity` of a product from one location to another in one transaction: two
    /// `Transferred` events sharing a `transfer_id`. Fails, changing nothing, with
    /// `InsufficientStock` if the source holds less, `NotFound` for an unknown location, or
    /// `Validation` for a quantity of 0 or the same location twice. `change.expected`, when
    /// set, guards the source's level.
    ///
    /// ```
    /// use inventory_core::{Inventory, NewProduct, Decimal};
    /// let inv = Inventory::in_memory();
    /// let p = inv.create(NewProduct::new("Bolt", "B-1", Decimal::ONE).with_stock(5))?;
    /// inv.create_location("wh-1", "Main warehouse")?;
    /// inv.transfer(p.id, 3, "DEFAULT", "wh-1", "transfer")?;
    /// let levels: Vec<_> = inv.stock_levels(p.id)?.into_iter().map(|l| (l.location, l.on_hand)).collect();
    /// assert_eq!(levels, [("DEFAULT".to_owned(), 2), ("WH-1".to_owned(), 3)]);
    /// # Ok::<(), inventory_core::InventoryError>(())
    /// ```
    pub fn transfer(
        &self,
        id: Uuid,
        quantity: u32,
        from_location: &str,
        to_location: &str,
        change: impl Into<StockChange>,
    ) -> Result<Product> {
        let change = change.into();
        self.transaction(|tx| tx.transfer(id, quantity, from_location, to_location, change.clone()))
    }

    /// Runs adjustments, counts and transfers, across products and locations, in one
    /// transaction: all of them, or none when any fails. Returns the product after each
    /// movement, in order. An error names the movement: a `Validation` field
    /// `movements[3].delta`, too little stock, too much, or a stale expected level
    /// `movements[3].stock`, an unknown product or location `… (movements[3])`. At most
    /// [`MAX_BATCH`] movements.
    pub fn apply(&self, movements: Vec<Movement>) -> Result<Vec<Product>> {
        self.transaction(|tx| tx.apply(movements.clone()))
    }

    /// Creates a location. `code` is normalised like a SKU (`" wh-1 "` is `WH-1`) and must be
    /// free; `name` follows the product name's rule.
    ///
    /// ```
    /// use inventory_core::Inventory;
    /// let inv = Inventory::in_memory();
    /// let loc = inv.create_location(" wh-1 ", "Main warehouse")?;
    /// assert_eq!(loc.code, "WH-1");
    /// let codes: Vec<_> = inv.locations()?.into_iter().map(|l| l.code).collect();
    /// assert_eq!(codes, ["DEFAULT", "WH-1"]);
    /// assert_eq!(inv.create_location("WH-1", "Again").unwrap_err().field(), Some("code"));
    /// # Ok::<(), inventory_core::InventoryError>(())
    /// ```
    pub fn create_location(&self, code: &str, name: &str) -> Result<Location> {
        self.transaction(|tx| tx.create_location(code, name))
    }

    /// Renames a location (its code stays).
    pub fn rename_location(&self, code: &str, name: &str) -> Result<Location> {
        self.transaction(|tx| tx.rename_location(code, name))
    }

    /// Deletes a location that holds no stock (its reorder points go with it; the ledger keeps
    /// its movements). The default location cannot be deleted.
    pub fn delete_location(&self, code: &str) -> Result<()> {
        self.transaction(|tx| tx.delete_location(code))
    }

    /// Every location, ordered by code (the default location included).
    pub fn locations(&self) -> Result<Vec<Location>> {
        self.live()?.locations()
    }

    /// The location with this code (normalised first), or `NotFound`.
    pub fn location(&self, code: &str) -> Result<Location> {
        let code = normalize_location_code(code, "code")?;
        self.live()?
            .locations()?
            .into_iter()
            .find(|l| l.code == code)
            .ok_or_else(|| InventoryError::not_found_location(&code))
    }

    /// A product's stock per location, ordered by location code: every location where it ever
    /// moved or has a reorder point. `NotFound` for an unknown product.
    pub fn stock_levels(&self, id: Uuid) -> Result<Vec<StockLevel>> {
        let store = self.live()?;
        if store.get(id)?.is_none() {
            return Err(InventoryError::not_found_id(id));
        }
        let (levels, holds) = store.levels_and_holds(id)?;
        Ok(hold::levels_at(levels, &holds, self.now()))
    }

    /// Reserves stock for a cart or an order: `quantity` of a product at a location, until it
    /// is committed ([`Inventory::commit_hold`]), released ([`Inventory::release_hold`]) or
    /// expires. Fails, changing nothing, with `InsufficientStock` (field `quantity`) when less
    /// is available (on hand less the live holds), however many callers race for the last
    /// units; `Validation` for a quantity below 1, an `expires_at` not in the future, or both
    /// `expires_in` and `expires_at`; `NotFound` for an unknown product or location.
    ///
    /// ```
    /// use std::time::Duration;
    /// use inventory_core::{Inventory, NewHold, NewProduct, Decimal};
    /// let inv = Inventory::in_memory();
    /// let p = inv.create(NewProduct::new("Bolt", "B-1", Decimal::ONE).with_stock(3))?;
    /// let cart = inv.reserve(NewHold::new(p.id, 2).expires_in(Duration::from_secs(900)).reference("cart-1"))?;
    /// let level = &inv.stock_levels(p.id)?[0];
    /// assert_eq!((level.on_hand, level.reserved, level.available), (3, 2, 1));
    /// assert_eq!(inv.adjust_stock(p.id, -2, "sale").unwrap_err().code(), "INSUFFICIENT_STOCK");
    /// let p = inv.commit_hold(cart.id, Some(1), "sale")?; // one sold, the other released
    /// assert_eq!(p.stock, 2);
    /// assert_eq!(inv.release_hold(cart.id).unwrap_err().code(), "HOLD_CLOSED");
    /// # Ok::<(), inventory_core::InventoryError>(())
    /// ```
    pub fn reserve(&self, new: NewHold) -> Result<Hold> {
        self.transaction(|tx| tx.reserve(new.clone()))
    }

    /// Commits a hold: `quantity` of it (all of it when `None`) leaves the stock as a
    /// `HoldCommitted` movement (`reason` defaults to `sale` in the bindings), and the rest is
    /// released. Returns the product after it. Fails, changing nothing, with `HoldClosed` when
    /// the hold was resolved before (unless this call repeats the first with its idempotency
    /// key), `HoldExpired` when it is past its time, `Validation` for more than was held or a
    /// location or expected stock in `change` (a commit moves stock where the hold is), or
    /// `InsufficientStock` when a count left less on hand than is committed.
    pub fn commit_hold(
        &self,
        hold_id: Uuid,
        quantity: Option<u32>,
        change: impl Into<StockChange>,
    ) -> Result<Product> {
        let change = change.into();
        self.transaction(|tx| tx.commit_hold(hold_id, quantity, change.clone()))
    }

    /// Releases a hold: its units are available again. Returns the released hold. Fails,
    /// changing nothing, with `HoldClosed` when it was resolved before (unless this call repeats
    /// the first with its idempotency key), or `HoldExpired` when it is past its time (its
    /// stock is free already).
    pub fn release_hold(&self, hold_id: Uuid) -> Result<Hold> {
        self.transaction(|tx| tx.release_hold(hold_id))
    }

    /// The hold with this id, as it is now (an active hold past its time reads as expired), or
    /// `NotFound`.
    pub fn hold(&self, hold_id: Uuid) -> Result<Hold> {
        let hold = self
            .live()?
            .hold(hold_id)?
            .ok_or_else(|| InventoryError::not_found_hold(hold_id))?;
        Ok(hold.seen_at(self.now()))
    }

    /// A product's holds, oldest first, as they are now: those with `status` (`Some(Active)`
    /// for the holds reserving stock), or every one with `None`. `NotFound` for a product that
    /// never existed.
    pub fn holds(&self, product_id: Uuid, status: Option<HoldStatus>) -> Result<Vec<Hold>> {
        let store = self.live()?;
        let now = self.now();
        let holds: Vec<Hold> = store
            .holds(product_id)?
            .into_iter()
            .map(|h| h.seen_at(now))
            .filter(|h| status.is_none_or(|s| h.status == s))
            .collect();
        if holds.is_empty()
            && store.get(product_id)?.is_none()
            && store.history(product_id)?.is_empty()
        {
            return Err(InventoryError::not_found_id(product_id));
        }
        Ok(holds)
    }

    /// Records the expiry of the holds past their time (a `HoldExpired` event each) and returns
    /// how many. Not needed for correctness (a hold stops reserving at its `expires_at` for every
    /// read and write); run it now and then to keep the ledger and the active holds current.
    pub fn expire_holds(&self) -> Result<u32> {
        let mut total = 0;
        loop {
            let n = self.transaction(|tx| tx.expire_holds(EXPIRE_BATCH))?;
            total += n;
            if n < EXPIRE_BATCH || self.key.is_some() {
                return Ok(total);
            }
        }
    }

    /// Sets (or with `None` clears) a product's reorder point at a location (the default one
    /// when `None`): [`Query::below_reorder_point`] lists the products at or below theirs.
    ///
    /// ```
    /// use inventory_core::{Inventory, NewProduct, Query, Decimal};
    /// let inv = Inventory::in_memory();
    /// let p = inv.create(NewProduct::new("Bolt", "B-1", Decimal::ONE).with_stock(5))?;
    /// inv.set_reorder_point(p.id, Some(5), None)?;
    /// let due = inv.list(&Query { below_reorder_point: true, ..Query::default() })?;
    /// assert_eq!(due.total, Some(1));
    /// # Ok::<(), inventory_core::InventoryError>(())
    /// ```
    pub fn set_reorder_point(
        &self,
        id: Uuid,
        reorder_point: Option<u32>,
        location: Option<&str>,
    ) -> Result<StockLevel> {
        self.transaction(|tx| tx.set_reorder_point(id, reorder_point, location))
    }

    /// One page of products: filtered, ordered, and paginated by keyset cursor.
    pub fn list(&self, query: &Query) -> Result<Page> {
        let mut q = query.check()?;
        let limit = q.limit as usize;
        q.limit += 1; // one more row tells whether there is a next page
        let (mut items, total) = self.live()?.list(&q)?;
        let next_cursor = if items.len() > limit {
            items.truncate(limit);
            items.last().map(|last| encode_cursor(q.order_by, last))
        } else {
            None
        };
        Ok(Page {
            items,
            next_cursor,
            total,
        })
    }

    /// Σ price × stock over every product, exact.
    pub fn total_value(&self) -> Result<Decimal> {
        let cents = self.live()?.total_value_cents()?;
        Decimal::try_from_i128_with_scale(cents, 2)
            .map_err(|e| InventoryError::storage(format!("total value out of range: {e}")))
    }

    /// Every event of one product, oldest first (deleted products keep theirs). `NotFound` when
    /// the id never existed.
    pub fn history(&self, id: Uuid) -> Result<Vec<Event>> {
        let events = self.live()?.history(id)?;
        if events.is_empty() {
            return Err(InventoryError::not_found_id(id));
        }
        Ok(events)
    }

    /// Up to `limit` events after sequence number `since`, oldest first: how other systems follow
    /// changes (start at 0, then pass the last `seq` seen). `limit` is 1 to
    /// [`MAX_EVENTS_LIMIT`]; `None` means [`DEFAULT_EVENTS_LIMIT`].
    ///
    /// ```
    /// use inventory_core::{Inventory, NewProduct, parse_price};
    /// let inv = Inventory::in_memory();
    /// inv.create(NewProduct::new("Widget", "W-1", parse_price("1")?))?;
    /// assert_eq!(inv.events_since(0, None)?.len(), 1);
    /// assert!(inv.events_since(1, 10)?.is_empty());
    /// assert_eq!(inv.events_since(0, 0).unwrap_err().field(), Some("limit"));
    /// # Ok::<(), inventory_core::InventoryError>(())
    /// ```
    pub fn events_since(&self, since: u64, limit: impl Into<Option<u32>>) -> Result<Vec<Event>> {
        let limit = limit.into().unwrap_or(DEFAULT_EVENTS_LIMIT);
        if !(1..=MAX_EVENTS_LIMIT).contains(&limit) {
            return Err(InventoryError::validation(
                "limit",
                format!("must be between 1 and {MAX_EVENTS_LIMIT}"),
            ));
        }
        if since >= MAX_SEQUENCE {
            // No ledger reaches past MAX_SEQUENCE; every store answers the same (and none is
            // asked for a number its column cannot hold).
            return Ok(Vec::new());
        }
        self.live()?.events_since(since, limit)
    }

    /// Checks that the products are the ledger's projection: runs the store's own integrity
    /// check (SQLite's `integrity_check`), then replays every event from the first (see
    /// [`Snapshot::validate`](crate::Snapshot::validate) for the rules) and compares the result
    /// with the stored products. Returns a `Storage` error naming the damage, or the first event
    /// or product that disagrees.
    pub fn check_ledger(&self) -> Result<()> {
        self.live()?.check_integrity()?;
        let mismatch = |what: String| InventoryError::storage(format!("ledger mismatch: {what}"));
        let mut replay = Replay::default();
        let mut since = 0;
        loop {
            let events = self.live()?.events_since(since, MAX_EVENTS_LIMIT)?;
            let Some(last) = events.last() else { break };
            since = last.seq;
            for e in &events {
                replay.apply(e).map_err(mismatch)?;
            }
        }
        let store = self.live()?;
        let products = store.all_products()?;
        replay.check_products(&products).map_err(mismatch)?;
        let recount: i128 = products
            .iter()
            .map(|p| value_cents(p.price, i64::from(p.stock)))
            .sum();
        let kept = store.total_value_cents()?;
        if kept != recount {
            return Err(mismatch(format!(
                "the running total value is {kept} cents, the products add up to {recount}"
            )));
        }
        let listed = self.list(&Query::default())?.total;
        if listed != Some(products.len() as u64) {
            return Err(mismatch(format!(
                "an unfiltered list counts {listed:?} products, the store holds {}",
                products.len()
            )));
        }
        replay
            .check_levels(&store.all_levels()?, &store.locations()?)
            .map_err(mismatch)?;
        replay.check_holds(&store.all_holds()?).map_err(mismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MAX_STOCK;

    #[test]
    fn set_stock_names_the_quantity() {
        let inv = Inventory::in_memory();
        let p = inv
            .create(NewProduct::new("Bolt", "B-1", Decimal::ONE))
            .unwrap();
        let err = inv.set_stock(p.id, MAX_STOCK + 1, "count").unwrap_err();
        assert_eq!(
            (err.code(), err.field()),
            ("VALIDATION", Some("quantity")),
            "{err}"
        );
        assert_eq!(
            inv.set_stock(p.id, MAX_STOCK, "count").unwrap().stock,
            MAX_STOCK
        );
    }

    #[test]
    fn timestamps_strictly_increase() {
        let clock = SystemClock;
        let mut last = clock.now();
        for _ in 0..10_000 {
            let t = clock.now();
            assert!(t > last, "{t} is not after {last}");
            assert_eq!(
                t.timestamp_subsec_nanos() % 1000,
                0,
                "microsecond precision"
            );
            last = t;
        }
    }

    #[test]
    fn products_list_in_creation_order_by_default() {
        let inv = Inventory::in_memory();
        let skus: Vec<String> = (0..300).map(|i| format!("P-{i}")).collect();
        for sku in &skus {
            inv.create(NewProduct::new("x", sku, Decimal::ONE)).unwrap();
        }
        let query = Query {
            limit: Some(1000),
            ..Query::default()
        };
        let listed: Vec<String> = inv
            .list(&query)
            .unwrap()
            .items
            .into_iter()
            .map(|p| p.sku)
            .collect();
        assert_eq!(listed, skus);
    }

    #[test]
    fn extreme_deltas_are_errors_not_panics() {
        let inv = Inventory::in_memory();
        let p = inv
            .create(NewProduct::new("Bolt", "B-1", Decimal::ONE).with_stock(1))
            .unwrap();
        let err = inv.adjust_stock(p.id, i64::MAX, "restock").unwrap_err();
        assert_eq!(err.code(), "STOCK_OVERFLOW", "{err}");
        let err = inv.adjust_stock(p.id, i64::MIN, "sale").unwrap_err();
        assert_eq!(err.code(), "INSUFFICIENT_STOCK", "{err}");
        assert_eq!(inv.get(p.id).unwrap().stock, 1);
    }
}
