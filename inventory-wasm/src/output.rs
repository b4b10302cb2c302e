//! Core types out, plain JavaScript objects in: camelCase keys, ids and prices as strings,
//! timestamps as ISO 8601 strings (UTC, microseconds), absent values as `null`.

use inventory_core::chrono::{DateTime, SecondsFormat, Utc};
use inventory_core::{Event, FieldChange, InventoryError, Page, Product, Result};
use serde::Serialize;
use wasm_bindgen::JsValue;

fn timestamp(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// The TS `Product`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ProductJs<'a> {
    id: String,
    name: &'a str,
    sku: &'a str,
    price: String,
    stock: u32,
    created_at: String,
    updated_at: String,
    version: u64,
}

impl<'a> From<&'a Product> for ProductJs<'a> {
    fn from(p: &'a Product) -> Self {
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

/// The TS `Page`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PageJs<'a> {
    items: Vec<ProductJs<'a>>,
    next_cursor: Option<&'a str>,
    total: u64,
}

/// The TS `InventoryEvent`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EventJs<'a> {
    seq: u64,
    at: String,
    product_id: String,
    kind: &'static str,
    sku: &'a str,
    delta: Option<i64>,
    stock_before: Option<u32>,
    stock_after: Option<u32>,
    reason: Option<&'a str>,
    reference: Option<&'a str>,
    actor: Option<&'a str>,
    changes: &'a [FieldChange],
}

impl<'a> From<&'a Event> for EventJs<'a> {
    fn from(e: &'a Event) -> Self {
        Self {
            seq: e.seq,
            at: timestamp(&e.at),
            product_id: e.product_id.to_string(),
            kind: e.kind.as_str(),
            sku: &e.sku,
            delta: e.delta,
            stock_before: e.stock_before,
            stock_after: e.stock_after,
            reason: e.reason.as_deref(),
            reference: e.reference.as_deref(),
            actor: e.actor.as_deref(),
            changes: &e.changes,
        }
    }
}

fn to_js(value: &impl Serialize) -> Result<JsValue> {
    // Numbers are counts, versions and sequence numbers, all far below 2^53, so this cannot fail
    // in practice; should it, the caller gets an error rather than a wrong number.
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| InventoryError::storage(format!("cannot convert the result to JS: {e}")))
}

pub(crate) fn product(p: &Product) -> Result<JsValue> {
    to_js(&ProductJs::from(p))
}

pub(crate) fn products(ps: &[Product]) -> Result<JsValue> {
    to_js(&ps.iter().map(ProductJs::from).collect::<Vec<_>>())
}

pub(crate) fn page(page: &Page) -> Result<JsValue> {
    to_js(&PageJs {
        items: page.items.iter().map(ProductJs::from).collect(),
        next_cursor: page.next_cursor.as_deref(),
        total: page.total,
    })
}

pub(crate) fn events(events: &[Event]) -> Result<JsValue> {
    to_js(&events.iter().map(EventJs::from).collect::<Vec<_>>())
}
