//! The library's `SqliteStore` (through `Inventory`) against a hand-written rusqlite baseline,
//! operation by operation, in the same run; and `MemoryStore` for the same operations.
//!
//! The baseline is what a careful engineer would write without the library: the same schema and
//! indexes, the same pragmas (WAL, `synchronous = NORMAL`), cached prepared statements, one
//! `BEGIN IMMEDIATE` transaction per write, and the same ledger row written with every change.
//! It takes the shortest SQL path it can (`UPDATE … RETURNING`, `DELETE … RETURNING`) and maps
//! rows to a plain struct of integers and strings.
//!
//! Every operation runs against a table of 100,000 products. At the end the bench prints the
//! median time of each operation and the ratio library / baseline (and writes the table to
//! `target/criterion/ratios.md`). Run with `cargo bench --bench sqlite_vs_rusqlite`; see
//! benches/README.md.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use criterion::Criterion;
use inventory_core::{Decimal, Inventory, ProductPatch, Query, SqliteStore, Uuid};
use inventory_examples::sample::{item, new_product};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

/// Products in every table the operations run against.
const FIXTURE: usize = 100_000;
/// Products per batch in the batch-create bench (and per batch when loading the fixture).
const BATCH: usize = 10_000;
/// Page size of the list benches; the deep page starts after this many rows.
const PAGE: u32 = 100;
const DEEP_OFFSET: usize = FIXTURE - PAGE as usize;

/// Visits `0..n` in a scattered but fixed order (7,919 is prime and does not divide `n`).
fn scattered(k: usize, n: usize) -> usize {
    (k * 7_919) % n
}

fn now_micros() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as i64)
}

/// The hand-written baseline: rusqlite and nothing else.
mod baseline {
    use super::*;

    /// The library's schema (inventory-core/src/store/sqlite.rs, `MIGRATIONS`), copied: it is the
    /// baseline's own. `check_same_schema` refuses to run the bench if the two drift apart.
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
"#;

    const COLUMNS: &str = "id, name, sku, price_cents, stock, created_at, updated_at, version";
    const INSERT_PRODUCT: &str = "INSERT INTO products (id, name, name_folded, sku, price_cents, \
        stock, created_at, updated_at, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1)";
    const INSERT_EVENT: &str = "INSERT INTO events (at, product_id, kind, sku, delta, \
        stock_before, stock_after, reason, changes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";

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
    }

    impl Baseline {
        pub fn open(path: &Path) -> Self {
            let conn = Connection::open(path).unwrap();
            conn.busy_timeout(Duration::from_secs(10)).unwrap();
            conn.pragma_update(None, "journal_mode", "WAL").unwrap();
            conn.pragma_update(None, "synchronous", "NORMAL").unwrap();
            conn.set_prepared_statement_cache_capacity(64);
            conn.execute_batch(SCHEMA).unwrap();
            Self { conn }
        }

        fn insert(
            conn: &Connection,
            name: &str,
            sku: &str,
            cents: i64,
            stock: u32,
            at: i64,
        ) -> Item {
            let id = *Uuid::new_v4().as_bytes();
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
                    None::<String>
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
            let item = Self::insert(&tx, name, sku, cents, stock, now_micros());
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
                .map(|(name, sku, cents, stock)| Self::insert(&tx, name, sku, *cents, *stock, at))
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

        /// One atomic statement moves stock, refusing to go below zero; the ledger row follows.
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
            let before = i64::from(item.stock) - delta;
            tx.prepare_cached(INSERT_EVENT)
                .unwrap()
                .execute(params![
                    at,
                    id,
                    "stock_changed",
                    item.sku,
                    delta,
                    before,
                    item.stock,
                    reason,
                    None::<String>
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
                    changes
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
            let Some((sku, stock)) = tx
                .prepare_cached("DELETE FROM products WHERE id = ?1 RETURNING sku, stock")
                .unwrap()
                .query_row([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?)))
                .optional()
                .unwrap()
            else {
                return false;
            };
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
                    None::<String>
                ])
                .unwrap();
            tx.commit().unwrap();
            true
        }

        /// One page in (created_at, id) order after `after`, one row more to know whether there is
        /// a next page, and the count of all rows, in one read transaction (as the library does).
        pub fn list(&mut self, after: Option<(i64, [u8; 16])>, limit: u32) -> (Vec<Item>, u64) {
            let tx = self.conn.transaction().unwrap();
            let total: u64 = tx
                .prepare_cached("SELECT COUNT(*) FROM products")
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

        /// Σ price × stock in cents: SQLite's integer SUM is exact (it fails rather than round
        /// on overflow, which a catalogue of this size cannot reach).
        pub fn total_value_cents(&self) -> i128 {
            let cents: i64 = self
                .conn
                .prepare_cached("SELECT COALESCE(SUM(price_cents * stock), 0) FROM products")
                .unwrap()
                .query_row([], |r| r.get(0))
                .unwrap();
            i128::from(cents)
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
}

use baseline::Baseline;

/// A library inventory (SQLite file or memory) loaded with the fixture.
struct Lib {
    inv: Inventory,
    ids: Vec<Uuid>,
    skus: Vec<String>,
}

impl Lib {
    fn load(inv: Inventory) -> Self {
        let mut ids = Vec::with_capacity(FIXTURE);
        for start in (0..FIXTURE).step_by(BATCH) {
            let batch = (start..start + BATCH).map(new_product).collect();
            ids.extend(inv.create_many(batch).unwrap().into_iter().map(|p| p.id));
        }
        let skus = (0..FIXTURE).map(|i| item(i).1).collect();
        Self { inv, ids, skus }
    }
}

struct Base {
    db: Baseline,
    ids: Vec<[u8; 16]>,
    skus: Vec<String>,
}

impl Base {
    fn load(mut db: Baseline) -> Self {
        let mut ids = Vec::with_capacity(FIXTURE);
        for start in (0..FIXTURE).step_by(BATCH) {
            let batch: Vec<_> = (start..start + BATCH).map(item).collect();
            ids.extend(db.create_many(&batch).into_iter().map(|p| p.id));
        }
        let skus = (0..FIXTURE).map(|i| item(i).1).collect();
        Self { db, ids, skus }
    }
}

struct Fixtures {
    _dir: tempfile::TempDir,
    dir_path: PathBuf,
    sqlite: Lib,
    memory: Lib,
    base: Base,
}

fn fixtures() -> Fixtures {
    let dir = tempfile::tempdir().unwrap();
    let dir_path = dir.path().to_owned();
    let lib_path = dir_path.join("library.db");
    let base_path = dir_path.join("baseline.db");
    let started = Instant::now();
    let sqlite = Lib::load(Inventory::new(SqliteStore::open(&lib_path).unwrap()));
    let base = Base::load(Baseline::open(&base_path));
    let memory = Lib::load(Inventory::in_memory());
    assert_eq!(
        Baseline::schema_of(&lib_path),
        Baseline::schema_of(&base_path),
        "the baseline's schema must be the library's: copy MIGRATIONS from \
         inventory-core/src/store/sqlite.rs into benches/sqlite_vs_rusqlite.rs"
    );
    assert_eq!(
        sqlite.inv.total_value().unwrap(),
        Decimal::try_from_i128_with_scale(base.db.total_value_cents(), 2).unwrap()
    );
    eprintln!(
        "loaded {FIXTURE} products into each of library SQLite, baseline and memory in {:.1?}",
        started.elapsed()
    );
    Fixtures {
        _dir: dir,
        dir_path,
        sqlite,
        memory,
        base,
    }
}

/// Runs an operation `n` times and returns the time the operations took (setup that is not the
/// operation, such as making the products a delete removes, is left out).
type Run<'a> = Box<dyn FnMut(u64) -> Duration + 'a>;

/// A [`Run`] of `op`, timed as a whole.
fn timed<'a>(mut op: impl FnMut() + 'a) -> Run<'a> {
    Box::new(move |n| {
        let started = Instant::now();
        for _ in 0..n {
            op();
        }
        started.elapsed()
    })
}

/// The three ways to run one operation: the library on SQLite, the library in memory, and the
/// baseline.
struct Contenders<'a> {
    library: Run<'a>,
    memory: Run<'a>,
    baseline: Run<'a>,
}

/// One operation's figures from the paired run.
struct Outcome {
    op: &'static str,
    library_ns: f64,
    baseline_ns: f64,
    memory_ns: f64,
    /// The median over rounds of library / baseline.
    ratio: f64,
    rounds: usize,
}

/// How an operation is paired: reads in short blocks; writes in longer blocks, so that each one
/// holds several WAL checkpoints (one every few dozen writes, and far slower than a write) and
/// they do not land on one contender by chance; batches one call at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Read,
    Write,
    Batch,
}

impl Kind {
    fn block(self) -> Duration {
        match self {
            Self::Read => Duration::from_millis(5),
            Self::Write => Duration::from_millis(50),
            Self::Batch => Duration::ZERO,
        }
    }

    fn budget(self) -> Duration {
        match self {
            Self::Read => Duration::from_secs(3),
            Self::Write | Self::Batch => Duration::from_secs(6),
        }
    }
}

/// Brings a database file to rest before an operation is measured: the WAL checkpointed and
/// truncated, and the file synced, so no contender pays for writes left over by another.
fn settle(path: &Path) {
    let conn = Connection::open(path).unwrap();
    conn.busy_timeout(Duration::from_secs(10)).unwrap();
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    drop(conn);
    for suffix in ["", "-wal"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        if let Ok(file) = std::fs::File::open(p) {
            let _ = file.sync_all();
        }
    }
}

struct Bench<'c> {
    criterion: &'c mut Criterion,
    /// The database files to settle before each measurement.
    settle: Vec<PathBuf>,
    filter: Option<String>,
    outcomes: Vec<Outcome>,
}

impl Bench<'_> {
    fn wants(&self, op: &str) -> bool {
        self.filter.as_deref().is_none_or(|f| op.contains(f))
    }

    /// Criterion's measurement of each contender, then a paired run for the ratio.
    fn compare(&mut self, op: &'static str, mut c: Contenders<'_>, kind: Kind) {
        if !self.wants(op) {
            return;
        }
        for path in &self.settle {
            settle(path);
        }
        let mut g = self.criterion.benchmark_group(op);
        g.warm_up_time(Duration::from_millis(500));
        if kind == Kind::Batch {
            g.measurement_time(Duration::from_secs(5)).sample_size(10);
        } else {
            g.measurement_time(Duration::from_secs(2)).sample_size(20);
        }
        g.bench_function("library", |b| b.iter_custom(|n| (c.library)(n)));
        g.bench_function("memory", |b| b.iter_custom(|n| (c.memory)(n)));
        g.bench_function("baseline", |b| b.iter_custom(|n| (c.baseline)(n)));
        g.finish();
        for path in &self.settle {
            settle(path);
        }
        self.outcomes.push(paired(op, &mut c, kind));
    }
}

/// The machine is shared and its load shifts from second to second, so two figures measured a
/// minute apart do not make a fair ratio. Here the contenders take turns in blocks (see
/// [`Kind`]; the order reversed every round) for a few seconds; each round gives one ratio
/// library / baseline, and the median of those is the figure reported.
fn paired(op: &'static str, c: &mut Contenders<'_>, kind: Kind) -> Outcome {
    let mut runs = [&mut c.library, &mut c.memory, &mut c.baseline];
    let mut block = [1u64; 3];
    for (run, n) in runs.iter_mut().zip(&mut block) {
        while run(*n) < kind.block() && *n < 1 << 20 {
            *n *= 2;
        }
    }
    let started = Instant::now();
    let mut times: [Vec<f64>; 3] = Default::default();
    let mut ratios = Vec::new();
    while started.elapsed() < kind.budget() || ratios.len() < 5 {
        let mut per_op = [0f64; 3];
        let order = if ratios.len() % 2 == 0 {
            [0, 1, 2]
        } else {
            [2, 1, 0]
        };
        for i in order {
            per_op[i] = runs[i](block[i]).as_nanos() as f64 / block[i] as f64;
            times[i].push(per_op[i]);
        }
        ratios.push(per_op[0] / per_op[2]);
    }
    Outcome {
        op,
        library_ns: median(&mut times[0]),
        memory_ns: median(&mut times[1]),
        baseline_ns: median(&mut times[2]),
        ratio: median(&mut ratios),
        rounds: ratios.len(),
    }
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

fn reads(b: &mut Bench<'_>, f: &mut Fixtures) {
    let Fixtures {
        sqlite,
        memory,
        base,
        ..
    } = f;
    let (sqlite, memory) = (&*sqlite, &*memory);

    fn get(lib: &Lib) -> Run<'_> {
        let mut k = 0;
        timed(move || {
            k += 1;
            black_box(lib.inv.get(lib.ids[scattered(k, FIXTURE)]).unwrap());
        })
    }
    let mut k = 0;
    let baseline = timed(|| {
        k += 1;
        black_box(base.db.get(&base.ids[scattered(k, FIXTURE)]).unwrap());
    });
    b.compare(
        "get_by_id",
        Contenders {
            library: get(sqlite),
            memory: get(memory),
            baseline,
        },
        Kind::Read,
    );

    // SKUs as a caller types them (lower case): both sides normalise before looking up.
    fn get_by_sku(lib: &Lib) -> Run<'_> {
        let mut k = 0;
        timed(move || {
            k += 1;
            black_box(
                lib.inv
                    .get_by_sku(&lib.skus[scattered(k, FIXTURE)])
                    .unwrap(),
            );
        })
    }
    let mut k = 0;
    let baseline = timed(|| {
        k += 1;
        black_box(
            base.db
                .get_by_sku(&base.skus[scattered(k, FIXTURE)])
                .unwrap(),
        );
    });
    b.compare(
        "get_by_sku",
        Contenders {
            library: get_by_sku(sqlite),
            memory: get_by_sku(memory),
            baseline,
        },
        Kind::Read,
    );

    // Pages of 100 in (created_at, id) order with the total count, as the library lists by
    // default; the deep page is the last of 1,000, reached by keyset cursor.
    fn list(lib: &Lib, deep: bool) -> Run<'_> {
        let cursor = deep.then(|| {
            let before = Query {
                limit: Some(1),
                offset: Some(DEEP_OFFSET as u64 - 1),
                ..Query::default()
            };
            lib.inv.list(&before).unwrap().next_cursor.unwrap()
        });
        let q = Query {
            limit: Some(PAGE),
            cursor,
            ..Query::default()
        };
        assert_eq!(lib.inv.list(&q).unwrap().items.len(), PAGE as usize);
        timed(move || {
            black_box(lib.inv.list(&q).unwrap());
        })
    }
    let deep_key = base.db.key_at(DEEP_OFFSET - 1);
    for (op, deep) in [("list_first_page", false), ("list_deep_page", true)] {
        let after = deep.then_some(deep_key);
        let expected = PAGE as usize + usize::from(!deep); // the deep page is the last
        assert_eq!(base.db.list(after, PAGE).0.len(), expected);
        let baseline = timed(|| {
            black_box(base.db.list(after, PAGE));
        });
        b.compare(
            op,
            Contenders {
                library: list(sqlite, deep),
                memory: list(memory, deep),
                baseline,
            },
            Kind::Read,
        );
    }

    fn total(lib: &Lib) -> Run<'_> {
        timed(move || {
            black_box(lib.inv.total_value().unwrap());
        })
    }
    let baseline = timed(|| {
        black_box(base.db.total_value_cents());
    });
    b.compare(
        "total_value",
        Contenders {
            library: total(sqlite),
            memory: total(memory),
            baseline,
        },
        Kind::Read,
    );
}

fn writes(b: &mut Bench<'_>, f: &mut Fixtures) {
    let Fixtures {
        dir_path,
        sqlite,
        memory,
        base,
        ..
    } = f;
    let (sqlite, memory, dir) = (&*sqlite, &*memory, &*dir_path);

    // +1 each time (a restock), over the products in a scattered order.
    fn adjust(lib: &Lib) -> Run<'_> {
        let mut k = 0;
        timed(move || {
            k += 1;
            let id = lib.ids[scattered(k, FIXTURE)];
            black_box(lib.inv.adjust_stock(id, 1, "restock").unwrap());
        })
    }
    let mut k = 0;
    let baseline = timed(|| {
        k += 1;
        let id = base.ids[scattered(k, FIXTURE)];
        black_box(base.db.adjust_stock(&id, 1, "restock").unwrap());
    });
    b.compare(
        "adjust_stock",
        Contenders {
            library: adjust(sqlite),
            memory: adjust(memory),
            baseline,
        },
        Kind::Write,
    );

    // A new price every time (above any price in the fixture), so every update writes.
    fn update(lib: &Lib) -> Run<'_> {
        let mut k = 0;
        timed(move || {
            k += 1;
            let patch = ProductPatch::default().price(Decimal::new(1_000_000 + k as i64, 2));
            black_box(
                lib.inv
                    .update(lib.ids[scattered(k, FIXTURE)], patch)
                    .unwrap(),
            );
        })
    }
    let mut k = 0;
    let baseline = timed(|| {
        k += 1;
        let id = base.ids[scattered(k, FIXTURE)];
        black_box(base.db.update_price(&id, 1_000_000 + k as i64).unwrap());
    });
    b.compare(
        "update_price",
        Contenders {
            library: update(sqlite),
            memory: update(memory),
            baseline,
        },
        Kind::Write,
    );

    // New SKUs numbered from 10,000,000 on, one transaction each.
    fn create(lib: &Lib) -> Run<'_> {
        let mut k = 10_000_000;
        timed(move || {
            k += 1;
            black_box(lib.inv.create(new_product(k)).unwrap());
        })
    }
    let mut k = 10_000_000;
    let baseline = timed(|| {
        k += 1;
        let (name, sku, cents, stock) = item(k);
        black_box(base.db.create(&name, &sku, cents, stock));
    });
    b.compare(
        "create_one",
        Contenders {
            library: create(sqlite),
            memory: create(memory),
            baseline,
        },
        Kind::Write,
    );

    // Deletes products made for the purpose (untimed), so the fixture stays whole.
    fn delete(lib: &Lib) -> Run<'_> {
        let mut k = 20_000_000;
        Box::new(move |n| {
            let batch = (k..k + n as usize).map(new_product).collect();
            k += n as usize;
            let made = lib.inv.create_many(batch).unwrap();
            let started = Instant::now();
            for p in made {
                lib.inv.delete(p.id).unwrap();
            }
            started.elapsed()
        })
    }
    let mut k = 20_000_000;
    let baseline: Run<'_> = Box::new(|n| {
        let batch: Vec<_> = (k..k + n as usize).map(item).collect();
        k += n as usize;
        let made = base.db.create_many(&batch);
        let started = Instant::now();
        for p in &made {
            assert!(base.db.delete(&p.id));
        }
        started.elapsed()
    });
    b.compare(
        "delete",
        Contenders {
            library: delete(sqlite),
            memory: delete(memory),
            baseline,
        },
        Kind::Write,
    );

    // 10,000 products in one call and one transaction, each time into a new, empty database.
    let fresh = AtomicUsize::new(0);
    let fresh_path = |what: &str| {
        dir.join(format!(
            "{what}-{}.db",
            fresh.fetch_add(1, Ordering::Relaxed)
        ))
    };
    let library: Run<'_> = Box::new(|n| {
        let mut spent = Duration::ZERO;
        for _ in 0..n {
            let path = fresh_path("library");
            let inv = Inventory::new(SqliteStore::open(&path).unwrap());
            let batch = (0..BATCH).map(new_product).collect();
            let started = Instant::now();
            black_box(inv.create_many(batch).unwrap());
            spent += started.elapsed();
            drop(inv);
            remove_db(&path);
        }
        spent
    });
    let memory: Run<'_> = Box::new(|n| {
        let mut spent = Duration::ZERO;
        for _ in 0..n {
            let inv = Inventory::in_memory();
            let batch = (0..BATCH).map(new_product).collect();
            let started = Instant::now();
            black_box(inv.create_many(batch).unwrap());
            spent += started.elapsed();
        }
        spent
    });
    let baseline: Run<'_> = Box::new(|n| {
        let mut spent = Duration::ZERO;
        for _ in 0..n {
            let path = fresh_path("baseline");
            let mut db = Baseline::open(&path);
            let batch: Vec<_> = (0..BATCH).map(item).collect();
            let started = Instant::now();
            black_box(db.create_many(&batch));
            spent += started.elapsed();
            drop(db);
            remove_db(&path);
        }
        spent
    });
    b.compare(
        "create_many_10k",
        Contenders {
            library,
            memory,
            baseline,
        },
        Kind::Batch,
    );
}

fn remove_db(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(p);
    }
}

fn human(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

/// The table of the paired run: printed, and written to target/criterion/ratios.md.
fn report(outcomes: &[Outcome]) {
    if outcomes.is_empty() {
        return;
    }
    let mut table = String::from(
        "| operation | library (SqliteStore) | baseline (rusqlite) | library / baseline | \
         MemoryStore | rounds |\n|---|---:|---:|---:|---:|---:|\n",
    );
    for o in outcomes {
        table.push_str(&format!(
            "| {} | {} | {} | {:.2}× | {} | {} |\n",
            o.op,
            human(o.library_ns),
            human(o.baseline_ns),
            o.ratio,
            human(o.memory_ns),
            o.rounds
        ));
    }
    let find = |op: &str| outcomes.iter().find(|o| o.op == op);
    if let (Some(first), Some(deep)) = (find("list_first_page"), find("list_deep_page")) {
        table.push_str(&format!(
            "\nList, deep page / first page: library {:.2}×, baseline {:.2}×, memory {:.2}×\n",
            deep.library_ns / first.library_ns,
            deep.baseline_ns / first.baseline_ns,
            deep.memory_ns / first.memory_ns,
        ));
    }
    println!(
        "\nPaired run, {FIXTURE} products (medians per operation; ratio = median over rounds of \
         library / baseline):\n\n{table}"
    );
    let dir = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(
            || Path::new(env!("CARGO_MANIFEST_DIR")).join("target"),
            PathBuf::from,
        )
        .join("criterion");
    if std::fs::create_dir_all(&dir).is_ok() {
        let _ = std::fs::write(dir.join("ratios.md"), table);
    }
}

/// The bench name filter, if one was given (`cargo bench --bench sqlite_vs_rusqlite -- get`):
/// the first argument that is neither a flag nor a flag's value.
fn filter_arg() -> Option<String> {
    const TAKES_VALUE: &[&str] = &[
        "--baseline",
        "--save-baseline",
        "--load-baseline",
        "--measurement-time",
        "--warm-up-time",
        "--sample-size",
        "--nresamples",
        "--noise-threshold",
        "--confidence-level",
        "--significance-level",
        "--plotting-backend",
        "--output-format",
        "--color",
        "--profile-time",
    ];
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if TAKES_VALUE.contains(&arg.as_str()) {
            args.next();
        } else if !arg.starts_with('-') {
            return Some(arg);
        }
    }
    None
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    let mut f = fixtures();
    let mut bench = Bench {
        criterion: &mut criterion,
        settle: vec![
            f.dir_path.join("library.db"),
            f.dir_path.join("baseline.db"),
        ],
        filter: filter_arg(),
        outcomes: Vec::new(),
    };
    reads(&mut bench, &mut f);
    writes(&mut bench, &mut f);
    let outcomes = std::mem::take(&mut bench.outcomes);
    criterion.final_summary();
    report(&outcomes);
}
