"""Holds from Python: reserve, commit, release, expiry on a manual clock, and the errors."""

from __future__ import annotations

import datetime
import threading
from pathlib import Path
from typing import Callable, List, Tuple

import pytest

import inventory
from inventory import HoldStatus, Inventory

UTC = datetime.timezone.utc
T0 = datetime.datetime(2030, 1, 1, tzinfo=UTC)


@pytest.fixture
def clock() -> inventory.ManualClock:
    return inventory.ManualClock(T0)


def test_the_issue_example(clock: inventory.ManualClock) -> None:
    inv = Inventory.in_memory(clock=clock)
    _ = inv.create_location(code="WH-1", name="Warehouse")
    p = inv.create(name="Widget", sku="W-1", price="9.99")
    inv.adjust_stock(p.id, 5, reason="restock", location="WH-1")
    h = inv.reserve(p.id, 2, location="WH-1", expires_in=datetime.timedelta(minutes=15),
                    reference="cart-1", idempotency_key="cart-1-line-1")
    assert h == inv.reserve(p.id, 2, location="WH-1", expires_in=datetime.timedelta(minutes=15),
                            reference="cart-1", idempotency_key="cart-1-line-1")
    assert (h.status, h.expires_at, h.reference) == (
        HoldStatus.ACTIVE, T0 + datetime.timedelta(minutes=15), "cart-1")
    (level,) = [x for x in inv.stock_levels(p.id) if x.location == "WH-1"]
    assert (level.on_hand, level.reserved, level.available, level.short) == (5, 2, 3, 0)
    after = inv.commit_hold(h.id, quantity=1, reference="order-1")
    assert after.stock == 4
    with pytest.raises(inventory.HoldClosedError) as e:
        inv.release_hold(h.id)
    assert (e.value.status, e.value.hold_id, e.value.code) == ("committed", h.id, "HOLD_CLOSED")
    assert inv.holds(p.id) == []
    assert [x.status for x in inv.holds(p.id, status=None)] == [HoldStatus.COMMITTED]
    assert inv.expire_holds() == 0
    kinds = [e.kind for e in inv.history(p.id)]
    assert kinds[-2:] == [inventory.EventKind.HOLD_PLACED, inventory.EventKind.HOLD_COMMITTED]
    placed = inv.history(p.id)[-2]
    assert (placed.hold_id, placed.quantity, placed.expires_at) == (h.id, 2, h.expires_at)


def test_expiry_moves_with_the_clock(clock: inventory.ManualClock) -> None:
    inv = Inventory.in_memory(clock=clock)
    p = inv.create(name="Widget", sku="W-1", price="9.99", stock=3)
    h = inv.reserve(p.id, 3, expires_in=60)
    clock.advance(59.999)
    assert inv.stock_levels(p.id)[0].available == 0
    clock.advance(0.001)
    assert inv.stock_levels(p.id)[0].available == 3
    assert inv.hold(h.id).status is HoldStatus.EXPIRED
    with pytest.raises(inventory.HoldExpiredError) as e:
        inv.commit_hold(h.id)
    assert (e.value.hold_id, e.value.expires_at) == (h.id, T0 + datetime.timedelta(minutes=1))
    assert inv.expire_holds() == 1
    with pytest.raises(inventory.HoldClosedError):
        inv.commit_hold(h.id)
    h2 = inv.reserve(p.id, 1, expires_at=T0 + datetime.timedelta(hours=1))
    assert h2.expires_at == T0 + datetime.timedelta(hours=1)
    clock.set(T0)
    assert clock.now() == T0
    assert repr(clock).startswith("ManualClock(")


def test_bad_requests_are_clear_errors_and_change_nothing(clock: inventory.ManualClock) -> None:
    inv = Inventory.in_memory(clock=clock)
    p = inv.create(name="Widget", sku="W-1", price="9.99", stock=3)
    before = inv.export_json()
    later = T0 + datetime.timedelta(hours=1)
    calls: List[Tuple[Callable[[], object], str]] = [
        (lambda: inv.reserve(p.id, 0), "quantity"),
        (lambda: inv.reserve(p.id, -2), "quantity"),
        (lambda: inv.reserve(p.id, 1, expires_in=0), "expires_in"),
        (lambda: inv.reserve(p.id, 1, expires_in=-5), "expires_in"),
        (lambda: inv.reserve(p.id, 1, expires_at=T0), "expires_at"),
        (lambda: inv.reserve(p.id, 1, expires_in=5, expires_at=later), "expires_in"),
    ]
    for call, field in calls:
        with pytest.raises(inventory.ValidationError) as e:
            call()
        assert e.value.field == field, e.value
    with pytest.raises(inventory.InsufficientStockError) as insufficient:
        inv.reserve(p.id, 4)
    assert (insufficient.value.available, insufficient.value.requested) == (3, 4)
    with pytest.raises(TypeError, match="timezone-aware"):
        inv.reserve(p.id, 1, expires_at=datetime.datetime(2031, 1, 1))
    with pytest.raises(TypeError, match="timedelta or a number"):
        inv.reserve(p.id, 1, expires_in=True)
    with pytest.raises(TypeError, match="hold_id must be"):
        inv.commit_hold(42)  # type: ignore[arg-type]
    with pytest.raises(inventory.NotFoundError):
        inv.release_hold("00000000-0000-4000-8000-000000000000")
    with pytest.raises(ValueError, match="negative"):
        clock.advance(-1)
    with pytest.raises(TypeError, match="ManualClock"):
        Inventory.in_memory(clock=object())  # type: ignore[arg-type]
    assert inv.export_json() == before
    h = inv.reserve(p.id, 2)
    with pytest.raises(inventory.ValidationError, match="at most the 2 held"):
        inv.commit_hold(h.id, quantity=3)


def test_threads_racing_for_the_last_units_never_over_reserve(tmp_path: Path) -> None:
    inv = Inventory.open(tmp_path / "shop.db")
    p = inv.create(name="Widget", sku="W-1", price="9.99", stock=10)
    barrier = threading.Barrier(8)
    placed: list[bool] = []
    lock = threading.Lock()

    def cart() -> None:
        barrier.wait()
        for _ in range(3):
            try:
                inv.reserve(p.id, 1)
                ok = True
            except inventory.InsufficientStockError:
                ok = False
            with lock:
                placed.append(ok)

    threads = [threading.Thread(target=cart) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert placed.count(True) == 10
    level = inv.stock_levels(p.id)[0]
    assert (level.reserved, level.available) == (10, 0)
    inv.check_ledger()
