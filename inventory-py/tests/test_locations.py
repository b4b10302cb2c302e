"""Stock in places: locations, levels, counts, transfers, batches, reorder points and
idempotency keys, through the Python API."""

from __future__ import annotations

import threading
import uuid

import pytest

import inventory
from inventory import Adjust, Count, EventKind, Inventory, Product, Transfer


@pytest.fixture
def wh(inv: Inventory) -> inventory.Location:
    return inv.create_location(code="wh-1", name="Main warehouse")


def levels(inv: Inventory, p: Product) -> list[tuple[str, int]]:
    return [(level.location, level.on_hand) for level in inv.stock_levels(p.id)]


def test_locations_are_normalised_listed_renamed_and_deleted(inv: Inventory) -> None:
    assert [loc.code for loc in inv.locations()] == ["DEFAULT"]
    loc = inv.create_location(code=" wh-1 ", name=" Main warehouse ")
    assert (loc.code, loc.name, loc.version) == ("WH-1", "Main warehouse", 1)
    assert loc.created_at.tzinfo is not None
    assert inv.location("wh-1") == loc
    with pytest.raises(inventory.ValidationError) as err:
        inv.create_location(code="WH-1", name="Again")
    assert err.value.field == "code"
    renamed = inv.rename_location("WH-1", name="North")
    assert (renamed.name, renamed.version) == ("North", 2)
    with pytest.raises(inventory.NotFoundError):
        inv.location("nowhere")
    with pytest.raises(inventory.ValidationError):
        inv.delete_location("DEFAULT")
    inv.delete_location("wh-1")
    assert [loc.code for loc in inv.locations()] == ["DEFAULT"]
    with pytest.raises(TypeError):
        inv.create_location(code=1, name="x")  # type: ignore[arg-type]


def test_stock_moves_per_location(inv: Inventory, widget: Product, wh: inventory.Location) -> None:
    p = inv.adjust_stock(widget.id, 5, reason="restock", location="wh-1")
    assert p.stock == 15
    assert levels(inv, p) == [("DEFAULT", 10), ("WH-1", 5)]
    with pytest.raises(inventory.InsufficientStockError) as err:
        inv.adjust_stock(widget.id, -6, reason="sale", location="WH-1")
    assert (err.value.available, err.value.requested) == (5, 6)
    with pytest.raises(inventory.NotFoundError) as nf:
        inv.adjust_stock(widget.id, 1, reason="restock", location="MOON")
    assert "MOON" in str(nf.value)
    e = inv.history(widget.id)[-1]
    assert (e.location, e.delta, e.stock_before, e.stock_after) == ("WH-1", 5, 0, 5)
    assert isinstance(e.id, uuid.UUID) and e.replica == inv.replica_id()


def test_a_count_is_recorded_as_one(inv: Inventory, widget: Product) -> None:
    p = inv.set_stock(widget.id, 7, expected=10)
    assert p.stock == 7
    e = inv.history(widget.id)[-1]
    assert (e.kind, e.reason, e.delta, e.stock_after) == (EventKind.COUNTED, "count", -3, 7)
    with pytest.raises(inventory.VersionConflictError) as err:
        inv.set_stock(widget.id, 1, expected=10)
    assert (err.value.field, err.value.expected, err.value.actual) == ("stock", 10, 7)


def test_a_transfer_is_two_linked_events(inv: Inventory, widget: Product, wh: inventory.Location) -> None:
    p = inv.transfer(widget.id, 3, from_location="DEFAULT", to_location="wh-1", reference="t-9")
    assert (p.stock, p.version) == (10, 2)
    assert levels(inv, p) == [("DEFAULT", 7), ("WH-1", 3)]
    out, into = inv.history(widget.id)[-2:]
    assert out.kind is EventKind.TRANSFERRED and into.kind is EventKind.TRANSFERRED
    assert out.transfer_id is not None and out.transfer_id == into.transfer_id
    assert (out.location, out.delta, into.location, into.delta) == ("DEFAULT", -3, "WH-1", 3)
    for quantity, source, target, field in [
        (0, "DEFAULT", "WH-1", "quantity"),
        (-1, "DEFAULT", "WH-1", "quantity"),
        (1, "WH-1", "wh-1", "to_location"),
    ]:
        with pytest.raises(inventory.ValidationError) as err:
            inv.transfer(widget.id, quantity, from_location=source, to_location=target)
        assert err.value.field == field
    with pytest.raises(inventory.InsufficientStockError):
        inv.transfer(widget.id, 4, from_location="WH-1", to_location="DEFAULT")


def test_a_batch_is_all_or_nothing(inv: Inventory, widget: Product, wh: inventory.Location) -> None:
    other = inv.create(name="Gadget", sku="G-1", price="1.00")
    after = inv.apply(
        [
            Adjust(widget.id, -1, reason="sale", location="DEFAULT"),
            Count(other.id, 12, location="WH-1"),
            Transfer(widget.id, 2, from_location="DEFAULT", to_location="WH-1"),
        ]
    )
    assert [(p.sku, p.stock) for p in after] == [("W-1", 9), ("G-1", 12), ("W-1", 9)]
    before = inv.export_json()
    with pytest.raises(inventory.InsufficientStockError):
        inv.apply([Adjust(widget.id, -1, reason="sale"), Adjust(other.id, -13, reason="sale", location="WH-1")])
    with pytest.raises(inventory.ValidationError) as err:
        inv.apply([Adjust(widget.id, -1, reason="sale"), Count(other.id, -1)])
    assert err.value.field == "movements[1].quantity"
    with pytest.raises(inventory.ValidationError) as err:
        inv.apply([])
    assert err.value.field == "movements"
    with pytest.raises(TypeError):
        inv.apply([("adjust", widget.id, 1)])  # type: ignore[list-item]
    assert inv.export_json() == before


def test_reorder_points(inv: Inventory, widget: Product, wh: inventory.Location) -> None:
    level = inv.set_reorder_point(widget.id, 10)
    assert level.below_reorder_point and level.reorder_point == 10
    assert [p.sku for p in inv.list(below_reorder_point=True)] == ["W-1"]
    assert [p.sku for p in inv.list(below_reorder_point=True, location="wh-1")] == []
    inv.set_reorder_point(widget.id, None)
    assert inv.list(below_reorder_point=True).total == 0
    with pytest.raises(inventory.ValidationError) as err:
        inv.list(location="WH-1")
    assert err.value.field == "location"


def test_an_idempotency_key_applies_once(inv: Inventory, widget: Product) -> None:
    first = inv.adjust_stock(widget.id, -2, reason="sale", idempotency_key="rcv-1")
    again = inv.adjust_stock(widget.id, -2, reason="sale", idempotency_key="rcv-1")
    assert again == first and inv.get(widget.id).stock == 8
    assert inv.history(widget.id)[-1].idempotency_key == "rcv-1"
    with pytest.raises(inventory.IdempotencyConflictError) as err:
        inv.set_stock(widget.id, 1, idempotency_key="rcv-1")
    assert (err.value.key, err.value.code, err.value.field) == ("rcv-1", "IDEMPOTENCY_CONFLICT", "idempotency_key")
    assert isinstance(err.value, inventory.InventoryError)
    made = inv.create(name="Gadget", sku="g-1", price="1", idempotency_key="new-g")
    assert inv.create(name="Gadget", sku="G-1", price="1.00", idempotency_key="new-g") == made
    for bad in ["", "k" * 256, "a\nb"]:
        with pytest.raises(inventory.ValidationError) as verr:
            inv.delete(made.id, idempotency_key=bad)
        assert verr.value.field == "idempotency_key"
    with pytest.raises(TypeError):
        inv.delete(made.id, idempotency_key=7)  # type: ignore[arg-type]


def test_threads_racing_with_one_key_apply_it_once(inv: Inventory, widget: Product) -> None:
    barrier = threading.Barrier(4)
    results: list[Product] = []

    def sell() -> None:
        barrier.wait()
        results.append(inv.adjust_stock(widget.id, -1, reason="sale", idempotency_key="once"))

    threads = [threading.Thread(target=sell) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 4 and all(r == results[0] for r in results)
    assert inv.get(widget.id).stock == 9
