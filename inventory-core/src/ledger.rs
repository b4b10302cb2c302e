//! The ledger: an append-only list of every change, written in the same transaction as the
//! change itself. Invariant: for every product and location, the level on hand equals the sum
//! of the `delta`s of its movements there (creation with initial stock counts as a movement),
//! and the product's `stock` is the sum of its levels.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{InventoryError, Result};
use crate::text::python_strip;

/// What kind of change an [`Event`] records.
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// The product was created; `delta` is its initial stock.
    Created,
    /// Name, SKU or price changed; `changes` says which, from what, to what.
    Updated,
    /// Stock moved; `delta`, `reason`, `stock_before`, `stock_after` say how and why.
    StockChanged,
    /// The product was deleted; its events stay.
    Deleted,
    /// A physical count: `stock_after` is the quantity counted, `delta` what it implies against
    /// `stock_before` (the level this store had when the count was recorded).
    Counted,
    /// One leg of a transfer: the source's negative `delta` or the destination's positive one,
    /// written together and sharing a `transfer_id`.
    Transferred,
    /// A hold was placed: `hold_id`, `location`, `quantity` (reserved), `expires_at`,
    /// `reference` and `actor` are the hold's. Moves no stock.
    HoldPlaced,
    /// A hold was committed: a movement (`delta` the units sold, `stock_before`/`stock_after`
    /// the level) of the hold `hold_id` whose `quantity` was held; the rest went back.
    HoldCommitted,
    /// A hold was released: its `quantity` is available again.
    HoldReleased,
    /// A hold's expiry was recorded ([`Inventory::expire_holds`](crate::Inventory::expire_holds)):
    /// it stopped reserving its `quantity` at its `expires_at`.
    HoldExpired,
}

impl EventKind {
    /// The kind as stored and shown: `created`, `updated`, `stock_changed`, `deleted`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Updated => "updated",
            Self::StockChanged => "stock_changed",
            Self::Deleted => "deleted",
            Self::Counted => "counted",
            Self::Transferred => "transferred",
            Self::HoldPlaced => "hold_placed",
            Self::HoldCommitted => "hold_committed",
            Self::HoldReleased => "hold_released",
            Self::HoldExpired => "hold_expired",
        }
    }

    /// Whether events of this kind move stock at a location (and so carry a location and a
    /// delta).
    pub fn is_movement(self) -> bool {
        matches!(
            self,
            Self::Created
                | Self::StockChanged
                | Self::Counted
                | Self::Transferred
                | Self::HoldCommitted
        )
    }

    /// Whether events of this kind are about a hold (and so carry a `hold_id`, a location
    /// and the hold's quantity).
    pub fn is_hold(self) -> bool {
        matches!(
            self,
            Self::HoldPlaced | Self::HoldCommitted | Self::HoldReleased | Self::HoldExpired
        )
    }

    /// Every kind, in the order they were added.
    pub const ALL: [Self; 10] = [
        Self::Created,
        Self::Updated,
        Self::StockChanged,
        Self::Deleted,
        Self::Counted,
        Self::Transferred,
        Self::HoldPlaced,
        Self::HoldCommitted,
        Self::HoldReleased,
        Self::HoldExpired,
    ];

    /// The inverse of [`EventKind::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "created" => Self::Created,
            "updated" => Self::Updated,
            "stock_changed" => Self::StockChanged,
            "deleted" => Self::Deleted,
            "counted" => Self::Counted,
            "transferred" => Self::Transferred,
            "hold_placed" => Self::HoldPlaced,
            "hold_committed" => Self::HoldCommitted,
            "hold_released" => Self::HoldReleased,
            "hold_expired" => Self::HoldExpired,
            _ => return None,
        })
    }
}

/// One field of an update: its name and its value before and after, as text (prices as
/// `"12.50"`).
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub before: String,
    pub after: String,
}

/// One entry of the ledger.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Strictly increasing across the whole ledger; follow changes with
    /// [`Inventory::events_since`](crate::Inventory::events_since).
    pub seq: u64,
    /// Globally unique (a time-ordered UUID v7), so the event keeps its identity when it leaves
    /// this store.
    #[serde(default)]
    pub id: Uuid,
    /// The store that wrote the event (its replica id; nil for events from before replicas).
    #[serde(default)]
    pub replica: Uuid,
    pub at: DateTime<Utc>,
    pub product_id: Uuid,
    pub kind: EventKind,
    /// The product's SKU when the event happened.
    pub sku: String,
    /// Where stock moved (the location's code), for the kinds that move stock.
    #[serde(default)]
    pub location: Option<String>,
    /// The stock movement at `location` (`Created`: the initial stock).
    pub delta: Option<i64>,
    /// The level at `location` before and after a movement (`Deleted`: the product's stock).
    pub stock_before: Option<u32>,
    pub stock_after: Option<u32>,
    /// Why stock moved: `initial`, `sale`, `restock`, `return`, `correction`, `damage` or a
    /// caller's own word.
    pub reason: Option<String>,
    /// An order or document id the movement belongs to.
    pub reference: Option<String>,
    /// Who made the change.
    pub actor: Option<String>,
    /// For `Transferred`: the id both legs of the transfer share.
    #[serde(default)]
    pub transfer_id: Option<Uuid>,
    /// For the hold kinds: the hold.
    #[serde(default)]
    pub hold_id: Option<Uuid>,
    /// For the hold kinds: the hold's quantity.
    #[serde(default)]
    pub quantity: Option<u32>,
    /// For `HoldPlaced`: when the hold expires (`None`: it does not).
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
    /// The idempotency key of the request that wrote the event.
    #[serde(default)]
    pub idempotency_key: Option<String>,
    /// For `Updated`: what changed.
    #[serde(default)]
    pub changes: Vec<FieldChange>,
}

/// Common reasons for a stock movement. Any other short word is accepted too.
pub mod reason {
    /// Recorded for the initial stock of a new product.
    pub const INITIAL: &str = "initial";
    pub const SALE: &str = "sale";
    pub const RESTOCK: &str = "restock";
    pub const RETURN: &str = "return";
    pub const CORRECTION: &str = "correction";
    pub const DAMAGE: &str = "damage";
    /// Recorded for a physical count.
    pub const COUNT: &str = "count";
    /// Recorded for both legs of a transfer.
    pub const TRANSFER: &str = "transfer";
}

/// The longest reason, in characters.
pub const MAX_REASON_CHARS: usize = 50;
/// The longest reference or actor, in characters.
pub const MAX_NOTE_CHARS: usize = 200;

/// Why and by whom stock moves, where (a location's code; the default location when `None`),
/// and optionally what the caller believes the level there is now (compare-and-swap: a count
/// taken on a phone may be stale).
///
/// A plain `&str` converts into one with just the reason.
///
/// ```
/// use inventory_core::StockChange;
/// let c = StockChange::new("sale").reference("order-42").actor("till-3").at("wh-1").expect_stock(10);
/// assert_eq!((c.reason.as_str(), c.location.as_deref()), ("sale", Some("wh-1")));
/// let d: StockChange = "restock".into();
/// assert_eq!(d.expected, None);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockChange {
    pub reason: String,
    pub reference: Option<String>,
    pub actor: Option<String>,
    /// The location's code; `None` for the default location.
    #[serde(default)]
    pub location: Option<String>,
    /// When set, the change fails with [`InventoryError::VersionConflict`] (field `stock`)
    /// unless the level at the location is still this.
    pub expected: Option<u32>,
}

impl StockChange {
    pub fn new(reason: impl Into<String>) -> Self {
        Self {
            reason: reason.into(),
            ..Self::default()
        }
    }
    pub fn reference(mut self, reference: impl Into<String>) -> Self {
        self.reference = Some(reference.into());
        self
    }
    pub fn actor(mut self, actor: impl Into<String>) -> Self {
        self.actor = Some(actor.into());
        self
    }
    /// Moves stock at this location (its code) rather than the default one.
    pub fn at(mut self, location: impl Into<String>) -> Self {
        self.location = Some(location.into());
        self
    }
    pub fn expect_stock(mut self, expected: u32) -> Self {
        self.expected = Some(expected);
        self
    }
}

impl From<&str> for StockChange {
    fn from(reason: &str) -> Self {
        Self::new(reason)
    }
}

impl From<String> for StockChange {
    fn from(reason: String) -> Self {
        Self::new(reason)
    }
}

/// A [`StockChange`] whose texts passed their rules, its location normalised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct CheckedChange {
    pub reason: String,
    pub reference: Option<String>,
    pub actor: Option<String>,
    pub location: String,
    pub expected: Option<u32>,
}

impl StockChange {
    pub(crate) fn check(self) -> Result<CheckedChange> {
        let reason = short_text("reason", &self.reason, MAX_REASON_CHARS)?
            .ok_or_else(|| InventoryError::validation("reason", "must not be blank"))?;
        // The well-known reasons are stored in one spelling; a caller's own word is kept as is.
        let known = [
            reason::SALE,
            reason::RESTOCK,
            reason::RETURN,
            reason::CORRECTION,
            reason::DAMAGE,
            reason::COUNT,
            reason::TRANSFER,
        ];
        let lower = reason.to_lowercase();
        let reason = if known.contains(&lower.as_str()) {
            lower
        } else {
            reason
        };
        Ok(CheckedChange {
            reason,
            reference: optional_text("reference", self.reference.as_deref())?,
            actor: optional_text("actor", self.actor.as_deref())?,
            location: crate::location::location_or_default(self.location.as_deref(), "location")?,
            expected: self.expected,
        })
    }
}

fn optional_text(field: &str, raw: Option<&str>) -> Result<Option<String>> {
    match raw {
        None => Ok(None),
        Some(raw) => short_text(field, raw, MAX_NOTE_CHARS),
    }
}

/// Trims `raw`; `None` when blank; an error when too long or holding control characters.
fn short_text(field: &str, raw: &str, max: usize) -> Result<Option<String>> {
    let text = python_strip(raw);
    if text.is_empty() {
        return Ok(None);
    }
    let chars = text.chars().count();
    if chars > max {
        return Err(InventoryError::validation(
            field,
            format!("must be at most {max} characters (got {chars})"),
        ));
    }
    if text.chars().any(char::is_control) {
        return Err(InventoryError::validation(
            field,
            "must not contain control characters",
        ));
    }
    Ok(Some(text.to_owned()))
}
