//! Snapshots: the whole inventory (products and ledger) as one JSON document, to move data
//! between stores or keep it where there is no database (a browser's `localStorage`).

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{InventoryError, Result};
use crate::inventory::{Inventory, MAX_EVENTS_LIMIT};
use crate::ledger::{Event, EventKind, MAX_NOTE_CHARS, MAX_REASON_CHARS};
use crate::price::validate_price;
use crate::product::{MAX_NAME_CHARS, Product, validate_name, validate_stock};
use crate::sku::normalize_sku;

/// The snapshot format this build writes and reads.
pub const SNAPSHOT_FORMAT: u32 = 1;

/// Every product and every event of an inventory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    pub format: u32,
    /// Ordered by creation time, then id.
    pub products: Vec<Product>,
    /// Ordered by sequence number.
    pub events: Vec<Event>,
}

fn invalid(message: impl Into<String>) -> InventoryError {
    InventoryError::validation("snapshot", message)
}

impl Snapshot {
    /// The snapshot as JSON.
    pub fn to_json(&self) -> String {
        // Serialising these plain types cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a snapshot from JSON and checks it whole (see [`Snapshot::validate`]).
    pub fn from_json(json: &str) -> Result<Self> {
        let snapshot: Self =
            serde_json::from_str(json).map_err(|e| invalid(format!("is not valid JSON: {e}")))?;
        snapshot.validate()?;
        Ok(snapshot)
    }

    /// Checks every rule a store relies on: the format, each product's fields, unique ids and
    /// SKUs, strictly increasing event numbers, and for every product a `Created` event and
    /// movements that add up to its stock.
    pub fn validate(&self) -> Result<()> {
        if self.format != SNAPSHOT_FORMAT {
            return Err(invalid(format!(
                "has format {}, this library reads format {SNAPSHOT_FORMAT}",
                self.format
            )));
        }
        let mut ids = HashSet::new();
        let mut skus = HashSet::new();
        for (i, p) in self.products.iter().enumerate() {
            let at = |e: InventoryError| invalid(format!("product {i}: {e}"));
            let same = |ok: bool, what: &str| {
                if ok {
                    Ok(())
                } else {
                    Err(invalid(format!(
                        "product {i}: {what} is not in normal form"
                    )))
                }
            };
            same(validate_name(&p.name).map_err(at)? == p.name, "name")?;
            same(normalize_sku(&p.sku).map_err(at)? == p.sku, "sku")?;
            same(validate_price(p.price).map_err(at)? == p.price, "price")?;
            validate_stock(p.stock).map_err(at)?;
            if p.version == 0 || p.updated_at < p.created_at {
                return Err(invalid(format!("product {i}: bad version or timestamps")));
            }
            if !ids.insert(p.id) {
                return Err(invalid(format!("product {i}: id {} appears twice", p.id)));
            }
            if !skus.insert(p.sku.as_str()) {
                return Err(invalid(format!("product {i}: SKU {} appears twice", p.sku)));
            }
        }
        let mut last = 0;
        let mut sums: HashMap<Uuid, i64> = HashMap::new();
        let mut created = HashSet::new();
        for e in &self.events {
            if e.seq <= last {
                return Err(invalid(format!("event {} is out of order", e.seq)));
            }
            last = e.seq;
            if !event_texts_are_clean(e) {
                return Err(invalid(format!(
                    "event {}: a text is too long, not normalised or holds control characters",
                    e.seq
                )));
            }
            let movement = matches!(e.kind, EventKind::Created | EventKind::StockChanged);
            if movement != e.delta.is_some() {
                return Err(invalid(format!(
                    "event {}: delta does not fit its kind",
                    e.seq
                )));
            }
            if e.kind == EventKind::Created && !created.insert(e.product_id) {
                return Err(invalid(format!("event {}: product created twice", e.seq)));
            }
            *sums.entry(e.product_id).or_default() += e.delta.unwrap_or(0);
        }
        for p in &self.products {
            if !created.contains(&p.id) {
                return Err(invalid(format!("product {} has no created event", p.id)));
            }
            if sums.get(&p.id).copied() != Some(i64::from(p.stock)) {
                return Err(invalid(format!(
                    "product {}: stock {} differs from the sum of its movements",
                    p.id, p.stock
                )));
            }
        }
        Ok(())
    }
}

/// Whether the texts of an event keep the rules their inputs had: a normalised SKU, short
/// reason, reference and actor, and no control characters anywhere (a store may refuse them).
fn event_texts_are_clean(e: &Event) -> bool {
    let clean =
        |text: &str, max: usize| text.chars().count() <= max && !text.chars().any(char::is_control);
    normalize_sku(&e.sku).is_ok_and(|sku| sku == e.sku)
        && e.reason
            .as_deref()
            .is_none_or(|r| clean(r, MAX_REASON_CHARS))
        && e.reference
            .as_deref()
            .is_none_or(|r| clean(r, MAX_NOTE_CHARS))
        && e.actor.as_deref().is_none_or(|a| clean(a, MAX_NOTE_CHARS))
        && e.changes.iter().all(|c| {
            clean(&c.field, MAX_NAME_CHARS)
                && clean(&c.before, MAX_NAME_CHARS)
                && clean(&c.after, MAX_NAME_CHARS)
        })
}

impl Inventory {
    /// Everything in the inventory, as a [`Snapshot`].
    pub fn export(&self) -> Result<Snapshot> {
        let mut products = self.store().all_products()?;
        products.sort_by_key(|p| (p.created_at, p.id));
        let mut events = Vec::new();
        loop {
            let since = events.last().map_or(0, |e: &Event| e.seq);
            let batch = self.store().events_since(since, MAX_EVENTS_LIMIT)?;
            if batch.is_empty() {
                break;
            }
            events.extend(batch);
        }
        Ok(Snapshot {
            format: SNAPSHOT_FORMAT,
            products,
            events,
        })
    }

    /// Loads a snapshot into this inventory, which must be empty. The snapshot is checked whole
    /// first; a bad one is refused and nothing is written.
    pub fn import(&self, snapshot: &Snapshot) -> Result<()> {
        snapshot.validate()?;
        if !self.store().all_products()?.is_empty() || !self.store().events_since(0, 1)?.is_empty()
        {
            return Err(invalid("can only be imported into an empty inventory"));
        }
        self.store().write(&mut |tx| {
            for p in &snapshot.products {
                tx.insert(p)?;
            }
            for e in &snapshot.events {
                tx.append(&mut e.clone())?;
            }
            Ok(())
        })
    }
}
