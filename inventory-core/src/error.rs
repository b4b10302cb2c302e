//! The one error type of the library.
//!
//! Every variant survives into every binding: Python gets one exception class per variant, JS an
//! `Error` with a `code` (see [`InventoryError::code`]), Kotlin and Swift one case of an error enum.

use uuid::Uuid;

/// Shorthand for `Result<T, InventoryError>`.
pub type Result<T, E = InventoryError> = std::result::Result<T, E>;

/// Everything that can go wrong, each naming the field or rule involved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Error), uniffi::export(Display))]
pub enum InventoryError {
    /// An input broke a rule: `field` names the input, `message` the rule.
    #[error("{field}: {message}")]
    Validation { field: String, message: String },

    /// Another product already has this SKU (after normalisation).
    #[error("sku: a product with SKU {sku:?} already exists")]
    DuplicateSku { sku: String },

    /// No product has this id or SKU.
    #[error("no product with {key}")]
    NotFound { key: String },

    /// Taking `requested` units would leave less than zero in stock.
    #[error("stock: insufficient stock: {available} available, {requested} requested")]
    InsufficientStock { available: u32, requested: u64 },

    /// The change would take stock above the maximum.
    #[error("stock: {current} + {delta} would exceed the maximum stock of {max}", max = crate::MAX_STOCK)]
    StockOverflow { current: u32, delta: i64 },

    /// The caller expected a value (`field`: `version` or `stock`) that has since moved.
    #[error("{field}: expected {expected}, but it is now {actual}; reload and retry")]
    VersionConflict {
        field: String,
        expected: u64,
        actual: u64,
    },

    /// The storage backend failed (I/O, a locked or corrupt database, a schema too new…).
    #[error("storage: {message}")]
    Storage { message: String },
}

impl InventoryError {
    /// A stable, language-neutral code for the variant: `VALIDATION`, `DUPLICATE_SKU`,
    /// `NOT_FOUND`, `INSUFFICIENT_STOCK`, `STOCK_OVERFLOW`, `VERSION_CONFLICT` or `STORAGE`.
    ///
    /// ```
    /// use inventory_core::InventoryError;
    /// let e = InventoryError::validation("price", "must be greater than 0");
    /// assert_eq!(e.code(), "VALIDATION");
    /// assert_eq!(e.to_string(), "price: must be greater than 0");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            Self::Validation { .. } => "VALIDATION",
            Self::DuplicateSku { .. } => "DUPLICATE_SKU",
            Self::NotFound { .. } => "NOT_FOUND",
            Self::InsufficientStock { .. } => "INSUFFICIENT_STOCK",
            Self::StockOverflow { .. } => "STOCK_OVERFLOW",
            Self::VersionConflict { .. } => "VERSION_CONFLICT",
            Self::Storage { .. } => "STORAGE",
        }
    }

    /// The input field the error is about, where there is one.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::Validation { field, .. } | Self::VersionConflict { field, .. } => Some(field),
            Self::DuplicateSku { .. } => Some("sku"),
            Self::InsufficientStock { .. } | Self::StockOverflow { .. } => Some("stock"),
            Self::NotFound { .. } | Self::Storage { .. } => None,
        }
    }

    /// A [`InventoryError::Validation`] for `field`.
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation {
            field: field.into(),
            message: message.into(),
        }
    }

    /// A [`InventoryError::Storage`] from anything printable.
    pub fn storage(message: impl std::fmt::Display) -> Self {
        Self::Storage {
            message: message.to_string(),
        }
    }

    pub(crate) fn not_found_id(id: Uuid) -> Self {
        Self::NotFound {
            key: format!("id {id}"),
        }
    }

    pub(crate) fn not_found_sku(sku: &str) -> Self {
        Self::NotFound {
            key: format!("SKU {sku:?}"),
        }
    }
}
