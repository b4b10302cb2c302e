"""The exceptions: one class per error of the core, with its fields as attributes."""

from __future__ import annotations

import datetime
import uuid
from typing import Any, Optional, Tuple

from . import _inventory


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


class IdempotencyConflictError(InventoryError):
    """The idempotency ``key`` was used before for a different request; nothing changed.

    A request sent again with its key and the same arguments returns what the first one
    returned instead; this error means the key was reused for something else.

    >>> import inventory
    >>> inv = inventory.Inventory.in_memory()
    >>> p = inv.create(name="Widget", sku="W-1", price="9.99", stock=5)
    >>> _ = inv.adjust_stock(p.id, -1, reason="sale", idempotency_key="order-7")
    >>> try:
    ...     inv.adjust_stock(p.id, -2, reason="sale", idempotency_key="order-7")
    ... except inventory.IdempotencyConflictError as e:
    ...     print(e.key, e.field)
    order-7 idempotency_key
    """

    def __init__(self, message: str, *, key: str = "", **base: Any) -> None:
        super().__init__(message, **base)
        self.key = key


class HoldClosedError(InventoryError):
    """The hold was committed, released or expired before (``status`` says which): a hold
    resolves once. Nothing changed. The same call repeated with the first call's
    ``idempotency_key`` returns the first answer instead.

    >>> import inventory
    >>> inv = inventory.Inventory.in_memory()
    >>> p = inv.create(name="Widget", sku="W-1", price="9.99", stock=5)
    >>> h = inv.reserve(p.id, 2)
    >>> _ = inv.commit_hold(h.id)
    >>> try:
    ...     inv.release_hold(h.id)
    ... except inventory.HoldClosedError as e:
    ...     print(e.status, e.hold_id == h.id, e.field)
    committed True hold_id
    """

    def __init__(
        self,
        message: str,
        *,
        hold_id: Optional[uuid.UUID] = None,
        status: str = "",
        **base: Any,
    ) -> None:
        super().__init__(message, **base)
        self.hold_id = hold_id
        self.status = status


class HoldExpiredError(InventoryError):
    """The hold passed its ``expires_at`` before it was committed or released; its stock is
    no longer reserved. Nothing changed.

    >>> import datetime, inventory
    >>> clock = inventory.ManualClock(datetime.datetime(2030, 1, 1, tzinfo=datetime.timezone.utc))
    >>> inv = inventory.Inventory.in_memory(clock=clock)
    >>> p = inv.create(name="Widget", sku="W-1", price="9.99", stock=5)
    >>> h = inv.reserve(p.id, 2, expires_in=60)
    >>> clock.advance(60)
    >>> try:
    ...     inv.commit_hold(h.id)
    ... except inventory.HoldExpiredError as e:
    ...     print(e.expires_at.isoformat(), e.field)
    2030-01-01T00:01:00+00:00 hold_id
    """

    def __init__(
        self,
        message: str,
        *,
        hold_id: Optional[uuid.UUID] = None,
        expires_at: Optional[datetime.datetime] = None,
        **base: Any,
    ) -> None:
        super().__init__(message, **base)
        self.hold_id = hold_id
        self.expires_at = expires_at


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
