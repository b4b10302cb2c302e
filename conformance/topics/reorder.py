"""reorder.json: reorder points per location, and listing what is due"""

from steps import *  # noqa: F401,F403 (the vectors' vocabulary)


def reorder_cases():
    cases = []
    cases.append(case("reorder/due_at_the_default_location", [
        create(sku="A", stock=5, save="a", expect=P(stock=5)),
        create(sku="B", stock=6, save="b", expect=P(stock=6)),
        set_reorder_point("$a", 5, LEVEL("DEFAULT", 5, 5)),
        set_reorder_point("$b", 5, LEVEL("DEFAULT", 6, 5)),
        list_(PAGE(["A"], 1), below_reorder_point=True),
        adjust("$b", -1, P(stock=5), reason="sale"),
        list_(PAGE(["A", "B"], 2), below_reorder_point=True, order_by="sku"),
        set_reorder_point("$a", None, LEVEL("DEFAULT", 5, None)),
        list_(PAGE(["B"], 1), below_reorder_point=True),
        stock_levels("$a", LEVELS(("DEFAULT", 5, None))),
    ]))
    cases.append(case("reorder/at_a_location_or_summed", [
        create(sku="A", stock=20, save="a", expect=P(stock=20)),
        create(sku="C", stock=0, save="c", expect=P(stock=0)),
        create_location("WH", "Warehouse", LOC(code="WH")),
        transfer("$a", 15, "DEFAULT", "WH", P(stock=20)),
        set_reorder_point("$a", 10, LEVEL("WH", 15, 10), location="wh"),
        set_reorder_point("$a", 4, LEVEL("DEFAULT", 5, 4)),
        list_(PAGE([], 0), below_reorder_point=True),
        list_(PAGE([], 0), below_reorder_point=True, location="WH"),
        adjust("$a", -6, P(stock=14), reason="sale", location="WH"),
        list_(PAGE(["A"], 1), below_reorder_point=True, location="WH"),
        list_(PAGE(["A"], 1), below_reorder_point=True),
        list_(PAGE([], 0), below_reorder_point=True, location="DEFAULT"),
        stock_levels("$a", LEVELS(("DEFAULT", 5, 4), ("WH", 9, 10))),
    ], "Summed: the stock at or below the sum of the reorder points (A: 14 <= 10 + 4); a "
       "product with none (C) is never due."))
    cases.append(case("reorder/bad_input", [
        create(stock=5, save="p", expect=P(stock=5)),
        set_reorder_point("$p", -1, V("reorder_point")),
        set_reorder_point("$p", MAX_STOCK + 1, V("reorder_point")),
        set_reorder_point("$p", 1, E("NOT_FOUND"), location="NOWHERE"),
        set_reorder_point(NO_SUCH_ID, 1, E("NOT_FOUND")),
        list_(V("location"), location="DEFAULT"),
        list_(V("location"), below_reorder_point=True, location=""),
    ]))
    return cases
