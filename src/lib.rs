//! Examples and benchmarks for the inventory library live in `examples/` and `benches/`; this
//! package has no code of its own. The library is `inventory-core`.

/// The Rust code in the README, compiled and run as a doctest so it never goes stale.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
