//! [`PostgresStore`]: a PostgreSQL database, for several app servers sharing one inventory.
//!
//! - The `postgres` client with a small r2d2 pool of connections; each connection keeps its
//!   prepared statements, so a query is one round trip.
//! - Schema created and migrated by version (the one-row table `inventory_schema`), under an
//!   advisory lock so servers starting together migrate once; a database written by a newer
//!   version of the library is refused.
//! - Tables are named `inventory_*` and live in the first schema of the `search_path`; pick a
//!   schema of their own with `options=-csearch_path%3Dshop` in the URL.
//! - Money as integer cents (`BIGINT`), timestamps as integer microseconds, ids as `UUID`, and
//!   text columns `COLLATE "C"`, so SKUs and folded names sort by code point exactly as in the other
//!   stores, whatever the database's locale.
//! - Every write is one `READ COMMITTED` transaction in which [`WriteTx::get`] locks the product
//!   row (`SELECT … FOR UPDATE`): concurrent adjustments of one product, from any number of
//!   connections or servers, queue on the row and none is lost. `CHECK (stock >= 0)` backs the
//!   rule up in the database. Deadlocks and serialization failures re-run the transaction.
//! - Ledger sequence numbers come from a one-row counter, so they are gap-free and in commit
//!   order (the comment on `Tx::append` says why that matters to followers of `events_since`).

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use ::postgres::error::SqlState;
use ::postgres::types::ToSql;
use ::postgres::{Client, Config, GenericClient, IsolationLevel, NoTls, Row, Statement};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::sql::{self, Dialect, EVENT_COLUMNS, PRODUCT_COLUMNS, SqlValue};
use super::{Store, WriteFn, WriteTx};
use crate::error::{InventoryError, Result, StorageKind};
use crate::ledger::{Event, EventKind};
use crate::price::{from_cents, to_cents};
use crate::product::Product;
use crate::query::ListQuery;
use crate::text::fold_case;

/// The schema, one entry per version: entry `n` takes a database from version `n` to `n + 1`.
const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE inventory_products (
    id          UUID PRIMARY KEY,
    name        TEXT COLLATE "C" NOT NULL,
    name_folded TEXT COLLATE "C" NOT NULL,
    sku         TEXT COLLATE "C" NOT NULL,
    price_cents BIGINT NOT NULL CHECK (price_cents > 0 AND price_cents <= 9999999999),
    stock       INTEGER NOT NULL CHECK (stock >= 0),
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    version     BIGINT NOT NULL CHECK (version > 0)
);
CREATE UNIQUE INDEX inventory_products_sku ON inventory_products (sku);
CREATE INDEX inventory_products_created_at ON inventory_products (created_at, id);
CREATE INDEX inventory_products_stock ON inventory_products (stock, id);
CREATE INDEX inventory_products_price ON inventory_products (price_cents, id);
CREATE INDEX inventory_products_name ON inventory_products (name, id);
CREATE TABLE inventory_events (
    seq          BIGINT PRIMARY KEY CHECK (seq > 0),
    at           BIGINT NOT NULL,
    product_id   UUID NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('created', 'updated', 'stock_changed', 'deleted')),
    sku          TEXT NOT NULL,
    delta        BIGINT,
    stock_before BIGINT,
    stock_after  BIGINT,
    reason       TEXT,
    reference    TEXT,
    actor        TEXT,
    changes      TEXT
);
CREATE INDEX inventory_events_product ON inventory_events (product_id, seq);
CREATE TABLE inventory_event_seq (
    one      BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one),
    last_seq BIGINT NOT NULL
);
INSERT INTO inventory_event_seq (last_seq) VALUES (0);
"#,
    r#"
DROP INDEX inventory_products_name;
CREATE INDEX inventory_products_name ON inventory_products (name_folded, id);
"#,
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// How many connections a store opens at most unless told otherwise.
pub const DEFAULT_MAX_CONNECTIONS: u32 = 8;

/// How often a write transaction is re-run after a deadlock or serialization failure.
const MAX_ATTEMPTS: u32 = 10;
/// Prepared statements kept per connection; the cache starts over when it is full.
const MAX_CACHED_STATEMENTS: usize = 256;
/// The first key of the advisory lock taken while migrating ("inv"); the second is the schema.
const MIGRATION_LOCK: i32 = 0x0069_6e76;

/// A store in a PostgreSQL database, shared by every process that opens the same URL.
///
/// The URL is a libpq-style `postgres://user:password@host:port/dbname?options` (the
/// `postgres` crate's [`Config`] syntax; key-value strings work too). Connections are plain TCP
/// or a unix socket (`?host=/run/postgresql`); TLS is not built in.
///
/// ```no_run
/// use inventory_core::{Inventory, NewProduct, PostgresStore, parse_price};
///
/// // Tables go into the schema "shop" (it must exist); without options, into "public".
/// let store = PostgresStore::open(
///     "postgres://app@db.internal/inventory?options=-csearch_path%3Dshop",
/// )?;
/// let inv = Inventory::new(store);
/// // or simply: Inventory::open("postgres://app@db.internal/inventory")?
/// let p = inv.create(NewProduct::new("Widget", "W-1", parse_price("2.50")?).with_stock(4))?;
/// inv.adjust_stock(p.id, -1, "sale")?;
/// # Ok::<(), inventory_core::InventoryError>(())
/// ```
pub struct PostgresStore {
    /// Always `Some` but while dropping (the pool is dropped on a thread of its own).
    pool: Option<r2d2::Pool<Manager>>,
    /// Where the pool connects, for error messages (never the password).
    target: String,
}

/// How a [`PostgresStore`] pools its connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PostgresOptions {
    /// The most connections the pool opens (each app server sharing the database has its own
    /// pool; mind the server's `max_connections`). Default [`DEFAULT_MAX_CONNECTIONS`].
    pub max_connections: u32,
    /// How long a call waits for a connection (the server down, or every connection busy)
    /// before it fails with [`StorageKind::ConnectionLost`]. Default 30 s.
    pub connection_timeout: Duration,
}

impl Default for PostgresOptions {
    fn default() -> Self {
        Self {
            max_connections: DEFAULT_MAX_CONNECTIONS,
            connection_timeout: Duration::from_secs(30),
        }
    }
}

impl fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.pool().state();
        f.debug_struct("PostgresStore")
            .field("max_connections", &self.pool().max_size())
            .field("connections", &state.connections)
            .field("idle", &state.idle_connections)
            .finish()
    }
}

/// One pooled connection and its prepared statements.
struct Conn {
    client: Client,
    statements: HashMap<String, Statement>,
}

/// Opens connections for the pool (the connection keeps its own statement cache, which is why
/// this is not `r2d2_postgres`).
struct Manager {
    config: Config,
}

impl r2d2::ManageConnection for Manager {
    type Connection = Conn;
    type Error = ::postgres::Error;

    fn connect(&self) -> std::result::Result<Conn, Self::Error> {
        Ok(Conn {
            client: self.config.connect(NoTls)?,
            statements: HashMap::new(),
        })
    }

    fn is_valid(&self, conn: &mut Conn) -> std::result::Result<(), Self::Error> {
        conn.client.simple_query("").map(drop)
    }

    fn has_broken(&self, conn: &mut Conn) -> bool {
        conn.client.is_closed()
    }
}

/// A `Storage` error worded from a PostgreSQL error (SQLSTATE, message and detail), of the
/// kind its SQLSTATE class says.
fn storage(e: ::postgres::Error) -> InventoryError {
    InventoryError::storage_fault(fault_kind(&e), describe(&e), Some(e))
}

/// What kind of fault a PostgreSQL error is: from the SQLSTATE where the server sent one, else
/// the connection itself failed (closed, refused, timed out).
fn fault_kind(e: &::postgres::Error) -> StorageKind {
    let Some(code) = e.code() else {
        return StorageKind::ConnectionLost;
    };
    match code.code() {
        // Class 08: connection exception; 57P01..57P03: the server is shutting down or starting.
        c if c.starts_with("08") || ["57P01", "57P02", "57P03"].contains(&c) => {
            StorageKind::ConnectionLost
        }
        // disk_full, out of memory, too many connections (class 53: insufficient resources).
        "53100" => StorageKind::DiskFull,
        c if c.starts_with("53") => StorageKind::Busy,
        // read_only_sql_transaction (a standby, or default_transaction_read_only).
        "25006" => StorageKind::ReadOnly,
        // lock_not_available, query_canceled (statement or lock timeout).
        "55P03" | "57014" => StorageKind::Busy,
        // data_corrupted, index_corrupted.
        "XX001" | "XX002" => StorageKind::Corrupt,
        _ => StorageKind::Other,
    }
}

fn describe(e: &::postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => {
            let mut text = format!("PostgreSQL {}: {}", db.code().code(), db.message());
            if let Some(detail) = db.detail() {
                text.push_str(&format!(" ({detail})"));
            }
            text
        }
        None => format!("PostgreSQL: {e}"),
    }
}

/// A deadlock or serialization failure: re-running the transaction can succeed.
fn is_transient(e: &::postgres::Error) -> bool {
    matches!(
        e.code(),
        Some(c) if *c == SqlState::T_R_SERIALIZATION_FAILURE || *c == SqlState::T_R_DEADLOCK_DETECTED
    )
}

/// How long to pause before re-running a transaction for the `attempt`-th time: a random time
/// in the upper half of a window that doubles with each attempt (5 ms, 10 ms, … up to 640 ms).
///
/// The randomness matters more than the length: two writers that deadlocked and pause for the
/// same time meet again in the same order, and each repeat costs the server's
/// `deadlock_timeout` before it is detected.
fn backoff(attempt: u32) -> Duration {
    use std::hash::{BuildHasher, RandomState};
    let window_micros = 5_000u64 << attempt.saturating_sub(1).min(7);
    // A fresh `RandomState` is seeded randomly per process and per call: enough jitter here.
    let random = RandomState::new().hash_one(attempt);
    Duration::from_micros(window_micros / 2 + random % (window_micros / 2 + 1))
}

/// Where a config points, for error messages (never the password).
fn target(config: &Config) -> String {
    use ::postgres::config::Host;
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .map(|h| match h {
            Host::Tcp(name) => name.clone(),
            Host::Unix(path) => path.display().to_string(),
        })
        .collect();
    let ports: Vec<String> = config.get_ports().iter().map(u16::to_string).collect();
    let host = if hosts.is_empty() {
        "localhost".to_owned()
    } else {
        hosts.join(",")
    };
    let port = if ports.is_empty() {
        "5432".to_owned()
    } else {
        ports.join(",")
    };
    format!("{host}:{port}/{}", config.get_dbname().unwrap_or(""))
}

/// The statement for `sql`, prepared once per connection.
fn prepared(
    client: &mut impl GenericClient,
    cache: &mut HashMap<String, Statement>,
    sql: &str,
) -> std::result::Result<Statement, ::postgres::Error> {
    if let Some(statement) = cache.get(sql) {
        return Ok(statement.clone());
    }
    let statement = client.prepare(sql)?;
    if cache.len() >= MAX_CACHED_STATEMENTS {
        cache.clear();
    }
    cache.insert(sql.to_owned(), statement.clone());
    Ok(statement)
}

impl Conn {
    fn query(
        &mut self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> std::result::Result<Vec<Row>, ::postgres::Error> {
        let statement = prepared(&mut self.client, &mut self.statements, sql)?;
        self.client.query(&statement, params)
    }
}

impl PostgresStore {
    /// Connects to the database at `url`, creating or migrating the schema, with a pool of up to
    /// [`DEFAULT_MAX_CONNECTIONS`] connections.
    ///
    /// Fails with `Validation` (field `location`) for a URL that does not parse, and with
    /// `Storage` when the server cannot be reached or its schema is newer than this library.
    pub fn open(url: &str) -> Result<Self> {
        Self::open_with_max_connections(url, DEFAULT_MAX_CONNECTIONS)
    }

    /// Like [`PostgresStore::open`], with a pool of up to `max_connections` connections (each
    /// server sharing the database has its own pool; mind the server's `max_connections`).
    ///
    /// ```no_run
    /// let store = inventory_core::PostgresStore::open_with_max_connections(
    ///     "postgres://app@localhost/inventory",
    ///     16,
    /// )?;
    /// # Ok::<(), inventory_core::InventoryError>(())
    /// ```
    pub fn open_with_max_connections(url: &str, max_connections: u32) -> Result<Self> {
        Self::open_with(
            url,
            PostgresOptions {
                max_connections,
                ..PostgresOptions::default()
            },
        )
    }

    /// Like [`PostgresStore::open`], with the pool's size and patience set.
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use inventory_core::store::postgres::{PostgresOptions, PostgresStore};
    /// let store = PostgresStore::open_with(
    ///     "postgres://app@localhost/inventory",
    ///     PostgresOptions { connection_timeout: Duration::from_secs(2), ..Default::default() },
    /// )?;
    /// # Ok::<(), inventory_core::InventoryError>(())
    /// ```
    pub fn open_with(url: &str, options: PostgresOptions) -> Result<Self> {
        let PostgresOptions {
            max_connections,
            connection_timeout,
        } = options;
        if max_connections == 0 {
            return Err(InventoryError::validation(
                "max_connections",
                "must be at least 1",
            ));
        }
        if connection_timeout.is_zero() {
            return Err(InventoryError::validation(
                "connection_timeout",
                "must be longer than 0",
            ));
        }
        let mut config = Config::from_str(url.trim()).map_err(|e| {
            InventoryError::validation("location", format!("is not a valid PostgreSQL URL: {e}"))
        })?;
        if config.get_application_name().is_none() {
            config.application_name("inventory");
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(10));
        }
        // One connection first: a server that cannot be reached fails here, at once and clearly,
        // rather than in the pool's retry loop. On a thread of its own: the `postgres` client
        // runs a runtime of its own, which cannot start inside an async runtime's thread.
        let config = off_runtime(move || connect_and_migrate(config))?;
        let target = target(&config);
        let pool = r2d2::Pool::builder()
            .max_size(max_connections)
            .min_idle(Some(0))
            .connection_timeout(connection_timeout)
            .build_unchecked(Manager { config });
        Ok(Self {
            pool: Some(pool),
            target,
        })
    }

    /// The schema version of the database (equal to [`SCHEMA_VERSION`] once opened).
    pub fn schema_version(&self) -> Result<u32> {
        let mut conn = self.conn()?;
        read_schema_version(&mut conn.client)?
            .ok_or_else(|| InventoryError::storage("the inventory_schema table is missing"))
    }

    fn pool(&self) -> &r2d2::Pool<Manager> {
        self.pool
            .as_ref()
            .expect("the pool is only taken when the store drops")
    }

    fn conn(&self) -> Result<r2d2::PooledConnection<Manager>> {
        self.pool().get().map_err(|e| {
            InventoryError::storage_fault(
                StorageKind::ConnectionLost,
                format!(
                    "PostgreSQL at {} is unreachable: no connection within {:?} ({e})",
                    self.target,
                    self.pool().connection_timeout()
                ),
                Some(e),
            )
        })
    }
}

/// Connects once, creates or migrates the schema, and hands the config back for the pool.
fn connect_and_migrate(config: Config) -> Result<Config> {
    let mut client = config.connect(NoTls).map_err(|e| {
        InventoryError::storage_fault(
            fault_kind(&e),
            format!(
                "cannot connect to PostgreSQL at {}: {}",
                target(&config),
                describe(&e)
            ),
            Some(e),
        )
    })?;
    migrate(&mut client)?;
    drop(client);
    Ok(config)
}

/// Runs `f` on a thread of its own and waits for it. The `postgres` client blocks on a runtime
/// of its own, which panics on a thread that is running an async runtime (an axum handler,
/// `#[tokio::main]`): opening, every call and dropping a store go through here or
/// [`off_async`], so each is safe anywhere. (Each still blocks the calling thread, as every call
/// of this library does: from async code, make them on `spawn_blocking`.)
fn off_runtime<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| match scope.spawn(f).join() {
        Ok(value) => value,
        Err(panic) => std::panic::resume_unwind(panic),
    })
}

/// Runs `f` here, or, on a thread that is running a tokio runtime, on a thread of its own
/// ([`off_runtime`]): the common case costs nothing, the async case does not panic.
fn off_async<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    if tokio::runtime::Handle::try_current().is_ok() {
        off_runtime(f)
    } else {
        f()
    }
}

impl Drop for PostgresStore {
    fn drop(&mut self) {
        if let Some(pool) = self.pool.take() {
            off_runtime(move || drop(pool));
        }
    }
}

/// The version in `inventory_schema`, or `None` when there is no such table yet.
fn read_schema_version(client: &mut impl GenericClient) -> Result<Option<u32>> {
    let exists: bool = client
        .query_one("SELECT to_regclass('inventory_schema') IS NOT NULL", &[])
        .and_then(|r| r.try_get(0))
        .map_err(storage)?;
    if !exists {
        return Ok(None);
    }
    let version: Option<i32> = client
        .query_opt("SELECT version FROM inventory_schema", &[])
        .and_then(|r| r.map(|r| r.try_get(0)).transpose())
        .map_err(storage)?;
    Ok(Some(version.map_or(0, |v| v.max(0) as u32)))
}

fn newer_schema(found: u32) -> InventoryError {
    sql::newer_schema(found, SCHEMA_VERSION)
}

fn migrate(client: &mut Client) -> Result<()> {
    match read_schema_version(client)? {
        Some(found) if found == SCHEMA_VERSION => return Ok(()),
        Some(found) if found > SCHEMA_VERSION => return Err(newer_schema(found)),
        _ => {}
    }
    // Other servers may be migrating the same schema: take the lock, then look again. DDL is
    // transactional in PostgreSQL, so a failed migration leaves the previous version intact.
    let mut tx = client.transaction().map_err(storage)?;
    tx.execute(
        "SELECT pg_advisory_xact_lock($1, hashtext(COALESCE(current_schema(), '')))",
        &[&MIGRATION_LOCK],
    )
    .map_err(storage)?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS inventory_schema (\
             one BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one), \
             version INTEGER NOT NULL)",
    )
    .map_err(|e| {
        InventoryError::storage(format!(
            "cannot create the inventory tables (does the search_path name an existing schema \
             this user may create tables in?): {}",
            describe(&e)
        ))
    })?;
    let found = read_schema_version(&mut tx)?.unwrap_or(0);
    if found > SCHEMA_VERSION {
        return Err(newer_schema(found));
    }
    for (from, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        tx.batch_execute(sql).map_err(|e| {
            InventoryError::storage(format!(
                "migrating from schema version {from}: {}",
                describe(&e)
            ))
        })?;
    }
    if found < sql::FOLDING_SINCE {
        // Folds every stored name again (see `sql::FOLDING_SINCE`).
        let rows = tx
            .query("SELECT id, name, name_folded FROM inventory_products", &[])
            .map_err(storage)?;
        for row in rows {
            let (id, name, folded): (Uuid, String, String) = (
                row.try_get(0).map_err(storage)?,
                row.try_get(1).map_err(storage)?,
                row.try_get(2).map_err(storage)?,
            );
            let now = fold_case(&name);
            if now != folded {
                tx.execute(
                    "UPDATE inventory_products SET name_folded = $2 WHERE id = $1",
                    &[&id, &now],
                )
                .map_err(storage)?;
            }
        }
    }
    tx.execute(
        "INSERT INTO inventory_schema (one, version) VALUES (TRUE, $1) \
         ON CONFLICT (one) DO UPDATE SET version = EXCLUDED.version",
        &[&(SCHEMA_VERSION as i32)],
    )
    .map_err(storage)?;
    tx.commit().map_err(storage)
}

fn out_of_range(what: &str, value: impl fmt::Display) -> InventoryError {
    InventoryError::storage(format!("{what} {value} is out of range for PostgreSQL"))
}

fn from_micros(m: i64) -> Result<DateTime<Utc>> {
    DateTime::from_timestamp_micros(m).ok_or_else(|| out_of_range("timestamp", m))
}

fn to_i64(what: &str, value: u64) -> Result<i64> {
    i64::try_from(value).map_err(|_| out_of_range(what, value))
}

fn to_u32(what: &str, value: i64) -> Result<u32> {
    u32::try_from(value)
        .map_err(|_| InventoryError::storage(format!("stored {what} {value} is out of range")))
}

fn product_from_row(row: &Row) -> Result<Product> {
    let get = |e: ::postgres::Error| storage(e);
    Ok(Product {
        id: row.try_get(0).map_err(get)?,
        name: row.try_get(1).map_err(get)?,
        sku: row.try_get(2).map_err(get)?,
        price: from_cents(row.try_get(3).map_err(get)?),
        stock: to_u32("stock", i64::from(row.try_get::<_, i32>(4).map_err(get)?))?,
        created_at: from_micros(row.try_get(5).map_err(get)?)?,
        updated_at: from_micros(row.try_get(6).map_err(get)?)?,
        version: u64::try_from(row.try_get::<_, i64>(7).map_err(get)?)
            .map_err(|_| InventoryError::storage("stored version is negative"))?,
    })
}

fn event_from_row(row: &Row) -> Result<Event> {
    let get = |e: ::postgres::Error| storage(e);
    let kind: String = row.try_get(3).map_err(get)?;
    let changes: Option<String> = row.try_get(11).map_err(get)?;
    let optional_u32 = |i: usize, what: &str| -> Result<Option<u32>> {
        row.try_get::<_, Option<i64>>(i)
            .map_err(get)?
            .map(|v| to_u32(what, v))
            .transpose()
    };
    Ok(Event {
        seq: u64::try_from(row.try_get::<_, i64>(0).map_err(get)?)
            .map_err(|_| InventoryError::storage("stored event sequence is negative"))?,
        at: from_micros(row.try_get(1).map_err(get)?)?,
        product_id: row.try_get(2).map_err(get)?,
        kind: EventKind::parse(&kind)
            .ok_or_else(|| InventoryError::storage(format!("bad event kind {kind:?}")))?,
        sku: row.try_get(4).map_err(get)?,
        delta: row.try_get(5).map_err(get)?,
        stock_before: optional_u32(6, "stock_before")?,
        stock_after: optional_u32(7, "stock_after")?,
        reason: row.try_get(8).map_err(get)?,
        reference: row.try_get(9).map_err(get)?,
        actor: row.try_get(10).map_err(get)?,
        changes: sql::decode_changes(changes.as_deref())
            .ok_or_else(|| InventoryError::storage("bad event changes"))?,
    })
}

/// The write transaction handed to [`Store::write`]'s closure.
struct Tx<'a, 'c> {
    tx: &'a mut ::postgres::Transaction<'c>,
    statements: &'a mut HashMap<String, Statement>,
    /// Set when a statement failed with a deadlock or serialization failure: the whole
    /// transaction is then re-run.
    transient: bool,
}

impl Tx<'_, '_> {
    fn run<T>(
        &mut self,
        sql: &str,
        f: impl FnOnce(
            &mut ::postgres::Transaction<'_>,
            &Statement,
        ) -> std::result::Result<T, ::postgres::Error>,
    ) -> std::result::Result<T, ::postgres::Error> {
        let result =
            prepared(&mut *self.tx, &mut *self.statements, sql).and_then(|s| f(&mut *self.tx, &s));
        if let Err(e) = &result {
            self.transient |= is_transient(e);
        }
        result
    }

    fn execute(
        &mut self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> std::result::Result<u64, ::postgres::Error> {
        self.run(sql, |tx, s| tx.execute(s, params))
    }

    fn query(
        &mut self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> std::result::Result<Vec<Row>, ::postgres::Error> {
        self.run(sql, |tx, s| tx.query(s, params))
    }
}

/// Maps a failed product write: the unique index on `sku` becomes `DuplicateSku`.
fn write_error(e: ::postgres::Error, product: &Product) -> InventoryError {
    if let Some(db) = e.as_db_error()
        && *db.code() == SqlState::UNIQUE_VIOLATION
        && db.constraint() == Some("inventory_products_sku")
    {
        return InventoryError::DuplicateSku {
            sku: product.sku.clone(),
        };
    }
    storage(e)
}

impl WriteTx for Tx<'_, '_> {
    fn get(&mut self, id: Uuid) -> Result<Option<Product>> {
        // FOR UPDATE: a concurrent writer of this product waits here until we commit, then reads
        // the row as we left it, so its change is applied on top of ours.
        let rows = self
            .query(
                &format!(
                    "SELECT {PRODUCT_COLUMNS} FROM inventory_products WHERE id = $1 FOR UPDATE"
                ),
                &[&id],
            )
            .map_err(storage)?;
        rows.first().map(product_from_row).transpose()
    }

    fn insert(&mut self, p: &Product) -> Result<()> {
        let stock = i32::try_from(p.stock).map_err(|_| out_of_range("stock", p.stock))?;
        let version = to_i64("version", p.version)?;
        self.execute(
            "INSERT INTO inventory_products (id, name, name_folded, sku, price_cents, stock, \
             created_at, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            &[
                &p.id,
                &p.name,
                &fold_case(&p.name),
                &p.sku,
                &to_cents(p.price),
                &stock,
                &p.created_at.timestamp_micros(),
                &p.updated_at.timestamp_micros(),
                &version,
            ],
        )
        .map_err(|e| write_error(e, p))?;
        Ok(())
    }

    fn update(&mut self, p: &Product) -> Result<()> {
        let stock = i32::try_from(p.stock).map_err(|_| out_of_range("stock", p.stock))?;
        let version = to_i64("version", p.version)?;
        let n = self
            .execute(
                "UPDATE inventory_products SET name = $2, name_folded = $3, sku = $4, \
                 price_cents = $5, stock = $6, updated_at = $7, version = $8 WHERE id = $1",
                &[
                    &p.id,
                    &p.name,
                    &fold_case(&p.name),
                    &p.sku,
                    &to_cents(p.price),
                    &stock,
                    &p.updated_at.timestamp_micros(),
                    &version,
                ],
            )
            .map_err(|e| write_error(e, p))?;
        if n == 0 {
            return Err(InventoryError::not_found_id(p.id));
        }
        Ok(())
    }

    fn update_stock(&mut self, p: &Product) -> Result<()> {
        let stock = i32::try_from(p.stock).map_err(|_| out_of_range("stock", p.stock))?;
        let version = to_i64("version", p.version)?;
        let n = self
            .execute(
                "UPDATE inventory_products SET stock = $2, updated_at = $3, version = $4 \
                 WHERE id = $1",
                &[&p.id, &stock, &p.updated_at.timestamp_micros(), &version],
            )
            .map_err(storage)?;
        if n == 0 {
            return Err(InventoryError::not_found_id(p.id));
        }
        Ok(())
    }

    fn delete(&mut self, id: Uuid) -> Result<()> {
        let n = self
            .execute("DELETE FROM inventory_products WHERE id = $1", &[&id])
            .map_err(storage)?;
        if n == 0 {
            return Err(InventoryError::not_found_id(id));
        }
        Ok(())
    }

    /// Sequence numbers come from the one row of `inventory_event_seq`, incremented in this
    /// transaction, rather than from a `BIGSERIAL`.
    ///
    /// Why: followers read the ledger with `events_since(last_seen)`. A sequence hands out
    /// numbers when transactions *ask*, but they become visible when transactions *commit*; a
    /// transaction that took 41 and commits after the one that took 42 would be invisible to a
    /// follower that already read 42 and moved on, and that follower would never see 41. Updating
    /// the counter row locks it until commit, so the next writer gets its number only after this
    /// one's events are visible: sequence order is commit order, with no gaps (a rollback undoes
    /// the increment too). The cost is that appends serialise on that row for the short time
    /// between a write's append (its last step) and its commit.
    fn is_empty(&mut self) -> Result<bool> {
        // Every append locks the counter row; locking it first makes a concurrent first write
        // (another import) wait for this transaction, and then see what it wrote.
        self.query("SELECT last_seq FROM inventory_event_seq FOR UPDATE", &[])
            .map_err(storage)?;
        let rows = self
            .query(
                "SELECT NOT EXISTS (SELECT 1 FROM inventory_products) \
                 AND NOT EXISTS (SELECT 1 FROM inventory_events)",
                &[],
            )
            .map_err(storage)?;
        rows.first()
            .map(|r| r.try_get(0))
            .transpose()
            .map_err(storage)
            .map(|empty| empty.unwrap_or(false))
    }

    fn append(&mut self, e: &mut Event) -> Result<()> {
        let changes = sql::encode_changes(&e.changes)?;
        let at = e.at.timestamp_micros();
        let kind = e.kind.as_str();
        let stock_before = e.stock_before.map(i64::from);
        let stock_after = e.stock_after.map(i64::from);
        let values: [&(dyn ToSql + Sync); 11] = [
            &at,
            &e.product_id,
            &kind,
            &e.sku,
            &e.delta,
            &stock_before,
            &stock_after,
            &e.reason,
            &e.reference,
            &e.actor,
            &changes,
        ];
        let seq: i64 = if e.seq == 0 {
            let rows = self
                .query(
                    &format!(
                        "WITH next AS (UPDATE inventory_event_seq SET last_seq = last_seq + 1 \
                         RETURNING last_seq) \
                         INSERT INTO inventory_events ({EVENT_COLUMNS}) VALUES \
                         ((SELECT last_seq FROM next), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
                         RETURNING seq"
                    ),
                    &values,
                )
                .map_err(storage)?;
            let row = rows
                .first()
                .ok_or_else(|| InventoryError::storage("the event was not stored"))?;
            row.try_get(0).map_err(storage)?
        } else {
            // An imported event keeps its number, which must come after every stored one.
            let seq = to_i64("event sequence", e.seq)?;
            let moved = self
                .execute(
                    "UPDATE inventory_event_seq SET last_seq = $1 WHERE last_seq < $1",
                    &[&seq],
                )
                .map_err(storage)?;
            if moved == 0 {
                let last: i64 = self
                    .query("SELECT last_seq FROM inventory_event_seq", &[])
                    .map_err(storage)?
                    .first()
                    .map(|r| r.try_get(0))
                    .transpose()
                    .map_err(storage)?
                    .unwrap_or(0);
                return Err(InventoryError::storage(format!(
                    "event sequence {} is not after the last one ({last})",
                    e.seq
                )));
            }
            let mut params: Vec<&(dyn ToSql + Sync)> = vec![&seq];
            params.extend_from_slice(&values);
            self.execute(
                &format!(
                    "INSERT INTO inventory_events ({EVENT_COLUMNS}) VALUES \
                     ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
                ),
                &params,
            )
            .map_err(storage)?;
            seq
        };
        e.seq = u64::try_from(seq).map_err(|_| out_of_range("event sequence", seq))?;
        Ok(())
    }
}

/// PostgreSQL's SQL: `$n` parameters, each cast to its type (the statements are prepared
/// before any value is known).
struct Postgres;

impl Dialect for Postgres {
    const PRODUCTS: &'static str = "inventory_products";
    fn placeholder(n: usize, value: &SqlValue) -> String {
        let cast = match value {
            SqlValue::Int(_) => "bigint",
            SqlValue::Text(_) => "text",
            SqlValue::Id(_) => "uuid",
        };
        format!("${n}::{cast}")
    }
    fn contains(text: &str, needle: &str) -> String {
        format!("strpos({text}, {needle}) > 0")
    }
    fn starts_with(text: &str, prefix: &str) -> String {
        format!("starts_with({text}, {prefix})")
    }
}

/// A query parameter of any type.
type Param = Box<dyn ToSql + Sync>;

fn param(value: &SqlValue) -> Param {
    match value {
        SqlValue::Int(i) => Box::new(*i),
        SqlValue::Text(t) => Box::new(t.clone()),
        SqlValue::Id(id) => Box::new(*id),
    }
}

fn refs(params: &[Param]) -> Vec<&(dyn ToSql + Sync)> {
    params.iter().map(|p| &**p as &(dyn ToSql + Sync)).collect()
}

impl Store for PostgresStore {
    fn write(&self, f: &mut WriteFn<'_>) -> Result<()> {
        off_async(|| self.write_here(f))
    }

    fn get(&self, id: Uuid) -> Result<Option<Product>> {
        off_async(|| self.get_here(id))
    }

    fn get_by_sku(&self, sku: &str) -> Result<Option<Product>> {
        off_async(|| self.get_by_sku_here(sku))
    }

    fn list(&self, q: &ListQuery) -> Result<(Vec<Product>, u64)> {
        off_async(|| self.list_here(q))
    }

    fn total_value_cents(&self) -> Result<i128> {
        off_async(|| self.total_value_cents_here())
    }

    fn history(&self, id: Uuid) -> Result<Vec<Event>> {
        off_async(|| self.history_here(id))
    }

    fn events_since(&self, since: u64, limit: u32) -> Result<Vec<Event>> {
        off_async(|| self.events_since_here(since, limit))
    }

    fn all_products(&self) -> Result<Vec<Product>> {
        off_async(|| self.all_products_here())
    }
}

/// The store's calls, made on the calling thread (see [`off_async`]).
impl PostgresStore {
    fn write_here(&self, f: &mut WriteFn<'_>) -> Result<()> {
        let mut pooled = self.conn()?;
        let Conn { client, statements } = &mut *pooled;
        let mut attempt = 1;
        loop {
            let (result, transient) = {
                let mut tx = client
                    .build_transaction()
                    .isolation_level(IsolationLevel::ReadCommitted)
                    .start()
                    .map_err(storage)?;
                let mut w = Tx {
                    tx: &mut tx,
                    statements: &mut *statements,
                    transient: false,
                };
                let result = f(&mut w);
                let mut transient = w.transient;
                let result = result.and_then(|()| {
                    tx.commit().map_err(|e| {
                        transient = is_transient(&e);
                        storage(e)
                    })
                });
                (result, transient)
                // A transaction that did not commit rolls back here, as `tx` drops: its locks
                // are released before any pause below.
            };
            match result {
                Err(_) if transient && attempt < MAX_ATTEMPTS => {
                    std::thread::sleep(backoff(attempt));
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    fn get_here(&self, id: Uuid) -> Result<Option<Product>> {
        let rows = self
            .conn()?
            .query(
                &format!("SELECT {PRODUCT_COLUMNS} FROM inventory_products WHERE id = $1"),
                &[&id],
            )
            .map_err(storage)?;
        rows.first().map(product_from_row).transpose()
    }

    fn get_by_sku_here(&self, sku: &str) -> Result<Option<Product>> {
        let rows = self
            .conn()?
            .query(
                &format!("SELECT {PRODUCT_COLUMNS} FROM inventory_products WHERE sku = $1"),
                &[&sku],
            )
            .map_err(storage)?;
        rows.first().map(product_from_row).transpose()
    }

    fn list_here(&self, q: &ListQuery) -> Result<(Vec<Product>, u64)> {
        // PostgreSQL text cannot hold NUL, and no name can contain one: nothing matches.
        if q.name_contains.as_deref().is_some_and(|n| n.contains('\0')) {
            return Ok((Vec::new(), 0));
        }
        let sql = sql::list_sql::<Postgres>(q);
        let params: Vec<Param> = sql.params.iter().map(param).collect();
        let params = refs(&params);

        let mut pooled = self.conn()?;
        let Conn { client, statements } = &mut *pooled;
        // One snapshot for the count and the page.
        let mut tx = client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .map_err(storage)?;
        let count = prepared(&mut tx, statements, &sql.count).map_err(storage)?;
        let total: i64 = tx
            .query_one(&count, &params[..sql.count_params])
            .and_then(|r| r.try_get(0))
            .map_err(storage)?;
        let page = prepared(&mut tx, statements, &sql.page).map_err(storage)?;
        let items = tx
            .query(&page, &params)
            .map_err(storage)?
            .iter()
            .map(product_from_row)
            .collect::<Result<Vec<_>>>()?;
        tx.commit().map_err(storage)?;
        Ok((items, u64::try_from(total).unwrap_or(0)))
    }

    fn total_value_cents_here(&self) -> Result<i128> {
        // NUMERIC arithmetic is exact at any size; read it as text and parse.
        let rows = self
            .conn()?
            .query(
                "SELECT COALESCE(SUM(price_cents::numeric * stock), 0)::text FROM inventory_products",
                &[],
            )
            .map_err(storage)?;
        let text: String = rows
            .first()
            .ok_or_else(|| InventoryError::storage("SUM returned no row"))?
            .try_get(0)
            .map_err(storage)?;
        text.parse().map_err(|_| {
            InventoryError::storage(format!("total value {text} is not a whole number of cents"))
        })
    }

    fn history_here(&self, id: Uuid) -> Result<Vec<Event>> {
        self.conn()?
            .query(
                &format!(
                    "SELECT {EVENT_COLUMNS} FROM inventory_events WHERE product_id = $1 ORDER BY seq"
                ),
                &[&id],
            )
            .map_err(storage)?
            .iter()
            .map(event_from_row)
            .collect()
    }

    fn events_since_here(&self, since: u64, limit: u32) -> Result<Vec<Event>> {
        let Ok(since) = i64::try_from(since) else {
            return Ok(Vec::new()); // no stored sequence number is that large
        };
        self.conn()?
            .query(
                &format!(
                    "SELECT {EVENT_COLUMNS} FROM inventory_events WHERE seq > $1 ORDER BY seq LIMIT $2"
                ),
                &[&since, &i64::from(limit)],
            )
            .map_err(storage)?
            .iter()
            .map(event_from_row)
            .collect()
    }

    fn all_products_here(&self) -> Result<Vec<Product>> {
        self.conn()?
            .query(
                &format!("SELECT {PRODUCT_COLUMNS} FROM inventory_products"),
                &[],
            )
            .map_err(storage)?
            .iter()
            .map(product_from_row)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_backoff_grows_is_capped_and_is_not_the_same_every_time() {
        for attempt in 1..MAX_ATTEMPTS {
            let window = Duration::from_millis(5 << (attempt - 1).min(7));
            let pauses: Vec<Duration> = (0..64).map(|_| backoff(attempt)).collect();
            assert!(
                pauses.iter().all(|p| *p >= window / 2 && *p <= window),
                "attempt {attempt}: {pauses:?} outside {window:?}"
            );
            pauses
                .iter()
                .skip(1)
                .find(|p| **p != pauses[0])
                .unwrap_or_else(|| {
                    panic!("attempt {attempt}: 64 pauses of {:?}, no jitter", pauses[0])
                });
        }
        assert!(backoff(u32::MAX) <= Duration::from_millis(640));
    }
}
