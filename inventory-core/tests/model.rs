//! Model test: random sequences of operations run against every backend at once and against a
//! reference model, written here from the rules without the library's code. After each step
//! every backend must answer what the model answers (so a bug in the shared service layer, which
//! every backend would share, is caught too) and the backends must agree with each other to
//! the letter of their messages; at the end the ledger invariant holds. Stock moves at two
//! locations (and one that does not exist), by adjustments, counts, transfers and batches, some
//! of them under idempotency keys that are reused, for the same request or another one; holds
//! are placed, committed, released and left to expire on a manual clock every backend shares.

mod common;

use common::{Fixture, memory, sqlite_file};
use std::collections::{BTreeMap, HashMap};

use std::sync::Arc;
use std::time::Duration;

use inventory_core::{
    Decimal, HoldStatus, InventoryError, ManualClock, Movement, NewHold, NewProduct, OrderBy,
    Product, ProductPatch, Query, StockChange, Uuid,
};
use proptest::prelude::*;

/// The backends compared. Every one must behave exactly like the first. Each numbers its
/// products 1, 2, 3… so that ties in an ordering (broken by id) fall the same way everywhere.
fn backends(clock: &Arc<ManualClock>) -> Vec<(&'static str, Fixture)> {
    let mut all = vec![("memory", memory()), ("sqlite file", sqlite_file())];
    #[cfg(feature = "postgres-tests")]
    all.push(("postgres", common::pg::postgres()));
    for (_, fixture) in &mut all {
        let next = std::sync::atomic::AtomicU64::new(0);
        fixture.inv = fixture
            .inv
            .clone()
            .with_id_generator(move || {
                let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                uuid::Builder::from_random_bytes(u128::from(n).to_be_bytes()).into_uuid()
            })
            .with_clock(clock.clone());
        fixture.inv.create_location("wh", "Warehouse").unwrap();
    }
    all
}

/// The locations a movement names: the default one, the warehouse every backend starts with,
/// and one that does not exist.
const LOCATIONS: &[&str] = &["DEFAULT", "WH", "ZZ"];
const KEYS: &[&str] = &["k-1", "k-2", "k-3"];

/// Raw SKUs, several of which normalise to the same thing.
const SKUS: &[&str] = &[
    "a-1", " A-1", "b-2", "straße", "STRASSE ", "c 3", "", "ǆ", "d-4", "e-5", "f-6",
];
const ORDERS: &[&str] = &[
    "created_at",
    "-created_at",
    "name",
    "-price",
    "stock",
    "-sku",
];

#[derive(Debug, Clone)]
enum Op {
    Create {
        sku: usize,
        name: String,
        cents: i64,
        stock: u32,
    },
    Update {
        target: usize,
        name: Option<String>,
        sku: Option<usize>,
        cents: Option<i64>,
        version: Option<u64>,
    },
    Adjust {
        target: usize,
        delta: i64,
        location: usize,
        expected: Option<u32>,
    },
    Set {
        target: usize,
        quantity: u32,
        location: usize,
        expected: Option<u32>,
    },
    Transfer {
        target: usize,
        quantity: u32,
        from: usize,
        to: usize,
    },
    /// A batch of adjustments, counts and transfers.
    Apply(Vec<Op>),
    /// An operation made under an idempotency key.
    Keyed(usize, Box<Op>),
    Levels {
        target: usize,
    },
    Delete {
        target: usize,
    },
    List {
        order: usize,
        low_stock: Option<u32>,
        name: Option<String>,
        limit: u32,
        pages: usize,
    },
    Total,
    /// A hold of `quantity` at a location, expiring after `minutes` (or never).
    Reserve {
        target: usize,
        quantity: u32,
        location: usize,
        minutes: Option<u8>,
    },
    /// Commits the `hold`-th hold placed so far (past the end: an id no hold has).
    Commit {
        hold: usize,
        quantity: Option<u32>,
    },
    Release {
        hold: usize,
    },
    ExpireHolds,
    /// Moves the clock every backend reads.
    Advance {
        minutes: u8,
    },
}

fn op() -> impl Strategy<Value = Op> {
    // Mostly valid values, so that products accumulate and lists have something to order.
    let name = prop_oneof![
        1 => Just(String::new()),
        1 => Just("  ".to_owned()),
        12 => "[a-zA-Z][a-zA-Z ]{0,7}",
        1 => Just("x".repeat(101))
    ];
    let cents = prop_oneof![
        1 => Just(0i64),
        12 => 1i64..5000,
        1 => Just(9_999_999_999i64),
        1 => Just(10_000_000_000i64)
    ];
    let stock = prop_oneof![
        12 => 0u32..30,
        1 => Just(inventory_core::MAX_STOCK),
        1 => Just(inventory_core::MAX_STOCK + 1)
    ];
    let target = 0usize..8;
    prop_oneof![
        3 => (0..SKUS.len(), name.clone(), cents.clone(), stock.clone())
            .prop_map(|(sku, name, cents, stock)| Op::Create { sku, name, cents, stock }),
        2 => (target.clone(), proptest::option::of(name.clone()), proptest::option::of(0..SKUS.len()),
              proptest::option::of(cents), proptest::option::of(1u64..4))
            .prop_map(|(target, name, sku, cents, version)| Op::Update { target, name, sku, cents, version }),
        4 => movement(stock.clone()),
        2 => proptest::collection::vec(movement(stock.clone()), 1..4).prop_map(Op::Apply),
        3 => (0..KEYS.len(), prop_oneof![movement(stock.clone()), proptest::collection::vec(movement(stock), 1..3).prop_map(Op::Apply)])
            .prop_map(|(key, op)| Op::Keyed(key, Box::new(op))),
        1 => target.clone().prop_map(|target| Op::Levels { target }),
        1 => target.clone().prop_map(|target| Op::Delete { target }),
        2 => (0..ORDERS.len(), proptest::option::of(0u32..20), proptest::option::of("[a-z]{1,2}"), 1u32..4, 1usize..4)
            .prop_map(|(order, low_stock, name, limit, pages)| Op::List { order, low_stock, name, limit, pages }),
        1 => Just(Op::Total),
        // Mostly on the first products, which exist in most runs.
        4 => (prop_oneof![8 => 0usize..3, 1 => target], prop_oneof![1 => Just(0u32), 8 => 1u32..6],
              prop_oneof![8 => 0usize..2, 1 => Just(2usize)], proptest::option::of(1u8..4))
            .prop_map(|(target, quantity, location, minutes)| Op::Reserve { target, quantity, location, minutes }),
        2 => (0usize..4, proptest::option::of(0u32..4)).prop_map(|(hold, quantity)| Op::Commit { hold, quantity }),
        1 => (0usize..4).prop_map(|hold| Op::Release { hold }),
        1 => Just(Op::ExpireHolds),
        1 => (1u8..3).prop_map(|minutes| Op::Advance { minutes }),
    ]
}

/// An adjustment, a count or a transfer, at one of [`LOCATIONS`] (the last of them unknown).
fn movement(stock: impl Strategy<Value = u32> + Clone + 'static) -> BoxedStrategy<Op> {
    // Mostly the first products (which every run has), and small sales, so that movements meet
    // the holds on them.
    let target = prop_oneof![2 => 0usize..2, 1 => 0usize..8];
    let location = prop_oneof![8 => 0usize..2, 1 => Just(2usize)];
    prop_oneof![
        4 => (target.clone(), prop_oneof![4 => -25i64..25, 4 => -6i64..0, 1 => Just(i64::from(inventory_core::MAX_STOCK))],
              location.clone(), proptest::option::of(0u32..30))
            .prop_map(|(target, delta, location, expected)| Op::Adjust { target, delta, location, expected }),
        2 => (target.clone(), stock, location.clone(), proptest::option::of(0u32..30))
            .prop_map(|(target, quantity, location, expected)| Op::Set { target, quantity, location, expected }),
        2 => (target, 0u32..12, location.clone(), location)
            .prop_map(|(target, quantity, from, to)| Op::Transfer { target, quantity, from, to }),
    ]
    .boxed()
}

/// What a step returned, with what differs between backends (ids, times) left out.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    Product {
        name: String,
        sku: String,
        price: Decimal,
        stock: u32,
        version: u64,
    },
    Done,
    Products(Vec<Outcome>),
    /// Each level's location, on hand, reserved and available.
    Levels(Vec<(String, u32, u32, u32)>),
    Hold {
        status: HoldStatus,
        quantity: u32,
        committed: u32,
    },
    Count(u32),
    Pages(Vec<(Vec<String>, u64, bool)>),
    Total(Decimal),
    Error(InventoryError),
}

fn product(p: Product) -> Outcome {
    Outcome::Product {
        name: p.name,
        sku: p.sku,
        price: p.price,
        stock: p.stock,
        version: p.version,
    }
}

fn outcome<T>(r: Result<T, InventoryError>, f: impl FnOnce(T) -> Outcome) -> Outcome {
    r.map_or_else(Outcome::Error, f)
}

/// The ids one backend gave: its products and its holds, in the order they were made (the same
/// positions on every backend).
#[derive(Default)]
struct Ids {
    products: Vec<Uuid>,
    holds: Vec<Uuid>,
}

/// Runs one step on one backend. A target past the end of `ids` is an id that never existed.
fn run(inv: &inventory_core::Inventory, ids: &mut Ids, op: &Op) -> Outcome {
    let products = ids.products.clone();
    let id = |target: usize| products.get(target).copied().unwrap_or(Uuid::nil());
    let hold = |n: usize| ids.holds.get(n).copied().unwrap_or(Uuid::nil());
    let hold_outcome = |h: inventory_core::Hold| Outcome::Hold {
        status: h.status,
        quantity: h.quantity,
        committed: h.committed,
    };
    let price = |cents: i64| Decimal::new(cents, 2);
    match op {
        Op::Create {
            sku,
            name,
            cents,
            stock,
        } => {
            let made = inv.create(
                NewProduct::new(name.clone(), SKUS[*sku], price(*cents)).with_stock(*stock),
            );
            if let Ok(p) = &made {
                ids.products.push(p.id);
            }
            outcome(made, product)
        }
        Op::Update {
            target,
            name,
            sku,
            cents,
            version,
        } => {
            let patch = ProductPatch {
                name: name.clone(),
                sku: sku.map(|s| SKUS[s].to_owned()),
                price: cents.map(price),
                stock: None,
                expected_version: *version,
            };
            outcome(inv.update(id(*target), patch), product)
        }
        Op::Adjust { .. } | Op::Set { .. } | Op::Transfer { .. } => {
            let result = match to_movement(op, &id) {
                Movement::Adjust {
                    product_id,
                    delta,
                    change,
                } => inv.adjust_stock(product_id, delta, change),
                Movement::Count {
                    product_id,
                    quantity,
                    change,
                } => inv.set_stock(product_id, quantity, change),
                Movement::Transfer {
                    product_id,
                    quantity,
                    from_location,
                    to_location,
                    change,
                } => inv.transfer(product_id, quantity, &from_location, &to_location, change),
            };
            outcome(result, product)
        }
        Op::Apply(ops) => {
            let movements = ops.iter().map(|op| to_movement(op, &id)).collect();
            outcome(inv.apply(movements), |ps| {
                Outcome::Products(ps.into_iter().map(product).collect())
            })
        }
        Op::Keyed(key, op) => run(&inv.idempotent(KEYS[*key]).unwrap(), ids, op),
        Op::Levels { target } => outcome(inv.stock_levels(id(*target)), |levels| {
            Outcome::Levels(
                levels
                    .into_iter()
                    .map(|l| (l.location, l.on_hand, l.reserved, l.available))
                    .collect(),
            )
        }),
        Op::Delete { target } => outcome(inv.delete(id(*target)), |()| Outcome::Done),
        Op::List {
            order,
            low_stock,
            name,
            limit,
            pages,
        } => {
            let mut query = Query {
                order_by: OrderBy::parse(ORDERS[*order]).unwrap(),
                low_stock: *low_stock,
                name_contains: name.clone(),
                limit: Some(*limit),
                ..Query::default()
            };
            let mut seen = Vec::new();
            for _ in 0..*pages {
                match inv.list(&query) {
                    Err(e) => return Outcome::Error(e),
                    Ok(page) => {
                        let skus = page.items.iter().map(|p| p.sku.clone()).collect();
                        seen.push((
                            skus,
                            page.total.unwrap_or(u64::MAX),
                            page.next_cursor.is_some(),
                        ));
                        match page.next_cursor {
                            Some(c) => query.cursor = Some(c),
                            None => break,
                        }
                    }
                }
            }
            Outcome::Pages(seen)
        }
        Op::Total => outcome(inv.total_value(), Outcome::Total),
        Op::Reserve {
            target,
            quantity,
            location,
            minutes,
        } => {
            let mut new = NewHold::new(id(*target), *quantity).at(LOCATIONS[*location]);
            new.expires_in = minutes.map(|m| Duration::from_secs(60 * u64::from(m)));
            let placed = inv.reserve(new);
            if let Ok(h) = &placed {
                ids.holds.push(h.id);
            }
            outcome(placed, hold_outcome)
        }
        Op::Commit { hold: n, quantity } => {
            outcome(inv.commit_hold(hold(*n), *quantity, "sale"), product)
        }
        Op::Release { hold: n } => outcome(inv.release_hold(hold(*n)), hold_outcome),
        Op::ExpireHolds => outcome(inv.expire_holds(), Outcome::Count),
        Op::Advance { .. } => Outcome::Done, // the clock is moved once, for every backend
    }
}

/// A movement step as the core's [`Movement`] (a single one runs through its own call).
fn to_movement(op: &Op, id: &dyn Fn(usize) -> Uuid) -> Movement {
    match op {
        Op::Adjust {
            target,
            delta,
            location,
            expected,
        } => {
            let mut change = StockChange::new("sale").at(LOCATIONS[*location].to_lowercase());
            change.expected = *expected;
            Movement::adjust(id(*target), *delta, change)
        }
        Op::Set {
            target,
            quantity,
            location,
            expected,
        } => {
            let mut change = StockChange::new("count").at(LOCATIONS[*location]);
            change.expected = *expected;
            Movement::count(id(*target), *quantity, change)
        }
        Op::Transfer {
            target,
            quantity,
            from,
            to,
        } => Movement::transfer(
            id(*target),
            *quantity,
            LOCATIONS[*from],
            LOCATIONS[*to],
            "transfer",
        ),
        other => unreachable!("not a movement: {other:?}"),
    }
}

// ------------------------------------------------------------------------------ the reference

/// What the reference expects: a success as the backends report it, or an error's code and
/// field (the wording is the backends' to agree on).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Expected {
    Is(Outcome),
    Fails(&'static str, Option<String>),
}

fn expect_error(code: &'static str, field: &str) -> Expected {
    Expected::Fails(code, Some(field.to_owned()))
}

/// The same answer as `expected`, an error compared by code and field only.
fn matches(expected: &Expected, got: &Outcome) -> bool {
    match (expected, got) {
        (Expected::Is(want), got) => want == got,
        (Expected::Fails(code, field), Outcome::Error(e)) => {
            e.code() == *code && e.field().map(str::to_owned) == *field
        }
        _ => false,
    }
}

/// A product as the reference keeps it.
#[derive(Debug, Clone)]
struct Row {
    /// Creation order, which is also the order of the ids the backends were given.
    n: usize,
    name: String,
    sku: String,
    cents: i64,
    stock: u32,
    version: u64,
    /// On hand per index of [`LOCATIONS`], for every level a store keeps (moved there once).
    levels: BTreeMap<usize, u32>,
}

impl Row {
    fn outcome(&self) -> Outcome {
        Outcome::Product {
            name: self.name.clone(),
            sku: self.sku.clone(),
            price: Decimal::new(self.cents, 2),
            stock: self.stock,
            version: self.version,
        }
    }
}

/// A hold as the reference keeps it: its status as recorded (an active one past its time is
/// expired for every read and write, but recorded so only by an expiry).
#[derive(Debug, Clone)]
struct RefHold {
    target: usize,
    location: usize,
    quantity: u32,
    /// The minute it expires at, on the reference's clock.
    expires: Option<u32>,
    status: HoldStatus,
    committed: u32,
}

impl RefHold {
    fn live(&self, now: u32) -> bool {
        self.status == HoldStatus::Active && self.expires.is_none_or(|t| now < t)
    }

    fn outcome(&self, now: u32) -> Outcome {
        let status = match self.status {
            HoldStatus::Active if !self.live(now) => HoldStatus::Expired,
            s => s,
        };
        Outcome::Hold {
            status,
            quantity: self.quantity,
            committed: self.committed,
        }
    }
}

/// The inventory, written from the rules: products by creation order (`None` once deleted),
/// each idempotency key's request (its step, printed) and first answer, the holds in the order
/// they were placed, and the clock in minutes.
#[derive(Default)]
struct Reference {
    rows: Vec<Option<Row>>,
    keys: HashMap<usize, (String, Outcome)>,
    holds: Vec<RefHold>,
    now: u32,
}

/// An error of movement `i` of a batch, as the batch names it.
fn in_batch(e: Expected, i: usize) -> Expected {
    match e {
        Expected::Fails(
            code @ ("VALIDATION" | "VERSION_CONFLICT" | "INSUFFICIENT_STOCK" | "STOCK_OVERFLOW"),
            Some(field),
        ) => Expected::Fails(code, Some(format!("movements[{i}].{field}"))),
        other => other,
    }
}

/// The location at index `i`: `None` for the one that does not exist.
fn known(i: usize) -> Option<usize> {
    (i < 2).then_some(i)
}

const MAX_STOCK: u32 = inventory_core::MAX_STOCK;

/// Each of [`SKUS`] as the SKU rule stores it (Python's `strip().upper()`, 1 to 50 characters,
/// no inner space), or `None` when the rule refuses it.
fn sku_rule(raw: &str) -> Option<&'static str> {
    match raw {
        "a-1" | " A-1" => Some("A-1"),
        "b-2" => Some("B-2"),
        "straße" | "STRASSE " => Some("STRASSE"),
        "ǆ" => Some("Ǆ"),
        "d-4" => Some("D-4"),
        "e-5" => Some("E-5"),
        "f-6" => Some("F-6"),
        _ => None,
    }
}

/// The name rule for the generated names (ASCII letters and spaces, or 101 × "x"): trimmed,
/// 1 to 100 characters.
fn name_rule(raw: &str) -> Option<String> {
    let name = raw.trim();
    (!name.is_empty() && name.chars().count() <= 100).then(|| name.to_owned())
}

fn price_rule(cents: i64) -> bool {
    (1..=9_999_999_999).contains(&cents)
}

impl Reference {
    fn live(&self, target: usize) -> Option<&Row> {
        self.rows.get(target).and_then(Option::as_ref)
    }

    fn sku_taken(&self, sku: &str, except: Option<usize>) -> bool {
        self.rows
            .iter()
            .flatten()
            .any(|r| r.sku == sku && Some(r.n) != except)
    }

    fn apply(&mut self, op: &Op) -> Expected {
        match op {
            Op::Create {
                sku,
                name,
                cents,
                stock,
            } => {
                let Some(name) = name_rule(name) else {
                    return expect_error("VALIDATION", "name");
                };
                let Some(sku) = sku_rule(SKUS[*sku]) else {
                    return expect_error("VALIDATION", "sku");
                };
                if !price_rule(*cents) {
                    return expect_error("VALIDATION", "price");
                }
                if *stock > MAX_STOCK {
                    return expect_error("VALIDATION", "stock");
                }
                if self.sku_taken(sku, None) {
                    return expect_error("DUPLICATE_SKU", "sku");
                }
                let row = Row {
                    n: self.rows.len(),
                    name,
                    sku: sku.to_owned(),
                    cents: *cents,
                    stock: *stock,
                    version: 1,
                    levels: (*stock > 0).then_some((0, *stock)).into_iter().collect(),
                };
                let out = row.outcome();
                self.rows.push(Some(row));
                Expected::Is(out)
            }
            Op::Update {
                target,
                name,
                sku,
                cents,
                version,
            } => {
                let name = match name.as_deref().map(name_rule) {
                    Some(None) => return expect_error("VALIDATION", "name"),
                    other => other.flatten(),
                };
                let sku = match sku.map(|s| sku_rule(SKUS[s])) {
                    Some(None) => return expect_error("VALIDATION", "sku"),
                    other => other.flatten(),
                };
                if cents.is_some_and(|c| !price_rule(c)) {
                    return expect_error("VALIDATION", "price");
                }
                let Some(row) = self.live(*target).cloned() else {
                    return Expected::Fails("NOT_FOUND", None);
                };
                if version.is_some_and(|v| v != row.version) {
                    return expect_error("VERSION_CONFLICT", "version");
                }
                let mut next = row.clone();
                next.name = name.unwrap_or(next.name);
                next.sku = sku.map_or(next.sku, str::to_owned);
                next.cents = cents.unwrap_or(next.cents);
                let changed =
                    (&next.name, &next.sku, next.cents) != (&row.name, &row.sku, row.cents);
                if changed && next.sku != row.sku && self.sku_taken(&next.sku, Some(row.n)) {
                    return expect_error("DUPLICATE_SKU", "sku");
                }
                if changed {
                    next.version += 1;
                }
                let out = next.outcome();
                self.rows[*target] = Some(next);
                Expected::Is(out)
            }
            Op::Adjust { .. } | Op::Set { .. } | Op::Transfer { .. } => {
                if let Err(e) = Self::check(op) {
                    return e;
                }
                match self.movement(op) {
                    Ok(out) => Expected::Is(out),
                    Err(e) => e,
                }
            }
            Op::Apply(ops) => {
                for (i, op) in ops.iter().enumerate() {
                    if let Err(e) = Self::check(op) {
                        return in_batch(e, i);
                    }
                }
                let before = self.rows.clone();
                let mut outs = Vec::new();
                for (i, op) in ops.iter().enumerate() {
                    match self.movement(op) {
                        Ok(out) => outs.push(out),
                        Err(e) => {
                            self.rows = before;
                            return in_batch(e, i);
                        }
                    }
                }
                Expected::Is(Outcome::Products(outs))
            }
            Op::Keyed(key, op) => {
                let checked = match &**op {
                    Op::Apply(ops) => ops
                        .iter()
                        .enumerate()
                        .try_for_each(|(i, op)| Self::check(op).map_err(|e| in_batch(e, i))),
                    single => Self::check(single),
                };
                if let Err(e) = checked {
                    return e;
                }
                let request = format!("{op:?}");
                if let Some((first, answer)) = self.keys.get(key) {
                    return if *first == request {
                        Expected::Is(answer.clone())
                    } else {
                        expect_error("IDEMPOTENCY_CONFLICT", "idempotency_key")
                    };
                }
                let expected = self.apply(op);
                if let Expected::Is(answer) = &expected {
                    self.keys.insert(*key, (request, answer.clone()));
                }
                expected
            }
            Op::Levels { target } => match self.live(*target) {
                None => Expected::Fails("NOT_FOUND", None),
                Some(row) => Expected::Is(Outcome::Levels(
                    row.levels
                        .iter()
                        .map(|(l, n)| {
                            let reserved = self.reserved(*target, *l);
                            (
                                LOCATIONS[*l].to_owned(),
                                *n,
                                reserved,
                                n.saturating_sub(reserved),
                            )
                        })
                        .collect(),
                )),
            },
            Op::Delete { target } => {
                if self.live(*target).is_none() {
                    return Expected::Fails("NOT_FOUND", None);
                }
                let now = self.now;
                for h in self.holds.iter_mut().filter(|h| h.target == *target) {
                    if h.status == HoldStatus::Active {
                        h.status = if h.live(now) {
                            HoldStatus::Released
                        } else {
                            HoldStatus::Expired
                        };
                    }
                }
                self.rows[*target] = None;
                Expected::Is(Outcome::Done)
            }
            Op::Reserve {
                target,
                quantity,
                location,
                minutes,
            } => {
                if *quantity == 0 {
                    return expect_error("VALIDATION", "quantity");
                }
                let Some(row) = self.live(*target) else {
                    return Expected::Fails("NOT_FOUND", None);
                };
                let Some(at) = known(*location) else {
                    return Expected::Fails("NOT_FOUND", None);
                };
                let on_hand = row.levels.get(&at).copied().unwrap_or(0);
                if *quantity > on_hand.saturating_sub(self.reserved(*target, at)) {
                    return expect_error("INSUFFICIENT_STOCK", "quantity");
                }
                // Placing records the expiry of the holds past their time at that level.
                let now = self.now;
                for h in &mut self.holds {
                    if h.target == *target
                        && h.location == at
                        && h.status == HoldStatus::Active
                        && !h.live(now)
                    {
                        h.status = HoldStatus::Expired;
                    }
                }
                let hold = RefHold {
                    target: *target,
                    location: at,
                    quantity: *quantity,
                    expires: minutes.map(|m| now + u32::from(m)),
                    status: HoldStatus::Active,
                    committed: 0,
                };
                let out = hold.outcome(now);
                self.holds.push(hold);
                Expected::Is(out)
            }
            Op::Commit { hold, quantity } => {
                if *quantity == Some(0) {
                    return expect_error("VALIDATION", "quantity");
                }
                let h = match self.open_hold(*hold) {
                    Ok(h) => h,
                    Err(e) => return e,
                };
                let quantity = quantity.unwrap_or(h.quantity);
                if quantity > h.quantity {
                    return expect_error("VALIDATION", "quantity");
                }
                let Some(mut row) = self.live(h.target).cloned() else {
                    unreachable!("an active hold's product exists");
                };
                let level = row.levels.get(&h.location).copied().unwrap_or(0);
                if quantity > level {
                    return expect_error("INSUFFICIENT_STOCK", "quantity");
                }
                row.levels.insert(h.location, level - quantity);
                let stock = row.stock - quantity;
                let held = &mut self.holds[*hold];
                held.status = HoldStatus::Committed;
                held.committed = quantity;
                Expected::Is(self.moved(h.target, row, Some(stock)))
            }
            Op::Release { hold } => match self.open_hold(*hold) {
                Err(e) => e,
                Ok(_) => {
                    self.holds[*hold].status = HoldStatus::Released;
                    Expected::Is(self.holds[*hold].outcome(self.now))
                }
            },
            Op::ExpireHolds => {
                let now = self.now;
                let mut n = 0;
                for h in &mut self.holds {
                    if h.status == HoldStatus::Active && !h.live(now) {
                        h.status = HoldStatus::Expired;
                        n += 1;
                    }
                }
                Expected::Is(Outcome::Count(n))
            }
            Op::Advance { minutes } => {
                self.now += u32::from(*minutes);
                Expected::Is(Outcome::Done)
            }
            Op::List {
                order,
                low_stock,
                name,
                limit,
                pages,
            } => Expected::Is(Outcome::Pages(self.pages(
                ORDERS[*order],
                *low_stock,
                name.as_deref(),
                *limit as usize,
                *pages,
            ))),
            Op::Total => {
                let cents: i128 = self
                    .rows
                    .iter()
                    .flatten()
                    .map(|r| i128::from(r.cents) * i128::from(r.stock))
                    .sum();
                Expected::Is(Outcome::Total(Decimal::from_i128_with_scale(cents, 2)))
            }
        }
    }

    /// Σ quantity of the live holds of a product at a location.
    fn reserved(&self, target: usize, location: usize) -> u32 {
        self.holds
            .iter()
            .filter(|h| h.target == target && h.location == location && h.live(self.now))
            .map(|h| h.quantity)
            .sum()
    }

    /// The `n`-th hold, if it can still be resolved; else why not.
    fn open_hold(&self, n: usize) -> Result<RefHold, Expected> {
        let h = self
            .holds
            .get(n)
            .ok_or(Expected::Fails("NOT_FOUND", None))?;
        if h.status != HoldStatus::Active {
            return Err(expect_error("HOLD_CLOSED", "hold_id"));
        }
        if !h.live(self.now) {
            return Err(expect_error("HOLD_EXPIRED", "hold_id"));
        }
        Ok(h.clone())
    }

    /// The rules a movement's inputs must pass before anything is read.
    fn check(op: &Op) -> Result<(), Expected> {
        match op {
            Op::Adjust { delta: 0, .. } => Err(expect_error("VALIDATION", "delta")),
            Op::Set { quantity, .. } if *quantity > MAX_STOCK => {
                Err(expect_error("VALIDATION", "quantity"))
            }
            Op::Transfer { quantity: 0, .. } => Err(expect_error("VALIDATION", "quantity")),
            Op::Transfer { from, to, .. } if from == to => {
                Err(expect_error("VALIDATION", "to_location"))
            }
            _ => Ok(()),
        }
    }

    /// A checked movement against what is stored: its answer, or why it fails.
    fn movement(&mut self, op: &Op) -> Result<Outcome, Expected> {
        let not_found = || Expected::Fails("NOT_FOUND", None);
        let (target, at, delta_at, expected, transfer_to) = match op {
            Op::Adjust {
                target,
                delta,
                location,
                expected,
            } => (*target, *location, Some(*delta), *expected, None),
            Op::Set {
                target,
                location,
                expected,
                ..
            } => (*target, *location, None, *expected, None),
            Op::Transfer {
                target, from, to, ..
            } => (*target, *from, None, None, Some(*to)),
            other => unreachable!("not a movement: {other:?}"),
        };
        let mut row = self.live(target).cloned().ok_or_else(not_found)?;
        let at = known(at).ok_or_else(not_found)?;
        let level = row.levels.get(&at).copied().unwrap_or(0);
        if let Some(to) = transfer_to {
            let to = known(to).ok_or_else(not_found)?;
            let Op::Transfer { quantity, .. } = op else {
                unreachable!()
            };
            if level.saturating_sub(self.reserved(target, at)) < *quantity {
                return Err(expect_error("INSUFFICIENT_STOCK", "stock"));
            }
            let there = row.levels.get(&to).copied().unwrap_or(0);
            row.levels.insert(at, level - quantity);
            row.levels.insert(to, there + quantity);
            return Ok(self.moved(target, row, None));
        }
        if expected.is_some_and(|e| e != level) {
            return Err(expect_error("VERSION_CONFLICT", "stock"));
        }
        let delta = match (op, delta_at) {
            (_, Some(delta)) => delta,
            (Op::Set { quantity, .. }, None) => i64::from(*quantity) - i64::from(level),
            _ => unreachable!(),
        };
        // Held stock is not for sale: an adjustment out takes only what is available (a count
        // records what is there, whatever is held).
        let floor = match op {
            Op::Adjust { .. } => i64::from(self.reserved(target, at).min(level)),
            _ => 0,
        };
        if i64::from(level) + delta < floor {
            return Err(expect_error("INSUFFICIENT_STOCK", "stock"));
        }
        if i64::from(row.stock) + delta > i64::from(MAX_STOCK) {
            return Err(expect_error("STOCK_OVERFLOW", "stock"));
        }
        row.levels.insert(at, (i64::from(level) + delta) as u32);
        let stock = (i64::from(row.stock) + delta) as u32;
        Ok(self.moved(target, row, Some(stock)))
    }

    fn moved(&mut self, target: usize, mut row: Row, stock: Option<u32>) -> Outcome {
        row.stock = stock.unwrap_or(row.stock);
        row.version += 1;
        let out = row.outcome();
        self.rows[target] = Some(row);
        out
    }

    /// The pages a walk along the cursors sees: every match in the order (names ignoring case,
    /// ties by creation, the ids' order), `limit` at a time.
    fn pages(
        &self,
        order: &str,
        low_stock: Option<u32>,
        name: Option<&str>,
        limit: usize,
        pages: usize,
    ) -> Vec<(Vec<String>, u64, bool)> {
        let needle = name
            .map(|n| n.trim().to_lowercase())
            .filter(|n| !n.is_empty());
        let mut rows: Vec<&Row> = self
            .rows
            .iter()
            .flatten()
            .filter(|r| low_stock.is_none_or(|max| r.stock <= max))
            .filter(|r| {
                needle
                    .as_deref()
                    .is_none_or(|n| r.name.to_lowercase().contains(n))
            })
            .collect();
        let (descending, field) = match order.strip_prefix('-') {
            Some(field) => (true, field),
            None => (false, order),
        };
        rows.sort_by(|a, b| {
            let by = match field {
                "created_at" => std::cmp::Ordering::Equal,
                "name" => a.name.to_lowercase().cmp(&b.name.to_lowercase()),
                "price" => a.cents.cmp(&b.cents),
                "stock" => a.stock.cmp(&b.stock),
                "sku" => a.sku.cmp(&b.sku),
                other => unreachable!("order {other}"),
            };
            let ord = by.then(a.n.cmp(&b.n));
            if descending { ord.reverse() } else { ord }
        });
        if rows.is_empty() {
            return vec![(Vec::new(), 0, false)]; // one empty page, with no next
        }
        let total = rows.len() as u64;
        rows.chunks(limit)
            .take(pages)
            .enumerate()
            .map(|(i, chunk)| {
                let skus = chunk.iter().map(|r| r.sku.clone()).collect();
                (skus, total, (i + 1) * limit < rows.len())
            })
            .collect()
    }
}

/// Runs `ops` after two seeded products on every backend and the reference; the first
/// disagreement, or a ledger that does not add up, is the error.
fn check_sequence(ops: &[Op]) -> Result<(), TestCaseError> {
    let clock = Arc::new(ManualClock::new("2030-01-01T00:00:00Z".parse().unwrap()));
    let backends = backends(&clock);
    let mut reference = Reference::default();
    let mut ids: Vec<Ids> = backends.iter().map(|_| Ids::default()).collect();
    // Two products with stock first, so that holds and movements have something to take.
    let seed = [
        Op::Create {
            sku: 0,
            name: "Alpha".into(),
            cents: 100,
            stock: 6,
        },
        Op::Create {
            sku: 2,
            name: "Beta".into(),
            cents: 250,
            stock: 4,
        },
    ];
    for (step, op) in seed.iter().chain(ops).enumerate() {
        if let Op::Advance { minutes } = op {
            clock.advance(Duration::from_secs(60 * u64::from(*minutes)));
        }
        let expected = reference.apply(op);
        let first = run(&backends[0].1, &mut ids[0], op);
        prop_assert!(
            matches(&expected, &first),
            "step {} {:?}: {} answered {:?}, the reference {:?}",
            step,
            op,
            backends[0].0,
            first,
            expected
        );
        for (i, (name, inv)) in backends.iter().enumerate().skip(1) {
            let got = run(inv, &mut ids[i], op);
            prop_assert_eq!(
                &got,
                &first,
                "step {} {:?}: {} differs from {}",
                step,
                op,
                name,
                backends[0].0
            );
        }
    }
    for (name, inv) in &backends {
        prop_assert!(
            inv.check_ledger().is_ok(),
            "{}: {:?}",
            name,
            inv.check_ledger()
        );
        let all = inv
            .list(&Query {
                limit: Some(1000),
                ..Query::default()
            })
            .unwrap();
        let sum: Decimal = all.items.iter().map(Product::value).sum();
        prop_assert_eq!(inv.total_value().unwrap(), sum, "{}", name);
    }
    Ok(())
}

/// Held stock is not for sale, until the hold expires; a commit sells it.
#[test]
fn a_sale_meets_a_hold_then_its_expiry() {
    let sell = |delta| Op::Adjust {
        target: 0,
        delta,
        location: 0,
        expected: None,
    };
    check_sequence(&[
        Op::Reserve {
            target: 0,
            quantity: 3,
            location: 0,
            minutes: Some(2),
        },
        sell(-5),
        sell(-3),
        Op::Levels { target: 0 },
        Op::Advance { minutes: 2 },
        sell(-3),
        Op::Commit {
            hold: 0,
            quantity: None,
        },
        Op::ExpireHolds,
        Op::Reserve {
            target: 0,
            quantity: 2,
            location: 0,
            minutes: None,
        },
        Op::Commit {
            hold: 1,
            quantity: Some(1),
        },
        Op::Release { hold: 1 },
    ])
    .unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn every_backend_answers_as_the_reference_and_the_ledger_holds(ops in proptest::collection::vec(op(), 1..40)) {
        check_sequence(&ops)?;
    }
}
