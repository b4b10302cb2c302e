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
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// The first key of the advisory lock taken while migrating ("inv"); the second is the schema.
const MIGRATION_LOCK: i32 = 0x0069_6e76;

/// Connects once, creates or migrates the schema, and hands the config back for the pool.
pub(super) fn connect_and_migrate(config: Config) -> Result<Config> {
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
    tx.execute(
        "INSERT INTO inventory_schema (one, version) VALUES (TRUE, $1) \
         ON CONFLICT (one) DO UPDATE SET version = EXCLUDED.version",
        &[&(SCHEMA_VERSION as i32)],
    )
    .map_err(storage)?;
    tx.commit().map_err(storage)
}
