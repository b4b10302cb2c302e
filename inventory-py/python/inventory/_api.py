"""The Inventory class: every operation, each one call into the core."""

from __future__ import annotations

import os
from decimal import Decimal
from typing import Any, Iterable, List, Mapping, Optional, Union

from . import _inventory
from ._convert import (
    _event,
    _i64,
    _id,
    _int,
    _location,
    _new_product,
    _opt_decimal_text,
    _opt_text,
    _page,
    _product,
    _text,
    _type_name,
    _with_callers_number,
)
from ._errors import InventoryError
from ._values import Event, IdLike, Page, PriceLike, Product


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
        return _page(page)

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
