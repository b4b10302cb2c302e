//! Core types out, plain JavaScript objects in: camelCase keys, ids and prices as strings,
//! timestamps as ISO 8601 strings (UTC, microseconds), absent values as `null`.
//!
//! Each struct here is the JS value's shape, and its TypeScript interface is derived from it
//! (tsify): the `.d.ts` declares exactly what is sent.

use inventory_core::chrono::{DateTime, SecondsFormat, Utc};
use inventory_core::{InventoryError, Result};
use serde::Serialize;
use tsify::Tsify;
use wasm_bindgen::JsValue;

fn timestamp(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// A product as stored. Only the library creates these.
#[derive(Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
struct Product<'a> {
    /// A time-ordered (v7) UUID, set at creation.
    id: String,
    /// 1 to 100 characters, trimmed.
    name: &'a str,
    /// Trimmed and upper-cased; unique; 1 to 50 characters.
    sku: &'a str,
    /// Exact, with two decimal places: `"9.99"`, `"10.50"`. Never a float.
    price: String,
    /// 0 to 2147483647; changes only through the ledger (`adjustStock`, `setStock`, `update`).
    stock: u32,
    /// ISO 8601, UTC, microseconds: `"2024-05-01T12:00:00.123456Z"`.
    created_at: String,
    /// ISO 8601, UTC, microseconds; moves on every write.
    updated_at: String,
    /// 1 at creation, plus one on every write (pass it back as `expectedVersion`).
    version: u64,
}

impl<'a> From<&'a inventory_core::Product> for Product<'a> {
    fn from(p: &'a inventory_core::Product) -> Self {
        Self {
            id: p.id.to_string(),
            name: &p.name,
            sku: &p.sku,
            price: p.price.to_string(),
            stock: p.stock,
            created_at: timestamp(&p.created_at),
            updated_at: timestamp(&p.updated_at),
            version: p.version,
        }
    }
}

/// One page of products.
#[derive(Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
struct Page<'a> {
    items: Vec<Product<'a>>,
    /// Pass back as `cursor` for the next page; `null` on the last page.
    next_cursor: Option<&'a str>,
    /// How many products match the filters, on all pages; `null` when the list was asked
    /// `{ withTotal: false }`.
    total: Option<u64>,
}

/// One field of an update, as text (prices as `"12.50"`).
#[derive(Serialize, Tsify)]
struct FieldChange<'a> {
    field: &'a str,
    before: &'a str,
    after: &'a str,
}

/// One entry of the ledger.
#[derive(Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
struct InventoryEvent<'a> {
    /// Strictly increasing across the ledger; pass the last one seen to `eventsSince`.
    seq: u64,
    /// Globally unique: a time-ordered UUID (v7).
    id: String,
    /// The store that wrote the event (`replicaId()`).
    replica: String,
    /// ISO 8601, UTC.
    at: String,
    product_id: String,
    #[tsify(type = "EventKind")]
    kind: &'static str,
    /// The product's SKU when the event happened.
    sku: &'a str,
    /// Where stock moved (a location's code), for the kinds that move stock.
    location: Option<&'a str>,
    /// The stock movement at `location` (`created`: the initial stock).
    delta: Option<i64>,
    /// The level at `location` before and after (`deleted`: the product's stock).
    stock_before: Option<u32>,
    stock_after: Option<u32>,
    /// `initial`, `sale`, `restock`, `return`, `correction`, `damage` or the caller's own word.
    reason: Option<&'a str>,
    reference: Option<&'a str>,
    actor: Option<&'a str>,
    /// For `transferred`: the id both legs of the transfer share.
    transfer_id: Option<String>,
    /// For the `hold_*` kinds: the hold.
    hold_id: Option<String>,
    /// For the `hold_*` kinds: the hold's quantity.
    quantity: Option<u32>,
    /// For `hold_placed`: when the hold expires (ISO 8601, UTC), `null` if it does not.
    expires_at: Option<String>,
    /// The idempotency key of the request that wrote the event.
    idempotency_key: Option<&'a str>,
    /// For `updated`: what changed.
    changes: Vec<FieldChange<'a>>,
}

impl<'a> From<&'a inventory_core::Event> for InventoryEvent<'a> {
    fn from(e: &'a inventory_core::Event) -> Self {
        Self {
            seq: e.seq,
            id: e.id.to_string(),
            replica: e.replica.to_string(),
            at: timestamp(&e.at),
            product_id: e.product_id.to_string(),
            kind: e.kind.as_str(),
            sku: &e.sku,
            location: e.location.as_deref(),
            delta: e.delta,
            stock_before: e.stock_before,
            stock_after: e.stock_after,
            reason: e.reason.as_deref(),
            reference: e.reference.as_deref(),
            actor: e.actor.as_deref(),
            transfer_id: e.transfer_id.map(|t| t.to_string()),
            hold_id: e.hold_id.map(|t| t.to_string()),
            quantity: e.quantity,
            expires_at: e.expires_at.as_ref().map(timestamp),
            idempotency_key: e.idempotency_key.as_deref(),
            changes: e
                .changes
                .iter()
                .map(|c| FieldChange {
                    field: &c.field,
                    before: &c.before,
                    after: &c.after,
                })
                .collect(),
        }
    }
}

/// A place stock is kept. Every inventory has `DEFAULT`.
#[derive(Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    /// Trimmed and upper-cased like a SKU; unique; 1 to 50 characters.
    code: &'a str,
    /// 1 to 100 characters, trimmed.
    name: &'a str,
    /// ISO 8601, UTC.
    created_at: String,
    /// ISO 8601, UTC; moves on every rename.
    updated_at: String,
    /// 1 at creation, plus one on every rename.
    version: u64,
}

impl<'a> From<&'a inventory_core::Location> for Location<'a> {
    fn from(l: &'a inventory_core::Location) -> Self {
        Self {
            code: &l.code,
            name: &l.name,
            created_at: timestamp(&l.created_at),
            updated_at: timestamp(&l.updated_at),
            version: l.version,
        }
    }
}

/// How much of a product is at one location, and its reorder point there.
#[derive(Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
struct StockLevel<'a> {
    product_id: String,
    /// The location's code.
    location: &'a str,
    /// 0 to 2147483647: the sum of the movements at this location.
    on_hand: u32,
    /// The units of the live holds here (`reserve`).
    reserved: u32,
    /// `onHand - reserved`, at least 0: what can be sold, moved or held.
    available: u32,
    /// How far the holds are short of what is on hand (a count found less than is held).
    short: u32,
    /// At or below this the product is due for reordering here; `null` for none.
    reorder_point: Option<u32>,
}

impl<'a> From<&'a inventory_core::StockLevel> for StockLevel<'a> {
    fn from(l: &'a inventory_core::StockLevel) -> Self {
        Self {
            product_id: l.product_id.to_string(),
            location: &l.location,
            on_hand: l.on_hand,
            reserved: l.reserved,
            available: l.available,
            short: l.short,
            reorder_point: l.reorder_point,
        }
    }
}

/// Stock reserved for a cart or an order (`reserve`).
#[derive(Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
struct Hold<'a> {
    /// A time-ordered UUID (v7).
    id: String,
    product_id: String,
    /// The location's code.
    location: &'a str,
    quantity: u32,
    /// As read now: an active hold past its `expiresAt` reads as `"expired"`.
    #[tsify(type = "HoldStatus")]
    status: &'static str,
    /// How many units the commit took (0 unless committed).
    committed: u32,
    /// ISO 8601, UTC; `null` for a hold that does not expire.
    expires_at: Option<String>,
    /// The cart or order the hold is for.
    reference: Option<&'a str>,
    actor: Option<&'a str>,
    /// ISO 8601, UTC.
    created_at: String,
    /// When it was committed, released or expired (ISO 8601, UTC).
    closed_at: Option<String>,
}

impl<'a> From<&'a inventory_core::Hold> for Hold<'a> {
    fn from(h: &'a inventory_core::Hold) -> Self {
        Self {
            id: h.id.to_string(),
            product_id: h.product_id.to_string(),
            location: &h.location,
            quantity: h.quantity,
            status: h.status.as_str(),
            committed: h.committed,
            expires_at: h.expires_at.as_ref().map(timestamp),
            reference: h.reference.as_deref(),
            actor: h.actor.as_deref(),
            created_at: timestamp(&h.created_at),
            closed_at: h.closed_at.as_ref().map(timestamp),
        }
    }
}

pub(crate) fn hold(h: &inventory_core::Hold) -> Result<JsValue> {
    to_js(&Hold::from(h))
}

pub(crate) fn holds(all: &[inventory_core::Hold]) -> Result<JsValue> {
    to_js(&all.iter().map(Hold::from).collect::<Vec<_>>())
}

/// A time as every value here carries it (ISO 8601, UTC, microseconds).
pub(crate) fn time(at: &DateTime<Utc>) -> String {
    timestamp(at)
}

pub(crate) fn location(l: &inventory_core::Location) -> Result<JsValue> {
    to_js(&Location::from(l))
}

pub(crate) fn locations(all: &[inventory_core::Location]) -> Result<JsValue> {
    to_js(&all.iter().map(Location::from).collect::<Vec<_>>())
}

pub(crate) fn level(l: &inventory_core::StockLevel) -> Result<JsValue> {
    to_js(&StockLevel::from(l))
}

pub(crate) fn levels(all: &[inventory_core::StockLevel]) -> Result<JsValue> {
    to_js(&all.iter().map(StockLevel::from).collect::<Vec<_>>())
}

fn to_js(value: &impl Serialize) -> Result<JsValue> {
    // Numbers are counts, versions and sequence numbers, all far below 2^53, so this cannot fail
    // in practice; should it, the caller gets an error rather than a wrong number.
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| InventoryError::storage(format!("cannot convert the result to JS: {e}")))
}

pub(crate) fn product(p: &inventory_core::Product) -> Result<JsValue> {
    to_js(&Product::from(p))
}

pub(crate) fn products(ps: &[inventory_core::Product]) -> Result<JsValue> {
    to_js(&ps.iter().map(Product::from).collect::<Vec<_>>())
}

pub(crate) fn page(page: &inventory_core::Page) -> Result<JsValue> {
    to_js(&Page {
        items: page.items.iter().map(Product::from).collect(),
        next_cursor: page.next_cursor.as_deref(),
        total: page.total,
    })
}

pub(crate) fn events(events: &[inventory_core::Event]) -> Result<JsValue> {
    to_js(&events.iter().map(InventoryEvent::from).collect::<Vec<_>>())
}
