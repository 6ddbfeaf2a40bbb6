//! [`CachingProvider`]: reuses credentials and refreshes temporary ones before they expire, with
//! a single refresh however many callers wait.

use std::fmt;
use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant, SystemTime};

use async_trait::async_trait;

use super::{Credentials, ProvideCredentials, SharedCredentialsProvider};
use crate::error::{Error, Result};

/// The official SDKs refresh temporary credentials when less than 40 minutes remain.
const DEFAULT_REFRESH_WINDOW: Duration = Duration::from_secs(40 * 60);
/// After a failed refresh while the old credentials are still valid, wait this long before
/// trying again (callers get the old credentials meanwhile).
const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(10);

/// Caches the credentials of another provider.
///
/// * Credentials without an expiry are fetched once and kept forever (until
///   [`invalidate`](Self::invalidate)).
/// * Temporary credentials are refreshed once less than the refresh window (default 40 min, as
///   in the official SDKs; see [`with_refresh_window`](Self::with_refresh_window)) remains
///   before `expires_at`. Credentials that live shorter than the window are refreshed when half
///   of their remaining lifetime has passed, so that they are not fetched again at every call.
/// * Refreshes are single-flight: however many callers need a refresh at the same time, the
///   inner provider is called once and they all get its result.
/// * When a refresh fails while the cached credentials have not expired yet, those are
///   returned (a warning is logged) and the refresh is retried 10 s later at the earliest.
///   Once they have expired, the error is returned.
///
/// Fresh credentials are served under a short read lock without waiting on a refresh.
///
/// ```
/// use std::sync::Arc;
/// use std::time::Duration;
/// use huaweicloud_sdk_core::credentials::{CachingProvider, ChainProvider};
///
/// let provider = CachingProvider::new(Arc::new(ChainProvider::default_chain()))
///     .with_refresh_window(Duration::from_secs(15 * 60));
/// # let _ = provider;
/// ```
pub struct CachingProvider {
    inner: SharedCredentialsProvider,
    refresh_window: Duration,
    state: RwLock<State>,
    refresh: tokio::sync::Mutex<()>,
}

#[derive(Default)]
struct State {
    credentials: Option<Credentials>,
    /// When to refresh; `None` with credentials present means never.
    refresh_at: Option<SystemTime>,
    /// Incremented after every refresh attempt, so waiters can tell one happened.
    generation: u64,
    /// Message of the last failed attempt that left no usable credentials.
    last_error: Option<String>,
    /// No refresh before this instant (set after a failure with usable old credentials).
    retry_after: Option<Instant>,
}

impl CachingProvider {
    /// Caches the credentials of `inner`.
    pub fn new(inner: SharedCredentialsProvider) -> Self {
        Self {
            inner,
            refresh_window: DEFAULT_REFRESH_WINDOW,
            state: RwLock::new(State::default()),
            refresh: tokio::sync::Mutex::new(()),
        }
    }

    /// Refreshes temporary credentials once less than `window` remains before they expire
    /// (default 40 minutes).
    pub fn with_refresh_window(mut self, window: Duration) -> Self {
        self.refresh_window = window;
        self
    }

    /// The refresh window.
    pub fn refresh_window(&self) -> Duration {
        self.refresh_window
    }

    /// Forgets the cached credentials: the next call asks the inner provider (e.g. after the
    /// service rejected them).
    pub fn invalidate(&self) {
        let mut state = self.write();
        state.credentials = None;
        state.refresh_at = None;
        state.retry_after = None;
    }

    fn read(&self) -> RwLockReadGuard<'_, State> {
        self.state.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// The cached credentials when they can be used as they are, else the generation seen.
    fn cached(&self) -> std::result::Result<Credentials, u64> {
        let state = self.read();
        if let Some(credentials) = &state.credentials {
            let now = SystemTime::now();
            let due = state.refresh_at.is_some_and(|at| now >= at);
            if !due {
                return Ok(credentials.clone());
            }
            let backing_off = state.retry_after.is_some_and(|t| Instant::now() < t);
            if backing_off && !is_expired(credentials, now) {
                return Ok(credentials.clone());
            }
        }
        Err(state.generation)
    }

    fn refresh_at(&self, credentials: &Credentials, now: SystemTime) -> Option<SystemTime> {
        let expires = credentials.expires_at()?;
        let remaining = expires.duration_since(now).unwrap_or(Duration::ZERO);
        let at = if remaining > self.refresh_window {
            expires.checked_sub(self.refresh_window)
        } else {
            now.checked_add(remaining / 2)
        };
        Some(at.unwrap_or(now))
    }

    async fn refresh(&self, seen_generation: u64) -> Result<Credentials> {
        let _single_flight = self.refresh.lock().await;
        {
            let state = self.read();
            if state.generation != seen_generation {
                // Another caller finished an attempt while this one waited: share its outcome,
                // even credentials that arrived already expired (a clock ahead of the
                // provider's), or every waiter would call the provider again in turn.
                if let Some(credentials) = &state.credentials {
                    return Ok(credentials.clone());
                }
                if let Some(message) = &state.last_error {
                    return Err(Error::credentials(message.clone()));
                }
            }
        }
        let result = self.inner.provide_credentials().await;
        let now = SystemTime::now();
        let mut state = self.write();
        state.generation = state.generation.wrapping_add(1);
        match result {
            Ok(credentials) => {
                state.refresh_at = self.refresh_at(&credentials, now);
                state.credentials = Some(credentials.clone());
                state.last_error = None;
                state.retry_after = None;
                Ok(credentials)
            }
            Err(error) => {
                if let Some(old) = state.credentials.clone() {
                    if !is_expired(&old, now) {
                        tracing::warn!(
                            provider = old.provider_name(),
                            ak = old.ak(),
                            error = %error,
                            "refreshing credentials failed; using the cached ones until they expire"
                        );
                        state.retry_after = Instant::now().checked_add(RETRY_AFTER_FAILURE);
                        state.last_error = None;
                        return Ok(old);
                    }
                }
                state.credentials = None;
                state.refresh_at = None;
                state.last_error = Some(error.to_string());
                Err(error)
            }
        }
    }
}

fn is_expired(credentials: &Credentials, now: SystemTime) -> bool {
    credentials.expires_at().is_some_and(|at| at <= now)
}

impl fmt::Debug for CachingProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.read();
        f.debug_struct("CachingProvider")
            .field("inner", &self.inner)
            .field("refresh_window", &self.refresh_window)
            .field("cached", &state.credentials.is_some())
            .finish()
    }
}

#[async_trait]
impl ProvideCredentials for CachingProvider {
    async fn provide_credentials(&self) -> Result<Credentials> {
        match self.cached() {
            Ok(credentials) => Ok(credentials),
            Err(generation) => self.refresh(generation).await,
        }
    }

    fn provide_credentials_now(&self) -> Option<Credentials> {
        self.cached().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[derive(Debug, Default)]
    struct Counting {
        calls: AtomicUsize,
        lifetime: Option<Duration>,
        fail_after_first: bool,
    }

    #[async_trait]
    impl ProvideCredentials for Counting {
        async fn provide_credentials(&self) -> Result<Credentials> {
            let n = self.calls.fetch_add(1, Ordering::SeqCst);
            if self.fail_after_first && n > 0 {
                return Err(Error::credentials("test: down"));
            }
            let mut c = Credentials::new(format!("AK{n}"), "sk");
            if let Some(lifetime) = self.lifetime {
                c = c.with_expires_at(SystemTime::now() + lifetime);
            }
            Ok(c)
        }
    }

    #[tokio::test]
    async fn permanent_credentials_are_cached_until_invalidated() {
        let inner = Arc::new(Counting::default());
        let cache = CachingProvider::new(inner.clone());
        assert!(
            cache.provide_credentials_now().is_none(),
            "nothing cached yet"
        );
        for _ in 0..5 {
            assert_eq!(cache.provide_credentials().await.unwrap().ak(), "AK0");
        }
        assert_eq!(cache.provide_credentials_now().unwrap().ak(), "AK0");
        assert_eq!(inner.calls.load(Ordering::SeqCst), 1);
        cache.invalidate();
        assert!(cache.provide_credentials_now().is_none(), "invalidated");
        assert_eq!(cache.provide_credentials().await.unwrap().ak(), "AK1");
        assert!(format!("{cache:?}").contains("cached: true"));
    }

    #[test]
    fn refresh_time_rules() {
        let cache = CachingProvider::new(Arc::new(Counting::default()));
        let now = SystemTime::now();
        let long = Credentials::new("a", "b").with_expires_at(now + Duration::from_secs(3600));
        assert_eq!(
            cache.refresh_at(&long, now),
            Some(now + Duration::from_secs(3600 - 40 * 60))
        );
        let short = Credentials::new("a", "b").with_expires_at(now + Duration::from_secs(600));
        assert_eq!(
            cache.refresh_at(&short, now),
            Some(now + Duration::from_secs(300))
        );
        let gone = Credentials::new("a", "b").with_expires_at(now - Duration::from_secs(1));
        assert_eq!(cache.refresh_at(&gone, now), Some(now));
        assert_eq!(cache.refresh_at(&Credentials::new("a", "b"), now), None);
    }

    #[tokio::test]
    async fn failure_without_old_credentials_is_returned_then_retried() {
        let inner = Arc::new(Counting {
            fail_after_first: true,
            lifetime: Some(Duration::from_millis(1)),
            ..Counting::default()
        });
        let cache = CachingProvider::new(inner.clone());
        cache.provide_credentials().await.unwrap();
        tokio::time::sleep(Duration::from_millis(5)).await;
        let e = cache.provide_credentials().await.unwrap_err();
        assert_eq!(e.to_string(), "test: down");
        let e = cache.provide_credentials().await.unwrap_err();
        assert_eq!(e.to_string(), "test: down");
        assert_eq!(inner.calls.load(Ordering::SeqCst), 3);
    }
}
