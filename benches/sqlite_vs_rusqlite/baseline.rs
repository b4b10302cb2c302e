//! The hand-written baseline: rusqlite and nothing else.

use super::*;

/// The library's schema (inventory-core/src/store/sqlite.rs, `MIGRATIONS`, every version in
/// order), copied: it is the baseline's own. The bench refuses to run if the two drift apart.
const SCHEMA: &str = r#"
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

DROP INDEX products_name;
CREATE INDEX products_name ON products (name_folded, id);
CREATE TRIGGER events_kind BEFORE INSERT ON events
WHEN NEW.kind NOT IN ('created', 'updated', 'stock_changed', 'deleted')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: events.kind'); END;

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
"#;

const COLUMNS: &str = "id, name, sku, price_cents, stock, created_at, updated_at, version";
const INSERT_PRODUCT: &str = "INSERT INTO products (id, name, name_folded, sku, price_cents, \
    stock, created_at, updated_at, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1)";
const INSERT_EVENT: &str = "INSERT INTO events (at, product_id, kind, sku, delta, \
    stock_before, stock_after, reason, changes, id, replica, location) \
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";

/// The one location this baseline keeps stock at (the library's default).
const DEFAULT: &str = "DEFAULT";

/// A product row, as a hand-written application would map it (the bench reads no field but
/// maps them all, as the library does).
#[allow(dead_code)]
#[derive(Debug, Clone)]
pub struct Item {
    pub id: [u8; 16],
    pub name: String,
    pub sku: String,
    pub price_cents: i64,
    pub stock: u32,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: u64,
}

fn item_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Item> {
    Ok(Item {
        id: r.get(0)?,
        name: r.get(1)?,
        sku: r.get(2)?,
        price_cents: r.get(3)?,
        stock: r.get(4)?,
        created_at: r.get(5)?,
        updated_at: r.get(6)?,
        version: r.get(7)?,
    })
}

fn price_text(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

pub struct Baseline {
    conn: Connection,
    /// The id its events carry, as the library's do.
    replica: [u8; 16],
}

/// A new event id, time-ordered as the library's.
fn event_id() -> [u8; 16] {
    *Uuid::now_v7().as_bytes()
}

/// Moves the kept number of products (an unfiltered list's count) by `by`.
fn count_products(conn: &Connection, by: i64) {
    conn.prepare_cached("UPDATE meta SET value = value + ?1 WHERE name = 'product_count'")
        .unwrap()
        .execute([by])
        .unwrap();
}

/// Moves the running total value (an i128 in `meta`, as the library keeps it) by `cents`.
fn add_to_total(conn: &Connection, cents: i128) {
    if cents == 0 {
        return;
    }
    let bytes: [u8; 16] = conn
        .prepare_cached("SELECT value FROM meta WHERE name = 'total_cents'")
        .unwrap()
        .query_row([], |r| r.get(0))
        .unwrap();
    let total = i128::from_be_bytes(bytes) + cents;
    conn.prepare_cached("UPDATE meta SET value = ?1 WHERE name = 'total_cents'")
        .unwrap()
        .execute([total.to_be_bytes()])
        .unwrap();
}

impl Baseline {
    pub fn open(path: &Path) -> Self {
        let conn = Connection::open(path).unwrap();
        conn.busy_timeout(Duration::from_secs(10)).unwrap();
        conn.pragma_update(None, "journal_mode", "WAL").unwrap();
        conn.pragma_update(None, "synchronous", "NORMAL").unwrap();
        conn.pragma_update(None, "cache_size", -8 * 1024).unwrap(); // as the library's

        conn.set_prepared_statement_cache_capacity(64);
        conn.execute_batch(SCHEMA).unwrap();
        conn.execute(
            "INSERT INTO meta (name, value) VALUES ('total_cents', ?1)",
            [0i128.to_be_bytes()],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO meta (name, value) VALUES ('product_count', 0)",
            [],
        )
        .unwrap();
        let replica = *Uuid::new_v4().as_bytes();
        Self { conn, replica }
    }

    fn insert(
        conn: &Connection,
        replica: &[u8; 16],
        name: &str,
        sku: &str,
        cents: i64,
        stock: u32,
        at: i64,
    ) -> Item {
        let id = *Uuid::now_v7().as_bytes();
        let sku = sku.trim().to_uppercase();
        conn.prepare_cached(INSERT_PRODUCT)
            .unwrap()
            .execute(params![
                id,
                name,
                name.to_lowercase(),
                sku,
                cents,
                stock,
                at,
                at
            ])
            .unwrap();
        add_to_total(conn, i128::from(cents) * i128::from(stock));
        count_products(conn, 1);
        // Every product gets its level at once, so a movement is one UPDATE of it.
        conn.prepare_cached(
            "INSERT INTO levels (product_id, location, on_hand) VALUES (?1, ?2, ?3)",
        )
        .unwrap()
        .execute(params![id, DEFAULT, stock])
        .unwrap();
        conn.prepare_cached(INSERT_EVENT)
            .unwrap()
            .execute(params![
                at,
                id,
                "created",
                sku,
                stock,
                0,
                stock,
                "initial",
                None::<String>,
                event_id(),
                replica,
                DEFAULT
            ])
            .unwrap();
        Item {
            id,
            name: name.to_owned(),
            sku,
            price_cents: cents,
            stock,
            created_at: at,
            updated_at: at,
            version: 1,
        }
    }

    pub fn create(&mut self, name: &str, sku: &str, cents: i64, stock: u32) -> Item {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .unwrap();
        let item = Self::insert(&tx, &self.replica, name, sku, cents, stock, now_micros());
        tx.commit().unwrap();
        item
    }

    pub fn create_many(&mut self, items: &[(String, String, i64, u32)]) -> Vec<Item> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .unwrap();
        let at = now_micros();
        let out = items
            .iter()
            .map(|(name, sku, cents, stock)| {
                Self::insert(&tx, &self.replica, name, sku, *cents, *stock, at)
            })
            .collect();
        tx.commit().unwrap();
        out
    }

    pub fn get(&self, id: &[u8; 16]) -> Option<Item> {
        self.conn
            .prepare_cached(&format!("SELECT {COLUMNS} FROM products WHERE id = ?1"))
            .unwrap()
            .query_row([id], item_from_row)
            .optional()
            .unwrap()
    }

    pub fn get_by_sku(&self, sku: &str) -> Option<Item> {
        let sku = sku.trim().to_uppercase();
        self.conn
            .prepare_cached(&format!("SELECT {COLUMNS} FROM products WHERE sku = ?1"))
            .unwrap()
            .query_row([sku], item_from_row)
            .optional()
            .unwrap()
    }

    /// One atomic statement moves the level, refusing to go below zero, one the product's
    /// total; the ledger row follows.
    pub fn adjust_stock(&mut self, id: &[u8; 16], delta: i64, reason: &str) -> Option<Item> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .unwrap();
        let at = now_micros();
        let item = tx
            .prepare_cached(&format!(
                "UPDATE products SET stock = stock + ?2, updated_at = ?3, version = version + 1 \
                 WHERE id = ?1 AND stock + ?2 BETWEEN 0 AND 2147483647 RETURNING {COLUMNS}"
            ))
            .unwrap()
            .query_row(params![id, delta, at], item_from_row)
            .optional()
            .unwrap()?;
        let level: i64 = tx
            .prepare_cached(
                // Held stock is not for sale: a sale may not go below what is reserved.
                "UPDATE levels SET on_hand = on_hand + ?2 WHERE product_id = ?1 AND location = ?3 \
                 AND (?2 >= 0 OR on_hand + ?2 >= reserved) RETURNING on_hand",
            )
            .unwrap()
            .query_row(params![id, delta, DEFAULT], |r| r.get(0))
            .unwrap();
        add_to_total(&tx, i128::from(item.price_cents) * i128::from(delta));
        tx.prepare_cached(INSERT_EVENT)
            .unwrap()
            .execute(params![
                at,
                id,
                "stock_changed",
                item.sku,
                delta,
                level - delta,
                level,
                reason,
                None::<String>,
                event_id(),
                self.replica,
                DEFAULT
            ])
            .unwrap();
        tx.commit().unwrap();
        Some(item)
    }

    /// A new price: the old one is read first, as the ledger row records before and after.
    pub fn update_price(&mut self, id: &[u8; 16], cents: i64) -> Option<Item> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .unwrap();
        let mut item = tx
            .prepare_cached(&format!("SELECT {COLUMNS} FROM products WHERE id = ?1"))
            .unwrap()
            .query_row([id], item_from_row)
            .optional()
            .unwrap()?;
        if item.price_cents == cents {
            return Some(item);
        }
        let at = now_micros();
        tx.prepare_cached(
            "UPDATE products SET price_cents = ?2, updated_at = ?3, version = version + 1 \
             WHERE id = ?1",
        )
        .unwrap()
        .execute(params![id, cents, at])
        .unwrap();
        add_to_total(
            &tx,
            i128::from(cents - item.price_cents) * i128::from(item.stock),
        );
        let changes = format!(
            r#"[{{"field":"price","before":"{}","after":"{}"}}]"#,
            price_text(item.price_cents),
            price_text(cents)
        );
        tx.prepare_cached(INSERT_EVENT)
            .unwrap()
            .execute(params![
                at,
                id,
                "updated",
                item.sku,
                None::<i64>,
                None::<i64>,
                None::<i64>,
                None::<String>,
                changes,
                event_id(),
                self.replica,
                None::<String>
            ])
            .unwrap();
        tx.commit().unwrap();
        item.price_cents = cents;
        item.updated_at = at;
        item.version += 1;
        Some(item)
    }

    pub fn delete(&mut self, id: &[u8; 16]) -> bool {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .unwrap();
        let Some((sku, stock, price)) = tx
            .prepare_cached("DELETE FROM products WHERE id = ?1 RETURNING sku, stock, price_cents")
            .unwrap()
            .query_row([id], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, u32>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            })
            .optional()
            .unwrap()
        else {
            return false;
        };
        // Its active holds are closed first (none here, but they must be looked for).
        let held: Vec<[u8; 16]> = tx
            .prepare_cached("SELECT id FROM holds WHERE product_id = ?1 AND status = 'active'")
            .unwrap()
            .query_map([id], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert!(held.is_empty());
        tx.prepare_cached("DELETE FROM levels WHERE product_id = ?1")
            .unwrap()
            .execute([id])
            .unwrap();
        add_to_total(&tx, -i128::from(price) * i128::from(stock));
        count_products(&tx, -1);
        tx.prepare_cached(INSERT_EVENT)
            .unwrap()
            .execute(params![
                now_micros(),
                id,
                "deleted",
                sku,
                None::<i64>,
                stock,
                None::<i64>,
                None::<String>,
                None::<String>,
                event_id(),
                self.replica,
                None::<String>
            ])
            .unwrap();
        tx.commit().unwrap();
        true
    }

    /// One page in (created_at, id) order after `after`, one row more to know whether there is
    /// a next page, and the kept count of all rows, in one read transaction (as the library
    /// does).
    pub fn list(&mut self, after: Option<(i64, [u8; 16])>, limit: u32) -> (Vec<Item>, u64) {
        let tx = self.conn.transaction().unwrap();
        let total: u64 = tx
            .prepare_cached("SELECT value FROM meta WHERE name = 'product_count'")
            .unwrap()
            .query_row([], |r| r.get(0))
            .unwrap();
        let items = match after {
            None => tx
                .prepare_cached(&format!(
                    "SELECT {COLUMNS} FROM products ORDER BY created_at, id LIMIT ?1"
                ))
                .unwrap()
                .query_map([limit + 1], item_from_row)
                .unwrap()
                .collect::<rusqlite::Result<Vec<_>>>()
                .unwrap(),
            Some((at, id)) => tx
                .prepare_cached(&format!(
                    "SELECT {COLUMNS} FROM products WHERE (created_at, id) > (?1, ?2) \
                     ORDER BY created_at, id LIMIT ?3"
                ))
                .unwrap()
                .query_map(params![at, id, limit + 1], item_from_row)
                .unwrap()
                .collect::<rusqlite::Result<Vec<_>>>()
                .unwrap(),
        };
        tx.commit().unwrap();
        (items, total)
    }

    /// The key of the row at `offset` in (created_at, id) order: where a deep page starts.
    pub fn key_at(&self, offset: usize) -> (i64, [u8; 16]) {
        self.conn
            .query_row(
                "SELECT created_at, id FROM products ORDER BY created_at, id LIMIT 1 OFFSET ?1",
                [offset as i64],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap()
    }

    /// Σ price × stock in cents: the running total every write moves.
    pub fn total_value_cents(&self) -> i128 {
        let bytes: [u8; 16] = self
            .conn
            .prepare_cached("SELECT value FROM meta WHERE name = 'total_cents'")
            .unwrap()
            .query_row([], |r| r.get(0))
            .unwrap();
        i128::from_be_bytes(bytes)
    }

    /// The schema as SQLite stores it, to compare with the library's.
    pub fn schema_of(path: &Path) -> Vec<(String, String)> {
        let conn = Connection::open(path).unwrap();
        let mut stmt = conn
            .prepare("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<Vec<_>>>()
            .unwrap()
    }
}
