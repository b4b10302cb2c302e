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

mod baseline;
mod operations;
mod report;

use baseline::Baseline;
use operations::{reads, writes};
use report::{median, report};

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
         inventory-core/src/store/sqlite.rs into benches/sqlite_vs_rusqlite/baseline.rs"
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

fn remove_db(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(p);
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
