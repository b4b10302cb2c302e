"""The clock an inventory reads: the system's, or a :class:`ManualClock` a test moves."""

from __future__ import annotations

import datetime
from typing import Union

from . import _inventory
from ._convert import _aware, _seconds


class ManualClock:
    """A clock that stands still until it is moved: give it to :meth:`Inventory.open` or
    :meth:`Inventory.in_memory` (``clock=``) to test what happens when time passes (a hold
    expiring) without waiting for it.

    >>> import datetime, inventory
    >>> clock = inventory.ManualClock(datetime.datetime(2030, 1, 1, tzinfo=datetime.timezone.utc))
    >>> inv = inventory.Inventory.in_memory(clock=clock)
    >>> p = inv.create(name="Widget", sku="W-1", price="9.99", stock=3)
    >>> h = inv.reserve(p.id, 2, expires_in=60)
    >>> inv.stock_levels(p.id)[0].available
    1
    >>> clock.advance(datetime.timedelta(minutes=1))
    >>> inv.stock_levels(p.id)[0].available, inv.hold(h.id).status.value
    (3, 'expired')
    """

    __slots__ = ("_native",)

    def __init__(self, start: datetime.datetime) -> None:
        self._native = _inventory.ManualClock(_aware(start, "start"))

    def now(self) -> datetime.datetime:
        """What the clock shows (UTC)."""
        return self._native.now()

    def advance(self, by: Union[datetime.timedelta, float]) -> None:
        """Moves the clock forward by ``by`` (a ``timedelta`` or seconds; not negative)."""
        micros = round(_seconds(by, "by") * 1_000_000)
        if micros < 0:
            raise ValueError("by must not be negative (use set() to go back)")
        self._native.advance(micros)

    def set(self, t: datetime.datetime) -> None:
        """Sets the clock (it may go back)."""
        self._native.set(_aware(t, "t"))

    def __repr__(self) -> str:
        return f"ManualClock({self.now()!r})"
