//! Prices and price bounds from any text: never a panic; an accepted price has two places,
//! is within range, and reads back to itself.
#![no_main]
use inventory_core::{MAX_PRICE, parse_price, parse_price_bound};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(price) = parse_price(text) {
        assert_eq!(price.scale(), 2);
        assert!(price > inventory_core::Decimal::ZERO && price <= MAX_PRICE);
        assert_eq!(parse_price(&price.to_string()).unwrap(), price);
    }
    if let Ok(bound) = parse_price_bound("min_price", text) {
        assert_eq!(bound.scale(), 2);
        assert!(!bound.is_sign_negative());
    }
});
