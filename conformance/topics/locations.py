"""locations.json: locations, and stock kept per location"""

from steps import *  # noqa: F401,F403 (the vectors' vocabulary)


def locations_cases():
    cases = []
    cases.append(case("locations/default_exists", [locations(["DEFAULT"])],
                      "Every inventory has the location DEFAULT, where calls naming none move stock."))
    cases.append(case("locations/create_normalises_like_a_sku", [
        create_location(" wh-1 ", " Main warehouse ", LOC(code="WH-1", name="Main warehouse",
                                                          version=1)),
        create_location("straße", "Street", LOC(code="STRASSE")),
        locations(["DEFAULT", "STRASSE", "WH-1"]),
    ]))
    cases.append(case("locations/duplicate_code_after_normalising", [
        create_location("WH-1", "Main", LOC(code="WH-1")),
        create_location(" wh-1", "Again", V("code")),
        locations(["DEFAULT", "WH-1"]),
    ]))
    cases.append(case("locations/bad_codes_and_names", [
        create_location("", "Blank", V("code")),
        create_location("A B", "Inner space", V("code")),
        create_location("X" * 51, "Too long", V("code")),
        create_location("OK", "", V("name")),
        create_location("OK", "n" * 101, V("name")),
        create_location("X" * 50, "n" * 100, LOC(code="X" * 50)),
        locations(["DEFAULT", "X" * 50]),
    ]))
    cases.append(case("locations/delete_an_empty_one", [
        create_location("tmp", "Pop-up", LOC(code="TMP")),
        delete_location("tmp"),
        locations(["DEFAULT"]),
        delete_location("TMP", E("NOT_FOUND")),
    ]))
    cases.append(case("locations/default_cannot_be_deleted", [
        delete_location(" default ", V("code")),
        locations(["DEFAULT"]),
    ]))
    cases.append(case("locations/one_holding_stock_stays", [
        create(stock=5, save="p", expect=P(stock=5)),
        create_location("WH", "Warehouse", LOC(code="WH")),
        transfer("$p", 2, "DEFAULT", "WH", P(stock=5)),
        delete_location("WH", V("code")),
        transfer("$p", 2, "WH", "DEFAULT", P(stock=5)),
        delete_location("WH"),
        stock_levels("$p", LEVELS(("DEFAULT", 5))),
    ], "A location is deleted only when it holds nothing; its levels at 0 go with it."))
    cases.append(case("locations/stock_moves_per_location", [
        create(stock=5, save="p", expect=P(stock=5)),
        create_location("WH", "Warehouse", LOC(code="WH")),
        adjust("$p", 7, P(stock=12, version=2), location="wh"),
        stock_levels("$p", LEVELS(("DEFAULT", 5), ("WH", 7))),
        adjust("$p", -8, E("INSUFFICIENT_STOCK", "stock"), reason="sale", location="WH"),
        adjust("$p", -1, E("VERSION_CONFLICT", "stock"), reason="sale", location="WH",
               expected_stock=12),
        adjust("$p", -1, P(stock=11, version=3), reason="sale", location="WH",
               expected_stock=7),
        history("$p", EVENTS(
            ev("created", location="DEFAULT", delta=5, stock_before=0, stock_after=5),
            ev("stock_changed", location="WH", delta=7, stock_before=0, stock_after=7),
            ev("stock_changed", location="WH", delta=-1, stock_before=7, stock_after=6))),
        total("109.89"),
    ], "The product's stock is the sum of its levels; a sale at a location takes only what is "
       "there; an expected stock compares the level at the location."))
    cases.append(case("locations/unknown_location", [
        create(stock=5, save="p", expect=P(stock=5)),
        adjust("$p", 1, E("NOT_FOUND"), location="MOON"),
        set_stock("$p", 1, E("NOT_FOUND"), location="moon"),
        adjust("$p", 1, V("location"), location=" "),
        stock_levels("$p", LEVELS(("DEFAULT", 5))),
    ]))
    cases.append(case("locations/levels_of_products", [
        create(sku="EMPTY", stock=0, save="e", expect=P(stock=0)),
        stock_levels("$e", LEVELS()),
        create(sku="FULL", stock=3, save="f", expect=P(stock=3)),
        stock_levels("$f", LEVELS(("DEFAULT", 3))),
        delete("$f"),
        stock_levels("$f", E("NOT_FOUND")),
        stock_levels(NO_SUCH_ID, E("NOT_FOUND")),
        stock_levels("not-a-uuid", V("id")),
    ], "A product that never moved stock has no level; a deleted one has none left."))
    return cases
