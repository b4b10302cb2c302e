//! Several processes racing for the last units of a product with holds (app servers taking
//! carts at once): however their transactions interleave, never more is held than is on hand,
//! on a shared SQLite file and, with the `postgres-tests` feature, a shared PostgreSQL database.

mod common;

use std::process::Command;

use inventory_core::{Inventory, NewHold, NewProduct, parse_price};

const CHILD_ENV: &str = "INVENTORY_TEST_CHILD_LOCATION";
/// Units on hand, and holds of one unit each process tries to place.
const ON_HAND: u32 = 25;
const TRIES: usize = 15;
const CHILDREN: usize = 3;

/// The work of one child process (run by the tests below; ignored when run on its own): holds
/// of one unit until it has tried `TRIES` times, committing every third hold it gets and
/// releasing every fifth, printing what it got.
#[test]
#[ignore = "run as a child process by the tests of this file"]
fn child_cart() {
    let Ok(location) = std::env::var(CHILD_ENV) else {
        return;
    };
    let inv = Inventory::open(&location).unwrap();
    let id = inv.get_by_sku("LAST").unwrap().id;
    let (mut held, mut refused, mut committed, mut released) = (0, 0, 0, 0);
    for i in 0..TRIES {
        match inv.reserve(NewHold::new(id, 1).reference(format!("cart-{i}"))) {
            Ok(h) => {
                held += 1;
                if i % 3 == 0 {
                    inv.commit_hold(h.id, None, "sale").unwrap();
                    committed += 1;
                } else if i % 5 == 0 {
                    inv.release_hold(h.id).unwrap();
                    released += 1;
                }
            }
            Err(e) if e.code() == "INSUFFICIENT_STOCK" => refused += 1,
            Err(e) => panic!("{e}"),
        }
    }
    println!("held={held} refused={refused} committed={committed} released={released}");
}

fn race(location: &str) {
    let inv = Inventory::open(location).unwrap();
    let p = inv
        .create(
            NewProduct::new("Last units", "LAST", parse_price("1.00").unwrap()).with_stock(ON_HAND),
        )
        .unwrap();
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = (0..CHILDREN)
        .map(|_| {
            Command::new(&exe)
                .args(["--exact", "child_cart", "--ignored", "--nocapture"])
                .env(CHILD_ENV, location)
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let (mut held, mut committed, mut released) = (0u32, 0u32, 0u32);
    for child in children {
        let out = child.wait_with_output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "child failed: {text}");
        let line = text.lines().find(|l| l.starts_with("held=")).unwrap();
        let n: Vec<u32> = line
            .split(' ')
            .map(|kv| kv.split_once('=').unwrap().1.parse().unwrap())
            .collect();
        held += n[0];
        committed += n[2];
        released += n[3];
    }
    // Every unit on hand was held at some point (45 tries for 25 units, some given back and
    // held again), and never more than there was.
    let level = inv.stock_levels(p.id).unwrap().pop().unwrap();
    let active = held - committed - released;
    assert_eq!(level.on_hand, ON_HAND - committed);
    assert_eq!(level.reserved, active);
    assert!(
        level.reserved <= level.on_hand,
        "{} held of {} on hand",
        level.reserved,
        level.on_hand
    );
    assert_eq!(
        level.available, 0,
        "the last units were all taken: {level:?}"
    );
    assert_eq!(
        held,
        ON_HAND + released,
        "every unit held once, or again after a release"
    );
    assert_eq!(inv.holds(p.id, None).unwrap().len() as u32, held);
    inv.check_ledger().unwrap();
}

#[test]
fn processes_sharing_a_sqlite_file_never_hold_more_than_is_on_hand() {
    let dir = tempfile::tempdir().unwrap();
    race(dir.path().join("shared.db").to_str().unwrap());
}

#[cfg(feature = "postgres-tests")]
#[test]
fn processes_sharing_a_postgres_database_never_hold_more_than_is_on_hand() {
    let schema = common::pg::Schema::new();
    race(&schema.url);
}
