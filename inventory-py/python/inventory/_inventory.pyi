"""The native module of the ``inventory`` package (Rust, pyo3); import ``inventory`` instead.

Arguments are plain values the front has already converted (ids and prices as text, counts as
``int``); results are tuples the front wraps in ``Product``, ``Page`` and ``Event``.
"""

import datetime
import uuid
from decimal import Decimal
from typing import List, Optional, Tuple, Union, final

#: The ``code`` of an error that is not one of the core's (a bug caught at the boundary).
INTERNAL: str

#: id, name, sku, price, stock, created_at, updated_at, version
ProductTuple = Tuple[uuid.UUID, str, str, Decimal, int, datetime.datetime, datetime.datetime, int]
#: field, before, after
ChangeTuple = Tuple[str, str, str]
#: seq, at, product_id, kind, sku, delta, stock_before, stock_after, reason, reference, actor,
#: changes
EventTuple = Tuple[
    int,
    datetime.datetime,
    uuid.UUID,
    str,
    str,
    Optional[int],
    Optional[int],
    Optional[int],
    Optional[str],
    Optional[str],
    Optional[str],
    List[ChangeTuple],
]
#: items, next_cursor, total
PageTuple = Tuple[List[ProductTuple], Optional[str], int]

@final
class Inventory:
    """The native inventory; ``inventory.Inventory`` wraps it with Python types."""

    @staticmethod
    def open(location: str, durability: str = "normal") -> Inventory: ...
    @staticmethod
    def in_memory() -> Inventory: ...
    def create(self, name: str, sku: str, price: str, stock: int) -> ProductTuple: ...
    def create_many(self, products: List[Tuple[str, str, str, int]]) -> List[ProductTuple]: ...
    def get(self, id: Union[uuid.UUID, str]) -> ProductTuple: ...
    def get_by_sku(self, sku: str) -> ProductTuple: ...
    def update(
        self,
        id: Union[uuid.UUID, str],
        name: Optional[str],
        sku: Optional[str],
        price: Optional[str],
        stock: Optional[int],
        expected_version: Optional[int],
    ) -> ProductTuple: ...
    def delete(self, id: Union[uuid.UUID, str]) -> None: ...
    def adjust_stock(
        self,
        id: Union[uuid.UUID, str],
        delta: int,
        reason: str,
        reference: Optional[str],
        actor: Optional[str],
        expected: Optional[int],
    ) -> ProductTuple: ...
    def set_stock(
        self,
        id: Union[uuid.UUID, str],
        quantity: int,
        reason: str,
        reference: Optional[str],
        actor: Optional[str],
        expected: Optional[int],
    ) -> ProductTuple: ...
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
    ) -> PageTuple: ...
    def total_value(self) -> Decimal: ...
    def history(self, id: Union[uuid.UUID, str]) -> List[EventTuple]: ...
    def events_since(self, since: int, limit: Optional[int] = None) -> List[EventTuple]: ...
    def check_ledger(self) -> None: ...
    def close(self) -> None: ...
    @property
    def closed(self) -> bool: ...
    def export_json(self) -> str: ...
    def import_json(self, json: str) -> None: ...
