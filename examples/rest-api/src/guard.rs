//! What stands in front of the handlers: the token, the allowed hosts and trusted proxies, the
//! concurrency limit and the timeout's answers, `OPTIONS`, the trailing-slash redirect, paths
//! that are not text, and the health probes.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use inventory_core::{Inventory, Uuid};
use serde_json::json;
use subtle::ConstantTimeEq;

use crate::error::ApiError;

/// The token, and whether reads need it too.
#[derive(Clone)]
pub(crate) struct Auth {
    pub token: Option<Arc<str>>,
    pub protect_reads: bool,
}

/// Writes (and, with `protect_reads`, reads) need `Authorization: Bearer <token>` when a token
/// is configured. The messages are DRF's.
pub(crate) async fn require_token(State(auth): State<Auth>, req: Request, next: Next) -> Response {
    let read = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if let Some(token) = auth.token
        && (!read || auth.protect_reads)
        && *req.method() != Method::OPTIONS
    {
        let given = req
            .headers()
            .get(header::AUTHORIZATION)
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
            // In constant time (subtle), so the comparison does not tell where they differ.
            (Some(given), None) if bool::from(given.as_bytes().ct_eq(token.as_bytes())) => Ok(()),
            _ => Err("Invalid token."),
        },
        _ => Err("Authentication credentials were not provided."),
    }
}

/// The host names and proxies the server believes.
pub(crate) struct Hosts {
    pub allowed: Vec<String>,
    pub trusted_proxies: Vec<IpAddr>,
}

/// The scheme the client used, as links should say it: `https` when a trusted proxy says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Scheme(pub &'static str);

impl Hosts {
    /// Whether `host` (the `Host` header, port removed, lower case) is allowed: a listed name,
    /// a subdomain of a listed `.suffix`, or anything when `*` is listed (Django's rules).
    fn allows(&self, host: &str) -> bool {
        self.allowed.iter().any(|pattern| {
            let pattern = pattern.trim().to_ascii_lowercase();
            pattern == "*"
                || pattern == host
                || pattern
                    .strip_prefix('.')
                    .is_some_and(|domain| host == domain || host.ends_with(&format!(".{domain}")))
        })
    }

    /// The scheme a trusted proxy reports (`X-Forwarded-Proto: https`, `Forwarded: proto=https`).
    fn scheme(&self, req: &Request) -> Scheme {
        let trusted =
            crate::server::peer(req).is_some_and(|p| self.trusted_proxies.contains(&p.ip()));
        if !trusted {
            return Scheme("http");
        }
        let headers = req.headers();
        let text = |name: &str| {
            headers
                .get(name)
                .and_then(|v: &HeaderValue| v.to_str().ok())
        };
        let forwarded = text("forwarded").and_then(|f| {
            f.split([';', ','])
                .filter_map(|part| part.trim().split_once('='))
                .find(|(k, _)| k.eq_ignore_ascii_case("proto"))
                .map(|(_, v)| v.trim_matches('"').to_owned())
        });
        let proto = forwarded.or_else(|| text("x-forwarded-proto").map(str::to_owned));
        match proto.map(|p| p.trim().to_ascii_lowercase()).as_deref() {
            Some("https") => Scheme("https"),
            _ => Scheme("http"),
        }
    }
}

/// The name of a `Host` header without its port, in lower case.
fn host_name(host: &str) -> String {
    let host = host.trim().to_ascii_lowercase();
    if host.starts_with('[') {
        // [::1]:8000
        return host
            .split_inclusive(']')
            .next()
            .unwrap_or_default()
            .to_owned();
    }
    host.rsplit_once(':')
        .filter(|(_, port)| port.chars().all(|c| c.is_ascii_digit()))
        .map_or(host.clone(), |(name, _)| name.to_owned())
}

/// Refuses a `Host` that is not allowed (400, Django's message), and tells the handlers which
/// scheme the client used.
pub(crate) async fn check_host(
    State(hosts): State<Arc<Hosts>>,
    mut req: Request,
    next: Next,
) -> Response {
    if let Some(value) = req.headers().get(header::HOST) {
        let host = value.to_str().unwrap_or("\u{fffd}");
        let name = host_name(host);
        let valid = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-.[]:_".contains(c));
        if !valid || !hosts.allows(&name) {
            let shown = inventory_core::text::echo(host);
            let message = format!(
                "Invalid HTTP_HOST header: {shown}. You may need to add {shown} to the allowed \
                 hosts (--allowed-host)."
            );
            return ApiError::detail(StatusCode::BAD_REQUEST, message).into_response();
        }
    }
    let scheme = hosts.scheme(&req);
    req.extensions_mut().insert(scheme);
    next.run(req).await
}

/// A path that does not decode to text cannot name anything here: 404 as JSON (axum's own
/// answer would be a plain-text 400).
pub(crate) async fn readable_path(req: Request, next: Next) -> Response {
    if std::str::from_utf8(&percent_decode(req.uri().path())).is_err() {
        return ApiError::not_found().into_response();
    }
    next.run(req).await
}

/// The bytes a percent-encoded path stands for (`%ff` is the byte 0xFF).
fn percent_decode(path: &str) -> Vec<u8> {
    let bytes = path.as_bytes();
    let hex = |b: Option<&u8>| b.and_then(|b| (*b as char).to_digit(16));
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match (bytes[i], hex(bytes.get(i + 1)), hex(bytes.get(i + 2))) {
            (b'%', Some(hi), Some(lo)) => {
                out.push((hi * 16 + lo) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

/// What `OPTIONS` answers on every route: 200, `Allow`, and DRF's metadata in brief.
pub(crate) async fn options(allow: &'static str) -> Response {
    let body = json!({
        "name": "Inventory API",
        "renders": ["application/json"],
        "parses": ["application/json"],
    });
    (
        StatusCode::OK,
        [(header::ALLOW, HeaderValue::from_static(allow))],
        Json(body),
    )
        .into_response()
}

/// Unknown paths: under `/api/` without the trailing slash, a redirect to it (Django's
/// `APPEND_SLASH`: 301 for reads; 308 for writes, which keeps the method and body); anything
/// else 404.
pub(crate) async fn not_found_or_slash(method: Method, uri: Uri) -> Response {
    let path = uri.path();
    if path.starts_with("/api") && !path.ends_with('/') {
        let target = match uri.query() {
            Some(q) => format!("{path}/?{q}"),
            None => format!("{path}/"),
        };
        return if matches!(method, Method::GET | Method::HEAD) {
            (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, target)]).into_response()
        } else {
            Redirect::permanent(&target).into_response()
        };
    }
    ApiError::not_found().into_response()
}

/// `GET /healthz`: the process answers.
pub(crate) async fn healthz() -> Response {
    Json(json!({"status": "ok"})).into_response()
}

/// `GET /readyz`: the store answers a read (503 when it cannot, with the storage kind).
pub(crate) async fn readyz(State(inv): State<Inventory>) -> Response {
    let probe = crate::api::run(&inv, "get", |inv| match inv.get(Uuid::nil()) {
        Ok(_) => Ok(()),
        Err(e) if e.code() == "NOT_FOUND" => Ok(()),
        Err(e) => Err(e),
    })
    .await;
    match probe {
        Ok(()) => Json(json!({"status": "ready"})).into_response(),
        Err(e) => {
            let mut answer = e.into_response();
            *answer.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
            answer
        }
    }
}

/// The concurrency limit's and the timeout's errors as answers: 503 with `Retry-After`, 408.
pub(crate) async fn overloaded_or_timed_out(error: tower::BoxError) -> Response {
    if error.is::<tower::load_shed::error::Overloaded>() {
        let mut answer = ApiError::detail(
            StatusCode::SERVICE_UNAVAILABLE,
            "The server is busy; try again in a moment.",
        )
        .into_response();
        answer
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        return answer;
    }
    if error.is::<tower::timeout::error::Elapsed>() {
        return ApiError::detail(StatusCode::REQUEST_TIMEOUT, "The request took too long.")
            .into_response();
    }
    tracing::error!(%error, "a middleware failed");
    ApiError::detail(
        StatusCode::INTERNAL_SERVER_ERROR,
        "A server error occurred.",
    )
    .into_response()
}

/// The per-client rate limit: governor's token bucket per peer address, its refusal as JSON.
pub(crate) fn rate_limit(
    limit: crate::RateLimit,
) -> tower_governor::GovernorLayer<
    tower_governor::key_extractor::PeerIpKeyExtractor,
    governor::middleware::NoOpMiddleware<governor::clock::QuantaInstant>,
> {
    let config = tower_governor::governor::GovernorConfigBuilder::default()
        .period(limit.replenish_every.max(Duration::from_nanos(1)))
        .burst_size(limit.burst.max(1))
        .error_handler(|error| {
            let (status, message) = match &error {
                tower_governor::GovernorError::TooManyRequests { .. } => (
                    StatusCode::TOO_MANY_REQUESTS,
                    "Request was throttled. Expected available soon.",
                ),
                _ => (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "A server error occurred.",
                ),
            };
            let mut answer = ApiError::detail(status, message).into_response();
            if let tower_governor::GovernorError::TooManyRequests { wait_time, .. } = error {
                let seconds = wait_time.max(1).to_string();
                if let Ok(value) = HeaderValue::from_str(&seconds) {
                    answer.headers_mut().insert(header::RETRY_AFTER, value);
                }
            }
            answer
        })
        .finish()
        .expect("a burst and a period above zero");
    tower_governor::GovernorLayer {
        config: Arc::new(config),
    }
}
