//! Errors as Django REST Framework writes them: `{"field": ["message"]}` for invalid input and
//! `{"detail": "..."}` for everything else.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use inventory_core::{InventoryError, StorageKind};
use serde_json::{Map, Value, json};

/// DRF's message for a unique field that is taken.
pub const DUPLICATE_SKU: &str = "product with this sku already exists.";

/// An error answer: a status and a JSON body.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: Value,
}

impl ApiError {
    /// `{"detail": message}` with `status`.
    pub fn detail(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            body: json!({ "detail": message.into() }),
        }
    }

    /// 400 `{field: [message]}`.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        let mut errors = Map::new();
        errors.insert(field.to_owned(), json!([message.into()]));
        Self::fields(errors)
    }

    /// 400 with several fields' messages.
    pub fn fields(errors: Map<String, Value>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            body: Value::Object(errors),
        }
    }

    /// 404 `{"detail": "Not found."}`.
    pub fn not_found() -> Self {
        Self::detail(StatusCode::NOT_FOUND, "Not found.")
    }

    /// 401 `{"detail": message}`, sent with `WWW-Authenticate: Bearer`.
    pub fn unauthorized(message: &str) -> Self {
        Self::detail(StatusCode::UNAUTHORIZED, message)
    }
}

/// Each library error keeps its meaning: see the table in the README.
impl From<InventoryError> for ApiError {
    fn from(e: InventoryError) -> Self {
        let conflict = |status: StatusCode, extra: Value| {
            let mut body = json!({ "detail": e.to_string(), "code": e.code() });
            if let (Value::Object(body), Value::Object(extra)) = (&mut body, extra) {
                body.extend(extra);
            }
            Self { status, body }
        };
        match &e {
            InventoryError::Validation { field, message } => Self::field(field, message.as_str()),
            InventoryError::DuplicateSku { .. } => Self::field("sku", DUPLICATE_SKU),
            InventoryError::NotFound { .. } => Self::not_found(),
            InventoryError::IdempotencyConflict { key } => conflict(
                StatusCode::UNPROCESSABLE_ENTITY,
                json!({ "field": "Idempotency-Key", "key": key }),
            ),
            InventoryError::HoldClosed { .. } | InventoryError::HoldExpired { .. } => {
                conflict(StatusCode::CONFLICT, crate::holds::closed_extra(&e))
            }
            // The field is said only where it is not plain `stock`: a movement of a batch.
            InventoryError::InsufficientStock {
                field,
                available,
                requested,
            } => conflict(
                StatusCode::CONFLICT,
                with_field(
                    field,
                    json!({ "available": available, "requested": requested }),
                ),
            ),
            InventoryError::StockOverflow {
                field,
                current,
                delta,
            } => conflict(
                StatusCode::CONFLICT,
                with_field(
                    field,
                    json!({ "current": current, "delta": delta, "max": inventory_core::MAX_STOCK }),
                ),
            ),
            InventoryError::VersionConflict {
                field,
                expected,
                actual,
            } => conflict(
                // A stale If-Match is a failed precondition; a stale expected stock, a conflict.
                if field == "version" {
                    StatusCode::PRECONDITION_FAILED
                } else {
                    StatusCode::CONFLICT
                },
                json!({ "field": field, "expected": expected, "actual": actual }),
            ),
            InventoryError::Storage { kind, message, .. } => {
                tracing::error!(kind = kind.as_str(), %message, "storage error");
                // Busy and unreachable are worth retrying later; a full disk is the operator's.
                let (status, detail) = match kind {
                    StorageKind::Busy | StorageKind::ConnectionLost => (
                        StatusCode::SERVICE_UNAVAILABLE,
                        "The inventory is temporarily unavailable; try again later.",
                    ),
                    StorageKind::DiskFull => (
                        StatusCode::INSUFFICIENT_STORAGE,
                        "The server has no room to store this change.",
                    ),
                    _ => (
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "A server error occurred.",
                    ),
                };
                let mut error = Self::detail(status, detail);
                if let Value::Object(body) = &mut error.body {
                    body.insert("code".into(), json!(e.code()));
                    body.insert("kind".into(), json!(kind.as_str()));
                }
                error
            }
            _ => Self::detail(
                StatusCode::INTERNAL_SERVER_ERROR,
                "A server error occurred.",
            ),
        }
    }
}

/// `body` with `"field"` added when it names more than plain `stock`.
fn with_field(field: &str, mut body: Value) -> Value {
    if field != "stock"
        && let Value::Object(map) = &mut body
    {
        map.insert("field".into(), json!(field));
    }
    body
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"api\""),
            );
        }
        response
    }
}
