//! Locking the server's shared state.

use std::sync::{Mutex, MutexGuard, PoisonError};

/// Locks `mutex` even when a thread panicked while holding it: every update of the server's
/// maps and counters is a single insert, remove or addition, so a panic cannot leave them
/// half-updated, and the server keeps serving.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
