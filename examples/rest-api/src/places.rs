//! The endpoints of stock in places: locations, a product's levels and reorder points,
//! counts, transfers, and batches of movements. Like `api.rs`, each handler reads the request,
//! makes one library call and writes the answer; every write honours `Idempotency-Key`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use inventory_core::{Inventory, InventoryError, Location, Movement, StockLevel};
use serde::Serialize;
use serde_json::Value;

use crate::api::{
    ProductJson, fields_or_404, in_body, keyed, product_id, product_response, run, stock_change,
    timestamp,
};
use crate::error::ApiError;
use crate::input::{Fields, JsonObject, Need};

type Answer = Result<Response, ApiError>;

/// A location as the API writes it.
#[derive(Serialize)]
struct LocationJson<'a> {
    code: &'a str,
    name: &'a str,
    created_at: String,
    updated_at: String,
    version: u64,
}

impl<'a> From<&'a Location> for LocationJson<'a> {
    fn from(l: &'a Location) -> Self {
        Self {
            code: &l.code,
            name: &l.name,
            created_at: timestamp(l.created_at),
            updated_at: timestamp(l.updated_at),
            version: l.version,
        }
    }
}

/// A product's level at one location.
#[derive(Serialize)]
struct LevelJson<'a> {
    location: &'a str,
    on_hand: u32,
    reserved: u32,
    available: u32,
    short: u32,
    reorder_point: Option<u32>,
}

impl<'a> From<&'a StockLevel> for LevelJson<'a> {
    fn from(l: &'a StockLevel) -> Self {
        Self {
            location: &l.location,
            on_hand: l.on_hand,
            reserved: l.reserved,
            available: l.available,
            short: l.short,
            reorder_point: l.reorder_point,
        }
    }
}

fn location_response(status: StatusCode, l: &Location) -> Response {
    (status, Json(LocationJson::from(l))).into_response()
}

/// `GET /api/locations/`: every location, ordered by code.
pub async fn list_locations(State(inv): State<Inventory>) -> Answer {
    let all = run(&inv, "locations", |inv| inv.locations()).await?;
    Ok(Json(all.iter().map(LocationJson::from).collect::<Vec<_>>()).into_response())
}

/// `POST /api/locations/` with `{"code": "wh-1", "name": "Main warehouse"}`: 201.
pub async fn create_location(
    State(inv): State<Inventory>,
    headers: HeaderMap,
    JsonObject(body): JsonObject,
) -> Answer {
    let inv = keyed(&inv, &headers)?;
    let mut f = Fields::new(body);
    let code = f.text("code", Need::Required).unwrap_or_default();
    let name = f.text("name", Need::Required).unwrap_or_default();
    f.finish()?;
    let made = run(&inv, "create_location", move |inv| {
        inv.create_location(&code, &name)
    })
    .await?;
    Ok(location_response(StatusCode::CREATED, &made))
}

/// `GET /api/locations/{code}/`.
pub async fn retrieve_location(State(inv): State<Inventory>, Path(code): Path<String>) -> Answer {
    let found = run(&inv, "location", move |inv| inv.location(&code)).await?;
    Ok(location_response(StatusCode::OK, &found))
}

/// `PUT` or `PATCH /api/locations/{code}/` with `{"name": …}`: renames it (the code stays).
pub async fn rename_location(
    State(inv): State<Inventory>,
    Path(code): Path<String>,
    headers: HeaderMap,
    JsonObject(body): JsonObject,
) -> Answer {
    let inv = keyed(&inv, &headers)?;
    let mut f = Fields::new(body);
    let name = f.text("name", Need::Required).unwrap_or_default();
    f.finish()?;
    let renamed = run(&inv, "rename_location", move |inv| {
        inv.rename_location(&code, &name)
    })
    .await?;
    Ok(location_response(StatusCode::OK, &renamed))
}

/// `DELETE /api/locations/{code}/`: 204; 400 while it holds stock, or for `DEFAULT`.
pub async fn delete_location(
    State(inv): State<Inventory>,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> Answer {
    let inv = keyed(&inv, &headers)?;
    run(&inv, "delete_location", move |inv| {
        inv.delete_location(&code)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `GET /api/products/{id}/levels/`: the product's stock per location.
pub async fn levels(State(inv): State<Inventory>, Path(id): Path<String>) -> Answer {
    let id = product_id(&id)?;
    let levels = run(&inv, "stock_levels", move |inv| inv.stock_levels(id)).await?;
    Ok(Json(levels.iter().map(LevelJson::from).collect::<Vec<_>>()).into_response())
}

/// `PUT /api/products/{id}/levels/{code}/` with `{"reorder_point": 5}` (or `null` to clear it).
pub async fn set_reorder_point(
    State(inv): State<Inventory>,
    Path((id, code)): Path<(String, String)>,
    headers: HeaderMap,
    body: Result<JsonObject, ApiError>,
) -> Answer {
    let id = product_id(&id)?;
    let inv = keyed(&inv, &headers)?;
    let point = fields_or_404(&inv, id, body, |f| {
        if f.is_null("reorder_point") {
            return None;
        }
        f.stock("reorder_point", Need::Required)
    })
    .await?;
    let level = run(&inv, "set_reorder_point", move |inv| {
        inv.set_reorder_point(id, point, Some(code.as_str()))
    })
    .await?;
    Ok(Json(LevelJson::from(&level)).into_response())
}

/// `POST /api/products/{id}/count/` with `{"quantity": 7}` and optionally `reason` (default
/// `count`), `location`, `reference`, `actor`, `expected_stock`: records a physical count.
pub async fn count(
    State(inv): State<Inventory>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<JsonObject, ApiError>,
) -> Answer {
    let id = product_id(&id)?;
    let inv = keyed(&inv, &headers)?;
    let (quantity, change) = fields_or_404(&inv, id, body, |f| {
        let quantity = f.stock("quantity", Need::Required);
        let change = stock_change(f, Some(inventory_core::reason::COUNT));
        (quantity.unwrap_or_default(), change)
    })
    .await?;
    let reason = change.reason.clone();
    let product = run(&inv, "set_stock", move |inv| {
        inv.set_stock(id, quantity, change).map_err(in_body)
    })
    .await?;
    crate::metrics::movement("count", &reason);
    Ok(product_response(StatusCode::OK, &product))
}

/// `POST /api/products/{id}/transfer/` with `{"quantity": 3, "from_location": "WH-1",
/// "to_location": "DEFAULT"}` and optionally `reason` (default `transfer`), `reference`,
/// `actor`, `expected_stock`: both legs in one transaction.
pub async fn transfer(
    State(inv): State<Inventory>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<JsonObject, ApiError>,
) -> Answer {
    let id = product_id(&id)?;
    let inv = keyed(&inv, &headers)?;
    let (quantity, from, to, change) = fields_or_404(&inv, id, body, |f| {
        let quantity = f.integer("quantity", Need::Required);
        let from = f.text("from_location", Need::Required);
        let to = f.text("to_location", Need::Required);
        let quantity =
            quantity.and_then(|q| f.check(inventory_core::stock_from_i64("quantity", q)));
        (
            quantity.unwrap_or_default(),
            from.unwrap_or_default(),
            to.unwrap_or_default(),
            stock_change(f, Some(inventory_core::reason::TRANSFER)),
        )
    })
    .await?;
    let reason = change.reason.clone();
    let product = run(&inv, "transfer", move |inv| {
        inv.transfer(id, quantity, &from, &to, change)
            .map_err(in_body)
    })
    .await?;
    crate::metrics::movement("transfer", &reason);
    Ok(product_response(StatusCode::OK, &product))
}

/// `POST /api/movements/` with `{"movements": [{"type": "adjust", "product": ID, "delta": -1,
/// "reason": "sale"}, {"type": "count", …}, {"type": "transfer", …}]}`: all in one transaction,
/// or none; 200 and the product after each movement. A refused movement is named
/// (`movements[2].delta`).
pub async fn movements(
    State(inv): State<Inventory>,
    headers: HeaderMap,
    JsonObject(mut body): JsonObject,
) -> Answer {
    let inv = keyed(&inv, &headers)?;
    let Some(Value::Array(list)) = body.remove("movements") else {
        return Err(ApiError::field("movements", "Expected a list of items."));
    };
    let mut errors = serde_json::Map::new();
    let mut batch = Vec::with_capacity(list.len());
    for (i, item) in list.into_iter().enumerate() {
        let Value::Object(item) = item else {
            errors.insert(
                format!("movements[{i}]"),
                serde_json::json!(["Expected an object."]),
            );
            continue;
        };
        match movement(item) {
            Ok(m) => batch.push(m),
            Err(e) => {
                if let Value::Object(fields) = e.body {
                    for (field, message) in fields {
                        errors.insert(format!("movements[{i}].{field}"), message);
                    }
                }
            }
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::fields(errors));
    }
    let counted: Vec<(&'static str, String)> = batch
        .iter()
        .map(|m| match m {
            Movement::Adjust { change, .. } => ("adjust", change.reason.clone()),
            Movement::Count { change, .. } => ("count", change.reason.clone()),
            Movement::Transfer { change, .. } => ("transfer", change.reason.clone()),
        })
        .collect();
    // An unknown product or location inside the batch is a bad body, which names it.
    let after = run(&inv, "apply", move |inv| {
        inv.apply(batch).map_err(|e| match e {
            InventoryError::NotFound { .. } => {
                InventoryError::validation("movements", e.to_string())
            }
            other => other,
        })
    })
    .await?;
    for (kind, reason) in &counted {
        crate::metrics::movement(kind, reason);
    }
    Ok(Json(after.iter().map(ProductJson::from).collect::<Vec<_>>()).into_response())
}

/// One movement of a batch body.
fn movement(item: serde_json::Map<String, Value>) -> Result<Movement, ApiError> {
    let mut f = Fields::new(item);
    let kind = f.text("type", Need::Required).unwrap_or_default();
    let product = f.text("product", Need::Required).unwrap_or_default();
    let id = f.check(inventory_core::parse_id(&product).map_err(|e| match e {
        InventoryError::Validation { message, .. } => {
            InventoryError::validation("product", message)
        }
        other => other,
    }));
    // What this body must hold for its kind; the kind's rules (its name, the quantity's range,
    // the default reason) are the core's, in Movement::from_input.
    let amount = f.integer(
        if kind == "adjust" {
            "delta"
        } else {
            "quantity"
        },
        Need::Required,
    );
    let (from, to) = if kind == "transfer" {
        (
            f.text("from_location", Need::Required),
            f.text("to_location", Need::Required),
        )
    } else {
        (None, None)
    };
    let reason = if kind == "adjust" { None } else { Some("") };
    let change = stock_change(&mut f, reason);
    // The kind's rules run even when the product id is bad, so every bad field is reported.
    let movement = f.check(Movement::from_input(
        &kind,
        id.unwrap_or_default(),
        amount.unwrap_or_default(),
        from,
        to,
        change,
    ));
    f.finish()?;
    movement.ok_or_else(|| ApiError::field("movement", "is not valid"))
}
