//! Slow servers: attempt, read and total timeouts.

use std::time::Duration;

use huaweicloud_sdk_core::TimeoutKind;
use huaweicloud_sdk_projectman::download::{self, DownloadOptions};

use crate::support::*;

const SHORT: Duration = Duration::from_millis(200);

/// Headers never come: the attempt timeout fires on each attempt and a `GET` is retried.
#[tokio::test]
async fn slow_headers_hit_the_attempt_timeout_and_get_is_retried() {
    let server = Server::always(vec![Step::Hang]).await;
    let config = config(&server.endpoint())
        .with_attempt_timeout(SHORT)
        .with_retry(fast_retry(2));
    let err = swr_get(&config).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(err.timeout_kind(), Some(TimeoutKind::Attempt));
    assert!(!err.is_connect());
    assert_eq!(err.status(), None);
    assert_eq!(err.attempts(), 2, "{err:?}");
    assert_eq!(server.requests(), 2);
}

/// A `POST` that timed out may have been executed: not sent twice.
#[tokio::test]
async fn slow_headers_post_is_not_retried() {
    let server = Server::always(vec![Step::Hang]).await;
    let config = config(&server.endpoint()).with_attempt_timeout(SHORT);
    let err = metastudio_create_file(&config).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(err.timeout_kind(), Some(TimeoutKind::Attempt));
    assert_eq!(err.attempts(), 1, "{err:?}");
    assert_eq!(server.requests(), 1);
}

/// No attempt timeout, but a read timeout: silence before the headers is a read timeout,
/// retried for a `GET`.
#[tokio::test]
async fn silence_before_headers_hits_the_read_timeout() {
    let server = Server::always(vec![Step::Hang]).await;
    let config = config(&server.endpoint())
        .with_attempt_timeout(None)
        .with_read_timeout(Some(SHORT))
        .with_retry(fast_retry(2));
    let err = swr_get(&config).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(err.timeout_kind(), Some(TimeoutKind::Read));
    assert_eq!(err.attempts(), 2, "{err:?}");
    assert_eq!(server.requests(), 2);
}

/// Headers arrive, then the body stalls: the read timeout fires while decoding; the error names
/// the response and is not a success.
#[tokio::test]
async fn slow_body_hits_the_read_timeout() {
    let server = Server::always(vec![
        Step::Write(head(
            200,
            &[
                ("content-type", "application/json"),
                ("content-length", "64"),
            ],
        )),
        Step::Write(b"{\"digest\":".to_vec()),
        Step::Hang,
    ])
    .await;
    let config = config(&server.endpoint()).with_read_timeout(Some(SHORT));
    let err = swr_get(&config).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(err.timeout_kind(), Some(TimeoutKind::Read));
    assert_eq!(err.status(), Some(http::StatusCode::OK));
    assert_eq!(err.request_id(), Some(REQUEST_ID));
    assert_eq!(server.requests(), 1);
}

/// A download whose body stalls: a read timeout, and no file.
#[tokio::test]
async fn slow_body_download_to_file_times_out_and_leaves_no_file() {
    let server = Server::always(vec![
        Step::Write(head(200, &[("content-length", "4096")])),
        Step::Write(vec![3; 1024]),
        Step::Hang,
    ])
    .await;
    let config = config(&server.endpoint()).with_read_timeout(Some(SHORT));
    let dir = TempDir::new("slow-body");
    let dest = dir.0.join("image.png");
    let output = download(&config).await.unwrap();
    let err = download::write_to_file(output, &dest, &DownloadOptions::new())
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(err.timeout_kind(), Some(TimeoutKind::Read));
    assert_eq!(dir.entries(), Vec::<String>::new());
}

/// A streamed body belongs to the caller once handed over: the total timeout bounds the call
/// up to that point and not the reading (a large download may take longer than any total set
/// for the calls of a program); a steady body is read to its end past the total timeout, and
/// only silence (the read timeout) ends it. Callers bound a download with their own timeout.
#[tokio::test]
async fn a_streamed_body_is_read_past_the_total_timeout() {
    let mut script = vec![Step::Write(head(200, &[("content-length", "8")]))];
    for _ in 0..8 {
        script.push(Step::Sleep(Duration::from_millis(60)));
        script.push(Step::Write(b"x".to_vec()));
    }
    let server = Server::always(script).await;
    let config = config(&server.endpoint())
        .with_read_timeout(Some(Duration::from_secs(5)))
        .with_total_timeout(Duration::from_millis(150));
    let output = download(&config).await.unwrap();
    let bytes = output.body.collect().await.unwrap();
    assert_eq!(&bytes[..], b"xxxxxxxx");
}

/// The total timeout bounds the whole operation across retries: many attempts allowed, each
/// cut by the attempt timeout, and the total timeout ends it. A total timeout is not retryable.
#[tokio::test]
async fn total_timeout_ends_the_retries() {
    let server = Server::always(vec![Step::Hang]).await;
    let config = config(&server.endpoint())
        .with_attempt_timeout(Duration::from_millis(100))
        .with_total_timeout(Duration::from_millis(350))
        .with_retry(fast_retry(50));
    let err = swr_get(&config).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(err.timeout_kind(), Some(TimeoutKind::Total));
    assert!(!err.is_retryable());
    // Roughly three attempts fit; assert the shape, not the timing.
    assert!((2..50).contains(&err.attempts()), "{err:?}");
    assert_eq!(server.requests() as u32, err.attempts());
}

/// A `Retry-After` longer than what is left of the total timeout: the SDK does not sleep into
/// the deadline to end with a bare timeout; it returns the service's answer at once.
#[tokio::test]
async fn retry_after_past_the_total_deadline_returns_the_service_error() {
    let server = Server::always(vec![error(503, &[("retry-after", "5")])]).await;
    let config = config(&server.endpoint())
        .with_total_timeout(Duration::from_millis(300))
        .with_retry(fast_retry(3).with_max_retry_after(Duration::from_secs(30)));
    let err = swr_get(&config).await.unwrap_err();
    assert!(err.is_service(), "{err:?}");
    assert_eq!(err.status(), Some(http::StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(err.attempts(), 1, "{err:?}");
    assert_eq!(server.requests(), 1);
}

/// The attempt timeout covers the wait for the headers only: a body that keeps flowing past it
/// is read to the end.
#[tokio::test]
async fn attempt_timeout_does_not_cut_a_flowing_body() {
    let body = br#"{"digest":"sha256:abc","id":1}"#;
    let mut script = vec![Step::Write(head(
        200,
        &[
            ("content-type", "application/json"),
            ("content-length", &body.len().to_string()),
        ],
    ))];
    for piece in body.chunks(8) {
        script.push(Step::Sleep(Duration::from_millis(60)));
        script.push(Step::Write(piece.to_vec()));
    }
    let server = Server::always(script).await;
    let config = config(&server.endpoint())
        .with_attempt_timeout(Duration::from_millis(100))
        .with_read_timeout(Some(Duration::from_secs(2)));
    let out = swr_get(&config).await.unwrap();
    assert_eq!(out.id, Some(1));
    assert_eq!(server.requests(), 1);
}

/// A server that drips a JSON body a byte at a time never trips the read timeout; the total
/// timeout must still end the operation, decoding included.
#[tokio::test]
async fn total_timeout_covers_a_dripping_json_body() {
    let mut script = vec![
        Step::Write(head(
            200,
            &[
                ("content-type", "application/json"),
                ("content-length", "1000"),
            ],
        )),
        Step::Write(b"{\"digest\":\"".to_vec()),
    ];
    for _ in 0..500 {
        script.push(Step::Sleep(Duration::from_millis(20)));
        script.push(Step::Write(b"a".to_vec()));
    }
    let server = Server::always(script).await;
    let config = config(&server.endpoint())
        .with_read_timeout(Some(Duration::from_secs(2)))
        .with_total_timeout(Duration::from_millis(300));
    let err = swr_get(&config).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(err.timeout_kind(), Some(TimeoutKind::Total));
    assert_eq!(err.status(), Some(http::StatusCode::OK));
    assert_eq!(err.attempts(), 1, "{err:?}");
    assert_eq!(server.requests(), 1);
}
