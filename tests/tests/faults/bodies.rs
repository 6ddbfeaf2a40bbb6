//! Broken bodies: malformed JSON, wrong types, huge error bodies, invalid UTF-8, truncated
//! chunked encoding.

use http::StatusCode;
use huaweicloud_sdk_core::error::MAX_ERROR_BODY_BYTES;
use huaweicloud_sdk_projectman::download::{self, DownloadOptions};

use crate::support::*;

const FIFTY_MIB: u64 = 50 * 1024 * 1024;

/// Malformed JSON on a 200: a decode error carrying status and request id; not retried.
#[tokio::test]
async fn malformed_json_on_200_is_a_decode_error() {
    let server = Server::always(vec![json(200, r#"{"digest": "sha256:abc", "id": 1"#)]).await;
    let err = swr_get(&config(&server.endpoint())).await.unwrap_err();
    assert!(err.is_decode(), "{err:?}");
    assert_eq!(err.status(), Some(StatusCode::OK));
    assert_eq!(err.request_id(), Some(REQUEST_ID));
    assert_eq!(err.operation(), Some(("swr", "ShowInstanceArtifact")));
    assert_eq!(err.attempts(), 1, "{err:?}");
    assert_eq!(server.requests(), 1);
}

/// Well-formed JSON with a wrong type (a string where a number belongs): a decode error too.
#[tokio::test]
async fn wrong_types_on_200_are_a_decode_error() {
    let server = Server::always(vec![json(
        200,
        r#"{"count":"ten","picture_modeling_jobs":{"not":"a list"}}"#,
    )])
    .await;
    let err = metastudio_list(&config(&server.endpoint()))
        .await
        .unwrap_err();
    assert!(err.is_decode(), "{err:?}");
    assert_eq!(err.status(), Some(StatusCode::OK));
    assert_eq!(err.request_id(), Some(REQUEST_ID));
    assert_eq!(server.requests(), 1);
}

/// A 200 that is HTML, not JSON (a captive portal, a proxy page): a decode error.
#[tokio::test]
async fn html_on_200_is_a_decode_error() {
    let server = Server::always(vec![response(
        200,
        &[("content-type", "text/html")],
        b"<html><body>Login required</body></html>",
    )])
    .await;
    let err = swr_get(&config(&server.endpoint())).await.unwrap_err();
    assert!(err.is_decode(), "{err:?}");
    assert_eq!(err.status(), Some(StatusCode::OK));
}

/// A 50 MiB error body with `Content-Length`: the error is produced from the first
/// `MAX_ERROR_BODY_BYTES` and the rest is never read (the server cannot push 50 MiB into a
/// connection nobody reads).
#[tokio::test]
async fn huge_error_body_is_read_bounded() {
    let length = FIFTY_MIB.to_string();
    let server = Server::always(vec![
        Step::Write(head(500, &[("content-length", &length)])),
        Step::Filler(FIFTY_MIB),
    ])
    .await;
    let config =
        config(&server.endpoint()).with_retry(huaweicloud_sdk_core::retry::RetryConfig::disabled());
    let err = swr_get(&config).await.unwrap_err();
    assert!(err.is_service(), "{err:?}");
    assert_eq!(err.status(), Some(StatusCode::INTERNAL_SERVER_ERROR));
    assert_eq!(err.request_id(), Some(REQUEST_ID));
    let service = err.service_error().unwrap();
    assert!(service.body_truncated());
    assert_eq!(service.body().len(), MAX_ERROR_BODY_BYTES);
    assert_eq!(service.error_code(), "500");
    assert!(service.error_msg().len() <= MAX_ERROR_BODY_BYTES);
    assert_eq!(err.attempts(), 1);
    // Give the server a moment to notice the closed connection, then check it stalled far
    // short of 50 MiB.
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    assert!(
        server.bytes_written() < FIFTY_MIB / 2,
        "{} bytes were pushed",
        server.bytes_written()
    );
}

/// The same 50 MiB, chunked (no length announced), on a retried `GET`: each attempt reads a
/// bounded prefix.
#[tokio::test]
async fn huge_chunked_error_body_is_read_bounded_on_every_attempt() {
    let server = Server::always(vec![
        Step::Write(head(503, &[("transfer-encoding", "chunked")])),
        Step::ChunkedFiller(FIFTY_MIB),
    ])
    .await;
    let err = swr_get(&config(&server.endpoint())).await.unwrap_err();
    assert!(err.is_service(), "{err:?}");
    assert_eq!(err.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    let service = err.service_error().unwrap();
    assert!(service.body_truncated());
    assert_eq!(service.body().len(), MAX_ERROR_BODY_BYTES);
    assert_eq!(err.attempts(), 3);
    assert_eq!(server.requests(), 3);
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    assert!(
        server.bytes_written() < FIFTY_MIB,
        "{}",
        server.bytes_written()
    );
}

/// An error body that is not UTF-8: a service error whose message is the lossy text and whose
/// raw body is kept byte for byte; no panic.
#[tokio::test]
async fn invalid_utf8_error_body() {
    let body: &[u8] = b"\xff\xfe gateway \xc3\x28 broke \x80";
    let server = Server::always(vec![response(502, &[("content-type", "text/plain")], body)]).await;
    let config = config(&server.endpoint()).with_retry(fast_retry(2));
    let err = swr_get(&config).await.unwrap_err();
    assert!(err.is_service(), "{err:?}");
    assert_eq!(err.status(), Some(StatusCode::BAD_GATEWAY));
    let service = err.service_error().unwrap();
    assert_eq!(&service.body()[..], body);
    assert_eq!(service.error_code(), "502");
    assert!(service.error_msg().contains("gateway"));
    assert!(service.error_msg().contains('\u{fffd}'));
    assert!(!err.to_string().is_empty());
    assert_eq!(err.attempts(), 2);
}

/// JSON-looking error body with invalid UTF-8 inside a string: not parseable JSON, so the code
/// falls back to the status; still a service error with the request id.
#[tokio::test]
async fn invalid_utf8_inside_error_json() {
    let body: &[u8] = b"{\"error_code\":\"X.1\",\"error_msg\":\"bad \xff byte\"}";
    let server = Server::always(vec![response(
        400,
        &[("content-type", "application/json")],
        body,
    )])
    .await;
    let err = swr_get(&config(&server.endpoint())).await.unwrap_err();
    assert!(err.is_service(), "{err:?}");
    assert_eq!(err.error_code(), Some("400"));
    assert_eq!(err.request_id(), Some(REQUEST_ID));
    assert_eq!(server.requests(), 1);
}

/// A 200 JSON body with invalid UTF-8 in a string: a decode error, not a mangled success.
#[tokio::test]
async fn invalid_utf8_success_body_is_a_decode_error() {
    let body: &[u8] = b"{\"digest\":\"sha256:\xff\xfe\",\"id\":1}";
    let server = Server::always(vec![response(
        200,
        &[("content-type", "application/json")],
        body,
    )])
    .await;
    let err = swr_get(&config(&server.endpoint())).await.unwrap_err();
    assert!(err.is_decode(), "{err:?}");
    assert_eq!(err.status(), Some(StatusCode::OK));
    assert_eq!(err.request_id(), Some(REQUEST_ID));
}

/// The control: a binary (non-UTF-8) download is bytes, delivered exactly.
#[tokio::test]
async fn binary_download_is_delivered_exactly() {
    let body: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    let server = Server::always(vec![response(200, &[("content-type", "image/png")], &body)]).await;
    let output = download(&config(&server.endpoint())).await.unwrap();
    let mut sink = Vec::new();
    let n = download::write_to(output, &mut sink, &DownloadOptions::new())
        .await
        .unwrap();
    assert_eq!(n, body.len() as u64);
    assert_eq!(sink, body);
}

/// Chunked JSON that stops before its final chunk: a transport error naming the response,
/// never the partial JSON decoded as success.
#[tokio::test]
async fn truncated_chunked_json_is_a_transport_error() {
    let server = Server::always(vec![
        Step::Write(head(
            200,
            &[
                ("content-type", "application/json"),
                ("transfer-encoding", "chunked"),
            ],
        )),
        // A complete JSON document in the first chunk; the terminating chunk never comes.
        Step::Write(b"1e\r\n{\"digest\":\"sha256:abc\",\"id\":1}\r\n".to_vec()),
        Step::Close,
    ])
    .await;
    let err = swr_get(&config(&server.endpoint())).await.unwrap_err();
    assert!(err.is_transport(), "{err:?}");
    assert_eq!(err.status(), Some(StatusCode::OK));
    assert_eq!(err.request_id(), Some(REQUEST_ID));
    assert_eq!(server.requests(), 1);
}

/// A chunked download cut mid-stream (no `Content-Length` to compare with): still an error,
/// and no file.
#[tokio::test]
async fn truncated_chunked_download_is_an_error() {
    let server = Server::always(vec![
        Step::Write(head(200, &[("transfer-encoding", "chunked")])),
        Step::Write(b"400\r\n".to_vec()),
        Step::Write(vec![9; 0x400]),
        Step::Write(b"\r\n400\r\n".to_vec()),
        Step::Write(vec![9; 100]),
        Step::Close,
    ])
    .await;
    let dir = TempDir::new("chunked");
    let dest = dir.0.join("image.png");
    let output = download(&config(&server.endpoint())).await.unwrap();
    assert_eq!(output.content_length, None);
    let err = download::write_to_file(output, &dest, &DownloadOptions::new())
        .await
        .unwrap_err();
    assert!(err.is_transport(), "{err:?}");
    assert_eq!(dir.entries(), Vec::<String>::new());
}

/// A malformed chunk size: a transport error, not a success.
#[tokio::test]
async fn malformed_chunk_size_is_a_transport_error() {
    let server = Server::always(vec![
        Step::Write(head(200, &[("transfer-encoding", "chunked")])),
        Step::Write(b"zz\r\nhello\r\n0\r\n\r\n".to_vec()),
    ])
    .await;
    let output = download(&config(&server.endpoint())).await.unwrap();
    let mut sink = Vec::new();
    let err = download::write_to(output, &mut sink, &DownloadOptions::new())
        .await
        .unwrap_err();
    assert!(err.is_transport(), "{err:?}");
}

/// A 500, then a malformed 200: the decode error counts both attempts.
#[tokio::test]
async fn decode_error_after_a_retry_counts_both_attempts() {
    let server = Server::start(vec![vec![error(500, &[])], vec![json(200, "{\"id\":")]]).await;
    let err = swr_get(&config(&server.endpoint())).await.unwrap_err();
    assert!(err.is_decode(), "{err:?}");
    assert_eq!(err.attempts(), 2, "{err:?}");
    assert_eq!(server.requests(), 2);
}
