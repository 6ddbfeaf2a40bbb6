//! CreateFile and ListPictureModelingJobs on the wire, against a local mock server.

use futures_util::{StreamExt, TryStreamExt};
use httpmock::prelude::*;
use huaweicloud_sdk_metastudio::v1::Client;
use huaweicloud_sdk_metastudio::v1::models::{
    AssetFileCategory, FilesCreateReq, PictureModelingSortKey, PictureModelingState, SortDirection,
};
use huaweicloud_sdk_test_support::sdk;
use serde_json::json;

const FILES: &str = "/v1/0123456789abcdef0123456789abcdef/files";
const JOBS: &str = "/v1/0123456789abcdef0123456789abcdef/digital-human/stylized/picture-modelings";

fn job(id: u32) -> serde_json::Value {
    json!({"job_id": format!("job-{id}"), "state": "SUCCEED", "name": format!("model {id}")})
}

#[tokio::test]
async fn create_file_sends_header_and_body_and_parses_the_upload_url() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(FILES)
                .header("content-type", "application/json")
                .header("x-app-userid", "app-user-0001")
                .json_body(json!({
                    "file_name": "1.png",
                    "file_md5": "n58IG6hfM7vqI4K0vnWpog==",
                    "file_size": 5368709120u64,
                    "file_type": "png",
                    "asset_id": "8cb2f48a2cb006154794741933421100",
                    "asset_file_category": "COVER",
                }));
            then.status(200)
                .header("content-type", "application/json;charset=UTF-8")
                .header("x-request-id", "rid-create")
                .json_body(json!({
                    "file_id": "b2f8a9e9c39b6dc7ed4c0cfd67366c6a",
                    "upload_url": "https://bucket.obs.example.com/b2f8.png?Signature=x%3D",
                    "unknown_field": {"a": 1},
                }));
        })
        .await;
    let output = sdk::client(&server, Client::new)
        .unwrap()
        .create_file()
        .x_app_user_id("app-user-0001")
        .body(
            FilesCreateReq::new()
                .file_name("1.png")
                .file_md5("n58IG6hfM7vqI4K0vnWpog==")
                .file_size(5_368_709_120i64)
                .asset_id("8cb2f48a2cb006154794741933421100")
                .asset_file_category(AssetFileCategory::Cover)
                .file_type("png"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        output.file_id.as_deref(),
        Some("b2f8a9e9c39b6dc7ed4c0cfd67366c6a")
    );
    assert_eq!(
        output.upload_url.as_deref(),
        Some("https://bucket.obs.example.com/b2f8.png?Signature=x%3D")
    );
    assert_eq!(output.request_id.as_deref(), Some("rid-create"));
    mock.assert_async().await;
}

#[tokio::test]
async fn create_file_leaves_unset_optional_fields_out() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(FILES)
                .header_missing("x-app-userid")
                .body(r#"{"file_name":"a.mp3","file_md5":"CY9rzUYh03PK3k6DJie09g==","file_size":1,"asset_id":"a1","asset_file_category":"MAIN"}"#);
            then.status(200).json_body(json!({"file_id": "f1"}));
        })
        .await;
    let output = sdk::client(&server, Client::new)
        .unwrap()
        .create_file()
        .body(
            FilesCreateReq::new()
                .file_name("a.mp3")
                .file_md5("CY9rzUYh03PK3k6DJie09g==")
                .file_size(1)
                .asset_id("a1")
                .asset_file_category("MAIN"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(output.file_id.as_deref(), Some("f1"));
    assert_eq!(output.upload_url, None);
    mock.assert_async().await;
}

#[tokio::test]
async fn create_file_without_required_fields_fails_before_any_request() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|_when, then| {
            then.status(200);
        })
        .await;
    let e = sdk::client(&server, Client::new)
        .unwrap()
        .create_file()
        .x_app_user_id("app-user-0001")
        .send()
        .await
        .unwrap_err();
    assert!(e.is_construction(), "{e}");
    // The required fields are arguments of `FilesCreateReq::new`, so the only way to leave
    // them out is to leave out the body that carries them.
    assert!(e.to_string().contains("`body`"), "{e}");
    assert_eq!(mock.calls_async().await, 0);
}

#[tokio::test]
async fn list_sends_two_states_comma_joined_and_every_filter() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(JOBS)
                .query_param("state", "SUCCEED,FAILED")
                .query_param("sort_key", "create_time")
                .query_param("sort_dir", "desc")
                .query_param("limit", "5")
                .query_param("offset", "10")
                .query_param("create_since", "2026-01-01T00:00:00Z")
                .query_param("create_until", "2026-12-31T00:00:00+08:00")
                .header("x-app-userid", "user-1")
                // The comma is sent percent-encoded, as the official SDKs send it.
                .is_true(|req| {
                    req.uri()
                        .query()
                        .is_some_and(|q| q.contains("state=SUCCEED%2CFAILED"))
                });
            then.status(200)
                .header("x-request-id", "rid-list")
                .json_body(json!({
                    "count": 11,
                    "picture_modeling_jobs": [{
                        "job_id": "f503894a_SMS",
                        "state": "FAILED",
                        "start_time": "2022-11-07T11:43:08Z",
                        "error_info": {"error_code": "MSS.00000003", "error_msg": "bad photo"},
                        "model_cover_url": "https://example.com/c.png",
                    }, {
                        "job_id": "second",
                        "state": "ARCHIVED",
                        "error_info": null,
                    }],
                }));
        })
        .await;
    let output = sdk::client(&server, Client::new)
        .unwrap()
        .list_picture_modeling_jobs()
        .state(PictureModelingState::Succeed)
        .state(PictureModelingState::Failed)
        .sort_key(PictureModelingSortKey::CreateTime)
        .sort_dir(SortDirection::Desc)
        .limit(5)
        .offset(10)
        .create_since("2026-01-01T00:00:00Z")
        .create_until("2026-12-31T00:00:00+08:00")
        .x_app_user_id("user-1")
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(output.count, Some(11));
    assert_eq!(output.request_id.as_deref(), Some("rid-list"));
    let jobs = output.picture_modeling_jobs.unwrap();
    assert_eq!(jobs[0].job_id.as_deref(), Some("f503894a_SMS"));
    assert_eq!(jobs[0].state, Some(PictureModelingState::Failed));
    let error = jobs[0].error_info.as_ref().unwrap();
    assert_eq!(error.error_code.as_deref(), Some("MSS.00000003"));
    assert_eq!(
        jobs[1].state,
        Some(PictureModelingState::Unknown("ARCHIVED".into())),
        "a state this SDK does not know is kept"
    );
    assert_eq!(jobs[1].error_info, None);
}

#[tokio::test]
async fn the_paginator_walks_three_pages_and_stops_at_count() {
    let server = MockServer::start_async().await;
    let mut pages = Vec::new();
    for (offset, ids) in [(0, vec![1, 2]), (2, vec![3, 4]), (4, vec![5])] {
        let jobs: Vec<_> = ids.into_iter().map(job).collect();
        pages.push(
            server
                .mock_async(move |when, then| {
                    when.method(GET)
                        .path(JOBS)
                        .query_param("limit", "2")
                        .query_param("offset", offset.to_string());
                    then.status(200)
                        .json_body(json!({"count": 5, "picture_modeling_jobs": jobs}));
                })
                .await,
        );
    }
    let client = sdk::client(&server, Client::new).unwrap();

    let names: Vec<String> = client
        .list_picture_modeling_jobs()
        .limit(2)
        .into_paginator()
        .items()
        .map_ok(|job| job.job_id.unwrap_or_default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(names, ["job-1", "job-2", "job-3", "job-4", "job-5"]);
    for page in &pages {
        assert_eq!(page.calls_async().await, 1, "each page is fetched once");
    }

    let sizes: Vec<usize> = client
        .list_picture_modeling_jobs()
        .limit(2)
        .into_paginator()
        .pages()
        .map(|page| page.unwrap().picture_modeling_jobs.map_or(0, |j| j.len()))
        .collect()
        .await;
    assert_eq!(sizes, [2, 2, 1]);
}

#[tokio::test]
async fn the_paginator_stops_at_an_empty_page() {
    let server = MockServer::start_async().await;
    let first = server
        .mock_async(|when, then| {
            when.method(GET).path(JOBS).query_param("offset", "0");
            then.status(200)
                .json_body(json!({"count": 100, "picture_modeling_jobs": [job(1), job(2)]}));
        })
        .await;
    let empty = server
        .mock_async(|when, then| {
            when.method(GET).path(JOBS).query_param("offset", "2");
            then.status(200)
                .json_body(json!({"count": 100, "picture_modeling_jobs": []}));
        })
        .await;
    let items: Vec<_> = sdk::client(&server, Client::new)
        .unwrap()
        .list_picture_modeling_jobs()
        .into_paginator()
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(first.calls_async().await, 1);
    assert_eq!(empty.calls_async().await, 1);
}

#[tokio::test]
async fn an_error_answer_is_a_service_error_with_the_request_id() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(JOBS);
            then.status(401)
                .header("content-type", "application/json")
                .header("x-request-id", "rid-401")
                .json_body(json!({"error_code": "MSS.00000001", "error_msg": "Unauthorized"}));
        })
        .await;
    let e = sdk::client(&server, Client::new)
        .unwrap()
        .list_picture_modeling_jobs()
        .send()
        .await
        .unwrap_err();
    assert!(e.is_service(), "{e}");
    assert_eq!(e.status(), Some(http::StatusCode::UNAUTHORIZED));
    assert_eq!(e.request_id(), Some("rid-401"));
    assert_eq!(e.error_code(), Some("MSS.00000001"));
    assert_eq!(e.service_error().unwrap().error_msg(), "Unauthorized");
    assert_eq!(
        e.operation(),
        Some(("metastudio", "ListPictureModelingJobs"))
    );
}
