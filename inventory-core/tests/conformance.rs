//! The conformance vectors (`conformance/vectors/*.json`, format in `conformance/README.md`),
//! run against the core over the memory store and over a SQLite file.
//!
//! Inputs arrive as a binding receives them (prices as text, counts as signed integers, ids as
//! text) and go through the same core helpers the bindings use (`parse_price`, `parse_id`,
//! `stock_from_i64`, `OrderBy::parse`), so these vectors pin what every binding must do.
//!
//! `cargo test -p inventory-core --test conformance -- --nocapture` shows the summary lines.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};

use std::sync::Arc;

use inventory_core::{
    Decimal, Event, Hold, HoldStatus, Inventory, Location, ManualClock, MemoryStore, Movement,
    NewHold, Page, Product, ProductPatch, QueryInput, SqliteStore, StockChange, StockLevel,
    Transaction, Uuid, chrono, parse_id, parse_price, stock_from_i64,
};
use serde_json::{Map, Value};

/// This runner's key in a case's `skip` object.
const RUNNER: &str = "rust";
/// The vector format this runner reads.
const FORMAT: u64 = 1;

/// A mismatch, or a vector this runner cannot read: either fails the test.
type Fail = String;
type Json = Map<String, Value>;

struct VectorFile {
    name: String,
    cases: Vec<Value>,
}

fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../conformance/vectors")
}

/// Every vector file, in name order; panics on a file that is not a readable vector file.
fn load() -> Vec<VectorFile> {
    let dir = vectors_dir();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no vector files in {}", dir.display());
    let mut names = std::collections::HashSet::new();
    paths
        .into_iter()
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            let doc: Value = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{name}: not valid JSON: {e}"));
            assert_eq!(
                doc["format"].as_u64(),
                Some(FORMAT),
                "{name}: this runner reads format {FORMAT}"
            );
            let cases = doc["cases"]
                .as_array()
                .unwrap_or_else(|| panic!("{name}: no \"cases\" array"))
                .clone();
            for case in &cases {
                let case_name = case["name"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{name}: a case without a name"));
                assert!(
                    names.insert(case_name.to_owned()),
                    "{name}: case name {case_name:?} is used twice"
                );
            }
            VectorFile { name, cases }
        })
        .collect()
}

/// What an operation returned.
enum Outcome {
    Product(Product),
    Products(Vec<Product>),
    Done,
    Page(Page),
    Total(Decimal),
    Events(Vec<Event>),
    Location(Location),
    Locations(Vec<Location>),
    Levels(Vec<StockLevel>),
    Level(StockLevel),
    Hold(Hold),
    Holds(Vec<Hold>),
    Number(u64),
}

/// The state of one case: saved ids and the last page's cursor.
#[derive(Default)]
struct Ctx {
    ids: HashMap<String, Uuid>,
    next: Option<String>,
    /// The case's manual clock, when it has a `clock`.
    clock: Option<Arc<ManualClock>>,
}

impl Ctx {
    /// An error message as the vectors pin it: each saved product's id written as its `$name`
    /// (ids are new in every run).
    fn pinned(&self, message: &str) -> String {
        let mut out = message.to_owned();
        for (name, id) in &self.ids {
            out = out.replace(&id.to_string(), &format!("${name}"));
        }
        out
    }

    /// An id argument: `$name` is the id saved under `name`, anything else is literal text.
    fn id_text(&self, text: &str) -> Result<String, Fail> {
        match text.strip_prefix('$') {
            Some(name) => self
                .ids
                .get(name)
                .map(|id| id.to_string())
                .ok_or_else(|| format!("no product was saved as {name:?}")),
            None => Ok(text.to_owned()),
        }
    }

    fn cursor(&self, text: &str) -> Result<String, Fail> {
        match text {
            "$next" => self
                .next
                .clone()
                .ok_or_else(|| "\"$next\": the previous page had no next cursor".to_owned()),
            t if t.starts_with('$') => Err(format!("unknown cursor placeholder {t:?}")),
            t => Ok(t.to_owned()),
        }
    }
}

/// The arguments of a step, checked against the names its operation takes.
struct Args<'a> {
    map: &'a Json,
}

impl<'a> Args<'a> {
    fn new(step: &'a Json, op: &str, allowed: &[&str]) -> Result<Self, Fail> {
        static EMPTY: std::sync::OnceLock<Json> = std::sync::OnceLock::new();
        let map = match step.get("args") {
            None => EMPTY.get_or_init(Json::new),
            Some(Value::Object(m)) => m,
            Some(other) => return Err(format!("\"args\" must be an object, not {other}")),
        };
        if let Some(key) = map.keys().find(|k| !allowed.contains(&k.as_str())) {
            return Err(format!("{op} takes no argument {key:?}"));
        }
        Ok(Self { map })
    }

    fn text(&self, key: &str) -> Result<Option<String>, Fail> {
        match self.map.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(format!("argument {key:?} must be a string, not {other}")),
        }
    }

    fn required_text(&self, key: &str) -> Result<String, Fail> {
        self.text(key)?
            .ok_or_else(|| format!("missing argument {key:?}"))
    }

    fn int(&self, key: &str) -> Result<Option<i64>, Fail> {
        match self.map.get(key) {
            None => Ok(None),
            Some(v) => v
                .as_i64()
                .map(Some)
                .ok_or_else(|| format!("argument {key:?} must be a 64-bit integer, not {v}")),
        }
    }

    fn number(&self, key: &str) -> Result<Option<f64>, Fail> {
        match self.map.get(key) {
            None => Ok(None),
            Some(v) => v
                .as_f64()
                .map(Some)
                .ok_or_else(|| format!("argument {key:?} must be a number, not {v}")),
        }
    }

    fn time(&self, key: &str) -> Result<Option<chrono::DateTime<chrono::Utc>>, Fail> {
        self.text(key)?
            .map(|t| {
                t.parse()
                    .map_err(|e| format!("argument {key:?} is not an ISO 8601 time: {e}"))
            })
            .transpose()
    }

    fn required_int(&self, key: &str) -> Result<i64, Fail> {
        self.int(key)?
            .ok_or_else(|| format!("missing argument {key:?}"))
    }

    fn flag(&self, key: &str) -> Result<bool, Fail> {
        match self.map.get(key) {
            None => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(other) => Err(format!(
                "argument {key:?} must be true or false, not {other}"
            )),
        }
    }

    /// A non-negative integer the Rust API takes unsigned (limit, offset, expected_version).
    fn unsigned<T: TryFrom<i64>>(&self, key: &str) -> Result<Option<T>, Fail> {
        self.int(key)?
            .map(|n| T::try_from(n).map_err(|_| format!("argument {key:?} is out of range: {n}")))
            .transpose()
    }
}

/// A batch movement of a vector, read now and converted by the core when the step runs.
type MovementInput = Box<dyn FnOnce() -> inventory_core::Result<Movement>>;

fn movement_input(m: &Json, ctx: &Ctx) -> Result<MovementInput, Fail> {
    let kind = want_str("type", m.get("type").unwrap_or(&Value::Null))?.to_owned();
    let allowed: &[&str] = match kind.as_str() {
        "adjust" => &[
            "type",
            "id",
            "delta",
            "reason",
            "location",
            "expected_stock",
        ],
        "count" => &[
            "type",
            "id",
            "quantity",
            "reason",
            "location",
            "expected_stock",
        ],
        "transfer" => &[
            "type",
            "id",
            "quantity",
            "reason",
            "from_location",
            "to_location",
        ],
        other => return Err(format!("unknown movement type {other:?}")),
    };
    let holder = Json::from_iter([("args".to_owned(), Value::Object(m.clone()))]);
    let a = Args::new(&holder, "a movement", allowed)?;
    let id = ctx.id_text(&a.required_text("id")?)?;
    let reason = a.required_text("reason")?;
    let location = a.text("location")?;
    let expected = a.int("expected_stock")?;
    let amount = a.int("delta")?.or(a.int("quantity")?).unwrap_or_default();
    let (from, to) = (a.text("from_location")?, a.text("to_location")?);
    Ok(Box::new(move || {
        let change = StockChange::from_input(reason, None, None, location, expected)?;
        Movement::from_input(&kind, parse_id(&id)?, amount, from, to, change)
    }))
}

/// The operations a `transaction` step's own steps may use: the writes, and the reads by key.
const TRANSACTION_OPS: &[&str] = &[
    "create",
    "get",
    "get_by_sku",
    "update",
    "delete",
    "adjust_stock",
    "set_stock",
    "transfer",
    "apply",
    "create_location",
    "delete_location",
    "set_reorder_point",
    "reserve",
    "commit_hold",
    "release_hold",
];

/// How a `transaction` step's closure ends.
enum TxEnd {
    /// The step asked for a rollback.
    Rollback,
    /// A step inside did not meet its expectation, or the vector is wrong.
    Vector(Fail),
    /// The library's answer.
    Error(inventory_core::InventoryError),
}

impl From<inventory_core::InventoryError> for TxEnd {
    fn from(e: inventory_core::InventoryError) -> Self {
        TxEnd::Error(e)
    }
}

/// Where a step's calls go: the case's inventory, or the transaction of a `transaction` step.
enum Target<'a, 't> {
    Inventory(&'a Inventory),
    Transaction(&'a mut Transaction<'t>),
}

/// A mutation's target under the step's idempotency key.
enum Keyed<'a, 't> {
    Inventory(Inventory),
    Transaction(&'a mut Transaction<'t>, Option<String>),
}

/// Runs `f` inside `tx` under `key`, as a binding's call with a key does.
fn within<T>(
    tx: &mut Transaction<'_>,
    key: Option<String>,
    f: impl FnOnce(&mut Transaction<'_>) -> inventory_core::Result<T>,
) -> inventory_core::Result<T> {
    tx.idempotent(key.as_deref())?;
    let result = f(tx);
    tx.idempotent(None)?;
    result
}

impl<'t> Target<'_, 't> {
    fn keyed(&mut self, key: Option<String>) -> inventory_core::Result<Keyed<'_, 't>> {
        match self {
            Target::Inventory(inv) => inv.idempotent(key.as_deref()).map(Keyed::Inventory),
            Target::Transaction(tx) => Ok(Keyed::Transaction(tx, key)),
        }
    }

    /// The inventory, for a read a transaction does not have (`run_steps` refuses those
    /// operations inside one before they get here).
    fn inventory(&self) -> &Inventory {
        match self {
            Target::Inventory(inv) => inv,
            Target::Transaction(_) => unreachable!("run_steps refuses this inside a transaction"),
        }
    }

    fn get(&mut self, id: Uuid) -> inventory_core::Result<Product> {
        match self {
            Target::Inventory(inv) => inv.get(id),
            Target::Transaction(tx) => tx.get(id),
        }
    }

    fn get_by_sku(&mut self, sku: &str) -> inventory_core::Result<Product> {
        match self {
            Target::Inventory(inv) => inv.get_by_sku(sku),
            Target::Transaction(tx) => tx.get_by_sku(sku),
        }
    }

    fn delete_location(&mut self, code: &str) -> inventory_core::Result<()> {
        match self {
            Target::Inventory(inv) => inv.delete_location(code),
            Target::Transaction(tx) => tx.delete_location(code),
        }
    }

    fn set_reorder_point(
        &mut self,
        id: Uuid,
        point: Option<u32>,
        location: Option<&str>,
    ) -> inventory_core::Result<StockLevel> {
        match self {
            Target::Inventory(inv) => inv.set_reorder_point(id, point, location),
            Target::Transaction(tx) => tx.set_reorder_point(id, point, location),
        }
    }
}

/// One method per mutation: on the keyed inventory, or inside the transaction under the key.
macro_rules! keyed_calls {
    ($($name:ident($($arg:ident: $ty:ty),*) -> $out:ty;)*) => {
        impl Keyed<'_, '_> {
            $(fn $name(self, $($arg: $ty),*) -> inventory_core::Result<$out> {
                match self {
                    Keyed::Inventory(inv) => inv.$name($($arg),*),
                    Keyed::Transaction(tx, key) => within(tx, key, |tx| tx.$name($($arg),*)),
                }
            })*
        }
    };
}

keyed_calls! {
    create(new: inventory_core::NewProduct) -> Product;
    update(id: Uuid, patch: ProductPatch) -> Product;
    delete(id: Uuid) -> ();
    adjust_stock(id: Uuid, delta: i64, change: StockChange) -> Product;
    set_stock(id: Uuid, quantity: u32, change: StockChange) -> Product;
    transfer(id: Uuid, quantity: u32, from: &str, to: &str, change: StockChange) -> Product;
    apply(movements: Vec<Movement>) -> Vec<Product>;
    create_location(code: &str, name: &str) -> Location;
    reserve(new: NewHold) -> Hold;
    commit_hold(hold: Uuid, quantity: Option<u32>, change: StockChange) -> Product;
    release_hold(hold: Uuid) -> Hold;
}

/// Runs one step's operation. The outer `Result` is a vector this runner cannot read; the inner
/// one is the library's answer.
fn call(
    target: &mut Target<'_, '_>,
    op: &str,
    step: &Json,
    ctx: &mut Ctx,
) -> Result<inventory_core::Result<Outcome>, Fail> {
    let change_args = [
        "id",
        "reason",
        "reference",
        "actor",
        "expected_stock",
        "location",
        "idempotency_key",
    ];
    // Where a step's mutation runs: keyed when the step gives a key.
    fn keyed<'s, 't>(
        target: &'s mut Target<'_, 't>,
        a: &Args<'_>,
    ) -> Result<inventory_core::Result<Keyed<'s, 't>>, Fail> {
        Ok(target.keyed(a.text("idempotency_key")?))
    }
    Ok(match op {
        "create" => {
            let a = Args::new(
                step,
                op,
                &["name", "sku", "price", "stock", "idempotency_key"],
            )?;
            let keyed = keyed(target, &a)?;
            let (name, sku, price) = (
                a.required_text("name")?,
                a.required_text("sku")?,
                a.required_text("price")?,
            );
            let stock = a.int("stock")?.unwrap_or(0);
            (|| {
                let new = inventory_core::NewProduct {
                    name,
                    sku,
                    price: parse_price(&price)?,
                    stock: stock_from_i64("stock", stock)?,
                };
                keyed?.create(new).map(Outcome::Product)
            })()
        }
        "get" => {
            let a = Args::new(step, op, &["id"])?;
            let id = ctx.id_text(&a.required_text("id")?)?;
            parse_id(&id)
                .and_then(|id| target.get(id))
                .map(Outcome::Product)
        }
        "get_by_sku" => {
            let a = Args::new(step, op, &["sku"])?;
            target
                .get_by_sku(&a.required_text("sku")?)
                .map(Outcome::Product)
        }
        "update" => {
            let a = Args::new(
                step,
                op,
                &[
                    "id",
                    "name",
                    "sku",
                    "price",
                    "stock",
                    "expected_version",
                    "idempotency_key",
                ],
            )?;
            let keyed = keyed(target, &a)?;
            let id = ctx.id_text(&a.required_text("id")?)?;
            let (name, sku, price) = (a.text("name")?, a.text("sku")?, a.text("price")?);
            let (stock, expected_version) =
                (a.int("stock")?, a.unsigned::<u64>("expected_version")?);
            (|| {
                let patch = ProductPatch {
                    name,
                    sku,
                    price: price.as_deref().map(parse_price).transpose()?,
                    stock: stock.map(|s| stock_from_i64("stock", s)).transpose()?,
                    expected_version,
                };
                keyed?.update(parse_id(&id)?, patch).map(Outcome::Product)
            })()
        }
        "delete" => {
            let a = Args::new(step, op, &["id", "idempotency_key"])?;
            let id = ctx.id_text(&a.required_text("id")?)?;
            let keyed = keyed(target, &a)?;
            keyed
                .and_then(|inv| inv.delete(parse_id(&id)?))
                .map(|()| Outcome::Done)
        }
        "adjust_stock" | "set_stock" => {
            let amount = if op == "adjust_stock" {
                "delta"
            } else {
                "quantity"
            };
            let allowed: Vec<&str> = change_args.iter().copied().chain([amount]).collect();
            let a = Args::new(step, op, &allowed)?;
            let id = ctx.id_text(&a.required_text("id")?)?;
            let n = a.required_int(amount)?;
            let change_text = (
                a.required_text("reason")?,
                a.text("reference")?,
                a.text("actor")?,
            );
            let expected = a.int("expected_stock")?;
            let location = a.text("location")?;
            let keyed = keyed(target, &a)?;
            (|| {
                let inv = keyed?;
                let id = parse_id(&id)?;
                let (reason, reference, actor) = change_text;
                let change = StockChange::from_input(reason, reference, actor, location, expected)?;
                if op == "adjust_stock" {
                    inv.adjust_stock(id, n, change)
                } else {
                    inv.set_stock(id, stock_from_i64("quantity", n)?, change)
                }
                .map(Outcome::Product)
            })()
        }
        "transfer" => {
            let allowed: Vec<&str> = change_args
                .iter()
                .copied()
                .filter(|k| *k != "location")
                .chain(["quantity", "from_location", "to_location"])
                .collect();
            let a = Args::new(step, op, &allowed)?;
            let id = ctx.id_text(&a.required_text("id")?)?;
            let quantity = a.required_int("quantity")?;
            let (from, to) = (
                a.required_text("from_location")?,
                a.required_text("to_location")?,
            );
            let change_text = (
                a.required_text("reason")?,
                a.text("reference")?,
                a.text("actor")?,
            );
            let expected = a.int("expected_stock")?;
            let keyed = keyed(target, &a)?;
            (|| {
                let inv = keyed?;
                let (reason, reference, actor) = change_text;
                let change = StockChange::from_input(reason, reference, actor, None, expected)?;
                let quantity = stock_from_i64("quantity", quantity)?;
                inv.transfer(parse_id(&id)?, quantity, &from, &to, change)
                    .map(Outcome::Product)
            })()
        }
        "apply" => {
            let a = Args::new(step, op, &["movements", "idempotency_key"])?;
            let list = a
                .map
                .get("movements")
                .and_then(Value::as_array)
                .ok_or_else(|| "apply needs a \"movements\" array".to_owned())?;
            let mut movements = Vec::new();
            for m in list {
                let m = want_object("a movement", m)?;
                movements.push(movement_input(m, ctx)?);
            }
            let keyed = keyed(target, &a)?;
            (|| {
                let movements = movements
                    .into_iter()
                    .enumerate()
                    .map(|(i, m)| m().map_err(|e| e.in_list("movements", i)))
                    .collect::<inventory_core::Result<Vec<_>>>()?;
                keyed?.apply(movements).map(Outcome::Products)
            })()
        }
        "create_location" => {
            let a = Args::new(step, op, &["code", "name", "idempotency_key"])?;
            let (code, name) = (a.required_text("code")?, a.required_text("name")?);
            keyed(target, &a)?
                .and_then(|inv| inv.create_location(&code, &name))
                .map(Outcome::Location)
        }
        "delete_location" => {
            let a = Args::new(step, op, &["code"])?;
            target
                .delete_location(&a.required_text("code")?)
                .map(|()| Outcome::Done)
        }
        "locations" => {
            Args::new(step, op, &[])?;
            target.inventory().locations().map(Outcome::Locations)
        }
        "stock_levels" => {
            let a = Args::new(step, op, &["id"])?;
            let id = ctx.id_text(&a.required_text("id")?)?;
            parse_id(&id)
                .and_then(|id| target.inventory().stock_levels(id))
                .map(Outcome::Levels)
        }
        "set_reorder_point" => {
            let a = Args::new(step, op, &["id", "reorder_point", "location"])?;
            let id = ctx.id_text(&a.required_text("id")?)?;
            let (point, location) = (a.int("reorder_point")?, a.text("location")?);
            (|| {
                let point = point
                    .map(|p| stock_from_i64("reorder_point", p))
                    .transpose()?;
                target
                    .set_reorder_point(parse_id(&id)?, point, location.as_deref())
                    .map(Outcome::Level)
            })()
        }
        "list" => {
            let a = Args::new(
                step,
                op,
                &[
                    "name_contains",
                    "sku_prefix",
                    "low_stock",
                    "min_price",
                    "max_price",
                    "order_by",
                    "limit",
                    "cursor",
                    "offset",
                    "below_reorder_point",
                    "location",
                    "with_total",
                ],
            )?;
            let cursor = a.text("cursor")?.map(|c| ctx.cursor(&c)).transpose()?;
            let input = QueryInput {
                name_contains: a.text("name_contains")?,
                sku_prefix: a.text("sku_prefix")?,
                low_stock: a.int("low_stock")?,
                min_price: a.text("min_price")?,
                max_price: a.text("max_price")?,
                order_by: a.text("order_by")?,
                limit: a.int("limit")?,
                cursor,
                offset: a.int("offset")?,
                below_reorder_point: a.flag("below_reorder_point")?,
                location: a.text("location")?,
                with_total: a
                    .map
                    .get("with_total")
                    .map(|_| a.flag("with_total"))
                    .transpose()?,
            };
            (|| {
                let query = input.parse()?;
                target.inventory().list(&query).map(Outcome::Page)
            })()
        }
        "total_value" => {
            Args::new(step, op, &[])?;
            target.inventory().total_value().map(Outcome::Total)
        }
        "history" => {
            let a = Args::new(step, op, &["id"])?;
            let id = ctx.id_text(&a.required_text("id")?)?;
            parse_id(&id)
                .and_then(|id| target.inventory().history(id))
                .map(Outcome::Events)
        }
        "reserve" => {
            let a = Args::new(
                step,
                op,
                &[
                    "id",
                    "quantity",
                    "location",
                    "expires_in_seconds",
                    "expires_at",
                    "reference",
                    "actor",
                    "idempotency_key",
                ],
            )?;
            let id = ctx.id_text(&a.required_text("id")?)?;
            let quantity = a.required_int("quantity")?;
            let seconds = a.number("expires_in_seconds")?;
            let (location, expires_at) = (a.text("location")?, a.time("expires_at")?);
            let (reference, actor) = (a.text("reference")?, a.text("actor")?);
            let keyed = keyed(target, &a)?;
            (|| {
                let new = NewHold::from_input(
                    parse_id(&id)?,
                    quantity,
                    location,
                    seconds,
                    expires_at,
                    reference,
                    actor,
                )?;
                keyed?.reserve(new).map(Outcome::Hold)
            })()
        }
        "commit_hold" => {
            let a = Args::new(
                step,
                op,
                &[
                    "hold",
                    "quantity",
                    "reason",
                    "reference",
                    "actor",
                    "idempotency_key",
                ],
            )?;
            let hold = ctx.id_text(&a.required_text("hold")?)?;
            let quantity = a.int("quantity")?;
            let change = StockChange::from_input(
                a.text("reason")?.unwrap_or_else(|| "sale".into()),
                a.text("reference")?,
                a.text("actor")?,
                None,
                None,
            );
            let keyed = keyed(target, &a)?;
            (|| {
                let quantity = quantity
                    .map(|q| inventory_core::quantity_from_i64("quantity", q))
                    .transpose()?;
                keyed?
                    .commit_hold(parse_id(&hold)?, quantity, change?)
                    .map(Outcome::Product)
            })()
        }
        "release_hold" => {
            let a = Args::new(step, op, &["hold", "idempotency_key"])?;
            let hold = ctx.id_text(&a.required_text("hold")?)?;
            let keyed = keyed(target, &a)?;
            (|| keyed?.release_hold(parse_id(&hold)?).map(Outcome::Hold))()
        }
        "get_hold" => {
            let a = Args::new(step, op, &["hold"])?;
            let hold = ctx.id_text(&a.required_text("hold")?)?;
            parse_id(&hold)
                .and_then(|h| target.inventory().hold(h))
                .map(Outcome::Hold)
        }
        "holds" => {
            let a = Args::new(step, op, &["id", "status"])?;
            let id = ctx.id_text(&a.required_text("id")?)?;
            let status = a.text("status")?;
            (|| {
                let status = match status.as_deref() {
                    None => Some(HoldStatus::Active),
                    Some("all") => None,
                    Some(s) => Some(HoldStatus::parse(s, "status")?),
                };
                target
                    .inventory()
                    .holds(parse_id(&id)?, status)
                    .map(Outcome::Holds)
            })()
        }
        "expire_holds" => {
            Args::new(step, op, &[])?;
            target
                .inventory()
                .expire_holds()
                .map(|n| Outcome::Number(n.into()))
        }
        "transaction" => {
            let a = Args::new(step, op, &["steps", "rollback"])?;
            let steps = a
                .map
                .get("steps")
                .and_then(Value::as_array)
                .ok_or_else(|| "transaction needs a \"steps\" array".to_owned())?
                .clone();
            let rollback = a.flag("rollback")?;
            let Target::Inventory(inv) = target else {
                return Err("a transaction inside a transaction".into());
            };
            let ended = inv.transaction(|tx| {
                let mut inside = Target::Transaction(tx);
                run_steps(&mut inside, &steps, ctx, None)
                    .map_err(|m| TxEnd::Vector(format!("inside the transaction, {m}")))?;
                if rollback {
                    Err(TxEnd::Rollback)
                } else {
                    Ok(())
                }
            });
            match ended {
                Ok(()) | Err(TxEnd::Rollback) => Ok(Outcome::Done),
                Err(TxEnd::Error(e)) => Err(e),
                Err(TxEnd::Vector(m)) => return Err(m),
            }
        }
        "advance_clock" => {
            let a = Args::new(step, op, &["seconds"])?;
            let seconds = a.number("seconds")?.ok_or("missing argument \"seconds\"")?;
            let clock = ctx
                .clock
                .as_ref()
                .ok_or("advance_clock in a case with no \"clock\"")?;
            clock.advance(std::time::Duration::from_secs_f64(seconds));
            Ok(Outcome::Done)
        }
        other => return Err(format!("unknown operation {other:?}")),
    })
}

fn check_hold(want: &Json, h: &Hold, ctx: &Ctx) -> Result<(), Fail> {
    for (key, v) in want {
        match key.as_str() {
            "id" => same("id", ctx.id_text(want_str(key, v)?)?, h.id.to_string())?,
            "status" => same("status", want_str(key, v)?, h.status.as_str())?,
            "quantity" => same("quantity", want_int(key, v)?, i64::from(h.quantity))?,
            "committed" => same("committed", want_int(key, v)?, i64::from(h.committed))?,
            "location" => same("location", want_str(key, v)?, &h.location)?,
            "reference" => same("reference", want_opt_str(key, v)?, h.reference.as_deref())?,
            "actor" => same("actor", want_opt_str(key, v)?, h.actor.as_deref())?,
            "expires_at" => {
                let want = want_opt_str(key, v)?
                    .map(|t| t.parse::<chrono::DateTime<chrono::Utc>>())
                    .transpose()
                    .map_err(|e| format!("expires_at is not an ISO 8601 time: {e}"))?;
                same("expires_at", want, h.expires_at)?;
            }
            other => return Err(format!("unknown hold field {other:?} in the expectation")),
        }
    }
    Ok(())
}

/// A short description of an answer, for failure messages.
fn describe(result: &inventory_core::Result<Outcome>) -> String {
    match result {
        Err(e) => format!(
            "error {} (field {:?}): {e}",
            e.code(),
            e.field().unwrap_or("none")
        ),
        Ok(Outcome::Product(p)) => format!(
            "product {{id: {}, name: {:?}, sku: {:?}, price: {}, stock: {}, version: {}}}",
            p.id, p.name, p.sku, p.price, p.stock, p.version
        ),
        Ok(Outcome::Done) => "ok".into(),
        Ok(Outcome::Products(ps)) => format!(
            "products [{}]",
            ps.iter()
                .map(|p| format!("{} stock {} version {}", p.sku, p.stock, p.version))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Ok(Outcome::Location(l)) => format!("location {} {:?} v{}", l.code, l.name, l.version),
        Ok(Outcome::Locations(all)) => format!(
            "locations {:?}",
            all.iter().map(|l| l.code.as_str()).collect::<Vec<_>>()
        ),
        Ok(Outcome::Levels(levels)) => format!(
            "levels {:?}",
            levels
                .iter()
                .map(|l| (
                    l.location.as_str(),
                    l.on_hand,
                    l.reserved,
                    l.available,
                    l.short
                ))
                .collect::<Vec<_>>()
        ),
        Ok(Outcome::Hold(h)) => format!("hold {} {} of {}", h.status, h.committed, h.quantity),
        Ok(Outcome::Holds(holds)) => format!(
            "holds {:?}",
            holds.iter().map(|h| (h.id, h.status)).collect::<Vec<_>>()
        ),
        Ok(Outcome::Number(n)) => format!("number {n}"),
        Ok(Outcome::Level(l)) => {
            format!("level {} {} {:?}", l.location, l.on_hand, l.reorder_point)
        }
        Ok(Outcome::Page(page)) => format!(
            "page {{skus: {:?}, total: {:?}, has_next: {}}}",
            page.items
                .iter()
                .map(|p| p.sku.as_str())
                .collect::<Vec<_>>(),
            page.total,
            page.next_cursor.is_some()
        ),
        Ok(Outcome::Total(v)) => format!("value {v}"),
        Ok(Outcome::Events(events)) => format!(
            "events [{}]",
            events
                .iter()
                .map(|e| format!("{} {:?} {:?}", e.kind.as_str(), e.delta, e.reason))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn same<T: PartialEq + std::fmt::Debug>(what: &str, want: T, got: T) -> Result<(), Fail> {
    if want == got {
        Ok(())
    } else {
        Err(format!("{what}: expected {want:?}, got {got:?}"))
    }
}

fn want_str<'v>(what: &str, v: &'v Value) -> Result<&'v str, Fail> {
    v.as_str()
        .ok_or_else(|| format!("{what}: expected value must be a string, not {v}"))
}

fn want_opt_str<'v>(what: &str, v: &'v Value) -> Result<Option<&'v str>, Fail> {
    if v.is_null() {
        Ok(None)
    } else {
        want_str(what, v).map(Some)
    }
}

fn want_int(what: &str, v: &Value) -> Result<i64, Fail> {
    v.as_i64()
        .ok_or_else(|| format!("{what}: expected value must be an integer, not {v}"))
}

fn want_opt_int(what: &str, v: &Value) -> Result<Option<i64>, Fail> {
    if v.is_null() {
        Ok(None)
    } else {
        want_int(what, v).map(Some)
    }
}

fn want_object<'v>(what: &str, v: &'v Value) -> Result<&'v Json, Fail> {
    v.as_object()
        .ok_or_else(|| format!("{what} must be an object, not {v}"))
}

fn check_product(want: &Json, p: &Product, ctx: &Ctx) -> Result<(), Fail> {
    for (key, v) in want {
        match key.as_str() {
            "id" => same("id", ctx.id_text(want_str(key, v)?)?, p.id.to_string())?,
            "name" => same("name", want_str(key, v)?, &p.name)?,
            "sku" => same("sku", want_str(key, v)?, &p.sku)?,
            "price" => same("price", want_str(key, v)?, &p.price.to_string())?,
            "stock" => same("stock", want_int(key, v)?, i64::from(p.stock))?,
            "version" => same("version", want_int(key, v)?, p.version as i64)?,
            other => {
                return Err(format!(
                    "unknown product field {other:?} in the expectation"
                ));
            }
        }
    }
    Ok(())
}

fn check_page(want: &Json, page: &Page) -> Result<(), Fail> {
    for (key, v) in want {
        match key.as_str() {
            "skus" => {
                let skus = v
                    .as_array()
                    .ok_or_else(|| format!("skus must be an array, not {v}"))?
                    .iter()
                    .map(|s| want_str("skus", s))
                    .collect::<Result<Vec<_>, _>>()?;
                let got: Vec<&str> = page.items.iter().map(|p| p.sku.as_str()).collect();
                same("skus", skus, got)?;
            }
            "count" => same("count", want_int(key, v)?, page.items.len() as i64)?,
            "total" => same("total", want_opt_int(key, v)?, page.total.map(|t| t as i64))?,
            "has_next" => same(
                "has_next",
                v.as_bool()
                    .ok_or_else(|| format!("has_next must be true or false, not {v}"))?,
                page.next_cursor.is_some(),
            )?,
            other => return Err(format!("unknown page field {other:?} in the expectation")),
        }
    }
    Ok(())
}

fn check_event(want: &Json, e: &Event) -> Result<(), Fail> {
    for (key, v) in want {
        match key.as_str() {
            "kind" => same("kind", want_str(key, v)?, e.kind.as_str())?,
            "sku" => same("sku", want_str(key, v)?, &e.sku)?,
            "delta" => same("delta", want_opt_int(key, v)?, e.delta)?,
            "stock_before" => same(
                "stock_before",
                want_opt_int(key, v)?,
                e.stock_before.map(i64::from),
            )?,
            "stock_after" => same(
                "stock_after",
                want_opt_int(key, v)?,
                e.stock_after.map(i64::from),
            )?,
            "reason" => same("reason", want_opt_str(key, v)?, e.reason.as_deref())?,
            "location" => same("location", want_opt_str(key, v)?, e.location.as_deref())?,
            "idempotency_key" => same(
                "idempotency_key",
                want_opt_str(key, v)?,
                e.idempotency_key.as_deref(),
            )?,
            "linked" => same(
                "linked",
                v.as_bool()
                    .ok_or_else(|| format!("linked must be true or false, not {v}"))?,
                e.transfer_id.is_some(),
            )?,
            "reference" => same("reference", want_opt_str(key, v)?, e.reference.as_deref())?,
            "actor" => same("actor", want_opt_str(key, v)?, e.actor.as_deref())?,
            "quantity" => same("quantity", want_opt_int(key, v)?, e.quantity.map(i64::from))?,
            "hold" => same(
                "hold",
                v.as_bool()
                    .ok_or_else(|| format!("hold must be true or false, not {v}"))?,
                e.hold_id.is_some(),
            )?,
            "changes" => {
                let want: Vec<(&str, &str, &str)> = v
                    .as_array()
                    .ok_or_else(|| format!("changes must be an array, not {v}"))?
                    .iter()
                    .map(|c| {
                        let c = want_object("a change", c)?;
                        Ok((
                            want_str("field", &c["field"])?,
                            want_str("before", &c["before"])?,
                            want_str("after", &c["after"])?,
                        ))
                    })
                    .collect::<Result<_, Fail>>()?;
                let got: Vec<(&str, &str, &str)> = e
                    .changes
                    .iter()
                    .map(|c| (c.field.as_str(), c.before.as_str(), c.after.as_str()))
                    .collect();
                same("changes", want, got)?;
            }
            other => return Err(format!("unknown event field {other:?} in the expectation")),
        }
    }
    Ok(())
}

fn check_level(want: &Json, l: &StockLevel) -> Result<(), Fail> {
    for (key, v) in want {
        match key.as_str() {
            "location" => same("location", want_str(key, v)?, &l.location)?,
            "on_hand" => same("on_hand", want_int(key, v)?, i64::from(l.on_hand))?,
            "reserved" => same("reserved", want_int(key, v)?, i64::from(l.reserved))?,
            "available" => same("available", want_int(key, v)?, i64::from(l.available))?,
            "short" => same("short", want_int(key, v)?, i64::from(l.short))?,
            "reorder_point" => same(
                "reorder_point",
                want_opt_int(key, v)?,
                l.reorder_point.map(i64::from),
            )?,
            other => return Err(format!("unknown level field {other:?} in the expectation")),
        }
    }
    Ok(())
}

/// Compares an answer with a step's `expect`.
fn check(want: &Json, got: &inventory_core::Result<Outcome>, ctx: &Ctx) -> Result<(), Fail> {
    let mismatch = || format!("got {}", describe(got));
    if let Some(code) = want.get("error") {
        let code = want_str("error", code)?;
        let Err(err) = got else {
            return Err(format!("expected error {code}, {}", mismatch()));
        };
        same("error", code, err.code()).map_err(|m| format!("{m} ({err})"))?;
        if let Some(field) = want.get("field") {
            same("error field", Some(want_str("field", field)?), err.field())
                .map_err(|m| format!("{m} ({err})"))?;
        }
        // While recording (see `record_messages`) the pinned messages are the ones to replace.
        let recording = std::env::var_os("CONFORMANCE_RECORD_MESSAGES").is_some();
        if let Some(message) = want.get("message").filter(|_| !recording) {
            same(
                "error message",
                want_str("message", message)?,
                &ctx.pinned(&err.to_string()),
            )?;
        }
        return Ok(());
    }
    let kind = want
        .keys()
        .next()
        .ok_or_else(|| "an empty expectation".to_owned())?;
    if want.len() != 1 {
        return Err(format!("an expectation has one key, not {:?}", want.keys()));
    }
    let v = &want[kind];
    match (kind.as_str(), got) {
        ("product", Ok(Outcome::Product(p))) => check_product(want_object("product", v)?, p, ctx)
            .map_err(|m| format!("{m}; {}", mismatch())),
        ("ok", Ok(Outcome::Done)) => same("ok", Some(true), v.as_bool()),
        ("page", Ok(Outcome::Page(page))) => {
            check_page(want_object("page", v)?, page).map_err(|m| format!("{m}; {}", mismatch()))
        }
        ("value", Ok(Outcome::Total(value))) => {
            same("value", want_str("value", v)?, &value.to_string())
        }
        ("events", Ok(Outcome::Events(events))) => {
            let want = v
                .as_array()
                .ok_or_else(|| format!("events must be an array, not {v}"))?;
            same("number of events", want.len(), events.len())
                .map_err(|m| format!("{m}; {}", mismatch()))?;
            for (i, (w, e)) in want.iter().zip(events).enumerate() {
                check_event(want_object("an event", w)?, e)
                    .map_err(|m| format!("event {i}: {m}; {}", mismatch()))?;
            }
            Ok(())
        }
        ("products", Ok(Outcome::Products(products))) => {
            let want = v
                .as_array()
                .ok_or_else(|| format!("products must be an array, not {v}"))?;
            same("number of products", want.len(), products.len())
                .map_err(|m| format!("{m}; {}", mismatch()))?;
            for (i, (w, p)) in want.iter().zip(products).enumerate() {
                check_product(want_object("product", &w["product"])?, p, ctx)
                    .map_err(|m| format!("product {i}: {m}; {}", mismatch()))?;
            }
            Ok(())
        }
        ("location", Ok(Outcome::Location(l))) => {
            for (key, w) in want_object("location", v)? {
                match key.as_str() {
                    "code" => same("code", want_str(key, w)?, &l.code)?,
                    "name" => same("name", want_str(key, w)?, &l.name)?,
                    "version" => same("version", want_int(key, w)?, l.version as i64)?,
                    other => return Err(format!("unknown location field {other:?}")),
                }
            }
            Ok(())
        }
        ("locations", Ok(Outcome::Locations(all))) => {
            let want = v
                .as_array()
                .ok_or_else(|| format!("locations must be an array, not {v}"))?
                .iter()
                .map(|c| want_str("a code", c))
                .collect::<Result<Vec<_>, _>>()?;
            let got: Vec<&str> = all.iter().map(|l| l.code.as_str()).collect();
            same("locations", want, got)
        }
        ("levels", Ok(Outcome::Levels(levels))) => {
            let want = v
                .as_array()
                .ok_or_else(|| format!("levels must be an array, not {v}"))?;
            same("number of levels", want.len(), levels.len())
                .map_err(|m| format!("{m}; {}", mismatch()))?;
            for (w, l) in want.iter().zip(levels) {
                check_level(want_object("a level", w)?, l)
                    .map_err(|m| format!("{m}; {}", mismatch()))?;
            }
            Ok(())
        }
        ("level", Ok(Outcome::Level(l))) => check_level(want_object("level", v)?, l),
        ("hold", Ok(Outcome::Hold(h))) => {
            check_hold(want_object("hold", v)?, h, ctx).map_err(|m| format!("{m}; {}", mismatch()))
        }
        ("holds", Ok(Outcome::Holds(holds))) => {
            let want = v
                .as_array()
                .ok_or_else(|| format!("holds must be an array, not {v}"))?;
            same("number of holds", want.len(), holds.len())
                .map_err(|m| format!("{m}; {}", mismatch()))?;
            for (w, h) in want.iter().zip(holds) {
                check_hold(want_object("a hold", w)?, h, ctx)
                    .map_err(|m| format!("{m}; {}", mismatch()))?;
            }
            Ok(())
        }
        ("number", Ok(Outcome::Number(n))) => same("number", want_int("number", v)?, *n as i64),
        (
            "product" | "products" | "ok" | "page" | "value" | "events" | "location" | "locations"
            | "levels" | "level" | "hold" | "holds" | "number",
            _,
        ) => Err(format!("expected {kind}, {}", mismatch())),
        (other, _) => Err(format!("unknown expectation {other:?}")),
    }
}

/// The messages of the errors a case's steps answered, by step index: what
/// `conformance/messages.json` pins (see [`record_messages`]).
type Messages = std::collections::BTreeMap<usize, String>;

/// Runs `steps` in order on `target`, stopping at the first failure; records the message of
/// every error a step answered in `messages`, when given.
fn run_steps(
    target: &mut Target<'_, '_>,
    steps: &[Value],
    ctx: &mut Ctx,
    mut messages: Option<&mut Messages>,
) -> Result<(), Fail> {
    for (i, step) in steps.iter().enumerate() {
        let at = |m: String| format!("step {i} ({}): {m}", step["op"]);
        let step = want_object("a step", step).map_err(at)?;
        let op = step
            .get("op")
            .and_then(Value::as_str)
            .ok_or_else(|| at("no \"op\"".into()))?;
        let want = want_object("expect", step.get("expect").unwrap_or(&Value::Null)).map_err(at)?;
        if matches!(target, Target::Transaction(_)) && !TRANSACTION_OPS.contains(&op) {
            return Err(at(format!("{op} is not a call of a transaction")));
        }
        let got = call(target, op, step, ctx).map_err(at)?;
        if let (Err(e), Some(messages)) = (&got, messages.as_deref_mut()) {
            messages.insert(i, ctx.pinned(&e.to_string()));
        }
        check(want, &got, ctx).map_err(at)?;
        match (&got, step.get("save_as")) {
            (Ok(Outcome::Product(p)), Some(Value::String(name))) => {
                ctx.ids.insert(name.clone(), p.id);
            }
            (Ok(Outcome::Hold(h)), Some(Value::String(name))) => {
                ctx.ids.insert(name.clone(), h.id);
            }
            (_, Some(other)) => {
                return Err(at(format!("save_as {other} needs a product to save")));
            }
            (_, None) => {}
        }
        if let Ok(Outcome::Page(page)) = &got {
            ctx.next = page.next_cursor.clone();
        }
    }
    Ok(())
}

/// Runs one case on a fresh inventory, stopping at the first failure; records the message of
/// every error a step answered.
fn run_case(inv: &Inventory, case: &Value, messages: &mut Messages) -> Result<(), Fail> {
    let steps = case["steps"]
        .as_array()
        .ok_or_else(|| "the case has no \"steps\" array".to_owned())?;
    let mut ctx = Ctx::default();
    let timed;
    let inv = match case.get("clock") {
        None => inv,
        Some(start) => {
            let start = want_str("clock", start)?
                .parse()
                .map_err(|e| format!("the case's clock is not an ISO 8601 time: {e}"))?;
            let clock = Arc::new(ManualClock::new(start));
            ctx.clock = Some(clock.clone());
            timed = inv.clone().with_clock(clock);
            &timed
        }
    };
    run_steps(&mut Target::Inventory(inv), steps, &mut ctx, Some(messages))?;
    inv.check_ledger()
        .map_err(|e| format!("after the last step, the ledger invariant fails: {e}"))
}

/// Runs every case against fresh inventories from `open`; prints the summary line and panics
/// naming every failing file, case and step. Returns the error messages of every case.
fn run_all(
    store: &str,
    open: impl Fn(usize) -> Inventory,
) -> std::collections::BTreeMap<String, Messages> {
    let mut all_messages = std::collections::BTreeMap::new();
    let files = load();
    let (mut cases, mut steps, mut skipped) = (0, 0, Vec::new());
    let mut failures = Vec::new();
    let (closer, to_close) = std::sync::mpsc::channel::<Inventory>();
    let closing = std::thread::spawn(move || to_close.into_iter().for_each(drop));
    for file in &files {
        for case in &file.cases {
            let name = case["name"].as_str().unwrap_or_default();
            cases += 1;
            if let Some(reason) = case.get("skip").and_then(|s| s.get(RUNNER)) {
                skipped.push(format!("{name}: {}", reason.as_str().unwrap_or_default()));
                continue;
            }
            let inv = open(cases);
            let mut messages = Messages::new();
            // A panic is a failure of this case, reported with the others.
            let result =
                std::panic::catch_unwind(AssertUnwindSafe(|| run_case(&inv, case, &mut messages)))
                    .unwrap_or_else(|payload| {
                        let message = payload
                            .downcast_ref::<String>()
                            .map(String::as_str)
                            .or_else(|| payload.downcast_ref::<&str>().copied())
                            .unwrap_or("(no message)");
                        Err(format!("panicked: {message}"))
                    });
            // Closing a SQLite file syncs it to disk: let another thread wait for that.
            closer.send(inv).expect("the closing thread runs");
            steps += case["steps"].as_array().map_or(0, Vec::len);
            if let Err(m) = result {
                failures.push(format!("{}: case {name:?}, {m}", file.name));
            }
            if !messages.is_empty() {
                all_messages.insert(name.to_owned(), messages);
            }
        }
    }
    drop(closer);
    closing.join().expect("the closing thread");
    let mut summary = format!("conformance: {cases} cases, {steps} steps, store {store}");
    if !skipped.is_empty() {
        summary += &format!(", {} skipped", skipped.len());
    }
    println!("{summary}");
    for s in &skipped {
        println!("  skipped {s}");
    }
    assert!(
        failures.is_empty(),
        "{} of {cases} conformance cases failed (store {store}):\n{}",
        failures.len(),
        failures.join("\n")
    );
    all_messages
}

/// With `CONFORMANCE_RECORD_MESSAGES=1`, writes `conformance/messages.json`: for every case, the
/// message of each error its steps answered, as the core writes it. `conformance/generate.py`
/// puts them into the vectors, and every runner then checks its binding's message against the
/// core's (`scripts/conformance-messages.sh` does both).
fn record_messages(messages: &std::collections::BTreeMap<String, Messages>) {
    if std::env::var_os("CONFORMANCE_RECORD_MESSAGES").is_none() {
        return;
    }
    let path = vectors_dir().join("../messages.json");
    let mut text = serde_json::to_string_pretty(messages).expect("messages as JSON");
    text.push('\n');
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}

#[test]
fn vectors_on_memory_store() {
    let messages = run_all("memory", |_| Inventory::new(MemoryStore::new()));
    record_messages(&messages);
}

#[test]
fn vectors_on_sqlite_file() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    // Each case gets its own file, copied from one new database: creating the schema (and
    // syncing it to disk) costs several times more than a case itself.
    let template = dir.path().join("template.db");
    drop(SqliteStore::open(&template).expect("a new SQLite file"));
    run_all("sqlite", |n| {
        let path = dir.path().join(format!("case-{n}.db"));
        std::fs::copy(&template, &path).expect("a copy of the new database");
        Inventory::new(SqliteStore::open(&path).expect("a SQLite file"))
    });
}
