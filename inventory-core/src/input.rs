//! Values as bindings receive them: whole numbers as `i64` (or a JavaScript `f64`), prices and
//! orderings as text, anything optional as `None`. Each conversion applies the core's rule once
//! and names the field, so no binding re-writes a range, a default or a message (invariant 5).
//!
//! ```
//! use inventory_core::{QueryInput, SortField};
//! let q = QueryInput {
//!     order_by: Some("-price".into()),
//!     min_price: Some("5".into()),
//!     limit: Some(20),
//!     ..QueryInput::default()
//! }
//! .parse()?;
//! assert_eq!((q.order_by.field, q.limit, q.min_price.unwrap().to_string()), (SortField::Price, Some(20), "5.00".into()));
//! let err = QueryInput { low_stock: Some(-1), ..QueryInput::default() }.parse().unwrap_err();
//! assert_eq!(err.field(), Some("low_stock"));
//! # Ok::<(), inventory_core::InventoryError>(())
//! ```

use uuid::Uuid;

use crate::error::{InventoryError, Result};
use crate::ledger::StockChange;
use crate::price::parse_price_bound;
use crate::product::{MAX_STOCK, stock_range_error};
use crate::query::{OrderBy, Query};
use crate::text::echo;

/// A stock quantity from a signed integer, as bindings receive it: negative or too large values
/// get a validation error naming `field`, not an integer-conversion error.
///
/// ```
/// use inventory_core::stock_from_i64;
/// assert_eq!(stock_from_i64("stock", 5).unwrap(), 5);
/// assert!(stock_from_i64("stock", -1).is_err());
/// assert!(stock_from_i64("stock", 2_147_483_648).is_err());
/// ```
pub fn stock_from_i64(field: &str, value: i64) -> Result<u32> {
    u32::try_from(value)
        .ok()
        .filter(|v| *v <= MAX_STOCK)
        .ok_or_else(|| stock_range_error(field))
}

/// A count, version or sequence number from a signed integer, as bindings receive it: a
/// negative value gets a validation error naming `field`, not an integer-conversion error.
///
/// ```
/// use inventory_core::count_from_i64;
/// assert_eq!(count_from_i64("offset", 20).unwrap(), 20);
/// assert_eq!(count_from_i64("offset", -1).unwrap_err().field(), Some("offset"));
/// ```
pub fn count_from_i64(field: &str, value: i64) -> Result<u64> {
    u64::try_from(value).map_err(|_| InventoryError::validation(field, "must be 0 or more"))
}

/// A whole number from a binary floating-point number (JavaScript's `number`), or a validation
/// error naming `field` when it has a fraction or is not finite.
pub fn integer_from_f64(field: &str, value: f64) -> Result<i64> {
    if !value.is_finite() || value.fract() != 0.0 || value.abs() > 9_007_199_254_740_991.0 {
        return Err(InventoryError::validation(field, "must be a whole number"));
    }
    Ok(value as i64)
}

/// A page size or limit from a signed integer: out-of-range values saturate, so the range rule
/// of the call that takes it reports them (`limit: must be between 1 and 1000`) with the same
/// message in every binding.
///
/// ```
/// use inventory_core::limit_from_i64;
/// assert_eq!(limit_from_i64(-5), 0);
/// assert_eq!(limit_from_i64(1 << 40), u32::MAX);
/// ```
pub fn limit_from_i64(value: i64) -> u32 {
    u32::try_from(value.max(0)).unwrap_or(u32::MAX)
}

/// Parses a product id, naming the field when the text is not a UUID.
///
/// ```
/// use inventory_core::parse_id;
/// assert!(parse_id("not-a-uuid").is_err());
/// assert!(parse_id("67e55044-10b1-426f-9247-bb680e5fe0c8").is_ok());
/// ```
pub fn parse_id(text: &str) -> Result<Uuid> {
    Uuid::try_parse(text.trim()).map_err(|_| {
        InventoryError::validation("id", format!("must be a UUID (got {})", echo(text)))
    })
}

/// A [`Query`] as a binding receives it: numbers as `i64`, price bounds and the ordering as
/// text. [`QueryInput::parse`] applies the rules; errors name the core's field (`low_stock`,
/// `min_price`, `order_by`, …), which a binding may rename to its own spelling.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryInput {
    pub name_contains: Option<String>,
    pub sku_prefix: Option<String>,
    pub low_stock: Option<i64>,
    /// A price bound (`"9.99"`; 0 allowed): see [`parse_price_bound`].
    pub min_price: Option<String>,
    pub max_price: Option<String>,
    /// `"price"` or `"-price"` (see [`OrderBy::parse`]); `None` for the default order.
    pub order_by: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    pub offset: Option<i64>,
    /// See [`Query::below_reorder_point`].
    pub below_reorder_point: bool,
    /// See [`Query::location`].
    pub location: Option<String>,
    /// `Some(false)` leaves the total out ([`Query::skip_total`]); the default counts.
    pub with_total: Option<bool>,
}

impl QueryInput {
    /// The query, with every field's rule applied (the cursor and the limit's range are checked
    /// when the query runs, as for a [`Query`] built in Rust).
    pub fn parse(self) -> Result<Query> {
        let bound = |field: &str, text: Option<String>| {
            text.map(|t| parse_price_bound(field, &t)).transpose()
        };
        Ok(Query {
            name_contains: self.name_contains,
            sku_prefix: self.sku_prefix,
            low_stock: self
                .low_stock
                .map(|n| stock_from_i64("low_stock", n))
                .transpose()?,
            min_price: bound("min_price", self.min_price)?,
            max_price: bound("max_price", self.max_price)?,
            order_by: self
                .order_by
                .as_deref()
                .map(OrderBy::parse)
                .transpose()?
                .unwrap_or_default(),
            limit: self.limit.map(limit_from_i64),
            cursor: self.cursor,
            offset: self
                .offset
                .map(|n| count_from_i64("offset", n))
                .transpose()?,
            below_reorder_point: self.below_reorder_point,
            location: self.location,
            skip_total: self.with_total == Some(false),
        })
    }
}

impl StockChange {
    /// A stock change from a binding's arguments: `expected` as a signed integer (a negative or
    /// too large one names `expected`).
    ///
    /// ```
    /// use inventory_core::StockChange;
    /// let c = StockChange::from_input("count".into(), None, Some("ana".into()), Some("wh-1".into()), Some(4))?;
    /// assert_eq!((c.actor.as_deref(), c.location.as_deref(), c.expected), (Some("ana"), Some("wh-1"), Some(4)));
    /// assert!(StockChange::from_input("count".into(), None, None, None, Some(-1)).is_err());
    /// # Ok::<(), inventory_core::InventoryError>(())
    /// ```
    pub fn from_input(
        reason: String,
        reference: Option<String>,
        actor: Option<String>,
        location: Option<String>,
        expected: Option<i64>,
    ) -> Result<Self> {
        Ok(Self {
            reason,
            reference,
            actor,
            location,
            expected: expected
                .map(|e| stock_from_i64("expected", e))
                .transpose()?,
        })
    }
}

impl crate::movement::Movement {
    /// A movement of a batch from a binding's arguments: its kind by name (`adjust`, `count`,
    /// `transfer`), the amount as a signed integer (an adjustment's delta, or a quantity, whose
    /// range names `quantity`), the locations of a transfer, and the change. A blank reason of a
    /// count or a transfer is its kind's own (`count`, `transfer`); an adjustment needs one.
    ///
    /// ```
    /// use inventory_core::{Movement, StockChange, Uuid};
    /// let id = Uuid::nil();
    /// let m = Movement::from_input("count", id, 7, None, None, StockChange::default())?;
    /// assert_eq!(m, Movement::count(id, 7, "count"));
    /// let err = Movement::from_input("jump", id, 1, None, None, StockChange::default()).unwrap_err();
    /// assert_eq!(err.field(), Some("type"));
    /// # Ok::<(), inventory_core::InventoryError>(())
    /// ```
    pub fn from_input(
        kind: &str,
        product_id: Uuid,
        amount: i64,
        from_location: Option<String>,
        to_location: Option<String>,
        mut change: StockChange,
    ) -> Result<Self> {
        let default_reason = match kind {
            "adjust" => None,
            "count" => Some(crate::ledger::reason::COUNT),
            "transfer" => Some(crate::ledger::reason::TRANSFER),
            _ => {
                return Err(InventoryError::validation(
                    "type",
                    "must be \"adjust\", \"count\" or \"transfer\"",
                ));
            }
        };
        if let Some(reason) = default_reason
            && change.reason.trim().is_empty()
        {
            change.reason = reason.into();
        }
        Ok(match kind {
            "adjust" => Self::adjust(product_id, amount, change),
            "count" => Self::count(product_id, stock_from_i64("quantity", amount)?, change),
            _ => Self::transfer(
                product_id,
                stock_from_i64("quantity", amount)?,
                from_location.unwrap_or_default(),
                to_location.unwrap_or_default(),
                change,
            ),
        })
    }
}

/// A hold's or a commit's quantity from a signed integer: 1 to the stock maximum, or a
/// validation error naming `field`.
///
/// ```
/// use inventory_core::quantity_from_i64;
/// assert_eq!(quantity_from_i64("quantity", 2).unwrap(), 2);
/// assert_eq!(quantity_from_i64("quantity", 0).unwrap_err().to_string(), "quantity: must be at least 1");
/// ```
pub fn quantity_from_i64(field: &str, value: i64) -> Result<u32> {
    crate::hold::check_quantity(value, field)
}

/// A duration from seconds as a binding receives them (a float: Python's
/// `timedelta.total_seconds()`, a JavaScript `number`, JSON). Saturating, as
/// [`limit_from_i64`] is: 0 or less (or not a number) becomes zero and more than any duration
/// the longest, so the rule of the call that takes it reports them with one message.
///
/// ```
/// use std::time::Duration;
/// use inventory_core::duration_from_seconds;
/// assert_eq!(duration_from_seconds(0.5), Duration::from_millis(500));
/// assert_eq!(duration_from_seconds(-3.0), Duration::ZERO);
/// assert_eq!(duration_from_seconds(f64::INFINITY), Duration::MAX);
/// ```
pub fn duration_from_seconds(seconds: f64) -> std::time::Duration {
    if seconds.is_nan() || seconds <= 0.0 {
        return std::time::Duration::ZERO;
    }
    std::time::Duration::try_from_secs_f64(seconds).unwrap_or(std::time::Duration::MAX)
}

impl crate::hold::NewHold {
    /// A hold request from a binding's arguments: the quantity as a signed integer, the
    /// expiry as seconds from now (`expires_in`) or an instant (`expires_at`), at most one of
    /// them.
    ///
    /// ```
    /// use inventory_core::{NewHold, Uuid};
    /// let h = NewHold::from_input(Uuid::nil(), 2, Some("wh-1".into()), Some(900.0), None, None, None)?;
    /// assert_eq!(h.expires_in, Some(std::time::Duration::from_secs(900)));
    /// let err = NewHold::from_input(Uuid::nil(), -1, None, None, None, None, None).unwrap_err();
    /// assert_eq!(err.field(), Some("quantity"));
    /// # Ok::<(), inventory_core::InventoryError>(())
    /// ```
    pub fn from_input(
        product_id: Uuid,
        quantity: i64,
        location: Option<String>,
        expires_in_seconds: Option<f64>,
        expires_at: Option<chrono::DateTime<chrono::Utc>>,
        reference: Option<String>,
        actor: Option<String>,
    ) -> Result<Self> {
        // The expiry's rules (one of the two, a duration in range) are `NewHold`'s own, checked
        // when the hold is placed.
        Ok(Self {
            product_id,
            quantity: quantity_from_i64("quantity", quantity)?,
            location,
            expires_in: expires_in_seconds.map(duration_from_seconds),
            expires_at,
            reference,
            actor,
        })
    }
}

/// An instant from ISO 8601 text with an offset (`2030-01-01T00:15:00Z`,
/// `2030-01-01T01:15:00+01:00`), as text-only bindings (JavaScript, REST) receive one; a
/// validation error naming `field` otherwise.
///
/// ```
/// use inventory_core::parse_time;
/// assert_eq!(parse_time("expires_at", "2030-01-01T01:00:00+01:00")?.to_rfc3339(), "2030-01-01T00:00:00+00:00");
/// assert_eq!(parse_time("expires_at", "tomorrow").unwrap_err().field(), Some("expires_at"));
/// # Ok::<(), inventory_core::InventoryError>(())
/// ```
pub fn parse_time(field: &str, text: &str) -> Result<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::parse_from_rfc3339(text.trim())
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|_| {
            InventoryError::validation(
                field,
                format!(
                    "must be an ISO 8601 time with an offset, such as 2030-01-01T00:15:00Z (got {})",
                    echo(text)
                ),
            )
        })
}
