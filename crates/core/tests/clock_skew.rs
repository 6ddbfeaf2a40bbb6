//! Clock-skew correction: a 401 `APIGW.0301` "signature expired" answer carrying `Date` makes
//! the executor learn the server's time, re-sign and resend once; later requests are signed
//! with the corrected time. Against a scripted server, which adds no `Date` of its own.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use huaweicloud_sdk_core::retry::RetryConfig;
use huaweicloud_sdk_core::{Executor, OperationRequest, OperationSpec};

mod scripted;
mod support;

use scripted::{Script, response};
use support::{TEST_SERVICE, config};

const AHEAD: Duration = Duration::from_secs(20 * 60);

fn expired(date: Option<SystemTime>) -> Vec<u8> {
    let body = r#"{"error_msg":"Incorrect IAM authentication information: signature expired, signature time: 20260102T030405Z, server time: 20260102T032405Z","error_code":"APIGW.0301","request_id":"rid-expired"}"#;
    let date = date.map(httpdate::fmt_http_date);
    let mut headers = vec![
        ("content-type", "application/json"),
        ("x-request-id", "rid-expired"),
    ];
    if let Some(d) = &date {
        headers.push(("date", d.as_str()));
    }
    response(401, &headers, body)
}

fn ok() -> Vec<u8> {
    response(200, &[("content-type", "application/json")], "{}")
}

/// Retries with a short backoff, for the tests that count the policy's attempts.
fn fast_retry() -> RetryConfig {
    RetryConfig::default().with_initial_backoff(Duration::from_millis(5))
}

fn post() -> (OperationSpec, OperationRequest) {
    (
        OperationSpec::new("testsvc", "CreateThing", http::Method::POST),
        OperationRequest::new("/v1/{project_id}/things")
            .header("content-type", "application/json")
            .json_body(&serde_json::json!({"name": "a"})),
    )
}

/// Parses `X-Sdk-Date` (`YYYYMMDDTHHMMSSZ`).
fn sdk_date(value: &str) -> SystemTime {
    let n = |r: std::ops::Range<usize>| value[r].parse::<i64>().unwrap();
    let (year, month, day) = (n(0..4), n(4..6), n(6..8));
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + day - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    let secs = days * 86_400 + n(9..11) * 3600 + n(11..13) * 60 + n(13..15);
    UNIX_EPOCH + Duration::from_secs(secs as u64)
}

fn assert_near(at: SystemTime, expected: SystemTime) {
    let diff = match at.duration_since(expected) {
        Ok(d) => d,
        Err(e) => e.duration(),
    };
    assert!(
        diff < Duration::from_secs(5),
        "{at:?} is {diff:?} from {expected:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn expired_with_date_is_resigned_once_and_later_calls_use_the_corrected_clock() {
    let server_time = SystemTime::now() + AHEAD;
    let script = Script::new(vec![expired(Some(server_time))], ok());
    let url_server = scripted::Server::start(script.clone()).await.unwrap();
    let url = url_server.url();
    let config = config(&url);
    let exec = Executor::new(&config, &TEST_SERVICE).unwrap();

    let (spec, request) = post();
    let response = exec.send(&spec, request).await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let received = script.received();
    assert_eq!(received.len(), 2, "rejected, then resent once (a POST)");
    assert_eq!(received[0].body, received[1].body);
    let first = sdk_date(received[0].header("x-sdk-date").unwrap());
    let second = sdk_date(received[1].header("x-sdk-date").unwrap());
    assert_near(first, SystemTime::now());
    assert_near(second, server_time);
    assert_ne!(
        received[0].header("authorization"),
        received[1].header("authorization"),
        "re-signed"
    );
    let offset = exec.clock_offset_millis();
    assert!((19 * 60_000..=21 * 60_000).contains(&offset), "{offset}");

    // A second call of the same client: one request, corrected time.
    let (spec, request) = post();
    exec.send(&spec, request).await.unwrap();
    let received = script.received();
    assert_eq!(received.len(), 3);
    assert_near(
        sdk_date(received[2].header("x-sdk-date").unwrap()),
        server_time,
    );

    // The offset is the client's runtime state, not the config's: another client of the same
    // config signs with the config's clock until its endpoint says otherwise.
    let other = Executor::new(&config, &TEST_SERVICE).unwrap();
    assert_eq!(other.clock_offset_millis(), 0);
    let (spec, request) = post();
    other.send(&spec, request).await.unwrap();
    let received = script.received();
    assert_eq!(received.len(), 4);
    assert_near(
        sdk_date(received[3].header("x-sdk-date").unwrap()),
        SystemTime::now(),
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn expired_without_date_is_the_service_error_without_retry() {
    let script = Script::new(vec![], expired(None));
    let url_server = scripted::Server::start(script.clone()).await.unwrap();
    let url = url_server.url();
    let config = config(&url);
    let exec = Executor::new(&config, &TEST_SERVICE).unwrap();
    for method in [http::Method::GET, http::Method::POST] {
        let spec = OperationSpec::new("testsvc", "Thing", method);
        let err = exec
            .send(&spec, OperationRequest::new("/v1/{project_id}/things"))
            .await
            .unwrap_err();
        assert!(err.is_service(), "{err}");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
        assert_eq!(err.error_code(), Some("APIGW.0301"));
        assert_eq!(err.request_id(), Some("rid-expired"));
        assert_eq!(err.attempts(), 1);
    }
    assert_eq!(script.received().len(), 2, "one request per call");
    assert_eq!(exec.clock_offset_millis(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn still_expired_after_the_correction_is_returned_not_looped() {
    let script = Script::new(vec![], expired(Some(SystemTime::now() + AHEAD)));
    let url_server = scripted::Server::start(script.clone()).await.unwrap();
    let url = url_server.url();
    let exec = Executor::new(&config(&url), &TEST_SERVICE).unwrap();
    let (spec, request) = post();
    let err = exec.send(&spec, request).await.unwrap_err();
    assert_eq!(err.error_code(), Some("APIGW.0301"));
    assert_eq!(err.attempts(), 2);
    assert_eq!(script.received().len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_resend_does_not_use_up_the_retry_policy() {
    let script = Script::new(
        vec![
            expired(Some(SystemTime::now() + AHEAD)),
            response(503, &[], ""),
            response(503, &[], ""),
        ],
        ok(),
    );
    let url_server = scripted::Server::start(script.clone()).await.unwrap();
    let url = url_server.url();
    let exec = Executor::new(&config(&url).with_retry(fast_retry()), &TEST_SERVICE).unwrap();
    let spec = OperationSpec::new("testsvc", "ShowThing", http::Method::GET);
    exec.send(&spec, OperationRequest::new("/v1/{project_id}/things"))
        .await
        .unwrap();
    assert_eq!(
        script.received().len(),
        4,
        "the skew resend, then the policy's 3 attempts"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn other_401s_and_disabled_correction_are_not_resent() {
    let date = SystemTime::now() + AHEAD;
    let wrong_sk = response(
        401,
        &[("date", &httpdate::fmt_http_date(date))],
        r#"{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information: verify aksk signature fail"}"#,
    );
    let script = Script::new(vec![wrong_sk, expired(Some(date))], ok());
    let url_server = scripted::Server::start(script.clone()).await.unwrap();
    let url = url_server.url();
    let config = config(&url);
    let exec = Executor::new(&config, &TEST_SERVICE).unwrap();
    let (spec, request) = post();
    assert!(exec.send(&spec, request).await.is_err());
    let off = config.clone().with_clock_skew_correction(false);
    let exec = Executor::new(&off, &TEST_SERVICE).unwrap();
    let (spec, request) = post();
    let err = exec.send(&spec, request).await.unwrap_err();
    assert_eq!(err.error_code(), Some("APIGW.0301"));
    assert_eq!(script.received().len(), 2);
    assert_eq!(exec.clock_offset_millis(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_date_beyond_the_bound_is_reported_not_applied() {
    // A server claiming the year 2100: the answer is returned, the clock is not moved, and
    // the next request is signed with the real time.
    let year_2100 = UNIX_EPOCH + Duration::from_secs(4_102_444_800);
    let script = Script::new(vec![expired(Some(year_2100))], ok());
    let url_server = scripted::Server::start(script.clone()).await.unwrap();
    let url = url_server.url();
    let exec = Executor::new(&config(&url), &TEST_SERVICE).unwrap();
    let (spec, request) = post();
    let err = exec.send(&spec, request).await.unwrap_err();
    assert_eq!(err.error_code(), Some("APIGW.0301"));
    assert_eq!(err.attempts(), 1, "not resent");
    assert_eq!(exec.clock_offset_millis(), 0);
    let (spec, request) = post();
    exec.send(&spec, request).await.unwrap();
    let received = script.received();
    assert_eq!(received.len(), 2);
    assert_near(
        sdk_date(received[1].header("x-sdk-date").unwrap()),
        SystemTime::now(),
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_correction_applies_to_its_endpoint_only() {
    let five_minutes = Duration::from_secs(5 * 60);
    let skewed = Script::new(vec![expired(Some(SystemTime::now() + five_minutes))], ok());
    let skewed_url_server = scripted::Server::start(skewed.clone()).await.unwrap();
    let skewed_url = skewed_url_server.url();
    let plain = Script::new(vec![], ok());
    let plain_url_server = scripted::Server::start(plain.clone()).await.unwrap();
    let plain_url = plain_url_server.url();
    // One config, two clients on two endpoints.
    let shared = config(&skewed_url);
    let a = Executor::new(&shared, &TEST_SERVICE).unwrap();
    let b = Executor::new(&shared.clone().with_endpoint(&plain_url), &TEST_SERVICE).unwrap();

    let (spec, request) = post();
    a.send(&spec, request).await.unwrap();
    let offset = a.clock_offset_millis();
    assert!((4 * 60_000..=6 * 60_000).contains(&offset), "{offset}");
    let received = skewed.received();
    assert_eq!(received.len(), 2);
    assert_near(
        sdk_date(received[1].header("x-sdk-date").unwrap()),
        SystemTime::now() + five_minutes,
    );

    let (spec, request) = post();
    b.send(&spec, request).await.unwrap();
    assert_eq!(b.clock_offset_millis(), 0);
    let received = plain.received();
    assert_eq!(received.len(), 1);
    assert_near(
        sdk_date(received[0].header("x-sdk-date").unwrap()),
        SystemTime::now(),
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn after_a_failover_the_offset_is_learnt_for_the_endpoint_in_use() {
    // Two endpoints on one client: the first refuses to connect (a closed port), so requests
    // fail over to the second, which teaches an offset; it belongs to the second endpoint.
    let closed_url = format!("http://{}", scripted::refused_addr().unwrap());
    let skewed = Script::new(vec![expired(Some(SystemTime::now() + AHEAD))], ok());
    let skewed_url_server = scripted::Server::start(skewed.clone()).await.unwrap();
    let skewed_url = skewed_url_server.url();
    let config = config(&closed_url)
        .with_endpoints([closed_url.clone(), skewed_url])
        .with_retry(fast_retry());
    let exec = Executor::new(&config, &TEST_SERVICE).unwrap();
    assert_eq!(exec.clock_offset_millis(), 0);
    let spec = OperationSpec::new("testsvc", "ShowThing", http::Method::GET);
    exec.send(&spec, OperationRequest::new("/v1/{project_id}/things"))
        .await
        .unwrap();
    assert!(exec.clock_offset_millis() > 19 * 60_000);
}
