//! Temporary credentials expiring in the middle of 100 concurrent calls through generated
//! clients are refreshed exactly once. The credentials cache itself is tested in
//! `crates/core/tests/credentials_cache.rs`; this is the same guarantee seen from the clients,
//! against the local endpoint, which checks every signature and security token.

// RunImageSynchronize is deprecated; these tests still exercise it as a seed operation.
#![allow(deprecated)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use huaweicloud_sdk_core::credentials::{
    CachingProvider, Credentials, CredentialsContext, ProvideCredentials,
};
use huaweicloud_sdk_hss::v5::models::RunImageSynchronizeRequestInfo;
use huaweicloud_sdk_local::LocalEndpoint;

const CALLS: usize = 100;
/// The first credentials expire this long after they are fetched, while calls are running.
const FIRST_LIFETIME: Duration = Duration::from_millis(500);
/// Calls start this far apart, so they span about a second.
const STAGGER: Duration = Duration::from_millis(10);

/// Hands out `AKTEMP0` (short-lived) first, `AKTEMP1` (one hour) afterwards; counts calls and
/// notes how many operations had completed when the refresh came.
#[derive(Debug)]
struct Counting {
    calls: AtomicUsize,
    completed: Arc<AtomicUsize>,
    completed_at_refresh: AtomicUsize,
}

#[async_trait]
impl ProvideCredentials for Counting {
    async fn provide_credentials(
        &self,
        _context: &CredentialsContext,
    ) -> huaweicloud_sdk_core::Result<Credentials> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst);
        if n > 0 {
            self.completed_at_refresh
                .store(self.completed.load(Ordering::SeqCst), Ordering::SeqCst);
        }
        // A slow source, so that callers pile up behind the refresh.
        tokio::time::sleep(Duration::from_millis(50)).await;
        let (generation, lifetime) = if n == 0 {
            (0, FIRST_LIFETIME)
        } else {
            (1, Duration::from_secs(3600))
        };
        Ok(Credentials::new(
            format!("AKTEMP{generation}"),
            format!("refresh-secret-sk-{generation}"),
        )
        .with_security_token(format!("refresh-secret-token-{generation}"))
        .with_project_id(huaweicloud_sdk_local::DEFAULT_PROJECT_ID)
        .with_expires_at(SystemTime::now() + lifetime))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_expiring_during_100_concurrent_calls_are_refreshed_once() {
    let local = LocalEndpoint::builder()
        .temporary_credentials("AKTEMP0", "refresh-secret-sk-0", "refresh-secret-token-0")
        .temporary_credentials("AKTEMP1", "refresh-secret-sk-1", "refresh-secret-token-1")
        .start()
        .await
        .unwrap();
    let completed = Arc::new(AtomicUsize::new(0));
    let counting = Arc::new(Counting {
        calls: AtomicUsize::new(0),
        completed: Arc::clone(&completed),
        completed_at_refresh: AtomicUsize::new(0),
    });
    // Refresh exactly when the credentials expire (no early-refresh window).
    let cache = CachingProvider::new(counting.clone()).with_refresh_window(Duration::ZERO);
    let config = local.config().with_credentials_provider(Arc::new(cache));
    let metastudio = huaweicloud_sdk_metastudio::v1::Client::new(&config).unwrap();
    let hss = huaweicloud_sdk_hss::v5::Client::new(&config).unwrap();

    let tasks: Vec<_> = (0..CALLS)
        .map(|i| {
            let metastudio = metastudio.clone();
            let hss = hss.clone();
            let completed = Arc::clone(&completed);
            tokio::spawn(async move {
                tokio::time::sleep(STAGGER * i as u32).await;
                let result = if i % 2 == 0 {
                    metastudio
                        .list_picture_modeling_jobs()
                        .limit(1)
                        .send()
                        .await
                        .map(drop)
                } else {
                    hss.run_image_synchronize()
                        .body(RunImageSynchronizeRequestInfo::new().image_type("private_image"))
                        .send()
                        .await
                        .map(drop)
                };
                completed.fetch_add(1, Ordering::SeqCst);
                result
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }

    assert_eq!(
        counting.calls.load(Ordering::SeqCst),
        2,
        "one fetch, then exactly one refresh"
    );
    let at_refresh = counting.completed_at_refresh.load(Ordering::SeqCst);
    assert!(
        at_refresh > 0 && at_refresh < CALLS,
        "the credentials expired mid-way ({at_refresh} calls done at the refresh)"
    );
    assert_eq!(
        local.request_count(),
        CALLS as u64,
        "every call was accepted at its first attempt"
    );
}
