//! The client-wide retry budget: a token bucket that every retry of a client draws from and
//! every success refills, in the shape of the AWS SDKs' standard retry mode. When a service
//! fails for every caller at once, the client sends the first attempts and at most the bucket's
//! worth of retries, instead of multiplying its load by the attempt limit.

use std::sync::atomic::{AtomicU32, Ordering};

/// Settings of the retry budget shared by all calls of one client (see
/// [`RetryConfig::with_budget`](super::RetryConfig::with_budget)).
///
/// With the defaults a client holds 500 tokens; a retry costs 5 (10 after a timeout), a
/// success puts back 1 (or, when it came after retries, the cost of the last one). A service
/// that fails every request of a fresh client thus sees at most 100 retries in total, on top of
/// the first attempts, until successes refill the bucket.
///
/// ```
/// use huaweicloud_sdk_core::retry::{RetryBudget, RetryConfig};
///
/// // At most 20 retries (of 5 tokens) while the service keeps failing.
/// let retry = RetryConfig::default().with_budget(Some(RetryBudget::default().with_capacity(100)));
/// assert_eq!(retry.budget.map(|b| b.capacity), Some(100));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryBudget {
    /// Tokens in a full bucket, which is how a client starts. Default 500.
    pub capacity: u32,
    /// Tokens a retry costs. Default 5.
    pub retry_cost: u32,
    /// Tokens a retry after a timeout costs (a timeout ties up the server longer than a quick
    /// error answer). Default 10.
    pub timeout_retry_cost: u32,
    /// Tokens a success at the first attempt puts back. Default 1.
    pub success_refill: u32,
}

impl Default for RetryBudget {
    fn default() -> Self {
        Self {
            capacity: 500,
            retry_cost: 5,
            timeout_retry_cost: 10,
            success_refill: 1,
        }
    }
}

impl RetryBudget {
    /// Sets the tokens in a full bucket.
    pub fn with_capacity(mut self, tokens: u32) -> Self {
        self.capacity = tokens;
        self
    }

    /// Sets the tokens a retry costs.
    pub fn with_retry_cost(mut self, tokens: u32) -> Self {
        self.retry_cost = tokens;
        self
    }

    /// Sets the tokens a retry after a timeout costs.
    pub fn with_timeout_retry_cost(mut self, tokens: u32) -> Self {
        self.timeout_retry_cost = tokens;
        self
    }

    /// Sets the tokens a success at the first attempt puts back.
    pub fn with_success_refill(mut self, tokens: u32) -> Self {
        self.success_refill = tokens;
        self
    }
}

/// The tokens of one client. Lock-free: a success at the first attempt of a full bucket
/// costs one atomic load.
#[derive(Debug)]
pub(crate) struct TokenBucket {
    settings: RetryBudget,
    tokens: AtomicU32,
}

impl TokenBucket {
    /// A full bucket.
    pub fn new(settings: RetryBudget) -> Self {
        Self {
            tokens: AtomicU32::new(settings.capacity),
            settings,
        }
    }

    /// Takes the cost of a retry after a failure (`timeout` says whether it was a timeout);
    /// `None` when the bucket holds too few tokens, else the tokens taken.
    pub fn acquire(&self, timeout: bool) -> Option<u32> {
        let cost = if timeout {
            self.settings.timeout_retry_cost
        } else {
            self.settings.retry_cost
        };
        self.tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |held| {
                held.checked_sub(cost)
            })
            .ok()
            .map(|_| cost)
    }

    /// Refills after a success: the tokens the last retry took when there was one, else the
    /// success refill. Never above the capacity.
    pub fn release(&self, last_retry_cost: Option<u32>) {
        let amount = last_retry_cost.unwrap_or(self.settings.success_refill);
        let capacity = self.settings.capacity;
        // A full bucket (the usual case) is left alone without a write.
        if amount == 0 || self.tokens.load(Ordering::Relaxed) >= capacity {
            return;
        }
        let _ = self
            .tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |held| {
                (held < capacity).then(|| held.saturating_add(amount).min(capacity))
            });
    }

    /// Tokens left.
    #[cfg(test)]
    pub fn tokens(&self) -> u32 {
        self.tokens.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_drain_the_bucket_and_successes_refill_it() {
        let bucket = TokenBucket::new(RetryBudget::default().with_capacity(12));
        assert_eq!(bucket.acquire(false), Some(5));
        assert_eq!(bucket.acquire(false), Some(5));
        assert_eq!(bucket.tokens(), 2);
        assert_eq!(bucket.acquire(false), None, "2 tokens do not pay a retry");
        bucket.release(None);
        assert_eq!(bucket.tokens(), 3);
        bucket.release(Some(5));
        assert_eq!(bucket.tokens(), 8);
        assert_eq!(bucket.acquire(true), None, "a timeout retry costs 10");
        bucket.release(Some(10));
        assert_eq!(bucket.tokens(), 12, "never above the capacity");
        assert_eq!(bucket.acquire(true), Some(10));
    }
}
