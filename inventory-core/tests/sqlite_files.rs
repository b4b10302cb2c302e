//! SQLite files that are not ours, and files that vanish: the store refuses what it did not
//! write (leaving it byte for byte as it was) and never acknowledges a write that is not in the
//! file at its path.

mod common;

use std::fs;
use std::path::Path;

use common::new_product;
use inventory_core::store::sqlite::APPLICATION_ID;
use inventory_core::store::sqlite::SCHEMA_VERSION;
use inventory_core::{Inventory, InventoryError, Query, SqliteStore, StorageKind};

fn storage_kind(e: &InventoryError) -> Option<StorageKind> {
    e.storage_kind()
}

fn application_id(path: &Path) -> i32 {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.pragma_query_value(None, "application_id", |r| r.get(0))
        .unwrap()
}

/// Every file in `dir` with its bytes, to prove nothing was touched (no -wal or -shm either).
fn contents(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut all: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    all.sort();
    all
}

fn refused_unchanged(path: &Path, why: &str) {
    let dir = path.parent().unwrap();
    let before = contents(dir);
    let err = SqliteStore::open(path).unwrap_err();
    assert_eq!(storage_kind(&err), Some(StorageKind::Corrupt), "{err}");
    let text = err.to_string();
    assert!(
        text.contains("is not an inventory database") && text.contains(why),
        "{text}"
    );
    assert!(text.len() < 300, "a short message, not SQL: {text}");
    assert_eq!(contents(dir), before, "the refused file was changed");
}

#[test]
fn another_programs_sqlite_database_is_refused_and_left_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.db");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine');")
        .unwrap();
    drop(conn);
    refused_unchanged(&path, "another program's SQLite database");

    // Even one whose tables happen to be called like ours.
    let path = dir.path().join("lookalike.db");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("CREATE TABLE products (x); CREATE TABLE events (y);")
        .unwrap();
    drop(conn);
    refused_unchanged(&path, "another program's SQLite database");
}

#[test]
fn a_database_marked_by_another_application_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("marked.db");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "application_id", 0x1234_5678)
        .unwrap();
    conn.execute_batch("CREATE TABLE t (x)").unwrap();
    drop(conn);
    refused_unchanged(&path, "application_id 0x12345678");
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_and_left_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    fs::write(&path, "name,sku\nWidget,W-1\n".repeat(100)).unwrap();
    refused_unchanged(&path, "not a SQLite database");
}

#[test]
fn new_and_empty_files_become_inventories_marked_as_ours() {
    let dir = tempfile::tempdir().unwrap();
    for path in [dir.path().join("new.db"), dir.path().join("empty.db")] {
        if path.ends_with("empty.db") {
            fs::write(&path, b"").unwrap();
        }
        let inv = Inventory::new(SqliteStore::open(&path).unwrap());
        inv.create(new_product("A", "1", 1)).unwrap();
        drop(inv);
        assert_eq!(application_id(&path), APPLICATION_ID);
    }
}

/// A copy in `dir` of a file the quickstart of the first release wrote (schema version 1, no
/// application_id).
fn first_release_file(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("shop.db");
    fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schema-1.db"),
        &path,
    )
    .unwrap();
    path
}

#[test]
fn a_file_written_before_files_were_marked_is_adopted() {
    let dir = tempfile::tempdir().unwrap();
    let path = first_release_file(dir.path());
    let inv = Inventory::new(SqliteStore::open(&path).unwrap());
    inv.check_ledger().unwrap();
    let p = inv.get_by_sku("COF-ESP-1KG").unwrap();
    assert_eq!(p.stock, 35);
    inv.adjust_stock(p.id, -1, "sale").unwrap();
    inv.check_ledger().unwrap();
    drop(inv);
    assert_eq!(application_id(&path), APPLICATION_ID);
}

/// Schema version 2 orders names by their folding, which is pinned (`fold_case`): a version-1
/// file, whose folded names Rust's own `to_lowercase` wrote (a word-final Σ became ς), has
/// every name folded again, and gets the index the name order uses.
#[test]
fn migrating_a_version_1_file_folds_every_name_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = first_release_file(dir.path());
    let conn = rusqlite::Connection::open(&path).unwrap();
    let user_version: u32 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(user_version, 1);
    conn.execute(
        "UPDATE products SET name = 'ΟΔΟΣ Coffee', name_folded = 'οδος coffee' \
         WHERE sku = 'COF-ESP-1KG'",
        [],
    )
    .unwrap();
    drop(conn);

    let inv = Inventory::new(SqliteStore::open(&path).unwrap());
    let found = inv
        .list(&Query {
            name_contains: Some("οδοσ".into()),
            ..Query::default()
        })
        .unwrap();
    assert_eq!(found.items.len(), 1, "found by the pinned folding");
    drop(inv);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let folded: String = conn
        .query_row(
            "SELECT name_folded FROM products WHERE sku = 'COF-ESP-1KG'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(folded, "οδοσ coffee");
    let plan: String = conn
        .query_row(
            "EXPLAIN QUERY PLAN SELECT id FROM products ORDER BY name_folded, id",
            [],
            |r| r.get(3),
        )
        .unwrap();
    assert!(plan.contains("products_name"), "{plan}");
    // The event kinds are checked by the schema, as PostgreSQL's are.
    let err = conn
        .execute(
            "INSERT INTO events (at, product_id, kind, sku) VALUES (0, x'00', 'bogus', 'X')",
            [],
        )
        .unwrap_err();
    assert!(err.to_string().contains("events.kind"), "{err}");
}

/// Schema version 3 keeps stock per location: a file the release before wrote (version 2) has
/// its stock moved to the default location and an id for every event, its ledger intact.
#[test]
fn a_file_of_the_release_before_locations_migrates() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shop.db");
    fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schema-2.db"),
        &path,
    )
    .unwrap();
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    let inv = Inventory::new(store);
    common::check_migrated_release_2(&inv);
    let replica = inv.replica_id().unwrap();
    drop(inv);
    // Opened again, it is the same replica and needs no migration.
    let inv = Inventory::new(SqliteStore::open(&path).unwrap());
    assert_eq!(inv.replica_id().unwrap(), replica);
    inv.check_ledger().unwrap();
}

/// Schema version 4 keeps holds: a file the release before wrote (version 3, with locations, a
/// transfer, a count, a reorder point and a keyed adjustment) opens with its data and ledger
/// intact, no holds, and takes holds at once.
#[test]
fn a_file_of_the_release_before_holds_migrates() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shop.db");
    fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schema-3.db"),
        &path,
    )
    .unwrap();
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    let inv = Inventory::new(store);
    inv.check_ledger().unwrap();
    let w = inv.get_by_sku("W-1").unwrap();
    let levels: Vec<_> = inv
        .stock_levels(w.id)
        .unwrap()
        .into_iter()
        .map(|l| (l.location, l.on_hand, l.reserved, l.available))
        .collect();
    assert_eq!(
        levels,
        [("DEFAULT".into(), 6, 0, 6), ("WH-1".into(), 3, 0, 3)]
    );
    assert_eq!(inv.get_by_sku("G-1").unwrap().stock, 7);
    assert_eq!(inv.export().unwrap().events.len(), 7);
    let hold = inv
        .reserve(inventory_core::NewHold::new(w.id, 3).at("WH-1"))
        .unwrap();
    assert_eq!(inv.stock_levels(w.id).unwrap()[1].available, 0);
    inv.commit_hold(hold.id, None, "sale").unwrap();
    inv.check_ledger().unwrap();
}

#[test]
fn a_file_deleted_while_open_fails_writes_and_is_not_created_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shop.db");
    let inv = Inventory::new(SqliteStore::open(&path).unwrap());
    let p = inv.create(new_product("A", "1", 5)).unwrap();
    for suffix in ["", "-wal", "-shm"] {
        let _ = fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let err = inv.adjust_stock(p.id, -1, "sale").unwrap_err();
    assert_eq!(
        storage_kind(&err),
        Some(StorageKind::ConnectionLost),
        "{err}"
    );
    assert!(err.to_string().contains("was deleted while open"), "{err}");
    let err = inv.create(new_product("B", "1", 5)).unwrap_err();
    assert_eq!(
        storage_kind(&err),
        Some(StorageKind::ConnectionLost),
        "{err}"
    );
    // New connections (several threads at once need several) do not make a new, empty file.
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let inv = inv.clone();
            std::thread::spawn(move || inv.adjust_stock(p.id, 1, "restock").unwrap_err())
        })
        .collect();
    for t in threads {
        let err = t.join().unwrap();
        assert_eq!(
            storage_kind(&err),
            Some(StorageKind::ConnectionLost),
            "{err}"
        );
    }
    assert!(
        !path.exists(),
        "a second, empty database appeared at the path"
    );
}

#[test]
fn a_file_replaced_while_open_fails_writes_and_the_new_file_is_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shop.db");
    let inv = Inventory::new(SqliteStore::open(&path).unwrap());
    let p = inv.create(new_product("A", "1", 5)).unwrap();
    // Another inventory file is moved into its place (a restore from backup, say).
    let other = dir.path().join("backup.db");
    let backup = Inventory::new(SqliteStore::open(&other).unwrap());
    backup.create(new_product("B", "2", 7)).unwrap();
    drop(backup);
    fs::rename(&other, &path).unwrap();
    let _ = fs::remove_file(format!("{}-wal", path.display()));
    let before = fs::read(&path).unwrap();

    let err = inv.adjust_stock(p.id, -1, "sale").unwrap_err();
    assert_eq!(
        storage_kind(&err),
        Some(StorageKind::ConnectionLost),
        "{err}"
    );
    assert!(err.to_string().contains("was replaced while open"), "{err}");
    assert_eq!(fs::read(&path).unwrap(), before);
    let reopened = Inventory::new(SqliteStore::open(&path).unwrap());
    assert_eq!(reopened.get_by_sku("B").unwrap().stock, 7);
    assert!(reopened.get_by_sku("A").is_err());
}

#[test]
fn storage_faults_keep_their_kind_and_source() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    fs::write(
        &path,
        "not a database, but long enough to have a header".repeat(10),
    )
    .unwrap();
    let err = Inventory::open(path.to_str().unwrap()).unwrap_err();
    assert_eq!(err.code(), "STORAGE");
    assert_eq!(err.storage_kind(), Some(StorageKind::Corrupt));
    assert!(std::error::Error::source(&err).is_some());
}

#[test]
fn check_ledger_reports_a_damaged_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shop.db");
    {
        let inv = Inventory::open_sqlite(&path).unwrap();
        let items: Vec<_> = (0..3000)
            .map(|i| new_product(&format!("P-{i}"), "1.00", 1))
            .collect();
        inv.create_many(items).unwrap();
        inv.check_ledger().unwrap();
    }
    // Overwrite a whole page in the middle of the file (pages are 4096 bytes; a new file has no
    // free pages, so it belongs to a table or an index).
    let mut bytes = fs::read(&path).unwrap();
    let page = bytes.len() / 4096 / 2;
    for b in &mut bytes[page * 4096..(page + 1) * 4096] {
        *b = 0xDE;
    }
    fs::write(&path, bytes).unwrap();
    let err = Inventory::open_sqlite(&path)
        .and_then(|inv| inv.check_ledger())
        .unwrap_err();
    assert_eq!(storage_kind(&err), Some(StorageKind::Corrupt), "{err}");
}
