//! The SKU rule: normalised like Python's `value.strip().upper()`, then checked.

use crate::error::{InventoryError, Result};

/// The longest SKU, in characters, after normalisation.
pub const MAX_SKU_CHARS: usize = 50;

/// Whether Python's `str.isspace()` holds for `c`: Unicode `White_Space` plus the four ASCII
/// information separators (U+001C..=U+001F), which Python also strips.
pub(crate) fn is_python_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Trims like Python's `str.strip()` with no argument.
pub(crate) fn python_strip(s: &str) -> &str {
    s.trim_matches(is_python_space)
}

/// Normalises a SKU exactly as the original system did (`value.strip().upper()`, Unicode-aware)
/// and checks it: 1 to 50 characters, no whitespace or control characters inside.
///
/// Uniqueness and look-ups use the normalised form.
///
/// ```
/// use inventory_core::normalize_sku;
/// assert_eq!(normalize_sku(" ab-1 ").unwrap(), "AB-1");
/// assert_eq!(normalize_sku("straße").unwrap(), "STRASSE");
/// assert!(normalize_sku("   ").is_err());
/// assert!(normalize_sku("AB 1").is_err());
/// ```
pub fn normalize_sku(raw: &str) -> Result<String> {
    let sku = python_strip(raw).to_uppercase();
    let chars = sku.chars().count();
    if chars == 0 {
        return Err(InventoryError::validation("sku", "must not be blank"));
    }
    if chars > MAX_SKU_CHARS {
        return Err(InventoryError::validation(
            "sku",
            format!("must be at most {MAX_SKU_CHARS} characters (got {chars})"),
        ));
    }
    if sku.chars().any(|c| is_python_space(c) || c.is_control()) {
        return Err(InventoryError::validation(
            "sku",
            "must not contain whitespace or control characters",
        ));
    }
    Ok(sku)
}

/// Normalises a SKU prefix for filtering: the same trim and upper-case, without the length rule
/// beyond the maximum. An empty prefix matches everything.
pub(crate) fn normalize_sku_prefix(raw: &str) -> Result<String> {
    let prefix = python_strip(raw).to_uppercase();
    if prefix.is_empty() {
        return Ok(prefix);
    }
    normalize_sku(&prefix).map_err(|e| match e {
        InventoryError::Validation { message, .. } => {
            InventoryError::validation("sku_prefix", message)
        }
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_like_python() {
        assert_eq!(normalize_sku("\u{1c} x\u{a0}").unwrap(), "X");
        assert_eq!(normalize_sku("\u{3000}ǆ9").unwrap(), "Ǆ9");
        assert_eq!(normalize_sku("ﬃ").unwrap(), "FFI");
    }

    #[test]
    fn length_is_counted_in_characters_after_upper_casing() {
        assert!(normalize_sku(&"é".repeat(50)).is_ok());
        assert!(normalize_sku(&"é".repeat(51)).is_err());
        // 25 × ß becomes 50 × S: fine; 26 × ß becomes 52 characters.
        assert_eq!(normalize_sku(&"ß".repeat(25)).unwrap(), "S".repeat(50));
        assert!(normalize_sku(&"ß".repeat(26)).is_err());
    }

    #[test]
    fn rejects_inner_whitespace_and_controls() {
        for bad in ["A B", "A\tB", "A\u{7}B", "A\u{2028}B", ""] {
            let err = normalize_sku(bad).unwrap_err();
            assert_eq!(err.field(), Some("sku"), "{bad:?}");
        }
    }
}
