#!/usr/bin/env python3
"""Writes conformance/vectors/*.json, the shared test vectors (format: conformance/README.md).

The JSON files are committed and are what every runner reads; this script is how they are
written, so that long inputs ("é" × 51), Unicode escapes and the per-runner skip rules stay
exact and easy to review. Edit the cases here, then regenerate:

    python3 conformance/generate.py           # rewrite the files
    python3 conformance/generate.py --check   # exit 1 if a committed file differs

Standard library only (Python 3.9+).
"""

import json
import re
import sys
import unicodedata
from pathlib import Path

FORMAT = 1
VECTORS = Path(__file__).resolve().parent / "vectors"

MAX_STOCK = 2_147_483_647
MAX_PRICE = "99999999.99"
JS_SAFE = 2**53 - 1

# --------------------------------------------------------------------------------------------
# Steps and expectations


def step(op, args, expect, save_as=None):
    s = {"op": op}
    if args:
        s["args"] = args
    if save_as:
        s["save_as"] = save_as
    s["expect"] = expect
    return s


def _args(**kw):
    return {k: v for k, v in kw.items() if v is not None}


def create(name="Widget", sku="AB-1", price="9.99", stock=None, save=None, expect=None):
    return step("create", _args(name=name, sku=sku, price=price, stock=stock), expect, save)


def get(id, expect):
    return step("get", {"id": id}, expect)


def get_by_sku(sku, expect):
    return step("get_by_sku", {"sku": sku}, expect)


def update(id, expect, name=None, sku=None, price=None, stock=None, expected_version=None):
    args = _args(id=id, name=name, sku=sku, price=price, stock=stock,
                 expected_version=expected_version)
    return step("update", args, expect)


def adjust(id, delta, expect, reason="restock", reference=None, actor=None, expected_stock=None):
    args = _args(id=id, delta=delta, reason=reason, reference=reference, actor=actor,
                 expected_stock=expected_stock)
    return step("adjust_stock", args, expect)


def set_stock(id, quantity, expect, reason="correction", reference=None, actor=None,
              expected_stock=None):
    args = _args(id=id, quantity=quantity, reason=reason, reference=reference, actor=actor,
                 expected_stock=expected_stock)
    return step("set_stock", args, expect)


def delete(id, expect=None):
    return step("delete", {"id": id}, expect or OK)


def list_(expect, **query):
    return step("list", _args(**query), expect)


def total(value):
    return step("total_value", None, {"value": value})


def history(id, expect):
    return step("history", {"id": id}, expect)


def P(**fields):
    """Expect a product with these fields (the only ones compared)."""
    return {"product": fields}


def E(code, field=None):
    """Expect an error of this kind (and, when given, about this field)."""
    return {"error": code, "field": field} if field else {"error": code}


def V(field):
    return E("VALIDATION", field)


OK = {"ok": True}


def PAGE(skus, total, has_next=False):
    return {"page": {"skus": skus, "total": total, "has_next": has_next}}


def COUNT(count, total, has_next=False):
    """Expect a page of `count` products, in an order the case does not pin."""
    return {"page": {"count": count, "total": total, "has_next": has_next}}


def EVENTS(*events):
    return {"events": list(events)}


def ev(kind, **fields):
    return {"kind": kind, **fields}


def case(name, steps, about=None):
    c = {"name": name}
    if about:
        c["about"] = about
    c["steps"] = steps
    return c


NO_SUCH_ID = "00000000-0000-4000-8000-000000000000"

# --------------------------------------------------------------------------------------------
# Skip rules: a runner skips a case only when an input cannot be written in its language's
# types. They are derived from the inputs here, so they are applied the same way everywhere.

PLAIN_DECIMAL = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)")
UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
PRICE_ARGS = ("price", "min_price", "max_price")
INTEGER_ARGS = ("stock", "delta", "quantity", "expected_stock", "expected_version",
                "low_stock", "limit", "offset")
# The integer arguments Kotlin takes unsigned (uniffi's u32 and u64), and their ranges.
KOTLIN_UNSIGNED = {"stock": ("UInt", 2**32 - 1), "quantity": ("UInt", 2**32 - 1),
                   "expected_stock": ("UInt", 2**32 - 1), "low_stock": ("UInt", 2**32 - 1),
                   "limit": ("UInt", 2**32 - 1), "offset": ("ULong", 2**64 - 1),
                   "expected_version": ("ULong", 2**64 - 1)}


def skip_rules(c):
    """The runners that cannot pass some input of case `c`, each with the first reason."""
    skip = {}
    for s in c["steps"]:
        args = s.get("args", {})
        for key in PRICE_ARGS:
            text = args.get(key)
            if text is not None and not PLAIN_DECIMAL.fullmatch(text):
                skip.setdefault("kotlin", f"{key} {text!r} is not a plain decimal: a "
                                "BigDecimal cannot carry this text as written")
        for key in INTEGER_ARGS:
            n = args.get(key)
            if n is not None and abs(n) > JS_SAFE:
                skip.setdefault("js", f"{key} {n} is beyond Number.MAX_SAFE_INTEGER, so it "
                                "cannot be passed exactly as a JavaScript number")
            if key in KOTLIN_UNSIGNED and n is not None and not 0 <= n <= KOTLIN_UNSIGNED[key][1]:
                skip.setdefault("kotlin", f"{key} {n} is outside Kotlin's "
                                f"{KOTLIN_UNSIGNED[key][0]}, the type the binding takes")
        id_text = args.get("id")
        if id_text is not None and not id_text.startswith("$") \
                and not UUID_TEXT.fullmatch(id_text):
            skip.setdefault("kotlin", f"id {id_text!r} is not a UUID: a java.util.UUID "
                            "cannot hold it")
    return skip


# --------------------------------------------------------------------------------------------
# sku.json


def sku_cases():
    cases = []

    def normalises(slug, raw, stored, about=None):
        cases.append(case(f"sku/{slug}", [
            create(sku=raw, save="p", expect=P(sku=stored, version=1)),
            get("$p", P(sku=stored)),
            get_by_sku(stored, P(id="$p", sku=stored)),
        ], about))

    normalises("trims_ascii_spaces", "  ab-1  ", "AB-1")
    normalises("trims_tabs_and_newlines", "\t\nab-1\r\n", "AB-1")
    normalises("trims_no_break_space", "\u00a0ab-1\u00a0", "AB-1")
    normalises("trims_ideographic_space", "\u3000ab-1\u3000", "AB-1")
    normalises("trims_line_separator", "\u2028ab-1\u2029", "AB-1")
    normalises("trims_next_line", "\u0085ab-1\u0085", "AB-1")
    normalises("trims_information_separators", "\u001fab-1\u001c", "AB-1",
               "Python's str.strip() removes U+001C..U+001F too")
    normalises("upper_cases_ascii", "abc-def_1.2/x", "ABC-DEF_1.2/X")
    normalises("upper_cases_accented_letters", "éclair-ø", "ÉCLAIR-Ø")
    normalises("sharp_s_becomes_ss", "straße", "STRASSE")
    normalises("ligature_ffi_expands", "\ufb03x", "FFIX")
    normalises("digraph_dz_upper_cases", "\u01c69", "\u01c49")
    normalises("final_sigma_upper_cases", "λς", "ΛΣ")
    normalises("dotless_i_upper_cases", "\u0131", "I")
    normalises("dotted_i_without_locale", "istanbul", "ISTANBUL",
               "no locale: i becomes I, never İ")
    normalises("apostrophe_n_expands", "\u0149", "\u02bcN")
    normalises("already_normal", "AB-1", "AB-1")
    normalises("emoji_kept", "box-📦", "BOX-📦")
    normalises("no_unicode_normal_form", "e\u0301", "E\u0301",
               "SKUs are not NFC-normalised: E + combining acute stays two characters")

    # Length: 1 to 50 characters, counted in Unicode code points after upper-casing.
    def length(slug, raw, ok, stored=None, about=None):
        expect = P(sku=stored if stored is not None else raw.strip().upper()) if ok else V("sku")
        steps = [create(sku=raw, expect=expect)]
        if not ok:
            steps.append(list_(PAGE([], 0)))
        cases.append(case(f"sku/{slug}", steps, about))

    length("one_character", "x", True, "X")
    length("fifty_ascii", "A" * 50, True)
    length("fifty_one_ascii", "A" * 51, False)
    length("fifty_with_surrounding_spaces", "  " + "A" * 50 + "  ", True, "A" * 50,
           "trimmed before counting")
    length("fifty_accented", "É" * 50, True, about="characters, not UTF-8 bytes (100)")
    length("fifty_one_accented", "É" * 51, False)
    length("fifty_emoji", "📦" * 50, True,
           about="characters, not UTF-16 units (100) or UTF-8 bytes (200)")
    length("fifty_one_emoji", "📦" * 51, False)
    length("twenty_five_sharp_s", "ß" * 25, True, "S" * 50, "25 × ß upper-cases to 50 × S")
    length("twenty_six_sharp_s", "ß" * 26, False, about="26 × ß upper-cases to 52 characters")
    length("forty_nine_and_sharp_s", "A" * 49 + "ß", False,
           about="50 characters as typed, 51 once upper-cased")
    length("forty_eight_and_sharp_s", "A" * 48 + "ß", True, "A" * 48 + "SS")

    def invalid(slug, raw, about=None):
        cases.append(case(f"sku/{slug}", [
            create(sku=raw, expect=V("sku")),
            list_(PAGE([], 0)),
            total("0.00"),
        ], about))

    invalid("empty", "")
    invalid("only_spaces", "   ")
    invalid("only_unicode_spaces", "\u00a0\u3000\u2003")
    invalid("inner_space", "AB 1")
    invalid("inner_tab", "AB\t1")
    invalid("inner_no_break_space", "AB\u00a01")
    invalid("inner_line_separator", "AB\u20281")
    invalid("inner_information_separator", "AB\u001e1")
    invalid("inner_bell", "AB\u00071")
    invalid("inner_delete", "AB\u007f1")
    # Format characters (Unicode category Cf) are invisible: a SKU holding one cannot be typed.
    invalid("leading_byte_order_mark", "\ufeffAB-1",
            "a CSV cell that starts with a byte-order mark")
    invalid("inner_zero_width_space", "a\u200bb", "U+200B, a format character (Cf)")
    invalid("inner_soft_hyphen", "AB\u00ad1")
    invalid("inner_right_to_left_override", "AB\u202e1")
    invalid("inner_word_joiner", "AB\u20601")

    cases.append(case("sku/get_by_sku_normalises_input", [
        create(sku="AB-1", save="p", expect=P(sku="AB-1")),
        get_by_sku("  ab-1\t", P(id="$p")),
        get_by_sku("Ab-1", P(id="$p")),
    ]))
    cases.append(case("sku/get_by_sku_sharp_s", [
        create(sku="STRASSE", save="p", expect=P(sku="STRASSE")),
        get_by_sku("straße", P(id="$p")),
    ]))
    cases.append(case("sku/get_by_sku_unknown", [
        create(sku="AB-1", expect=P(sku="AB-1")),
        get_by_sku("AB-2", E("NOT_FOUND")),
        get_by_sku("AB-", E("NOT_FOUND")),
    ]))
    cases.append(case("sku/get_by_sku_blank", [
        get_by_sku("  ", V("sku")),
    ], "a blank SKU is a bad input, not a missing product"))
    cases.append(case("sku/get_by_sku_too_long", [
        get_by_sku("A" * 51, V("sku")),
    ]))
    cases.append(case("sku/get_by_sku_inner_space", [
        get_by_sku("AB 1", V("sku")),
    ]))
    return cases


# --------------------------------------------------------------------------------------------
# duplicate.json: uniqueness is checked on the normalised SKU


def duplicate_cases():
    cases = []

    def dup(slug, first, second, stored, about=None):
        cases.append(case(f"duplicate/{slug}", [
            create(name="First", sku=first, price="1.00", stock=1, save="a",
                   expect=P(sku=stored)),
            create(name="Second", sku=second, price="2.00", stock=2, expect=E("DUPLICATE_SKU")),
            get_by_sku(stored, P(id="$a", name="First", stock=1, version=1)),
            list_(PAGE([stored], 1)),
            total("1.00"),
        ], about))

    dup("same_text", "AB-1", "AB-1", "AB-1")
    dup("differs_in_case", "ab-1", "AB-1", "AB-1")
    dup("differs_in_surrounding_space", "AB-1", " \tAB-1\u00a0", "AB-1")
    dup("sharp_s_and_ss", "straße", "STRASSE", "STRASSE")
    dup("ss_and_sharp_s", "STRASSE", "STRAßE", "STRASSE")
    dup("ligature_and_letters", "\ufb03", "ffi", "FFI")
    dup("accented_lower_and_upper", "é-1", "É-1", "É-1")

    cases.append(case("duplicate/composed_and_decomposed_differ", [
        create(sku="\u00c9", save="a", expect=P(sku="\u00c9")),
        create(sku="E\u0301", save="b", expect=P(sku="E\u0301")),
        list_(PAGE(["E\u0301", "\u00c9"], 2), order_by="sku"),
    ], "no Unicode normalisation beyond Python's upper(): É and E + U+0301 are two SKUs"))

    cases.append(case("duplicate/sku_free_again_after_delete", [
        create(name="Old", sku="AB-1", stock=3, save="old", expect=P(sku="AB-1")),
        delete("$old"),
        create(name="New", sku="ab-1", stock=4, save="new", expect=P(sku="AB-1", version=1)),
        get_by_sku("AB-1", P(id="$new", name="New", stock=4)),
        get("$old", E("NOT_FOUND")),
        history("$old", EVENTS(ev("created", delta=3), ev("deleted", delta=None))),
        history("$new", EVENTS(ev("created", delta=4))),
    ]))

    cases.append(case("duplicate/update_collides_with_other_product", [
        create(name="A", sku="A-1", save="a", expect=P(sku="A-1")),
        create(name="B", sku="B-1", save="b", expect=P(sku="B-1")),
        update("$b", E("DUPLICATE_SKU"), sku="A-1"),
        get("$b", P(sku="B-1", version=1)),
        get_by_sku("A-1", P(id="$a")),
        history("$b", EVENTS(ev("created"))),
    ]))
    cases.append(case("duplicate/update_collides_after_normalisation", [
        create(name="A", sku="A-1", save="a", expect=P(sku="A-1")),
        create(name="B", sku="B-1", save="b", expect=P(sku="B-1")),
        update("$b", E("DUPLICATE_SKU"), sku="  a-1 "),
        get("$b", P(sku="B-1", version=1)),
    ]))
    cases.append(case("duplicate/update_collision_changes_no_other_field", [
        create(name="A", sku="A-1", price="1.00", save="a", expect=P(sku="A-1")),
        create(name="B", sku="B-1", price="2.00", save="b", expect=P(sku="B-1")),
        update("$b", E("DUPLICATE_SKU"), name="Renamed", sku="a-1", price="3.00"),
        get("$b", P(name="B", sku="B-1", price="2.00", version=1)),
        total("0.00"),
    ], "a refused update is all or nothing"))
    cases.append(case("duplicate/update_to_own_sku_in_other_case_is_no_change", [
        create(sku="AB-1", save="a", expect=P(sku="AB-1", version=1)),
        update("$a", P(sku="AB-1", version=1), sku=" ab-1 "),
        history("$a", EVENTS(ev("created"))),
    ]))
    cases.append(case("duplicate/update_takes_sku_freed_by_rename", [
        create(name="A", sku="A-1", save="a", expect=P(sku="A-1")),
        create(name="B", sku="B-1", save="b", expect=P(sku="B-1")),
        update("$a", P(sku="A-2", version=2), sku="a-2"),
        update("$b", P(sku="A-1", version=2), sku="a-1"),
        get_by_sku("A-1", P(id="$b")),
        get_by_sku("A-2", P(id="$a")),
        get_by_sku("B-1", E("NOT_FOUND")),
    ]))
    cases.append(case("duplicate/swap_skus_through_a_temporary", [
        create(name="A", sku="X", save="a", expect=P(sku="X")),
        create(name="B", sku="Y", save="b", expect=P(sku="Y")),
        update("$a", E("DUPLICATE_SKU"), sku="Y"),
        update("$a", P(sku="TMP"), sku="TMP"),
        update("$b", P(sku="X"), sku="X"),
        update("$a", P(sku="Y", version=3), sku="Y"),
        list_(PAGE(["X", "Y"], 2), order_by="sku"),
        get_by_sku("X", P(id="$b", name="B")),
    ]))
    cases.append(case("duplicate/create_after_rename_frees_sku", [
        create(name="A", sku="OLD", save="a", expect=P(sku="OLD")),
        update("$a", P(sku="NEW"), sku="new"),
        create(name="B", sku="old", save="b", expect=P(sku="OLD")),
        create(name="C", sku="NEW", expect=E("DUPLICATE_SKU")),
    ]))
    return cases


# --------------------------------------------------------------------------------------------
# name.json


def name_cases():
    cases = []

    def ok(slug, raw, stored, about=None):
        cases.append(case(f"name/{slug}", [
            create(name=raw, save="p", expect=P(name=stored)),
            get("$p", P(name=stored)),
        ], about))

    def bad(slug, raw, about=None):
        cases.append(case(f"name/{slug}", [
            create(name=raw, expect=V("name")),
            list_(PAGE([], 0)),
        ], about))

    ok("kept_as_typed", "Café Crème 250 g", "Café Crème 250 g")
    ok("trims_spaces", "   Widget  ", "Widget")
    ok("trims_tabs_and_newlines", "\tWidget\r\n", "Widget")
    ok("trims_unicode_spaces", "\u3000\u00a0Widget\u2028", "Widget")
    ok("keeps_inner_spaces", "Big  red\u00a0widget", "Big  red\u00a0widget")
    ok("case_preserved", "wIdGeT", "wIdGeT")
    ok("one_character", "x", "x")
    ok("hundred_ascii", "n" * 100, "n" * 100)
    ok("hundred_with_surrounding_spaces", "  " + "n" * 100 + " \t", "n" * 100,
       "trimmed before counting")
    ok("hundred_accented", "é" * 100, "é" * 100, "characters, not UTF-8 bytes (200)")
    ok("hundred_emoji", "🍎" * 100, "🍎" * 100,
       "characters, not UTF-16 units (200) or UTF-8 bytes (400)")
    ok("hundred_code_points_with_combining_marks", "e\u0301" * 50, "e\u0301" * 50,
       "50 letters with a combining accent are 100 code points")
    ok("zero_width_space_allowed", "Wid\u200bget", "Wid\u200bget",
       "U+200B is a format character, not a control character; only bidi overrides are refused")
    bad("right_to_left_override", "Invoice \u202egnp.exe",
        "a bidi override makes the name display as something else")
    bad("left_to_right_isolate", "Wid\u2066get")
    bad("hundred_and_one_ascii", "n" * 101)
    bad("hundred_and_one_accented", "é" * 101)
    bad("hundred_and_one_emoji", "🍎" * 101)
    bad("hundred_and_two_code_points_with_combining_marks", "e\u0301" * 51)
    bad("empty", "")
    bad("only_spaces", "     ")
    bad("only_tabs_and_newlines", "\t\r\n")
    bad("only_unicode_spaces", "\u3000\u00a0\u2003")
    bad("only_information_separator", "\u001c")
    bad("inner_newline", "Wid\nget")
    bad("inner_tab", "Wid\tget")
    bad("inner_nul", "Wid\u0000get")
    bad("inner_next_line", "Wid\u0085get", "U+0085 is a control character inside a name")

    cases.append(case("name/not_unique", [
        create(name="Widget", sku="A", expect=P(name="Widget")),
        create(name="Widget", sku="B", expect=P(name="Widget")),
        list_(PAGE(["A", "B"], 2), order_by="sku"),
    ]))
    cases.append(case("name/update_trims", [
        create(name="Widget", save="p", expect=P(version=1)),
        update("$p", P(name="Gadget", version=2), name="  Gadget "),
    ]))
    cases.append(case("name/update_to_hundred", [
        create(name="Widget", save="p", expect=P(version=1)),
        update("$p", P(name="é" * 100, version=2), name="é" * 100),
    ]))
    cases.append(case("name/update_to_hundred_and_one_refused", [
        create(name="Widget", save="p", expect=P(version=1)),
        update("$p", V("name"), name="é" * 101),
        get("$p", P(name="Widget", version=1)),
    ]))
    cases.append(case("name/update_to_blank_refused", [
        create(name="Widget", save="p", expect=P(version=1)),
        update("$p", V("name"), name=" \t "),
        get("$p", P(name="Widget", version=1)),
        history("$p", EVENTS(ev("created"))),
    ]))
    cases.append(case("name/update_to_same_after_trim_is_no_change", [
        create(name="Widget", save="p", expect=P(version=1)),
        update("$p", P(name="Widget", version=1), name=" Widget "),
        history("$p", EVENTS(ev("created"))),
    ]))
    return cases


# --------------------------------------------------------------------------------------------
# price.json


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


# --------------------------------------------------------------------------------------------
# stock.json: limits of stock and of stock movements


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
                          ev("stock_changed", delta=quantity - start, stock_before=start,
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


# --------------------------------------------------------------------------------------------
# movement.json: why, who and what for


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
            ev("stock_changed", delta=7, reason="restock", reference="delivery-7",
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


# --------------------------------------------------------------------------------------------
# update.json


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


# --------------------------------------------------------------------------------------------
# version.json: every write moves the version; optimistic concurrency


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


# --------------------------------------------------------------------------------------------
# delete.json


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


# --------------------------------------------------------------------------------------------
# list.json: filters, ordering, pagination

# Five products with distinct values in every sort field, created in this order.
SHOP = [
    # sku, name, price, stock
    ("M-3", "banana", "3.00", 30),
    ("A-9", "Apple", "12.50", 0),
    ("Z-1", "cherry", "0.99", 5),
    ("K-5", "Éclair", "99.00", 12),
    ("B-2", "apple pie", "7.25", 3),
]


def shop():
    return [create(name=n, sku=s, price=p, stock=st, save=s.replace("-", "").lower(),
                   expect=P(sku=s)) for s, n, p, st in SHOP]


def ordered(key, reverse=False):
    rows = list(SHOP)
    if key == "created_at":
        pass
    else:
        idx = {"sku": 0, "name": 1, "price": 2, "stock": 3}[key]
        conv = {"price": lambda v: int(v.replace(".", "")), "stock": int}.get(key, str)
        rows.sort(key=lambda r: conv(r[idx]))
    if reverse:
        rows.reverse()
    return [r[0] for r in rows]


def list_cases():
    cases = []
    cases.append(case("list/empty_inventory", [
        list_(PAGE([], 0)),
    ]))
    cases.append(case("list/default_order_is_creation", shop() + [
        list_(PAGE(ordered("created_at"), 5)),
    ], "without order_by, products come in the order they were created"))
    for field in ("created_at", "name", "sku", "price", "stock"):
        for desc in (False, True):
            order = ("-" if desc else "") + field
            about = None
            if field == "name":
                about = "ignoring case (the folded names by code point), accented letters last"
            cases.append(case(f"list/order_by_{'minus_' if desc else ''}{field}", shop() + [
                list_(PAGE(ordered(field, desc), 5), order_by=order),
            ], about))
    for slug, bad in [("unknown_field", "colour"), ("double_minus", "--price"),
                      ("capitalised", "Price"), ("two_fields", "price,sku"),
                      ("plus_sign", "+price"), ("empty", "")]:
        cases.append(case(f"list/order_by_{slug}_refused", [
            create(expect=P(version=1)),
            list_(V("order_by"), order_by=bad),
        ]))

    def filtered(slug, skus, about=None, **query):
        cases.append(case(f"list/{slug}", shop() + [
            list_(PAGE(skus, len(skus)), order_by="sku", **query),
        ], about))

    filtered("name_contains_ignores_case", ["A-9", "B-2"], name_contains="APPLE")
    filtered("name_contains_inner_text", ["B-2"], name_contains="le p")
    filtered("name_contains_unicode_case", ["K-5"], name_contains="éCLAIR",
             about="case is ignored for every script: É matches é")
    filtered("name_contains_trimmed", ["M-3"], name_contains="  nan ")
    filtered("name_contains_blank_matches_all", ["A-9", "B-2", "K-5", "M-3", "Z-1"],
             name_contains="   ")
    filtered("name_contains_no_match", [], name_contains="kiwi")
    filtered("sku_prefix", ["A-9"], sku_prefix="A")
    filtered("sku_prefix_normalised", ["K-5"], sku_prefix="  k-")
    filtered("sku_prefix_whole_sku", ["Z-1"], sku_prefix="z-1")
    filtered("sku_prefix_longer_than_any_sku", [], sku_prefix="Z-10")
    filtered("sku_prefix_blank_matches_all", ["A-9", "B-2", "K-5", "M-3", "Z-1"],
             sku_prefix=" ")
    filtered("low_stock_zero", ["A-9"], low_stock=0, about="out of stock only")
    filtered("low_stock_inclusive", ["A-9", "B-2", "Z-1"], low_stock=5)
    filtered("low_stock_maximum_matches_all", ["A-9", "B-2", "K-5", "M-3", "Z-1"],
             low_stock=MAX_STOCK)
    filtered("min_price_inclusive", ["A-9", "B-2", "K-5"], min_price="7.25")
    filtered("max_price_inclusive", ["B-2", "M-3", "Z-1"], max_price="7.25")
    filtered("price_range", ["B-2", "M-3"], min_price="3", max_price="7.25")
    filtered("price_range_single_price", ["K-5"], min_price="99.00", max_price="99")
    filtered("price_range_empty_when_min_above_max", [], min_price="10", max_price="5")
    filtered("min_price_zero_matches_all", ["A-9", "B-2", "K-5", "M-3", "Z-1"],
             min_price="0")
    filtered("max_price_above_maximum_matches_all", ["A-9", "B-2", "K-5", "M-3", "Z-1"],
             max_price="100000000.00",
             about="a bound beyond the highest price is allowed; it simply matches everything")
    filtered("all_filters_together", ["B-2"], name_contains="apple", sku_prefix="b",
             low_stock=3, min_price="7.25", max_price="7.25")
    filtered("filters_exclude_everything", [], name_contains="apple", low_stock=0,
             min_price="13")

    cases.append(case("list/filters_with_other_order", shop() + [
        list_(PAGE(["Z-1", "B-2", "A-9"], 3), low_stock=5, order_by="-stock"),
    ]))

    for slug, field, raw in [("min_price_negative", "min_price", "-1"),
                             ("max_price_negative", "max_price", "-0.01"),
                             ("min_price_third_place", "min_price", "12.345"),
                             ("max_price_third_place", "max_price", "0.001")]:
        cases.append(case(f"list/{slug}_refused", [
            create(expect=P(version=1)),
            list_(V(field), **{field: raw}),
        ]))
    for slug, raw in [("inner_space", "A B"), ("too_long", "A" * 51),
                      ("control_character", "A\u0007")]:
        cases.append(case(f"list/sku_prefix_{slug}_refused", [
            create(expect=P(version=1)),
            list_(V("sku_prefix"), sku_prefix=raw),
        ]))

    cases.append(case("list/name_contains_is_literal", [
        create(name="50% off", sku="A", expect=P(sku="A")),
        create(name="500 off", sku="B", expect=P(sku="B")),
        create(name="a_b", sku="C", expect=P(sku="C")),
        create(name="axb", sku="D", expect=P(sku="D")),
        list_(PAGE(["A"], 1), name_contains="50%"),
        list_(PAGE(["C"], 1), name_contains="_"),
    ], "no wildcards: % and _ match themselves"))
    cases.append(case("list/sku_prefix_is_literal", [
        create(sku="A_1", expect=P(sku="A_1")),
        create(sku="AB1", expect=P(sku="AB1")),
        create(sku="A%1", expect=P(sku="A%1")),
        list_(PAGE(["A_1"], 1), sku_prefix="a_"),
        list_(PAGE(["A%1"], 1), sku_prefix="A%"),
    ]))
    cases.append(case("list/sku_prefix_sharp_s", [
        create(sku="STRASSE-1", expect=P(sku="STRASSE-1")),
        create(sku="STRAND", expect=P(sku="STRAND")),
        list_(PAGE(["STRASSE-1"], 1), sku_prefix="straß"),
    ], "the prefix is normalised like a SKU: straß becomes STRASS"))
    cases.append(case("list/name_order_ignores_case", [
        create(name="zebra", sku="A", expect=P(sku="A")),
        create(name="Apple", sku="B", expect=P(sku="B")),
        create(name="ábaco", sku="C", expect=P(sku="C")),
        create(name="Banana", sku="D", expect=P(sku="D")),
        create(name="10 nails", sku="E", expect=P(sku="E")),
        create(name="9 nails", sku="F", expect=P(sku="F")),
        list_(PAGE(["E", "F", "B", "D", "A", "C"], 6), order_by="name"),
        list_(PAGE(["C", "A", "D", "B", "F", "E"], 6), order_by="-name"),
        list_(PAGE(["E", "F", "B"], 6, True), order_by="name", limit=3),
        list_(PAGE(["D", "A", "C"], 6), order_by="name", limit=3, cursor="$next"),
    ], "names order by their case folding (Python's str.lower(), one code point at a time), "
       "then by code point: digits, letters whatever their case, then accented letters; no "
       "locale collation"))

    # Limits
    cases.append(case("list/limit_one", shop() + [
        list_(PAGE(["A-9"], 5, True), order_by="sku", limit=1),
    ]))
    cases.append(case("list/limit_equal_to_count_has_no_next", shop() + [
        list_(PAGE(ordered("sku"), 5, False), order_by="sku", limit=5),
    ]))
    cases.append(case("list/limit_maximum", shop() + [
        list_(PAGE(ordered("sku"), 5), order_by="sku", limit=1000),
    ]))
    for n in (0, 1001):
        cases.append(case(f"list/limit_{n}_refused", [
            list_(V("limit"), limit=n),
        ]))
    cases.append(case("list/default_limit_is_fifty", [
        create(sku=f"P-{i:02}", expect=P(sku=f"P-{i:02}")) for i in range(51)
    ] + [
        list_(PAGE([f"P-{i:02}" for i in range(50)], 51, True), order_by="sku"),
        list_(PAGE(["P-50"], 51, False), order_by="sku", cursor="$next"),
    ]))

    # Pagination
    def pages(slug, order, size, about=None):
        skus = ordered(order.lstrip("-"), order.startswith("-"))
        steps = shop()
        for i in range(0, len(skus), size):
            chunk = skus[i:i + size]
            query = {"order_by": order, "limit": size}
            if i:
                query["cursor"] = "$next"
            steps.append(list_(PAGE(chunk, 5, i + size < len(skus)), **query))
        cases.append(case(f"list/{slug}", steps, about))

    pages("pages_by_sku", "sku", 2)
    pages("pages_by_minus_sku", "-sku", 2)
    pages("pages_by_price", "price", 2)
    pages("pages_by_minus_price", "-price", 3)
    pages("pages_by_stock", "stock", 1)
    pages("pages_by_minus_stock", "-stock", 4)
    pages("pages_by_name", "name", 2)
    pages("pages_by_minus_name", "-name", 2)
    pages("pages_by_created_at", "created_at", 2)
    pages("pages_by_minus_created_at", "-created_at", 2)

    cases.append(case("list/pages_divide_evenly", [
        create(sku=s, expect=P(sku=s)) for s in ("A", "B", "C", "D")
    ] + [
        list_(PAGE(["A", "B"], 4, True), order_by="sku", limit=2),
        list_(PAGE(["C", "D"], 4, False), order_by="sku", limit=2, cursor="$next"),
    ], "the last full page says there is no next page"))
    cases.append(case("list/pages_with_filter", shop() + [
        list_(PAGE(["A-9", "B-2"], 3, True), low_stock=5, order_by="sku", limit=2),
        list_(PAGE(["Z-1"], 3, False), low_stock=5, order_by="sku", limit=2, cursor="$next"),
    ]))
    cases.append(case("list/pages_with_equal_prices", [
        create(sku=s, price="5.00", expect=P(sku=s)) for s in ("A", "B", "C", "D", "E")
    ] + [
        list_(COUNT(2, 5, True), order_by="price", limit=2),
        list_(COUNT(2, 5, True), order_by="price", limit=2, cursor="$next"),
        list_(COUNT(1, 5, False), order_by="price", limit=2, cursor="$next"),
        list_(COUNT(3, 5, False), order_by="-price", limit=3, offset=2),
    ], "ties are broken by id, so every page is full and the pages end where they should; "
       "which of the equal products comes first is not specified"))
    cases.append(case("list/insert_between_pages", [
        create(sku=s, expect=P(sku=s)) for s in ("A1", "A2", "A3", "A4")
    ] + [
        list_(PAGE(["A1", "A2"], 4, True), order_by="sku", limit=2),
        create(sku="A0", expect=P(sku="A0")),
        create(sku="A2A", expect=P(sku="A2A")),
        list_(PAGE(["A2A", "A3"], 6, True), order_by="sku", limit=2, cursor="$next"),
        list_(PAGE(["A4"], 6, False), order_by="sku", limit=2, cursor="$next"),
    ], "a cursor remembers where the page ended, not a row number: new rows before it are "
       "not repeated, new rows after it appear"))
    cases.append(case("list/delete_last_row_between_pages", [
        create(sku=s, save=s.lower(), expect=P(sku=s)) for s in ("A1", "A2", "A3", "A4")
    ] + [
        list_(PAGE(["A1", "A2"], 4, True), order_by="sku", limit=2),
        delete("$a2"),
        delete("$a3"),
        list_(PAGE(["A4"], 2, False), order_by="sku", limit=2, cursor="$next"),
    ]))
    cases.append(case("list/update_moves_row_between_pages", [
        create(sku=s, price=p, save=s.lower(), expect=P(sku=s))
        for s, p in (("A", "1.00"), ("B", "2.00"), ("C", "3.00"), ("D", "4.00"))
    ] + [
        list_(PAGE(["A", "B"], 4, True), order_by="price", limit=2),
        update("$a", P(price="3.50"), price="3.50"),
        list_(PAGE(["C", "A"], 4, True), order_by="price", limit=2, cursor="$next"),
        list_(PAGE(["D"], 4, False), order_by="price", limit=2, cursor="$next"),
    ], "a row whose key moves past the cursor is seen again"))
    cases.append(case("list/cursor_from_another_order_refused", shop() + [
        list_(PAGE(["A-9"], 5, True), order_by="sku", limit=1),
        list_(V("cursor"), order_by="-sku", limit=1, cursor="$next"),
        list_(V("cursor"), order_by="price", limit=1, cursor="$next"),
    ]))
    cases.append(case("list/cursor_with_other_filters_allowed", shop() + [
        list_(PAGE(["A-9"], 5, True), order_by="sku", limit=1),
        list_(PAGE(["B-2", "Z-1"], 3), order_by="sku", low_stock=5, cursor="$next"),
    ], "a cursor is a position in an order; filters may change between pages"))
    for slug, raw in [("not_hex", "not-a-cursor"), ("odd_length", "abc"),
                      ("hex_but_not_a_cursor", "00ff"),
                      ("hex_text_without_fields", "707269636521")]:
        cases.append(case(f"list/cursor_{slug}_refused", [
            create(expect=P(version=1)),
            list_(V("cursor"), cursor=raw),
        ]))
    cases.append(case("list/empty_cursor_is_first_page", shop() + [
        list_(PAGE(["A-9", "B-2"], 5, True), order_by="sku", limit=2, cursor=""),
    ]))
    cases.append(case("list/offset", shop() + [
        list_(PAGE(["K-5", "M-3"], 5, True), order_by="sku", limit=2, offset=2),
        list_(PAGE(["Z-1"], 5, False), order_by="sku", limit=2, offset=4),
    ], "page-number pagination: offset = (page - 1) × limit"))
    cases.append(case("list/offset_past_the_end", shop() + [
        list_(PAGE([], 5, False), order_by="sku", offset=5),
        list_(PAGE([], 5, False), order_by="sku", offset=100),
    ]))
    cases.append(case("list/offset_after_cursor", shop() + [
        list_(PAGE(["A-9", "B-2"], 5, True), order_by="sku", limit=2),
        list_(PAGE(["M-3", "Z-1"], 5, False), order_by="sku", limit=2, offset=1,
              cursor="$next"),
    ], "the offset counts rows after the cursor"))
    cases.append(case("list/total_counts_all_pages", shop() + [
        list_(PAGE(["A-9", "B-2"], 5, True), order_by="sku", limit=2),
        list_(PAGE(["A-9"], 2, True), order_by="sku", limit=1, name_contains="apple"),
    ]))
    return cases


# --------------------------------------------------------------------------------------------
# total_value.json


MAX_VALUE = "214748364678525163.53"  # 99,999,999.99 × 2,147,483,647


def total_value_cases():
    cases = []
    cases.append(case("total_value/empty", [total("0.00")]))
    cases.append(case("total_value/one_product", [
        create(price="9.99", stock=10, expect=P(stock=10)),
        total("99.90"),
    ]))
    cases.append(case("total_value/no_stock_counts_nothing", [
        create(sku="A", price=MAX_PRICE, stock=0, expect=P(stock=0)),
        total("0.00"),
    ]))
    cases.append(case("total_value/one_cent_one_unit", [
        create(price="0.01", stock=1, expect=P(stock=1)),
        total("0.01"),
    ]))
    cases.append(case("total_value/one_cent_maximum_stock", [
        create(price="0.01", stock=MAX_STOCK, expect=P(stock=MAX_STOCK)),
        total("21474836.47"),
    ]))
    cases.append(case("total_value/maximum_price_one_unit", [
        create(price=MAX_PRICE, stock=1, expect=P(stock=1)),
        total(MAX_PRICE),
    ]))
    cases.append(case("total_value/maximum_price_maximum_stock", [
        create(price=MAX_PRICE, stock=MAX_STOCK, expect=P(price=MAX_PRICE, stock=MAX_STOCK)),
        total(MAX_VALUE),
    ], "beyond 64-bit integers of cents and beyond exact doubles: the sum is exact"))
    cases.append(case("total_value/several_at_the_maximum", [
        create(sku=s, price=MAX_PRICE, stock=MAX_STOCK, expect=P(sku=s))
        for s in ("A", "B", "C", "D")
    ] + [
        total("858993458714100654.12"),
    ]))
    cases.append(case("total_value/maximum_then_one_cent", [
        create(sku="A", price=MAX_PRICE, stock=MAX_STOCK, expect=P(sku="A")),
        create(sku="B", price="0.01", stock=1, expect=P(sku="B")),
        total("214748364678525163.54"),
    ], "the smallest amount still counts next to the largest"))
    cases.append(case("total_value/exact_cents", [
        create(sku="A", price="0.10", stock=1, expect=P(sku="A")),
        create(sku="B", price="0.20", stock=1, expect=P(sku="B")),
        create(sku="C", price="0.10", stock=3, expect=P(sku="C")),
        total("0.60"),
    ], "decimal, not binary floating point: 0.10 + 0.20 is 0.30"))
    cases.append(case("total_value/follows_every_change", [
        create(sku="A", price="2.50", stock=4, save="a", expect=P(sku="A")),
        create(sku="B", price="1.00", stock=1, save="b", expect=P(sku="B")),
        total("11.00"),
        adjust("$a", -1, P(stock=3), reason="sale"),
        total("8.50"),
        update("$a", P(price="3.00"), price="3"),
        total("10.00"),
        set_stock("$b", 0, P(stock=0)),
        total("9.00"),
        delete("$a"),
        total("0.00"),
    ]))
    cases.append(case("total_value/unchanged_by_failed_writes", [
        create(sku="A", price="2.50", stock=4, save="a", expect=P(sku="A")),
        adjust("$a", -5, E("INSUFFICIENT_STOCK"), reason="sale"),
        adjust("$a", MAX_STOCK, E("STOCK_OVERFLOW")),
        update("$a", V("price"), price="0"),
        create(sku="a", price="1.00", stock=100, expect=E("DUPLICATE_SKU")),
        total("10.00"),
    ]))
    cases.append(case("total_value/price_change_at_maximum_stock", [
        create(price="0.01", stock=MAX_STOCK, save="p", expect=P(stock=MAX_STOCK)),
        update("$p", P(price=MAX_PRICE), price=MAX_PRICE),
        total(MAX_VALUE),
        update("$p", P(price="0.02"), price="0.02"),
        total("42949672.94"),
    ]))
    return cases


# --------------------------------------------------------------------------------------------
# history.json


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
            ev("stock_changed", delta=2, stock_before=7, stock_after=9, reason="correction"),
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
            ev("stock_changed", delta=0, stock_before=4, stock_after=4,
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
            ev("stock_changed", delta=MAX_STOCK, stock_before=0, stock_after=MAX_STOCK))),
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


# --------------------------------------------------------------------------------------------
# get.json: reading by id


def get_cases():
    cases = []
    cases.append(case("get/all_fields", [
        create(name=" Widget ", sku=" ab-1 ", price="9.9", stock=3, save="p",
               expect=P(name="Widget", sku="AB-1", price="9.90", stock=3, version=1)),
        get("$p", P(id="$p", name="Widget", sku="AB-1", price="9.90", stock=3, version=1)),
    ]))
    cases.append(case("get/each_product_by_its_id", [
        create(sku="A", name="First", save="a", expect=P(sku="A")),
        create(sku="B", name="Second", save="b", expect=P(sku="B")),
        get("$a", P(id="$a", name="First")),
        get("$b", P(id="$b", name="Second")),
    ]))
    cases.append(case("get/unknown_id", [
        create(expect=P(version=1)),
        get(NO_SUCH_ID, E("NOT_FOUND")),
    ]))
    for slug, raw in [("not_a_uuid", "not-a-uuid"), ("empty", ""),
                      ("too_short", "00000000-0000-4000-8000-00000000000"),
                      ("sku_instead_of_id", "AB-1")]:
        cases.append(case(f"get/malformed_id_{slug}", [
            create(expect=P(version=1)),
            get(raw, V("id")),
        ]))
    cases.append(case("get/reads_latest", [
        create(stock=1, save="p", expect=P(stock=1, version=1)),
        adjust("$p", 1, P(stock=2)),
        update("$p", P(name="New"), name="New"),
        get("$p", P(name="New", stock=2, version=3)),
        get_by_sku("AB-1", P(name="New", stock=2, version=3)),
    ]))
    return cases


# --------------------------------------------------------------------------------------------
# Output

TOPICS = [
    ("sku", "SKU normalisation (Python's strip().upper()) and its length and character rules",
     sku_cases),
    ("duplicate", "SKU uniqueness, checked on the normalised SKU, on create and update",
     duplicate_cases),
    ("name", "Product names: trimmed, 1 to 100 characters, no control characters",
     name_cases),
    ("price", "Prices: exact decimals, greater than 0, at most 2 places, at most 99999999.99",
     price_cases),
    ("stock", "Stock limits (0 to 2147483647) and stock movements at their edges",
     stock_cases),
    ("movement", "Reasons, references and actors of stock movements", movement_cases),
    ("update", "Partial updates of name, SKU and price", update_cases),
    ("version", "Versions and optimistic concurrency (expected_version, expected_stock)",
     version_cases),
    ("delete", "Deleting products", delete_cases),
    ("get", "Reading a product by id", get_cases),
    ("list", "Listing: filters, ordering, limits and pagination", list_cases),
    ("total_value", "The exact total value, Σ price × stock", total_value_cases),
    ("history", "The ledger of one product", history_cases),
]


def escape_invisible(text):
    """JSON text with every non-ASCII character that is invisible or easily confused
    (spaces, format and control characters, combining marks) written as a \\u escape."""
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if ord(ch) > 0x7E and (cat[0] in "ZCM"):
            if ord(ch) > 0xFFFF:
                v = ord(ch) - 0x10000
                out.append(f"\\u{0xD800 + (v >> 10):04x}\\u{0xDC00 + (v & 0x3FF):04x}")
            else:
                out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)


def dump(value):
    return escape_invisible(json.dumps(value, ensure_ascii=False))


def render(topic, about, cases):
    """One file: the header, then each case with one step per line."""
    lines = ["{", f'  "format": {FORMAT},', f'  "topic": {dump(topic)},',
             f'  "about": {dump(about)},', '  "cases": [']
    for i, c in enumerate(cases):
        lines.append("    {")
        lines.append(f'      "name": {dump(c["name"])},')
        if "about" in c:
            lines.append(f'      "about": {dump(c["about"])},')
        if "skip" in c:
            lines.append(f'      "skip": {dump(c["skip"])},')
        lines.append('      "steps": [')
        for j, s in enumerate(c["steps"]):
            comma = "," if j < len(c["steps"]) - 1 else ""
            lines.append(f"        {dump(s)}{comma}")
        lines.append("      ]")
        lines.append("    }" + ("," if i < len(cases) - 1 else ""))
    lines += ["  ]", "}", ""]
    text = "\n".join(lines)
    assert json.loads(text) == {"format": FORMAT, "topic": topic, "about": about,
                                "cases": cases}, topic
    return text


def build():
    files = {}
    names = set()
    for topic, about, make in TOPICS:
        cases = make()
        for c in cases:
            assert c["name"] not in names, f"duplicate case name {c['name']}"
            assert re.fullmatch(r"[a-z_]+/[a-z0-9_]+", c["name"]), c["name"]
            names.add(c["name"])
            skip = skip_rules(c)
            if skip:
                steps = c.pop("steps")
                c["skip"] = skip
                c["steps"] = steps
        files[f"{topic}.json"] = render(topic, about, cases)
    return files


def main():
    check = "--check" in sys.argv[1:]
    files = build()
    stale = []
    for name, text in files.items():
        path = VECTORS / name
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    extra = sorted(p.name for p in VECTORS.glob("*.json") if p.name not in files)
    count = sum(len(json.loads(t)["cases"]) for t in files.values())
    if check:
        if stale or extra:
            print(f"conformance vectors out of date: {', '.join(stale + extra)}; "
                  "run python3 conformance/generate.py", file=sys.stderr)
            return 1
        print(f"conformance vectors up to date: {len(files)} files, {count} cases")
    else:
        for name in extra:
            print(f"note: {name} is not written by this script", file=sys.stderr)
        print(f"wrote {len(files)} files, {count} cases")
    return 0


if __name__ == "__main__":
    sys.exit(main())
