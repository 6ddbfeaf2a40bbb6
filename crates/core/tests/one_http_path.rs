//! Every request the SDK makes goes through the configured transport: operations, the
//! instance metadata provider's requests, IAM project discovery and presigned requests (with
//! the executor's retries).

mod scripted;
mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use httpmock::prelude::*;
use huaweicloud_sdk_core::body::ByteStream;
use huaweicloud_sdk_core::config::endpoint::Endpoint;
use huaweicloud_sdk_core::credentials::{Credentials, MetadataProvider};
use huaweicloud_sdk_core::executor::PresignedRequest;
use huaweicloud_sdk_core::retry::RetryConfig;
use huaweicloud_sdk_core::transport::{HttpTransport, SharedTransport, TransportSettings};
use huaweicloud_sdk_core::{
    Config, Executor, OperationRequest, OperationSpec, RequestBody, Result,
};
use support::{AK, PROJECT, SK};

/// Passes requests on to a real transport and records `METHOD path` of each.
#[derive(Debug, Clone)]
struct Recording {
    inner: SharedTransport,
    seen: Arc<Mutex<Vec<String>>>,
}

impl Recording {
    fn new() -> Self {
        let mut settings = TransportSettings::default();
        settings.proxy = None;
        Self {
            inner: default_transport(&settings),
            seen: Arc::default(),
        }
    }

    fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

#[cfg(feature = "rustls")]
fn default_transport(settings: &TransportSettings) -> SharedTransport {
    Arc::new(huaweicloud_sdk_core::transport::HyperTransport::new(settings).unwrap())
}

#[cfg(all(not(feature = "rustls"), feature = "reqwest"))]
fn default_transport(settings: &TransportSettings) -> SharedTransport {
    Arc::new(huaweicloud_sdk_core::transport::ReqwestTransport::new(settings).unwrap())
}

#[async_trait]
impl HttpTransport for Recording {
    async fn send(
        &self,
        request: http::Request<RequestBody>,
    ) -> Result<http::Response<ByteStream>> {
        let line = format!("{} {}", request.method(), request.uri().path());
        self.seen.lock().unwrap().push(line);
        self.inner.send(request).await
    }
}

fn fast_retry() -> RetryConfig {
    RetryConfig::default()
        .with_initial_backoff(Duration::from_millis(5))
        .with_max_backoff(Duration::from_millis(20))
}

fn get() -> OperationSpec {
    OperationSpec::new("testsvc", "ShowThing", http::Method::GET)
}

fn executor(config: &Config, base_url: &str) -> Executor {
    let endpoint = Endpoint::parse_from(base_url, "test").unwrap();
    Executor::with_endpoints(config, "testsvc", vec![endpoint]).unwrap()
}

#[tokio::test]
async fn the_metadata_provider_sends_through_the_configured_transport() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(PUT).path("/meta-data/latest/api/token");
            then.status(200).body("session-token");
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/openstack/latest/securitykey")
                .header("x-metadata-token", "session-token");
            then.status(200).body(
                r#"{"credential":{"access":"AKMETA","secret":"meta-sk","securitytoken":"meta-tok","expires_at":"2099-01-01T00:00:00Z"}}"#,
            );
        })
        .await;
    let thing = server
        .mock_async(|when, then| {
            when.method(GET).path(format!("/v1/{PROJECT}/things"));
            then.status(200).body("{}");
        })
        .await;
    let recording = Recording::new();
    let metadata = MetadataProvider::new().with_endpoint(server.base_url());
    let config = Config::new(metadata)
        .with_project_id(PROJECT)
        .with_transport(recording.clone());
    executor(&config, &server.base_url())
        .send(&get(), OperationRequest::new("/v1/{project_id}/things"))
        .await
        .unwrap();
    thing.assert_calls_async(1).await;
    assert_eq!(
        recording.seen(),
        [
            "PUT /meta-data/latest/api/token".to_owned(),
            "GET /openstack/latest/securitykey".to_owned(),
            format!("GET /v1/{PROJECT}/things"),
        ]
    );
}

#[tokio::test]
async fn iam_discovery_sends_through_the_configured_transport() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v3/projects")
                .query_param("name", "cn-north-4");
            then.status(200).json_body(serde_json::json!({
                "projects": [{"id": "recorded000000000000000000000001", "name": "cn-north-4"}]
            }));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.path("/v1/recorded000000000000000000000001/things");
            then.status(200).body("{}");
        })
        .await;
    let recording = Recording::new();
    // A unique AK keeps this test's entry of the process-wide discovery cache its own.
    let config = Config::new(Credentials::new("AKONEHTTPPATHTEST001", SK))
        .with_region("cn-north-4")
        .with_iam_endpoint(server.base_url())
        .with_project_id_discovery(true)
        .with_transport(recording.clone());
    executor(&config, &server.base_url())
        .send(&get(), OperationRequest::new("/v1/{project_id}/things"))
        .await
        .unwrap();
    assert_eq!(
        recording.seen(),
        [
            "GET /v3/projects",
            "GET /v1/recorded000000000000000000000001/things"
        ]
    );
}

fn put_spec() -> OperationSpec {
    OperationSpec::new("testsvc", "UploadThing", http::Method::PUT)
}

#[tokio::test]
async fn a_presigned_put_goes_through_the_transport_and_is_retried_when_replayable() {
    let script = scripted::Script::new(
        vec![scripted::response(503, &[], "busy")],
        scripted::response(200, &[("x-request-id", "put-ok")], ""),
    );
    let base_server = scripted::Server::start(script.clone()).await.unwrap();
    let base = base_server.url();
    let recording = Recording::new();
    let config = Config::new(Credentials::new(AK, SK))
        .with_retry(fast_retry())
        .with_transport(recording.clone());
    let exec = executor(&config, &base);
    let url = format!("{base}/bucket/object?AccessKeyId=AK&Expires=9&Signature=SECRET");
    let request = PresignedRequest::new(http::Method::PUT, &url)
        .unwrap()
        .header(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("image/png"),
        )
        .body(RequestBody::from_bytes("file bytes"));
    let response = exec.send_presigned(&put_spec(), request).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.attempts(), 2);
    assert_eq!(
        recording.seen(),
        ["PUT /bucket/object", "PUT /bucket/object"]
    );
    let received = script.received();
    assert_eq!(received.len(), 2);
    for r in &received {
        assert_eq!(
            r.target,
            "/bucket/object?AccessKeyId=AK&Expires=9&Signature=SECRET"
        );
        assert_eq!(r.body, b"file bytes");
        assert_eq!(r.header("content-type"), Some("image/png"));
        // Not AK/SK-signed: the URL carries the signature.
        assert_eq!(r.header("authorization"), None);
        assert!(r.header("user-agent").is_some());
    }
}

#[tokio::test]
async fn a_reopenable_presigned_body_is_sent_anew_on_retry() {
    let script = scripted::Script::new(
        vec![scripted::response(503, &[], "busy")],
        scripted::response(200, &[], ""),
    );
    let base_server = scripted::Server::start(script.clone()).await.unwrap();
    let base = base_server.url();
    let config = Config::new(Credentials::new(AK, SK)).with_retry(fast_retry());
    let exec = executor(&config, &base);
    let body = RequestBody::from_reopenable(Some(6), || async {
        Ok(ByteStream::new(futures_util::stream::iter([
            Ok(bytes::Bytes::from_static(b"abc")),
            Ok(bytes::Bytes::from_static(b"def")),
        ])))
    });
    let request = PresignedRequest::new(http::Method::PUT, &format!("{base}/o?Signature=S"))
        .unwrap()
        .body(body);
    let response = exec.send_presigned(&put_spec(), request).await.unwrap();
    assert_eq!(response.attempts(), 2);
    let received = script.received();
    assert_eq!(received.len(), 2);
    assert!(received.iter().all(|r| r.body == b"abcdef"));
}

#[tokio::test]
async fn a_one_shot_presigned_body_is_sent_once() {
    let script = scripted::Script::new(
        vec![scripted::response(503, &[], "busy")],
        scripted::response(200, &[], ""),
    );
    let base_server = scripted::Server::start(script.clone()).await.unwrap();
    let base = base_server.url();
    let config = Config::new(Credentials::new(AK, SK)).with_retry(fast_retry());
    let exec = executor(&config, &base);
    let stream =
        futures_util::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from_static(b"once"))]);
    let request = PresignedRequest::new(http::Method::PUT, &format!("{base}/o?Signature=S"))
        .unwrap()
        .body(RequestBody::from_stream(stream, Some(4)));
    let err = exec.send_presigned(&put_spec(), request).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(script.received().len(), 1);
    let shown = format!("{err} {err:?}");
    assert!(shown.starts_with("testsvc UploadThing: "), "{shown}");
}

#[tokio::test]
async fn presigned_errors_and_debug_never_show_the_signature() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let config = Config::new(Credentials::new(AK, SK)).with_retry(RetryConfig::disabled());
    let exec = executor(&config, &format!("http://{addr}"));
    let url = format!("http://{addr}/o?AccessKeyId=AK&Signature=SECRET");
    let request = PresignedRequest::new(http::Method::GET, &url).unwrap();
    assert!(!format!("{request:?}").contains("SECRET"));
    let err = exec.send_presigned(&get(), request).await.unwrap_err();
    assert!(err.is_connect(), "{err:?}");
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("SECRET"), "{shown}");
    let bad = PresignedRequest::new(http::Method::GET, "not a url?Signature=SECRET").unwrap_err();
    assert!(!format!("{bad} {bad:?}").contains("SECRET"));
}

/// Presigned requests share the operations' retry loop, so a `Retry-After` too large to be a
/// point in time ends the call with the answer (no panic adding it to the clock), with and
/// without a total timeout.
#[tokio::test]
async fn a_presigned_retry_after_too_large_for_the_clock_ends_the_call_with_the_answer() {
    for total in [Some(Duration::from_secs(300)), None] {
        let busy = scripted::response(503, &[("retry-after", "18446744073709551615")], "busy");
        let script = scripted::Script::new(vec![], busy);
        let server = scripted::Server::start(script.clone()).await.unwrap();
        let base = server.url();
        let config = Config::new(Credentials::new(AK, SK))
            .with_total_timeout(total)
            .with_retry(RetryConfig::default().with_max_retry_after(Duration::MAX));
        let exec = executor(&config, &base);
        let url = format!("{base}/bucket/object?Signature=SECRET");
        let request = PresignedRequest::new(http::Method::PUT, &url)
            .unwrap()
            .body(RequestBody::from_bytes("file bytes"));
        let err = exec.send_presigned(&put_spec(), request).await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(503), "{err}");
        assert_eq!(err.attempts(), 1);
        assert_eq!(script.received().len(), 1);
    }
}
