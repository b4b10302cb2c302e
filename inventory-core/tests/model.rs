//! Model test: random sequences of operations run against every backend at once; after each step
//! the backends must agree (same result, same error), and at the end the ledger invariant holds
//! (every product's stock equals the sum of its movements).

mod common;

use common::{Fixture, memory, sqlite_file};
use inventory_core::{
    Decimal, InventoryError, NewProduct, OrderBy, Product, ProductPatch, Query, StockChange, Uuid,
};
use proptest::prelude::*;

/// The backends compared. Every one must behave exactly like the first. Each numbers its
/// products 1, 2, 3… so that ties in an ordering (broken by id) fall the same way everywhere.
fn backends() -> Vec<(&'static str, Fixture)> {
    let mut all = vec![("memory", memory()), ("sqlite file", sqlite_file())];
    #[cfg(feature = "postgres-tests")]
    all.push(("postgres", common::pg::postgres()));
    for (_, fixture) in &mut all {
        let next = std::sync::atomic::AtomicU64::new(0);
        fixture.inv = fixture.inv.clone().with_id_generator(move || {
            let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            uuid::Builder::from_random_bytes(u128::from(n).to_be_bytes()).into_uuid()
        });
    }
    all
}

/// Raw SKUs, several of which normalise to the same thing.
const SKUS: &[&str] = &["a-1", " A-1", "b-2", "straße", "STRASSE ", "c 3", "", "ǆ"];
const ORDERS: &[&str] = &[
    "created_at",
    "-created_at",
    "name",
    "-price",
    "stock",
    "-sku",
];

#[derive(Debug, Clone)]
enum Op {
    Create {
        sku: usize,
        name: String,
        cents: i64,
        stock: u32,
    },
    Update {
        target: usize,
        name: Option<String>,
        sku: Option<usize>,
        cents: Option<i64>,
        version: Option<u64>,
    },
    Adjust {
        target: usize,
        delta: i64,
        expected: Option<u32>,
    },
    Set {
        target: usize,
        quantity: u32,
        expected: Option<u32>,
    },
    Delete {
        target: usize,
    },
    List {
        order: usize,
        low_stock: Option<u32>,
        name: Option<String>,
        limit: u32,
        pages: usize,
    },
    Total,
}

fn op() -> impl Strategy<Value = Op> {
    let name = prop_oneof![Just(String::new()), "[a-zA-Z ]{1,8}", Just("x".repeat(101))];
    let cents = prop_oneof![
        Just(0i64),
        1i64..5000,
        Just(9_999_999_999i64),
        Just(10_000_000_000i64)
    ];
    let stock = prop_oneof![
        0u32..30,
        Just(inventory_core::MAX_STOCK),
        Just(inventory_core::MAX_STOCK + 1)
    ];
    let target = 0usize..8;
    prop_oneof![
        3 => (0..SKUS.len(), name.clone(), cents.clone(), stock.clone())
            .prop_map(|(sku, name, cents, stock)| Op::Create { sku, name, cents, stock }),
        2 => (target.clone(), proptest::option::of(name.clone()), proptest::option::of(0..SKUS.len()),
              proptest::option::of(cents), proptest::option::of(1u64..4))
            .prop_map(|(target, name, sku, cents, version)| Op::Update { target, name, sku, cents, version }),
        4 => (target.clone(), prop_oneof![-25i64..25, Just(i64::from(inventory_core::MAX_STOCK))],
              proptest::option::of(0u32..30))
            .prop_map(|(target, delta, expected)| Op::Adjust { target, delta, expected }),
        2 => (target.clone(), stock, proptest::option::of(0u32..30))
            .prop_map(|(target, quantity, expected)| Op::Set { target, quantity, expected }),
        1 => target.prop_map(|target| Op::Delete { target }),
        2 => (0..ORDERS.len(), proptest::option::of(0u32..20), proptest::option::of("[a-z]{1,2}"), 1u32..4, 1usize..4)
            .prop_map(|(order, low_stock, name, limit, pages)| Op::List { order, low_stock, name, limit, pages }),
        1 => Just(Op::Total),
    ]
}

/// What a step returned, with what differs between backends (ids, times) left out.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Product {
        name: String,
        sku: String,
        price: Decimal,
        stock: u32,
        version: u64,
    },
    Done,
    Pages(Vec<(Vec<String>, u64, bool)>),
    Total(Decimal),
    Error(InventoryError),
}

fn product(p: Product) -> Outcome {
    Outcome::Product {
        name: p.name,
        sku: p.sku,
        price: p.price,
        stock: p.stock,
        version: p.version,
    }
}

fn outcome<T>(r: Result<T, InventoryError>, f: impl FnOnce(T) -> Outcome) -> Outcome {
    r.map_or_else(Outcome::Error, f)
}

/// Runs one step on one backend. `ids` are that backend's ids of the products created so far
/// (the same positions on every backend); a target past the end is an id that never existed.
fn run(inv: &Fixture, ids: &mut Vec<Uuid>, op: &Op) -> Outcome {
    let id = |target: usize| ids.get(target).copied().unwrap_or(Uuid::nil());
    let price = |cents: i64| Decimal::new(cents, 2);
    match op {
        Op::Create {
            sku,
            name,
            cents,
            stock,
        } => {
            let made = inv.create(
                NewProduct::new(name.clone(), SKUS[*sku], price(*cents)).with_stock(*stock),
            );
            if let Ok(p) = &made {
                ids.push(p.id);
            }
            outcome(made, product)
        }
        Op::Update {
            target,
            name,
            sku,
            cents,
            version,
        } => {
            let patch = ProductPatch {
                name: name.clone(),
                sku: sku.map(|s| SKUS[s].to_owned()),
                price: cents.map(price),
                stock: None,
                expected_version: *version,
            };
            outcome(inv.update(id(*target), patch), product)
        }
        Op::Adjust {
            target,
            delta,
            expected,
        } => {
            let change = StockChange {
                expected: *expected,
                ..StockChange::new("sale")
            };
            outcome(inv.adjust_stock(id(*target), *delta, change), product)
        }
        Op::Set {
            target,
            quantity,
            expected,
        } => {
            let change = StockChange {
                expected: *expected,
                ..StockChange::new("count")
            };
            outcome(inv.set_stock(id(*target), *quantity, change), product)
        }
        Op::Delete { target } => outcome(inv.delete(id(*target)), |()| Outcome::Done),
        Op::List {
            order,
            low_stock,
            name,
            limit,
            pages,
        } => {
            let mut query = Query {
                order_by: OrderBy::parse(ORDERS[*order]).unwrap(),
                low_stock: *low_stock,
                name_contains: name.clone(),
                limit: Some(*limit),
                ..Query::default()
            };
            let mut seen = Vec::new();
            for _ in 0..*pages {
                match inv.list(&query) {
                    Err(e) => return Outcome::Error(e),
                    Ok(page) => {
                        let skus = page.items.iter().map(|p| p.sku.clone()).collect();
                        seen.push((skus, page.total, page.next_cursor.is_some()));
                        match page.next_cursor {
                            Some(c) => query.cursor = Some(c),
                            None => break,
                        }
                    }
                }
            }
            Outcome::Pages(seen)
        }
        Op::Total => outcome(inv.total_value(), Outcome::Total),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn every_backend_behaves_alike_and_the_ledger_holds(ops in proptest::collection::vec(op(), 1..40)) {
        let backends = backends();
        let mut ids = vec![Vec::new(); backends.len()];
        for (step, op) in ops.iter().enumerate() {
            let first = run(&backends[0].1, &mut ids[0], op);
            for (i, (name, inv)) in backends.iter().enumerate().skip(1) {
                let got = run(inv, &mut ids[i], op);
                prop_assert_eq!(&got, &first, "step {} {:?}: {} differs from {}", step, op, name, backends[0].0);
            }
        }
        for (name, inv) in &backends {
            prop_assert!(inv.check_ledger().is_ok(), "{}: {:?}", name, inv.check_ledger());
            let all = inv.list(&Query { limit: Some(1000), ..Query::default() }).unwrap();
            let sum: Decimal = all.items.iter().map(Product::value).sum();
            prop_assert_eq!(inv.total_value().unwrap(), sum, "{}", name);
        }
    }
}
