//! uniffi support (feature `uniffi`): how the library's plain types cross into Kotlin and Swift.
//!
//! The data types ([`Product`](crate::Product), [`Event`](crate::Event), [`Page`](crate::Page),
//! [`InventoryError`](crate::InventoryError), …) derive their uniffi traits where they are
//! defined; this module maps the three types from other crates they use, as uniffi custom types:
//!
//! | Rust | name in the bindings | crosses as | Kotlin | Swift |
//! |---|---|---|---|---|
//! | [`Decimal`] | `Money` | its text (`"9.99"`) | `java.math.BigDecimal` | `Foundation.Decimal` |
//! | [`Uuid`] | `Uuid` | its text | `java.util.UUID` | `Foundation.UUID` |
//! | `DateTime<Utc>` | `Timestamp` | a `SystemTime` | `java.time.Instant` | `Foundation.Date` |
//!
//! The foreign types are configured in this crate's `uniffi.toml`. Text that does not convert is
//! refused with a [`InventoryError::Validation`] naming the field, which the bindings throw as
//! their `Validation` error (never a panic).

use std::time::{SystemTime, UNIX_EPOCH};

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::error::{Cause, InventoryError, Result};

/// An amount of money (a price, a price bound, a total). Named so in the bindings because Swift's
/// own `Decimal` is what it maps to there.
type Money = Decimal;

/// A point in time, UTC: crosses the boundary as uniffi's built-in timestamp.
type Timestamp = DateTime<Utc>;

uniffi::custom_type!(Money, String, {
    remote,
    lower: |d| d.to_string(),
    try_lift: |text| Ok(decimal_from_text(&text)?),
});

uniffi::custom_type!(Uuid, String, {
    remote,
    lower: |id| id.to_string(),
    try_lift: |text| Ok(crate::parse_id(&text)?),
});

// The cause of a storage fault crosses as its text (Kotlin and Swift read it as a `String`);
// the bindings never send one back.
uniffi::custom_type!(Cause, String, {
    lower: |cause| cause.to_string(),
    try_lift: |text| Ok(Cause::new(std::io::Error::other(text))),
});

uniffi::custom_type!(Timestamp, SystemTime, {
    remote,
    lower: |time| SystemTime::from(time),
    try_lift: |time| Ok(timestamp_from_system_time(time)?),
});

/// A decimal from the text a binding sends (`BigDecimal.toPlainString()`, Swift's
/// `Decimal.description`). Every decimal the API takes is a price or a price bound, so the error
/// names `price`; the price rules themselves are applied where the value is used.
///
/// Trailing zeros of the fraction carry no value and are dropped first, so
/// `BigDecimal("9.99").setScale(30)` is 9.99, not a number of too many digits.
fn decimal_from_text(text: &str) -> Result<Decimal> {
    let trimmed = text.trim();
    let plain = match trimmed.split_once('.') {
        Some((_, fraction)) if fraction.bytes().all(|b| b.is_ascii_digit()) => {
            trimmed.trim_end_matches('0').trim_end_matches('.')
        }
        _ => trimmed,
    };
    Decimal::from_str_exact(plain).map_err(|_| {
        InventoryError::validation(
            "price",
            format!(
                "must be a decimal number of at most 28 digits (got {})",
                crate::text::echo(text)
            ),
        )
    })
}

/// The instant as a UTC date-time, or a validation error outside chrono's range (years
/// −262,143 to 262,142) instead of chrono's panic.
fn timestamp_from_system_time(time: SystemTime) -> Result<Timestamp> {
    let (secs, nanos) = match time.duration_since(UNIX_EPOCH) {
        Ok(after) => (i64::try_from(after.as_secs()).ok(), after.subsec_nanos()),
        Err(before) => {
            let before = before.duration();
            let secs = i64::try_from(before.as_secs()).ok().map(|s| -s);
            match before.subsec_nanos() {
                0 => (secs, 0),
                n => (secs.and_then(|s| s.checked_sub(1)), 1_000_000_000 - n),
            }
        }
    };
    secs.and_then(|s| DateTime::from_timestamp(s, nanos))
        .ok_or_else(|| InventoryError::validation("timestamp", "is out of range"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn any_scale_is_accepted_when_the_value_has_few_places() {
        // BigDecimal("9.99").setScale(30).toPlainString()
        let text = format!("9.99{}", "0".repeat(28));
        assert_eq!(decimal_from_text(&text).unwrap().to_string(), "9.99");
        assert_eq!(decimal_from_text("100.000").unwrap().to_string(), "100");
        assert_eq!(decimal_from_text("100").unwrap().to_string(), "100");
        let long = format!("0.{}1", "0".repeat(40));
        assert_eq!(decimal_from_text(&long).unwrap_err().field(), Some("price"));
    }

    #[test]
    fn decimals_convert_exactly_or_name_the_field() {
        assert_eq!(decimal_from_text("9.990").unwrap().to_string(), "9.99");
        let err = decimal_from_text(&format!("1{}", "0".repeat(40))).unwrap_err();
        assert_eq!(err.field(), Some("price"));
        assert!(decimal_from_text("abc").is_err());
    }

    #[test]
    fn timestamps_round_trip_on_both_sides_of_the_epoch() {
        for t in [
            UNIX_EPOCH,
            UNIX_EPOCH + Duration::new(1_700_000_000, 123_456_000),
            UNIX_EPOCH - Duration::new(86_400, 1_000),
        ] {
            let dt = timestamp_from_system_time(t).unwrap();
            assert_eq!(SystemTime::from(dt), t);
        }
        let far = UNIX_EPOCH + Duration::from_secs(10_000_000_000_000);
        assert_eq!(
            timestamp_from_system_time(far).unwrap_err().field(),
            Some("timestamp")
        );
    }
}
