//! Queries from any input (order, cursor, filters): never a panic, and the memory and SQLite
//! stores give the same answer (the same page, or the same error) for every one.
#![no_main]
use std::sync::OnceLock;

use inventory_core::{Inventory, NewProduct, OrderBy, Query, SqliteStore, parse_price};
use libfuzzer_sys::fuzz_target;

fn stores() -> &'static [Inventory; 2] {
    static STORES: OnceLock<[Inventory; 2]> = OnceLock::new();
    STORES.get_or_init(|| {
        let stores = [
            Inventory::in_memory(),
            Inventory::new(SqliteStore::in_memory().unwrap()),
        ];
        for inv in &stores {
            let n = std::sync::atomic::AtomicU64::new(0);
            let inv = inv.clone().with_id_generator(move || {
                inventory_core::Uuid::from_u128(u128::from(n.fetch_add(1, std::sync::atomic::Ordering::Relaxed)) + 1)
            });
            for (i, sku) in ["A-1", "AB\u{10FFFF}", "B", "ÉCLAIR", "Z-9", "a"].iter().enumerate() {
                let price = parse_price(&format!("{}.{}", i * 7 + 1, i)).unwrap();
                let _ = inv.create(NewProduct::new(format!("Name {sku}"), *sku, price).with_stock(i as u32 * 3));
            }
        }
        stores
    })
}

fuzz_target!(|input: (&str, &str, &str, &str, Option<u32>, Option<u32>, Option<u64>)| {
    let (order, cursor, name, prefix, low_stock, limit, offset) = input;
    let Ok(order_by) = OrderBy::parse(order) else { return };
    let query = Query {
        name_contains: Some(name.to_owned()),
        sku_prefix: Some(prefix.to_owned()),
        low_stock,
        order_by,
        limit,
        cursor: Some(cursor.to_owned()),
        offset: offset.map(|o| o % 100),
        ..Query::default()
    };
    let [memory, sqlite] = stores();
    let (a, b) = (memory.list(&query), sqlite.list(&query));
    match (&a, &b) {
        (Ok(a), Ok(b)) => {
            let ids = |p: &inventory_core::Page| p.items.iter().map(|p| p.id).collect::<Vec<_>>();
            assert_eq!((ids(a), a.total), (ids(b), b.total), "{query:?}");
        }
        (Err(a), Err(b)) => assert_eq!((a.code(), a.field()), (b.code(), b.field()), "{query:?}"),
        _ => panic!("the stores disagree on {query:?}: {a:?} / {b:?}"),
    }
});
