"""get.json: reading by id"""

from steps import *  # noqa: F401,F403 (the vectors' vocabulary)


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
