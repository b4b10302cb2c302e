"""The exception hierarchy: one class per core error, with its fields, idiomatic bases."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Callable, Dict

import pytest

import inventory
from inventory import Inventory, Product

ALL = [
    (inventory.ValidationError, "VALIDATION"),
    (inventory.DuplicateSkuError, "DUPLICATE_SKU"),
    (inventory.NotFoundError, "NOT_FOUND"),
    (inventory.InsufficientStockError, "INSUFFICIENT_STOCK"),
    (inventory.StockOverflowError, "STOCK_OVERFLOW"),
    (inventory.VersionConflictError, "VERSION_CONFLICT"),
    (inventory.StorageError, "STORAGE"),
]


@pytest.mark.parametrize("cls", [cls for cls, _ in ALL])
def test_every_error_is_a_documented_inventory_error(cls: type) -> None:
    assert issubclass(cls, inventory.InventoryError) and issubclass(cls, Exception)
    assert cls.__module__ == "inventory"
    assert cls.__doc__


def test_an_error_not_from_the_core_is_internal() -> None:
    # The code of a panic caught at the boundary: the core's INTERNAL, not a copy.
    assert inventory.InventoryError("boom").code == "INTERNAL"
    assert inventory.InventoryError("boom").field is None


def test_idiomatic_bases() -> None:
    assert issubclass(inventory.ValidationError, ValueError)
    assert issubclass(inventory.NotFoundError, KeyError)
    for cls, _ in ALL:
        if cls not in (inventory.ValidationError, inventory.NotFoundError):
            assert not issubclass(cls, (ValueError, KeyError)), cls


def test_each_variant_is_raised_as_its_class(inv: Inventory, widget: Product) -> None:
    """Every core variant reachable from Python arrives as its own class (not a catch-all)."""
    raised: dict[type, inventory.InventoryError] = {}

    def catch(f: object, *args: object, **kwargs: object) -> None:
        try:
            f(*args, **kwargs)  # type: ignore[operator]
        except inventory.InventoryError as e:
            raised[type(e)] = e
        else:
            pytest.fail(f"{f} did not raise")

    catch(inv.create, name="", sku="X", price=1)
    catch(inv.create, name="Again", sku="w-1", price=1)
    catch(inv.get_by_sku, "missing")
    catch(inv.adjust_stock, widget.id, -100, reason="sale")
    catch(inv.adjust_stock, widget.id, 2**31, reason="restock")
    catch(inv.update, widget.id, name="x", expected_version=7)
    catch(Inventory.open, "/nonexistent-dir/sub/shop.db")
    assert set(raised) == {cls for cls, _ in ALL}
    # Code and field come from the core, not from the classes.
    for cls, code in ALL:
        assert raised[cls].code == code
    assert raised[inventory.ValidationError].field == "name"
    assert raised[inventory.DuplicateSkuError].field == "sku"
    assert raised[inventory.InsufficientStockError].field == "stock"
    assert raised[inventory.VersionConflictError].field == "version"
    assert raised[inventory.NotFoundError].field is None


def test_pickling_keeps_class_message_and_fields(inv: Inventory, widget: Product) -> None:
    with pytest.raises(inventory.InsufficientStockError) as err:
        inv.adjust_stock(widget.id, -11, reason="sale")
    e = pickle.loads(pickle.dumps(err.value))
    assert type(e) is inventory.InsufficientStockError
    assert (str(e), e.available, e.requested, e.field) == (
        str(err.value),
        10,
        11,
        "stock",
    )
    with pytest.raises(inventory.NotFoundError) as nf:
        inv.get_by_sku("nope")
    again = pickle.loads(pickle.dumps(nf.value))
    assert str(again) == 'no product with SKU "NOPE"' and again.key == 'SKU "NOPE"'


def test_storage_errors(tmp_path: Path) -> None:
    with pytest.raises(inventory.StorageError) as err:
        Inventory.open(tmp_path / "no-such-dir" / "shop.db")
    assert str(err.value).startswith("storage: ") and err.value.field is None
    assert err.value.kind == "OTHER" and type(err.value) is inventory.StorageError
    not_a_db = tmp_path / "notes.txt"
    text = b"this is not a database, just some text " * 200
    not_a_db.write_bytes(text)
    with pytest.raises(inventory.CorruptStorageError) as corrupt:
        Inventory.open(not_a_db)
    assert corrupt.value.kind == "CORRUPT" and isinstance(corrupt.value, inventory.StorageError)
    assert "is not an inventory database" in str(corrupt.value)
    assert not_a_db.read_bytes() == text, "a refused file is left unchanged"
    again = pickle.loads(pickle.dumps(corrupt.value))
    assert type(again) is inventory.CorruptStorageError and again.kind == "CORRUPT"


def test_a_database_file_deleted_while_open_is_a_connection_lost_error(tmp_path: Path) -> None:
    path = tmp_path / "shop.db"
    inv = Inventory.open(path)
    p = inv.create(name="Widget", sku="W-1", price=1, stock=3)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    with pytest.raises(inventory.ConnectionLostError) as err:
        inv.adjust_stock(p.id, -1, reason="sale")
    assert err.value.kind == "CONNECTION_LOST" and "deleted while open" in str(err.value)
    assert not path.exists()


@pytest.mark.parametrize("location", ["", "   "])
def test_bad_locations(location: str) -> None:
    with pytest.raises(inventory.ValidationError) as err:
        Inventory.open(location)
    assert err.value.field == "location"


def test_postgres_urls_open_the_postgres_store() -> None:
    # Nothing listens on port 1: the URL is understood, the connection fails, and the error
    # says where it tried (never the password).
    with pytest.raises(inventory.ConnectionLostError) as err:
        Inventory.open("postgres://shop:s3cret@127.0.0.1:1/shop")
    assert "127.0.0.1" in str(err.value) and "s3cret" not in str(err.value)


def test_location_types(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="location must be a str or os.PathLike"):
        Inventory.open(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Inventory.open(b"shop.db")  # type: ignore[arg-type]
    inv = Inventory(tmp_path / "a.db")
    assert repr(inv) == f"Inventory.open({str(tmp_path / 'a.db')!r})"
    assert repr(Inventory.in_memory()) == "Inventory.open('memory:')"
    assert Inventory.open("sqlite://" + str(tmp_path / "b.db")).list().total == 0
    assert Inventory.open(":memory:").list().total == 0


def test_unicode_rules_match_python(inv: Inventory) -> None:
    # The core normalises SKUs exactly like Python's str.strip().upper().
    for raw in ["straße", "\u3000ǆ9", "ﬃ-1", "\x1c x\xa0"]:
        p = inv.create(name=raw.strip() or "n", sku=raw, price=1)
        assert p.sku == raw.strip().upper()
    with pytest.raises(inventory.ValidationError) as err:
        inv.create(name="é" * 101, sku="E", price=1)
    assert "at most 100 characters (got 101)" in str(err.value)


def test_negative_counts_are_validation_errors_naming_the_argument() -> None:
    inv = Inventory.in_memory()
    p = inv.create(name="Widget", sku="W-1", price="1.00")
    calls: Dict[str, Callable[[], object]] = {
        "offset": lambda: inv.list(offset=-1),
        "limit": lambda: inv.list(limit=-5),
        "expected_version": lambda: inv.update(p.id, name="x", expected_version=-1),
        "since": lambda: inv.events_since(-1),
    }
    for field, call in calls.items():
        with pytest.raises(inventory.ValidationError) as err:
            call()
        assert err.value.field == field, field
    with pytest.raises(inventory.ValidationError) as err:
        inv.events_since(0, limit=2**70)
    assert err.value.field == "limit"
    assert inv.list(min_price="0", max_price="100000000000").total == 1


def test_durability_is_normal_or_full(tmp_path: Path) -> None:
    inv = Inventory.open(tmp_path / "full.db", durability="full")
    inv.create(name="Widget", sku="W-1", price=1)
    assert Inventory.open(tmp_path / "full.db").get_by_sku("W-1").name == "Widget"
    with pytest.raises(inventory.ValidationError) as err:
        Inventory.open(tmp_path / "x.db", durability="fast")
    assert err.value.field == "durability"
    with pytest.raises(TypeError):
        Inventory.open(tmp_path / "x.db", durability=1)  # type: ignore[arg-type]


def test_close_fails_every_later_call_and_with_closes(tmp_path: Path) -> None:
    with Inventory.open(tmp_path / "shop.db") as inv:
        p = inv.create(name="Widget", sku="W-1", price=1, stock=2)
        assert not inv.closed
    assert inv.closed
    with pytest.raises(inventory.StorageError) as err:
        inv.adjust_stock(p.id, -1, reason="sale")
    assert err.value.kind == "CLOSED"
    assert Inventory.open(tmp_path / "shop.db").get(p.id).stock == 2
