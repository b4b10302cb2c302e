//! The PostgreSQL server crashes (killed, as by a power cut to the process: `pg_ctl stop -m
//! immediate`) while four connections write, and restarts. Every write the store acknowledged
//! must be in the database afterwards, the ledger must check, and a write that failed with the
//! connection may or may not have committed (the ambiguity README's "Durability" describes).
//!
//! Run by `scripts/test-postgres.sh` against a second throw-away server with `fsync` and
//! `synchronous_commit` on (the main test server runs with both off, for speed, which is fine
//! for everything but this). It names the server and the command that crashes and restarts it:
//! `INVENTORY_TEST_POSTGRES_DURABLE_URL` and `INVENTORY_TEST_POSTGRES_CRASH`.
#![cfg(feature = "postgres-tests")]

mod common;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use common::new_product;
use common::pg::Schema;
use inventory_core::store::postgres::{PostgresOptions, PostgresStore};
use inventory_core::{Inventory, StorageKind};

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: scripts/test-postgres.sh starts a durable server and sets it")
    })
}

#[test]
fn a_server_crash_loses_no_acknowledged_write() {
    let schema = Schema::on(env("INVENTORY_TEST_POSTGRES_DURABLE_URL"));
    let crash = env("INVENTORY_TEST_POSTGRES_CRASH");
    let options = PostgresOptions {
        max_connections: 4,
        connection_timeout: Duration::from_secs(5),
    };
    let inv = Inventory::new(PostgresStore::open_with(&schema.url, options).unwrap());
    const STOCK: u32 = 1_000_000;
    let p = inv.create(new_product("CRASH-1", "1", STOCK)).unwrap();

    // Writers count what was acknowledged and what failed; the crash comes after 200
    // acknowledged writes (a count, not a clock), and the writers stop once the server is back.
    let acked = Arc::new((Mutex::new(0usize), Condvar::new()));
    let failed = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..4)
        .map(|_| {
            let (inv, acked, failed, done) = (
                inv.clone(),
                Arc::clone(&acked),
                Arc::clone(&failed),
                Arc::clone(&done),
            );
            std::thread::spawn(move || {
                while !done.load(Ordering::SeqCst) {
                    match inv.adjust_stock(p.id, -1, "sale") {
                        Ok(_) => {
                            *acked.0.lock().unwrap() += 1;
                            acked.1.notify_all();
                        }
                        Err(e) => {
                            let kind = e.storage_kind();
                            assert!(
                                matches!(
                                    kind,
                                    Some(StorageKind::ConnectionLost | StorageKind::Other)
                                ),
                                "a write failed otherwise than by the crash: {e}"
                            );
                            failed.fetch_add(1, Ordering::SeqCst);
                        }
                    }
                }
            })
        })
        .collect();
    // The deadlines below only turn a hang into a failure; they decide nothing else.
    let wait_for = |count: usize, what: &str| {
        let deadline = std::time::Instant::now() + Duration::from_secs(300);
        let mut n = acked.0.lock().unwrap();
        while *n < count {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            assert!(
                !left.is_zero(),
                "no progress: {n} of {count} writes acknowledged {what}"
            );
            n = acked.1.wait_timeout(n, left).unwrap().0;
        }
        *n
    };
    wait_for(200, "before the crash");
    let status = std::process::Command::new("bash")
        .args(["-c", &crash])
        .status()
        .expect("run the crash command");
    assert!(status.success(), "the crash command failed: {crash}");
    // Back up: wait (by count again) for writes to be acknowledged after the restart.
    let after = *acked.0.lock().unwrap();
    wait_for(after + 50, "after the restart");
    done.store(true, Ordering::SeqCst);
    for w in writers {
        w.join().unwrap();
    }
    let acked = *acked.0.lock().unwrap();
    let failed = failed.load(Ordering::SeqCst);
    assert!(failed > 0, "the crash was not noticed by any writer");

    // A new store, as an app server restarted after the crash.
    let again = Inventory::new(PostgresStore::open(&schema.url).unwrap());
    again.check_ledger().unwrap();
    let stock = again.get(p.id).unwrap().stock;
    let applied = (STOCK - stock) as usize;
    assert!(
        applied >= acked,
        "{acked} writes were acknowledged, but only {applied} are in the database"
    );
    assert!(
        applied <= acked + failed,
        "{applied} writes applied, more than the {acked} acknowledged and {failed} failed"
    );
    assert_eq!(again.history(p.id).unwrap().len(), 1 + applied);
    println!(
        "postgres crash: {acked} acknowledged, {failed} failed with the crash, {} of those committed",
        applied - acked
    );
}
