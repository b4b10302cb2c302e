"""The Inventory class: every operation, each one call into the core."""

from __future__ import annotations

import datetime
import os
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Iterable, List, Mapping, Optional, Sequence, Union

from . import _inventory
from ._clock import ManualClock
from ._convert import (
    _aware,
    _event,
    _hold,
    _i64,
    _id,
    _int,
    _key,
    _level,
    _location,
    _location_value,
    _movement,
    _new_product,
    _opt_i64,
    _opt_decimal_text,
    _opt_text,
    _page,
    _product,
    _seconds,
    _text,
    _type_name,
    _with_callers_number,
)
from ._errors import InventoryError
from ._movements import Movement

if TYPE_CHECKING:
    from ._transaction import Transaction
from ._values import (
    Event,
    Hold,
    HoldStatus,
    IdLike,
    Location,
    Page,
    PriceLike,
    Product,
    StockLevel,
)

#: ``holds(id)``'s default: the active holds (pass ``status=None`` for every one).
_ACTIVE = HoldStatus.ACTIVE


def _bool(value: object, name: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool, not {_type_name(value)}")
    return value


class _Calls:
    """The calls an :class:`Inventory` and a :class:`Transaction` share: the writes, and
    the reads by key. Each converts its arguments, calls the native handle (the inventory's,
    or the transaction's) and converts the answer."""

    __slots__ = ()
    _native: _inventory.Inventory

    def create(
        self,
        *,
        name: str,
        sku: str,
        price: PriceLike,
        stock: int = 0,
        idempotency_key: Optional[str] = None,
    ) -> Product:
        """Creates a product and returns it.

        ``sku`` is trimmed and upper-cased; ``price`` is a ``Decimal``, ``int`` or ``str`` with at
        most two decimal places; ``stock`` (default 0) is recorded as the first movement, at the
        ``DEFAULT`` location.

        Every method that changes something takes an ``idempotency_key`` (1 to 255
        characters): the same call made again with the same key changes nothing and returns
        what the first call returned (a retry after a timeout is safe); the key reused for a
        different call raises :class:`IdempotencyConflictError`.

        Raises :class:`ValidationError` (naming the field) or :class:`DuplicateSkuError`;
        nothing is written then. A ``float`` price raises :class:`TypeError`.

        >>> import inventory
        >>> inv = inventory.Inventory.in_memory()
        >>> inv.create(name=" Widget ", sku=" ab-1 ", price="9.9", stock=3).name
        'Widget'
        """
        t = self._native.create(*_new_product(name, sku, price, stock), _key(idempotency_key))
        return _product(t)

    def create_many(
        self, products: Iterable[Mapping[str, Any]], *, idempotency_key: Optional[str] = None
    ) -> List[Product]:
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
        return [_product(t) for t in self._native.create_many(rows, _key(idempotency_key))]

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
        idempotency_key: Optional[str] = None,
    ) -> Product:
        """Changes any of ``name``, ``sku``, ``price`` and ``stock`` in one transaction; the
        others stay. Returns the product.

        With ``expected_version``, raises :class:`VersionConflictError` unless the product is
        still at that version (optimistic locking). A ``stock`` that differs from the current
        one is recorded in the ledger as a ``correction`` movement at the ``DEFAULT`` location
        (use :meth:`adjust_stock` or :meth:`set_stock` to give a reason, a location or an
        expected stock). A change to the same values writes nothing.

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
                _key(idempotency_key),
            )
        )

    def delete(self, id: IdLike, *, idempotency_key: Optional[str] = None) -> None:
        """Deletes a product. Its events stay in the ledger, followed by a ``DELETED`` one.

        Raises :class:`NotFoundError`.

        >>> import inventory
        >>> inv = inventory.Inventory.in_memory()
        >>> p = inv.create(name="Widget", sku="W-1", price="9.99")
        >>> inv.delete(p.id)
        >>> [str(e.kind) for e in inv.history(p.id)]
        ['created', 'deleted']
        """
        self._native.delete(_id(id), _key(idempotency_key))

    def adjust_stock(
        self,
        id: IdLike,
        delta: int,
        reason: str,
        *,
        reference: Optional[str] = None,
        actor: Optional[str] = None,
        location: Optional[str] = None,
        expected: Optional[int] = None,
        idempotency_key: Optional[str] = None,
    ) -> Product:
        """Moves stock by ``delta`` (negative for a sale) at ``location`` (a location's code;
        ``DEFAULT`` when not given), atomically, and returns the product, whose ``stock`` is
        the sum over its locations.

        The movement is recorded with its ``reason`` (``"sale"``, ``"restock"``, ``"return"``,
        ``"damage"``, ... or a word of your own), and optionally a ``reference`` (an order) and
        an ``actor`` (who). With ``expected``, the change applies only if the level at the
        location is still that.

        Raises, changing nothing, :class:`InsufficientStockError` if the level would go below
        0, :class:`StockOverflowError` if the stock would go above the maximum,
        :class:`VersionConflictError` if ``expected`` no longer holds, :class:`NotFoundError`
        for an unknown product or location, :class:`ValidationError` for a zero ``delta`` or a
        bad text.

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
                    _opt_text(location, "location"),
                    _opt_i64(expected, "expected"),
                    _key(idempotency_key),
                )
            )
        except InventoryError as e:
            raise _with_callers_number(e, clamped, given) from None

    def set_stock(
        self,
        id: IdLike,
        quantity: int,
        reason: str = "count",
        *,
        reference: Optional[str] = None,
        actor: Optional[str] = None,
        location: Optional[str] = None,
        expected: Optional[int] = None,
        idempotency_key: Optional[str] = None,
    ) -> Product:
        """Records a physical count: the level at ``location`` (``DEFAULT`` when not given)
        becomes ``quantity``, and the ledger keeps a ``COUNTED`` event with what was counted
        and the difference it implies (a count that matches is recorded too).

        With ``expected`` (what the counter believed was there), raises
        :class:`VersionConflictError` if the level has moved since, changing nothing.

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
                _opt_text(location, "location"),
                _opt_i64(expected, "expected"),
                _key(idempotency_key),
            )
        )

    def transfer(
        self,
        id: IdLike,
        quantity: int,
        *,
        from_location: str,
        to_location: str,
        reason: str = "transfer",
        reference: Optional[str] = None,
        actor: Optional[str] = None,
        expected: Optional[int] = None,
        idempotency_key: Optional[str] = None,
    ) -> Product:
        """Moves ``quantity`` of a product from one location to another in one transaction:
        two ``TRANSFERRED`` events sharing a ``transfer_id``, and the product's stock unchanged.

        Raises, changing nothing, :class:`InsufficientStockError` if the source holds less,
        :class:`NotFoundError` for an unknown location, :class:`ValidationError` for a
        quantity of 0 or the same location twice. ``expected`` guards the source's level.

        >>> import inventory
        >>> inv = inventory.Inventory.in_memory()
        >>> p = inv.create(name="Widget", sku="W-1", price="9.99", stock=5)
        >>> _ = inv.create_location(code="van", name="The van")
        >>> inv.transfer(p.id, 3, from_location="DEFAULT", to_location="van").stock
        5
        >>> [(level.location, level.on_hand) for level in inv.stock_levels(p.id)]
        [('DEFAULT', 2), ('VAN', 3)]
        """
        return _product(
            self._native.transfer(
                _id(id),
                _i64(quantity, "quantity"),
                _text(from_location, "from_location"),
                _text(to_location, "to_location"),
                _text(reason, "reason"),
                _opt_text(reference, "reference"),
                _opt_text(actor, "actor"),
                _opt_i64(expected, "expected"),
                _key(idempotency_key),
            )
        )

    def apply(
        self, movements: Sequence[Movement], *, idempotency_key: Optional[str] = None
    ) -> List[Product]:
        """Runs adjustments, counts and transfers (:class:`Adjust`, :class:`Count`,
        :class:`Transfer`), across products and locations, in one transaction: all apply, or
        none. Returns the product after each movement, in order.

        An error names the movement: a :class:`ValidationError` field ``movements[1].delta``,
        a :class:`VersionConflictError` field ``movements[2].stock``, a :class:`NotFoundError`
        key ending ``(movements[0])``. One ``idempotency_key`` covers the whole batch.

        >>> import inventory
        >>> inv = inventory.Inventory.in_memory()
        >>> p = inv.create(name="Widget", sku="W-1", price="9.99", stock=5)
        >>> q = inv.create(name="Gadget", sku="G-1", price="1.00")
        >>> _ = inv.create_location(code="wh-1", name="Main warehouse")
        >>> after = inv.apply([
        ...     inventory.Adjust(p.id, -1, reason="sale"),
        ...     inventory.Count(q.id, 12, location="WH-1"),
        ...     inventory.Transfer(p.id, 1, from_location="DEFAULT", to_location="WH-1"),
        ... ], idempotency_key="order-77")
        >>> [(x.sku, x.stock) for x in after]
        [('W-1', 4), ('G-1', 12), ('W-1', 4)]
        >>> try:
        ...     inv.apply([inventory.Adjust(p.id, -1, reason="sale"),
        ...                inventory.Adjust(q.id, 0, reason="sale")])
        ... except inventory.ValidationError as e:
        ...     print(e.field)
        movements[1].delta
        """
        if isinstance(movements, (str, bytes)) or not isinstance(movements, Iterable):
            raise TypeError(f"movements must be a list, not {_type_name(movements)}")
        rows = [_movement(m) for m in movements]
        return [_product(t) for t in self._native.apply(rows, _key(idempotency_key))]

    def create_location(
        self, *, code: str, name: str, idempotency_key: Optional[str] = None
    ) -> Location:
        """Creates a location. ``code`` is trimmed and upper-cased like a SKU and must be free.

        >>> import inventory
        >>> inv = inventory.Inventory.in_memory()
        >>> inv.create_location(code=" wh-1 ", name="Main warehouse").code
        'WH-1'
        """
        return _location_value(
            self._native.create_location(
                _text(code, "code"), _text(name, "name"), _key(idempotency_key)
            )
        )

    def rename_location(
        self, code: str, *, name: str, idempotency_key: Optional[str] = None
    ) -> Location:
        """Renames a location (its code stays). Raises :class:`NotFoundError` for an unknown one.

        >>> import inventory
        >>> inv = inventory.Inventory.in_memory()
        >>> inv.rename_location("DEFAULT", name="Shop floor").name
        'Shop floor'
        """
        return _location_value(
            self._native.rename_location(
                _text(code, "code"), _text(name, "name"), _key(idempotency_key)
            )
        )

    def delete_location(self, code: str, *, idempotency_key: Optional[str] = None) -> None:
        """Deletes a location that holds no stock (its reorder points go with it; the ledger
        keeps its movements). ``DEFAULT`` cannot be deleted.

        >>> import inventory
        >>> inv = inventory.Inventory.in_memory()
        >>> _ = inv.create_location(code="tmp", name="Pop-up stand")
        >>> inv.delete_location("TMP")
        >>> [loc.code for loc in inv.locations()]
        ['DEFAULT']
        """
        self._native.delete_location(_text(code, "code"), _key(idempotency_key))

    def location(self, code: str) -> Location:
        """The location with this code (normalised first); raises :class:`NotFoundError`.

        >>> import inventory
        >>> inventory.Inventory.in_memory().location("default").code
        'DEFAULT'
        """
        return _location_value(self._native.location(_text(code, "code")))

    def set_reorder_point(
        self,
        id: IdLike,
        reorder_point: Optional[int],
        *,
        location: Optional[str] = None,
        idempotency_key: Optional[str] = None,
    ) -> StockLevel:
        """Sets (or with ``None`` clears) a product's reorder point at ``location``
        (``DEFAULT`` when not given); ``list(below_reorder_point=True)`` finds what is due.

        >>> import inventory
        >>> inv = inventory.Inventory.in_memory()
        >>> p = inv.create(name="Widget", sku="W-1", price="9.99", stock=4)
        >>> inv.set_reorder_point(p.id, 5).below_reorder_point
        True
        >>> [x.sku for x in inv.list(below_reorder_point=True)]
        ['W-1']
        """
        return _level(
            self._native.set_reorder_point(
                _id(id),
                _opt_i64(reorder_point, "reorder_point"),
                _opt_text(location, "location"),
                _key(idempotency_key),
            )
        )

    def reserve(
        self,
        id: IdLike,
        quantity: int,
        *,
        location: Optional[str] = None,
        expires_in: Optional[Union[datetime.timedelta, float]] = None,
        expires_at: Optional[datetime.datetime] = None,
        reference: Optional[str] = None,
        actor: Optional[str] = None,
        idempotency_key: Optional[str] = None,
    ) -> Hold:
        """Holds ``quantity`` of a product at ``location`` (``DEFAULT`` when not given) for a
        cart or an order, until :meth:`commit_hold`, :meth:`release_hold` or its expiry:
        ``expires_in`` (a ``timedelta`` or seconds) or ``expires_at`` (an aware ``datetime``),
        not both; neither for a hold that lasts until it is resolved.

        Held stock is not for sale: :meth:`adjust_stock` and :meth:`transfer` take only what
        is ``available``. At ``expires_at`` the hold stops reserving, for every read and write,
        with no job to run.

        Raises, changing nothing, :class:`InsufficientStockError` (``available``,
        ``requested``) when less is available, however many callers race for the last units;
        :class:`ValidationError` for a quantity below 1 or an expiry not in the future;
        :class:`NotFoundError` for an unknown product or location.

        >>> import datetime, inventory
        >>> inv = inventory.Inventory.in_memory()
        >>> p = inv.create(name="Widget", sku="W-1", price="9.99", stock=3)
        >>> h = inv.reserve(p.id, 2, expires_in=datetime.timedelta(minutes=15),
        ...                 reference="cart-1", idempotency_key="cart-1-line-1")
        >>> level = inv.stock_levels(p.id)[0]
        >>> level.on_hand, level.reserved, level.available
        (3, 2, 1)
        >>> inv.adjust_stock(p.id, -2, reason="sale")
        Traceback (most recent call last):
            ...
        inventory.InsufficientStockError: stock: insufficient stock: 1 available, 2 requested
        """
        if expires_at is not None:
            expires_at = _aware(expires_at, "expires_at")
        return _hold(
            self._native.reserve(
                _id(id),
                _i64(quantity, "quantity"),
                _opt_text(location, "location"),
                None if expires_in is None else _seconds(expires_in, "expires_in"),
                expires_at,
                _opt_text(reference, "reference"),
                _opt_text(actor, "actor"),
                _key(idempotency_key),
            )
        )

    def commit_hold(
        self,
        hold_id: IdLike,
        *,
        quantity: Optional[int] = None,
        reason: str = "sale",
        reference: Optional[str] = None,
        actor: Optional[str] = None,
        idempotency_key: Optional[str] = None,
    ) -> Product:
        """Commits a hold: ``quantity`` of it (all of it when not given) leaves the stock as a
        ``HOLD_COMMITTED`` movement, and the rest is released. Returns the product.

        A hold resolves once: a second commit or release raises :class:`HoldClosedError`,
        unless it repeats the first with its ``idempotency_key`` (then it returns the first
        answer). A hold past its time raises :class:`HoldExpiredError`; more than was held a
        :class:`ValidationError`; more than a count left on hand
        :class:`InsufficientStockError`. Nothing changes then.

        >>> import inventory
        >>> inv = inventory.Inventory.in_memory()
        >>> p = inv.create(name="Widget", sku="W-1", price="9.99", stock=5)
        >>> h = inv.reserve(p.id, 2)
        >>> inv.commit_hold(h.id, quantity=1, reference="order-1").stock
        4
        >>> inv.hold(h.id).status.value, inv.stock_levels(p.id)[0].available
        ('committed', 4)
        """
        return _product(
            self._native.commit_hold(
                _id(hold_id, "hold_id"),
                _opt_i64(quantity, "quantity"),
                _text(reason, "reason"),
                _opt_text(reference, "reference"),
                _opt_text(actor, "actor"),
                _key(idempotency_key),
            )
        )

    def release_hold(self, hold_id: IdLike, *, idempotency_key: Optional[str] = None) -> Hold:
        """Releases a hold: its units are available again. Returns the released hold. Raises
        :class:`HoldClosedError` if it was resolved before, :class:`HoldExpiredError` if it is
        past its time (its stock is free already).

        >>> import inventory
        >>> inv = inventory.Inventory.in_memory()
        >>> p = inv.create(name="Widget", sku="W-1", price="9.99", stock=5)
        >>> inv.release_hold(inv.reserve(p.id, 5).id).status.value
        'released'
        """
        return _hold(self._native.release_hold(_id(hold_id, "hold_id"), _key(idempotency_key)))


class Inventory(_Calls):
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
        self,
        location: Union[str, os.PathLike[str]] = "memory:",
        *,
        durability: str = "normal",
        clock: Optional[ManualClock] = None,
    ) -> None:
        """Opens the inventory at ``location``: see :meth:`open`."""
        if not isinstance(durability, str):
            raise TypeError(f"durability must be a str, not {_type_name(durability)}")
        if clock is not None and not isinstance(clock, ManualClock):
            raise TypeError(f"clock must be a ManualClock, not {_type_name(clock)}")
        self._location = _location(location)
        self._native = _inventory.Inventory.open(
            self._location, durability, None if clock is None else clock._native
        )

    @classmethod
    def open(
        cls,
        location: Union[str, os.PathLike[str]],
        *,
        durability: str = "normal",
        clock: Optional[ManualClock] = None,
    ) -> Inventory:
        """Opens an inventory by location.

        - a path (``"shop.db"``, a :class:`pathlib.Path`) or ``"sqlite://PATH"``: the SQLite file
          at that path, created with its schema if missing;
        - ``":memory:"``: a private in-memory SQLite database;
        - ``"memory:"``: the in-memory store (as :meth:`in_memory`).

        ``clock`` (a :class:`ManualClock`) replaces the system clock for every time the
        inventory reads (event times, hold expiry): for tests.

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
        return cls(location, durability=durability, clock=clock)

    @classmethod
    def in_memory(cls, *, clock: Optional[ManualClock] = None) -> Inventory:
        """An empty inventory in memory, gone when the object is. ``clock`` (a
        :class:`ManualClock`) replaces the system clock, for tests of expiry.

        >>> import inventory
        >>> inventory.Inventory.in_memory().list().total
        0
        """
        return cls("memory:", clock=clock)

    def __repr__(self) -> str:
        return f"{type(self).__name__}.open({self._location!r})"

    def locations(self) -> List[Location]:
        """Every location, ordered by code (``DEFAULT`` included).

        >>> import inventory
        >>> [loc.code for loc in inventory.Inventory.in_memory().locations()]
        ['DEFAULT']
        """
        return [_location_value(t) for t in self._native.locations()]

    def stock_levels(self, id: IdLike) -> List[StockLevel]:
        """A product's stock per location, ordered by code: every location where it ever moved
        or has a reorder point. Raises :class:`NotFoundError` for an unknown product.

        >>> import inventory
        >>> inv = inventory.Inventory.in_memory()
        >>> p = inv.create(name="Widget", sku="W-1", price="9.99", stock=3)
        >>> _ = inv.create_location(code="wh-1", name="Main warehouse")
        >>> _ = inv.adjust_stock(p.id, 10, reason="restock", location="WH-1")
        >>> [(level.location, level.on_hand) for level in inv.stock_levels(p.id)]
        [('DEFAULT', 3), ('WH-1', 10)]
        """
        return [_level(t) for t in self._native.stock_levels(_id(id))]

    def hold(self, hold_id: IdLike) -> Hold:
        """The hold with this id, as it is now (an active hold past its time reads as
        ``EXPIRED``). Raises :class:`NotFoundError` for an unknown id.

        >>> import inventory
        >>> inv = inventory.Inventory.in_memory()
        >>> p = inv.create(name="Widget", sku="W-1", price="9.99", stock=5)
        >>> h = inv.reserve(p.id, 2, reference="cart-1")
        >>> inv.hold(h.id) == h, inv.hold(str(h.id)).reference
        (True, 'cart-1')
        """
        return _hold(self._native.hold(_id(hold_id, "hold_id")))

    def holds(
        self, id: IdLike, *, status: Optional[Union[HoldStatus, str]] = _ACTIVE
    ) -> List[Hold]:
        """A product's holds, oldest first: the active ones, those with another ``status``,
        or every one with ``status=None``.

        >>> import inventory
        >>> inv = inventory.Inventory.in_memory()
        >>> p = inv.create(name="Widget", sku="W-1", price="9.99", stock=5)
        >>> a, b = inv.reserve(p.id, 1), inv.reserve(p.id, 1)
        >>> _ = inv.release_hold(a.id)
        >>> [h.id for h in inv.holds(p.id)] == [b.id], len(inv.holds(p.id, status=None))
        (True, 2)
        """
        text = None if status is None else _text(str(status), "status")
        return [_hold(t) for t in self._native.holds(_id(id), text)]

    def expire_holds(self) -> int:
        """Records the expiry of every hold past its time (a ``HOLD_EXPIRED`` event each) and
        returns how many. Not needed for correctness: a hold stops reserving at its
        ``expires_at`` anyway. Run it now and then to keep the ledger current.

        >>> import datetime, inventory
        >>> clock = inventory.ManualClock(datetime.datetime(2030, 1, 1, tzinfo=datetime.timezone.utc))
        >>> inv = inventory.Inventory.in_memory(clock=clock)
        >>> p = inv.create(name="Widget", sku="W-1", price="9.99", stock=5)
        >>> _ = inv.reserve(p.id, 2, expires_in=60)
        >>> clock.advance(61)
        >>> inv.expire_holds(), inv.history(p.id)[-1].kind.value
        (1, 'hold_expired')
        """
        return self._native.expire_holds(None)

    def replica_id(self) -> uuid.UUID:
        """The id of this store as a replica: every event it writes carries it.

        >>> import inventory
        >>> inv = inventory.Inventory.in_memory()
        >>> p = inv.create(name="Widget", sku="W-1", price="9.99")
        >>> inv.history(p.id)[0].replica == inv.replica_id()
        True
        """
        return self._native.replica_id()

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
        below_reorder_point: bool = False,
        location: Optional[str] = None,
        with_total: bool = True,
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
        - ``offset``: rows to skip (page-number pagination; cursors are cheaper);
        - ``below_reorder_point``: only products due for reordering: at ``location``, the level
          at or below its reorder point there; without ``location``, the stock at or below the
          sum of the product's reorder points;
        - ``with_total``: count every match for :attr:`Page.total` (the default); ``False``
          leaves it ``None``, so a filtered page costs what its rows cost (an unfiltered count is
          kept by the store and free either way).

        >>> import inventory
        >>> inv = inventory.Inventory.in_memory()
        >>> _ = inv.create(name="Cheap", sku="C-1", price="1.00", stock=2)
        >>> _ = inv.create(name="Dear", sku="D-1", price="99.00", stock=3)
        >>> page = inv.list(low_stock=5, order_by="-price", limit=50)
        >>> [p.sku for p in page.items], page.next_cursor, page.total
        (['D-1', 'C-1'], None, 2)
        >>> inv.list(low_stock=5, with_total=False).total is None
        True
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
            _bool(below_reorder_point, "below_reorder_point"),
            _opt_text(location, "location"),
            _bool(with_total, "with_total"),
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

    def transaction(self) -> "Transaction":
        """A :class:`Transaction`: use it as ``with inv.transaction() as tx:``. Its calls
        commit together when the block ends, or none does when it raises.

        >>> import inventory
        >>> inv = inventory.Inventory.in_memory()
        >>> with inv.transaction() as tx:
        ...     for i in range(3):
        ...         _ = tx.create(name=f"Bolt {i}", sku=f"B-{i}", price="0.10", stock=100)
        >>> inv.list().total
        3
        """
        from ._transaction import _begin

        return _begin(self)

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
