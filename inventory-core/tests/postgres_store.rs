//! PostgreSQL only (cargo feature `postgres-tests`): several connections adjusting the same
//! products, ledger order for followers, schema versions, and connection errors. The behaviour
//! every store shares is in `store_suite.rs` and `model.rs`.
#![cfg(feature = "postgres-tests")]

mod common;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Barrier, Condvar, Mutex};
use std::thread;

use common::pg::Schema;
use common::{Rng, new_product, price};
use inventory_core::store::postgres::SCHEMA_VERSION;
use inventory_core::{
    Decimal, EventKind, Inventory, InventoryError, MAX_EVENTS_LIMIT, MAX_PRICE, MAX_STOCK,
    NewProduct, PostgresStore, Query, Snapshot, StockChange, Store, Uuid,
};

const CONNECTIONS: usize = 4;
const ADJUSTMENTS: usize = 2_000;
const PRODUCTS: usize = 20;
const INITIAL_STOCK: u32 = 5;

/// Four connections (each its own store with a one-connection pool, as four app servers would
/// be) make 2,000 random adjustments each on 20 products while a follower reads the ledger.
/// Afterwards every product's stock is its initial stock plus exactly the deltas that were
/// reported applied (no lost update), equals the sum of its ledger deltas, and never went below
/// zero; the follower saw every sequence number once, in order.
#[test]
fn four_connections_adjusting_twenty_products_lose_no_update() {
    let schema = Schema::new();
    let setup = Inventory::open(&schema.url).unwrap();
    let ids: Vec<Uuid> = setup
        .create_many(
            (0..PRODUCTS)
                .map(|i| new_product(&format!("P-{i}"), "1.25", INITIAL_STOCK))
                .collect(),
        )
        .unwrap()
        .into_iter()
        .map(|p| p.id)
        .collect();

    let done = Arc::new(AtomicBool::new(false));
    let follower = {
        let inv = Inventory::new(PostgresStore::open_with_max_connections(&schema.url, 1).unwrap());
        let done = Arc::clone(&done);
        thread::spawn(move || {
            let mut last = 0u64;
            let mut seen = 0usize;
            loop {
                let finished = done.load(Ordering::SeqCst);
                let batch = inv.events_since(last, 500).unwrap();
                for e in &batch {
                    assert_eq!(e.seq, last + 1, "the follower skipped or repeated an event");
                    last = e.seq;
                }
                seen += batch.len();
                if finished && batch.is_empty() {
                    return seen;
                }
            }
        })
    };

    let workers: Vec<_> = (0..CONNECTIONS)
        .map(|t| {
            let inv =
                Inventory::new(PostgresStore::open_with_max_connections(&schema.url, 1).unwrap());
            let ids = ids.clone();
            thread::spawn(move || {
                let mut rng = Rng::new(t as u64 + 1);
                let mut applied: HashMap<Uuid, (i64, usize)> = HashMap::new();
                let mut refused = 0usize;
                for _ in 0..ADJUSTMENTS {
                    let id = ids[rng.below(PRODUCTS as u64) as usize];
                    // -4..=-1 or 1..=3: sales a little larger than restocks, so stock often
                    // runs out and the floor at zero is exercised.
                    let delta = match rng.below(7) as i64 {
                        d @ 0..=3 => -(d + 1),
                        d => d - 3,
                    };
                    match inv.adjust_stock(id, delta, if delta < 0 { "sale" } else { "restock" }) {
                        Ok(p) => {
                            let entry = applied.entry(id).or_default();
                            entry.0 += delta;
                            entry.1 += 1;
                            assert!(p.stock <= MAX_STOCK);
                        }
                        Err(InventoryError::InsufficientStock {
                            available,
                            requested,
                            ..
                        }) => {
                            assert!(u64::from(available) < requested);
                            refused += 1;
                        }
                        Err(e) => panic!("connection {t}: {e}"),
                    }
                }
                (applied, refused)
            })
        })
        .collect();

    let mut applied: HashMap<Uuid, (i64, usize)> = HashMap::new();
    let mut refused = 0;
    for w in workers {
        let (mine, r) = w.join().unwrap();
        refused += r;
        for (id, (sum, n)) in mine {
            let entry = applied.entry(id).or_default();
            entry.0 += sum;
            entry.1 += n;
        }
    }
    done.store(true, Ordering::SeqCst);
    let followed = follower.join().unwrap();

    let moves: usize = applied.values().map(|(_, n)| n).sum();
    assert_eq!(moves + refused, CONNECTIONS * ADJUSTMENTS);
    assert!(
        refused > 0,
        "stock never ran out: the test does not reach the floor"
    );
    assert!(
        moves > CONNECTIONS * ADJUSTMENTS / 2,
        "too few adjustments succeeded: {moves}"
    );

    setup.check_ledger().unwrap();
    for id in &ids {
        let p = setup.get(*id).unwrap();
        let (sum, n) = applied.get(id).copied().unwrap_or_default();
        assert_eq!(
            i64::from(p.stock),
            i64::from(INITIAL_STOCK) + sum,
            "lost update on {}",
            p.sku
        );
        assert_eq!(p.version, 1 + n as u64);
        let history = setup.history(*id).unwrap();
        assert_eq!(history.len(), 1 + n);
        assert_eq!(
            history.iter().map(|e| e.delta.unwrap()).sum::<i64>(),
            i64::from(p.stock)
        );
        // Each movement starts where the one before ended: the writes really took turns.
        let mut stock = 0i64;
        for e in &history {
            assert_eq!(e.stock_before.map(i64::from), Some(stock));
            stock += e.delta.unwrap();
            assert!(stock >= 0, "{} went below zero", p.sku);
            assert_eq!(e.stock_after.map(i64::from), Some(stock));
        }
    }
    let all = setup.events_since(0, MAX_EVENTS_LIMIT).unwrap();
    assert_eq!(all.len(), PRODUCTS + moves);
    assert_eq!(followed, all.len());
    assert!(all.iter().enumerate().all(|(i, e)| e.seq == i as u64 + 1));
    assert_eq!(
        all.iter()
            .filter(|e| e.kind == EventKind::StockChanged)
            .count(),
        moves
    );
}

/// Two writers lock two products in opposite orders: PostgreSQL picks one as the deadlock victim,
/// and the store runs that one's transaction again instead of failing it.
///
/// The schedule is forced, not left to the scheduler: a barrier makes both hold their first row
/// before either asks for its second (so the deadlock is certain), and the victim's second run
/// waits until the other write has returned (so the rerun cannot meet the first writer again,
/// which under load it otherwise can: the victim may re-lock its first row before the winner,
/// woken by the victim's rollback, takes it).
#[test]
fn a_deadlocked_write_is_run_again() {
    let schema = Schema::new();
    let inv = Inventory::open(&schema.url).unwrap();
    let p1 = inv.create(new_product("D-1", "1", 1)).unwrap().id;
    let p2 = inv.create(new_product("D-2", "1", 1)).unwrap().id;
    let barrier = Arc::new(Barrier::new(2));
    // How many writes have returned, and how many closures are waiting to rerun.
    let state = Arc::new((Mutex::new((0usize, 0usize)), Condvar::new()));
    let runs: Vec<Arc<AtomicUsize>> = (0..2).map(|_| Arc::new(AtomicUsize::new(0))).collect();
    let writers: Vec<_> = [(p1, p2), (p2, p1)]
        .into_iter()
        .zip(&runs)
        .map(|((first, second), runs)| {
            let store = PostgresStore::open_with_max_connections(&schema.url, 1).unwrap();
            let (barrier, state, runs) =
                (Arc::clone(&barrier), Arc::clone(&state), Arc::clone(runs));
            thread::spawn(move || {
                let result = store.write(&mut |tx| {
                    let run = runs.fetch_add(1, Ordering::SeqCst) + 1;
                    if run > 1 {
                        // Rerun only once the other write is done (or is rerunning too, which
                        // would be a second deadlock the assertions below report).
                        let (lock, cvar) = &*state;
                        let mut s = lock.lock().unwrap();
                        s.1 += 1;
                        cvar.notify_all();
                        while s.0 == 0 && s.1 < 2 {
                            s = cvar.wait(s).unwrap();
                        }
                    }
                    tx.get(first)?;
                    if run == 1 {
                        barrier.wait(); // both hold their first row now
                    }
                    tx.get(second)?;
                    Ok(())
                });
                let (lock, cvar) = &*state;
                lock.lock().unwrap().0 += 1;
                cvar.notify_all();
                result
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap().unwrap();
    }
    let mut runs: Vec<usize> = runs.iter().map(|r| r.load(Ordering::SeqCst)).collect();
    runs.sort_unstable();
    assert_eq!(
        runs,
        [1, 2],
        "the deadlock victim should have run exactly twice, the other write once"
    );
}

#[test]
fn opening_by_url_migrates_once_even_when_servers_start_together() {
    let schema = Schema::new();
    let opened: Vec<_> = (0..4)
        .map(|_| {
            let url = schema.url.clone();
            thread::spawn(move || PostgresStore::open(&url))
        })
        .collect();
    for store in opened {
        assert_eq!(
            store.join().unwrap().unwrap().schema_version().unwrap(),
            SCHEMA_VERSION
        );
    }
    // The other spelling of the scheme opens the same database.
    let again = schema.url.replacen("postgres://", "postgresql://", 1);
    assert!(
        Inventory::open(&again)
            .unwrap()
            .total_value()
            .unwrap()
            .is_zero()
    );
    let mut client = schema.client();
    let rows = client
        .query("SELECT version FROM inventory_schema", &[])
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].get::<_, i32>(0), SCHEMA_VERSION as i32);
}

/// Version 2 orders names by their pinned folding: migrating from version 1 folds every stored
/// name again (version 1 stored Rust's own `to_lowercase`, which turns a word-final Σ into ς).
#[test]
fn migrating_from_version_1_folds_every_name_again() {
    let schema = Schema::new();
    let mut client = schema.client();
    client.batch_execute(RELEASE_2).unwrap();
    client
        .batch_execute(
            "UPDATE inventory_products SET name = 'ΟΔΟΣ', name_folded = 'οδος' WHERE sku = 'G-1'; \
             UPDATE inventory_schema SET version = 1;",
        )
        .unwrap();
    let store = PostgresStore::open(&schema.url).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    let folded: String = client
        .query_one(
            "SELECT name_folded FROM inventory_products WHERE sku = 'G-1'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(folded, "οδοσ");
}

/// A database at schema version 2, as the release before locations wrote it.
const RELEASE_2: &str = include_str!("fixtures/postgres-schema-2.sql");

/// Schema version 3 keeps stock per location: a database of the release before has its stock
/// moved to the default location and an id for every event, its ledger intact.
#[test]
fn a_database_of_the_release_before_locations_migrates() {
    let schema = Schema::new();
    schema.client().batch_execute(RELEASE_2).unwrap();
    let store = PostgresStore::open(&schema.url).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    let inv = Inventory::new(store);
    common::check_migrated_release_2(&inv);
    let err = schema
        .client()
        .execute(
            "INSERT INTO inventory_events (seq, at, product_id, kind, sku) \
             VALUES (999, 0, gen_random_uuid(), 'bogus', 'X')",
            &[],
        )
        .unwrap_err();
    assert!(
        err.to_string().contains("kind_check") || format!("{err:?}").contains("kind_check"),
        "{err:?}"
    );
}

#[test]
fn a_database_of_a_newer_version_is_refused() {
    let schema = Schema::new();
    drop(PostgresStore::open(&schema.url).unwrap());
    schema
        .client()
        .execute("UPDATE inventory_schema SET version = version + 1", &[])
        .unwrap();
    let err = Inventory::open(&schema.url).unwrap_err();
    assert_eq!(err.code(), "STORAGE");
    assert!(err.to_string().contains("newer than this library"), "{err}");
}

#[test]
fn the_database_enforces_the_rules_too() {
    let schema = Schema::new();
    let inv = Inventory::open(&schema.url).unwrap();
    let p = inv.create(new_product("A-1", "2.50", 3)).unwrap();
    let mut client = schema.client();
    for sql in [
        "UPDATE inventory_products SET stock = -1",
        "UPDATE inventory_products SET price_cents = 0",
        "UPDATE inventory_products SET price_cents = 10000000000",
        "INSERT INTO inventory_products SELECT gen_random_uuid(), name, name_folded, sku, \
         price_cents, stock, created_at, updated_at, version FROM inventory_products",
    ] {
        assert!(client.execute(sql, &[]).is_err(), "{sql} was accepted");
    }
    assert_eq!(inv.get(p.id).unwrap(), p);
}

/// A database of its own, whose default collation is ICU's English (where "a" < "B"), dropped
/// on drop.
struct EnglishDatabase {
    name: String,
    url: String,
}

impl EnglishDatabase {
    fn new() -> Self {
        let server = common::pg::server_url();
        let name = format!("test_icu_{}", Uuid::new_v4().simple());
        postgres::Client::connect(&server, postgres::NoTls)
            .unwrap()
            .batch_execute(&format!(
                "CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' \
                 LOCALE_PROVIDER icu ICU_LOCALE 'en'"
            ))
            .expect("create a database with an ICU collation (PostgreSQL 15+ built with ICU)");
        let (base, query) = server.split_once('?').unwrap_or((&server, ""));
        let (host, _) = base
            .rsplit_once('/')
            .filter(|(host, _)| host.len() > "postgres://".len())
            .expect("the test URL names a database: postgres://USER@HOST:PORT/DB");
        let url = if query.is_empty() {
            format!("{host}/{name}")
        } else {
            format!("{host}/{name}?{query}")
        };
        Self { name, url }
    }
}

impl Drop for EnglishDatabase {
    fn drop(&mut self) {
        if let Ok(mut c) = postgres::Client::connect(&common::pg::server_url(), postgres::NoTls) {
            let _ = c.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

#[test]
fn names_sort_by_their_folding_and_skus_by_code_point_whatever_the_collation() {
    let db = EnglishDatabase::new();
    // The database really sorts the other way by default.
    let mut client = postgres::Client::connect(&db.url, postgres::NoTls).unwrap();
    let english: bool = client.query_one("SELECT 'a' < 'B'", &[]).unwrap().get(0);
    assert!(
        english,
        "the test database does not use an English collation"
    );

    let inv = Inventory::open(&db.url).unwrap();
    for (name, sku) in [
        ("b", "É-1"),
        ("a", "Z-1"),
        ("C", "e-2"),
        ("é", "A-1"),
        ("Z", "_-1"),
    ] {
        inv.create(NewProduct::new(name, sku, price("1"))).unwrap();
    }
    let names = |order: &str| -> Vec<String> {
        let q = inventory_core::Query {
            order_by: inventory_core::OrderBy::parse(order).unwrap(),
            ..Default::default()
        };
        inv.list(&q)
            .unwrap()
            .items
            .into_iter()
            .map(|p| p.name)
            .collect()
    };
    assert_eq!(names("name"), ["a", "b", "C", "Z", "é"]);
    assert_eq!(names("-name"), ["é", "Z", "C", "b", "a"]);
    assert_eq!(names("sku"), ["é", "C", "a", "Z", "b"]); // A-1 E-2 Z-1 _-1 É-1
    // Keyset pages follow the same order.
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let page = inv
            .list(&inventory_core::Query {
                order_by: inventory_core::OrderBy::parse("name").unwrap(),
                limit: Some(2),
                cursor: cursor.take(),
                ..Default::default()
            })
            .unwrap();
        seen.extend(page.items.into_iter().map(|p| p.name));
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    assert_eq!(seen, ["a", "b", "C", "Z", "é"]);
    drop(inv);
}

#[test]
fn total_value_beyond_64_bits_is_exact() {
    let inv = common::pg::postgres();
    for sku in ["A", "B", "C"] {
        inv.create(NewProduct::new("Gold", sku, MAX_PRICE).with_stock(MAX_STOCK))
            .unwrap();
    }
    let expected =
        MAX_PRICE * inventory_core::Decimal::from(MAX_STOCK) * inventory_core::Decimal::from(3);
    assert_eq!(inv.total_value().unwrap(), expected);
    assert!(
        inventory_core::Decimal::from(i64::MAX) / inventory_core::Decimal::from(100) < expected
    );
}

#[test]
fn imported_events_keep_their_numbers_and_new_ones_follow() {
    let from = common::pg::postgres();
    let p = from.create(new_product("A", "1", 2)).unwrap();
    from.adjust_stock(p.id, 3, "restock").unwrap();
    let mut snap = from.export().unwrap();
    for (i, e) in snap.events.iter_mut().enumerate() {
        e.seq = 10 * (i as u64 + 1); // 10, 20
    }
    let to = common::pg::postgres();
    to.import(&Snapshot::from_json(&snap.to_json()).unwrap())
        .unwrap();
    assert_eq!(to.export().unwrap(), snap);
    let e = to.adjust_stock(p.id, -1, "sale").unwrap();
    assert_eq!(e.stock, 4);
    assert_eq!(to.history(p.id).unwrap().last().unwrap().seq, 21);
}

#[test]
fn bad_urls_and_unreachable_servers_are_clear_errors() {
    let err = Inventory::open("postgres://localhost:notaport/db").unwrap_err();
    assert_eq!(err.field(), Some("location"), "{err}");
    assert_eq!(err.code(), "VALIDATION");

    // Port 1 on loopback: nothing listens there.
    let err =
        Inventory::open("postgres://nobody:secret@127.0.0.1:1/db?connect_timeout=5").unwrap_err();
    assert_eq!(err.code(), "STORAGE");
    let text = err.to_string();
    assert!(
        text.contains("cannot connect to PostgreSQL at 127.0.0.1:1/db"),
        "{text}"
    );
    assert!(!text.contains("secret"), "the password leaked: {text}");

    let err = PostgresStore::open_with_max_connections(&common::pg::server_url(), 0).unwrap_err();
    assert_eq!(err.field(), Some("max_connections"));
}

#[test]
fn a_search_path_without_a_schema_is_a_clear_error() {
    let server = common::pg::server_url();
    let sep = if server.contains('?') { '&' } else { '?' };
    let url = format!(
        "{server}{sep}options=-csearch_path%3Dno_such_schema_{}",
        Uuid::new_v4().simple()
    );
    let err = Inventory::open(&url).unwrap_err();
    assert_eq!(err.code(), "STORAGE");
    assert!(err.to_string().contains("search_path"), "{err}");
}

/// An async app (an axum server, `#[tokio::main]`) opens the store on a runtime thread, uses it
/// from `spawn_blocking` and drops it there again: none of it may panic with "Cannot start a
/// runtime from within a runtime" (the `postgres` client's own runtime).
#[test]
fn a_store_opens_and_drops_inside_an_async_runtime() {
    let schema = Schema::new();
    let url = schema.url.clone();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    runtime.block_on(async move {
        let inv = Inventory::open(&url).expect("opening inside the runtime");
        let p = {
            let inv = inv.clone();
            tokio::task::spawn_blocking(move || inv.create(new_product("A-1", "1", 3)))
                .await
                .unwrap()
                .unwrap()
        };
        let again = inv.clone();
        let stock = tokio::task::spawn_blocking(move || again.get(p.id).unwrap().stock)
            .await
            .unwrap();
        assert_eq!(stock, 3);
        drop(inv); // the last handle, on a runtime thread
    });
}

/// A call made on the runtime's own thread (an `async fn` that forgot `spawn_blocking`) blocks
/// that thread, as any blocking call does, but works: every read and write of the store, not
/// only opening and dropping it.
#[test]
fn every_call_works_on_an_async_runtime_thread() {
    let schema = Schema::new();
    let url = schema.url.clone();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let inv = Inventory::open(&url).unwrap();
        let p = inv.create(new_product("A-1", "2.50", 3)).unwrap();
        let p = inv
            .adjust_stock(p.id, 4, StockChange::new("restock"))
            .unwrap();
        assert_eq!(p.stock, 7);
        assert_eq!(inv.get(p.id).unwrap().stock, 7);
        assert_eq!(inv.get_by_sku(" a-1 ").unwrap().id, p.id);
        assert_eq!(inv.list(&Query::default()).unwrap().total, Some(1));
        assert_eq!(inv.total_value().unwrap(), Decimal::new(1750, 2));
        assert_eq!(inv.history(p.id).unwrap().len(), 2);
        assert_eq!(inv.events_since(0, 10).unwrap().len(), 2);
        inv.check_ledger().unwrap();
        inv.delete(p.id).unwrap();
    });
}

/// A server that cannot be reached is a CONNECTION_LOST error, and the pool's wait for a
/// connection is the caller's to set.
#[test]
fn an_unreachable_server_is_a_lost_connection() {
    let err = Inventory::open("postgres://nobody@127.0.0.1:1/db?connect_timeout=2").unwrap_err();
    assert_eq!(
        err.storage_kind(),
        Some(inventory_core::StorageKind::ConnectionLost),
        "{err}"
    );
    let zero = inventory_core::store::postgres::PostgresOptions {
        connection_timeout: std::time::Duration::ZERO,
        ..Default::default()
    };
    let err = PostgresStore::open_with(&Schema::new().url, zero).unwrap_err();
    assert_eq!(err.field(), Some("connection_timeout"));
}

/// Two servers creating one location at once: both look it up and find nothing, then both
/// insert; the second waits on the first's unique entry and fails as a duplicate, rather than
/// overwrite the first's name.
#[test]
fn of_two_servers_creating_one_location_the_second_is_a_duplicate() {
    let schema = Schema::new();
    let stores: Vec<Arc<PostgresStore>> = (0..2)
        .map(|_| Arc::new(PostgresStore::open(&schema.url).unwrap()))
        .collect();
    let barrier = Arc::new(std::sync::Barrier::new(2));
    let results: Vec<_> = stores
        .iter()
        .enumerate()
        .map(|(i, store)| {
            let (store, barrier) = (Arc::clone(store), Arc::clone(&barrier));
            std::thread::spawn(move || {
                let at = chrono::DateTime::from_timestamp_micros(1_700_000_000_000_000).unwrap();
                let location = inventory_core::Location {
                    code: "WH".into(),
                    name: format!("Server {i}"),
                    created_at: at,
                    updated_at: at,
                    version: 1,
                };
                let mut waited = false;
                store.write(&mut |tx| {
                    assert!(tx.location("WH")?.is_none());
                    // Both have looked and found nothing before either inserts.
                    if !waited {
                        barrier.wait();
                        waited = true;
                    }
                    tx.insert_location(&location)
                })
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|t| t.join().unwrap())
        .collect();
    let ok = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(ok, 1, "{results:?}");
    let refused = results.iter().find_map(|r| r.as_ref().err()).unwrap();
    assert_eq!(refused.field(), Some("code"), "{refused}");
    let inv = Inventory::open(&schema.url).unwrap();
    let names: Vec<String> = inv
        .locations()
        .unwrap()
        .into_iter()
        .map(|l| l.name)
        .collect();
    assert_eq!(names.len(), 2, "DEFAULT and one WH: {names:?}");
}
