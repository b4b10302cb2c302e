"""price.json"""

from steps import *  # noqa: F401,F403 (the vectors' vocabulary)


def price_cases():
    cases = []

    def ok(slug, raw, stored, about=None):
        cases.append(case(f"price/{slug}", [
            create(price=raw, save="p", expect=P(price=stored)),
            get("$p", P(price=stored)),
        ], about))

    def bad(slug, raw, about=None):
        cases.append(case(f"price/{slug}", [
            create(price=raw, expect=V("price")),
            list_(PAGE([], 0)),
        ], about))

    ok("one_cent", "0.01", "0.01")
    ok("two_places", "9.99", "9.99")
    ok("one_place_padded", "12.5", "12.50")
    ok("whole_number_padded", "12", "12.00")
    ok("maximum", MAX_PRICE, MAX_PRICE)
    ok("trailing_zeros_beyond_two_places", "12.340", "12.34",
       "trailing zeros carry no value: refused only when a third place is non-zero")
    ok("many_trailing_zeros", "5.000000", "5.00")
    ok("leading_zeros", "0009.90", "9.90")
    ok("leading_point", ".5", "0.50")
    ok("trailing_point", "5.", "5.00")
    ok("plus_sign", "+5", "5.00")
    ok("maximum_with_leading_zeros", "0" + MAX_PRICE, MAX_PRICE)
    ok("surrounding_spaces", " 12.50 ", "12.50")
    bad("zero", "0")
    bad("zero_with_places", "0.00")
    bad("zero_with_one_place", "0.0")
    bad("below_one_cent", "0.001")
    bad("third_place", "12.345")
    bad("maximum_with_third_place", "99999999.999")
    bad("one_hundred_million", "100000000.00")
    bad("one_hundred_million_whole", "100000000")
    bad("maximum_plus_one_cent", "100000000.01")
    bad("minus_one", "-1")
    bad("minus_one_cent", "-0.01")
    bad("minus_zero", "-0")
    bad("letters", "abc")
    bad("exponent", "1e3", "no exponents, although 1e3 would be a valid amount")
    bad("exponent_upper", "1E2")
    bad("empty", "")
    bad("blank", "   ")
    bad("nan", "NaN")
    bad("infinity", "Infinity")
    bad("decimal_comma", "1,50")
    bad("thousands_separator", "1,000.00")
    bad("underscore", "1_000")
    bad("hexadecimal", "0x10")
    bad("two_points", "1.2.3")
    bad("only_point", ".")
    bad("only_sign", "-")
    bad("currency_sign", "$5")
    bad("arabic_indic_digits", "\u0661\u0662", "ASCII digits only")
    bad("inner_space", "1 000")

    cases.append(case("price/update_pads", [
        create(price="9.99", save="p", expect=P(price="9.99", version=1)),
        update("$p", P(price="10.00", version=2), price="10"),
    ]))
    cases.append(case("price/update_to_maximum", [
        create(price="9.99", save="p", expect=P(price="9.99")),
        update("$p", P(price=MAX_PRICE), price=MAX_PRICE),
    ]))
    for slug, raw in [("zero", "0"), ("third_place", "12.345"), ("too_large", "100000000.00"),
                      ("negative", "-1"), ("letters", "abc"), ("exponent", "1e3")]:
        cases.append(case(f"price/update_to_{slug}_refused", [
            create(price="9.99", stock=2, save="p", expect=P(price="9.99", version=1)),
            update("$p", V("price"), price=raw),
            get("$p", P(price="9.99", version=1)),
            total("19.98"),
        ]))
    cases.append(case("price/update_to_equal_amount_is_no_change", [
        create(price="9.99", save="p", expect=P(price="9.99", version=1)),
        update("$p", P(price="9.99", version=1), price="9.990"),
        history("$p", EVENTS(ev("created"))),
    ]))
    return cases
