//! DownloadImageFile on the wire, against a local mock server.

use httpmock::prelude::*;
use huaweicloud_sdk_projectman::v4::{Client, DownloadImageFileRequest};
use huaweicloud_sdk_test_support::sdk;

/// The ProjectMan project of the path: never the IAM project of the credentials (`sdk::PROJECT`).
const PROJECT: &str = "5e9ae3a5f1fc4e4a9a2f7a6a1e0c6c8d";
const IMAGE_URI: &str =
    "/v1/upload/2c42a6d37ccc4197bf0b3dbe91be021a/202209/1662003438194761550.png";

#[tokio::test]
async fn streams_the_image_with_content_type_and_length() {
    let server = MockServer::start_async().await;
    let image: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("/v4/projects/{PROJECT}/image-file"))
                .query_param("image_uri", IMAGE_URI)
                .header("content-type", "application/json")
                .header_exists("authorization")
                .header_exists("x-sdk-date");
            then.status(200)
                .header("content-type", "image/png")
                .header("x-request-id", "rid-image")
                .body(image.clone());
        })
        .await;

    let output = sdk::client(&server, Client::new)
        .unwrap()
        .download_image_file()
        .project_id(PROJECT)
        .image_uri(IMAGE_URI)
        .send()
        .await
        .unwrap();
    assert_eq!(output.content_type.as_deref(), Some("image/png"));
    assert_eq!(output.content_length, Some(4096));
    assert_eq!(output.request_id.as_deref(), Some("rid-image"));
    let body = output.body.collect().await.unwrap();
    assert_eq!(body.as_ref(), image.as_slice());
    mock.assert_async().await;
}

#[tokio::test]
async fn the_raw_query_is_percent_encoded() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).is_true(|req| {
                req.uri().query()
                    == Some("image_uri=https%3A%2F%2Fdevcloud.example.com%2Fa%20b%2Fpic.png")
            });
            then.status(200)
                .header("content-type", "application/octet-stream")
                .body("x");
        })
        .await;
    let request: DownloadImageFileRequest = serde_json::from_value(serde_json::json!({
        "project_id": PROJECT,
        "image_uri": "https://devcloud.example.com/a b/pic.png",
    }))
    .unwrap();
    let output = request
        .send(&sdk::client(&server, Client::new).unwrap())
        .await
        .unwrap();
    assert_eq!(output.body.collect().await.unwrap().as_ref(), b"x");
    mock.assert_async().await;
}

#[tokio::test]
async fn an_empty_answer_is_an_empty_stream() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET);
            then.status(200).header("content-type", "application/json");
        })
        .await;
    let output = sdk::client(&server, Client::new)
        .unwrap()
        .download_image_file()
        .project_id(PROJECT)
        .image_uri(IMAGE_URI)
        .send()
        .await
        .unwrap();
    assert_eq!(output.content_length, Some(0));
    assert!(output.body.collect().await.unwrap().is_empty());
}

#[tokio::test]
async fn missing_required_fields_fail_before_any_request() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|_when, then| {
            then.status(200);
        })
        .await;
    let client = sdk::client(&server, Client::new).unwrap();

    let e = client
        .download_image_file()
        .project_id(PROJECT)
        .send()
        .await
        .unwrap_err();
    assert!(e.is_construction(), "{e}");
    assert!(e.to_string().contains("`image_uri`"), "{e}");

    // The ProjectMan project id is a field of the request, not the credentials' scope.
    let e = client
        .download_image_file()
        .image_uri(IMAGE_URI)
        .send()
        .await
        .unwrap_err();
    assert!(e.is_construction(), "{e}");
    assert!(e.to_string().contains("`project_id`"), "{e}");
    assert_eq!(mock.calls_async().await, 0);
}

#[tokio::test]
async fn an_error_answer_is_a_service_error_with_the_request_id() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET);
            then.status(400)
                .header("content-type", "application/json")
                .header("x-request-id", "rid-400")
                .json_body(serde_json::json!({
                    "error_code": "PM.02174103",
                    "error_msg": "no permission",
                }));
        })
        .await;
    let e = sdk::client(&server, Client::new)
        .unwrap()
        .download_image_file()
        .project_id(PROJECT)
        .image_uri(IMAGE_URI)
        .send()
        .await
        .unwrap_err();
    assert!(e.is_service(), "{e}");
    assert_eq!(e.status(), Some(http::StatusCode::BAD_REQUEST));
    assert_eq!(e.request_id(), Some("rid-400"));
    let service = e.service_error().unwrap();
    assert_eq!(service.error_code(), "PM.02174103");
    assert_eq!(service.error_msg(), "no permission");
    assert_eq!(e.operation(), Some(("projectman", "DownloadImageFile")));
}
