//! A transaction Python holds across calls (`with inv.transaction() as tx:`).
//!
//! The core runs a transaction as a closure ([`Inventory::transaction`]); Python's `with` block
//! is not one. So the transaction runs on a thread of its own, inside that closure, and each
//! call of the block is sent to it as a closure of its own and answered back; leaving the block
//! sends a commit or a rollback. The thread that opened the transaction may not call the
//! inventory around it until then (its call would wait for the lock the transaction holds):
//! it gets the core's `inside_transaction` error.

use std::any::Any;
use std::panic::AssertUnwindSafe;
use std::sync::mpsc::{Receiver, RecvError, Sender, TryRecvError, channel};
use std::sync::{Arc, Mutex};
use std::thread::{JoinHandle, ThreadId};
use std::time::{Duration, Instant};

use inventory_core::{Inventory, InventoryError, StorageKind, Transaction};
use pyo3::prelude::*;

use crate::{panic_to_py_err, to_py_err};

type Boxed = Box<dyn Any + Send>;
/// A call of the block, run on the transaction's thread.
type Call = Box<dyn FnOnce(&mut Transaction<'_>) -> inventory_core::Result<Boxed> + Send>;
/// Its answer: the value or the error, or the payload of a panic (a bug).
type Reply = std::thread::Result<inventory_core::Result<Boxed>>;

enum Message {
    Call(Call),
    Commit,
    Rollback,
}

/// The threads that have a transaction open on an inventory (shared by its handles).
#[derive(Default, Clone)]
pub(crate) struct OpenOn(Arc<Mutex<Vec<ThreadId>>>);

impl OpenOn {
    /// The core's error when this thread has a transaction of the inventory open.
    pub(crate) fn refuse_this_thread(&self) -> inventory_core::Result<()> {
        let me = std::thread::current().id();
        let open = self.0.lock().map_err(|_| poisoned())?;
        if open.contains(&me) {
            return Err(InventoryError::inside_transaction());
        }
        Ok(())
    }

    fn add(&self, thread: ThreadId) {
        if let Ok(mut open) = self.0.lock() {
            open.push(thread);
        }
    }

    fn remove(&self, thread: ThreadId) {
        if let Ok(mut open) = self.0.lock()
            && let Some(i) = open.iter().position(|t| *t == thread)
        {
            open.swap_remove(i);
        }
    }
}

/// How long a side of the transaction spins for the other's next message before it sleeps. A
/// call of the block goes to the transaction's thread and its answer comes back: two hand-offs
/// per call. Waking a sleeping thread costs tens of microseconds (more on a busy machine), more
/// than most calls take, so each side first spins briefly for a message that is due at once.
const SPIN: Duration = Duration::from_micros(200);

/// The next message on `rx`: spun for up to [`SPIN`], then waited for.
fn receive<T>(rx: &Receiver<T>) -> Result<T, RecvError> {
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

fn poisoned() -> InventoryError {
    InventoryError::storage("a transaction's lock was poisoned")
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
    worker: JoinHandle<inventory_core::Result<()>>,
}

/// An open transaction: its thread, and who opened it.
pub(crate) struct OpenTransaction {
    line: Mutex<Option<Line>>,
    open_on: OpenOn,
    opener: ThreadId,
}

impl OpenTransaction {
    /// Starts a transaction of `inv` on a thread of its own, for the calling thread.
    pub(crate) fn begin(inv: Inventory, open_on: OpenOn) -> Self {
        let (calls, inbox) = channel::<Message>();
        let (outbox, replies) = channel::<Reply>();
        let worker = std::thread::spawn(move || {
            let mut runs = 0;
            let mut panicked = false;
            inv.transaction(move |tx| {
                runs += 1;
                if runs > 1 {
                    // The store lost the transaction to a transient fault after the block's
                    // calls had their answers; they cannot be asked again.
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
                                "a call of the transaction failed inside the library (a bug); \
                                 it was rolled back",
                            ));
                        }
                        Ok(Message::Commit) => return Ok(()),
                        Ok(Message::Rollback) | Err(_) => {
                            return Err(InventoryError::storage("rolled back"));
                        }
                    }
                }
            })
        });
        let opener = std::thread::current().id();
        open_on.add(opener);
        Self {
            line: Mutex::new(Some(Line {
                calls,
                replies,
                worker,
            })),
            open_on,
            opener,
        }
    }

    /// Runs `f` inside the transaction and returns its answer.
    pub(crate) fn call<T: Send + 'static>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&mut Transaction<'_>) -> inventory_core::Result<T> + Send + 'static,
    ) -> PyResult<T> {
        let reply = py.detach(|| -> Result<Reply, InventoryError> {
            let mut guard = self.line.lock().map_err(|_| poisoned())?;
            let Some(line) = guard.as_ref() else {
                return Err(over());
            };
            let call: Call = Box::new(move |tx| f(tx).map(|v| Box::new(v) as Boxed));
            let answered = line.calls.send(Message::Call(call)).is_ok();
            match answered.then(|| receive(&line.replies).ok()).flatten() {
                Some(reply) => Ok(reply),
                // The thread ended: the transaction could not start (or failed); say why.
                None => {
                    let line = guard.take().ok_or_else(over)?;
                    self.open_on.remove(self.opener);
                    Err(line
                        .worker
                        .join()
                        .unwrap_or_else(|_| Err(poisoned()))
                        .err()
                        .unwrap_or_else(over))
                }
            }
        });
        match reply {
            Err(e) => Err(to_py_err(py, &e)),
            Ok(Ok(Ok(value))) => value.downcast::<T>().map(|v| *v).map_err(|_| {
                to_py_err(
                    py,
                    &InventoryError::storage("a transaction's answer of the wrong type"),
                )
            }),
            Ok(Ok(Err(e))) => Err(to_py_err(py, &e)),
            Ok(Err(payload)) => Err(panic_to_py_err(py, payload.as_ref())),
        }
    }

    /// Commits (`commit`) or rolls back the transaction, and waits for its thread.
    pub(crate) fn end(&self, py: Python<'_>, commit: bool) -> PyResult<()> {
        let result = py.detach(|| -> inventory_core::Result<()> {
            let line = self.line.lock().map_err(|_| poisoned())?.take();
            let Some(line) = line else {
                return if commit { Err(over()) } else { Ok(()) };
            };
            self.open_on.remove(self.opener);
            let message = if commit {
                Message::Commit
            } else {
                Message::Rollback
            };
            // A thread that ended already answers with its result below.
            let _ = line.calls.send(message);
            let result = line.worker.join().unwrap_or_else(|_| Err(poisoned()));
            if commit { result } else { Ok(()) }
        });
        result.map_err(|e| to_py_err(py, &e))
    }
}

impl Drop for OpenTransaction {
    /// A transaction dropped without `end` rolls back (its thread sees the line close).
    fn drop(&mut self) {
        self.open_on.remove(self.opener);
    }
}
