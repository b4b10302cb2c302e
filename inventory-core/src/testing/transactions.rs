//! The store suite's part about transactions across calls: they commit together, roll back
//! together, read their own writes, and a failed call ends them. Expanded inside [`store_integration_tests!`], whose `fixture()` it uses.

/// The tests about transactions; see the module documentation. Not for direct use.
#[doc(hidden)]
#[macro_export]
macro_rules! store_transaction_tests {
    () => {
        #[test]
        fn a_transaction_commits_every_call_at_once() {
            let fx = fixture();
            let before = ledger_len(&fx);
            let (a, b) = fx
                .transaction(|tx| {
                    let a = tx.create(new_product("A", "2.00", 5))?;
                    let b = tx.create(new_product("B", "1.50", 0))?;
                    // It reads its own writes: by id, by SKU, and the moved stock.
                    assert_eq!(tx.get_by_sku(" a ")?.id, a.id);
                    // Finding nothing does not end it.
                    assert_eq!(tx.get_by_sku("C").unwrap_err().code(), "NOT_FOUND");
                    assert_eq!(tx.location("WH-9").unwrap_err().code(), "NOT_FOUND");
                    tx.create_location("wh-9", "Annex")?;
                    assert_eq!(tx.location("WH-9")?.name, "Annex");
                    tx.adjust_stock(a.id, -2, "sale")?;
                    tx.set_stock(b.id, 4, "count")?;
                    assert_eq!(tx.get(a.id)?.stock, 3);
                    Ok::<_, InventoryError>((a, b))
                })
                .unwrap();
            assert_eq!(fx.get(a.id).unwrap().stock, 3);
            assert_eq!(fx.get(b.id).unwrap().stock, 4);
            assert_eq!(ledger_len(&fx), before + 4);
            assert_eq!(fx.total_value().unwrap(), price("12.00"));
            fx.check_ledger().unwrap();
        }

        #[test]
        fn a_transaction_that_fails_writes_nothing() {
            let fx = fixture();
            let p = fx.create(new_product("A", "2.00", 5)).unwrap();
            let before = (ledger_len(&fx), fx.export().unwrap());
            // A call's error, propagated.
            let err = fx
                .transaction(|tx| {
                    tx.create(new_product("B", "1.00", 1))?;
                    tx.adjust_stock(p.id, -3, "sale")?;
                    tx.adjust_stock(p.id, -3, "sale")
                })
                .unwrap_err();
            assert_eq!(err.code(), "INSUFFICIENT_STOCK", "{err}");
            // A call's error, swallowed: the transaction still fails with it.
            let err = fx
                .transaction(|tx| {
                    tx.adjust_stock(p.id, -1, "sale")?;
                    let dup = tx.create(new_product("A", "1.00", 0));
                    assert_eq!(dup.unwrap_err().code(), "DUPLICATE_SKU");
                    // Every later call gets the same error.
                    assert_eq!(tx.get(p.id).unwrap_err().code(), "DUPLICATE_SKU");
                    assert_eq!(tx.location("DEFAULT").unwrap_err().code(), "DUPLICATE_SKU");
                    Ok::<_, InventoryError>(())
                })
                .unwrap_err();
            assert_eq!(err.code(), "DUPLICATE_SKU", "{err}");
            // The caller's own error.
            #[derive(Debug)]
            struct Mine(#[allow(dead_code)] Option<InventoryError>);
            impl From<InventoryError> for Mine {
                fn from(e: InventoryError) -> Self {
                    Mine(Some(e))
                }
            }
            let err = fx
                .transaction(|tx| {
                    tx.set_stock(p.id, 0, "count")?;
                    Err::<(), _>(Mine(None))
                })
                .unwrap_err();
            assert!(err.0.is_none());
            assert_eq!((ledger_len(&fx), fx.export().unwrap()), before);
            fx.check_ledger().unwrap();
        }

        #[test]
        fn the_thread_inside_a_transaction_cannot_call_the_inventory() {
            let fx = fixture();
            let p = fx.create(new_product("A", "2.00", 5)).unwrap();
            let inv = fx.inv.clone();
            let err = fx
                .transaction(|tx| {
                    let inner = inv.get(p.id).unwrap_err();
                    assert_eq!(
                        (inner.code(), inner.field()),
                        ("VALIDATION", Some("transaction"))
                    );
                    let nested = inv.transaction(|t| t.get(p.id)).unwrap_err();
                    assert_eq!(nested.field(), Some("transaction"));
                    tx.adjust_stock(p.id, -1, "sale")?;
                    Err::<(), _>(inner)
                })
                .unwrap_err();
            assert_eq!(err.field(), Some("transaction"));
            // After it, the thread calls the inventory again.
            assert_eq!(fx.get(p.id).unwrap().stock, 5);
        }

        #[test]
        fn an_open_transaction_commits_or_rolls_back_across_calls() {
            let fx = fixture();
            let p = fx.create(new_product("A", "2.00", 5)).unwrap();
            let id = p.id;
            // Rolled back: explicitly, or dropped.
            let tx = fx.begin().unwrap();
            tx.call(move |tx| tx.adjust_stock(id, -2, "sale")).unwrap();
            assert_eq!(fx.get(id).unwrap_err().field(), Some("transaction"));
            tx.rollback();
            let tx = fx.begin().unwrap();
            tx.call(move |tx| tx.adjust_stock(id, -2, "sale")).unwrap();
            drop(tx);
            assert_eq!(fx.get(id).unwrap().stock, 5);
            // A failed call fails the commit.
            let tx = fx.begin().unwrap();
            tx.call(move |tx| tx.adjust_stock(id, -2, "sale")).unwrap();
            let err = tx
                .call(move |tx| tx.adjust_stock(id, -9, "sale"))
                .unwrap_err();
            assert_eq!(err.code(), "INSUFFICIENT_STOCK");
            assert_eq!(tx.commit().unwrap_err().code(), "INSUFFICIENT_STOCK");
            assert_eq!(fx.get(id).unwrap().stock, 5);
            // Committed: every call at once; the ended transaction refuses calls.
            let tx = fx.begin().unwrap();
            let b = tx
                .call(|tx| tx.create(new_product("B", "1.00", 1)))
                .unwrap();
            tx.call(move |tx| tx.adjust_stock(id, -2, "sale")).unwrap();
            tx.commit().unwrap();
            let err = tx.call(move |tx| tx.get(id)).unwrap_err();
            assert_eq!(err.field(), Some("transaction"));
            assert_eq!(tx.commit().unwrap_err().field(), Some("transaction"));
            assert_eq!(
                (fx.get(id).unwrap().stock, fx.get(b.id).unwrap().stock),
                (3, 1)
            );
            fx.check_ledger().unwrap();
        }

        #[test]
        fn keys_inside_a_transaction_apply_each_call_once() {
            let fx = fixture();
            let p = fx.create(new_product("A", "2.00", 9)).unwrap();
            let run = || {
                fx.transaction(|tx| {
                    assert!(tx.key_used_at("file-1:2").is_ok());
                    tx.idempotent("file-1:1")?;
                    tx.adjust_stock(p.id, -2, "sale")?;
                    tx.idempotent("file-1:2")?;
                    tx.adjust_stock(p.id, -3, "sale")?;
                    tx.idempotent(None)?;
                    tx.get(p.id)
                })
            };
            assert_eq!(run().unwrap().stock, 4);
            assert_eq!(run().unwrap().stock, 4, "the second run applies nothing");
            let used = fx
                .transaction(|tx| tx.key_used_at("file-1:2"))
                .unwrap()
                .expect("the key was used");
            assert!(used <= fx.now());
            assert_eq!(
                fx.transaction(|tx| tx.key_used_at("file-2:1")).unwrap(),
                None
            );
            // Another call under a used key conflicts, and ends the transaction.
            let err = fx
                .transaction(|tx| {
                    tx.idempotent("file-1:1")?;
                    tx.adjust_stock(p.id, -1, "sale")
                })
                .unwrap_err();
            assert_eq!(err.code(), "IDEMPOTENCY_CONFLICT");
            let err = fx.transaction(|tx| tx.idempotent("")).unwrap_err();
            assert_eq!(err.field(), Some("idempotency_key"));
            fx.check_ledger().unwrap();
        }
    };
}
