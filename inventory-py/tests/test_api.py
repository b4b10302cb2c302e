"""The public surface: what `import inventory` offers, documented."""

from __future__ import annotations

import inspect

import inventory


def test_public_names_are_documented() -> None:
    aliases = {"IdLike", "PriceLike"}  # typing aliases cannot carry a docstring
    for name in inventory.__all__:
        obj = getattr(inventory, name)
        if name in aliases:
            continue
        assert inspect.getdoc(obj), name
        assert obj.__module__ == "inventory", name
    for name, member in vars(inventory.Inventory).items():
        if name.startswith("_"):
            continue
        func = member.__func__ if isinstance(member, classmethod) else member
        assert inspect.getdoc(func), f"Inventory.{name}"
    assert inventory.__doc__ and ">>>" in inventory.__doc__


def test_issue_api_names_exist() -> None:
    for method in [
        "open",
        "in_memory",
        "create",
        "create_many",
        "get",
        "get_by_sku",
        "update",
        "delete",
        "adjust_stock",
        "set_stock",
        "list",
        "total_value",
        "history",
        "events_since",
    ]:
        assert callable(getattr(inventory.Inventory, method)), method


def test_keyword_only_parameters() -> None:
    def kw_only(method: str) -> set[str]:
        sig = inspect.signature(getattr(inventory.Inventory, method))
        return {p.name for p in sig.parameters.values() if p.kind is p.KEYWORD_ONLY}

    assert kw_only("create") == {"name", "sku", "price", "stock"}
    assert kw_only("update") == {"name", "sku", "price", "expected_version"}
    assert kw_only("adjust_stock") == {"reference", "actor", "expected"}
    assert kw_only("set_stock") == {"reference", "actor", "expected"}
    assert "order_by" in kw_only("list") and "cursor" in kw_only("list")
