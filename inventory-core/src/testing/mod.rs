//! The store suite, for every backend: what a [`Store`] must do, as tests any crate
//! can run against its own store (cargo feature `testing`). Every built-in store passes it
//! (`tests/store_suite.rs`).
//!
//! In a test file of the crate with the new store:
//!
//! ```ignore
//! mod my_store {
//!     inventory_core::store_integration_tests!(
//!         inventory_core::testing::Fixture::new(my_crate::MyStore::new_empty(), ())
//!     );
//! }
//! ```
//!
//! The expression makes a fresh, empty store for each test, wrapped in a [`Fixture`] with
//! whatever must live as long as it (a temporary folder, a database schema).

use std::sync::Arc;

use crate::{Decimal, Inventory, NewProduct, Store, parse_price};

mod holds;
mod places;
mod transactions;

/// An inventory over a fresh store, the store itself (for the tests that call its primitives
/// directly: the `Inventory` does not hand them out, as they skip every rule), and whatever
/// must live as long as both.
pub struct Fixture {
    pub inv: Inventory,
    pub store: Arc<dyn Store>,
    _guard: Box<dyn std::any::Any + Send + Sync>,
}

impl std::ops::Deref for Fixture {
    type Target = Inventory;
    fn deref(&self) -> &Inventory {
        &self.inv
    }
}

impl Fixture {
    /// `store`, with `guard` dropped after it (pass `()` when nothing must be kept).
    pub fn new(store: impl Store + 'static, guard: impl std::any::Any + Send + Sync) -> Self {
        let store: Arc<dyn Store> = Arc::new(store);
        Self {
            inv: Inventory::from_store(store.clone()),
            store,
            _guard: Box::new(guard),
        }
    }
}

/// A price from its text; panics on a bad one (test input).
pub fn price(text: &str) -> Decimal {
    parse_price(text).expect("a valid test price")
}

/// A new product with the price `price_text` and `stock`, named after its SKU.
pub fn new_product(sku: &str, price_text: &str, stock: u32) -> NewProduct {
    NewProduct::new(format!("Product {sku}"), sku, price(price_text)).with_stock(stock)
}

/// Expands to the whole store suite, each test building a fresh [`Fixture`] with `$make`.
#[macro_export]
macro_rules! store_integration_tests {
    ($make:expr) => {
        use std::collections::HashSet;
        use std::sync::Arc;

        #[allow(unused_imports)]
        use $crate::testing::*;
        use $crate::*;

        fn fixture() -> Fixture {
            $make
        }

        /// The number of events in the ledger (to prove a failed call wrote nothing).
        fn ledger_len(inv: &Inventory) -> usize {
            inv.events_since(0, MAX_EVENTS_LIMIT).unwrap().len()
        }

        #[test]
        fn create_then_read_back_equal() {
            let inv = fixture();
            let p = inv
                .create(NewProduct::new("  Widget ", " ab-1 ", price("9.9")).with_stock(10))
                .unwrap();
            assert_eq!((p.name.as_str(), p.sku.as_str()), ("Widget", "AB-1"));
            assert_eq!(p.price.to_string(), "9.90");
            assert_eq!((p.stock, p.version), (10, 1));
            assert_eq!(
                p.id.get_version_num(),
                7,
                "time-ordered ids keep inserts local"
            );
            assert_eq!(p.created_at, p.updated_at);
            assert_eq!(inv.get(p.id).unwrap(), p);
            assert_eq!(inv.get_by_sku("  ab-1").unwrap(), p);
            let created = inv.history(p.id).unwrap();
            assert_eq!(created.len(), 1);
            assert_eq!(created[0].kind, EventKind::Created);
            assert_eq!(created[0].delta, Some(10));
            assert_eq!(created[0].reason.as_deref(), Some("initial"));
        }

        #[test]
        fn unknown_ids_and_skus_are_not_found() {
            let inv = fixture();
            let id = Uuid::new_v4();
            for err in [
                inv.get(id).unwrap_err(),
                inv.get_by_sku("NOPE").unwrap_err(),
                inv.update(id, ProductPatch::default().name("x"))
                    .unwrap_err(),
                inv.delete(id).unwrap_err(),
                inv.adjust_stock(id, 1, "restock").unwrap_err(),
                inv.set_stock(id, 1, "correction").unwrap_err(),
                inv.history(id).unwrap_err(),
            ] {
                assert_eq!(err.code(), "NOT_FOUND", "{err}");
            }
            assert_eq!(ledger_len(&inv), 0);
        }

        #[test]
        fn duplicate_sku_after_normalisation_is_refused_and_writes_nothing() {
            let inv = fixture();
            inv.create(new_product("straße", "1", 1)).unwrap();
            let err = inv.create(new_product(" STRASSE ", "2", 5)).unwrap_err();
            assert_eq!(
                err,
                InventoryError::DuplicateSku {
                    sku: "STRASSE".into()
                }
            );
            assert_eq!(inv.list(&Query::default()).unwrap().total, Some(1));
            assert_eq!(ledger_len(&inv), 1);
            assert_eq!(inv.total_value().unwrap(), price("1"));
        }

        #[test]
        fn invalid_input_names_the_field_and_writes_nothing() {
            let inv = fixture();
            let cases = [
                (NewProduct::new(" ", "A", price("1")), "name"),
                (NewProduct::new("x".repeat(101), "A", price("1")), "name"),
                (NewProduct::new("a\u{7}b", "A", price("1")), "name"),
                (NewProduct::new("n", "", price("1")), "sku"),
                (NewProduct::new("n", "A B", price("1")), "sku"),
                (NewProduct::new("n", "X".repeat(51), price("1")), "sku"),
                (NewProduct::new("n", "A", Decimal::ZERO), "price"),
                (NewProduct::new("n", "A", Decimal::new(-1, 0)), "price"),
                (NewProduct::new("n", "A", Decimal::new(12345, 3)), "price"),
                (
                    NewProduct::new("n", "A", Decimal::new(10_000_000_000, 2)),
                    "price",
                ),
                (
                    NewProduct::new("n", "A", price("1")).with_stock(MAX_STOCK + 1),
                    "stock",
                ),
            ];
            for (new, field) in cases {
                let err = inv.create(new.clone()).unwrap_err();
                assert_eq!(err.code(), "VALIDATION", "{new:?}");
                assert_eq!(err.field(), Some(field), "{new:?}: {err}");
            }
            assert!(
                inv.create(NewProduct::new("x".repeat(100), "X".repeat(50), MAX_PRICE))
                    .is_ok()
            );
            assert_eq!(ledger_len(&inv), 1);
        }

        #[test]
        fn update_changes_fields_bumps_version_and_records_what_changed() {
            let inv = fixture();
            let p = inv.create(new_product("a-1", "5.00", 3)).unwrap();
            let q = inv
                .update(
                    p.id,
                    ProductPatch::default()
                        .name("Renamed")
                        .sku(" b-2 ")
                        .price(price("6"))
                        .expect_version(1),
                )
                .unwrap();
            assert_eq!((q.name.as_str(), q.sku.as_str()), ("Renamed", "B-2"));
            assert_eq!(
                (q.price.to_string().as_str(), q.stock, q.version),
                ("6.00", 3, 2)
            );
            assert_eq!(q.created_at, p.created_at);
            assert!(q.updated_at >= p.updated_at);
            assert_eq!(inv.get(p.id).unwrap(), q);
            assert_eq!(inv.get_by_sku("b-2").unwrap().id, p.id);
            assert_eq!(inv.get_by_sku("A-1").unwrap_err().code(), "NOT_FOUND");
            let e = inv.history(p.id).unwrap().pop().unwrap();
            assert_eq!(e.kind, EventKind::Updated);
            assert_eq!(e.sku, "A-1");
            let fields: Vec<_> = e
                .changes
                .iter()
                .map(|c| (c.field.as_str(), c.before.as_str(), c.after.as_str()))
                .collect();
            assert_eq!(
                fields,
                [
                    ("name", "Product a-1", "Renamed"),
                    ("sku", "A-1", "B-2"),
                    ("price", "5.00", "6.00")
                ]
            );
        }

        #[test]
        fn update_conflicts_change_nothing() {
            let inv = fixture();
            let a = inv.create(new_product("A", "1", 0)).unwrap();
            let b = inv.create(new_product("B", "1", 0)).unwrap();
            let err = inv
                .update(b.id, ProductPatch::default().sku(" a ").name("new"))
                .unwrap_err();
            assert_eq!(err, InventoryError::DuplicateSku { sku: "A".into() });
            let err = inv
                .update(a.id, ProductPatch::default().name("new").expect_version(7))
                .unwrap_err();
            assert_eq!(
                err,
                InventoryError::VersionConflict {
                    field: "version".into(),
                    expected: 7,
                    actual: 1
                }
            );
            let err = inv
                .update(a.id, ProductPatch::default().name(" ").price(price("2")))
                .unwrap_err();
            assert_eq!(err.field(), Some("name"));
            assert_eq!(inv.get(a.id).unwrap(), a);
            assert_eq!(inv.get(b.id).unwrap(), b);
            assert_eq!(ledger_len(&inv), 2);
        }

        #[test]
        fn a_patch_that_changes_nothing_writes_nothing() {
            let inv = fixture();
            let p = inv.create(new_product("A", "1", 0)).unwrap();
            let same = inv
                .update(p.id, ProductPatch::default().sku("a").price(price("1.00")))
                .unwrap();
            assert_eq!(same, p);
            assert_eq!(inv.update(p.id, ProductPatch::default()).unwrap(), p);
            assert_eq!(ledger_len(&inv), 1);
        }

        #[test]
        fn delete_keeps_history_and_frees_the_sku() {
            let inv = fixture();
            let p = inv.create(new_product("A", "2", 4)).unwrap();
            inv.delete(p.id).unwrap();
            assert_eq!(inv.get(p.id).unwrap_err().code(), "NOT_FOUND");
            assert_eq!(inv.delete(p.id).unwrap_err().code(), "NOT_FOUND");
            let kinds: Vec<_> = inv.history(p.id).unwrap().iter().map(|e| e.kind).collect();
            assert_eq!(kinds, [EventKind::Created, EventKind::Deleted]);
            assert_eq!(inv.total_value().unwrap(), Decimal::ZERO);
            let again = inv.create(new_product("a", "3", 1)).unwrap();
            assert_ne!(again.id, p.id);
            inv.check_ledger().unwrap();
        }

        #[test]
        fn stock_moves_atomically_within_its_bounds() {
            let inv = fixture();
            let p = inv.create(new_product("A", "1.50", 5)).unwrap();
            let err = inv.adjust_stock(p.id, -6, "sale").unwrap_err();
            assert_eq!(
                err,
                InventoryError::InsufficientStock {
                    field: "stock".into(),
                    available: 5,
                    requested: 6
                }
            );
            let p = inv.adjust_stock(p.id, -5, "sale").unwrap();
            assert_eq!((p.stock, p.version), (0, 2));
            let err = inv
                .adjust_stock(p.id, i64::from(MAX_STOCK) + 1, "restock")
                .unwrap_err();
            assert_eq!(
                err,
                InventoryError::StockOverflow {
                    field: "stock".into(),
                    current: 0,
                    delta: i64::from(MAX_STOCK) + 1
                }
            );
            assert_eq!(
                inv.adjust_stock(p.id, i64::MIN, "sale").unwrap_err().code(),
                "INSUFFICIENT_STOCK"
            );
            assert_eq!(
                inv.adjust_stock(p.id, i64::MAX, "sale").unwrap_err().code(),
                "STOCK_OVERFLOW"
            );
            let p = inv
                .adjust_stock(p.id, i64::from(MAX_STOCK), "restock")
                .unwrap();
            assert_eq!(p.stock, MAX_STOCK);
            assert_eq!(
                inv.adjust_stock(p.id, 1, "restock").unwrap_err().code(),
                "STOCK_OVERFLOW"
            );
            assert_eq!(
                inv.adjust_stock(p.id, 0, "sale").unwrap_err().field(),
                Some("delta")
            );
            assert_eq!(
                inv.adjust_stock(p.id, 1, " ").unwrap_err().field(),
                Some("reason")
            );
            assert_eq!(
                inv.adjust_stock(p.id, -1, StockChange::new("sale").actor("x".repeat(201)))
                    .unwrap_err()
                    .field(),
                Some("actor")
            );
            assert_eq!(inv.get(p.id).unwrap(), p);
            assert_eq!(ledger_len(&inv), 3);
            inv.check_ledger().unwrap();
        }

        #[test]
        fn movements_record_who_why_before_and_after() {
            let inv = fixture();
            let p = inv.create(new_product("A", "1", 10)).unwrap();
            inv.adjust_stock(
                p.id,
                -3,
                StockChange::new(" Sale ")
                    .reference("order-42")
                    .actor("till-1"),
            )
            .unwrap();
            inv.set_stock(p.id, 7, StockChange::new("stock take").actor("ann"))
                .unwrap();
            let h = inv.history(p.id).unwrap();
            let sale = &h[1];
            assert_eq!(sale.kind, EventKind::StockChanged);
            assert_eq!(
                (sale.delta, sale.stock_before, sale.stock_after),
                (Some(-3), Some(10), Some(7))
            );
            assert_eq!(sale.reason.as_deref(), Some("sale"));
            assert_eq!(sale.reference.as_deref(), Some("order-42"));
            assert_eq!(sale.actor.as_deref(), Some("till-1"));
            let count = &h[2];
            assert_eq!(
                (count.delta, count.reason.as_deref(), count.actor.as_deref()),
                (Some(0), Some("stock take"), Some("ann"))
            );
            assert!(h.windows(2).all(|w| w[0].seq < w[1].seq));
        }

        #[test]
        fn set_stock_compares_and_swaps() {
            let inv = fixture();
            let p = inv.create(new_product("A", "1", 10)).unwrap();
            inv.adjust_stock(p.id, -2, "sale").unwrap();
            let err = inv
                .set_stock(p.id, 12, StockChange::new("correction").expect_stock(10))
                .unwrap_err();
            assert_eq!(
                err,
                InventoryError::VersionConflict {
                    field: "stock".into(),
                    expected: 10,
                    actual: 8
                }
            );
            let p = inv
                .set_stock(p.id, 12, StockChange::new("correction").expect_stock(8))
                .unwrap();
            assert_eq!(p.stock, 12);
            assert_eq!(
                inv.set_stock(p.id, MAX_STOCK + 1, "correction")
                    .unwrap_err()
                    .field(),
                Some("quantity")
            );
            assert_eq!(
                inv.adjust_stock(p.id, 1, StockChange::new("restock").expect_stock(1))
                    .unwrap_err()
                    .code(),
                "VERSION_CONFLICT"
            );
            inv.check_ledger().unwrap();
        }

        #[test]
        fn create_many_is_all_or_nothing() {
            let inv = fixture();
            let err = inv
                .create_many(vec![
                    new_product("A", "1", 1),
                    new_product("B", "1", 1),
                    new_product(" a", "1", 1),
                ])
                .unwrap_err();
            assert_eq!(err.code(), "DUPLICATE_SKU");
            assert_eq!(inv.list(&Query::default()).unwrap().total, Some(0));
            assert_eq!(ledger_len(&inv), 0);
            let made = inv
                .create_many(
                    (0..300)
                        .map(|i| new_product(&format!("S{i}"), "0.01", i))
                        .collect(),
                )
                .unwrap();
            assert_eq!(made.len(), 300);
            assert_eq!(inv.list(&Query::default()).unwrap().total, Some(300));
            inv.check_ledger().unwrap();
        }

        #[test]
        fn a_failed_transaction_leaves_no_trace() {
            let inv = fixture();
            let p = inv.create(new_product("A", "1", 1)).unwrap();
            let mut changed = p.clone();
            changed.stock = 99;
            let err = inv
                .store
                .write(&mut |tx| {
                    tx.update(&changed)?;
                    tx.insert(&Product {
                        id: Uuid::new_v4(),
                        sku: "B".into(),
                        ..p.clone()
                    })?;
                    tx.delete(p.id)?;
                    Err(InventoryError::storage("abort"))
                })
                .unwrap_err();
            assert_eq!(err.code(), "STORAGE");
            assert_eq!(inv.get(p.id).unwrap(), p);
            assert_eq!(inv.list(&Query::default()).unwrap().total, Some(1));
            assert_eq!(inv.total_value().unwrap(), price("1"));
        }

        fn seed(inv: &Inventory) -> Vec<Product> {
            let rows = [
                ("Blue Widget", "W-BLUE", "9.99", 3),
                ("red widget", "W-RED", "19.50", 0),
                ("Gadget", "G-1", "5.00", 12),
                ("Ünïcode Gizmo", "G-2", "5.00", 7),
                ("WIDGET deluxe", "W-DLX", "99.00", 1),
                ("Sprocket", "S-1", "0.25", 500),
                ("Another sprocket", "S-2", "0.30", 5),
            ];
            rows.iter()
                .map(|(n, s, pr, st)| {
                    inv.create(NewProduct::new(*n, *s, price(pr)).with_stock(*st))
                        .unwrap()
                })
                .collect()
        }

        fn skus(page: &Page) -> Vec<&str> {
            page.items.iter().map(|p| p.sku.as_str()).collect()
        }

        #[test]
        fn list_filters() {
            let inv = fixture();
            seed(&inv);
            let q = |f: fn(&mut Query)| {
                let mut q = Query {
                    order_by: OrderBy::parse("sku").unwrap(),
                    ..Query::default()
                };
                f(&mut q);
                inv.list(&q).unwrap()
            };
            let page = q(|q| q.name_contains = Some("WIDGET".into()));
            assert_eq!(
                (skus(&page), page.total),
                (vec!["W-BLUE", "W-DLX", "W-RED"], Some(3))
            );
            assert_eq!(skus(&q(|q| q.name_contains = Some("ÜNÏ".into()))), ["G-2"]);
            assert_eq!(
                skus(&q(|q| q.sku_prefix = Some(" w-".into()))),
                ["W-BLUE", "W-DLX", "W-RED"]
            );
            assert_eq!(
                skus(&q(|q| q.sku_prefix = Some("g".into()))),
                ["G-1", "G-2"]
            );
            assert_eq!(
                skus(&q(|q| q.low_stock = Some(3))),
                ["W-BLUE", "W-DLX", "W-RED"]
            );
            assert_eq!(skus(&q(|q| q.low_stock = Some(0))), ["W-RED"]);
            assert_eq!(
                skus(&q(|q| {
                    q.min_price = Some(price("5"));
                    q.max_price = Some(price("10"))
                })),
                ["G-1", "G-2", "W-BLUE"]
            );
            assert_eq!(
                skus(&q(|q| {
                    q.name_contains = Some("widget".into());
                    q.low_stock = Some(1)
                })),
                ["W-DLX", "W-RED"]
            );
            assert_eq!(
                q(|q| q.name_contains = Some("nothing".into())).total,
                Some(0)
            );
            // Without its count a page has the same rows and cursor, and no total.
            let pairs = [
                (q(|_| {}), q(|q| q.skip_total = true)),
                (
                    q(|q| q.low_stock = Some(5)),
                    q(|q| {
                        q.low_stock = Some(5);
                        q.skip_total = true
                    }),
                ),
            ];
            for (counted, uncounted) in pairs {
                assert_eq!(uncounted.total, None);
                assert!(counted.total.is_some());
                assert_eq!(
                    (uncounted.items, uncounted.next_cursor),
                    (counted.items, counted.next_cursor)
                );
            }
        }

        #[test]
        fn list_orders_by_every_field_both_ways() {
            let inv = fixture();
            let all = seed(&inv);
            for field in ["created_at", "name", "sku", "price", "stock"] {
                for desc in [false, true] {
                    let order =
                        OrderBy::parse(&format!("{}{field}", if desc { "-" } else { "" })).unwrap();
                    let got = inv
                        .list(&Query {
                            order_by: order,
                            ..Query::default()
                        })
                        .unwrap();
                    let mut want = all.clone();
                    want.sort_by(|a, b| {
                        let ord = SortKey::of(a, order.field)
                            .cmp(&SortKey::of(b, order.field))
                            .then(a.id.cmp(&b.id));
                        if desc { ord.reverse() } else { ord }
                    });
                    assert_eq!(got.items, want, "order {order}");
                    assert_eq!(got.next_cursor, None);
                }
            }
            let by_name = inv
                .list(&Query {
                    order_by: OrderBy::parse("name").unwrap(),
                    ..Query::default()
                })
                .unwrap();
            // Case-insensitive (the folded names by code point): accented letters last.
            assert_eq!(
                skus(&by_name),
                ["S-2", "W-BLUE", "G-1", "W-RED", "S-1", "W-DLX", "G-2"]
            );
        }

        #[test]
        fn pagination_walks_every_product_once() {
            let inv = fixture();
            inv.create_many(
                (0..45)
                    .map(|i| {
                        new_product(
                            &format!("P{i:02}"),
                            &format!("{}.00", 1 + i % 4),
                            (i * 7) % 10,
                        )
                    })
                    .collect(),
            )
            .unwrap();
            for order in ["price", "-price", "stock", "-sku", "created_at", "-name"] {
                let mut query = Query {
                    order_by: OrderBy::parse(order).unwrap(),
                    limit: Some(10),
                    ..Query::default()
                };
                let mut seen = Vec::new();
                loop {
                    let page = inv.list(&query).unwrap();
                    assert_eq!(page.total, Some(45));
                    assert!(page.items.len() <= 10);
                    seen.extend(page.items.iter().map(|p| p.id));
                    match page.next_cursor {
                        Some(c) => query.cursor = Some(c),
                        None => break,
                    }
                }
                assert_eq!(seen.len(), 45, "{order}");
                assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 45, "{order}");
                let whole = inv
                    .list(&Query {
                        order_by: query.order_by,
                        limit: Some(1000),
                        ..Query::default()
                    })
                    .unwrap();
                assert_eq!(
                    whole.items.iter().map(|p| p.id).collect::<Vec<_>>(),
                    seen,
                    "{order}"
                );
            }
            let third = inv
                .list(&Query {
                    limit: Some(10),
                    offset: Some(20),
                    ..Query::default()
                })
                .unwrap();
            let all = inv
                .list(&Query {
                    limit: Some(1000),
                    ..Query::default()
                })
                .unwrap();
            assert_eq!(third.items, all.items[20..30]);
            let last = inv
                .list(&Query {
                    limit: Some(5),
                    offset: Some(40),
                    ..Query::default()
                })
                .unwrap();
            assert_eq!((last.items.len(), last.next_cursor), (5, None));
        }

        #[test]
        fn bad_queries_are_refused() {
            let inv = fixture();
            seed(&inv);
            let first = inv
                .list(&Query {
                    limit: Some(2),
                    ..Query::default()
                })
                .unwrap();
            let cursor = first.next_cursor.unwrap();
            let other_order = Query {
                cursor: Some(cursor),
                order_by: OrderBy::parse("-price").unwrap(),
                ..Query::default()
            };
            for (q, field) in [
                (
                    Query {
                        limit: Some(0),
                        ..Query::default()
                    },
                    "limit",
                ),
                (
                    Query {
                        limit: Some(1001),
                        ..Query::default()
                    },
                    "limit",
                ),
                (
                    Query {
                        cursor: Some("zz".into()),
                        ..Query::default()
                    },
                    "cursor",
                ),
                (
                    Query {
                        cursor: Some("abc".into()),
                        ..Query::default()
                    },
                    "cursor",
                ),
                (other_order, "cursor"),
                (
                    Query {
                        min_price: Some(Decimal::new(-1, 0)),
                        ..Query::default()
                    },
                    "min_price",
                ),
                (
                    Query {
                        sku_prefix: Some("A B".into()),
                        ..Query::default()
                    },
                    "sku_prefix",
                ),
            ] {
                assert_eq!(inv.list(&q).unwrap_err().field(), Some(field), "{q:?}");
            }
            assert_eq!(
                OrderBy::parse("colour").unwrap_err().field(),
                Some("order_by")
            );
        }

        #[test]
        fn total_value_is_exact_at_the_extremes() {
            let inv = fixture();
            assert_eq!(inv.total_value().unwrap().to_string(), "0.00");
            inv.create_many(
                (0..5)
                    .map(|i| {
                        NewProduct::new("max", format!("M{i}"), MAX_PRICE).with_stock(MAX_STOCK)
                    })
                    .collect(),
            )
            .unwrap();
            inv.create(new_product("cent", "0.01", 1)).unwrap();
            // 5 × 99,999,999.99 × 2,147,483,647 + 0.01: more cents than 64 bits hold, exact to the cent.
            assert_eq!(
                inv.total_value().unwrap().to_string(),
                "1073741823392625817.66"
            );
            let p = inv.get_by_sku("M0").unwrap();
            inv.adjust_stock(p.id, -i64::from(MAX_STOCK), "damage")
                .unwrap();
            assert_eq!(
                inv.total_value().unwrap().to_string(),
                "858993458714100654.13"
            );
        }

        #[test]
        fn events_can_be_followed_in_order() {
            let inv = fixture();
            let p = inv.create(new_product("A", "1", 1)).unwrap();
            for _ in 0..9 {
                inv.adjust_stock(p.id, 1, "restock").unwrap();
            }
            let mut since = 0;
            let mut seen = Vec::new();
            loop {
                let batch = inv.events_since(since, 4).unwrap();
                let Some(last) = batch.last() else { break };
                since = last.seq;
                seen.extend(batch.iter().map(|e| e.seq));
            }
            assert_eq!(seen.len(), 10);
            assert!(seen.windows(2).all(|w| w[0] < w[1]));
            assert_eq!(inv.events_since(0, 0).unwrap_err().field(), Some("limit"));
        }

        #[test]
        fn concurrent_sales_never_lose_an_update_or_oversell() {
            let inv = Arc::new(fixture());
            let p = inv.create(new_product("HOT", "2.00", 1000)).unwrap();
            let threads: Vec<_> = (0..4)
                .map(|t| {
                    let inv = Arc::clone(&inv);
                    std::thread::spawn(move || {
                        let mut sold = 0u32;
                        for i in 0..200 {
                            let delta = if (i + t) % 5 == 0 { 3 } else { -2 };
                            match inv.adjust_stock(p.id, delta, "sale") {
                                Ok(_) => {}
                                Err(InventoryError::InsufficientStock { .. }) => continue,
                                Err(e) => panic!("{e}"),
                            }
                            sold += 1;
                        }
                        sold
                    })
                })
                .collect();
            let applied: u32 = threads.into_iter().map(|t| t.join().unwrap()).sum();
            let events = inv.history(p.id).unwrap();
            assert_eq!(events.len() as u32, applied + 1);
            let stock = inv.get(p.id).unwrap().stock;
            assert_eq!(
                i64::from(stock),
                events.iter().map(|e| e.delta.unwrap()).sum::<i64>()
            );
            assert_eq!(inv.get(p.id).unwrap().version, u64::from(applied) + 1);
            inv.check_ledger().unwrap();
        }

        #[test]
        fn snapshots_round_trip_and_bad_ones_are_refused_whole() {
            let inv = fixture();
            let p = inv.create(new_product("A", "1", 4)).unwrap();
            inv.adjust_stock(p.id, -1, "sale").unwrap();
            let gone = inv.create(new_product("B", "2", 0)).unwrap();
            inv.delete(gone.id).unwrap();
            let snap = inv.export().unwrap();
            let json = snap.to_json();

            let copy = fixture();
            copy.import(&Snapshot::from_json(&json).unwrap()).unwrap();
            assert_eq!(copy.export().unwrap(), snap);
            assert_eq!(copy.import(&snap).unwrap_err().field(), Some("snapshot"));

            let mut bad = snap.clone();
            bad.products[0].stock += 1;
            let empty = fixture();
            assert_eq!(empty.import(&bad).unwrap_err().field(), Some("snapshot"));
            assert_eq!(
                Snapshot::from_json("{").unwrap_err().field(),
                Some("snapshot")
            );
            let mut bad = snap.clone();
            bad.events[1].reference = Some("nul\u{0}".into());
            assert_eq!(empty.import(&bad).unwrap_err().field(), Some("snapshot"));
            assert_eq!(ledger_len(&empty), 0);
        }

        #[test]
        fn after_close_every_call_on_every_handle_and_thread_fails_at_once() {
            let inv = fixture();
            let p = inv.create(new_product("A", "1", 5)).unwrap();
            let other = inv.inv.clone();
            inv.close();
            let closed =
                |e: InventoryError| assert_eq!(e.storage_kind(), Some(StorageKind::Closed), "{e}");
            closed(inv.get(p.id).unwrap_err());
            closed(other.adjust_stock(p.id, -1, "sale").unwrap_err());
            closed(other.create(new_product("B", "1", 1)).unwrap_err());
            closed(other.list(&Query::default()).unwrap_err());
            closed(other.export().unwrap_err());
            closed(other.events_since(0, 10).unwrap_err());
            let threads: Vec<_> = (0..4)
                .map(|_| {
                    let inv = other.clone();
                    std::thread::spawn(move || inv.set_stock(p.id, 1, "count").unwrap_err())
                })
                .collect();
            for t in threads {
                closed(t.join().unwrap());
            }
            assert!(other.is_closed());
            // Nothing was written after close: the store underneath still has the stock.
            assert_eq!(inv.store.get(p.id).unwrap().unwrap().stock, 5);
        }

        #[test]
        fn create_many_keeps_the_callers_order_and_names_the_bad_item() {
            let inv = fixture();
            let skus = ["C", "A", "B", "E", "D"];
            inv.create_many(skus.iter().map(|s| new_product(s, "1", 1)).collect())
                .unwrap();
            let listed: Vec<String> = inv
                .list(&Query::default())
                .unwrap()
                .items
                .into_iter()
                .map(|p| p.sku)
                .collect();
            assert_eq!(listed, skus, "oldest first is the order they were given in");
            let err = inv
                .create_many(vec![
                    new_product("F", "1", 1),
                    NewProduct::new("G", "G", Decimal::ZERO),
                ])
                .unwrap_err();
            assert_eq!(err.field(), Some("items[1].price"), "{err}");
            assert_eq!(inv.list(&Query::default()).unwrap().total, Some(5));
        }

        #[test]
        fn every_store_answers_the_edges_alike() {
            let inv = fixture();
            let odd = inv.create(new_product("AB\u{10FFFF}X", "1", 1)).unwrap();
            inv.create(new_product("AC", "1", 1)).unwrap();
            inv.create(new_product("AA", "1", 1)).unwrap();
            let found = inv
                .list(&Query {
                    sku_prefix: Some("ab".into()),
                    ..Query::default()
                })
                .unwrap();
            assert_eq!(
                found.items,
                vec![odd.clone()],
                "a SKU with U+10FFFF after the prefix"
            );
            let found = inv
                .list(&Query {
                    sku_prefix: Some("AB\u{10FFFF}".into()),
                    ..Query::default()
                })
                .unwrap();
            assert_eq!(found.total, Some(1));

            // A cursor whose key has the wrong type for its order is refused, not guessed at.
            let forge =
                |plain: String| -> String { plain.bytes().map(|b| format!("{b:02x}")).collect() };
            for (order, key) in [
                ("name", "i5"),
                ("sku", "i0"),
                ("price", "tA"),
                ("stock", "t1"),
            ] {
                let query = Query {
                    order_by: OrderBy::parse(order).unwrap(),
                    cursor: Some(forge(format!("{order}\n{}\n{key}", odd.id.simple()))),
                    ..Query::default()
                };
                let err = inv.list(&query).unwrap_err();
                assert_eq!(
                    (err.code(), err.field()),
                    ("VALIDATION", Some("cursor")),
                    "{order} {key}"
                );
            }

            for since in [1u64 << 53, 1 << 63, u64::MAX] {
                assert_eq!(
                    inv.events_since(since, 10).unwrap(),
                    Vec::new(),
                    "since {since}"
                );
            }
        }

        #[test]
        fn of_two_imports_racing_into_one_empty_inventory_exactly_one_wins() {
            let source = fixture();
            source.create(new_product("A", "1", 4)).unwrap();
            let snap = Arc::new(source.export().unwrap());
            let inv = fixture();
            let barrier = Arc::new(std::sync::Barrier::new(2));
            let results: Vec<_> = (0..2)
                .map(|_| {
                    let (inv, snap, barrier) =
                        (inv.inv.clone(), Arc::clone(&snap), Arc::clone(&barrier));
                    std::thread::spawn(move || {
                        barrier.wait();
                        inv.import(&snap)
                    })
                })
                .collect::<Vec<_>>()
                .into_iter()
                .map(|t| t.join().unwrap())
                .collect();
            let won = results.iter().filter(|r| r.is_ok()).count();
            assert_eq!(won, 1, "{results:?}");
            assert_eq!(inv.export().unwrap(), *snap);
            inv.check_ledger().unwrap();
        }

        #[test]
        fn a_product_from_a_clock_ahead_still_exports_a_snapshot_that_imports() {
            let source = fixture();
            let p = source.create(new_product("A", "1", 4)).unwrap();
            // As if another device, whose clock runs a day ahead, had created it.
            let mut snap = source.export().unwrap();
            let ahead = chrono::Duration::days(1);
            snap.products[0].created_at += ahead;
            snap.products[0].updated_at += ahead;
            snap.events[0].at += ahead;
            let inv = fixture();
            inv.import(&snap).unwrap();
            let moved = inv.adjust_stock(p.id, -1, "sale").unwrap();
            let renamed = inv.update(p.id, ProductPatch::default().name("B")).unwrap();
            assert!(moved.updated_at >= moved.created_at);
            assert!(renamed.updated_at >= moved.updated_at);
            let again = inv.export().unwrap();
            again.validate().unwrap();
            inv.check_ledger().unwrap();
            fixture().import(&again).unwrap();
        }

        $crate::store_places_tests!();
        $crate::store_holds_tests!();
        $crate::store_transaction_tests!();
    };
}
