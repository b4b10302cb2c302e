//! Errors of the `postgres` client as storage faults: their kind, their text, and which are
//! worth running the transaction again for (and after how long).

use std::time::Duration;

use ::postgres::error::SqlState;

use crate::error::{InventoryError, StorageKind};

/// A `Storage` error worded from a PostgreSQL error (SQLSTATE, message and detail), of the
/// kind its SQLSTATE class says.
pub(super) fn storage(e: ::postgres::Error) -> InventoryError {
    InventoryError::storage_fault(fault_kind(&e), describe(&e), Some(e))
}

/// What kind of fault a PostgreSQL error is: from the SQLSTATE where the server sent one, else
/// the connection itself failed (closed, refused, timed out).
pub(super) fn fault_kind(e: &::postgres::Error) -> StorageKind {
    let Some(code) = e.code() else {
        return StorageKind::ConnectionLost;
    };
    match code.code() {
        // Class 08: connection exception; 57P01..57P03: the server is shutting down or starting.
        c if c.starts_with("08") || ["57P01", "57P02", "57P03"].contains(&c) => {
            StorageKind::ConnectionLost
        }
        // disk_full, out of memory, too many connections (class 53: insufficient resources).
        "53100" => StorageKind::DiskFull,
        c if c.starts_with("53") => StorageKind::Busy,
        // read_only_sql_transaction (a standby, or default_transaction_read_only).
        "25006" => StorageKind::ReadOnly,
        // lock_not_available, query_canceled (statement or lock timeout).
        "55P03" | "57014" => StorageKind::Busy,
        // data_corrupted, index_corrupted.
        "XX001" | "XX002" => StorageKind::Corrupt,
        _ => StorageKind::Other,
    }
}

pub(super) fn describe(e: &::postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => {
            let mut text = format!("PostgreSQL {}: {}", db.code().code(), db.message());
            if let Some(detail) = db.detail() {
                text.push_str(&format!(" ({detail})"));
            }
            text
        }
        None => format!("PostgreSQL: {e}"),
    }
}

/// A deadlock or serialization failure: re-running the transaction can succeed.
pub(super) fn is_transient(e: &::postgres::Error) -> bool {
    matches!(
        e.code(),
        Some(c) if *c == SqlState::T_R_SERIALIZATION_FAILURE || *c == SqlState::T_R_DEADLOCK_DETECTED
    )
}

/// How long to pause before re-running a transaction for the `attempt`-th time: a random time
/// in the upper half of a window that doubles with each attempt (5 ms, 10 ms, … up to 640 ms).
///
/// The randomness matters more than the length: two writers that deadlocked and pause for the
/// same time meet again in the same order, and each repeat costs the server's
/// `deadlock_timeout` before it is detected.
pub(super) fn backoff(attempt: u32) -> Duration {
    use std::hash::{BuildHasher, RandomState};
    let window_micros = 5_000u64 << attempt.saturating_sub(1).min(7);
    // A fresh `RandomState` is seeded randomly per process and per call: enough jitter here.
    let random = RandomState::new().hash_one(attempt);
    Duration::from_micros(window_micros / 2 + random % (window_micros / 2 + 1))
}

#[cfg(test)]
mod tests {
    use super::super::MAX_ATTEMPTS;
    use super::*;

    #[test]
    fn the_backoff_grows_is_capped_and_is_not_the_same_every_time() {
        for attempt in 1..MAX_ATTEMPTS {
            let window = Duration::from_millis(5 << (attempt - 1).min(7));
            let pauses: Vec<Duration> = (0..64).map(|_| backoff(attempt)).collect();
            assert!(
                pauses.iter().all(|p| *p >= window / 2 && *p <= window),
                "attempt {attempt}: {pauses:?} outside {window:?}"
            );
            pauses
                .iter()
                .skip(1)
                .find(|p| **p != pauses[0])
                .unwrap_or_else(|| {
                    panic!("attempt {attempt}: 64 pauses of {:?}, no jitter", pauses[0])
                });
        }
        assert!(backoff(u32::MAX) <= Duration::from_millis(640));
    }
}
