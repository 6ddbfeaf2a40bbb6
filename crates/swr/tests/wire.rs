//! ShowInstanceArtifact on the wire, against a local mock server.

use httpmock::prelude::*;
use huaweicloud_sdk_swr::v2::Client;
use huaweicloud_sdk_swr::v2::models::{ScanStatus, Severity};
use huaweicloud_sdk_test_support::sdk;
use serde_json::json;

const PROJECT: &str = "0123456789abcdef0123456789abcdef";
const INSTANCE: &str = "6d4c3b2a-1f00-4e9d-8c7b-6a5f4e3d2c1b";
const DIGEST: &str = "sha256:d086845138397686ea70e11f069031370534dcc1617d02ae9b501504f91af50a";
const REPORT: &str = "application/vnd.security.vulnerability.report; version=1.1";

#[tokio::test]
async fn a_slash_in_the_repository_name_is_encoded_and_the_artifact_parsed() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!(
                    "/v2/{PROJECT}/instances/{INSTANCE}/namespaces/my-ns_v1.0/repositories/group%2Fapp/artifacts/sha256%3Ad086845138397686ea70e11f069031370534dcc1617d02ae9b501504f91af50a"
                ))
                .query_param("with_scan_overview", "true")
                .header("content-type", "application/json");
            then.status(200)
                .header("content-type", "application/json;charset=UTF-8")
                .header("x-request-id", "rid-artifact")
                .json_body(json!({
                    "digest": DIGEST,
                    "id": 448,
                    "repository_id": 49,
                    "type": "IMAGE",
                    "media_type": "application/vnd.docker.container.image.v1+json",
                    "size": 127999644u64 * 100,
                    "tags": [{"artifact_id": 448, "id": 352, "name": "v1.0.3", "repository_id": 49,
                              "push_time": "2022-11-03T10:20:23.870Z"}],
                    "scan_overview": {REPORT: {
                        "report_id": "r1",
                        "scan_status": "Success",
                        "severity": "None",
                        "duration": 12,
                        "complete_percent": 100,
                        "summary": {"total": 3, "fixable": 1, "summary": {"Low": 2, "Medium": 1}},
                        "scanner": {"name": "Trivy", "vendor": "Aqua Security", "version": "0.50"},
                    }},
                    "future_field": "ignored",
                }));
        })
        .await;
    let output = sdk::client(&server, Client::new)
        .unwrap()
        .show_instance_artifact()
        .instance_id(INSTANCE)
        .namespace_name("my-ns_v1.0")
        .repository_name("group/app")
        .reference(DIGEST)
        .with_scan_overview(true)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(output.request_id.as_deref(), Some("rid-artifact"));
    assert_eq!(output.digest.as_deref(), Some(DIGEST));
    assert_eq!(output.id, Some(448));
    assert_eq!(output.size, Some(12_799_964_400));
    assert_eq!(output.r#type.as_deref(), Some("IMAGE"));
    let tags = output.tags.unwrap();
    assert_eq!(tags[0].id, Some(352));
    assert_eq!(tags[0].name.as_deref(), Some("v1.0.3"));
    let overview = output.scan_overview.unwrap();
    let report = &overview[REPORT];
    assert_eq!(report.scan_status, Some(ScanStatus::Success));
    assert_eq!(report.severity, Some(Severity::None));
    assert_eq!(report.complete_percent, Some(100));
    let summary = report.summary.as_ref().unwrap();
    assert_eq!(summary.total, Some(3));
    assert_eq!(summary.summary.as_ref().unwrap()["Low"], 2);
    assert_eq!(
        report.scanner.as_ref().unwrap().name.as_deref(),
        Some("Trivy")
    );
}

#[tokio::test]
async fn without_the_flag_no_query_is_sent() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!(
                    "/v2/{PROJECT}/instances/{INSTANCE}/namespaces/library/repositories/nginx/artifacts/latest"
                ))
                .is_true(|req| req.uri().query().is_none());
            then.status(200).json_body(json!({"digest": "sha256:00", "tags": []}));
        })
        .await;
    let output = sdk::client(&server, Client::new)
        .unwrap()
        .show_instance_artifact()
        .instance_id(INSTANCE)
        .namespace_name("library")
        .repository_name("nginx")
        .reference("latest")
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(output.tags, Some(Vec::new()));
    assert_eq!(output.scan_overview, None);
}

#[tokio::test]
async fn a_missing_path_field_fails_before_any_request() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|_when, then| {
            then.status(200);
        })
        .await;
    let e = sdk::client(&server, Client::new)
        .unwrap()
        .show_instance_artifact()
        .instance_id(INSTANCE)
        .namespace_name("library")
        .repository_name("nginx")
        .send()
        .await
        .unwrap_err();
    assert!(e.is_construction(), "{e}");
    assert!(e.to_string().contains("`reference`"), "{e}");
    assert_eq!(mock.calls_async().await, 0);
}

#[tokio::test]
async fn an_error_answer_carries_the_request_id_and_encoded_message() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET);
            then.status(403)
                .header("content-type", "application/json")
                .header("x-request-id", "rid-403")
                .json_body(json!({
                    "error_code": "SWR.0403",
                    "error_msg": "denied",
                    "encoded_authorization_message": "encoded-reason",
                }));
        })
        .await;
    let e = sdk::client(&server, Client::new)
        .unwrap()
        .show_instance_artifact()
        .instance_id(INSTANCE)
        .namespace_name("library")
        .repository_name("nginx")
        .reference("latest")
        .send()
        .await
        .unwrap_err();
    assert!(e.is_service(), "{e}");
    assert_eq!(e.status(), Some(http::StatusCode::FORBIDDEN));
    assert_eq!(e.request_id(), Some("rid-403"));
    let service = e.service_error().unwrap();
    assert_eq!(service.error_code(), "SWR.0403");
    assert_eq!(service.error_msg(), "denied");
    assert_eq!(
        service.encoded_authorization_message(),
        Some("encoded-reason")
    );
}

/// Per-call options reach the wire through the generated builder: an extra header is sent and
/// signed, and a retry setting applies to this call only.
#[tokio::test]
async fn a_builder_sends_its_call_options_header_signed() {
    use huaweicloud_sdk_swr::{CallOptions, RetryConfig};

    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("/v2/{PROJECT}/instances"))
                .header("x-tenant", "blue")
                .is_true(|req| {
                    req.headers().get("authorization").is_some_and(|v| {
                        v.to_str()
                            .is_ok_and(|v| v.contains("SignedHeaders=") && v.contains("x-tenant"))
                    })
                });
            then.status(200)
                .header("content-type", "application/json")
                .json_body(json!({"instances": [], "total": 0}));
        })
        .await;
    let options = CallOptions::new()
        .with_header("x-tenant", "blue")
        .with_retry(RetryConfig::disabled());
    sdk::client(&server, Client::new)
        .unwrap()
        .list_instance()
        .options(options)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
}
