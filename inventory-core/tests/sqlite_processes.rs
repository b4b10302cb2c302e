//! Two processes adjusting stock in the same SQLite file at once lose no update: every applied
//! movement is in the ledger and the stock equals their sum.

use std::process::Command;

use inventory_core::{Inventory, InventoryError, NewProduct, SqliteStore, parse_price};

const CHILD_ENV: &str = "INVENTORY_TEST_CHILD_DB";
const ADJUSTMENTS: u32 = 1000;

/// The work of one child process (run by the test below; ignored when run on its own).
#[test]
#[ignore = "run as a child process by two_processes_share_one_file"]
fn child_adjuster() {
    let Ok(path) = std::env::var(CHILD_ENV) else {
        return;
    };
    let inv = Inventory::new(SqliteStore::open(&path).unwrap());
    let id = inv.get_by_sku("HOT").unwrap().id;
    let mut applied = 0;
    for i in 0..ADJUSTMENTS {
        let delta = if i % 3 == 0 { 2 } else { -1 };
        match inv.adjust_stock(id, delta, "sale") {
            Ok(_) => applied += 1,
            Err(InventoryError::InsufficientStock { .. }) => {}
            Err(e) => panic!("child failed: {e}"),
        }
    }
    println!("applied={applied}");
}

#[test]
fn two_processes_share_one_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.db");
    let inv = Inventory::new(SqliteStore::open(&path).unwrap());
    let p = inv
        .create(NewProduct::new("Hot item", "HOT", parse_price("1.00").unwrap()).with_stock(50))
        .unwrap();

    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = (0..2)
        .map(|_| {
            Command::new(&exe)
                .args([
                    "--exact",
                    "child_adjuster",
                    "--ignored",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env(CHILD_ENV, &path)
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut applied = 0u64;
    for child in children {
        let out = child.wait_with_output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "child failed: {text}");
        let n: u64 = text
            .lines()
            .find_map(|l| l.split_once("applied=").map(|(_, n)| n))
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or_else(|| panic!("child printed no count: {text}"));
        applied += n;
    }
    assert!(applied > 0);
    let history = inv.history(p.id).unwrap();
    assert_eq!(
        history.len() as u64,
        applied + 1,
        "every applied movement is in the ledger"
    );
    let sum: i64 = history.iter().map(|e| e.delta.unwrap()).sum();
    assert_eq!(i64::from(inv.get(p.id).unwrap().stock), sum);
    inv.check_ledger().unwrap();
}
