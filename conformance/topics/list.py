"""list.json: filters, ordering, pagination"""

from steps import *  # noqa: F401,F403 (the vectors' vocabulary)

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
    cases.append(case("list/the_total_can_be_left_out", shop() + [
        list_(PAGE(["A-9", "B-2"], None, True), order_by="sku", limit=2, with_total=False),
        list_(PAGE(["A-9"], None, True), order_by="sku", limit=1, name_contains="apple",
              with_total=False),
        list_(PAGE(["A-9", "B-2"], 5, True), order_by="sku", limit=2, with_total=True),
    ], "A page without its count (total null) costs what its rows cost; its rows and next "
       "cursor are the same."))
    return cases
