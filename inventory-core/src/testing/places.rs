//! The store suite's part about stock in places: locations, levels, counts, transfers, batches,
//! reorder points and idempotency keys. Expanded inside [`store_integration_tests!`], whose
//! `fixture()` and `ledger_len()` it uses.

/// The tests about stock in places; see the module documentation. Not for direct use.
#[doc(hidden)]
#[macro_export]
macro_rules! store_places_tests {
    () => {
        fn levels_of(inv: &Inventory, id: Uuid) -> Vec<(String, u32)> {
            inv.stock_levels(id)
                .unwrap()
                .into_iter()
                .map(|l| (l.location, l.on_hand))
                .collect()
        }

        fn at(location: &str, reason: &str) -> StockChange {
            StockChange::new(reason).at(location)
        }

        #[test]
        fn every_store_has_the_default_location_and_keeps_new_ones() {
            let inv = fixture();
            let codes = |inv: &Inventory| -> Vec<String> {
                inv.locations()
                    .unwrap()
                    .into_iter()
                    .map(|l| l.code)
                    .collect()
            };
            assert_eq!(codes(&inv), [DEFAULT_LOCATION]);
            let wh = inv.create_location(" wh-1 ", " Main warehouse ").unwrap();
            assert_eq!(
                (wh.code.as_str(), wh.name.as_str(), wh.version),
                ("WH-1", "Main warehouse", 1)
            );
            assert_eq!(inv.location("wh-1").unwrap(), wh);
            inv.create_location("a-0", "Annex").unwrap();
            assert_eq!(codes(&inv), ["A-0", DEFAULT_LOCATION, "WH-1"]);
            let err = inv.create_location("WH-1", "Again").unwrap_err();
            assert_eq!(
                (err.code(), err.field()),
                ("VALIDATION", Some("code")),
                "{err}"
            );
            for (code, name, field) in [("", "x", "code"), ("A B", "x", "code"), ("X", " ", "name")]
            {
                let err = inv.create_location(code, name).unwrap_err();
                assert_eq!(err.field(), Some(field), "{code:?} {name:?}: {err}");
            }
            let renamed = inv.rename_location("wh-1", "North").unwrap();
            assert_eq!((renamed.name.as_str(), renamed.version), ("North", 2));
            assert!(renamed.updated_at >= wh.updated_at);
            assert_eq!(
                inv.rename_location("nope", "x").unwrap_err().code(),
                "NOT_FOUND"
            );
            assert_eq!(inv.location("nope").unwrap_err().code(), "NOT_FOUND");
            let err = inv.delete_location("default").unwrap_err();
            assert_eq!(err.field(), Some("code"), "{err}");
            inv.delete_location("a-0").unwrap();
            assert_eq!(codes(&inv), [DEFAULT_LOCATION, "WH-1"]);
            assert_eq!(inv.delete_location("a-0").unwrap_err().code(), "NOT_FOUND");
        }

        #[test]
        fn stock_moves_per_location_and_the_product_holds_the_sum() {
            let inv = fixture();
            let p = inv.create(new_product("A", "2.00", 5)).unwrap();
            inv.create_location("WH-1", "Warehouse").unwrap();
            assert_eq!(levels_of(&inv, p.id), [("DEFAULT".to_owned(), 5)]);
            let q = inv.adjust_stock(p.id, 7, at("wh-1", "restock")).unwrap();
            assert_eq!((q.stock, q.version), (12, 2));
            assert_eq!(
                levels_of(&inv, p.id),
                [("DEFAULT".to_owned(), 5), ("WH-1".to_owned(), 7)]
            );
            // A sale at a location cannot take what is elsewhere.
            let err = inv.adjust_stock(p.id, -8, at("WH-1", "sale")).unwrap_err();
            assert_eq!(
                err,
                InventoryError::InsufficientStock {
                    field: "stock".into(),
                    available: 7,
                    requested: 8
                }
            );
            // `expected` compares the level at the location.
            let err = inv
                .adjust_stock(p.id, -1, at("WH-1", "sale").expect_stock(12))
                .unwrap_err();
            assert_eq!(err.field(), Some("stock"), "{err}");
            inv.adjust_stock(p.id, -1, at("WH-1", "sale").expect_stock(7))
                .unwrap();
            let err = inv
                .adjust_stock(p.id, 1, at("MOON", "restock"))
                .unwrap_err();
            assert_eq!(err.code(), "NOT_FOUND");
            assert!(err.to_string().contains("MOON"), "{err}");
            let err = inv.adjust_stock(p.id, 1, at(" ", "restock")).unwrap_err();
            assert_eq!(err.field(), Some("location"), "{err}");
            let e = inv.history(p.id).unwrap().pop().unwrap();
            assert_eq!(
                (
                    e.kind,
                    e.location.as_deref(),
                    e.delta,
                    e.stock_before,
                    e.stock_after
                ),
                (
                    EventKind::StockChanged,
                    Some("WH-1"),
                    Some(-1),
                    Some(7),
                    Some(6)
                )
            );
            assert_eq!(inv.total_value().unwrap().to_string(), "22.00");
            // Listing, totals and stock order see the sum.
            assert_eq!(inv.get(p.id).unwrap().stock, 11);
            inv.check_ledger().unwrap();
            // A location holding stock stays.
            let err = inv.delete_location("WH-1").unwrap_err();
            assert!(err.to_string().contains("6 units"), "{err}");
        }

        #[test]
        fn a_count_records_what_was_seen_and_what_it_implies() {
            let inv = fixture();
            let p = inv.create(new_product("A", "1", 10)).unwrap();
            inv.create_location("SHOP", "Shop").unwrap();
            let q = inv.set_stock(p.id, 3, at("shop", "count")).unwrap();
            assert_eq!(q.stock, 13);
            let q = inv
                .set_stock(p.id, 4, StockChange::new("count").expect_stock(10))
                .unwrap();
            assert_eq!(q.stock, 7);
            let err = inv
                .set_stock(p.id, 1, at("SHOP", "count").expect_stock(4))
                .unwrap_err();
            assert_eq!(
                err,
                InventoryError::VersionConflict {
                    field: "stock".into(),
                    expected: 4,
                    actual: 3
                }
            );
            let events = inv.history(p.id).unwrap();
            let counts: Vec<_> = events
                .iter()
                .filter(|e| e.kind == EventKind::Counted)
                .map(|e| {
                    (
                        e.location.clone().unwrap(),
                        e.stock_before,
                        e.stock_after,
                        e.delta,
                    )
                })
                .collect();
            assert_eq!(
                counts,
                [
                    ("SHOP".to_owned(), Some(0), Some(3), Some(3)),
                    ("DEFAULT".to_owned(), Some(10), Some(4), Some(-6)),
                ]
            );
            inv.check_ledger().unwrap();
        }

        #[test]
        fn a_transfer_moves_stock_in_one_write_with_two_linked_events() {
            let inv = fixture();
            let p = inv.create(new_product("A", "1", 5)).unwrap();
            inv.create_location("VAN", "Van").unwrap();
            let q = inv
                .transfer(
                    p.id,
                    3,
                    "default",
                    "van",
                    StockChange::new("transfer").reference("t-9"),
                )
                .unwrap();
            assert_eq!((q.stock, q.version), (5, 2));
            assert_eq!(
                levels_of(&inv, p.id),
                [("DEFAULT".to_owned(), 2), ("VAN".to_owned(), 3)]
            );
            let events = inv.history(p.id).unwrap();
            let legs = &events[1..];
            assert_eq!(legs.len(), 2);
            assert!(legs.iter().all(|e| e.kind == EventKind::Transferred));
            assert_eq!(legs[0].transfer_id, legs[1].transfer_id);
            assert!(legs[0].transfer_id.is_some());
            assert_eq!(legs[0].seq + 1, legs[1].seq);
            assert_eq!(
                (
                    legs[0].location.as_deref(),
                    legs[0].delta,
                    legs[1].location.as_deref(),
                    legs[1].delta
                ),
                (Some("DEFAULT"), Some(-3), Some("VAN"), Some(3))
            );
            assert_eq!(legs[1].reference.as_deref(), Some("t-9"));
            let before = ledger_len(&inv);
            let cases: [(u32, &str, &str, &str); 5] = [
                (0, "DEFAULT", "VAN", "quantity"),
                (1, "VAN", " van ", "to_location"),
                (1, "", "VAN", "from_location"),
                (MAX_STOCK + 1, "DEFAULT", "VAN", "quantity"),
                (1, "DEFAULT", "A B", "to_location"),
            ];
            for (quantity, from, to, field) in cases {
                let err = inv
                    .transfer(p.id, quantity, from, to, "transfer")
                    .unwrap_err();
                assert_eq!(
                    (err.code(), err.field()),
                    ("VALIDATION", Some(field)),
                    "{err}"
                );
            }
            let err = inv
                .transfer(p.id, 3, "DEFAULT", "VAN", "transfer")
                .unwrap_err();
            assert_eq!(
                err,
                InventoryError::InsufficientStock {
                    field: "stock".into(),
                    available: 2,
                    requested: 3
                }
            );
            let err = inv
                .transfer(p.id, 1, "DEFAULT", "NOWHERE", "transfer")
                .unwrap_err();
            assert_eq!(err.code(), "NOT_FOUND");
            let err = inv
                .transfer(p.id, 1, "DEFAULT", "VAN", at("VAN", "transfer"))
                .unwrap_err();
            assert_eq!(err.field(), Some("location"), "{err}");
            assert_eq!(ledger_len(&inv), before);
            inv.check_ledger().unwrap();
            inv.export().unwrap().validate().unwrap();
        }

        #[test]
        fn a_batch_applies_whole_or_not_at_all_and_names_the_bad_movement() {
            let inv = fixture();
            let a = inv.create(new_product("A", "1", 5)).unwrap();
            let b = inv.create(new_product("B", "1", 0)).unwrap();
            inv.create_location("WH", "Warehouse").unwrap();
            let after = inv
                .apply(vec![
                    Movement::adjust(a.id, -1, "sale"),
                    Movement::count(b.id, 12, "count"),
                    Movement::transfer(a.id, 2, "DEFAULT", "WH", "transfer"),
                    Movement::adjust(a.id, 1, at("WH", "return")),
                ])
                .unwrap();
            let stocks: Vec<_> = after.iter().map(|p| (p.sku.as_str(), p.stock)).collect();
            assert_eq!(stocks, [("A", 4), ("B", 12), ("A", 4), ("A", 5)]);
            assert_eq!(
                levels_of(&inv, a.id),
                [("DEFAULT".to_owned(), 2), ("WH".to_owned(), 3)]
            );
            let before = (ledger_len(&inv), inv.export().unwrap());
            let bad = |movements: Vec<Movement>, code: &str, field: Option<&str>| {
                let err = inv.apply(movements).unwrap_err();
                assert_eq!((err.code(), err.field()), (code, field), "{err}");
                assert_eq!((ledger_len(&inv), inv.export().unwrap()), before, "{err}");
                err
            };
            bad(
                vec![
                    Movement::adjust(a.id, -1, "sale"),
                    Movement::adjust(b.id, 0, "sale"),
                ],
                "VALIDATION",
                Some("movements[1].delta"),
            );
            // The first two applied inside the transaction; the third fails and undoes them.
            bad(
                vec![
                    Movement::adjust(a.id, -1, "sale"),
                    Movement::count(b.id, 1, "count"),
                    Movement::adjust(b.id, -5, "sale"),
                ],
                "INSUFFICIENT_STOCK",
                Some("movements[2].stock"),
            );
            bad(
                vec![
                    Movement::adjust(a.id, -1, "sale"),
                    Movement::count(b.id, 1, StockChange::new("count").expect_stock(99)),
                ],
                "VERSION_CONFLICT",
                Some("movements[1].stock"),
            );
            let err = bad(
                vec![Movement::transfer(a.id, 1, "WH", "ELSEWHERE", "transfer")],
                "NOT_FOUND",
                None,
            );
            assert!(err.to_string().contains("movements[0]"), "{err}");
            bad(Vec::new(), "VALIDATION", Some("movements"));
            bad(
                vec![Movement::adjust(a.id, 1, "restock"); MAX_BATCH + 1],
                "VALIDATION",
                Some("movements"),
            );
            inv.check_ledger().unwrap();
        }

        #[test]
        fn a_patchs_stock_is_corrected_at_the_default_location() {
            let inv = fixture();
            let p = inv.create(new_product("A", "1", 5)).unwrap();
            inv.create_location("WH", "Warehouse").unwrap();
            inv.transfer(p.id, 4, "DEFAULT", "WH", "transfer").unwrap();
            let q = inv.update(p.id, ProductPatch::default().stock(10)).unwrap();
            assert_eq!(q.stock, 10);
            assert_eq!(
                levels_of(&inv, p.id),
                [("DEFAULT".to_owned(), 6), ("WH".to_owned(), 4)]
            );
            let err = inv
                .update(p.id, ProductPatch::default().name("B").stock(3))
                .unwrap_err();
            assert_eq!(err.field(), Some("stock"), "{err}");
            assert_eq!(
                inv.get(p.id).unwrap().name,
                "Product A",
                "the rename rolled back"
            );
            inv.check_ledger().unwrap();
        }

        #[test]
        fn deleting_a_product_deletes_its_levels_and_keeps_its_events() {
            let inv = fixture();
            let p = inv.create(new_product("A", "1", 5)).unwrap();
            inv.create_location("WH", "Warehouse").unwrap();
            inv.transfer(p.id, 5, "DEFAULT", "WH", "transfer").unwrap();
            inv.delete(p.id).unwrap();
            assert_eq!(inv.stock_levels(p.id).unwrap_err().code(), "NOT_FOUND");
            assert_eq!(inv.history(p.id).unwrap().len(), 4);
            inv.delete_location("WH").unwrap();
            inv.check_ledger().unwrap();
        }

        #[test]
        fn reorder_points_list_what_is_due_at_a_location_or_summed() {
            let inv = fixture();
            let a = inv.create(new_product("A", "1", 5)).unwrap();
            let b = inv.create(new_product("B", "1", 20)).unwrap();
            inv.create(new_product("C", "1", 0)).unwrap();
            inv.create_location("WH", "Warehouse").unwrap();
            inv.transfer(b.id, 15, "DEFAULT", "WH", "transfer").unwrap();
            let level = inv.set_reorder_point(a.id, Some(5), None).unwrap();
            assert_eq!((level.on_hand, level.reorder_point), (5, Some(5)));
            inv.set_reorder_point(b.id, Some(10), Some("wh")).unwrap();
            inv.set_reorder_point(b.id, Some(4), None).unwrap();
            let due = |location: Option<&str>| -> Vec<String> {
                let q = Query {
                    below_reorder_point: true,
                    location: location.map(str::to_owned),
                    order_by: OrderBy::parse("sku").unwrap(),
                    ..Query::default()
                };
                let page = inv.list(&q).unwrap();
                assert_eq!(page.total, Some(page.items.len() as u64));
                page.items.into_iter().map(|p| p.sku).collect()
            };
            // Summed: A 5 <= 5; B 20 > 10 + 4; C has no reorder point.
            assert_eq!(due(None), ["A"]);
            assert_eq!(due(Some("WH")), Vec::<String>::new());
            assert_eq!(due(Some("DEFAULT")), ["A"]);
            inv.adjust_stock(b.id, -6, at("WH", "sale")).unwrap();
            assert_eq!(due(Some("wh")), ["B"]);
            assert_eq!(due(None), ["A", "B"]);
            inv.set_reorder_point(a.id, None, None).unwrap();
            assert_eq!(due(None), ["B"]);
            let err = inv
                .list(&Query {
                    location: Some("WH".into()),
                    ..Query::default()
                })
                .unwrap_err();
            assert_eq!(err.field(), Some("location"), "{err}");
            let err = inv
                .set_reorder_point(a.id, Some(1), Some("NOWHERE"))
                .unwrap_err();
            assert_eq!(err.code(), "NOT_FOUND");
            let err = inv
                .set_reorder_point(a.id, Some(MAX_STOCK + 1), None)
                .unwrap_err();
            assert_eq!(err.field(), Some("reorder_point"), "{err}");
            // A location that only holds reorder points may go, and takes them along.
            inv.transfer(b.id, 9, "WH", "DEFAULT", "transfer").unwrap();
            inv.delete_location("WH").unwrap();
            assert_eq!(due(None), Vec::<String>::new());
            inv.check_ledger().unwrap();
        }

        #[test]
        fn an_idempotency_key_applies_its_request_once() {
            let inv = fixture();
            let p = inv.create(new_product("A", "1", 5)).unwrap();
            let keyed = inv.idempotent("sale-1").unwrap();
            assert_eq!(keyed.idempotency_key(), Some("sale-1"));
            let first = keyed.adjust_stock(p.id, -2, "sale").unwrap();
            inv.adjust_stock(p.id, 10, "restock").unwrap();
            // The repeat answers what the first call answered, not the product as it is now.
            let again = keyed.adjust_stock(p.id, -2, "sale").unwrap();
            assert_eq!(again, first);
            assert_eq!(inv.get(p.id).unwrap().stock, 13);
            let e = &inv.history(p.id).unwrap()[1];
            assert_eq!(e.idempotency_key.as_deref(), Some("sale-1"));
            let events = ledger_len(&inv);
            for err in [
                keyed.adjust_stock(p.id, -3, "sale").unwrap_err(),
                keyed.set_stock(p.id, 1, "count").unwrap_err(),
                keyed.delete(p.id).unwrap_err(),
            ] {
                assert_eq!(
                    err,
                    InventoryError::IdempotencyConflict {
                        key: "sale-1".into()
                    }
                );
                assert_eq!(err.field(), Some("idempotency_key"));
            }
            assert_eq!(ledger_len(&inv), events);
            // Every mutation takes a key, each its own.
            let made = inv.idempotent("new-b").unwrap();
            let b = made.create(new_product("b", "2", 1)).unwrap();
            assert_eq!(
                made.create(NewProduct::new("Product b", " b ", price("2")).with_stock(1))
                    .unwrap(),
                b,
                "same request after its rules"
            );
            assert_eq!(
                made.create(new_product("C", "2", 1)).unwrap_err().code(),
                "IDEMPOTENCY_CONFLICT"
            );
            let renamed = inv
                .idempotent("ren")
                .unwrap()
                .update(b.id, ProductPatch::default().name("Bee"))
                .unwrap();
            assert_eq!(
                inv.idempotent("ren")
                    .unwrap()
                    .update(b.id, ProductPatch::default().name("Bee"))
                    .unwrap(),
                renamed
            );
            inv.idempotent("del").unwrap().delete(b.id).unwrap();
            inv.idempotent("del").unwrap().delete(b.id).unwrap();
            let loc = inv
                .idempotent("loc")
                .unwrap()
                .create_location("wh", "Warehouse")
                .unwrap();
            assert_eq!(
                inv.idempotent("loc")
                    .unwrap()
                    .create_location("WH", "Warehouse")
                    .unwrap(),
                loc
            );
            let moved = inv
                .idempotent("t")
                .unwrap()
                .transfer(p.id, 1, "DEFAULT", "WH", "transfer")
                .unwrap();
            assert_eq!(
                inv.idempotent("t")
                    .unwrap()
                    .transfer(p.id, 1, "DEFAULT", "WH", "transfer")
                    .unwrap(),
                moved
            );
            let batch = vec![
                Movement::adjust(p.id, 1, "restock"),
                Movement::count(p.id, 2, at("WH", "count")),
            ];
            let applied = inv
                .idempotent("order-77")
                .unwrap()
                .apply(batch.clone())
                .unwrap();
            assert_eq!(
                inv.idempotent("order-77").unwrap().apply(batch).unwrap(),
                applied
            );
            assert_eq!(inv.get(p.id).unwrap().stock, 15);
            // A request that failed stored nothing: its retry applies.
            let retry = inv.idempotent("late").unwrap();
            assert_eq!(
                retry.adjust_stock(p.id, -100, "sale").unwrap_err().code(),
                "INSUFFICIENT_STOCK"
            );
            assert_eq!(retry.adjust_stock(p.id, -1, "sale").unwrap().stock, 14);
            // Bad keys are refused before anything runs.
            for key in ["", &"k".repeat(MAX_IDEMPOTENCY_KEY_CHARS + 1), "a\nb"] {
                let err = inv.idempotent(key).unwrap_err();
                assert_eq!(err.field(), Some("idempotency_key"), "{key:?}: {err}");
            }
            assert!(
                inv.idempotent(&*"k".repeat(MAX_IDEMPOTENCY_KEY_CHARS))
                    .is_ok()
            );
            assert_eq!(inv.idempotent(None).unwrap().idempotency_key(), None);
            inv.check_ledger().unwrap();
            // Keys travel with a snapshot.
            let copy = fixture();
            copy.import(&inv.export().unwrap()).unwrap();
            assert_eq!(
                copy.idempotent("sale-1")
                    .unwrap()
                    .adjust_stock(p.id, -2, "sale")
                    .unwrap(),
                first
            );
            assert_eq!(copy.export().unwrap(), inv.export().unwrap());
        }

        #[test]
        fn of_threads_racing_with_one_key_exactly_one_applies() {
            let inv = Arc::new(fixture());
            let p = inv.create(new_product("A", "1", 100)).unwrap();
            let barrier = Arc::new(std::sync::Barrier::new(4));
            let results: Vec<_> = (0..4)
                .map(|_| {
                    let (inv, barrier) = (Arc::clone(&inv), Arc::clone(&barrier));
                    std::thread::spawn(move || {
                        let keyed = inv.idempotent("once").unwrap();
                        barrier.wait();
                        keyed.adjust_stock(p.id, -7, "sale").unwrap()
                    })
                })
                .collect::<Vec<_>>()
                .into_iter()
                .map(|t| t.join().unwrap())
                .collect();
            assert!(results.iter().all(|r| *r == results[0]), "{results:?}");
            assert_eq!(inv.get(p.id).unwrap().stock, 93);
            assert_eq!(inv.history(p.id).unwrap().len(), 2);
            inv.check_ledger().unwrap();
        }

        #[test]
        fn events_carry_unique_ids_and_the_stores_replica() {
            let inv = fixture();
            let replica = inv.replica_id().unwrap();
            assert!(!replica.is_nil());
            assert_eq!(inv.replica_id().unwrap(), replica);
            let p = inv.create(new_product("A", "1", 5)).unwrap();
            inv.adjust_stock(p.id, -1, "sale").unwrap();
            let events = inv.history(p.id).unwrap();
            assert!(
                events
                    .iter()
                    .all(|e| e.replica == replica && !e.id.is_nil())
            );
            assert_ne!(events[0].id, events[1].id);
            assert_eq!(events[0].id.get_version_num(), 7);
        }

        #[test]
        fn snapshots_carry_locations_levels_and_reorder_points() {
            let inv = fixture();
            let p = inv.create(new_product("A", "1", 5)).unwrap();
            inv.create_location("WH", "Warehouse").unwrap();
            inv.transfer(p.id, 2, "DEFAULT", "WH", "transfer").unwrap();
            inv.set_reorder_point(p.id, Some(1), Some("WH")).unwrap();
            let snap = inv.export().unwrap();
            assert_eq!(snap.locations.len(), 2);
            let copy = fixture();
            copy.import(&Snapshot::from_json(&snap.to_json()).unwrap())
                .unwrap();
            assert_eq!(copy.export().unwrap(), snap);
            assert_eq!(
                copy.stock_levels(p.id).unwrap(),
                inv.stock_levels(p.id).unwrap()
            );
            copy.check_ledger().unwrap();
            // A level that does not add up is refused.
            let mut bad = snap.clone();
            bad.levels[0].on_hand += 1;
            assert!(bad.validate().unwrap_err().to_string().contains("on hand"));
            let mut orphan = snap;
            orphan.locations.retain(|l| l.code != "WH");
            assert!(orphan.validate().is_err());
        }
    };
}
