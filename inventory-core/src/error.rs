//! The one error type of the library.
//!
//! Every variant survives into every binding: Python gets one exception class per variant, JS an
//! `Error` with a `code` (see [`InventoryError::code`]), Kotlin and Swift one case of an error enum.

use std::fmt;
use std::sync::Arc;

use uuid::Uuid;

/// Shorthand for `Result<T, InventoryError>`.
pub type Result<T, E = InventoryError> = std::result::Result<T, E>;

/// The code a binding gives a failure that is not an [`InventoryError`]: a panic (a bug) caught
/// at the language boundary. Never the [`code`](InventoryError::code) of a variant.
pub const INTERNAL: &str = "INTERNAL";

/// Everything that can go wrong, each naming the field or rule involved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Error), uniffi::export(Display))]
#[non_exhaustive]
pub enum InventoryError {
    /// An input broke a rule: `field` names the input, `message` the rule.
    #[error("{field}: {message}")]
    Validation { field: String, message: String },

    /// Another product already has this SKU (after normalisation).
    #[error("sku: a product with SKU {sku:?} already exists")]
    DuplicateSku { sku: String },

    /// No product has this id or SKU (`key`: `id …`, `SKU "AB-1"`), or no location this code
    /// (`key`: `location "WH-9"`).
    #[error("{}", not_found_message(key))]
    NotFound { key: String },

    /// Taking `requested` units would leave less than zero in stock (`field` is `stock`, or
    /// `movements[3].stock` for a movement of a batch).
    #[error("{field}: insufficient stock: {available} available, {requested} requested")]
    InsufficientStock {
        field: String,
        available: u32,
        requested: u64,
    },

    /// The change would take stock above the maximum (`field` as for `InsufficientStock`).
    #[error("{field}: {current} + {delta} would exceed the maximum stock of {max}", max = crate::MAX_STOCK)]
    StockOverflow {
        field: String,
        current: u32,
        delta: i64,
    },

    /// The caller expected a value (`field`: `version` or `stock`) that has since moved.
    #[error("{field}: expected {expected}, but it is now {actual}; reload and retry")]
    VersionConflict {
        field: String,
        expected: u64,
        actual: u64,
    },

    /// The idempotency key was used before for a different request; nothing was changed.
    #[error("idempotency_key: {key:?} was already used for a different request")]
    IdempotencyConflict { key: String },

    /// The hold was committed, released or expired before (`status` says which): a hold
    /// resolves once. Nothing was changed.
    #[error("hold_id: hold {hold_id} is already {status}")]
    HoldClosed { hold_id: Uuid, status: String },

    /// The hold passed its `expires_at` before it was committed or released: its stock is
    /// no longer reserved. Nothing was changed.
    #[error("hold_id: hold {hold_id} expired at {}", expires_at.to_rfc3339())]
    HoldExpired {
        hold_id: Uuid,
        expires_at: chrono::DateTime<chrono::Utc>,
    },

    /// The storage backend failed: `kind` says how (a full disk, a database busy past the
    /// timeout, a lost connection, …), `message` says what, `source` is the backend's own error.
    #[error("storage: {message}")]
    Storage {
        kind: StorageKind,
        message: String,
        #[source]
        source: Option<Cause>,
    },
}

/// The message of [`InventoryError::NotFound`]: `no product with id …`, `no location "WH-9"`.
fn not_found_message(key: &str) -> String {
    if let Some(code) = key.strip_prefix("location ") {
        format!("no location {code}")
    } else if let Some(id) = key.strip_prefix("hold ") {
        format!("no hold {id}")
    } else {
        format!("no product with {key}")
    }
}

/// How storage failed, so a caller can decide what to do: retry later (`Busy`,
/// `ConnectionLost`), tell an operator (`DiskFull`, `ReadOnly`, `Corrupt`), or report it.
///
/// Bindings expose it as its [`StorageKind::as_str`] code: Python's `StorageError.kind` (and a
/// subclass per kind), JS `error.kind`, Kotlin and Swift an enum, REST a status (503 for `Busy`
/// and `ConnectionLost`, 507 for `DiskFull`, 500 otherwise).
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StorageKind {
    /// The disk (or the database's quota) is full.
    DiskFull,
    /// The database or its file can only be read.
    ReadOnly,
    /// Another writer held the database for longer than the busy timeout.
    Busy,
    /// The database is damaged, or is not this library's database.
    Corrupt,
    /// The database cannot be reached: the server is down or the connection broke, or the file
    /// was deleted or replaced while open. A write that failed so may still have committed.
    ConnectionLost,
    /// The inventory was closed ([`Inventory::close`](crate::Inventory::close)); open it again.
    Closed,
    /// Anything else.
    Other,
}

impl StorageKind {
    /// The kind's stable code: `DISK_FULL`, `READ_ONLY`, `BUSY`, `CORRUPT`, `CONNECTION_LOST`,
    /// `CLOSED`, `OTHER`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::DiskFull => "DISK_FULL",
            Self::ReadOnly => "READ_ONLY",
            Self::Busy => "BUSY",
            Self::Corrupt => "CORRUPT",
            Self::ConnectionLost => "CONNECTION_LOST",
            Self::Closed => "CLOSED",
            Self::Other => "OTHER",
        }
    }
}

/// The backend's own error behind a [`InventoryError::Storage`], kept for
/// [`std::error::Error::source`]. Two causes compare equal when they print the same.
#[derive(Clone)]
pub struct Cause(Arc<dyn std::error::Error + Send + Sync>);

impl Cause {
    pub fn new(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self(Arc::new(error))
    }
}

impl fmt::Debug for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for Cause {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

impl PartialEq for Cause {
    fn eq(&self, other: &Self) -> bool {
        self.to_string() == other.to_string()
    }
}

impl Eq for Cause {}

impl InventoryError {
    /// A stable, language-neutral code for the variant: `VALIDATION`, `DUPLICATE_SKU`,
    /// `NOT_FOUND`, `INSUFFICIENT_STOCK`, `STOCK_OVERFLOW`, `VERSION_CONFLICT`,
    /// `IDEMPOTENCY_CONFLICT`, `HOLD_CLOSED`, `HOLD_EXPIRED` or `STORAGE`.
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
            Self::IdempotencyConflict { .. } => "IDEMPOTENCY_CONFLICT",
            Self::HoldClosed { .. } => "HOLD_CLOSED",
            Self::HoldExpired { .. } => "HOLD_EXPIRED",
            Self::Storage { .. } => "STORAGE",
        }
    }

    /// The input field the error is about, where there is one.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::Validation { field, .. }
            | Self::VersionConflict { field, .. }
            | Self::InsufficientStock { field, .. }
            | Self::StockOverflow { field, .. } => Some(field),
            Self::DuplicateSku { .. } => Some("sku"),
            Self::IdempotencyConflict { .. } => Some("idempotency_key"),
            Self::HoldClosed { .. } | Self::HoldExpired { .. } => Some("hold_id"),
            Self::NotFound { .. } | Self::Storage { .. } => None,
        }
    }

    /// What a thread gets when it calls an inventory while it is inside a transaction of that
    /// inventory ([`Inventory::transaction`](crate::Inventory::transaction)): a `Validation`
    /// error, field `transaction`. Bindings that run a transaction on a thread of their own
    /// raise it for the thread that opened it.
    pub fn inside_transaction() -> Self {
        Self::validation(
            "transaction",
            "this thread is inside a transaction of this inventory: make the call on the \
             transaction, or after it",
        )
    }

    /// A [`InventoryError::Validation`] for `field`.
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation {
            field: field.into(),
            message: message.into(),
        }
    }

    /// A [`InventoryError::Storage`] of kind [`StorageKind::Other`] from anything printable.
    pub fn storage(message: impl std::fmt::Display) -> Self {
        Self::Storage {
            kind: StorageKind::Other,
            message: message.to_string(),
            source: None,
        }
    }

    /// A [`InventoryError::Storage`] of `kind`, with the backend's error as its source.
    ///
    /// ```
    /// use inventory_core::{InventoryError, StorageKind};
    /// let io = std::io::Error::other("no space left on device");
    /// let e = InventoryError::storage_fault(StorageKind::DiskFull, "cannot write shop.db", Some(io));
    /// assert_eq!(e.storage_kind(), Some(StorageKind::DiskFull));
    /// assert_eq!(std::error::Error::source(&e).unwrap().to_string(), "no space left on device");
    /// ```
    pub fn storage_fault(
        kind: StorageKind,
        message: impl std::fmt::Display,
        source: Option<impl std::error::Error + Send + Sync + 'static>,
    ) -> Self {
        Self::Storage {
            kind,
            message: message.to_string(),
            source: source.map(Cause::new),
        }
    }

    /// The error as it concerns item `index` of a list the caller passed: a `Validation` error's
    /// field becomes `items[index].field`; other errors stay as they are. See
    /// [`InventoryError::in_list`] for a list of another name.
    ///
    /// ```
    /// use inventory_core::InventoryError;
    /// let e = InventoryError::validation("price", "must be greater than 0").in_item(3);
    /// assert_eq!(e.field(), Some("items[3].price"));
    /// assert_eq!(e.to_string(), "items[3].price: must be greater than 0");
    /// ```
    pub fn in_item(self, index: usize) -> Self {
        self.in_list("items", index)
    }

    /// The error as it concerns item `index` of the list `list`: the field of a `Validation`,
    /// `VersionConflict`, `InsufficientStock` or `StockOverflow` error becomes
    /// `list[index].field` (`movements[3].delta`), a `NotFound` key ends `(list[index])`; other
    /// errors stay as they are.
    pub fn in_list(self, list: &str, index: usize) -> Self {
        let named = |field: String| format!("{list}[{index}].{field}");
        match self {
            Self::Validation { field, message } => Self::Validation {
                field: named(field),
                message,
            },
            Self::VersionConflict {
                field,
                expected,
                actual,
            } => Self::VersionConflict {
                field: named(field),
                expected,
                actual,
            },
            Self::InsufficientStock {
                field,
                available,
                requested,
            } => Self::InsufficientStock {
                field: named(field),
                available,
                requested,
            },
            Self::StockOverflow {
                field,
                current,
                delta,
            } => Self::StockOverflow {
                field: named(field),
                current,
                delta,
            },
            Self::NotFound { key } => Self::NotFound {
                key: format!("{key} ({list}[{index}])"),
            },
            other => other,
        }
    }

    /// The kind of a `Storage` error; `None` for every other variant.
    pub fn storage_kind(&self) -> Option<StorageKind> {
        match self {
            Self::Storage { kind, .. } => Some(*kind),
            _ => None,
        }
    }

    pub(crate) fn not_found_id(id: Uuid) -> Self {
        Self::NotFound {
            key: format!("id {id}"),
        }
    }

    pub(crate) fn not_found_location(code: &str) -> Self {
        Self::NotFound {
            key: format!("location {code:?}"),
        }
    }

    pub(crate) fn not_found_hold(id: Uuid) -> Self {
        Self::NotFound {
            key: format!("hold {id}"),
        }
    }

    pub(crate) fn not_found_sku(sku: &str) -> Self {
        Self::NotFound {
            key: format!("SKU {sku:?}"),
        }
    }
}
