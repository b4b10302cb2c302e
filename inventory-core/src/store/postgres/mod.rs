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
//!   text columns `COLLATE "C"`, so SKUs and folded names sort by code point exactly as in the
//!   other stores, whatever the database's locale.
//! - Every write is one `READ COMMITTED` transaction in which
//!   [`WriteTx::get`](crate::WriteTx::get) locks the product row (`SELECT … FOR UPDATE`):
//!   concurrent adjustments of one product, from any number of connections or servers, queue on
//!   the row and none is lost. `CHECK (stock >= 0)` backs the rule up in the database. Deadlocks
//!   and serialization failures re-run the transaction.
//! - Ledger sequence numbers come from a one-row counter, so they are gap-free and in commit
//!   order (the comment on `Tx::append` says why that matters to followers of `events_since`).
//!
//! Its parts: `schema.rs` (migrations), `tx.rs` (the write transaction), `rows.rs` (rows into
//! products and events), `faults.rs` (errors into storage faults, and which to retry).

mod faults;
mod rows;
mod schema;
mod tx;

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use ::postgres::types::ToSql;
use ::postgres::{Client, Config, GenericClient, IsolationLevel, NoTls, Row, Statement};
use uuid::Uuid;

use self::faults::{backoff, is_transient, storage};
use self::rows::{
    event_from_row, hold_from_row, key_from_row, level_from_row, location_from_row,
    product_from_row,
};
pub use self::schema::SCHEMA_VERSION;
use self::schema::{connect_and_migrate, read_schema_version};
use self::tx::Tx;
use super::sql::{self, EVENT_COLUMNS, PRODUCT_COLUMNS, SqlValue};
use super::{Store, WriteFn};
use crate::error::{InventoryError, Result, StorageKind};
use crate::hold::Hold;
use crate::idempotency::IdempotencyRecord;
use crate::ledger::Event;
use crate::location::{Location, StockLevel};
use crate::product::Product;
use crate::query::ListQuery;

/// How many connections a store opens at most unless told otherwise.
pub const DEFAULT_MAX_CONNECTIONS: u32 = 8;

/// How often a write transaction is re-run after a deadlock or serialization failure.
const MAX_ATTEMPTS: u32 = 10;
/// Prepared statements kept per connection; the cache starts over when it is full.
const MAX_CACHED_STATEMENTS: usize = 256;

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
    /// The database's replica id (`inventory_meta`).
    replica: Uuid,
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
        let (config, replica) = off_runtime(move || connect_and_migrate(config))?;
        let target = target(&config);
        let pool = r2d2::Pool::builder()
            .max_size(max_connections)
            .min_idle(Some(0))
            .connection_timeout(connection_timeout)
            .build_unchecked(Manager { config });
        Ok(Self {
            pool: Some(pool),
            target,
            replica,
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

    fn list(&self, q: &ListQuery) -> Result<(Vec<Product>, Option<u64>)> {
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

    fn replica_id(&self) -> Result<Uuid> {
        Ok(self.replica)
    }

    fn locations(&self) -> Result<Vec<Location>> {
        let sql = format!(
            "SELECT {} FROM inventory_locations ORDER BY code",
            sql::LOCATION_COLUMNS
        );
        off_async(|| self.rows_here(&sql, &[], location_from_row))
    }

    fn levels(&self, product_id: Uuid) -> Result<Vec<StockLevel>> {
        let sql = format!(
            "SELECT {} FROM inventory_levels WHERE product_id = $1 ORDER BY location",
            sql::LEVEL_COLUMNS
        );
        off_async(|| self.rows_here(&sql, &[&product_id], level_from_row))
    }

    fn all_levels(&self) -> Result<Vec<StockLevel>> {
        let sql = format!("SELECT {} FROM inventory_levels", sql::LEVEL_COLUMNS);
        off_async(|| self.rows_here(&sql, &[], level_from_row))
    }

    fn all_idempotency(&self) -> Result<Vec<IdempotencyRecord>> {
        let sql = format!("SELECT {} FROM inventory_idempotency", sql::KEY_COLUMNS);
        off_async(|| self.rows_here(&sql, &[], key_from_row))
    }

    fn hold(&self, id: Uuid) -> Result<Option<Hold>> {
        let sql = format!(
            "SELECT {} FROM inventory_holds WHERE id = $1",
            sql::HOLD_COLUMNS
        );
        off_async(|| Ok(self.rows_here(&sql, &[&id], hold_from_row)?.pop()))
    }

    fn holds(&self, product_id: Uuid) -> Result<Vec<Hold>> {
        let sql = format!(
            "SELECT {} FROM inventory_holds WHERE product_id = $1 ORDER BY id",
            sql::HOLD_COLUMNS
        );
        off_async(|| self.rows_here(&sql, &[&product_id], hold_from_row))
    }

    fn all_holds(&self) -> Result<Vec<Hold>> {
        let sql = format!("SELECT {} FROM inventory_holds", sql::HOLD_COLUMNS);
        off_async(|| self.rows_here(&sql, &[], hold_from_row))
    }

    fn levels_and_holds(&self, product_id: Uuid) -> Result<(Vec<StockLevel>, Vec<Hold>)> {
        // One snapshot (a repeatable-read transaction): the levels and the holds of one moment.
        let levels_sql = format!(
            "SELECT {} FROM inventory_levels WHERE product_id = $1 ORDER BY location",
            sql::LEVEL_COLUMNS
        );
        let holds_sql = format!(
            "SELECT {} FROM inventory_holds WHERE product_id = $1 AND status = 'active' \
             ORDER BY id",
            sql::HOLD_COLUMNS
        );
        off_async(|| {
            let mut pooled = self.conn()?;
            let mut tx = pooled
                .client
                .build_transaction()
                .isolation_level(IsolationLevel::RepeatableRead)
                .read_only(true)
                .start()
                .map_err(storage)?;
            let levels = tx
                .query(&levels_sql, &[&product_id])
                .map_err(storage)?
                .iter()
                .map(level_from_row)
                .collect::<Result<Vec<_>>>()?;
            let holds = if levels.iter().any(|l| l.reserved > 0) {
                tx.query(&holds_sql, &[&product_id])
                    .map_err(storage)?
                    .iter()
                    .map(hold_from_row)
                    .collect::<Result<Vec<_>>>()?
            } else {
                Vec::new()
            };
            tx.commit().map_err(storage)?;
            Ok((levels, holds))
        })
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

    fn list_here(&self, q: &ListQuery) -> Result<(Vec<Product>, Option<u64>)> {
        // PostgreSQL text cannot hold NUL, and no name can contain one: nothing matches.
        if q.name_contains.as_deref().is_some_and(|n| n.contains('\0')) {
            return Ok((Vec::new(), q.count.then_some(0)));
        }
        let sql = sql::list_sql::<sql::Postgres>(q);
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
        // Every product matches an unfiltered list: the kept count answers at once.
        let total: i64 = if !q.count {
            Ok(-1)
        } else if q.is_unfiltered() {
            let kept = prepared(
                &mut tx,
                statements,
                "SELECT COALESCE(SUM(products), 0)::bigint FROM inventory_totals",
            )
            .map_err(storage)?;
            tx.query_one(&kept, &[]).and_then(|r| r.try_get(0))
        } else {
            let count = prepared(&mut tx, statements, &sql.count).map_err(storage)?;
            tx.query_one(&count, &params[..sql.count_params])
                .and_then(|r| r.try_get(0))
        }
        .map_err(storage)?;
        let page = prepared(&mut tx, statements, &sql.page).map_err(storage)?;
        let items = tx
            .query(&page, &params)
            .map_err(storage)?
            .iter()
            .map(product_from_row)
            .collect::<Result<Vec<_>>>()?;
        tx.commit().map_err(storage)?;
        Ok((items, q.count.then(|| u64::try_from(total).unwrap_or(0))))
    }

    fn total_value_cents_here(&self) -> Result<i128> {
        // NUMERIC arithmetic is exact at any size; read it as text and parse.
        let rows = self
            .conn()?
            .query(
                // The running total, spread over a few rows so that writers of different
                // products rarely wait for one another (see `WriteTx::add_to_total`).
                "SELECT COALESCE(SUM(cents), 0)::text FROM inventory_totals",
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

    /// Every row of a query, each read by `row`.
    fn rows_here<T>(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
        row: impl Fn(&Row) -> Result<T>,
    ) -> Result<Vec<T>> {
        self.conn()?
            .query(sql, params)
            .map_err(storage)?
            .iter()
            .map(row)
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
