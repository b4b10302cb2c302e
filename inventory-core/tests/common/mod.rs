//! Fixtures shared by the integration tests: one inventory per backend, each fresh.
#![allow(dead_code)]

use inventory_core::{MemoryStore, SqliteStore};

#[allow(unused_imports)]
pub use inventory_core::testing::{Fixture, new_product, price};

#[cfg(feature = "postgres-tests")]
pub mod pg;

pub fn memory() -> Fixture {
    Fixture::new(MemoryStore::new(), ())
}

pub fn sqlite_file() -> Fixture {
    let dir = tempfile::tempdir().expect("temporary folder");
    let store = SqliteStore::open(dir.path().join("test.db")).expect("open SQLite file");
    Fixture::new(store, dir)
}

pub fn sqlite_memory() -> Fixture {
    Fixture::new(SqliteStore::in_memory().expect("open SQLite in memory"), ())
}

/// A small deterministic generator (xorshift64*), so a run can be replayed from its seed.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// Checks an inventory opened on a copy of a fixture the release before locations wrote
/// (`tests/fixtures/schema-2.db`, `postgres-schema-2.sql`): its stock is at the default
/// location, its events have ids and their store's replica, the ledger still checks, and
/// everything else is as that release's own export said (`snapshot-format-1.json`).
pub fn check_migrated_release_2(inv: &inventory_core::Inventory) {
    use inventory_core::{DEFAULT_LOCATION, EventKind, Snapshot};
    inv.check_ledger().expect("the migrated ledger checks");
    let then = include_str!("../fixtures/snapshot-format-1.json");
    let then = Snapshot::from_json(then).expect("a format-1 snapshot reads");
    let now = inv.export().unwrap();
    now.validate().unwrap();
    assert_eq!(now.products, then.products);
    let codes: Vec<_> = now.locations.iter().map(|l| l.code.as_str()).collect();
    assert_eq!(codes, [DEFAULT_LOCATION]);
    assert_eq!(
        now.levels, then.levels,
        "each product's stock is at DEFAULT"
    );
    assert_eq!(now.events.len(), then.events.len());
    let replica = inv.replica_id().unwrap();
    for (now, then) in now.events.iter().zip(&then.events) {
        assert_eq!(now.replica, replica);
        assert_eq!(now.id.get_version_num(), 7);
        let movement = matches!(now.kind, EventKind::Created | EventKind::StockChanged);
        assert_eq!(
            now.location.as_deref(),
            movement.then_some(DEFAULT_LOCATION)
        );
        let same = inventory_core::Event {
            id: then.id,
            replica: then.replica,
            ..now.clone()
        };
        assert_eq!(&same, then);
    }
    // The ids keep the ledger's time order.
    assert!(now.events.windows(2).all(|w| w[0].id < w[1].id));
    // And the migrated store takes the new operations.
    let p = &now.products[0];
    inv.create_location("WH-1", "Warehouse").unwrap();
    inv.transfer(p.id, 1, DEFAULT_LOCATION, "WH-1", "transfer")
        .unwrap();
    inv.check_ledger().unwrap();
}
