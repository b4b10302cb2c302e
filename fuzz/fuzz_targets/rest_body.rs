//! REST request bodies from any bytes, posted and patched to the products API: never a panic,
//! never a 5xx; a 2xx leaves a ledger that checks.
#![no_main]
use std::sync::OnceLock;

use axum::body::Body;
use axum::http::{Method, Request};
use inventory_core::{Inventory, NewProduct, parse_price};
use inventory_rest_api::{Config, app};
use libfuzzer_sys::fuzz_target;
use tower::ServiceExt;

struct Fixture {
    runtime: tokio::runtime::Runtime,
    inv: Inventory,
    id: String,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let inv = Inventory::in_memory();
        let p = inv
            .create(NewProduct::new("Widget", "W-1", parse_price("1.00").unwrap()).with_stock(5))
            .unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        Fixture { runtime, inv, id: p.id.to_string() }
    })
}

fuzz_target!(|input: (u8, &[u8])| {
    let (which, body) = input;
    let f = fixture();
    let (method, path) = match which % 4 {
        0 => (Method::POST, "/api/products/".to_owned()),
        1 => (Method::PATCH, format!("/api/products/{}/", f.id)),
        2 => (Method::PUT, format!("/api/products/{}/", f.id)),
        _ => (Method::POST, format!("/api/products/{}/adjust-stock/", f.id)),
    };
    let request = Request::builder()
        .method(method)
        .uri(path)
        .header("content-type", "application/json")
        .body(Body::from(body.to_vec()))
        .unwrap();
    let config = Config::new(f.inv.clone());
    let response = f.runtime.block_on(app(config).oneshot(request)).unwrap();
    assert!(!response.status().is_server_error(), "{}", response.status());
    f.inv.check_ledger().unwrap();
});
