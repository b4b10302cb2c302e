"""transactions.json: several calls that commit together, or not at all"""

from steps import *  # noqa: F401,F403 (the vectors' vocabulary)


def transaction(steps, expect, rollback=None):
    """Runs `steps` inside one transaction, then commits it (or, with `rollback`, rolls it
    back); `expect` is what the commit answers."""
    args = {"steps": steps}
    if rollback is not None:
        args["rollback"] = rollback
    return step("transaction", args, expect)


def transactions_cases():
    cases = []
    setup = [create(sku="A", stock=5, save="a", expect=P(stock=5))]
    cases.append(case("transactions/calls_commit_together", setup + [
        transaction([
            create(sku="B", stock=0, save="b", expect=P(sku="B", stock=0)),
            adjust("$b", 4, P(stock=4)),
            adjust("$a", -2, P(stock=3), reason="sale"),
            get("$a", P(stock=3, version=2)),
            get_by_sku(" b ", P(sku="B", stock=4)),
        ], OK),
        get("$a", P(stock=3, version=2)),
        get("$b", P(stock=4, version=2)),
        history("$a", EVENTS(ev("created"), ev("stock_changed", delta=-2))),
        total("69.93"),
    ], "Each call sees the ones before it; after the commit, everyone sees all of them."))
    cases.append(case("transactions/a_failed_call_rolls_everything_back", setup + [
        transaction([
            create(sku="B", stock=1, expect=P(sku="B")),
            adjust("$a", -2, P(stock=3), reason="sale"),
            adjust("$a", -9, E("INSUFFICIENT_STOCK", "stock"), reason="sale"),
            get("$a", E("INSUFFICIENT_STOCK", "stock")),
        ], E("INSUFFICIENT_STOCK", "stock")),
        get("$a", P(stock=5, version=1)),
        get_by_sku("B", E("NOT_FOUND")),
        history("$a", EVENTS(ev("created"))),
    ], "A call that fails ends the transaction: every later call, and the commit, answer its "
       "error, and nothing before it is written."))
    cases.append(case("transactions/a_rollback_writes_nothing", setup + [
        transaction([
            adjust("$a", -1, P(stock=4), reason="sale"),
            create_location("WH", "Warehouse", LOC(code="WH")),
        ], OK, rollback=True),
        get("$a", P(stock=5, version=1)),
        locations(["DEFAULT"]),
    ]))
    cases.append(case("transactions/finding_nothing_does_not_end_it", setup + [
        transaction([
            get_by_sku("NOPE", E("NOT_FOUND")),
            get(NO_SUCH_ID, E("NOT_FOUND")),
            adjust("$a", -1, P(stock=4), reason="sale"),
        ], OK),
        get("$a", P(stock=4)),
    ], "A read that finds nothing wrote nothing."))
    cases.append(case("transactions/keys_apply_each_call_once", setup + [
        transaction([
            adjust("$a", -2, P(stock=3), reason="sale", idempotency_key="order-7:1"),
            adjust("$a", -1, P(stock=2), reason="sale", idempotency_key="order-7:2"),
        ], OK),
        transaction([
            adjust("$a", -2, P(stock=3), reason="sale", idempotency_key="order-7:1"),
            adjust("$a", -1, P(stock=2), reason="sale", idempotency_key="order-7:2"),
            adjust("$a", 1, P(stock=3), reason="return"),
        ], OK),
        get("$a", P(stock=3)),
        transaction([
            adjust("$a", -1, E("IDEMPOTENCY_CONFLICT", "idempotency_key"), reason="sale",
                   idempotency_key="order-7:1"),
        ], E("IDEMPOTENCY_CONFLICT", "idempotency_key")),
        get("$a", P(stock=3)),
    ], "Keys are per call: a call made before with its key answers what it answered then "
       "(the product as it was), and a key reused for another call conflicts."))
    cases.append(case("transactions/places_and_holds_inside", setup + [
        transaction([
            create_location("WH", "Warehouse", LOC(code="WH")),
            transfer("$a", 2, "DEFAULT", "WH", P(stock=5)),
            reserve("$a", 1, H(status="active", location="WH"), save="h", location="WH"),
            commit_hold("$h", P(stock=4)),
            set_stock("$a", 7, P(stock=8), reason="count"),
        ], OK),
        stock_levels("$a", LEVELS(("DEFAULT", 7), ("WH", 1))),
        get_hold("$h", H(status="committed", committed=1)),
    ]))
    return cases
