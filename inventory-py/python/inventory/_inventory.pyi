"""The native module of the ``inventory`` package (Rust, pyo3); import ``inventory`` instead.

Arguments are plain values the front has already converted (ids and prices as text, counts as
``int``); results are ``dict``s keyed by field name, which the front turns into ``Product``,
``Page`` and ``Event``.
"""

import datetime
import uuid
from decimal import Decimal
from typing import List, Optional, Tuple, TypedDict, Union, final

#: The ``code`` of an error that is not one of the core's (a bug caught at the boundary).
INTERNAL: str

class ProductRecord(TypedDict):
    id: uuid.UUID
    name: str
    sku: str
    price: Decimal
    stock: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    version: int

class ChangeRecord(TypedDict):
    field: str
    before: str
    after: str

class EventRecord(TypedDict):
    seq: int
    id: uuid.UUID
    replica: uuid.UUID
    at: datetime.datetime
    product_id: uuid.UUID
    kind: str
    sku: str
    location: Optional[str]
    delta: Optional[int]
    stock_before: Optional[int]
    stock_after: Optional[int]
    reason: Optional[str]
    reference: Optional[str]
    actor: Optional[str]
    transfer_id: Optional[uuid.UUID]
    hold_id: Optional[uuid.UUID]
    quantity: Optional[int]
    expires_at: Optional[datetime.datetime]
    idempotency_key: Optional[str]
    changes: List[ChangeRecord]

class LocationRecord(TypedDict):
    code: str
    name: str
    created_at: datetime.datetime
    updated_at: datetime.datetime
    version: int

class HoldRecord(TypedDict):
    id: uuid.UUID
    product_id: uuid.UUID
    location: str
    quantity: int
    status: str
    committed: int
    expires_at: Optional[datetime.datetime]
    reference: Optional[str]
    actor: Optional[str]
    created_at: datetime.datetime
    closed_at: Optional[datetime.datetime]

@final
class ManualClock:
    def __init__(self, start: datetime.datetime) -> None: ...
    def advance(self, micros: int) -> None: ...
    def set(self, t: datetime.datetime) -> None: ...
    def now(self) -> datetime.datetime: ...

class LevelRecord(TypedDict):
    product_id: uuid.UUID
    location: str
    on_hand: int
    reserved: int
    available: int
    short: int
    reorder_point: Optional[int]

_Id = Union[uuid.UUID, str]

#: kind, product id, amount, reason, reference, actor, location, from, to, expected.
MovementTuple = Tuple[
    str,
    _Id,
    int,
    str,
    Optional[str],
    Optional[str],
    Optional[str],
    Optional[str],
    Optional[str],
    Optional[int],
]

class PageRecord(TypedDict):
    items: List[ProductRecord]
    next_cursor: Optional[str]
    total: Optional[int]

@final
class Inventory:
    """The native inventory; ``inventory.Inventory`` wraps it with Python types."""

    @staticmethod
    def open(
        location: str, durability: str = "normal", clock: Optional[ManualClock] = None
    ) -> Inventory: ...
    @staticmethod
    def in_memory(clock: Optional[ManualClock] = None) -> Inventory: ...
    def create(
        self, name: str, sku: str, price: str, stock: int, idempotency_key: Optional[str] = None
    ) -> ProductRecord: ...
    def create_many(
        self, products: List[Tuple[str, str, str, int]], idempotency_key: Optional[str] = None
    ) -> List[ProductRecord]: ...
    def get(self, id: _Id) -> ProductRecord: ...
    def get_by_sku(self, sku: str) -> ProductRecord: ...
    def update(
        self,
        id: _Id,
        name: Optional[str],
        sku: Optional[str],
        price: Optional[str],
        stock: Optional[int],
        expected_version: Optional[int],
        idempotency_key: Optional[str] = None,
    ) -> ProductRecord: ...
    def delete(self, id: _Id, idempotency_key: Optional[str] = None) -> None: ...
    def adjust_stock(
        self,
        id: _Id,
        delta: int,
        reason: str,
        reference: Optional[str],
        actor: Optional[str],
        location: Optional[str],
        expected: Optional[int],
        idempotency_key: Optional[str],
    ) -> ProductRecord: ...
    def set_stock(
        self,
        id: _Id,
        quantity: int,
        reason: str,
        reference: Optional[str],
        actor: Optional[str],
        location: Optional[str],
        expected: Optional[int],
        idempotency_key: Optional[str],
    ) -> ProductRecord: ...
    def transfer(
        self,
        id: _Id,
        quantity: int,
        from_location: str,
        to_location: str,
        reason: str,
        reference: Optional[str],
        actor: Optional[str],
        expected: Optional[int],
        idempotency_key: Optional[str],
    ) -> ProductRecord: ...
    def apply(
        self, movements: List[MovementTuple], idempotency_key: Optional[str] = None
    ) -> List[ProductRecord]: ...
    def create_location(
        self, code: str, name: str, idempotency_key: Optional[str] = None
    ) -> LocationRecord: ...
    def rename_location(
        self, code: str, name: str, idempotency_key: Optional[str] = None
    ) -> LocationRecord: ...
    def delete_location(self, code: str, idempotency_key: Optional[str] = None) -> None: ...
    def locations(self) -> List[LocationRecord]: ...
    def location(self, code: str) -> LocationRecord: ...
    def stock_levels(self, id: _Id) -> List[LevelRecord]: ...
    def set_reorder_point(
        self,
        id: _Id,
        reorder_point: Optional[int],
        location: Optional[str],
        idempotency_key: Optional[str] = None,
    ) -> LevelRecord: ...
    def reserve(
        self,
        id: _Id,
        quantity: int,
        location: Optional[str],
        expires_in: Optional[float],
        expires_at: Optional[datetime.datetime],
        reference: Optional[str],
        actor: Optional[str],
        idempotency_key: Optional[str],
    ) -> HoldRecord: ...
    def commit_hold(
        self,
        hold_id: _Id,
        quantity: Optional[int],
        reason: str,
        reference: Optional[str],
        actor: Optional[str],
        idempotency_key: Optional[str],
    ) -> ProductRecord: ...
    def release_hold(self, hold_id: _Id, idempotency_key: Optional[str] = None) -> HoldRecord: ...
    def hold(self, hold_id: _Id) -> HoldRecord: ...
    def holds(self, id: _Id, status: Optional[str] = None) -> List[HoldRecord]: ...
    def expire_holds(self, idempotency_key: Optional[str] = None) -> int: ...
    def replica_id(self) -> uuid.UUID: ...
    def list(
        self,
        name_contains: Optional[str],
        sku_prefix: Optional[str],
        low_stock: Optional[int],
        min_price: Optional[str],
        max_price: Optional[str],
        order_by: Optional[str],
        limit: Optional[int],
        cursor: Optional[str],
        offset: Optional[int],
        below_reorder_point: bool = False,
        location: Optional[str] = None,
        with_total: bool = True,
    ) -> PageRecord: ...
    def total_value(self) -> Decimal: ...
    def history(self, id: _Id) -> List[EventRecord]: ...
    def events_since(self, since: int, limit: Optional[int] = None) -> List[EventRecord]: ...
    def check_ledger(self) -> None: ...
    def begin(self) -> Inventory: ...
    def end(self, commit: bool) -> None: ...
    def key_used_at(self, key: str) -> Optional[datetime.datetime]: ...
    def close(self) -> None: ...
    @property
    def closed(self) -> bool: ...
    def export_json(self) -> str: ...
    def import_json(self, json: str) -> None: ...
