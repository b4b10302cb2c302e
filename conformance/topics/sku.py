"""sku.json"""

from steps import *  # noqa: F401,F403 (the vectors' vocabulary)


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
