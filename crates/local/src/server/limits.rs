//! Resource limits: how many files may be registered, how many bytes uploads may occupy on
//! disk, how long the endpoint waits for a request body, how many connections it serves at
//! once, and how many tokens the unsigned federation calls keep. A CI job sharing a disk with other
//! jobs must not be filled up or held open by a runaway client.

use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// The configured limits.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// Files `CreateFile` may register.
    pub(crate) max_files: usize,
    /// Bytes uploads may occupy: completed files plus uploads in progress.
    pub(crate) max_stored_bytes: u64,
    /// Longest wait for the next piece of a request body.
    pub(crate) body_timeout: Duration,
    /// Longest time a whole request body may take, however steadily it arrives.
    pub(crate) body_deadline: Duration,
    /// Connections served at once; further ones wait in the listen backlog.
    pub(crate) max_connections: usize,
    /// Unscoped tokens kept, and temporary credentials kept, by the federation calls (each).
    pub(crate) max_issued_tokens: usize,
}

/// Bytes of completed uploads and of uploads in progress.
#[derive(Debug, Default)]
struct Usage {
    stored: u64,
    reserved: u64,
}

/// Accounts upload bytes against [`Limits::max_stored_bytes`].
#[derive(Debug)]
pub(crate) struct ByteQuota {
    max: u64,
    usage: Mutex<Usage>,
}

impl ByteQuota {
    pub(crate) fn new(max: u64) -> Self {
        Self {
            max,
            usage: Mutex::new(Usage::default()),
        }
    }

    fn usage(&self) -> MutexGuard<'_, Usage> {
        crate::sync::lock(&self.usage)
    }

    /// Room for an upload of `bytes`, held until the returned reservation is dropped or
    /// committed; `None` when completed and in-progress uploads leave too little room.
    /// An upload replacing a completed file needs room for both copies while it runs, as the
    /// disk does.
    pub(super) fn reserve(&self, bytes: u64) -> Option<Reservation<'_>> {
        let mut usage = self.usage();
        let total = usage
            .stored
            .checked_add(usage.reserved)?
            .checked_add(bytes)?;
        if total > self.max {
            return None;
        }
        usage.reserved = usage.reserved.saturating_add(bytes);
        Some(Reservation { quota: self, bytes })
    }

    /// Bytes of completed uploads.
    #[cfg(test)]
    fn stored(&self) -> u64 {
        self.usage().stored
    }
}

/// Room reserved for one upload in progress; released when dropped.
#[derive(Debug)]
pub(super) struct Reservation<'a> {
    quota: &'a ByteQuota,
    bytes: u64,
}

impl Reservation<'_> {
    /// The upload completed: its bytes now count as stored when it created a file
    /// (`newly_stored`), and are released when it replaced a completed file of the same size.
    pub(super) fn commit(self, newly_stored: bool) {
        if newly_stored {
            let mut usage = self.quota.usage();
            usage.stored = usage.stored.saturating_add(self.bytes);
        }
        // `drop` releases the reservation.
    }
}

impl Drop for Reservation<'_> {
    fn drop(&mut self) {
        let mut usage = self.quota.usage();
        usage.reserved = usage.reserved.saturating_sub(self.bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reservations_count_until_released_and_commits_stay() {
        let quota = ByteQuota::new(10);
        let a = quota.reserve(6).unwrap();
        assert!(quota.reserve(5).is_none(), "6 + 5 > 10");
        let b = quota.reserve(4).unwrap();
        drop(b);
        a.commit(true);
        assert_eq!(quota.stored(), 6);
        assert!(quota.reserve(5).is_none(), "6 stored + 5 > 10");
        let c = quota.reserve(4).unwrap();
        c.commit(false);
        assert_eq!(quota.stored(), 6, "a replacement does not add");
        assert!(quota.reserve(4).is_some());
        assert!(quota.reserve(u64::MAX).is_none());
    }
}
