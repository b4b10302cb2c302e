//! The native half of the `inventory` Python package: `inventory._inventory`.
//!
//! It wraps [`inventory_core::Inventory`] and nothing else. Arguments arrive already turned into
//! plain values by the pure-Python front (`python/inventory/__init__.py`): ids and prices as text,
//! counts as `int`. They are parsed here with the core's own helpers (`parse_id`, `parse_price`,
//! `stock_from_i64`, `QueryInput`), so every rule and message is the core's. Results go back
//! as tuples of Python values (`uuid.UUID`, `decimal.Decimal`, aware `datetime`), which the front
//! wraps in its `Product`, `Page` and `Event` classes.
//!
//! Every core call runs with the GIL released, so several Python threads can use one
//! `Inventory` at once. Core errors become the exception classes defined by the front
//! (`inventory.ValidationError`, …), one per variant; a panic (a bug) becomes the base
//! `inventory.InventoryError` instead of crossing into Python.

use std::panic::AssertUnwindSafe;

use inventory_core::chrono::{DateTime, Utc};
use inventory_core::{
    Decimal, Durability, Event, Inventory, InventoryError, OpenOptions, Product, ProductPatch,
    QueryInput, Snapshot, StockChange, StorageKind, Uuid, count_from_i64, limit_from_i64, parse_id,
    parse_price, stock_from_i64,
};
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// A product as the front receives it: id, name, sku, price, stock, created_at, updated_at,
/// version.
type ProductTuple = (
    Uuid,
    String,
    String,
    Decimal,
    u32,
    DateTime<Utc>,
    DateTime<Utc>,
    u64,
);

/// One field of an update: field, before, after.
type ChangeTuple = (String, String, String);

/// An event as the front receives it: seq, at, product_id, kind, sku, delta, stock_before,
/// stock_after, reason, reference, actor, changes.
type EventTuple = (
    u64,
    DateTime<Utc>,
    Uuid,
    &'static str,
    String,
    Option<i64>,
    Option<u32>,
    Option<u32>,
    Option<String>,
    Option<String>,
    Option<String>,
    Vec<ChangeTuple>,
);

/// A page as the front receives it: items, next_cursor, total.
type PageTuple = (Vec<ProductTuple>, Option<String>, u64);

/// A new product as the front sends it to `create_many`: name, sku, price text, stock.
type NewProductTuple = (String, String, String, i64);

fn product_tuple(p: Product) -> ProductTuple {
    (
        p.id,
        p.name,
        p.sku,
        p.price,
        p.stock,
        p.created_at,
        p.updated_at,
        p.version,
    )
}

fn event_tuple(e: Event) -> EventTuple {
    (
        e.seq,
        e.at,
        e.product_id,
        e.kind.as_str(),
        e.sku,
        e.delta,
        e.stock_before,
        e.stock_after,
        e.reason,
        e.reference,
        e.actor,
        e.changes
            .into_iter()
            .map(|c| (c.field, c.before, c.after))
            .collect(),
    )
}

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
            } => {
                kwargs.set_item("available", available)?;
                kwargs.set_item("requested", requested)?;
                "InsufficientStockError"
            }
            InventoryError::StockOverflow { current, delta } => {
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
#[derive(FromPyObject)]
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

/// The native inventory. Use `inventory.Inventory`, which wraps it with Python types.
#[pyclass(module = "inventory._inventory", name = "Inventory", frozen)]
struct PyInventory {
    inner: Inventory,
}

#[pymethods]
impl PyInventory {
    /// Opens an inventory: a SQLite file path, `sqlite://PATH`, `:memory:` or `memory:`, with
    /// durability `normal` or `full` (parsed by the core).
    #[staticmethod]
    #[pyo3(signature = (location, durability = "normal"))]
    fn open(py: Python<'_>, location: String, durability: &str) -> PyResult<Self> {
        let durability = durability.to_owned();
        let inner = run(py, move || {
            let options = OpenOptions {
                durability: Durability::parse(&durability)?,
            };
            Inventory::open_with(&location, &options)
        })?;
        Ok(Self { inner })
    }

    /// An empty inventory in memory.
    #[staticmethod]
    fn in_memory() -> Self {
        Self {
            inner: Inventory::in_memory(),
        }
    }

    /// Creates a product; `price` is text, `stock` a signed count.
    fn create(
        &self,
        py: Python<'_>,
        name: String,
        sku: String,
        price: String,
        stock: i64,
    ) -> PyResult<ProductTuple> {
        run(py, || {
            let new = inventory_core::NewProduct {
                name,
                sku,
                price: parse_price(&price)?,
                stock: stock_from_i64("stock", stock)?,
            };
            self.inner.create(new).map(product_tuple)
        })
    }

    /// Creates several products in one transaction: all of them or none.
    fn create_many(
        &self,
        py: Python<'_>,
        products: Vec<NewProductTuple>,
    ) -> PyResult<Vec<ProductTuple>> {
        run(py, || {
            let new = products
                .into_iter()
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
            let created = self.inner.create_many(new)?;
            Ok(created.into_iter().map(product_tuple).collect())
        })
    }

    /// The product with this id (text).
    fn get(&self, py: Python<'_>, id: IdArg) -> PyResult<ProductTuple> {
        run(py, || self.inner.get(id.get()?).map(product_tuple))
    }

    /// The product with this SKU (normalised first).
    fn get_by_sku(&self, py: Python<'_>, sku: String) -> PyResult<ProductTuple> {
        run(py, || self.inner.get_by_sku(&sku).map(product_tuple))
    }

    /// Changes any of name, sku, price (text) and stock; `expected_version` makes it conditional.
    #[pyo3(signature = (id, name, sku, price, stock, expected_version))]
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
    ) -> PyResult<ProductTuple> {
        run(py, || {
            let id = id.get()?;
            let patch = ProductPatch {
                name,
                sku,
                price: price.as_deref().map(parse_price).transpose()?,
                stock: stock.map(|s| stock_from_i64("stock", s)).transpose()?,
                expected_version: expected_version
                    .map(|v| count_from_i64("expected_version", v))
                    .transpose()?,
            };
            self.inner.update(id, patch).map(product_tuple)
        })
    }

    /// Deletes a product (its events stay).
    fn delete(&self, py: Python<'_>, id: IdArg) -> PyResult<()> {
        run(py, || self.inner.delete(id.get()?))
    }

    /// Moves stock by `delta` and records why.
    #[pyo3(signature = (id, delta, reason, reference, actor, expected))]
    #[allow(clippy::too_many_arguments)]
    fn adjust_stock(
        &self,
        py: Python<'_>,
        id: IdArg,
        delta: i64,
        reason: String,
        reference: Option<String>,
        actor: Option<String>,
        expected: Option<i64>,
    ) -> PyResult<ProductTuple> {
        run(py, || {
            let id = id.get()?;
            let change = StockChange::from_input(reason, reference, actor, expected)?;
            self.inner
                .adjust_stock(id, delta, change)
                .map(product_tuple)
        })
    }

    /// Sets stock to `quantity` (a count) and records the difference.
    #[pyo3(signature = (id, quantity, reason, reference, actor, expected))]
    #[allow(clippy::too_many_arguments)]
    fn set_stock(
        &self,
        py: Python<'_>,
        id: IdArg,
        quantity: i64,
        reason: String,
        reference: Option<String>,
        actor: Option<String>,
        expected: Option<i64>,
    ) -> PyResult<ProductTuple> {
        run(py, || {
            let id = id.get()?;
            let quantity = stock_from_i64("quantity", quantity)?;
            let change = StockChange::from_input(reason, reference, actor, expected)?;
            self.inner
                .set_stock(id, quantity, change)
                .map(product_tuple)
        })
    }

    /// One page of products; prices as text, `order_by` like `"-price"`.
    #[pyo3(signature = (
        name_contains, sku_prefix, low_stock, min_price, max_price, order_by, limit, cursor, offset
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
    ) -> PyResult<PageTuple> {
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
            }
            .parse()?;
            let page = self.inner.list(&query)?;
            Ok((
                page.items.into_iter().map(product_tuple).collect(),
                page.next_cursor,
                page.total,
            ))
        })
    }

    /// Σ price × stock over every product, exact.
    fn total_value(&self, py: Python<'_>) -> PyResult<Decimal> {
        run(py, || self.inner.total_value())
    }

    /// Every event of one product, oldest first.
    fn history(&self, py: Python<'_>, id: IdArg) -> PyResult<Vec<EventTuple>> {
        run(py, || {
            let events = self.inner.history(id.get()?)?;
            Ok(events.into_iter().map(event_tuple).collect())
        })
    }

    /// Up to `limit` events after sequence number `since`.
    #[pyo3(signature = (since, limit=None))]
    fn events_since(
        &self,
        py: Python<'_>,
        since: i64,
        limit: Option<i64>,
    ) -> PyResult<Vec<EventTuple>> {
        run(py, || {
            let since = count_from_i64("since", since)?;
            let events = self.inner.events_since(since, limit.map(limit_from_i64))?;
            Ok(events.into_iter().map(event_tuple).collect())
        })
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
        run(py, || self.inner.check_ledger())
    }

    /// The whole inventory (products and ledger) as a JSON snapshot.
    fn export_json(&self, py: Python<'_>) -> PyResult<String> {
        run(py, || self.inner.export().map(|s| s.to_json()))
    }

    /// Loads a JSON snapshot into this inventory, which must be empty.
    fn import_json(&self, py: Python<'_>, json: String) -> PyResult<()> {
        run(py, || self.inner.import(&Snapshot::from_json(&json)?))
    }
}

/// The native module of the `inventory` package; import `inventory` instead.
#[pymodule(name = "_inventory")]
mod native {
    #[pymodule_export]
    use super::PyInventory;

    /// The `code` of an error that is not one of the core's (a bug caught at the boundary).
    #[pymodule_export]
    const INTERNAL: &str = inventory_core::INTERNAL;
}
