//! Where the library's time comes from: the system clock, or a [`ManualClock`] a test moves.
//! Hold expiry, event times and product timestamps all read the inventory's clock
//! ([`Inventory::with_clock`](crate::Inventory::with_clock)).

use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Utc};

/// A source of the current time, at microsecond precision (what every store keeps).
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// Now.
    fn now(&self) -> DateTime<Utc>;
}

/// The system clock, read so that every reading in this process is strictly later than the one
/// before: products created one after another keep their order in `created_at` even when the
/// clock has not ticked, or has stepped back, in between.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        static LAST_MICROS: AtomicI64 = AtomicI64::new(i64::MIN);
        let wall = Utc::now().timestamp_micros();
        let next = |last: i64| wall.max(last.saturating_add(1));
        let (Ok(last) | Err(last)) =
            LAST_MICROS.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |last| {
                Some(next(last))
            });
        DateTime::from_timestamp_micros(next(last)).unwrap_or_else(Utc::now)
    }
}

/// A clock that stands still until it is told to move: for tests of what happens when time
/// passes (a hold expiring) without waiting for it. Every reading is exactly the time set.
///
/// ```
/// use std::sync::Arc;
/// use std::time::Duration;
/// use inventory_core::{Clock, Inventory, ManualClock, NewHold, NewProduct, Decimal};
/// let clock = Arc::new(ManualClock::new("2026-01-01T12:00:00Z".parse().unwrap()));
/// let inv = Inventory::in_memory().with_clock(clock.clone());
/// let p = inv.create(NewProduct::new("Bolt", "B-1", Decimal::ONE).with_stock(3))?;
/// let hold = inv.reserve(NewHold::new(p.id, 2).expires_in(Duration::from_secs(900)))?;
/// assert_eq!(inv.stock_levels(p.id)?[0].available, 1);
/// clock.advance(Duration::from_secs(900));
/// assert_eq!(inv.stock_levels(p.id)?[0].available, 3); // expired at that instant
/// assert_eq!(inv.commit_hold(hold.id, None, "sale").unwrap_err().code(), "HOLD_EXPIRED");
/// # Ok::<(), inventory_core::InventoryError>(())
/// ```
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<DateTime<Utc>>,
}

impl ManualClock {
    /// A clock showing `start` (truncated to microseconds).
    pub fn new(start: DateTime<Utc>) -> Self {
        Self {
            now: Mutex::new(truncate(start)),
        }
    }

    /// Sets the time (truncated to microseconds); it may go back.
    pub fn set(&self, t: DateTime<Utc>) {
        *self.lock() = truncate(t);
    }

    /// Moves the time forward by `by` (truncated to microseconds).
    pub fn advance(&self, by: std::time::Duration) {
        let mut now = self.lock();
        let micros = i64::try_from(by.as_micros()).unwrap_or(i64::MAX);
        *now = DateTime::from_timestamp_micros(now.timestamp_micros().saturating_add(micros))
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, DateTime<Utc>> {
        self.now
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.lock()
    }
}

/// `t` at microsecond precision.
pub(crate) fn truncate(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(t.timestamp_micros()).unwrap_or(t)
}
