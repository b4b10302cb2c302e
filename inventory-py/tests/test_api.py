"""The public surface: what `import inventory` offers, documented."""

from __future__ import annotations

import inspect

import inventory


def test_public_names_are_documented_with_an_example() -> None:
    """The README promises a docstring with an example (run by the doctests) for every name."""
    aliases = {"IdLike", "PriceLike", "Movement"}  # typing aliases cannot carry a docstring
    # The storage subclasses share StorageError's example; each is raised by a test of its own.
    shared = {
        "DiskFullError",
        "ReadOnlyStorageError",
        "StorageBusyError",
        "CorruptStorageError",
        "ConnectionLostError",
    }
    missing = []
    for name in inventory.__all__:
        obj = getattr(inventory, name)
        if name in aliases:
            continue
        assert obj.__module__ == "inventory", name
        doc = inspect.getdoc(obj) or ""
        if not doc or (name not in shared and ">>>" not in doc):
            missing.append(name)
    for name, member in vars(inventory.Inventory).items():
        if name.startswith("_"):
            continue
        func = member.__func__ if isinstance(member, (classmethod, staticmethod)) else member
        func = func.fget if isinstance(func, property) else func
        if ">>>" not in (inspect.getdoc(func) or ""):
            missing.append(f"Inventory.{name}")
    assert missing == []
    assert inventory.__doc__ and ">>>" in inventory.__doc__


def test_keyword_only_parameters() -> None:
    def kw_only(method: str) -> set[str]:
        sig = inspect.signature(getattr(inventory.Inventory, method))
        return {p.name for p in sig.parameters.values() if p.kind is p.KEYWORD_ONLY}

    key = {"idempotency_key"}
    assert kw_only("create") == {"name", "sku", "price", "stock"} | key
    assert kw_only("update") == {"name", "sku", "price", "stock", "expected_version"} | key
    assert kw_only("adjust_stock") == {"reference", "actor", "location", "expected"} | key
    assert kw_only("set_stock") == {"reference", "actor", "location", "expected"} | key
    assert kw_only("transfer") == {
        "from_location", "to_location", "reason", "reference", "actor", "expected"
    } | key
    for method in ("delete", "create_many", "apply", "create_location", "delete_location"):
        assert key <= kw_only(method), method
    assert "order_by" in kw_only("list") and "cursor" in kw_only("list")


def test_native_records_are_keyed_by_the_fronts_field_names() -> None:
    """The native module answers with dicts named like the front's dataclasses, so nothing is
    filled by position."""
    import dataclasses

    from inventory import _inventory

    native = _inventory.Inventory.in_memory()
    record = native.create("Widget", "W-1", "9.99", 2)
    assert list(record) == [f.name for f in dataclasses.fields(inventory.Product)]
    native.update(record["id"], "Gadget", None, None, None, None)
    events = native.history(record["id"])
    assert list(events[-1]) == [f.name for f in dataclasses.fields(inventory.Event)]
    assert list(events[-1]["changes"][0]) == [
        f.name for f in dataclasses.fields(inventory.FieldChange)
    ]
    page = native.list(None, None, None, None, None, None, None, None, None)
    assert list(page) == [f.name for f in dataclasses.fields(inventory.Page)]
    assert list(native.locations()[0]) == [f.name for f in dataclasses.fields(inventory.Location)]
    level = native.set_reorder_point(record["id"], 1, None)
    assert list(level) == [f.name for f in dataclasses.fields(inventory.StockLevel)]
