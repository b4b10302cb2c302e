//! Storage behind one trait. A store keeps products and the ledger and makes a group of writes
//! atomic; it holds no business rule: [`Inventory`](crate::Inventory) decides, the store keeps.
//!
//! Backends: [`MemoryStore`] (always), [`SqliteStore`] (cargo feature `sqlite`, on by default) and
//! `PostgresStore` (cargo feature `postgres`).
//! Every backend passes the same test suite (`tests/store_suite.rs`).

use uuid::Uuid;

use crate::error::{InventoryError, Result};
use chrono::{DateTime, Utc};

use crate::hold::{Hold, HoldStatus};
use crate::idempotency::IdempotencyRecord;
use crate::ledger::Event;
use crate::location::{Location, StockLevel};
use crate::product::Product;
use crate::query::ListQuery;

pub mod memory;
#[cfg(feature = "postgres")]
pub mod postgres;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod sql;
#[cfg(feature = "sqlite")]
pub mod sqlite;

#[cfg(feature = "postgres")]
pub use self::postgres::PostgresStore;
pub use memory::MemoryStore;
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteStore;

/// The closure [`Store::write`] runs: it is `Send` so that a backend may run it on a thread of
/// its own (the PostgreSQL store does when it is called on an async runtime's thread).
pub type WriteFn<'a> = dyn FnMut(&mut dyn WriteTx) -> Result<()> + Send + 'a;

/// The primitives [`Inventory`](crate::Inventory) needs from a storage backend.
///
/// Reads outside [`Store::write`] see committed data only. Every store must be safe to share
/// between threads, and writes to the same product from several threads (or processes, where
/// the backend is shared) must never lose an update: `write` runs its closure with the store
/// locked against other writers, or in a transaction that serialises them.
pub trait Store: Send + Sync {
    /// Runs `f` in one write transaction: everything it does commits together, or, when it
    /// returns an error, nothing does. A backend may call `f` again after a transient conflict,
    /// so `f` must not have effects outside the transaction.
    fn write(&self, f: &mut WriteFn<'_>) -> Result<()>;

    /// The product with this id.
    fn get(&self, id: Uuid) -> Result<Option<Product>>;
    /// The product with this (already normalised) SKU.
    fn get_by_sku(&self, sku: &str) -> Result<Option<Product>>;
    /// One page of products matching the query, and how many match in all (`None` when the
    /// query does not ask, [`ListQuery::count`]).
    fn list(&self, query: &ListQuery) -> Result<(Vec<Product>, Option<u64>)>;
    /// Σ price × stock over all products, in cents: the running total the writes keep
    /// ([`WriteTx::add_to_total`]), read in constant time.
    fn total_value_cents(&self) -> Result<i128>;
    /// Every event of one product, oldest first.
    fn history(&self, id: Uuid) -> Result<Vec<Event>>;
    /// Up to `limit` events with `seq > since`, oldest first.
    fn events_since(&self, since: u64, limit: u32) -> Result<Vec<Event>>;
    /// Every product, in no particular order (for snapshots and checks).
    fn all_products(&self) -> Result<Vec<Product>>;
    /// The id this store gives the events it writes: made once, when the store is created, and
    /// kept with its data.
    fn replica_id(&self) -> Result<Uuid>;
    /// Every location, ordered by code ([`DEFAULT_LOCATION`](crate::DEFAULT_LOCATION) included:
    /// a store has it from its creation).
    fn locations(&self) -> Result<Vec<Location>>;
    /// The stored levels of one product, ordered by location code.
    fn levels(&self, product_id: Uuid) -> Result<Vec<StockLevel>>;
    /// Every stored level, in no particular order (for snapshots and checks).
    fn all_levels(&self) -> Result<Vec<StockLevel>>;
    /// Every idempotency record, in no particular order (for snapshots).
    fn all_idempotency(&self) -> Result<Vec<IdempotencyRecord>>;
    /// The hold with this id, as stored.
    fn hold(&self, id: Uuid) -> Result<Option<Hold>>;
    /// Every hold of one product, as stored, ordered by id (oldest first).
    fn holds(&self, product_id: Uuid) -> Result<Vec<Hold>>;
    /// Every hold, in no particular order (for snapshots and checks).
    fn all_holds(&self) -> Result<Vec<Hold>>;
    /// The stored levels of one product and its active holds, read together (a backend whose
    /// reads are not one snapshot reads them in one).
    fn levels_and_holds(&self, product_id: Uuid) -> Result<(Vec<StockLevel>, Vec<Hold>)> {
        let levels = self.levels(product_id)?;
        let holds = if levels.iter().any(|l| l.reserved > 0) {
            self.holds(product_id)?
                .into_iter()
                .filter(|h| h.status == HoldStatus::Active)
                .collect()
        } else {
            Vec::new()
        };
        Ok((levels, holds))
    }
    /// The backend's own check of its files or tables (SQLite's `integrity_check`): a
    /// `Storage` error describing the damage, if any. The default finds none.
    fn check_integrity(&self) -> Result<()> {
        Ok(())
    }
}

/// The operations available inside [`Store::write`].
pub trait WriteTx {
    /// The product with this id, as this transaction sees it (locked for update where the
    /// backend locks rows).
    fn get(&mut self, id: Uuid) -> Result<Option<Product>>;
    /// The product with this (normalised) SKU, as this transaction sees it, locked like
    /// [`WriteTx::get`].
    fn get_by_sku(&mut self, sku: &str) -> Result<Option<Product>>;
    /// Adds a product. Fails with `DuplicateSku` if the SKU is taken.
    fn insert(&mut self, product: &Product) -> Result<()>;
    /// Replaces the stored product with the same id. Fails with `DuplicateSku` if the SKU is
    /// taken by another product.
    fn update(&mut self, product: &Product) -> Result<()>;
    /// Like [`WriteTx::update`] when only `stock`, `updated_at` and `version` changed; backends
    /// may write less.
    fn update_stock(&mut self, product: &Product) -> Result<()> {
        self.update(product)
    }
    /// Removes a product and its levels (its events stay).
    fn delete(&mut self, id: Uuid) -> Result<()>;
    /// Whether the store holds no product and no event, as this transaction sees it (and, where
    /// the backend needs it, locked so that no other transaction can add the first).
    fn is_empty(&mut self) -> Result<bool>;
    /// Appends an event. When `event.seq` is 0 the store assigns the next sequence number and
    /// writes it back; otherwise it must be greater than every stored one (snapshot import).
    fn append(&mut self, event: &mut Event) -> Result<()>;

    /// The location with this (normalised) code.
    fn location(&mut self, code: &str) -> Result<Option<Location>>;
    /// Adds a location, or replaces the one with its code.
    fn put_location(&mut self, location: &Location) -> Result<()>;
    /// Adds a location whose code is not taken; fails with the duplicate-code error otherwise.
    /// A backend shared by several processes must refuse the second of two concurrent inserts
    /// of one code (the default, a look-up then [`WriteTx::put_location`], is right only where
    /// writers are serialised, as in the memory and SQLite stores).
    fn insert_location(&mut self, location: &Location) -> Result<()> {
        if self.location(&location.code)?.is_some() {
            return Err(crate::location::duplicate_location(&location.code));
        }
        self.put_location(location)
    }
    /// Removes a location and the levels stored at it.
    fn delete_location(&mut self, code: &str) -> Result<()>;
    /// Σ on hand over every level at the location.
    fn location_on_hand(&mut self, code: &str) -> Result<u64>;
    /// The stored level of a product at a location (locked for update where the backend locks
    /// rows; the product's row is locked already).
    fn level(&mut self, product_id: Uuid, location: &str) -> Result<Option<StockLevel>>;
    /// Stores a level, replacing the one for its product and location.
    fn put_level(&mut self, level: &StockLevel) -> Result<()>;
    /// The record of an idempotency key. A backend shared by several processes makes a second
    /// transaction asking for the same key wait until this one ends, so that exactly one of
    /// them applies the request.
    fn idempotency(&mut self, key: &str) -> Result<Option<IdempotencyRecord>>;
    /// Stores the record of a key not stored before.
    fn put_idempotency(&mut self, record: &IdempotencyRecord) -> Result<()>;

    /// The hold with this id.
    fn hold(&mut self, id: Uuid) -> Result<Option<Hold>>;
    /// The holds of a product whose stored status is active, ordered by id (the product's row
    /// is locked already).
    fn active_holds(&mut self, product_id: Uuid) -> Result<Vec<Hold>>;
    /// Up to `limit` holds whose stored status is active and whose `expires_at` is at or before
    /// `now`, ordered by `expires_at`, then id.
    fn due_holds(&mut self, now: DateTime<Utc>, limit: u32) -> Result<Vec<Hold>>;
    /// Stores a hold, replacing the one with its id.
    fn put_hold(&mut self, hold: &Hold) -> Result<()>;

    /// Moves the running total value by `cents` (a change of price × stock of `product_id`,
    /// which a backend may use to spread the total over several rows), in this transaction.
    fn add_to_total(&mut self, product_id: Uuid, cents: i128) -> Result<()>;
}

/// How much a commit survives. Either way a crash or power loss never corrupts the file.
///
/// The SQLite store's `synchronous` setting. PostgreSQL's durability is the server's own
/// (`synchronous_commit`); the memory store keeps nothing.
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Durability {
    /// `synchronous = NORMAL` in WAL mode: a commit survives the application crashing, but the
    /// last commits before a power loss or an operating-system crash may be lost (the file stays
    /// consistent). The fastest, and SQLite's recommendation for WAL.
    #[default]
    Normal,
    /// `synchronous = FULL`: every commit is on disk (fsynced) before it is acknowledged, so it
    /// survives a power loss too. Each commit waits for the disk.
    Full,
}

impl Durability {
    /// Parses `normal` or `full` (any case), as bindings and command lines pass it.
    ///
    /// ```
    /// use inventory_core::Durability;
    /// assert_eq!(Durability::parse("FULL").unwrap(), Durability::Full);
    /// assert_eq!(Durability::parse("fast").unwrap_err().field(), Some("durability"));
    /// ```
    pub fn parse(text: &str) -> Result<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "normal" => Ok(Self::Normal),
            "full" => Ok(Self::Full),
            _ => Err(InventoryError::validation(
                "durability",
                "must be \"normal\" or \"full\"",
            )),
        }
    }
}
