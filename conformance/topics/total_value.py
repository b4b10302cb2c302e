"""total_value.json"""

from steps import *  # noqa: F401,F403 (the vectors' vocabulary)


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
