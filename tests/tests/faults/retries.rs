//! 5xx and throttling sequences, `Retry-After` in every shape, and which requests are retried.
//!
//! The policy under test (crates/core/src/retry.rs): at most `max_attempts` attempts; 429 and
//! 5xx are retried only for idempotent requests; `Retry-After` (seconds or an HTTP date) is
//! honoured up to `max_retry_after`, a malformed one falls back to the jittered backoff.

use http::StatusCode;

use crate::support::*;

const OK_BODY: &str = r#"{"digest":"sha256:abc","id":1}"#;

/// One 500, then success: the caller sees the success, after two requests, each signed afresh.
#[tokio::test]
async fn one_500_then_success() {
    let server = Server::start(vec![vec![error(500, &[])], vec![json(200, OK_BODY)]]).await;
    let out = swr_get(&config(&server.endpoint())).await.unwrap();
    assert_eq!(out.digest.as_deref(), Some("sha256:abc"));
    let seen = server.recorded();
    assert_eq!(seen.len(), 2);
    for request in &seen {
        assert_eq!(request.method, "GET");
        assert!(request.header("authorization").is_some());
        assert!(request.header("x-sdk-date").is_some());
    }
}

/// 502, 503, 504: three retryable answers exhaust the three attempts; the last one is reported.
#[tokio::test]
async fn gateway_errors_exhaust_the_attempts() {
    let server = Server::start(vec![
        vec![error(502, &[])],
        vec![error(503, &[])],
        vec![error(504, &[])],
        vec![json(200, OK_BODY)],
    ])
    .await;
    let err = swr_get(&config(&server.endpoint())).await.unwrap_err();
    assert!(err.is_service() && err.is_retryable(), "{err:?}");
    assert_eq!(err.status(), Some(StatusCode::GATEWAY_TIMEOUT));
    assert_eq!(err.error_code(), Some("TEST.504"));
    assert_eq!(err.request_id(), Some(REQUEST_ID));
    assert_eq!(err.attempts(), 3, "{err:?}");
    assert_eq!(server.requests(), 3);
}

/// `max_attempts` is honoured exactly, whatever its value.
#[tokio::test]
async fn max_attempts_is_exact() {
    let server = Server::always(vec![error(500, &[])]).await;
    let config = config(&server.endpoint()).with_retry(fast_retry(5));
    let err = metastudio_list(&config).await.unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::INTERNAL_SERVER_ERROR));
    assert_eq!(err.attempts(), 5, "{err:?}");
    assert_eq!(server.requests(), 5);
}

/// Retries disabled: one attempt.
#[tokio::test]
async fn retries_disabled_means_one_attempt() {
    let server = Server::always(vec![error(503, &[("retry-after", "0")])]).await;
    let config =
        config(&server.endpoint()).with_retry(huaweicloud_sdk_core::retry::RetryConfig::disabled());
    let err = swr_get(&config).await.unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(err.attempts(), 1, "{err:?}");
    assert_eq!(server.requests(), 1);
}

/// A `POST` that reached the server is not sent again after a 5xx.
#[tokio::test]
async fn post_is_not_retried_on_5xx() {
    for status in [500, 502, 503, 504] {
        let server = Server::always(vec![error(status, &[("retry-after", "0")])]).await;
        let err = metastudio_create_file(&config(&server.endpoint()))
            .await
            .unwrap_err();
        assert!(err.is_service(), "{status}: {err:?}");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(err.attempts(), 1, "{status}: {err:?}");
        assert_eq!(server.requests(), 1, "{status}");
    }
}

/// Nor after a 429: throttling is retried only for idempotent requests.
#[tokio::test]
async fn post_is_not_retried_on_429() {
    let server = Server::always(vec![error(429, &[("retry-after", "0")])]).await;
    let err = metastudio_create_file(&config(&server.endpoint()))
        .await
        .unwrap_err();
    assert!(err.is_throttling(), "{err:?}");
    assert_eq!(err.attempts(), 1, "{err:?}");
    assert_eq!(server.requests(), 1);
}

/// 429 with `Retry-After: 0`, then success.
#[tokio::test]
async fn throttled_get_then_success() {
    let server = Server::start(vec![
        vec![error(429, &[("retry-after", "0")])],
        vec![json(200, OK_BODY)],
    ])
    .await;
    let out = swr_get(&config(&server.endpoint())).await.unwrap();
    assert_eq!(out.id, Some(1));
    assert_eq!(server.requests(), 2);
}

/// 429 without `Retry-After`: the backoff applies, and the throttling error is reported when
/// attempts run out.
#[tokio::test]
async fn throttled_get_without_retry_after_exhausts_attempts() {
    let server = Server::always(vec![error(429, &[])]).await;
    let err = swr_get(&config(&server.endpoint())).await.unwrap_err();
    assert!(err.is_service() && err.is_throttling(), "{err:?}");
    assert_eq!(err.status(), Some(StatusCode::TOO_MANY_REQUESTS));
    assert_eq!(err.attempts(), 3, "{err:?}");
    assert_eq!(server.requests(), 3);
}

/// Runs a `GET` against a server always answering `status` with `Retry-After: value` and
/// checks that all attempts were made (the delay was capped or ignored, never obeyed blindly).
async fn retried_with_retry_after(status: u16, value: &str) {
    let server = Server::always(vec![error(status, &[("retry-after", value)])]).await;
    let err = swr_get(&config(&server.endpoint())).await.unwrap_err();
    assert!(err.is_service(), "{value}: {err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
    assert_eq!(
        err.service_error().and_then(|s| s.retry_after()),
        Some(value)
    );
    assert_eq!(err.attempts(), 3, "{value}: {err:?}");
    assert_eq!(server.requests(), 3, "{value}");
}

/// A huge `Retry-After` is capped at `max_retry_after` (50 ms here), not obeyed for 31 years.
#[tokio::test]
async fn huge_retry_after_is_capped() {
    retried_with_retry_after(429, "999999999").await;
}

/// A value too large for any integer type saturates, then is capped.
#[tokio::test]
async fn overflowing_retry_after_is_capped() {
    retried_with_retry_after(503, "99999999999999999999999999").await;
}

/// Malformed `Retry-After` values fall back to the normal backoff.
#[tokio::test]
async fn malformed_retry_after_falls_back_to_backoff() {
    retried_with_retry_after(429, "abc").await;
}

#[tokio::test]
async fn negative_retry_after_falls_back_to_backoff() {
    retried_with_retry_after(503, "-1").await;
}

#[tokio::test]
async fn fractional_retry_after_falls_back_to_backoff() {
    retried_with_retry_after(503, "1.5").await;
}

/// An HTTP date in the past means "now".
#[tokio::test]
async fn past_http_date_retry_after_retries_at_once() {
    retried_with_retry_after(503, "Wed, 21 Oct 2015 07:28:00 GMT").await;
}

/// An HTTP date far in the future is capped like a huge number of seconds.
#[tokio::test]
async fn future_http_date_retry_after_is_capped() {
    retried_with_retry_after(429, "Fri, 01 Jan 2100 00:00:00 GMT").await;
}

/// 4xx other than 429 is final: not retried even for a `GET`.
#[tokio::test]
async fn client_errors_are_not_retried() {
    for status in [400, 404] {
        let server = Server::always(vec![error(status, &[])]).await;
        let err = swr_get(&config(&server.endpoint())).await.unwrap_err();
        assert!(err.is_service() && !err.is_retryable(), "{err:?}");
        assert_eq!(err.error_code(), Some(format!("TEST.{status}").as_str()));
        assert_eq!(err.attempts(), 1, "{err:?}");
        assert_eq!(server.requests(), 1);
    }
}

/// The gateway's throttling code in a 400 body counts as throttling: retried for a `GET`.
#[tokio::test]
async fn gateway_throttling_code_is_retried() {
    let body =
        r#"{"error_code":"APIGW.0308","error_msg":"The throttling threshold has been reached"}"#;
    let server = Server::start(vec![vec![json(400, body)], vec![json(200, OK_BODY)]]).await;
    let out = swr_get(&config(&server.endpoint())).await.unwrap();
    assert_eq!(out.id, Some(1));
    assert_eq!(server.requests(), 2);
}

/// HSS reports some failures as HTTP 200 with a non-zero `error_code`: a service error with the
/// response's status and request id, not a success, and not retried.
#[tokio::test]
async fn hss_200_with_error_code_is_a_service_error() {
    let server = Server::always(vec![json(
        200,
        r#"{"error_code":3,"error_description":"sync already running"}"#,
    )])
    .await;
    let err = hss_sync(&config(&server.endpoint())).await.unwrap_err();
    assert!(err.is_service() && !err.is_retryable(), "{err:?}");
    assert_eq!(err.status(), Some(StatusCode::OK));
    assert_eq!(err.error_code(), Some("3"));
    assert_eq!(
        err.service_error().map(|s| s.error_msg()),
        Some("sync already running")
    );
    assert_eq!(err.request_id(), Some(REQUEST_ID));
    assert_eq!(err.operation(), Some(("hss", "RunImageSynchronize")));
    assert_eq!(err.attempts(), 1, "{err:?}");
    assert_eq!(server.requests(), 1);
}

/// The control: `error_code` 0 is a success.
#[tokio::test]
async fn hss_200_with_zero_error_code_is_a_success() {
    let server = Server::always(vec![json(
        200,
        r#"{"error_code":0,"error_description":"success"}"#,
    )])
    .await;
    let out = hss_sync(&config(&server.endpoint())).await.unwrap();
    assert_eq!(out.error_code, Some(0));
    assert_eq!(out.request_id.as_deref(), Some(REQUEST_ID));
    assert_eq!(server.requests(), 1);
}
