//! [`SqliteStore`]: a SQLite file (or `:memory:`) through rusqlite, with the SQLite bundled.
//!
//! - Schema created and migrated by version (`PRAGMA user_version`); a file from a newer version
//!   of the library is refused.
//! - WAL journal, `synchronous = NORMAL`, a busy timeout, and `BEGIN IMMEDIATE` for every write,
//!   so threads and processes sharing a file serialise their writes instead of losing updates.
//! - Money as integer cents, timestamps as integer microseconds, ids as 16-byte blobs.
//! - A small pool of connections (readers run in parallel under WAL), each with a cache of
//!   prepared statements.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use chrono::{DateTime, Utc};
use parking_lot::FairMutex;
use rusqlite::types::Value;
use rusqlite::{
    Connection, OpenFlags, OptionalExtension, Row, TransactionBehavior, params, params_from_iter,
};
use uuid::Uuid;

pub use super::Durability;
use super::sql::{self, EVENT_COLUMNS, HOLD_COLUMNS, PRODUCT_COLUMNS, SqlValue};
use super::{Store, WriteFn, WriteTx};
use crate::error::{InventoryError, Result, StorageKind};
use crate::hold::{Hold, HoldStatus};
use crate::idempotency::IdempotencyRecord;
use crate::ledger::{Event, EventKind};
use crate::location::{Location, StockLevel};
use crate::price::{from_cents, to_cents};
use crate::product::Product;
use crate::query::ListQuery;
use crate::text::fold_case;

/// The schema, one entry per version: entry `n` takes a database from version `n` to `n + 1`.
const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE products (
    id          BLOB PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    name_folded TEXT NOT NULL,
    sku         TEXT NOT NULL,
    price_cents INTEGER NOT NULL CHECK (price_cents > 0 AND price_cents <= 9999999999),
    stock       INTEGER NOT NULL CHECK (stock >= 0 AND stock <= 2147483647),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    version     INTEGER NOT NULL
) WITHOUT ROWID;
CREATE UNIQUE INDEX products_sku ON products (sku);
CREATE INDEX products_created_at ON products (created_at, id);
CREATE INDEX products_stock ON products (stock, id);
CREATE INDEX products_price ON products (price_cents, id);
CREATE INDEX products_name ON products (name, id);
CREATE TABLE events (
    seq          INTEGER PRIMARY KEY,
    at           INTEGER NOT NULL,
    product_id   BLOB NOT NULL,
    kind         TEXT NOT NULL,
    sku          TEXT NOT NULL,
    delta        INTEGER,
    stock_before INTEGER,
    stock_after  INTEGER,
    reason       TEXT,
    reference    TEXT,
    actor        TEXT,
    changes      TEXT
);
CREATE INDEX events_product ON events (product_id, seq);
"#,
    r#"
DROP INDEX products_name;
CREATE INDEX products_name ON products (name_folded, id);
CREATE TRIGGER events_kind BEFORE INSERT ON events
WHEN NEW.kind NOT IN ('created', 'updated', 'stock_changed', 'deleted')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: events.kind'); END;
"#,
    // Locations, levels, idempotency keys, event ids and the replica id. `upgrade_to_locations`
    // then fills in what SQL alone cannot (ids, the replica, the default location's time).
    r#"
CREATE TABLE meta (
    name  TEXT PRIMARY KEY NOT NULL,
    value BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE locations (
    code       TEXT PRIMARY KEY NOT NULL,
    name       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version    INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE levels (
    product_id    BLOB NOT NULL,
    location      TEXT NOT NULL,
    on_hand       INTEGER NOT NULL CHECK (on_hand >= 0 AND on_hand <= 2147483647),
    reorder_point INTEGER CHECK (reorder_point >= 0 AND reorder_point <= 2147483647),
    PRIMARY KEY (product_id, location)
) WITHOUT ROWID;
CREATE INDEX levels_location ON levels (location);
CREATE TABLE idempotency (
    key      TEXT PRIMARY KEY NOT NULL,
    request  TEXT NOT NULL,
    response TEXT NOT NULL,
    at       INTEGER NOT NULL
) WITHOUT ROWID;
ALTER TABLE events ADD COLUMN id BLOB;
ALTER TABLE events ADD COLUMN replica BLOB;
ALTER TABLE events ADD COLUMN location TEXT;
ALTER TABLE events ADD COLUMN transfer_id BLOB;
ALTER TABLE events ADD COLUMN idempotency_key TEXT;
CREATE UNIQUE INDEX events_id ON events (id);
DROP TRIGGER events_kind;
CREATE TRIGGER events_kind BEFORE INSERT ON events
WHEN NEW.kind NOT IN ('created', 'updated', 'stock_changed', 'deleted', 'counted', 'transferred')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: events.kind'); END;
INSERT INTO levels (product_id, location, on_hand)
    SELECT id, 'DEFAULT', stock FROM products WHERE stock > 0;
UPDATE events SET location = 'DEFAULT' WHERE kind IN ('created', 'stock_changed');
"#,
    // Holds: the holds, each level's reserved units, and the hold columns of events.
    r#"
CREATE TABLE holds (
    id         BLOB PRIMARY KEY NOT NULL,
    product_id BLOB NOT NULL,
    location   TEXT NOT NULL,
    quantity   INTEGER NOT NULL CHECK (quantity > 0 AND quantity <= 2147483647),
    status     TEXT NOT NULL CHECK (status IN ('active', 'committed', 'released', 'expired')),
    committed  INTEGER NOT NULL CHECK (committed >= 0 AND committed <= quantity),
    expires_at INTEGER,
    reference  TEXT,
    actor      TEXT,
    created_at INTEGER NOT NULL,
    closed_at  INTEGER
) WITHOUT ROWID;
CREATE INDEX holds_product ON holds (product_id, id);
CREATE INDEX holds_due ON holds (expires_at, id) WHERE status = 'active' AND expires_at IS NOT NULL;
ALTER TABLE levels ADD COLUMN reserved INTEGER NOT NULL DEFAULT 0
    CHECK (reserved >= 0 AND reserved <= 2147483647);
ALTER TABLE events ADD COLUMN hold_id BLOB;
ALTER TABLE events ADD COLUMN quantity INTEGER;
ALTER TABLE events ADD COLUMN expires_at INTEGER;
DROP TRIGGER events_kind;
CREATE TRIGGER events_kind BEFORE INSERT ON events
WHEN NEW.kind NOT IN ('created', 'updated', 'stock_changed', 'deleted', 'counted', 'transferred',
                      'hold_placed', 'hold_committed', 'hold_released', 'hold_expired')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: events.kind'); END;
"#,
    // The total value as a running sum (`meta` 'total_cents', an i128 in 16 bytes) and the
    // number of products (`meta` 'product_count'): written when migrating, then moved by every
    // write.
    "",
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
const MAX_IDLE: usize = 8;

/// A store in a SQLite database file, or in memory.
///
/// ```
/// use inventory_core::{Inventory, NewProduct, SqliteStore};
/// use rust_decimal::Decimal;
/// let dir = tempfile::tempdir().unwrap();
/// let inv = Inventory::new(SqliteStore::open(dir.path().join("shop.db")).unwrap());
/// inv.create(NewProduct::new("Widget", "w-1", Decimal::new(250, 2)).with_stock(4)).unwrap();
/// assert_eq!(inv.total_value().unwrap().to_string(), "10.00");
/// ```
#[derive(Debug)]
pub struct SqliteStore {
    pool: Pool,
    /// The id the file's events are written as, read from its `meta` table at open.
    replica: Uuid,
}

#[derive(Debug)]
enum Pool {
    /// `:memory:`: one connection is the whole database.
    Single(Mutex<Connection>),
    /// A file: connections are opened on demand and kept for reuse.
    File {
        path: PathBuf,
        /// The file the path named at open: every write checks it still does.
        identity: FileIdentity,
        options: SqliteOptions,
        /// This process's writers of the file, in turn (unless `options.queue_writers` is off).
        queue: Option<WriteQueue>,
        idle: Mutex<Vec<Connection>>,
    },
}

/// A `Storage` error of the kind SQLite's result code says, with the SQLite error as source.
fn storage(e: rusqlite::Error) -> InventoryError {
    InventoryError::storage_fault(fault_kind(&e), e.to_string(), Some(e))
}

fn fault_kind(e: &rusqlite::Error) -> StorageKind {
    use rusqlite::ErrorCode as C;
    match e.sqlite_error_code() {
        Some(C::DiskFull) => StorageKind::DiskFull,
        Some(C::ReadOnly) => StorageKind::ReadOnly,
        Some(C::DatabaseBusy | C::DatabaseLocked) => StorageKind::Busy,
        Some(C::DatabaseCorrupt | C::NotADatabase) => StorageKind::Corrupt,
        _ => StorageKind::Other,
    }
}

/// `PRAGMA application_id` of this library's files ("INV1"), so `open` knows its own files from
/// every other SQLite database (see <https://www.sqlite.org/fileformat.html#application_id>).
pub const APPLICATION_ID: i32 = 0x494E_5631;

impl SqliteStore {
    /// Opens (creating if needed) the database file at `path` and brings its schema up to date.
    /// `":memory:"` opens a private in-memory database.
    ///
    /// A file that is not this library's database (another program's SQLite database, or not
    /// SQLite at all) is refused with a `Storage` error of kind `Corrupt`, and left exactly as it
    /// was: it is looked at read-only before anything is written.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        Self::open_with(path, SqliteOptions::default())
    }

    /// Like [`SqliteStore::open`], with options.
    ///
    /// ```
    /// use inventory_core::store::sqlite::{Durability, SqliteOptions, SqliteStore};
    /// let dir = tempfile::tempdir().unwrap();
    /// let options = SqliteOptions { durability: Durability::Full, ..Default::default() };
    /// let store = SqliteStore::open_with(dir.path().join("shop.db"), options).unwrap();
    /// # drop(store);
    /// ```
    pub fn open_with(path: impl AsRef<Path>, options: SqliteOptions) -> Result<Self> {
        let path = path.as_ref();
        if path.as_os_str() == ":memory:" {
            return Self::in_memory();
        }
        if path.exists() {
            check_is_ours(path)?;
        }
        let conn = connect(path, options, true)?;
        // WAL is a property of the file: set once, before any transaction.
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(storage)?;
        migrate(&conn)?;
        let replica = read_replica(&conn)?;
        let identity = FileIdentity::of(path).map_err(|e| {
            fault(
                StorageKind::Other,
                format!("cannot read {}", path.display()),
                e,
            )
        })?;
        Ok(Self {
            pool: Pool::File {
                path: path.to_owned(),
                identity,
                options,
                queue: options.queue_writers.then(|| write_queue(path)),
                idle: Mutex::new(vec![conn]),
            },
            replica,
        })
    }

    /// A private in-memory SQLite database (gone when the store is dropped).
    pub fn in_memory() -> Result<Self> {
        let conn = Connection::open_in_memory().map_err(storage)?;
        configure(&conn, SqliteOptions::default())?;
        migrate(&conn)?;
        let replica = read_replica(&conn)?;
        Ok(Self {
            pool: Pool::Single(Mutex::new(conn)),
            replica,
        })
    }

    /// The schema version of the database (equal to [`SCHEMA_VERSION`] once opened).
    pub fn schema_version(&self) -> Result<u32> {
        self.with_conn(|c| {
            c.pragma_query_value(None, "user_version", |r| r.get(0))
                .map_err(storage)
        })
    }

    fn with_conn<T>(&self, f: impl FnOnce(&mut Connection) -> Result<T>) -> Result<T> {
        let poisoned = || InventoryError::storage("SQLite connection lock poisoned");
        match &self.pool {
            Pool::Single(conn) => f(&mut *conn.lock().map_err(|_| poisoned())?),
            Pool::File {
                path,
                identity,
                options,
                idle,
                ..
            } => {
                let pooled = idle.lock().map_err(|_| poisoned())?.pop();
                let mut conn = match pooled {
                    Some(c) => c,
                    None => {
                        // Never create the file again: if it is gone, a new connection would
                        // otherwise make an empty database at the path.
                        let conn = connect(path, *options, false)?;
                        identity.check(path)?;
                        conn
                    }
                };
                let result = f(&mut conn);
                // A connection left inside a transaction (it cannot be, but be safe) is dropped.
                if conn.is_autocommit() {
                    let mut idle = idle.lock().map_err(|_| poisoned())?;
                    if idle.len() < MAX_IDLE {
                        idle.push(conn);
                    }
                }
                result
            }
        }
    }
}

/// How a [`SqliteStore`] opens its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SqliteOptions {
    pub durability: Durability,
    /// Whether the writers of this process take turns, first come first served, before they
    /// ask SQLite for the write lock (the default). SQLite's own busy handler, which is all that
    /// orders writers from other processes, sleeps and retries: under contention it is unfair,
    /// and a writer can wait seconds while others go ahead. `false` leaves this process's
    /// writers to it too (the benches compare the two).
    pub queue_writers: bool,
}

impl Default for SqliteOptions {
    fn default() -> Self {
        Self {
            durability: Durability::default(),
            queue_writers: true,
        }
    }
}

/// The writers' queue of one database file, shared by every store of this process that has the
/// file open (found by the file's canonical path).
type WriteQueue = Arc<FairMutex<()>>;

fn write_queue(path: &Path) -> WriteQueue {
    static QUEUES: Mutex<Vec<(PathBuf, Weak<FairMutex<()>>)>> = Mutex::new(Vec::new());
    let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
    let mut queues = QUEUES
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    queues.retain(|(_, q)| q.strong_count() > 0);
    if let Some(queue) = queues
        .iter()
        .find(|(p, _)| *p == key)
        .and_then(|(_, q)| q.upgrade())
    {
        return queue;
    }
    let queue = Arc::new(FairMutex::new(()));
    queues.push((key, Arc::downgrade(&queue)));
    queue
}

/// Which file a path named when the store opened it, to notice it being deleted or replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileIdentity {
    #[cfg(unix)]
    dev_ino: (u64, u64),
}

impl FileIdentity {
    fn of(path: &Path) -> std::io::Result<Self> {
        let meta = std::fs::metadata(path)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Ok(Self {
                dev_ino: (meta.dev(), meta.ino()),
            })
        }
        #[cfg(not(unix))]
        {
            let _ = meta;
            Ok(Self {})
        }
    }

    /// Fails, with kind `ConnectionLost`, unless `path` still names the file the store opened.
    fn check(&self, path: &Path) -> Result<()> {
        match Self::of(path) {
            Ok(now) if now == *self => Ok(()),
            Ok(_) => Err(fault(
                StorageKind::ConnectionLost,
                format!(
                    "the database file {} was replaced while open; nothing was written (reopen it)",
                    path.display()
                ),
                std::io::Error::other("a different file is at the path"),
            )),
            Err(e) => Err(fault(
                StorageKind::ConnectionLost,
                format!(
                    "the database file {} was deleted while open; nothing was written",
                    path.display()
                ),
                e,
            )),
        }
    }
}

fn fault(
    kind: StorageKind,
    message: String,
    source: impl std::error::Error + Send + Sync + 'static,
) -> InventoryError {
    InventoryError::storage_fault(kind, message, Some(source))
}

/// Looks at an existing file read-only and refuses it unless it is this library's database: one
/// marked with [`APPLICATION_ID`], one of schema version 1 (written before files were marked,
/// and adopted), or an empty database (a new file).
fn check_is_ours(path: &Path) -> Result<()> {
    let not_ours = |why: &str| {
        fault(
            StorageKind::Corrupt,
            format!(
                "{} is not an inventory database ({why}); it was left unchanged",
                path.display()
            ),
            std::io::Error::other(why.to_owned()),
        )
    };
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| {
        fault(
            fault_kind(&e),
            format!("cannot open {}: {e}", path.display()),
            e,
        )
    })?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(storage)?;
    let read = |sql: &str| -> Result<i64> {
        conn.query_row(sql, [], |r| r.get(0))
            .map_err(|e| match fault_kind(&e) {
                StorageKind::Corrupt => not_ours("not a SQLite database"),
                _ => storage(e),
            })
    };
    let application_id = read("PRAGMA application_id")?;
    let user_version = read("PRAGMA user_version")?;
    let objects = read("SELECT count(*) FROM sqlite_master")?;
    let tables = read(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('products', 'events')",
    )?;
    match application_id {
        id if id == i64::from(APPLICATION_ID) => Ok(()),
        0 if user_version == 0 && objects == 0 => Ok(()),
        0 if user_version == 1 && tables == 2 => Ok(()),
        0 => Err(not_ours("another program's SQLite database")),
        other => Err(not_ours(&format!("SQLite application_id {other:#x}"))),
    }
}

/// A connection to the file at `path`, creating the file only when `create` is set.
fn connect(path: &Path, options: SqliteOptions, create: bool) -> Result<Connection> {
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if create {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    }
    let conn = Connection::open_with_flags(path, flags).map_err(|e| {
        let kind = match fault_kind(&e) {
            StorageKind::Other if !create => StorageKind::ConnectionLost,
            kind => kind,
        };
        fault(kind, format!("cannot open {}: {e}", path.display()), e)
    })?;
    configure(&conn, options)?;
    Ok(conn)
}

fn configure(conn: &Connection, options: SqliteOptions) -> Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT).map_err(storage)?;
    let synchronous = match options.durability {
        Durability::Normal => "NORMAL",
        Durability::Full => "FULL",
    };
    conn.pragma_update(None, "synchronous", synchronous)
        .map_err(storage)?;
    // Up to 8 MiB of page cache per connection (SQLite's default is 2 MiB): the secondary
    // indexes (SKU, name, price, stock) take inserts all over themselves, and at a few hundred
    // thousand products a 2 MiB cache reads a page from the file for nearly every one.
    conn.pragma_update(None, "cache_size", -8 * 1024)
        .map_err(storage)?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(())
}

fn migrate(conn: &Connection) -> Result<()> {
    let found: u32 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(storage)?;
    let marked: i32 = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .map_err(storage)?;
    if found == SCHEMA_VERSION && marked == APPLICATION_ID {
        return Ok(());
    }
    if found > SCHEMA_VERSION {
        return Err(sql::newer_schema(found, SCHEMA_VERSION));
    }
    // Another process may be migrating too: take the write lock, then look again.
    conn.execute_batch("BEGIN IMMEDIATE").map_err(storage)?;
    let result = (|| {
        let found: u32 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(storage)?;
        for (from, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
            conn.execute_batch(sql).map_err(|e| {
                InventoryError::storage(format!("migrating from schema version {from}: {e}"))
            })?;
        }
        if found < sql::FOLDING_SINCE {
            refold(conn)?;
        }
        if found < sql::LOCATIONS_SINCE {
            upgrade_to_locations(conn)?;
        }
        if found < sql::TOTALS_SINCE {
            let total = sum_total(conn)?;
            conn.execute(
                "INSERT INTO meta (name, value) VALUES ('total_cents', ?1)",
                [total.to_be_bytes()],
            )
            .map_err(storage)?;
            conn.execute(
                "INSERT INTO meta (name, value) SELECT 'product_count', COUNT(*) FROM products",
                [],
            )
            .map_err(storage)?;
        }
        conn.pragma_update(None, "user_version", SCHEMA_VERSION)
            .map_err(storage)?;
        conn.pragma_update(None, "application_id", APPLICATION_ID)
            .map_err(storage)
    })();
    let end = if result.is_ok() { "COMMIT" } else { "ROLLBACK" };
    conn.execute_batch(end).map_err(storage)?;
    result
}

/// What the locations migration cannot write in SQL: the replica id, the default location, and
/// an id for every event written before events had one (see [`sql::event_id_at`]).
fn upgrade_to_locations(conn: &Connection) -> Result<()> {
    let replica = Uuid::new_v4();
    let context = uuid::ContextV7::new();
    conn.execute(
        "INSERT INTO meta (name, value) VALUES ('replica', ?1)",
        [replica.as_bytes()],
    )
    .map_err(storage)?;
    let first: Option<i64> = conn
        .query_row("SELECT MIN(created_at) FROM products", [], |r| r.get(0))
        .map_err(storage)?;
    let at = first.unwrap_or_else(|| Utc::now().timestamp_micros());
    conn.execute(
        &format!(
            "INSERT INTO locations ({}) VALUES (?1, 'Default', ?2, ?2, 1)",
            sql::LOCATION_COLUMNS
        ),
        params![crate::DEFAULT_LOCATION, at],
    )
    .map_err(storage)?;
    let events: Vec<(i64, i64)> = conn
        .prepare("SELECT seq, at FROM events WHERE id IS NULL ORDER BY seq")
        .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .map_err(storage)?;
    let mut update = conn
        .prepare("UPDATE events SET id = ?2, replica = ?3 WHERE seq = ?1")
        .map_err(storage)?;
    for (seq, at) in events {
        update
            .execute(params![
                seq,
                sql::event_id_at(&context, at).as_bytes(),
                replica.as_bytes()
            ])
            .map_err(storage)?;
    }
    Ok(())
}

/// Σ price × stock over every product, exact: what a migration writes as the running total.
fn sum_total(c: &Connection) -> Result<i128> {
    // Exact in SQL while the values and their sum fit in 64 bits: SQLite sums integers
    // as integers and reports an overflow of the sum as an error rather than rounding.
    // One price × stock past 64 bits becomes a floating-point value instead, and so does
    // the SUM, which the type check catches. Either way the queries below take over.
    let plain = c
        .prepare_cached("SELECT SUM(price_cents * stock) FROM products")
        .and_then(|mut s| s.query_row([], |r| r.get::<_, Value>(0)));
    match plain {
        Ok(Value::Null) => return Ok(0),
        Ok(Value::Integer(cents)) => return Ok(i128::from(cents)),
        _ => {}
    }
    // Split each price into its high and low 20 bits, so no single product overflows;
    // past 64 bits of sum, the 128-bit scan.
    let split = c
        .prepare_cached(
            "SELECT COALESCE(SUM(stock * (price_cents >> 20)), 0), \
             COALESCE(SUM(stock * (price_cents & 1048575)), 0) FROM products",
        )
        .and_then(|mut s| s.query_row([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))));
    if let Ok((high, low)) = split {
        return Ok((i128::from(high) << 20) + i128::from(low));
    }
    let mut stmt = c
        .prepare_cached("SELECT price_cents, stock FROM products")
        .map_err(storage)?;
    let mut rows = stmt.query([]).map_err(storage)?;
    let mut total = 0i128;
    while let Some(row) = rows.next().map_err(storage)? {
        let cents: i64 = row.get(0).map_err(storage)?;
        let stock: i64 = row.get(1).map_err(storage)?;
        total += i128::from(cents) * i128::from(stock);
    }
    Ok(total)
}

/// The running total value (see [`sql::TOTALS_SINCE`]).
fn read_total(conn: &Connection) -> Result<i128> {
    let bytes: [u8; 16] = conn
        .prepare_cached("SELECT value FROM meta WHERE name = 'total_cents'")
        .and_then(|mut s| s.query_row([], |r| r.get(0)))
        .map_err(storage)?;
    Ok(i128::from_be_bytes(bytes))
}

fn read_replica(conn: &Connection) -> Result<Uuid> {
    let bytes: [u8; 16] = conn
        .query_row("SELECT value FROM meta WHERE name = 'replica'", [], |r| {
            r.get(0)
        })
        .map_err(storage)?;
    Ok(Uuid::from_bytes(bytes))
}

/// Folds every stored name again (see [`sql::FOLDING_SINCE`]).
fn refold(conn: &Connection) -> Result<()> {
    let rows: Vec<(Vec<u8>, String, String)> = conn
        .prepare("SELECT id, name, name_folded FROM products")
        .and_then(|mut s| {
            s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect()
        })
        .map_err(storage)?;
    let mut update = conn
        .prepare("UPDATE products SET name_folded = ?2 WHERE id = ?1")
        .map_err(storage)?;
    for (id, name, folded) in rows {
        let now = fold_case(&name);
        if now != folded {
            update.execute(params![id, now]).map_err(storage)?;
        }
    }
    Ok(())
}

fn micros(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

fn from_micros(m: i64) -> rusqlite::Result<DateTime<Utc>> {
    DateTime::from_timestamp_micros(m).ok_or(rusqlite::Error::IntegralValueOutOfRange(0, m))
}

fn uuid_at(row: &Row<'_>, i: usize) -> rusqlite::Result<Uuid> {
    let bytes: [u8; 16] = row.get(i)?;
    Ok(Uuid::from_bytes(bytes))
}

fn product_from_row(row: &Row<'_>) -> rusqlite::Result<Product> {
    Ok(Product {
        id: uuid_at(row, 0)?,
        name: row.get(1)?,
        sku: row.get(2)?,
        price: from_cents(row.get(3)?),
        stock: row.get(4)?,
        created_at: from_micros(row.get(5)?)?,
        updated_at: from_micros(row.get(6)?)?,
        version: row.get(7)?,
    })
}

fn optional_uuid_at(row: &Row<'_>, i: usize) -> rusqlite::Result<Option<Uuid>> {
    let bytes: Option<[u8; 16]> = row.get(i)?;
    Ok(bytes.map(Uuid::from_bytes))
}

fn location_from_row(row: &Row<'_>) -> rusqlite::Result<Location> {
    Ok(Location {
        code: row.get(0)?,
        name: row.get(1)?,
        created_at: from_micros(row.get(2)?)?,
        updated_at: from_micros(row.get(3)?)?,
        version: row.get(4)?,
    })
}

fn level_from_row(row: &Row<'_>) -> rusqlite::Result<StockLevel> {
    Ok(StockLevel::stored(
        uuid_at(row, 0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(4)?,
        row.get(3)?,
    ))
}

fn hold_from_row(row: &Row<'_>) -> rusqlite::Result<Hold> {
    let status: String = row.get(4)?;
    let optional_time = |i: usize| -> rusqlite::Result<Option<DateTime<Utc>>> {
        row.get::<_, Option<i64>>(i)?.map(from_micros).transpose()
    };
    Ok(Hold {
        id: uuid_at(row, 0)?,
        product_id: uuid_at(row, 1)?,
        location: row.get(2)?,
        quantity: row.get(3)?,
        status: HoldStatus::parse(&status, "status").map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(4, rusqlite::types::Type::Text, e.into())
        })?,
        committed: row.get(5)?,
        expires_at: optional_time(6)?,
        reference: row.get(7)?,
        actor: row.get(8)?,
        created_at: from_micros(row.get(9)?)?,
        closed_at: optional_time(10)?,
    })
}

fn key_from_row(row: &Row<'_>) -> rusqlite::Result<IdempotencyRecord> {
    Ok(IdempotencyRecord {
        key: row.get(0)?,
        request: row.get(1)?,
        response: row.get(2)?,
        at: from_micros(row.get(3)?)?,
    })
}

fn event_from_row(row: &Row<'_>) -> rusqlite::Result<Event> {
    let kind: String = row.get(3)?;
    let changes: Option<String> = row.get(11)?;
    let bad = |what: &str| {
        rusqlite::Error::FromSqlConversionFailure(
            3,
            rusqlite::types::Type::Text,
            format!("bad event {what}").into(),
        )
    };
    Ok(Event {
        seq: row.get(0)?,
        id: uuid_at(row, 12)?,
        replica: uuid_at(row, 13)?,
        location: row.get(14)?,
        transfer_id: optional_uuid_at(row, 15)?,
        idempotency_key: row.get(16)?,
        hold_id: optional_uuid_at(row, 17)?,
        quantity: row.get(18)?,
        expires_at: row
            .get::<_, Option<i64>>(19)?
            .map(from_micros)
            .transpose()?,
        at: from_micros(row.get(1)?)?,
        product_id: uuid_at(row, 2)?,
        kind: EventKind::parse(&kind).ok_or_else(|| bad("kind"))?,
        sku: row.get(4)?,
        delta: row.get(5)?,
        stock_before: row.get(6)?,
        stock_after: row.get(7)?,
        reason: row.get(8)?,
        reference: row.get(9)?,
        actor: row.get(10)?,
        changes: sql::decode_changes(changes.as_deref()).ok_or_else(|| bad("changes"))?,
    })
}

/// Maps a failed write: the unique index on `sku` becomes `DuplicateSku`.
fn write_error(e: rusqlite::Error, product: &Product) -> InventoryError {
    if let rusqlite::Error::SqliteFailure(f, Some(msg)) = &e
        && f.code == rusqlite::ErrorCode::ConstraintViolation
        && msg.contains("products.sku")
    {
        return InventoryError::DuplicateSku {
            sku: product.sku.clone(),
        };
    }
    storage(e)
}

fn get_hold(conn: &Connection, id: Uuid) -> Result<Option<Hold>> {
    conn.prepare_cached(&format!("SELECT {HOLD_COLUMNS} FROM holds WHERE id = ?1"))
        .and_then(|mut s| s.query_row([id.as_bytes()], hold_from_row).optional())
        .map_err(storage)
}

fn get_product(conn: &Connection, id: Uuid) -> Result<Option<Product>> {
    conn.prepare_cached(&format!(
        "SELECT {PRODUCT_COLUMNS} FROM products WHERE id = ?1"
    ))
    .and_then(|mut s| s.query_row([id.as_bytes()], product_from_row).optional())
    .map_err(storage)
}

fn get_product_by_sku(conn: &Connection, sku: &str) -> Result<Option<Product>> {
    conn.prepare_cached(&format!(
        "SELECT {PRODUCT_COLUMNS} FROM products WHERE sku = ?1"
    ))
    .and_then(|mut s| s.query_row([sku], product_from_row).optional())
    .map_err(storage)
}

struct Tx<'a> {
    conn: &'a Connection,
}

impl Tx<'_> {
    /// Moves the kept number of products (an unfiltered list's total) by `by`.
    fn count_products(&mut self, by: i64) -> Result<()> {
        self.conn
            .prepare_cached("UPDATE meta SET value = value + ?1 WHERE name = 'product_count'")
            .and_then(|mut s| s.execute([by]))
            .map_err(storage)?;
        Ok(())
    }
}

impl WriteTx for Tx<'_> {
    fn get(&mut self, id: Uuid) -> Result<Option<Product>> {
        get_product(self.conn, id)
    }

    fn get_by_sku(&mut self, sku: &str) -> Result<Option<Product>> {
        get_product_by_sku(self.conn, sku)
    }

    fn insert(&mut self, p: &Product) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO products (id, name, name_folded, sku, price_cents, stock, created_at, \
                 updated_at, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    p.id.as_bytes(),
                    p.name,
                    fold_case(&p.name),
                    p.sku,
                    to_cents(p.price),
                    p.stock,
                    micros(p.created_at),
                    micros(p.updated_at),
                    p.version,
                ])
            })
            .map_err(|e| write_error(e, p))?;
        self.count_products(1)
    }

    fn update(&mut self, p: &Product) -> Result<()> {
        // Only the columns that change are written: SQLite rewrites the entries of every index
        // on a column named in SET, changed or not, and those rewrites were most of an update.
        let id = p.id.as_bytes();
        let stored: Option<(String, String, i64, u32)> = self
            .conn
            .prepare_cached("SELECT name, sku, price_cents, stock FROM products WHERE id = ?1")
            .and_then(|mut s| {
                s.query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
                    .optional()
            })
            .map_err(storage)?;
        let Some((name, sku, cents, stock)) = stored else {
            return Err(InventoryError::not_found_id(p.id));
        };
        let (updated_at, new_cents, folded) =
            (micros(p.updated_at), to_cents(p.price), fold_case(&p.name));
        let mut sql = String::from("UPDATE products SET updated_at = ?, version = ?");
        let mut values: Vec<&dyn rusqlite::ToSql> = vec![&updated_at, &p.version];
        if name != p.name {
            sql.push_str(", name = ?, name_folded = ?");
            values.extend([&p.name as &dyn rusqlite::ToSql, &folded]);
        }
        if sku != p.sku {
            sql.push_str(", sku = ?");
            values.push(&p.sku);
        }
        if cents != new_cents {
            sql.push_str(", price_cents = ?");
            values.push(&new_cents);
        }
        if stock != p.stock {
            sql.push_str(", stock = ?");
            values.push(&p.stock);
        }
        sql.push_str(" WHERE id = ?");
        values.push(&id);
        self.conn
            .prepare_cached(&sql)
            .and_then(|mut s| s.execute(&*values))
            .map_err(|e| write_error(e, p))?;
        Ok(())
    }

    fn update_stock(&mut self, p: &Product) -> Result<()> {
        let n = self
            .conn
            .prepare_cached(
                "UPDATE products SET stock = ?2, updated_at = ?3, version = ?4 WHERE id = ?1",
            )
            .and_then(|mut s| {
                s.execute(params![
                    p.id.as_bytes(),
                    p.stock,
                    micros(p.updated_at),
                    p.version
                ])
            })
            .map_err(storage)?;
        if n == 0 {
            return Err(InventoryError::not_found_id(p.id));
        }
        Ok(())
    }

    fn delete(&mut self, id: Uuid) -> Result<()> {
        let n = self
            .conn
            .prepare_cached("DELETE FROM products WHERE id = ?1")
            .and_then(|mut s| s.execute([id.as_bytes()]))
            .map_err(storage)?;
        if n == 0 {
            return Err(InventoryError::not_found_id(id));
        }
        self.conn
            .prepare_cached("DELETE FROM levels WHERE product_id = ?1")
            .and_then(|mut s| s.execute([id.as_bytes()]))
            .map_err(storage)?;
        self.count_products(-1)
    }

    fn location(&mut self, code: &str) -> Result<Option<Location>> {
        self.conn
            .prepare_cached(&format!(
                "SELECT {} FROM locations WHERE code = ?1",
                sql::LOCATION_COLUMNS
            ))
            .and_then(|mut s| s.query_row([code], location_from_row).optional())
            .map_err(storage)
    }

    fn put_location(&mut self, l: &Location) -> Result<()> {
        self.conn
            .prepare_cached(&format!(
                "INSERT OR REPLACE INTO locations ({}) VALUES (?1, ?2, ?3, ?4, ?5)",
                sql::LOCATION_COLUMNS
            ))
            .and_then(|mut s| {
                s.execute(params![
                    l.code,
                    l.name,
                    micros(l.created_at),
                    micros(l.updated_at),
                    l.version
                ])
            })
            .map_err(storage)?;
        Ok(())
    }

    fn delete_location(&mut self, code: &str) -> Result<()> {
        for sql in [
            "DELETE FROM levels WHERE location = ?1",
            "DELETE FROM locations WHERE code = ?1",
        ] {
            self.conn
                .prepare_cached(sql)
                .and_then(|mut s| s.execute([code]))
                .map_err(storage)?;
        }
        Ok(())
    }

    fn location_on_hand(&mut self, code: &str) -> Result<u64> {
        self.conn
            .prepare_cached("SELECT COALESCE(SUM(on_hand), 0) FROM levels WHERE location = ?1")
            .and_then(|mut s| s.query_row([code], |r| r.get(0)))
            .map_err(storage)
    }

    fn level(&mut self, product_id: Uuid, location: &str) -> Result<Option<StockLevel>> {
        self.conn
            .prepare_cached(&format!(
                "SELECT {} FROM levels WHERE product_id = ?1 AND location = ?2",
                sql::LEVEL_COLUMNS
            ))
            .and_then(|mut s| {
                s.query_row(params![product_id.as_bytes(), location], level_from_row)
                    .optional()
            })
            .map_err(storage)
    }

    fn put_level(&mut self, l: &StockLevel) -> Result<()> {
        self.conn
            .prepare_cached(&format!(
                "INSERT INTO levels ({}) VALUES (?1, ?2, ?3, ?4, ?5) \
                 ON CONFLICT (product_id, location) DO UPDATE \
                 SET on_hand = excluded.on_hand, reorder_point = excluded.reorder_point, \
                 reserved = excluded.reserved",
                sql::LEVEL_COLUMNS
            ))
            .and_then(|mut s| {
                s.execute(params![
                    l.product_id.as_bytes(),
                    l.location,
                    l.on_hand,
                    l.reorder_point,
                    l.reserved
                ])
            })
            .map_err(storage)?;
        Ok(())
    }

    fn idempotency(&mut self, key: &str) -> Result<Option<IdempotencyRecord>> {
        // The transaction holds the write lock (BEGIN IMMEDIATE): no one else can store the key
        // before this transaction ends.
        self.conn
            .prepare_cached(&format!(
                "SELECT {} FROM idempotency WHERE key = ?1",
                sql::KEY_COLUMNS
            ))
            .and_then(|mut s| s.query_row([key], key_from_row).optional())
            .map_err(storage)
    }

    fn put_idempotency(&mut self, k: &IdempotencyRecord) -> Result<()> {
        self.conn
            .prepare_cached(&format!(
                "INSERT INTO idempotency ({}) VALUES (?1, ?2, ?3, ?4)",
                sql::KEY_COLUMNS
            ))
            .and_then(|mut s| s.execute(params![k.key, k.request, k.response, micros(k.at)]))
            .map_err(storage)?;
        Ok(())
    }

    fn hold(&mut self, id: Uuid) -> Result<Option<Hold>> {
        get_hold(self.conn, id)
    }

    fn active_holds(&mut self, product_id: Uuid) -> Result<Vec<Hold>> {
        self.conn
            .prepare_cached(&format!(
                "SELECT {HOLD_COLUMNS} FROM holds WHERE product_id = ?1 AND status = 'active' \
                 ORDER BY id"
            ))
            .and_then(|mut s| {
                s.query_map([product_id.as_bytes()], hold_from_row)?
                    .collect()
            })
            .map_err(storage)
    }

    fn due_holds(&mut self, now: DateTime<Utc>, limit: u32) -> Result<Vec<Hold>> {
        self.conn
            .prepare_cached(&format!(
                "SELECT {HOLD_COLUMNS} FROM holds WHERE status = 'active' \
                 AND expires_at IS NOT NULL AND expires_at <= ?1 ORDER BY expires_at, id LIMIT ?2"
            ))
            .and_then(|mut s| {
                s.query_map(params![micros(now), limit], hold_from_row)?
                    .collect()
            })
            .map_err(storage)
    }

    fn put_hold(&mut self, h: &Hold) -> Result<()> {
        self.conn
            .prepare_cached(&format!(
                "INSERT OR REPLACE INTO holds ({HOLD_COLUMNS}) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
            ))
            .and_then(|mut s| {
                s.execute(params![
                    h.id.as_bytes(),
                    h.product_id.as_bytes(),
                    h.location,
                    h.quantity,
                    h.status.as_str(),
                    h.committed,
                    h.expires_at.map(micros),
                    h.reference,
                    h.actor,
                    micros(h.created_at),
                    h.closed_at.map(micros),
                ])
            })
            .map_err(storage)?;
        Ok(())
    }

    fn add_to_total(&mut self, _product_id: Uuid, cents: i128) -> Result<()> {
        if cents == 0 {
            return Ok(());
        }
        let total = read_total(self.conn)?
            .checked_add(cents)
            .ok_or_else(|| InventoryError::storage("the total value left 128 bits"))?;
        self.conn
            .prepare_cached("UPDATE meta SET value = ?1 WHERE name = 'total_cents'")
            .and_then(|mut s| s.execute([total.to_be_bytes()]))
            .map_err(storage)?;
        Ok(())
    }

    fn is_empty(&mut self) -> Result<bool> {
        // The transaction holds the write lock (BEGIN IMMEDIATE): no one else can add the first.
        self.conn
            .prepare_cached(
                "SELECT NOT EXISTS (SELECT 1 FROM products) AND NOT EXISTS (SELECT 1 FROM events)",
            )
            .and_then(|mut s| s.query_row([], |r| r.get(0)))
            .map_err(storage)
    }

    fn append(&mut self, e: &mut Event) -> Result<()> {
        let changes = sql::encode_changes(&e.changes)?;
        if e.seq != 0 {
            let last: u64 = self
                .conn
                .prepare_cached("SELECT COALESCE(MAX(seq), 0) FROM events")
                .and_then(|mut s| s.query_row([], |r| r.get(0)))
                .map_err(storage)?;
            if e.seq <= last {
                return Err(InventoryError::storage(format!(
                    "event sequence {} is not after the last one ({last})",
                    e.seq
                )));
            }
        }
        // `seq` is the rowid: the new one is the connection's last inserted rowid, which costs
        // nothing to read (`RETURNING` would build a temporary table for every event).
        self.conn
            .prepare_cached(&format!(
                "INSERT INTO events ({EVENT_COLUMNS}) \
                 VALUES (NULLIF(?1, 0), ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, \
                 ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)"
            ))
            .and_then(|mut s| {
                s.execute(params![
                    e.seq,
                    micros(e.at),
                    e.product_id.as_bytes(),
                    e.kind.as_str(),
                    e.sku,
                    e.delta,
                    e.stock_before,
                    e.stock_after,
                    e.reason,
                    e.reference,
                    e.actor,
                    changes,
                    e.id.as_bytes(),
                    e.replica.as_bytes(),
                    e.location,
                    e.transfer_id.as_ref().map(|t| t.as_bytes()),
                    e.idempotency_key,
                    e.hold_id.as_ref().map(|t| t.as_bytes()),
                    e.quantity,
                    e.expires_at.map(micros),
                ])
            })
            .map_err(storage)?;
        e.seq = u64::try_from(self.conn.last_insert_rowid())
            .map_err(|_| InventoryError::storage("SQLite assigned a negative event sequence"))?;
        Ok(())
    }
}

fn sql_value(value: &SqlValue) -> Value {
    match value {
        SqlValue::Int(i) => Value::Integer(*i),
        SqlValue::Text(t) => Value::Text(t.clone()),
        SqlValue::Id(id) => Value::Blob(id.as_bytes().to_vec()),
    }
}

impl Store for SqliteStore {
    fn write(&self, f: &mut WriteFn<'_>) -> Result<()> {
        // Take a turn first: one writer of this process at a time asks SQLite for the lock, so
        // SQLite's busy handler only ever arbitrates between processes.
        let _turn = match &self.pool {
            Pool::File {
                queue: Some(queue), ..
            } => Some(queue.lock()),
            _ => None,
        };
        self.with_conn(|conn| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(storage)?;
            f(&mut Tx { conn: &tx })?;
            // With the write lock held: is the file we write still the one at the path? A file
            // deleted or replaced under us would take this commit with it.
            if let Pool::File { path, identity, .. } = &self.pool {
                identity.check(path)?;
            }
            tx.commit().map_err(storage)
        })
    }

    fn get(&self, id: Uuid) -> Result<Option<Product>> {
        self.with_conn(|c| get_product(c, id))
    }

    fn get_by_sku(&self, sku: &str) -> Result<Option<Product>> {
        self.with_conn(|c| get_product_by_sku(c, sku))
    }

    fn list(&self, q: &ListQuery) -> Result<(Vec<Product>, Option<u64>)> {
        let sql = sql::list_sql::<sql::Sqlite>(q);
        let values: Vec<Value> = sql.params.iter().map(sql_value).collect();
        self.with_conn(|c| {
            let tx = c.transaction().map_err(storage)?; // one snapshot for count and page
            // Every product matches an unfiltered list: the kept count answers at once.
            let total: Option<u64> = if !q.count {
                None
            } else if q.is_unfiltered() {
                Some(
                    tx.prepare_cached("SELECT value FROM meta WHERE name = 'product_count'")
                        .and_then(|mut s| s.query_row([], |r| r.get(0)))
                        .map_err(storage)?,
                )
            } else {
                Some(
                    tx.prepare_cached(&sql.count)
                        .and_then(|mut s| {
                            s.query_row(params_from_iter(&values[..sql.count_params]), |r| r.get(0))
                        })
                        .map_err(storage)?,
                )
            };
            let items = tx
                .prepare_cached(&sql.page)
                .and_then(|mut s| {
                    s.query_map(params_from_iter(values.iter()), product_from_row)?
                        .collect::<rusqlite::Result<Vec<_>>>()
                })
                .map_err(storage)?;
            Ok((items, total))
        })
    }

    fn total_value_cents(&self) -> Result<i128> {
        self.with_conn(|c| read_total(c))
    }

    fn history(&self, id: Uuid) -> Result<Vec<Event>> {
        self.with_conn(|c| {
            c.prepare_cached(&format!(
                "SELECT {EVENT_COLUMNS} FROM events WHERE product_id = ?1 ORDER BY seq"
            ))
            .and_then(|mut s| {
                s.query_map([id.as_bytes()], event_from_row)?
                    .collect::<rusqlite::Result<Vec<_>>>()
            })
            .map_err(storage)
        })
    }

    fn events_since(&self, since: u64, limit: u32) -> Result<Vec<Event>> {
        self.with_conn(|c| {
            c.prepare_cached(&format!(
                "SELECT {EVENT_COLUMNS} FROM events WHERE seq > ?1 ORDER BY seq LIMIT ?2"
            ))
            .and_then(|mut s| {
                s.query_map(params![since, limit], event_from_row)?
                    .collect::<rusqlite::Result<Vec<_>>>()
            })
            .map_err(storage)
        })
    }

    fn all_products(&self) -> Result<Vec<Product>> {
        self.rows(
            &format!("SELECT {PRODUCT_COLUMNS} FROM products"),
            [],
            product_from_row,
        )
    }

    fn replica_id(&self) -> Result<Uuid> {
        Ok(self.replica)
    }

    fn locations(&self) -> Result<Vec<Location>> {
        let columns = sql::LOCATION_COLUMNS;
        self.rows(
            &format!("SELECT {columns} FROM locations ORDER BY code"),
            [],
            location_from_row,
        )
    }

    fn levels(&self, product_id: Uuid) -> Result<Vec<StockLevel>> {
        let columns = sql::LEVEL_COLUMNS;
        self.rows(
            &format!("SELECT {columns} FROM levels WHERE product_id = ?1 ORDER BY location"),
            [product_id.as_bytes().to_vec()],
            level_from_row,
        )
    }

    fn all_levels(&self) -> Result<Vec<StockLevel>> {
        let columns = sql::LEVEL_COLUMNS;
        self.rows(&format!("SELECT {columns} FROM levels"), [], level_from_row)
    }

    fn all_idempotency(&self) -> Result<Vec<IdempotencyRecord>> {
        let columns = sql::KEY_COLUMNS;
        self.rows(
            &format!("SELECT {columns} FROM idempotency"),
            [],
            key_from_row,
        )
    }

    fn hold(&self, id: Uuid) -> Result<Option<Hold>> {
        self.with_conn(|c| get_hold(c, id))
    }

    fn holds(&self, product_id: Uuid) -> Result<Vec<Hold>> {
        self.rows(
            &format!("SELECT {HOLD_COLUMNS} FROM holds WHERE product_id = ?1 ORDER BY id"),
            [product_id.as_bytes().to_vec()],
            hold_from_row,
        )
    }

    fn all_holds(&self) -> Result<Vec<Hold>> {
        self.rows(
            &format!("SELECT {HOLD_COLUMNS} FROM holds"),
            [],
            hold_from_row,
        )
    }

    fn check_integrity(&self) -> Result<()> {
        let problems: Vec<String> = self.with_conn(|c| {
            c.prepare("PRAGMA integrity_check(5)")
                .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
                .map_err(storage)
        })?;
        if problems == ["ok"] {
            return Ok(());
        }
        Err(InventoryError::storage_fault(
            StorageKind::Corrupt,
            format!("the SQLite file is damaged: {}", problems.join("; ")),
            None::<std::io::Error>,
        ))
    }

    fn levels_and_holds(&self, product_id: Uuid) -> Result<(Vec<StockLevel>, Vec<Hold>)> {
        // One read transaction: the levels and the holds of one moment.
        self.with_conn(|c| {
            let tx = c.transaction().map_err(storage)?;
            let levels: Vec<StockLevel> = tx
                .prepare_cached(&format!(
                    "SELECT {} FROM levels WHERE product_id = ?1 ORDER BY location",
                    sql::LEVEL_COLUMNS
                ))
                .and_then(|mut s| {
                    s.query_map([product_id.as_bytes()], level_from_row)?
                        .collect()
                })
                .map_err(storage)?;
            let holds = if levels.iter().any(|l| l.reserved > 0) {
                Tx { conn: &tx }.active_holds(product_id)?
            } else {
                Vec::new()
            };
            tx.commit().map_err(storage)?;
            Ok((levels, holds))
        })
    }
}

impl SqliteStore {
    /// Every row of a query, each read by `row`.
    fn rows<T, P: rusqlite::Params>(
        &self,
        sql: &str,
        params: P,
        row: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>> {
        self.with_conn(|c| {
            c.prepare_cached(sql)
                .and_then(|mut s| s.query_map(params, row)?.collect())
                .map_err(storage)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_a_newer_schema() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("future.db");
        drop(SqliteStore::open(&path).unwrap());
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        drop(conn);
        let err = SqliteStore::open(&path).unwrap_err();
        assert_eq!(err.code(), "STORAGE");
        assert!(err.to_string().contains("newer than this library"), "{err}");
    }

    #[test]
    fn total_value_stays_exact_when_the_sql_sums_overflow() {
        use crate::{Inventory, MAX_PRICE, MAX_STOCK, NewProduct};
        let inv = Inventory::new(SqliteStore::in_memory().unwrap());
        // Enough maximal products that SQL's 64-bit SUM overflows and the 128-bit scan runs.
        let n = 6000;
        inv.create_many(
            (0..n)
                .map(|i| NewProduct::new("max", format!("M{i}"), MAX_PRICE).with_stock(MAX_STOCK))
                .collect(),
        )
        .unwrap();
        let expected = i128::from(n) * 9_999_999_999 * i128::from(MAX_STOCK);
        let low_bits_sum = i128::from(n) * (9_999_999_999 & 0xF_FFFF) * i128::from(MAX_STOCK);
        assert!(
            low_bits_sum > i128::from(i64::MAX),
            "the SQL path must overflow here"
        );
        assert_eq!(inv.store().total_value_cents().unwrap(), expected);
    }

    /// A file of schema 4 (before the running total) gets its total summed once, exactly,
    /// when opened: through SQL's 64-bit sums while they fit, the 128-bit scan past them.
    #[test]
    fn the_migration_to_a_running_total_sums_exactly() {
        use crate::{Inventory, MAX_PRICE, MAX_STOCK, NewProduct};
        for (n, stock) in [(3i64, 7u32), (6000, MAX_STOCK)] {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("shop.db");
            let inv = Inventory::new(SqliteStore::open(&path).unwrap());
            inv.create_many(
                (0..n)
                    .map(|i| NewProduct::new("max", format!("M{i}"), MAX_PRICE).with_stock(stock))
                    .collect(),
            )
            .unwrap();
            drop(inv);
            let c = Connection::open(&path).unwrap();
            c.execute_batch(
                "DELETE FROM meta WHERE name IN ('total_cents', 'product_count'); \
                 PRAGMA user_version = 4",
            )
            .unwrap();
            drop(c);
            let store = SqliteStore::open(&path).unwrap();
            assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
            let expected = i128::from(n) * 9_999_999_999 * i128::from(stock);
            assert_eq!(
                store.total_value_cents().unwrap(),
                expected,
                "{n} × {stock}"
            );
            Inventory::new(store).check_ledger().unwrap();
        }
    }

    #[test]
    fn total_value_stays_exact_when_one_product_passes_64_bits() {
        use crate::{Inventory, MAX_PRICE, MAX_STOCK, NewProduct};
        let inv = Inventory::new(SqliteStore::in_memory().unwrap());
        // 9,999,999,999 × 2,147,483,647 cents does not fit in an i64: SQLite's product is a REAL.
        inv.create_many(vec![
            NewProduct::new("max", "M1", MAX_PRICE).with_stock(MAX_STOCK),
            NewProduct::new("small", "S1", crate::parse_price("0.01").unwrap()).with_stock(3),
        ])
        .unwrap();
        let expected = 9_999_999_999 * i128::from(MAX_STOCK) + 3;
        assert!(expected > i128::from(i64::MAX));
        assert_eq!(inv.store().total_value_cents().unwrap(), expected);
        let empty = SqliteStore::in_memory().unwrap();
        assert_eq!(empty.total_value_cents().unwrap(), 0);
    }

    #[test]
    fn an_update_writes_only_what_changed_and_keeps_the_rest() {
        use crate::{Inventory, NewProduct, ProductPatch, parse_price};
        let inv = Inventory::new(SqliteStore::in_memory().unwrap());
        let p = inv
            .create(NewProduct::new("Widget", "W-1", parse_price("1.00").unwrap()).with_stock(4))
            .unwrap();
        inv.create(NewProduct::new(
            "Other",
            "O-1",
            parse_price("2.00").unwrap(),
        ))
        .unwrap();
        let q = inv
            .update(
                p.id,
                ProductPatch::default().price(parse_price("1.50").unwrap()),
            )
            .unwrap();
        assert_eq!(inv.get(p.id).unwrap(), q);
        let r = inv
            .update(p.id, ProductPatch::default().name("Gadget").sku("g-1"))
            .unwrap();
        assert_eq!(inv.get(p.id).unwrap(), r);
        assert_eq!(
            (r.name.as_str(), r.sku.as_str(), r.stock),
            ("Gadget", "G-1", 4)
        );
        assert_eq!(r.price, parse_price("1.50").unwrap());
        assert_eq!(inv.get_by_sku("G-1").unwrap().id, p.id);
        let found = inv
            .list(&crate::Query {
                name_contains: Some("gadg".into()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(found.total, Some(1), "the folded name follows the name");
        let err = inv
            .update(p.id, ProductPatch::default().sku("O-1"))
            .unwrap_err();
        assert_eq!(err.code(), "DUPLICATE_SKU");
        let err = inv
            .update(Uuid::new_v4(), ProductPatch::default().name("x"))
            .unwrap_err();
        assert_eq!(err.code(), "NOT_FOUND");
    }

    #[test]
    fn stores_of_one_file_share_one_writer_queue() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.db");
        let queue = |store: &SqliteStore| match &store.pool {
            Pool::File { queue, .. } => queue.clone(),
            Pool::Single(_) => None,
        };
        let a = SqliteStore::open(&path).unwrap();
        // The same file by another spelling of its path.
        let b = SqliteStore::open(dir.path().join(".").join("a.db")).unwrap();
        let other = SqliteStore::open(dir.path().join("b.db")).unwrap();
        let (qa, qb, qo) = (
            queue(&a).unwrap(),
            queue(&b).unwrap(),
            queue(&other).unwrap(),
        );
        assert!(Arc::ptr_eq(&qa, &qb));
        assert!(!Arc::ptr_eq(&qa, &qo));
        // While this thread holds the file's turn, the other store's writer waits for it.
        let turn = qa.lock();
        assert!(qb.try_lock().is_none());
        drop(turn);
        assert!(qb.try_lock().is_some());
        let unqueued = SqliteOptions {
            queue_writers: false,
            ..SqliteOptions::default()
        };
        assert!(queue(&SqliteStore::open_with(&path, unqueued).unwrap()).is_none());
    }

    #[test]
    fn reopening_keeps_the_schema_version() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.db");
        drop(SqliteStore::open(&path).unwrap());
        assert_eq!(
            SqliteStore::open(&path).unwrap().schema_version().unwrap(),
            SCHEMA_VERSION
        );
    }
}
