//! Locations and the stock levels kept at them: a warehouse, a shop floor, a van. Every
//! inventory has the location [`DEFAULT_LOCATION`]; a call that names no location means it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{InventoryError, Result};

/// The code of the location every inventory has, and every call that names none uses.
pub const DEFAULT_LOCATION: &str = "DEFAULT";

/// The longest location code, in characters (as a SKU).
pub const MAX_LOCATION_CODE_CHARS: usize = crate::sku::MAX_SKU_CHARS;

/// A place stock is kept.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// Normalised like a SKU (trimmed, upper-cased), unique, 1 to 50 characters.
    pub code: String,
    /// 1 to 100 characters, trimmed.
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// 1 at creation, plus one on every rename.
    pub version: u64,
}

/// How much of a product is at a location, and when to reorder it.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockLevel {
    pub product_id: Uuid,
    /// The location's code.
    pub location: String,
    /// 0 to [`MAX_STOCK`](crate::MAX_STOCK): the sum of the movements at this location.
    pub on_hand: u32,
    /// At or below this, the product is due for reordering here (`None`: no reorder point).
    #[serde(default)]
    pub reorder_point: Option<u32>,
    /// Σ quantity of the live holds here (a store keeps the sum of its active holds; a read
    /// leaves out those past their time).
    #[serde(default)]
    pub reserved: u32,
    /// `on_hand` − `reserved`, at least 0: what can be sold, moved or held.
    #[serde(default)]
    pub available: u32,
    /// How far the holds are short of what is on hand (`reserved` − `on_hand`, when a count
    /// found less than is held); 0 otherwise.
    #[serde(default)]
    pub short: u32,
}

impl StockLevel {
    /// The level of a product at a location where nothing ever moved.
    pub(crate) fn empty(product_id: Uuid, location: &str) -> Self {
        Self {
            product_id,
            location: location.to_owned(),
            on_hand: 0,
            reorder_point: None,
            reserved: 0,
            available: 0,
            short: 0,
        }
    }

    /// A level as a store keeps it: `reserved` the sum of its active holds, `available` and
    /// `short` following from it.
    pub fn stored(
        product_id: Uuid,
        location: String,
        on_hand: u32,
        reserved: u32,
        reorder_point: Option<u32>,
    ) -> Self {
        Self {
            product_id,
            location,
            on_hand,
            reorder_point,
            ..Self::empty(product_id, "")
        }
        .with_reserved(reserved)
    }

    /// The level with `reserved` units held, `available` and `short` set to follow.
    pub fn with_reserved(mut self, reserved: u32) -> Self {
        self.reserved = reserved;
        self.available = self.on_hand.saturating_sub(reserved);
        self.short = reserved.saturating_sub(self.on_hand);
        self
    }

    /// Whether the level is due for reordering: a reorder point is set and on hand is at or
    /// below it.
    pub fn is_below_reorder_point(&self) -> bool {
        self.reorder_point.is_some_and(|r| self.on_hand <= r)
    }
}

/// Normalises a location code as a SKU is normalised (trimmed, upper-cased, 1 to 50
/// characters, no whitespace, control or format characters inside); errors name `field`.
///
/// ```
/// use inventory_core::normalize_location_code;
/// assert_eq!(normalize_location_code(" wh-1 ", "code").unwrap(), "WH-1");
/// assert_eq!(normalize_location_code("", "location").unwrap_err().field(), Some("location"));
/// ```
pub fn normalize_location_code(raw: &str, field: &str) -> Result<String> {
    crate::sku::normalize_sku(raw).map_err(|e| match e {
        InventoryError::Validation { message, .. } => InventoryError::validation(field, message),
        other => other,
    })
}

/// The error for a location code that is taken.
pub(crate) fn duplicate_location(code: &str) -> InventoryError {
    InventoryError::validation(
        "code",
        format!("a location with code {code:?} already exists"),
    )
}

/// The location code of an optional argument: normalised, or [`DEFAULT_LOCATION`] when absent.
pub(crate) fn location_or_default(raw: Option<&str>, field: &str) -> Result<String> {
    match raw {
        None => Ok(DEFAULT_LOCATION.to_owned()),
        Some(raw) => normalize_location_code(raw, field),
    }
}

/// Checks and trims a location name: the product name's rule (1 to 100 characters).
pub fn validate_location_name(raw: &str) -> Result<String> {
    crate::product::validate_name(raw).map_err(|e| match e {
        InventoryError::Validation { message, .. } => InventoryError::validation("name", message),
        other => other,
    })
}
