//! Replaying the ledger: products are a projection of their events, and this module is the fold.
//!
//! [`Replay`] applies events one by one from nothing, checking that each one follows from what
//! came before (a movement starts where the last one ended, a rename renames what was there, a
//! deleted product moves no more), and [`Replay::check_products`] then compares the result with
//! the stored products. [`Snapshot::validate`](crate::Snapshot::validate) and
//! [`Inventory::check_ledger`](crate::Inventory::check_ledger) are both this fold, so a snapshot
//! is accepted exactly when a store holding it would pass its own check.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Datelike, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::hold::{Hold, HoldStatus};
use crate::idempotency::check_idempotency_key;
use crate::ledger::{Event, EventKind, FieldChange, MAX_NOTE_CHARS, MAX_REASON_CHARS};
use crate::location::{DEFAULT_LOCATION, Location, StockLevel};
use crate::price::validate_price;
use crate::product::{MAX_STOCK, Product, validate_name};
use crate::sku::normalize_sku;

/// The highest sequence number and version a ledger may hold: 2^53 − 1, the largest integer
/// every binding represents exactly (a JavaScript `number`), far beyond any real ledger, and
/// leaving every store room to count on.
pub const MAX_SEQUENCE: u64 = (1 << 53) - 1;

/// What the ledger says about one product so far.
#[derive(Debug)]
struct Projected {
    sku: String,
    stock: u32,
    /// 1 at creation, one more per update and stock movement.
    version: u64,
    created_at: DateTime<Utc>,
    /// The time of the last event that wrote the product.
    updated_at: DateTime<Utc>,
    /// The last name and price an update set (creation events do not carry them).
    name: Option<String>,
    price: Option<String>,
    deleted: bool,
    /// On hand per location code, for every location where the product moved.
    levels: BTreeMap<String, u32>,
    /// The product's active holds (as recorded: one past its time stays until its expiry is).
    active_holds: Vec<Uuid>,
}

/// The first leg of a transfer, waiting for its second.
#[derive(Debug)]
struct OpenTransfer {
    transfer_id: Uuid,
    product_id: Uuid,
    from: String,
    quantity: i64,
}

/// The fold of a ledger, event by event. See the module documentation.
#[derive(Debug, Default)]
pub(crate) struct Replay {
    products: HashMap<Uuid, Projected>,
    last_seq: u64,
    ids: HashSet<Uuid>,
    open_transfer: Option<OpenTransfer>,
    holds: BTreeMap<Uuid, Hold>,
}

/// A timestamp in the form every store keeps: microseconds, between the years 1 and 9999.
pub(crate) fn is_normal_time(t: DateTime<Utc>) -> bool {
    t.timestamp_subsec_nanos() % 1000 == 0 && (1..=9999).contains(&t.year())
}

impl Replay {
    /// Applies the next event. The error names the event by its sequence number and says which
    /// rule it breaks.
    pub(crate) fn apply(&mut self, e: &Event) -> Result<(), String> {
        let bad = |what: String| format!("event {}: {what}", e.seq);
        if e.seq <= self.last_seq {
            return Err(bad(format!("is not after event {}", self.last_seq)));
        }
        if e.seq > MAX_SEQUENCE {
            return Err(bad(format!("sequence number is above {MAX_SEQUENCE}")));
        }
        self.last_seq = e.seq;
        if !is_normal_time(e.at) {
            return Err(bad(
                "time is not in microseconds between the years 1 and 9999".into(),
            ));
        }
        check_texts(e).map_err(bad)?;
        if e.id.is_nil() || !self.ids.insert(e.id) {
            return Err(bad(format!("id {} is nil or not unique", e.id)));
        }
        let movement = e.kind.is_movement();
        if movement != e.delta.is_some() || (movement || e.kind.is_hold()) != e.location.is_some() {
            return Err(bad(format!(
                "a {} event {} a delta and a location",
                e.kind.as_str(),
                if movement { "needs" } else { "has no" }
            )));
        }
        if e.kind.is_hold() != e.hold_id.is_some()
            || e.kind.is_hold() != e.quantity.is_some()
            || (e.expires_at.is_some() && e.kind != EventKind::HoldPlaced)
        {
            return Err(bad(
                "only a hold event has a hold_id and a quantity (and only a placed one an expiry), \
                 and every hold event has them"
                    .into(),
            ));
        }
        if (e.kind == EventKind::Transferred) != e.transfer_id.is_some() {
            return Err(bad(
                "only a transfer has a transfer_id, and every transfer has one".into(),
            ));
        }
        // The second leg of a transfer follows its first at once.
        let second_leg = match self.open_transfer.take() {
            None => false,
            Some(open) => {
                let matches = e.kind == EventKind::Transferred
                    && e.transfer_id == Some(open.transfer_id)
                    && e.product_id == open.product_id
                    && e.delta == Some(open.quantity)
                    && e.location.as_deref() != Some(open.from.as_str());
                if !matches {
                    return Err(bad(format!(
                        "transfer {} has no second leg moving {} into another location",
                        open.transfer_id, open.quantity
                    )));
                }
                true
            }
        };
        if e.kind == EventKind::Transferred && !second_leg {
            match e.delta {
                Some(d) if d < 0 => {
                    self.open_transfer = Some(OpenTransfer {
                        transfer_id: e.transfer_id.unwrap_or_default(),
                        product_id: e.product_id,
                        from: e.location.clone().unwrap_or_default(),
                        quantity: -d,
                    });
                }
                _ => return Err(bad("a transfer's first leg takes stock out".into())),
            }
        }
        if e.kind != EventKind::Updated && !e.changes.is_empty() {
            return Err(bad("only an update lists changed fields".into()));
        }
        if e.kind == EventKind::Created {
            if self.products.contains_key(&e.product_id) {
                return Err(bad(format!(
                    "product {} is created a second time",
                    e.product_id
                )));
            }
            let stock = e
                .delta
                .and_then(|d| u32::try_from(d).ok())
                .filter(|s| *s <= MAX_STOCK);
            let Some(stock) = stock else {
                return Err(bad("initial stock is out of range".into()));
            };
            if e.stock_before != Some(0) || e.stock_after != Some(stock) {
                return Err(bad("initial stock must go from 0 to its delta".into()));
            }
            if e.location.as_deref() != Some(DEFAULT_LOCATION) {
                return Err(bad(format!(
                    "initial stock is at {DEFAULT_LOCATION}, not {:?}",
                    e.location
                )));
            }
            self.products.insert(
                e.product_id,
                Projected {
                    sku: e.sku.clone(),
                    stock,
                    version: 1,
                    created_at: e.at,
                    updated_at: e.at,
                    name: None,
                    price: None,
                    deleted: false,
                    levels: BTreeMap::from([(DEFAULT_LOCATION.to_owned(), stock)]),
                    active_holds: Vec::new(),
                },
            );
            return Ok(());
        }
        let Some(p) = self.products.get_mut(&e.product_id) else {
            return Err(bad(format!("product {} was never created", e.product_id)));
        };
        if p.deleted {
            return Err(bad(format!("product {} was deleted before", e.product_id)));
        }
        if e.sku != p.sku {
            return Err(bad(format!(
                "SKU {:?} is not the product's SKU {:?}",
                e.sku, p.sku
            )));
        }
        if e.kind.is_hold() {
            apply_hold(&mut self.holds, p, e).map_err(bad)?;
            if e.kind != EventKind::HoldCommitted {
                return Ok(());
            }
        }
        match e.kind {
            EventKind::Created => unreachable!("handled above"),
            EventKind::HoldPlaced | EventKind::HoldReleased | EventKind::HoldExpired => {
                unreachable!("handled above")
            }
            EventKind::StockChanged
            | EventKind::Counted
            | EventKind::Transferred
            | EventKind::HoldCommitted => {
                let delta = e.delta.unwrap_or(0);
                if delta == 0 && e.kind != EventKind::Counted {
                    return Err(bad("only a count may move stock by 0".into()));
                }
                let location = e.location.clone().unwrap_or_default();
                let level = p.levels.get(&location).copied().unwrap_or(0);
                let after = i64::from(level).checked_add(delta).filter(|s| *s >= 0);
                let total = i64::from(p.stock)
                    .checked_add(delta)
                    .filter(|s| (0..=i64::from(MAX_STOCK)).contains(s));
                let (Some(after), Some(total)) = (after, total) else {
                    return Err(bad(format!(
                        "{level} + {delta} at {location} leaves the stock range"
                    )));
                };
                if e.stock_before != Some(level) || e.stock_after.map(i64::from) != Some(after) {
                    return Err(bad(format!(
                        "moves {location} {:?} → {:?}, but it held {level} and {delta} makes {after}",
                        e.stock_before, e.stock_after
                    )));
                }
                p.levels.insert(location, after as u32);
                p.stock = total as u32;
                if !second_leg {
                    p.version += 1;
                }
                p.updated_at = e.at;
            }
            EventKind::Updated => {
                if e.changes.is_empty() || e.stock_before.is_some() || e.stock_after.is_some() {
                    return Err(bad("an update lists its changes and moves no stock".into()));
                }
                let mut seen = Vec::new();
                for c in &e.changes {
                    if seen.contains(&c.field.as_str()) || c.before == c.after {
                        return Err(bad(format!(
                            "field {:?} is listed twice or did not change",
                            c.field
                        )));
                    }
                    seen.push(c.field.as_str());
                    let known = match c.field.as_str() {
                        "name" => {
                            normal(c, |t| validate_name(t).ok()).map_err(bad)?;
                            &mut p.name
                        }
                        "price" => {
                            normal(c, |t| {
                                let price = t.parse::<Decimal>().ok()?;
                                Some(validate_price(price).ok()?.to_string())
                            })
                            .map_err(bad)?;
                            &mut p.price
                        }
                        "sku" => {
                            normal(c, |t| normalize_sku(t).ok()).map_err(bad)?;
                            if c.before != p.sku {
                                return Err(bad(format!(
                                    "renames SKU {:?}, but it was {:?}",
                                    c.before, p.sku
                                )));
                            }
                            p.sku = c.after.clone();
                            continue;
                        }
                        other => return Err(bad(format!("field {other:?} cannot be updated"))),
                    };
                    if known.as_ref().is_some_and(|k| *k != c.before) {
                        return Err(bad(format!(
                            "changes {} from {:?}, but it was {:?}",
                            c.field, c.before, known
                        )));
                    }
                    *known = Some(c.after.clone());
                }
                p.version += 1;
                p.updated_at = e.at;
            }
            EventKind::Deleted => {
                if !p.active_holds.is_empty() {
                    return Err(bad(format!(
                        "deletes a product with {} active holds",
                        p.active_holds.len()
                    )));
                }
                if e.stock_before != Some(p.stock) || e.stock_after.is_some() {
                    return Err(bad(format!(
                        "deletes with stock {:?}, but stock was {}",
                        e.stock_before, p.stock
                    )));
                }
                p.deleted = true;
                p.levels.clear();
            }
        }
        if p.version > MAX_SEQUENCE {
            return Err(bad(format!("version is above {MAX_SEQUENCE}")));
        }
        Ok(())
    }

    /// Checks that the stored levels are what the events project: every level that holds stock
    /// is stored with that quantity at an existing location, and no stored level holds stock
    /// the ledger did not put there. Reorder points are not in the ledger and are not compared.
    pub(crate) fn check_levels<'a>(
        &self,
        levels: impl IntoIterator<Item = &'a StockLevel>,
        locations: &[Location],
    ) -> Result<(), String> {
        if let Some(open) = &self.open_transfer {
            return Err(format!("transfer {} has only one leg", open.transfer_id));
        }
        let known: HashSet<&str> = locations.iter().map(|l| l.code.as_str()).collect();
        let mut stored: HashMap<(Uuid, &str), u32> = HashMap::new();
        for l in levels {
            let bad = |what: String| format!("level of {} at {}: {what}", l.product_id, l.location);
            if !known.contains(l.location.as_str()) {
                return Err(bad("the location does not exist".into()));
            }
            let Some(p) = self.products.get(&l.product_id).filter(|p| !p.deleted) else {
                return Err(bad("the product does not exist".into()));
            };
            let projected = p.levels.get(&l.location).copied().unwrap_or(0);
            if projected != l.on_hand {
                return Err(bad(format!(
                    "{} on hand differs from the sum of its movements ({projected})",
                    l.on_hand
                )));
            }
            let reserved = self.reserved(p, &l.location);
            if reserved != l.reserved {
                return Err(bad(format!(
                    "{} reserved differs from the sum of its active holds ({reserved})",
                    l.reserved
                )));
            }
            if stored
                .insert((l.product_id, l.location.as_str()), l.on_hand)
                .is_some()
            {
                return Err(bad("is stored twice".into()));
            }
        }
        for (id, p) in self.products.iter().filter(|(_, p)| !p.deleted) {
            for h in p.active_holds.iter().filter_map(|h| self.holds.get(h)) {
                if !stored.contains_key(&(*id, h.location.as_str())) {
                    return Err(format!(
                        "level of {id} at {}: hold {} is active there, but no level is stored",
                        h.location, h.id
                    ));
                }
            }
            for (location, on_hand) in p.levels.iter().filter(|(_, n)| **n > 0) {
                if !stored.contains_key(&(*id, location.as_str())) {
                    return Err(format!(
                        "level of {id} at {location}: the ledger puts {on_hand} there, but no \
                         level is stored"
                    ));
                }
            }
        }
        Ok(())
    }

    /// Σ quantity of a product's active holds (as recorded) at a location.
    fn reserved(&self, p: &Projected, location: &str) -> u32 {
        p.active_holds
            .iter()
            .filter_map(|id| self.holds.get(id))
            .filter(|h| h.location == location)
            .map(|h| h.quantity)
            .fold(0, u32::saturating_add)
    }

    /// Checks that the stored holds are exactly those the events project, each as its events
    /// left it.
    pub(crate) fn check_holds<'a>(
        &self,
        holds: impl IntoIterator<Item = &'a Hold>,
    ) -> Result<(), String> {
        let mut seen = 0;
        for h in holds {
            seen += 1;
            match self.holds.get(&h.id) {
                None => return Err(format!("hold {}: no event placed it", h.id)),
                Some(projected) if projected != h => {
                    return Err(format!(
                        "hold {}: stored as {h:?}, but its events make {projected:?}",
                        h.id
                    ));
                }
                Some(_) => {}
            }
        }
        if seen != self.holds.len() {
            return Err(format!(
                "{} holds were placed, but {seen} are stored",
                self.holds.len()
            ));
        }
        Ok(())
    }

    /// Checks that the products are exactly what the events applied so far project: the same
    /// set (every product created and not deleted, and nothing else), and for each its SKU,
    /// stock, version, times, and the last name and price the ledger set.
    pub(crate) fn check_products<'a>(
        &self,
        products: impl IntoIterator<Item = &'a Product>,
    ) -> Result<(), String> {
        let mut present = 0;
        for p in products {
            let bad = |what: String| format!("product {}: {what}", p.id);
            let Some(r) = self.products.get(&p.id).filter(|r| !r.deleted) else {
                return Err(bad("has no created event, or was deleted".into()));
            };
            present += 1;
            if p.stock != r.stock {
                return Err(bad(format!(
                    "stock {} differs from the sum of its movements ({})",
                    p.stock, r.stock
                )));
            }
            let price = p.price.to_string();
            let checks = [
                (p.sku == r.sku, "SKU"),
                (p.version == r.version, "version"),
                (p.created_at == r.created_at, "created_at"),
                (p.updated_at == r.updated_at, "updated_at"),
                (r.name.as_ref().is_none_or(|n| *n == p.name), "name"),
                (r.price.as_ref().is_none_or(|n| *n == price), "price"),
            ];
            if let Some((_, field)) = checks.iter().find(|(ok, _)| !ok) {
                return Err(bad(format!(
                    "{field} differs from what its events add up to"
                )));
            }
        }
        let live = self.products.values().filter(|r| !r.deleted).count();
        if present != live {
            return Err(format!(
                "{live} products were created and not deleted, but {present} are present"
            ));
        }
        Ok(())
    }
}

/// Applies a hold event to the holds and to its product's active holds: a hold is placed once,
/// never for more than was available (on hand less the holds live at that time), and resolves
/// at most once, a commit for at most what it held, while it was live; an expiry only after
/// its time.
fn apply_hold(
    holds: &mut BTreeMap<Uuid, Hold>,
    p: &mut Projected,
    e: &Event,
) -> Result<(), String> {
    let (Some(id), Some(quantity), Some(location)) = (e.hold_id, e.quantity, e.location.clone())
    else {
        return Err("a hold event without its hold".into());
    };
    if e.kind == EventKind::HoldPlaced {
        if holds.contains_key(&id) {
            return Err(format!("hold {id} is placed a second time"));
        }
        if quantity == 0 || quantity > MAX_STOCK {
            return Err(format!("hold {id} holds {quantity}"));
        }
        if e.expires_at
            .is_some_and(|t| t <= e.at || !is_normal_time(t))
        {
            return Err(format!("hold {id} expires before it is placed"));
        }
        let live: u32 = p
            .active_holds
            .iter()
            .filter_map(|h| holds.get(h))
            .filter(|h| h.location == location && h.is_live(e.at))
            .map(|h| h.quantity)
            .fold(0, u32::saturating_add);
        let on_hand = p.levels.get(&location).copied().unwrap_or(0);
        if u64::from(live) + u64::from(quantity) > u64::from(on_hand) {
            return Err(format!(
                "hold {id} takes {quantity} at {location}, where {on_hand} are on hand and {live} held"
            ));
        }
        holds.insert(
            id,
            Hold {
                id,
                product_id: e.product_id,
                location,
                quantity,
                status: HoldStatus::Active,
                committed: 0,
                expires_at: e.expires_at,
                reference: e.reference.clone(),
                actor: e.actor.clone(),
                created_at: e.at,
                closed_at: None,
            },
        );
        p.active_holds.push(id);
        return Ok(());
    }
    let Some(hold) = holds.get_mut(&id) else {
        return Err(format!("hold {id} was never placed"));
    };
    if hold.status != HoldStatus::Active
        || hold.product_id != e.product_id
        || hold.location != location
        || hold.quantity != quantity
    {
        return Err(format!(
            "{} names hold {id}, which is not an active hold of {quantity} of this product at {location}",
            e.kind.as_str()
        ));
    }
    let live = hold.is_live(e.at);
    match e.kind {
        EventKind::HoldCommitted => {
            let sold = e.delta.and_then(|d| u32::try_from(-d).ok()).unwrap_or(0);
            if !live || sold == 0 || sold > quantity {
                return Err(format!(
                    "commits {sold} of hold {id}, which holds {quantity} and is live: {live}"
                ));
            }
            hold.status = HoldStatus::Committed;
            hold.committed = sold;
            hold.closed_at = Some(e.at);
        }
        EventKind::HoldReleased if live => {
            hold.status = HoldStatus::Released;
            hold.closed_at = Some(e.at);
        }
        EventKind::HoldExpired if !live => {
            hold.status = HoldStatus::Expired;
            hold.closed_at = hold.expires_at;
        }
        _ => {
            return Err(format!(
                "{} for hold {id}, which is live: {live}",
                e.kind.as_str()
            ));
        }
    }
    p.active_holds.retain(|h| *h != id);
    Ok(())
}

/// `Ok` when both sides of a change are already what `rule` makes of them.
fn normal(
    c: &FieldChange,
    rule: impl Fn(&str) -> Option<String>,
) -> std::result::Result<(), String> {
    for text in [&c.before, &c.after] {
        if rule(text).as_deref() != Some(text.as_str()) {
            return Err(format!(
                "{}: {text:?} is not a valid value in normal form",
                c.field
            ));
        }
    }
    Ok(())
}

/// The texts of an event keep the rules their inputs had: a normalised SKU, short reason,
/// reference and actor, and no control characters (a store may refuse them).
fn check_texts(e: &Event) -> std::result::Result<(), String> {
    let clean = |text: &str, max: usize| {
        text.chars().count() <= max && !text.is_empty() && !text.chars().any(char::is_control)
    };
    if normalize_sku(&e.sku).ok().as_deref() != Some(e.sku.as_str()) {
        return Err(format!("SKU {:?} is not in normal form", e.sku));
    }
    if let Some(key) = &e.idempotency_key {
        check_idempotency_key(key).map_err(|err| err.to_string())?;
    }
    if let Some(location) = &e.location
        && normalize_sku(location).ok().as_deref() != Some(location.as_str())
    {
        return Err(format!("location {location:?} is not in normal form"));
    }
    let notes = [
        (e.reason.as_deref(), MAX_REASON_CHARS, "reason"),
        (e.reference.as_deref(), MAX_NOTE_CHARS, "reference"),
        (e.actor.as_deref(), MAX_NOTE_CHARS, "actor"),
    ];
    for (text, max, field) in notes {
        if text.is_some_and(|t| !clean(t, max)) {
            return Err(format!(
                "{field} is blank, too long or holds control characters"
            ));
        }
    }
    Ok(())
}
