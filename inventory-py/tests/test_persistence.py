"""A SQLite file keeps everything across reopening, in this process and in another one."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

import inventory
from inventory import EventKind, Inventory


def fill(path: Path) -> tuple[list[inventory.Product], list[inventory.Event]]:
    inv = Inventory.open(path)
    a = inv.create(name="Widget", sku="W-1", price="9.99", stock=10)
    b = inv.create(name="Gadget", sku="G-1", price="120.00", stock=2)
    inv.adjust_stock(a.id, -3, reason="sale", reference="order-1", actor="till")
    inv.update(b.id, price="99.50")
    c = inv.create(name="Gone", sku="X-1", price=1)
    inv.delete(c.id)
    products = list(inv.list(order_by="sku"))
    events = inv.events_since(0)
    del inv
    gc.collect()
    return products, events


def test_reopen_in_the_same_process(tmp_path: Path) -> None:
    path = tmp_path / "shop.db"
    products, events = fill(path)
    inv = Inventory.open(path)
    assert list(inv.list(order_by="sku")) == products
    assert inv.events_since(0) == events
    assert inv.total_value() == Decimal("69.93") + Decimal("199.00")
    assert [e.kind for e in inv.history(events[-1].product_id)] == [
        EventKind.CREATED,
        EventKind.DELETED,
    ]
    inv.check_ledger()
    # And it keeps working: sequence numbers continue.
    inv.adjust_stock(products[1].id, 1, reason="restock")
    assert inv.events_since(events[-1].seq)[0].seq > events[-1].seq


def test_reopen_in_another_process(tmp_path: Path) -> None:
    path = tmp_path / "shop.db"
    products, _ = fill(path)
    script = (
        "import json, sys, inventory\n"
        "inv = inventory.Inventory.open(sys.argv[1])\n"
        "print(json.dumps([[str(p.id), p.sku, str(p.price), p.stock] for p in "
        "inv.list(order_by='sku')] + [str(inv.total_value())]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(path)], check=True, capture_output=True, text=True
    ).stdout
    assert json.loads(out) == [[str(p.id), p.sku, str(p.price), p.stock] for p in products] + [
        "268.93"
    ]


def test_two_objects_on_one_file_see_each_other(tmp_path: Path) -> None:
    path = tmp_path / "shop.db"
    first, second = Inventory.open(path), Inventory(path)
    p = first.create(name="Widget", sku="W-1", price="9.99", stock=10)
    second.adjust_stock(p.id, -4, reason="sale")
    assert first.get(p.id).stock == 6


def test_export_and_import(tmp_path: Path) -> None:
    path = tmp_path / "shop.db"
    products, events = fill(path)
    snapshot = Inventory.open(path).export_json()
    assert json.loads(snapshot)["format"] == 3
    for target in (Inventory.in_memory(), Inventory.open(tmp_path / "copy.db")):
        target.import_json(snapshot)
        assert list(target.list(order_by="sku")) == products
        assert target.events_since(0) == events
        with pytest.raises(inventory.ValidationError) as err:
            target.import_json(snapshot)
        assert err.value.field == "snapshot" and "empty inventory" in str(err.value)


def test_import_refuses_bad_snapshots_and_writes_nothing() -> None:
    inv = Inventory.in_memory()
    for bad in ["not json", "{}", '{"format": 99, "products": [], "events": []}']:
        with pytest.raises(inventory.ValidationError) as err:
            inv.import_json(bad)
        assert err.value.field == "snapshot"
    source = Inventory.in_memory()
    source.create(name="Widget", sku="W-1", price="9.99", stock=4)
    doc = json.loads(source.export_json())
    doc["products"][0]["stock"] = 5  # no longer the sum of its movements
    with pytest.raises(inventory.ValidationError):
        inv.import_json(json.dumps(doc))
    assert inv.list().total == 0 and inv.events_since(0) == []
    with pytest.raises(TypeError):
        inv.import_json(doc)
