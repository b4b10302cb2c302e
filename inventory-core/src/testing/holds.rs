//! The store suite's part about holds: placing, committing, releasing and expiring them, what
//! levels report, and the races for the last units. Expanded inside
//! [`store_integration_tests!`], whose `fixture()` it uses.

/// The tests about holds; see the module documentation. Not for direct use.
#[doc(hidden)]
#[macro_export]
macro_rules! store_holds_tests {
    () => {
        /// The fixture's inventory on a manual clock, and the clock.
        fn on_clock(fx: &Fixture) -> (Inventory, Arc<ManualClock>) {
            let clock = Arc::new(ManualClock::new(
                "2030-01-01T00:00:00Z".parse().expect("a time"),
            ));
            (fx.inv.clone().with_clock(clock.clone()), clock)
        }

        fn level_of(inv: &Inventory, id: Uuid, location: &str) -> (u32, u32, u32, u32) {
            let l = inv
                .stock_levels(id)
                .unwrap()
                .into_iter()
                .find(|l| l.location == location)
                .expect("a level there");
            (l.on_hand, l.reserved, l.available, l.short)
        }

        const MINUTES_15: std::time::Duration = std::time::Duration::from_secs(900);

        #[test]
        fn a_hold_reserves_and_commits_once() {
            let fx = fixture();
            let (inv, _clock) = on_clock(&fx);
            let p = inv.create(new_product("A", "2.00", 5)).unwrap();
            let h = inv
                .reserve(
                    NewHold::new(p.id, 2)
                        .expires_in(MINUTES_15)
                        .reference("cart-1")
                        .actor("web"),
                )
                .unwrap();
            assert_eq!(
                (h.status, h.quantity, h.location.as_str(), h.committed),
                (HoldStatus::Active, 2, DEFAULT_LOCATION, 0)
            );
            assert_eq!(
                h.expires_at,
                Some(h.created_at + chrono::Duration::minutes(15))
            );
            assert_eq!(inv.hold(h.id).unwrap(), h);
            assert_eq!(level_of(&inv, p.id, DEFAULT_LOCATION), (5, 2, 3, 0));
            let exported = &inv.export().unwrap().levels[0];
            assert_eq!(
                (exported.reserved, exported.available, exported.short),
                (2, 3, 0)
            );
            // The product itself does not change: a hold is not a movement.
            assert_eq!(inv.get(p.id).unwrap(), p);
            // Held stock is not for sale, nor for moving.
            let err = inv.adjust_stock(p.id, -4, "sale").unwrap_err();
            assert_eq!(
                err,
                InventoryError::InsufficientStock {
                    field: "stock".into(),
                    available: 3,
                    requested: 4,
                }
            );
            inv.create_location("WH", "Warehouse").unwrap();
            let err = inv
                .transfer(p.id, 4, DEFAULT_LOCATION, "WH", "transfer")
                .unwrap_err();
            assert_eq!(err.code(), "INSUFFICIENT_STOCK");
            let sold = inv
                .commit_hold(h.id, Some(1), StockChange::new("sale").reference("order-1"))
                .unwrap();
            assert_eq!((sold.stock, sold.version), (4, 2));
            assert_eq!(level_of(&inv, p.id, DEFAULT_LOCATION), (4, 0, 4, 0));
            let closed = inv.hold(h.id).unwrap();
            assert_eq!(
                (closed.status, closed.committed),
                (HoldStatus::Committed, 1)
            );
            for err in [
                inv.release_hold(h.id).unwrap_err(),
                inv.commit_hold(h.id, None, "sale").unwrap_err(),
            ] {
                assert_eq!(
                    err,
                    InventoryError::HoldClosed {
                        hold_id: h.id,
                        status: "committed".into(),
                    }
                );
            }
            let kinds: Vec<EventKind> = inv.history(p.id).unwrap().iter().map(|e| e.kind).collect();
            assert_eq!(
                kinds,
                [
                    EventKind::Created,
                    EventKind::HoldPlaced,
                    EventKind::HoldCommitted
                ]
            );
            let commit = inv.history(p.id).unwrap().pop().unwrap();
            assert_eq!(
                (
                    commit.hold_id,
                    commit.quantity,
                    commit.delta,
                    commit.reference.as_deref()
                ),
                (Some(h.id), Some(2), Some(-1), Some("order-1"))
            );
            inv.check_ledger().unwrap();
        }

        #[test]
        fn a_released_hold_gives_its_stock_back() {
            let fx = fixture();
            let (inv, _clock) = on_clock(&fx);
            let p = inv.create(new_product("A", "2.00", 3)).unwrap();
            let h = inv.reserve(NewHold::new(p.id, 3)).unwrap();
            assert_eq!(h.expires_at, None);
            assert_eq!(
                inv.adjust_stock(p.id, -1, "sale").unwrap_err().code(),
                "INSUFFICIENT_STOCK"
            );
            let released = inv.release_hold(h.id).unwrap();
            assert_eq!(released.status, HoldStatus::Released);
            assert_eq!(level_of(&inv, p.id, DEFAULT_LOCATION), (3, 0, 3, 0));
            assert_eq!(inv.adjust_stock(p.id, -3, "sale").unwrap().stock, 0);
            assert_eq!(
                inv.commit_hold(h.id, None, "sale").unwrap_err().code(),
                "HOLD_CLOSED"
            );
            assert_eq!(inv.holds(p.id, Some(HoldStatus::Active)).unwrap(), []);
            assert_eq!(inv.holds(p.id, None).unwrap(), [released]);
            inv.check_ledger().unwrap();
        }

        #[test]
        fn a_hold_expires_at_its_instant_without_a_job() {
            let fx = fixture();
            let (inv, clock) = on_clock(&fx);
            let p = inv.create(new_product("A", "2.00", 4)).unwrap();
            let h = inv
                .reserve(NewHold::new(p.id, 3).expires_in(MINUTES_15))
                .unwrap();
            clock.advance(MINUTES_15 - std::time::Duration::from_millis(1));
            assert_eq!(level_of(&inv, p.id, DEFAULT_LOCATION), (4, 3, 1, 0));
            assert_eq!(inv.hold(h.id).unwrap().status, HoldStatus::Active);
            clock.advance(std::time::Duration::from_millis(1));
            assert_eq!(level_of(&inv, p.id, DEFAULT_LOCATION), (4, 0, 4, 0));
            let seen = inv.hold(h.id).unwrap();
            assert_eq!(
                (seen.status, seen.closed_at),
                (HoldStatus::Expired, h.expires_at)
            );
            assert_eq!(
                inv.commit_hold(h.id, None, "sale").unwrap_err(),
                InventoryError::HoldExpired {
                    hold_id: h.id,
                    expires_at: h.expires_at.unwrap(),
                }
            );
            assert_eq!(inv.release_hold(h.id).unwrap_err().code(), "HOLD_EXPIRED");
            // Its stock is for sale again, before and after the expiry is recorded.
            let again = inv.reserve(NewHold::new(p.id, 4)).unwrap();
            assert_eq!(
                inv.expire_holds().unwrap(),
                0,
                "placing recorded the expiry"
            );
            inv.release_hold(again.id).unwrap();
            inv.reserve(NewHold::new(p.id, 1).expires_in(MINUTES_15))
                .unwrap();
            inv.reserve(NewHold::new(p.id, 1).expires_in(MINUTES_15 * 2))
                .unwrap();
            clock.advance(MINUTES_15);
            assert_eq!(inv.expire_holds().unwrap(), 1);
            assert_eq!(inv.expire_holds().unwrap(), 0);
            assert_eq!(level_of(&inv, p.id, DEFAULT_LOCATION), (4, 1, 3, 0));
            let kinds: Vec<EventKind> = inv.history(p.id).unwrap().iter().map(|e| e.kind).collect();
            assert_eq!(
                kinds
                    .iter()
                    .filter(|k| **k == EventKind::HoldExpired)
                    .count(),
                2
            );
            inv.check_ledger().unwrap();
            let copy = fixture();
            copy.import(&Snapshot::from_json(&inv.export().unwrap().to_json()).unwrap())
                .unwrap();
            assert_eq!(copy.export().unwrap(), inv.export().unwrap());
            copy.check_ledger().unwrap();
        }

        #[test]
        fn a_count_below_the_holds_reports_them_short() {
            let fx = fixture();
            let (inv, _clock) = on_clock(&fx);
            let p = inv.create(new_product("A", "2.00", 5)).unwrap();
            let h = inv.reserve(NewHold::new(p.id, 4)).unwrap();
            // A count records what is there, even below what is held.
            inv.set_stock(p.id, 3, "count").unwrap();
            assert_eq!(level_of(&inv, p.id, DEFAULT_LOCATION), (3, 4, 0, 1));
            let err = inv.commit_hold(h.id, None, "sale").unwrap_err();
            assert_eq!(
                err,
                InventoryError::InsufficientStock {
                    field: "quantity".into(),
                    available: 3,
                    requested: 4,
                }
            );
            assert_eq!(inv.commit_hold(h.id, Some(3), "sale").unwrap().stock, 0);
            inv.check_ledger().unwrap();
        }

        #[test]
        fn bad_hold_requests_change_nothing() {
            let fx = fixture();
            let (inv, clock) = on_clock(&fx);
            let p = inv.create(new_product("A", "2.00", 5)).unwrap();
            let before = inv.export().unwrap();
            let now = clock.now();
            let cases = [
                (NewHold::new(p.id, 0), "quantity"),
                (NewHold::new(p.id, MAX_STOCK + 1), "quantity"),
                (NewHold::new(p.id, 1).expires_at(now), "expires_at"),
                (
                    NewHold::new(p.id, 1).expires_at(now - chrono::Duration::seconds(1)),
                    "expires_at",
                ),
                (
                    NewHold::new(p.id, 1).expires_in(std::time::Duration::ZERO),
                    "expires_in",
                ),
                (
                    NewHold::new(p.id, 1)
                        .expires_in(MINUTES_15)
                        .expires_at(now + chrono::Duration::hours(1)),
                    "expires_in",
                ),
                (NewHold::new(p.id, 1).at(" "), "location"),
                (
                    NewHold::new(p.id, 1).reference("x".repeat(201)),
                    "reference",
                ),
            ];
            for (new, field) in cases {
                let err = inv.reserve(new.clone()).unwrap_err();
                assert_eq!(
                    (err.code(), err.field()),
                    ("VALIDATION", Some(field)),
                    "{new:?}: {err}"
                );
            }
            let err = inv.reserve(NewHold::new(p.id, 6)).unwrap_err();
            assert_eq!(
                err,
                InventoryError::InsufficientStock {
                    field: "quantity".into(),
                    available: 5,
                    requested: 6,
                }
            );
            assert_eq!(
                inv.reserve(NewHold::new(Uuid::new_v4(), 1))
                    .unwrap_err()
                    .code(),
                "NOT_FOUND"
            );
            assert_eq!(
                inv.reserve(NewHold::new(p.id, 1).at("NOPE"))
                    .unwrap_err()
                    .code(),
                "NOT_FOUND"
            );
            let unknown = Uuid::new_v4();
            for err in [
                inv.commit_hold(unknown, None, "sale").unwrap_err(),
                inv.release_hold(unknown).unwrap_err(),
                inv.hold(unknown).unwrap_err(),
            ] {
                assert_eq!(err.code(), "NOT_FOUND");
                assert_eq!(err.to_string(), format!("no hold {unknown}"));
            }
            assert_eq!(inv.export().unwrap(), before);
            let h = inv.reserve(NewHold::new(p.id, 2)).unwrap();
            let err = inv.commit_hold(h.id, Some(3), "sale").unwrap_err();
            assert_eq!(
                (err.code(), err.field()),
                ("VALIDATION", Some("quantity")),
                "{err}"
            );
            assert_eq!(err.to_string(), "quantity: must be at most the 2 held");
            let err = inv.commit_hold(h.id, Some(0), "sale").unwrap_err();
            assert_eq!(err.field(), Some("quantity"));
            let err = inv
                .commit_hold(h.id, None, StockChange::new("sale").at("WH"))
                .unwrap_err();
            assert_eq!(err.field(), Some("location"));
            assert_eq!(inv.hold(h.id).unwrap().status, HoldStatus::Active);
            inv.check_ledger().unwrap();
        }

        #[test]
        fn a_keyed_commit_repeats_its_answer_and_another_is_closed() {
            let fx = fixture();
            let (inv, _clock) = on_clock(&fx);
            let p = inv.create(new_product("A", "2.00", 5)).unwrap();
            let cart = inv.idempotent("cart-1-line-1").unwrap();
            let h = cart
                .reserve(NewHold::new(p.id, 2).expires_in(MINUTES_15))
                .unwrap();
            assert_eq!(
                cart.reserve(NewHold::new(p.id, 2).expires_in(MINUTES_15))
                    .unwrap(),
                h
            );
            assert_eq!(inv.holds(p.id, None).unwrap().len(), 1);
            let pay = inv.idempotent("order-1").unwrap();
            let first = pay.commit_hold(h.id, None, "sale").unwrap();
            assert_eq!(pay.commit_hold(h.id, None, "sale").unwrap(), first);
            assert_eq!(
                inv.commit_hold(h.id, None, "sale").unwrap_err().code(),
                "HOLD_CLOSED"
            );
            assert_eq!(
                inv.idempotent("order-2")
                    .unwrap()
                    .release_hold(h.id)
                    .unwrap_err()
                    .code(),
                "HOLD_CLOSED"
            );
            assert_eq!(inv.get(p.id).unwrap().stock, 3);
            inv.check_ledger().unwrap();
        }

        #[test]
        fn deleting_a_product_closes_its_holds() {
            let fx = fixture();
            let (inv, clock) = on_clock(&fx);
            let p = inv.create(new_product("A", "2.00", 5)).unwrap();
            let live = inv.reserve(NewHold::new(p.id, 1)).unwrap();
            let due = inv
                .reserve(NewHold::new(p.id, 1).expires_in(MINUTES_15))
                .unwrap();
            clock.advance(MINUTES_15);
            inv.delete(p.id).unwrap();
            let holds = inv.holds(p.id, None).unwrap();
            assert_eq!(
                holds.iter().map(|h| (h.id, h.status)).collect::<Vec<_>>(),
                [
                    (live.id, HoldStatus::Released),
                    (due.id, HoldStatus::Expired)
                ]
            );
            assert_eq!(
                inv.commit_hold(live.id, None, "sale").unwrap_err().code(),
                "HOLD_CLOSED"
            );
            inv.check_ledger().unwrap();
        }

        #[test]
        fn holds_are_per_location() {
            let fx = fixture();
            let (inv, _clock) = on_clock(&fx);
            let p = inv.create(new_product("A", "2.00", 5)).unwrap();
            inv.create_location("SHOP", "Shop").unwrap();
            inv.transfer(p.id, 2, DEFAULT_LOCATION, "shop", "transfer")
                .unwrap();
            let h = inv.reserve(NewHold::new(p.id, 2).at("shop")).unwrap();
            assert_eq!(h.location, "SHOP");
            assert_eq!(level_of(&inv, p.id, "SHOP"), (2, 2, 0, 0));
            assert_eq!(level_of(&inv, p.id, DEFAULT_LOCATION), (3, 0, 3, 0));
            assert_eq!(
                inv.reserve(NewHold::new(p.id, 1).at("SHOP"))
                    .unwrap_err()
                    .code(),
                "INSUFFICIENT_STOCK"
            );
            let err = inv.delete_location("SHOP").unwrap_err();
            assert_eq!(err.field(), Some("code"));
            let p = inv.commit_hold(h.id, None, "sale").unwrap();
            assert_eq!(p.stock, 3);
            inv.delete_location("SHOP").unwrap();
            inv.check_ledger().unwrap();
        }

        #[test]
        fn racing_for_the_last_units_never_holds_more_than_is_on_hand() {
            let fx = fixture();
            let inv = fx.inv.clone();
            let p = inv.create(new_product("A", "2.00", 10)).unwrap();
            let barrier = Arc::new(std::sync::Barrier::new(8));
            let placed: Vec<bool> = (0..8)
                .map(|_| {
                    let (inv, barrier) = (inv.clone(), barrier.clone());
                    std::thread::spawn(move || {
                        barrier.wait();
                        (0..3)
                            .map(|_| match inv.reserve(NewHold::new(p.id, 1)) {
                                Ok(_) => true,
                                Err(e) if e.code() == "INSUFFICIENT_STOCK" => false,
                                Err(e) => panic!("{e}"),
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect::<Vec<_>>()
                .into_iter()
                .flat_map(|t| t.join().unwrap())
                .collect();
            assert_eq!(placed.iter().filter(|ok| **ok).count(), 10);
            assert_eq!(level_of(&inv, p.id, DEFAULT_LOCATION), (10, 10, 0, 0));
            inv.check_ledger().unwrap();
        }
    };
}
