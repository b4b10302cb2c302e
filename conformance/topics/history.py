"""history.json"""

from steps import *  # noqa: F401,F403 (the vectors' vocabulary)


def history_cases():
    cases = []
    cases.append(case("history/created_with_stock", [
        create(sku="ab-1", stock=10, save="p", expect=P(stock=10)),
        history("$p", EVENTS(ev("created", sku="AB-1", delta=10, stock_before=0,
                                stock_after=10, reason="initial", reference=None, actor=None,
                                changes=[]))),
    ]))
    cases.append(case("history/whole_life", [
        create(name="Widget", sku="AB-1", price="9.99", stock=10, save="p", expect=P()),
        adjust("$p", -3, P(stock=7), reason="sale", reference="order-1"),
        update("$p", P(name="Widget v2"), name="Widget v2"),
        set_stock("$p", 9, P(stock=9), reason="correction"),
        adjust("$p", 1, P(stock=10), reason="return"),
        delete("$p"),
        history("$p", EVENTS(
            ev("created", delta=10, stock_before=0, stock_after=10, reason="initial"),
            ev("stock_changed", delta=-3, stock_before=10, stock_after=7, reason="sale",
               reference="order-1"),
            ev("updated", delta=None, stock_before=None, stock_after=None, reason=None,
               changes=[{"field": "name", "before": "Widget", "after": "Widget v2"}]),
            ev("counted", delta=2, stock_before=7, stock_after=9, reason="correction"),
            ev("stock_changed", delta=1, stock_before=9, stock_after=10, reason="return"),
            ev("deleted", delta=None, stock_before=10, stock_after=None, reason=None),
        )),
    ]))
    cases.append(case("history/failed_operations_leave_no_event", [
        create(stock=2, save="p", expect=P(stock=2)),
        create(name="Other", sku="ab-1", expect=E("DUPLICATE_SKU")),
        adjust("$p", -3, E("INSUFFICIENT_STOCK"), reason="sale"),
        adjust("$p", MAX_STOCK, E("STOCK_OVERFLOW")),
        adjust("$p", 0, V("delta")),
        adjust("$p", 1, V("reason"), reason=" "),
        set_stock("$p", MAX_STOCK + 1, V("quantity")),
        set_stock("$p", 1, E("VERSION_CONFLICT", "stock"), expected_stock=5),
        update("$p", V("name"), name=""),
        update("$p", E("VERSION_CONFLICT", "version"), name="x", expected_version=9),
        history("$p", EVENTS(ev("created", delta=2))),
    ]))
    cases.append(case("history/no_change_leaves_no_event", [
        create(save="p", expect=P(version=1)),
        update("$p", P(version=1), name="Widget", price="9.99"),
        update("$p", P(version=1)),
        history("$p", EVENTS(ev("created"))),
    ]))
    cases.append(case("history/sku_change_recorded_under_old_sku", [
        create(sku="AB-1", save="p", expect=P(sku="AB-1")),
        update("$p", P(sku="CD-2"), sku="cd-2"),
        adjust("$p", 1, P(stock=1)),
        history("$p", EVENTS(
            ev("created", sku="AB-1"),
            ev("updated", sku="AB-1", changes=[{"field": "sku", "before": "AB-1",
                                                "after": "CD-2"}]),
            ev("stock_changed", sku="CD-2", delta=1))),
    ], "an update event carries the SKU the product had before it"))
    cases.append(case("history/price_change_as_text", [
        create(price="9.9", save="p", expect=P(price="9.90")),
        update("$p", P(price="12.00"), price="12"),
        update("$p", P(price=MAX_PRICE), price=MAX_PRICE),
        history("$p", EVENTS(
            ev("created"),
            ev("updated", changes=[{"field": "price", "before": "9.90", "after": "12.00"}]),
            ev("updated", changes=[{"field": "price", "before": "12.00",
                                    "after": MAX_PRICE}]))),
    ]))
    cases.append(case("history/set_stock_to_same_value", [
        create(stock=4, save="p", expect=P(stock=4, version=1)),
        set_stock("$p", 4, P(stock=4, version=2), reason="Cycle Count"),
        history("$p", EVENTS(
            ev("created", delta=4),
            ev("counted", delta=0, stock_before=4, stock_after=4,
               reason="Cycle Count"))),
    ]))
    cases.append(case("history/unknown_id", [
        create(expect=P(version=1)),
        history(NO_SUCH_ID, E("NOT_FOUND")),
    ]))
    cases.append(case("history/malformed_id", [
        history("zzzz", V("id")),
    ]))
    cases.append(case("history/separate_per_product", [
        create(sku="A", stock=1, save="a", expect=P(sku="A")),
        create(sku="B", stock=2, save="b", expect=P(sku="B")),
        adjust("$a", 5, P(stock=6)),
        adjust("$b", -2, P(stock=0), reason="sale"),
        history("$a", EVENTS(ev("created", delta=1, sku="A"),
                             ev("stock_changed", delta=5, sku="A"))),
        history("$b", EVENTS(ev("created", delta=2, sku="B"),
                             ev("stock_changed", delta=-2, sku="B"))),
    ]))
    cases.append(case("history/movements_at_the_limits", [
        create(stock=0, save="p", expect=P(stock=0)),
        adjust("$p", MAX_STOCK, P(stock=MAX_STOCK)),
        adjust("$p", -MAX_STOCK, P(stock=0), reason="damage"),
        set_stock("$p", MAX_STOCK, P(stock=MAX_STOCK)),
        history("$p", EVENTS(
            ev("created", delta=0),
            ev("stock_changed", delta=MAX_STOCK, stock_before=0, stock_after=MAX_STOCK),
            ev("stock_changed", delta=-MAX_STOCK, stock_before=MAX_STOCK, stock_after=0,
               reason="damage"),
            ev("counted", delta=MAX_STOCK, stock_before=0, stock_after=MAX_STOCK))),
    ]))
    cases.append(case("history/reused_sku_keeps_histories_apart", [
        create(name="Old", sku="AB-1", stock=1, save="old", expect=P(sku="AB-1")),
        adjust("$old", -1, P(stock=0), reason="sale"),
        delete("$old"),
        create(name="New", sku="AB-1", stock=9, save="new", expect=P(sku="AB-1")),
        history("$old", EVENTS(ev("created", delta=1), ev("stock_changed", delta=-1),
                               ev("deleted", stock_before=0))),
        history("$new", EVENTS(ev("created", delta=9))),
    ]))
    return cases
