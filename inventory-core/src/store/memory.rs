//! [`MemoryStore`]: everything in memory, indexed by id, SKU and every sort order, behind one
//! lock.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Bound;
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Store, WriteFn, WriteTx};
use crate::error::{InventoryError, Result};
use crate::hold::{Hold, HoldStatus};
use crate::idempotency::IdempotencyRecord;
use crate::ledger::Event;
use crate::location::{Location, StockLevel};
use crate::product::Product;
use crate::query::{ListQuery, SortField, SortKey};
use crate::text::fold_case;

/// The orders products can be listed in, each kept as an ordered index.
const ORDERS: [SortField; 5] = [
    SortField::CreatedAt,
    SortField::Name,
    SortField::Sku,
    SortField::Price,
    SortField::Stock,
];

fn slot(field: SortField) -> usize {
    match field {
        SortField::CreatedAt => 0,
        SortField::Name => 1,
        SortField::Sku => 2,
        SortField::Price => 3,
        SortField::Stock => 4,
    }
}

/// A thread-safe in-memory store: a hash index by id, an ordered index by SKU and one per sort
/// order (so a page is read from its cursor, not found by scanning), the ledger in a vector, and
/// the running total value the writes move.
///
/// Writers take the lock for the whole transaction, so concurrent stock changes serialise and
/// none is lost; a failed transaction is undone before the lock is released.
///
/// ```
/// use inventory_core::{Inventory, MemoryStore};
/// let inv = Inventory::new(MemoryStore::new());
/// assert_eq!(inv.total_value().unwrap().to_string(), "0.00");
/// ```
#[derive(Debug)]
pub struct MemoryStore {
    state: RwLock<State>,
}

impl Default for MemoryStore {
    fn default() -> Self {
        let now = chrono::DateTime::from_timestamp_micros(chrono::Utc::now().timestamp_micros())
            .unwrap_or_default();
        let default = crate::snapshot::default_location(now);
        Self {
            state: RwLock::new(State {
                replica: Uuid::new_v4(),
                locations: BTreeMap::from([(default.code.clone(), default)]),
                ..State::default()
            }),
        }
    }
}

#[derive(Debug, Default)]
struct State {
    replica: Uuid,
    locations: BTreeMap<String, Location>,
    /// Each product's levels by location code.
    levels: HashMap<Uuid, BTreeMap<String, StockLevel>>,
    keys: HashMap<String, IdempotencyRecord>,
    products: HashMap<Uuid, Product>,
    by_sku: BTreeMap<String, Uuid>,
    /// For each of [`ORDERS`], every product's (sort key, id), in the order `list` returns them.
    ordered: [BTreeSet<(SortKey, Uuid)>; ORDERS.len()],
    events: Vec<Event>,
    events_by_product: HashMap<Uuid, Vec<usize>>,
    total_cents: i128,
    /// Holds by id (time-ordered v7 ids, so oldest first).
    holds: BTreeMap<Uuid, Hold>,
    holds_by_product: HashMap<Uuid, BTreeSet<Uuid>>,
    /// The active holds that expire: (expires_at, id).
    expiring: BTreeSet<(DateTime<Utc>, Uuid)>,
    /// Each product's name as searched ([`fold_case`]), folded once per name, not per query.
    folded: HashMap<Uuid, Box<str>>,
}

impl State {
    /// Stores `product` (replacing the one with its id), keeping the indexes and total in step.
    fn put(&mut self, product: Product) -> Option<Product> {
        let old = self.products.insert(product.id, product.clone());
        self.reindex(old.as_ref(), Some(&product));
        if old.as_ref().is_none_or(|old| old.name != product.name) {
            self.folded
                .insert(product.id, fold_case(&product.name).into_boxed_str());
        }
        if let Some(old) = &old {
            if old.sku != product.sku {
                self.by_sku.remove(&old.sku);
            }
        }
        self.by_sku.insert(product.sku, product.id);
        old
    }

    fn remove(&mut self, id: Uuid) -> Option<Product> {
        let old = self.products.remove(&id)?;
        self.folded.remove(&id);
        self.by_sku.remove(&old.sku);
        self.reindex(Some(&old), None);
        Some(old)
    }

    /// Moves a product's entries in the ordered indexes from `old` to `new` (either may be
    /// absent), touching only the orders whose key changed: a stock movement moves one entry.
    fn reindex(&mut self, old: Option<&Product>, new: Option<&Product>) {
        for field in ORDERS {
            if let (Some(old), Some(new)) = (old, new)
                && same_key(old, new, field)
            {
                continue;
            }
            let index = &mut self.ordered[slot(field)];
            if let Some(old) = old {
                index.remove(&(SortKey::of(old, field), old.id));
            }
            if let Some(new) = new {
                index.insert((SortKey::of(new, field), new.id));
            }
        }
    }

    /// Stores a hold (replacing the one with its id), keeping its indexes in step; returns the
    /// one it replaces.
    fn set_hold(&mut self, hold: Hold) -> Option<Hold> {
        let old = self.holds.insert(hold.id, hold.clone());
        if let Some(old) = &old
            && let Some(at) = old.expires_at
        {
            self.expiring.remove(&(at, old.id));
        }
        if hold.status == HoldStatus::Active
            && let Some(at) = hold.expires_at
        {
            self.expiring.insert((at, hold.id));
        }
        self.holds_by_product
            .entry(hold.product_id)
            .or_default()
            .insert(hold.id);
        old
    }

    fn remove_hold(&mut self, id: Uuid) {
        if let Some(old) = self.holds.remove(&id) {
            if let Some(at) = old.expires_at {
                self.expiring.remove(&(at, id));
            }
            if let Some(ids) = self.holds_by_product.get_mut(&old.product_id) {
                ids.remove(&id);
            }
        }
    }

    fn product_holds(&self, product_id: Uuid) -> impl Iterator<Item = &Hold> {
        self.holds_by_product
            .get(&product_id)
            .into_iter()
            .flatten()
            .filter_map(|id| self.holds.get(id))
    }

    /// Stores a level, returning the one it replaces.
    fn set_level(&mut self, level: StockLevel) -> Option<StockLevel> {
        self.levels
            .entry(level.product_id)
            .or_default()
            .insert(level.location.clone(), level)
    }

    /// Whether `p` passes the query's reorder filter (when it has one).
    fn reorder_matches(&self, query: &ListQuery, p: &Product) -> bool {
        query.reorder.as_ref().is_none_or(|filter| {
            let levels = self.levels.get(&p.id).into_iter().flat_map(|l| l.values());
            filter.matches(p.stock, levels)
        })
    }

    fn check_sku_free(&self, product: &Product) -> Result<()> {
        match self.by_sku.get(&product.sku) {
            Some(owner) if *owner != product.id => Err(InventoryError::DuplicateSku {
                sku: product.sku.clone(),
            }),
            _ => Ok(()),
        }
    }
}

/// Whether two versions of a product sort the same by `field` (compared without building keys).
fn same_key(a: &Product, b: &Product, field: SortField) -> bool {
    match field {
        SortField::CreatedAt => a.created_at == b.created_at,
        SortField::Name => a.name == b.name,
        SortField::Sku => a.sku == b.sku,
        SortField::Price => a.price == b.price,
        SortField::Stock => a.stock == b.stock,
    }
}

enum Undo {
    Put(Uuid, Option<Product>),
    Remove(Product, Option<BTreeMap<String, StockLevel>>),
    Append,
    Location(String, Option<Location>),
    /// A location removed, with the levels it held.
    RemoveLocation(Location, Vec<StockLevel>),
    Level(Uuid, String, Option<StockLevel>),
    Key(String),
    Hold(Uuid, Option<Hold>),
    Total(i128),
}

struct Tx<'a> {
    state: &'a mut State,
    undo: Vec<Undo>,
}

impl Tx<'_> {
    fn rollback(&mut self) {
        while let Some(step) = self.undo.pop() {
            match step {
                Undo::Put(id, None) => {
                    self.state.remove(id);
                }
                Undo::Put(_, Some(old)) => {
                    self.state.put(old);
                }
                Undo::Remove(old, levels) => {
                    if let Some(levels) = levels {
                        self.state.levels.insert(old.id, levels);
                    }
                    self.state.put(old);
                }
                Undo::Location(code, old) => match old {
                    Some(old) => {
                        self.state.locations.insert(code, old);
                    }
                    None => {
                        self.state.locations.remove(&code);
                    }
                },
                Undo::RemoveLocation(location, levels) => {
                    for l in levels {
                        self.state.set_level(l);
                    }
                    self.state.locations.insert(location.code.clone(), location);
                }
                Undo::Level(id, code, old) => match old {
                    Some(old) => {
                        self.state.set_level(old);
                    }
                    None => {
                        if let Some(levels) = self.state.levels.get_mut(&id) {
                            levels.remove(&code);
                        }
                    }
                },
                Undo::Key(key) => {
                    self.state.keys.remove(&key);
                }
                Undo::Total(cents) => self.state.total_cents -= cents,
                Undo::Hold(id, old) => match old {
                    Some(old) => {
                        self.state.set_hold(old);
                    }
                    None => self.state.remove_hold(id),
                },
                Undo::Append => {
                    if let Some(e) = self.state.events.pop()
                        && let Some(list) = self.state.events_by_product.get_mut(&e.product_id)
                    {
                        list.pop();
                    }
                }
            }
        }
    }
}

impl WriteTx for Tx<'_> {
    fn get(&mut self, id: Uuid) -> Result<Option<Product>> {
        Ok(self.state.products.get(&id).cloned())
    }

    fn get_by_sku(&mut self, sku: &str) -> Result<Option<Product>> {
        let state = &self.state;
        Ok(state
            .by_sku
            .get(sku)
            .and_then(|id| state.products.get(id))
            .cloned())
    }

    fn hold(&mut self, id: Uuid) -> Result<Option<Hold>> {
        Ok(self.state.holds.get(&id).cloned())
    }

    fn active_holds(&mut self, product_id: Uuid) -> Result<Vec<Hold>> {
        Ok(self
            .state
            .product_holds(product_id)
            .filter(|h| h.status == HoldStatus::Active)
            .cloned()
            .collect())
    }

    fn due_holds(&mut self, now: DateTime<Utc>, limit: u32) -> Result<Vec<Hold>> {
        Ok(self
            .state
            .expiring
            .iter()
            .take_while(|(at, _)| *at <= now)
            .take(limit as usize)
            .filter_map(|(_, id)| self.state.holds.get(id).cloned())
            .collect())
    }

    fn put_hold(&mut self, hold: &Hold) -> Result<()> {
        let old = self.state.set_hold(hold.clone());
        self.undo.push(Undo::Hold(hold.id, old));
        Ok(())
    }

    fn add_to_total(&mut self, _product_id: Uuid, cents: i128) -> Result<()> {
        self.state.total_cents += cents;
        self.undo.push(Undo::Total(cents));
        Ok(())
    }

    fn insert(&mut self, product: &Product) -> Result<()> {
        if self.state.products.contains_key(&product.id) {
            return Err(InventoryError::storage(format!(
                "a product with id {} already exists",
                product.id
            )));
        }
        self.state.check_sku_free(product)?;
        self.state.put(product.clone());
        self.undo.push(Undo::Put(product.id, None));
        Ok(())
    }

    fn update(&mut self, product: &Product) -> Result<()> {
        if !self.state.products.contains_key(&product.id) {
            return Err(InventoryError::not_found_id(product.id));
        }
        self.state.check_sku_free(product)?;
        let old = self.state.put(product.clone());
        self.undo.push(Undo::Put(product.id, old));
        Ok(())
    }

    fn delete(&mut self, id: Uuid) -> Result<()> {
        let old = self
            .state
            .remove(id)
            .ok_or_else(|| InventoryError::not_found_id(id))?;
        let levels = self.state.levels.remove(&id);
        self.undo.push(Undo::Remove(old, levels));
        Ok(())
    }

    fn is_empty(&mut self) -> Result<bool> {
        Ok(self.state.products.is_empty() && self.state.events.is_empty())
    }

    fn append(&mut self, event: &mut Event) -> Result<()> {
        let last = self.state.events.last().map_or(0, |e| e.seq);
        if event.seq == 0 {
            event.seq = last + 1;
        } else if event.seq <= last {
            return Err(InventoryError::storage(format!(
                "event sequence {} is not after the last one ({last})",
                event.seq
            )));
        }
        let index = self.state.events.len();
        self.state.events.push(event.clone());
        self.state
            .events_by_product
            .entry(event.product_id)
            .or_default()
            .push(index);
        self.undo.push(Undo::Append);
        Ok(())
    }

    fn location(&mut self, code: &str) -> Result<Option<Location>> {
        Ok(self.state.locations.get(code).cloned())
    }

    fn put_location(&mut self, location: &Location) -> Result<()> {
        let old = self
            .state
            .locations
            .insert(location.code.clone(), location.clone());
        self.undo.push(Undo::Location(location.code.clone(), old));
        Ok(())
    }

    fn delete_location(&mut self, code: &str) -> Result<()> {
        let Some(location) = self.state.locations.remove(code) else {
            return Ok(());
        };
        let mut removed = Vec::new();
        for levels in self.state.levels.values_mut() {
            removed.extend(levels.remove(code));
        }
        self.undo.push(Undo::RemoveLocation(location, removed));
        Ok(())
    }

    fn location_on_hand(&mut self, code: &str) -> Result<u64> {
        let at = self.state.levels.values().filter_map(|l| l.get(code));
        Ok(at.map(|l| u64::from(l.on_hand)).sum())
    }

    fn level(&mut self, product_id: Uuid, location: &str) -> Result<Option<StockLevel>> {
        Ok(self
            .state
            .levels
            .get(&product_id)
            .and_then(|l| l.get(location))
            .cloned())
    }

    fn put_level(&mut self, level: &StockLevel) -> Result<()> {
        // Kept as the SQL stores keep it: on hand, reserved and the reorder point (available and
        // short follow from them).
        let old = self.state.set_level(StockLevel::stored(
            level.product_id,
            level.location.clone(),
            level.on_hand,
            level.reserved,
            level.reorder_point,
        ));
        self.undo
            .push(Undo::Level(level.product_id, level.location.clone(), old));
        Ok(())
    }

    fn idempotency(&mut self, key: &str) -> Result<Option<IdempotencyRecord>> {
        Ok(self.state.keys.get(key).cloned())
    }

    fn put_idempotency(&mut self, record: &IdempotencyRecord) -> Result<()> {
        if self.state.keys.contains_key(&record.key) {
            return Err(InventoryError::storage(format!(
                "idempotency key {:?} is stored already",
                record.key
            )));
        }
        self.state.keys.insert(record.key.clone(), record.clone());
        self.undo.push(Undo::Key(record.key.clone()));
        Ok(())
    }
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn read(&self) -> Result<RwLockReadGuard<'_, State>> {
        self.state
            .read()
            .map_err(|_| InventoryError::storage("memory store lock poisoned"))
    }

    fn lock(&self) -> Result<RwLockWriteGuard<'_, State>> {
        self.state
            .write()
            .map_err(|_| InventoryError::storage("memory store lock poisoned"))
    }
}

impl Store for MemoryStore {
    fn write(&self, f: &mut WriteFn<'_>) -> Result<()> {
        let mut state = self.lock()?;
        let mut tx = Tx {
            state: &mut state,
            undo: Vec::new(),
        };
        // A panic inside the transaction (a bug) is undone like an error, and the lock is
        // released before the panic goes on, so the store is not left poisoned for every caller.
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&mut tx)));
        if !matches!(result, Ok(Ok(()))) {
            tx.rollback();
        }
        drop(state);
        result.unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    }

    fn get(&self, id: Uuid) -> Result<Option<Product>> {
        Ok(self.read()?.products.get(&id).cloned())
    }

    fn get_by_sku(&self, sku: &str) -> Result<Option<Product>> {
        let state = self.read()?;
        Ok(state
            .by_sku
            .get(sku)
            .and_then(|id| state.products.get(id))
            .cloned())
    }

    fn list(&self, query: &ListQuery) -> Result<(Vec<Product>, Option<u64>)> {
        let state = self.read()?;
        // Read the page along the query's ordered index, from just after the cursor.
        let index = &state.ordered[slot(query.order_by.field)];
        let after = |cursor: &(SortKey, Uuid)| Bound::Excluded(cursor.clone());
        let keys: Box<dyn Iterator<Item = &(SortKey, Uuid)>> =
            match (&query.after, query.order_by.descending) {
                (None, false) => Box::new(index.iter()),
                (None, true) => Box::new(index.iter().rev()),
                (Some(c), false) => Box::new(index.range((after(c), Bound::Unbounded))),
                (Some(c), true) => Box::new(index.range((Bound::Unbounded, after(c))).rev()),
            };
        let matches = |p: &Product| {
            query.matches_folded(p, || state.folded.get(&p.id).map_or("", |f| &**f))
                && state.reorder_matches(query, p)
        };
        let items = keys
            .filter_map(|(_, id)| state.products.get(id))
            .filter(|p| matches(p))
            .skip(usize::try_from(query.offset).unwrap_or(usize::MAX))
            .take(query.limit as usize)
            .cloned()
            .collect();
        // The total needs every match: free without filters, a scan with them.
        let total = if !query.count {
            None
        } else if query.is_unfiltered() {
            Some(state.products.len())
        } else {
            Some(state.products.values().filter(|p| matches(p)).count())
        };
        Ok((items, total.map(|n| n as u64)))
    }

    fn total_value_cents(&self) -> Result<i128> {
        Ok(self.read()?.total_cents)
    }

    fn history(&self, id: Uuid) -> Result<Vec<Event>> {
        let state = self.read()?;
        Ok(state
            .events_by_product
            .get(&id)
            .map(|list| list.iter().map(|&i| state.events[i].clone()).collect())
            .unwrap_or_default())
    }

    fn events_since(&self, since: u64, limit: u32) -> Result<Vec<Event>> {
        let state = self.read()?;
        let start = state.events.partition_point(|e| e.seq <= since);
        Ok(state.events[start..]
            .iter()
            .take(limit as usize)
            .cloned()
            .collect())
    }

    fn all_products(&self) -> Result<Vec<Product>> {
        Ok(self.read()?.products.values().cloned().collect())
    }

    fn replica_id(&self) -> Result<Uuid> {
        Ok(self.read()?.replica)
    }

    fn locations(&self) -> Result<Vec<Location>> {
        Ok(self.read()?.locations.values().cloned().collect())
    }

    fn levels(&self, product_id: Uuid) -> Result<Vec<StockLevel>> {
        let state = self.read()?;
        Ok(state
            .levels
            .get(&product_id)
            .map(|l| l.values().cloned().collect())
            .unwrap_or_default())
    }

    fn all_levels(&self) -> Result<Vec<StockLevel>> {
        let state = self.read()?;
        Ok(state
            .levels
            .values()
            .flat_map(|l| l.values().cloned())
            .collect())
    }

    fn all_idempotency(&self) -> Result<Vec<IdempotencyRecord>> {
        Ok(self.read()?.keys.values().cloned().collect())
    }

    fn hold(&self, id: Uuid) -> Result<Option<Hold>> {
        Ok(self.read()?.holds.get(&id).cloned())
    }

    fn holds(&self, product_id: Uuid) -> Result<Vec<Hold>> {
        Ok(self.read()?.product_holds(product_id).cloned().collect())
    }

    fn all_holds(&self) -> Result<Vec<Hold>> {
        Ok(self.read()?.holds.values().cloned().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Inventory, NewProduct};

    #[test]
    fn a_panicking_transaction_is_undone_and_leaves_the_store_usable() {
        let inv = Inventory::new(MemoryStore::new());
        let p = inv
            .create(NewProduct::new("n", "A", rust_decimal::Decimal::ONE).with_stock(1))
            .unwrap();
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _ = inv.store().write(&mut |tx| {
                tx.delete(p.id)?;
                panic!("a bug inside a transaction");
            });
        }));
        assert!(caught.is_err());
        assert_eq!(inv.get(p.id).unwrap(), p);
        inv.adjust_stock(p.id, 1, "restock").unwrap();
    }
}
