//! IAM project-id discovery: the per-(AK, region) cache, single flight, and a mock IAM server.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use huaweicloud_sdk_core::config::endpoint::EndpointEnv;
use huaweicloud_sdk_core::iam::{IAM_ENDPOINT_ENV, ProjectIdCache, iam_endpoint};
use huaweicloud_sdk_core::{Error, ErrorKind, Result};

fn projects_body(ids: &[&str], region: &str) -> Bytes {
    let projects: Vec<String> = ids
        .iter()
        .map(|id| format!(r#"{{"id":"{id}","name":"{region}","enabled":true}}"#))
        .collect();
    Bytes::from(format!(
        r#"{{"projects":[{}],"links":{{"self":"https://iam.example.com/v3/projects"}}}}"#,
        projects.join(",")
    ))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_callers_share_one_fetch() {
    let cache = Arc::new(ProjectIdCache::new());
    let calls = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let cache = Arc::clone(&cache);
        let calls = Arc::clone(&calls);
        tasks.push(tokio::spawn(async move {
            cache
                .get_or_discover("AK1", "cn-north-4", || async move {
                    calls.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    Ok((projects_body(&["p-cn-north-4"], "cn-north-4"), None))
                })
                .await
        }));
    }
    for task in tasks {
        assert_eq!(
            task.await.expect("join").expect("discovered"),
            "p-cn-north-4"
        );
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn different_regions_and_aks_fetch_separately() {
    let cache = ProjectIdCache::new();
    let calls = AtomicUsize::new(0);
    let fetch = |id: &'static str, region: &'static str| {
        let calls = &calls;
        move || async move {
            calls.fetch_add(1, Ordering::SeqCst);
            Ok((projects_body(&[id], region), None))
        }
    };
    let a = cache.get_or_discover("AK1", "cn-north-4", fetch("p1", "cn-north-4"));
    assert_eq!(a.await.expect("ok"), "p1");
    let b = cache.get_or_discover("AK1", "ap-southeast-3", fetch("p2", "ap-southeast-3"));
    assert_eq!(b.await.expect("ok"), "p2");
    let c = cache.get_or_discover("AK2", "cn-north-4", fetch("p3", "cn-north-4"));
    assert_eq!(c.await.expect("ok"), "p3");
    assert_eq!(calls.load(Ordering::SeqCst), 3);

    // All three are cached now: a fetch that would fail is never called.
    for (ak, region, id) in [
        ("AK1", "cn-north-4", "p1"),
        ("AK1", "ap-southeast-3", "p2"),
        ("AK2", "cn-north-4", "p3"),
    ] {
        let got = cache
            .get_or_discover(ak, region, || async {
                Err::<(Bytes, Option<String>), _>(Error::credentials("must not be called"))
            })
            .await;
        assert_eq!(got.expect("cached"), id);
    }
}

#[tokio::test]
async fn failures_are_not_cached() {
    let cache = ProjectIdCache::new();

    let err = cache
        .get_or_discover("AK", "cn-north-4", || async {
            Err::<(Bytes, Option<String>), _>(Error::transport("connection refused", true))
        })
        .await
        .expect_err("fetch failed");
    assert_eq!(
        err.kind(),
        ErrorKind::Transport,
        "fetch error is passed on unchanged"
    );

    let err = cache
        .get_or_discover("AK", "cn-north-4", || async {
            Ok((
                projects_body(&[], "cn-north-4"),
                Some("trace-42".to_owned()),
            ))
        })
        .await
        .expect_err("no project");
    assert_eq!(err.kind(), ErrorKind::Credentials);
    assert!(
        err.to_string().ends_with(", X-IAM-Trace-Id=trace-42"),
        "{err}"
    );

    let id = cache
        .get_or_discover("AK", "cn-north-4", || async {
            Ok((projects_body(&["p-ok"], "cn-north-4"), None))
        })
        .await
        .expect("third try succeeds");
    assert_eq!(id, "p-ok");
}

#[tokio::test]
async fn several_projects_is_an_error_listing_them() {
    let err = ProjectIdCache::new()
        .get_or_discover("AK", "cn-north-4", || async {
            Ok((projects_body(&["a1", "b2"], "cn-north-4"), None))
        })
        .await
        .expect_err("ambiguous");
    assert_eq!(err.kind(), ErrorKind::Credentials);
    assert_eq!(
        err.to_string(),
        "several IAM projects named 'cn-north-4': [a1, b2]; set the project id explicitly"
    );
}

#[test]
fn global_cache_is_one_instance() {
    assert!(std::ptr::eq(
        ProjectIdCache::global(),
        ProjectIdCache::global()
    ));
}

/// The whole path against a mock IAM: endpoint from `HUAWEICLOUD_SDK_IAM_ENDPOINT`, a plain
/// HTTP GET standing in for the executor's signed call, the trace id header, and the cache.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discovery_against_mock_iam() {
    let server = httpmock::MockServer::start_async().await;
    let found = server
        .mock_async(|when, then| {
            when.method("GET")
                .path("/v3/projects")
                .query_param("name", "cn-north-4");
            then.status(200)
                .header("content-type", "application/json")
                .header("X-IAM-Trace-Id", "trace-found")
                .body(projects_body(&["0123456789abcdef"], "cn-north-4"));
        })
        .await;
    let missing = server
        .mock_async(|when, then| {
            when.method("GET")
                .path("/v3/projects")
                .query_param("name", "cn-north-99");
            then.status(200)
                .header("X-IAM-Trace-Id", "trace-missing")
                .body(r#"{"projects":[],"links":{}}"#);
        })
        .await;

    let base = server.base_url();
    let env =
        EndpointEnv::from_lookup(move |name| (name == IAM_ENDPOINT_ENV).then(|| base.clone()));
    let iam = iam_endpoint(Some("cn-north-4"), None, &env).expect("iam endpoint");
    assert_eq!(iam.scheme(), "http");

    let client = reqwest::Client::new();
    let fetch = |region: &'static str| {
        let url = format!("{iam}/v3/projects?name={region}");
        let client = client.clone();
        move || async move {
            let response = client
                .get(url)
                .send()
                .await
                .map_err(|e| Error::transport(e.to_string(), true))?;
            let trace = response
                .headers()
                .get("X-IAM-Trace-Id")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let body = response
                .bytes()
                .await
                .map_err(|e| Error::transport(e.to_string(), false))?;
            Result::Ok((body, trace))
        }
    };

    let cache = ProjectIdCache::new();
    for _ in 0..3 {
        let id = cache
            .get_or_discover("AK", "cn-north-4", fetch("cn-north-4"))
            .await
            .expect("found");
        assert_eq!(id, "0123456789abcdef");
    }
    found.assert_calls_async(1).await;

    for _ in 0..2 {
        let err = cache
            .get_or_discover("AK", "cn-north-99", fetch("cn-north-99"))
            .await
            .expect_err("missing");
        assert_eq!(
            err.to_string(),
            "no IAM project named 'cn-north-99' is visible to this AK; set the project id \
             explicitly (HUAWEICLOUD_SDK_PROJECT_ID or Config::with_project_id), \
             X-IAM-Trace-Id=trace-missing"
        );
    }
    missing.assert_calls_async(2).await;
}
