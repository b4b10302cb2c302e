//! The operations measured: reads, then writes, each as the library and the baseline do it.

use super::*;

pub(super) fn reads(b: &mut Bench<'_>, f: &mut Fixtures) {
    let Fixtures {
        sqlite,
        memory,
        base,
        ..
    } = f;
    let (sqlite, memory) = (&*sqlite, &*memory);

    fn get(lib: &Lib) -> Run<'_> {
        let mut k = 0;
        timed(move || {
            k += 1;
            black_box(lib.inv.get(lib.ids[scattered(k, FIXTURE)]).unwrap());
        })
    }
    let mut k = 0;
    let baseline = timed(|| {
        k += 1;
        black_box(base.db.get(&base.ids[scattered(k, FIXTURE)]).unwrap());
    });
    b.compare(
        "get_by_id",
        Contenders {
            library: get(sqlite),
            memory: get(memory),
            baseline,
        },
        Kind::Read,
    );

    // SKUs as a caller types them (lower case): both sides normalise before looking up.
    fn get_by_sku(lib: &Lib) -> Run<'_> {
        let mut k = 0;
        timed(move || {
            k += 1;
            black_box(
                lib.inv
                    .get_by_sku(&lib.skus[scattered(k, FIXTURE)])
                    .unwrap(),
            );
        })
    }
    let mut k = 0;
    let baseline = timed(|| {
        k += 1;
        black_box(
            base.db
                .get_by_sku(&base.skus[scattered(k, FIXTURE)])
                .unwrap(),
        );
    });
    b.compare(
        "get_by_sku",
        Contenders {
            library: get_by_sku(sqlite),
            memory: get_by_sku(memory),
            baseline,
        },
        Kind::Read,
    );

    // Pages of 100 in (created_at, id) order with the total count, as the library lists by
    // default; the deep page is the last of 1,000, reached by keyset cursor.
    fn list(lib: &Lib, deep: bool) -> Run<'_> {
        let cursor = deep.then(|| {
            let before = Query {
                limit: Some(1),
                offset: Some(DEEP_OFFSET as u64 - 1),
                ..Query::default()
            };
            lib.inv.list(&before).unwrap().next_cursor.unwrap()
        });
        let q = Query {
            limit: Some(PAGE),
            cursor,
            ..Query::default()
        };
        assert_eq!(lib.inv.list(&q).unwrap().items.len(), PAGE as usize);
        timed(move || {
            black_box(lib.inv.list(&q).unwrap());
        })
    }
    let deep_key = base.db.key_at(DEEP_OFFSET - 1);
    for (op, deep) in [("list_first_page", false), ("list_deep_page", true)] {
        let after = deep.then_some(deep_key);
        let expected = PAGE as usize + usize::from(!deep); // the deep page is the last
        assert_eq!(base.db.list(after, PAGE).0.len(), expected);
        let baseline = timed(|| {
            black_box(base.db.list(after, PAGE));
        });
        b.compare(
            op,
            Contenders {
                library: list(sqlite, deep),
                memory: list(memory, deep),
                baseline,
            },
            Kind::Read,
        );
    }

    fn total(lib: &Lib) -> Run<'_> {
        timed(move || {
            black_box(lib.inv.total_value().unwrap());
        })
    }
    let baseline = timed(|| {
        black_box(base.db.total_value_cents());
    });
    b.compare(
        "total_value",
        Contenders {
            library: total(sqlite),
            memory: total(memory),
            baseline,
        },
        Kind::Read,
    );
}

pub(super) fn writes(b: &mut Bench<'_>, f: &mut Fixtures) {
    let Fixtures {
        dir_path,
        sqlite,
        memory,
        base,
        ..
    } = f;
    let (sqlite, memory, dir) = (&*sqlite, &*memory, &*dir_path);

    // +1 each time (a restock), over the products in a scattered order.
    fn adjust(lib: &Lib) -> Run<'_> {
        let mut k = 0;
        timed(move || {
            k += 1;
            let id = lib.ids[scattered(k, FIXTURE)];
            black_box(lib.inv.adjust_stock(id, 1, "restock").unwrap());
        })
    }
    let mut k = 0;
    let baseline = timed(|| {
        k += 1;
        let id = base.ids[scattered(k, FIXTURE)];
        black_box(base.db.adjust_stock(&id, 1, "restock").unwrap());
    });
    b.compare(
        "adjust_stock",
        Contenders {
            library: adjust(sqlite),
            memory: adjust(memory),
            baseline,
        },
        Kind::Write,
    );

    // A new price every time (above any price in the fixture), so every update writes.
    fn update(lib: &Lib) -> Run<'_> {
        let mut k = 0;
        timed(move || {
            k += 1;
            let patch = ProductPatch::default().price(Decimal::new(1_000_000 + k as i64, 2));
            black_box(
                lib.inv
                    .update(lib.ids[scattered(k, FIXTURE)], patch)
                    .unwrap(),
            );
        })
    }
    let mut k = 0;
    let baseline = timed(|| {
        k += 1;
        let id = base.ids[scattered(k, FIXTURE)];
        black_box(base.db.update_price(&id, 1_000_000 + k as i64).unwrap());
    });
    b.compare(
        "update_price",
        Contenders {
            library: update(sqlite),
            memory: update(memory),
            baseline,
        },
        Kind::Write,
    );

    // New SKUs numbered from 10,000,000 on, one transaction each.
    fn create(lib: &Lib) -> Run<'_> {
        let mut k = 10_000_000;
        timed(move || {
            k += 1;
            black_box(lib.inv.create(new_product(k)).unwrap());
        })
    }
    let mut k = 10_000_000;
    let baseline = timed(|| {
        k += 1;
        let (name, sku, cents, stock) = item(k);
        black_box(base.db.create(&name, &sku, cents, stock));
    });
    b.compare(
        "create_one",
        Contenders {
            library: create(sqlite),
            memory: create(memory),
            baseline,
        },
        Kind::Write,
    );

    // Deletes products made for the purpose (untimed), so the fixture stays whole.
    fn delete(lib: &Lib) -> Run<'_> {
        let mut k = 20_000_000;
        Box::new(move |n| {
            let batch = (k..k + n as usize).map(new_product).collect();
            k += n as usize;
            let made = lib.inv.create_many(batch).unwrap();
            let started = Instant::now();
            for p in made {
                lib.inv.delete(p.id).unwrap();
            }
            started.elapsed()
        })
    }
    let mut k = 20_000_000;
    let baseline: Run<'_> = Box::new(|n| {
        let batch: Vec<_> = (k..k + n as usize).map(item).collect();
        k += n as usize;
        let made = base.db.create_many(&batch);
        let started = Instant::now();
        for p in &made {
            assert!(base.db.delete(&p.id));
        }
        started.elapsed()
    });
    b.compare(
        "delete",
        Contenders {
            library: delete(sqlite),
            memory: delete(memory),
            baseline,
        },
        Kind::Write,
    );

    // 10,000 products in one call and one transaction, each time into a new, empty database.
    let fresh = AtomicUsize::new(0);
    let fresh_path = |what: &str| {
        dir.join(format!(
            "{what}-{}.db",
            fresh.fetch_add(1, Ordering::Relaxed)
        ))
    };
    let library: Run<'_> = Box::new(|n| {
        let mut spent = Duration::ZERO;
        for _ in 0..n {
            let path = fresh_path("library");
            let inv = Inventory::new(SqliteStore::open(&path).unwrap());
            let batch = (0..BATCH).map(new_product).collect();
            let started = Instant::now();
            black_box(inv.create_many(batch).unwrap());
            spent += started.elapsed();
            drop(inv);
            remove_db(&path);
        }
        spent
    });
    let memory: Run<'_> = Box::new(|n| {
        let mut spent = Duration::ZERO;
        for _ in 0..n {
            let inv = Inventory::in_memory();
            let batch = (0..BATCH).map(new_product).collect();
            let started = Instant::now();
            black_box(inv.create_many(batch).unwrap());
            spent += started.elapsed();
        }
        spent
    });
    let baseline: Run<'_> = Box::new(|n| {
        let mut spent = Duration::ZERO;
        for _ in 0..n {
            let path = fresh_path("baseline");
            let mut db = Baseline::open(&path);
            let batch: Vec<_> = (0..BATCH).map(item).collect();
            let started = Instant::now();
            black_box(db.create_many(&batch));
            spent += started.elapsed();
            drop(db);
            remove_db(&path);
        }
        spent
    });
    b.compare(
        "create_many_10k",
        Contenders {
            library,
            memory,
            baseline,
        },
        Kind::Batch,
    );
}
