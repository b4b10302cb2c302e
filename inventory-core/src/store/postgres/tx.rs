//! The write transaction a [`Store::write`](crate::Store::write) closure works in.

use std::collections::HashMap;

use ::postgres::error::SqlState;
use ::postgres::types::ToSql;
use ::postgres::{Row, Statement};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::faults::{is_transient, storage};
use super::rows::{
    hold_from_row, key_from_row, level_from_row, location_from_row, out_of_range, product_from_row,
    to_i64,
};
use super::{EVENT_COLUMNS, PRODUCT_COLUMNS, prepared, sql};
use crate::error::{InventoryError, Result};
use crate::hold::Hold;
use crate::idempotency::IdempotencyRecord;
use crate::ledger::Event;
use crate::location::{Location, StockLevel};
use crate::price::to_cents;
use crate::product::Product;
use crate::store::WriteTx;
use crate::store::sql::HOLD_COLUMNS;
use crate::text::fold_case;

/// The first key of the advisory locks idempotency keys take ("key"); the second is the key's
/// hash.
const IDEMPOTENCY_LOCK: i32 = 0x006b_6579;

/// The write transaction handed to [`Store::write`]'s closure.
pub(super) struct Tx<'a, 'c> {
    pub(super) tx: &'a mut ::postgres::Transaction<'c>,
    pub(super) statements: &'a mut HashMap<String, Statement>,
    /// Set when a statement failed with a deadlock or serialization failure: the whole
    /// transaction is then re-run.
    pub(super) transient: bool,
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

/// The row of `inventory_totals` a product's changes move (of 16).
fn shard_of(product_id: Uuid) -> i16 {
    i16::from(product_id.as_bytes()[15] % 16)
}

impl Tx<'_, '_> {
    /// Moves the kept number of products (an unfiltered list's total) by `by`.
    fn count_products(&mut self, product_id: Uuid, by: i64) -> Result<()> {
        self.execute(
            "UPDATE inventory_totals SET products = products + $2 WHERE shard = $1",
            &[&shard_of(product_id), &by],
        )
        .map_err(storage)?;
        Ok(())
    }
}

/// Maps a failed product write: the unique index on `sku` becomes `DuplicateSku`.
pub(super) fn write_error(e: ::postgres::Error, product: &Product) -> InventoryError {
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

    fn get_by_sku(&mut self, sku: &str) -> Result<Option<Product>> {
        // Locked as `get` locks: the import that looks a product up by SKU then moves it.
        let rows = self
            .query(
                &format!(
                    "SELECT {PRODUCT_COLUMNS} FROM inventory_products WHERE sku = $1 FOR UPDATE"
                ),
                &[&sku],
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
        self.count_products(p.id, 1)
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
        self.execute("DELETE FROM inventory_levels WHERE product_id = $1", &[&id])
            .map_err(storage)?;
        self.count_products(id, -1)
    }

    fn location(&mut self, code: &str) -> Result<Option<Location>> {
        let sql = format!(
            "SELECT {} FROM inventory_locations WHERE code = $1",
            sql::LOCATION_COLUMNS
        );
        let rows = self.query(&sql, &[&code]).map_err(storage)?;
        rows.first().map(location_from_row).transpose()
    }

    fn put_location(&mut self, l: &Location) -> Result<()> {
        let version = to_i64("version", l.version)?;
        self.execute(
            &format!(
                "INSERT INTO inventory_locations ({}) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, \
                 created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at, \
                 version = EXCLUDED.version",
                sql::LOCATION_COLUMNS
            ),
            &[
                &l.code,
                &l.name,
                &l.created_at.timestamp_micros(),
                &l.updated_at.timestamp_micros(),
                &version,
            ],
        )
        .map_err(storage)?;
        Ok(())
    }

    /// A plain `INSERT`: of two servers inserting one code at once, the second waits on the
    /// first's unique entry and then fails, as a duplicate, rather than overwrite it.
    fn insert_location(&mut self, l: &Location) -> Result<()> {
        let version = to_i64("version", l.version)?;
        self.execute(
            &format!(
                "INSERT INTO inventory_locations ({}) VALUES ($1, $2, $3, $4, $5)",
                sql::LOCATION_COLUMNS
            ),
            &[
                &l.code,
                &l.name,
                &l.created_at.timestamp_micros(),
                &l.updated_at.timestamp_micros(),
                &version,
            ],
        )
        .map_err(|e| match e.as_db_error() {
            Some(db) if *db.code() == SqlState::UNIQUE_VIOLATION => {
                crate::location::duplicate_location(&l.code)
            }
            _ => storage(e),
        })?;
        Ok(())
    }

    fn delete_location(&mut self, code: &str) -> Result<()> {
        self.execute("DELETE FROM inventory_levels WHERE location = $1", &[&code])
            .map_err(storage)?;
        self.execute("DELETE FROM inventory_locations WHERE code = $1", &[&code])
            .map_err(storage)?;
        Ok(())
    }

    fn location_on_hand(&mut self, code: &str) -> Result<u64> {
        let rows = self
            .query(
                "SELECT COALESCE(SUM(on_hand), 0)::bigint FROM inventory_levels WHERE location = $1",
                &[&code],
            )
            .map_err(storage)?;
        let row = rows
            .first()
            .ok_or_else(|| InventoryError::storage("SUM returned no row"))?;
        let on_hand: i64 = row.try_get(0).map_err(storage)?;
        Ok(on_hand.max(0) as u64)
    }

    fn level(&mut self, product_id: Uuid, location: &str) -> Result<Option<StockLevel>> {
        let sql = format!(
            "SELECT {} FROM inventory_levels WHERE product_id = $1 AND location = $2",
            sql::LEVEL_COLUMNS
        );
        let rows = self
            .query(&sql, &[&product_id, &location])
            .map_err(storage)?;
        rows.first().map(level_from_row).transpose()
    }

    fn put_level(&mut self, l: &StockLevel) -> Result<()> {
        let on_hand = i32::try_from(l.on_hand).map_err(|_| out_of_range("on_hand", l.on_hand))?;
        let reserved =
            i32::try_from(l.reserved).map_err(|_| out_of_range("reserved", l.reserved))?;
        let reorder_point = l
            .reorder_point
            .map(|r| i32::try_from(r).map_err(|_| out_of_range("reorder_point", r)))
            .transpose()?;
        self.execute(
            &format!(
                "INSERT INTO inventory_levels ({}) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (product_id, location) DO UPDATE \
                 SET on_hand = EXCLUDED.on_hand, reorder_point = EXCLUDED.reorder_point, \
                 reserved = EXCLUDED.reserved",
                sql::LEVEL_COLUMNS
            ),
            &[
                &l.product_id,
                &l.location,
                &on_hand,
                &reorder_point,
                &reserved,
            ],
        )
        .map_err(storage)?;
        Ok(())
    }

    fn hold(&mut self, id: Uuid) -> Result<Option<Hold>> {
        let sql = format!("SELECT {HOLD_COLUMNS} FROM inventory_holds WHERE id = $1");
        let rows = self.query(&sql, &[&id]).map_err(storage)?;
        rows.first().map(hold_from_row).transpose()
    }

    fn active_holds(&mut self, product_id: Uuid) -> Result<Vec<Hold>> {
        let sql = format!(
            "SELECT {HOLD_COLUMNS} FROM inventory_holds \
             WHERE product_id = $1 AND status = 'active' ORDER BY id"
        );
        let rows = self.query(&sql, &[&product_id]).map_err(storage)?;
        rows.iter().map(hold_from_row).collect()
    }

    fn due_holds(&mut self, now: DateTime<Utc>, limit: u32) -> Result<Vec<Hold>> {
        let sql = format!(
            "SELECT {HOLD_COLUMNS} FROM inventory_holds WHERE status = 'active' \
             AND expires_at IS NOT NULL AND expires_at <= $1 ORDER BY expires_at, id LIMIT $2"
        );
        let rows = self
            .query(&sql, &[&now.timestamp_micros(), &i64::from(limit)])
            .map_err(storage)?;
        rows.iter().map(hold_from_row).collect()
    }

    fn put_hold(&mut self, h: &Hold) -> Result<()> {
        let int = |what: &str, v: u32| i32::try_from(v).map_err(|_| out_of_range(what, v));
        let (quantity, committed) = (int("quantity", h.quantity)?, int("committed", h.committed)?);
        let micros = |t: Option<DateTime<Utc>>| t.map(|t| t.timestamp_micros());
        self.execute(
            &format!(
                "INSERT INTO inventory_holds ({HOLD_COLUMNS}) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
                 ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, \
                 committed = EXCLUDED.committed, closed_at = EXCLUDED.closed_at"
            ),
            &[
                &h.id,
                &h.product_id,
                &h.location,
                &quantity,
                &h.status.as_str(),
                &committed,
                &micros(h.expires_at),
                &h.reference,
                &h.actor,
                &h.created_at.timestamp_micros(),
                &micros(h.closed_at),
            ],
        )
        .map_err(storage)?;
        Ok(())
    }

    /// Moves the row of the product's shard (of 16): writers of different products rarely
    /// queue on one row, and the total is the sum of the 16.
    fn add_to_total(&mut self, product_id: Uuid, cents: i128) -> Result<()> {
        if cents == 0 {
            return Ok(());
        }
        let shard = shard_of(product_id);
        self.execute(
            "UPDATE inventory_totals SET cents = cents + $2::text::numeric WHERE shard = $1",
            &[&shard, &cents.to_string()],
        )
        .map_err(storage)?;
        Ok(())
    }

    /// Takes a transaction-scoped advisory lock on the key first: a second transaction with
    /// the same key (another connection or server) waits here until this one ends, then reads
    /// what it stored, so exactly one of them applies the request.
    fn idempotency(&mut self, key: &str) -> Result<Option<IdempotencyRecord>> {
        self.query(
            "SELECT pg_advisory_xact_lock($1, hashtext($2))",
            &[&IDEMPOTENCY_LOCK, &key],
        )
        .map_err(storage)?;
        let sql = format!(
            "SELECT {} FROM inventory_idempotency WHERE key = $1",
            sql::KEY_COLUMNS
        );
        let rows = self.query(&sql, &[&key]).map_err(storage)?;
        rows.first().map(key_from_row).transpose()
    }

    fn put_idempotency(&mut self, k: &IdempotencyRecord) -> Result<()> {
        self.execute(
            &format!(
                "INSERT INTO inventory_idempotency ({}) VALUES ($1, $2, $3, $4)",
                sql::KEY_COLUMNS
            ),
            &[&k.key, &k.request, &k.response, &k.at.timestamp_micros()],
        )
        .map_err(storage)?;
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
        let quantity = e.quantity.map(i64::from);
        let expires_at = e.expires_at.map(|t| t.timestamp_micros());
        let values: [&(dyn ToSql + Sync); 19] = [
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
            &e.id,
            &e.replica,
            &e.location,
            &e.transfer_id,
            &e.idempotency_key,
            &e.hold_id,
            &quantity,
            &expires_at,
        ];
        let seq: i64 = if e.seq == 0 {
            let rows = self
                .query(
                    &format!(
                        "WITH next AS (UPDATE inventory_event_seq SET last_seq = last_seq + 1 \
                         RETURNING last_seq) \
                         INSERT INTO inventory_events ({EVENT_COLUMNS}) VALUES \
                         ((SELECT last_seq FROM next), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, \
                         $12, $13, $14, $15, $16, $17, $18, $19) \
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
                     ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
                     $18, $19, $20)"
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
