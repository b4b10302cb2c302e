//! One suite, every backend: the store suite (`inventory_core::store_integration_tests!`, in
//! `src/testing.rs`) against every store of this crate (memory, SQLite file, SQLite in memory,
//! and PostgreSQL when built with the feature).

mod common;

mod memory {
    inventory_core::store_integration_tests!(super::common::memory());
}

mod sqlite_file {
    inventory_core::store_integration_tests!(super::common::sqlite_file());
}

mod sqlite_memory {
    inventory_core::store_integration_tests!(super::common::sqlite_memory());
}

#[cfg(feature = "postgres-tests")]
mod postgres {
    inventory_core::store_integration_tests!(super::common::pg::postgres());
}
