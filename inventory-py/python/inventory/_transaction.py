"""The Transaction class: several calls that commit together, or not at all."""

from __future__ import annotations

import datetime
from types import TracebackType
from typing import Any, Optional, Type

from . import _inventory
from ._api import _Calls
from ._convert import _text


class Transaction(_Calls):
    """Calls of an :class:`Inventory` that commit together when the ``with`` block ends, or
    not at all when it raises. Made by :meth:`Inventory.transaction`.

    It has the inventory's writes (``create``, ``adjust_stock``, ``reserve``, …, each with its
    ``idempotency_key``) and its reads by key (``get``, ``get_by_sku``, ``location``), with the
    same rules and errors; they see the transaction's own writes, which no other caller sees
    before the commit. Writers elsewhere wait for it, so keep it short.

    A call that raises ends the transaction: the commit then raises that error too, even if
    the block caught it. The thread that opened it may not call the inventory itself until the
    block ends (:class:`ValidationError`, field ``transaction``).

    >>> import inventory
    >>> inv = inventory.Inventory.in_memory()
    >>> with inv.transaction() as tx:
    ...     p = tx.create(name="Mug", sku="MUG-1", price="8.50")
    ...     _ = tx.adjust_stock(p.id, 12, reason="restock")
    ...     _ = tx.adjust_stock(p.id, -2, reason="sale")
    >>> inv.get_by_sku("MUG-1").stock
    10
    >>> try:
    ...     with inv.transaction() as tx:
    ...         _ = tx.adjust_stock(p.id, -1, reason="sale")
    ...         _ = tx.adjust_stock(p.id, -100, reason="sale")
    ... except inventory.InsufficientStockError as e:
    ...     print(e.available)
    9
    >>> inv.get_by_sku("MUG-1").stock   # the first sale was rolled back with the second
    10
    """

    __slots__ = ("_native",)

    def __init__(self, native: _inventory.Inventory) -> None:
        self._native = native

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"

    def __enter__(self) -> Transaction:
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self._native.end(exc_type is None)

    def commit(self) -> None:
        """Commits now (what leaving the ``with`` block does); raises the error of a call
        that failed, and then nothing is written."""
        self._native.end(True)

    def rollback(self) -> None:
        """Rolls every call back now (what an exception leaving the block does)."""
        self._native.end(False)

    def key_used_at(self, key: str) -> Optional[datetime.datetime]:
        """When a write with this idempotency key was first applied, or ``None``: how a
        caller knows, before repeating work, that it was done.

        >>> import inventory
        >>> inv = inventory.Inventory.in_memory()
        >>> p = inv.create(name="Mug", sku="MUG-1", price="8.50", idempotency_key="setup-1")
        >>> with inv.transaction() as tx:
        ...     tx.key_used_at("setup-1") is not None, tx.key_used_at("setup-2")
        (True, None)
        """
        at: Optional[datetime.datetime] = self._native.key_used_at(_text(key, "key"))
        return at


def _begin(inv: Any) -> Transaction:
    return Transaction(inv._native.begin())
