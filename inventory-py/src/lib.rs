//! The native half of the `inventory` Python package: `inventory._inventory`.
//!
//! It wraps [`inventory_core::Inventory`] and nothing else. Arguments arrive already turned into
//! plain values by the pure-Python front (`python/inventory/`): ids and prices as text,
//! counts as `int`. They are parsed here with the core's own helpers (`parse_id`, `parse_price`,
//! `stock_from_i64`, `QueryInput`), so every rule and message is the core's. Results go back
//! as `dict`s of Python values (`uuid.UUID`, `decimal.Decimal`, aware `datetime`) keyed by field
//! name, which the front turns into its `Product`, `Page` and `Event` classes.
//!
//! Every core call runs with the GIL released, so several Python threads can use one
//! `Inventory` at once. Core errors become the exception classes defined by the front
//! (`inventory.ValidationError`, …), one per variant; a panic (a bug) becomes the base
//! `inventory.InventoryError` instead of crossing into Python.

use std::borrow::Cow;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use inventory_core::chrono::{DateTime, Utc};
use inventory_core::{
    Clock, Decimal, Durability, Event, Hold, HoldStatus, Inventory, InventoryError, Location,
    ManualClock, Movement, NewHold, OpenOptions, OpenTransaction, Product, ProductPatch,
    QueryInput, Snapshot, StockChange, StockLevel, StorageKind, Transaction, Uuid, count_from_i64,
    limit_from_i64, parse_id, parse_price, quantity_from_i64, stock_from_i64,
};
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// A product as the front receives it: a `dict` keyed by the fields of the front's `Product`
/// (pyo3 derives it), which the front takes by name.
#[derive(IntoPyObject)]
struct ProductRecord {
    id: Uuid,
    name: String,
    sku: String,
    price: Decimal,
    stock: u32,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    version: u64,
}

impl From<Product> for ProductRecord {
    fn from(p: Product) -> Self {
        Self {
            id: p.id,
            name: p.name,
            sku: p.sku,
            price: p.price,
            stock: p.stock,
            created_at: p.created_at,
            updated_at: p.updated_at,
            version: p.version,
        }
    }
}

/// One field of an update, keyed like the front's `FieldChange`.
#[derive(IntoPyObject)]
struct ChangeRecord {
    field: String,
    before: String,
    after: String,
}

/// An event, keyed like the front's `Event`.
#[derive(IntoPyObject)]
struct EventRecord {
    seq: u64,
    id: Uuid,
    replica: Uuid,
    at: DateTime<Utc>,
    product_id: Uuid,
    kind: &'static str,
    sku: String,
    location: Option<String>,
    delta: Option<i64>,
    stock_before: Option<u32>,
    stock_after: Option<u32>,
    reason: Option<String>,
    reference: Option<String>,
    actor: Option<String>,
    transfer_id: Option<Uuid>,
    hold_id: Option<Uuid>,
    quantity: Option<u32>,
    expires_at: Option<DateTime<Utc>>,
    idempotency_key: Option<String>,
    changes: Vec<ChangeRecord>,
}

impl From<Event> for EventRecord {
    fn from(e: Event) -> Self {
        Self {
            seq: e.seq,
            id: e.id,
            replica: e.replica,
            at: e.at,
            product_id: e.product_id,
            kind: e.kind.as_str(),
            sku: e.sku,
            location: e.location,
            delta: e.delta,
            stock_before: e.stock_before,
            stock_after: e.stock_after,
            reason: e.reason,
            reference: e.reference,
            actor: e.actor,
            transfer_id: e.transfer_id,
            hold_id: e.hold_id,
            quantity: e.quantity,
            expires_at: e.expires_at,
            idempotency_key: e.idempotency_key,
            changes: e
                .changes
                .into_iter()
                .map(|c| ChangeRecord {
                    field: c.field,
                    before: c.before,
                    after: c.after,
                })
                .collect(),
        }
    }
}

/// A location, keyed like the front's `Location`.
#[derive(IntoPyObject)]
struct LocationRecord {
    code: String,
    name: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    version: u64,
}

impl From<Location> for LocationRecord {
    fn from(l: Location) -> Self {
        Self {
            code: l.code,
            name: l.name,
            created_at: l.created_at,
            updated_at: l.updated_at,
            version: l.version,
        }
    }
}

/// A stock level, keyed like the front's `StockLevel`.
#[derive(IntoPyObject)]
struct LevelRecord {
    product_id: Uuid,
    location: String,
    on_hand: u32,
    reserved: u32,
    available: u32,
    short: u32,
    reorder_point: Option<u32>,
}

impl From<StockLevel> for LevelRecord {
    fn from(l: StockLevel) -> Self {
        Self {
            product_id: l.product_id,
            location: l.location,
            on_hand: l.on_hand,
            reserved: l.reserved,
            available: l.available,
            short: l.short,
            reorder_point: l.reorder_point,
        }
    }
}

/// A hold, keyed like the front's `Hold`.
#[derive(IntoPyObject)]
struct HoldRecord {
    id: Uuid,
    product_id: Uuid,
    location: String,
    quantity: u32,
    status: &'static str,
    committed: u32,
    expires_at: Option<DateTime<Utc>>,
    reference: Option<String>,
    actor: Option<String>,
    created_at: DateTime<Utc>,
    closed_at: Option<DateTime<Utc>>,
}

impl From<Hold> for HoldRecord {
    fn from(h: Hold) -> Self {
        Self {
            id: h.id,
            product_id: h.product_id,
            location: h.location,
            quantity: h.quantity,
            status: h.status.as_str(),
            committed: h.committed,
            expires_at: h.expires_at,
            reference: h.reference,
            actor: h.actor,
            created_at: h.created_at,
            closed_at: h.closed_at,
        }
    }
}

/// A movement of a batch as the front sends it: kind (`adjust`, `count`, `transfer`), product
/// id, amount (delta or quantity), reason, reference, actor, location, from and to locations,
/// expected level.
type MovementTuple = (
    String,
    IdArg,
    i64,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
);

/// The core's movement for a tuple of the front.
fn movement(tuple: MovementTuple) -> inventory_core::Result<Movement> {
    let (kind, id, amount, reason, reference, actor, location, from, to, expected) = tuple;
    let change = StockChange::from_input(reason, reference, actor, location, expected)?;
    Movement::from_input(&kind, id.get()?, amount, from, to, change)
}

/// A page, keyed like the front's `Page`.
#[derive(IntoPyObject)]
struct PageRecord {
    items: Vec<ProductRecord>,
    next_cursor: Option<String>,
    total: Option<u64>,
}

fn records<T, R: From<T>>(values: Vec<T>) -> Vec<R> {
    values.into_iter().map(R::from).collect()
}

/// A new product as the front sends it to `create_many`: name, sku, price text, stock.
type NewProductTuple = (String, String, String, i64);

/// The Python exception for a core error: the front's class for its variant, with the message
/// the core wrote and the variant's fields as attributes.
fn to_py_err(py: Python<'_>, err: &InventoryError) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let kwargs = PyDict::new(py);
        kwargs.set_item("code", err.code())?;
        kwargs.set_item("field", err.field())?;
        let class = match err {
            InventoryError::Validation { .. } => "ValidationError",
            InventoryError::DuplicateSku { sku } => {
                kwargs.set_item("sku", sku)?;
                "DuplicateSkuError"
            }
            InventoryError::NotFound { key } => {
                kwargs.set_item("key", key)?;
                "NotFoundError"
            }
            InventoryError::InsufficientStock {
                available,
                requested,
                ..
            } => {
                kwargs.set_item("available", available)?;
                kwargs.set_item("requested", requested)?;
                "InsufficientStockError"
            }
            InventoryError::StockOverflow { current, delta, .. } => {
                kwargs.set_item("current", current)?;
                kwargs.set_item("delta", delta)?;
                "StockOverflowError"
            }
            InventoryError::VersionConflict {
                expected, actual, ..
            } => {
                kwargs.set_item("expected", expected)?;
                kwargs.set_item("actual", actual)?;
                "VersionConflictError"
            }
            InventoryError::IdempotencyConflict { key } => {
                kwargs.set_item("key", key)?;
                "IdempotencyConflictError"
            }
            InventoryError::HoldClosed { hold_id, status } => {
                kwargs.set_item("hold_id", hold_id)?;
                kwargs.set_item("status", status)?;
                "HoldClosedError"
            }
            InventoryError::HoldExpired {
                hold_id,
                expires_at,
            } => {
                kwargs.set_item("hold_id", hold_id)?;
                kwargs.set_item("expires_at", expires_at)?;
                "HoldExpiredError"
            }
            InventoryError::Storage { kind, .. } => {
                kwargs.set_item("kind", kind.as_str())?;
                match kind {
                    StorageKind::DiskFull => "DiskFullError",
                    StorageKind::ReadOnly => "ReadOnlyStorageError",
                    StorageKind::Busy => "StorageBusyError",
                    StorageKind::Corrupt => "CorruptStorageError",
                    StorageKind::ConnectionLost => "ConnectionLostError",
                    _ => "StorageError",
                }
            }
            // A variant added to the core later still reaches Python as an InventoryError.
            _ => "InventoryError",
        };
        let exc = py
            .import("inventory")?
            .getattr(class)?
            .call((err.to_string(),), Some(&kwargs))?;
        Ok(PyErr::from_value(exc))
    };
    build().unwrap_or_else(|failed| failed)
}

/// The base `inventory.InventoryError` for a panic caught at the boundary (its `code` is the
/// class's default, [`inventory_core::INTERNAL`]).
fn panic_to_py_err(py: Python<'_>, payload: &(dyn std::any::Any + Send)) -> PyErr {
    let what = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("unknown panic");
    let message = format!("internal error in inventory-core (please report it): {what}");
    match py
        .import("inventory")
        .and_then(|m| m.getattr("InventoryError"))
        .and_then(|class| class.call1((message,)))
    {
        Ok(exc) => PyErr::from_value(exc),
        Err(failed) => failed,
    }
}

/// Runs `f` with the GIL released; maps its error, or a panic, to a Python exception.
fn run<T: Send>(
    py: Python<'_>,
    f: impl FnOnce() -> inventory_core::Result<T> + Send,
) -> PyResult<T> {
    match py.detach(|| std::panic::catch_unwind(AssertUnwindSafe(f))) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(err)) => Err(to_py_err(py, &err)),
        Err(payload) => Err(panic_to_py_err(py, payload.as_ref())),
    }
}

/// A product id as Python passes it: a `uuid.UUID` (taken as is, no text round trip) or its
/// text (parsed by the core, so a malformed id is a `ValidationError` naming `id`).
#[derive(Clone, FromPyObject)]
enum IdArg {
    Uuid(Uuid),
    Text(String),
}

impl IdArg {
    fn get(&self) -> inventory_core::Result<Uuid> {
        match self {
            Self::Uuid(id) => Ok(*id),
            Self::Text(text) => parse_id(text),
        }
    }
}

/// A clock that moves only when told: use `inventory.ManualClock`, which wraps it.
#[pyclass(module = "inventory._inventory", name = "ManualClock", frozen)]
struct PyManualClock {
    inner: Arc<ManualClock>,
}

#[pymethods]
impl PyManualClock {
    #[new]
    fn new(start: DateTime<Utc>) -> Self {
        Self {
            inner: Arc::new(ManualClock::new(start)),
        }
    }

    /// Moves the clock forward by `micros` microseconds (0 or more).
    fn advance(&self, micros: u64) {
        self.inner.advance(std::time::Duration::from_micros(micros));
    }

    /// Sets the clock.
    fn set(&self, t: DateTime<Utc>) {
        self.inner.set(t);
    }

    /// What the clock shows.
    fn now(&self) -> DateTime<Utc> {
        self.inner.now()
    }
}

/// The inventory on `clock` when one is given.
fn on_clock(inv: Inventory, clock: Option<PyRef<'_, PyManualClock>>) -> Inventory {
    match clock {
        None => inv,
        Some(clock) => inv.with_clock(clock.inner.clone()),
    }
}

/// The native inventory. Use `inventory.Inventory`, which wraps it with Python types. A handle
/// made by `begin` is a transaction instead (`inventory.Transaction`): its writes and `get`s
/// run inside it.
#[pyclass(module = "inventory._inventory", name = "Inventory", frozen)]
struct PyInventory {
    inner: Inventory,
    /// Set on a transaction's handle.
    tx: Option<OpenTransaction>,
}

impl PyInventory {
    fn new(inner: Inventory) -> Self {
        Self { inner, tx: None }
    }

    /// The inventory, for a call that is not part of a transaction: refused on a transaction's
    /// handle (the core refuses a thread that has a transaction of the inventory open).
    fn outside(&self) -> inventory_core::Result<&Inventory> {
        if self.tx.is_some() {
            return Err(InventoryError::validation(
                "transaction",
                "not available inside a transaction (its calls are the writes, get, get_by_sku \
                 and location); call the inventory after the transaction",
            ));
        }
        Ok(&self.inner)
    }

    /// [`PyInventory::outside`], or a handle on it whose mutations carry `key`.
    fn outside_keyed(&self, key: &Option<String>) -> inventory_core::Result<Cow<'_, Inventory>> {
        let inv = self.outside()?;
        match key {
            None => Ok(Cow::Borrowed(inv)),
            Some(key) => inv.idempotent(key.as_str()).map(Cow::Owned),
        }
    }

    /// Runs a write: in this handle's transaction, or as a transaction of its own, with the
    /// idempotency key `key`.
    fn write<T: Send + 'static>(
        &self,
        py: Python<'_>,
        key: Option<String>,
        f: impl Fn(&mut Transaction<'_>) -> inventory_core::Result<T> + Send + Sync + 'static,
    ) -> PyResult<T> {
        match &self.tx {
            Some(open) => run(py, || {
                open.call(move |tx| {
                    tx.idempotent(key.as_deref())?;
                    let result = f(tx);
                    tx.idempotent(None)?;
                    result
                })
            }),
            None => run(py, || {
                self.outside_keyed(&key)?
                    .transaction(|tx: &mut Transaction<'_>| f(tx))
            }),
        }
    }

    /// Runs a read: `inside` this handle's transaction, or `outside` on the inventory.
    fn either<T: Send + 'static>(
        &self,
        py: Python<'_>,
        outside: impl FnOnce(&Inventory) -> inventory_core::Result<T> + Send,
        inside: impl FnOnce(&mut Transaction<'_>) -> inventory_core::Result<T> + Send + 'static,
    ) -> PyResult<T> {
        match &self.tx {
            Some(open) => run(py, || open.call(inside)),
            None => run(py, || outside(self.outside()?)),
        }
    }
}

#[pymethods]
impl PyInventory {
    /// Opens an inventory: a SQLite file path, `sqlite://PATH`, `:memory:` or `memory:`, with
    /// durability `normal` or `full` (parsed by the core).
    #[staticmethod]
    #[pyo3(signature = (location, durability = "normal", clock = None))]
    fn open(
        py: Python<'_>,
        location: String,
        durability: &str,
        clock: Option<PyRef<'_, PyManualClock>>,
    ) -> PyResult<Self> {
        let durability = durability.to_owned();
        let inner = run(py, move || {
            let options = OpenOptions {
                durability: Durability::parse(&durability)?,
            };
            Inventory::open_with(&location, &options)
        })?;
        Ok(Self::new(on_clock(inner, clock)))
    }

    /// An empty inventory in memory.
    #[staticmethod]
    #[pyo3(signature = (clock = None))]
    fn in_memory(clock: Option<PyRef<'_, PyManualClock>>) -> Self {
        Self::new(on_clock(Inventory::in_memory(), clock))
    }

    /// Creates a product; `price` is text, `stock` a signed count.
    #[pyo3(signature = (name, sku, price, stock, idempotency_key=None))]
    fn create(
        &self,
        py: Python<'_>,
        name: String,
        sku: String,
        price: String,
        stock: i64,
        idempotency_key: Option<String>,
    ) -> PyResult<ProductRecord> {
        self.write(py, idempotency_key, move |tx| {
            let new = inventory_core::NewProduct {
                name: name.clone(),
                sku: sku.clone(),
                price: parse_price(&price)?,
                stock: stock_from_i64("stock", stock)?,
            };
            tx.create(new).map(ProductRecord::from)
        })
    }

    /// Creates several products in one transaction: all of them or none.
    #[pyo3(signature = (products, idempotency_key=None))]
    fn create_many(
        &self,
        py: Python<'_>,
        products: Vec<NewProductTuple>,
        idempotency_key: Option<String>,
    ) -> PyResult<Vec<ProductRecord>> {
        self.write(py, idempotency_key, move |tx| {
            let new = products
                .iter()
                .cloned()
                .enumerate()
                .map(|(i, (name, sku, price, stock))| {
                    let item = || -> inventory_core::Result<_> {
                        Ok(inventory_core::NewProduct {
                            name,
                            sku,
                            price: parse_price(&price)?,
                            stock: stock_from_i64("stock", stock)?,
                        })
                    };
                    item().map_err(|e| e.in_item(i))
                })
                .collect::<inventory_core::Result<Vec<_>>>()?;
            let created = tx.create_many(new)?;
            Ok(created.into_iter().map(ProductRecord::from).collect())
        })
    }

    /// The product with this id (text).
    fn get(&self, py: Python<'_>, id: IdArg) -> PyResult<ProductRecord> {
        let id = id.get();
        let inside = id.clone();
        self.either(py, |inv| inv.get(id?), move |tx| tx.get(inside?))
            .map(ProductRecord::from)
    }

    /// The product with this SKU (normalised first).
    fn get_by_sku(&self, py: Python<'_>, sku: String) -> PyResult<ProductRecord> {
        let inside = sku.clone();
        self.either(
            py,
            |inv| inv.get_by_sku(&sku),
            move |tx| tx.get_by_sku(&inside),
        )
        .map(ProductRecord::from)
    }

    /// Changes any of name, sku, price (text) and stock; `expected_version` makes it conditional.
    #[pyo3(signature = (id, name, sku, price, stock, expected_version, idempotency_key=None))]
    #[allow(clippy::too_many_arguments)]
    fn update(
        &self,
        py: Python<'_>,
        id: IdArg,
        name: Option<String>,
        sku: Option<String>,
        price: Option<String>,
        stock: Option<i64>,
        expected_version: Option<i64>,
        idempotency_key: Option<String>,
    ) -> PyResult<ProductRecord> {
        self.write(py, idempotency_key, move |tx| {
            let id = id.get()?;
            let patch = ProductPatch {
                name: name.clone(),
                sku: sku.clone(),
                price: price.as_deref().map(parse_price).transpose()?,
                stock: stock.map(|s| stock_from_i64("stock", s)).transpose()?,
                expected_version: expected_version
                    .map(|v| count_from_i64("expected_version", v))
                    .transpose()?,
            };
            tx.update(id, patch).map(ProductRecord::from)
        })
    }

    /// Deletes a product (its events stay).
    #[pyo3(signature = (id, idempotency_key=None))]
    fn delete(&self, py: Python<'_>, id: IdArg, idempotency_key: Option<String>) -> PyResult<()> {
        self.write(py, idempotency_key, move |tx| tx.delete(id.get()?))
    }

    /// Moves stock by `delta` at a location and records why.
    #[pyo3(signature = (id, delta, reason, reference, actor, location, expected, idempotency_key))]
    #[allow(clippy::too_many_arguments)]
    fn adjust_stock(
        &self,
        py: Python<'_>,
        id: IdArg,
        delta: i64,
        reason: String,
        reference: Option<String>,
        actor: Option<String>,
        location: Option<String>,
        expected: Option<i64>,
        idempotency_key: Option<String>,
    ) -> PyResult<ProductRecord> {
        self.write(py, idempotency_key, move |tx| {
            let id = id.get()?;
            let change = StockChange::from_input(
                reason.clone(),
                reference.clone(),
                actor.clone(),
                location.clone(),
                expected,
            )?;
            tx.adjust_stock(id, delta, change).map(ProductRecord::from)
        })
    }

    /// Records a count of `quantity` at a location.
    #[pyo3(signature = (id, quantity, reason, reference, actor, location, expected, idempotency_key))]
    #[allow(clippy::too_many_arguments)]
    fn set_stock(
        &self,
        py: Python<'_>,
        id: IdArg,
        quantity: i64,
        reason: String,
        reference: Option<String>,
        actor: Option<String>,
        location: Option<String>,
        expected: Option<i64>,
        idempotency_key: Option<String>,
    ) -> PyResult<ProductRecord> {
        self.write(py, idempotency_key, move |tx| {
            let id = id.get()?;
            let quantity = stock_from_i64("quantity", quantity)?;
            let change = StockChange::from_input(
                reason.clone(),
                reference.clone(),
                actor.clone(),
                location.clone(),
                expected,
            )?;
            tx.set_stock(id, quantity, change).map(ProductRecord::from)
        })
    }

    /// Moves `quantity` from one location to another in one transaction.
    #[pyo3(signature = (
        id, quantity, from_location, to_location, reason, reference, actor, expected,
        idempotency_key
    ))]
    #[allow(clippy::too_many_arguments)]
    fn transfer(
        &self,
        py: Python<'_>,
        id: IdArg,
        quantity: i64,
        from_location: String,
        to_location: String,
        reason: String,
        reference: Option<String>,
        actor: Option<String>,
        expected: Option<i64>,
        idempotency_key: Option<String>,
    ) -> PyResult<ProductRecord> {
        self.write(py, idempotency_key, move |tx| {
            let id = id.get()?;
            let quantity = stock_from_i64("quantity", quantity)?;
            let change = StockChange::from_input(
                reason.clone(),
                reference.clone(),
                actor.clone(),
                None,
                expected,
            )?;
            tx.transfer(id, quantity, &from_location, &to_location, change)
                .map(ProductRecord::from)
        })
    }

    /// Runs a batch of movements in one transaction: all or none.
    #[pyo3(signature = (movements, idempotency_key=None))]
    fn apply(
        &self,
        py: Python<'_>,
        movements: Vec<MovementTuple>,
        idempotency_key: Option<String>,
    ) -> PyResult<Vec<ProductRecord>> {
        self.write(py, idempotency_key, move |tx| {
            let movements = movements
                .iter()
                .cloned()
                .enumerate()
                .map(|(i, m)| movement(m).map_err(|e| e.in_list("movements", i)))
                .collect::<inventory_core::Result<Vec<_>>>()?;
            let after = tx.apply(movements)?;
            Ok(records(after))
        })
    }

    /// Creates a location.
    #[pyo3(signature = (code, name, idempotency_key=None))]
    fn create_location(
        &self,
        py: Python<'_>,
        code: String,
        name: String,
        idempotency_key: Option<String>,
    ) -> PyResult<LocationRecord> {
        self.write(py, idempotency_key, move |tx| {
            tx.create_location(&code, &name).map(LocationRecord::from)
        })
    }

    /// Renames a location.
    #[pyo3(signature = (code, name, idempotency_key=None))]
    fn rename_location(
        &self,
        py: Python<'_>,
        code: String,
        name: String,
        idempotency_key: Option<String>,
    ) -> PyResult<LocationRecord> {
        self.write(py, idempotency_key, move |tx| {
            tx.rename_location(&code, &name).map(LocationRecord::from)
        })
    }

    /// Deletes a location that holds no stock.
    #[pyo3(signature = (code, idempotency_key=None))]
    fn delete_location(
        &self,
        py: Python<'_>,
        code: String,
        idempotency_key: Option<String>,
    ) -> PyResult<()> {
        self.write(py, idempotency_key, move |tx| tx.delete_location(&code))
    }

    /// Every location, ordered by code.
    fn locations(&self, py: Python<'_>) -> PyResult<Vec<LocationRecord>> {
        run(py, || self.outside()?.locations().map(records))
    }

    /// The location with this code.
    fn location(&self, py: Python<'_>, code: String) -> PyResult<LocationRecord> {
        let inside = code.clone();
        self.either(
            py,
            |inv| inv.location(&code),
            move |tx| tx.location(&inside),
        )
        .map(LocationRecord::from)
    }

    /// A product's stock per location.
    fn stock_levels(&self, py: Python<'_>, id: IdArg) -> PyResult<Vec<LevelRecord>> {
        run(py, || self.outside()?.stock_levels(id.get()?).map(records))
    }

    /// Sets or clears a product's reorder point at a location.
    #[pyo3(signature = (id, reorder_point, location, idempotency_key=None))]
    fn set_reorder_point(
        &self,
        py: Python<'_>,
        id: IdArg,
        reorder_point: Option<i64>,
        location: Option<String>,
        idempotency_key: Option<String>,
    ) -> PyResult<LevelRecord> {
        self.write(py, idempotency_key, move |tx| {
            let point = reorder_point
                .map(|r| stock_from_i64("reorder_point", r))
                .transpose()?;
            tx.set_reorder_point(id.get()?, point, location.as_deref())
                .map(LevelRecord::from)
        })
    }

    /// Holds `quantity` of a product at a location; the expiry as seconds from now or an
    /// instant, at most one of them.
    #[pyo3(signature = (
        id, quantity, location, expires_in, expires_at, reference, actor, idempotency_key
    ))]
    #[allow(clippy::too_many_arguments)]
    fn reserve(
        &self,
        py: Python<'_>,
        id: IdArg,
        quantity: i64,
        location: Option<String>,
        expires_in: Option<f64>,
        expires_at: Option<DateTime<Utc>>,
        reference: Option<String>,
        actor: Option<String>,
        idempotency_key: Option<String>,
    ) -> PyResult<HoldRecord> {
        self.write(py, idempotency_key, move |tx| {
            let new = NewHold::from_input(
                id.get()?,
                quantity,
                location.clone(),
                expires_in,
                expires_at,
                reference.clone(),
                actor.clone(),
            )?;
            tx.reserve(new).map(HoldRecord::from)
        })
    }

    /// Commits a hold: `quantity` of it (all when `None`) leaves the stock, the rest goes back.
    #[pyo3(signature = (hold_id, quantity, reason, reference, actor, idempotency_key))]
    #[allow(clippy::too_many_arguments)]
    fn commit_hold(
        &self,
        py: Python<'_>,
        hold_id: IdArg,
        quantity: Option<i64>,
        reason: String,
        reference: Option<String>,
        actor: Option<String>,
        idempotency_key: Option<String>,
    ) -> PyResult<ProductRecord> {
        self.write(py, idempotency_key, move |tx| {
            let hold_id = hold_id.get()?;
            let quantity = quantity
                .map(|q| quantity_from_i64("quantity", q))
                .transpose()?;
            let change = StockChange::from_input(
                reason.clone(),
                reference.clone(),
                actor.clone(),
                None,
                None,
            )?;
            tx.commit_hold(hold_id, quantity, change)
                .map(ProductRecord::from)
        })
    }

    /// Releases a hold.
    #[pyo3(signature = (hold_id, idempotency_key=None))]
    fn release_hold(
        &self,
        py: Python<'_>,
        hold_id: IdArg,
        idempotency_key: Option<String>,
    ) -> PyResult<HoldRecord> {
        self.write(py, idempotency_key, move |tx| {
            tx.release_hold(hold_id.get()?).map(HoldRecord::from)
        })
    }

    /// The hold with this id, as it is now.
    fn hold(&self, py: Python<'_>, hold_id: IdArg) -> PyResult<HoldRecord> {
        run(py, || {
            self.outside()?.hold(hold_id.get()?).map(HoldRecord::from)
        })
    }

    /// A product's holds with `status` (text), or every one with `None`.
    #[pyo3(signature = (id, status=None))]
    fn holds(
        &self,
        py: Python<'_>,
        id: IdArg,
        status: Option<String>,
    ) -> PyResult<Vec<HoldRecord>> {
        run(py, || {
            let status = status
                .map(|s| HoldStatus::parse(&s, "status"))
                .transpose()?;
            self.outside()?.holds(id.get()?, status).map(records)
        })
    }

    /// Records the expiry of the holds past their time; returns how many.
    #[pyo3(signature = (idempotency_key=None))]
    fn expire_holds(&self, py: Python<'_>, idempotency_key: Option<String>) -> PyResult<u32> {
        run(py, || self.outside_keyed(&idempotency_key)?.expire_holds())
    }

    /// The id of the replica (the store) this inventory writes events as.
    fn replica_id(&self, py: Python<'_>) -> PyResult<Uuid> {
        run(py, || self.outside()?.replica_id())
    }

    /// One page of products; prices as text, `order_by` like `"-price"`.
    #[pyo3(signature = (
        name_contains, sku_prefix, low_stock, min_price, max_price, order_by, limit, cursor, offset,
        below_reorder_point=false, location=None, with_total=true
    ))]
    #[allow(clippy::too_many_arguments)]
    fn list(
        &self,
        py: Python<'_>,
        name_contains: Option<String>,
        sku_prefix: Option<String>,
        low_stock: Option<i64>,
        min_price: Option<String>,
        max_price: Option<String>,
        order_by: Option<String>,
        limit: Option<i64>,
        cursor: Option<String>,
        offset: Option<i64>,
        below_reorder_point: bool,
        location: Option<String>,
        with_total: bool,
    ) -> PyResult<PageRecord> {
        run(py, || {
            let query = QueryInput {
                name_contains,
                sku_prefix,
                low_stock,
                min_price,
                max_price,
                order_by,
                limit,
                cursor,
                offset,
                below_reorder_point,
                location,
                with_total: Some(with_total),
            }
            .parse()?;
            let page = self.outside()?.list(&query)?;
            Ok(PageRecord {
                items: records(page.items),
                next_cursor: page.next_cursor,
                total: page.total,
            })
        })
    }

    /// Σ price × stock over every product, exact.
    fn total_value(&self, py: Python<'_>) -> PyResult<Decimal> {
        run(py, || self.outside()?.total_value())
    }

    /// Every event of one product, oldest first.
    fn history(&self, py: Python<'_>, id: IdArg) -> PyResult<Vec<EventRecord>> {
        run(py, || {
            let events = self.outside()?.history(id.get()?)?;
            Ok(records(events))
        })
    }

    /// Up to `limit` events after sequence number `since`.
    #[pyo3(signature = (since, limit=None))]
    fn events_since(
        &self,
        py: Python<'_>,
        since: i64,
        limit: Option<i64>,
    ) -> PyResult<Vec<EventRecord>> {
        run(py, || {
            let since = count_from_i64("since", since)?;
            let events = self
                .outside()?
                .events_since(since, limit.map(limit_from_i64))?;
            Ok(records(events))
        })
    }

    /// Opens a transaction of this inventory: a handle whose writes and reads by key run in it
    /// until `end`.
    fn begin(&self, py: Python<'_>) -> PyResult<Self> {
        let open = run(py, || self.outside()?.begin())?;
        Ok(Self {
            inner: self.inner.clone(),
            tx: Some(open),
        })
    }

    /// Ends this transaction: commits it (`commit`), or rolls it back.
    fn end(&self, py: Python<'_>, commit: bool) -> PyResult<()> {
        match &self.tx {
            Some(open) if commit => run(py, || open.commit()),
            Some(open) => {
                py.detach(|| open.rollback());
                Ok(())
            }
            None => Err(to_py_err(
                py,
                &InventoryError::validation("transaction", "this is not a transaction"),
            )),
        }
    }

    /// When a write with this idempotency key was first applied (inside a transaction).
    fn key_used_at(&self, py: Python<'_>, key: String) -> PyResult<Option<DateTime<Utc>>> {
        let inside = key.clone();
        self.either(
            py,
            |inv| inv.transaction(|tx: &mut Transaction<'_>| tx.key_used_at(&key)),
            move |tx| tx.key_used_at(&inside),
        )
    }

    /// Closes the inventory: every later call, from any thread, fails (kind `CLOSED`).
    fn close(&self) {
        self.inner.close();
    }

    /// Whether `close` was called.
    #[getter]
    fn closed(&self) -> bool {
        self.inner.is_closed()
    }

    /// Checks that every product's stock equals the sum of its movements.
    fn check_ledger(&self, py: Python<'_>) -> PyResult<()> {
        run(py, || self.outside()?.check_ledger())
    }

    /// The whole inventory (products and ledger) as a JSON snapshot.
    fn export_json(&self, py: Python<'_>) -> PyResult<String> {
        run(py, || self.outside()?.export().map(|s| s.to_json()))
    }

    /// Loads a JSON snapshot into this inventory, which must be empty.
    fn import_json(&self, py: Python<'_>, json: String) -> PyResult<()> {
        run(py, || self.outside()?.import(&Snapshot::from_json(&json)?))
    }
}

/// The native module of the `inventory` package; import `inventory` instead.
#[pymodule(name = "_inventory")]
mod native {
    #[pymodule_export]
    use super::PyInventory;

    #[pymodule_export]
    use super::PyManualClock;

    /// The `code` of an error that is not one of the core's (a bug caught at the boundary).
    #[pymodule_export]
    const INTERNAL: &str = inventory_core::INTERNAL;
}
