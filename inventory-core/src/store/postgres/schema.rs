//! The schema: its migrations by version (the one-row table `inventory_schema`), applied under
//! an advisory lock so servers starting together migrate once.

use ::postgres::{Client, Config, GenericClient, NoTls};
use uuid::Uuid;

use super::faults::{describe, fault_kind, storage};
use super::sql;
use super::target;
use crate::error::{InventoryError, Result};
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
    // Locations, levels, idempotency keys, event ids and the replica id; `upgrade_to_locations`
    // fills in what SQL alone cannot.
    r#"
CREATE TABLE inventory_meta (
    name  TEXT PRIMARY KEY,
    value UUID NOT NULL
);
CREATE TABLE inventory_locations (
    code       TEXT COLLATE "C" PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version    BIGINT NOT NULL CHECK (version > 0)
);
CREATE TABLE inventory_levels (
    product_id    UUID NOT NULL,
    location      TEXT COLLATE "C" NOT NULL,
    on_hand       INTEGER NOT NULL CHECK (on_hand >= 0),
    reorder_point INTEGER CHECK (reorder_point >= 0),
    PRIMARY KEY (product_id, location)
);
CREATE INDEX inventory_levels_location ON inventory_levels (location);
CREATE TABLE inventory_idempotency (
    key      TEXT COLLATE "C" PRIMARY KEY,
    request  TEXT NOT NULL,
    response TEXT NOT NULL,
    at       BIGINT NOT NULL
);
ALTER TABLE inventory_events
    ADD COLUMN id UUID,
    ADD COLUMN replica UUID,
    ADD COLUMN location TEXT,
    ADD COLUMN transfer_id UUID,
    ADD COLUMN idempotency_key TEXT;
CREATE UNIQUE INDEX inventory_events_id ON inventory_events (id);
ALTER TABLE inventory_events DROP CONSTRAINT inventory_events_kind_check;
ALTER TABLE inventory_events ADD CONSTRAINT inventory_events_kind_check
    CHECK (kind IN ('created', 'updated', 'stock_changed', 'deleted', 'counted', 'transferred'));
INSERT INTO inventory_levels (product_id, location, on_hand)
    SELECT id, 'DEFAULT', stock FROM inventory_products WHERE stock > 0;
UPDATE inventory_events SET location = 'DEFAULT' WHERE kind IN ('created', 'stock_changed');
"#,
    // Holds: the holds, each level's reserved units, and the hold columns of events.
    r#"
CREATE TABLE inventory_holds (
    id         UUID PRIMARY KEY,
    product_id UUID NOT NULL,
    location   TEXT COLLATE "C" NOT NULL,
    quantity   INTEGER NOT NULL CHECK (quantity > 0),
    status     TEXT NOT NULL CHECK (status IN ('active', 'committed', 'released', 'expired')),
    committed  INTEGER NOT NULL CHECK (committed >= 0 AND committed <= quantity),
    expires_at BIGINT,
    reference  TEXT,
    actor      TEXT,
    created_at BIGINT NOT NULL,
    closed_at  BIGINT
);
CREATE INDEX inventory_holds_product ON inventory_holds (product_id, id);
CREATE INDEX inventory_holds_due ON inventory_holds (expires_at, id)
    WHERE status = 'active' AND expires_at IS NOT NULL;
ALTER TABLE inventory_levels ADD COLUMN reserved INTEGER NOT NULL DEFAULT 0 CHECK (reserved >= 0);
ALTER TABLE inventory_events
    ADD COLUMN hold_id UUID,
    ADD COLUMN quantity BIGINT,
    ADD COLUMN expires_at BIGINT;
ALTER TABLE inventory_events DROP CONSTRAINT inventory_events_kind_check;
ALTER TABLE inventory_events ADD CONSTRAINT inventory_events_kind_check
    CHECK (kind IN ('created', 'updated', 'stock_changed', 'deleted', 'counted', 'transferred',
                    'hold_placed', 'hold_committed', 'hold_released', 'hold_expired'));
"#,
    // The total value and the number of products as running sums, spread over 16 rows (a write
    // moves the row of its product's shard), filled once from the products.
    r#"
CREATE TABLE inventory_totals (
    shard    SMALLINT PRIMARY KEY CHECK (shard >= 0 AND shard < 16),
    cents    NUMERIC NOT NULL,
    products BIGINT NOT NULL
);
INSERT INTO inventory_totals (shard, cents, products)
    SELECT s, 0, 0 FROM generate_series(0, 15) AS s;
UPDATE inventory_totals SET
    cents = (SELECT COALESCE(SUM(price_cents::numeric * stock), 0) FROM inventory_products),
    products = (SELECT COUNT(*) FROM inventory_products)
WHERE shard = 0;
"#,
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// The first key of the advisory lock taken while migrating ("inv"); the second is the schema.
const MIGRATION_LOCK: i32 = 0x0069_6e76;

/// Connects once, creates or migrates the schema, and hands the config back for the pool, with
/// the database's replica id.
pub(super) fn connect_and_migrate(config: Config) -> Result<(Config, Uuid)> {
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
    let replica: Uuid = client
        .query_one(
            "SELECT value FROM inventory_meta WHERE name = 'replica'",
            &[],
        )
        .and_then(|r| r.try_get(0))
        .map_err(storage)?;
    drop(client);
    Ok((config, replica))
}

/// The version in `inventory_schema`, or `None` when there is no such table yet.
pub(super) fn read_schema_version(client: &mut impl GenericClient) -> Result<Option<u32>> {
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

pub(super) fn newer_schema(found: u32) -> InventoryError {
    sql::newer_schema(found, SCHEMA_VERSION)
}

/// What the locations migration cannot write in SQL: the replica id, the default location, and
/// an id for every event written before events had one (see `sql::event_id_at`).
fn upgrade_to_locations(tx: &mut ::postgres::Transaction<'_>) -> Result<()> {
    let replica = Uuid::new_v4();
    let context = uuid::ContextV7::new();
    tx.execute(
        "INSERT INTO inventory_meta (name, value) VALUES ('replica', $1)",
        &[&replica],
    )
    .map_err(storage)?;
    let first: Option<i64> = tx
        .query_one("SELECT MIN(created_at) FROM inventory_products", &[])
        .and_then(|r| r.try_get(0))
        .map_err(storage)?;
    let at = first.unwrap_or_else(|| chrono::Utc::now().timestamp_micros());
    tx.execute(
        &format!(
            "INSERT INTO inventory_locations ({}) VALUES ($1, 'Default', $2, $2, 1)",
            sql::LOCATION_COLUMNS
        ),
        &[&crate::DEFAULT_LOCATION, &at],
    )
    .map_err(storage)?;
    let events = tx
        .query(
            "SELECT seq, at FROM inventory_events WHERE id IS NULL ORDER BY seq",
            &[],
        )
        .map_err(storage)?;
    let update = tx
        .prepare("UPDATE inventory_events SET id = $2, replica = $3 WHERE seq = $1")
        .map_err(storage)?;
    for row in events {
        let (seq, at): (i64, i64) = (
            row.try_get(0).map_err(storage)?,
            row.try_get(1).map_err(storage)?,
        );
        tx.execute(&update, &[&seq, &sql::event_id_at(&context, at), &replica])
            .map_err(storage)?;
    }
    Ok(())
}

pub(super) fn migrate(client: &mut Client) -> Result<()> {
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
    if found < sql::LOCATIONS_SINCE {
        upgrade_to_locations(&mut tx)?;
    }
    tx.execute(
        "INSERT INTO inventory_schema (one, version) VALUES (TRUE, $1) \
         ON CONFLICT (one) DO UPDATE SET version = EXCLUDED.version",
        &[&(SCHEMA_VERSION as i32)],
    )
    .map_err(storage)?;
    tx.commit().map_err(storage)
}
