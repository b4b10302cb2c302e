"""delete.json"""

from steps import *  # noqa: F401,F403 (the vectors' vocabulary)


def delete_cases():
    cases = []
    cases.append(case("delete/then_get", [
        create(sku="AB-1", save="p", expect=P(version=1)),
        delete("$p"),
        get("$p", E("NOT_FOUND")),
        get_by_sku("AB-1", E("NOT_FOUND")),
    ]))
    cases.append(case("delete/twice", [
        create(save="p", expect=P(version=1)),
        delete("$p"),
        delete("$p", E("NOT_FOUND")),
    ]))
    cases.append(case("delete/unknown_id", [
        create(expect=P(version=1)),
        delete(NO_SUCH_ID, E("NOT_FOUND")),
        list_(PAGE(["AB-1"], 1)),
    ]))
    cases.append(case("delete/malformed_id", [
        delete("AB-1", V("id")),
    ]))
    cases.append(case("delete/removes_from_list_and_value", [
        create(sku="A", price="1.00", stock=1, save="a", expect=P(sku="A")),
        create(sku="B", price="2.00", stock=2, save="b", expect=P(sku="B")),
        create(sku="C", price="3.00", stock=3, save="c", expect=P(sku="C")),
        total("14.00"),
        delete("$b"),
        list_(PAGE(["A", "C"], 2), order_by="sku"),
        total("10.00"),
    ]))
    cases.append(case("delete/product_with_stock", [
        create(stock=7, save="p", expect=P(stock=7)),
        delete("$p"),
        history("$p", EVENTS(
            ev("created", delta=7, stock_before=0, stock_after=7),
            ev("deleted", delta=None, stock_before=7, reason=None))),
        total("0.00"),
    ], "the deleted event says what stock left; it is not a movement (delta null)"))
    cases.append(case("delete/no_writes_afterwards", [
        create(stock=7, save="p", expect=P(stock=7)),
        delete("$p"),
        adjust("$p", 1, E("NOT_FOUND")),
        set_stock("$p", 1, E("NOT_FOUND")),
        update("$p", E("NOT_FOUND"), price="1.00"),
        history("$p", EVENTS(ev("created"), ev("deleted"))),
    ]))
    cases.append(case("delete/others_untouched", [
        create(sku="A", stock=1, save="a", expect=P(sku="A")),
        create(sku="B", stock=2, save="b", expect=P(sku="B")),
        delete("$a"),
        get("$b", P(sku="B", stock=2, version=1)),
        history("$b", EVENTS(ev("created", delta=2))),
    ]))
    return cases
