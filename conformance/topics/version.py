"""version.json: every write moves the version; optimistic concurrency"""

from steps import *  # noqa: F401,F403 (the vectors' vocabulary)


def version_cases():
    cases = []
    cases.append(case("version/every_write_moves_it", [
        create(save="p", expect=P(version=1)),
        adjust("$p", 5, P(version=2)),
        set_stock("$p", 5, P(version=3)),
        update("$p", P(version=4), name="Other"),
        adjust("$p", -5, P(version=5), reason="sale"),
        get("$p", P(version=5, stock=0)),
    ]))
    cases.append(case("version/failed_writes_do_not_move_it", [
        create(stock=1, save="p", expect=P(version=1)),
        adjust("$p", -2, E("INSUFFICIENT_STOCK")),
        adjust("$p", MAX_STOCK, E("STOCK_OVERFLOW")),
        update("$p", V("price"), price="0"),
        set_stock("$p", MAX_STOCK + 1, V("quantity")),
        get("$p", P(version=1, stock=1)),
    ]))
    cases.append(case("version/update_with_current_version", [
        create(save="p", expect=P(version=1)),
        update("$p", P(name="New", version=2), name="New", expected_version=1),
    ]))
    cases.append(case("version/update_with_stale_version", [
        create(name="Old", save="p", expect=P(version=1)),
        update("$p", P(version=2), name="Theirs"),
        update("$p", E("VERSION_CONFLICT", "version"), name="Mine", expected_version=1),
        get("$p", P(name="Theirs", version=2)),
    ]))
    cases.append(case("version/update_with_future_version", [
        create(save="p", expect=P(version=1)),
        update("$p", E("VERSION_CONFLICT", "version"), name="New", expected_version=5),
        get("$p", P(name="Widget", version=1)),
    ]))
    cases.append(case("version/stock_move_makes_version_stale", [
        create(stock=5, save="p", expect=P(version=1)),
        adjust("$p", -1, P(version=2), reason="sale"),
        update("$p", E("VERSION_CONFLICT", "version"), price="1.00", expected_version=1),
        get("$p", P(price="9.99", version=2)),
    ]))
    cases.append(case("version/reload_and_retry", [
        create(name="Widget", save="p", expect=P(version=1)),
        update("$p", P(version=2), price="5.00", expected_version=1),
        update("$p", E("VERSION_CONFLICT", "version"), name="Mine", expected_version=1),
        get("$p", P(version=2)),
        update("$p", P(name="Mine", price="5.00", version=3), name="Mine", expected_version=2),
    ]))
    cases.append(case("version/no_change_with_current_version", [
        create(save="p", expect=P(version=1)),
        update("$p", P(version=1), name="Widget", expected_version=1),
    ]))
    cases.append(case("version/no_change_with_stale_version", [
        create(save="p", expect=P(version=1)),
        update("$p", P(version=2), name="Other"),
        update("$p", E("VERSION_CONFLICT", "version"), name="Other", expected_version=1),
    ], "the version is checked before anything else, even when nothing would change"))
    cases.append(case("version/adjust_with_expected_stock", [
        create(stock=10, save="p", expect=P(version=1)),
        adjust("$p", -3, P(stock=7, version=2), reason="sale", expected_stock=10),
    ]))
    cases.append(case("version/adjust_with_stale_stock", [
        create(stock=10, save="p", expect=P(version=1)),
        adjust("$p", -1, P(stock=9), reason="sale"),
        adjust("$p", -3, E("VERSION_CONFLICT", "stock"), reason="sale", expected_stock=10),
        get("$p", P(stock=9, version=2)),
    ]))
    cases.append(case("version/set_with_expected_stock", [
        create(stock=10, save="p", expect=P(version=1)),
        set_stock("$p", 8, P(stock=8, version=2), expected_stock=10),
    ]))
    cases.append(case("version/set_with_stale_stock", [
        create(stock=10, save="p", expect=P(version=1)),
        adjust("$p", -2, P(stock=8), reason="sale"),
        set_stock("$p", 12, E("VERSION_CONFLICT", "stock"), expected_stock=10),
        get("$p", P(stock=8, version=2)),
        history("$p", EVENTS(ev("created"), ev("stock_changed", delta=-2))),
    ]))
    cases.append(case("version/expected_stock_zero", [
        create(stock=0, save="p", expect=P(version=1)),
        adjust("$p", 4, P(stock=4), expected_stock=0),
        adjust("$p", 4, E("VERSION_CONFLICT", "stock"), expected_stock=0),
    ]))
    cases.append(case("version/name_update_does_not_conflict_with_stock_expectation", [
        create(stock=10, save="p", expect=P(version=1)),
        update("$p", P(version=2), name="Renamed"),
        adjust("$p", -1, P(stock=9, version=3), reason="sale", expected_stock=10),
    ], "expected_stock compares stock, not the version"))
    return cases
