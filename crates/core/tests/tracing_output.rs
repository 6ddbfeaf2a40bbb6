//! Tracing output of a retried operation. In its own test binary with a global subscriber:
//! tracing caches callsite interest process-wide, so a per-thread subscriber can miss events
//! while other tests run in parallel.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use httpmock::prelude::*;
use huaweicloud_sdk_core::retry::RetryConfig;
use huaweicloud_sdk_core::{Config, Credentials, Executor, OperationRequest, OperationSpec};

mod support;

use support::{AK, PROJECT, SK, TEST_SERVICE};

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

#[tokio::test]
async fn tracing_reports_operations_attempts_and_retries_without_secrets() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    tracing::subscriber::set_global_default(subscriber).expect("only test in this binary");

    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET);
            then.status(503).header("x-request-id", "rid-trace");
        })
        .await;
    let config = Config::new(
        Credentials::new(AK, SK)
            .with_project_id(PROJECT)
            .with_security_token("secret-security-token"),
    )
    .with_endpoint(server.base_url())
    .with_retry(
        RetryConfig::default()
            .with_max_attempts(2)
            .with_initial_backoff(Duration::from_millis(5)),
    );
    let exec = Executor::new(&config, &TEST_SERVICE).unwrap();
    let spec = OperationSpec::new("testsvc", "ShowThing", http::Method::GET);
    let request =
        OperationRequest::new("/v1/{project_id}/things").header("content-type", "application/json");
    let err = exec.send(&spec, request).await.unwrap_err();

    // Everything the SDK and its HTTP stack logged. The mock server's own events (it dumps the
    // requests it receives, over several lines) are the test's, not the client's.
    let raw = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let mut logs = String::new();
    let mut keep = true;
    for line in raw.lines() {
        let starts_event = line.len() > 4 && line[..4].bytes().all(|b| b.is_ascii_digit());
        if starts_event {
            keep = !line.contains(" httpmock::");
        }
        if keep {
            logs.push_str(line);
            logs.push('\n');
        }
    }
    assert!(
        logs.contains("hyper"),
        "the HTTP stack's TRACE lines are checked too"
    );
    assert!(logs.contains("huaweicloud.operation"), "{logs}");
    assert!(
        logs.contains("service=\"testsvc\"") || logs.contains("service=testsvc"),
        "{logs}"
    );
    assert!(
        logs.contains("attempt{attempt=1}") && logs.contains("attempt{attempt=2}"),
        "{logs}"
    );
    assert!(
        logs.contains("rid-trace") && logs.contains("latency_ms"),
        "{logs}"
    );
    assert!(logs.contains("retry_in_ms"), "{logs}");
    for secret in [SK, "secret-security-token", "Signature=", "SDK-HMAC-SHA256"] {
        assert!(!logs.contains(secret), "{secret} leaked into logs:\n{logs}");
    }
    let shown = format!("{err} {err:?} {config:?}");
    for secret in [SK, "secret-security-token"] {
        assert!(!shown.contains(secret), "{secret} leaked into {shown}");
    }
}
