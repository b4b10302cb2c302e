"""Conversions between Python's types and the plain values the native module takes."""

from __future__ import annotations

import dataclasses
import datetime
import operator
import os
import uuid
from decimal import Decimal
from typing import Optional, Tuple, Union

from . import _inventory
from ._errors import InventoryError, InsufficientStockError, StockOverflowError
from ._movements import Adjust, Count, Transfer
from ._values import (
    Event,
    EventKind,
    FieldChange,
    Hold,
    HoldStatus,
    Location,
    Page,
    PriceLike,
    Product,
    StockLevel,
)


# Mere type conversions: the rules apply in the core, which receives text and plain integers.

_I64_MIN = -(2**63)
_I64_MAX = 2**63 - 1


def _type_name(value: object) -> str:
    return type(value).__name__


def _text(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {_type_name(value)}")
    return value


def _opt_text(value: object, name: str) -> Optional[str]:
    return None if value is None else _text(value, name)


def _aware(value: object, name: str) -> datetime.datetime:
    if not isinstance(value, datetime.datetime):
        raise TypeError(f"{name} must be a datetime, not {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise TypeError(f"{name} must be a timezone-aware datetime (e.g. tzinfo=timezone.utc)")
    return value


def _seconds(value: object, name: str) -> float:
    """A duration as seconds: a ``timedelta``, or a number of seconds (never a bool)."""
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(
            f"{name} must be a timedelta or a number of seconds, not {type(value).__name__}"
        )
    return float(value)


def _int(value: object, name: str) -> int:
    if isinstance(value, bool):
        raise TypeError(f"{name} must be an int, not bool")
    try:
        return operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        raise TypeError(f"{name} must be an int, not {_type_name(value)}") from None


def _i64(value: object, name: str) -> int:
    # Saturates: the core's range check then reports a value out of range by its field name.
    return min(max(_int(value, name), _I64_MIN), _I64_MAX)


def _with_callers_number(error: InventoryError, clamped: int, given: int) -> InventoryError:
    """``error`` as the caller should read it: a delta past 64 bits reached the core clamped,
    and the core's error reports the clamped number; put the caller's own number back."""
    if clamped == given:
        return error
    if isinstance(error, InsufficientStockError) and error.requested == abs(clamped):
        error.requested = abs(given)
    elif isinstance(error, StockOverflowError) and error.delta == clamped:
        error.delta = given
    else:
        return error
    error.message = error.message.replace(str(abs(clamped)), str(abs(given)))
    error.args = (error.message,)
    return error


def _id(value: object, name: str = "id") -> Union[uuid.UUID, str]:
    if isinstance(value, str):
        # Text is parsed by the core. A lone surrogate cannot cross into Rust at all; no UUID
        # holds one, so the core is shown the text with it replaced, and refuses it by name.
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return value.encode("utf-8", "replace").decode("utf-8")
        return value
    if isinstance(value, uuid.UUID):
        return value
    raise TypeError(f"{name} must be a uuid.UUID or str, not {_type_name(value)}")


def _plain_decimal(value: Decimal) -> str:
    """The decimal as plain digits for the core (``Decimal('1E+2')`` is ``'100'``), without
    expanding an extreme exponent: ``Decimal('1E+999999999999')`` would be a terabyte of digits.
    Such a value is out of every range, so a short stand-in with the same sign and the same
    fault (too large, or too many places) lets the core refuse it with its own message."""
    if not value.is_finite():
        return str(value)  # 'NaN', 'Infinity': refused by the core as not a decimal number
    sign = "-" if value.is_signed() else ""
    if value.is_zero():
        return sign + "0"
    if value.adjusted() > 40:
        return sign + "1" + "0" * 41
    digits, exponent = value.as_tuple()[1:]
    places = -int(exponent) - (len(digits) - len("".join(map(str, digits)).rstrip("0")))
    if places > 40:
        return sign + "0." + "0" * 40 + "1"
    return format(value, "f")


def _decimal_text(value: object, name: str) -> str:
    if isinstance(value, float):
        raise TypeError(
            f"{name} must be a Decimal, int or str, not float: money must be exact, and a float "
            f"only approximates most decimal amounts (0.1 + 0.2 != 0.3); "
            f"pass Decimal('9.99') or '9.99' instead"
        )
    if isinstance(value, Decimal):
        return _plain_decimal(value)
    if isinstance(value, bool):
        raise TypeError(f"{name} must be a Decimal, int or str, not bool")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return value
    raise TypeError(f"{name} must be a Decimal, int or str, not {_type_name(value)}")


def _opt_decimal_text(value: object, name: str) -> Optional[str]:
    return None if value is None else _decimal_text(value, name)


def _location(value: object) -> str:
    if isinstance(value, (str, os.PathLike)):
        location = os.fspath(value)
        if isinstance(location, str):
            return location
    raise TypeError(f"location must be a str or os.PathLike[str], not {_type_name(value)}")


def _product(record: _inventory.ProductRecord) -> Product:
    # The native module has already checked every value, and its record's keys are Product's
    # fields: fill the frozen dataclass directly, which is about twice as fast as its generated
    # __init__ (one setattr call per field).
    product = object.__new__(Product)
    product.__dict__.update(record)
    return product


def _event(record: _inventory.EventRecord) -> Event:
    return Event(
        seq=record["seq"],
        id=record["id"],
        replica=record["replica"],
        at=record["at"],
        product_id=record["product_id"],
        kind=EventKind(record["kind"]),
        sku=record["sku"],
        location=record["location"],
        delta=record["delta"],
        stock_before=record["stock_before"],
        stock_after=record["stock_after"],
        reason=record["reason"],
        reference=record["reference"],
        actor=record["actor"],
        transfer_id=record["transfer_id"],
        hold_id=record["hold_id"],
        quantity=record["quantity"],
        expires_at=record["expires_at"],
        idempotency_key=record["idempotency_key"],
        changes=tuple(FieldChange(**c) for c in record["changes"]),
    )


def _page(record: _inventory.PageRecord) -> Page:
    return Page(
        items=tuple(_product(p) for p in record["items"]),
        next_cursor=record["next_cursor"],
        total=record["total"],
    )


def _new_product(
    name: str, sku: str, price: PriceLike, stock: int = 0
) -> Tuple[str, str, str, int]:
    return (
        _text(name, "name"),
        _text(sku, "sku"),
        _decimal_text(price, "price"),
        _i64(stock, "stock"),
    )


def _location_value(record: _inventory.LocationRecord) -> Location:
    return Location(**record)


def _level(record: _inventory.LevelRecord) -> StockLevel:
    return StockLevel(**record)


def _hold(record: _inventory.HoldRecord) -> Hold:
    return Hold(
        id=record["id"],
        product_id=record["product_id"],
        location=record["location"],
        quantity=record["quantity"],
        status=HoldStatus(record["status"]),
        committed=record["committed"],
        expires_at=record["expires_at"],
        reference=record["reference"],
        actor=record["actor"],
        created_at=record["created_at"],
        closed_at=record["closed_at"],
    )


def _opt_i64(value: object, name: str) -> Optional[int]:
    return None if value is None else _i64(value, name)


def _movement(m: object) -> _inventory.MovementTuple:
    """A movement of a batch as the native module takes it."""
    names: Tuple[Optional[str], Optional[str]] = (None, None)
    if isinstance(m, Adjust):
        kind, amount = "adjust", _i64(m.delta, "delta")
        location: Optional[str] = _opt_text(m.location, "location")
    elif isinstance(m, Count):
        kind, amount = "count", _i64(m.quantity, "quantity")
        location = _opt_text(m.location, "location")
    elif isinstance(m, Transfer):
        kind, amount, location = "transfer", _i64(m.quantity, "quantity"), None
        names = (_text(m.from_location, "from_location"), _text(m.to_location, "to_location"))
    else:
        raise TypeError(
            f"a movement must be an inventory.Adjust, Count or Transfer, not {_type_name(m)}"
        )
    return (
        kind,
        _id(m.product_id),
        amount,
        _text(m.reason, "reason"),
        _opt_text(m.reference, "reference"),
        _opt_text(m.actor, "actor"),
        location,
        names[0],
        names[1],
        _opt_i64(m.expected, "expected"),
    )


def _key(value: object) -> Optional[str]:
    return _opt_text(value, "idempotency_key")
