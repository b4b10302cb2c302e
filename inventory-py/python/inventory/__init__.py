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
>>> inv.adjust_stock(p.id, -8, reason="sale")
Traceback (most recent call last):
    ...
inventory.InsufficientStockError: stock: insufficient stock: 7 available, 8 requested

Types are Python's own: ids are :class:`uuid.UUID`, prices :class:`decimal.Decimal`,
timestamps timezone-aware :class:`datetime.datetime` in UTC. Prices are accepted as
``Decimal``, ``int`` or ``str``, never as ``float`` (money must be exact).

An :class:`Inventory` can be shared by several threads: every call into the core releases the
GIL, and stock changes are atomic in the store.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import operator
import os
import uuid
from decimal import Decimal
from typing import Any, Iterable, Iterator, List, Mapping, Optional, Tuple, Union

from . import _inventory

__all__ = [
    "DuplicateSkuError",
    "Event",
    "EventKind",
    "FieldChange",
    "IdLike",
    "InsufficientStockError",
    "Inventory",
    "InventoryError",
    "NotFoundError",
    "Page",
    "PriceLike",
    "Product",
    "StockOverflowError",
    "StorageError",
    "DiskFullError",
    "ReadOnlyStorageError",
    "StorageBusyError",
    "CorruptStorageError",
    "ConnectionLostError",
    "ValidationError",
    "VersionConflictError",
]

#: A product id: a :class:`uuid.UUID` or its text.
IdLike = Union[uuid.UUID, str]
#: A price or price bound: a :class:`~decimal.Decimal`, an ``int`` or text such as ``"9.99"``.
PriceLike = Union[Decimal, int, str]


# --------------------------------------------------------------------------------- exceptions
class InventoryError(Exception):
    """Base class of every error the library raises.

    ``str(error)`` is the core's message, which names the field and the rule
    (``"price: must be greater than 0"``); ``field`` is that field, or ``None``; ``code`` is the
    core's stable code for the variant (``"VALIDATION"``, ``"NOT_FOUND"``, ...).

    >>> import inventory
    >>> try:
    ...     inventory.Inventory.in_memory().create(name="Widget", sku="W-1", price="0")
    ... except inventory.InventoryError as e:
    ...     print(e.code, e.field, "|", e)
    VALIDATION price | price: must be greater than 0
    """

    #: The core's code for the variant; ``"INTERNAL"`` for a failure that is not one (a bug).
    code: str
    #: The input the error is about, as the core names it, or ``None``.
    field: Optional[str]

    def __init__(
        self, message: str, *, code: str = _inventory.INTERNAL, field: Optional[str] = None
    ) -> None:
        # The native module passes ``code`` and ``field`` as the core gives them.
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> Tuple[Any, ...]:
        # Pickle (for multiprocessing) with the attributes, not only the message.
        return (type(self), (self.message,), self.__dict__)


class ValidationError(InventoryError, ValueError):
    """An input broke a rule; ``field`` names the input (``name``, ``sku``, ``price``, ...).

    Also a :class:`ValueError`, so code that already catches that keeps working.

    >>> import inventory
    >>> inv = inventory.Inventory.in_memory()
    >>> try:
    ...     inv.create(name="Widget", sku="  ", price="9.99")
    ... except ValueError as e:
    ...     print(e.field, "|", e)
    sku | sku: must not be blank
    """



class DuplicateSkuError(InventoryError):
    """Another product already has this SKU (after normalisation); ``sku`` is that SKU.

    >>> import inventory
    >>> inv = inventory.Inventory.in_memory()
    >>> _ = inv.create(name="Widget", sku="AB-1", price="9.99")
    >>> try:
    ...     inv.create(name="Other", sku=" ab-1", price="1")
    ... except inventory.DuplicateSkuError as e:
    ...     print(e.sku, "|", e)
    AB-1 | sku: a product with SKU "AB-1" already exists
    """

    def __init__(self, message: str, *, sku: str = "", **base: Any) -> None:
        super().__init__(message, **base)
        self.sku = sku


class NotFoundError(InventoryError, KeyError):
    """No product has this id or SKU; ``key`` says which (``'SKU "AB-1"'``, ``"id ..."``).

    Also a :class:`KeyError`, as for a missing key of a mapping.

    >>> import inventory
    >>> try:
    ...     inventory.Inventory.in_memory().get_by_sku("nope")
    ... except KeyError as e:
    ...     print(e)
    no product with SKU "NOPE"
    """

    def __init__(self, message: str, *, key: str = "", **base: Any) -> None:
        super().__init__(message, **base)
        self.key = key


class InsufficientStockError(InventoryError):
    """Taking ``requested`` units would leave less than zero: only ``available`` are in stock.

    Nothing changed.

    >>> import inventory
    >>> inv = inventory.Inventory.in_memory()
    >>> p = inv.create(name="Widget", sku="W-1", price="9.99", stock=2)
    >>> try:
    ...     inv.adjust_stock(p.id, -5, reason="sale")
    ... except inventory.InsufficientStockError as e:
    ...     print(e.available, e.requested)
    2 5
    """

    def __init__(self, message: str, *, available: int = 0, requested: int = 0, **base: Any) -> None:
        super().__init__(message, **base)
        self.available = available
        self.requested = requested


class StockOverflowError(InventoryError):
    """Adding ``delta`` to ``current`` would exceed the maximum stock (2,147,483,647).

    Nothing changed.

    >>> import inventory
    >>> inv = inventory.Inventory.in_memory()
    >>> p = inv.create(name="Widget", sku="W-1", price="9.99", stock=2_147_483_000)
    >>> try:
    ...     inv.adjust_stock(p.id, 1000, reason="restock")
    ... except inventory.StockOverflowError as e:
    ...     print(e.current, e.delta)
    2147483000 1000
    """

    def __init__(self, message: str, *, current: int = 0, delta: int = 0, **base: Any) -> None:
        super().__init__(message, **base)
        self.current = current
        self.delta = delta


class VersionConflictError(InventoryError):
    """The caller expected ``expected`` but it is now ``actual``; reload and retry.

    ``field`` is ``"version"`` (``update(..., expected_version=)``) or ``"stock"``
    (``set_stock(..., expected=)``). Nothing changed.

    >>> import inventory
    >>> inv = inventory.Inventory.in_memory()
    >>> p = inv.create(name="Widget", sku="W-1", price="9.99", stock=5)
    >>> try:
    ...     inv.set_stock(p.id, 3, reason="correction", expected=4)
    ... except inventory.VersionConflictError as e:
    ...     print(e.field, e.expected, e.actual)
    stock 4 5
    """

    def __init__(self, message: str, *, expected: int = 0, actual: int = 0, **base: Any) -> None:
        super().__init__(message, **base)
        self.expected = expected
        self.actual = actual


class StorageError(InventoryError):
    """The storage failed. ``kind`` says how, and each kind but ``"OTHER"`` has a subclass:

    - ``"DISK_FULL"``: :class:`DiskFullError`, free some space;
    - ``"READ_ONLY"``: :class:`ReadOnlyStorageError`, the file or database is read-only;
    - ``"BUSY"``: :class:`StorageBusyError`, another writer held it too long; retry later;
    - ``"CORRUPT"``: :class:`CorruptStorageError`, damaged, or not an inventory database;
    - ``"CLOSED"``: :class:`StorageError` itself, the inventory was closed (:meth:`Inventory.close`);
    - ``"CONNECTION_LOST"``: :class:`ConnectionLostError`, unreachable; a failed write may
      still have committed, so a blind retry may apply it twice;
    - ``"OTHER"``: :class:`StorageError` itself.

    >>> import inventory, tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "notes.txt"
    >>> _ = path.write_text("not a database " * 100)
    >>> try:
    ...     inventory.Inventory.open(path)
    ... except inventory.CorruptStorageError as e:
    ...     print(e.kind)
    CORRUPT
    """

    def __init__(self, message: str, *, kind: str = "OTHER", **base: Any) -> None:
        super().__init__(message, **base)
        self.kind = kind


class DiskFullError(StorageError):
    """The disk (or the database's quota) is full; nothing was written."""


class ReadOnlyStorageError(StorageError):
    """The database or its file can only be read."""


class StorageBusyError(StorageError):
    """Another writer held the database for longer than the busy timeout; retry later."""


class CorruptStorageError(StorageError):
    """The database is damaged, or the file is not an inventory database (it was left unchanged)."""


class ConnectionLostError(StorageError):
    """The database cannot be reached (server down, connection broken, file deleted or replaced).

    A write that failed so may still have committed on a server.
    """


# --------------------------------------------------------------------------------- values
@dataclasses.dataclass(frozen=True)
class Product:
    """A product as stored. Immutable; compares and hashes by value.

    ``id`` is set once at creation, ``updated_at`` and ``version`` move on every write.

    >>> import inventory
    >>> p = inventory.Inventory.in_memory().create(name="Widget", sku="ab-1", price=5, stock=2)
    >>> p.price, p.version, p.created_at.tzinfo
    (Decimal('5.00'), 1, datetime.timezone.utc)
    >>> sorted(p.to_dict())
    ['created_at', 'id', 'name', 'price', 'sku', 'stock', 'updated_at', 'version']
    """

    #: A random (v4) UUID.
    id: uuid.UUID
    #: 1 to 100 characters, trimmed.
    name: str
    #: Trimmed and upper-cased, unique, 1 to 50 characters.
    sku: str
    #: Greater than 0, two decimal places, at most 99,999,999.99.
    price: Decimal
    #: 0 to 2,147,483,647; changes only through ``adjust_stock`` and ``set_stock``.
    stock: int
    #: When the product was created (UTC).
    created_at: datetime.datetime = dataclasses.field(repr=False)
    #: When the product last changed (UTC).
    updated_at: datetime.datetime = dataclasses.field(repr=False)
    #: 1 at creation, plus one on every write (for ``update(..., expected_version=)``).
    version: int

    def to_dict(self) -> dict[str, Any]:
        """The fields as a new ``dict`` (values keep their types: UUID, Decimal, datetime)."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}


class EventKind(str, enum.Enum):
    """What kind of change an :class:`Event` records. Compares equal to its text.

    >>> import inventory
    >>> inventory.EventKind("stock_changed") is inventory.EventKind.STOCK_CHANGED
    True
    >>> inventory.EventKind.CREATED == "created"
    True
    """

    #: The product was created; ``delta`` is its initial stock.
    CREATED = "created"
    #: Name, SKU or price changed; ``changes`` says which.
    UPDATED = "updated"
    #: Stock moved; ``delta``, ``reason``, ``stock_before`` and ``stock_after`` say how and why.
    STOCK_CHANGED = "stock_changed"
    #: The product was deleted; its events stay.
    DELETED = "deleted"

    def __str__(self) -> str:
        return self.value


@dataclasses.dataclass(frozen=True)
class FieldChange:
    """One field of an update, with its value before and after as text (prices as ``"12.50"``).

    >>> import inventory
    >>> inv = inventory.Inventory.in_memory()
    >>> p = inv.create(name="Widget", sku="W-1", price="9.99")
    >>> _ = inv.update(p.id, price="12.5")
    >>> inv.history(p.id)[-1].changes
    (FieldChange(field='price', before='9.99', after='12.50'),)
    """

    field: str
    before: str
    after: str


@dataclasses.dataclass(frozen=True)
class Event:
    """One entry of the ledger: every change to a product, in the order it happened.

    >>> import inventory
    >>> inv = inventory.Inventory.in_memory()
    >>> p = inv.create(name="Widget", sku="W-1", price="9.99", stock=10)
    >>> _ = inv.adjust_stock(p.id, -3, reason="sale", reference="order-7")
    >>> e = inv.history(p.id)[-1]
    >>> e.kind, e.delta, e.stock_before, e.stock_after, e.reason, e.reference
    (<EventKind.STOCK_CHANGED: 'stock_changed'>, -3, 10, 7, 'sale', 'order-7')
    """

    #: Strictly increasing across the whole ledger (see :meth:`Inventory.events_since`).
    seq: int
    #: When it happened (UTC).
    at: datetime.datetime
    product_id: uuid.UUID
    kind: EventKind
    #: The product's SKU when the event happened.
    sku: str
    #: The stock movement (``CREATED``: the initial stock; ``STOCK_CHANGED``: the change).
    delta: Optional[int]
    stock_before: Optional[int]
    stock_after: Optional[int]
    #: Why stock moved: ``initial``, ``sale``, ``restock``, ``return``, ``correction``, ...
    reason: Optional[str]
    #: An order or document id the movement belongs to.
    reference: Optional[str]
    #: Who made the change.
    actor: Optional[str]
    #: For ``UPDATED``: what changed.
    changes: Tuple[FieldChange, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The fields as a new ``dict``; ``kind`` as its text, ``changes`` as dicts."""
        out = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        out["kind"] = self.kind.value
        out["changes"] = [dataclasses.asdict(c) for c in self.changes]
        return out


@dataclasses.dataclass(frozen=True)
class Page:
    """One page of :meth:`Inventory.list`. Iterable; ``len()`` is the number of items on it.

    >>> import inventory
    >>> inv = inventory.Inventory.in_memory()
    >>> for i in range(3):
    ...     _ = inv.create(name=f"Item {i}", sku=f"I-{i}", price="1.00")
    >>> page = inv.list(order_by="sku", limit=2)
    >>> [p.sku for p in page], len(page), page.total
    (['I-0', 'I-1'], 2, 3)
    >>> [p.sku for p in inv.list(order_by="sku", limit=2, cursor=page.next_cursor)]
    ['I-2']
    """

    #: The products on this page.
    items: Tuple[Product, ...]
    #: Pass as ``cursor=`` for the next page (same filters and order); ``None`` on the last page.
    next_cursor: Optional[str]
    #: How many products match the filters, on all pages.
    total: int

    def __iter__(self) -> Iterator[Product]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int) -> Product:
        return self.items[index]


# --------------------------------------------------------------------------------- conversions
# Mere type conversions: the rules apply in the core, which receives text and plain integers.

_I64_MIN = -(2**63)
_I64_MAX = 2**63 - 1


def _type_name(value: object) -> str:
    return type(value).__name__


def _text(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {_type_name(value)}")
    return value


def _opt_text(value: object, name: str) -> Optional[str]:
    return None if value is None else _text(value, name)


def _int(value: object, name: str) -> int:
    if isinstance(value, bool):
        raise TypeError(f"{name} must be an int, not bool")
    try:
        return operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        raise TypeError(f"{name} must be an int, not {_type_name(value)}") from None


def _i64(value: object, name: str) -> int:
    # Saturates: the core's range check then reports a value out of range by its field name.
    return min(max(_int(value, name), _I64_MIN), _I64_MAX)


def _with_callers_number(error: InventoryError, clamped: int, given: int) -> InventoryError:
    """``error`` as the caller should read it: a delta past 64 bits reached the core clamped,
    and the core's error reports the clamped number; put the caller's own number back."""
    if clamped == given:
        return error
    if isinstance(error, InsufficientStockError) and error.requested == abs(clamped):
        error.requested = abs(given)
    elif isinstance(error, StockOverflowError) and error.delta == clamped:
        error.delta = given
    else:
        return error
    error.message = error.message.replace(str(abs(clamped)), str(abs(given)))
    error.args = (error.message,)
    return error


def _id(value: object) -> Union[uuid.UUID, str]:
    if isinstance(value, str):
        # Text is parsed by the core. A lone surrogate cannot cross into Rust at all; no UUID
        # holds one, so the core is shown the text with it replaced, and refuses it by name.
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return value.encode("utf-8", "replace").decode("utf-8")
        return value
    if isinstance(value, uuid.UUID):
        return value
    raise TypeError(f"id must be a uuid.UUID or str, not {_type_name(value)}")


def _plain_decimal(value: Decimal) -> str:
    """The decimal as plain digits for the core (``Decimal('1E+2')`` is ``'100'``), without
    expanding an extreme exponent: ``Decimal('1E+999999999999')`` would be a terabyte of digits.
    Such a value is out of every range, so a short stand-in with the same sign and the same
    fault (too large, or too many places) lets the core refuse it with its own message."""
    if not value.is_finite():
        return str(value)  # 'NaN', 'Infinity': refused by the core as not a decimal number
    sign = "-" if value.is_signed() else ""
    if value.is_zero():
        return sign + "0"
    if value.adjusted() > 40:
        return sign + "1" + "0" * 41
    digits, exponent = value.as_tuple()[1:]
    places = -int(exponent) - (len(digits) - len("".join(map(str, digits)).rstrip("0")))
    if places > 40:
        return sign + "0." + "0" * 40 + "1"
    return format(value, "f")


def _decimal_text(value: object, name: str) -> str:
    if isinstance(value, float):
        raise TypeError(
            f"{name} must be a Decimal, int or str, not float: money must be exact, and a float "
            f"only approximates most decimal amounts (0.1 + 0.2 != 0.3); "
            f"pass Decimal('9.99') or '9.99' instead"
        )
    if isinstance(value, Decimal):
        return _plain_decimal(value)
    if isinstance(value, bool):
        raise TypeError(f"{name} must be a Decimal, int or str, not bool")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return value
    raise TypeError(f"{name} must be a Decimal, int or str, not {_type_name(value)}")


def _opt_decimal_text(value: object, name: str) -> Optional[str]:
    return None if value is None else _decimal_text(value, name)


def _location(value: object) -> str:
    if isinstance(value, (str, os.PathLike)):
        location = os.fspath(value)
        if isinstance(location, str):
            return location
    raise TypeError(f"location must be a str or os.PathLike[str], not {_type_name(value)}")


_PRODUCT_FIELDS = tuple(f.name for f in dataclasses.fields(Product))


def _product(t: _inventory.ProductTuple) -> Product:
    # The native module has already checked every value: fill the frozen dataclass directly,
    # which is about twice as fast as its generated __init__ (one setattr call per field).
    product = object.__new__(Product)
    product.__dict__.update(zip(_PRODUCT_FIELDS, t))
    return product


def _event(t: _inventory.EventTuple) -> Event:
    (seq, at, product_id, kind, sku, delta, before, after, reason, reference, actor, changes) = t
    return Event(
        seq,
        at,
        product_id,
        EventKind(kind),
        sku,
        delta,
        before,
        after,
        reason,
        reference,
        actor,
        tuple(FieldChange(*c) for c in changes),
    )


def _new_product(
    name: str, sku: str, price: PriceLike, stock: int = 0
) -> Tuple[str, str, str, int]:
    return (
        _text(name, "name"),
        _text(sku, "sku"),
        _decimal_text(price, "price"),
        _i64(stock, "stock"),
    )


# --------------------------------------------------------------------------------- inventory
class Inventory:
    """An inventory of products, stored in memory or in a SQLite file.

    Open one with :meth:`open` (or ``Inventory(location)``) or :meth:`in_memory`. One object can
    be shared by several threads; every call releases the GIL while the core works.

    >>> import inventory
    >>> inv = inventory.Inventory.in_memory()
    >>> p = inv.create(name="Widget", sku="w-1", price="9.99", stock=10)
    >>> inv.get(p.id) == p == inv.get(str(p.id)) == inv.get_by_sku(" W-1 ")
    True
    """

    __slots__ = ("_location", "_native")

    def __init__(
        self, location: Union[str, os.PathLike[str]] = "memory:", *, durability: str = "normal"
    ) -> None:
        """Opens the inventory at ``location``: see :meth:`open`."""
        if not isinstance(durability, str):
            raise TypeError(f"durability must be a str, not {_type_name(durability)}")
        self._location = _location(location)
        self._native = _inventory.Inventory.open(self._location, durability)

    @classmethod
    def open(
        cls, location: Union[str, os.PathLike[str]], *, durability: str = "normal"
    ) -> Inventory:
        """Opens an inventory by location.

        - a path (``"shop.db"``, a :class:`pathlib.Path`) or ``"sqlite://PATH"``: the SQLite file
          at that path, created with its schema if missing;
        - ``":memory:"``: a private in-memory SQLite database;
        - ``"memory:"``: the in-memory store (as :meth:`in_memory`).

        ``durability`` is what a commit to a SQLite file survives: ``"normal"`` (the default)
        survives the application crashing but may lose the last commits on a power loss or an
        operating-system crash (the file stays consistent); ``"full"`` waits for the disk on
        every commit and survives those too.

        Raises :class:`ValidationError` for a blank or unsupported location and
        :class:`StorageError` when the file cannot be opened.

        >>> import inventory
        >>> inventory.Inventory.open(":memory:").total_value()
        Decimal('0.00')
        """
        return cls(location, durability=durability)

    @classmethod
    def in_memory(cls) -> Inventory:
        """An empty inventory in memory, gone when the object is.

        >>> import inventory
        >>> inventory.Inventory.in_memory().list().total
        0
        """
        return cls("memory:")

    def __repr__(self) -> str:
        return f"{type(self).__name__}.open({self._location!r})"

    def create(self, *, name: str, sku: str, price: PriceLike, stock: int = 0) -> Product:
        """Creates a product and returns it.

        ``sku`` is trimmed and upper-cased; ``price`` is a ``Decimal``, ``int`` or ``str`` with at
        most two decimal places; ``stock`` (default 0) is recorded as the first movement.

        Raises :class:`ValidationError` (naming the field) or :class:`DuplicateSkuError`;
        nothing is written then. A ``float`` price raises :class:`TypeError`.

        >>> import inventory
        >>> inv = inventory.Inventory.in_memory()
        >>> inv.create(name=" Widget ", sku=" ab-1 ", price="9.9", stock=3).name
        'Widget'
        """
        t = self._native.create(*_new_product(name, sku, price, stock))
        return _product(t)

    def create_many(self, products: Iterable[Mapping[str, Any]]) -> List[Product]:
        """Creates several products in one transaction: all of them, or none if any fails.

        Each item is a mapping with the keyword arguments of :meth:`create`.

        >>> import inventory
        >>> inv = inventory.Inventory.in_memory()
        >>> [p.sku for p in inv.create_many([
        ...     {"name": "Bolt", "sku": "b-1", "price": "0.10", "stock": 500},
        ...     {"name": "Nut", "sku": "n-1", "price": "0.05"},
        ... ])]
        ['B-1', 'N-1']
        """
        rows = [_new_product(**item) for item in products]
        return [_product(t) for t in self._native.create_many(rows)]

    def get(self, id: IdLike) -> Product:
        """The product with this id (a :class:`uuid.UUID` or its text).

        Raises :class:`NotFoundError` (a ``KeyError``), or :class:`ValidationError` when the
        text is not a UUID.

        >>> import inventory
        >>> inv = inventory.Inventory.in_memory()
        >>> p = inv.create(name="Widget", sku="W-1", price="9.99")
        >>> inv.get(p.id) == inv.get(str(p.id)) == p
        True
        """
        return _product(self._native.get(_id(id)))

    def get_by_sku(self, sku: str) -> Product:
        """The product with this SKU, normalised first (``" ab-1 "`` finds ``AB-1``).

        Raises :class:`NotFoundError`.

        >>> import inventory
        >>> inv = inventory.Inventory.in_memory()
        >>> _ = inv.create(name="Widget", sku="AB-1", price=1)
        >>> inv.get_by_sku("ab-1").name
        'Widget'
        """
        return _product(self._native.get_by_sku(_text(sku, "sku")))

    def update(
        self,
        id: IdLike,
        *,
        name: Optional[str] = None,
        sku: Optional[str] = None,
        price: Optional[PriceLike] = None,
        stock: Optional[int] = None,
        expected_version: Optional[int] = None,
    ) -> Product:
        """Changes any of ``name``, ``sku``, ``price`` and ``stock`` in one transaction; the
        others stay. Returns the product.

        With ``expected_version``, raises :class:`VersionConflictError` unless the product is
        still at that version (optimistic locking). A ``stock`` that differs from the current
        one is recorded in the ledger as a ``correction`` movement (use :meth:`adjust_stock` or
        :meth:`set_stock` to give a reason or an expected stock). A change to the same values
        writes nothing.

        >>> import inventory
        >>> inv = inventory.Inventory.in_memory()
        >>> p = inv.create(name="Widget", sku="W-1", price="9.99")
        >>> p = inv.update(p.id, name="Widget v2", price="10.50")
        >>> p.name, p.price, p.version
        ('Widget v2', Decimal('10.50'), 2)
        >>> p = inv.update(p.id, stock=7, expected_version=2)
        >>> p.stock, inv.history(p.id)[-1].reason
        (7, 'correction')
        """
        version = None
        if expected_version is not None:
            version = _i64(expected_version, "expected_version")
        count = None if stock is None else _i64(stock, "stock")
        return _product(
            self._native.update(
                _id(id),
                _opt_text(name, "name"),
                _opt_text(sku, "sku"),
                _opt_decimal_text(price, "price"),
                count,
                version,
            )
        )

    def delete(self, id: IdLike) -> None:
        """Deletes a product. Its events stay in the ledger, followed by a ``DELETED`` one.

        Raises :class:`NotFoundError`.

        >>> import inventory
        >>> inv = inventory.Inventory.in_memory()
        >>> p = inv.create(name="Widget", sku="W-1", price="9.99")
        >>> inv.delete(p.id)
        >>> [str(e.kind) for e in inv.history(p.id)]
        ['created', 'deleted']
        """
        self._native.delete(_id(id))

    def adjust_stock(
        self,
        id: IdLike,
        delta: int,
        reason: str,
        *,
        reference: Optional[str] = None,
        actor: Optional[str] = None,
        expected: Optional[int] = None,
    ) -> Product:
        """Moves stock by ``delta`` (negative for a sale), atomically, and returns the product.

        The movement is recorded with its ``reason`` (``"sale"``, ``"restock"``, ``"return"``,
        ``"damage"``, ... or a word of your own), and optionally a ``reference`` (an order) and
        an ``actor`` (who). With ``expected``, the change applies only if stock is still that.

        Raises, changing nothing, :class:`InsufficientStockError` if stock would go below 0,
        :class:`StockOverflowError` if above the maximum, :class:`VersionConflictError` if
        ``expected`` no longer holds, :class:`ValidationError` for a zero ``delta`` or a bad
        text.

        >>> import inventory
        >>> inv = inventory.Inventory.in_memory()
        >>> p = inv.create(name="Widget", sku="W-1", price="9.99", stock=10)
        >>> inv.adjust_stock(p.id, -3, reason="sale", reference="order-42", actor="till-1").stock
        7
        """
        given = _int(delta, "delta")
        clamped = _i64(given, "delta")
        try:
            return _product(
                self._native.adjust_stock(
                    _id(id),
                    clamped,
                    _text(reason, "reason"),
                    _opt_text(reference, "reference"),
                    _opt_text(actor, "actor"),
                    None if expected is None else _i64(expected, "expected"),
                )
            )
        except InventoryError as e:
            raise _with_callers_number(e, clamped, given) from None

    def set_stock(
        self,
        id: IdLike,
        quantity: int,
        reason: str,
        *,
        reference: Optional[str] = None,
        actor: Optional[str] = None,
        expected: Optional[int] = None,
    ) -> Product:
        """Sets stock to ``quantity`` (a count) and records the difference as a movement.

        With ``expected`` (what the counter believed stock was), raises
        :class:`VersionConflictError` if stock has moved since, changing nothing.

        >>> import inventory
        >>> inv = inventory.Inventory.in_memory()
        >>> p = inv.create(name="Widget", sku="W-1", price="9.99", stock=10)
        >>> inv.set_stock(p.id, 40, reason="correction", expected=10).stock
        40
        """
        return _product(
            self._native.set_stock(
                _id(id),
                _i64(quantity, "quantity"),
                _text(reason, "reason"),
                _opt_text(reference, "reference"),
                _opt_text(actor, "actor"),
                None if expected is None else _i64(expected, "expected"),
            )
        )

    def list(
        self,
        *,
        name_contains: Optional[str] = None,
        sku_prefix: Optional[str] = None,
        low_stock: Optional[int] = None,
        min_price: Optional[PriceLike] = None,
        max_price: Optional[PriceLike] = None,
        order_by: Optional[str] = None,
        limit: Optional[int] = None,
        cursor: Optional[str] = None,
        offset: Optional[int] = None,
    ) -> Page:
        """One page of products matching every filter given.

        - ``name_contains``: the name contains this text, ignoring case;
        - ``sku_prefix``: the SKU starts with this (normalised like a SKU);
        - ``low_stock``: stock is at most this;
        - ``min_price`` / ``max_price``: price bounds, inclusive (``Decimal``, ``int``, ``str``);
        - ``order_by``: ``created_at`` (default), ``name``, ``sku``, ``price`` or ``stock``,
          prefixed by ``-`` for descending; ties are broken by id;
        - ``limit``: page size, 1 to 1000 (default 50);
        - ``cursor``: the previous page's :attr:`Page.next_cursor` (same filters and order);
        - ``offset``: rows to skip (page-number pagination; cursors are cheaper).

        >>> import inventory
        >>> inv = inventory.Inventory.in_memory()
        >>> _ = inv.create(name="Cheap", sku="C-1", price="1.00", stock=2)
        >>> _ = inv.create(name="Dear", sku="D-1", price="99.00", stock=3)
        >>> page = inv.list(low_stock=5, order_by="-price", limit=50)
        >>> [p.sku for p in page.items], page.next_cursor, page.total
        (['D-1', 'C-1'], None, 2)
        """
        page = self._native.list(
            _opt_text(name_contains, "name_contains"),
            _opt_text(sku_prefix, "sku_prefix"),
            None if low_stock is None else _i64(low_stock, "low_stock"),
            _opt_decimal_text(min_price, "min_price"),
            _opt_decimal_text(max_price, "max_price"),
            _opt_text(order_by, "order_by"),
            None if limit is None else _i64(limit, "limit"),
            _opt_text(cursor, "cursor"),
            None if offset is None else _i64(offset, "offset"),
        )
        items, next_cursor, total = page
        return Page(tuple(_product(t) for t in items), next_cursor, total)

    def total_value(self) -> Decimal:
        """The sum of price × stock over every product, exact, with two decimal places.

        >>> import inventory
        >>> inv = inventory.Inventory.in_memory()
        >>> _ = inv.create(name="A", sku="A", price="0.10", stock=3)
        >>> inv.total_value()
        Decimal('0.30')
        """
        return self._native.total_value()

    def history(self, id: IdLike) -> List[Event]:
        """Every event of one product, oldest first (a deleted product keeps its history).

        Raises :class:`NotFoundError` when the id never existed.

        >>> import inventory
        >>> inv = inventory.Inventory.in_memory()
        >>> p = inv.create(name="Widget", sku="W-1", price="9.99", stock=10)
        >>> _ = inv.update(p.id, price="8.99")
        >>> [(str(e.kind), e.changes) for e in inv.history(p.id)]
        [('created', ()), ('updated', (FieldChange(field='price', before='9.99', after='8.99'),))]
        """
        return [_event(t) for t in self._native.history(_id(id))]

    def events_since(self, since: int = 0, limit: Optional[int] = None) -> List[Event]:
        """Up to ``limit`` (1 to 10,000; default 1,000) events with a sequence number above ``since``, oldest
        first: how other systems follow changes (start at 0, then pass the last ``seq`` seen).

        >>> import inventory
        >>> inv = inventory.Inventory.in_memory()
        >>> p = inv.create(name="Widget", sku="W-1", price="9.99", stock=1)
        >>> events = inv.events_since(0)
        >>> [(e.seq, str(e.kind)) for e in events]
        [(1, 'created')]
        >>> inv.events_since(events[-1].seq)
        []
        """
        return [
            _event(t)
            for t in self._native.events_since(
                _i64(since, "since"), None if limit is None else _i64(limit, "limit")
            )
        ]

    def close(self) -> None:
        """Closes the inventory. Every call that starts afterwards, on any thread, raises
        :class:`StorageError` with ``kind == "CLOSED"``; calls already running finish. An
        ``Inventory`` is also a context manager that closes it on leaving the ``with`` block.

        >>> import inventory
        >>> with inventory.Inventory.in_memory() as inv:
        ...     _ = inv.create(name="Widget", sku="W-1", price="9.99")
        >>> inv.closed
        True
        >>> try:
        ...     inv.list()
        ... except inventory.StorageError as e:
        ...     print(e.kind)
        CLOSED
        """
        self._native.close()

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called.

        >>> import inventory
        >>> inv = inventory.Inventory.in_memory()
        >>> inv.close()
        >>> inv.closed
        True
        """
        return self._native.closed

    def __enter__(self) -> Inventory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def check_ledger(self) -> None:
        """Checks that every product's stock equals the sum of its movements in the ledger.

        Raises :class:`StorageError` naming the first product that disagrees.

        >>> import inventory
        >>> inv = inventory.Inventory.in_memory()
        >>> p = inv.create(name="Widget", sku="W-1", price="9.99", stock=3)
        >>> _ = inv.adjust_stock(p.id, -1, reason="sale")
        >>> inv.check_ledger()  # passes: nothing to report
        """
        self._native.check_ledger()

    def export_json(self) -> str:
        """Everything (products and ledger) as a JSON snapshot, for :meth:`import_json`.

        >>> import inventory
        >>> a = inventory.Inventory.in_memory()
        >>> _ = a.create(name="Widget", sku="W-1", price="9.99", stock=4)
        >>> b = inventory.Inventory.in_memory()
        >>> b.import_json(a.export_json())
        >>> b.list().items == a.list().items
        True
        """
        return self._native.export_json()

    def import_json(self, snapshot: str) -> None:
        """Loads a snapshot made by :meth:`export_json` into this inventory, which must be empty.

        The snapshot is checked whole first; a bad one raises :class:`ValidationError` (field
        ``snapshot``) and nothing is written.

        >>> import inventory
        >>> try:
        ...     inventory.Inventory.in_memory().import_json('{"format": 1}')
        ... except inventory.ValidationError as e:
        ...     print(e.field)
        snapshot
        """
        self._native.import_json(_text(snapshot, "snapshot"))
