"""Fixtures shared by the suite: most tests run against both stores the binding can open."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

import inventory


@pytest.fixture(params=["memory", "sqlite-file"])
def inv(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[inventory.Inventory]:
    """An empty inventory: the in-memory store, then a SQLite file."""
    if request.param == "memory":
        yield inventory.Inventory.in_memory()
    else:
        yield inventory.Inventory.open(tmp_path / "shop.db")


@pytest.fixture
def widget(inv: inventory.Inventory) -> inventory.Product:
    """A product with 10 in stock at 9.99."""
    return inv.create(name="Widget", sku="W-1", price="9.99", stock=10)
