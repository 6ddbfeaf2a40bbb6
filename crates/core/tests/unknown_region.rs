//! A region missing from the service's table: accepted, warned about once when the client is
//! built, and named when connecting fails. In its own test binary with a global subscriber
//! (tracing caches callsite interest process-wide).

use std::sync::{Arc, Mutex};

use huaweicloud_sdk_core::config::endpoint::{EndpointEnv, ServiceEndpoints};
use huaweicloud_sdk_core::retry::RetryConfig;
use huaweicloud_sdk_core::{Config, Credentials, Executor, OperationRequest, OperationSpec};

mod scripted;
mod support;

use support::{AK, PROJECT, SK};

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

impl Captured {
    fn take(&self) -> String {
        String::from_utf8(std::mem::take(&mut *self.0.lock().unwrap())).unwrap()
    }
}

#[tokio::test]
async fn an_unknown_region_is_warned_about_at_build_and_named_when_connecting_fails() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::WARN)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    tracing::subscriber::set_global_default(subscriber).expect("only test in this binary");

    // The host pattern points at a closed port on 127.0.0.1, the region in its path.
    let refused = scripted::refused_addr().unwrap();
    let service = ServiceEndpoints {
        service: "testsvc",
        regions: &[("cn-north-4", "http://127.0.0.1:9/table")],
        host_pattern: Box::leak(format!("http://{refused}/{{region}}").into_boxed_str()),
    };
    let config = |region: &str| {
        Config::new(Credentials::new(AK, SK).with_project_id(PROJECT))
            .with_region(region)
            .with_endpoint_env(EndpointEnv::from_lookup(|_| None))
            .with_retry(RetryConfig::disabled())
    };

    let known = Executor::new(&config("cn-north-4"), &service).unwrap();
    assert_eq!(known.endpoints()[0].as_str(), "http://127.0.0.1:9/table");
    assert_eq!(
        captured.take(),
        "",
        "a region of the table is not warned about"
    );

    let exec = Executor::new(&config("cn-nort-4"), &service).unwrap();
    let logs = captured.take();
    assert_eq!(logs.lines().count(), 1, "{logs}");
    assert!(logs.contains("WARN"), "{logs}");
    assert!(
        logs.contains("region cn-nort-4 is not in the region table of service testsvc"),
        "{logs}"
    );
    assert!(
        logs.contains("HUAWEICLOUD_SDK_REGION_TESTSVC_CN_NORT_4"),
        "{logs}"
    );

    let spec = OperationSpec::new("testsvc", "ShowThing", http::Method::GET);
    let e = exec
        .send(&spec, OperationRequest::new("/v1/{project_id}/x"))
        .await
        .unwrap_err();
    assert!(e.is_connect(), "{e}");
    let shown = e.to_string();
    assert!(
        shown.contains("region cn-nort-4 is not known to service testsvc"),
        "{shown}"
    );
    assert!(
        shown.contains("Config::with_endpoint")
            && shown.contains("HUAWEICLOUD_SDK_REGION_TESTSVC_CN_NORT_4"),
        "{shown}"
    );
    assert_eq!(captured.take(), "", "calls do not warn again");

    // A client of a listed region says nothing of regions when connecting fails.
    let e = known
        .send(&spec, OperationRequest::new("/v1/{project_id}/x"))
        .await
        .unwrap_err();
    assert!(
        e.is_connect() && !e.to_string().contains("not known"),
        "{e}"
    );
}
