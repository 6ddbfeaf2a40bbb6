//! No id token, unscoped token or temporary secret in what tracing captures at TRACE while a
//! client exchanges an OIDC id token with a stand-in IAM (success and refusal), nor in the
//! errors and `Debug` output. In its own test binary with a global subscriber: tracing caches
//! callsite interest process-wide, so a per-thread subscriber can miss events while other
//! tests run in parallel.

mod support;

use std::sync::{Arc, Mutex};

use httpmock::prelude::*;
use huaweicloud_sdk_core::credentials::FederatedProvider;
use huaweicloud_sdk_core::{Config, Executor, OperationRequest, OperationSpec};
use serde_json::json;
use tracing_subscriber::layer::SubscriberExt;

use support::TEST_SERVICE;

const ID_TOKEN: &str = "tracing-id-token-secret-eyJhbGci";
const UNSCOPED: &str = "tracing-unscoped-token-secret-MIIE";
const TEMP_SK: &str = "tracing-temporary-sk-secret";
const TEMP_TOKEN: &str = "tracing-temporary-security-token-secret";

/// Collects formatted tracing output.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn federation_logs_errors_and_debug_show_no_token() {
    let captured = Captured::default();
    let writer = captured.clone();
    // Everything at TRACE but the stand-in server's own logs, which show what it received.
    let only_the_client = tracing_subscriber::filter::Targets::new()
        .with_default(tracing::Level::TRACE)
        .with_target("httpmock", tracing_subscriber::filter::LevelFilter::OFF);
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish()
        .with(only_the_client);
    tracing::subscriber::set_global_default(subscriber).expect("only test in this binary");

    let dir = std::env::temp_dir().join(format!("hwc-sdk-fed-tracing-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let token_file = dir.join("token");
    std::fs::write(&token_file, ID_TOKEN).unwrap();

    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v3.0/OS-AUTH/id-token/tokens")
                .header("x-idp-id", "idp-ok");
            then.status(201)
                .header("X-Subject-Token", UNSCOPED)
                .body("{}");
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v3.0/OS-AUTH/id-token/tokens")
                .header("x-idp-id", "idp-refused");
            then.status(401)
                .header("x-iam-trace-id", "trace-refused")
                .body(format!(
                    r#"{{"error":{{"code":"IAM.0004","message":"id token {ID_TOKEN} refused"}}}}"#
                ));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/v3.0/OS-CREDENTIAL/securitytokens");
            then.status(201).json_body(json!({"credential": {
                "access": "AKTRACING",
                "secret": TEMP_SK,
                "securitytoken": TEMP_TOKEN,
                "expires_at": "2099-01-01T00:00:00Z",
            }}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/things");
            then.status(200).json_body(json!({}));
        })
        .await;

    let mut shown = String::new();
    for idp in ["idp-ok", "idp-refused"] {
        let provider = FederatedProvider::new(idp, &token_file);
        shown.push_str(&format!("{provider:?}\n"));
        let config = Config::new(provider)
            .with_region("cn-north-4")
            .with_iam_endpoint(server.base_url())
            .with_endpoint(server.base_url())
            .with_project_id("p");
        shown.push_str(&format!("{config:?}\n"));
        let exec = Executor::new(&config, &TEST_SERVICE).unwrap();
        let spec = OperationSpec::new("testsvc", "ShowThing", http::Method::GET);
        match exec.send(&spec, OperationRequest::new("/v1/things")).await {
            Ok(response) => shown.push_str(&format!("{response:?}\n")),
            Err(e) => {
                assert!(e.to_string().contains("IAM.0004"), "{e}");
                assert!(e.to_string().contains("trace-refused"), "{e}");
                shown.push_str(&format!("{e}\n{e:?}\n{}\n", e.report()));
            }
        }
        let credentials = config
            .credentials_provider()
            .provide_credentials_now()
            .map(|c| format!("{c:?}"))
            .unwrap_or_default();
        shown.push_str(&credentials);
    }
    std::fs::remove_dir_all(&dir).ok();

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("exchanging the OIDC id token with IAM"),
        "{logs}"
    );
    assert!(logs.contains("AKTRACING"), "{logs}");
    for secret in [ID_TOKEN, UNSCOPED, TEMP_SK, TEMP_TOKEN] {
        assert!(!logs.contains(secret), "{secret} in the logs:\n{logs}");
        assert!(!shown.contains(secret), "{secret} shown:\n{shown}");
    }
}
