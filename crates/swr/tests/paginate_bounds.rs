//! Generated paginators against a service that ignores the page size asked for, walked with
//! `try_next` on the item stream as is (no pinning).

use futures_util::TryStreamExt;
use httpmock::prelude::*;
use huaweicloud_sdk_swr::v2::Client;
use huaweicloud_sdk_test_support::sdk;
use serde_json::json;

#[tokio::test]
async fn a_page_above_the_asked_limit_ends_the_walk_with_an_error() {
    let server = MockServer::start_async().await;
    // Asked for 2, answers 3 of a total it never reaches.
    let pages = server
        .mock_async(|when, then| {
            when.method(GET).path("/v2/manage/repos");
            then.status(200)
                .header("content-range", "0-2/1000000")
                .json_body(json!([{"name": "a"}, {"name": "b"}, {"name": "c"}]));
        })
        .await;

    let mut repos = sdk::client(&server, Client::new)
        .unwrap()
        .list_repos_details()
        .limit("2")
        .into_paginator()
        .items();
    let err = loop {
        match repos.try_next().await {
            Ok(Some(_)) => {}
            Ok(None) => panic!("the walk ended without an error"),
            Err(err) => break err,
        }
    };
    assert!(
        err.to_string().contains("3 items, more than the 2"),
        "{err}"
    );
    assert_eq!(repos.try_next().await.unwrap().map(|_| ()), None);
    pages.assert_calls_async(1).await;
}

#[tokio::test]
async fn without_a_limit_the_service_default_page_size_is_accepted() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v2/manage/repos");
            then.status(200)
                .header("content-range", "0-2/3")
                .json_body(json!([{"name": "a"}, {"name": "b"}, {"name": "c"}]));
        })
        .await;
    let mut repos = sdk::client(&server, Client::new)
        .unwrap()
        .list_repos_details()
        .into_paginator()
        .items();
    let mut names = Vec::new();
    while let Some(repo) = repos.try_next().await.unwrap() {
        names.push(repo.name);
    }
    assert_eq!(names.len(), 3);
}
