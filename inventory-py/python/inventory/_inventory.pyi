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
    at: datetime.datetime
    product_id: uuid.UUID
    kind: str
    sku: str
    delta: Optional[int]
    stock_before: Optional[int]
    stock_after: Optional[int]
    reason: Optional[str]
    reference: Optional[str]
    actor: Optional[str]
    changes: List[ChangeRecord]

class PageRecord(TypedDict):
    items: List[ProductRecord]
    next_cursor: Optional[str]
    total: int

@final
class Inventory:
    """The native inventory; ``inventory.Inventory`` wraps it with Python types."""

    @staticmethod
    def open(location: str, durability: str = "normal") -> Inventory: ...
    @staticmethod
    def in_memory() -> Inventory: ...
    def create(self, name: str, sku: str, price: str, stock: int) -> ProductRecord: ...
    def create_many(self, products: List[Tuple[str, str, str, int]]) -> List[ProductRecord]: ...
    def get(self, id: Union[uuid.UUID, str]) -> ProductRecord: ...
    def get_by_sku(self, sku: str) -> ProductRecord: ...
    def update(
        self,
        id: Union[uuid.UUID, str],
        name: Optional[str],
        sku: Optional[str],
        price: Optional[str],
        stock: Optional[int],
        expected_version: Optional[int],
    ) -> ProductRecord: ...
    def delete(self, id: Union[uuid.UUID, str]) -> None: ...
    def adjust_stock(
        self,
        id: Union[uuid.UUID, str],
        delta: int,
        reason: str,
        reference: Optional[str],
        actor: Optional[str],
        expected: Optional[int],
    ) -> ProductRecord: ...
    def set_stock(
        self,
        id: Union[uuid.UUID, str],
        quantity: int,
        reason: str,
        reference: Optional[str],
        actor: Optional[str],
        expected: Optional[int],
    ) -> ProductRecord: ...
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
    ) -> PageRecord: ...
    def total_value(self) -> Decimal: ...
    def history(self, id: Union[uuid.UUID, str]) -> List[EventRecord]: ...
    def events_since(self, since: int, limit: Optional[int] = None) -> List[EventRecord]: ...
    def check_ledger(self) -> None: ...
    def close(self) -> None: ...
    @property
    def closed(self) -> bool: ...
    def export_json(self) -> str: ...
    def import_json(self, json: str) -> None: ...
