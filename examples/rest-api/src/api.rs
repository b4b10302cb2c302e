//! The endpoints. Each handler reads the request, makes one library call (on a blocking thread:
//! SQLite calls block) and writes the result as Django REST Framework would.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use inventory_core::chrono::{DateTime, Utc};
use inventory_core::{
    Event, Inventory, InventoryError, NewProduct, Product, ProductFields, ProductPatch, QueryInput,
    StockChange, Uuid, count_from_i64, limit_from_i64,
};
use serde::Serialize;
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::guard::Scheme;
use crate::input::{Fields, JsonObject, Need};

/// Products per page, as in the original.
pub const PAGE_SIZE: u32 = 50;

type Answer = Result<Response, ApiError>;

/// Runs a library call on tokio's blocking pool and maps its error.
pub(crate) async fn run<T: Send + 'static>(
    inv: &Inventory,
    operation: &'static str,
    call: impl FnOnce(&Inventory) -> inventory_core::Result<T> + Send + 'static,
) -> Result<T, ApiError> {
    let inv = inv.clone();
    let joined = tokio::task::spawn_blocking(move || {
        let started = std::time::Instant::now();
        let result = call(&inv);
        crate::metrics::store_call(operation, started.elapsed().as_secs_f64());
        result
    })
    .await;
    joined
        .map_err(|e| InventoryError::storage(format!("the task failed: {e}")))?
        .map_err(ApiError::from)
}

/// A product id from the path: anything that is not a UUID is simply not found, as in DRF.
pub(crate) fn product_id(raw: &str) -> Result<Uuid, ApiError> {
    inventory_core::parse_id(raw).map_err(|_| ApiError::not_found())
}

// ---- products: the original API ----

/// `GET /api/`: DRF's API root, a link to each collection.
pub async fn root(headers: HeaderMap, uri: Uri, scheme: Option<Extension<Scheme>>) -> Answer {
    let base = origin(&headers, &uri, scheme);
    Ok(Json(json!({
        "products": format!("{base}/api/products/"),
        "locations": format!("{base}/api/locations/"),
        "movements": format!("{base}/api/movements/"),
        "events": format!("{base}/api/events/"),
    }))
    .into_response())
}

/// `GET /api/products/`: filters, ordering, and page-number (or cursor) pagination.
pub async fn list(
    State(inv): State<Inventory>,
    headers: HeaderMap,
    uri: Uri,
    scheme: Option<Extension<Scheme>>,
) -> Answer {
    let params = Params::new(&uri);
    let int = |name: &str| params.get(name).map(|v| int_param(name, &v)).transpose();
    let input = QueryInput {
        name_contains: params.get("search"),
        sku_prefix: params.get("sku_prefix"),
        low_stock: int("low_stock")?,
        min_price: params.get("min_price"),
        max_price: params.get("max_price"),
        order_by: params.get("ordering"),
        limit: Some(PAGE_SIZE.into()),
        cursor: params.get("cursor"),
        offset: None,
        below_reorder_point: match params.get("below_reorder_point").as_deref() {
            None | Some("" | "false" | "False" | "0") => false,
            Some("true" | "True" | "1") => true,
            Some(_) => {
                return Err(ApiError::field(
                    "below_reorder_point",
                    "Must be a valid boolean.",
                ));
            }
        },
        location: params.get("location"),
        // DRF's page-number pagination answers `count`: always counted (free without filters).
        with_total: None,
    };
    // The core names its own fields; the query string says `search` and `ordering`.
    let mut query = input.parse().map_err(|e| match e {
        InventoryError::Validation { field, message } => {
            let param = match field.as_str() {
                "order_by" => "ordering",
                "name_contains" => "search",
                other => other,
            };
            ApiError::field(param, message)
        }
        other => other.into(),
    })?;

    let invalid_page = || ApiError::detail(StatusCode::NOT_FOUND, "Invalid page.");
    // DRF: an empty `page=` is page 1, `page=last` the last page (found from the count).
    let requested = params.get("page").filter(|p| !p.trim().is_empty());
    let page: u64 = match (requested, &query.cursor) {
        (Some(_), Some(_)) => {
            return Err(ApiError::field("page", "cannot be combined with cursor"));
        }
        (Some(p), None) if p.trim() == "last" => {
            let mut count = query.clone();
            count.limit = Some(1);
            let total = run(&inv, "list", move |inv| inv.list(&count))
                .await?
                .total
                .unwrap_or(0);
            total.div_ceil(PAGE_SIZE.into()).max(1)
        }
        (Some(p), None) => p
            .trim()
            .parse()
            .ok()
            .filter(|p| *p >= 1)
            .ok_or_else(invalid_page)?,
        (None, _) => 1,
    };
    let offset = (page - 1)
        .checked_mul(PAGE_SIZE.into())
        .ok_or_else(invalid_page)?;
    query.offset = Some(offset);
    let cursor_mode = query.cursor.is_some();
    let found = run(&inv, "list", move |inv| inv.list(&query)).await?;
    if page > 1 && found.items.is_empty() {
        return Err(invalid_page());
    }

    let base = origin(&headers, &uri, scheme);
    let link = |key: &str, value: Option<String>| params.link(&base, &uri, key, value);
    let (next, previous) = if cursor_mode {
        (found.next_cursor.map(|c| link("cursor", Some(c))), None)
    } else {
        let more = offset + (found.items.len() as u64) < found.total.unwrap_or(0);
        let next = more.then(|| link("page", Some((page + 1).to_string())));
        // DRF links page 1 without `page=`.
        let previous = (page > 1).then(|| link("page", (page > 2).then(|| (page - 1).to_string())));
        (next, previous)
    };
    let results = found.items.iter().map(ProductJson::from).collect();
    let body = PageJson {
        count: found.total.unwrap_or(0),
        next,
        previous,
        results,
    };
    Ok(Json(body).into_response())
}

/// The inventory a write runs on: keyed by the request's `Idempotency-Key` header when it has
/// one (the IETF httpapi draft's header), so a retried request applies once and answers what the
/// first answered.
pub(crate) fn keyed(inv: &Inventory, headers: &HeaderMap) -> Result<Inventory, ApiError> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(inv.clone());
    };
    let key = value.to_str().map_err(|_| {
        ApiError::field(
            "Idempotency-Key",
            "idempotency_key: must be printable ASCII text",
        )
    })?;
    inv.idempotent(key).map_err(|e| match e {
        InventoryError::Validation { message, .. } => ApiError::field("Idempotency-Key", message),
        other => other.into(),
    })
}

/// `POST /api/products/`: 201 and the product.
pub async fn create(
    State(inv): State<Inventory>,
    headers: HeaderMap,
    JsonObject(body): JsonObject,
) -> Answer {
    let inv = keyed(&inv, &headers)?;
    let mut f = Fields::new(body);
    let name = f.text("name", Need::Required);
    let sku = f.text("sku", Need::Required);
    let price = f.price(Need::Required);
    let stock = f.stock("stock", Need::Optional);
    // Every field's rule at once, so that all bad fields are reported together.
    f.check_all(
        ProductFields {
            name: name.as_deref(),
            sku: sku.as_deref(),
            ..ProductFields::default()
        }
        .check(),
    );
    f.finish()?;
    let new = NewProduct::new(
        name.unwrap_or_default(),
        sku.unwrap_or_default(),
        price.unwrap_or_default(),
    )
    .with_stock(stock.unwrap_or(0));
    let product = run(&inv, "create", move |inv| inv.create(new)).await?;
    Ok(product_response(StatusCode::CREATED, &product))
}

/// `GET /api/products/{id}/`, with the product's version as its `ETag`.
pub async fn retrieve(State(inv): State<Inventory>, Path(id): Path<String>) -> Answer {
    let id = product_id(&id)?;
    let product = run(&inv, "get", move |inv| inv.get(id)).await?;
    Ok(product_response(StatusCode::OK, &product))
}

/// `PUT /api/products/{id}/`: name, sku and price required; stock optional.
pub async fn replace(
    State(inv): State<Inventory>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<JsonObject, ApiError>,
) -> Answer {
    update(inv, &id, &headers, body, Need::Required).await
}

/// `PATCH /api/products/{id}/`: any of name, sku, price, stock.
pub async fn modify(
    State(inv): State<Inventory>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<JsonObject, ApiError>,
) -> Answer {
    update(inv, &id, &headers, body, Need::Optional).await
}

/// PUT and PATCH: one core call, so fields and stock commit together. A `stock` that differs
/// from the current one is recorded as a `correction` movement (see `ProductPatch`). With
/// `If-Match: "<version>"`, a product changed since is 412.
async fn update(
    inv: Inventory,
    id: &str,
    headers: &HeaderMap,
    body: Result<JsonObject, ApiError>,
    need: Need,
) -> Answer {
    let id = product_id(id)?;
    let expected_version = if_match(headers)?;
    let inv = keyed(&inv, headers)?;
    let patch = fields_or_404(&inv, id, body, |f| {
        let patch = ProductPatch {
            name: f.text("name", need),
            sku: f.text("sku", need),
            price: f.price(need),
            stock: f.stock("stock", Need::Optional),
            expected_version,
        };
        f.check_all(
            ProductFields {
                name: patch.name.as_deref(),
                sku: patch.sku.as_deref(),
                ..ProductFields::default()
            }
            .check(),
        );
        patch
    })
    .await?;
    let product = run(&inv, "update", move |inv| inv.update(id, patch)).await?;
    Ok(product_response(StatusCode::OK, &product))
}

/// Reads a body for product `id` with `read`. As in DRF, an unknown product is 404 whatever the
/// body holds: only when the body is refused does this look the product up (a read), so a
/// request that succeeds makes exactly one core call.
pub(crate) async fn fields_or_404<T>(
    inv: &Inventory,
    id: Uuid,
    body: Result<JsonObject, ApiError>,
    read: impl FnOnce(&mut Fields) -> T,
) -> Result<T, ApiError> {
    let refused = match body {
        Ok(JsonObject(body)) => {
            let mut f = Fields::new(body);
            let value = read(&mut f);
            match f.finish() {
                Ok(()) => return Ok(value),
                Err(e) => e,
            }
        }
        Err(e) => e,
    };
    run(inv, "get", move |inv| inv.get(id)).await?;
    Err(refused)
}

/// `DELETE /api/products/{id}/`: 204.
pub async fn destroy(
    State(inv): State<Inventory>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Answer {
    let id = product_id(&id)?;
    let inv = keyed(&inv, &headers)?;
    run(&inv, "delete", move |inv| inv.delete(id)).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

// ---- what the library adds ----

/// `POST /api/products/{id}/adjust-stock/` with `{"delta": -3, "reason": "sale"}` and optionally
/// `location`, `reference`, `actor` and `expected_stock`: 200 and the product, or 409 when the
/// level would go below zero (or stock above the maximum, or the level is no longer
/// `expected_stock`).
pub async fn adjust_stock(
    State(inv): State<Inventory>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<JsonObject, ApiError>,
) -> Answer {
    let id = product_id(&id)?;
    let inv = keyed(&inv, &headers)?;
    let (delta, change) = fields_or_404(&inv, id, body, |f| {
        let delta = f.integer("delta", Need::Required);
        (delta.unwrap_or_default(), stock_change(f, None))
    })
    .await?;
    let reason = change.reason.clone();
    let product = run(&inv, "adjust_stock", move |inv| {
        inv.adjust_stock(id, delta, change).map_err(in_body)
    })
    .await?;
    crate::metrics::movement("adjust", &reason);
    Ok(product_response(StatusCode::OK, &product))
}

/// `GET /api/products/{id}/history/`: every event of the product, oldest first (a deleted
/// product keeps its history).
pub async fn history(State(inv): State<Inventory>, Path(id): Path<String>) -> Answer {
    let id = product_id(&id)?;
    let events = run(&inv, "history", move |inv| inv.history(id)).await?;
    Ok(Json(events.iter().map(event_json).collect::<Vec<_>>()).into_response())
}

/// `GET /api/inventory/value/`: `{"total_value": "123.45"}`, exact.
pub async fn total_value(State(inv): State<Inventory>) -> Answer {
    let total = run(&inv, "total_value", |inv| inv.total_value()).await?;
    Ok(Json(json!({ "total_value": total.to_string() })).into_response())
}

/// `GET /api/events/?since=N&limit=M`: the ledger after sequence number `since`, oldest first;
/// pass the last `seq` seen as the next `since`.
pub async fn events(State(inv): State<Inventory>, uri: Uri) -> Answer {
    let params = Params::new(&uri);
    let since = match params.get("since") {
        Some(v) => count_from_i64("since", int_param("since", &v)?)?,
        None => 0,
    };
    let limit = match params.get("limit") {
        Some(v) => Some(limit_from_i64(int_param("limit", &v)?)),
        None => None,
    };
    let events = run(&inv, "events_since", move |inv| {
        inv.events_since(since, limit)
    })
    .await?;
    Ok(Json(events.iter().map(event_json).collect::<Vec<_>>()).into_response())
}

/// An unknown location named in a request body is a bad body (400 naming `location`), not a
/// missing page.
pub(crate) fn in_body(e: InventoryError) -> InventoryError {
    match e {
        InventoryError::NotFound { key } if key.starts_with("location ") => {
            let message = InventoryError::NotFound { key }.to_string();
            InventoryError::validation("location", message)
        }
        other => other,
    }
}

/// The notes of a movement in a body: `reason` (required when there is no `default`),
/// `location`, `reference`, `actor`, `expected_stock`.
pub(crate) fn stock_change(f: &mut crate::input::Fields, default: Option<&str>) -> StockChange {
    let need = if default.is_some() {
        Need::Optional
    } else {
        Need::Required
    };
    StockChange {
        reason: f
            .text("reason", need)
            .or_else(|| default.map(str::to_owned))
            .unwrap_or_default(),
        reference: f.text("reference", Need::Optional),
        actor: f.text("actor", Need::Optional),
        location: f.text("location", Need::Optional),
        expected: f.stock("expected_stock", Need::Optional),
    }
}

// ---- JSON out ----

/// A product as DRF's `ModelSerializer` writes it: price as a decimal string, ISO 8601 times.
#[derive(Serialize)]
pub(crate) struct ProductJson<'a> {
    id: Uuid,
    name: &'a str,
    sku: &'a str,
    price: String,
    stock: u32,
    created_at: String,
    updated_at: String,
}

/// DRF's `PageNumberPagination` page.
#[derive(Serialize)]
struct PageJson<'a> {
    count: u64,
    next: Option<String>,
    previous: Option<String>,
    results: Vec<ProductJson<'a>>,
}

impl<'a> From<&'a Product> for ProductJson<'a> {
    fn from(p: &'a Product) -> Self {
        Self {
            id: p.id,
            name: &p.name,
            sku: &p.sku,
            price: p.price.to_string(),
            stock: p.stock,
            created_at: timestamp(p.created_at),
            updated_at: timestamp(p.updated_at),
        }
    }
}

pub(crate) fn product_response(status: StatusCode, p: &Product) -> Response {
    let etag = [(header::ETAG, format!("\"{}\"", p.version))];
    (status, etag, Json(ProductJson::from(p))).into_response()
}

fn event_json(e: &Event) -> Value {
    let mut v = serde_json::to_value(e).unwrap_or_default();
    v["at"] = timestamp(e.at).into();
    v
}

/// Python's `isoformat()` with `Z` for UTC, as DRF writes it: microseconds only when not zero.
pub(crate) fn timestamp(t: DateTime<Utc>) -> String {
    let format = if t.timestamp_subsec_micros() == 0 {
        "%Y-%m-%dT%H:%M:%SZ"
    } else {
        "%Y-%m-%dT%H:%M:%S%.6fZ"
    };
    t.format(format).to_string()
}

// ---- request headers and query parameters ----

/// The version in `If-Match: "3"` (`*` or no header: no condition).
fn if_match(headers: &HeaderMap) -> Result<Option<u64>, ApiError> {
    let Some(value) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or_default().trim();
    if text == "*" {
        return Ok(None);
    }
    let tag = text.trim_start_matches("W/").trim_matches('"');
    tag.parse().map(Some).map_err(|_| {
        ApiError::detail(
            StatusCode::BAD_REQUEST,
            format!(
                "If-Match must be an ETag this API returned, such as \"3\" (got {}).",
                inventory_core::text::echo(text)
            ),
        )
    })
}

pub(crate) fn int_param(name: &str, value: &str) -> Result<i64, ApiError> {
    value
        .trim()
        .parse()
        .map_err(|_| ApiError::field(name, "A valid integer is required."))
}

/// The query string, in order.
pub(crate) struct Params(Vec<(String, String)>);

impl Params {
    pub(crate) fn new(uri: &Uri) -> Self {
        let query = uri.query().unwrap_or_default().as_bytes();
        Self(form_urlencoded::parse(query).into_owned().collect())
    }

    /// The last value of `name`, as Django's `QueryDict.get` gives it.
    pub(crate) fn get(&self, name: &str) -> Option<String> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }

    /// This URL, absolute (after `origin`), with `key` set to `value` or removed and the
    /// parameters sorted: DRF's `next` and `previous` links.
    fn link(&self, origin: &str, uri: &Uri, key: &str, value: Option<String>) -> String {
        let mut pairs: Vec<(String, String)> =
            self.0.iter().filter(|(k, _)| k != key).cloned().collect();
        pairs.extend(value.map(|v| (key.to_owned(), v)));
        pairs.sort_by(|a, b| a.0.cmp(&b.0));
        let query = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        let mark = if query.is_empty() { "" } else { "?" };
        format!("{origin}{}{mark}{query}", uri.path())
    }
}

/// `scheme://host` of this request, for absolute links: the `Host` header (checked against
/// the allowed hosts before any handler runs), and `https` when a trusted proxy says so.
fn origin(headers: &HeaderMap, uri: &Uri, scheme: Option<Extension<Scheme>>) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| uri.authority().map(|a| a.as_str()))
        .unwrap_or("localhost");
    let Scheme(scheme) = scheme.map_or(Scheme("http"), |Extension(s)| s);
    format!("{scheme}://{host}")
}
