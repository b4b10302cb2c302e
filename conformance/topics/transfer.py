"""transfer.json: counts at a location, and transfers between locations"""

from steps import *  # noqa: F401,F403 (the vectors' vocabulary)


def transfer_cases():
    cases = []
    cases.append(case("transfer/count_at_a_location", [
        create(stock=10, save="p", expect=P(stock=10)),
        create_location("SHOP", "Shop", LOC(code="SHOP")),
        set_stock("$p", 3, P(stock=13, version=2), reason="count", location="shop"),
        set_stock("$p", 4, P(stock=7, version=3), reason="count", expected_stock=10),
        set_stock("$p", 1, E("VERSION_CONFLICT", "stock"), reason="count", location="SHOP",
                  expected_stock=4),
        history("$p", EVENTS(
            ev("created"),
            ev("counted", location="SHOP", delta=3, stock_before=0, stock_after=3,
               reason="count"),
            ev("counted", location="DEFAULT", delta=-6, stock_before=10, stock_after=4))),
    ], "A count records what was counted (stock_after) and the difference from the level the "
       "store had (delta)."))
    cases.append(case("transfer/count_past_the_maximum_total", [
        create(stock=MAX_STOCK, save="p", expect=P(stock=MAX_STOCK)),
        create_location("WH", "Warehouse", LOC(code="WH")),
        set_stock("$p", 1, E("STOCK_OVERFLOW", "stock"), location="WH"),
    ], "The product's total stays within 0..2147483647 whatever the location."))
    cases.append(case("transfer/moves_in_one_write", [
        create(stock=5, save="p", expect=P(stock=5, version=1)),
        create_location("VAN", "Van", LOC(code="VAN")),
        transfer("$p", 3, "default", "van", P(stock=5, version=2), reference="t-9"),
        stock_levels("$p", LEVELS(("DEFAULT", 2), ("VAN", 3))),
        history("$p", EVENTS(
            ev("created"),
            ev("transferred", location="DEFAULT", delta=-3, stock_before=5, stock_after=2,
               reason="transfer", reference="t-9", linked=True),
            ev("transferred", location="VAN", delta=3, stock_before=0, stock_after=3,
               reason="transfer", reference="t-9", linked=True))),
        total("49.95"),
    ], "Two events share a transfer_id; the product's stock does not change, its version moves "
       "once."))
    cases.append(case("transfer/never_takes_the_source_below_zero", [
        create(stock=2, save="p", expect=P(stock=2)),
        create_location("VAN", "Van", LOC(code="VAN")),
        transfer("$p", 3, "DEFAULT", "VAN", E("INSUFFICIENT_STOCK", "stock")),
        transfer("$p", 1, "DEFAULT", "VAN", E("VERSION_CONFLICT", "stock"), expected_stock=1),
        stock_levels("$p", LEVELS(("DEFAULT", 2))),
        history("$p", EVENTS(ev("created"))),
    ]))
    cases.append(case("transfer/bad_inputs", [
        create(stock=5, save="p", expect=P(stock=5)),
        create_location("VAN", "Van", LOC(code="VAN")),
        transfer("$p", 0, "DEFAULT", "VAN", V("quantity")),
        transfer("$p", -1, "DEFAULT", "VAN", V("quantity")),
        transfer("$p", 1, "VAN", " van ", V("to_location")),
        transfer("$p", 1, "", "VAN", V("from_location")),
        transfer("$p", 1, "DEFAULT", "A B", V("to_location")),
        transfer("$p", 1, "DEFAULT", "NOWHERE", E("NOT_FOUND")),
        transfer(NO_SUCH_ID, 1, "DEFAULT", "VAN", E("NOT_FOUND")),
        history("$p", EVENTS(ev("created"))),
    ]))
    return cases
