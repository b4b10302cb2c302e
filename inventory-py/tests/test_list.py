"""Listing: filters, ordering, keyset pagination and the Page type."""

from __future__ import annotations

from decimal import Decimal

import pytest

import inventory
from inventory import Inventory, Page


@pytest.fixture
def shop(inv: Inventory) -> Inventory:
    inv.create(name="Red Widget", sku="W-RED", price="9.99", stock=3)
    inv.create(name="Blue widget", sku="W-BLUE", price="19.50", stock=12)
    inv.create(name="Bolt", sku="B-1", price="0.10", stock=500)
    inv.create(name="Nut", sku="N-1", price="0.05", stock=0)
    inv.create(name="Gear", sku="G-1", price="120.00", stock=5)
    return inv


def skus(page: Page) -> list[str]:
    return [p.sku for p in page]


def test_page_type(shop: Inventory) -> None:
    page = shop.list()
    assert isinstance(page, Page)
    assert isinstance(page.items, tuple) and len(page) == len(page.items) == 5
    assert page.total == 5 and page.next_cursor is None
    assert list(page) == list(page.items) and page[0] == page.items[0]
    # Default order: creation time.
    assert skus(page) == ["W-RED", "W-BLUE", "B-1", "N-1", "G-1"]


def test_filters(shop: Inventory) -> None:
    assert set(skus(shop.list(name_contains="WIDGET"))) == {"W-RED", "W-BLUE"}
    assert set(skus(shop.list(sku_prefix=" w-"))) == {"W-RED", "W-BLUE"}
    assert set(skus(shop.list(low_stock=5))) == {"W-RED", "N-1", "G-1"}
    assert set(skus(shop.list(low_stock=0))) == {"N-1"}
    assert set(skus(shop.list(min_price=Decimal("9.99"), max_price="19.50"))) == {
        "W-RED",
        "W-BLUE",
    }
    assert set(skus(shop.list(min_price=100))) == {"G-1"}
    assert set(skus(shop.list(max_price=0))) == set()
    page = shop.list(name_contains="widget", low_stock=5, max_price="10")
    assert skus(page) == ["W-RED"] and page.total == 1


def test_issue_example(shop: Inventory) -> None:
    page = shop.list(low_stock=5, order_by="-price", limit=50)
    assert skus(page) == ["G-1", "W-RED", "N-1"]
    assert page.next_cursor is None and page.total == 3


@pytest.mark.parametrize(
    ("order_by", "expected"),
    [
        ("price", ["N-1", "B-1", "W-RED", "W-BLUE", "G-1"]),
        ("-price", ["G-1", "W-BLUE", "W-RED", "B-1", "N-1"]),
        ("stock", ["N-1", "W-RED", "G-1", "W-BLUE", "B-1"]),
        ("sku", ["B-1", "G-1", "N-1", "W-BLUE", "W-RED"]),
        ("-name", ["Red Widget", "Nut", "Gear", "Bolt", "Blue widget"]),
        ("-created_at", ["G-1", "N-1", "B-1", "W-BLUE", "W-RED"]),
    ],
)
def test_order_by(shop: Inventory, order_by: str, expected: list[str]) -> None:
    page = shop.list(order_by=order_by)
    got = [p.name for p in page] if order_by.endswith("name") else skus(page)
    assert got == expected


@pytest.mark.parametrize("order_by", ["price", "-stock", "name", "-sku", "created_at"])
def test_cursor_pagination_visits_every_product_once(shop: Inventory, order_by: str) -> None:
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        page = shop.list(order_by=order_by, limit=2, cursor=cursor)
        assert page.total == 5 and len(page) <= 2
        seen += skus(page)
        pages += 1
        cursor = page.next_cursor
        if cursor is None:
            break
    assert pages == 3
    assert seen == skus(shop.list(order_by=order_by, limit=1000))


def test_offset(shop: Inventory) -> None:
    assert skus(shop.list(order_by="sku", offset=3)) == ["W-BLUE", "W-RED"]
    assert skus(shop.list(order_by="sku", offset=1, limit=1)) == ["G-1"]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"order_by": "colour"}, "order_by"),
        ({"limit": 0}, "limit"),
        ({"limit": 1001}, "limit"),
        ({"limit": -1}, "limit"),
        ({"limit": 2**40}, "limit"),
        ({"cursor": "zz"}, "cursor"),
        ({"min_price": "-1"}, "min_price"),
        ({"max_price": "1.234"}, "max_price"),
        ({"min_price": "cheap"}, "min_price"),
        ({"low_stock": -1}, "low_stock"),
        ({"sku_prefix": "A B"}, "sku_prefix"),
    ],
)
def test_bad_queries(shop: Inventory, kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(inventory.ValidationError) as err:
        shop.list(**kwargs)  # type: ignore[arg-type]
    assert err.value.field == field, str(err.value)


def test_cursor_belongs_to_its_order(shop: Inventory) -> None:
    cursor = shop.list(order_by="price", limit=2).next_cursor
    assert cursor is not None
    with pytest.raises(inventory.ValidationError) as err:
        shop.list(order_by="-price", cursor=cursor)
    assert err.value.field == "cursor"


def test_list_is_keyword_only(shop: Inventory) -> None:
    with pytest.raises(TypeError):
        shop.list("widget")  # type: ignore[call-arg]
