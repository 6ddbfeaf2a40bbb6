//! Per-call options and hooks: what one call overrides, what hooks see and add.

// The hook test checks signatures as the gateway does, which needs the `verify` feature (on in
// the workspace and in the packaged core's second test run).
#![cfg(feature = "verify")]

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use httpmock::prelude::*;
use huaweicloud_sdk_core::body::RequestBody;
use huaweicloud_sdk_core::executor::{CallOptions, RetryCheck};
use huaweicloud_sdk_core::hook::{AttemptInfo, Hook, HookRequest};
use huaweicloud_sdk_core::retry::RetryConfig;
use huaweicloud_sdk_core::{
    Config, Credentials, Executor, OperationRequest, OperationSpec, TimeoutKind,
};

mod scripted;
mod support;

use scripted::{Script, Server, response};
use support::{AK, PROJECT, SK, TEST_SERVICE, header, signature_is_valid};

const TRACEPARENT: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

/// The shared test config with temporary credentials (hooks must never see their token) and
/// fast retries.
fn config(endpoint: &str) -> Config {
    support::config(endpoint)
        .with_credentials(
            Credentials::new(AK, SK)
                .with_project_id(PROJECT)
                .with_security_token("secret-security-token"),
        )
        .with_retry(
            RetryConfig::default()
                .with_initial_backoff(Duration::from_millis(1))
                .with_max_backoff(Duration::from_millis(5)),
        )
}

fn get() -> OperationSpec {
    OperationSpec::new("testsvc", "ShowThing", http::Method::GET)
}

fn post() -> OperationSpec {
    OperationSpec::new("testsvc", "CreateThing", http::Method::POST)
}

fn request() -> OperationRequest {
    OperationRequest::new("/v1/{project_id}/things").header("content-type", "application/json")
}

/// Adds a `traceparent` and a query parameter, and records what it was shown.
#[derive(Default)]
struct Propagate {
    seen: Mutex<Vec<String>>,
}

impl Hook for Propagate {
    fn before_signing(&self, request: &mut HookRequest<'_>) {
        request.insert_header("traceparent", TRACEPARENT).unwrap();
        request.push_query("trace", "on");
        let mut seen = self.seen.lock().unwrap();
        seen.push(format!("{request:?}"));
        for name in ["authorization", "x-security-token", "x-sdk-date"] {
            seen.push(request.header(name).unwrap_or("").to_owned());
        }
    }
}

/// Attempt number, status, whether it failed, request id.
type Seen = (u32, Option<u16>, bool, Option<String>);

/// Records every attempt it is told of.
#[derive(Default)]
struct Attempts {
    seen: Mutex<Vec<Seen>>,
}

impl Hook for Attempts {
    fn after_attempt(&self, a: &AttemptInfo<'_>) {
        self.seen.lock().unwrap().push((
            a.attempt(),
            a.status().map(|s| s.as_u16()),
            a.error().is_some(),
            a.request_id().map(str::to_owned),
        ));
    }
}

#[tokio::test]
async fn a_hook_header_and_query_arrive_signed_and_hooks_never_see_credentials() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .header("traceparent", TRACEPARENT)
                .header("x-tenant-id", "tenant-7")
                .query_param("trace", "on")
                .is_true(signature_is_valid)
                .is_true(|req| {
                    header(req, "authorization").is_some_and(|a| {
                        a.contains("SignedHeaders=content-type;host;traceparent;user-agent;x-project-id;x-sdk-date;x-security-token;x-tenant-id")
                    })
                });
            then.status(200).body("{}");
        })
        .await;
    let hook = Arc::new(Propagate::default());
    let exec = Executor::new(
        &config(&server.base_url()).with_shared_hook(hook.clone()),
        &TEST_SERVICE,
    )
    .unwrap();
    let options = CallOptions::new().with_header("x-tenant-id", "tenant-7");
    exec.send_with(&get(), request(), &options).await.unwrap();
    mock.assert_async().await;
    let seen = hook.seen.lock().unwrap().join("\n");
    assert!(
        !seen.contains("secret-security-token") && !seen.contains(SK),
        "{seen}"
    );
    assert!(
        seen.contains("x-tenant-id"),
        "the call's headers come first: {seen}"
    );
}

#[tokio::test]
async fn a_hook_counts_every_attempt_of_a_retried_call() {
    let server = Server::start(Script::new(
        vec![
            response(503, &[("x-request-id", "r1")], ""),
            response(503, &[("x-request-id", "r2")], ""),
        ],
        response(200, &[("x-request-id", "r3")], "{}"),
    ))
    .await
    .unwrap();
    let client_hook = Arc::new(Attempts::default());
    let call_hook = Arc::new(Attempts::default());
    let exec = Executor::new(
        &config(&server.url()).with_shared_hook(client_hook.clone()),
        &TEST_SERVICE,
    )
    .unwrap();
    let options = CallOptions::new().with_shared_hook(call_hook.clone());
    let response = exec.send_with(&get(), request(), &options).await.unwrap();
    assert_eq!(response.attempts(), 3);
    let expected = vec![
        (1, Some(503), true, Some("r1".to_owned())),
        (2, Some(503), true, Some("r2".to_owned())),
        (3, Some(200), false, Some("r3".to_owned())),
    ];
    assert_eq!(*client_hook.seen.lock().unwrap(), expected);
    assert_eq!(*call_hook.seen.lock().unwrap(), expected);
    // A call without options runs the client's hooks only.
    exec.send(&get(), request()).await.unwrap();
    assert_eq!(client_hook.seen.lock().unwrap().len(), 4);
    assert_eq!(call_hook.seen.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn retry_settings_of_one_call_leave_the_client_and_other_calls_alone() {
    let server = Server::start(Script::always(response(503, &[], "")))
        .await
        .unwrap();
    let exec = Executor::new(&config(&server.url()), &TEST_SERVICE).unwrap();
    let once = CallOptions::new().with_retry(RetryConfig::disabled());
    let e = exec.send_with(&get(), request(), &once).await.unwrap_err();
    assert_eq!(e.attempts(), 1);
    let five = CallOptions::new().with_retry(
        RetryConfig::default()
            .with_max_attempts(5)
            .with_initial_backoff(Duration::from_millis(1)),
    );
    let spec = get();
    let (a, b) = tokio::join!(
        exec.send_with(&spec, request(), &five),
        exec.send(&spec, request())
    );
    assert_eq!(a.unwrap_err().attempts(), 5);
    assert_eq!(b.unwrap_err().attempts(), 3, "the client's setting");
    assert_eq!(exec.config().retry().max_attempts, 3);
    assert_eq!(server.script().received().len(), 1 + 5 + 3);
}

#[tokio::test]
async fn a_call_can_be_declared_idempotent_or_retried_by_its_own_condition() {
    let server = Server::start(Script::always(response(500, &[], "")))
        .await
        .unwrap();
    let exec = Executor::new(&config(&server.url()), &TEST_SERVICE).unwrap();
    let json = || request().json_body(&serde_json::json!({"a": 1}));
    assert_eq!(exec.send(&post(), json()).await.unwrap_err().attempts(), 1);
    let idempotent = CallOptions::new().with_idempotent(true);
    let e = exec
        .send_with(&post(), json(), &idempotent)
        .await
        .unwrap_err();
    assert_eq!(e.attempts(), 3);
    // The caller's condition over the typed error: retried whatever the method.
    let condition = CallOptions::new().with_retry_condition(|check| match check {
        RetryCheck::Failed(e) => Some(e.status() == Some(http::StatusCode::INTERNAL_SERVER_ERROR)),
        _ => None,
    });
    let e = exec
        .send_with(&post(), json(), &condition)
        .await
        .unwrap_err();
    assert_eq!(e.attempts(), 3);
    // And a GET the standard policy would retry, refused by the condition.
    let refuse = CallOptions::new().with_retry_condition(|_| Some(false));
    let e = exec
        .send_with(&get(), request(), &refuse)
        .await
        .unwrap_err();
    assert_eq!(e.attempts(), 1);
}

#[tokio::test]
async fn a_retry_condition_can_retry_a_success_answer() {
    let server = Server::start(Script::new(
        vec![response(202, &[], "{}"), response(202, &[], "{}")],
        response(200, &[], "{}"),
    ))
    .await
    .unwrap();
    let exec = Executor::new(&config(&server.url()), &TEST_SERVICE).unwrap();
    let options = CallOptions::new().with_retry_condition(|check| match check {
        RetryCheck::Answered(r) => Some(r.status() == http::StatusCode::ACCEPTED),
        _ => None,
    });
    let response = exec.send_with(&get(), request(), &options).await.unwrap();
    assert_eq!(response.status(), http::StatusCode::OK);
    assert_eq!(response.attempts(), 3);
}

#[tokio::test]
async fn the_read_timeout_of_one_call_reaches_the_transport() {
    let hanging = scripted::Server::start(scripted::Script::silent())
        .await
        .unwrap();
    let exec = Executor::new(
        &config(&format!("http://{}", hanging.addr()))
            .with_attempt_timeout(None)
            .with_total_timeout(None),
        &TEST_SERVICE,
    )
    .unwrap();
    let options = CallOptions::new()
        .with_read_timeout(Some(Duration::from_millis(30)))
        .with_retry(RetryConfig::disabled());
    let e = exec
        .send_with(&get(), request(), &options)
        .await
        .unwrap_err();
    assert_eq!(e.timeout_kind(), Some(TimeoutKind::Read), "{e}");
    assert!(e.to_string().contains("30ms"), "{e}");
    // The call's attempt timeout wins over the client's none.
    let options = CallOptions::new()
        .with_attempt_timeout(Duration::from_millis(30))
        .with_retry(RetryConfig::disabled());
    let e = exec
        .send_with(&get(), request(), &options)
        .await
        .unwrap_err();
    assert_eq!(e.timeout_kind(), Some(TimeoutKind::Attempt), "{e}");
}

#[tokio::test]
async fn a_streamed_upload_carries_the_call_header_signed() {
    let server = Server::start(Script::always(response(200, &[], "{}")))
        .await
        .unwrap();
    let exec = Executor::new(&config(&server.url()), &TEST_SERVICE).unwrap();
    let chunks = futures_util::stream::iter(vec![Ok::<_, std::io::Error>(bytes::Bytes::from(
        "streamed",
    ))]);
    let body = RequestBody::from_stream(chunks, Some(8));
    let counter = Arc::new(AtomicU32::new(0));
    struct Count(Arc<AtomicU32>);
    impl Hook for Count {
        fn after_attempt(&self, _: &AttemptInfo<'_>) {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }
    let options = CallOptions::new()
        .with_header("x-upload-tag", "t1")
        .with_hook(Count(counter.clone()));
    exec.send_with(
        &OperationSpec::new("testsvc", "PutThing", http::Method::PUT),
        OperationRequest::new("/v1/{project_id}/things/x").body(body),
        &options,
    )
    .await
    .unwrap();
    let received = server.script().received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].header("x-upload-tag"), Some("t1"));
    assert!(
        received[0]
            .header("authorization")
            .unwrap()
            .contains("x-upload-tag")
    );
    assert_eq!(received[0].body, b"streamed");
    assert_eq!(counter.load(Ordering::Relaxed), 1);
}

#[tokio::test]
async fn a_managed_or_invalid_call_header_fails_before_anything_is_sent() {
    let server = Server::start(Script::always(response(200, &[], "{}")))
        .await
        .unwrap();
    let exec = Executor::new(&config(&server.url()), &TEST_SERVICE).unwrap();
    for options in [
        CallOptions::new().with_header("Authorization", "mine"),
        CallOptions::new().with_header("X-Security-Token", "mine"),
        CallOptions::new().with_header("x-ok", "line\nbreak"),
    ] {
        let e = exec
            .send_with(&get(), request(), &options)
            .await
            .unwrap_err();
        assert!(e.is_construction(), "{e}");
        assert!(!format!("{options:?}").contains("mine"));
    }
    assert!(server.script().received().is_empty());
}
