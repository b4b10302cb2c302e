"""Stock movements, the ledger (history, events_since) and the total value."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

import pytest

import inventory
from inventory import EventKind, Inventory, Product

MAX_STOCK = 2**31 - 1


def test_adjust_stock_returns_the_updated_product(inv: Inventory, widget: Product) -> None:
    p = inv.adjust_stock(widget.id, -3, reason="sale")
    assert isinstance(p, Product)
    assert p.stock == 7 and p.version == 2 and p.id == widget.id
    assert inv.get(widget.id) == p
    assert inv.adjust_stock(str(widget.id), 5, "restock").stock == 12


def test_adjust_stock_records_reason_reference_actor(inv: Inventory, widget: Product) -> None:
    inv.adjust_stock(widget.id, -2, reason=" SALE ", reference="order-42", actor="till-1")
    e = inv.history(widget.id)[-1]
    kind: object = e.kind
    assert e.kind is EventKind.STOCK_CHANGED and kind == "stock_changed"  # a str enum
    assert (e.delta, e.stock_before, e.stock_after) == (-2, 10, 8)
    assert (e.reason, e.reference, e.actor) == ("sale", "order-42", "till-1")
    assert e.product_id == widget.id and e.sku == "W-1"
    assert e.at.tzinfo is not None and e.at.utcoffset() == datetime.timedelta(0)


def test_insufficient_stock_changes_nothing(inv: Inventory, widget: Product) -> None:
    with pytest.raises(inventory.InsufficientStockError) as err:
        inv.adjust_stock(widget.id, -11, reason="sale")
    e = err.value
    assert (e.available, e.requested, e.field) == (10, 11, "stock")
    assert str(e) == "stock: insufficient stock: 10 available, 11 requested"
    assert inv.get(widget.id) == widget and len(inv.history(widget.id)) == 1
    assert inv.adjust_stock(widget.id, -10, reason="sale").stock == 0


def test_stock_overflow_changes_nothing(inv: Inventory, widget: Product) -> None:
    with pytest.raises(inventory.StockOverflowError) as err:
        inv.adjust_stock(widget.id, MAX_STOCK, reason="restock")
    e = err.value
    assert (e.current, e.delta, e.field) == (10, MAX_STOCK, "stock")
    assert "would exceed the maximum stock of 2147483647" in str(e)
    assert inv.get(widget.id) == widget
    assert inv.adjust_stock(widget.id, MAX_STOCK - 10, reason="restock").stock == MAX_STOCK


def test_huge_negative_deltas_are_errors_not_crashes(inv: Inventory, widget: Product) -> None:
    for delta in (-(2**31), -(2**63), -(2**100)):
        with pytest.raises(inventory.InsufficientStockError) as err:
            inv.adjust_stock(widget.id, delta, reason="sale")
        assert err.value.available == 10
    assert inv.get(widget.id) == widget


@pytest.mark.parametrize("delta", [2**31, 2**63 - 1, 2**100])
def test_huge_positive_deltas_overflow(inv: Inventory, widget: Product, delta: int) -> None:
    with pytest.raises(inventory.StockOverflowError) as err:
        inv.adjust_stock(widget.id, delta, reason="restock")
    assert err.value.current == 10
    assert inv.get(widget.id) == widget


@pytest.mark.parametrize(
    ("delta", "kwargs", "field"),
    [
        (0, {}, "delta"),
        (1, {"reason": "  "}, "reason"),
        (1, {"reason": "r" * 51}, "reason"),
        (1, {"reference": "x" * 201}, "reference"),
        (1, {"actor": "bad\x00actor"}, "actor"),
        (1, {"expected": -1}, "expected"),
    ],
)
def test_adjust_stock_validation(
    inv: Inventory, widget: Product, delta: int, kwargs: dict[str, object], field: str
) -> None:
    args: dict[str, object] = {"reason": "restock", **kwargs}
    with pytest.raises(inventory.ValidationError) as err:
        inv.adjust_stock(widget.id, delta, **args)  # type: ignore[arg-type]
    assert err.value.field == field
    assert inv.get(widget.id) == widget


def test_adjust_stock_types(inv: Inventory, widget: Product) -> None:
    with pytest.raises(TypeError, match="delta must be an int, not float"):
        inv.adjust_stock(widget.id, 1.0, reason="restock")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        inv.adjust_stock(widget.id, 1, "restock", "order-1")  # type: ignore[call-arg]
    with pytest.raises(inventory.NotFoundError):
        inv.adjust_stock(uuid.uuid4(), 1, reason="restock")


def test_adjust_stock_expected(inv: Inventory, widget: Product) -> None:
    assert inv.adjust_stock(widget.id, -1, reason="sale", expected=10).stock == 9
    with pytest.raises(inventory.VersionConflictError) as err:
        inv.adjust_stock(widget.id, -1, reason="sale", expected=10)
    assert (err.value.field, err.value.expected, err.value.actual) == ("stock", 10, 9)


def test_set_stock(inv: Inventory, widget: Product) -> None:
    p = inv.set_stock(widget.id, 40, reason="correction", reference="count-1", actor="ann")
    assert p.stock == 40 and p.version == 2
    e = inv.history(widget.id)[-1]
    assert (e.delta, e.stock_before, e.stock_after, e.reason) == (30, 10, 40, "correction")
    assert (e.reference, e.actor) == ("count-1", "ann")
    # A count that matches is recorded too.
    assert inv.set_stock(widget.id, 40, "correction").stock == 40
    assert inv.history(widget.id)[-1].delta == 0


def test_set_stock_expected_is_compare_and_swap(inv: Inventory, widget: Product) -> None:
    with pytest.raises(inventory.VersionConflictError) as err:
        inv.set_stock(widget.id, 3, reason="correction", expected=4)
    assert (err.value.field, err.value.expected, err.value.actual) == ("stock", 4, 10)
    assert str(err.value) == "stock: expected 4, but it is now 10; reload and retry"
    assert inv.get(widget.id) == widget
    assert inv.set_stock(widget.id, 3, reason="correction", expected=10).stock == 3


@pytest.mark.parametrize("quantity", [-1, 2**31, 2**64])
def test_set_stock_range(inv: Inventory, widget: Product, quantity: int) -> None:
    with pytest.raises(inventory.ValidationError) as err:
        inv.set_stock(widget.id, quantity, reason="correction")
    assert err.value.field == "quantity"
    assert "between 0 and 2147483647" in str(err.value)
    assert inv.get(widget.id) == widget


# ------------------------------------------------------------------------------------ ledger
def test_history_oldest_first(inv: Inventory, widget: Product) -> None:
    inv.adjust_stock(widget.id, -3, reason="sale")
    inv.update(widget.id, name="Widget v2", price="10.50")
    inv.set_stock(widget.id, 40, reason="correction")
    events = inv.history(widget.id)
    assert [e.kind for e in events] == [
        EventKind.CREATED,
        EventKind.STOCK_CHANGED,
        EventKind.UPDATED,
        EventKind.COUNTED,
    ]
    created, _, updated, _ = events
    assert (created.delta, created.reason, created.stock_after) == (10, "initial", 10)
    assert [(c.field, c.before, c.after) for c in updated.changes] == [
        ("name", "Widget", "Widget v2"),
        ("price", "9.99", "10.50"),
    ]
    assert updated.delta is None
    assert [e.seq for e in events] == sorted(e.seq for e in events)
    assert sum(e.delta or 0 for e in events) == inv.get(widget.id).stock
    d = updated.to_dict()
    assert d["kind"] == "updated" and d["changes"][0] == {
        "field": "name",
        "before": "Widget",
        "after": "Widget v2",
    }
    with pytest.raises(inventory.NotFoundError):
        inv.history(uuid.uuid4())


def test_events_since(inv: Inventory) -> None:
    a = inv.create(name="A", sku="A", price=1, stock=1)
    b = inv.create(name="B", sku="B", price=2, stock=2)
    inv.adjust_stock(a.id, 1, reason="restock")
    inv.delete(b.id)
    events = inv.events_since()
    assert [(e.product_id, e.kind) for e in events] == [
        (a.id, EventKind.CREATED),
        (b.id, EventKind.CREATED),
        (a.id, EventKind.STOCK_CHANGED),
        (b.id, EventKind.DELETED),
    ]
    seqs = [e.seq for e in events]
    assert seqs == sorted(set(seqs)) and seqs[0] >= 1
    assert inv.events_since(seqs[1]) == events[2:]
    assert inv.events_since(0, limit=2) == events[:2]
    assert inv.events_since(since=seqs[-1]) == []
    for limit in (0, 10_001, -1):
        with pytest.raises(inventory.ValidationError) as err:
            inv.events_since(0, limit=limit)
        assert err.value.field == "limit"


def test_check_ledger(inv: Inventory, widget: Product) -> None:
    inv.adjust_stock(widget.id, -4, reason="sale")
    inv.check_ledger()  # raises StorageError on a mismatch


# ------------------------------------------------------------------------------------ value
def test_total_value_is_an_exact_decimal(inv: Inventory) -> None:
    assert inv.total_value() == Decimal("0.00") and str(inv.total_value()) == "0.00"
    inv.create(name="Dime", sku="D", price="0.10", stock=3)
    inv.create(name="Big", sku="B", price="99999999.99", stock=MAX_STOCK)
    total = inv.total_value()
    assert isinstance(total, Decimal)
    assert total == Decimal("0.30") + Decimal("99999999.99") * MAX_STOCK
    assert str(total) == "214748364678525163.83"
