//! Holds: stock reserved for a cart or an order at a location, until it is committed (sold),
//! released, or expires. A hold resolves exactly once. The level keeps the sum of its active
//! holds (`reserved`), so a movement that has no holds to consider reads nothing more; a hold
//! past its `expires_at` stops counting at that instant, whether or not its expiry has been
//! recorded yet ([`Inventory::expire_holds`](crate::Inventory::expire_holds)).

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{InventoryError, Result};
use crate::ledger::{CheckedChange, Event, EventKind, StockChange};
use crate::location::{StockLevel, location_or_default};
use crate::movement::{self, level, product};
use crate::product::Product;
use crate::transaction::{Tx, event};

/// The longest a hold may last: about ten years.
pub const MAX_HOLD_DURATION: Duration = Duration::from_secs(10 * 366 * 24 * 3600);

/// Where a hold is in its life. Only an active hold reserves stock.
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HoldStatus {
    /// Reserving its quantity.
    Active,
    /// Sold: all or part of it left the stock; the rest went back.
    Committed,
    /// Given back.
    Released,
    /// Its `expires_at` passed before it was committed or released.
    Expired,
}

impl HoldStatus {
    /// `active`, `committed`, `released`, `expired`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Committed => "committed",
            Self::Released => "released",
            Self::Expired => "expired",
        }
    }

    /// The status named by [`HoldStatus::as_str`] (any case, trimmed); errors name `field`.
    pub fn parse(text: &str, field: &str) -> Result<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "active" => Ok(Self::Active),
            "committed" => Ok(Self::Committed),
            "released" => Ok(Self::Released),
            "expired" => Ok(Self::Expired),
            _ => Err(InventoryError::validation(
                field,
                "must be active, committed, released or expired",
            )),
        }
    }
}

impl std::fmt::Display for HoldStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Stock reserved for someone: `quantity` of a product at a location.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hold {
    /// A time-ordered UUID (v7), set by the library.
    pub id: Uuid,
    pub product_id: Uuid,
    /// The location's code.
    pub location: String,
    /// 1 to [`MAX_STOCK`](crate::MAX_STOCK) units.
    pub quantity: u32,
    /// As read: an active hold past its `expires_at` reads as `Expired`.
    pub status: HoldStatus,
    /// How many units the commit took (0 unless committed).
    pub committed: u32,
    pub expires_at: Option<DateTime<Utc>>,
    /// The cart or order the hold is for.
    pub reference: Option<String>,
    pub actor: Option<String>,
    pub created_at: DateTime<Utc>,
    /// When it was committed, released or expired (an expiry not yet recorded: `expires_at`).
    pub closed_at: Option<DateTime<Utc>>,
}

impl Hold {
    /// Whether the hold reserves stock at `now`: active and not past its time.
    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        self.status == HoldStatus::Active && self.expires_at.is_none_or(|t| now < t)
    }

    /// The hold as seen at `now`: an active hold past its time is `Expired`, closed at its
    /// `expires_at`.
    pub(crate) fn seen_at(mut self, now: DateTime<Utc>) -> Self {
        if self.status == HoldStatus::Active && !self.is_live(now) {
            self.status = HoldStatus::Expired;
            self.closed_at = self.expires_at;
        }
        self
    }
}

/// A request to hold stock ([`Inventory::reserve`](crate::Inventory::reserve)).
///
/// ```
/// use std::time::Duration;
/// use inventory_core::NewHold;
/// let h = NewHold::new(uuid::Uuid::nil(), 2).at("wh-1").expires_in(Duration::from_secs(900)).reference("cart-1");
/// assert_eq!((h.quantity, h.location.as_deref()), (2, Some("wh-1")));
/// ```
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NewHold {
    pub product_id: Uuid,
    /// At least 1.
    pub quantity: u32,
    /// The location's code; `None` for the default location.
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub location: Option<String>,
    /// The hold expires this long after it is placed (at most [`MAX_HOLD_DURATION`]). Give
    /// this or `expires_at`, not both; neither for a hold that lasts until it is resolved.
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub expires_in: Option<Duration>,
    /// The hold expires at this instant, which must be in the future.
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub expires_at: Option<DateTime<Utc>>,
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub reference: Option<String>,
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub actor: Option<String>,
}

impl NewHold {
    pub fn new(product_id: Uuid, quantity: u32) -> Self {
        Self {
            product_id,
            quantity,
            ..Self::default()
        }
    }
    /// Holds at this location (its code) rather than the default one.
    pub fn at(mut self, location: impl Into<String>) -> Self {
        self.location = Some(location.into());
        self
    }
    pub fn expires_in(mut self, after: Duration) -> Self {
        self.expires_in = Some(after);
        self
    }
    pub fn expires_at(mut self, at: DateTime<Utc>) -> Self {
        self.expires_at = Some(at);
        self
    }
    pub fn reference(mut self, reference: impl Into<String>) -> Self {
        self.reference = Some(reference.into());
        self
    }
    pub fn actor(mut self, actor: impl Into<String>) -> Self {
        self.actor = Some(actor.into());
        self
    }

    /// The request with its inputs checked (everything that needs no stored data); its JSON is
    /// the request's fingerprint, so a retry with a relative expiry is the same request.
    pub(crate) fn check(self) -> Result<CheckedHold> {
        let quantity = check_quantity(i64::from(self.quantity), "quantity")?;
        if self.expires_in.is_some() && self.expires_at.is_some() {
            return Err(InventoryError::validation(
                "expires_in",
                "give expires_in or expires_at, not both",
            ));
        }
        if let Some(after) = self.expires_in
            && (after.is_zero() || after > MAX_HOLD_DURATION)
        {
            return Err(InventoryError::validation(
                "expires_in",
                "must be more than 0 and at most 3660 days",
            ));
        }
        let texts = StockChange {
            reason: "hold".into(),
            reference: self.reference,
            actor: self.actor,
            ..StockChange::default()
        }
        .check()?;
        Ok(CheckedHold {
            product_id: self.product_id,
            quantity,
            location: location_or_default(self.location.as_deref(), "location")?,
            expires_in_micros: self
                .expires_in
                .map(|d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX)),
            expires_at: self.expires_at.map(crate::clock::truncate),
            reference: texts.reference,
            actor: texts.actor,
        })
    }
}

/// A hold's quantity (or a commit's) from a signed integer: 1 to the stock maximum.
pub(crate) fn check_quantity(value: i64, field: &str) -> Result<u32> {
    if value < 1 {
        return Err(InventoryError::validation(field, "must be at least 1"));
    }
    crate::input::stock_from_i64(field, value)
}

/// A [`NewHold`] whose inputs passed their rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct CheckedHold {
    product_id: Uuid,
    quantity: u32,
    location: String,
    expires_in_micros: Option<i64>,
    expires_at: Option<DateTime<Utc>>,
    reference: Option<String>,
    actor: Option<String>,
}

/// Σ quantity of the holds of `holds` at `location` live at `now`.
fn live_at(holds: &[Hold], location: &str, now: DateTime<Utc>) -> u32 {
    holds
        .iter()
        .filter(|h| h.location == location && h.is_live(now))
        .map(|h| h.quantity)
        .fold(0u32, u32::saturating_add)
}

/// The units of a product's live holds at a level, as seen at `now`, and the product's active
/// holds when there are any (read only when the level says some are stored).
fn live_reserved(
    tx: &mut Tx<'_>,
    level: &StockLevel,
    now: DateTime<Utc>,
) -> Result<(u32, Vec<Hold>)> {
    if level.reserved == 0 {
        return Ok((0, Vec::new()));
    }
    let holds: Vec<Hold> = tx
        .store
        .active_holds(level.product_id)?
        .into_iter()
        .filter(|h| h.location == level.location)
        .collect();
    Ok((live_at(&holds, &level.location, now), holds))
}

/// The level as read now: `reserved` its live holds, `available` and `short` following.
pub(crate) fn live_level(tx: &mut Tx<'_>, level: &StockLevel) -> Result<StockLevel> {
    let now = tx.now();
    let (reserved, _) = live_reserved(tx, level, now)?;
    Ok(level.clone().with_reserved(reserved))
}

/// What a level can still give: on hand less its live holds (at least 0).
pub(crate) fn available(tx: &mut Tx<'_>, level: &StockLevel) -> Result<u32> {
    Ok(live_level(tx, level)?.available)
}

impl CheckedHold {
    /// Places the hold in `tx`: fails with `InsufficientStock` (field `quantity`) unless the
    /// level has that much available. Holds at the level past their time are recorded as
    /// expired first.
    pub(crate) fn place(&self, tx: &mut Tx<'_>) -> Result<Hold> {
        let now = tx.now();
        let expires_at = match (self.expires_at, self.expires_in_micros) {
            (Some(at), _) if at <= now => {
                return Err(InventoryError::validation(
                    "expires_at",
                    format!("must be in the future (it is now {})", now.to_rfc3339()),
                ));
            }
            (Some(at), _) => Some(at),
            (None, Some(micros)) => Some(
                DateTime::from_timestamp_micros(now.timestamp_micros().saturating_add(micros))
                    .ok_or_else(|| InventoryError::validation("expires_in", "is too far ahead"))?,
            ),
            (None, None) => None,
        };
        let p = product(tx, self.product_id)?;
        let mut level = level(tx, p.id, &self.location)?;
        let (reserved, holds) = live_reserved(tx, &level, now)?;
        for due in holds.into_iter().filter(|h| !h.is_live(now)) {
            close(tx, &p, &mut level, due, HoldStatus::Expired, None)?;
        }
        let available = level.on_hand.saturating_sub(reserved);
        if self.quantity > available {
            return Err(InventoryError::InsufficientStock {
                field: "quantity".into(),
                available,
                requested: self.quantity.into(),
            });
        }
        level.reserved += self.quantity;
        tx.store.put_level(&level)?;
        let hold = Hold {
            id: tx.new_id(),
            product_id: p.id,
            location: self.location.clone(),
            quantity: self.quantity,
            status: HoldStatus::Active,
            committed: 0,
            expires_at,
            reference: self.reference.clone(),
            actor: self.actor.clone(),
            created_at: now,
            closed_at: None,
        };
        tx.store.put_hold(&hold)?;
        let mut e = hold_event(&p, &hold, EventKind::HoldPlaced, now);
        e.reference = hold.reference.clone();
        e.actor = hold.actor.clone();
        e.expires_at = hold.expires_at;
        tx.append(&mut e)?;
        Ok(hold)
    }
}

/// An event about a hold of `p`, at `at`.
fn hold_event(p: &Product, hold: &Hold, kind: EventKind, at: DateTime<Utc>) -> Event {
    Event {
        at,
        location: Some(hold.location.clone()),
        hold_id: Some(hold.id),
        quantity: Some(hold.quantity),
        ..event(p, kind)
    }
}

/// Closes an active hold of `p` without moving stock (released or expired): the level's
/// reserved units go down, the hold's row and an event record it.
fn close(
    tx: &mut Tx<'_>,
    p: &Product,
    level: &mut StockLevel,
    mut hold: Hold,
    status: HoldStatus,
    actor: Option<String>,
) -> Result<Hold> {
    let now = tx.now();
    let at = match status {
        HoldStatus::Expired => hold.expires_at.unwrap_or(now).min(now),
        _ => now,
    };
    level.reserved = level.reserved.saturating_sub(hold.quantity);
    tx.store.put_level(level)?;
    hold.status = status;
    hold.closed_at = Some(at);
    tx.store.put_hold(&hold)?;
    let kind = match status {
        HoldStatus::Expired => EventKind::HoldExpired,
        _ => EventKind::HoldReleased,
    };
    let mut e = hold_event(p, &hold, kind, now);
    e.actor = actor;
    tx.append(&mut e)?;
    Ok(hold)
}

/// The hold with this id, its product locked, still active at `now`; `HoldClosed` or
/// `HoldExpired` otherwise.
fn open_hold(tx: &mut Tx<'_>, id: Uuid) -> Result<(Hold, Product, StockLevel)> {
    let first = tx
        .store
        .hold(id)?
        .ok_or_else(|| InventoryError::not_found_hold(id))?;
    let closed = |h: &Hold| InventoryError::HoldClosed {
        hold_id: h.id,
        status: h.status.as_str().into(),
    };
    if first.status != HoldStatus::Active {
        return Err(closed(&first));
    }
    // Every write to a hold holds its product's lock: read it again under that lock.
    let p = product(tx, first.product_id)?;
    let hold = tx
        .store
        .hold(id)?
        .ok_or_else(|| InventoryError::not_found_hold(id))?;
    if hold.status != HoldStatus::Active {
        return Err(closed(&hold));
    }
    if !hold.is_live(tx.now()) {
        return Err(InventoryError::HoldExpired {
            hold_id: hold.id,
            expires_at: hold.expires_at.unwrap_or_default(),
        });
    }
    let level = level(tx, p.id, &hold.location)?;
    Ok((hold, p, level))
}

/// Commits `quantity` of a hold (all of it when `None`) as a movement out of its level, and
/// releases the rest.
pub(crate) fn commit(
    tx: &mut Tx<'_>,
    id: Uuid,
    quantity: Option<u32>,
    change: &CheckedChange,
) -> Result<Product> {
    let (mut hold, p, mut level) = open_hold(tx, id)?;
    let quantity = quantity.unwrap_or(hold.quantity);
    if quantity > hold.quantity {
        return Err(InventoryError::validation(
            "quantity",
            format!("must be at most the {} held", hold.quantity),
        ));
    }
    if quantity > level.on_hand {
        return Err(InventoryError::InsufficientStock {
            field: "quantity".into(),
            available: level.on_hand,
            requested: quantity.into(),
        });
    }
    level.reserved = level.reserved.saturating_sub(hold.quantity);
    let p = movement::move_by(
        tx,
        p,
        level,
        -i64::from(quantity),
        EventKind::HoldCommitted,
        change,
        Some(&hold),
    )?;
    hold.status = HoldStatus::Committed;
    hold.committed = quantity;
    hold.closed_at = Some(p.updated_at); // the commit event's time
    tx.store.put_hold(&hold)?;
    Ok(p)
}

/// Releases a hold: its units are available again.
pub(crate) fn release(tx: &mut Tx<'_>, id: Uuid, actor: Option<String>) -> Result<Hold> {
    let (hold, p, mut level) = open_hold(tx, id)?;
    close(tx, &p, &mut level, hold, HoldStatus::Released, actor)
}

/// Records the expiry of up to `limit` holds past their time; returns how many.
pub(crate) fn expire(tx: &mut Tx<'_>, limit: u32) -> Result<u32> {
    let now = tx.now();
    let mut expired = 0;
    for due in tx.store.due_holds(now, limit)? {
        let p = product(tx, due.product_id)?;
        // Read again under the product's lock: another writer may have closed it.
        let Some(hold) = tx.store.hold(due.id)? else {
            continue;
        };
        if hold.status != HoldStatus::Active || hold.is_live(now) {
            continue;
        }
        let mut level = level(tx, p.id, &hold.location)?;
        close(tx, &p, &mut level, hold, HoldStatus::Expired, None)?;
        expired += 1;
    }
    Ok(expired)
}

/// Closes every active hold of a product about to be deleted: released, or expired if past
/// their time.
pub(crate) fn close_all(tx: &mut Tx<'_>, p: &Product) -> Result<()> {
    let now = tx.now();
    for hold in tx.store.active_holds(p.id)? {
        let mut level = level(tx, p.id, &hold.location)?;
        let status = if hold.is_live(now) {
            HoldStatus::Released
        } else {
            HoldStatus::Expired
        };
        close(tx, p, &mut level, hold, status, None)?;
    }
    Ok(())
}

/// Levels as read at `now`: `reserved` counts only live holds (`holds`: the product's active
/// holds), and `available` and `short` follow from it.
pub(crate) fn levels_at(
    levels: Vec<StockLevel>,
    holds: &[Hold],
    now: DateTime<Utc>,
) -> Vec<StockLevel> {
    levels
        .into_iter()
        .map(|l| {
            // A level that stores no active hold has none live: nothing to add up.
            let reserved = if l.reserved == 0 {
                0
            } else {
                live_at(holds, &l.location, now)
            };
            l.with_reserved(reserved)
        })
        .collect()
}
