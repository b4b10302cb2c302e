//! Examples and benchmarks for the inventory library live in `examples/` and `benches/`; this
//! package holds only what they share. The library is `inventory-core`.

/// The synthetic products the benchmarks and the scale run load, the same in both so their
/// figures compare.
pub mod sample {
    use inventory_core::{Decimal, NewProduct};

    /// Product number `i`: name, SKU as a caller types it (lower case), price in cents (0.01 to
    /// 10,000.00) and stock (0 to 999).
    pub fn item(i: usize) -> (String, String, i64, u32) {
        (
            format!("Product {i}"),
            format!("sku-{i:08}"),
            1 + (i as i64 * 7_919) % 1_000_000,
            (i * 31 % 1_000) as u32,
        )
    }

    /// Product number `i` as a [`NewProduct`].
    pub fn new_product(i: usize) -> NewProduct {
        let (name, sku, cents, stock) = item(i);
        NewProduct::new(name, sku, Decimal::new(cents, 2)).with_stock(stock)
    }
}

/// The Rust code in the README, compiled and run as a doctest so it never goes stale.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
