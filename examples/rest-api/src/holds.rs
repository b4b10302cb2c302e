//! The endpoints of holds: stock reserved for a cart or an order, committed or released once,
//! expiring on time. Like `api.rs`, each handler reads the request, makes one library call and
//! writes the answer; every write honours `Idempotency-Key`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use inventory_core::{Hold, HoldStatus, Inventory, InventoryError, NewHold, StockChange, Uuid};
use serde::Serialize;
use serde_json::json;

use crate::api::{
    Params, fields_or_404, in_body, keyed, product_id, product_response, run, timestamp,
};
use crate::error::ApiError;
use crate::input::{Fields, JsonObject, Need};

type Answer = Result<Response, ApiError>;

/// A hold as the API writes it.
#[derive(Serialize)]
struct HoldJson<'a> {
    id: String,
    product: String,
    location: &'a str,
    quantity: u32,
    status: &'static str,
    committed: u32,
    expires_at: Option<String>,
    reference: Option<&'a str>,
    actor: Option<&'a str>,
    created_at: String,
    closed_at: Option<String>,
}

impl<'a> From<&'a Hold> for HoldJson<'a> {
    fn from(h: &'a Hold) -> Self {
        Self {
            id: h.id.to_string(),
            product: h.product_id.to_string(),
            location: &h.location,
            quantity: h.quantity,
            status: h.status.as_str(),
            committed: h.committed,
            expires_at: h.expires_at.map(timestamp),
            reference: h.reference.as_deref(),
            actor: h.actor.as_deref(),
            created_at: timestamp(h.created_at),
            closed_at: h.closed_at.map(timestamp),
        }
    }
}

fn hold_response(status: StatusCode, h: &Hold) -> Response {
    (status, Json(HoldJson::from(h))).into_response()
}

/// A hold id in a path: a malformed one names no hold (404, as for products).
fn hold_id(raw: &str) -> Result<Uuid, ApiError> {
    inventory_core::parse_id(raw).map_err(|_| ApiError::not_found())
}

/// `POST /api/products/{id}/holds/` with `{"quantity": 2}` and optionally `location`,
/// `expires_in` (seconds) or `expires_at` (ISO 8601), `reference`, `actor`: 201 and the hold;
/// 409 when less is available.
pub async fn reserve(
    State(inv): State<Inventory>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<JsonObject, ApiError>,
) -> Answer {
    let id = product_id(&id)?;
    let inv = keyed(&inv, &headers)?;
    let new = fields_or_404(&inv, id, body, |f| {
        let quantity = f.integer("quantity", Need::Required);
        let location = f.text("location", Need::Optional);
        let expires_in = f.number("expires_in", Need::Optional);
        let expires_at = f
            .text("expires_at", Need::Optional)
            .and_then(|t| f.check(inventory_core::parse_time("expires_at", &t)));
        let reference = f.text("reference", Need::Optional);
        let actor = f.text("actor", Need::Optional);
        quantity.and_then(|quantity| {
            f.check(NewHold::from_input(
                id, quantity, location, expires_in, expires_at, reference, actor,
            ))
        })
    })
    .await?
    .ok_or_else(|| ApiError::field("quantity", "This field is required."))?;
    let hold = run(&inv, "reserve", move |inv| {
        inv.reserve(new).map_err(in_body)
    })
    .await?;
    Ok(hold_response(StatusCode::CREATED, &hold))
}

/// `GET /api/products/{id}/holds/`: the product's active holds, oldest first;
/// `?status=committed` (or `released`, `expired`, `all`) for others.
pub async fn list(State(inv): State<Inventory>, Path(id): Path<String>, uri: Uri) -> Answer {
    let id = product_id(&id)?;
    let status = match Params::new(&uri).get("status").as_deref() {
        None | Some("") => Some(HoldStatus::Active),
        Some("all") => None,
        Some(s) => Some(HoldStatus::parse(s, "status").map_err(|_| {
            ApiError::field(
                "status",
                "Must be active, committed, released, expired or all.",
            )
        })?),
    };
    let holds = run(&inv, "holds", move |inv| inv.holds(id, status)).await?;
    Ok(Json(holds.iter().map(HoldJson::from).collect::<Vec<_>>()).into_response())
}

/// `GET /api/holds/{id}/`: the hold as it is now (an active hold past its time reads as
/// `expired`).
pub async fn retrieve(State(inv): State<Inventory>, Path(id): Path<String>) -> Answer {
    let id = hold_id(&id)?;
    let hold = run(&inv, "hold", move |inv| inv.hold(id)).await?;
    Ok(hold_response(StatusCode::OK, &hold))
}

/// `POST /api/holds/{id}/commit/` with optionally `quantity` (default: all of it), `reason`
/// (default `sale`), `reference`, `actor`: 200 and the product after the sale; 409 when the
/// hold was resolved before or expired.
pub async fn commit(
    State(inv): State<Inventory>,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonObject(body): JsonObject,
) -> Answer {
    let id = hold_id(&id)?;
    let inv = keyed(&inv, &headers)?;
    let mut f = Fields::new(body);
    let quantity = f
        .integer("quantity", Need::Optional)
        .and_then(|q| f.check(inventory_core::quantity_from_i64("quantity", q)));
    let change = StockChange {
        reason: f
            .text("reason", Need::Optional)
            .unwrap_or_else(|| inventory_core::reason::SALE.into()),
        reference: f.text("reference", Need::Optional),
        actor: f.text("actor", Need::Optional),
        ..StockChange::default()
    };
    f.finish()?;
    let reason = change.reason.clone();
    let product = run(&inv, "commit_hold", move |inv| {
        inv.commit_hold(id, quantity, change)
    })
    .await?;
    crate::metrics::movement("hold_commit", &reason);
    Ok(product_response(StatusCode::OK, &product))
}

/// `POST /api/holds/{id}/release/`: 200 and the released hold; 409 when it was resolved before
/// or expired.
pub async fn release(
    State(inv): State<Inventory>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Answer {
    let id = hold_id(&id)?;
    let inv = keyed(&inv, &headers)?;
    let hold = run(&inv, "release_hold", move |inv| inv.release_hold(id)).await?;
    Ok(hold_response(StatusCode::OK, &hold))
}

/// `POST /api/holds/expire/`: records the expiry of every hold past its time (for a cron job;
/// not needed for correctness) and answers `{"expired": n}`.
pub async fn expire(State(inv): State<Inventory>) -> Answer {
    let n = run(&inv, "expire_holds", |inv| inv.expire_holds()).await?;
    Ok(Json(json!({ "expired": n })).into_response())
}

/// The 409 body of a hold that cannot be resolved again.
pub(crate) fn closed_extra(e: &InventoryError) -> serde_json::Value {
    match e {
        InventoryError::HoldClosed { hold_id, status } => {
            json!({ "hold_id": hold_id.to_string(), "status": status })
        }
        InventoryError::HoldExpired {
            hold_id,
            expires_at,
        } => json!({ "hold_id": hold_id.to_string(), "expires_at": timestamp(*expires_at) }),
        _ => json!({}),
    }
}
