//! CachingProvider: single-flight refreshes, refresh window, fallback to unexpired credentials,
//! backoff after failures.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use huaweicloud_sdk_core::credentials::{CachingProvider, Credentials};
use huaweicloud_sdk_core::{CredentialsContext, Error, ProvideCredentials, Result};

/// Counts calls, sleeps `delay` (50 ms), returns `AK<n>` credentials living `lifetime` (or forever);
/// fails from call number `fail_from` on.
#[derive(Debug)]
struct Counting {
    calls: AtomicUsize,
    lifetime: Option<Duration>,
    fail_from: usize,
    delay: Duration,
}

impl Counting {
    fn new(lifetime: Option<Duration>) -> Arc<Self> {
        Self::failing_from(lifetime, usize::MAX)
    }

    fn failing_from(lifetime: Option<Duration>, fail_from: usize) -> Arc<Self> {
        Arc::new(Self {
            calls: AtomicUsize::new(0),
            lifetime,
            fail_from,
            delay: Duration::from_millis(50),
        })
    }

    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

#[async_trait]
impl ProvideCredentials for Counting {
    async fn provide_credentials(&self, _context: &CredentialsContext) -> Result<Credentials> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(self.delay).await;
        if n >= self.fail_from {
            return Err(Error::credentials("counting: source unavailable"));
        }
        let mut c = Credentials::new(format!("AK{n}"), "cache-secret-sk")
            .with_security_token("cache-secret-token");
        if let Some(lifetime) = self.lifetime {
            c = c.with_expires_at(SystemTime::now() + lifetime);
        }
        Ok(c)
    }
}

async fn hammer(cache: &Arc<CachingProvider>, n: usize) -> Vec<Result<Credentials>> {
    let handles: Vec<_> = (0..n)
        .map(|_| {
            let cache = Arc::clone(cache);
            tokio::spawn(async move { cache.provide_credentials(&CredentialsContext::new()).await })
        })
        .collect();
    let mut out = Vec::with_capacity(n);
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn cold_cache_100_concurrent_callers_one_inner_call() {
    let inner = Counting::new(Some(Duration::from_secs(3600)));
    let cache = Arc::new(CachingProvider::new(inner.clone()));
    let results = hammer(&cache, 100).await;
    assert_eq!(inner.calls(), 1);
    for r in results {
        assert_eq!(r.unwrap().ak(), "AK0");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn cold_cache_permanent_credentials_one_inner_call_forever() {
    let inner = Counting::new(None);
    let cache = Arc::new(CachingProvider::new(inner.clone()));
    for r in hammer(&cache, 100).await {
        assert_eq!(r.unwrap().ak(), "AK0");
    }
    for r in hammer(&cache, 100).await {
        assert_eq!(r.unwrap().ak(), "AK0");
    }
    assert_eq!(inner.calls(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn fresh_credentials_are_not_refreshed() {
    let inner = Counting::new(Some(Duration::from_secs(3600)));
    let cache = Arc::new(CachingProvider::new(inner.clone()));
    cache
        .provide_credentials(&CredentialsContext::new())
        .await
        .unwrap();
    assert_eq!(inner.calls(), 1);
    for r in hammer(&cache, 100).await {
        assert_eq!(r.unwrap().ak(), "AK0");
    }
    assert_eq!(inner.calls(), 1, "no refresh while more than 40 min remain");
}

#[tokio::test(flavor = "multi_thread")]
async fn entering_the_refresh_window_refreshes_exactly_once() {
    let window = Duration::from_secs(60);
    // the credentials enter the refresh window 300 ms from now
    let inner = Counting::new(Some(window + Duration::from_millis(300)));
    let cache = Arc::new(CachingProvider::new(inner.clone()).with_refresh_window(window));
    assert_eq!(cache.refresh_window(), window);
    assert_eq!(
        cache
            .provide_credentials(&CredentialsContext::new())
            .await
            .unwrap()
            .ak(),
        "AK0"
    );
    tokio::time::sleep(Duration::from_millis(400)).await;
    let results = hammer(&cache, 100).await;
    assert_eq!(inner.calls(), 2, "exactly one refresh");
    for r in results {
        assert_eq!(r.unwrap().ak(), "AK1");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_default_window_is_forty_minutes() {
    let inner = Counting::new(Some(Duration::from_secs(40 * 60 + 1)));
    let cache = Arc::new(CachingProvider::new(inner.clone()));
    assert_eq!(cache.refresh_window(), Duration::from_secs(40 * 60));
    cache
        .provide_credentials(&CredentialsContext::new())
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(
        cache
            .provide_credentials(&CredentialsContext::new())
            .await
            .unwrap()
            .ak(),
        "AK1"
    );
    assert_eq!(inner.calls(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn failed_refresh_returns_unexpired_old_credentials() {
    let window = Duration::from_secs(60);
    let inner = Counting::failing_from(Some(window + Duration::from_millis(200)), 1);
    let cache = Arc::new(CachingProvider::new(inner.clone()).with_refresh_window(window));
    assert_eq!(
        cache
            .provide_credentials(&CredentialsContext::new())
            .await
            .unwrap()
            .ak(),
        "AK0"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    // in the window, refresh fails: all callers share the one failed attempt and get AK0
    for r in hammer(&cache, 100).await {
        assert_eq!(r.unwrap().ak(), "AK0");
    }
    assert_eq!(inner.calls(), 2);
    // and the next calls do not hammer the failing source
    for r in hammer(&cache, 100).await {
        assert_eq!(r.unwrap().ak(), "AK0");
    }
    assert_eq!(inner.calls(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn failed_refresh_of_expired_credentials_is_an_error() {
    let inner = Counting::failing_from(Some(Duration::from_millis(100)), 1);
    let cache = Arc::new(CachingProvider::new(inner.clone()));
    cache
        .provide_credentials(&CredentialsContext::new())
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(150)).await;
    let e = cache
        .provide_credentials(&CredentialsContext::new())
        .await
        .unwrap_err();
    assert!(e.is_credentials());
    assert_eq!(e.to_string(), "counting: source unavailable");
}

#[tokio::test(flavor = "multi_thread")]
async fn cold_failure_is_shared_by_concurrent_callers() {
    // a longer attempt, so that every caller is surely waiting before it fails
    let inner = Arc::new(Counting {
        calls: AtomicUsize::new(0),
        lifetime: None,
        fail_from: 0,
        delay: Duration::from_millis(300),
    });
    let cache = Arc::new(CachingProvider::new(inner.clone()));
    for r in hammer(&cache, 100).await {
        let e = r.unwrap_err();
        assert!(e.is_credentials());
        assert_eq!(e.to_string(), "counting: source unavailable");
    }
    assert_eq!(inner.calls(), 1);
    // later calls inside the backoff get the error without asking the source again
    for r in hammer(&cache, 100).await {
        assert_eq!(r.unwrap_err().to_string(), "counting: source unavailable");
    }
    assert_eq!(inner.calls(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_source_is_asked_again_after_the_backoff() {
    let inner = Counting::failing_from(None, 0);
    let cache = Arc::new(
        CachingProvider::new(inner.clone())
            .with_failure_backoff(Duration::from_millis(100), Duration::from_millis(100)),
    );
    cache
        .provide_credentials(&CredentialsContext::new())
        .await
        .unwrap_err();
    cache
        .provide_credentials(&CredentialsContext::new())
        .await
        .unwrap_err();
    assert_eq!(inner.calls(), 1);
    tokio::time::sleep(Duration::from_millis(150)).await;
    cache
        .provide_credentials(&CredentialsContext::new())
        .await
        .unwrap_err();
    assert_eq!(inner.calls(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn debug_does_not_leak_secrets() {
    let inner = Counting::new(None);
    let cache = CachingProvider::new(inner);
    let c = cache
        .provide_credentials(&CredentialsContext::new())
        .await
        .unwrap();
    let s = format!("{cache:?} {c:?}");
    assert!(
        !s.contains("cache-secret-sk") && !s.contains("cache-secret-token"),
        "{s}"
    );
}

/// Returns credentials that are already expired when they arrive (a clock running ahead of
/// the metadata service's), counting calls.
#[derive(Debug, Default)]
struct ExpiredOnArrival {
    calls: AtomicUsize,
}

#[async_trait]
impl ProvideCredentials for ExpiredOnArrival {
    async fn provide_credentials(&self, _context: &CredentialsContext) -> Result<Credentials> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(50)).await;
        Ok(Credentials::new("AKEXPIRED", "cache-secret-sk")
            .with_expires_at(SystemTime::now() - Duration::from_secs(3600)))
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn credentials_expired_on_arrival_are_an_error_shared_by_every_waiter() {
    let inner = Arc::new(ExpiredOnArrival::default());
    let cache = Arc::new(CachingProvider::new(inner.clone()));
    for r in hammer(&cache, 100).await {
        let e = r.unwrap_err();
        assert!(e.is_credentials());
        let s = e.to_string();
        assert!(s.contains("expired") && s.contains("system clock"), "{s}");
        assert!(!s.contains("cache-secret-sk"), "{s}");
    }
    assert!(cache.provide_credentials_now().is_none());
    assert_eq!(inner.calls.load(Ordering::SeqCst), 1);
}
