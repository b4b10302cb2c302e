//! [`OpenTransaction`]: a transaction held open across calls, for languages whose blocks are
//! not closures (Python's `with`, Kotlin's `try`/`finally`).
//!
//! [`Inventory::transaction`] runs a closure. An open transaction runs that closure on a thread
//! of its own, and each call made on it is sent to that thread as a closure of its own and
//! answered back; [`OpenTransaction::commit`] or [`OpenTransaction::rollback`] ends it. While it
//! is open, the thread that opened it may not call the inventory itself (its call would wait for
//! the lock the transaction holds): it gets [`InventoryError::inside_transaction`].

use std::any::Any;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, RecvError, Sender, TryRecvError, channel};
use std::sync::{Arc, Mutex};
use std::thread::{JoinHandle, ThreadId};
use std::time::{Duration, Instant};

use crate::error::{InventoryError, Result, StorageKind};
use crate::inventory::Inventory;
use crate::transaction::Transaction;

type Boxed = Box<dyn Any + Send>;
/// A call, run on the transaction's thread.
type Call = Box<dyn FnOnce(&mut Transaction<'_>) -> Result<Boxed> + Send>;
/// Its answer: the value or the error, or the payload of a panic (a bug).
type Reply = std::thread::Result<Result<Boxed>>;

enum Message {
    Call(Call),
    Commit,
    Rollback,
}

/// How long a side spins for the other's next message before it sleeps. Each call is two
/// hand-offs; waking a sleeping thread costs tens of microseconds (more on a busy machine),
/// more than most calls take, so each side first spins briefly for a message due at once.
const SPIN: Duration = Duration::from_micros(200);

/// The next message on `rx`: spun for up to [`SPIN`], then waited for.
fn receive<T>(rx: &Receiver<T>) -> std::result::Result<T, RecvError> {
    let start = Instant::now();
    loop {
        for _ in 0..64 {
            match rx.try_recv() {
                Ok(message) => return Ok(message),
                Err(TryRecvError::Disconnected) => return Err(RecvError),
                Err(TryRecvError::Empty) => std::hint::spin_loop(),
            }
        }
        if start.elapsed() >= SPIN {
            return rx.recv();
        }
    }
}

/// The threads that have a transaction of an inventory open (shared by its clones).
#[derive(Debug, Default)]
pub(crate) struct Openers {
    /// How many there are, so that the common case (none) takes no lock.
    count: AtomicUsize,
    threads: Mutex<Vec<ThreadId>>,
}

impl Openers {
    /// Whether this thread has a transaction of the inventory open.
    pub(crate) fn this_thread_is_one(&self) -> bool {
        if self.count.load(Ordering::SeqCst) == 0 {
            return false;
        }
        let me = std::thread::current().id();
        self.threads
            .lock()
            .map(|t| t.contains(&me))
            .unwrap_or(false)
    }

    fn add(&self, thread: ThreadId) {
        if let Ok(mut threads) = self.threads.lock() {
            threads.push(thread);
            self.count.store(threads.len(), Ordering::SeqCst);
        }
    }

    fn remove(&self, thread: ThreadId) {
        if let Ok(mut threads) = self.threads.lock() {
            if let Some(i) = threads.iter().position(|t| *t == thread) {
                threads.swap_remove(i);
            }
            self.count.store(threads.len(), Ordering::SeqCst);
        }
    }
}

fn poisoned() -> InventoryError {
    InventoryError::storage("an open transaction's lock was poisoned")
}

fn over() -> InventoryError {
    InventoryError::validation(
        "transaction",
        "the transaction is over (committed or rolled back): use the inventory",
    )
}

/// The way to the transaction's thread, while it runs.
struct Line {
    calls: Sender<Message>,
    replies: Receiver<Reply>,
    worker: JoinHandle<Result<()>>,
}

/// A transaction of an [`Inventory`] held open across calls, until [`OpenTransaction::commit`]
/// or [`OpenTransaction::rollback`] (dropping it rolls back). [`OpenTransaction::call`] runs a
/// call inside it; the rules are those of [`Inventory::transaction`]: a call that fails ends the
/// transaction, and the commit then returns its error.
///
/// ```
/// use inventory_core::{Inventory, NewProduct, Decimal};
/// let inv = Inventory::in_memory();
/// let tx = inv.begin()?;
/// let p = tx.call(|tx| tx.create(NewProduct::new("Bolt", "B-1", Decimal::ONE)))?;
/// tx.call(move |tx| tx.adjust_stock(p.id, 5, "restock"))?;
/// // The thread that opened it uses the transaction, not the inventory, until it ends.
/// assert_eq!(inv.get(p.id).unwrap_err().field(), Some("transaction"));
/// tx.commit()?;
/// assert_eq!(inv.get(p.id)?.stock, 5);
/// # Ok::<(), inventory_core::InventoryError>(())
/// ```
pub struct OpenTransaction {
    line: Mutex<Option<Line>>,
    openers: Arc<Openers>,
    opener: ThreadId,
}

impl std::fmt::Debug for OpenTransaction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenTransaction").finish_non_exhaustive()
    }
}

impl Inventory {
    /// Opens a transaction held across calls: see [`OpenTransaction`]. It starts on a thread of
    /// its own (its first call waits for the store's write lock). Bindings use it where a
    /// language's block is not a closure; in Rust, [`Inventory::transaction`] is simpler.
    pub fn begin(&self) -> Result<OpenTransaction> {
        self.live()?;
        let inv = self.clone();
        let (calls, inbox) = channel::<Message>();
        let (outbox, replies) = channel::<Reply>();
        let worker = std::thread::Builder::new()
            .name("inventory-transaction".into())
            .spawn(move || {
                let mut runs = 0;
                let mut panicked = false;
                inv.transaction(move |tx| {
                    runs += 1;
                    if runs > 1 {
                        // The store lost the transaction to a transient fault after its calls
                        // had their answers; they cannot be asked again.
                        return Err(InventoryError::storage_fault(
                            StorageKind::Busy,
                            "the transaction was interrupted by a transient storage fault and \
                             rolled back; run it again",
                            None::<std::io::Error>,
                        ));
                    }
                    loop {
                        match receive(&inbox) {
                            Ok(Message::Call(call)) => {
                                let reply = std::panic::catch_unwind(AssertUnwindSafe(|| call(tx)));
                                panicked |= reply.is_err();
                                if outbox.send(reply).is_err() {
                                    return Err(InventoryError::storage("rolled back"));
                                }
                            }
                            Ok(Message::Commit) if panicked => {
                                return Err(InventoryError::storage(
                                    "a call of the transaction failed inside the library (a \
                                     bug); it was rolled back",
                                ));
                            }
                            Ok(Message::Commit) => return Ok(()),
                            Ok(Message::Rollback) | Err(_) => {
                                return Err(InventoryError::storage("rolled back"));
                            }
                        }
                    }
                })
            })
            .map_err(|e| InventoryError::storage(format!("cannot start a transaction: {e}")))?;
        let opener = std::thread::current().id();
        self.openers.add(opener);
        Ok(OpenTransaction {
            line: Mutex::new(Some(Line {
                calls,
                replies,
                worker,
            })),
            openers: self.openers.clone(),
            opener,
        })
    }
}

impl OpenTransaction {
    /// Runs `f` inside the transaction and returns its answer. A panic inside `f` (a bug)
    /// resumes on the calling thread, and the transaction can then only roll back.
    pub fn call<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Transaction<'_>) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let reply = {
            let mut guard = self.line.lock().map_err(|_| poisoned())?;
            let Some(line) = guard.as_ref() else {
                return Err(over());
            };
            let call: Call = Box::new(move |tx| f(tx).map(|v| Box::new(v) as Boxed));
            let sent = line.calls.send(Message::Call(call)).is_ok();
            match sent.then(|| receive(&line.replies).ok()).flatten() {
                Some(reply) => reply,
                // The thread ended: the transaction could not start (or failed); say why.
                None => {
                    let line = guard.take().ok_or_else(over)?;
                    self.openers.remove(self.opener);
                    let ended = line.worker.join().unwrap_or_else(|_| Err(poisoned()));
                    return Err(ended.err().unwrap_or_else(over));
                }
            }
        };
        match reply {
            Ok(Ok(value)) => value
                .downcast::<T>()
                .map(|v| *v)
                .map_err(|_| InventoryError::storage("a transaction's answer of the wrong type")),
            Ok(Err(e)) => Err(e),
            Err(payload) => std::panic::resume_unwind(payload),
        }
    }

    /// Commits the transaction: returns the error of a call that failed, and then nothing is
    /// written; `Validation` (field `transaction`) when it was ended before.
    pub fn commit(&self) -> Result<()> {
        self.end(true)
    }

    /// Rolls the transaction back (nothing happens when it was ended before).
    pub fn rollback(&self) {
        // A rollback has nothing to report.
        let _ = self.end(false);
    }

    fn end(&self, commit: bool) -> Result<()> {
        let line = self.line.lock().map_err(|_| poisoned())?.take();
        let Some(line) = line else {
            return if commit { Err(over()) } else { Ok(()) };
        };
        self.openers.remove(self.opener);
        let message = if commit {
            Message::Commit
        } else {
            Message::Rollback
        };
        // A thread that ended already answers with its result below.
        let _ = line.calls.send(message);
        let result = line.worker.join().unwrap_or_else(|_| Err(poisoned()));
        if commit { result } else { Ok(()) }
    }
}

impl Drop for OpenTransaction {
    /// A transaction dropped without an end rolls back.
    fn drop(&mut self) {
        self.rollback();
    }
}
