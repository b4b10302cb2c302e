//! The JS API as JavaScript sees it: values in and out, errors and their shapes.
//!
//! Runs under Node by default and in headless Chromium with `WASM_BINDGEN_USE_BROWSER=1`
//! (see scripts/test-wasm.sh):
//!
//! ```sh
//! CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
//!     cargo test -p inventory-wasm --target wasm32-unknown-unknown
//! ```
#![cfg(target_arch = "wasm32")]

use inventory_wasm::{Inventory, is_inventory_error};
use js_sys::{Array, JSON, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

/// A JS value from JSON text.
fn js(json: &str) -> JsValue {
    JSON::parse(json).unwrap_or_else(|_| panic!("bad JSON in test: {json}"))
}

fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &key.into()).expect("property")
}

fn text(value: &JsValue, key: &str) -> String {
    get(value, key)
        .as_string()
        .unwrap_or_else(|| panic!("{key} is not a string"))
}

fn number(value: &JsValue, key: &str) -> f64 {
    get(value, key)
        .as_f64()
        .unwrap_or_else(|| panic!("{key} is not a number"))
}

fn keys(value: &JsValue) -> Vec<String> {
    Object::keys(value.unchecked_ref::<Object>())
        .iter()
        .map(|k| k.as_string().expect("key"))
        .collect()
}

fn items(value: &JsValue) -> Vec<JsValue> {
    assert!(Array::is_array(value), "not an array");
    value.unchecked_ref::<Array>().iter().collect()
}

/// The error thrown, checked to be an `InventoryError` with this code and field.
fn expect_error<T: std::fmt::Debug>(
    result: Result<T, JsValue>,
    code: &str,
    field: Option<&str>,
) -> JsValue {
    let error = result.expect_err("expected an error");
    assert!(error.is_instance_of::<js_sys::Error>(), "not an Error");
    assert!(is_inventory_error(error.clone()));
    assert_eq!(text(&error, "name"), "InventoryError");
    assert_eq!(text(&error, "code"), code, "{}", text(&error, "message"));
    assert_eq!(get(&error, "field").as_string().as_deref(), field);
    if field.is_none() {
        assert!(get(&error, "field").is_null());
    }
    error
}

fn widget(inv: &Inventory) -> JsValue {
    inv.create(
        js(r#"{"name": "Widget", "sku": " ab-1 ", "price": "9.99", "stock": 10}"#),
        JsValue::UNDEFINED,
    )
    .expect("create")
}

#[wasm_bindgen_test]
fn create_returns_a_plain_product() {
    let inv = Inventory::in_memory();
    let p = widget(&inv);
    assert_eq!(
        keys(&p),
        [
            "id",
            "name",
            "sku",
            "price",
            "stock",
            "createdAt",
            "updatedAt",
            "version"
        ]
    );
    assert_eq!(text(&p, "sku"), "AB-1");
    assert_eq!(text(&p, "name"), "Widget");
    assert_eq!(text(&p, "price"), "9.99"); // a string, never a float
    assert_eq!(number(&p, "stock"), 10.0);
    assert_eq!(number(&p, "version"), 1.0);
    let id = text(&p, "id");
    assert_eq!(id.len(), 36);
    assert_eq!(id.as_bytes()[14], b'7'); // a time-ordered (v7) UUID
    let created = text(&p, "createdAt");
    assert!(created.ends_with('Z') && created.contains('T'), "{created}");
    let date = js_sys::Date::new(&created.clone().into());
    assert!(!date.get_time().is_nan(), "{created} is not a JS date");
    assert_eq!(text(&p, "updatedAt"), created);
    assert!(!is_inventory_error(p));
}

#[wasm_bindgen_test]
fn prices_are_exact_strings_and_numbers_are_checked() {
    let inv = Inventory::in_memory();
    let p = inv
        .create(
            js(r#"{"name": "A", "sku": "a", "price": 9.99}"#),
            JsValue::UNDEFINED,
        )
        .unwrap();
    assert_eq!(text(&p, "price"), "9.99");
    let p = inv
        .create(
            js(r#"{"name": "B", "sku": "b", "price": "12.5"}"#),
            JsValue::UNDEFINED,
        )
        .unwrap();
    assert_eq!(text(&p, "price"), "12.50");
    assert_eq!(number(&p, "stock"), 0.0);

    // 0.1 + 0.2 prints as 0.30000000000000004: refused, not rounded.
    let o = js(r#"{"name": "C", "sku": "c"}"#);
    Reflect::set(&o, &"price".into(), &JsValue::from_f64(0.1 + 0.2)).unwrap();
    let e = expect_error(
        inv.create(o, JsValue::UNDEFINED),
        "VALIDATION",
        Some("price"),
    );
    assert_eq!(
        text(&e, "message"),
        "price: must have at most 2 decimal places"
    );
    for bad in [r#""12.345""#, r#""1e3""#, r#""0""#, r#""-1""#, "true", "[]"] {
        let o = js(&format!(r#"{{"name": "C", "sku": "c", "price": {bad}}}"#));
        expect_error(
            inv.create(o, JsValue::UNDEFINED),
            "VALIDATION",
            Some("price"),
        );
    }
    let o = js(r#"{"name": "C", "sku": "c"}"#);
    Reflect::set(&o, &"price".into(), &JsValue::from_f64(f64::NAN)).unwrap();
    expect_error(
        inv.create(o, JsValue::UNDEFINED),
        "VALIDATION",
        Some("price"),
    );
    assert_eq!(inv.total_value().unwrap(), "0.00");
}

#[wasm_bindgen_test]
fn validation_errors_name_the_field_and_change_nothing() {
    let inv = Inventory::in_memory();
    let cases = [
        (
            r#"{"name": " ", "sku": "a", "price": "1"}"#,
            "name",
            "name: must not be blank",
        ),
        (
            r#"{"sku": "a", "price": "1"}"#,
            "name",
            "name: must not be blank",
        ),
        (
            r#"{"name": "A", "sku": "", "price": "1"}"#,
            "sku",
            "sku: must not be blank",
        ),
        (
            r#"{"name": "A", "sku": "a"}"#,
            "price",
            "price: must not be blank",
        ),
        (
            r#"{"name": 5, "sku": "a", "price": "1"}"#,
            "name",
            "name: must be a string",
        ),
        (
            r#"{"name": "A", "sku": "a", "price": "1", "stock": -1}"#,
            "stock",
            "stock: must be between 0 and 2147483647",
        ),
        (
            r#"{"name": "A", "sku": "a", "price": "1", "stock": 1.5}"#,
            "stock",
            "stock: must be a whole number",
        ),
        (
            r#"{"name": "A", "sku": "a", "price": "1", "stock": "5"}"#,
            "stock",
            "stock: must be a number",
        ),
        (
            r#"{"name": "A", "sku": "a", "price": "1", "stok": 5}"#,
            "stok",
            "stok: is not a property of product (expected name, sku, price, stock)",
        ),
        (
            r#"[1]"#,
            "product",
            "product: must be a plain object with name, sku, price, stock",
        ),
    ];
    for (input, field, message) in cases {
        let e = expect_error(
            inv.create(js(input), JsValue::UNDEFINED),
            "VALIDATION",
            Some(field),
        );
        assert_eq!(text(&e, "message"), message, "{input}");
    }
    // A Map, Date or Promise where an options object belongs is refused, not read as {}.
    let id = JsValue::from_str("67e55044-10b1-426f-9247-bb680e5fe0c8");
    let not_plain: [JsValue; 3] = [
        js_sys::Map::new().into(),
        js_sys::Date::new_0().into(),
        js_sys::Promise::resolve(&JsValue::NULL).into(),
    ];
    for value in not_plain {
        expect_error(
            inv.create(value.clone(), JsValue::UNDEFINED),
            "VALIDATION",
            Some("product"),
        );
        expect_error(inv.list(value.clone()), "VALIDATION", Some("options"));
        expect_error(
            inv.adjust_stock(id.clone(), (-1).into(), "sale".into(), value.clone()),
            "VALIDATION",
            Some("options"),
        );
    }
    // Plain objects from elsewhere are fine: no prototype at all.
    let bare: Object = Object::create(&JsValue::NULL.unchecked_into::<Object>());
    inv.list(bare.into()).unwrap();
    expect_error(
        inv.create(JsValue::UNDEFINED, JsValue::UNDEFINED),
        "VALIDATION",
        Some("product"),
    );
    let page = inv.list(JsValue::UNDEFINED).unwrap();
    assert_eq!(number(&page, "total"), 0.0);
    assert!(items(&inv.events_since(0.into(), JsValue::UNDEFINED).unwrap()).is_empty());
}

#[wasm_bindgen_test]
fn duplicate_and_missing_products() {
    let inv = Inventory::in_memory();
    let p = widget(&inv);
    let e = expect_error(
        inv.create(
            js(r#"{"name": "Other", "sku": "AB-1 ", "price": "1"}"#),
            JsValue::UNDEFINED,
        ),
        "DUPLICATE_SKU",
        Some("sku"),
    );
    assert_eq!(text(&e, "sku"), "AB-1");

    let id = get(&p, "id");
    assert_eq!(text(&inv.get(id.clone()).unwrap(), "sku"), "AB-1");
    assert_eq!(
        text(&inv.get_by_sku("ab-1".into()).unwrap(), "id"),
        text(&p, "id")
    );
    expect_error(inv.get_by_sku("zz".into()), "NOT_FOUND", None);
    expect_error(inv.get("not-a-uuid".into()), "VALIDATION", Some("id"));
    expect_error(inv.get(42.into()), "VALIDATION", Some("id"));
    let missing = "67e55044-10b1-426f-9247-bb680e5fe0c8";
    let e = expect_error(inv.get(missing.into()), "NOT_FOUND", None);
    assert!(text(&e, "message").contains(missing));

    inv.delete(id.clone(), JsValue::UNDEFINED).unwrap();
    expect_error(inv.get(id.clone()), "NOT_FOUND", None);
    expect_error(
        inv.delete(id.clone(), JsValue::UNDEFINED),
        "NOT_FOUND",
        None,
    );
    let history = items(&inv.history(id).unwrap());
    assert_eq!(text(history.last().unwrap(), "kind"), "deleted");
}

#[wasm_bindgen_test]
fn stock_moves_and_refusals() {
    let inv = Inventory::in_memory();
    let p = widget(&inv);
    let id = get(&p, "id");
    let p = inv
        .adjust_stock(
            id.clone(),
            (-3).into(),
            "Sale".into(),
            js(r#"{"reference": "order-42", "actor": "till-1"}"#),
        )
        .unwrap();
    assert_eq!(number(&p, "stock"), 7.0);
    assert_eq!(number(&p, "version"), 2.0);

    let e = expect_error(
        inv.adjust_stock(id.clone(), (-8).into(), "sale".into(), JsValue::UNDEFINED),
        "INSUFFICIENT_STOCK",
        Some("stock"),
    );
    assert_eq!(number(&e, "available"), 7.0);
    assert_eq!(number(&e, "requested"), 8.0);
    assert_eq!(
        text(&e, "message"),
        "stock: insufficient stock: 7 available, 8 requested"
    );

    let e = expect_error(
        inv.adjust_stock(
            id.clone(),
            2_147_483_647.into(),
            "restock".into(),
            JsValue::NULL,
        ),
        "STOCK_OVERFLOW",
        Some("stock"),
    );
    assert_eq!(number(&e, "current"), 7.0);
    assert_eq!(number(&e, "delta"), 2_147_483_647.0);

    for (delta, reason, options, field) in [
        (JsValue::from(0), "sale", JsValue::UNDEFINED, "delta"),
        (JsValue::from(1.5), "sale", JsValue::UNDEFINED, "delta"),
        (JsValue::from("1"), "sale", JsValue::UNDEFINED, "delta"),
        (JsValue::from(-1), " ", JsValue::UNDEFINED, "reason"),
        (
            JsValue::from(-1),
            "sale",
            js(r#"{"expected": -7}"#),
            "expected",
        ),
        (JsValue::from(-1), "sale", js(r#"{"expect": 7}"#), "expect"),
        (JsValue::from(-1), "sale", js(r#"{"actor": 7}"#), "actor"),
        (JsValue::from(-1), "sale", JsValue::from("x"), "options"),
    ] {
        expect_error(
            inv.adjust_stock(id.clone(), delta, reason.into(), options),
            "VALIDATION",
            Some(field),
        );
    }
    assert_eq!(number(&inv.get(id.clone()).unwrap(), "stock"), 7.0);

    // adjustStock with the stock the caller last saw: applied only while it still holds.
    let e = expect_error(
        inv.adjust_stock(
            id.clone(),
            (-1).into(),
            "sale".into(),
            js(r#"{"expected": 8}"#),
        ),
        "VERSION_CONFLICT",
        Some("stock"),
    );
    assert_eq!(number(&e, "expected"), 8.0);
    assert_eq!(number(&e, "actual"), 7.0);
    let p = inv
        .adjust_stock(
            id.clone(),
            (-1).into(),
            "sale".into(),
            js(r#"{"expected": 7}"#),
        )
        .unwrap();
    assert_eq!(number(&p, "stock"), 6.0);
    let p = inv
        .adjust_stock(id.clone(), 1.into(), "return".into(), JsValue::UNDEFINED)
        .unwrap();
    assert_eq!(number(&p, "stock"), 7.0);

    let p = inv
        .set_stock(
            id.clone(),
            40.into(),
            "correction".into(),
            js(r#"{"expected": 7, "actor": "stocktake"}"#),
        )
        .unwrap();
    assert_eq!(number(&p, "stock"), 40.0);
    let e = expect_error(
        inv.set_stock(
            id.clone(),
            5.into(),
            "correction".into(),
            js(r#"{"expected": 7}"#),
        ),
        "VERSION_CONFLICT",
        Some("stock"),
    );
    assert_eq!(number(&e, "expected"), 7.0);
    assert_eq!(number(&e, "actual"), 40.0);
    expect_error(
        inv.set_stock(
            id.clone(),
            (-1).into(),
            "correction".into(),
            JsValue::UNDEFINED,
        ),
        "VALIDATION",
        Some("quantity"),
    );
    assert_eq!(inv.total_value().unwrap(), "399.60");
    inv.check_ledger().unwrap();
}

#[wasm_bindgen_test]
fn update_with_versions() {
    let inv = Inventory::in_memory();
    let p = widget(&inv);
    let id = get(&p, "id");
    let p2 = inv
        .update(
            id.clone(),
            js(r#"{"name": "Widget v2", "price": "10.50", "expectedVersion": 1}"#),
            JsValue::UNDEFINED,
        )
        .unwrap();
    assert_eq!(text(&p2, "name"), "Widget v2");
    assert_eq!(text(&p2, "price"), "10.50");
    assert_eq!(number(&p2, "version"), 2.0);
    let e = expect_error(
        inv.update(
            id.clone(),
            js(r#"{"name": "X", "expectedVersion": 1}"#),
            JsValue::UNDEFINED,
        ),
        "VERSION_CONFLICT",
        Some("version"),
    );
    assert_eq!(number(&e, "expected"), 1.0);
    assert_eq!(number(&e, "actual"), 2.0);
    // A typo or a wrong field is refused, not ignored.
    expect_error(
        inv.update(id.clone(), js(r#"{"stok": 5}"#), JsValue::UNDEFINED),
        "VALIDATION",
        Some("stok"),
    );
    // Stock in a patch is a correction movement in the same call.
    let p3 = inv
        .update(id.clone(), js(r#"{"stock": 5}"#), JsValue::UNDEFINED)
        .unwrap();
    assert_eq!((number(&p3, "stock"), number(&p3, "version")), (5.0, 3.0));
    expect_error(
        inv.update(id.clone(), js(r#"{"stock": -1}"#), JsValue::UNDEFINED),
        "VALIDATION",
        Some("stock"),
    );
    expect_error(
        inv.update(id.clone(), js(r#"{"price": "0"}"#), JsValue::UNDEFINED),
        "VALIDATION",
        Some("price"),
    );
    expect_error(
        inv.update(
            id.clone(),
            js(r#"{"expectedVersion": -1}"#),
            JsValue::UNDEFINED,
        ),
        "VALIDATION",
        Some("expectedVersion"),
    );
    assert_eq!(text(&inv.get(id).unwrap(), "name"), "Widget v2");
}

#[wasm_bindgen_test]
fn list_filters_orders_and_pages() {
    let inv = Inventory::in_memory();
    let made = inv
        .create_many(
            js(r#"[
            {"name": "Nut", "sku": "n-1", "price": "0.10", "stock": 500},
            {"name": "Bolt", "sku": "b-1", "price": "0.25", "stock": 3},
            {"name": "Hammer", "sku": "h-1", "price": "12.00", "stock": 2},
            {"name": "Saw", "sku": "s-1", "price": "20.00", "stock": 9}
        ]"#),
            JsValue::UNDEFINED,
        )
        .unwrap();
    assert_eq!(items(&made).len(), 4);

    let page = inv
        .list(js(r#"{"lowStock": 5, "orderBy": "-price", "limit": 50}"#))
        .unwrap();
    assert_eq!(keys(&page), ["items", "nextCursor", "total"]);
    assert!(get(&page, "nextCursor").is_null());
    let skus: Vec<String> = items(&get(&page, "items"))
        .iter()
        .map(|p| text(p, "sku"))
        .collect();
    assert_eq!(skus, ["H-1", "B-1"]);
    assert_eq!(number(&page, "total"), 2.0);

    // Keyset pagination: follow nextCursor until it is null.
    let mut seen = Vec::new();
    let mut cursor = JsValue::NULL;
    loop {
        let options = js(r#"{"orderBy": "sku", "limit": 3}"#);
        Reflect::set(&options, &"cursor".into(), &cursor).unwrap();
        let page = inv.list(options).unwrap();
        seen.extend(items(&get(&page, "items")).iter().map(|p| text(p, "sku")));
        cursor = get(&page, "nextCursor");
        if cursor.is_null() {
            break;
        }
        assert!(cursor.is_string());
    }
    assert_eq!(seen, ["B-1", "H-1", "N-1", "S-1"]);

    let page = inv
        .list(js(
            r#"{"nameContains": "AMM", "minPrice": "1", "maxPrice": 15}"#,
        ))
        .unwrap();
    assert_eq!(number(&page, "total"), 1.0);

    // Price bounds follow the core's bound rules: 0 and amounts above the highest price are
    // fine, negative bounds and a third decimal place are not (named as the JS option).
    for (options, total) in [
        (r#"{"minPrice": "0"}"#, 4.0),
        (r#"{"minPrice": 0, "maxPrice": 1e12}"#, 4.0),
        (r#"{"maxPrice": "100000000.00"}"#, 4.0),
        (r#"{"minPrice": "100000000"}"#, 0.0),
    ] {
        assert_eq!(
            number(&inv.list(js(options)).unwrap(), "total"),
            total,
            "{options}"
        );
    }
    for (options, field) in [
        (r#"{"minPrice": "-1"}"#, "minPrice"),
        (r#"{"maxPrice": "0.001"}"#, "maxPrice"),
        (r#"{"maxPrice": "1e3"}"#, "maxPrice"),
        (r#"{"minPrice": -0.5}"#, "minPrice"),
        (r#"{"minPrice": true}"#, "minPrice"),
    ] {
        expect_error(inv.list(js(options)), "VALIDATION", Some(field));
    }

    let e = expect_error(
        inv.list(js(r#"{"orderBy": "colour"}"#)),
        "VALIDATION",
        Some("orderBy"),
    );
    assert!(text(&e, "message").starts_with("orderBy: must be one of"));
    expect_error(inv.list(js(r#"{"limit": 0}"#)), "VALIDATION", Some("limit"));
    expect_error(
        inv.list(js(r#"{"limit": 1e12}"#)),
        "VALIDATION",
        Some("limit"),
    );
    expect_error(
        inv.list(js(r#"{"cursor": "zz"}"#)),
        "VALIDATION",
        Some("cursor"),
    );
    expect_error(
        inv.list(js(r#"{"low_stock": 5}"#)),
        "VALIDATION",
        Some("low_stock"),
    );

    // All or nothing: the second product is refused, so neither is created.
    expect_error(
        inv.create_many(js(r#"[{"name": "Ok", "sku": "ok", "price": "1"}, {"name": "Bad", "sku": "n-1", "price": "1"}]"#), JsValue::UNDEFINED),
        "DUPLICATE_SKU",
        Some("sku"),
    );
    expect_error(
        inv.create_many(js("{}"), JsValue::UNDEFINED),
        "VALIDATION",
        Some("products"),
    );
    let e = expect_error(
        inv.create_many(js(r#"[{"name": "Ok", "sku": "ok2", "price": "1"}, {"name": "Bad", "sku": "b", "price": "0"}]"#), JsValue::UNDEFINED),
        "VALIDATION",
        Some("items[1].price"),
    );
    assert_eq!(
        text(&e, "message"),
        "items[1].price: must be greater than 0"
    );
    assert_eq!(number(&inv.list(JsValue::UNDEFINED).unwrap(), "total"), 4.0);
    assert_eq!(inv.total_value().unwrap(), "254.75");
}

#[wasm_bindgen_test]
fn ledger_events_are_plain_objects() {
    let inv = Inventory::in_memory();
    let p = widget(&inv);
    let id = get(&p, "id");
    inv.adjust_stock(
        id.clone(),
        (-3).into(),
        "sale".into(),
        js(r#"{"reference": "order-7"}"#),
    )
    .unwrap();
    inv.update(id.clone(), js(r#"{"price": "10.50"}"#), JsValue::UNDEFINED)
        .unwrap();

    let history = items(&inv.history(id.clone()).unwrap());
    assert_eq!(history.len(), 3);
    let created = &history[0];
    assert_eq!(
        keys(created),
        [
            "seq",
            "id",
            "replica",
            "at",
            "productId",
            "kind",
            "sku",
            "location",
            "delta",
            "stockBefore",
            "stockAfter",
            "reason",
            "reference",
            "actor",
            "transferId",
            "holdId",
            "quantity",
            "expiresAt",
            "idempotencyKey",
            "changes"
        ]
    );
    assert_eq!(text(created, "kind"), "created");
    assert_eq!(text(created, "productId"), text(&p, "id"));
    assert_eq!(number(created, "delta"), 10.0);
    assert_eq!(text(created, "reason"), "initial");
    assert_eq!(text(created, "location"), "DEFAULT");
    assert_eq!(text(created, "replica"), inv.replica_id().unwrap());
    assert!(get(created, "reference").is_null());

    let sale = &history[1];
    assert_eq!(text(sale, "kind"), "stock_changed");
    assert_eq!(number(sale, "delta"), -3.0);
    assert_eq!(number(sale, "stockBefore"), 10.0);
    assert_eq!(number(sale, "stockAfter"), 7.0);
    assert_eq!(text(sale, "reference"), "order-7");
    assert!(get(sale, "actor").is_null());

    let repriced = &history[2];
    assert_eq!(text(repriced, "kind"), "updated");
    assert!(get(repriced, "delta").is_null());
    let changes = items(&get(repriced, "changes"));
    assert_eq!(changes.len(), 1);
    assert_eq!(text(&changes[0], "field"), "price");
    assert_eq!(text(&changes[0], "before"), "9.99");
    assert_eq!(text(&changes[0], "after"), "10.50");

    let all = items(&inv.events_since(0.into(), JsValue::UNDEFINED).unwrap());
    assert_eq!(all.len(), 3);
    let after_first = items(&inv.events_since(get(&all[0], "seq"), 1.into()).unwrap());
    assert_eq!(after_first.len(), 1);
    assert_eq!(text(&after_first[0], "kind"), "stock_changed");
    expect_error(
        inv.events_since((-1).into(), JsValue::UNDEFINED),
        "VALIDATION",
        Some("since"),
    );
    expect_error(
        inv.events_since(0.into(), 0.into()),
        "VALIDATION",
        Some("limit"),
    );
    expect_error(
        inv.history("67e55044-10b1-426f-9247-bb680e5fe0c8".into()),
        "NOT_FOUND",
        None,
    );
}

#[wasm_bindgen_test]
fn export_and_import_keep_everything() {
    let inv = Inventory::in_memory();
    let p = widget(&inv);
    let id = get(&p, "id");
    inv.adjust_stock(id.clone(), (-4).into(), "sale".into(), JsValue::UNDEFINED)
        .unwrap();
    let snapshot = inv.export().unwrap();
    assert!(JSON::parse(&snapshot).is_ok());

    let again = Inventory::import(snapshot.clone().into()).unwrap();
    assert_eq!(again.export().unwrap(), snapshot);
    let q = again.get(id.clone()).unwrap();
    assert_eq!(number(&q, "stock"), 6.0);
    assert_eq!(text(&q, "price"), "9.99");
    assert_eq!(items(&again.history(id.clone()).unwrap()).len(), 2);
    // The copy is independent of the original.
    again
        .adjust_stock(id.clone(), (-1).into(), "sale".into(), JsValue::UNDEFINED)
        .unwrap();
    assert_eq!(number(&inv.get(id).unwrap(), "stock"), 6.0);

    // A bad snapshot is refused whole.
    let e = expect_error(
        Inventory::import("{".into()),
        "VALIDATION",
        Some("snapshot"),
    );
    assert!(text(&e, "message").starts_with("snapshot: is not valid JSON"));
    expect_error(Inventory::import(5.into()), "VALIDATION", Some("snapshot"));
    let tampered = snapshot.replacen("\"stock\":6", "\"stock\":60", 1);
    assert_ne!(tampered, snapshot);
    let e = expect_error(
        Inventory::import(tampered.into()),
        "VALIDATION",
        Some("snapshot"),
    );
    assert!(
        text(&e, "message").contains("differs from the sum of its movements"),
        "{}",
        text(&e, "message")
    );
}

#[wasm_bindgen_test]
fn a_closed_inventory_refuses_every_call() {
    let inv = Inventory::in_memory();
    inv.create(
        js(r#"{"name": "A", "sku": "a", "price": "1"}"#),
        JsValue::UNDEFINED,
    )
    .unwrap();
    assert!(!inv.closed());
    inv.close();
    assert!(inv.closed());
    let e = expect_error(inv.list(JsValue::UNDEFINED), "STORAGE", None);
    assert_eq!(text(&e, "kind"), "CLOSED");
    expect_error(
        inv.create(
            js(r#"{"name": "B", "sku": "b", "price": "1"}"#),
            JsValue::UNDEFINED,
        ),
        "STORAGE",
        None,
    );
}
