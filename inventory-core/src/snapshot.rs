//! Snapshots: the whole inventory (locations, products, levels, ledger and idempotency keys) as
//! one JSON document, to move data between stores or keep it where there is no database (a
//! browser's `localStorage`).

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::error::{InventoryError, Result};
use crate::hold::Hold;
use crate::idempotency::{IdempotencyRecord, check_idempotency_key};
use crate::inventory::{Inventory, MAX_EVENTS_LIMIT};
use crate::ledger::Event;
use crate::location::{
    DEFAULT_LOCATION, Location, StockLevel, normalize_location_code, validate_location_name,
};
use crate::price::validate_price;
use crate::product::{Product, validate_name, validate_stock};
use crate::replay::{Replay, is_normal_time};
use crate::sku::normalize_sku;

/// The snapshot format this build writes. It reads formats 1 (from before locations: its stock
/// is at the default location, and its events get ids as they are read) and 2 (from before
/// holds) too.
pub const SNAPSHOT_FORMAT: u32 = 3;

/// Everything an inventory holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    pub format: u32,
    /// Ordered by code; the default location included.
    #[serde(default)]
    pub locations: Vec<Location>,
    /// Ordered by creation time, then id.
    pub products: Vec<Product>,
    /// Ordered by product id, then location code.
    #[serde(default)]
    pub levels: Vec<StockLevel>,
    /// Ordered by sequence number.
    pub events: Vec<Event>,
    /// Ordered by key.
    #[serde(default)]
    pub idempotency: Vec<IdempotencyRecord>,
    /// Every hold, as stored (an active hold past its time stays active until its expiry is
    /// recorded), ordered by id.
    #[serde(default)]
    pub holds: Vec<Hold>,
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
        let mut snapshot: Self =
            serde_json::from_str(json).map_err(|e| invalid(format!("is not valid JSON: {e}")))?;
        if snapshot.format == 1 {
            snapshot.upgrade_from_1();
        }
        if snapshot.format == 2 {
            snapshot.format = SNAPSHOT_FORMAT;
        }
        snapshot.validate()?;
        Ok(snapshot)
    }

    /// A format-1 snapshot (one stock per product) in format 2: the default location, a level
    /// there per product with stock, movements at it, and an id for every event.
    fn upgrade_from_1(&mut self) {
        self.format = SNAPSHOT_FORMAT;
        let first = self.products.iter().map(|p| p.created_at).min();
        let at = first.unwrap_or(chrono::DateTime::UNIX_EPOCH);
        self.locations = vec![default_location(at)];
        self.levels = self
            .products
            .iter()
            .filter(|p| p.stock > 0)
            .map(|p| StockLevel::stored(p.id, DEFAULT_LOCATION.into(), p.stock, 0, None))
            .collect();
        self.levels.sort_by_key(|l| l.product_id);
        for e in &mut self.events {
            if e.id.is_nil() {
                e.id = uuid::Uuid::now_v7();
            }
            if e.kind.is_movement() && e.location.is_none() {
                e.location = Some(DEFAULT_LOCATION.into());
            }
        }
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
        let mut codes = HashSet::new();
        for (i, l) in self.locations.iter().enumerate() {
            let at = |e: InventoryError| invalid(format!("location {i}: {e}"));
            let normal = normalize_location_code(&l.code, "code").map_err(at)? == l.code
                && validate_location_name(&l.name).map_err(at)? == l.name
                && is_normal_time(l.created_at)
                && is_normal_time(l.updated_at)
                && l.version > 0;
            if !normal {
                return Err(invalid(format!("location {i}: is not in normal form")));
            }
            if !codes.insert(l.code.as_str()) {
                return Err(invalid(format!(
                    "location {i}: code {} appears twice",
                    l.code
                )));
            }
        }
        if !codes.contains(DEFAULT_LOCATION) {
            return Err(invalid(format!("has no location {DEFAULT_LOCATION}")));
        }
        let mut keys = HashSet::new();
        for (i, k) in self.idempotency.iter().enumerate() {
            check_idempotency_key(&k.key).map_err(|e| invalid(format!("key {i}: {e}")))?;
            if !keys.insert(k.key.as_str()) || !is_normal_time(k.at) {
                return Err(invalid(format!("key {i}: appears twice or has a bad time")));
            }
        }
        for (i, l) in self.levels.iter().enumerate() {
            if let Some(r) = l.reorder_point {
                validate_stock(r).map_err(|e| invalid(format!("level {i}: {e}")))?;
            }
        }
        let mut replay = Replay::default();
        for e in &self.events {
            replay.apply(e).map_err(invalid)?;
        }
        replay.check_products(&self.products).map_err(invalid)?;
        replay
            .check_levels(&self.levels, &self.locations)
            .map_err(invalid)?;
        replay.check_holds(&self.holds).map_err(invalid)
    }
}

/// The default location as a store creates it.
pub(crate) fn default_location(at: chrono::DateTime<chrono::Utc>) -> Location {
    Location {
        code: DEFAULT_LOCATION.into(),
        name: "Default".into(),
        created_at: at,
        updated_at: at,
        version: 1,
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
        let store = self.live()?;
        let mut levels = store.all_levels()?;
        levels.sort_by(|a, b| (a.product_id, &a.location).cmp(&(b.product_id, &b.location)));
        let mut idempotency = store.all_idempotency()?;
        idempotency.sort_by(|a, b| a.key.cmp(&b.key));
        let mut holds = store.all_holds()?;
        holds.sort_by_key(|h| h.id);
        Ok(Snapshot {
            format: SNAPSHOT_FORMAT,
            locations: store.locations()?,
            products,
            levels,
            events,
            idempotency,
            holds,
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
            for l in &snapshot.locations {
                tx.put_location(l)?;
            }
            for p in &snapshot.products {
                tx.insert(p)?;
                tx.add_to_total(p.id, crate::price::value_cents(p.price, i64::from(p.stock)))?;
            }
            for l in &snapshot.levels {
                tx.put_level(l)?;
            }
            for e in &snapshot.events {
                tx.append(&mut e.clone())?;
            }
            for k in &snapshot.idempotency {
                tx.put_idempotency(k)?;
            }
            for h in &snapshot.holds {
                tx.put_hold(h)?;
            }
            Ok(())
        })
    }
}
