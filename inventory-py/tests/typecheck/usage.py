"""Checked by mypy --strict (scripts/test-python.sh), never run: the shipped types are usable.

The `assert_type` lines prove what the stubs say; each `# type: ignore[code]` line is a misuse
mypy must catch (with --strict, an ignore that catches nothing is itself an error).
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any, Dict, List, Optional

from typing_extensions import assert_type

import inventory
from inventory import Event, EventKind, Inventory, Page, Product

inv = Inventory.open(Path("shop.db"))
assert_type(Inventory.in_memory(), Inventory)
p = inv.create(name="Widget", sku="ab-1", price=Decimal("9.99"), stock=10)
assert_type(p, Product)
assert_type(p.id, uuid.UUID)
assert_type(p.price, Decimal)
assert_type(p.stock, int)
assert_type(p.created_at, datetime.datetime)
assert_type(inv.get(p.id), Product)
assert_type(inv.get(str(p.id)), Product)
assert_type(inv.get_by_sku("ab-1"), Product)
assert_type(inv.update(p.id, name="Widget v2", price="10.50", expected_version=2), Product)
assert_type(inv.adjust_stock(p.id, -3, reason="sale", reference="o-1", actor="me"), Product)
assert_type(inv.set_stock(p.id, 40, reason="correction", expected=7), Product)
page = inv.list(low_stock=5, order_by="-price", limit=50, min_price=1, max_price="9.50")
assert_type(page, Page)
assert_type(page.next_cursor, Optional[str])
assert_type(page.total, Optional[int])
for item in page:
    assert_type(item, Product)
assert_type(inv.total_value(), Decimal)
assert_type(inv.history(p.id), List[Event])
events = inv.events_since(0, limit=10)
assert_type(events[0].kind, EventKind)
assert_type(events[0].delta, Optional[int])
assert_type(inv.create_many([{"name": "Nut", "sku": "n-1", "price": 1}]), List[Product])
assert_type(inv.export_json(), str)
assert_type(inv.delete(p.id), None)
assert_type(p.to_dict(), Dict[str, Any])

try:
    inv.adjust_stock(p.id, -100, reason="sale")
except inventory.InsufficientStockError as e:
    assert_type(e.available, int)
    assert_type(e.requested, int)
except inventory.ValidationError as e:
    assert_type(e.field, Optional[str])

# Misuses the types reject:
inv.create(name="Widget", sku="ab-1", price=9.99)  # type: ignore[arg-type]
inv.create("Widget", "ab-1", "9.99")  # type: ignore[call-arg]
inv.get(42)  # type: ignore[arg-type]
inv.update(p.id, stock="5")  # type: ignore[arg-type]
inv.list(order="price")  # type: ignore[call-arg]
p.stock = 5  # type: ignore[misc]
inv.total_value().as_float()  # type: ignore[attr-defined]
