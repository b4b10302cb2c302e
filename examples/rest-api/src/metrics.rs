//! Prometheus metrics, served at `/metrics`: requests by route, method and status, their
//! latency, the latency of the library calls behind them, and stock movements by kind and
//! reason. The `metrics` facade records them; its Prometheus exporter renders the text.

use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

/// The process's recorder (the `metrics` facade has one per process), installed on first use.
fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let buckets = [
            0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
        ];
        let builder = PrometheusBuilder::new()
            .set_buckets(&buckets)
            .expect("the buckets are not empty");
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        // Another recorder installed first (an embedding application's) keeps the metrics;
        // this handle then renders what it saw, which is nothing.
        let _ = metrics::set_global_recorder(recorder);
        handle
    })
}

/// Installs the recorder, so that the first request is counted too.
pub(crate) fn init() {
    handle();
}

/// `GET /metrics`: the Prometheus text format.
pub(crate) async fn render() -> Response {
    let content_type = HeaderValue::from_static("text/plain; version=0.0.4");
    ([(header::CONTENT_TYPE, content_type)], handle().render()).into_response()
}

/// Counts every routed request and times it, labelled by its route (the pattern, so ids do not
/// make a label each), method and status.
pub(crate) async fn track(req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = req.method().to_string();
    let started = Instant::now();
    let response = next.run(req).await;
    let status = response.status().as_u16().to_string();
    metrics::histogram!("http_request_duration_seconds", "route" => route.clone(), "method" => method.clone())
        .record(started.elapsed().as_secs_f64());
    metrics::counter!("http_requests_total", "route" => route, "method" => method, "status" => status)
        .increment(1);
    response
}

/// Times one library call, labelled by the library operation (`list`, `adjust_stock`, …).
pub(crate) fn store_call(operation: &'static str, seconds: f64) {
    metrics::histogram!("inventory_store_call_seconds", "operation" => operation).record(seconds);
}

/// Counts an applied stock movement.
pub(crate) fn movement(kind: &'static str, reason: &str) {
    metrics::counter!("inventory_stock_movements_total", "kind" => kind, "reason" => reason.to_owned())
        .increment(1);
}
