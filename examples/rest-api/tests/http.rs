//! The API over real HTTP: each test starts the app on 127.0.0.1 (an ephemeral port) over its own
//! SQLite file (or, with `INVENTORY_REST_TEST_POSTGRES_URL` set, its own schema of that
//! PostgreSQL server) and drives it with a plain HTTP client.

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use inventory_core::{Inventory, NewProduct, parse_price};
use inventory_rest_api::{Config, app};
use serde_json::{Value, json};
use ureq::http::{HeaderMap, Request};

// ---- a server and a client ----

struct Server {
    base: String,
    /// The inventory the server serves, to seed data and check what changed.
    inv: Inventory,
    agent: ureq::Agent,
    _dir: tempfile::TempDir,
    /// The PostgreSQL schema the server uses, when the suite runs on PostgreSQL.
    _schema: Option<PgSchema>,
}

/// A response: status, headers and the JSON body (`Null` when empty).
#[derive(Debug)]
struct Reply {
    status: u16,
    headers: HeaderMap,
    body: Value,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }
}

fn start() -> Server {
    start_with(|c| c)
}

fn start_with(configure: impl FnOnce(Config) -> Config) -> Server {
    start_limits(configure, inventory_rest_api::server::Limits::default())
}

fn start_limits(
    configure: impl FnOnce(Config) -> Config,
    limits: inventory_rest_api::server::Limits,
) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let (inv, schema) = match std::env::var("INVENTORY_REST_TEST_POSTGRES_URL") {
        Ok(server) => {
            let schema = PgSchema::new(&server);
            (Inventory::open(&schema.url).unwrap(), Some(schema))
        }
        Err(_) => (
            Inventory::open(dir.path().join("test.db").to_str().unwrap()).unwrap(),
            None,
        ),
    };
    let router = app(configure(Config::new(inv.clone())));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            inventory_rest_api::server::serve(listener, router, limits, std::future::pending())
                .await
                .unwrap();
        });
    });
    let agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into();
    Server {
        base: format!("http://{addr}"),
        inv,
        agent,
        _dir: dir,
        _schema: schema,
    }
}

/// A schema of its own in the PostgreSQL server the suite is pointed at, dropped after.
struct PgSchema {
    server: String,
    name: String,
    url: String,
}

impl PgSchema {
    fn new(server: &str) -> Self {
        let name = format!("rest_{}", inventory_core::Uuid::new_v4().simple());
        let mut client = postgres::Client::connect(server, postgres::NoTls).unwrap();
        client
            .batch_execute(&format!("CREATE SCHEMA {name}"))
            .unwrap();
        let sep = if server.contains('?') { '&' } else { '?' };
        let url = format!("{server}{sep}options=-csearch_path%3D{name}");
        Self {
            server: server.to_owned(),
            name,
            url,
        }
    }
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        if let Ok(mut client) = postgres::Client::connect(&self.server, postgres::NoTls) {
            let _ = client.batch_execute(&format!("DROP SCHEMA {} CASCADE", self.name));
        }
    }
}

impl Server {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Any request; a body is sent as `application/json` unless `headers` say otherwise.
    fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut req = Request::builder().method(method).uri(self.url(path));
        if body.is_some()
            && !headers
                .iter()
                .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        {
            req = req.header("Content-Type", "application/json");
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let response = match body {
            Some(body) => self.agent.run(req.body(body.to_owned()).unwrap()),
            None => self.agent.run(req.body(()).unwrap()),
        };
        let mut response = response.unwrap();
        let text = response.body_mut().read_to_string().unwrap();
        Reply {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            body: if text.is_empty() {
                Value::Null
            } else {
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
            },
        }
    }

    fn get(&self, path: &str) -> Reply {
        self.call("GET", path, None, &[])
    }

    fn send(&self, method: &str, path: &str, body: Value) -> Reply {
        self.call(method, path, Some(&body.to_string()), &[])
    }

    /// Creates a product over HTTP and returns its JSON.
    fn create(&self, name: &str, sku: &str, price: &str, stock: u32) -> Value {
        let r = self.send(
            "POST",
            "/api/products/",
            json!({"name": name, "sku": sku, "price": price, "stock": stock}),
        );
        assert_eq!(r.status, 201, "{r:?}");
        r.body
    }

    fn count(&self) -> u64 {
        self.inv
            .list(&Default::default())
            .unwrap()
            .total
            .unwrap_or(0)
    }
}

fn product_path(p: &Value) -> String {
    format!("/api/products/{}/", p["id"].as_str().unwrap())
}

fn not_found() -> Value {
    json!({"detail": "Not found."})
}

/// Timestamps as DRF writes them: ISO 8601, UTC as `Z`.
fn assert_timestamp(v: &Value) {
    let text = v.as_str().unwrap();
    assert!(text.ends_with('Z') && !text.contains("+00:00"), "{text}");
    inventory_core::chrono::DateTime::parse_from_rfc3339(text).unwrap();
}

// ---- the original API ----

#[test]
fn create_retrieve_update_delete_answer_as_drf_does() {
    let s = start();
    let r = s.send(
        "POST",
        "/api/products/",
        json!({"name": " Widget ", "sku": " ab-1 ", "price": 9.99, "stock": 10,
               "id": "00000000-0000-4000-8000-000000000000", "created_at": "2000-01-01T00:00:00Z",
               "colour": "ignored"}),
    );
    assert_eq!(r.status, 201, "{r:?}");
    let p = r.body.clone();
    let keys: HashSet<&str> = p.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        HashSet::from([
            "id",
            "name",
            "sku",
            "price",
            "stock",
            "created_at",
            "updated_at"
        ])
    );
    assert_ne!(
        p["id"], "00000000-0000-4000-8000-000000000000",
        "id is read-only"
    );
    assert_eq!(
        (&p["name"], &p["sku"], &p["price"], &p["stock"]),
        (&json!("Widget"), &json!("AB-1"), &json!("9.99"), &json!(10))
    );
    assert_timestamp(&p["created_at"]);
    assert_timestamp(&p["updated_at"]);
    assert!(
        !p["created_at"].as_str().unwrap().starts_with("2000"),
        "created_at is read-only"
    );
    assert_eq!(r.header("etag"), Some("\"1\""));
    assert!(
        r.header("content-type")
            .unwrap()
            .starts_with("application/json")
    );

    // A price as a string, stock defaulting to 0.
    let q = s
        .send(
            "POST",
            "/api/products/",
            json!({"name": "Bolt", "sku": "b-1", "price": "12.5"}),
        )
        .body;
    assert_eq!((&q["price"], &q["stock"]), (&json!("12.50"), &json!(0)));

    let path = product_path(&p);
    let r = s.get(&path);
    assert_eq!((r.status, &r.body), (200, &p));

    // PUT: the whole product; stock may be left out (it then stays).
    let r = s.send(
        "PUT",
        &path,
        json!({"name": "Widget v2", "sku": "ab-2", "price": "10"}),
    );
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(
        (
            &r.body["name"],
            &r.body["sku"],
            &r.body["price"],
            &r.body["stock"]
        ),
        (
            &json!("Widget v2"),
            &json!("AB-2"),
            &json!("10.00"),
            &json!(10)
        )
    );
    assert_eq!(r.body["created_at"], p["created_at"]);
    assert_ne!(r.body["updated_at"], p["updated_at"]);
    assert_eq!(r.header("etag"), Some("\"2\""));
    let r = s.send("PUT", &path, json!({"name": "only a name"}));
    assert_eq!(r.status, 400);
    assert_eq!(
        r.body,
        json!({"sku": ["This field is required."], "price": ["This field is required."]})
    );

    // PATCH: any subset.
    let r = s.send("PATCH", &path, json!({"price": "11.25"}));
    assert_eq!(
        (r.status, &r.body["price"], &r.body["name"]),
        (200, &json!("11.25"), &json!("Widget v2"))
    );

    // DELETE: 204 and no body; then it is gone.
    let r = s.call("DELETE", &path, None, &[]);
    assert_eq!((r.status, &r.body), (204, &Value::Null));
    assert_eq!(s.get(&path).status, 404);
    assert_eq!(s.call("DELETE", &path, None, &[]).body, not_found());
    assert_eq!(s.count(), 1);
}

#[test]
fn stock_in_put_and_patch_is_a_correction_in_the_ledger() {
    let s = start();
    let p = s.create("Widget", "W-1", "2.00", 10);
    let path = product_path(&p);
    let r = s.send("PATCH", &path, json!({"stock": 7}));
    assert_eq!((r.status, &r.body["stock"]), (200, &json!(7)));
    let r = s.send(
        "PUT",
        &path,
        json!({"name": "Widget", "sku": "w-1", "price": "2", "stock": "12"}),
    );
    assert_eq!((r.status, &r.body["stock"]), (200, &json!(12)));
    // The same stock again records nothing.
    s.send("PATCH", &path, json!({"stock": 12.0, "name": "Widget"}));
    let history = s.get(&format!("{path}history/")).body;
    let moves: Vec<(&str, i64)> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["reason"].as_str().unwrap(), e["delta"].as_i64().unwrap()))
        .collect();
    assert_eq!(
        moves,
        [("initial", 10), ("correction", -3), ("correction", 5)]
    );
    s.inv.check_ledger().unwrap();

    // Fields and stock in one request are one transaction: the update and its movement.
    let r = s.send("PATCH", &path, json!({"name": "Gadget", "stock": 4}));
    assert_eq!((r.status, r.header("etag")), (200, Some("\"5\"")));
    let history = s.get(&format!("{path}history/")).body;
    let kinds: Vec<&str> = history.as_array().unwrap()[3..]
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["updated", "stock_changed"]);
    s.send("PATCH", &path, json!({"name": "Widget"}));

    // A bad stock changes nothing, not even the other fields.
    let r = s.send("PATCH", &path, json!({"name": "Renamed", "stock": -1}));
    assert_eq!(
        (r.status, &r.body),
        (400, &json!({"stock": ["must be between 0 and 2147483647"]}))
    );
    assert_eq!(s.get(&path).body["name"], "Widget");
}

#[test]
fn invalid_input_is_400_naming_every_field_and_changes_nothing() {
    let s = start();
    s.create("Widget", "AB-1", "1.00", 1);
    let cases = [
        (
            json!({}),
            json!({"name": ["This field is required."], "sku": ["This field is required."], "price": ["This field is required."]}),
        ),
        (
            json!({"name": " ", "sku": "a b", "price": "-1", "stock": -1}),
            json!({"name": ["must not be blank"], "sku": ["must not contain whitespace or control characters"],
                   "price": ["must be greater than 0"], "stock": ["must be between 0 and 2147483647"]}),
        ),
        (
            json!({"name": "x".repeat(101), "sku": "s", "price": "1"}),
            json!({"name": ["must be at most 100 characters (got 101)"]}),
        ),
        (
            json!({"name": "n", "sku": "s".repeat(51), "price": "1"}),
            json!({"sku": ["must be at most 50 characters (got 51)"]}),
        ),
        (
            json!({"name": "n", "sku": "s", "price": "12.345"}),
            json!({"price": ["must have at most 2 decimal places"]}),
        ),
        (
            json!({"name": "n", "sku": "s", "price": 0.1 + 0.2}),
            json!({"price": ["must have at most 2 decimal places"]}),
        ),
        (
            json!({"name": "n", "sku": "s", "price": "100000000"}),
            json!({"price": ["must be at most 99999999.99"]}),
        ),
        (
            json!({"name": "n", "sku": "s", "price": "0"}),
            json!({"price": ["must be greater than 0"]}),
        ),
        (
            json!({"name": "n", "sku": "s", "price": "abc"}),
            json!({"price": ["must be a decimal number such as 12.50 (got \"abc\")"]}),
        ),
        (
            json!({"name": true, "sku": ["s"], "price": {}}),
            json!({"name": ["Not a valid string."], "sku": ["Not a valid string."], "price": ["A valid number is required."]}),
        ),
        (
            json!({"name": null, "sku": "s", "price": "1"}),
            json!({"name": ["This field may not be null."]}),
        ),
        (
            json!({"name": "n", "sku": "s", "price": "1", "stock": "many"}),
            json!({"stock": ["A valid integer is required."]}),
        ),
        (
            json!({"name": "n", "sku": "s", "price": "1", "stock": 1.5}),
            json!({"stock": ["A valid integer is required."]}),
        ),
        (
            json!({"name": "n", "sku": "s", "price": "1", "stock": 2_147_483_648_u64}),
            json!({"stock": ["must be between 0 and 2147483647"]}),
        ),
        // DRF's unique validator, after the SKU is normalised.
        (
            json!({"name": "n", "sku": " ab-1", "price": "1"}),
            json!({"sku": ["product with this sku already exists."]}),
        ),
        (
            json!([1, 2]),
            json!({"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]}),
        ),
    ];
    for (body, expected) in cases {
        let r = s.send("POST", "/api/products/", body.clone());
        assert_eq!((r.status, &r.body), (400, &expected), "{body}");
    }

    // Malformed JSON, an unsupported body, an empty body.
    let r = s.call("POST", "/api/products/", Some("{\"name\": "), &[]);
    assert_eq!(r.status, 400);
    let detail = r.body["detail"].as_str().unwrap();
    assert!(detail.starts_with("JSON parse error - "), "{detail}");
    let r = s.call(
        "POST",
        "/api/products/",
        Some("name=x"),
        &[("Content-Type", "application/x-www-form-urlencoded")],
    );
    assert_eq!(
        (r.status, &r.body),
        (
            415,
            &json!({"detail": "Unsupported media type \"application/x-www-form-urlencoded\" in request."})
        )
    );
    let r = s.call("POST", "/api/products/", None, &[]);
    assert_eq!(
        (r.status, &r.body["name"]),
        (400, &json!(["This field is required."]))
    );

    // An update that breaks a rule changes nothing.
    let p = s.create("Bolt", "B-1", "1.00", 0);
    let r = s.send(
        "PATCH",
        &product_path(&p),
        json!({"name": "New", "sku": "ab-1"}),
    );
    assert_eq!(
        (r.status, &r.body),
        (
            400,
            &json!({"sku": ["product with this sku already exists."]})
        )
    );
    assert_eq!(s.get(&product_path(&p)).body, p);
    let r = s.call("PATCH", &product_path(&p), Some("[}"), &[]);
    assert_eq!(r.status, 400);
    assert_eq!(s.count(), 2);
}

#[test]
fn unknown_or_malformed_ids_and_paths_are_404() {
    let s = start();
    let unknown = "/api/products/67e55044-10b1-426f-9247-bb680e5fe0c8/";
    for path in [unknown, "/api/products/not-a-uuid/", "/api/products/1/"] {
        for method in ["GET", "PUT", "PATCH", "DELETE"] {
            // The body is broken on purpose: as in DRF, the missing product is what counts.
            let r = s.call(method, path, Some("{broken"), &[]);
            assert_eq!((r.status, &r.body), (404, &not_found()), "{method} {path}");
        }
        // And with a valid body, when the one core call finds no product.
        let r = s.send("PATCH", path, json!({"name": "X", "stock": 1}));
        assert_eq!((r.status, &r.body), (404, &not_found()), "{path}");
        let r = s.send(
            "POST",
            &format!("{path}adjust-stock/"),
            json!({"delta": 1, "reason": "restock"}),
        );
        assert_eq!((r.status, &r.body), (404, &not_found()), "{path}");
        let r = s.get(&format!("{path}history/"));
        assert_eq!((r.status, &r.body), (404, &not_found()), "{path}");
    }
    assert_eq!(s.get("/api/nothing/").body, not_found());
    // Django's APPEND_SLASH: a read is redirected to the path with the slash.
    let r = s.get("/api/products?page=2");
    assert_eq!(
        (r.status, r.header("location")),
        (301, Some("/api/products/?page=2"))
    );
    let r = s.send("POST", "/api/products", json!({}));
    assert_eq!(
        (r.status, r.header("location")),
        (308, Some("/api/products/"))
    );
    // A path that is not text is not found, as JSON.
    let r = s.get("/api/products/%ff%fe/");
    assert_eq!((r.status, &r.body), (404, &not_found()));
    let r = s.call("DELETE", "/api/products/", None, &[]);
    assert_eq!(
        (r.status, &r.body),
        (405, &json!({"detail": "Method \"DELETE\" not allowed."}))
    );
    assert!(r.header("allow").unwrap().contains("POST"));
}

// ---- pagination and filters ----

#[test]
fn page_number_pagination_50_per_page_with_absolute_links() {
    let s = start();
    let many = (0..120)
        .map(|i| {
            NewProduct::new(
                format!("Item {i:03}"),
                format!("I-{i:03}"),
                parse_price("1.00").unwrap(),
            )
        })
        .collect();
    s.inv.create_many(many).unwrap();
    let list = |q: &str| s.get(&format!("/api/products/{q}"));

    let r = list("");
    assert_eq!(r.status, 200);
    let keys: Vec<&str> = r
        .body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys.len(), 4);
    assert_eq!(
        (
            &r.body["count"],
            r.body["results"].as_array().unwrap().len()
        ),
        (&json!(120), 50)
    );
    assert_eq!(r.body["next"], s.url("/api/products/?page=2"));
    assert_eq!(r.body["previous"], Value::Null);

    let r = list("?page=2");
    assert_eq!(r.body["next"], s.url("/api/products/?page=3"));
    assert_eq!(
        r.body["previous"],
        s.url("/api/products/"),
        "page 1 is linked without page="
    );
    let r = list("?page=3");
    assert_eq!(r.body["results"].as_array().unwrap().len(), 20);
    assert_eq!(
        (&r.body["next"], &r.body["previous"]),
        (&Value::Null, &json!(s.url("/api/products/?page=2")))
    );

    // Every product exactly once (these were created in one transaction: ties in created_at
    // are broken by id).
    let mut names = Vec::new();
    for page in 1..=3 {
        for p in list(&format!("?page={page}")).body["results"]
            .as_array()
            .unwrap()
        {
            names.push(p["name"].as_str().unwrap().to_owned());
        }
    }
    names.sort();
    assert_eq!(
        names,
        (0..120).map(|i| format!("Item {i:03}")).collect::<Vec<_>>()
    );

    // Other parameters are kept in the links, sorted as DRF sorts them.
    let r = list("?search=item&page=1&ordering=-name");
    assert_eq!(
        r.body["next"],
        s.url("/api/products/?ordering=-name&page=2&search=item")
    );
    assert_eq!(r.body["results"][0]["name"], "Item 119");

    for bad in [
        "?page=4",
        "?page=0",
        "?page=-1",
        "?page=abc",
        "?page=1.0",
        "?page=99999999999999999999",
    ] {
        let r = list(bad);
        assert_eq!(
            (r.status, &r.body),
            (404, &json!({"detail": "Invalid page."})),
            "{bad}"
        );
    }
    // An empty inventory has one empty page.
    let empty = start();
    assert_eq!(
        empty.get("/api/products/").body,
        json!({"count": 0, "next": null, "previous": null, "results": []})
    );
    assert_eq!(empty.get("/api/products/?page=2").status, 404);
}

#[test]
fn cursor_pagination_is_an_option() {
    let s = start();
    let many = (0..75)
        .map(|i| {
            NewProduct::new(
                format!("P{i}"),
                format!("C-{i}"),
                parse_price(&format!("{}.00", i % 7 + 1)).unwrap(),
            )
        })
        .collect();
    s.inv.create_many(many).unwrap();
    let mut seen = HashSet::new();
    let mut url = s.url("/api/products/?cursor=&ordering=-price");
    let mut prices = Vec::new();
    loop {
        let r = s.get(url.strip_prefix(&s.base).unwrap());
        assert_eq!(
            (r.status, &r.body["count"], &r.body["previous"]),
            (200, &json!(75), &Value::Null)
        );
        for p in r.body["results"].as_array().unwrap() {
            assert!(seen.insert(p["id"].clone()));
            prices.push(p["price"].as_str().unwrap().parse::<f64>().unwrap());
        }
        match r.body["next"].as_str() {
            Some(next) => url = next.to_owned(),
            None => break,
        }
    }
    assert_eq!(seen.len(), 75);
    assert!(prices.windows(2).all(|w| w[0] >= w[1]), "ordered by -price");

    let r = s.get("/api/products/?cursor=zz");
    assert_eq!(
        (r.status, &r.body),
        (
            400,
            &json!({"cursor": ["is not a cursor returned by this query"]})
        )
    );
    let r = s.get("/api/products/?cursor=&page=2");
    assert_eq!(
        (r.status, &r.body),
        (400, &json!({"page": ["cannot be combined with cursor"]}))
    );
}

#[test]
fn filters_and_ordering() {
    let s = start();
    s.create("Red Widget", "RW-1", "5.00", 2);
    s.create("Blue widget", "BW-1", "15.00", 20);
    s.create("Bolt", "BO-1", "0.50", 200);
    let names = |q: &str| -> Vec<String> {
        let r = s.get(&format!("/api/products/{q}"));
        assert_eq!(r.status, 200, "{q}: {r:?}");
        r.body["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names("?search=WIDGET"), ["Red Widget", "Blue widget"]);
    assert_eq!(names("?search=red%20w"), ["Red Widget"]);
    assert_eq!(names("?low_stock=20"), ["Red Widget", "Blue widget"]);
    assert_eq!(
        names("?ordering=-price"),
        ["Blue widget", "Red Widget", "Bolt"]
    );
    assert_eq!(
        names("?ordering=stock"),
        ["Red Widget", "Blue widget", "Bolt"]
    );
    assert_eq!(names("?sku_prefix=b"), ["Blue widget", "Bolt"]);
    assert_eq!(names("?min_price=1&max_price=10"), ["Red Widget"]);
    assert_eq!(
        names("?search=widget&low_stock=5&unknown=ignored"),
        ["Red Widget"]
    );
    assert_eq!(s.get("/api/products/?search=widget").body["count"], 2);

    let bad = [
        ("?ordering=colour", "ordering"),
        ("?ordering=-price,name", "ordering"),
        ("?low_stock=-1", "low_stock"),
        ("?low_stock=few", "low_stock"),
        ("?min_price=cheap", "min_price"),
        ("?max_price=-1", "max_price"),
        ("?sku_prefix=a%20b", "sku_prefix"),
    ];
    for (q, param) in bad {
        let r = s.get(&format!("/api/products/{q}"));
        assert_eq!(r.status, 400, "{q}");
        let errors = r.body.as_object().unwrap();
        assert_eq!(
            errors.keys().collect::<Vec<_>>(),
            [param],
            "{q}: {errors:?}"
        );
    }
}

// ---- what the library adds ----

#[test]
fn adjust_stock_moves_stock_atomically_and_409s_when_it_cannot() {
    let s = start();
    let p = s.create("Widget", "W-1", "2.50", 10);
    let adjust = format!("{}adjust-stock/", product_path(&p));
    let r = s.send(
        "POST",
        &adjust,
        json!({"delta": -3, "reason": "sale", "reference": "order-7", "actor": "till-1"}),
    );
    assert_eq!(
        (r.status, &r.body["stock"], r.header("etag")),
        (200, &json!(7), Some("\"2\""))
    );
    assert_eq!(r.body["id"], p["id"]);

    let r = s.send("POST", &adjust, json!({"delta": -8, "reason": "sale"}));
    assert_eq!(r.status, 409);
    assert_eq!(
        (&r.body["code"], &r.body["available"], &r.body["requested"]),
        (&json!("INSUFFICIENT_STOCK"), &json!(7), &json!(8))
    );
    assert!(
        r.body["detail"]
            .as_str()
            .unwrap()
            .contains("insufficient stock")
    );
    let r = s.send(
        "POST",
        &adjust,
        json!({"delta": 2_147_483_647_i64, "reason": "restock"}),
    );
    assert_eq!(
        (r.status, &r.body["code"], &r.body["current"]),
        (409, &json!("STOCK_OVERFLOW"), &json!(7))
    );
    let r = s.send(
        "POST",
        &adjust,
        json!({"delta": 5, "reason": "restock", "expected_stock": 6}),
    );
    assert_eq!(
        (
            r.status,
            &r.body["code"],
            &r.body["expected"],
            &r.body["actual"]
        ),
        (409, &json!("VERSION_CONFLICT"), &json!(6), &json!(7))
    );

    for (body, expected) in [
        (
            json!({"delta": 0, "reason": "sale"}),
            json!({"delta": ["must not be zero"]}),
        ),
        (
            json!({"reason": "sale"}),
            json!({"delta": ["This field is required."]}),
        ),
        (
            json!({"delta": 1}),
            json!({"reason": ["This field is required."]}),
        ),
        (
            json!({"delta": 1, "reason": " "}),
            json!({"reason": ["must not be blank"]}),
        ),
        (
            json!({"delta": "x", "reason": "sale", "actor": "a".repeat(201)}),
            json!({"delta": ["A valid integer is required."]}),
        ),
        (
            json!({"delta": 1, "reason": "sale", "actor": "a".repeat(201)}),
            json!({"actor": ["must be at most 200 characters (got 201)"]}),
        ),
    ] {
        let r = s.send("POST", &adjust, body.clone());
        assert_eq!((r.status, &r.body), (400, &expected), "{body}");
    }
    // None of the refused movements changed anything.
    assert_eq!(s.get(&product_path(&p)).body["stock"], 7);
    s.inv.check_ledger().unwrap();
}

#[test]
fn concurrent_sales_over_http_never_oversell() {
    let s = start();
    let p = s.create("Hot item", "HOT", "1.00", 30);
    let adjust = format!("{}adjust-stock/", product_path(&p));
    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..4)
            .map(|_| {
                scope.spawn(|| {
                    (0..10)
                        .map(|_| {
                            s.send("POST", &adjust, json!({"delta": -1, "reason": "sale"}))
                                .status
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 30);
    assert_eq!(statuses.iter().filter(|s| **s == 409).count(), 10);
    assert_eq!(s.get(&product_path(&p)).body["stock"], 0);
    s.inv.check_ledger().unwrap();
}

#[test]
fn history_value_and_events() {
    let s = start();
    assert_eq!(
        s.get("/api/inventory/value/").body,
        json!({"total_value": "0.00"})
    );
    let a = s.create("A", "A-1", "0.10", 3);
    let b = s.create("B", "B-1", "99999999.99", 2);
    s.send(
        "POST",
        &format!("{}adjust-stock/", product_path(&a)),
        json!({"delta": 4, "reason": "restock", "reference": "po-1"}),
    );
    s.send("PATCH", &product_path(&a), json!({"name": "A2"}));
    let r = s.get("/api/inventory/value/");
    assert_eq!(
        (r.status, &r.body),
        (200, &json!({"total_value": "200000000.68"}))
    );

    let r = s.get(&format!("{}history/", product_path(&a)));
    assert_eq!(r.status, 200);
    let history = r.body.as_array().unwrap();
    let kinds: Vec<&str> = history
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["created", "stock_changed", "updated"]);
    assert_eq!(
        (
            &history[1]["delta"],
            &history[1]["stock_after"],
            &history[1]["reference"]
        ),
        (&json!(4), &json!(7), &json!("po-1"))
    );
    assert_eq!(
        history[2]["changes"],
        json!([{"field": "name", "before": "A", "after": "A2"}])
    );
    assert_eq!(history[0]["product_id"], a["id"]);
    assert_timestamp(&history[0]["at"]);

    // A deleted product keeps its history.
    s.call("DELETE", &product_path(&b), None, &[]);
    let r = s.get(&format!("{}history/", product_path(&b)));
    let kinds: Vec<&str> = r
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["created", "deleted"]);

    // The event feed: everything after `since`, oldest first.
    let all = s.get("/api/events/").body;
    let seqs: Vec<u64> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(seqs.len(), 5);
    assert!(seqs.windows(2).all(|w| w[0] < w[1]));
    let r = s.get(&format!("/api/events/?since={}&limit=2", seqs[1]));
    let got: Vec<u64> = r
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(got, seqs[2..4]);
    assert_eq!(
        s.get(&format!("/api/events/?since={}", seqs[4])).body,
        json!([])
    );
    for (q, param) in [
        ("?since=x", "since"),
        ("?since=-1", "since"),
        ("?limit=0", "limit"),
        ("?limit=10001", "limit"),
        ("?limit=many", "limit"),
    ] {
        let r = s.get(&format!("/api/events/{q}"));
        assert_eq!(r.status, 400, "{q}");
        assert!(r.body.get(param).is_some(), "{q}: {:?}", r.body);
    }
}

#[test]
fn if_match_guards_updates_against_lost_writes() {
    let s = start();
    let p = s.create("Widget", "W-1", "1.00", 5);
    let path = product_path(&p);
    let r = s.call(
        "PATCH",
        &path,
        Some(r#"{"name": "Mine"}"#),
        &[("If-Match", "\"1\"")],
    );
    assert_eq!((r.status, r.header("etag")), (200, Some("\"2\"")));
    // Someone else's write since version 2.
    s.send(
        "POST",
        &format!("{path}adjust-stock/"),
        json!({"delta": -1, "reason": "sale"}),
    );
    let r = s.call(
        "PUT",
        &path,
        Some(r#"{"name": "Stale", "sku": "W-1", "price": "1", "stock": 5}"#),
        &[("If-Match", "\"2\"")],
    );
    assert_eq!(
        (
            r.status,
            &r.body["code"],
            &r.body["expected"],
            &r.body["actual"]
        ),
        (412, &json!("VERSION_CONFLICT"), &json!(2), &json!(3))
    );
    let r = s.call("PATCH", &path, Some("{}"), &[("If-Match", "yesterday")]);
    assert_eq!(r.status, 400);
    let now = s.get(&path).body;
    assert_eq!((&now["name"], &now["stock"]), (&json!("Mine"), &json!(4)));
    let r = s.call(
        "PATCH",
        &path,
        Some(r#"{"stock": 9}"#),
        &[("If-Match", "W/\"3\"")],
    );
    assert_eq!((r.status, &r.body["stock"]), (200, &json!(9)));
}

// ---- security ----

#[test]
fn writes_need_the_bearer_token_when_one_is_configured() {
    let s = start_with(|c| Config {
        token: Some("s3cret".into()),
        ..c
    });
    let body = Some(r#"{"name": "W", "sku": "W-1", "price": "1"}"#);
    let cases = [
        (None, "Authentication credentials were not provided."),
        (
            Some("Basic dXNlcjpwYXNz"),
            "Authentication credentials were not provided.",
        ),
        (
            Some("Bearer"),
            "Invalid token header. No credentials provided.",
        ),
        (
            Some("Bearer s3 cret"),
            "Invalid token header. Token string should not contain spaces.",
        ),
        (Some("Bearer s3cret!"), "Invalid token."),
        (Some("Bearer S3CRET"), "Invalid token."),
    ];
    for (auth, detail) in cases {
        let headers: Vec<(&str, &str)> = auth.map(|a| ("Authorization", a)).into_iter().collect();
        let r = s.call("POST", "/api/products/", body, &headers);
        assert_eq!(
            (r.status, &r.body),
            (401, &json!({"detail": detail})),
            "{auth:?}"
        );
        assert!(r.header("www-authenticate").unwrap().starts_with("Bearer"));
    }
    assert_eq!(s.count(), 0);
    let auth = [("Authorization", "Bearer s3cret")];
    let r = s.call("POST", "/api/products/", body, &auth);
    assert_eq!(r.status, 201);
    let path = product_path(&r.body);

    // Reads are open; every write is guarded.
    assert_eq!(s.get(&path).status, 200);
    assert_eq!(s.get("/api/products/").status, 200);
    for (method, p) in [
        ("PUT", path.clone()),
        ("PATCH", path.clone()),
        ("DELETE", path.clone()),
        ("POST", format!("{path}adjust-stock/")),
    ] {
        let r = s.call(
            method,
            &p,
            Some(r#"{"delta": 1, "reason": "x", "name": "Z"}"#),
            &[],
        );
        assert_eq!(r.status, 401, "{method} {p}");
    }
    assert_eq!(s.get(&path).body["stock"], 0);
    let r = s.call(
        "POST",
        &format!("{path}adjust-stock/"),
        Some(r#"{"delta": 1, "reason": "restock"}"#),
        &auth,
    );
    assert_eq!(r.status, 200);
    assert_eq!(s.call("DELETE", &path, None, &auth).status, 204);
}

#[test]
fn request_bodies_over_the_limit_are_413() {
    let s = start_with(|c| Config {
        body_limit: 1024,
        ..c
    });
    let big = json!({"name": "x".repeat(4096), "sku": "BIG", "price": "1"});
    let r = s.send("POST", "/api/products/", big);
    assert_eq!(r.status, 413);
    assert!(r.body["detail"].as_str().unwrap().contains("larger"));
    assert_eq!(s.count(), 0);
    s.create("Small", "S-1", "1.00", 1);
}

#[test]
fn cors_is_off_unless_configured() {
    let preflight = [
        ("Origin", "https://shop.example"),
        ("Access-Control-Request-Method", "POST"),
    ];
    let s = start();
    assert_eq!(
        s.call("OPTIONS", "/api/products/", None, &preflight)
            .header("access-control-allow-origin"),
        None
    );
    assert_eq!(
        s.call("GET", "/api/products/", None, &preflight[..1])
            .header("access-control-allow-origin"),
        None
    );

    // A browser's preflight carries no token: it is answered before authentication.
    let s = start_with(|c| Config {
        cors_origins: vec!["https://shop.example".parse().unwrap()],
        token: Some("s3cret".into()),
        ..c
    });
    let r = s.call("OPTIONS", "/api/products/", None, &preflight);
    assert_eq!(
        (r.status, r.header("access-control-allow-origin")),
        (200, Some("https://shop.example"))
    );
    assert!(
        r.header("access-control-allow-methods")
            .unwrap()
            .contains("PATCH")
    );
    assert!(
        r.header("access-control-allow-headers")
            .unwrap()
            .contains("authorization")
    );
    let r = s.call("GET", "/api/products/", None, &preflight[..1]);
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("https://shop.example")
    );
    let r = s.call(
        "GET",
        "/api/products/",
        None,
        &[("Origin", "https://evil.example")],
    );
    assert_eq!(
        (r.status, r.header("access-control-allow-origin")),
        (200, None)
    );

    let s = start_with(|c| Config {
        cors_origins: vec!["*".parse().unwrap()],
        ..c
    });
    let r = s.call(
        "GET",
        "/api/products/",
        None,
        &[("Origin", "https://any.example")],
    );
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
}

// ---- the binary ----

fn binary() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_inventory-rest-api"));
    for var in [
        "INVENTORY_API_TOKEN",
        "INVENTORY_DB",
        "INVENTORY_ADDR",
        "INVENTORY_CORS_ORIGINS",
        "INVENTORY_BODY_LIMIT",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("RUST_LOG", "info");
    cmd
}

#[test]
fn the_binary_refuses_to_listen_beyond_loopback_without_a_token() {
    let dir = tempfile::tempdir().unwrap();
    for addr in ["0.0.0.0:8000", "[::]:8000", "192.0.2.1:8000"] {
        let out = binary()
            .args(["--addr", addr, "--db"])
            .arg(dir.path().join("x.db"))
            .output()
            .unwrap();
        assert!(!out.status.success(), "{addr}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("refusing to listen") && stderr.contains("INVENTORY_API_TOKEN"),
            "{stderr}"
        );
        assert!(
            !dir.path().join("x.db").exists(),
            "nothing is opened before the check"
        );
    }
    // A blank token is no token.
    let out = binary()
        .args(["--addr", "0.0.0.0:8000"])
        .env("INVENTORY_API_TOKEN", " ")
        .output()
        .unwrap();
    assert!(!out.status.success());
}

#[test]
fn the_binary_serves_a_sqlite_file_and_logs_each_request() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    // A durability that is neither normal nor full is refused before anything is opened.
    let out = binary()
        .args(["--addr", "127.0.0.1:0", "--durability", "fast", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("durability"), "{stderr}");
    assert!(!db.exists());
    let mut child = binary()
        .args(["--addr", "127.0.0.1:0", "--durability", "full", "--db"])
        .arg(&db)
        // As read from a secret file: with its newline. It is trimmed, with a warning.
        .env("INVENTORY_API_TOKEN", "t0ken\n")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (lines_tx, lines) = std::sync::mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let _ = lines_tx.send(line.unwrap());
        }
    });
    let mut listening = lines.recv_timeout(Duration::from_secs(60)).unwrap();
    assert!(listening.contains("trimmed"), "{listening}");
    listening = lines.recv_timeout(Duration::from_secs(60)).unwrap();
    let addr = listening
        .split("addr=")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .unwrap_or_else(|| panic!("{listening}"));
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let url = format!("http://{addr}/api/products/");
    let post = |auth: &str| {
        agent
            .post(&url)
            .header("Authorization", auth)
            .content_type("application/json")
            .send(r#"{"name": "W", "sku": "w", "price": "1.5"}"#)
            .unwrap()
            .status()
            .as_u16()
    };
    assert_eq!(
        post("Bearer wrong"),
        401,
        "the token comes from INVENTORY_API_TOKEN"
    );
    assert_eq!(post("Bearer t0ken"), 201);
    let body = agent
        .get(&url)
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    assert!(body.contains("\"sku\":\"W\""), "{body}");
    // SIGTERM (what systemd, Docker and Kubernetes send): a clean stop, status 0.
    let term = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");

    let log: Vec<String> = lines.try_iter().collect();
    let log = log.join("\n");
    assert!(
        log.contains("method=POST") && log.contains("status=201") && log.contains("latency="),
        "{log}"
    );
    assert!(
        log.contains("shutting down") && log.contains("stopped"),
        "{log}"
    );
    // The data is in the SQLite file.
    let inv = Inventory::open(db.to_str().unwrap()).unwrap();
    assert_eq!(inv.get_by_sku("W").unwrap().price.to_string(), "1.50");
}

// ---- stock in places ----

#[test]
fn locations_are_listed_created_renamed_and_deleted() {
    let s = start();
    let r = s.get("/api/locations/");
    assert_eq!(r.status, 200);
    assert_eq!(r.body.as_array().unwrap().len(), 1);
    assert_eq!(r.body[0]["code"], "DEFAULT");
    let r = s.send(
        "POST",
        "/api/locations/",
        json!({"code": " wh-1 ", "name": "Main warehouse"}),
    );
    assert_eq!((r.status, &r.body["code"]), (201, &json!("WH-1")), "{r:?}");
    assert_timestamp(&r.body["created_at"]);
    let r = s.send(
        "POST",
        "/api/locations/",
        json!({"code": "wh-1", "name": "Again"}),
    );
    assert_eq!(r.status, 400);
    assert!(
        r.body["code"][0]
            .as_str()
            .unwrap()
            .contains("already exists"),
        "{r:?}"
    );
    let r = s.send("POST", "/api/locations/", json!({"name": "No code"}));
    assert_eq!(r.body, json!({"code": ["This field is required."]}));
    let r = s.send("PATCH", "/api/locations/wh-1/", json!({"name": "North"}));
    assert_eq!(
        (r.status, &r.body["name"], &r.body["version"]),
        (200, &json!("North"), &json!(2))
    );
    assert_eq!(s.get("/api/locations/WH-1/").body["name"], "North");
    assert_eq!(s.get("/api/locations/NOPE/").status, 404);
    assert_eq!(
        s.call("DELETE", "/api/locations/default/", None, &[])
            .status,
        400
    );
    assert_eq!(
        s.call("DELETE", "/api/locations/WH-1/", None, &[]).status,
        204
    );
    assert_eq!(
        s.call("DELETE", "/api/locations/WH-1/", None, &[]).status,
        404
    );
}

#[test]
fn stock_moves_per_location_by_adjustments_counts_and_transfers() {
    let s = start();
    let p = s.create("Widget", "W-1", "2.00", 10);
    s.send(
        "POST",
        "/api/locations/",
        json!({"code": "VAN", "name": "Van"}),
    );
    let path = product_path(&p);
    let r = s.send(
        "POST",
        &format!("{path}adjust-stock/"),
        json!({"delta": 4, "reason": "restock", "location": "van"}),
    );
    assert_eq!((r.status, &r.body["stock"]), (200, &json!(14)), "{r:?}");
    let r = s.send(
        "POST",
        &format!("{path}transfer/"),
        json!({"quantity": 3, "from_location": "DEFAULT", "to_location": "VAN", "reference": "t-9"}),
    );
    assert_eq!((r.status, &r.body["stock"]), (200, &json!(14)), "{r:?}");
    let r = s.send(
        "POST",
        &format!("{path}count/"),
        json!({"quantity": 6, "location": "VAN", "expected_stock": 7}),
    );
    assert_eq!((r.status, &r.body["stock"]), (200, &json!(13)), "{r:?}");
    let levels = s.get(&format!("{path}levels/"));
    assert_eq!(
        levels.body,
        json!([
            {"location": "DEFAULT", "on_hand": 7, "reserved": 0, "available": 7, "short": 0, "reorder_point": null},
            {"location": "VAN", "on_hand": 6, "reserved": 0, "available": 6, "short": 0, "reorder_point": null}
        ])
    );
    let history = s.get(&format!("{path}history/")).body;
    let kinds: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "created",
            "stock_changed",
            "transferred",
            "transferred",
            "counted"
        ]
    );
    assert_eq!(history[2]["transfer_id"], history[3]["transfer_id"]);
    assert_eq!(history[3]["location"], "VAN");
    // Bad bodies are 400 naming the field; too little at the source is 409.
    let r = s.send(
        "POST",
        &format!("{path}transfer/"),
        json!({"quantity": 1, "from_location": "VAN", "to_location": "MOON"}),
    );
    assert_eq!(r.status, 400);
    assert_eq!(r.body["location"][0], "no location \"MOON\"");
    let r = s.send(
        "POST",
        &format!("{path}transfer/"),
        json!({"quantity": 0, "from_location": "VAN", "to_location": "DEFAULT"}),
    );
    assert_eq!(r.body, json!({"quantity": ["must be at least 1"]}));
    let r = s.send(
        "POST",
        &format!("{path}transfer/"),
        json!({"quantity": 99, "from_location": "VAN", "to_location": "DEFAULT"}),
    );
    assert_eq!(
        (r.status, &r.body["code"]),
        (409, &json!("INSUFFICIENT_STOCK"))
    );
    let r = s.send("POST", &format!("{path}transfer/"), json!({"quantity": 1}));
    assert_eq!(r.status, 400);
    assert_eq!(r.body["from_location"][0], "This field is required.");
    // The reorder point and the list filter.
    let r = s.call(
        "PUT",
        &format!("{path}levels/VAN/"),
        Some(r#"{"reorder_point": 6}"#),
        &[],
    );
    assert_eq!(
        r.body,
        json!({"location": "VAN", "on_hand": 6, "reserved": 0, "available": 6, "short": 0, "reorder_point": 6})
    );
    let due = s.get("/api/products/?below_reorder_point=true&location=van");
    assert_eq!(due.body["count"], 1);
    assert_eq!(
        s.get("/api/products/?below_reorder_point=true").body["count"],
        0
    );
    let r = s.call(
        "PUT",
        &format!("{path}levels/VAN/"),
        Some(r#"{"reorder_point": null}"#),
        &[],
    );
    assert_eq!(r.body["reorder_point"], Value::Null);
    s.inv.check_ledger().unwrap();
}

#[test]
fn a_batch_of_movements_applies_whole_or_not_at_all() {
    let s = start();
    let a = s.create("A", "A-1", "1.00", 5);
    let b = s.create("B", "B-1", "1.00", 0);
    s.send(
        "POST",
        "/api/locations/",
        json!({"code": "WH", "name": "Warehouse"}),
    );
    let (ida, idb) = (a["id"].clone(), b["id"].clone());
    let r = s.send(
        "POST",
        "/api/movements/",
        json!({"movements": [
            {"type": "adjust", "product": ida, "delta": -1, "reason": "sale"},
            {"type": "count", "product": idb, "quantity": 12, "location": "WH"},
            {"type": "transfer", "product": ida, "quantity": 2, "from_location": "DEFAULT", "to_location": "WH"}
        ]}),
    );
    assert_eq!(r.status, 200, "{r:?}");
    let stocks: Vec<&Value> = r
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["stock"])
        .collect();
    assert_eq!(stocks, [&json!(4), &json!(12), &json!(4)]);
    let before = s.inv.export().unwrap();
    let r = s.send(
        "POST",
        "/api/movements/",
        json!({"movements": [
            {"type": "adjust", "product": ida, "delta": -1, "reason": "sale"},
            {"type": "adjust", "product": idb, "delta": 0, "reason": "sale"}
        ]}),
    );
    assert_eq!(r.status, 400);
    assert_eq!(r.body["movements[1].delta"][0], "must not be zero", "{r:?}");
    let r = s.send(
        "POST",
        "/api/movements/",
        json!({"movements": [
            {"type": "jump", "product": idb},
            {"type": "count", "product": "x", "quantity": -1}
        ]}),
    );
    assert_eq!(r.status, 400);
    let message = |key: &str| r.body[key][0].as_str().unwrap_or_default().to_owned();
    assert!(message("movements[0].type").contains("adjust"), "{r:?}");
    assert!(message("movements[1].product").contains("UUID"), "{r:?}");
    assert!(
        message("movements[1].quantity").contains("between"),
        "{r:?}"
    );
    let r = s.send(
        "POST",
        "/api/movements/",
        json!({"movements": [
            {"type": "adjust", "product": ida, "delta": -1, "reason": "sale"},
            {"type": "adjust", "product": idb, "delta": -50, "reason": "sale", "location": "WH"}
        ]}),
    );
    assert_eq!(
        (r.status, &r.body["code"]),
        (409, &json!("INSUFFICIENT_STOCK"))
    );
    let r = s.send(
        "POST",
        "/api/movements/",
        json!({"movements": [{"type": "adjust", "product": "00000000-0000-4000-8000-000000000000", "delta": 1, "reason": "restock"}]}),
    );
    assert_eq!(r.status, 400);
    assert!(
        r.body["movements"][0]
            .as_str()
            .unwrap()
            .contains("movements[0]"),
        "{r:?}"
    );
    assert_eq!(s.send("POST", "/api/movements/", json!({})).status, 400);
    assert_eq!(
        s.inv.export().unwrap(),
        before,
        "refused batches changed nothing"
    );
}

#[test]
fn an_idempotency_key_makes_a_retry_apply_once() {
    let s = start();
    let p = s.create("Widget", "W-1", "2.00", 10);
    let adjust = format!("{}adjust-stock/", product_path(&p));
    let body = r#"{"delta": -2, "reason": "sale"}"#;
    let key = [("Idempotency-Key", "sale-1")];
    let first = s.call("POST", &adjust, Some(body), &key);
    let again = s.call("POST", &adjust, Some(body), &key);
    assert_eq!((first.status, again.status), (200, 200));
    assert_eq!(
        first.body, again.body,
        "the replay answers what the first answered"
    );
    assert_eq!(s.inv.get_by_sku("W-1").unwrap().stock, 8);
    let r = s.call(
        "POST",
        &adjust,
        Some(r#"{"delta": -3, "reason": "sale"}"#),
        &key,
    );
    assert_eq!(r.status, 422);
    assert_eq!(
        (&r.body["code"], &r.body["key"]),
        (&json!("IDEMPOTENCY_CONFLICT"), &json!("sale-1"))
    );
    // A create replayed answers 201 with the same product, and makes one.
    let new = r#"{"name": "Gadget", "sku": "G-1", "price": "1.00"}"#;
    let made = s.call(
        "POST",
        "/api/products/",
        Some(new),
        &[("Idempotency-Key", "new-g")],
    );
    let replayed = s.call(
        "POST",
        "/api/products/",
        Some(new),
        &[("Idempotency-Key", "new-g")],
    );
    assert_eq!((made.status, replayed.status), (201, 201));
    assert_eq!(made.body["id"], replayed.body["id"]);
    assert_eq!(s.count(), 2);
    let long = "k".repeat(256);
    let r = s.call(
        "POST",
        &adjust,
        Some(body),
        &[("Idempotency-Key", long.as_str())],
    );
    assert_eq!(r.status, 400);
    assert!(
        r.body["Idempotency-Key"][0]
            .as_str()
            .unwrap()
            .contains("255"),
        "{r:?}"
    );
    // Clients racing with one key: exactly one applies.
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(4));
    let s = std::sync::Arc::new(s);
    let answers: Vec<Reply> = (0..4)
        .map(|_| {
            let (s, barrier, adjust) = (s.clone(), barrier.clone(), adjust.clone());
            std::thread::spawn(move || {
                barrier.wait();
                s.call(
                    "POST",
                    &adjust,
                    Some(r#"{"delta": -1, "reason": "sale"}"#),
                    &[("Idempotency-Key", "race")],
                )
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|t| t.join().unwrap())
        .collect();
    assert!(
        answers
            .iter()
            .all(|a| a.status == 200 && a.body == answers[0].body)
    );
    assert_eq!(s.inv.get_by_sku("W-1").unwrap().stock, 7);
    s.inv.check_ledger().unwrap();
}

// ---- compatibility with DRF, hardening and operations ----

#[test]
fn every_answer_has_drfs_headers_options_and_the_api_root() {
    let s = start();
    let p = s.create("Widget", "W-1", "1.00", 1);
    let r = s.get("/api/products/");
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(r.header("x-frame-options"), Some("DENY"));
    assert_eq!(r.header("referrer-policy"), Some("same-origin"));
    assert_eq!(r.header("allow"), Some("GET, POST, HEAD, OPTIONS"));
    let r = s.call("OPTIONS", &product_path(&p), None, &[]);
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("allow"),
        Some("GET, PUT, PATCH, DELETE, HEAD, OPTIONS")
    );
    assert_eq!(r.body["name"], "Inventory API");
    let r = s.call("OPTIONS", "/api/movements/", None, &[]);
    assert_eq!((r.status, r.header("allow")), (200, Some("POST, OPTIONS")));
    let root = s.get("/api/");
    assert_eq!(root.status, 200);
    let products = root.body["products"].as_str().unwrap();
    assert!(products.starts_with("http://127.0.0.1:") && products.ends_with("/api/products/"));
    assert_eq!(
        s.get("/api/nothing/").header("x-frame-options"),
        Some("DENY")
    );
}

#[test]
fn page_last_and_an_empty_page_answer_as_drf_does() {
    let s = start();
    let rows: Vec<_> = (0..120)
        .map(|i| NewProduct::new("P", format!("P-{i:03}"), parse_price("1").unwrap()))
        .collect();
    s.inv.create_many(rows).unwrap();
    let last = s.get("/api/products/?page=last");
    assert_eq!(last.status, 200);
    assert_eq!(last.body["results"].as_array().unwrap().len(), 20);
    assert!(last.body["next"].is_null());
    assert!(last.body["previous"].as_str().unwrap().ends_with("page=2"));
    let first = s.get("/api/products/?page=");
    assert_eq!(first.status, 200);
    assert_eq!(first.body["results"].as_array().unwrap().len(), 50);
    let none = start().get("/api/products/?page=last");
    assert_eq!((none.status, &none.body["count"]), (200, &json!(0)));
}

#[test]
fn hosts_must_be_allowed_and_only_trusted_proxies_set_the_scheme() {
    let s = start();
    for host in [
        "evil.example",
        "evil.example/phish?x=",
        "127.0.0.1.evil.example",
    ] {
        let r = s.call("GET", "/api/products/", None, &[("Host", host)]);
        assert_eq!(r.status, 400, "{host}");
        assert!(
            r.body["detail"]
                .as_str()
                .unwrap()
                .contains("Invalid HTTP_HOST header")
        );
    }
    let r = s.call("GET", "/api/", None, &[("Host", "localhost:8000")]);
    assert_eq!(r.body["products"], "http://localhost:8000/api/products/");
    // A forwarded scheme from a client that is not a trusted proxy is ignored.
    let r = s.call(
        "GET",
        "/api/",
        None,
        &[("Host", "localhost"), ("X-Forwarded-Proto", "https")],
    );
    assert_eq!(r.body["products"], "http://localhost/api/products/");
    let proxied = start_with(|c| Config {
        allowed_hosts: vec![".shop.example".into()],
        trusted_proxies: vec!["127.0.0.1".parse().unwrap()],
        ..c
    });
    let r = proxied.call(
        "GET",
        "/api/",
        None,
        &[("Host", "api.shop.example"), ("X-Forwarded-Proto", "https")],
    );
    assert_eq!(r.body["products"], "https://api.shop.example/api/products/");
    let r = proxied.call(
        "GET",
        "/api/",
        None,
        &[
            ("Host", "shop.example"),
            ("Forwarded", "for=1.2.3.4;proto=https"),
        ],
    );
    assert_eq!(r.body["products"], "https://shop.example/api/products/");
    assert_eq!(
        proxied
            .call("GET", "/api/", None, &[("Host", "localhost")])
            .status,
        400
    );
}

#[test]
fn reads_can_need_the_token_too_and_a_token_is_trimmed() {
    let s = start_with(|c| Config {
        token: Some(" s3cret\n".into()),
        protect_reads: true,
        ..c
    });
    assert_eq!(s.get("/api/products/").status, 401);
    assert_eq!(s.get("/api/events/").status, 401);
    let auth = [("Authorization", "Bearer s3cret")];
    assert_eq!(s.call("GET", "/api/products/", None, &auth).status, 200);
    // Probes stay open for load balancers.
    assert_eq!(s.get("/healthz").status, 200);
}

#[test]
fn health_and_readiness_probes() {
    let s = start();
    let r = s.get("/healthz");
    assert_eq!((r.status, &r.body), (200, &json!({"status": "ok"})));
    let r = s.get("/readyz");
    assert_eq!((r.status, &r.body), (200, &json!({"status": "ready"})));
    s.inv.close();
    let r = s.get("/readyz");
    assert_eq!(
        (r.status, &r.body["kind"]),
        (503, &json!("CLOSED")),
        "{r:?}"
    );
}

/// The first `Some` that `attempt` gives, trying again for up to a minute: for a state the
/// server reaches on its own (a connection taken in, or released) that a client cannot observe
/// directly. The outcome never depends on how fast the machine is, only on it getting there.
fn until<T>(mut attempt: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while std::time::Instant::now() < deadline {
        if let Some(found) = attempt() {
            return Some(found);
        }
        std::thread::yield_now();
    }
    None
}

/// A raw connection: what no HTTP client library lets a test do (stop halfway).
fn raw(s: &Server) -> std::net::TcpStream {
    let addr = s.base.trim_start_matches("http://");
    let stream = std::net::TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    stream
}

/// Everything the server sends until it closes the connection. Panics when the server has
/// not closed it within the read timeout (a minute): the cut-off under test did not happen.
fn read_to_close(stream: &mut std::net::TcpStream) -> String {
    use std::io::{ErrorKind, Read};
    let mut out = Vec::new();
    match stream.read_to_end(&mut out) {
        Ok(_) => {}
        // The server closed with unread request bytes left: a reset, which is a close too.
        Err(e) if e.kind() == ErrorKind::ConnectionReset => {}
        Err(e) => panic!("the server did not close the connection ({e}); it sent {out:?}"),
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn slow_and_oversized_requests_are_cut_off() {
    use std::io::Write;
    let limits = inventory_rest_api::server::Limits {
        header_timeout: Duration::from_millis(300),
        ..Default::default()
    };
    let s = start_limits(
        |c| Config {
            request_timeout: Duration::from_millis(300),
            ..c
        },
        limits,
    );
    // Headers never finished: the server closes the connection (it would wait forever before).
    let mut stalled = raw(&s);
    stalled
        .write_all(b"GET /api/products/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        .unwrap();
    let answer = read_to_close(&mut stalled);
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 408"),
        "{answer}"
    );
    // A body announced and never sent: 408, as JSON.
    let mut slow = raw(&s);
    slow.write_all(
        b"POST /api/products/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
          Content-Length: 1000\r\n\r\n{\"name\"",
    )
    .unwrap();
    let answer = read_to_close(&mut slow);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("took too long"), "{answer}");
    // Headers far larger than any real request: refused (431), not buffered.
    let mut huge = raw(&s);
    let header = format!(
        "GET /api/products/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: {}\r\n\r\n",
        "a".repeat(200 * 1024)
    );
    let _ = huge.write_all(header.as_bytes());
    let answer = read_to_close(&mut huge);
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 431"),
        "{answer}"
    );
    // The server still serves everyone else.
    assert_eq!(s.get("/api/products/").status, 200);
}

#[test]
fn past_the_concurrency_limit_requests_get_503_at_once() {
    use std::io::Write;
    let s = start_with(|c| Config {
        max_concurrent: 2,
        ..c
    });
    // Two requests whose bodies never finish hold both places.
    let holder = || {
        let mut c = raw(&s);
        c.write_all(
            b"POST /api/products/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
              Content-Length: 100\r\n\r\n{",
        )
        .unwrap();
        c.set_nonblocking(true).unwrap();
        c
    };
    // Whether the server answered a holder (or closed it): then it holds no place.
    let answered = |c: &mut std::net::TcpStream| {
        use std::io::Read;
        let mut byte = [0u8; 1];
        !matches!(c.read(&mut byte), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock)
    };
    let mut holders = vec![holder(), holder()];
    // Once the server has taken both in, the next request is refused rather than queued. A
    // holder that arrived while a probe held a place was itself refused: it is sent again.
    let busy = until(|| {
        for h in &mut holders {
            if answered(h) {
                *h = holder();
            }
        }
        Some(s.get("/api/products/")).filter(|r| r.status == 503)
    })
    .expect("a request past the limit is refused");
    assert_eq!(busy.header("retry-after"), Some("1"));
    assert!(busy.body["detail"].as_str().unwrap().contains("busy"));
    drop(holders);
    let ok = until(|| Some(s.get("/api/products/")).filter(|r| r.status == 200));
    assert!(ok.is_some(), "the places come back once the holders leave");
}

#[test]
fn every_request_has_an_id_it_is_answered_with() {
    let s = start();
    let r = s.call("GET", "/api/products/", None, &[("X-Request-Id", "req-42")]);
    assert_eq!(r.header("x-request-id"), Some("req-42"));
    let r = s.get("/api/products/");
    let id = r.header("x-request-id").unwrap();
    assert!(inventory_core::parse_id(id).is_ok(), "a new UUID: {id}");
}

#[test]
fn the_binary_logs_json_lines_with_the_request_and_trace_ids() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = binary()
        .args(["--addr", "127.0.0.1:0", "--log-format", "json", "--db"])
        .arg(dir.path().join("shop.db"))
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (lines_tx, lines) = std::sync::mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let _ = lines_tx.send(line.unwrap());
        }
    });
    let listening: Value =
        serde_json::from_str(&lines.recv_timeout(Duration::from_secs(60)).unwrap()).unwrap();
    let addr = listening["fields"]["addr"].as_str().unwrap().to_owned();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let trace = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    let status = agent
        .get(format!("http://{addr}/api/products/"))
        .header("X-Request-Id", "req-7")
        .header("traceparent", trace)
        .call()
        .unwrap()
        .status();
    assert_eq!(status, 200);
    let term = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    assert!(child.wait().unwrap().success());
    let logged: Vec<Value> = lines
        .try_iter()
        .map(|l| serde_json::from_str(&l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let response = logged
        .iter()
        .find(|l| l["span"]["request_id"] == "req-7")
        .unwrap_or_else(|| panic!("no line of request req-7: {logged:?}"));
    assert_eq!(
        response["span"]["trace_id"],
        "4bf92f3577b34da6a3ce929d0e0e4736"
    );
}

#[test]
fn a_client_past_its_rate_limit_gets_429_with_retry_after() {
    let s = start_with(|c| Config {
        // Two at once, then one an hour: the third request is refused however slow the machine.
        rate_limit: Some(inventory_rest_api::RateLimit {
            burst: 2,
            replenish_every: Duration::from_secs(3600),
        }),
        ..c
    });
    assert_eq!(s.get("/api/products/").status, 200);
    assert_eq!(s.get("/api/products/").status, 200);
    let r = s.get("/api/products/");
    assert_eq!(r.status, 429);
    assert!(
        r.body["detail"].as_str().unwrap().contains("throttled"),
        "{r:?}"
    );
    let wait: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!(wait > 60, "{wait}");
}

#[test]
fn metrics_count_requests_by_route_and_movements_by_reason() {
    let s = start();
    let p = s.create("Widget", "W-1", "1.00", 5);
    let r = s.send(
        "POST",
        &format!("{}adjust-stock/", product_path(&p)),
        json!({"delta": -1, "reason": "sale"}),
    );
    assert_eq!(r.status, 200);
    let metrics = s
        .agent
        .get(s.url("/metrics"))
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    let has = |needle: &str| metrics.lines().any(|l| l.contains(needle));
    // Labelled by the route's pattern, not the id in the path.
    assert!(
        has(
            "http_requests_total{route=\"/api/products/{id}/adjust-stock/\",method=\"POST\",status=\"200\"}"
        ),
        "{metrics}"
    );
    assert!(
        has("http_request_duration_seconds_bucket{route=\"/api/products/\",method=\"POST\""),
        "{metrics}"
    );
    assert!(
        has("inventory_stock_movements_total{kind=\"adjust\",reason=\"sale\"}"),
        "{metrics}"
    );
    assert!(
        has("inventory_store_call_seconds_count{operation=\"adjust_stock\"}"),
        "{metrics}"
    );
    assert!(
        has("inventory_store_call_seconds_count{operation=\"create\"}"),
        "{metrics}"
    );
}

#[test]
fn a_body_announced_past_the_limit_is_refused_before_it_is_sent() {
    use std::io::Write;
    // A long request timeout: the answer must come from the announced length alone.
    let s = start_with(|c| Config {
        request_timeout: Duration::from_secs(3600),
        ..c
    });
    let mut c = raw(&s);
    c.write_all(
        b"POST /api/products/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
          Content-Length: 10000000\r\nConnection: close\r\n\r\n",
    )
    .unwrap();
    let answer = read_to_close(&mut c);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
}

#[test]
fn holds_reserve_commit_release_and_answer_409_once_resolved() {
    let s = start();
    let p = s.create("Widget", "W-1", "2.00", 5);
    let holds = format!("{}holds/", product_path(&p));
    let r = s.call(
        "POST",
        &holds,
        Some(r#"{"quantity": 2, "expires_in": 900, "reference": "cart-1"}"#),
        &[("Idempotency-Key", "cart-1-line-1")],
    );
    assert_eq!(r.status, 201, "{r:?}");
    let hold = r.body.clone();
    assert_eq!(
        (
            &hold["status"],
            &hold["quantity"],
            &hold["location"],
            &hold["product"]
        ),
        (&json!("active"), &json!(2), &json!("DEFAULT"), &p["id"])
    );
    assert_timestamp(&hold["expires_at"]);
    // A retry with the key answers the same hold and holds nothing more.
    let again = s.call(
        "POST",
        &holds,
        Some(r#"{"quantity": 2, "expires_in": 900, "reference": "cart-1"}"#),
        &[("Idempotency-Key", "cart-1-line-1")],
    );
    assert_eq!((again.status, &again.body), (201, &hold));
    let levels = s.get(&format!("{}levels/", product_path(&p)));
    assert_eq!(
        (
            &levels.body[0]["on_hand"],
            &levels.body[0]["reserved"],
            &levels.body[0]["available"],
            &levels.body[0]["short"]
        ),
        (&json!(5), &json!(2), &json!(3), &json!(0))
    );
    // Held stock is not for sale.
    let sale = s.send(
        "POST",
        &format!("{}adjust-stock/", product_path(&p)),
        json!({"delta": -4, "reason": "sale"}),
    );
    assert_eq!((sale.status, &sale.body["available"]), (409, &json!(3)));
    let too_many = s.send("POST", &holds, json!({"quantity": 4}));
    assert_eq!(
        (
            too_many.status,
            &too_many.body["code"],
            &too_many.body["field"]
        ),
        (409, &json!("INSUFFICIENT_STOCK"), &json!("quantity"))
    );
    let id = hold["id"].as_str().unwrap();
    assert_eq!(s.get(&format!("/api/holds/{id}/")).body, hold);
    assert_eq!(s.get(&holds).body, json!([hold]));
    let commit = format!("/api/holds/{id}/commit/");
    let sold = s.send(
        "POST",
        &commit,
        json!({"quantity": 1, "reference": "order-1"}),
    );
    assert_eq!(
        (sold.status, &sold.body["stock"]),
        (200, &json!(4)),
        "{sold:?}"
    );
    for path in [commit.clone(), format!("/api/holds/{id}/release/")] {
        let r = s.call("POST", &path, None, &[]);
        assert_eq!(r.status, 409, "{r:?}");
        assert_eq!(
            (&r.body["code"], &r.body["hold_id"], &r.body["status"]),
            (&json!("HOLD_CLOSED"), &json!(id), &json!("committed"))
        );
    }
    assert_eq!(s.get(&holds).body, json!([]));
    let all = s.get(&format!("{holds}?status=all")).body;
    assert_eq!(
        (&all[0]["status"], &all[0]["committed"]),
        (&json!("committed"), &json!(1))
    );
    // A release gives it all back.
    let other = s.send("POST", &holds, json!({"quantity": 4})).body;
    let released = s.call(
        "POST",
        &format!("/api/holds/{}/release/", other["id"].as_str().unwrap()),
        None,
        &[],
    );
    assert_eq!(
        (released.status, &released.body["status"]),
        (200, &json!("released"))
    );
    assert_eq!(
        s.send("POST", "/api/holds/expire/", json!({})).body,
        json!({"expired": 0})
    );
    let kinds: Vec<Value> = s
        .get(&format!("{}history/", product_path(&p)))
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].clone())
        .collect();
    assert_eq!(
        kinds,
        [
            json!("created"),
            json!("hold_placed"),
            json!("hold_committed"),
            json!("hold_placed"),
            json!("hold_released")
        ]
    );
    s.inv.check_ledger().unwrap();
}

#[test]
fn bad_hold_requests_are_400_or_404_and_change_nothing() {
    let s = start();
    let p = s.create("Widget", "W-1", "2.00", 5);
    let holds = format!("{}holds/", product_path(&p));
    for (body, field) in [
        (json!({}), "quantity"),
        (json!({"quantity": 0}), "quantity"),
        (json!({"quantity": -1}), "quantity"),
        (json!({"quantity": "many"}), "quantity"),
        (json!({"quantity": 1, "expires_in": 0}), "expires_in"),
        (json!({"quantity": 1, "expires_in": "soon"}), "expires_in"),
        (
            json!({"quantity": 1, "expires_at": "tomorrow"}),
            "expires_at",
        ),
        (
            json!({"quantity": 1, "expires_at": "2000-01-01T00:00:00Z"}),
            "expires_at",
        ),
        (
            json!({"quantity": 1, "expires_in": 5, "expires_at": "2999-01-01T00:00:00Z"}),
            "expires_in",
        ),
        (json!({"quantity": 1, "location": "NOPE"}), "location"),
    ] {
        let r = s.send("POST", &holds, body.clone());
        assert_eq!(r.status, 400, "{body}: {r:?}");
        assert!(r.body.get(field).is_some(), "{body}: {r:?}");
    }
    let nobody = "00000000-0000-4000-8000-000000000000";
    assert_eq!(
        s.send(
            "POST",
            &format!("/api/products/{nobody}/holds/"),
            json!({"quantity": 1})
        )
        .status,
        404
    );
    for path in [
        format!("/api/holds/{nobody}/"),
        "/api/holds/not-a-uuid/".to_owned(),
    ] {
        assert_eq!(s.get(&path).status, 404, "{path}");
    }
    assert_eq!(
        s.call("POST", &format!("/api/holds/{nobody}/commit/"), None, &[])
            .status,
        404
    );
    assert_eq!(
        s.call("POST", &format!("/api/holds/{nobody}/release/"), None, &[])
            .status,
        404
    );
    assert_eq!(s.get(&format!("{holds}?status=pending")).status, 400);
    let hold = s.send("POST", &holds, json!({"quantity": 2})).body;
    let commit = format!("/api/holds/{}/commit/", hold["id"].as_str().unwrap());
    let r = s.send("POST", &commit, json!({"quantity": 3}));
    assert_eq!(
        (r.status, r.body["quantity"][0].as_str().is_some()),
        (400, true),
        "{r:?}"
    );
    assert_eq!(s.inv.get_by_sku("W-1").unwrap().stock, 5);
    assert_eq!(
        s.inv
            .history(s.inv.get_by_sku("W-1").unwrap().id)
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn concurrent_holds_over_http_never_hold_more_than_is_on_hand() {
    let s = start();
    let p = s.create("Hot item", "HOT", "1.00", 12);
    let holds = format!("{}holds/", product_path(&p));
    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..4)
            .map(|_| {
                scope.spawn(|| {
                    (0..5)
                        .map(|_| s.send("POST", &holds, json!({"quantity": 1})).status)
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 12);
    assert_eq!(statuses.iter().filter(|s| **s == 409).count(), 8);
    let level = &s.get(&format!("{}levels/", product_path(&p))).body[0];
    assert_eq!(
        (&level["reserved"], &level["available"]),
        (&json!(12), &json!(0))
    );
    s.inv.check_ledger().unwrap();
}
