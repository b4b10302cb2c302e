"""holds.json: stock held for a cart or an order, committed or released once, expiring on time"""

from steps import *  # noqa: F401,F403 (the vectors' vocabulary)

# Every case of this topic runs on a manual clock that starts here and moves only by
# advance_clock steps.
T0 = "2030-01-01T00:00:00Z"


def holds_cases():
    cases = []

    def timed(name, steps, about=None):
        cases.append(case(name, steps, about, clock=T0))

    timed("holds/a_hold_reserves_and_a_commit_sells_part_of_it", [
        create(stock=5, save="p", expect=P(stock=5)),
        reserve("$p", 2, H(status="active", quantity=2, committed=0, location="DEFAULT",
                           reference="cart-1", expires_at="2030-01-01T00:15:00Z"),
                save="h", expires_in_seconds=900, reference="cart-1"),
        stock_levels("$p", FULL_LEVELS(("DEFAULT", 5, 2, 3, 0))),
        get("$p", P(stock=5, version=1)),
        adjust("$p", -4, E("INSUFFICIENT_STOCK", "stock"), reason="sale"),
        commit_hold("$h", P(stock=4, version=2), quantity=1, reference="order-1"),
        stock_levels("$p", FULL_LEVELS(("DEFAULT", 4, 0, 4, 0))),
        get_hold("$h", H(id="$h", status="committed", quantity=2, committed=1)),
        release_hold("$h", E("HOLD_CLOSED", "hold_id")),
        commit_hold("$h", E("HOLD_CLOSED", "hold_id")),
        history("$p", EVENTS(
            ev("created"),
            ev("hold_placed", location="DEFAULT", quantity=2, delta=None, reference="cart-1",
               hold=True),
            ev("hold_committed", location="DEFAULT", quantity=2, delta=-1, stock_before=5,
               stock_after=4, reason="sale", reference="order-1", hold=True))),
    ], "A commit of 1 of 2 sells 1 (a movement linked to the hold) and releases the other.")
    timed("holds/a_release_gives_it_all_back", [
        create(stock=3, save="p", expect=P(stock=3)),
        reserve("$p", 3, H(status="active", expires_at=None), save="h"),
        adjust("$p", -1, E("INSUFFICIENT_STOCK", "stock"), reason="sale"),
        release_hold("$h", H(id="$h", status="released", committed=0)),
        stock_levels("$p", FULL_LEVELS(("DEFAULT", 3, 0, 3, 0))),
        release_hold("$h", E("HOLD_CLOSED", "hold_id")),
        holds("$p", HOLDS()),
        holds("$p", HOLDS(H(id="$h", status="released")), status="all"),
        adjust("$p", -3, P(stock=0), reason="sale"),
    ])
    timed("holds/a_hold_expires_at_its_instant", [
        create(stock=4, save="p", expect=P(stock=4)),
        reserve("$p", 3, H(status="active"), save="h", expires_in_seconds=900),
        advance_clock(899.999),
        stock_levels("$p", FULL_LEVELS(("DEFAULT", 4, 3, 1, 0))),
        get_hold("$h", H(status="active")),
        advance_clock(0.001),
        stock_levels("$p", FULL_LEVELS(("DEFAULT", 4, 0, 4, 0))),
        get_hold("$h", H(status="expired")),
        commit_hold("$h", E("HOLD_EXPIRED", "hold_id")),
        release_hold("$h", E("HOLD_EXPIRED", "hold_id")),
        reserve("$p", 4, H(status="active"), save="h2"),
        release_hold("$h2", H(status="released")),
        expire_holds(0),
    ], "No job runs: at expires_at the hold stops counting, for every read and write (placing "
       "the next hold records the expiry).")
    timed("holds/expire_holds_records_the_holds_past_their_time", [
        create(stock=4, save="p", expect=P(stock=4)),
        reserve("$p", 1, H(status="active"), save="a", expires_in_seconds=60),
        reserve("$p", 1, H(status="active"), save="b", expires_in_seconds=120),
        reserve("$p", 1, H(status="active"), save="c"),
        advance_clock(60),
        expire_holds(1),
        expire_holds(0),
        holds("$p", HOLDS(H(id="$b"), H(id="$c"))),
        stock_levels("$p", FULL_LEVELS(("DEFAULT", 4, 2, 2, 0))),
        history("$p", EVENTS(ev("created"), ev("hold_placed"), ev("hold_placed"),
                             ev("hold_placed"), ev("hold_expired", quantity=1, hold=True))),
    ])
    timed("holds/an_absolute_expiry", [
        create(stock=2, save="p", expect=P(stock=2)),
        reserve("$p", 1, H(expires_at="2030-01-01T01:00:00Z"), save="h",
                expires_at="2030-01-01T01:00:00Z"),
        reserve("$p", 1, V("expires_at"), expires_at="2030-01-01T00:00:00Z"),
        reserve("$p", 1, V("expires_at"), expires_at="2029-12-31T23:59:59Z"),
        advance_clock(3600),
        get_hold("$h", H(status="expired")),
    ])
    timed("holds/a_count_below_the_holds_leaves_them_short", [
        create(stock=5, save="p", expect=P(stock=5)),
        reserve("$p", 4, H(status="active"), save="h"),
        set_stock("$p", 3, P(stock=3), reason="count"),
        stock_levels("$p", FULL_LEVELS(("DEFAULT", 3, 4, 0, 1))),
        commit_hold("$h", E("INSUFFICIENT_STOCK", "quantity")),
        commit_hold("$h", P(stock=0), quantity=3),
    ], "A count records what is physically there; a commit cannot take more than is on hand.")
    timed("holds/holds_are_per_location", [
        create(stock=5, save="p", expect=P(stock=5)),
        create_location("shop", "Shop", LOC(code="SHOP")),
        transfer("$p", 2, "DEFAULT", "SHOP", P(stock=5)),
        reserve("$p", 2, H(location="SHOP"), save="h", location="shop"),
        reserve("$p", 1, E("INSUFFICIENT_STOCK", "quantity"), location="SHOP"),
        transfer("$p", 1, "SHOP", "DEFAULT", E("INSUFFICIENT_STOCK", "stock")),
        stock_levels("$p", FULL_LEVELS(("DEFAULT", 3, 0, 3, 0), ("SHOP", 2, 2, 0, 0))),
        commit_hold("$h", P(stock=3)),
    ])
    timed("holds/bad_requests_change_nothing", [
        create(stock=5, save="p", expect=P(stock=5)),
        reserve("$p", 0, V("quantity")),
        reserve("$p", MAX_STOCK + 1, V("quantity")),
        reserve("$p", 6, E("INSUFFICIENT_STOCK", "quantity")),
        reserve("$p", 1, V("expires_in"), expires_in_seconds=0),
        reserve("$p", 1, V("expires_in"), expires_in_seconds=60,
                expires_at="2030-01-01T01:00:00Z"),
        reserve("$p", 1, V("location"), location=" "),
        reserve("$p", 1, E("NOT_FOUND"), location="NOPE"),
        reserve(NO_SUCH_ID, 1, E("NOT_FOUND")),
        commit_hold(NO_SUCH_ID, E("NOT_FOUND")),
        release_hold(NO_SUCH_ID, E("NOT_FOUND")),
        get_hold(NO_SUCH_ID, E("NOT_FOUND")),
        reserve("$p", 2, H(status="active"), save="h"),
        commit_hold("$h", V("quantity"), quantity=3),
        commit_hold("$h", V("quantity"), quantity=0),
        get_hold("$h", H(status="active")),
        history("$p", EVENTS(ev("created"), ev("hold_placed"))),
    ], "Each request breaks one rule; none of them writes anything.")
    timed("holds/a_negative_quantity_is_refused", [
        create(stock=5, save="p", expect=P(stock=5)),
        reserve("$p", -1, V("quantity")),
        stock_levels("$p", FULL_LEVELS(("DEFAULT", 5, 0, 5, 0))),
    ], "A binding whose quantity is unsigned (Kotlin's UInt) cannot pass it, and skips the case.")
    timed("holds/a_keyed_commit_repeats_its_answer", [
        create(stock=5, save="p", expect=P(stock=5)),
        reserve("$p", 2, H(status="active"), save="h", expires_in_seconds=900,
                idempotency_key="cart-1-line-1"),
        reserve("$p", 2, H(id="$h"), expires_in_seconds=900, idempotency_key="cart-1-line-1"),
        holds("$p", HOLDS(H(id="$h"))),
        commit_hold("$h", P(stock=3, version=2), idempotency_key="order-1"),
        commit_hold("$h", P(stock=3, version=2), idempotency_key="order-1"),
        commit_hold("$h", E("HOLD_CLOSED", "hold_id")),
        release_hold("$h", E("HOLD_CLOSED", "hold_id"), idempotency_key="order-2"),
    ], "A retry with the first request's key gets the first answer; any other resolution of the "
       "hold is refused.")
    timed("holds/deleting_a_product_closes_its_holds", [
        create(stock=5, save="p", expect=P(stock=5)),
        reserve("$p", 1, H(status="active"), save="a"),
        reserve("$p", 1, H(status="active"), save="b", expires_in_seconds=60),
        advance_clock(60),
        delete("$p"),
        holds("$p", HOLDS(H(id="$a", status="released"), H(id="$b", status="expired")),
              status="all"),
        commit_hold("$a", E("HOLD_CLOSED", "hold_id")),
    ])
    return cases
