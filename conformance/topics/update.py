"""update.json"""

from steps import *  # noqa: F401,F403 (the vectors' vocabulary)


def update_cases():
    cases = []

    cases.append(case("update/name_only", [
        create(name="Widget", sku="AB-1", price="9.99", stock=3, save="p", expect=P(version=1)),
        update("$p", P(name="Gadget", sku="AB-1", price="9.99", stock=3, version=2),
               name="Gadget"),
    ]))
    cases.append(case("update/sku_only_normalised", [
        create(name="Widget", sku="AB-1", save="p", expect=P(version=1)),
        update("$p", P(name="Widget", sku="CD-2", version=2), sku=" cd-2 "),
        get_by_sku("CD-2", P(id="$p")),
        get_by_sku("AB-1", E("NOT_FOUND")),
    ]))
    cases.append(case("update/price_only", [
        create(price="9.99", stock=2, save="p", expect=P(version=1)),
        update("$p", P(price="12.50", stock=2, version=2), price="12.5"),
        total("25.00"),
    ]))
    cases.append(case("update/all_fields_one_version", [
        create(name="Widget", sku="AB-1", price="9.99", save="p", expect=P(version=1)),
        update("$p", P(name="Gadget", sku="GA-1", price="1.00", version=2),
               name="Gadget", sku="ga-1", price="1"),
        history("$p", EVENTS(ev("created"), ev("updated", changes=[
            {"field": "name", "before": "Widget", "after": "Gadget"},
            {"field": "sku", "before": "AB-1", "after": "GA-1"},
            {"field": "price", "before": "9.99", "after": "1.00"},
        ]))),
    ]))
    cases.append(case("update/empty_patch_is_no_change", [
        create(save="p", expect=P(version=1)),
        update("$p", P(name="Widget", sku="AB-1", version=1)),
        history("$p", EVENTS(ev("created"))),
    ]))
    cases.append(case("update/same_values_are_no_change", [
        create(name="Widget", sku="AB-1", price="9.99", save="p", expect=P(version=1)),
        update("$p", P(version=1), name="Widget", sku="ab-1", price="9.99"),
        history("$p", EVENTS(ev("created"))),
    ]))
    cases.append(case("update/only_changed_fields_recorded", [
        create(name="Widget", sku="AB-1", price="9.99", save="p", expect=P(version=1)),
        update("$p", P(name="Widget", price="5.00", version=2), name="Widget", sku="AB-1",
               price="5"),
        history("$p", EVENTS(ev("created"), ev("updated", changes=[
            {"field": "price", "before": "9.99", "after": "5.00"}]))),
    ]))
    cases.append(case("update/does_not_touch_stock", [
        create(stock=7, save="p", expect=P(stock=7)),
        update("$p", P(stock=7, version=2), name="Other"),
    ]))
    cases.append(case("update/stock_is_a_correction_after_the_fields", [
        create(name="Widget", stock=7, save="p", expect=P(stock=7, version=1)),
        update("$p", P(name="Gadget", stock=3, version=3), name="Gadget", stock=3,
               expected_version=1),
        history("$p", EVENTS(ev("created"), ev("updated", changes=[
            {"field": "name", "before": "Widget", "after": "Gadget"}]),
            ev("stock_changed", delta=-4, stock_before=7, stock_after=3, reason="correction"))),
    ], "fields and stock commit together: one call, one transaction, two events"))
    cases.append(case("update/stock_only", [
        create(stock=2, save="p", expect=P(stock=2)),
        update("$p", P(stock=10, version=2), stock=10),
        history("$p", EVENTS(ev("created"), ev("stock_changed", delta=8, reason="correction"))),
    ]))
    cases.append(case("update/same_stock_is_no_change", [
        create(stock=5, save="p", expect=P(stock=5)),
        update("$p", P(stock=5, version=1), stock=5),
        history("$p", EVENTS(ev("created"))),
    ], "an edit to the same stock is not a count: it writes nothing"))
    cases.append(case("update/bad_stock_changes_nothing", [
        create(name="Widget", stock=5, save="p", expect=P(stock=5)),
        update("$p", V("stock"), name="Gadget", stock=MAX_STOCK + 1),
        get("$p", P(name="Widget", stock=5, version=1)),
    ], "the stock's rule is checked before anything is written"))
    cases.append(case("update/stale_version_moves_no_stock", [
        create(stock=5, save="p", expect=P(stock=5)),
        update("$p", E("VERSION_CONFLICT", "version"), stock=1, expected_version=9),
        get("$p", P(stock=5, version=1)),
    ]))
    cases.append(case("update/unknown_id", [
        create(expect=P(version=1)),
        update(NO_SUCH_ID, E("NOT_FOUND"), name="x"),
    ]))
    cases.append(case("update/malformed_id", [
        update("12345", V("id"), name="x"),
    ]))
    cases.append(case("update/deleted_product", [
        create(save="p", expect=P(version=1)),
        delete("$p"),
        update("$p", E("NOT_FOUND"), name="x"),
    ]))
    cases.append(case("update/bad_sku_refused", [
        create(sku="AB-1", save="p", expect=P(version=1)),
        update("$p", V("sku"), sku="AB 1"),
        update("$p", V("sku"), sku="A" * 51),
        update("$p", V("sku"), sku=" "),
        get("$p", P(sku="AB-1", version=1)),
    ]))
    cases.append(case("update/several_in_a_row", [
        create(name="v1", save="p", expect=P(version=1)),
        update("$p", P(name="v2", version=2), name="v2"),
        update("$p", P(name="v3", version=3), name="v3"),
        update("$p", P(name="v4", version=4), name="v4"),
        history("$p", EVENTS(ev("created"),
                             ev("updated", changes=[{"field": "name", "before": "v1",
                                                     "after": "v2"}]),
                             ev("updated", changes=[{"field": "name", "before": "v2",
                                                     "after": "v3"}]),
                             ev("updated", changes=[{"field": "name", "before": "v3",
                                                     "after": "v4"}]))),
    ]))
    return cases
