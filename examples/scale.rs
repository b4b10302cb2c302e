//! How the library's cost grows with the size of the inventory: loads 1,000,000 products (and,
//! for comparison, 10,000) into a SQLite file and into memory, and reports
//!
//! - the load rate, the file size and the memory per product;
//! - the median latency of every operation at each size;
//! - that the total value over all products is exact (checked against an independent 128-bit
//!   sum of what was inserted, also once the sum no longer fits in 64 bits).
//!
//! ```sh
//! cargo run --release --example scale                       # 1,000,000 against 10,000
//! cargo run --release --example scale -- --products 200000  # a quicker run
//! ```
//!
//! Memory is measured two ways. A counting global allocator gives the bytes the Rust side holds
//! live (exact and repeatable: the memory store's maps, strings and ledger, with no noise from
//! the allocator keeping freed pages); the resident set size from `/proc/self/status` gives what
//! the operating system sees (it includes SQLite's page cache, which the bundled SQLite
//! allocates with its own calls to `malloc`, out of the counting allocator's sight).

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::{Duration, Instant};

use clap::Parser;
use inventory_core::{
    Decimal, Inventory, MAX_STOCK, NewProduct, ProductPatch, Query, SqliteStore, Uuid,
};
use inventory_examples::sample::{item, new_product};

/// The system allocator, counting the bytes currently allocated.
struct Counting;

static LIVE_BYTES: AtomicIsize = AtomicIsize::new(0);

// SAFETY: every call is passed on to the system allocator unchanged; only a counter is kept.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE_BYTES.fetch_add(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: the caller's contract for `alloc` is the same as `System.alloc`'s.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: `ptr` was allocated by `System` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        LIVE_BYTES.fetch_add(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE_BYTES.fetch_add(
            new_size as isize - layout.size() as isize,
            Ordering::Relaxed,
        );
        // SAFETY: `ptr` was allocated by `System` with `layout`; the caller checked `new_size`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn live_bytes() -> i64 {
    LIVE_BYTES.load(Ordering::Relaxed) as i64
}

/// The resident set size in bytes, from /proc/self/status (None where there is no /proc).
fn rss_bytes() -> Option<i64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: i64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

#[derive(Parser, Debug)]
#[command(about = "Loads a large inventory into SQLite and memory and shows how costs grow")]
struct Args {
    /// Products in the large inventory.
    #[arg(long, default_value_t = 1_000_000)]
    products: usize,
    /// Products in the small inventory it is compared with.
    #[arg(long, default_value_t = 10_000)]
    small: usize,
    /// At most this many timed runs of each operation.
    #[arg(long, default_value_t = 2_000)]
    runs: usize,
    /// At most this many seconds of timed runs per operation (at least 5 runs are made).
    #[arg(long, default_value_t = 2.0)]
    seconds: f64,
    /// Where to put the SQLite files (a new temporary directory inside it; removed at the end).
    #[arg(long)]
    dir: Option<PathBuf>,
}

/// Products per `create_many` call while loading.
const BATCH: usize = 10_000;
/// Page size of the list operations.
const PAGE: u32 = 100;

/// Visits `0..n` in a scattered, fixed order.
fn scattered(k: usize, n: usize) -> usize {
    (k.wrapping_mul(2_654_435_761)) % n
}

/// An inventory loaded with `n` products, and what is known about them.
struct Loaded {
    label: String,
    inv: Inventory,
    n: usize,
    ids: Vec<Uuid>,
    /// Σ price × stock in cents of what was inserted, summed here in 128 bits.
    expected_cents: i128,
    path: Option<PathBuf>,
}

struct LoadReport {
    label: String,
    n: usize,
    seconds: f64,
    heap_bytes: i64,
    rss_bytes: Option<i64>,
    file_bytes: Option<u64>,
}

fn load(label: &str, inv: Inventory, n: usize, path: Option<PathBuf>) -> (Loaded, LoadReport) {
    let mut ids = Vec::with_capacity(n);
    let heap_before = live_bytes();
    let rss_before = rss_bytes();
    let started = Instant::now();
    let mut expected_cents = 0i128;
    for start in (0..n).step_by(BATCH) {
        let end = (start + BATCH).min(n);
        let batch: Vec<NewProduct> = (start..end).map(new_product).collect();
        for (_, _, cents, stock) in (start..end).map(item) {
            expected_cents += i128::from(cents) * i128::from(stock);
        }
        ids.extend(inv.create_many(batch).unwrap().into_iter().map(|p| p.id));
    }
    let seconds = started.elapsed().as_secs_f64();
    let file_bytes = path.as_deref().map(|p| {
        settle(p);
        std::fs::metadata(p).map_or(0, |m| m.len())
    });
    let report = LoadReport {
        label: label.to_owned(),
        n,
        seconds,
        heap_bytes: live_bytes() - heap_before,
        rss_bytes: rss_bytes()
            .zip(rss_before)
            .map(|(after, before)| after - before),
        file_bytes,
    };
    let loaded = Loaded {
        label: label.to_owned(),
        inv,
        n,
        ids,
        expected_cents,
        path,
    };
    (loaded, report)
}

/// Checkpoints the WAL into the database file and truncates it, so the file size is the data's.
fn settle(path: &Path) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.busy_timeout(Duration::from_secs(10)).unwrap();
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
}

/// Median and 90th percentile of one operation's timed runs.
#[derive(Debug, Clone, Copy)]
struct Latency {
    median: Duration,
    p90: Duration,
    runs: usize,
}

/// Times `op` (which returns the duration of the part to count) up to `args.runs` times or for
/// `args.seconds`, whichever comes first, and at least 5 times.
fn measure(args: &Args, mut op: impl FnMut(usize) -> Duration) -> Latency {
    let budget = Duration::from_secs_f64(args.seconds);
    let started = Instant::now();
    let mut times = Vec::new();
    while times.len() < 5 || (times.len() < args.runs && started.elapsed() < budget) {
        times.push(op(times.len()));
    }
    times.sort();
    Latency {
        median: times[times.len() / 2],
        p90: times[times.len() * 9 / 10],
        runs: times.len(),
    }
}

fn time(f: impl FnOnce()) -> Duration {
    let started = Instant::now();
    f();
    started.elapsed()
}

const OPS: &[&str] = &[
    "get by id",
    "get by SKU",
    "list, first page of 100",
    "list, last page (keyset cursor)",
    "total value",
    "adjust_stock",
    "update (price)",
    "create one",
    "delete",
];

/// Every operation's latency on `l`. New products get numbers from `fresh` on.
fn latencies(args: &Args, l: &Loaded, fresh: usize) -> Vec<Latency> {
    let inv = &l.inv;
    let n = l.n;
    let mut out = Vec::new();
    out.push(measure(args, |k| {
        let id = l.ids[scattered(k, n)];
        time(|| {
            black_box(inv.get(id).unwrap());
        })
    }));
    out.push(measure(args, |k| {
        let sku = item(scattered(k, n)).1;
        time(|| {
            black_box(inv.get_by_sku(&sku).unwrap());
        })
    }));
    let first = Query {
        limit: Some(PAGE),
        ..Query::default()
    };
    out.push(measure(args, |_| {
        time(|| {
            black_box(inv.list(&first).unwrap());
        })
    }));
    // The cursor of the row just before the last page: the deepest page there is.
    let before_last = Query {
        limit: Some(1),
        offset: Some((n - PAGE as usize - 1) as u64),
        ..Query::default()
    };
    let last = Query {
        limit: Some(PAGE),
        cursor: inv.list(&before_last).unwrap().next_cursor,
        ..Query::default()
    };
    assert_eq!(inv.list(&last).unwrap().items.len(), PAGE as usize);
    out.push(measure(args, |_| {
        time(|| {
            black_box(inv.list(&last).unwrap());
        })
    }));
    out.push(measure(args, |_| {
        time(|| {
            black_box(inv.total_value().unwrap());
        })
    }));
    out.push(measure(args, |k| {
        let id = l.ids[scattered(k, n)];
        time(|| {
            black_box(inv.adjust_stock(id, 1, "restock").unwrap());
        })
    }));
    out.push(measure(args, |k| {
        let id = l.ids[scattered(k, n)];
        let patch = ProductPatch::default().price(Decimal::new(2_000_000 + k as i64, 2));
        time(|| {
            black_box(inv.update(id, patch).unwrap());
        })
    }));
    // Creates, then deletes what it created, so the inventory keeps its size.
    let mut created = Vec::new();
    out.push(measure(args, |k| {
        let new = new_product(fresh + k);
        time(|| {
            created.push(inv.create(new).unwrap().id);
        })
    }));
    out.push(measure(args, |k| match created.get(k) {
        Some(&id) => time(|| inv.delete(id).unwrap()),
        None => {
            let id = inv.create(new_product(fresh + k)).unwrap().id;
            time(|| inv.delete(id).unwrap())
        }
    }));
    for id in created.iter().skip(out.last().map_or(0, |l| l.runs)) {
        inv.delete(*id).unwrap();
    }
    out
}

fn human(d: Duration) -> String {
    let ns = d.as_nanos() as f64;
    if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.1} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

fn mib(bytes: i64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// Checks `total_value` against the independent sum; returns a line saying so.
fn check_total(l: &Loaded) -> String {
    let got = l.inv.total_value().unwrap();
    let want = Decimal::try_from_i128_with_scale(l.expected_cents, 2).unwrap();
    assert_eq!(got, want, "{}: total value is not exact", l.label);
    format!(
        "{}: total value {got} = the independent 128-bit sum: exact",
        l.label
    )
}

/// Adds `count` products at the maximum price and stock, so the total passes 64 bits of cents.
fn add_extremes(l: &mut Loaded, count: usize, first: usize) -> Vec<Uuid> {
    let max_price = Decimal::new(9_999_999_999, 2);
    let batch = (first..first + count)
        .map(|i| {
            NewProduct::new(format!("Extreme {i}"), format!("max-{i}"), max_price)
                .with_stock(MAX_STOCK)
        })
        .collect();
    let made = l.inv.create_many(batch).unwrap();
    l.expected_cents += i128::from(9_999_999_999i64) * i128::from(MAX_STOCK) * count as i128;
    made.into_iter().map(|p| p.id).collect()
}

/// Σ price × stock in floating point, as a naive implementation would sum it.
fn float_total(inv: &Inventory) -> f64 {
    let mut sum = 0.0;
    let mut query = Query {
        limit: Some(inventory_core::MAX_LIMIT),
        ..Query::default()
    };
    loop {
        let page = inv.list(&query).unwrap();
        sum += page
            .items
            .iter()
            .map(|p| f64::try_from(p.price).unwrap() * f64::from(p.stock))
            .sum::<f64>();
        match page.next_cursor {
            Some(cursor) => query.cursor = Some(cursor),
            None => return sum,
        }
    }
}

fn main() {
    let args = Args::parse();
    assert!(
        args.small > PAGE as usize + 1 && args.products > PAGE as usize + 1,
        "sizes must be larger than a page ({PAGE})"
    );
    let base_dir = args.dir.clone().unwrap_or_else(std::env::temp_dir);
    let dir = tempfile::tempdir_in(&base_dir).expect("a temporary directory");
    println!(
        "Loading {} and {} products into SQLite ({}) and into memory, {BATCH} per create_many call.",
        args.small,
        args.products,
        dir.path().display()
    );

    let mut reports = Vec::new();
    let mut stores = Vec::new();
    for &n in &[args.small, args.products] {
        let path = dir.path().join(format!("scale-{n}.db"));
        let inv = Inventory::new(SqliteStore::open(&path).unwrap());
        let (loaded, report) = load(&format!("SQLite, {n}"), inv, n, Some(path));
        println!("  loaded {} in {:.1} s", report.label, report.seconds);
        reports.push(report);
        stores.push(loaded);
        let (loaded, report) = load(&format!("memory, {n}"), Inventory::in_memory(), n, None);
        println!("  loaded {} in {:.1} s", report.label, report.seconds);
        reports.push(report);
        stores.push(loaded);
    }

    println!("\n## Loading\n");
    println!(
        "| store, products | load rate | file size | file / product | heap / product | RSS growth / product |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    for r in &reports {
        let per = |bytes: i64| format!("{:.0} B", bytes as f64 / r.n as f64);
        println!(
            "| {} | {:.0} products/s | {} | {} | {} | {} |",
            r.label,
            r.n as f64 / r.seconds,
            r.file_bytes.map_or("-".into(), |b| mib(b as i64)),
            r.file_bytes.map_or("-".into(), |b| per(b as i64)),
            per(r.heap_bytes),
            r.rss_bytes.map_or("-".into(), per),
        );
    }

    // Exactness first, while the stores hold exactly what was inserted.
    println!("\n## Total value\n");
    for l in &stores {
        println!("- {}", check_total(l));
    }
    // 1,000 products at 99,999,999.99 × 2,147,483,647 push the total past 2^63 cents: SQLite's
    // 64-bit arithmetic overflows there and the store must still be exact. They are deleted
    // again before the latencies are measured.
    let mut extreme_latency = Vec::new();
    for (i, l) in stores.iter_mut().enumerate() {
        let extremes = add_extremes(l, 1_000, 90_000_000 + i * 10_000);
        assert!(l.expected_cents > i128::from(i64::MAX));
        println!(
            "- with 1,000 more at the maximum price and stock: {}",
            check_total(l)
        );
        let inv = &l.inv;
        extreme_latency.push((
            l.label.clone(),
            measure(&args, |_| {
                time(|| {
                    black_box(inv.total_value().unwrap());
                })
            }),
        ));
        if i == 3 {
            let as_f64 = float_total(inv);
            let exact = Decimal::try_from_i128_with_scale(l.expected_cents, 2).unwrap();
            println!(
                "- for comparison, the same sum in f64 over {} products: {as_f64:.2} (exact: {exact})",
                l.n + 1_000
            );
        }
        for id in extremes {
            inv.delete(id).unwrap();
        }
        l.expected_cents -= i128::from(9_999_999_999i64) * i128::from(MAX_STOCK) * 1_000;
        check_total(l);
    }
    println!("\nTotal value once past 64 bits (median, p90):\n");
    for (label, l) in &extreme_latency {
        println!("- {label}: {} ({})", human(l.median), human(l.p90));
    }

    println!(
        "\n## Latency (median of up to {} runs or {} s per operation; p90 in brackets)\n",
        args.runs, args.seconds
    );
    let fresh = 50_000_000;
    let results: Vec<Vec<Latency>> = stores.iter().map(|l| latencies(&args, l, fresh)).collect();
    // stores: [SQLite small, memory small, SQLite large, memory large]
    println!(
        "| operation | SQLite, {s} | SQLite, {b} | growth | memory, {s} | memory, {b} | growth |",
        s = args.small,
        b = args.products
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for (i, op) in OPS.iter().enumerate() {
        let cell = |l: &Latency| format!("{} ({})", human(l.median), human(l.p90));
        let growth = |small: &Latency, large: &Latency| {
            format!(
                "{:.1}×",
                large.median.as_secs_f64() / small.median.as_secs_f64()
            )
        };
        let (sq_s, mem_s, sq_b, mem_b) = (
            &results[0][i],
            &results[1][i],
            &results[2][i],
            &results[3][i],
        );
        println!(
            "| {op} | {} | {} | {} | {} | {} | {} |",
            cell(sq_s),
            cell(sq_b),
            growth(sq_s, sq_b),
            cell(mem_s),
            cell(mem_b),
            growth(mem_s, mem_b)
        );
    }

    for l in &stores {
        if let Some(p) = &l.path {
            let _ = std::fs::remove_file(p);
        }
    }
}
