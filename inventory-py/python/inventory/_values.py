"""The values the API returns (frozen dataclasses) and the types it accepts."""

from __future__ import annotations

import dataclasses
import datetime
import enum
import uuid
from decimal import Decimal
from typing import Any, Iterator, Optional, Tuple, Union


#: A product id: a :class:`uuid.UUID` or its text.
IdLike = Union[uuid.UUID, str]
#: A price or price bound: a :class:`~decimal.Decimal`, an ``int`` or text such as ``"9.99"``.
PriceLike = Union[Decimal, int, str]


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

    #: A time-ordered (v7) UUID, set once at creation.
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
    #: A physical count: ``stock_after`` is what was counted, ``delta`` what it implies.
    COUNTED = "counted"
    #: One leg of a transfer (out of one location or into another), sharing a ``transfer_id``.
    TRANSFERRED = "transferred"
    #: A hold was placed: ``hold_id``, ``location``, ``quantity``, ``expires_at``. Moves no stock.
    HOLD_PLACED = "hold_placed"
    #: A hold was committed: a movement (``delta``) of the hold ``hold_id`` of ``quantity``.
    HOLD_COMMITTED = "hold_committed"
    #: A hold was released: its ``quantity`` is available again.
    HOLD_RELEASED = "hold_released"
    #: A hold's expiry was recorded: it stopped reserving at its ``expires_at``.
    HOLD_EXPIRED = "hold_expired"

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
    #: Globally unique (a time-ordered UUID v7).
    id: uuid.UUID
    #: The store that wrote the event (:meth:`Inventory.replica_id`).
    replica: uuid.UUID
    #: When it happened (UTC).
    at: datetime.datetime
    product_id: uuid.UUID
    kind: EventKind
    #: The product's SKU when the event happened.
    sku: str
    #: Where stock moved (a location's code), for the kinds that move stock.
    location: Optional[str]
    #: The stock movement at ``location`` (``CREATED``: the initial stock).
    delta: Optional[int]
    #: The level at ``location`` before and after (``DELETED``: the product's stock).
    stock_before: Optional[int]
    stock_after: Optional[int]
    #: Why stock moved: ``initial``, ``sale``, ``restock``, ``return``, ``correction``, ...
    reason: Optional[str]
    #: An order or document id the movement belongs to.
    reference: Optional[str]
    #: Who made the change.
    actor: Optional[str]
    #: For ``TRANSFERRED``: the id both legs of the transfer share.
    transfer_id: Optional[uuid.UUID]
    #: For the ``HOLD_*`` kinds: the hold.
    hold_id: Optional[uuid.UUID]
    #: For the ``HOLD_*`` kinds: the hold's quantity.
    quantity: Optional[int]
    #: For ``HOLD_PLACED``: when the hold expires (``None``: it does not).
    expires_at: Optional[datetime.datetime]
    #: The idempotency key of the request that wrote the event.
    idempotency_key: Optional[str]
    #: For ``UPDATED``: what changed.
    changes: Tuple[FieldChange, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The fields as a new ``dict``; ``kind`` as its text, ``changes`` as dicts."""
        out = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        out["kind"] = self.kind.value
        out["changes"] = [dataclasses.asdict(c) for c in self.changes]
        return out


@dataclasses.dataclass(frozen=True)
class Location:
    """A place stock is kept. Every inventory has ``DEFAULT``.

    >>> import inventory
    >>> inv = inventory.Inventory.in_memory()
    >>> inv.create_location(code="wh-1", name="Main warehouse")
    Location(code='WH-1', name='Main warehouse', version=1)
    >>> [loc.code for loc in inv.locations()]
    ['DEFAULT', 'WH-1']
    """

    #: Trimmed and upper-cased like a SKU, unique, 1 to 50 characters.
    code: str
    #: 1 to 100 characters, trimmed.
    name: str
    #: When the location was created (UTC).
    created_at: datetime.datetime = dataclasses.field(repr=False)
    #: When it was last renamed (UTC).
    updated_at: datetime.datetime = dataclasses.field(repr=False)
    #: 1 at creation, plus one on every rename.
    version: int


@dataclasses.dataclass(frozen=True)
class StockLevel:
    """How much of a product is at one location, and its reorder point there.

    >>> import inventory
    >>> inv = inventory.Inventory.in_memory()
    >>> p = inv.create(name="Widget", sku="W-1", price="9.99", stock=4)
    >>> inv.stock_levels(p.id)
    [StockLevel(location='DEFAULT', on_hand=4, reserved=0, available=4, short=0, reorder_point=None)]
    """

    product_id: uuid.UUID = dataclasses.field(repr=False)
    #: The location's code.
    location: str
    #: 0 to 2,147,483,647: the sum of the movements at this location.
    on_hand: int
    #: The units of the live holds here (see :meth:`Inventory.reserve`).
    reserved: int
    #: ``on_hand - reserved``, at least 0: what can be sold, moved or held.
    available: int
    #: How far the holds are short of what is on hand (a count found less than is held).
    short: int
    #: At or below this the product is due for reordering here; ``None`` for no reorder point.
    reorder_point: Optional[int]

    @property
    def below_reorder_point(self) -> bool:
        """Whether a reorder point is set and ``on_hand`` is at or below it."""
        return self.reorder_point is not None and self.on_hand <= self.reorder_point


class HoldStatus(str, enum.Enum):
    """Where a :class:`Hold` is in its life. Compares equal to its text.

    >>> import inventory
    >>> inventory.HoldStatus("committed") is inventory.HoldStatus.COMMITTED
    True
    """

    #: Reserving its quantity.
    ACTIVE = "active"
    #: Sold: all or part of it left the stock, the rest went back.
    COMMITTED = "committed"
    #: Given back.
    RELEASED = "released"
    #: Its ``expires_at`` passed before it was committed or released.
    EXPIRED = "expired"

    def __str__(self) -> str:
        return self.value


@dataclasses.dataclass(frozen=True)
class Hold:
    """Stock reserved for a cart or an order (:meth:`Inventory.reserve`).

    >>> import datetime, inventory
    >>> inv = inventory.Inventory.in_memory()
    >>> p = inv.create(name="Widget", sku="W-1", price="9.99", stock=5)
    >>> h = inv.reserve(p.id, 2, expires_in=datetime.timedelta(minutes=15), reference="cart-1")
    >>> h.status, h.quantity, h.location, h.expires_at - h.created_at
    (<HoldStatus.ACTIVE: 'active'>, 2, 'DEFAULT', datetime.timedelta(seconds=900))
    """

    #: A time-ordered (v7) UUID.
    id: uuid.UUID
    product_id: uuid.UUID = dataclasses.field(repr=False)
    #: The location's code.
    location: str
    quantity: int
    #: As read now: an active hold past its ``expires_at`` reads as ``EXPIRED``.
    status: HoldStatus
    #: How many units the commit took (0 unless committed).
    committed: int
    expires_at: Optional[datetime.datetime]
    #: The cart or order the hold is for.
    reference: Optional[str]
    actor: Optional[str] = dataclasses.field(repr=False)
    created_at: datetime.datetime = dataclasses.field(repr=False)
    #: When it was committed, released or expired.
    closed_at: Optional[datetime.datetime] = dataclasses.field(repr=False)

    @property
    def is_active(self) -> bool:
        """Whether the hold still reserves its quantity."""
        return self.status is HoldStatus.ACTIVE


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
    #: How many products match the filters, on all pages; ``None`` when the list was asked
    #: ``with_total=False``.
    total: Optional[int]

    def __iter__(self) -> Iterator[Product]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int) -> Product:
        return self.items[index]
