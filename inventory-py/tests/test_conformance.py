"""The shared conformance vectors (``conformance/vectors/*.json``), replayed through the Python API.

The format is specified in ``conformance/README.md``. Every case runs on a new, empty inventory,
once in memory and once in a SQLite file; each is one test, named by the case
(``test_conformance[memory-sku/trims_ascii_spaces]``). Inputs are passed as a Python program
passes them: text and prices as ``str``, counts as ``int``, ids as the ``uuid.UUID`` of the
saved product (or the literal text of the vector). After the last step the ledger invariant is
checked with ``Inventory.check_ledger()``. The summary lines (``conformance: N cases, M steps,
store S``) are printed at the end of the run by ``conftest.py``.

    pytest inventory-py/tests/test_conformance.py -q
    pytest inventory-py/tests/test_conformance.py -q -k "price/"
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import shutil
import uuid
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Union

import pytest

import inventory
from inventory import Event, Hold, Inventory, Location, Page, Product, StockLevel

if TYPE_CHECKING:
    from conftest import ConformanceTally

#: This runner's key in a case's ``skip`` object.
RUNNER = "python"
#: The vector format this runner reads.
FORMAT = 1
VECTORS = Path(__file__).resolve().parents[2] / "conformance" / "vectors"

Json = Dict[str, Any]
#: What an operation returns: a product, nothing (delete), a page, the total value, events,
#: products (a batch), a location, locations, levels or one level.
Outcome = Union[
    Product, None, Page, Decimal, List[Event], List[Product], Location, List[Location],
    List[StockLevel], StockLevel, Hold, List[Hold], int,
]

#: The arguments each operation takes (required ones first, then the optional ones).
REQUIRED = {
    "create": ("name", "sku", "price"),
    "get": ("id",),
    "get_by_sku": ("sku",),
    "update": ("id",),
    "adjust_stock": ("id", "delta", "reason"),
    "set_stock": ("id", "quantity", "reason"),
    "delete": ("id",),
    "list": (),
    "total_value": (),
    "history": ("id",),
    "transfer": ("id", "quantity", "from_location", "to_location", "reason"),
    "apply": ("movements",),
    "create_location": ("code", "name"),
    "delete_location": ("code",),
    "locations": (),
    "stock_levels": ("id",),
    "set_reorder_point": ("id",),
    "reserve": ("id", "quantity"),
    "commit_hold": ("hold",),
    "release_hold": ("hold",),
    "get_hold": ("hold",),
    "holds": ("id",),
    "expire_holds": (),
    "advance_clock": ("seconds",),
    "transaction": ("steps",),
}
KEY = ("idempotency_key",)
OPTIONAL = {
    "create": ("stock",) + KEY,
    "update": ("name", "sku", "price", "stock", "expected_version") + KEY,
    "delete": KEY,
    "adjust_stock": ("reference", "actor", "expected_stock", "location") + KEY,
    "set_stock": ("reference", "actor", "expected_stock", "location") + KEY,
    "transfer": ("reference", "actor", "expected_stock") + KEY,
    "apply": KEY,
    "create_location": KEY,
    "set_reorder_point": ("reorder_point", "location"),
    "reserve": ("location", "expires_in_seconds", "expires_at", "reference", "actor") + KEY,
    "commit_hold": ("quantity", "reason", "reference", "actor") + KEY,
    "release_hold": KEY,
    "holds": ("status",),
    "transaction": ("rollback",),
    "list": ("name_contains", "sku_prefix", "low_stock", "min_price", "max_price", "order_by",
             "limit", "cursor", "offset", "below_reorder_point", "location", "with_total"),
}
INTEGER_ARGS = frozenset({"stock", "delta", "quantity", "expected_stock", "expected_version",
                          "low_stock", "limit", "offset", "reorder_point"})
BOOLEAN_ARGS = frozenset({"below_reorder_point", "with_total", "rollback"})
#: Numbers that may have a fraction (seconds).
NUMBER_ARGS = frozenset({"expires_in_seconds", "seconds"})
LIST_ARGS = frozenset({"movements", "steps"})
#: Where a step's calls go: the case's inventory, or a ``transaction`` step's transaction.
Target = Union[Inventory, inventory.Transaction]
#: The operations a ``transaction`` step's own steps may use: the writes and the reads by key.
TRANSACTION_OPS = frozenset({
    "create", "get", "get_by_sku", "update", "delete", "adjust_stock", "set_stock", "transfer",
    "apply", "create_location", "delete_location", "set_reorder_point", "reserve",
    "commit_hold", "release_hold",
})
#: The keys a batch movement takes, by its type.
MOVEMENT_KEYS = {
    "adjust": {"type", "id", "delta", "reason", "location", "expected_stock"},
    "count": {"type", "id", "quantity", "reason", "location", "expected_stock"},
    "transfer": {"type", "id", "quantity", "reason", "from_location", "to_location"},
}


@dataclasses.dataclass(frozen=True)
class Case:
    file: str
    name: str
    steps: List[Json]
    skip: Optional[str]
    #: The start of the case's manual clock, when it has one.
    clock: Optional[str] = None


def load() -> List[Case]:
    """Every case of every vector file, in file-name order, then in file order."""
    paths = sorted(VECTORS.glob("*.json"))
    assert paths, f"no vector files in {VECTORS}"
    cases: List[Case] = []
    names = set()
    for path in paths:
        doc = json.loads(path.read_text(encoding="utf-8"))
        assert doc.get("format") == FORMAT, f"{path.name}: this runner reads format {FORMAT}"
        for c in doc["cases"]:
            name = c["name"]
            assert isinstance(name, str) and name not in names, f"{path.name}: case {name!r}"
            names.add(name)
            skip = c.get("skip", {}).get(RUNNER)
            cases.append(Case(path.name, name, c["steps"], skip, c.get("clock")))
    return cases


CASES = load()


class Mismatch(Exception):
    """A step did not meet its expectation, or the vector cannot be read."""


class Ctx:
    """The state of one case: the products saved by ``save_as`` and the last page's cursor."""

    def __init__(self, clock: Optional[inventory.ManualClock] = None) -> None:
        self.ids: Dict[str, uuid.UUID] = {}
        self.next_cursor: Optional[str] = None
        self.clock = clock

    def saved(self, text: str) -> uuid.UUID:
        try:
            return self.ids[text[1:]]
        except KeyError:
            raise Mismatch(f"no product was saved as {text[1:]!r}") from None

    def id_arg(self, text: str) -> Union[uuid.UUID, str]:
        """``$name`` is the saved product's id (its ``uuid.UUID``); anything else is literal."""
        return self.saved(text) if text.startswith("$") else text

    def pinned(self, message: str) -> str:
        """A message as the vectors pin it: each saved product's id written as its ``$name``."""
        for name, id in self.ids.items():
            message = message.replace(str(id), f"${name}")
        return message

    def id_text(self, text: str) -> str:
        return str(self.saved(text)) if text.startswith("$") else text

    def cursor(self, text: str) -> str:
        if text == "$next":
            if self.next_cursor is None:
                raise Mismatch('"$next": the previous page had no next cursor')
            return self.next_cursor
        if text.startswith("$"):
            raise Mismatch(f"unknown cursor placeholder {text!r}")
        return text


def arguments(op: str, step: Json) -> Json:
    """The step's arguments, checked against the names and JSON types ``op`` takes."""
    if op not in REQUIRED:
        raise Mismatch(f"unknown operation {op!r}")
    args = step.get("args", {})
    if not isinstance(args, dict):
        raise Mismatch(f'"args" must be an object, not {args!r}')
    allowed = REQUIRED[op] + OPTIONAL.get(op, ())
    for key, value in args.items():
        if key not in allowed:
            raise Mismatch(f"{op} takes no argument {key!r}")
        if key in NUMBER_ARGS:
            if type(value) not in (int, float):
                raise Mismatch(f"argument {key!r} must be a number, not {value!r}")
            continue
        want: type = (int if key in INTEGER_ARGS else bool if key in BOOLEAN_ARGS
                      else list if key in LIST_ARGS else str)
        if type(value) is not want:
            raise Mismatch(f"argument {key!r} must be a {want.__name__}, not {value!r}")
    for key in REQUIRED[op]:
        if key not in args:
            raise Mismatch(f"missing argument {key!r}")
    return dict(args)


def movement(m: object, ctx: Ctx) -> inventory.Movement:
    """A batch movement of a vector as the binding's :class:`inventory.Adjust`, ``Count`` or
    ``Transfer``."""
    if not isinstance(m, dict) or m.get("type") not in MOVEMENT_KEYS:
        raise Mismatch(f"a movement must be an object with a known type, not {m!r}")
    unknown = set(m) - MOVEMENT_KEYS[m["type"]]
    if unknown:
        raise Mismatch(f"a {m['type']} movement takes no {sorted(unknown)}")
    a = {k: v for k, v in m.items() if k not in ("type", "id")}
    if "expected_stock" in a:
        a["expected"] = a.pop("expected_stock")
    id = ctx.id_arg(m["id"])
    if m["type"] == "adjust":
        return inventory.Adjust(id, a.pop("delta"), **a)
    if m["type"] == "count":
        return inventory.Count(id, a.pop("quantity"), **a)
    return inventory.Transfer(id, a.pop("quantity"), **a)


def call(inv: Target, op: str, a: Json, ctx: Ctx) -> Outcome:
    """Calls the operation the way a Python program would (on an :class:`Inventory`, or on
    the :class:`inventory.Transaction` of a ``transaction`` step); absent optional arguments
    are not passed, so the binding's defaults apply."""

    def whole() -> Inventory:
        # run_steps refuses the other operations inside a transaction before they get here.
        assert isinstance(inv, Inventory)
        return inv

    if op == "transaction":
        if not isinstance(inv, Inventory):
            raise Mismatch("a transaction inside a transaction")
        tx = inv.transaction()
        try:
            run_steps(tx, a["steps"], ctx, "inside the transaction, ")
        except BaseException:
            tx.rollback()
            raise
        if a.get("rollback"):
            tx.rollback()
        else:
            tx.commit()
        return None
    if op == "create":
        return inv.create(**a)
    if op == "get":
        return inv.get(ctx.id_arg(a["id"]))
    if op == "get_by_sku":
        return inv.get_by_sku(a["sku"])
    if op == "update":
        return inv.update(ctx.id_arg(a.pop("id")), **a)
    if op == "delete":
        inv.delete(ctx.id_arg(a.pop("id")), **a)
        return None
    if op == "transfer":
        if "expected_stock" in a:
            a["expected"] = a.pop("expected_stock")
        return inv.transfer(ctx.id_arg(a.pop("id")), a.pop("quantity"), **a)
    if op == "apply":
        return inv.apply([movement(m, ctx) for m in a.pop("movements")], **a)
    if op == "create_location":
        return inv.create_location(**a)
    if op == "delete_location":
        inv.delete_location(a["code"])
        return None
    if op == "locations":
        return whole().locations()
    if op == "stock_levels":
        return whole().stock_levels(ctx.id_arg(a["id"]))
    if op == "set_reorder_point":
        return inv.set_reorder_point(
            ctx.id_arg(a.pop("id")), a.pop("reorder_point", None), **a
        )
    if op in ("adjust_stock", "set_stock"):
        if "expected_stock" in a:
            a["expected"] = a.pop("expected_stock")
        id = ctx.id_arg(a.pop("id"))
        if op == "adjust_stock":
            return inv.adjust_stock(id, a.pop("delta"), a.pop("reason"), **a)
        return inv.set_stock(id, a.pop("quantity"), a.pop("reason"), **a)
    if op == "list":
        if "cursor" in a:
            a["cursor"] = ctx.cursor(a["cursor"])
        return whole().list(**a)
    if op == "total_value":
        return whole().total_value()
    if op == "reserve":
        if "expires_in_seconds" in a:
            a["expires_in"] = datetime.timedelta(seconds=a.pop("expires_in_seconds"))
        if "expires_at" in a:
            a["expires_at"] = when(a["expires_at"])
        return inv.reserve(ctx.id_arg(a.pop("id")), a.pop("quantity"), **a)
    if op == "commit_hold":
        return inv.commit_hold(ctx.id_arg(a.pop("hold")), **a)
    if op == "release_hold":
        return inv.release_hold(ctx.id_arg(a.pop("hold")), **a)
    if op == "get_hold":
        return whole().hold(ctx.id_arg(a["hold"]))
    if op == "holds":
        status = a.get("status")
        if status is None:
            return whole().holds(ctx.id_arg(a["id"]))
        return whole().holds(ctx.id_arg(a["id"]), status=None if status == "all" else status)
    if op == "expire_holds":
        return whole().expire_holds()
    if op == "advance_clock":
        if ctx.clock is None:
            raise Mismatch('advance_clock in a case with no "clock"')
        ctx.clock.advance(datetime.timedelta(seconds=a["seconds"]))
        return None
    assert op == "history"
    return whole().history(ctx.id_arg(a["id"]))


def when(text: str) -> datetime.datetime:
    """An ISO 8601 time of a vector as an aware ``datetime``."""
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def describe(got: object) -> str:
    """A short description of an answer, for failure messages."""
    if isinstance(got, inventory.InventoryError):
        return f"error {got.code} (field {got.field!r}): {got}"
    if isinstance(got, BaseException):
        return f"{type(got).__name__}: {got}"
    if isinstance(got, Product):
        return (f"product {{id: {got.id}, name: {got.name!r}, sku: {got.sku!r}, "
                f"price: {got.price}, stock: {got.stock}, version: {got.version}}}")
    if isinstance(got, Page):
        return (f"page {{skus: {[p.sku for p in got]!r}, total: {got.total}, "
                f"has_next: {got.next_cursor is not None}}}")
    if isinstance(got, Decimal):
        return f"value {got}"
    if isinstance(got, Location):
        return f"location {got.code} {got.name!r} v{got.version}"
    if isinstance(got, StockLevel):
        return f"level {got.location} {got.on_hand} {got.reorder_point!r}"
    if isinstance(got, list):
        return "[" + ", ".join(describe(x) for x in got) + "]"
    if isinstance(got, Event):
        return f"{got.kind.value} {got.delta!r} {got.reason!r}"
    if isinstance(got, Hold):
        return f"hold {got.status.value} {got.committed} of {got.quantity}"
    if isinstance(got, int):
        return f"number {got}"
    return "ok"


def same(what: str, want: object, got: object) -> None:
    # `type` too: JSON's true must not pass for 1, nor 1 for True.
    if type(want) is not type(got) or want != got:
        raise Mismatch(f"{what}: expected {want!r}, got {got!r}")


def check_product(want: Json, p: Product, ctx: Ctx) -> None:
    for key, v in want.items():
        if key == "id":
            same("id", ctx.id_text(v), str(p.id))
        elif key == "price":
            same("price", v, str(p.price))
        elif key in ("name", "sku", "stock", "version"):
            same(key, v, getattr(p, key))
        else:
            raise Mismatch(f"unknown product field {key!r} in the expectation")


def check_page(want: Json, page: Page) -> None:
    for key, v in want.items():
        if key == "skus":
            same("skus", v, [p.sku for p in page])
        elif key == "count":
            same("count", v, len(page))
        elif key == "total":
            same("total", v, page.total)
        elif key == "has_next":
            same("has_next", v, page.next_cursor is not None)
        else:
            raise Mismatch(f"unknown page field {key!r} in the expectation")


EVENT_FIELDS = ("sku", "delta", "stock_before", "stock_after", "reason", "reference", "actor",
                "location", "idempotency_key", "quantity")


def check_event(want: Json, e: Event) -> None:
    for key, v in want.items():
        if key == "kind":
            same("kind", v, e.kind.value)
        elif key in EVENT_FIELDS:
            same(key, v, getattr(e, key))
        elif key == "changes":
            same("changes", v, [dataclasses.asdict(c) for c in e.changes])
        elif key == "linked":
            same("linked", v, e.transfer_id is not None)
        elif key == "hold":
            same("hold", v, e.hold_id is not None)
        else:
            raise Mismatch(f"unknown event field {key!r} in the expectation")


def check_level(want: Json, level: StockLevel) -> None:
    for key, v in want.items():
        if key in ("location", "on_hand", "reorder_point", "reserved", "available", "short"):
            same(key, v, getattr(level, key))
        else:
            raise Mismatch(f"unknown level field {key!r} in the expectation")


def check_hold(want: Json, h: Hold, ctx: Ctx) -> None:
    for key, v in want.items():
        if key == "id":
            same("id", ctx.id_text(v), str(h.id))
        elif key == "status":
            same("status", v, h.status.value)
        elif key == "expires_at":
            same("expires_at", None if v is None else when(v), h.expires_at)
        elif key in ("quantity", "committed", "location", "reference", "actor"):
            same(key, v, getattr(h, key))
        else:
            raise Mismatch(f"unknown hold field {key!r} in the expectation")


def check(want: object, got: Union[Outcome, BaseException], ctx: Ctx) -> None:
    """Compares an answer (a result, or the exception raised) with a step's ``expect``."""
    if not isinstance(want, dict) or not want:
        raise Mismatch(f'"expect" must be a non-empty object, not {want!r}')
    if "error" in want:
        if set(want) - {"error", "field", "message"}:
            raise Mismatch(f"an error expectation has error, field and message only, not {sorted(want)}")
        if not isinstance(got, inventory.InventoryError):
            raise Mismatch(f"expected error {want['error']}, got {describe(got)}")
        same("error", want["error"], got.code)
        if "field" in want:
            same("error field", want["field"], got.field)
        if "message" in want:
            same("error message", want["message"], ctx.pinned(str(got)))
        return
    if len(want) != 1:
        raise Mismatch(f"an expectation has one key, not {sorted(want)}")
    ((kind, v),) = want.items()
    try:
        if kind == "product" and isinstance(got, Product):
            check_product(v, got, ctx)
        elif kind == "ok" and got is None:
            same("ok", True, v)
        elif kind == "page" and isinstance(got, Page):
            check_page(v, got)
        elif kind == "value" and isinstance(got, Decimal):
            same("value", v, str(got))
        elif kind == "hold" and isinstance(got, Hold):
            check_hold(v, got, ctx)
        elif kind == "number" and isinstance(got, int) and not isinstance(got, bool):
            same("number", v, got)
        elif kind in ("events", "products", "locations", "levels", "holds") \
                and isinstance(got, list):
            same(f"number of {kind}", len(v), len(got))
            for i, (w, x) in enumerate(zip(v, got)):
                try:
                    if kind == "events" and isinstance(x, Event):
                        check_event(w, x)
                    elif kind == "products" and isinstance(x, Product):
                        check_product(w["product"], x, ctx)
                    elif kind == "locations" and isinstance(x, Location):
                        same("code", w, x.code)
                    elif kind == "levels" and isinstance(x, StockLevel):
                        check_level(w, x)
                    elif kind == "holds" and isinstance(x, Hold):
                        check_hold(w, x, ctx)
                    else:
                        raise Mismatch(f"expected {kind}")
                except Mismatch as m:
                    raise Mismatch(f"{kind} {i}: {m}") from None
        elif kind == "location" and isinstance(got, Location):
            for key, w in v.items():
                if key not in ("code", "name", "version"):
                    raise Mismatch(f"unknown location field {key!r} in the expectation")
                same(key, w, getattr(got, key))
        elif kind == "level" and isinstance(got, StockLevel):
            check_level(v, got)
        elif kind in ("product", "ok", "page", "value", "events", "products", "location",
                      "locations", "levels", "level", "hold", "holds", "number"):
            raise Mismatch(f"expected {kind}")
        else:
            raise Mismatch(f"unknown expectation {kind!r}")
    except Mismatch as m:
        raise Mismatch(f"{m}; got {describe(got)}") from None


def run_steps(target: Target, steps: List[Json], ctx: Ctx, where: str) -> None:
    """Runs the steps in order on ``target``, stopping at the first mismatch."""
    for i, step in enumerate(steps):
        op = step.get("op") if isinstance(step, dict) else None
        try:
            if not isinstance(step, dict) or "expect" not in step:
                raise Mismatch('the step has no "expect"')
            if not isinstance(target, Inventory) and op not in TRANSACTION_OPS:
                raise Mismatch(f"{op} is not a call of a transaction")
            a = arguments(str(op), step)
            got: Union[Outcome, BaseException]
            try:
                got = call(target, str(op), a, ctx)
            except Mismatch:
                raise
            except Exception as e:  # the binding's answer: an error to compare, or a failure
                got = e
            check(step["expect"], got, ctx)
            if "save_as" in step:
                if not isinstance(got, (Product, Hold)):
                    raise Mismatch(f"save_as {step['save_as']!r} needs a product or hold to save")
                ctx.ids[step["save_as"]] = got.id
            if isinstance(got, Page):
                ctx.next_cursor = got.next_cursor
        except Mismatch as m:
            raise Mismatch(f"{where}step {i} ({op}): {m}") from None


def run_case(inv: Inventory, case: Case, clock: Optional[inventory.ManualClock] = None) -> None:
    """Runs the steps in order, stopping at the first mismatch; then the ledger invariant."""
    ctx = Ctx(clock)
    try:
        run_steps(inv, case.steps, ctx, "")
    except Mismatch as m:
        raise AssertionError(f'{case.file}: case "{case.name}", {m}') from None
    try:
        inv.check_ledger()
    except inventory.InventoryError as e:
        raise AssertionError(
            f'{case.file}: case "{case.name}", after the last step, the ledger invariant '
            f"fails: {e}"
        ) from None


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new, empty SQLite inventory, copied for each case: creating the schema (and syncing
    it to disk) costs more than most cases."""
    path = tmp_path_factory.mktemp("conformance") / "template.db"
    Inventory.open(path)
    return path


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
@pytest.mark.parametrize("store", ["memory", "sqlite"])
def test_conformance(
    store: str,
    case: Case,
    tmp_path: Path,
    sqlite_template: Path,
    conformance_tally: ConformanceTally,
) -> None:
    if case.skip is not None:
        conformance_tally.skipped(store, case.name, case.skip)
        pytest.skip(case.skip)
    conformance_tally.ran(store, len(case.steps))
    clock = None if case.clock is None else inventory.ManualClock(when(case.clock))
    if store == "memory":
        inv = Inventory.in_memory(clock=clock)
    else:
        path = tmp_path / "conformance.db"
        shutil.copyfile(sqlite_template, path)
        inv = Inventory.open(path, clock=clock)
    run_case(inv, case, clock)
