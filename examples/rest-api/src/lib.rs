//! # inventory-rest-api
//!
//! The original Django REST Framework inventory API, served by a small axum app on
//! [`inventory_core`]: the same paths, status codes and bodies, plus stock movements, history,
//! the total value and the event feed, with the original's security gaps closed (a bearer token
//! for writes, a body limit, clear JSON errors, configurable CORS, request logs).
//!
//! The library does the work; this crate only translates HTTP to library calls and back.
//!
//! ```no_run
//! use inventory_rest_api::{Config, app};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let inventory = inventory_core::Inventory::open("inventory.db")?;
//! let config = Config { token: Some("s3cret".into()), ..Config::new(inventory) };
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8000").await?;
//! axum::serve(listener, app(config)).await?;
//! # Ok(())
//! # }
//! ```

mod api;
mod error;
mod input;
mod places;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use inventory_core::Inventory;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

pub use api::PAGE_SIZE;
pub use error::ApiError;

/// The default request body limit: 64 KiB, far more than any product needs.
pub const DEFAULT_BODY_LIMIT: usize = 64 * 1024;

/// What the app serves and how.
#[derive(Clone)]
pub struct Config {
    /// The inventory behind the API.
    pub inventory: Inventory,
    /// When set, every write (POST, PUT, PATCH, DELETE) needs `Authorization: Bearer <token>`.
    pub token: Option<String>,
    /// Origins allowed to call the API from a browser (`*` for any); none: no CORS headers.
    pub cors_origins: Vec<HeaderValue>,
    /// The largest request body accepted, in bytes; larger ones get 413.
    pub body_limit: usize,
}

/// Shows whether a token is set, never the token.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("inventory", &self.inventory)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("cors_origins", &self.cors_origins)
            .field("body_limit", &self.body_limit)
            .finish()
    }
}

impl Config {
    /// No token, no CORS, the default body limit.
    pub fn new(inventory: Inventory) -> Self {
        Self {
            inventory,
            token: None,
            cors_origins: Vec::new(),
            body_limit: DEFAULT_BODY_LIMIT,
        }
    }
}

/// The whole API as an axum [`Router`].
pub fn app(config: Config) -> Router {
    let token: Option<Arc<str>> = config
        .token
        .filter(|t| !t.trim().is_empty())
        .map(Into::into);
    let router = Router::new()
        .route("/api/products/", get(api::list).post(api::create))
        .route(
            "/api/products/{id}/",
            get(api::retrieve)
                .put(api::replace)
                .patch(api::modify)
                .delete(api::destroy),
        )
        .route("/api/products/{id}/adjust-stock/", post(api::adjust_stock))
        .route("/api/products/{id}/count/", post(places::count))
        .route("/api/products/{id}/transfer/", post(places::transfer))
        .route("/api/products/{id}/levels/", get(places::levels))
        .route(
            "/api/products/{id}/levels/{code}/",
            put(places::set_reorder_point),
        )
        .route(
            "/api/locations/",
            get(places::list_locations).post(places::create_location),
        )
        .route(
            "/api/locations/{code}/",
            get(places::retrieve_location)
                .put(places::rename_location)
                .patch(places::rename_location)
                .delete(places::delete_location),
        )
        .route("/api/movements/", post(places::movements))
        .route("/api/products/{id}/history/", get(api::history))
        .route("/api/inventory/value/", get(api::total_value))
        .route("/api/events/", get(api::events))
        .route_layer(middleware::from_fn_with_state(token, require_token))
        .method_not_allowed_fallback(|method: Method| async move {
            let message = format!("Method \"{method}\" not allowed.");
            ApiError::detail(StatusCode::METHOD_NOT_ALLOWED, message)
        })
        .fallback(|| async { ApiError::not_found() })
        .layer(DefaultBodyLimit::max(config.body_limit))
        .with_state(config.inventory);
    let router = match cors(&config.cors_origins) {
        Some(cors) => router.layer(cors),
        None => router,
    };
    router.layer(
        TraceLayer::new_for_http()
            .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
            .on_response(DefaultOnResponse::new().level(Level::INFO)),
    )
}

/// Refuses to serve beyond loopback without a token: anyone who can reach the port could
/// otherwise change the inventory.
///
/// ```
/// use inventory_rest_api::check_listen_addr;
/// assert!(check_listen_addr("127.0.0.1:8000".parse().unwrap(), None).is_ok());
/// assert!(check_listen_addr("0.0.0.0:8000".parse().unwrap(), None).is_err());
/// assert!(check_listen_addr("0.0.0.0:8000".parse().unwrap(), Some("s3cret")).is_ok());
/// ```
pub fn check_listen_addr(addr: SocketAddr, token: Option<&str>) -> Result<(), String> {
    if addr.ip().is_loopback() || token.is_some_and(|t| !t.trim().is_empty()) {
        Ok(())
    } else {
        Err(format!(
            "refusing to listen on {addr} without an API token: anyone who can reach it could \
             change the inventory. Set INVENTORY_API_TOKEN (or --token), or listen on 127.0.0.1"
        ))
    }
}

fn cors(origins: &[HeaderValue]) -> Option<CorsLayer> {
    if origins.is_empty() {
        return None;
    }
    let allow = if origins.iter().any(|o| o == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(origins.iter().cloned())
    };
    Some(
        CorsLayer::new()
            .allow_origin(allow)
            .allow_methods([
                Method::GET,
                Method::HEAD,
                Method::POST,
                Method::PUT,
                Method::PATCH,
                Method::DELETE,
            ])
            .allow_headers([
                header::AUTHORIZATION,
                header::CONTENT_TYPE,
                header::IF_MATCH,
            ])
            .expose_headers([header::ETAG]),
    )
}

/// Writes need `Authorization: Bearer <token>` when a token is configured; reads are open.
/// The messages are DRF's.
async fn require_token(
    State(token): State<Option<Arc<str>>>,
    req: Request,
    next: Next,
) -> Response {
    let read = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if let (Some(token), false) = (token, read) {
        let given = req.headers().get(header::AUTHORIZATION);
        let given = given
            .map(|v| v.to_str().unwrap_or_default())
            .unwrap_or_default();
        if let Err(message) = check_bearer(given, &token) {
            return ApiError::unauthorized(message).into_response();
        }
    }
    next.run(req).await
}

fn check_bearer(header: &str, token: &str) -> Result<(), &'static str> {
    let mut words = header.split_whitespace();
    match (words.next(), words.next(), words.next()) {
        (Some(scheme), given, rest) if scheme.eq_ignore_ascii_case("bearer") => match (given, rest)
        {
            (None, _) => Err("Invalid token header. No credentials provided."),
            (Some(_), Some(_)) => {
                Err("Invalid token header. Token string should not contain spaces.")
            }
            (Some(given), None) if same(given.as_bytes(), token.as_bytes()) => Ok(()),
            _ => Err("Invalid token."),
        },
        _ => Err("Authentication credentials were not provided."),
    }
}

/// Compares in time that does not depend on where the inputs differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0, |acc, (x, y)| acc | (x ^ y)) == 0
}
