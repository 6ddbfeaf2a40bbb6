//! Connections refused, reset or closed before, during and after the response headers.

use huaweicloud_sdk_projectman::download::{self, DownloadOptions};

use crate::support::*;

/// Nothing listens: a connect error, retried up to the limit for a `GET`.
#[tokio::test]
async fn refused_get_is_retried_until_max_attempts() {
    let endpoint = refused_endpoint().await;
    let err = swr_get(&config(&endpoint)).await.unwrap_err();
    assert!(err.is_transport() && err.is_connect(), "{err:?}");
    assert_eq!(err.status(), None);
    assert_eq!(err.attempts(), 3, "{err:?}");
}

/// Connect failures are retried whatever the method (the request never reached a server), so a
/// `POST` is retried too.
#[tokio::test]
async fn refused_post_is_retried_because_nothing_was_sent() {
    let endpoint = refused_endpoint().await;
    let err = metastudio_create_file(&config(&endpoint))
        .await
        .unwrap_err();
    assert!(err.is_transport() && err.is_connect(), "{err:?}");
    assert_eq!(err.attempts(), 3, "{err:?}");
    assert_eq!(err.operation(), Some(("metastudio", "CreateFile")));
}

/// A reset after the request was read, before any header: a broken connection, retried for a
/// `GET`; every attempt reached the server.
#[tokio::test]
async fn reset_before_headers_get_is_retried() {
    let server = Server::always(vec![Step::Reset]).await;
    let err = swr_get(&config(&server.endpoint())).await.unwrap_err();
    assert!(err.is_transport() && !err.is_connect(), "{err:?}");
    assert_eq!(err.status(), None);
    assert_eq!(err.attempts(), 3, "{err:?}");
    assert_eq!(server.requests(), 3);
}

/// The same reset on a `POST`: the server may have acted on it, so it is not sent again.
#[tokio::test]
async fn reset_before_headers_post_is_not_retried() {
    let server = Server::always(vec![Step::Reset]).await;
    let err = metastudio_create_file(&config(&server.endpoint()))
        .await
        .unwrap_err();
    assert!(err.is_transport() && !err.is_connect(), "{err:?}");
    assert_eq!(err.attempts(), 1, "{err:?}");
    assert_eq!(server.requests(), 1);
}

/// A clean close (FIN) without a response: a transport error, retried for a `GET`, and it
/// succeeds once the server answers.
#[tokio::test]
async fn close_before_headers_then_success() {
    let server = Server::start(vec![
        vec![Step::Close],
        vec![json(200, r#"{"digest":"sha256:abc","id":7}"#)],
    ])
    .await;
    let out = swr_get(&config(&server.endpoint())).await.unwrap();
    assert_eq!(out.id, Some(7));
    assert_eq!(out.request_id.as_deref(), Some(REQUEST_ID));
    assert_eq!(server.requests(), 2);
}

/// Garbage instead of an HTTP response: a transport error (not decode, not service), retried
/// for a `GET` like any broken exchange.
#[tokio::test]
async fn garbage_instead_of_http_is_a_transport_error() {
    let server = Server::always(vec![Step::Write(b"SSH-2.0-OpenSSH_9.6\r\n\r\n".to_vec())]).await;
    let err = swr_get(&config(&server.endpoint())).await.unwrap_err();
    assert!(err.is_transport(), "{err:?}");
    assert_eq!(err.status(), None);
    assert_eq!(err.attempts(), 3, "{err:?}");
    assert_eq!(server.requests(), 3);
}

/// Headers announce 100 bytes, then a reset: the JSON cannot be read. A transport error naming
/// the response (status, request id); not retried, since the body is read after the executor
/// returned; never a success.
#[tokio::test]
async fn reset_after_headers_json_is_a_transport_error() {
    let server = Server::always(vec![
        Step::Write(head(
            200,
            &[
                ("content-type", "application/json"),
                ("content-length", "100"),
            ],
        )),
        Step::Write(b"{\"digest\":\"sha".to_vec()),
        Step::Sleep(std::time::Duration::from_millis(20)),
        Step::Reset,
    ])
    .await;
    let err = swr_get(&config(&server.endpoint())).await.unwrap_err();
    assert!(err.is_transport(), "{err:?}");
    assert_eq!(err.status(), Some(http::StatusCode::OK));
    assert_eq!(err.request_id(), Some(REQUEST_ID));
    assert_eq!(err.attempts(), 1, "{err:?}");
    assert_eq!(err.operation(), Some(("swr", "ShowInstanceArtifact")));
    assert_eq!(server.requests(), 1);
}

/// An image body closed mid-way: `write_to_file` reports an error and leaves no file behind
/// (neither the destination nor its temporary file).
#[tokio::test]
async fn close_mid_body_download_to_file_leaves_no_file() {
    let server = Server::always(vec![
        Step::Write(head(
            200,
            &[("content-type", "image/png"), ("content-length", "100000")],
        )),
        Step::Write(vec![0x89; 30_000]),
        Step::Close,
    ])
    .await;
    let dir = TempDir::new("close-mid-body");
    let dest = dir.0.join("image.png");
    let output = download(&config(&server.endpoint())).await.unwrap();
    let err = download::write_to_file(output, &dest, &DownloadOptions::new())
        .await
        .unwrap_err();
    assert!(err.is_transport(), "{err:?}");
    assert!(!dest.exists(), "a partial download was left at {dest:?}");
    assert_eq!(dir.entries(), Vec::<String>::new());
    assert_eq!(server.requests(), 1);
}

/// The same with a reset, and an existing destination file: it is left untouched.
#[tokio::test]
async fn reset_mid_body_download_keeps_existing_file() {
    let server = Server::always(vec![
        Step::Write(head(200, &[("content-length", "100000")])),
        Step::Write(vec![1; 10_000]),
        Step::Sleep(std::time::Duration::from_millis(20)),
        Step::Reset,
    ])
    .await;
    let dir = TempDir::new("reset-mid-body");
    let dest = dir.0.join("image.png");
    std::fs::write(&dest, b"previous").unwrap();
    let output = download(&config(&server.endpoint())).await.unwrap();
    let err = download::write_to_file(output, &dest, &DownloadOptions::new())
        .await
        .unwrap_err();
    assert!(err.is_transport(), "{err:?}");
    assert_eq!(std::fs::read(&dest).unwrap(), b"previous");
    assert_eq!(dir.entries(), vec!["image.png".to_owned()]);
}

/// `write_to` into memory: an error, never the short body as success, even though some bytes
/// were written before the failure.
#[tokio::test]
async fn close_mid_body_download_to_writer_is_an_error() {
    let server = Server::always(vec![
        Step::Write(head(200, &[("content-length", "5000")])),
        Step::Write(vec![7; 1000]),
        Step::Close,
    ])
    .await;
    let output = download(&config(&server.endpoint())).await.unwrap();
    assert_eq!(output.content_length, Some(5000));
    let mut sink = Vec::new();
    let result = download::write_to(output, &mut sink, &DownloadOptions::new()).await;
    let err = result.expect_err("a short body must not be a success");
    assert!(err.is_transport(), "{err:?}");
    assert!(sink.len() < 5000);
    assert_eq!(server.requests(), 1);
}

/// With two endpoints, a refused connection fails over to the next one; nothing was sent to the
/// first, so even a `POST` goes on.
#[tokio::test]
async fn refused_endpoint_fails_over_to_the_next() {
    let refused = refused_endpoint().await;
    let server = Server::always(vec![json(
        200,
        r#"{"file_id":"f1","upload_url":"https://obs.example/u"}"#,
    )])
    .await;
    let config = config(&refused).with_endpoints([refused.clone(), server.endpoint()]);
    let out = metastudio_create_file(&config).await.unwrap();
    assert_eq!(out.file_id.as_deref(), Some("f1"));
    assert_eq!(server.requests(), 1);
}

/// Response headers larger than the client accepts: a transport error, no panic, no success.
#[tokio::test]
async fn oversized_response_headers_are_a_transport_error() {
    let huge = "a".repeat(1024 * 1024);
    let server = Server::always(vec![response(200, &[("x-huge", &huge)], b"{}")]).await;
    let err = swr_get(&config(&server.endpoint())).await.unwrap_err();
    assert!(err.is_transport(), "{err:?}");
    assert_eq!(err.status(), None);
    assert_eq!(err.attempts(), 3, "{err:?}");
}

/// An error response whose body is cut by the server: the attempt fails as a transport error,
/// but it still names the status and request id the server did send.
#[tokio::test]
async fn error_body_cut_mid_way_keeps_the_status() {
    let server = Server::always(vec![
        Step::Write(head(503, &[("content-length", "1000")])),
        Step::Write(b"{\"error_code\":".to_vec()),
        Step::Close,
    ])
    .await;
    let err = metastudio_create_file(&config(&server.endpoint()))
        .await
        .unwrap_err();
    assert!(err.is_transport(), "{err:?}");
    assert_eq!(err.status(), Some(http::StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(err.request_id(), Some(REQUEST_ID));
    assert_eq!(err.attempts(), 1, "{err:?}");
    assert_eq!(server.requests(), 1);
}
