"""Creating, reading, updating and deleting products, and the Python types they come back as."""

from __future__ import annotations

import dataclasses
import datetime
import pickle
import uuid
from decimal import Decimal

import pytest

import inventory
from inventory import Inventory, Product

UTC = datetime.timezone.utc


def count(inv: Inventory) -> int:
    total = inv.list().total
    assert total is not None  # counted unless asked not to
    return total


# ------------------------------------------------------------------------------------ create
def test_create_normalises_and_returns_python_types(inv: Inventory) -> None:
    before = datetime.datetime.now(UTC)
    p = inv.create(name="  Widget ", sku=" ab-1 ", price=Decimal("9.99"), stock=10)
    after = datetime.datetime.now(UTC)

    assert isinstance(p, Product)
    assert p.sku == "AB-1" and p.name == "Widget"
    assert p.price == Decimal("9.99") and isinstance(p.price, Decimal)
    assert str(p.price) == "9.99"
    assert p.stock == 10 and type(p.stock) is int
    assert isinstance(p.id, uuid.UUID) and p.id.version == 7  # time-ordered
    assert p.version == 1
    for ts in (p.created_at, p.updated_at):
        assert isinstance(ts, datetime.datetime)
        assert ts.tzinfo is not None and ts.utcoffset() == datetime.timedelta(0)
        assert before - datetime.timedelta(seconds=1) <= ts <= after + datetime.timedelta(seconds=1)
    assert p.created_at == p.updated_at


def test_create_defaults_stock_to_zero_and_is_keyword_only(inv: Inventory) -> None:
    assert inv.create(name="Bolt", sku="B-1", price=1).stock == 0
    with pytest.raises(TypeError):
        inv.create("Nut", "N-1", "1.00")  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        (Decimal("9.99"), "9.99"),
        (Decimal("12.5"), "12.50"),
        (Decimal("12.500"), "12.50"),
        (Decimal("1E+1"), "10.00"),
        (Decimal("0.01"), "0.01"),
        (Decimal("99999999.99"), "99999999.99"),
        (Decimal("0.1") + Decimal("0.2"), "0.30"),
        (7, "7.00"),
        ("12.5", "12.50"),
        (" 3 ", "3.00"),
    ],
)
def test_price_conversions_are_exact(inv: Inventory, given: object, stored: str) -> None:
    p = inv.create(name="Thing", sku="T-1", price=given, stock=1)  # type: ignore[arg-type]
    assert str(p.price) == stored
    assert p.price == Decimal(stored)
    assert inv.get(p.id).price == Decimal(stored)
    assert inv.total_value() == Decimal(stored)


def test_float_price_is_refused_with_an_explanation(inv: Inventory) -> None:
    with pytest.raises(TypeError) as err:
        inv.create(name="Thing", sku="T-1", price=9.99)  # type: ignore[arg-type]
    assert "float" in str(err.value) and "exact" in str(err.value)
    p = inv.create(name="Thing", sku="T-1", price="9.99")
    with pytest.raises(TypeError, match="exact"):
        inv.update(p.id, price=10.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="exact"):
        inv.list(min_price=0.5)  # type: ignore[arg-type]
    assert inv.get(p.id).price == Decimal("9.99")
    assert count(inv) == 1


@pytest.mark.parametrize("bad", [True, None, [1], b"9.99"])
def test_other_price_types_are_refused(inv: Inventory, bad: object) -> None:
    with pytest.raises(TypeError, match="price must be a Decimal, int or str"):
        inv.create(name="Thing", sku="T-1", price=bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("price", "rule"),
    [
        ("0", "greater than 0"),
        (0, "greater than 0"),
        (-5, "greater than 0"),
        (Decimal("-0.01"), "greater than 0"),
        ("12.345", "at most 2 decimal places"),
        (Decimal("0.001"), "at most 2 decimal places"),
        ("100000000", "at most 99999999.99"),
        (Decimal("NaN"), "decimal number"),
        (Decimal("Infinity"), "decimal number"),
        ("1e3", "decimal number"),
        ("abc", "decimal number"),
        ("", "blank"),
    ],
)
def test_bad_prices_raise_validation_error_naming_price(
    inv: Inventory, price: object, rule: str
) -> None:
    with pytest.raises(inventory.ValidationError) as err:
        inv.create(name="Thing", sku="T-1", price=price)  # type: ignore[arg-type]
    assert err.value.field == "price"
    assert rule in str(err.value) and str(err.value).startswith("price: ")
    assert count(inv) == 0


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"name": "   "}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": "a\nb"}, "name"),
        ({"sku": ""}, "sku"),
        ({"sku": "AB 1"}, "sku"),
        ({"sku": "S" * 51}, "sku"),
        ({"stock": -1}, "stock"),
        ({"stock": 2**31}, "stock"),
        ({"stock": 2**80}, "stock"),
        ({"stock": -(2**80)}, "stock"),
    ],
)
def test_bad_fields_raise_validation_error_and_write_nothing(
    inv: Inventory, kwargs: dict[str, object], field: str
) -> None:
    args: dict[str, object] = {"name": "Thing", "sku": "T-1", "price": "1.00", **kwargs}
    with pytest.raises(inventory.ValidationError) as err:
        inv.create(**args)  # type: ignore[arg-type]
    assert err.value.field == field
    assert str(err.value).startswith(f"{field}: ")
    assert isinstance(err.value, ValueError)
    assert count(inv) == 0 and inv.events_since(0) == []


def test_maximum_stock_is_accepted(inv: Inventory) -> None:
    assert inv.create(name="Lots", sku="L-1", price=1, stock=2**31 - 1).stock == 2147483647


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": 5}, "name must be a str, not int"),
        ({"sku": None}, "sku must be a str, not NoneType"),
        ({"stock": 1.0}, "stock must be an int, not float"),
        ({"stock": True}, "stock must be an int, not bool"),
        ({"stock": "3"}, "stock must be an int, not str"),
    ],
)
def test_wrong_types_raise_type_error(
    inv: Inventory, kwargs: dict[str, object], message: str
) -> None:
    args: dict[str, object] = {"name": "Thing", "sku": "T-1", "price": "1.00", **kwargs}
    with pytest.raises(TypeError, match=message):
        inv.create(**args)  # type: ignore[arg-type]


def test_duplicate_sku_after_normalisation(inv: Inventory, widget: Product) -> None:
    with pytest.raises(inventory.DuplicateSkuError) as err:
        inv.create(name="Other", sku=" w-1 ", price="1.00", stock=5)
    assert err.value.sku == "W-1" and err.value.field == "sku"
    assert str(err.value) == 'sku: a product with SKU "W-1" already exists'
    assert count(inv) == 1 and inv.total_value() == Decimal("99.90")


# ------------------------------------------------------------------------------------ create_many
def test_create_many_creates_all(inv: Inventory) -> None:
    made = inv.create_many(
        [
            {"name": "Bolt", "sku": "b-1", "price": "0.10", "stock": 500},
            {"name": "Nut", "sku": "n-1", "price": Decimal("0.05")},
        ]
    )
    assert [p.sku for p in made] == ["B-1", "N-1"]
    assert [p.stock for p in made] == [500, 0]
    assert inv.get(made[0].id) == made[0]
    assert inv.total_value() == Decimal("50.00")


def test_create_many_is_all_or_nothing(inv: Inventory, widget: Product) -> None:
    with pytest.raises(inventory.DuplicateSkuError):
        inv.create_many(
            [
                {"name": "Bolt", "sku": "b-1", "price": "0.10"},
                {"name": "Again", "sku": "w-1", "price": "0.10"},
            ]
        )
    with pytest.raises(inventory.ValidationError) as err:
        inv.create_many(
            [{"name": "Bolt", "sku": "b-1", "price": "0.10"}, {"name": "", "sku": "x", "price": 1}]
        )
    assert err.value.field == "items[1].name"
    assert str(err.value) == "items[1].name: must not be blank"
    assert count(inv) == 1
    with pytest.raises(inventory.ValidationError) as err:
        inv.create_many([{"name": "A", "sku": "a", "price": 1}, {"name": "B", "sku": "b", "price": "0"}])
    assert err.value.field == "items[1].price"
    with pytest.raises(inventory.NotFoundError):
        inv.get_by_sku("b-1")


def test_create_many_refuses_unknown_keys_and_floats(inv: Inventory) -> None:
    with pytest.raises(TypeError):
        inv.create_many([{"name": "Bolt", "sku": "b-1", "price": "1", "colour": "red"}])
    with pytest.raises(TypeError, match="exact"):
        inv.create_many([{"name": "Bolt", "sku": "b-1", "price": 0.1}])
    assert inv.create_many([]) == []
    assert count(inv) == 0


# ------------------------------------------------------------------------------------ get
def test_get_accepts_uuid_and_its_text(inv: Inventory, widget: Product) -> None:
    assert inv.get(widget.id) == widget
    assert inv.get(str(widget.id)) == widget
    assert inv.get(str(widget.id).upper()) == widget
    assert inv.get(f" {widget.id} ") == widget
    assert inv.get(widget.id.hex) == widget


def test_get_errors(inv: Inventory, widget: Product) -> None:
    missing = uuid.uuid4()
    with pytest.raises(inventory.NotFoundError) as err:
        inv.get(missing)
    assert isinstance(err.value, KeyError)
    assert str(err.value) == f"no product with id {missing}"  # not quoted, unlike KeyError
    assert err.value.key == f"id {missing}"
    with pytest.raises(inventory.ValidationError) as bad:
        inv.get("not-a-uuid")
    assert bad.value.field == "id" and "must be a UUID" in str(bad.value)
    with pytest.raises(TypeError, match="id must be a uuid.UUID or str, not int"):
        inv.get(42)  # type: ignore[arg-type]


def test_get_by_sku_normalises(inv: Inventory, widget: Product) -> None:
    assert inv.get_by_sku(" w-1 ") == widget
    with pytest.raises(inventory.NotFoundError) as err:
        inv.get_by_sku("nope")
    assert str(err.value) == 'no product with SKU "NOPE"'
    with pytest.raises(inventory.ValidationError) as bad:
        inv.get_by_sku("   ")
    assert bad.value.field == "sku"


# ------------------------------------------------------------------------------------ update
def test_update_is_partial_and_keyword_only(inv: Inventory, widget: Product) -> None:
    p = inv.update(widget.id, name="Widget v2", price="10.50")
    assert (p.name, p.sku, p.price, p.stock) == ("Widget v2", "W-1", Decimal("10.50"), 10)
    assert p.version == 2 and p.updated_at >= widget.updated_at
    assert p.created_at == widget.created_at
    p = inv.update(str(p.id), sku=" w-2 ")
    assert p.sku == "W-2" and p.name == "Widget v2" and p.version == 3
    assert inv.get_by_sku("w-2") == p
    with pytest.raises(TypeError):
        inv.update(p.id, "Name")  # type: ignore[call-arg]


def test_update_that_changes_nothing_writes_nothing(inv: Inventory, widget: Product) -> None:
    assert inv.update(widget.id) == widget
    assert inv.update(widget.id, name="Widget", price=Decimal("9.990")) == widget
    assert len(inv.history(widget.id)) == 1


def test_update_expected_version(inv: Inventory, widget: Product) -> None:
    p = inv.update(widget.id, name="New", expected_version=1)
    with pytest.raises(inventory.VersionConflictError) as err:
        inv.update(widget.id, name="Stale", expected_version=1)
    e = err.value
    assert (e.field, e.expected, e.actual) == ("version", 1, 2)
    assert str(e) == "version: expected 1, but it is now 2; reload and retry"
    assert inv.get(widget.id) == p


def test_update_errors_change_nothing(inv: Inventory, widget: Product) -> None:
    other = inv.create(name="Other", sku="O-1", price=1)
    with pytest.raises(inventory.DuplicateSkuError):
        inv.update(other.id, sku="w-1")
    with pytest.raises(inventory.ValidationError) as err:
        inv.update(widget.id, name="ok", price="-1")
    assert err.value.field == "price"
    with pytest.raises(inventory.NotFoundError):
        inv.update(uuid.uuid4(), name="x")
    assert inv.get(widget.id) == widget and inv.get(other.id) == other


# ------------------------------------------------------------------------------------ delete
def test_delete(inv: Inventory, widget: Product) -> None:
    inv.delete(widget.id)
    with pytest.raises(inventory.NotFoundError):
        inv.get(widget.id)
    with pytest.raises(inventory.NotFoundError):
        inv.delete(widget.id)
    kinds = [e.kind for e in inv.history(widget.id)]
    assert kinds == [inventory.EventKind.CREATED, inventory.EventKind.DELETED]
    assert count(inv) == 0 and inv.total_value() == Decimal("0.00")
    # The SKU is free again.
    assert inv.create(name="Widget", sku="W-1", price=1).id != widget.id


# ------------------------------------------------------------------------------------ Product
def test_product_is_an_immutable_value(inv: Inventory, widget: Product) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        widget.stock = 99  # type: ignore[misc]
    again = inv.get(widget.id)
    assert again == widget and again is not widget
    assert hash(again) == hash(widget) and len({again, widget}) == 1
    assert inv.adjust_stock(widget.id, 1, "restock") != widget
    assert pickle.loads(pickle.dumps(widget)) == widget


def test_product_repr_and_to_dict(widget: Product) -> None:
    r = repr(widget)
    assert r.startswith("Product(id=UUID(")
    assert "sku='W-1'" in r and "price=Decimal('9.99')" in r and "stock=10" in r
    d = widget.to_dict()
    assert d == {
        "id": widget.id,
        "name": "Widget",
        "sku": "W-1",
        "price": Decimal("9.99"),
        "stock": 10,
        "created_at": widget.created_at,
        "updated_at": widget.updated_at,
        "version": 1,
    }
    d["name"] = "changed"
    assert widget.name == "Widget"


def test_timestamps_keep_microseconds(inv: Inventory, widget: Product) -> None:
    # Stores keep microseconds, so a product reads back equal, timestamps included.
    assert inv.get(widget.id).created_at == widget.created_at
    assert widget.created_at.tzinfo == UTC


def test_extreme_decimals_are_refused_by_name_without_expanding_them(inv: Inventory) -> None:
    for bad in ["1E+999999999999", "-1E+999999999999", "1E-999999999999", "-1E-999999999999",
                "NaN", "-Infinity", "sNaN", "1.000E-3"]:
        with pytest.raises(inventory.ValidationError) as err:
            inv.create(name="W", sku="W", price=Decimal(bad))
        assert err.value.field == "price", bad
        assert len(str(err.value)) < 200
    # Within range the exponent form is just another spelling.
    assert inv.create(name="W", sku="W", price=Decimal("1.2E+1")).price == Decimal("12.00")
    assert inv.create(name="V", sku="V", price=Decimal("1.50000E0")).price == Decimal("1.50")
    # A bound past every price filters like the largest one.
    assert len(inv.list(max_price=Decimal("1E+999999999999"))) == 2
    with pytest.raises(inventory.ValidationError) as err:
        inv.list(min_price=Decimal("-1E+999999999999"))
    assert err.value.field == "min_price"


def test_a_lone_surrogate_in_an_id_is_a_validation_error(inv: Inventory) -> None:
    with pytest.raises(inventory.ValidationError) as err:
        inv.get("\ud800")
    assert err.value.field == "id"


def test_a_delta_past_64_bits_reports_the_callers_number(inv: Inventory) -> None:
    p = inv.create(name="W", sku="W", price=1, stock=1)
    with pytest.raises(inventory.InsufficientStockError) as err:
        inv.adjust_stock(p.id, -(2**70), reason="sale")
    assert err.value.requested == 2**70 and str(2**70) in str(err.value)
    assert str(2**63) not in str(err.value)
    with pytest.raises(inventory.StockOverflowError) as over:
        inv.adjust_stock(p.id, 2**70, reason="restock")
    assert over.value.delta == 2**70 and str(2**70) in str(over.value)
    assert inv.get(p.id).stock == 1
