"""idempotency.json: a request sent again with its idempotency key applies once"""

from steps import *  # noqa: F401,F403 (the vectors' vocabulary)


def idempotency_cases():
    cases = []
    cases.append(case("idempotency/a_retry_returns_the_first_answer", [
        create(stock=10, save="p", expect=P(stock=10)),
        adjust("$p", -2, P(stock=8, version=2), reason="sale", idempotency_key="sale-1"),
        adjust("$p", 5, P(stock=13, version=3)),
        adjust("$p", -2, P(stock=8, version=2), reason="sale", idempotency_key="sale-1"),
        get("$p", P(stock=13, version=3)),
        history("$p", EVENTS(
            ev("created", idempotency_key=None),
            ev("stock_changed", delta=-2, idempotency_key="sale-1"),
            ev("stock_changed", delta=5, idempotency_key=None))),
    ], "The repeat answers the product as the first call left it, and writes nothing."))
    cases.append(case("idempotency/the_key_for_another_request_conflicts", [
        create(stock=10, save="p", expect=P(stock=10)),
        adjust("$p", -2, P(stock=8), reason="sale", idempotency_key="k"),
        adjust("$p", -3, E("IDEMPOTENCY_CONFLICT", "idempotency_key"), reason="sale",
               idempotency_key="k"),
        adjust("$p", -2, E("IDEMPOTENCY_CONFLICT", "idempotency_key"), reason="damage",
               idempotency_key="k"),
        set_stock("$p", 1, E("IDEMPOTENCY_CONFLICT", "idempotency_key"), idempotency_key="k"),
        delete("$p", E("IDEMPOTENCY_CONFLICT", "idempotency_key"), idempotency_key="k"),
        get("$p", P(stock=8, version=2)),
    ]))
    cases.append(case("idempotency/every_mutation_takes_a_key", [
        create(sku="a-1", save="a", expect=P(sku="A-1", version=1), idempotency_key="new-a"),
        create(sku=" A-1 ", expect=P(id="$a", sku="A-1"), idempotency_key="new-a"),
        create(sku="B-1", expect=E("IDEMPOTENCY_CONFLICT", "idempotency_key"),
               idempotency_key="new-a"),
        update("$a", P(name="Renamed", version=2), name="Renamed", idempotency_key="ren"),
        update("$a", P(name="Renamed", version=2), name="Renamed", idempotency_key="ren"),
        create_location("wh", "Warehouse", LOC(code="WH", version=1), idempotency_key="loc"),
        create_location("WH", "Warehouse", LOC(code="WH", version=1), idempotency_key="loc"),
        adjust("$a", 4, P(stock=4, version=3), idempotency_key="in"),
        transfer("$a", 1, "DEFAULT", "WH", P(stock=4, version=4), idempotency_key="t"),
        transfer("$a", 1, "DEFAULT", "WH", P(stock=4, version=4), idempotency_key="t"),
        apply([m_adjust("$a", 1, reason="restock")], PRODUCTS(P(stock=5, version=5)),
              idempotency_key="batch"),
        apply([m_adjust("$a", 1, reason="restock")], PRODUCTS(P(stock=5, version=5)),
              idempotency_key="batch"),
        stock_levels("$a", LEVELS(("DEFAULT", 4), ("WH", 1))),
        delete("$a", idempotency_key="del"),
        delete("$a", idempotency_key="del"),
        get("$a", E("NOT_FOUND")),
    ], "The same request again (after the rules: ' A-1 ' is 'A-1') returns the first answer."))
    cases.append(case("idempotency/a_failed_request_stores_nothing", [
        create(stock=5, save="p", expect=P(stock=5)),
        adjust("$p", -100, E("INSUFFICIENT_STOCK", "stock"), reason="sale", idempotency_key="k"),
        adjust("$p", -1, P(stock=4), reason="sale", idempotency_key="k"),
        adjust("$p", -1, P(stock=4), reason="sale", idempotency_key="k"),
    ], "A request that failed changed nothing, so its key is free for the retry."))
    cases.append(case("idempotency/bad_keys", [
        create(stock=5, save="p", expect=P(stock=5)),
        adjust("$p", 1, V("idempotency_key"), idempotency_key=""),
        adjust("$p", 1, V("idempotency_key"), idempotency_key="k" * 256),
        adjust("$p", 1, V("idempotency_key"), idempotency_key="a\nb"),
        adjust("$p", 1, P(stock=6), idempotency_key="k" * 255),
        adjust("$p", 1, P(stock=7), idempotency_key=" k"),
        adjust("$p", 1, P(stock=8), idempotency_key="k"),
    ], "Keys are 1 to 255 characters with no control characters, compared exactly."))
    return cases
