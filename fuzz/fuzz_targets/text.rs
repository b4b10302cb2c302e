//! SKUs and names from any text: never a panic; normalising is idempotent, and what is
//! accepted keeps every rule (length in characters, no whitespace, control or format characters
//! in a SKU, no bidi overrides in a name); an error message repeats at most 100 characters.
#![no_main]
use inventory_core::text::{is_bidi_control, is_format};
use inventory_core::{MAX_NAME_CHARS, MAX_SKU_CHARS, normalize_sku, validate_name};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    match normalize_sku(text) {
        Ok(sku) => {
            assert_eq!(normalize_sku(&sku).as_ref(), Ok(&sku), "normalising twice");
            let n = sku.chars().count();
            assert!((1..=MAX_SKU_CHARS).contains(&n));
            assert!(!sku.chars().any(|c| c.is_whitespace() || c.is_control() || is_format(c)));
        }
        Err(e) => assert!(e.to_string().chars().count() < 400, "{e}"),
    }
    match validate_name(text) {
        Ok(name) => {
            assert_eq!(validate_name(&name).as_ref(), Ok(&name));
            assert!((1..=MAX_NAME_CHARS).contains(&name.chars().count()));
            assert!(!name.chars().any(|c| c.is_control() || is_bidi_control(c)));
        }
        Err(e) => assert!(e.to_string().chars().count() < 400, "{e}"),
    }
});
