//! The SKU rule: normalised like Python's `value.strip().upper()`, then checked.

use crate::error::{InventoryError, Result};
use crate::text::{is_format, is_python_space, python_strip, python_upper};

/// The longest SKU, in characters, after normalisation.
pub const MAX_SKU_CHARS: usize = 50;

/// Normalises a SKU exactly as the original system did (`value.strip().upper()`, Unicode-aware)
/// and checks it: 1 to 50 characters, no whitespace, control or format characters inside.
/// Upper-casing follows Python 3.11 (Unicode 14.0) on every toolchain.
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
    let sku = python_upper(python_strip(raw));
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
    if let Some(c) = sku.chars().find(|c| is_format(*c)) {
        return Err(InventoryError::validation(
            "sku",
            format!(
                "must not contain invisible format characters (U+{:04X}); a byte-order mark or \
                 zero-width space copied with the text makes a SKU nobody can type",
                c as u32
            ),
        ));
    }
    Ok(sku)
}

/// Normalises a SKU prefix for filtering: the same trim and upper-case, without the length rule
/// beyond the maximum. An empty prefix matches everything.
pub(crate) fn normalize_sku_prefix(raw: &str) -> Result<String> {
    let prefix = python_upper(python_strip(raw));
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
    fn invisible_format_characters_are_refused() {
        // A CSV cell starting with a byte-order mark, a zero-width space pasted from a web
        // page, a soft hyphen, a right-to-left override.
        for raw in [
            "\u{FEFF}AB-1",
            "AB\u{200B}1",
            "AB\u{AD}1",
            "AB\u{202E}1",
            "\u{2060}X",
        ] {
            let err = normalize_sku(raw).unwrap_err();
            assert_eq!(err.field(), Some("sku"), "{raw:?}");
            assert!(
                err.to_string().contains("invisible format characters"),
                "{err}"
            );
        }
        assert!(crate::validate_name("Caf\u{E9} \u{202E}gnp.exe").is_err());
        assert!(
            crate::validate_name("Caf\u{E9} \u{200D}").is_ok(),
            "a joiner is fine in a name"
        );
    }

    #[test]
    fn error_messages_repeat_at_most_a_hundred_characters_of_input() {
        let long = "x".repeat(10_000);
        for err in [
            crate::parse_price(&long).unwrap_err(),
            crate::parse_id(&long).unwrap_err(),
            crate::OrderBy::parse(&long).unwrap_err(),
        ] {
            let text = err.to_string();
            assert!(text.len() < 250, "{} bytes: {}", text.len(), &text[..200]);
            assert!(text.contains("(10000 characters)"), "{text}");
        }
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
