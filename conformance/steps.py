"""The vocabulary of the vectors: steps, expectations, and the per-runner skip rules.

Every topic module (``conformance/topics/``) builds its cases from these; ``generate.py`` writes
them out.
"""


import re

FORMAT = 1

MAX_STOCK = 2_147_483_647
MAX_PRICE = "99999999.99"
JS_SAFE = 2**53 - 1

# --------------------------------------------------------------------------------------------
# Steps and expectations


def step(op, args, expect, save_as=None):
    s = {"op": op}
    if args:
        s["args"] = args
    if save_as:
        s["save_as"] = save_as
    s["expect"] = expect
    return s


def _args(**kw):
    return {k: v for k, v in kw.items() if v is not None}


def create(name="Widget", sku="AB-1", price="9.99", stock=None, save=None, expect=None,
           idempotency_key=None):
    return step("create", _args(name=name, sku=sku, price=price, stock=stock,
                                idempotency_key=idempotency_key), expect, save)


def get(id, expect):
    return step("get", {"id": id}, expect)


def get_by_sku(sku, expect):
    return step("get_by_sku", {"sku": sku}, expect)


def update(id, expect, name=None, sku=None, price=None, stock=None, expected_version=None,
           idempotency_key=None):
    args = _args(id=id, name=name, sku=sku, price=price, stock=stock,
                 expected_version=expected_version, idempotency_key=idempotency_key)
    return step("update", args, expect)


def adjust(id, delta, expect, reason="restock", reference=None, actor=None, expected_stock=None,
           location=None, idempotency_key=None):
    args = _args(id=id, delta=delta, reason=reason, reference=reference, actor=actor,
                 location=location, expected_stock=expected_stock,
                 idempotency_key=idempotency_key)
    return step("adjust_stock", args, expect)


def set_stock(id, quantity, expect, reason="correction", reference=None, actor=None,
              expected_stock=None, location=None, idempotency_key=None):
    args = _args(id=id, quantity=quantity, reason=reason, reference=reference, actor=actor,
                 location=location, expected_stock=expected_stock,
                 idempotency_key=idempotency_key)
    return step("set_stock", args, expect)


def transfer(id, quantity, from_location, to_location, expect, reason="transfer",
             reference=None, actor=None, expected_stock=None, idempotency_key=None):
    args = _args(id=id, quantity=quantity, from_location=from_location,
                 to_location=to_location, reason=reason, reference=reference, actor=actor,
                 expected_stock=expected_stock, idempotency_key=idempotency_key)
    return step("transfer", args, expect)


def apply(movements, expect, idempotency_key=None):
    return step("apply", _args(movements=movements, idempotency_key=idempotency_key), expect)


def m_adjust(id, delta, reason="sale", location=None, expected_stock=None):
    return {"type": "adjust", **_args(id=id, delta=delta, reason=reason, location=location,
                                      expected_stock=expected_stock)}


def m_count(id, quantity, reason="count", location=None, expected_stock=None):
    return {"type": "count", **_args(id=id, quantity=quantity, reason=reason,
                                     location=location, expected_stock=expected_stock)}


def m_transfer(id, quantity, from_location, to_location, reason="transfer"):
    return {"type": "transfer", **_args(id=id, quantity=quantity, from_location=from_location,
                                        to_location=to_location, reason=reason)}


def create_location(code, name, expect, idempotency_key=None):
    return step("create_location",
                _args(code=code, name=name, idempotency_key=idempotency_key), expect)


def delete_location(code, expect=None):
    return step("delete_location", {"code": code}, expect or OK)


def locations(codes):
    return step("locations", None, {"locations": codes})


def stock_levels(id, expect):
    return step("stock_levels", {"id": id}, expect)


def set_reorder_point(id, reorder_point, expect, location=None):
    return step("set_reorder_point",
                _args(id=id, reorder_point=reorder_point, location=location), expect)


def delete(id, expect=None, idempotency_key=None):
    return step("delete", _args(id=id, idempotency_key=idempotency_key), expect or OK)


def list_(expect, **query):
    return step("list", _args(**query), expect)


def total(value):
    return step("total_value", None, {"value": value})


def history(id, expect):
    return step("history", {"id": id}, expect)


def reserve(id, quantity, expect, save=None, location=None, expires_in_seconds=None,
            expires_at=None, reference=None, actor=None, idempotency_key=None):
    return step("reserve", _args(id=id, quantity=quantity, location=location,
                                 expires_in_seconds=expires_in_seconds, expires_at=expires_at,
                                 reference=reference, actor=actor,
                                 idempotency_key=idempotency_key), expect, save)


def commit_hold(hold, expect, quantity=None, reason=None, reference=None, actor=None,
                idempotency_key=None):
    return step("commit_hold", _args(hold=hold, quantity=quantity, reason=reason,
                                     reference=reference, actor=actor,
                                     idempotency_key=idempotency_key), expect)


def release_hold(hold, expect, idempotency_key=None):
    return step("release_hold", _args(hold=hold, idempotency_key=idempotency_key), expect)


def get_hold(hold, expect):
    return step("get_hold", {"hold": hold}, expect)


def holds(id, expect, status=None):
    return step("holds", _args(id=id, status=status), expect)


def expire_holds(count):
    return step("expire_holds", None, {"number": count})


def advance_clock(seconds):
    return step("advance_clock", {"seconds": seconds}, OK)


def H(**fields):
    """Expect a hold with these fields (id, status, quantity, committed, location, reference,
    actor, expires_at)."""
    return {"hold": fields}


def HOLDS(*holds):
    return {"holds": [h["hold"] for h in holds]}


def FULL_LEVELS(*levels):
    """Expect a product's levels: (location, on_hand, reserved, available, short)."""
    return {"levels": [dict(zip(("location", "on_hand", "reserved", "available", "short"), l))
                       for l in levels]}


def P(**fields):
    """Expect a product with these fields (the only ones compared)."""
    return {"product": fields}


def E(code, field=None):
    """Expect an error of this kind (and, when given, about this field)."""
    return {"error": code, "field": field} if field else {"error": code}


def V(field):
    return E("VALIDATION", field)


OK = {"ok": True}


def LOC(**fields):
    """Expect a location with these fields (code, name, version)."""
    return {"location": fields}


def LEVELS(*levels):
    """Expect a product's levels, in location order: (location, on_hand[, reorder_point])."""
    out = []
    for level in levels:
        entry = {"location": level[0], "on_hand": level[1]}
        if len(level) > 2:
            entry["reorder_point"] = level[2]
        out.append(entry)
    return {"levels": out}


def LEVEL(location, on_hand, reorder_point):
    return {"level": {"location": location, "on_hand": on_hand, "reorder_point": reorder_point}}


def PRODUCTS(*products):
    """Expect a list of products (a batch's answer), each as P's fields."""
    return {"products": list(products)}


def PAGE(skus, total, has_next=False):
    return {"page": {"skus": skus, "total": total, "has_next": has_next}}


def COUNT(count, total, has_next=False):
    """Expect a page of `count` products, in an order the case does not pin."""
    return {"page": {"count": count, "total": total, "has_next": has_next}}


def EVENTS(*events):
    return {"events": list(events)}


def ev(kind, **fields):
    return {"kind": kind, **fields}


def case(name, steps, about=None, clock=None):
    c = {"name": name}
    if about:
        c["about"] = about
    if clock:
        c["clock"] = clock
    c["steps"] = steps
    return c


NO_SUCH_ID = "00000000-0000-4000-8000-000000000000"

# --------------------------------------------------------------------------------------------
# Skip rules: a runner skips a case only when an input cannot be written in its language's
# types. They are derived from the inputs here, so they are applied the same way everywhere.

PLAIN_DECIMAL = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)")
UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
PRICE_ARGS = ("price", "min_price", "max_price")
INTEGER_ARGS = ("stock", "delta", "quantity", "expected_stock", "expected_version",
                "low_stock", "limit", "offset", "reorder_point")
# The arguments that name a hold, like `id` names a product.
HOLD_ARGS = ("hold",)
# The integer arguments Kotlin takes unsigned (uniffi's u32 and u64), and their ranges.
KOTLIN_UNSIGNED = {"stock": ("UInt", 2**32 - 1), "quantity": ("UInt", 2**32 - 1),
                   "expected_stock": ("UInt", 2**32 - 1), "low_stock": ("UInt", 2**32 - 1),
                   "limit": ("UInt", 2**32 - 1), "offset": ("ULong", 2**64 - 1),
                   "reorder_point": ("UInt", 2**32 - 1),
                   "expected_version": ("ULong", 2**64 - 1)}


def skip_rules(c):
    """The runners that cannot pass some input of case `c`, each with the first reason."""
    skip = {}
    steps = list(c["steps"])
    for s in c["steps"]:
        steps.extend(s.get("args", {}).get("steps", []))  # a transaction's own steps
    for s in steps:
        args = s.get("args", {})
        for m in args.get("movements", []):
            for key in INTEGER_ARGS:
                n = m.get(key)
                if key in KOTLIN_UNSIGNED and n is not None \
                        and not 0 <= n <= KOTLIN_UNSIGNED[key][1]:
                    skip.setdefault("kotlin", f"movement {key} {n} is outside Kotlin's "
                                    f"{KOTLIN_UNSIGNED[key][0]}, the type the binding takes")
        for key in PRICE_ARGS:
            text = args.get(key)
            if text is not None and not PLAIN_DECIMAL.fullmatch(text):
                skip.setdefault("kotlin", f"{key} {text!r} is not a plain decimal: a "
                                "BigDecimal cannot carry this text as written")
        for key in INTEGER_ARGS:
            n = args.get(key)
            if n is not None and abs(n) > JS_SAFE:
                skip.setdefault("js", f"{key} {n} is beyond Number.MAX_SAFE_INTEGER, so it "
                                "cannot be passed exactly as a JavaScript number")
            if key in KOTLIN_UNSIGNED and n is not None and not 0 <= n <= KOTLIN_UNSIGNED[key][1]:
                skip.setdefault("kotlin", f"{key} {n} is outside Kotlin's "
                                f"{KOTLIN_UNSIGNED[key][0]}, the type the binding takes")
        for key in ("id",) + HOLD_ARGS:
            id_text = args.get(key)
            if id_text is not None and not id_text.startswith("$") \
                    and not UUID_TEXT.fullmatch(id_text):
                skip.setdefault("kotlin", f"{key} {id_text!r} is not a UUID: a java.util.UUID "
                                "cannot hold it")
    return skip
