//! MetadataProvider against a local mock of the ECS metadata service.

mod scripted;
mod support;

use std::time::{Duration, Instant};

use httpmock::prelude::*;
use huaweicloud_sdk_core::credentials::MetadataProvider;
use huaweicloud_sdk_core::{CredentialsContext, ProvideCredentials};

const TOKEN_PATH: &str = "/meta-data/latest/api/token";
const KEY_PATH: &str = "/openstack/latest/securitykey";
const BODY: &str = r#"{"credential":{"access":"AKTEMPORARY","secret":"meta-secret-sk-123","securitytoken":"meta-security-token-456","expires_at":"2099-11-23T10:00:00.123456Z"}}"#;

fn provider(server: &MockServer) -> MetadataProvider {
    MetadataProvider::new().with_endpoint(server.base_url())
}

fn assert_no_secrets(text: &str) {
    for secret in [
        "meta-secret-sk-123",
        "meta-security-token-456",
        "session-tok",
    ] {
        assert!(!text.contains(secret), "{secret} leaked in {text}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn token_flow_reuses_the_session_token() {
    let server = MockServer::start_async().await;
    let put = server
        .mock_async(|when, then| {
            when.method(PUT)
                .path(TOKEN_PATH)
                .header("X-Metadata-Token-Ttl-Seconds", "21600");
            then.status(200).body("session-tok-1");
        })
        .await;
    let get = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(KEY_PATH)
                .header("X-Metadata-Token", "session-tok-1");
            then.status(200).body(BODY);
        })
        .await;
    let p = provider(&server);
    for _ in 0..2 {
        let c = p
            .provide_credentials(&CredentialsContext::new())
            .await
            .unwrap();
        assert_eq!(c.ak(), "AKTEMPORARY");
        assert_eq!(c.sk(), "meta-secret-sk-123");
        assert_eq!(c.security_token(), Some("meta-security-token-456"));
        assert_eq!(c.provider_name(), "metadata");
        let expected = std::time::UNIX_EPOCH + Duration::from_secs(4_099_111_200);
        assert_eq!(c.expires_at(), Some(expected));
        assert_no_secrets(&format!("{c:?} {p:?}"));
    }
    put.assert_calls_async(1).await;
    get.assert_calls_async(2).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn tokenless_when_the_token_api_is_missing() {
    for status in [404, 405, 503] {
        let server = MockServer::start_async().await;
        let put = server
            .mock_async(|when, then| {
                when.method(PUT).path(TOKEN_PATH);
                then.status(status);
            })
            .await;
        let get = server
            .mock_async(|when, then| {
                when.method(GET)
                    .path(KEY_PATH)
                    .header_missing("X-Metadata-Token");
                then.status(200).body(
                    r#"{"credentials":{"accessKeyId":"AK2","secretAccessKey":"meta-secret-sk-123","securityToken":"meta-security-token-456","expiration":"2099-01-01T00:00:00Z"}}"#,
                );
            })
            .await;
        let p = provider(&server);
        let c = p
            .provide_credentials(&CredentialsContext::new())
            .await
            .unwrap();
        assert_eq!(c.ak(), "AK2");
        // the token API is not asked again within a day
        p.provide_credentials(&CredentialsContext::new())
            .await
            .unwrap();
        put.assert_calls_async(1).await;
        get.assert_calls_async(2).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn unauthorized_fetches_a_new_token_and_retries_once() {
    let server = MockServer::start_async().await;
    let put1 = server
        .mock_async(|when, then| {
            when.method(PUT).path(TOKEN_PATH);
            then.status(200).body("session-tok-old").up_to_n_times(1);
        })
        .await;
    let put2 = server
        .mock_async(|when, then| {
            when.method(PUT).path(TOKEN_PATH);
            then.status(200).body("session-tok-new");
        })
        .await;
    let get_old = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(KEY_PATH)
                .header("X-Metadata-Token", "session-tok-old");
            then.status(401).body("token expired");
        })
        .await;
    let get_new = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(KEY_PATH)
                .header("X-Metadata-Token", "session-tok-new");
            then.status(200).body(BODY);
        })
        .await;
    let c = provider(&server)
        .provide_credentials(&CredentialsContext::new())
        .await
        .unwrap();
    assert_eq!(c.ak(), "AKTEMPORARY");
    put1.assert_calls_async(1).await;
    put2.assert_calls_async(1).await;
    get_old.assert_calls_async(1).await;
    get_new.assert_calls_async(1).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn unauthorized_twice_is_an_error_after_exactly_two_attempts() {
    let server = MockServer::start_async().await;
    let put = server
        .mock_async(|when, then| {
            when.method(PUT).path(TOKEN_PATH);
            then.status(200).body("session-tok");
        })
        .await;
    let get = server
        .mock_async(|when, then| {
            when.method(GET).path(KEY_PATH);
            then.status(401).body("unauthorized");
        })
        .await;
    let e = provider(&server)
        .provide_credentials(&CredentialsContext::new())
        .await
        .unwrap_err();
    assert!(e.is_credentials());
    let s = e.to_string();
    assert!(s.starts_with("metadata: "), "{s}");
    assert!(s.contains("HTTP 401"), "{s}");
    put.assert_calls_async(2).await;
    get.assert_calls_async(2).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn missing_agency_is_not_retried() {
    let server = MockServer::start_async().await;
    let put = server
        .mock_async(|when, then| {
            when.method(PUT).path(TOKEN_PATH);
            then.status(200).body("session-tok");
        })
        .await;
    let get = server
        .mock_async(|when, then| {
            when.method(GET).path(KEY_PATH);
            then.status(401)
                .body(r#"{"error":"Please configure Cloud Service Agency first"}"#);
        })
        .await;
    let e = provider(&server)
        .provide_credentials(&CredentialsContext::new())
        .await
        .unwrap_err();
    let s = e.to_string();
    assert!(s.contains("no agency"), "{s}");
    assert!(
        s.contains("Please configure Cloud Service Agency first"),
        "{s}"
    );
    put.assert_calls_async(1).await;
    get.assert_calls_async(1).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn error_statuses_are_reported() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(PUT).path(TOKEN_PATH);
            then.status(404);
        })
        .await;
    let get = server
        .mock_async(|when, then| {
            when.method(GET).path(KEY_PATH);
            then.status(500).body("internal\nerror");
        })
        .await;
    let e = provider(&server)
        .provide_credentials(&CredentialsContext::new())
        .await
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "metadata: GET /openstack/latest/securitykey returned HTTP 500: internal error"
    );
    get.assert_calls_async(1).await;

    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(PUT).path(TOKEN_PATH);
            then.status(403).body("forbidden");
        })
        .await;
    let get = server
        .mock_async(|when, then| {
            when.method(GET).path(KEY_PATH);
            then.status(200).body(BODY);
        })
        .await;
    let e = provider(&server)
        .provide_credentials(&CredentialsContext::new())
        .await
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "metadata: PUT /meta-data/latest/api/token returned HTTP 403: forbidden"
    );
    get.assert_calls_async(0).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn malformed_bodies_are_clear_errors() {
    let cases = [
        ("{not json", "not valid JSON"),
        ("[]", "no `credential` object"),
        (
            r#"{"credential":{"access":"AK","secret":"meta-secret-sk-123"}}"#,
            "lacks securitytoken and expires_at",
        ),
        (
            r#"{"credential":{"access":"AK","secret":"meta-secret-sk-123","securitytoken":"meta-security-token-456","expires_at":"soon"}}"#,
            "cannot parse expires_at `soon`",
        ),
    ];
    for (body, expected) in cases {
        let server = MockServer::start_async().await;
        server
            .mock_async(|when, then| {
                when.method(PUT).path(TOKEN_PATH);
                then.status(404);
            })
            .await;
        server
            .mock_async(|when, then| {
                when.method(GET).path(KEY_PATH);
                then.status(200).body(body);
            })
            .await;
        let e = provider(&server)
            .provide_credentials(&CredentialsContext::new())
            .await
            .unwrap_err();
        assert!(e.is_credentials());
        let s = format!("{e}");
        assert!(s.starts_with("metadata: "), "{s}");
        assert!(s.contains(expected), "{s} (expected {expected})");
        assert_no_secrets(&format!("{e} {e:?}"));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn hanging_endpoint_times_out() {
    let hanging = scripted::Server::start(scripted::Script::silent())
        .await
        .unwrap();
    let addr = hanging.addr();
    let p = MetadataProvider::new()
        .with_endpoint(format!("http://{addr}"))
        .with_timeout(Duration::from_millis(500));
    let started = Instant::now();
    let e = p
        .provide_credentials(&CredentialsContext::new())
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(3), "took {elapsed:?}");
    assert!(elapsed >= Duration::from_millis(400), "took {elapsed:?}");
    assert!(e.is_credentials());
    let s = e.to_string();
    assert!(s.contains("metadata endpoint"), "{s}");
    assert!(s.contains("timed out"), "{s}");
}

#[tokio::test(flavor = "multi_thread")]
async fn default_timeout_bounds_a_hanging_endpoint() {
    let hanging = scripted::Server::start(scripted::Script::silent())
        .await
        .unwrap();
    let addr = hanging.addr();
    let p = MetadataProvider::new().with_endpoint(format!("http://{addr}"));
    let started = Instant::now();
    let e = p
        .provide_credentials(&CredentialsContext::new())
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");
    assert!(e.to_string().contains("timed out"), "{e}");
}

#[tokio::test(flavor = "multi_thread")]
async fn refused_connection_says_so() {
    let addr = scripted::refused_addr().unwrap();
    let e = MetadataProvider::new()
        .with_endpoint(format!("http://{addr}"))
        .provide_credentials(&CredentialsContext::new())
        .await
        .unwrap_err();
    let s = e.to_string();
    assert!(
        s.starts_with("metadata: cannot connect to the metadata endpoint"),
        "{s}"
    );
}
