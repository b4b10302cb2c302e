"""Transactions across calls: ``with inv.transaction() as tx:``."""

from __future__ import annotations

import threading
from decimal import Decimal
from pathlib import Path

import pytest

import inventory


@pytest.fixture(params=["memory", "sqlite"])
def inv(request: pytest.FixtureRequest, tmp_path: Path) -> inventory.Inventory:
    if request.param == "memory":
        return inventory.Inventory.in_memory()
    return inventory.Inventory.open(tmp_path / "shop.db")


def test_calls_commit_together(inv: inventory.Inventory) -> None:
    with inv.transaction() as tx:
        a = tx.create(name="Mug", sku="mug-1", price="8.50", stock=5)
        b = tx.create(name="Cup", sku="cup-2", price=Decimal("2.00"))
        # The transaction reads its own writes.
        assert tx.get_by_sku(" MUG-1 ").id == a.id
        assert tx.adjust_stock(a.id, -2, reason="sale").stock == 3
        tx.set_stock(b.id, 4, reason="count")
        tx.create_location(code="wh-1", name="Annex")
        assert tx.location("WH-1").name == "Annex"
        tx.transfer(a.id, 1, from_location="DEFAULT", to_location="WH-1")
        assert tx.get(a.id).stock == 3
    assert inv.get(a.id).stock == 3
    assert inv.get(b.id).stock == 4
    assert inv.total_value() == Decimal("33.50")
    inv.check_ledger()


def test_an_exception_rolls_everything_back(inv: inventory.Inventory) -> None:
    p = inv.create(name="Mug", sku="MUG-1", price="8.50", stock=5)
    before = inv.export_json()
    with pytest.raises(RuntimeError):
        with inv.transaction() as tx:
            tx.create(name="Cup", sku="CUP-2", price="2.00")
            tx.adjust_stock(p.id, -2, reason="sale")
            raise RuntimeError("the caller changed its mind")
    assert inv.export_json() == before
    with pytest.raises(inventory.InsufficientStockError):
        with inv.transaction() as tx:
            tx.adjust_stock(p.id, -2, reason="sale")
            tx.adjust_stock(p.id, -9, reason="sale")
    assert inv.export_json() == before


def test_a_call_that_failed_ends_the_transaction_even_if_caught(inv: inventory.Inventory) -> None:
    p = inv.create(name="Mug", sku="MUG-1", price="8.50", stock=5)
    with pytest.raises(inventory.DuplicateSkuError):
        with inv.transaction() as tx:
            tx.adjust_stock(p.id, -1, reason="sale")
            with pytest.raises(inventory.DuplicateSkuError):
                tx.create(name="Again", sku="MUG-1", price="1.00")
            # Every later call raises the same error, and so does the commit.
            with pytest.raises(inventory.DuplicateSkuError):
                tx.get(p.id)
    assert inv.get(p.id).stock == 5
    # Finding nothing is not a failure.
    with inv.transaction() as tx:
        with pytest.raises(inventory.NotFoundError):
            tx.get_by_sku("NOPE")
        tx.adjust_stock(p.id, -1, reason="sale")
    assert inv.get(p.id).stock == 4


def test_the_opening_thread_cannot_call_the_inventory_inside(inv: inventory.Inventory) -> None:
    p = inv.create(name="Mug", sku="MUG-1", price="8.50", stock=5)
    with inv.transaction() as tx:
        for call in (lambda: inv.get(p.id), lambda: inv.list(), lambda: inv.transaction()):
            with pytest.raises(inventory.ValidationError) as raised:
                call()
            assert raised.value.field == "transaction"
        tx.adjust_stock(p.id, -1, reason="sale")
    assert inv.get(p.id).stock == 4


def test_another_thread_waits_for_the_commit(inv: inventory.Inventory) -> None:
    p = inv.create(name="Mug", sku="MUG-1", price="8.50", stock=5)
    results: list[int] = []
    with inv.transaction() as tx:
        tx.adjust_stock(p.id, -3, reason="sale")
        seller = threading.Thread(
            target=lambda: results.append(inv.adjust_stock(p.id, -2, reason="sale").stock)
        )
        seller.start()
    seller.join()
    # The other sale applied after the commit, on top of it.
    assert results == [0]
    assert inv.get(p.id).stock == 0


def test_keys_apply_each_call_once(inv: inventory.Inventory) -> None:
    p = inv.create(name="Mug", sku="MUG-1", price="8.50", stock=9)
    for _ in range(2):
        with inv.transaction() as tx:
            tx.adjust_stock(p.id, -2, reason="sale", idempotency_key="order-7:1")
            tx.adjust_stock(p.id, -3, reason="sale", idempotency_key="order-7:2")
            tx.adjust_stock(p.id, 1, reason="return")  # no key: applied each time
    assert inv.get(p.id).stock == 6
    with inv.transaction() as tx:
        assert tx.key_used_at("order-7:2") is not None
        assert tx.key_used_at("order-8:1") is None


def test_a_finished_transaction_refuses_calls(inv: inventory.Inventory) -> None:
    p = inv.create(name="Mug", sku="MUG-1", price="8.50", stock=9)
    tx = inv.transaction()
    tx.adjust_stock(p.id, -1, reason="sale")
    tx.commit()
    with pytest.raises(inventory.ValidationError) as raised:
        tx.adjust_stock(p.id, -1, reason="sale")
    assert raised.value.field == "transaction"
    tx.rollback()  # ending twice is harmless when rolling back
    # Dropped without ending: rolled back.
    tx = inv.transaction()
    tx.adjust_stock(p.id, -1, reason="sale")
    tx.rollback()
    assert inv.get(p.id).stock == 8
    # Reads that are not by key are the inventory's, not the transaction's.
    with inv.transaction() as tx:
        assert not hasattr(tx, "list")


def test_a_transaction_of_many_writes(inv: inventory.Inventory) -> None:
    with inv.transaction() as tx:
        made = [tx.create(name=f"Bolt {i}", sku=f"B-{i}", price="0.10") for i in range(500)]
        for p in made:
            tx.adjust_stock(p.id, 10, reason="restock")
    assert inv.list(with_total=True).total == 500
    assert inv.total_value() == Decimal("500.00")
    inv.check_ledger()
