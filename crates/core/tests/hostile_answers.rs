//! Answers a server can send to exhaust the client: a success body larger than the
//! buffered-body limit (announced or not), and a `Retry-After` too large to be a point in time.
//! Against raw servers on 127.0.0.1 that write exactly the bytes given and then hold the
//! connection open, so a client reading further would wait instead of failing.

use std::time::Duration;

use huaweicloud_sdk_core::retry::RetryConfig;
use huaweicloud_sdk_core::{Executor, OperationRequest, OperationSpec};

mod scripted;
mod support;

use scripted::{Script, Step, response};
use support::{TEST_SERVICE, config};

/// Answers every request with `answer`, then keeps the connection open without a byte more.
async fn holding_server(answer: Vec<u8>) -> scripted::Server {
    let script = Script::steps(Vec::new(), vec![Step::Write(answer), Step::Hang]);
    scripted::Server::start(script).await.unwrap()
}

fn show() -> (OperationSpec, OperationRequest) {
    (
        OperationSpec::new("testsvc", "ShowThing", http::Method::GET),
        OperationRequest::new("/v1/{project_id}/things"),
    )
}

fn assert_limit_error(err: &huaweicloud_sdk_core::Error, limit: &str) {
    assert!(err.is_decode(), "{err}");
    assert_eq!(err.status(), Some(http::StatusCode::OK));
    assert_eq!(err.request_id(), Some("rid-big"));
    assert_eq!(err.operation(), Some(("testsvc", "ShowThing")));
    let text = err.to_string();
    for part in [limit, "testsvc ShowThing", "HTTP 200", "rid-big"] {
        assert!(text.contains(part), "{part} missing in {text}");
    }
}

#[tokio::test]
async fn a_body_past_the_limit_fails_without_reading_the_rest() {
    // Chunked, no length: 2 KiB sent, the body never finishes.
    let mut answer =
        b"HTTP/1.1 200 OK\r\nx-request-id: rid-big\r\ntransfer-encoding: chunked\r\n\r\n".to_vec();
    answer.extend_from_slice(format!("800\r\n{}\r\n", "x".repeat(0x800)).as_bytes());
    let server = holding_server(answer).await;
    let url = server.url();
    let exec = Executor::new(
        &config(&url).with_max_buffered_body_size(1024),
        &TEST_SERVICE,
    )
    .unwrap();
    let (spec, request) = show();
    let response = exec.send(&spec, request).await.unwrap();
    let err = response.json::<serde_json::Value>().await.unwrap_err();
    assert_limit_error(&err, "1024-byte limit");

    // `bytes()` holds the body whole too: the same bound.
    let (spec, request) = show();
    let response = exec.send(&spec, request).await.unwrap();
    let err = response.bytes().await.unwrap_err();
    assert_limit_error(&err, "1024-byte limit");
}

#[tokio::test]
async fn a_content_length_past_the_limit_fails_before_reading() {
    // Announces 10 MB and sends none of it.
    let answer =
        b"HTTP/1.1 200 OK\r\nx-request-id: rid-big\r\ncontent-length: 10000000\r\n\r\n".to_vec();
    let server = holding_server(answer).await;
    let url = server.url();
    let exec = Executor::new(
        &config(&url).with_max_buffered_body_size(1024),
        &TEST_SERVICE,
    )
    .unwrap();
    let (spec, request) = show();
    let response = exec.send(&spec, request).await.unwrap();
    let err = response.json::<serde_json::Value>().await.unwrap_err();
    assert_limit_error(&err, "10000000 bytes exceeds the 1024-byte limit");
}

#[tokio::test]
async fn bodies_within_the_limit_and_streams_are_not_bounded() {
    let body = "x".repeat(1024);
    let script = Script::new(vec![], response(200, &[], format!("\"{body}\"")));
    let url_server = scripted::Server::start(script).await.unwrap();
    let url = url_server.url();
    // Exactly at the limit: decoded.
    let exec = Executor::new(
        &config(&url).with_max_buffered_body_size(1026),
        &TEST_SERVICE,
    )
    .unwrap();
    let (spec, request) = show();
    let value: String = exec
        .send(&spec, request)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(value.len(), 1024);
    // A streamed body is the consumer's to bound.
    let exec = Executor::new(&config(&url).with_max_buffered_body_size(16), &TEST_SERVICE).unwrap();
    let (spec, request) = show();
    let response = exec.send(&spec, request).await.unwrap();
    let streamed = response.into_body().collect().await.unwrap();
    assert_eq!(streamed.len(), 1026);
}

#[derive(Debug, serde::Deserialize)]
struct Required {
    #[allow(dead_code)]
    id: String,
}

#[derive(Debug, Default, serde::Deserialize)]
struct Optional {
    id: Option<String>,
}

#[tokio::test]
async fn empty_and_whitespace_bodies_decode_as_an_empty_object() {
    for body in ["", " \r\n\t "] {
        let script = Script::new(vec![], response(200, &[("x-request-id", "rid-e")], body));
        let url_server = scripted::Server::start(script).await.unwrap();
        let url = url_server.url();
        let exec = Executor::new(&config(&url), &TEST_SERVICE).unwrap();
        let (spec, request) = show();
        let value: serde_json::Value = exec
            .send(&spec, request)
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(value, serde_json::json!({}), "{body:?}");
        let (spec, request) = show();
        let value: Optional = exec
            .send(&spec, request)
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(value.id, None);
        // An output with a required field: a decode error naming it.
        let (spec, request) = show();
        let err = exec
            .send(&spec, request)
            .await
            .unwrap()
            .json::<Required>()
            .await
            .unwrap_err();
        assert!(err.is_decode(), "{err}");
        assert!(err.to_string().contains("missing field `id`"), "{err}");
        assert_eq!(err.request_id(), Some("rid-e"));
    }
}

#[tokio::test]
async fn a_retry_after_too_large_for_the_clock_ends_the_call_with_the_answer() {
    // u64::MAX seconds, under a cap raised as far as it goes: no instant is that far away.
    let busy = response(
        503,
        &[
            ("retry-after", "18446744073709551615"),
            ("x-request-id", "rid-busy"),
        ],
        r#"{"error_code":"SVC.0503","error_msg":"busy"}"#,
    );
    for total in [Some(Duration::from_secs(300)), None] {
        let script = Script::new(vec![], busy.clone());
        let url_server = scripted::Server::start(script.clone()).await.unwrap();
        let url = url_server.url();
        let config = config(&url)
            .with_total_timeout(total)
            .with_retry(RetryConfig::default().with_max_retry_after(Duration::MAX));
        let exec = Executor::new(&config, &TEST_SERVICE).unwrap();
        let (spec, request) = show();
        let err = exec.send(&spec, request).await.unwrap_err();
        assert!(err.is_service(), "{err}");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
        assert_eq!(err.request_id(), Some("rid-busy"));
        assert_eq!(err.attempts(), 1);
        assert_eq!(script.received().len(), 1);
    }
}
