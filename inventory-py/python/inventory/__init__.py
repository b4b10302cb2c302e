"""Products, stock and a ledger of every change, for Python.

A thin layer over the Rust library ``inventory-core``: every rule (validation, SKU
normalisation, stock that never goes below zero, exact money) lives there; this package only
converts between Python's types and the core's, and turns the core's errors into exceptions.

>>> from decimal import Decimal
>>> import inventory
>>> inv = inventory.Inventory.in_memory()          # or Inventory.open("shop.db")
>>> p = inv.create(name="Widget", sku=" ab-1 ", price=Decimal("9.99"), stock=10)
>>> p.sku, p.price, p.stock
('AB-1', Decimal('9.99'), 10)
>>> inv.adjust_stock(p.id, -3, reason="sale").stock
7
>>> inv.total_value()
Decimal('69.93')
>>> _ = inv.create_location(code="wh-1", name="Main warehouse")
>>> inv.transfer(p.id, 2, from_location="DEFAULT", to_location="WH-1").stock
7
>>> [(level.location, level.on_hand) for level in inv.stock_levels(p.id)]
[('DEFAULT', 5), ('WH-1', 2)]
>>> cart = inv.reserve(p.id, 2, expires_in=900, reference="cart-1")   # held for 15 minutes
>>> inv.stock_levels(p.id)[0].available
3
>>> inv.commit_hold(cart.id, reference="order-1").stock
5
>>> inv.adjust_stock(p.id, -8, reason="sale")
Traceback (most recent call last):
    ...
inventory.InsufficientStockError: stock: insufficient stock: 3 available, 8 requested

Types are Python's own: ids are :class:`uuid.UUID`, prices :class:`decimal.Decimal`,
timestamps timezone-aware :class:`datetime.datetime` in UTC. Prices are accepted as
``Decimal``, ``int`` or ``str``, never as ``float`` (money must be exact).

An :class:`Inventory` can be shared by several threads: every call into the core releases the
GIL, and stock changes are atomic in the store.
"""


from __future__ import annotations

from ._api import Inventory
from ._clock import ManualClock
from ._errors import (
    ConnectionLostError,
    CorruptStorageError,
    DiskFullError,
    DuplicateSkuError,
    HoldClosedError,
    HoldExpiredError,
    IdempotencyConflictError,
    InsufficientStockError,
    InventoryError,
    NotFoundError,
    ReadOnlyStorageError,
    StockOverflowError,
    StorageBusyError,
    StorageError,
    ValidationError,
    VersionConflictError,
)
from ._movements import Adjust, Count, Movement, Transfer
from ._transaction import Transaction
from ._values import (
    Event,
    EventKind,
    FieldChange,
    Hold,
    HoldStatus,
    IdLike,
    Location,
    Page,
    PriceLike,
    Product,
    StockLevel,
)

__all__ = [
    "Adjust",
    "Count",
    "DuplicateSkuError",
    "Event",
    "EventKind",
    "FieldChange",
    "Hold",
    "HoldClosedError",
    "HoldExpiredError",
    "HoldStatus",
    "IdLike",
    "IdempotencyConflictError",
    "InsufficientStockError",
    "Inventory",
    "InventoryError",
    "Location",
    "ManualClock",
    "Movement",
    "NotFoundError",
    "Page",
    "PriceLike",
    "Product",
    "StockLevel",
    "StockOverflowError",
    "StorageError",
    "DiskFullError",
    "ReadOnlyStorageError",
    "StorageBusyError",
    "CorruptStorageError",
    "ConnectionLostError",
    "Transaction",
    "Transfer",
    "ValidationError",
    "VersionConflictError",
]

# The public names are documented, pickled and shown as this package's own.
for _name in __all__:
    _obj = globals()[_name]
    if isinstance(_obj, type):
        _obj.__module__ = __name__
del _name, _obj
