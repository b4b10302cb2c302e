"""The public surface: what `import inventory` offers, documented."""

from __future__ import annotations

import inspect

import inventory


def test_public_names_are_documented_with_an_example() -> None:
    """The README promises a docstring with an example (run by the doctests) for every name."""
    aliases = {"IdLike", "PriceLike"}  # typing aliases cannot carry a docstring
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

    assert kw_only("create") == {"name", "sku", "price", "stock"}
    assert kw_only("update") == {"name", "sku", "price", "stock", "expected_version"}
    assert kw_only("adjust_stock") == {"reference", "actor", "expected"}
    assert kw_only("set_stock") == {"reference", "actor", "expected"}
    assert "order_by" in kw_only("list") and "cursor" in kw_only("list")
