//! Snapshots: the whole inventory (products and ledger) as one JSON document, to move data
//! between stores or keep it where there is no database (a browser's `localStorage`).

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::error::{InventoryError, Result};
use crate::inventory::{Inventory, MAX_EVENTS_LIMIT};
use crate::ledger::Event;
use crate::price::validate_price;
use crate::product::{Product, validate_name, validate_stock};
use crate::replay::{Replay, is_normal_time};
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

    /// Checks the snapshot whole: it is accepted only if replaying its ledger from nothing
    /// yields exactly its products. Every product's fields are in the form a store keeps
    /// (normalised name and SKU, a price with two places, times in microseconds), ids and SKUs
    /// are unique; the events' numbers increase; every chain of movements is continuous (each
    /// starts where the last ended, within the stock bounds, sums checked); nothing happens to
    /// a product before it is created or after it is deleted; and each product's stock,
    /// version, SKU and times are what its events add up to.
    ///
    /// ```
    /// use inventory_core::{Inventory, NewProduct, Decimal};
    /// let inv = Inventory::in_memory();
    /// inv.create(NewProduct::new("Widget", "W-1", Decimal::ONE).with_stock(3))?;
    /// let mut snapshot = inv.export()?;
    /// snapshot.validate()?;
    /// snapshot.products[0].stock = 4; // no longer what its movements add up to
    /// let err = snapshot.validate().unwrap_err();
    /// assert_eq!(err.field(), Some("snapshot"));
    /// # Ok::<(), inventory_core::InventoryError>(())
    /// ```
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
            validate_price(p.price).map_err(at)?;
            same(p.price.scale() == 2, "price")?;
            validate_stock(p.stock).map_err(at)?;
            same(
                is_normal_time(p.created_at) && is_normal_time(p.updated_at),
                "a timestamp",
            )?;
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
        let mut replay = Replay::default();
        for e in &self.events {
            replay.apply(e).map_err(invalid)?;
        }
        replay.check_products(&self.products).map_err(invalid)
    }
}

impl Inventory {
    /// Everything in the inventory, as a [`Snapshot`].
    pub fn export(&self) -> Result<Snapshot> {
        let mut products = self.live()?.all_products()?;
        products.sort_by_key(|p| (p.created_at, p.id));
        let mut events = Vec::new();
        loop {
            let since = events.last().map_or(0, |e: &Event| e.seq);
            let batch = self.live()?.events_since(since, MAX_EVENTS_LIMIT)?;
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
    ///
    /// Whether the inventory is empty is decided inside the import's own write transaction, so
    /// of two imports racing into one empty inventory exactly one succeeds.
    pub fn import(&self, snapshot: &Snapshot) -> Result<()> {
        snapshot.validate()?;
        self.live()?.write(&mut |tx| {
            if !tx.is_empty()? {
                return Err(invalid("can only be imported into an empty inventory"));
            }
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
