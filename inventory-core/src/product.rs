//! The product: the one model of the inventory, and the inputs that create and change it.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{InventoryError, Result};
use crate::text::{is_bidi_control, python_strip};

/// The highest stock a product can hold: 2,147,483,647 (the original's `PositiveIntegerField`).
pub const MAX_STOCK: u32 = i32::MAX as u32;

/// The longest product name, in characters.
pub const MAX_NAME_CHARS: usize = 100;

/// A product as stored. Only the library creates these: `id` and `created_at` are never set by a
/// caller, and `updated_at` and `version` move on every write.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    /// A time-ordered (v7) UUID, set once at creation.
    pub id: Uuid,
    /// 1 to 100 characters, trimmed.
    pub name: String,
    /// Normalised (trimmed, upper-cased), unique, 1 to 50 characters.
    pub sku: String,
    /// Greater than 0, two decimal places, at most 99,999,999.99.
    pub price: Decimal,
    /// 0 to [`MAX_STOCK`]; changes only through stock movements.
    pub stock: u32,
    /// When the product was created (UTC, microsecond precision).
    pub created_at: DateTime<Utc>,
    /// When the product last changed (UTC, microsecond precision).
    pub updated_at: DateTime<Utc>,
    /// 1 at creation, plus one on every write: the token for optimistic concurrency.
    pub version: u64,
}

impl Product {
    /// `price × stock`, exact.
    pub fn value(&self) -> Decimal {
        self.price * Decimal::from(self.stock)
    }
}

/// What a caller gives to create a product.
///
/// ```
/// use inventory_core::NewProduct;
/// use rust_decimal::Decimal;
/// let p = NewProduct::new("Widget", "ab-1", Decimal::new(999, 2)).with_stock(10);
/// assert_eq!(p.stock, 10);
/// ```
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewProduct {
    pub name: String,
    pub sku: String,
    pub price: Decimal,
    /// Initial stock, recorded in the ledger as the first movement. Defaults to 0.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = 0))]
    pub stock: u32,
}

impl NewProduct {
    /// A new product with no stock.
    pub fn new(name: impl Into<String>, sku: impl Into<String>, price: Decimal) -> Self {
        Self {
            name: name.into(),
            sku: sku.into(),
            price,
            stock: 0,
        }
    }

    /// Sets the initial stock.
    pub fn with_stock(mut self, stock: u32) -> Self {
        self.stock = stock;
        self
    }
}

/// A partial update: the fields that are `Some` change, the rest stay, all in one transaction.
///
/// `stock` is the one field that is not simply overwritten: stock moves only through the
/// ledger, so a `stock` that differs from the current one is recorded as a `correction`
/// movement to it (as a count would be), after the other fields' change. To say why stock
/// moves, or to guard it with an expected quantity, use
/// [`Inventory::adjust_stock`](crate::Inventory::adjust_stock) or
/// [`Inventory::set_stock`](crate::Inventory::set_stock).
///
/// ```
/// use inventory_core::ProductPatch;
/// let patch = ProductPatch::default().name("Widget v2").stock(12).expect_version(3);
/// assert_eq!((patch.stock, patch.expected_version), (Some(12), Some(3)));
/// ```
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductPatch {
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub name: Option<String>,
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub sku: Option<String>,
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub price: Option<Decimal>,
    /// The stock to record (a `correction` movement when it differs from the current stock).
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    #[serde(default)]
    pub stock: Option<u32>,
    /// When set, the update fails with [`InventoryError::VersionConflict`] unless the product is
    /// still at this version.
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub expected_version: Option<u64>,
}

impl ProductPatch {
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }
    pub fn sku(mut self, sku: impl Into<String>) -> Self {
        self.sku = Some(sku.into());
        self
    }
    pub fn price(mut self, price: Decimal) -> Self {
        self.price = Some(price);
        self
    }
    pub fn stock(mut self, stock: u32) -> Self {
        self.stock = Some(stock);
        self
    }
    pub fn expect_version(mut self, version: u64) -> Self {
        self.expected_version = Some(version);
        self
    }
}

/// A product's fields as given, before their rules: what a new product and a patch both check,
/// so each field's rule runs in one place and every bad field is reported at once (as DRF
/// reports them). Fields left `None` are not checked.
///
/// ```
/// use inventory_core::{Decimal, ProductFields};
/// let errors = ProductFields {
///     name: Some(" "),
///     sku: Some("AB 1"),
///     price: Some(Decimal::new(1999, 2)),
///     stock: None,
/// }
/// .check()
/// .unwrap_err();
/// let fields: Vec<_> = errors.iter().map(|e| e.field().unwrap()).collect();
/// assert_eq!(fields, ["name", "sku"]);
/// let ok = ProductFields { name: Some(" Widget "), sku: Some("ab-1"), ..Default::default() }.check().unwrap();
/// assert_eq!((ok.name.as_deref(), ok.sku.as_deref()), (Some("Widget"), Some("AB-1")));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProductFields<'a> {
    pub name: Option<&'a str>,
    pub sku: Option<&'a str>,
    pub price: Option<Decimal>,
    pub stock: Option<u32>,
}

/// [`ProductFields`] after their rules: the name trimmed, the SKU normalised, the price with
/// two places.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckedFields {
    pub name: Option<String>,
    pub sku: Option<String>,
    pub price: Option<Decimal>,
    pub stock: Option<u32>,
}

impl ProductFields<'_> {
    /// Every given field's rule: the checked values, or one `Validation` error per bad field
    /// (in the order name, sku, price, stock).
    pub fn check(&self) -> std::result::Result<CheckedFields, Vec<InventoryError>> {
        fn keep<T>(errors: &mut Vec<InventoryError>, result: Result<T>) -> Option<T> {
            result.map_err(|e| errors.push(e)).ok()
        }
        let mut errors = Vec::new();
        let e = &mut errors;
        let checked = CheckedFields {
            name: self.name.and_then(|n| keep(e, validate_name(n))),
            sku: self.sku.and_then(|s| keep(e, crate::sku::normalize_sku(s))),
            price: self
                .price
                .and_then(|p| keep(e, crate::price::validate_price(p))),
            stock: self.stock.and_then(|s| keep(e, validate_stock(s))),
        };
        if errors.is_empty() {
            Ok(checked)
        } else {
            Err(errors)
        }
    }

    /// Like [`ProductFields::check`], failing with the first bad field's error only.
    pub(crate) fn check_first(&self) -> Result<CheckedFields> {
        self.check().map_err(|mut errors| errors.swap_remove(0))
    }
}

/// Checks and trims a product name: 1 to 100 characters (not bytes), no control characters.
///
/// ```
/// use inventory_core::validate_name;
/// assert_eq!(validate_name("  Widget ").unwrap(), "Widget");
/// assert!(validate_name(" ").is_err());
/// assert!(validate_name(&"é".repeat(101)).is_err());
/// ```
pub fn validate_name(raw: &str) -> Result<String> {
    let name = python_strip(raw);
    let chars = name.chars().count();
    if chars == 0 {
        return Err(InventoryError::validation("name", "must not be blank"));
    }
    if chars > MAX_NAME_CHARS {
        return Err(InventoryError::validation(
            "name",
            format!("must be at most {MAX_NAME_CHARS} characters (got {chars})"),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(InventoryError::validation(
            "name",
            "must not contain control characters",
        ));
    }
    if let Some(c) = name.chars().find(|c| is_bidi_control(*c)) {
        return Err(InventoryError::validation(
            "name",
            format!(
                "must not contain bidirectional override characters (U+{:04X}): they make the \
                 name display as something else",
                c as u32
            ),
        ));
    }
    Ok(name.to_owned())
}

/// Checks a stock quantity: 0 to [`MAX_STOCK`].
pub fn validate_stock(stock: u32) -> Result<u32> {
    if stock > MAX_STOCK {
        return Err(stock_range_error("stock"));
    }
    Ok(stock)
}

pub(crate) fn stock_range_error(field: &str) -> InventoryError {
    InventoryError::validation(field, format!("must be between 0 and {MAX_STOCK}"))
}
