"""movement.json: why, who and what for"""

from steps import *  # noqa: F401,F403 (the vectors' vocabulary)


def movement_cases():
    cases = []

    def reason(slug, raw, stored, about=None):
        cases.append(case(f"movement/{slug}", [
            create(stock=5, save="p", expect=P(stock=5)),
            adjust("$p", -1, P(stock=4), reason=raw),
            history("$p", EVENTS(ev("created", reason="initial"),
                                 ev("stock_changed", delta=-1, reason=stored))),
        ], about))

    reason("known_reason", "sale", "sale")
    reason("known_reason_any_case", "SALE", "sale", "the well-known reasons have one spelling")
    reason("known_reason_trimmed", "  Restock\t", "restock")
    reason("known_reason_return", "Return", "return")
    reason("known_reason_damage", "DAMAGE", "damage")
    reason("own_reason_kept_as_typed", "Cycle Count", "Cycle Count",
           "a caller's own word is kept as typed (trimmed)")
    reason("own_reason_unicode", " Inventur ü ", "Inventur ü")
    reason("reason_fifty_characters", "r" * 50, "r" * 50)
    reason("reason_fifty_accented", "é" * 50, "é" * 50)

    def bad_reason(slug, raw, about=None):
        cases.append(case(f"movement/{slug}", [
            create(stock=5, save="p", expect=P(stock=5)),
            adjust("$p", -1, V("reason"), reason=raw),
            set_stock("$p", 1, V("reason"), reason=raw),
            get("$p", P(stock=5, version=1)),
            history("$p", EVENTS(ev("created"))),
        ], about))

    bad_reason("reason_empty", "")
    bad_reason("reason_blank", "  \t ")
    bad_reason("reason_fifty_one", "r" * 51)
    bad_reason("reason_with_control_character", "sa\u0007le")
    bad_reason("reason_with_newline", "sale\nrefund")

    cases.append(case("movement/reference_and_actor_recorded", [
        create(stock=5, save="p", expect=P(stock=5)),
        adjust("$p", -2, P(stock=3), reason="sale", reference="order-42", actor="till-1"),
        set_stock("$p", 10, P(stock=10), reason="restock", reference=" delivery-7 ",
                  actor=" ana "),
        history("$p", EVENTS(
            ev("created", reference=None, actor=None),
            ev("stock_changed", delta=-2, reason="sale", reference="order-42", actor="till-1"),
            ev("counted", delta=7, reason="restock", reference="delivery-7",
               actor="ana"))),
    ]))
    cases.append(case("movement/blank_reference_and_actor_are_none", [
        create(stock=5, save="p", expect=P(stock=5)),
        adjust("$p", 1, P(stock=6), reference="   ", actor=""),
        history("$p", EVENTS(ev("created"),
                             ev("stock_changed", delta=1, reference=None, actor=None))),
    ]))
    cases.append(case("movement/reference_two_hundred", [
        create(stock=5, save="p", expect=P(stock=5)),
        adjust("$p", 1, P(stock=6), reference="é" * 200, actor="a" * 200),
        history("$p", EVENTS(ev("created"),
                             ev("stock_changed", reference="é" * 200, actor="a" * 200))),
    ]))
    for field in ("reference", "actor"):
        for slug, raw in [("two_hundred_and_one", "x" * 201),
                          ("with_control_character", "x\u0000y")]:
            cases.append(case(f"movement/{field}_{slug}_refused", [
                create(stock=5, save="p", expect=P(stock=5)),
                adjust("$p", 1, V(field), **{field: raw}),
                set_stock("$p", 1, V(field), **{field: raw}),
                get("$p", P(stock=5, version=1)),
            ]))
    return cases
