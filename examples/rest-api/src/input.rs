//! Request bodies: a JSON object read as DRF reads it, and its fields converted to the library's
//! types. The rules themselves (what a valid name, SKU, price or stock is) are the library's.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use inventory_core::{Decimal, InventoryError, integer_from_f64, parse_price, price_from_f64};
use serde_json::{Map, Value, json};

use crate::error::ApiError;

/// The configured body limit, put in every request's extensions by the app.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BodyLimit(pub usize);

/// The body of a write: a JSON object. Answers 415 for a body that is not `application/json`,
/// 413 over the body limit, 400 `{"detail": "JSON parse error - ..."}` for malformed JSON and
/// 400 `{"non_field_errors": [...]}` for JSON that is not an object. An empty body is `{}`.
pub struct JsonObject(pub Map<String, Value>);

impl<S: Send + Sync> FromRequest<S> for JsonObject {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .unwrap_or_default();
        // A body announced larger than the limit is refused before any of it is read (and
        // before a client that never sends it can hold the connection).
        let limit = req.extensions().get::<BodyLimit>().map(|l| l.0);
        let announced = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        if let (Some(limit), Some(announced)) = (limit, announced)
            && announced > limit as u64
        {
            return Err(ApiError::detail(
                StatusCode::PAYLOAD_TOO_LARGE,
                "Request body is larger than the server accepts.",
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|r| {
            if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::detail(
                    r.status(),
                    "Request body is larger than the server accepts.",
                )
            } else {
                ApiError::detail(r.status(), r.body_text())
            }
        })?;
        if bytes.is_empty() {
            return Ok(Self(Map::new()));
        }
        let media_type = content_type.split(';').next().unwrap_or_default().trim();
        if !media_type.eq_ignore_ascii_case("application/json") {
            return Err(ApiError::detail(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!("Unsupported media type \"{content_type}\" in request."),
            ));
        }
        match serde_json::from_slice(&bytes) {
            Ok(Value::Object(map)) => Ok(Self(map)),
            Ok(other) => Err(ApiError::fields(Map::from_iter([(
                "non_field_errors".to_owned(),
                json!([format!(
                    "Invalid data. Expected a dictionary, but got {}.",
                    python_type(&other)
                )]),
            )]))),
            Err(e) => Err(ApiError::detail(
                StatusCode::BAD_REQUEST,
                format!("JSON parse error - {e}"),
            )),
        }
    }
}

/// The name DRF gives a JSON value's type in its messages.
fn python_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "NoneType",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float",
        Value::Number(_) => "int",
        Value::String(_) => "str",
        Value::Array(_) => "list",
        Value::Object(_) => "dict",
    }
}

/// Whether a field must be present: on create and PUT, yes; on PATCH, no.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Required,
    Optional,
}

/// Reads the fields of a JSON object, collecting one message per bad field so that, as in DRF,
/// a client learns about every bad field at once. Fields it is not asked for (`id`,
/// `created_at`, anything unknown) are ignored.
pub struct Fields {
    body: Map<String, Value>,
    errors: Map<String, Value>,
}

impl Fields {
    pub fn new(body: Map<String, Value>) -> Self {
        Self {
            body,
            errors: Map::new(),
        }
    }

    /// The field's value, or `None` (with an error when it is required or null).
    fn value(&mut self, name: &str, need: Need) -> Option<Value> {
        match self.body.remove(name) {
            None if need == Need::Required => self.fail(name, "This field is required."),
            None => None,
            Some(Value::Null) => self.fail(name, "This field may not be null."),
            Some(v) => Some(v),
        }
    }

    fn fail<T>(&mut self, name: &str, message: impl Into<String>) -> Option<T> {
        self.errors
            .entry(name.to_owned())
            .or_insert_with(|| json!([message.into()]));
        None
    }

    /// A library result: its value, or its error recorded under the field it names.
    pub fn check<T>(&mut self, result: inventory_core::Result<T>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(InventoryError::Validation { field, message }) => self.fail(&field, message),
            Err(e) => self.fail("non_field_errors", e.to_string()),
        }
    }

    /// The library's check of several fields at once: its values, or each field's error
    /// recorded under its name (a field that already failed keeps its first message).
    pub fn check_all<T>(
        &mut self,
        result: std::result::Result<T, Vec<InventoryError>>,
    ) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(errors) => {
                for e in errors {
                    self.check::<()>(Err(e));
                }
                None
            }
        }
    }

    /// Whether the body holds `name` as an explicit `null` (taken out of the body if so).
    pub fn is_null(&mut self, name: &str) -> bool {
        if self.body.get(name) == Some(&Value::Null) {
            self.body.remove(name);
            return true;
        }
        false
    }

    /// A string (a number is taken as its text, as DRF's `CharField` does).
    pub fn text(&mut self, name: &str, need: Need) -> Option<String> {
        match self.value(name, need)? {
            Value::String(s) => Some(s),
            Value::Number(n) => Some(n.to_string()),
            _ => self.fail(name, "Not a valid string."),
        }
    }

    /// The `price`, from a decimal string (`"12.50"`) or a JSON number (`12.5`).
    pub fn price(&mut self, need: Need) -> Option<Decimal> {
        let parsed = match self.value("price", need)? {
            Value::String(s) => parse_price(&s),
            Value::Number(n) => price_from_f64(n.as_f64().unwrap_or(f64::NAN)),
            _ => return self.fail("price", "A valid number is required."),
        };
        self.check(parsed)
    }

    /// A whole number, from a JSON number (`3`, `3.0`) or a string of digits (`"3"`).
    pub fn integer(&mut self, name: &str, need: Need) -> Option<i64> {
        let invalid = "A valid integer is required.";
        match self.value(name, need)? {
            Value::Number(n) => match n.as_i64() {
                Some(i) => Some(i),
                None => match integer_from_f64(name, n.as_f64().unwrap_or(f64::NAN)) {
                    Ok(i) => Some(i),
                    Err(_) => self.fail(name, invalid),
                },
            },
            Value::String(s) => match s.trim().parse() {
                Ok(i) => Some(i),
                Err(_) => self.fail(name, invalid),
            },
            _ => self.fail(name, invalid),
        }
    }

    /// A number, fractions allowed (seconds): a JSON number or its text, as DRF's `FloatField`.
    pub fn number(&mut self, name: &str, need: Need) -> Option<f64> {
        let invalid = "A valid number is required.";
        match self.value(name, need)? {
            Value::Number(n) => n.as_f64().or_else(|| self.fail(name, invalid)),
            Value::String(s) => match s.trim().parse::<f64>() {
                Ok(x) if x.is_finite() => Some(x),
                _ => self.fail(name, invalid),
            },
            _ => self.fail(name, invalid),
        }
    }

    /// A stock quantity (0 to the library's maximum).
    pub fn stock(&mut self, name: &str, need: Need) -> Option<u32> {
        let value = self.integer(name, need)?;
        self.check(inventory_core::stock_from_i64(name, value))
    }

    /// 400 with every message collected, if there is any.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::fields(self.errors))
        }
    }
}
