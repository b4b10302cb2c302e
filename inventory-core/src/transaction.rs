//! [`Transaction`]: every write rule of the library, run inside one store transaction.
//!
//! Each mutation of [`Inventory`](crate::Inventory) is a transaction of one call; several calls
//! go together with [`Inventory::transaction`](crate::Inventory::transaction). Either way the
//! same code below runs, so a rule has one place.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::clock::Clock;
use crate::error::{InventoryError, Result};
use crate::hold::{self, Hold, NewHold};
use crate::idempotency::{IdempotencyRecord, check_idempotency_key, fingerprint};
use crate::ledger::{CheckedChange, Event, EventKind, FieldChange, StockChange, reason};
use crate::location::{
    DEFAULT_LOCATION, Location, StockLevel, location_or_default, normalize_location_code,
    validate_location_name,
};
use crate::movement::{self, MAX_BATCH, Movement};
use crate::price::value_cents;
use crate::product::{CheckedFields, NewProduct, Product, ProductFields, ProductPatch};
use crate::sku::normalize_sku;
use crate::store::WriteTx;

/// A write transaction as the service's rules see it: the store's primitives, and what every
/// event it appends is stamped with (an id, the store's replica id, the request's key).
pub(crate) struct Tx<'a> {
    pub(crate) store: &'a mut dyn WriteTx,
    pub(crate) replica: Uuid,
    pub(crate) key: Option<Arc<str>>,
    pub(crate) new_id: Option<&'a (dyn Fn() -> Uuid + Send + Sync)>,
    pub(crate) clock: &'a dyn Clock,
}

impl Tx<'_> {
    /// Now, by the inventory's clock.
    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// A new product, event, transfer or hold id: time-ordered (v7), unless a test gave its
    /// own generator.
    pub(crate) fn new_id(&self) -> Uuid {
        self.new_id.map_or_else(Uuid::now_v7, |f| f())
    }

    /// Appends `e` stamped with a new id, this store's replica id and the request's key.
    pub(crate) fn append(&mut self, e: &mut Event) -> Result<()> {
        e.id = self.new_id();
        e.replica = self.replica;
        e.idempotency_key = self.key.as_deref().map(str::to_owned);
        self.store.append(e)
    }

    /// Runs one request under the current key: with no key, `f`; with a key used before, the
    /// first answer (or `IdempotencyConflict` for another request); with a new key, `f`, and
    /// the key is stored with its answer in this same transaction.
    fn request<T: Serialize + DeserializeOwned>(
        &mut self,
        request: impl FnOnce() -> String,
        f: impl FnOnce(&mut Self) -> Result<T>,
    ) -> Result<T> {
        let Some(key) = self.key.clone() else {
            return f(self);
        };
        let request = request();
        if let Some(first) = self.store.idempotency(&key)? {
            if first.request != request {
                return Err(InventoryError::IdempotencyConflict {
                    key: key.to_string(),
                });
            }
            return serde_json::from_str(&first.response).map_err(|e| {
                InventoryError::storage(format!("the stored response of key {key:?}: {e}"))
            });
        }
        let value = f(self)?;
        self.store.put_idempotency(&IdempotencyRecord {
            key: key.to_string(),
            request,
            response: serde_json::to_string(&value).map_err(InventoryError::storage)?,
            at: self.now(),
        })?;
        Ok(value)
    }
}

/// Several reads and writes that commit together, or not at all: what
/// [`Inventory::transaction`](crate::Inventory::transaction) hands its closure. It has the
/// inventory's methods, with the same rules, the same ledger and the same errors; what it
/// reads includes its own writes.
///
/// **A call that fails ends the transaction**: a write may have written part of its change,
/// so every later call returns the same error, and so does the transaction, which then commits
/// nothing — even if the closure went on and returned `Ok`. A read that finds nothing
/// (`NotFound` from [`Transaction::get`], [`Transaction::get_by_sku`],
/// [`Transaction::location`]) wrote nothing and does not end it.
///
/// Idempotency keys are per call: [`Transaction::idempotent`] sets the key of the calls that
/// follow (the handle's own key, if it has one, is the first call's).
pub struct Transaction<'a> {
    pub(crate) tx: Tx<'a>,
    /// The error of the call that ended the transaction, if one did.
    pub(crate) failed: Option<InventoryError>,
}

impl std::fmt::Debug for Transaction<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transaction")
            .field("key", &self.tx.key)
            .field("failed", &self.failed)
            .finish_non_exhaustive()
    }
}

impl Transaction<'_> {
    /// Runs one call: refused once the transaction failed; a failure ends the transaction.
    fn call<T>(&mut self, f: impl FnOnce(&mut Tx<'_>) -> Result<T>) -> Result<T> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        let result = f(&mut self.tx);
        if let Err(e) = &result {
            self.failed = Some(e.clone());
        }
        result
    }

    /// Runs one read: refused once the transaction failed; a storage fault ends the
    /// transaction, an answer of `NotFound` does not (it wrote nothing).
    fn read<T>(&mut self, f: impl FnOnce(&mut Tx<'_>) -> Result<T>) -> Result<T> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        let result = f(&mut self.tx);
        if let Err(e @ InventoryError::Storage { .. }) = &result {
            self.failed = Some(e.clone());
        }
        result
    }

    /// Runs one write request under the current key (see [`Inventory::idempotent`](crate::Inventory::idempotent)).
    fn write<T: Serialize + DeserializeOwned>(
        &mut self,
        request: impl FnOnce() -> String,
        f: impl FnOnce(&mut Tx<'_>) -> Result<T>,
    ) -> Result<T> {
        self.call(|tx| tx.request(request, f))
    }

    /// Now, by the inventory's clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.tx.now()
    }

    /// Sets the idempotency key of the calls that follow (`None`: no key). Each keyed call is
    /// looked up and stored in this transaction: a call made before with its key applies
    /// nothing and returns what it returned. Two different calls under one key conflict, as
    /// they do on a keyed handle, so give each call its own.
    ///
    /// ```
    /// use inventory_core::{Inventory, NewProduct, Decimal};
    /// let inv = Inventory::in_memory();
    /// let p = inv.create(NewProduct::new("Bolt", "B-1", Decimal::ONE).with_stock(5))?;
    /// for _ in 0..2 {
    ///     inv.transaction(|tx| {
    ///         tx.idempotent("order-7:line-1")?;
    ///         tx.adjust_stock(p.id, -2, "sale")?;
    ///         tx.idempotent("order-7:line-2")?;
    ///         tx.adjust_stock(p.id, -1, "sale")
    ///     })?;
    /// }
    /// assert_eq!(inv.get(p.id)?.stock, 2); // the second run applied nothing
    /// # Ok::<(), inventory_core::InventoryError>(())
    /// ```
    pub fn idempotent<'k>(&mut self, key: impl Into<Option<&'k str>>) -> Result<()> {
        let key = key.into();
        if let Some(key) = key {
            check_idempotency_key(key)?;
        }
        self.tx.key = key.map(Arc::from);
        Ok(())
    }

    /// When a call with this idempotency key was first applied, or `None` for a key never
    /// used: how a caller knows, before it repeats work, that it was done.
    pub fn key_used_at(&mut self, key: &str) -> Result<Option<DateTime<Utc>>> {
        check_idempotency_key(key)?;
        self.read(|tx| Ok(tx.store.idempotency(key)?.map(|r| r.at)))
    }

    /// The product with this id as this transaction sees it, or `NotFound`. Where the store
    /// locks rows (PostgreSQL), the product stays locked until the transaction ends.
    pub fn get(&mut self, id: Uuid) -> Result<Product> {
        self.read(|tx| movement::product(tx, id))
    }

    /// The product with this SKU (normalised first), as [`Transaction::get`] sees it, or
    /// `NotFound`.
    pub fn get_by_sku(&mut self, sku: &str) -> Result<Product> {
        let sku = normalize_sku(sku)?;
        self.read(|tx| {
            tx.store
                .get_by_sku(&sku)?
                .ok_or_else(|| InventoryError::not_found_sku(&sku))
        })
    }

    /// The location with this code (normalised first), or `NotFound`.
    pub fn location(&mut self, code: &str) -> Result<Location> {
        let code = normalize_location_code(code, "code")?;
        self.read(|tx| {
            tx.store
                .location(&code)?
                .ok_or_else(|| InventoryError::not_found_location(&code))
        })
    }

    /// See [`Inventory::create`](crate::Inventory::create).
    pub fn create(&mut self, new: NewProduct) -> Result<Product> {
        let fields = checked_fields(new)?;
        self.write(
            || fingerprint("create", &fields.request()),
            |tx| {
                let made = insert(tx, fields.product(tx, tx.now()))?;
                tx.store
                    .add_to_total(made.id, value_cents(made.price, i64::from(made.stock)))?;
                Ok(made)
            },
        )
    }

    /// See [`Inventory::create_many`](crate::Inventory::create_many).
    pub fn create_many(&mut self, new: Vec<NewProduct>) -> Result<Vec<Product>> {
        let fields = new
            .into_iter()
            .enumerate()
            .map(|(i, n)| checked_fields(n).map_err(|e| e.in_item(i)))
            .collect::<Result<Vec<_>>>()?;
        self.write(
            || {
                let fields: Vec<_> = fields.iter().map(NewFields::request).collect();
                fingerprint("create_many", &fields)
            },
            |tx| {
                let made = fields
                    .iter()
                    .map(|f| insert(tx, f.product(tx, tx.now())))
                    .collect::<Result<Vec<_>>>()?;
                let value = made
                    .iter()
                    .map(|p| value_cents(p.price, i64::from(p.stock)))
                    .sum();
                if let Some(first) = made.first() {
                    tx.store.add_to_total(first.id, value)?;
                }
                Ok(made)
            },
        )
    }

    /// See [`Inventory::update`](crate::Inventory::update).
    pub fn update(&mut self, id: Uuid, patch: ProductPatch) -> Result<Product> {
        let CheckedFields {
            name,
            sku,
            price,
            stock,
        } = ProductFields {
            name: patch.name.as_deref(),
            sku: patch.sku.as_deref(),
            price: patch.price,
            stock: patch.stock,
        }
        .check_first()?;
        let correction = StockChange::new(reason::CORRECTION).check()?;
        let request = || {
            fingerprint(
                "update",
                &(id, &name, &sku, price, stock, patch.expected_version),
            )
        };
        self.write(request, |tx| {
            let mut p = movement::product(tx, id)?;
            if let Some(expected) = patch.expected_version
                && expected != p.version
            {
                return Err(InventoryError::VersionConflict {
                    field: "version".into(),
                    expected,
                    actual: p.version,
                });
            }
            let mut changes = Vec::new();
            let mut change = |field: &str, before: String, after: String| {
                if before != after {
                    changes.push(FieldChange {
                        field: field.into(),
                        before,
                        after,
                    });
                }
            };
            if let Some(name) = &name {
                change("name", p.name.clone(), name.clone());
            }
            if let Some(sku) = &sku {
                change("sku", p.sku.clone(), sku.clone());
            }
            if let Some(price) = price {
                change("price", p.price.to_string(), price.to_string());
            }
            let recount = stock.filter(|s| *s != p.stock);
            if changes.is_empty() {
                return match recount {
                    Some(stock) => correct(tx, p, stock, &correction),
                    None => Ok(p),
                };
            }
            let before_sku = p.sku.clone();
            let before_price = p.price;
            p.name = name.clone().unwrap_or(p.name);
            p.sku = sku.clone().unwrap_or(p.sku);
            p.price = price.unwrap_or(p.price);
            if p.price != before_price {
                let stock = i64::from(p.stock);
                tx.store.add_to_total(
                    p.id,
                    value_cents(p.price, stock) - value_cents(before_price, stock),
                )?;
            }
            touch(&mut p, tx.now());
            tx.store.update(&p)?;
            let mut event = Event {
                changes,
                ..event(&p, EventKind::Updated)
            };
            if event.changes.iter().any(|c| c.field == "sku") {
                event.sku = before_sku;
            }
            tx.append(&mut event)?;
            match recount {
                Some(stock) => correct(tx, p, stock, &correction),
                None => Ok(p),
            }
        })
    }

    /// See [`Inventory::delete`](crate::Inventory::delete).
    pub fn delete(&mut self, id: Uuid) -> Result<()> {
        self.write(
            || fingerprint("delete", &id),
            |tx| {
                let p = movement::product(tx, id)?;
                hold::close_all(tx, &p)?;
                tx.store.delete(id)?;
                tx.store
                    .add_to_total(id, -value_cents(p.price, i64::from(p.stock)))?;
                let mut e = Event {
                    at: tx.now(),
                    stock_before: Some(p.stock),
                    ..event(&p, EventKind::Deleted)
                };
                tx.append(&mut e)
            },
        )
    }

    /// See [`Inventory::adjust_stock`](crate::Inventory::adjust_stock).
    pub fn adjust_stock(
        &mut self,
        id: Uuid,
        delta: i64,
        change: impl Into<StockChange>,
    ) -> Result<Product> {
        self.movement(Movement::adjust(id, delta, change))
    }

    /// See [`Inventory::set_stock`](crate::Inventory::set_stock).
    pub fn set_stock(
        &mut self,
        id: Uuid,
        quantity: u32,
        change: impl Into<StockChange>,
    ) -> Result<Product> {
        self.movement(Movement::count(id, quantity, change))
    }

    /// See [`Inventory::transfer`](crate::Inventory::transfer).
    pub fn transfer(
        &mut self,
        id: Uuid,
        quantity: u32,
        from_location: &str,
        to_location: &str,
        change: impl Into<StockChange>,
    ) -> Result<Product> {
        self.movement(Movement::transfer(
            id,
            quantity,
            from_location,
            to_location,
            change,
        ))
    }

    /// Runs one adjustment, count or transfer.
    pub fn movement(&mut self, m: Movement) -> Result<Product> {
        let checked = m.check()?;
        self.write(|| fingerprint("movement", &checked), |tx| checked.apply(tx))
    }

    /// See [`Inventory::apply`](crate::Inventory::apply).
    pub fn apply(&mut self, movements: Vec<Movement>) -> Result<Vec<Product>> {
        if movements.is_empty() || movements.len() > MAX_BATCH {
            return Err(InventoryError::validation(
                "movements",
                format!(
                    "must hold 1 to {MAX_BATCH} movements (got {})",
                    movements.len()
                ),
            ));
        }
        let checked = movements
            .into_iter()
            .enumerate()
            .map(|(i, m)| m.check().map_err(|e| e.in_list("movements", i)))
            .collect::<Result<Vec<_>>>()?;
        self.write(
            || fingerprint("apply", &checked),
            |tx| {
                checked
                    .iter()
                    .enumerate()
                    .map(|(i, m)| m.apply(tx).map_err(|e| e.in_list("movements", i)))
                    .collect()
            },
        )
    }

    /// See [`Inventory::create_location`](crate::Inventory::create_location).
    pub fn create_location(&mut self, code: &str, name: &str) -> Result<Location> {
        let code = normalize_location_code(code, "code")?;
        let name = validate_location_name(name)?;
        self.write(
            || fingerprint("create_location", &(&code, &name)),
            |tx| {
                let at = tx.now();
                let location = Location {
                    code: code.clone(),
                    name: name.clone(),
                    created_at: at,
                    updated_at: at,
                    version: 1,
                };
                tx.store.insert_location(&location)?;
                Ok(location)
            },
        )
    }

    /// See [`Inventory::rename_location`](crate::Inventory::rename_location).
    pub fn rename_location(&mut self, code: &str, name: &str) -> Result<Location> {
        let code = normalize_location_code(code, "code")?;
        let name = validate_location_name(name)?;
        self.write(
            || fingerprint("rename_location", &(&code, &name)),
            |tx| {
                let mut location = tx
                    .store
                    .location(&code)?
                    .ok_or_else(|| InventoryError::not_found_location(&code))?;
                if location.name != name {
                    location.name = name.clone();
                    location.updated_at = tx.now().max(location.updated_at);
                    location.version += 1;
                    tx.store.put_location(&location)?;
                }
                Ok(location)
            },
        )
    }

    /// See [`Inventory::delete_location`](crate::Inventory::delete_location).
    pub fn delete_location(&mut self, code: &str) -> Result<()> {
        let code = normalize_location_code(code, "code")?;
        if code == DEFAULT_LOCATION {
            return Err(InventoryError::validation(
                "code",
                "the default location cannot be deleted",
            ));
        }
        self.write(
            || fingerprint("delete_location", &code),
            |tx| {
                if tx.store.location(&code)?.is_none() {
                    return Err(InventoryError::not_found_location(&code));
                }
                let on_hand = tx.store.location_on_hand(&code)?;
                if on_hand > 0 {
                    return Err(InventoryError::validation(
                        "code",
                        format!(
                            "location {code:?} still holds {on_hand} units; transfer them first"
                        ),
                    ));
                }
                tx.store.delete_location(&code)
            },
        )
    }

    /// See [`Inventory::set_reorder_point`](crate::Inventory::set_reorder_point).
    pub fn set_reorder_point(
        &mut self,
        id: Uuid,
        reorder_point: Option<u32>,
        location: Option<&str>,
    ) -> Result<StockLevel> {
        let location = location_or_default(location, "location")?;
        let reorder_point = reorder_point
            .map(|r| crate::input::stock_from_i64("reorder_point", i64::from(r)))
            .transpose()?;
        self.write(
            || fingerprint("set_reorder_point", &(id, reorder_point, &location)),
            |tx| {
                movement::product(tx, id)?;
                let mut level = movement::level(tx, id, &location)?;
                level.reorder_point = reorder_point;
                tx.store.put_level(&level)?;
                hold::live_level(tx, &level)
            },
        )
    }

    /// See [`Inventory::reserve`](crate::Inventory::reserve).
    pub fn reserve(&mut self, new: NewHold) -> Result<Hold> {
        let checked = new.check()?;
        self.write(|| fingerprint("reserve", &checked), |tx| checked.place(tx))
    }

    /// See [`Inventory::commit_hold`](crate::Inventory::commit_hold).
    pub fn commit_hold(
        &mut self,
        hold_id: Uuid,
        quantity: Option<u32>,
        change: impl Into<StockChange>,
    ) -> Result<Product> {
        let quantity = quantity
            .map(|q| hold::check_quantity(i64::from(q), "quantity"))
            .transpose()?;
        let change = change.into();
        if change.location.is_some() || change.expected.is_some() {
            return Err(InventoryError::validation(
                if change.location.is_some() {
                    "location"
                } else {
                    "expected"
                },
                "a commit moves stock at the hold's location, as it is",
            ));
        }
        let change = change.check()?;
        self.write(
            || fingerprint("commit_hold", &(hold_id, quantity, &change)),
            |tx| hold::commit(tx, hold_id, quantity, &change),
        )
    }

    /// See [`Inventory::release_hold`](crate::Inventory::release_hold).
    pub fn release_hold(&mut self, hold_id: Uuid) -> Result<Hold> {
        self.write(
            || fingerprint("release_hold", &hold_id),
            |tx| hold::release(tx, hold_id, None),
        )
    }

    /// Records the expiry of up to `limit` holds past their time; returns how many.
    pub(crate) fn expire_holds(&mut self, limit: u32) -> Result<u32> {
        self.write(
            || fingerprint("expire_holds", &()),
            |tx| hold::expire(tx, limit),
        )
    }
}

/// A new product's checked fields (the id and the times are the library's).
struct NewFields {
    name: String,
    sku: String,
    price: rust_decimal::Decimal,
    stock: u32,
}

fn checked_fields(new: NewProduct) -> Result<NewFields> {
    let checked = ProductFields {
        name: Some(&new.name),
        sku: Some(&new.sku),
        price: Some(new.price),
        stock: Some(new.stock),
    }
    .check_first()?;
    // Every field was given, so every checked field is there.
    Ok(NewFields {
        name: checked.name.unwrap_or_default(),
        sku: checked.sku.unwrap_or_default(),
        price: checked.price.unwrap_or_default(),
        stock: checked.stock.unwrap_or_default(),
    })
}

impl NewFields {
    /// What identifies a create request.
    fn request(&self) -> impl Serialize + '_ {
        (&self.name, &self.sku, self.price, self.stock)
    }

    fn product(&self, tx: &Tx<'_>, at: DateTime<Utc>) -> Product {
        Product {
            // Time-ordered: the products table is clustered by id, so a new product goes at its
            // end rather than into a random page of it.
            id: tx.new_id(),
            name: self.name.clone(),
            sku: self.sku.clone(),
            price: self.price,
            stock: self.stock,
            created_at: at,
            updated_at: at,
            version: 1,
        }
    }
}

/// Marks a write: one more version, and `updated_at` now, but never before the product's own
/// times (a product created by another device whose clock runs ahead, or before this host's
/// clock stepped back, must not end up updated before it was created).
pub(crate) fn touch(p: &mut Product, now: DateTime<Utc>) {
    p.updated_at = now.max(p.updated_at);
    p.version += 1;
}

/// An event about `p` at its `updated_at`, with no movement (the transaction stamps its id).
pub(crate) fn event(p: &Product, kind: EventKind) -> Event {
    Event {
        seq: 0,
        id: Uuid::nil(),
        replica: Uuid::nil(),
        at: p.updated_at,
        product_id: p.id,
        kind,
        sku: p.sku.clone(),
        location: None,
        delta: None,
        stock_before: None,
        stock_after: None,
        reason: None,
        reference: None,
        actor: None,
        transfer_id: None,
        hold_id: None,
        quantity: None,
        expires_at: None,
        idempotency_key: None,
        changes: Vec::new(),
    }
}

/// Adds a product with its initial stock's level and event. The caller moves the total value
/// (once for a whole batch).
fn insert(tx: &mut Tx<'_>, p: Product) -> Result<Product> {
    tx.store.insert(&p)?;
    if p.stock > 0 {
        tx.store.put_level(&StockLevel {
            on_hand: p.stock,
            ..StockLevel::empty(p.id, DEFAULT_LOCATION)
        })?;
    }
    let mut e = Event {
        location: Some(DEFAULT_LOCATION.into()),
        delta: Some(i64::from(p.stock)),
        stock_before: Some(0),
        stock_after: Some(p.stock),
        reason: Some(reason::INITIAL.into()),
        ..event(&p, EventKind::Created)
    };
    tx.append(&mut e)?;
    Ok(p)
}

/// A patch's stock: the product's total becomes `target` by a `correction` movement at the
/// default location, which must then still hold at least 0.
fn correct(tx: &mut Tx<'_>, p: Product, target: u32, change: &CheckedChange) -> Result<Product> {
    let level = movement::level(tx, p.id, DEFAULT_LOCATION)?;
    let elsewhere = p.stock - level.on_hand;
    if target < elsewhere {
        return Err(InventoryError::validation(
            "stock",
            format!(
                "must be at least {elsewhere}, the stock at other locations than {DEFAULT_LOCATION} \
                 (a patch's stock is corrected at {DEFAULT_LOCATION}; count or transfer at the others)"
            ),
        ));
    }
    let delta = i64::from(target) - i64::from(p.stock);
    movement::move_by(tx, p, level, delta, EventKind::StockChanged, change, None)
}

/// Which stores this thread is inside a write transaction of: the inventory refuses the
/// thread's own calls there, which would otherwise wait for the lock the thread holds.
pub(crate) mod inside {
    use std::cell::RefCell;
    use std::sync::Arc;

    use crate::store::Store;

    thread_local! {
        static STORES: RefCell<Vec<usize>> = const { RefCell::new(Vec::new()) };
    }

    fn id(store: &Arc<dyn Store>) -> usize {
        Arc::as_ptr(store).cast::<()>() as usize
    }

    /// Marks the thread as inside a transaction of `store` until dropped.
    pub(crate) struct Guard(usize);

    pub(crate) fn enter(store: &Arc<dyn Store>) -> Guard {
        let id = id(store);
        STORES.with_borrow_mut(|s| s.push(id));
        Guard(id)
    }

    impl Drop for Guard {
        fn drop(&mut self) {
            STORES.with_borrow_mut(|s| {
                if let Some(i) = s.iter().rposition(|id| *id == self.0) {
                    s.swap_remove(i);
                }
            });
        }
    }

    pub(crate) fn this_thread_is_in(store: &Arc<dyn Store>) -> bool {
        let id = id(store);
        STORES.with_borrow(|s| s.contains(&id))
    }
}
