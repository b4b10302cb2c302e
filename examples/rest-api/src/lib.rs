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
mod guard;
mod holds;
mod input;
mod metrics;
mod places;
pub mod server;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::error_handling::HandleErrorLayer;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware;
use axum::routing::{MethodRouter, get, post, put};
use inventory_core::Inventory;
use tower::ServiceBuilder;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
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
    /// The host names requests may name in `Host` (Django's `ALLOWED_HOSTS`: a name, a
    /// `.example.com` suffix that also matches its subdomains, or `*`); others get 400. Links in
    /// pages are built from the `Host`, so a name not listed here could make them point anywhere.
    pub allowed_hosts: Vec<String>,
    /// The reverse proxies whose `X-Forwarded-Proto` / `Forwarded: proto=` are believed (links
    /// then say `https://`); from anyone else those headers are ignored.
    pub trusted_proxies: Vec<IpAddr>,
    /// Whether reads need the token too (the history and the event feed show every movement).
    pub protect_reads: bool,
    /// How long a request may take, body included; slower ones get 408.
    pub request_timeout: Duration,
    /// How many requests are handled at once; more get 503 at once, with `Retry-After`.
    pub max_concurrent: usize,
    /// Requests per client address (each connection's peer): a burst, then one more per
    /// period; past it, 429 with `Retry-After`. `None`: no limit.
    pub rate_limit: Option<RateLimit>,
}

/// A per-client rate limit: `burst` requests at once, then one more every `replenish_every`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub burst: u32,
    pub replenish_every: Duration,
}

impl RateLimit {
    /// `per_second` requests a second on average, in bursts of as many.
    pub fn per_second(per_second: u32) -> Self {
        let per_second = per_second.max(1);
        Self {
            burst: per_second,
            replenish_every: Duration::from_secs(1) / per_second,
        }
    }
}

/// Shows whether a token is set, never the token.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("inventory", &self.inventory)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("cors_origins", &self.cors_origins)
            .field("body_limit", &self.body_limit)
            .field("allowed_hosts", &self.allowed_hosts)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("protect_reads", &self.protect_reads)
            .field("request_timeout", &self.request_timeout)
            .field("max_concurrent", &self.max_concurrent)
            .field("rate_limit", &self.rate_limit)
            .finish()
    }
}

impl Config {
    /// No token, no CORS, the default body limit, loopback host names only, no trusted proxy,
    /// 30 s per request, 256 requests at once.
    pub fn new(inventory: Inventory) -> Self {
        Self {
            inventory,
            token: None,
            cors_origins: Vec::new(),
            body_limit: DEFAULT_BODY_LIMIT,
            allowed_hosts: DEFAULT_ALLOWED_HOSTS
                .iter()
                .map(|h| h.to_string())
                .collect(),
            trusted_proxies: Vec::new(),
            protect_reads: false,
            request_timeout: Duration::from_secs(30),
            max_concurrent: 256,
            rate_limit: None,
        }
    }
}

/// The host names allowed when none are configured: loopback only.
pub const DEFAULT_ALLOWED_HOSTS: &[&str] = &["localhost", "127.0.0.1", "[::1]"];

/// A route: its handlers, and the methods it answers, which `OPTIONS` and every response's
/// `Allow` header list (as DRF's views do).
fn route(methods: MethodRouter<Inventory>, allow: &'static str) -> MethodRouter<Inventory> {
    methods
        .options(move || guard::options(allow))
        .layer(SetResponseHeaderLayer::overriding(
            header::ALLOW,
            HeaderValue::from_static(allow),
        ))
}

/// The whole API as an axum [`Router`].
pub fn app(config: Config) -> Router {
    let token: Option<Arc<str>> = config
        .token
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(Into::into);
    const READ: &str = "GET, HEAD, OPTIONS";
    const COLLECTION: &str = "GET, POST, HEAD, OPTIONS";
    const ITEM: &str = "GET, PUT, PATCH, DELETE, HEAD, OPTIONS";
    const ACTION: &str = "POST, OPTIONS";
    let api = Router::new()
        .route("/api/", route(get(api::root), READ))
        .route(
            "/api/products/",
            route(get(api::list).post(api::create), COLLECTION),
        )
        .route(
            "/api/products/{id}/",
            route(
                get(api::retrieve)
                    .put(api::replace)
                    .patch(api::modify)
                    .delete(api::destroy),
                ITEM,
            ),
        )
        .route(
            "/api/products/{id}/adjust-stock/",
            route(post(api::adjust_stock), ACTION),
        )
        .route(
            "/api/products/{id}/count/",
            route(post(places::count), ACTION),
        )
        .route(
            "/api/products/{id}/transfer/",
            route(post(places::transfer), ACTION),
        )
        .route(
            "/api/products/{id}/levels/",
            route(get(places::levels), READ),
        )
        .route(
            "/api/products/{id}/levels/{code}/",
            route(put(places::set_reorder_point), "PUT, OPTIONS"),
        )
        .route(
            "/api/locations/",
            route(
                get(places::list_locations).post(places::create_location),
                COLLECTION,
            ),
        )
        .route(
            "/api/locations/{code}/",
            route(
                get(places::retrieve_location)
                    .put(places::rename_location)
                    .patch(places::rename_location)
                    .delete(places::delete_location),
                ITEM,
            ),
        )
        .route("/api/movements/", route(post(places::movements), ACTION))
        .route(
            "/api/products/{id}/holds/",
            route(get(holds::list).post(holds::reserve), COLLECTION),
        )
        .route("/api/holds/expire/", route(post(holds::expire), ACTION))
        .route("/api/holds/{id}/", route(get(holds::retrieve), READ))
        .route(
            "/api/holds/{id}/commit/",
            route(post(holds::commit), ACTION),
        )
        .route(
            "/api/holds/{id}/release/",
            route(post(holds::release), ACTION),
        )
        .route(
            "/api/products/{id}/history/",
            route(get(api::history), READ),
        )
        .route("/api/inventory/value/", route(get(api::total_value), READ))
        .route("/api/events/", route(get(api::events), READ))
        .route_layer(middleware::from_fn(metrics::track))
        .route_layer(middleware::from_fn_with_state(
            guard::Auth {
                token,
                protect_reads: config.protect_reads,
            },
            guard::require_token,
        ));
    // Probes for load balancers and orchestrators: outside the token, never redirected.
    let probes = Router::new()
        .route("/healthz", get(guard::healthz))
        .route("/readyz", get(guard::readyz))
        .route("/metrics", get(metrics::render));
    metrics::init();
    let router = api
        .merge(probes)
        .method_not_allowed_fallback(|method: Method| async move {
            let message = format!("Method \"{method}\" not allowed.");
            ApiError::detail(StatusCode::METHOD_NOT_ALLOWED, message)
        })
        .fallback(guard::not_found_or_slash)
        .layer(DefaultBodyLimit::max(config.body_limit))
        .layer(axum::Extension(input::BodyLimit(config.body_limit)))
        .with_state(config.inventory);
    let router = match cors(&config.cors_origins) {
        Some(cors) => router.layer(cors),
        None => router,
    };
    let hosts = Arc::new(guard::Hosts {
        allowed: config.allowed_hosts,
        trusted_proxies: config.trusted_proxies,
    });
    // Router::layer wraps each route on its own; the limits must hold for the whole server, so
    // they wrap one router whose only route is the whole API.
    let router = Router::new().fallback_service(router);
    let router = match config.rate_limit {
        None => router,
        Some(limit) => router.layer(guard::rate_limit(limit)),
    };
    router
        .layer(
            // Outermost to innermost: requests over the concurrency limit are answered 503 at
            // once, a request slower than the timeout 408; both as JSON.
            ServiceBuilder::new()
                .layer(HandleErrorLayer::new(guard::overloaded_or_timed_out))
                .load_shed()
                .concurrency_limit(config.max_concurrent.max(1))
                .timeout(config.request_timeout),
        )
        .layer(middleware::from_fn_with_state(hosts, guard::check_host))
        .layer(middleware::from_fn(guard::readable_path))
        .layer(security_header("x-content-type-options", "nosniff"))
        .layer(security_header("x-frame-options", "DENY"))
        .layer(security_header("referrer-policy", "same-origin"))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        // Every request has an id: the client's `X-Request-Id`, or a new UUID; it is in the
        // request's log lines and sent back.
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
}

/// The span of a request's log lines: its method, path, request id, and the trace id of a W3C
/// `traceparent` it came with (so its lines join the caller's trace).
fn request_span<B>(req: &axum::http::Request<B>) -> tracing::Span {
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    };
    let trace_id = header("traceparent")
        .split('-')
        .nth(1)
        .filter(|id| id.len() == 32 && id.chars().all(|c| c.is_ascii_hexdigit()))
        .unwrap_or_default();
    tracing::info_span!(
        "request",
        method = %req.method(),
        uri = %req.uri(),
        request_id = header("x-request-id"),
        trace_id,
    )
}

/// A header every response carries, as Django's security middleware sends it.
fn security_header(name: &'static str, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(
        HeaderName::from_static(name),
        HeaderValue::from_static(value),
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
                HeaderName::from_static("idempotency-key"),
                HeaderName::from_static("x-request-id"),
            ])
            .expose_headers([header::ETAG, HeaderName::from_static("x-request-id")]),
    )
}
