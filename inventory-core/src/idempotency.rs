//! Idempotency keys: a request sent again with its key applies nothing and returns what the
//! first returned. See [`Inventory::idempotent`](crate::Inventory::idempotent).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{InventoryError, Result};

/// The longest idempotency key, in characters.
pub const MAX_IDEMPOTENCY_KEY_CHARS: usize = 255;

/// What a store keeps for a key: the request it was first used for and what that returned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdempotencyRecord {
    pub key: String,
    /// The request's fingerprint: its operation and its checked inputs.
    pub request: String,
    /// What the request returned, as JSON.
    pub response: String,
    pub at: DateTime<Utc>,
}

/// Checks a key: 1 to 255 characters, no control characters. Keys are compared exactly (not
/// trimmed, not case-folded).
///
/// ```
/// use inventory_core::check_idempotency_key;
/// assert!(check_idempotency_key("order-77").is_ok());
/// assert_eq!(check_idempotency_key("").unwrap_err().field(), Some("idempotency_key"));
/// ```
pub fn check_idempotency_key(key: &str) -> Result<()> {
    let bad = |m: String| Err(InventoryError::validation("idempotency_key", m));
    let chars = key.chars().count();
    if chars == 0 {
        return bad("must not be empty".into());
    }
    if chars > MAX_IDEMPOTENCY_KEY_CHARS {
        return bad(format!(
            "must be at most {MAX_IDEMPOTENCY_KEY_CHARS} characters (got {chars})"
        ));
    }
    if key.chars().any(char::is_control) {
        return bad("must not contain control characters".into());
    }
    Ok(())
}

/// A request's fingerprint: the operation's name and its checked inputs as JSON.
pub(crate) fn fingerprint(operation: &str, inputs: &impl Serialize) -> String {
    // Serialising these plain values cannot fail.
    format!(
        "{operation} {}",
        serde_json::to_string(inputs).unwrap_or_default()
    )
}
