//! Several processes sending the same idempotent requests at once (a client retrying against
//! several app servers): each key applies exactly once, on a shared SQLite file and, with the
//! `postgres-tests` feature, on a shared PostgreSQL database.

mod common;

use std::collections::HashMap;
use std::process::Command;

use inventory_core::{Inventory, Movement, NewProduct, parse_price};

const CHILD_ENV: &str = "INVENTORY_TEST_CHILD_LOCATION";
const KEYS: usize = 40;
const CHILDREN: usize = 3;

/// The work of one child process (run by the tests below; ignored when run on its own): every
/// key's request, in the same order as its siblings.
#[test]
#[ignore = "run as a child process by the tests of this file"]
fn child_replayer() {
    let Ok(location) = std::env::var(CHILD_ENV) else {
        return;
    };
    let inv = Inventory::open(&location).unwrap();
    let id = inv.get_by_sku("HOT").unwrap().id;
    for i in 0..KEYS {
        let keyed = inv.idempotent(&*format!("sale-{i}")).unwrap();
        let p = if i % 4 == 0 {
            let batch = vec![
                Movement::adjust(id, -1, "sale"),
                Movement::adjust(id, 1, "return"),
                Movement::adjust(id, -1, "sale"),
            ];
            keyed.apply(batch).unwrap().pop().unwrap()
        } else {
            keyed.adjust_stock(id, -1, "sale").unwrap()
        };
        println!("key={i} version={}", p.version);
    }
}

fn race(location: &str) {
    let inv = Inventory::open(location).unwrap();
    let p = inv
        .create(NewProduct::new("Hot item", "HOT", parse_price("1.00").unwrap()).with_stock(1000))
        .unwrap();
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = (0..CHILDREN)
        .map(|_| {
            Command::new(&exe)
                .args(["--exact", "child_replayer", "--ignored", "--nocapture"])
                .env(CHILD_ENV, location)
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    // Every process got the same answer for a key: the first one's.
    let mut answers: HashMap<String, String> = HashMap::new();
    for child in children {
        let out = child.wait_with_output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "child failed: {text}");
        for line in text.lines().filter(|l| l.starts_with("key=")) {
            let (key, version) = line.split_once(' ').unwrap();
            let first = answers.entry(key.to_owned()).or_insert(version.to_owned());
            assert_eq!(first, version, "{key}: two different answers");
        }
    }
    assert_eq!(answers.len(), KEYS);
    let history = inv.history(p.id).unwrap();
    let mut per_key: HashMap<&str, usize> = HashMap::new();
    for e in &history[1..] {
        *per_key
            .entry(
                e.idempotency_key
                    .as_deref()
                    .expect("every movement is keyed"),
            )
            .or_default() += 1;
    }
    assert_eq!(per_key.len(), KEYS);
    for (key, n) in per_key {
        let batch = key.trim_start_matches("sale-").parse::<usize>().unwrap() % 4 == 0;
        assert_eq!(n, if batch { 3 } else { 1 }, "{key} applied more than once");
    }
    assert_eq!(inv.get(p.id).unwrap().stock, 1000 - KEYS as u32);
    inv.check_ledger().unwrap();
}

#[test]
fn processes_sharing_a_sqlite_file_apply_each_key_once() {
    let dir = tempfile::tempdir().unwrap();
    race(dir.path().join("shared.db").to_str().unwrap());
}

#[cfg(feature = "postgres-tests")]
#[test]
fn processes_sharing_a_postgres_database_apply_each_key_once() {
    let schema = common::pg::Schema::new();
    race(&schema.url);
}
