//! # inventory-wasm
//!
//! The inventory library for JavaScript, in the browser or in Node, through `wasm-bindgen`: a
//! thin layer over [`inventory_core`] that converts JS values to the core's types and back and
//! throws the core's errors as JS `Error`s. No rule lives here.
//!
//! Build the package with the `wasm-bindgen` CLI of the same version as the crate:
//!
//! ```sh
//! cargo build -p inventory-wasm --release --target wasm32-unknown-unknown
//! wasm-bindgen --target web --out-dir examples/web/pkg \
//!     target/wasm32-unknown-unknown/release/inventory_wasm.wasm
//! ```
//!
//! and use it from JS (TypeScript types come with it, in `inventory_wasm.d.ts`):
//!
//! ```js
//! import init, { Inventory } from "./pkg/inventory_wasm.js";
//! await init();
//! const inv = Inventory.inMemory();
//! const p = inv.create({ name: "Widget", sku: " ab-1 ", price: "9.99", stock: 10 });
//! p.sku === "AB-1"; p.price === "9.99"; // money stays a decimal string
//! inv.adjustStock(p.id, -3, "sale", { reference: "order-42" });
//! localStorage.setItem("inventory", inv.export());
//! const again = Inventory.import(localStorage.getItem("inventory"));
//! ```
//!
//! Only the memory store is built in (SQLite does not build for `wasm32-unknown-unknown`); a
//! page keeps its data across reloads with [`Inventory::export`] and [`Inventory::import`].

mod error;
mod input;
mod output;

use std::cell::Cell;
use std::rc::Rc;

use inventory_core::{InventoryError, Snapshot};
use wasm_bindgen::prelude::*;

pub use error::{INTERNAL, guard, install_panic_hook, to_js_error};

// The interfaces of what the API takes, and the error union; what it returns (`Product`, `Page`,
// `InventoryEvent`, `FieldChange`) is declared by the structs of output.rs (tsify).
#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** A price: a decimal string such as `"9.99"` (preferred), or a number that prints with at most 2 decimals. */
export type Price = string | number;

/** What `create` takes. */
export interface NewProduct {
  name: string;
  sku: string;
  price: Price;
  /** Initial stock (default 0), recorded in the ledger as the first movement. */
  stock?: number;
}

/** What `update` takes: the properties given change, the rest stay, in one transaction. */
export interface ProductPatch {
  name?: string;
  sku?: string;
  price?: Price;
  /** A stock to record: when it differs, a `correction` movement in the same transaction. */
  stock?: number;
  /** Fail with `VERSION_CONFLICT` unless the product is still at this version. */
  expectedVersion?: number;
}

/** The options of every call that changes something. */
export interface WriteOptions {
  /**
   * 1 to 255 characters. The same call made again with this key changes nothing and returns what
   * the first returned (a retry is safe); the key reused for another call throws `IDEMPOTENCY_CONFLICT`.
   */
  idempotencyKey?: string;
}

/** A stock movement's options: where, notes for the ledger, and the level the caller last saw. */
export interface StockOptions extends WriteOptions {
  /** An order or document id, up to 200 characters. */
  reference?: string;
  /** Who made the change, up to 200 characters. */
  actor?: string;
  /** The location's code; `"DEFAULT"` when not given. */
  location?: string;
  /** Fail with `VERSION_CONFLICT` (field `stock`) unless the level at the location is still this. */
  expected?: number;
}

/** `setStock`'s options: the same as `StockOptions` (a count's `expected` is the level it replaces). */
export interface SetStockOptions extends StockOptions {}

/** `transfer`'s options: where from and to, and the notes of a movement. */
export interface TransferOptions extends WriteOptions {
  fromLocation: string;
  toLocation: string;
  /** Default `"transfer"`. */
  reason?: string;
  reference?: string;
  actor?: string;
  /** Fail with `VERSION_CONFLICT` unless the source's level is still this. */
  expected?: number;
}

/** `setReorderPoint`'s options. */
export interface ReorderOptions extends WriteOptions {
  /** The location's code; `"DEFAULT"` when not given. */
  location?: string;
}

/** The notes every movement of a batch may carry. */
interface MovementNotes {
  productId: string;
  reference?: string;
  actor?: string;
  expected?: number;
}

/** One movement of `apply`: as `adjustStock`, `setStock` or `transfer`. */
export type Movement =
  | (MovementNotes & { type: "adjust"; delta: number; reason: string; location?: string })
  | (MovementNotes & { type: "count"; quantity: number; reason?: string; location?: string })
  | (MovementNotes & { type: "transfer"; quantity: number; fromLocation: string; toLocation: string; reason?: string });

/** What `createLocation` takes. */
export interface NewLocation {
  /** Trimmed and upper-cased like a SKU. */
  code: string;
  name: string;
}

/** A field products can be ordered by. */
export type SortField = "created_at" | "name" | "sku" | "price" | "stock";
/** An ordering: ascending, or descending with a leading `-`. Ties are broken by id. */
export type OrderBy = SortField | `-${SortField}`;

/** What `list` takes. Every filter is optional; all given ones must hold. */
export interface ListOptions {
  /** Name contains this text, ignoring case. */
  nameContains?: string;
  /** SKU starts with this (normalised like a SKU). */
  skuPrefix?: string;
  /** Stock at or below this. */
  lowStock?: number;
  /** Price at least this. */
  minPrice?: Price;
  /** Price at most this. */
  maxPrice?: Price;
  /** Default `"created_at"`. */
  orderBy?: OrderBy;
  /** Page size: default 50, at most 1000. */
  limit?: number;
  /** The previous page's `nextCursor`. */
  cursor?: string | null;
  /** Rows to skip after the cursor. */
  offset?: number;
  /**
   * Only products due for reordering: at `location`, the level at or below its reorder point;
   * without it, the stock at or below the sum of the product's reorder points.
   */
  belowReorderPoint?: boolean;
  /** The location `belowReorderPoint` looks at; only with it. */
  location?: string;
  /** Count every match for `total` (the default); `false` leaves `total` null, so a filtered page costs what its rows cost. */
  withTotal?: boolean;
}

/** What kind of change an event records. */
export type EventKind =
  | "created" | "updated" | "stock_changed" | "deleted" | "counted" | "transferred"
  | "hold_placed" | "hold_committed" | "hold_released" | "hold_expired";

/** Where a hold is in its life. */
export type HoldStatus = "active" | "committed" | "released" | "expired";

/** `reserve`'s options. Give `expiresIn` (seconds) or `expiresAt`, not both; neither for a hold that lasts until it is resolved. */
export interface HoldOptions extends WriteOptions {
  /** The location's code; `"DEFAULT"` when not given. */
  location?: string;
  /** The hold expires this many seconds after it is placed (fractions allowed). */
  expiresIn?: number;
  /** The hold expires at this instant: ISO 8601 with an offset (`"2030-01-01T00:15:00Z"`), in the future. */
  expiresAt?: string;
  /** The cart or order the hold is for, up to 200 characters. */
  reference?: string;
  actor?: string;
}

/** `commitHold`'s options. */
export interface CommitOptions extends WriteOptions {
  /** How many of the held units leave the stock (default: all); the rest are released. */
  quantity?: number;
  /** Default `"sale"`. */
  reason?: string;
  reference?: string;
  actor?: string;
}

/** `holds`' options. */
export interface HoldsOptions {
  /** The holds with this status, or `"all"`; the active ones when not given. */
  status?: HoldStatus | "all";
}

/** What every `InventoryError` has: a real `Error` named `InventoryError`. */
interface InventoryErrorBase extends Error {
  name: "InventoryError";
  /** The input the error is about, named as in the JS input (`price`, `orderBy`, …), or `null`. */
  field: string | null;
}

/** An input broke a rule; `field` names it. */
export interface ValidationError extends InventoryErrorBase {
  code: "VALIDATION";
  field: string;
}

/** Another product has this SKU (after normalisation). */
export interface DuplicateSkuError extends InventoryErrorBase {
  code: "DUPLICATE_SKU";
  field: "sku";
  /** The SKU already taken. */
  sku: string;
}

/** No product has this id or SKU, or no location this code. */
export interface NotFoundError extends InventoryErrorBase {
  code: "NOT_FOUND";
  field: null;
}

/** Taking `requested` units would leave less than zero: only `available` are in stock. `field` is `"stock"`, or `"movements[2].stock"` in a batch. */
export interface InsufficientStockError extends InventoryErrorBase {
  code: "INSUFFICIENT_STOCK";
  field: string;
  available: number;
  requested: number;
}

/** Adding `delta` to `current` would pass the maximum stock (2147483647). */
export interface StockOverflowError extends InventoryErrorBase {
  code: "STOCK_OVERFLOW";
  field: string;
  current: number;
  delta: number;
}

/** The caller expected `expected` (a version, or a stock for `field` `"stock"`); it is `actual`. */
export interface VersionConflictError extends InventoryErrorBase {
  code: "VERSION_CONFLICT";
  field: string;
  expected: number;
  actual: number;
}

/** The idempotency key was used before for another call; nothing changed. */
export interface IdempotencyConflictError extends InventoryErrorBase {
  code: "IDEMPOTENCY_CONFLICT";
  field: "idempotencyKey";
  /** The key. */
  key: string;
}

/** The hold was committed, released or expired before (`status` says which): a hold resolves once. Nothing changed. */
export interface HoldClosedError extends InventoryErrorBase {
  code: "HOLD_CLOSED";
  field: "holdId";
  holdId: string;
  status: HoldStatus;
}

/** The hold passed its `expiresAt` before it was committed or released; its stock is free again. Nothing changed. */
export interface HoldExpiredError extends InventoryErrorBase {
  code: "HOLD_EXPIRED";
  field: "holdId";
  holdId: string;
  /** ISO 8601, UTC. */
  expiresAt: string;
}

/** The storage failed; `kind` says how. */
export interface StorageError extends InventoryErrorBase {
  code: "STORAGE";
  field: null;
  kind: StorageErrorKind;
}

/** A bug in the library (please report it); the module refuses further calls. */
export interface InternalError extends InventoryErrorBase {
  code: "INTERNAL";
  field: null;
}

/** What every method throws: one of these, told apart by `code` (TypeScript narrows on it). */
export type InventoryError =
  | ValidationError
  | DuplicateSkuError
  | NotFoundError
  | InsufficientStockError
  | StockOverflowError
  | VersionConflictError
  | IdempotencyConflictError
  | HoldClosedError
  | HoldExpiredError
  | StorageError
  | InternalError;

/** The `code` of an `InventoryError`. */
export type InventoryErrorCode = InventoryError["code"];

/** The `kind` of a `STORAGE` error. */
export type StorageErrorKind =
  | "DISK_FULL"
  | "READ_ONLY"
  | "BUSY"
  | "CORRUPT"
  | "CONNECTION_LOST"
  | "CLOSED"
  | "OTHER";
"#;

/// Whether `value` is an error thrown by this library (narrows `unknown` in a `catch` block).
///
/// ```js
/// try { inv.create({ name: "", sku: "A", price: "1" }); }
/// catch (e) { if (isInventoryError(e) && e.field) showError(e.field, e.message); else throw e; }
/// ```
#[wasm_bindgen(
    js_name = isInventoryError,
    unchecked_return_type = "value is InventoryError"
)]
pub fn is_inventory_error(
    #[wasm_bindgen(unchecked_param_type = "unknown")] value: JsValue,
) -> bool {
    value.is_instance_of::<js_sys::Error>()
        && js_sys::Reflect::get(&value, &JsValue::from_str("name"))
            .ok()
            .and_then(|name| name.as_string())
            .is_some_and(|name| name == "InventoryError")
}

/// A clock that stands still until it is moved: give it to `Inventory.withClock` to test what
/// happens when time passes (a hold expiring) without waiting.
///
/// ```js
/// const clock = new ManualClock("2030-01-01T00:00:00Z");
/// const inv = Inventory.withClock(clock);
/// const h = inv.reserve(p.id, 2, { expiresIn: 60 });
/// clock.advance(60);
/// inv.hold(h.id).status; // "expired"
/// ```
#[wasm_bindgen]
#[derive(Debug)]
pub struct ManualClock {
    inner: std::sync::Arc<inventory_core::ManualClock>,
}

#[wasm_bindgen]
impl ManualClock {
    /// A clock showing `start` (ISO 8601 with an offset).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "string")] start: JsValue,
    ) -> Result<ManualClock, JsValue> {
        install_panic_hook();
        guard(|| {
            let start = inventory_core::parse_time("start", &input::string("start", &start)?)?;
            Ok(ManualClock {
                inner: std::sync::Arc::new(inventory_core::ManualClock::new(start)),
            })
        })
    }

    /// Moves the clock forward by `seconds` (0 or more; fractions allowed).
    pub fn advance(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] seconds: JsValue,
    ) -> Result<(), JsValue> {
        guard(|| {
            let seconds = seconds
                .as_f64()
                .filter(|s| s.is_finite() && *s >= 0.0)
                .ok_or_else(|| {
                    inventory_core::InventoryError::validation(
                        "seconds",
                        "must be a number of 0 or more",
                    )
                })?;
            self.inner
                .advance(std::time::Duration::from_secs_f64(seconds));
            Ok(())
        })
    }

    /// Sets the clock (it may go back), to an ISO 8601 time.
    pub fn set(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] t: JsValue,
    ) -> Result<(), JsValue> {
        guard(|| {
            self.inner
                .set(inventory_core::parse_time("t", &input::string("t", &t)?)?);
            Ok(())
        })
    }

    /// What the clock shows (ISO 8601, UTC).
    pub fn now(&self) -> String {
        use inventory_core::Clock;
        output::time(&self.inner.now())
    }
}

/// An inventory of products with a ledger of every change, held in memory.
///
/// Every method throws an `InventoryError` (a JS `Error` with `code`, `field` and a readable
/// `message`) when an input breaks a rule, and then changes nothing.
///
/// ```js
/// const inv = Inventory.inMemory();
/// const p = inv.create({ name: "Widget", sku: "ab-1", price: "9.99", stock: 10 });
/// inv.adjustStock(p.id, -3, "sale");
/// inv.list({ lowStock: 7 }).items[0].sku; // "AB-1"
/// inv.totalValue();                       // "69.93"
/// ```
#[wasm_bindgen]
#[derive(Debug)]
pub struct Inventory {
    inner: inventory_core::Inventory,
}

#[wasm_bindgen]
impl Inventory {
    /// An empty inventory in memory.
    ///
    /// ```js
    /// const inv = Inventory.inMemory();
    /// inv.totalValue(); // "0.00"
    /// ```
    #[wasm_bindgen(js_name = inMemory)]
    pub fn in_memory() -> Inventory {
        install_panic_hook();
        Inventory {
            inner: inventory_core::Inventory::in_memory(),
        }
    }

    /// An empty inventory in memory whose time comes from `clock` (for tests of expiry).
    #[wasm_bindgen(js_name = withClock)]
    pub fn with_clock(clock: &ManualClock) -> Inventory {
        install_panic_hook();
        Inventory {
            inner: inventory_core::Inventory::in_memory().with_clock(clock.inner.clone()),
        }
    }

    /// A new in-memory inventory holding a snapshot made by `export()`. The snapshot is checked
    /// whole first (format, every product, the ledger adding up); a bad one throws a
    /// `VALIDATION` error with field `snapshot` and nothing is loaded.
    ///
    /// ```js
    /// const saved = localStorage.getItem("inventory");
    /// const inv = saved ? Inventory.import(saved) : Inventory.inMemory();
    /// ```
    #[wasm_bindgen(js_name = import)]
    pub fn import(
        #[wasm_bindgen(unchecked_param_type = "string")] snapshot: JsValue,
    ) -> Result<Inventory, JsValue> {
        guard(|| {
            let json = input::string("snapshot", &snapshot)?;
            let snapshot = Snapshot::from_json(&json)?;
            let inner = inventory_core::Inventory::in_memory();
            inner.import(&snapshot)?;
            Ok(Inventory { inner })
        })
    }

    /// Everything in the inventory (products and ledger) as a JSON string, for `import`.
    ///
    /// ```js
    /// localStorage.setItem("inventory", inv.export());
    /// ```
    pub fn export(&self) -> Result<String, JsValue> {
        guard(|| Ok(self.inner.export()?.to_json()))
    }

    /// Every location, ordered by code (`DEFAULT` included).
    #[wasm_bindgen(unchecked_return_type = "Location[]")]
    pub fn locations(&self) -> Result<JsValue, JsValue> {
        guard(|| output::locations(&self.inner.locations()?))
    }

    /// A product's stock per location, ordered by code: every location where it ever moved or
    /// has a reorder point. Throws `NOT_FOUND` for an unknown product.
    #[wasm_bindgen(js_name = stockLevels, unchecked_return_type = "StockLevel[]")]
    pub fn stock_levels(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
    ) -> Result<JsValue, JsValue> {
        guard(|| output::levels(&self.inner.stock_levels(input::id(&id)?)?))
    }

    /// The hold with this id, as it is now (an active hold past its time reads as
    /// `"expired"`); throws `NOT_FOUND`.
    #[wasm_bindgen(unchecked_return_type = "Hold")]
    pub fn hold(
        &self,
        #[wasm_bindgen(js_name = holdId, unchecked_param_type = "string")] hold_id: JsValue,
    ) -> Result<JsValue, JsValue> {
        guard(|| output::hold(&self.inner.hold(input::hold_id(&hold_id)?)?))
    }

    /// A product's holds, oldest first: the active ones, those with `options.status`, or every
    /// one with `{ status: "all" }`.
    #[wasm_bindgen(unchecked_return_type = "Hold[]")]
    pub fn holds(
        &self,
        #[wasm_bindgen(js_name = productId, unchecked_param_type = "string")] product_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "HoldsOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        guard(|| {
            let id = input::id(&product_id)?;
            let status = input::hold_status(&options)?;
            output::holds(&self.inner.holds(id, status)?)
        })
    }

    /// Records the expiry of every hold past its time (a `hold_expired` event each) and returns
    /// how many. Not needed for correctness: a hold stops reserving at its `expiresAt` anyway.
    #[wasm_bindgen(js_name = expireHolds)]
    pub fn expire_holds(&self) -> Result<u32, JsValue> {
        guard(|| self.inner.expire_holds())
    }

    /// The id of this store as a replica: every event it writes carries it.
    #[wasm_bindgen(js_name = replicaId)]
    pub fn replica_id(&self) -> Result<String, JsValue> {
        guard(|| Ok(self.inner.replica_id()?.to_string()))
    }

    /// One page of products: filtered, ordered and paginated (pass `nextCursor` back as
    /// `cursor` for the next page).
    ///
    /// ```js
    /// const { items, nextCursor, total } = inv.list({ lowStock: 5, orderBy: "-price", limit: 50 });
    /// ```
    #[wasm_bindgen(unchecked_return_type = "Page")]
    pub fn list(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "ListOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        guard(|| {
            let query = input::query(&options)?;
            let page = self.inner.list(&query).map_err(error::camel_case_field)?;
            output::page(&page)
        })
    }

    /// Σ price × stock over every product, exact, as a decimal string (`"123.45"`).
    #[wasm_bindgen(js_name = totalValue)]
    pub fn total_value(&self) -> Result<String, JsValue> {
        guard(|| Ok(self.inner.total_value()?.to_string()))
    }

    /// Every event of one product, oldest first (a deleted product keeps its history). Throws
    /// `NOT_FOUND` for an id that never existed.
    #[wasm_bindgen(unchecked_return_type = "InventoryEvent[]")]
    pub fn history(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
    ) -> Result<JsValue, JsValue> {
        guard(|| output::events(&self.inner.history(input::id(&id)?)?))
    }

    /// Up to `limit` (default 1000, at most 10000) events after sequence number `since`, oldest
    /// first: start at 0, then pass the last `seq` seen.
    ///
    /// ```js
    /// let since = 0;
    /// for (const e of inv.eventsSince(since)) { console.log(e.kind, e.sku, e.delta); since = e.seq; }
    /// ```
    #[wasm_bindgen(js_name = eventsSince, unchecked_return_type = "InventoryEvent[]")]
    pub fn events_since(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] since: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number")] limit: JsValue,
    ) -> Result<JsValue, JsValue> {
        guard(|| {
            let since = input::unsigned("since", &since)?;
            let limit = input::events_limit(&limit)?;
            output::events(&self.inner.events_since(since, limit)?)
        })
    }

    /// Checks the ledger invariant (every product's stock is the sum of its movements); throws a
    /// `STORAGE` error naming the first product that disagrees.
    #[wasm_bindgen(js_name = checkLedger)]
    pub fn check_ledger(&self) -> Result<(), JsValue> {
        guard(|| self.inner.check_ledger())
    }

    /// Runs `callback` with a [`Transaction`]: its calls commit together when it returns, or
    /// none does when it throws (the error is rethrown as is). Returns what the callback
    /// returns. The callback must be synchronous: the transaction ends when it returns, so a
    /// callback that returns a Promise is rolled back and throws `VALIDATION` (field
    /// `transaction`). Inside it, calling the inventory itself throws that error too.
    ///
    /// ```js
    /// const order = inv.transaction((tx) => {
    ///   tx.adjustStock(mug.id, -1, "sale", { reference: "order-9" });
    ///   tx.adjustStock(tea.id, -2, "sale", { reference: "order-9" });
    ///   return "order-9";
    /// });
    /// ```
    #[wasm_bindgen(unchecked_return_type = "unknown")]
    pub fn transaction(
        &self,
        #[wasm_bindgen(unchecked_param_type = "(tx: Transaction) => unknown")]
        callback: &js_sys::Function,
    ) -> Result<JsValue, JsValue> {
        let callback = OneThread(callback);
        let mut thrown = OneThread(None::<JsValue>);
        let mut returned = OneThread(None::<JsValue>);
        let committed = guard(|| {
            self.inner.transaction(|tx| {
                let open = Rc::new(Cell::new(
                    std::ptr::from_mut::<inventory_core::Transaction<'_>>(tx).cast::<()>(),
                ));
                let handle = Transaction {
                    inner: self.inner.clone(),
                    open: open.clone(),
                };
                let result = callback.0.call1(&JsValue::NULL, &JsValue::from(handle));
                open.set(std::ptr::null_mut());
                match result {
                    Ok(value) if value.is_instance_of::<js_sys::Promise>() => {
                        Err(InventoryError::validation(
                            "transaction",
                            "the callback returned a Promise: a transaction's callback must be \
                             synchronous (it ends when the callback returns); it was rolled back",
                        ))
                    }
                    Ok(value) => {
                        returned.0 = Some(value);
                        Ok(())
                    }
                    Err(e) => {
                        thrown.0 = Some(e);
                        Err(InventoryError::storage("rolled back: the callback threw"))
                    }
                }
            })
        });
        match (thrown.0, committed) {
            (Some(e), _) => Err(e),
            (None, Err(e)) => Err(e),
            (None, Ok(())) => Ok(returned.0.unwrap_or(JsValue::UNDEFINED)),
        }
    }

    /// Closes the inventory: every later call throws a `STORAGE` error of kind `CLOSED`
    /// (`free()` then releases the memory).
    pub fn close(&self) {
        self.inner.close();
    }

    /// Whether `close()` was called.
    #[wasm_bindgen(getter)]
    pub fn closed(&self) -> bool {
        self.inner.is_closed()
    }
}

/// The calls an [`Inventory`] and a [`Transaction`] share (the writes, and the reads by key),
/// written once: each parses its arguments, then runs its core call through the type's `call`
/// (a write, under the options' idempotency key) or `read`.
macro_rules! shared_calls {
    ($ty:ident) => {
        #[wasm_bindgen]
        impl $ty {
            /// Creates a product. The SKU is normalised (`" ab-1 "` → `"AB-1"`); the price is a decimal
            /// string (or a number with at most 2 decimals); the initial stock goes into the ledger.
            ///
            /// Throws `VALIDATION` (with `field`: `name`, `sku`, `price` or `stock`) or `DUPLICATE_SKU`.
            ///
            /// ```js
            /// const p = inv.create({ name: "Widget", sku: " ab-1 ", price: "9.99", stock: 10 });
            /// p.sku;   // "AB-1"
            /// p.price; // "9.99"
            /// ```
            #[wasm_bindgen(unchecked_return_type = "Product")]
            pub fn create(
                &self,
                #[wasm_bindgen(unchecked_param_type = "NewProduct")] product: JsValue,
                #[wasm_bindgen(unchecked_optional_param_type = "WriteOptions")] options: JsValue,
            ) -> Result<JsValue, JsValue> {
                guard(|| {
                    let inv = input::keyed(&self.inner, &options)?;
                    let new = input::new_product(&product)?;
                    output::product(&self.call(&inv, |tx| tx.create(new.clone()))?)
                })
            }

            /// Creates several products at once: all of them, or none if any is refused.
            ///
            /// ```js
            /// inv.createMany([{ name: "Nut", sku: "N-1", price: "0.10" }, { name: "Bolt", sku: "B-1", price: "0.25" }]);
            /// ```
            #[wasm_bindgen(js_name = createMany, unchecked_return_type = "Product[]")]
            pub fn create_many(
                &self,
                #[wasm_bindgen(unchecked_param_type = "NewProduct[]")] products: JsValue,
                #[wasm_bindgen(unchecked_optional_param_type = "WriteOptions")] options: JsValue,
            ) -> Result<JsValue, JsValue> {
                guard(|| {
                    let inv = input::keyed(&self.inner, &options)?;
                    let new = input::new_products(&products)?;
                    output::products(&self.call(&inv, |tx| tx.create_many(new.clone()))?)
                })
            }

            /// The product with this id; throws `NOT_FOUND` if there is none.
            #[wasm_bindgen(unchecked_return_type = "Product")]
            pub fn get(
                &self,
                #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
            ) -> Result<JsValue, JsValue> {
                guard(|| {
                    let id = input::id(&id)?;
                    output::product(&self.read(|inv| inv.get(id), |tx| tx.get(id))?)
                })
            }

            /// The product with this SKU, normalised first (`"ab-1"` finds `AB-1`); throws `NOT_FOUND`.
            #[wasm_bindgen(js_name = getBySku, unchecked_return_type = "Product")]
            pub fn get_by_sku(
                &self,
                #[wasm_bindgen(unchecked_param_type = "string")] sku: JsValue,
            ) -> Result<JsValue, JsValue> {
                guard(|| {
                    let sku = input::string("sku", &sku)?;
                    output::product(
                        &self.read(|inv| inv.get_by_sku(&sku), |tx| tx.get_by_sku(&sku))?,
                    )
                })
            }

            /// Changes any of name, SKU, price and stock (recorded in the ledger; a changed stock as a
            /// `correction` movement), in one transaction. With `expectedVersion`, throws
            /// `VERSION_CONFLICT` if the product changed since.
            ///
            /// ```js
            /// inv.update(p.id, { name: "Widget v2", price: "10.50", expectedVersion: p.version });
            /// ```
            #[wasm_bindgen(unchecked_return_type = "Product")]
            pub fn update(
                &self,
                #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
                #[wasm_bindgen(unchecked_param_type = "ProductPatch")] patch: JsValue,
                #[wasm_bindgen(unchecked_optional_param_type = "WriteOptions")] options: JsValue,
            ) -> Result<JsValue, JsValue> {
                guard(|| {
                    let inv = input::keyed(&self.inner, &options)?;
                    let id = input::id(&id)?;
                    let patch = input::patch(&patch)?;
                    output::product(&self.call(&inv, |tx| tx.update(id, patch.clone()))?)
                })
            }

            /// Deletes a product; its events stay in the ledger. Throws `NOT_FOUND`.
            pub fn delete(
                &self,
                #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
                #[wasm_bindgen(unchecked_optional_param_type = "WriteOptions")] options: JsValue,
            ) -> Result<(), JsValue> {
                guard(|| {
                    let inv = input::keyed(&self.inner, &options)?;
                    let id = input::id(&id)?;
                    self.call(&inv, |tx| tx.delete(id))
                })
            }

            /// Moves stock by `delta` (negative to sell, positive to restock), atomically, with a reason
            /// (`sale`, `restock`, `return`, `correction`, `damage` or your own word). Throws
            /// `INSUFFICIENT_STOCK` (with `available` and `requested`) rather than go below zero. With
            /// `expected` (the stock the caller last saw), throws `VERSION_CONFLICT` if stock has moved.
            ///
            /// ```js
            /// inv.adjustStock(p.id, -3, "sale", { reference: "order-42", actor: "till-1" });
            /// inv.adjustStock(p.id, -1, "sale", { expected: 7 }); // only if stock is still 7
            /// ```
            #[wasm_bindgen(js_name = adjustStock, unchecked_return_type = "Product")]
            pub fn adjust_stock(
                &self,
                #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
                #[wasm_bindgen(unchecked_param_type = "number")] delta: JsValue,
                #[wasm_bindgen(unchecked_param_type = "string")] reason: JsValue,
                #[wasm_bindgen(unchecked_optional_param_type = "StockOptions")] options: JsValue,
            ) -> Result<JsValue, JsValue> {
                guard(|| {
                    let id = input::id(&id)?;
                    let delta = input::integer("delta", &delta)?;
                    let (inv, change) = input::stock_change(&self.inner, &reason, &options)?;
                    output::product(
                        &self.call(&inv, |tx| tx.adjust_stock(id, delta, change.clone()))?,
                    )
                })
            }

            /// Sets stock to a counted `quantity`, recording the difference. With `expected`, throws
            /// `VERSION_CONFLICT` if stock is no longer what the count started from.
            ///
            /// ```js
            /// inv.setStock(p.id, 40, "correction", { expected: p.stock, actor: "stocktake" });
            /// ```
            #[wasm_bindgen(js_name = setStock, unchecked_return_type = "Product")]
            pub fn set_stock(
                &self,
                #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
                #[wasm_bindgen(unchecked_param_type = "number")] quantity: JsValue,
                #[wasm_bindgen(unchecked_param_type = "string")] reason: JsValue,
                #[wasm_bindgen(unchecked_optional_param_type = "SetStockOptions")] options: JsValue,
            ) -> Result<JsValue, JsValue> {
                guard(|| {
                    let id = input::id(&id)?;
                    let quantity = input::stock("quantity", &quantity)?;
                    let (inv, change) = input::stock_change(&self.inner, &reason, &options)?;
                    output::product(
                        &self.call(&inv, |tx| tx.set_stock(id, quantity, change.clone()))?,
                    )
                })
            }

            /// Moves `quantity` of a product from one location to another in one transaction: two
            /// `transferred` events sharing a `transferId`, the product's stock unchanged. Throws
            /// `INSUFFICIENT_STOCK` if the source holds less, `NOT_FOUND` for an unknown location,
            /// `VALIDATION` for a quantity of 0 or the same location twice.
            ///
            /// ```js
            /// inv.createLocation({ code: "van", name: "The van" });
            /// inv.transfer(p.id, 3, { fromLocation: "DEFAULT", toLocation: "VAN", reference: "t-9" });
            /// inv.stockLevels(p.id); // [{ location: "DEFAULT", onHand: 7, … }, { location: "VAN", onHand: 3, … }]
            /// ```
            #[wasm_bindgen(unchecked_return_type = "Product")]
            pub fn transfer(
                &self,
                #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
                #[wasm_bindgen(unchecked_param_type = "number")] quantity: JsValue,
                #[wasm_bindgen(unchecked_param_type = "TransferOptions")] options: JsValue,
            ) -> Result<JsValue, JsValue> {
                guard(|| {
                    let id = input::id(&id)?;
                    let quantity = input::stock("quantity", &quantity)?;
                    let (inv, from, to, change) = input::transfer(&self.inner, &options)?;
                    let moved = self
                        .call(&inv, |tx| {
                            tx.transfer(id, quantity, &from, &to, change.clone())
                        })
                        .map_err(error::camel_case_field)?;
                    output::product(&moved)
                })
            }

            /// Runs adjustments, counts and transfers, across products and locations, in one
            /// transaction: all of them, or none. Returns the product after each movement. An error
            /// names the movement (`movements[1].delta`).
            ///
            /// ```js
            /// inv.apply([
            ///   { type: "adjust", productId: p.id, delta: -1, reason: "sale" },
            ///   { type: "count", productId: q.id, quantity: 12, location: "VAN" },
            ///   { type: "transfer", productId: p.id, quantity: 1, fromLocation: "VAN", toLocation: "DEFAULT" },
            /// ], { idempotencyKey: "order-77" });
            /// ```
            #[wasm_bindgen(unchecked_return_type = "Product[]")]
            pub fn apply(
                &self,
                #[wasm_bindgen(unchecked_param_type = "Movement[]")] movements: JsValue,
                #[wasm_bindgen(unchecked_optional_param_type = "WriteOptions")] options: JsValue,
            ) -> Result<JsValue, JsValue> {
                guard(|| {
                    let inv = input::keyed(&self.inner, &options)?;
                    let movements =
                        input::movements(&movements).map_err(error::camel_case_field)?;
                    let after = self
                        .call(&inv, |tx| tx.apply(movements.clone()))
                        .map_err(error::camel_case_field)?;
                    output::products(&after)
                })
            }

            /// Creates a location; its code is normalised like a SKU (`" wh-1 "` → `"WH-1"`).
            ///
            /// ```js
            /// inv.createLocation({ code: "wh-1", name: "Main warehouse" }).code; // "WH-1"
            /// ```
            #[wasm_bindgen(js_name = createLocation, unchecked_return_type = "Location")]
            pub fn create_location(
                &self,
                #[wasm_bindgen(unchecked_param_type = "NewLocation")] location: JsValue,
                #[wasm_bindgen(unchecked_optional_param_type = "WriteOptions")] options: JsValue,
            ) -> Result<JsValue, JsValue> {
                guard(|| {
                    let inv = input::keyed(&self.inner, &options)?;
                    let (code, name) = input::new_location(&location)?;
                    output::location(&self.call(&inv, |tx| tx.create_location(&code, &name))?)
                })
            }

            /// Renames a location (its code stays); throws `NOT_FOUND` for an unknown one.
            #[wasm_bindgen(js_name = renameLocation, unchecked_return_type = "Location")]
            pub fn rename_location(
                &self,
                #[wasm_bindgen(unchecked_param_type = "string")] code: JsValue,
                #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
                #[wasm_bindgen(unchecked_optional_param_type = "WriteOptions")] options: JsValue,
            ) -> Result<JsValue, JsValue> {
                guard(|| {
                    let inv = input::keyed(&self.inner, &options)?;
                    let (code, name) =
                        (input::string("code", &code)?, input::string("name", &name)?);
                    output::location(&self.call(&inv, |tx| tx.rename_location(&code, &name))?)
                })
            }

            /// Deletes a location that holds no stock; `DEFAULT` cannot be deleted.
            #[wasm_bindgen(js_name = deleteLocation)]
            pub fn delete_location(
                &self,
                #[wasm_bindgen(unchecked_param_type = "string")] code: JsValue,
                #[wasm_bindgen(unchecked_optional_param_type = "WriteOptions")] options: JsValue,
            ) -> Result<(), JsValue> {
                guard(|| {
                    let inv = input::keyed(&self.inner, &options)?;
                    let code = input::string("code", &code)?;
                    self.call(&inv, |tx| tx.delete_location(&code))
                })
            }

            /// The location with this code (normalised first); throws `NOT_FOUND`.
            #[wasm_bindgen(unchecked_return_type = "Location")]
            pub fn location(
                &self,
                #[wasm_bindgen(unchecked_param_type = "string")] code: JsValue,
            ) -> Result<JsValue, JsValue> {
                guard(|| {
                    let code = input::string("code", &code)?;
                    output::location(
                        &self.read(|inv| inv.location(&code), |tx| tx.location(&code))?,
                    )
                })
            }

            /// Sets (or with `null` clears) a product's reorder point at a location (`DEFAULT` unless
            /// `options.location`): `list({ belowReorderPoint: true })` finds what is due.
            ///
            /// ```js
            /// inv.setReorderPoint(p.id, 5, { location: "VAN" });
            /// ```
            #[wasm_bindgen(js_name = setReorderPoint, unchecked_return_type = "StockLevel")]
            pub fn set_reorder_point(
                &self,
                #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
                #[wasm_bindgen(js_name = reorderPoint, unchecked_param_type = "number | null")]
                reorder_point: JsValue,
                #[wasm_bindgen(unchecked_optional_param_type = "ReorderOptions")] options: JsValue,
            ) -> Result<JsValue, JsValue> {
                guard(|| {
                    let id = input::id(&id)?;
                    let point = input::reorder_point(&reorder_point)?;
                    let (inv, location) = input::reorder_options(&self.inner, &options)?;
                    let level = self
                        .call(&inv, |tx| {
                            tx.set_reorder_point(id, point, location.as_deref())
                        })
                        .map_err(error::camel_case_field)?;
                    output::level(&level)
                })
            }

            /// Holds `quantity` of a product at a location (`DEFAULT` unless `options.location`) for a
            /// cart or an order, until `commitHold`, `releaseHold` or its expiry. Held stock is not for
            /// sale: `adjustStock` and `transfer` take only what is `available`. Throws, changing
            /// nothing, `INSUFFICIENT_STOCK` (field `quantity`) when less is available, `VALIDATION`
            /// for a quantity below 1 or an expiry not in the future, `NOT_FOUND` for an unknown
            /// product or location.
            ///
            /// ```js
            /// const h = inv.reserve(p.id, 2, { expiresIn: 900, reference: "cart-1", idempotencyKey: "cart-1-line-1" });
            /// inv.stockLevels(p.id)[0]; // { onHand: 5, reserved: 2, available: 3, … }
            /// ```
            #[wasm_bindgen(unchecked_return_type = "Hold")]
            pub fn reserve(
                &self,
                #[wasm_bindgen(js_name = productId, unchecked_param_type = "string")]
                product_id: JsValue,
                #[wasm_bindgen(unchecked_param_type = "number")] quantity: JsValue,
                #[wasm_bindgen(unchecked_optional_param_type = "HoldOptions")] options: JsValue,
            ) -> Result<JsValue, JsValue> {
                guard(|| {
                    let id = input::id(&product_id)?;
                    let (inv, new) = input::new_hold(&self.inner, id, &quantity, &options)?;
                    let hold = self
                        .call(&inv, |tx| tx.reserve(new.clone()))
                        .map_err(error::camel_case_field)?;
                    output::hold(&hold)
                })
            }

            /// Commits a hold: `options.quantity` of it (all of it by default) leaves the stock as a
            /// `hold_committed` movement, the rest is released; returns the product. A hold resolves
            /// once: a second commit or release throws `HOLD_CLOSED` (unless it repeats the first with
            /// its `idempotencyKey`); a hold past its time throws `HOLD_EXPIRED`.
            ///
            /// ```js
            /// inv.commitHold(h.id, { quantity: 1, reference: "order-1" }).stock;
            /// ```
            #[wasm_bindgen(js_name = commitHold, unchecked_return_type = "Product")]
            pub fn commit_hold(
                &self,
                #[wasm_bindgen(js_name = holdId, unchecked_param_type = "string")] hold_id: JsValue,
                #[wasm_bindgen(unchecked_optional_param_type = "CommitOptions")] options: JsValue,
            ) -> Result<JsValue, JsValue> {
                guard(|| {
                    let hold_id = input::hold_id(&hold_id)?;
                    let (inv, quantity, change) = input::commit(&self.inner, &options)?;
                    output::product(
                        &self
                            .call(&inv, |tx| tx.commit_hold(hold_id, quantity, change.clone()))
                            .map_err(error::camel_case_field)?,
                    )
                })
            }

            /// Releases a hold: its units are available again; returns the released hold. Throws
            /// `HOLD_CLOSED` if it was resolved before, `HOLD_EXPIRED` if it is past its time.
            #[wasm_bindgen(js_name = releaseHold, unchecked_return_type = "Hold")]
            pub fn release_hold(
                &self,
                #[wasm_bindgen(js_name = holdId, unchecked_param_type = "string")] hold_id: JsValue,
                #[wasm_bindgen(unchecked_optional_param_type = "WriteOptions")] options: JsValue,
            ) -> Result<JsValue, JsValue> {
                guard(|| {
                    let hold_id = input::hold_id(&hold_id)?;
                    let inv = input::keyed(&self.inner, &options)?;
                    output::hold(&self.call(&inv, |tx| tx.release_hold(hold_id))?)
                })
            }
        }
    };
}

shared_calls!(Inventory);
shared_calls!(Transaction);

/// Lets a value that is not `Send` (a JS function, a JS value) into the closure of a core
/// transaction. Sound here: this module runs on one thread (wasm32 without atomics), so the
/// value never leaves the thread it was made on.
struct OneThread<T>(T);
// SAFETY: see above; nothing of this module is shared across threads.
unsafe impl<T> Send for OneThread<T> {}
// SAFETY: as above.
unsafe impl<T> Sync for OneThread<T> {}

impl Inventory {
    /// A write on `keyed` (the inventory, under the call's idempotency key): a transaction of
    /// one call.
    fn call<T: Send>(
        &self,
        keyed: &inventory_core::Inventory,
        f: impl FnMut(&mut inventory_core::Transaction<'_>) -> inventory_core::Result<T> + Send,
    ) -> inventory_core::Result<T> {
        keyed.transaction(f)
    }

    /// A read, on the inventory.
    fn read<T>(
        &self,
        outside: impl FnOnce(&inventory_core::Inventory) -> inventory_core::Result<T>,
        _inside: impl FnOnce(&mut inventory_core::Transaction<'_>) -> inventory_core::Result<T>,
    ) -> inventory_core::Result<T> {
        outside(&self.inner)
    }
}

/// The calls of an `Inventory.transaction` callback, which commit together when it returns, or
/// not at all when it throws. It has the inventory's writes (each with its `idempotencyKey`)
/// and its reads by key (`get`, `getBySku`, `location`), with the same rules and errors; they
/// see the transaction's own writes. A call that throws ends the transaction: the commit then
/// throws that error too, even if the callback caught it. Used after its callback returned, it
/// throws a `VALIDATION` error (field `transaction`).
///
/// ```js
/// inv.transaction((tx) => {
///   const p = tx.create({ name: "Mug", sku: "MUG-1", price: "8.50" });
///   tx.adjustStock(p.id, 12, "restock");
///   tx.adjustStock(p.id, -2, "sale");
/// });
/// inv.getBySku("MUG-1").stock; // 10
/// ```
#[wasm_bindgen]
#[derive(Debug)]
pub struct Transaction {
    /// The inventory (to parse options against; its key is the call's).
    inner: inventory_core::Inventory,
    /// The core transaction while the callback runs; null before and after.
    open: Rc<Cell<*mut ()>>,
}

impl Transaction {
    /// Runs `f` on the core transaction, if the callback is still running.
    fn with<T>(
        &self,
        f: impl FnOnce(&mut inventory_core::Transaction<'_>) -> inventory_core::Result<T>,
    ) -> inventory_core::Result<T> {
        let open = self.open.get();
        if open.is_null() {
            return Err(InventoryError::validation(
                "transaction",
                "the transaction is over (its callback returned): use the inventory",
            ));
        }
        // SAFETY: `Inventory::transaction` sets `open` to its core transaction for exactly the
        // time its callback runs, on this module's one thread, and clears it before that
        // transaction ends; while the callback runs, nothing else uses the transaction, and no
        // call below re-enters JS.
        let tx = unsafe { &mut *open.cast::<inventory_core::Transaction<'_>>() };
        f(tx)
    }

    /// A write inside the transaction, under the call's idempotency key.
    fn call<T: Send>(
        &self,
        keyed: &inventory_core::Inventory,
        mut f: impl FnMut(&mut inventory_core::Transaction<'_>) -> inventory_core::Result<T> + Send,
    ) -> inventory_core::Result<T> {
        self.with(|tx| {
            tx.idempotent(keyed.idempotency_key())?;
            let result = f(tx);
            tx.idempotent(None)?;
            result
        })
    }

    /// A read inside the transaction.
    fn read<T>(
        &self,
        _outside: impl FnOnce(&inventory_core::Inventory) -> inventory_core::Result<T>,
        inside: impl FnOnce(&mut inventory_core::Transaction<'_>) -> inventory_core::Result<T>,
    ) -> inventory_core::Result<T> {
        self.with(inside)
    }
}

impl Inventory {
    /// The core inventory underneath, for Rust code that links this crate.
    pub fn core(&self) -> &inventory_core::Inventory {
        &self.inner
    }
}
