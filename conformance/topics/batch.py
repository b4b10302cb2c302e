"""batch.json: adjustments, counts and transfers applied together, all or none"""

from steps import *  # noqa: F401,F403 (the vectors' vocabulary)


def batch_cases():
    cases = []
    setup = [
        create(sku="A", stock=5, save="a", expect=P(stock=5)),
        create(sku="B", stock=0, save="b", expect=P(stock=0)),
        create_location("WH", "Warehouse", LOC(code="WH")),
    ]
    cases.append(case("batch/all_apply_in_order", setup + [
        apply([m_adjust("$a", -1), m_count("$b", 12, location="WH"),
               m_transfer("$a", 2, "DEFAULT", "WH"), m_adjust("$a", 1, reason="return",
                                                             location="WH")],
              PRODUCTS(P(sku="A", stock=4, version=2), P(sku="B", stock=12, version=2),
                       P(sku="A", stock=4, version=3), P(sku="A", stock=5, version=4))),
        stock_levels("$a", LEVELS(("DEFAULT", 2), ("WH", 3))),
        stock_levels("$b", LEVELS(("WH", 12))),
    ], "Each movement sees the ones before it; the answer is the product after each."))
    cases.append(case("batch/a_bad_movement_is_named_and_nothing_applies", setup + [
        apply([m_adjust("$a", -1), m_adjust("$b", 0)], V("movements[1].delta")),
        apply([m_adjust("$a", -1), m_count("$b", -1)], V("movements[1].quantity")),
        apply([m_transfer("$a", 1, "WH", "wh")], V("movements[0].to_location")),
        apply([], V("movements")),
        get("$a", P(stock=5, version=1)),
    ]))
    cases.append(case("batch/a_failure_inside_undoes_the_rest", setup + [
        apply([m_adjust("$a", -1), m_count("$b", 1), m_adjust("$b", -5)],
              E("INSUFFICIENT_STOCK", "movements[2].stock")),
        apply([m_adjust("$a", -1), m_count("$b", 1, expected_stock=99)],
              E("VERSION_CONFLICT", "movements[1].stock")),
        apply([m_adjust("$a", -1), m_adjust(NO_SUCH_ID, 1)], E("NOT_FOUND")),
        apply([m_transfer("$a", 1, "WH", "NOWHERE")], E("NOT_FOUND")),
        get("$a", P(stock=5, version=1)),
        get("$b", P(stock=0, version=1)),
        history("$a", EVENTS(ev("created"))),
    ], "The movements before the failing one applied inside the transaction, and are undone."))
    return cases
