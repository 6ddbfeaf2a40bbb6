//! The executor end to end against local servers: signing, retries, timeouts, errors, scope.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use httpmock::prelude::*;
use huaweicloud_sdk_core::body::{ByteStream, RequestBody};
use huaweicloud_sdk_core::retry::RetryConfig;
use huaweicloud_sdk_core::transport::HttpTransport;
use huaweicloud_sdk_core::{
    Config, Credentials, Error, ErrorKind, Executor, FilePart, Multipart, OperationRequest,
    OperationSpec, TimeoutKind,
};

mod scripted;
mod support;

use scripted::{Script, Step};

use support::{AK, PROJECT, SK, TEST_SERVICE, config, header, signature_is_valid};

/// Retries with short backoffs, for the tests of the retry policy (the base config has none).
fn fast_retry() -> RetryConfig {
    RetryConfig::default()
        .with_initial_backoff(Duration::from_millis(5))
        .with_max_backoff(Duration::from_millis(20))
}

fn get() -> OperationSpec {
    OperationSpec::new("testsvc", "ShowThing", http::Method::GET)
}

fn post() -> OperationSpec {
    OperationSpec::new("testsvc", "CreateThing", http::Method::POST)
}

fn list_request() -> OperationRequest {
    OperationRequest::new("/v1/{project_id}/things").header("content-type", "application/json")
}

#[tokio::test]
async fn a_request_carries_scope_headers_and_a_valid_signature() {
    let server = MockServer::start_async().await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    let mock = server
        .mock_async(move |when, then| {
            when.method(GET)
                .path(format!("/v1/{PROJECT}/things/group%2Fapp"))
                .query_param("limit", "10")
                .is_true(signature_is_valid)
                .is_true(move |req| {
                    if let Ok(mut r) = record.lock() {
                        r.push(req.headers_vec().clone());
                    }
                    true
                });
            then.status(200)
                .header("x-request-id", "rid-1")
                .json_body(serde_json::json!({"count": 1}));
        })
        .await;
    let exec = Executor::new(
        &config(&server.base_url()).with_user_agent("test-agent/1.0"),
        &TEST_SERVICE,
    )
    .unwrap();
    let request = OperationRequest::new("/v1/{project_id}/things/{name}")
        .path_param("name", "group/app")
        .query("limit", "10")
        .header("content-type", "application/json");
    let response = exec.send(&get(), request).await.unwrap();
    assert_eq!(response.request_id(), Some("rid-1"));
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["count"], 1);
    mock.assert_async().await;

    let seen = seen.lock().unwrap();
    let headers = &seen[0];
    let get = |n: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(n))
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(get("x-project-id"), Some(PROJECT));
    assert_eq!(get("user-agent"), Some("test-agent/1.0"));
    assert_eq!(get("content-type"), Some("application/json"));
    let auth = get("authorization").unwrap();
    assert!(auth.starts_with(&format!("SDK-HMAC-SHA256 Access={AK}, SignedHeaders=content-type;host;user-agent;x-project-id;x-sdk-date, Signature=")));
}

#[tokio::test]
async fn get_is_retried_on_500_up_to_the_attempt_limit() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET);
            then.status(500)
                .header("x-request-id", "rid-500")
                .body(r#"{"error_code":"SVC.500","error_msg":"boom"}"#);
        })
        .await;
    let exec = Executor::new(
        &config(&server.base_url()).with_retry(fast_retry()),
        &TEST_SERVICE,
    )
    .unwrap();
    let err = exec.send(&get(), list_request()).await.unwrap_err();
    assert_eq!(mock.calls_async().await, 3);
    assert_eq!(err.attempts(), 3);
    assert_eq!(err.kind(), ErrorKind::Service);
    assert_eq!(err.status(), Some(http::StatusCode::INTERNAL_SERVER_ERROR));
    assert_eq!(err.request_id(), Some("rid-500"));
    assert_eq!(err.error_code(), Some("SVC.500"));
    assert_eq!(err.operation(), Some(("testsvc", "ShowThing")));
    assert_eq!(
        err.to_string(),
        r#"testsvc ShowThing: HTTP 500 SVC.500 "boom" (request id rid-500) after 3 attempts"#
    );
}

#[tokio::test]
async fn post_is_not_retried_on_500_or_on_a_timeout() {
    let server = MockServer::start_async().await;
    let failing = server
        .mock_async(|when, then| {
            when.method(POST).path(format!("/v1/{PROJECT}/things"));
            then.status(500);
        })
        .await;
    let exec = Executor::new(
        &config(&server.base_url()).with_retry(fast_retry()),
        &TEST_SERVICE,
    )
    .unwrap();
    let request = list_request().json_body(&serde_json::json!({"name": "x"}));
    let err = exec.send(&post(), request).await.unwrap_err();
    assert_eq!(failing.calls_async().await, 1);
    assert_eq!(err.attempts(), 1);

    let slow = server
        .mock_async(|when, then| {
            when.method(POST).path(format!("/v1/{PROJECT}/slow"));
            then.status(200).delay(Duration::from_secs(2));
        })
        .await;
    let exec = Executor::new(
        &config(&server.base_url())
            .with_retry(fast_retry())
            .with_attempt_timeout(Duration::from_millis(150)),
        &TEST_SERVICE,
    )
    .unwrap();
    let err = exec
        .send(&post(), OperationRequest::new("/v1/{project_id}/slow"))
        .await
        .unwrap_err();
    assert_eq!(err.timeout_kind(), Some(TimeoutKind::Attempt));
    assert_eq!(
        err.attempts(),
        1,
        "a POST that timed out may have run: not resent"
    );
    assert_eq!(slow.calls_async().await, 1);

    // An operation its service marks idempotent is retried like a GET.
    let err = exec
        .send(
            &post().with_idempotent(true),
            OperationRequest::new("/v1/{project_id}/slow"),
        )
        .await
        .unwrap_err();
    assert_eq!(err.attempts(), 3);
}

#[tokio::test]
async fn every_attempt_is_signed_afresh() {
    let server = MockServer::start_async().await;
    let first_date: Arc<OnceLock<String>> = Arc::new(OnceLock::new());
    let (d1, d2) = (first_date.clone(), first_date.clone());
    let first = server
        .mock_async(move |when, then| {
            when.is_true(move |req| {
                let date = header(req, "x-sdk-date").unwrap_or_default();
                d1.get_or_init(|| date.clone()) == &date
            });
            then.status(503);
        })
        .await;
    let second = server
        .mock_async(move |when, then| {
            when.is_true(signature_is_valid).is_true(move |req| {
                let date = header(req, "x-sdk-date").unwrap_or_default();
                d2.get().is_some_and(|first| first != &date)
            });
            then.status(200).body("{}");
        })
        .await;
    // A clock that moves one minute per reading, so each signature has its own X-Sdk-Date.
    let ticks = Arc::new(AtomicU32::new(0));
    let clock = move || {
        SystemTime::UNIX_EPOCH
            + Duration::from_secs(
                1_767_323_045 + 60 * u64::from(ticks.fetch_add(1, Ordering::SeqCst)),
            )
    };
    let exec = Executor::new(
        &config(&server.base_url())
            .with_retry(fast_retry())
            .with_clock(clock),
        &TEST_SERVICE,
    )
    .unwrap();
    exec.send(&get(), list_request()).await.unwrap();
    assert_eq!(first.calls_async().await, 1);
    assert_eq!(second.calls_async().await, 1);
}

#[tokio::test]
async fn throttling_is_retried_and_reported() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET);
            then.status(429)
                .header("retry-after", "0")
                .header("x-request-id", "rid-429")
                .body(r#"{"error_code":"APIGW.0308","error_msg":"The throttling threshold has been reached"}"#);
        })
        .await;
    let exec = Executor::new(
        &config(&server.base_url()).with_retry(fast_retry()),
        &TEST_SERVICE,
    )
    .unwrap();
    let err = exec.send(&get(), list_request()).await.unwrap_err();
    assert_eq!(mock.calls_async().await, 3);
    assert!(err.is_throttling() && err.is_retryable());
    assert_eq!(err.error_code(), Some("APIGW.0308"));
    assert_eq!(err.request_id(), Some("rid-429"));
}

/// One scripted answer: status and headers (the body is always `{}`).
type Reply = (u16, Vec<(&'static str, &'static str)>);

/// A transport answering from a script, for exact control of retries without a network.
#[derive(Debug)]
struct Scripted {
    replies: Mutex<Vec<Reply>>,
    sent: AtomicU32,
}

#[async_trait]
impl HttpTransport for Scripted {
    async fn send(
        &self,
        _request: http::Request<RequestBody>,
    ) -> huaweicloud_sdk_core::Result<http::Response<ByteStream>> {
        self.sent.fetch_add(1, Ordering::SeqCst);
        let (status, headers) = {
            let mut replies = self.replies.lock().unwrap();
            if replies.len() > 1 {
                replies.remove(0)
            } else {
                replies[0].clone()
            }
        };
        let mut response = http::Response::new(ByteStream::from_bytes("{}"));
        *response.status_mut() = http::StatusCode::from_u16(status).unwrap();
        for (k, v) in headers {
            response
                .headers_mut()
                .insert(k, http::HeaderValue::from_static(v));
        }
        Ok(response)
    }
}

fn scripted(replies: Vec<Reply>) -> Arc<Scripted> {
    Arc::new(Scripted {
        replies: Mutex::new(replies),
        sent: AtomicU32::new(0),
    })
}

#[tokio::test(start_paused = true)]
async fn retry_after_is_honoured_and_capped() {
    let transport = scripted(vec![(429, vec![("retry-after", "7")]), (200, vec![])]);
    let config = config("https://testsvc.example.com")
        .with_retry(fast_retry())
        .with_transport(transport.clone());
    let exec = Executor::new(&config, &TEST_SERVICE).unwrap();
    let start = tokio::time::Instant::now();
    exec.send(&get(), list_request()).await.unwrap();
    // Virtual time: the executor slept exactly what the server asked.
    assert_eq!(start.elapsed(), Duration::from_secs(7));
    assert_eq!(transport.sent.load(Ordering::SeqCst), 2);

    let transport = scripted(vec![(503, vec![("retry-after", "86400")]), (200, vec![])]);
    let config = config
        .with_transport(transport.clone())
        .with_retry(fast_retry().with_max_retry_after(Duration::from_secs(5)));
    let exec = Executor::new(&config, &TEST_SERVICE).unwrap();
    let start = tokio::time::Instant::now();
    exec.send(&get(), list_request()).await.unwrap();
    assert_eq!(
        start.elapsed(),
        Duration::from_secs(5),
        "capped at max_retry_after"
    );
}

#[tokio::test(start_paused = true)]
async fn total_timeout_stops_retries_without_hiding_the_answer() {
    let transport = scripted(vec![(503, vec![("retry-after", "10")])]);
    let config = config("https://testsvc.example.com")
        .with_transport(transport.clone())
        .with_retry(fast_retry().with_max_attempts(10))
        .with_total_timeout(Duration::from_secs(25));
    let exec = Executor::new(&config, &TEST_SERVICE).unwrap();
    let start = tokio::time::Instant::now();
    let err = exec.send(&get(), list_request()).await.unwrap_err();
    // Attempts at 0 s, 10 s and 20 s; a fourth would start past the 25 s deadline, so the
    // service's answer is returned at once instead of sleeping into a bare timeout.
    assert_eq!(err.attempts(), 3);
    assert_eq!(err.status(), Some(http::StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(start.elapsed(), Duration::from_secs(20));
}

#[tokio::test]
async fn total_timeout_fires_inside_a_slow_attempt() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET);
            then.status(200).delay(Duration::from_secs(3));
        })
        .await;
    let config = config(&server.base_url())
        .with_attempt_timeout(Duration::from_secs(10))
        .with_total_timeout(Duration::from_millis(200));
    let exec = Executor::new(&config, &TEST_SERVICE).unwrap();
    let err = exec.send(&get(), list_request()).await.unwrap_err();
    assert_eq!(err.timeout_kind(), Some(TimeoutKind::Total));
    assert!(!err.is_retryable());
    assert_eq!(err.attempts(), 1);
}

#[tokio::test]
async fn connection_refused_is_retried_even_for_post() {
    let refused = format!("http://{}", scripted::refused_addr().unwrap());
    let exec = Executor::new(&config(&refused).with_retry(fast_retry()), &TEST_SERVICE).unwrap();
    let err = exec.send(&post(), list_request()).await.unwrap_err();
    assert!(err.is_connect() && err.is_transport(), "{err:?}");
    assert_eq!(err.attempts(), 3);
}

#[tokio::test]
async fn connect_timeout_fires_when_the_handshake_never_completes() {
    // Accepts TCP and then says nothing, so the TLS handshake never completes.
    let hanging = scripted::Server::start(Script::silent()).await.unwrap();
    let port = hanging.addr().port();
    let config = config(&format!("https://127.0.0.1:{port}"))
        .with_connect_timeout(Duration::from_millis(200));
    let exec = Executor::new(&config, &TEST_SERVICE).unwrap();
    let err = exec.send(&get(), list_request()).await.unwrap_err();
    assert_eq!(err.timeout_kind(), Some(TimeoutKind::Connect), "{err:?}");
    assert!(err.is_connect());
}

#[tokio::test]
async fn read_timeout_fires_on_a_stalled_body() {
    let partial = b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\npartial".to_vec();
    let stalled = Script::steps(Vec::new(), vec![Step::Write(partial), Step::Hang]);
    let server = scripted::Server::start(stalled).await.unwrap();
    let port = server.addr().port();
    let config = config(&format!("http://127.0.0.1:{port}"))
        .with_read_timeout(Some(Duration::from_millis(200)));
    let exec = Executor::new(&config, &TEST_SERVICE).unwrap();
    let response = exec.send(&get(), list_request()).await.unwrap();
    let err = response.bytes().await.unwrap_err();
    assert_eq!(err.timeout_kind(), Some(TimeoutKind::Read), "{err:?}");
    assert_eq!(err.status(), Some(http::StatusCode::OK));
    assert!(
        err.to_string()
            .starts_with("testsvc ShowThing: read timeout of 200ms elapsed (HTTP 200)"),
        "{err}"
    );
}

#[tokio::test]
async fn undecodable_success_is_a_decode_error_with_status_and_request_id() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET);
            then.status(200)
                .header("x-request-id", "rid-bad")
                .body("{not json");
        })
        .await;
    let exec = Executor::new(&config(&server.base_url()), &TEST_SERVICE).unwrap();
    let response = exec.send(&get(), list_request()).await.unwrap();
    let err = response.json::<serde_json::Value>().await.unwrap_err();
    assert!(err.is_decode());
    assert_eq!(err.operation(), Some(("testsvc", "ShowThing")));
    assert_eq!(err.status(), Some(http::StatusCode::OK));
    assert_eq!(err.request_id(), Some("rid-bad"));
}

#[tokio::test]
async fn bad_input_fails_before_any_request() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|_, then| {
            then.status(200);
        })
        .await;
    // No project id anywhere.
    let config = Config::new(Credentials::new(AK, SK)).with_endpoint(server.base_url());
    let exec = Executor::new(&config, &TEST_SERVICE).unwrap();
    let err = exec.send(&get(), list_request()).await.unwrap_err();
    assert!(err.is_construction(), "{err:?}");
    assert!(err.to_string().contains("project id"));
    // A header value that HTTP cannot carry.
    let exec = Executor::new(&support::config(&server.base_url()), &TEST_SERVICE).unwrap();
    let err = exec
        .send(&get(), list_request().header("x-app-userid", "a\r\nb"))
        .await
        .unwrap_err();
    assert!(err.is_construction());
    assert_eq!(err.attempts(), 0);
    assert_eq!(any.calls_async().await, 0);
    // A malformed region is a construction error when the client is built.
    let err = Executor::new(
        &Config::new(Credentials::new(AK, SK)).with_region("../evil"),
        &TEST_SERVICE,
    )
    .unwrap_err();
    assert!(err.is_construction());
}

#[tokio::test]
async fn security_token_is_sent_and_signed() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.header("x-security-token", "temp-token")
                .is_true(signature_is_valid)
                .is_true(|req| {
                    header(req, "authorization").is_some_and(|a| a.contains("x-security-token"))
                });
            then.status(200);
        })
        .await;
    let config = Config::new(
        Credentials::new(AK, SK)
            .with_project_id(PROJECT)
            .with_security_token("temp-token"),
    )
    .with_endpoint(server.base_url());
    let exec = Executor::new(&config, &TEST_SERVICE).unwrap();
    exec.send(&get(), list_request()).await.unwrap();
    mock.assert_async().await;
}

/// How many times the request carries header `name` (any case).
fn header_count(req: &HttpMockRequest, name: &str) -> usize {
    req.headers_vec()
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case(name))
        .count()
}

#[tokio::test]
async fn the_credentials_token_replaces_an_operation_security_token_header() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.header("x-security-token", "cred-token")
                .is_true(|req| header_count(req, "x-security-token") == 1)
                .is_true(signature_is_valid)
                .is_true(|req| {
                    header(req, "authorization").is_some_and(|a| a.contains("x-security-token"))
                });
            then.status(200);
        })
        .await;
    let config = Config::new(
        Credentials::new(AK, SK)
            .with_project_id(PROJECT)
            .with_security_token("cred-token"),
    )
    .with_endpoint(server.base_url());
    let exec = Executor::new(&config, &TEST_SERVICE).unwrap();
    let request = list_request().header("X-Security-Token", "operation-token");
    exec.send(&get(), request).await.unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn without_a_credentials_token_an_operation_security_token_is_sent_as_given() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.header("x-security-token", "operation-token")
                .is_true(|req| header_count(req, "x-security-token") == 1)
                .is_true(signature_is_valid);
            then.status(200);
        })
        .await;
    let exec = Executor::new(&config(&server.base_url()), &TEST_SERVICE).unwrap();
    let request = list_request().header("X-Security-Token", "operation-token");
    exec.send(&get(), request).await.unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn an_operation_request_id_header_is_sent_as_given() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.header("x-request-id", "caller-rid-1")
                .is_true(|req| header_count(req, "x-request-id") == 1)
                .is_true(signature_is_valid);
            then.status(200).header("x-request-id", "server-rid");
        })
        .await;
    let exec = Executor::new(&config(&server.base_url()), &TEST_SERVICE).unwrap();
    let request = list_request().header("X-Request-Id", "caller-rid-1");
    let response = exec.send(&get(), request).await.unwrap();
    assert_eq!(response.request_id(), Some("server-rid"));
    mock.assert_async().await;
}

#[tokio::test]
async fn a_caller_supplied_authorization_is_sent_as_given() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.header("authorization", "Bearer caller-token")
                .header("x-project-id", PROJECT)
                .header_missing("x-sdk-date");
            then.status(200);
        })
        .await;
    let exec = Executor::new(&config(&server.base_url()), &TEST_SERVICE).unwrap();
    exec.send(
        &get(),
        list_request().header("authorization", "Bearer caller-token"),
    )
    .await
    .unwrap();
    assert_eq!(mock.calls_async().await, 1);
}

#[tokio::test]
async fn project_id_is_discovered_from_iam_once_per_ak_and_region() {
    let server = MockServer::start_async().await;
    let iam = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v3/projects")
                .query_param("name", "cn-north-4")
                .is_true(signature_is_valid);
            then.status(200).json_body(serde_json::json!({
                "projects": [{"id": "discovered0000000000000000000001", "name": "cn-north-4"}]
            }));
        })
        .await;
    let service = server
        .mock_async(|when, then| {
            when.path("/v1/discovered0000000000000000000001/things")
                .header("x-project-id", "discovered0000000000000000000001");
            then.status(200);
        })
        .await;
    // A unique AK keeps this test's cache entry its own.
    let config = Config::new(Credentials::new("AKDISCOVERYTEST00001", SK))
        .with_region("cn-north-4")
        .with_endpoint(server.base_url())
        .with_iam_endpoint(server.base_url())
        .with_project_id_discovery(true);
    let exec = Executor::new(&config, &TEST_SERVICE).unwrap();
    exec.send(&get(), list_request()).await.unwrap();
    exec.send(&get(), list_request()).await.unwrap();
    assert_eq!(iam.calls_async().await, 1);
    assert_eq!(service.calls_async().await, 2);
}

#[tokio::test]
async fn a_failed_discovery_says_so_and_names_the_iam_answer() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/v3/projects");
            then.status(403)
                .header("x-request-id", "iam-rid")
                .body(r#"{"error":{"code":"IAM.0002","message":"forbidden"}}"#);
        })
        .await;
    let service = server
        .mock_async(|when, then| {
            when.path_includes("/things");
            then.status(200);
        })
        .await;
    let config = Config::new(Credentials::new("AKDISCOVERYTEST00002", SK))
        .with_region("cn-north-4")
        .with_endpoint(server.base_url())
        .with_iam_endpoint(server.base_url())
        .with_project_id_discovery(true);
    let exec = Executor::new(&config, &TEST_SERVICE).unwrap();
    let err = exec.send(&get(), list_request()).await.unwrap_err();
    assert!(err.is_credentials(), "{err:?}");
    let shown = err.to_string();
    assert!(
        shown.starts_with(
            "testsvc ShowThing: project id discovery via IAM failed for region cn-north-4"
        ),
        "{shown}"
    );
    // IAM's answer is the cause: `Display` does not repeat it, the report of the chain does.
    assert!(!shown.contains("IAM.0002"), "{shown}");
    let report = err.report().to_string();
    assert!(
        report.contains("iam KeystoneListProjects: HTTP 403 IAM.0002")
            && report.contains("iam-rid"),
        "{report}"
    );
    assert_eq!(service.calls_async().await, 0);
}

#[tokio::test]
async fn endpoints_fail_over_on_connect_errors() {
    let dead = format!("http://{}", scripted::refused_addr().unwrap());
    let server = MockServer::start_async().await;
    let live = server
        .mock_async(|_, then| {
            then.status(200);
        })
        .await;
    let config = config(&dead)
        .with_retry(fast_retry())
        .with_endpoints([dead.clone(), server.base_url()]);
    let exec = Executor::new(&config, &TEST_SERVICE).unwrap();
    exec.send(&post(), list_request()).await.unwrap();
    assert_eq!(live.calls_async().await, 1);

    // Without retries the first call fails, but the next one starts at the endpoint that works.
    let config = config.with_retry(RetryConfig::disabled());
    let exec = Executor::new(&config, &TEST_SERVICE).unwrap();
    assert!(
        exec.send(&get(), list_request())
            .await
            .unwrap_err()
            .is_connect()
    );
    exec.send(&get(), list_request()).await.unwrap();
    assert_eq!(live.calls_async().await, 2);
}

#[test]
fn errors_are_send_sync_and_static() {
    fn assert_traits<T: Send + Sync + 'static + std::error::Error>() {}
    assert_traits::<Error>();
}

#[tokio::test]
async fn file_bodies_stream_unsigned_and_replay_on_retry() {
    let path = std::env::temp_dir().join(format!("hwc-exec-upload-{}", std::process::id()));
    let content: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&path, &content).unwrap();
    let server = MockServer::start_async().await;
    let expected = content.clone();
    let mock = server
        .mock_async(move |when, then| {
            when.method(PUT)
                .header("x-sdk-content-sha256", "UNSIGNED-PAYLOAD")
                .header("content-length", "200000")
                .is_true(move |req| req.body().to_vec() == expected);
            then.status(503);
        })
        .await;
    let exec = Executor::new(
        &config(&server.base_url()).with_retry(fast_retry()),
        &TEST_SERVICE,
    )
    .unwrap();
    let spec = OperationSpec::new("testsvc", "PutObject", http::Method::PUT);
    let request = OperationRequest::new("/v1/{project_id}/objects/o")
        .header("content-type", "application/octet-stream")
        .body(RequestBody::from_file(&path).await.unwrap());
    let err = exec.send(&spec, request).await.unwrap_err();
    // Every attempt sent the whole file again.
    assert_eq!(mock.calls_async().await, 3);
    assert_eq!(err.status(), Some(http::StatusCode::SERVICE_UNAVAILABLE));
    let _ = std::fs::remove_file(&path);
}

#[tokio::test]
async fn multipart_bodies_stream_files_unsigned_and_replay_on_retry() {
    let path = std::env::temp_dir().join(format!("hwc-exec-form-{}.bin", std::process::id()));
    let content: Vec<u8> = (0..100_000u32).map(|i| (i % 249) as u8).collect();
    std::fs::write(&path, &content).unwrap();
    let mut expected = b"--B0\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\njob\r\n\
        --B0\r\nContent-Disposition: form-data; name=\"file\"; filename=\"pic.png\"\r\n\
        Content-Type: image/png\r\n\r\n"
        .to_vec();
    expected.extend_from_slice(&content);
    expected.extend_from_slice(b"\r\n--B0--\r\n");
    let length = expected.len().to_string();
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(move |when, then| {
            when.method(PUT)
                .header("content-type", "multipart/form-data; boundary=B0")
                .header("x-sdk-content-sha256", "UNSIGNED-PAYLOAD")
                .header("content-length", length)
                .is_true(signature_is_valid)
                .is_true(move |req| req.body().to_vec() == expected);
            then.status(503);
        })
        .await;
    let exec = Executor::new(
        &config(&server.base_url()).with_retry(fast_retry()),
        &TEST_SERVICE,
    )
    .unwrap();
    let spec = OperationSpec::new("testsvc", "UpdatePicture", http::Method::PUT);
    let form = Multipart::with_boundary("B0").text("name", "job").file(
        "file",
        FilePart::from_path(&path)
            .unwrap()
            .file_name("pic.png")
            .content_type("image/png"),
    );
    // A content type set before is replaced, not sent twice.
    let request = OperationRequest::new("/v1/{project_id}/pictures")
        .header("content-type", "multipart/form-data")
        .multipart_body(form);
    let err = exec.send(&spec, request).await.unwrap_err();
    // Every attempt sent the whole form again, the file reread from disk.
    assert_eq!(mock.calls_async().await, 3);
    assert_eq!(err.status(), Some(http::StatusCode::SERVICE_UNAVAILABLE));
    let _ = std::fs::remove_file(&path);
}

#[tokio::test]
async fn one_shot_streams_are_never_retried() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(PUT).body("streamed");
            then.status(503);
        })
        .await;
    let exec = Executor::new(&config(&server.base_url()), &TEST_SERVICE).unwrap();
    let spec = OperationSpec::new("testsvc", "PutObject", http::Method::PUT);
    let stream = futures_util::stream::iter(vec![Ok::<_, std::io::Error>(
        bytes::Bytes::from_static(b"streamed"),
    )]);
    let request = OperationRequest::new("/v1/{project_id}/objects/o")
        .header("content-type", "application/octet-stream")
        .body(RequestBody::from_stream(stream, Some(8)));
    let err = exec.send(&spec, request).await.unwrap_err();
    assert_eq!(err.attempts(), 1);
    assert_eq!(mock.calls_async().await, 1);
}

#[tokio::test]
async fn requests_go_through_the_configured_proxy() {
    let proxy = MockServer::start_async().await;
    let mock = proxy
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("/v1/{PROJECT}/things"))
                .header("host", "testsvc.cn-north-4.myhuaweicloud.com");
            then.status(200).body("{}");
        })
        .await;
    // The endpoint's host does not resolve here: only the proxy makes this request succeed.
    let config = config("http://testsvc.cn-north-4.myhuaweicloud.com").with_proxy(proxy.base_url());
    let exec = Executor::new(&config, &TEST_SERVICE).unwrap();
    exec.send(&get(), list_request()).await.unwrap();
    assert_eq!(mock.calls_async().await, 1);
}

#[cfg(feature = "reqwest")]
#[tokio::test]
async fn a_reqwest_client_of_your_own_is_used() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.header("x-from-own-client", "yes");
            then.status(200);
        })
        .await;
    let mut defaults = http::HeaderMap::new();
    defaults.insert("x-from-own-client", http::HeaderValue::from_static("yes"));
    let client = reqwest::Client::builder()
        .default_headers(defaults)
        .build()
        .unwrap();
    let exec = Executor::new(
        &config(&server.base_url()).with_reqwest_client(client),
        &TEST_SERVICE,
    )
    .unwrap();
    exec.send(&get(), list_request()).await.unwrap();
    assert_eq!(mock.calls_async().await, 1);
}

#[test]
fn bad_transport_settings_are_construction_errors_when_the_client_is_built() {
    let bad_pem =
        config("https://testsvc.example.com").with_root_certificate_pem(b"not a pem".to_vec());
    let err = Executor::new(&bad_pem, &TEST_SERVICE).unwrap_err();
    assert!(err.is_construction(), "{err:?}");
    let bad_proxy = config("https://testsvc.example.com").with_proxy("::not a url::");
    let err = Executor::new(&bad_proxy, &TEST_SERVICE).unwrap_err();
    assert!(err.is_construction(), "{err:?}");
    assert!(
        !err.to_string().contains("not a url"),
        "proxy URLs may hold passwords: {err}"
    );
}
