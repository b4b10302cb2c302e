//! The price rule: an exact decimal, greater than 0, at most 2 decimal places, at most
//! 99,999,999.99 (the original's `DecimalField(max_digits=10, decimal_places=2)`).

use rust_decimal::Decimal;

use crate::error::{InventoryError, Result};

/// The highest price: 99,999,999.99.
pub const MAX_PRICE: Decimal = Decimal::from_parts(0x540B_E3FF, 2, 0, false, 2); // 9,999,999,999 cents

fn invalid(message: impl Into<String>) -> InventoryError {
    InventoryError::validation("price", message)
}

/// Checks a price and returns it with exactly two decimal places.
///
/// Values with more places are refused, never rounded; trailing zeros are fine (`12.500`).
///
/// ```
/// use inventory_core::validate_price;
/// use rust_decimal::Decimal;
/// assert_eq!(validate_price(Decimal::new(125, 1)).unwrap().to_string(), "12.50");
/// assert!(validate_price(Decimal::new(12345, 3)).is_err()); // 12.345
/// assert!(validate_price(Decimal::ZERO).is_err());
/// ```
pub fn validate_price(price: Decimal) -> Result<Decimal> {
    if price <= Decimal::ZERO {
        return Err(invalid("must be greater than 0"));
    }
    if price.normalize().scale() > 2 {
        return Err(invalid("must have at most 2 decimal places"));
    }
    if price > MAX_PRICE {
        return Err(invalid("must be at most 99999999.99"));
    }
    let mut price = price;
    price.rescale(2);
    Ok(price)
}

/// Parses a price written as text (`"12"`, `"12.5"`, `"12.50"`), then applies
/// [`validate_price`]. Surrounding whitespace is ignored; exponents, `NaN`, infinities, signs
/// other than a leading `-` and digit separators are refused.
///
/// ```
/// use inventory_core::parse_price;
/// assert_eq!(parse_price("12.5").unwrap().to_string(), "12.50");
/// for bad in ["1e3", "NaN", " ", "-1", "12.345", "abc", "0"] {
///     assert!(parse_price(bad).is_err(), "{bad}");
/// }
/// ```
pub fn parse_price(text: &str) -> Result<Decimal> {
    validate_price(parse_amount(
        "price",
        text,
        "must be greater than 0",
        false,
    )?)
}

/// Parses a price bound for a filter (`min_price`, `max_price`): the same text rules as
/// [`parse_price`], but 0 is allowed and a bound above the highest price is taken as just above
/// it (it filters the same). Errors name `field`.
///
/// ```
/// use inventory_core::parse_price_bound;
/// assert_eq!(parse_price_bound("min_price", "0").unwrap().to_string(), "0.00");
/// assert_eq!(parse_price_bound("max_price", "1e9").unwrap_err().field(), Some("max_price"));
/// assert_eq!(parse_price_bound("min_price", "-1").unwrap_err().field(), Some("min_price"));
/// assert_eq!(parse_price_bound("max_price", "100000000000").unwrap().to_string(), "100000000.00");
/// ```
pub fn parse_price_bound(field: &str, text: &str) -> Result<Decimal> {
    parse_amount(field, text, BOUND_NEGATIVE, true)
}

const BOUND_NEGATIVE: &str = "must be 0 or more";
const PLACES: &str = "must have at most 2 decimal places";

/// The highest bound a filter keeps: one cent above the highest price. Any larger bound filters
/// the same, so it becomes this one.
const MAX_BOUND: Decimal = Decimal::from_parts(0x540B_E400, 2, 0, false, 2); // 10,000,000,000 cents

/// Checks a price bound given as a number (a [`Query`](crate::Query) built in Rust, a Kotlin
/// `BigDecimal`): the same rules and messages as [`parse_price_bound`].
///
/// ```
/// use inventory_core::{Decimal, validate_price_bound};
/// assert_eq!(validate_price_bound("min_price", Decimal::new(5, 0)).unwrap().to_string(), "5.00");
/// assert_eq!(validate_price_bound("max_price", Decimal::new(-1, 0)).unwrap_err().to_string(), "max_price: must be 0 or more");
/// assert_eq!(validate_price_bound("max_price", Decimal::new(1, 3)).unwrap_err().to_string(), "max_price: must have at most 2 decimal places");
/// assert_eq!(validate_price_bound("max_price", Decimal::MAX).unwrap().to_string(), "100000000.00");
/// ```
pub fn validate_price_bound(field: &str, bound: Decimal) -> Result<Decimal> {
    if bound.is_sign_negative() && !bound.is_zero() {
        return Err(InventoryError::validation(field, BOUND_NEGATIVE));
    }
    if bound.normalize().scale() > 2 {
        return Err(InventoryError::validation(field, PLACES));
    }
    let mut bound = bound.abs().min(MAX_BOUND);
    bound.rescale(2);
    Ok(bound)
}

/// The text grammar shared by prices and price bounds: digits with an optional fraction of at
/// most 2 significant places, not negative, and at most 99,999,999.99 (or, with `clamp`, any
/// larger amount becomes 100,000,000.00). Returns the amount with exactly two decimal places.
fn parse_amount(field: &str, text: &str, negative: &str, clamp: bool) -> Result<Decimal> {
    let invalid = |message: String| InventoryError::validation(field, message);
    let t = crate::text::python_strip(text);
    if t.is_empty() {
        return Err(invalid("must not be blank".into()));
    }
    let unsigned = t.strip_prefix(['-', '+']).unwrap_or(t);
    let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let well_formed = !(int.is_empty() && frac.is_empty())
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit());
    if !well_formed {
        return Err(invalid(format!(
            "must be a decimal number such as 12.50 (got {})",
            crate::text::echo(t)
        )));
    }
    // Leading zeros and trailing zeros carry no value; anything else this long is out of range.
    let int = int.trim_start_matches('0');
    let frac_digits = frac.trim_end_matches('0');
    if t.starts_with('-') && !(int.is_empty() && frac_digits.is_empty()) {
        return Err(invalid(negative.into()));
    }
    if frac_digits.len() > 2 {
        return Err(invalid(PLACES.into()));
    }
    if int.len() > 8 {
        if clamp {
            return Ok(MAX_BOUND);
        }
        return Err(invalid("must be at most 99999999.99".into()));
    }
    let int: i64 = if int.is_empty() {
        0
    } else {
        int.parse().unwrap_or(i64::MAX)
    };
    let frac: i64 = format!("{frac_digits:0<2}").parse().unwrap_or(0);
    Ok(Decimal::new(int * 100 + frac, 2))
}

/// Accepts a price given as a binary floating-point number (JavaScript's `number`) only when its
/// shortest printed form has at most two decimal places, so `9.99` is fine and `0.1 + 0.2` is not.
///
/// ```
/// use inventory_core::price_from_f64;
/// assert_eq!(price_from_f64(9.99).unwrap().to_string(), "9.99");
/// assert!(price_from_f64(0.1 + 0.2).is_err());
/// assert!(price_from_f64(f64::NAN).is_err());
/// ```
pub fn price_from_f64(value: f64) -> Result<Decimal> {
    if !value.is_finite() {
        return Err(invalid("must be a finite number"));
    }
    // Rust's `{}` for f64 prints the shortest text that reads back as the same number, as
    // JavaScript's `String(n)` does, but never with an exponent.
    parse_price(&format!("{value}"))
}

/// The price in cents (exact, as prices have two decimal places).
pub(crate) fn to_cents(price: Decimal) -> i64 {
    let mut p = price;
    p.rescale(2);
    i64::try_from(p.mantissa()).unwrap_or(i64::MAX)
}

/// What `units` of a product at `price` are worth, in cents, exact (the total value's rule).
pub(crate) fn value_cents(price: Decimal, units: i64) -> i128 {
    i128::from(to_cents(price)) * i128::from(units)
}

/// A price from cents stored by a backend.
#[cfg_attr(not(feature = "sqlite"), allow(dead_code))] // used by the SQL backends
pub(crate) fn from_cents(cents: i64) -> Decimal {
    Decimal::new(cents, 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edges() {
        assert_eq!(parse_price("0.01").unwrap().to_string(), "0.01");
        assert_eq!(parse_price("99999999.99").unwrap(), MAX_PRICE);
        assert!(parse_price("100000000.00").is_err());
        assert!(parse_price("100000000").is_err());
        assert_eq!(parse_price("0009.9000").unwrap().to_string(), "9.90");
        assert_eq!(parse_price(".5").unwrap().to_string(), "0.50");
        assert_eq!(parse_price("5.").unwrap().to_string(), "5.00");
        assert_eq!(parse_price("+5").unwrap().to_string(), "5.00");
        for bad in [
            "", ".", "-", "1_000", "1,5", "Infinity", "inf", "0x10", "1.2.3", "١٢", "-0.01",
            "0.00", "0.001", "12.345",
        ] {
            let err = parse_price(bad).unwrap_err();
            assert_eq!(err.field(), Some("price"), "{bad:?}");
        }
    }

    #[test]
    fn cents_round_trip() {
        for p in ["0.01", "12.50", "99999999.99"] {
            let d = parse_price(p).unwrap();
            assert_eq!(Decimal::new(to_cents(d), 2), d);
        }
        assert_eq!(to_cents(MAX_PRICE), 9_999_999_999);
        assert_eq!(MAX_PRICE.to_string(), "99999999.99");
    }
}
