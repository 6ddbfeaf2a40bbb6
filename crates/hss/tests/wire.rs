//! RunImageSynchronize on the wire, against a local mock server.

// The operation is deprecated; its wire behaviour is still what these tests pin down.
#![allow(deprecated)]

use httpmock::prelude::*;
use huaweicloud_sdk_hss::v5::Client;
use huaweicloud_sdk_hss::v5::models::{ImageType, RunImageSynchronizeRequestInfo};
use huaweicloud_sdk_test_support::sdk;

const PATH: &str = "/v5/0123456789abcdef0123456789abcdef/image/synchronize";

#[tokio::test]
async fn sends_query_header_and_body_and_parses_success() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(PATH)
                .query_param("enterprise_project_id", "all_granted_eps")
                .header("region", "cn-north-4")
                .header("content-type", "application/json")
                .json_body(serde_json::json!({"image_type": "shared_image"}));
            then.status(200)
                .header("content-type", "application/json;charset=UTF-8")
                .header("x-request-id", "rid-ok")
                .json_body(serde_json::json!({"error_code": 0, "error_description": "success"}));
        })
        .await;
    let output = sdk::client(&server, Client::new)
        .unwrap()
        .run_image_synchronize()
        .enterprise_project_id("all_granted_eps")
        .region("cn-north-4")
        .body(RunImageSynchronizeRequestInfo::new().image_type(ImageType::SharedImage))
        .send()
        .await
        .unwrap();
    assert_eq!(output.error_code, Some(0));
    assert_eq!(output.error_description.as_deref(), Some("success"));
    assert_eq!(output.request_id.as_deref(), Some("rid-ok"));
    mock.assert_async().await;
}

#[tokio::test]
async fn optional_query_and_header_are_left_out_and_an_empty_body_is_success() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(PATH)
                .header_missing("region")
                .is_true(|req| req.uri().query().is_none())
                .body(r#"{"image_type":"private_image"}"#);
            then.status(200).header("content-type", "application/json");
        })
        .await;
    let output = sdk::client(&server, Client::new)
        .unwrap()
        .run_image_synchronize()
        .body(RunImageSynchronizeRequestInfo::new().image_type("private_image"))
        .send()
        .await
        .unwrap();
    assert_eq!(output.error_code, None);
    mock.assert_async().await;
}

#[tokio::test]
async fn a_2xx_with_a_non_zero_error_code_is_a_service_error() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path(PATH);
            then.status(200)
                .header("content-type", "application/json")
                .header("x-request-id", "rid-body-error")
                .json_body(serde_json::json!({
                    "error_code": 5,
                    "error_description": "synchronization already running",
                }));
        })
        .await;
    let e = sdk::client(&server, Client::new)
        .unwrap()
        .run_image_synchronize()
        .body(RunImageSynchronizeRequestInfo::new().image_type(ImageType::PrivateImage))
        .send()
        .await
        .unwrap_err();
    assert!(e.is_service(), "{e}");
    assert_eq!(e.status(), Some(http::StatusCode::OK));
    assert_eq!(e.request_id(), Some("rid-body-error"));
    assert_eq!(e.error_code(), Some("5"));
    let service = e.service_error().unwrap();
    assert_eq!(service.error_msg(), "synchronization already running");
    assert_eq!(e.operation(), Some(("hss", "RunImageSynchronize")));
}

#[tokio::test]
async fn a_missing_image_type_fails_before_any_request() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|_when, then| {
            then.status(200);
        })
        .await;
    let e = sdk::client(&server, Client::new)
        .unwrap()
        .run_image_synchronize()
        .region("cn-north-4")
        .send()
        .await
        .unwrap_err();
    assert!(e.is_construction(), "{e}");
    assert!(e.to_string().contains("`body`"), "{e}");

    // A body without its required `image_type` is reported by the field's path.
    let e = sdk::client(&server, Client::new)
        .unwrap()
        .run_image_synchronize()
        .body(RunImageSynchronizeRequestInfo::new())
        .send()
        .await
        .unwrap_err();
    assert!(e.is_construction(), "{e}");
    assert!(e.to_string().contains("`body.image_type`"), "{e}");
    assert_eq!(mock.calls_async().await, 0);
}

#[tokio::test]
async fn an_error_answer_is_a_service_error_with_the_request_id() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path(PATH);
            then.status(403)
                .header("content-type", "application/json")
                .header("x-request-id", "rid-403")
                .json_body(serde_json::json!({
                    "error_code": "HSS.1001",
                    "error_msg": "forbidden",
                }));
        })
        .await;
    let e = sdk::client(&server, Client::new)
        .unwrap()
        .run_image_synchronize()
        .body(RunImageSynchronizeRequestInfo::new().image_type(ImageType::PrivateImage))
        .send()
        .await
        .unwrap_err();
    assert!(e.is_service(), "{e}");
    assert_eq!(e.status(), Some(http::StatusCode::FORBIDDEN));
    assert_eq!(e.request_id(), Some("rid-403"));
    assert_eq!(e.error_code(), Some("HSS.1001"));
}

#[test]
fn unknown_image_types_round_trip() {
    let kind = ImageType::from("cluster_image");
    assert_eq!(kind, ImageType::Unknown("cluster_image".into()));
    assert_eq!(kind.as_str(), "cluster_image");
    assert_eq!(ImageType::from("private_image"), ImageType::PrivateImage);
    assert_eq!(ImageType::SharedImage.to_string(), "shared_image");
}
