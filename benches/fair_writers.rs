//! Writers taking turns on one SQLite file: 8 threads adjusting one product's stock, with this
//! process's writers queued first come first served (the store's default) against leaving them
//! all to SQLite's busy handler (`SqliteOptions { queue_writers: false }`). Prints the latency
//! of each adjustment: median, p99, p99.9 and the worst, for both, measured in the same run,
//! taking turns. Not a test: nothing here passes or fails.
//!
//! ```sh
//! cargo bench --bench fair_writers              # 8 threads x 2,000 adjustments, 3 rounds
//! cargo bench --bench fair_writers -- --threads 16 --adjustments 500 --rounds 5
//! ```

use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use clap::Parser;
use inventory_core::store::sqlite::{SqliteOptions, SqliteStore};
use inventory_core::{Inventory, NewProduct, parse_price};

#[derive(Parser)]
struct Args {
    #[arg(long, default_value_t = 8)]
    threads: usize,
    #[arg(long, default_value_t = 2000)]
    adjustments: usize,
    #[arg(long, default_value_t = 3)]
    rounds: usize,
    /// Ignored: cargo bench passes it.
    #[arg(long)]
    bench: bool,
}

/// Every adjustment's latency, for one configuration.
fn run(args: &Args, queue_writers: bool) -> Vec<Duration> {
    let dir = tempfile::tempdir().unwrap();
    let options = SqliteOptions {
        queue_writers,
        ..SqliteOptions::default()
    };
    let inv = Inventory::new(SqliteStore::open_with(dir.path().join("bench.db"), options).unwrap());
    let p = inv
        .create(
            NewProduct::new("Widget", "W-1", parse_price("1.00").unwrap()).with_stock(1_000_000),
        )
        .unwrap();
    let start = Arc::new(Barrier::new(args.threads));
    let threads: Vec<_> = (0..args.threads)
        .map(|t| {
            let (inv, start, n) = (inv.clone(), Arc::clone(&start), args.adjustments);
            std::thread::spawn(move || {
                start.wait();
                (0..n)
                    .map(|i| {
                        let delta = if (i + t) % 2 == 0 { -1 } else { 1 };
                        let began = Instant::now();
                        inv.adjust_stock(p.id, delta, "sale").unwrap();
                        began.elapsed()
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut all: Vec<Duration> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    inv.check_ledger().unwrap();
    all.sort_unstable();
    all
}

fn at(sorted: &[Duration], q: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * q).round() as usize]
}

fn main() {
    let args = Args::parse();
    println!(
        "{} threads x {} adjustments of one product in one SQLite file, {} rounds",
        args.threads, args.adjustments, args.rounds
    );
    println!(
        "{:<26} {:>10} {:>10} {:>10} {:>10} {:>10}",
        "writers", "median", "p99", "p99.9", "max", "total"
    );
    for round in 1..=args.rounds {
        // Taking turns, so a change in the machine's load hits both alike.
        for (name, queue) in [
            ("queued (default)", true),
            ("SQLite busy handler only", false),
        ] {
            let began = Instant::now();
            let l = run(&args, queue);
            let total = began.elapsed();
            println!(
                "{:<26} {:>10.3?} {:>10.3?} {:>10.3?} {:>10.3?} {:>10.2?}  (round {round})",
                name,
                at(&l, 0.5),
                at(&l, 0.99),
                at(&l, 0.999),
                l[l.len() - 1],
                total
            );
        }
    }
}
