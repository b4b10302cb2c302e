"""stock.json: limits of stock and of stock movements"""

from steps import *  # noqa: F401,F403 (the vectors' vocabulary)


def stock_cases():
    cases = []

    cases.append(case("stock/defaults_to_zero", [
        create(save="p", expect=P(stock=0, version=1)),
        history("$p", EVENTS(ev("created", delta=0, stock_before=0, stock_after=0,
                                reason="initial"))),
    ]))
    for slug, n in [("zero", 0), ("one", 1), ("maximum", MAX_STOCK)]:
        cases.append(case(f"stock/create_with_{slug}", [
            create(stock=n, save="p", expect=P(stock=n)),
            get("$p", P(stock=n)),
        ]))
    for slug, n in [("maximum_plus_one", MAX_STOCK + 1), ("minus_one", -1),
                    ("minimum_int32", -(2**31)), ("far_above_maximum", 2**40)]:
        cases.append(case(f"stock/create_with_{slug}_refused", [
            create(stock=n, expect=V("stock")),
            list_(PAGE([], 0)),
        ]))

    def moves(slug, start, delta, expect_after=None, error=None, about=None):
        steps = [create(stock=start, save="p", expect=P(stock=start, version=1))]
        if error:
            steps += [adjust("$p", delta, E(error) if error != "VALIDATION" else V("delta")),
                      get("$p", P(stock=start, version=1)),
                      history("$p", EVENTS(ev("created", delta=start)))]
        else:
            steps += [adjust("$p", delta, P(stock=expect_after, version=2)),
                      get("$p", P(stock=expect_after, version=2))]
        cases.append(case(f"stock/{slug}", steps, about))

    moves("sell_some", 10, -3, 7)
    moves("sell_to_exactly_zero", 10, -10, 0)
    moves("sell_one_more_than_stock", 10, -11, error="INSUFFICIENT_STOCK")
    moves("sell_from_zero", 0, -1, error="INSUFFICIENT_STOCK")
    moves("sell_minimum_int32", 5, -(2**31), error="INSUFFICIENT_STOCK")
    moves("sell_minimum_int64", 5, -(2**63), error="INSUFFICIENT_STOCK")
    moves("restock_some", 10, 5, 15)
    moves("restock_to_exactly_maximum", 10, MAX_STOCK - 10, MAX_STOCK)
    moves("restock_one_past_maximum", 10, MAX_STOCK - 9, error="STOCK_OVERFLOW")
    moves("restock_one_at_maximum", MAX_STOCK, 1, error="STOCK_OVERFLOW")
    moves("restock_from_zero_to_maximum", 0, MAX_STOCK, MAX_STOCK)
    moves("restock_by_two_to_the_31", 0, 2**31, error="STOCK_OVERFLOW")
    moves("restock_by_largest_safe_integer", 1, JS_SAFE, error="STOCK_OVERFLOW")
    moves("restock_by_maximum_int64", 1, 2**63 - 1, error="STOCK_OVERFLOW",
          about="the sum of stock and delta does not fit in 64 bits; still a clean error")
    moves("zero_delta_refused", 10, 0, error="VALIDATION",
          about="a movement of nothing is a mistake; use set_stock to record a count")

    cases.append(case("stock/many_moves_sum_up", [
        create(stock=5, save="p", expect=P(stock=5)),
        adjust("$p", 3, P(stock=8, version=2), reason="restock"),
        adjust("$p", -8, P(stock=0, version=3), reason="sale"),
        adjust("$p", -1, E("INSUFFICIENT_STOCK"), reason="sale"),
        adjust("$p", 2, P(stock=2, version=4), reason="return"),
        get("$p", P(stock=2, version=4)),
        total("19.98"),
    ]))

    def sets(slug, start, quantity, error=None, about=None):
        steps = [create(stock=start, save="p", expect=P(stock=start, version=1))]
        if error:
            steps += [set_stock("$p", quantity, V(error)),
                      get("$p", P(stock=start, version=1)),
                      history("$p", EVENTS(ev("created", delta=start)))]
        else:
            steps += [set_stock("$p", quantity, P(stock=quantity, version=2)),
                      history("$p", EVENTS(
                          ev("created", delta=start),
                          ev("counted", delta=quantity - start, stock_before=start,
                             stock_after=quantity, reason="correction")))]
        cases.append(case(f"stock/{slug}", steps, about))

    sets("set_lower", 10, 4)
    sets("set_higher", 10, 25)
    sets("set_to_zero", 10, 0)
    sets("set_to_maximum", 0, MAX_STOCK)
    sets("set_to_same_is_recorded", 7, 7,
         about="a count that matches is a movement of 0, recorded, and a new version")
    sets("set_to_maximum_plus_one_refused", 10, MAX_STOCK + 1, "quantity")
    sets("set_to_minus_one_refused", 10, -1, "quantity")

    for op in ("adjust_stock", "set_stock"):
        mk = (lambda i, e: adjust(i, 1, e)) if op == "adjust_stock" else \
            (lambda i, e: set_stock(i, 1, e))
        cases.append(case(f"stock/{op}_unknown_id", [
            create(expect=P(stock=0)),
            mk(NO_SUCH_ID, E("NOT_FOUND")),
        ]))
        cases.append(case(f"stock/{op}_malformed_id", [
            mk("not-a-uuid", V("id")),
        ]))
    return cases
