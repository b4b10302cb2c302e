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
