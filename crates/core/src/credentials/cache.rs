//! [`CachingProvider`]: reuses credentials and refreshes temporary ones before they expire, with
//! a single refresh however many callers wait.

use std::fmt;
use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant, SystemTime};

use async_trait::async_trait;

use super::{Credentials, CredentialsContext, ProvideCredentials, SharedCredentialsProvider};
use crate::error::{Error, Result};

/// The official SDKs refresh temporary credentials when less than 40 minutes remain.
const DEFAULT_REFRESH_WINDOW: Duration = Duration::from_secs(40 * 60);
/// Longest time temporary credentials are used before asking for new ones, whatever expiry they
/// claim: Huawei Cloud issues temporary credentials for at most 24 hours, so a later expiry
/// (a year 9999 from a broken metadata server, say) is not a reason to keep them forever.
const DEFAULT_MAX_TRUSTED_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);
/// Ceiling of the wait after the first failed refresh; it doubles with each further failure.
const DEFAULT_FAILURE_BACKOFF: Duration = Duration::from_secs(1);
/// Cap of the wait between failed refreshes, so that a recovered source is used again soon.
const DEFAULT_MAX_FAILURE_BACKOFF: Duration = Duration::from_secs(30);

/// Caches the credentials of another provider.
///
/// * Credentials without an expiry are fetched once and kept forever (until
///   [`invalidate`](Self::invalidate)).
/// * Temporary credentials are refreshed once less than the refresh window (default 40 min, as
///   in the official SDKs; see [`with_refresh_window`](Self::with_refresh_window)) remains
///   before `expires_at`. Credentials that live shorter than the window are refreshed when half
///   of their remaining lifetime has passed, so that they are not fetched again at every call.
///   Whatever expiry they claim, temporary credentials are refreshed at the latest 24 hours
///   after they were fetched (see [`with_max_trusted_lifetime`](Self::with_max_trusted_lifetime)).
/// * Refreshes are single-flight: however many callers need a refresh at the same time, the
///   inner provider is called once and they all get its result.
/// * Expired credentials are never handed out. When a refresh fails while the cached
///   credentials have not expired yet, those are returned (a warning is logged); once they
///   have expired, or when there were none, callers get a credentials error. Credentials that
///   arrive already expired count as a failed refresh.
/// * After a failed refresh the inner provider is not asked again before a backoff delay:
///   exponential from 1 s up to 30 s (see [`with_failure_backoff`](Self::with_failure_backoff)),
///   jittered so that many processes do not retry in step. Meanwhile callers get the
///   still-valid cached credentials, or the last error without a new attempt.
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
    max_trusted_lifetime: Duration,
    failure_backoff: Duration,
    max_failure_backoff: Duration,
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
    /// The last failed attempt's error, as a misconfiguration or not, and its message; cleared
    /// by a success.
    last_error: Option<(bool, String)>,
    /// Failed attempts since the last success: the exponent of the backoff.
    failures: u32,
    /// No refresh before this instant (set after a failure).
    retry_after: Option<Instant>,
}

/// What the cache can answer without calling the inner provider.
enum Lookup {
    /// Credentials to use as they are.
    Ready(Credentials),
    /// No usable credentials and the backoff after the last failure has not passed yet: the
    /// error to return again.
    Failed(Error),
    /// The inner provider must be asked; the generation seen.
    Refresh(u64),
}

impl State {
    /// `shared`: another caller's attempt finished since this one looked, so its outcome
    /// stands as if a backoff were running (waiters never call the provider again in turn).
    ///
    /// The clock is read only when the answer depends on it (cached credentials that expire,
    /// or a planned refresh), at most once: credentials without an expiry are served without
    /// it (a clock read costs as much as the rest of this lookup).
    fn lookup(&self, shared: bool) -> Lookup {
        let clock = std::cell::OnceCell::new();
        let now = || *clock.get_or_init(SystemTime::now);
        let holding_off = shared || self.retry_after.is_some_and(|t| Instant::now() < t);
        if let Some(credentials) = &self.credentials {
            let due = self.refresh_at.is_some_and(|at| now() >= at);
            if !is_expired(credentials, now) && (!due || holding_off) {
                return Lookup::Ready(credentials.clone());
            }
        }
        match &self.last_error {
            Some((misconfigured, message)) if holding_off => Lookup::Failed(if *misconfigured {
                Error::construction(message.clone())
            } else {
                Error::credentials(message.clone())
            }),
            _ => Lookup::Refresh(self.generation),
        }
    }
}

impl CachingProvider {
    /// Caches the credentials of `inner`.
    pub fn new(inner: SharedCredentialsProvider) -> Self {
        Self {
            inner,
            refresh_window: DEFAULT_REFRESH_WINDOW,
            max_trusted_lifetime: DEFAULT_MAX_TRUSTED_LIFETIME,
            failure_backoff: DEFAULT_FAILURE_BACKOFF,
            max_failure_backoff: DEFAULT_MAX_FAILURE_BACKOFF,
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

    /// Refreshes temporary credentials at the latest `lifetime` after they were fetched, even
    /// when they claim to expire later (default 24 hours, the longest Huawei Cloud issues).
    pub fn with_max_trusted_lifetime(mut self, lifetime: Duration) -> Self {
        self.max_trusted_lifetime = lifetime;
        self
    }

    /// Sets the wait after failed refreshes: at most `initial` after the first failure, doubling
    /// with each further one up to `max` (defaults 1 s and 30 s). Each wait is drawn between
    /// half its ceiling and the ceiling.
    pub fn with_failure_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.failure_backoff = initial;
        self.max_failure_backoff = max.max(initial);
        self
    }

    /// Forgets the cached credentials and any failure backoff: the next call asks the inner
    /// provider (e.g. after the service rejected them).
    pub fn invalidate(&self) {
        let mut state = self.write();
        state.credentials = None;
        state.refresh_at = None;
        state.retry_after = None;
        state.failures = 0;
        state.last_error = None;
    }

    fn read(&self) -> RwLockReadGuard<'_, State> {
        self.state.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(PoisonError::into_inner)
    }

    fn refresh_at(&self, credentials: &Credentials, now: SystemTime) -> Option<SystemTime> {
        let expires = credentials.expires_at()?;
        let remaining = expires.duration_since(now).unwrap_or(Duration::ZERO);
        let at = if remaining > self.refresh_window {
            expires.checked_sub(self.refresh_window)
        } else {
            now.checked_add(remaining / 2)
        };
        let at = at.unwrap_or(now);
        Some(match now.checked_add(self.max_trusted_lifetime) {
            Some(latest) => at.min(latest),
            None => at,
        })
    }

    /// The wait before the next attempt after `failures` consecutive failures: a ceiling that
    /// doubles from `failure_backoff` up to `max_failure_backoff`, and a random delay between
    /// half the ceiling and the ceiling (never immediate, never in step with other processes).
    fn backoff(&self, failures: u32) -> Duration {
        let exp = failures.saturating_sub(1).min(20);
        let ceiling = self
            .failure_backoff
            .saturating_mul(1u32 << exp)
            .min(self.max_failure_backoff);
        let floor = ceiling / 2;
        let spread = u64::try_from(ceiling.saturating_sub(floor).as_nanos()).unwrap_or(u64::MAX);
        floor.saturating_add(Duration::from_nanos(fastrand::u64(0..=spread)))
    }

    /// Asks the inner provider, with the `context` of the caller that found the entry stale
    /// (the one refresh serves every caller waiting for it).
    async fn refresh(
        &self,
        seen_generation: u64,
        context: &CredentialsContext,
    ) -> Result<Credentials> {
        let _single_flight = self.refresh.lock().await;
        {
            let state = self.read();
            let shared = state.generation != seen_generation;
            match state.lookup(shared) {
                Lookup::Ready(credentials) => return Ok(credentials),
                Lookup::Failed(error) => return Err(error),
                Lookup::Refresh(_) => {}
            }
        }
        let result = self.inner.provide_credentials(context).await;
        let now = SystemTime::now();
        let result = result.and_then(|credentials| match credentials.expires_at() {
            Some(at) if at <= now => Err(Error::credentials(format!(
                "the credentials from the {} provider expired at {} (UTC), before they could be used; is the system clock right?",
                credentials.provider_name(),
                crate::time::format_rfc3339(at),
            ))),
            _ => Ok(credentials),
        });
        let mut state = self.write();
        state.generation = state.generation.wrapping_add(1);
        match result {
            Ok(credentials) => {
                state.refresh_at = self.refresh_at(&credentials, now);
                state.credentials = Some(credentials.clone());
                state.last_error = None;
                state.failures = 0;
                state.retry_after = None;
                Ok(credentials)
            }
            Err(error) => {
                state.failures = state.failures.saturating_add(1);
                let wait = self.backoff(state.failures);
                state.retry_after = Instant::now().checked_add(wait);
                state.last_error = Some((error.is_construction(), error.to_string()));
                if let Some(old) = state.credentials.clone() {
                    if !is_expired(&old, || now) {
                        tracing::warn!(
                            provider = old.provider_name(),
                            ak = old.ak(),
                            error = %error.report(),
                            retry_in_ms = wait.as_millis(),
                            "refreshing credentials failed; using the cached ones until they expire"
                        );
                        return Ok(old);
                    }
                }
                tracing::warn!(
                    error = %error.report(),
                    retry_in_ms = wait.as_millis(),
                    "getting credentials failed; callers get this error until the next attempt"
                );
                state.credentials = None;
                state.refresh_at = None;
                Err(error)
            }
        }
    }
}

/// Whether `credentials` have expired; `now` is asked only of credentials that expire.
fn is_expired(credentials: &Credentials, now: impl FnOnce() -> SystemTime) -> bool {
    credentials.expires_at().is_some_and(|at| at <= now())
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
    async fn provide_credentials(&self, context: &CredentialsContext) -> Result<Credentials> {
        let lookup = self.read().lookup(false);
        match lookup {
            Lookup::Ready(credentials) => Ok(credentials),
            Lookup::Failed(error) => Err(error),
            Lookup::Refresh(generation) => self.refresh(generation, context).await,
        }
    }

    fn provide_credentials_now(&self) -> Option<Credentials> {
        match self.read().lookup(false) {
            Lookup::Ready(credentials) => Some(credentials),
            Lookup::Failed(_) | Lookup::Refresh(_) => None,
        }
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
        async fn provide_credentials(&self, _context: &CredentialsContext) -> Result<Credentials> {
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
            assert_eq!(
                cache
                    .provide_credentials(&CredentialsContext::new())
                    .await
                    .unwrap()
                    .ak(),
                "AK0"
            );
        }
        assert_eq!(cache.provide_credentials_now().unwrap().ak(), "AK0");
        assert_eq!(inner.calls.load(Ordering::SeqCst), 1);
        cache.invalidate();
        assert!(cache.provide_credentials_now().is_none(), "invalidated");
        assert_eq!(
            cache
                .provide_credentials(&CredentialsContext::new())
                .await
                .unwrap()
                .ak(),
            "AK1"
        );
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

    #[test]
    fn a_far_expiry_is_trusted_for_a_day_at_most() {
        let cache = CachingProvider::new(Arc::new(Counting::default()));
        let now = SystemTime::now();
        let year_9999 = SystemTime::UNIX_EPOCH + Duration::from_secs(253_402_300_799);
        let forever = Credentials::new("a", "b").with_expires_at(year_9999);
        assert_eq!(
            cache.refresh_at(&forever, now),
            Some(now + Duration::from_secs(24 * 60 * 60))
        );
        let capped = CachingProvider::new(Arc::new(Counting::default()))
            .with_max_trusted_lifetime(Duration::from_secs(60));
        let long = Credentials::new("a", "b").with_expires_at(now + Duration::from_secs(3600));
        assert_eq!(
            capped.refresh_at(&long, now),
            Some(now + Duration::from_secs(60))
        );
    }

    #[tokio::test]
    async fn expired_credentials_with_a_failing_provider_are_an_error_and_refetches_back_off() {
        let inner = Arc::new(Counting {
            fail_after_first: true,
            lifetime: Some(Duration::from_millis(1)),
            ..Counting::default()
        });
        let cache = CachingProvider::new(inner.clone());
        assert_eq!(
            cache
                .provide_credentials(&CredentialsContext::new())
                .await
                .unwrap()
                .ak(),
            "AK0"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
        for _ in 0..20 {
            let e = cache
                .provide_credentials(&CredentialsContext::new())
                .await
                .unwrap_err();
            assert!(e.is_credentials());
            assert_eq!(e.to_string(), "test: down");
            assert!(cache.provide_credentials_now().is_none());
        }
        assert_eq!(
            inner.calls.load(Ordering::SeqCst),
            2,
            "one fetch, then one failed refresh for 20 operations inside the backoff"
        );
    }

    #[tokio::test]
    async fn the_provider_is_asked_again_once_the_backoff_has_passed() {
        let inner = Arc::new(Counting {
            fail_after_first: true,
            lifetime: Some(Duration::from_millis(1)),
            ..Counting::default()
        });
        let cache = CachingProvider::new(inner.clone())
            .with_failure_backoff(Duration::from_millis(20), Duration::from_millis(20));
        cache
            .provide_credentials(&CredentialsContext::new())
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(5)).await;
        cache
            .provide_credentials(&CredentialsContext::new())
            .await
            .unwrap_err();
        cache
            .provide_credentials(&CredentialsContext::new())
            .await
            .unwrap_err();
        assert_eq!(inner.calls.load(Ordering::SeqCst), 2);
        tokio::time::sleep(Duration::from_millis(30)).await;
        cache
            .provide_credentials(&CredentialsContext::new())
            .await
            .unwrap_err();
        assert_eq!(inner.calls.load(Ordering::SeqCst), 3);
        cache.invalidate();
        cache
            .provide_credentials(&CredentialsContext::new())
            .await
            .unwrap_err();
        assert_eq!(
            inner.calls.load(Ordering::SeqCst),
            4,
            "invalidate drops the backoff"
        );
    }

    #[tokio::test]
    async fn valid_credentials_are_served_while_their_refresh_fails() {
        let inner = Arc::new(Counting {
            fail_after_first: true,
            lifetime: Some(Duration::from_millis(600)),
            ..Counting::default()
        });
        // Due for a refresh after half their lifetime (300 ms), valid for 600 ms.
        let cache =
            CachingProvider::new(inner.clone()).with_refresh_window(Duration::from_secs(3600));
        cache
            .provide_credentials(&CredentialsContext::new())
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(350)).await;
        for _ in 0..20 {
            assert_eq!(
                cache
                    .provide_credentials(&CredentialsContext::new())
                    .await
                    .unwrap()
                    .ak(),
                "AK0"
            );
        }
        assert_eq!(cache.provide_credentials_now().unwrap().ak(), "AK0");
        assert_eq!(inner.calls.load(Ordering::SeqCst), 2, "one failed refresh");
        tokio::time::sleep(Duration::from_millis(300)).await;
        // Expired now, still inside the backoff: an error, not the expired keys.
        let e = cache
            .provide_credentials(&CredentialsContext::new())
            .await
            .unwrap_err();
        assert!(e.is_credentials());
        assert_eq!(e.to_string(), "test: down");
        assert!(cache.provide_credentials_now().is_none());
        assert_eq!(inner.calls.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn backoff_doubles_up_to_the_cap_and_is_never_immediate() {
        let cache = CachingProvider::new(Arc::new(Counting::default()));
        for _ in 0..50 {
            let first = cache.backoff(1);
            assert!(first >= Duration::from_millis(500) && first <= Duration::from_secs(1));
            let second = cache.backoff(2);
            assert!(second >= Duration::from_secs(1) && second <= Duration::from_secs(2));
            let late = cache.backoff(40);
            assert!(late >= Duration::from_secs(15) && late <= Duration::from_secs(30));
        }
    }

    #[derive(Debug)]
    struct Misconfigured;

    #[async_trait]
    impl ProvideCredentials for Misconfigured {
        async fn provide_credentials(&self, _context: &CredentialsContext) -> Result<Credentials> {
            Err(Error::construction(
                "test: HUAWEICLOUD_SDK_SK is not valid UTF-8",
            ))
        }
    }

    #[tokio::test]
    async fn a_repeated_error_keeps_its_kind() {
        let cache = CachingProvider::new(Arc::new(Misconfigured));
        for _ in 0..3 {
            let e = cache
                .provide_credentials(&CredentialsContext::new())
                .await
                .unwrap_err();
            assert!(e.is_construction(), "{e:?}");
            assert_eq!(e.to_string(), "test: HUAWEICLOUD_SDK_SK is not valid UTF-8");
        }
    }
}
