"""name.json"""

from steps import *  # noqa: F401,F403 (the vectors' vocabulary)


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
