//! # inventory-core
//!
//! Products, stock and a ledger of every change, with the rules of the original inventory
//! system written once: validation, SKU normalisation, atomic stock movements that never go
//! below zero, queries with keyset pagination, an exact total value, and storage behind the
//! [`Store`] trait ([`MemoryStore`], [`SqliteStore`] with the default `sqlite` feature, and
//! `PostgresStore` with the `postgres` feature).
//!
//! Bindings turn their language's values into the core's with the helpers of `input.rs`
//! ([`QueryInput`], [`StockChange::from_input`], [`parse_id`], [`stock_from_i64`], …), so no
//! binding re-writes a rule, a default or a message.
//!
//! Start with [`Inventory`]:
//!
//! ```
//! use inventory_core::{Inventory, NewProduct, Query, parse_price};
//!
//! let inv = Inventory::open("memory:")?;
//! let p = inv.create(NewProduct::new("Widget", "ab-1", parse_price("9.99")?).with_stock(10))?;
//! inv.adjust_stock(p.id, -3, "sale")?;
//! let low = inv.list(&Query { low_stock: Some(7), ..Query::default() })?;
//! assert_eq!(low.items[0].sku, "AB-1");
//! assert_eq!(inv.total_value()?.to_string(), "69.93");
//! # Ok::<(), inventory_core::InventoryError>(())
//! ```

mod clock;
mod error;
mod hold;
mod idempotency;
mod input;
mod inventory;
mod ledger;
mod location;
mod movement;
mod open;
mod price;
mod product;
mod query;
mod replay;
mod sku;
mod snapshot;
pub mod store;
#[cfg(feature = "testing")]
pub mod testing;
pub mod text;
mod transaction;
#[cfg(feature = "uniffi")]
mod uniffi_support;

// The uniffi scaffolding of this crate (its types are used by the inventory-ffi bindings).
#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!();

pub use clock::{Clock, ManualClock, SystemClock};
pub use error::{Cause, INTERNAL, InventoryError, Result, StorageKind};
pub use hold::{Hold, HoldStatus, MAX_HOLD_DURATION, NewHold};
pub use idempotency::{IdempotencyRecord, MAX_IDEMPOTENCY_KEY_CHARS, check_idempotency_key};
pub use input::{
    QueryInput, count_from_i64, duration_from_seconds, integer_from_f64, limit_from_i64, parse_id,
    parse_time, quantity_from_i64, stock_from_i64,
};
pub use inventory::{DEFAULT_EVENTS_LIMIT, Inventory, MAX_EVENTS_LIMIT, OpenOptions};
pub use ledger::{
    Event, EventKind, FieldChange, MAX_NOTE_CHARS, MAX_REASON_CHARS, StockChange, reason,
};
pub use location::{
    DEFAULT_LOCATION, Location, MAX_LOCATION_CODE_CHARS, StockLevel, normalize_location_code,
    validate_location_name,
};
pub use movement::{MAX_BATCH, Movement};
pub use open::OpenTransaction;
pub use price::{
    MAX_PRICE, parse_price, parse_price_bound, price_from_f64, validate_price, validate_price_bound,
};
pub use product::{
    CheckedFields, MAX_NAME_CHARS, MAX_STOCK, NewProduct, Product, ProductFields, ProductPatch,
    validate_name, validate_stock,
};
pub use query::{
    DEFAULT_LIMIT, ListQuery, MAX_LIMIT, OrderBy, Page, Query, ReorderFilter, SortField, SortKey,
    prefix_upper_bound,
};
pub use replay::MAX_SEQUENCE;
pub use sku::{MAX_SKU_CHARS, normalize_sku};
pub use snapshot::{SNAPSHOT_FORMAT, Snapshot};
#[cfg(feature = "postgres")]
pub use store::PostgresStore;
#[cfg(feature = "sqlite")]
pub use store::SqliteStore;
pub use store::{Durability, MemoryStore, Store, WriteFn, WriteTx};
pub use text::fold_case;
pub use transaction::Transaction;

// Re-exported so callers name the same types the library uses.
pub use chrono;
pub use rust_decimal::{self, Decimal};
pub use uuid::{self, Uuid};
