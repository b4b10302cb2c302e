"""duplicate.json: uniqueness is checked on the normalised SKU"""

from steps import *  # noqa: F401,F403 (the vectors' vocabulary)


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
