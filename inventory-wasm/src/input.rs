//! JavaScript values in, core types out. Only types are converted here: every rule (blank
//! names, SKU normalisation, price places, stock range, …) is the core's, and so are the messages.
//! What a JS caller can get wrong that Rust's types rule out (a number where a string belongs, an
//! unknown option) is reported as a `VALIDATION` error naming the field.

use inventory_core::{
    Decimal, HoldStatus, Inventory, InventoryError, Movement, NewHold, NewProduct, ProductPatch,
    Query, QueryInput, Result, StockChange, Uuid, count_from_i64, integer_from_f64, limit_from_i64,
    parse_id, parse_price, parse_time, price_from_f64, quantity_from_i64, stock_from_i64,
};
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use crate::error::camel_case_field;

fn invalid(field: &str, message: impl Into<String>) -> InventoryError {
    InventoryError::validation(field, message)
}

/// `undefined` and `null` both mean "not given".
fn given(value: &JsValue) -> Option<&JsValue> {
    (!value.is_undefined() && !value.is_null()).then_some(value)
}

/// A string argument or property.
pub(crate) fn string(field: &str, value: &JsValue) -> Result<String> {
    value
        .as_string()
        .ok_or_else(|| invalid(field, "must be a string"))
}

/// A boolean property.
fn boolean(field: &str, value: &JsValue) -> Result<bool> {
    value
        .as_bool()
        .ok_or_else(|| invalid(field, "must be true or false"))
}

/// A number argument or property that must be a whole number (the core's rule).
pub(crate) fn integer(field: &str, value: &JsValue) -> Result<i64> {
    let number = value
        .as_f64()
        .ok_or_else(|| invalid(field, "must be a number"))?;
    integer_from_f64(field, number)
}

/// A whole number of 0 or more (a sequence number, a version, an offset).
pub(crate) fn unsigned(field: &str, value: &JsValue) -> Result<u64> {
    count_from_i64(field, integer(field, value)?)
}

/// A stock quantity (0 to the maximum stock).
pub(crate) fn stock(field: &str, value: &JsValue) -> Result<u32> {
    stock_from_i64(field, integer(field, value)?)
}

/// A product id, given as its UUID string.
pub(crate) fn id(value: &JsValue) -> Result<Uuid> {
    parse_id(&string("id", value)?)
}

/// A price filter bound (`minPrice`, `maxPrice`) as the text the core parses: a decimal string,
/// or a JS number as it prints.
fn price_bound(field: &str, value: &JsValue) -> Result<String> {
    if let Some(text) = value.as_string() {
        Ok(text)
    } else if let Some(number) = value.as_f64() {
        // Rust prints an f64 as the shortest text that reads back as the same number, as JS's
        // `String(n)` does, but never with an exponent; NaN and infinities print as words the
        // core refuses.
        Ok(format!("{number}"))
    } else {
        Err(invalid(
            field,
            "must be a decimal string such as \"9.99\" (or a number)",
        ))
    }
}

/// A price: a decimal string (`"9.99"`), or a JS number that prints with at most 2 decimals.
/// Errors name `field` (the core names `price`).
fn price(field: &str, value: &JsValue) -> Result<Decimal> {
    let parsed = if let Some(text) = value.as_string() {
        parse_price(&text)
    } else if let Some(number) = value.as_f64() {
        price_from_f64(number)
    } else {
        return Err(invalid(
            field,
            "must be a decimal string such as \"9.99\" (or a number)",
        ));
    };
    parsed.map_err(|e| match e {
        InventoryError::Validation { message, .. } => invalid(field, message),
        other => other,
    })
}

/// A plain options object: its properties read one by one, with unknown keys refused (a typo
/// such as `{ stok: 5 }` must not be silently ignored).
pub(crate) struct Options {
    object: Object,
}

/// Whether `value` is a plain object (`{ … }`, `Object.create(null)`, or one from another realm
/// such as an iframe or a `vm` context): its prototype is `null` or an `Object.prototype`. A
/// `Map`, `Date`, `Promise`, array, function or class instance is not, and is refused rather
/// than read as `{}`.
fn is_plain_object(value: &JsValue) -> bool {
    if !value.is_object() || value.is_function() || Array::is_array(value) {
        return false;
    }
    let proto = Object::get_prototype_of(value);
    if proto.is_null() {
        return true;
    }
    // An Object.prototype is the one object whose own prototype is null.
    Object::get_prototype_of(&proto).is_null()
}

impl Options {
    /// `value` must be an object whose own keys are all in `known`; `what` names it in errors.
    pub(crate) fn new(what: &str, value: &JsValue, known: &[&str]) -> Result<Self> {
        if !is_plain_object(value) {
            return Err(invalid(
                what,
                format!("must be a plain object with {}", known.join(", ")),
            ));
        }
        let object: Object = value.clone().unchecked_into();
        for key in Object::keys(&object).iter() {
            let key = key.as_string().unwrap_or_default();
            if !known.contains(&key.as_str()) {
                return Err(invalid(
                    &key,
                    format!(
                        "is not a property of {what} (expected {})",
                        known.join(", ")
                    ),
                ));
            }
        }
        Ok(Self { object })
    }

    /// Like [`Options::new`], but `undefined` or `null` is an empty object.
    pub(crate) fn optional(what: &str, value: &JsValue, known: &[&str]) -> Result<Self> {
        match given(value) {
            None => Ok(Self {
                object: Object::new(),
            }),
            Some(value) => Self::new(what, value, known),
        }
    }

    /// The property `key`, unless it is missing, `undefined` or `null`.
    fn get(&self, key: &str) -> Result<Option<JsValue>> {
        let value = Reflect::get(&self.object, &JsValue::from_str(key))
            .map_err(|_| invalid(key, "could not be read"))?;
        Ok(given(&value).cloned())
    }

    fn with<T>(
        &self,
        key: &str,
        convert: impl FnOnce(&str, &JsValue) -> Result<T>,
    ) -> Result<Option<T>> {
        self.get(key)?.map(|v| convert(key, &v)).transpose()
    }
}

/// `{ name, sku, price, stock? }`. A missing name, SKU or price reads as blank, so the core's
/// "must not be blank" is the message.
pub(crate) fn new_product(value: &JsValue) -> Result<NewProduct> {
    let o = Options::new("product", value, &["name", "sku", "price", "stock"])?;
    let name = o.with("name", string)?.unwrap_or_default();
    let sku = o.with("sku", string)?.unwrap_or_default();
    let price = match o.get("price")? {
        Some(v) => price("price", &v)?,
        None => parse_price("")?,
    };
    let stock = o.with("stock", stock)?.unwrap_or(0);
    Ok(NewProduct::new(name, sku, price).with_stock(stock))
}

/// `{ code, name }`. A missing code or name reads as blank, so the core's message is the one.
pub(crate) fn new_location(value: &JsValue) -> Result<(String, String)> {
    let o = Options::new("location", value, &["code", "name"])?;
    Ok((
        o.with("code", string)?.unwrap_or_default(),
        o.with("name", string)?.unwrap_or_default(),
    ))
}

/// An array of `{ name, sku, price, stock? }`.
pub(crate) fn new_products(value: &JsValue) -> Result<Vec<NewProduct>> {
    if !Array::is_array(value) {
        return Err(invalid("products", "must be an array of products"));
    }
    let array: &Array = value.unchecked_ref();
    array
        .iter()
        .enumerate()
        .map(|(i, item)| new_product(&item).map_err(|e| e.in_item(i)))
        .collect()
}

/// `{ name?, sku?, price?, stock?, expectedVersion? }`.
pub(crate) fn patch(value: &JsValue) -> Result<ProductPatch> {
    let o = Options::new(
        "patch",
        value,
        &["name", "sku", "price", "stock", "expectedVersion"],
    )?;
    Ok(ProductPatch {
        name: o.with("name", string)?,
        sku: o.with("sku", string)?,
        price: o.with("price", price)?,
        stock: o.with("stock", stock)?,
        expected_version: o.with("expectedVersion", unsigned)?,
    })
}

/// A reason and `{ reference?, actor?, location?, expected?, idempotencyKey? }`: the change,
/// and the inventory to make it on (keyed when a key is given).
pub(crate) fn stock_change(
    inv: &Inventory,
    reason: &JsValue,
    options: &JsValue,
) -> Result<(Inventory, StockChange)> {
    let reason = string("reason", reason)?;
    let o = Options::optional(
        "options",
        options,
        &[
            "reference",
            "actor",
            "location",
            "expected",
            "idempotencyKey",
        ],
    )?;
    let change = StockChange::from_input(
        reason,
        o.with("reference", string)?,
        o.with("actor", string)?,
        o.with("location", string)?,
        o.with("expected", integer)?,
    )?;
    Ok((keyed_by(inv, &o)?, change))
}

/// The inventory, keyed by the `idempotencyKey` of `o` when it has one.
fn keyed_by(inv: &Inventory, o: &Options) -> Result<Inventory> {
    inv.idempotent(o.with("idempotencyKey", string)?.as_deref())
        .map_err(camel_case_field)
}

/// `{ idempotencyKey? }`, the options of a mutation that takes no others: the inventory to make
/// it on.
pub(crate) fn keyed(inv: &Inventory, options: &JsValue) -> Result<Inventory> {
    keyed_by(
        inv,
        &Options::optional("options", options, &["idempotencyKey"])?,
    )
}

/// `transfer`'s `{ fromLocation, toLocation, reason?, reference?, actor?, expected?,
/// idempotencyKey? }`.
pub(crate) fn transfer(
    inv: &Inventory,
    options: &JsValue,
) -> Result<(Inventory, String, String, StockChange)> {
    let o = Options::new(
        "options",
        options,
        &[
            "fromLocation",
            "toLocation",
            "reason",
            "reference",
            "actor",
            "expected",
            "idempotencyKey",
        ],
    )?;
    let change = StockChange::from_input(
        o.with("reason", string)?
            .unwrap_or_else(|| inventory_core::reason::TRANSFER.into()),
        o.with("reference", string)?,
        o.with("actor", string)?,
        None,
        o.with("expected", integer)?,
    )?;
    Ok((
        keyed_by(inv, &o)?,
        o.with("fromLocation", string)?.unwrap_or_default(),
        o.with("toLocation", string)?.unwrap_or_default(),
        change,
    ))
}

/// One movement of a batch: `{ type: "adjust", productId, delta, reason, … }`, `{ type:
/// "count", productId, quantity, reason?, … }` or `{ type: "transfer", productId, quantity,
/// fromLocation, toLocation, reason?, … }`.
fn movement(value: &JsValue) -> Result<Movement> {
    const COMMON: [&str; 7] = [
        "type",
        "productId",
        "reason",
        "reference",
        "actor",
        "expected",
        "location",
    ];
    let kind = if is_plain_object(value) {
        Reflect::get(value, &JsValue::from_str("type"))
            .ok()
            .and_then(|t| t.as_string())
            .unwrap_or_default()
    } else {
        String::new()
    };
    let (amount, extra): (&str, &[&str]) = match kind.as_str() {
        "adjust" => ("delta", &[]),
        "count" => ("quantity", &[]),
        "transfer" => ("quantity", &["fromLocation", "toLocation"]),
        _ => {
            return Err(invalid(
                "type",
                "must be \"adjust\", \"count\" or \"transfer\"",
            ));
        }
    };
    let known: Vec<&str> = COMMON
        .iter()
        .copied()
        .filter(|k| kind != "transfer" || *k != "location")
        .chain([amount])
        .chain(extra.iter().copied())
        .collect();
    let o = Options::new("movement", value, &known)?;
    let id = parse_id(&o.with("productId", string)?.unwrap_or_default()).map_err(|e| match e {
        InventoryError::Validation { message, .. } => invalid("productId", message),
        other => other,
    })?;
    // A count's and a transfer's reason default to their kind's (Movement::from_input).
    let change = StockChange::from_input(
        o.with("reason", string)?.unwrap_or_default(),
        o.with("reference", string)?,
        o.with("actor", string)?,
        o.with("location", string)?,
        o.with("expected", integer)?,
    )?;
    let n = o
        .with(amount, integer)?
        .ok_or_else(|| invalid(amount, "is required"))?;
    Movement::from_input(
        &kind,
        id,
        n,
        o.with("fromLocation", string)?,
        o.with("toLocation", string)?,
        change,
    )
}

/// An array of movements; an error names the movement (`movements[2].delta`).
pub(crate) fn movements(value: &JsValue) -> Result<Vec<Movement>> {
    if !Array::is_array(value) {
        return Err(invalid("movements", "must be an array of movements"));
    }
    let array: &Array = value.unchecked_ref();
    array
        .iter()
        .enumerate()
        .map(|(i, m)| movement(&m).map_err(|e| e.in_list("movements", i)))
        .collect()
}

/// `setReorderPoint`'s `{ location?, idempotencyKey? }`.
pub(crate) fn reorder_options(
    inv: &Inventory,
    options: &JsValue,
) -> Result<(Inventory, Option<String>)> {
    let o = Options::optional("options", options, &["location", "idempotencyKey"])?;
    Ok((keyed_by(inv, &o)?, o.with("location", string)?))
}

/// A reorder point: a stock quantity, or `null` to clear it.
pub(crate) fn reorder_point(value: &JsValue) -> Result<Option<u32>> {
    given(value).map(|v| stock("reorderPoint", v)).transpose()
}

/// `{ nameContains?, skuPrefix?, lowStock?, minPrice?, maxPrice?, orderBy?, limit?, cursor?,
/// offset? }`, read into the core's [`QueryInput`]: its rules name the fields in snake_case,
/// renamed to the options' camelCase.
pub(crate) fn query(value: &JsValue) -> Result<Query> {
    let o = Options::optional(
        "options",
        value,
        &[
            "nameContains",
            "skuPrefix",
            "lowStock",
            "minPrice",
            "maxPrice",
            "orderBy",
            "limit",
            "cursor",
            "offset",
            "belowReorderPoint",
            "location",
            "withTotal",
        ],
    )?;
    QueryInput {
        name_contains: o.with("nameContains", string)?,
        sku_prefix: o.with("skuPrefix", string)?,
        low_stock: o.with("lowStock", integer)?,
        min_price: o.with("minPrice", price_bound)?,
        max_price: o.with("maxPrice", price_bound)?,
        order_by: o.with("orderBy", string)?,
        limit: o.with("limit", integer)?,
        cursor: o.with("cursor", string)?,
        offset: o.with("offset", integer)?,
        below_reorder_point: o.with("belowReorderPoint", boolean)?.unwrap_or(false),
        location: o.with("location", string)?,
        with_total: o.with("withTotal", boolean)?,
    }
    .parse()
    .map_err(camel_case_field)
}

/// An optional page size for `eventsSince` (the core's default when not given).
pub(crate) fn events_limit(value: &JsValue) -> Result<Option<u32>> {
    given(value)
        .map(|v| Ok(limit_from_i64(integer("limit", v)?)))
        .transpose()
}

/// A number property that may have a fraction (seconds).
fn number(field: &str, value: &JsValue) -> Result<f64> {
    value
        .as_f64()
        .ok_or_else(|| invalid(field, "must be a number"))
}

/// A hold id, given as its UUID string.
pub(crate) fn hold_id(value: &JsValue) -> Result<Uuid> {
    let text = string("holdId", value)?;
    parse_id(&text).map_err(|e| match e {
        InventoryError::Validation { message, .. } => invalid("holdId", message),
        other => other,
    })
}

/// `reserve`'s `(quantity, { location?, expiresIn?, expiresAt?, reference?, actor?,
/// idempotencyKey? })`: the inventory to hold on, and the request.
pub(crate) fn new_hold(
    inv: &Inventory,
    product_id: Uuid,
    quantity: &JsValue,
    options: &JsValue,
) -> Result<(Inventory, NewHold)> {
    let quantity = integer("quantity", quantity)?;
    let o = Options::optional(
        "options",
        options,
        &[
            "location",
            "expiresIn",
            "expiresAt",
            "reference",
            "actor",
            "idempotencyKey",
        ],
    )?;
    let expires_at = o
        .with("expiresAt", string)?
        .map(|t| parse_time("expiresAt", &t))
        .transpose()?;
    let new = NewHold::from_input(
        product_id,
        quantity,
        o.with("location", string)?,
        o.with("expiresIn", number)?,
        expires_at,
        o.with("reference", string)?,
        o.with("actor", string)?,
    )
    .map_err(camel_case_field)?;
    Ok((keyed_by(inv, &o)?, new))
}

/// `commitHold`'s `{ quantity?, reason?, reference?, actor?, idempotencyKey? }` (the reason
/// defaults to `sale`).
pub(crate) fn commit(
    inv: &Inventory,
    options: &JsValue,
) -> Result<(Inventory, Option<u32>, StockChange)> {
    let o = Options::optional(
        "options",
        options,
        &["quantity", "reason", "reference", "actor", "idempotencyKey"],
    )?;
    let quantity = o
        .with("quantity", integer)?
        .map(|q| quantity_from_i64("quantity", q))
        .transpose()?;
    let change = StockChange::from_input(
        o.with("reason", string)?
            .unwrap_or_else(|| inventory_core::reason::SALE.into()),
        o.with("reference", string)?,
        o.with("actor", string)?,
        None,
        None,
    )?;
    Ok((keyed_by(inv, &o)?, quantity, change))
}

/// `holds`' `{ status? }`: a status, `"all"` for every hold; the active ones by default.
pub(crate) fn hold_status(options: &JsValue) -> Result<Option<HoldStatus>> {
    let o = Options::optional("options", options, &["status"])?;
    match o.with("status", string)? {
        None => Ok(Some(HoldStatus::Active)),
        Some(s) if s == "all" => Ok(None),
        Some(s) => HoldStatus::parse(&s, "status").map(Some).map_err(|_| {
            invalid(
                "status",
                "must be active, committed, released, expired or all",
            )
        }),
    }
}
