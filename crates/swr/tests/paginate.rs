//! Generated paginators on the wire: SWR's offsets sent as strings with the total in
//! `Content-Range`, and integer next markers.

use futures_util::TryStreamExt;
use httpmock::prelude::*;
use huaweicloud_sdk_swr::v2::Client;
use huaweicloud_sdk_test_support::sdk;
use serde_json::json;

const PROJECT: &str = "0123456789abcdef0123456789abcdef";

#[tokio::test]
async fn offsets_advance_by_the_items_received_until_the_content_range_total() {
    let server = MockServer::start_async().await;
    let first = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v2/manage/repos")
                .query_param("offset", "0")
                .query_param("limit", "2");
            then.status(200)
                .header("content-range", "0-1/3")
                .json_body(json!([{"name": "a"}, {"name": "b"}]));
        })
        .await;
    let second = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v2/manage/repos")
                .query_param("offset", "2")
                .query_param("limit", "2");
            then.status(200)
                .header("content-range", "2-2/3")
                .json_body(json!([{"name": "c"}]));
        })
        .await;

    let repos: Vec<_> = sdk::client(&server, Client::new)
        .unwrap()
        .list_repos_details()
        .limit("2")
        .into_paginator()
        .items()
        .try_collect()
        .await
        .unwrap();

    let names: Vec<_> = repos.iter().map(|r| r.name.as_deref()).collect();
    assert_eq!(names, [Some("a"), Some("b"), Some("c")]);
    first.assert_async().await;
    // The total (3) is reached: no third request.
    second.assert_async().await;
}

#[tokio::test]
async fn integer_next_markers_are_followed_until_none_comes_back() {
    let server = MockServer::start_async().await;
    let path = format!("/v2/{PROJECT}/instances/i-1/artifacts");
    let first = server
        .mock_async(|when, then| {
            when.method(GET).path(&path).query_param_missing("marker");
            then.status(200)
                .json_body(json!({"artifacts": [{"id": 1}, {"id": 2}], "next_marker": 7}));
        })
        .await;
    let second = server
        .mock_async(|when, then| {
            when.method(GET).path(&path).query_param("marker", "7");
            then.status(200)
                .json_body(json!({"artifacts": [{"id": 3}]}));
        })
        .await;

    let pages: Vec<_> = sdk::client(&server, Client::new)
        .unwrap()
        .list_instance_all_artifacts()
        .instance_id("i-1")
        .into_paginator()
        .pages()
        .try_collect()
        .await
        .unwrap();

    let ids: Vec<Vec<Option<i64>>> = pages
        .iter()
        .map(|p| p.artifacts.iter().flatten().map(|a| a.id).collect())
        .collect();
    assert_eq!(ids, [vec![Some(1), Some(2)], vec![Some(3)]]);
    first.assert_async().await;
    second.assert_async().await;
}
