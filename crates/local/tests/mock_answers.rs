//! Mock stubs that answer call by call: in order (the pages of a listing), past the last
//! answer, from a closure over the typed request, and a closure that panics.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures_util::TryStreamExt as _;
use huaweicloud_sdk_hss::v5::{self as hss, ListHostStatusOutput, ListHostStatusRequest};
use huaweicloud_sdk_local::mock::{Failure, MockEndpoint, NO_MORE_ANSWERS, STUB_PANICKED};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A page of `ListHostStatus` holding hosts with these names, and `total` when the service
/// reports one.
fn page(total: Option<i64>, names: &[&str]) -> ListHostStatusOutput {
    let mut output = ListHostStatusOutput::default();
    output.total_num = total;
    output.data_list = Some(
        names
            .iter()
            .map(|name| {
                let mut host = hss::models::Host::default();
                host.host_name = Some((*name).to_owned());
                host
            })
            .collect(),
    );
    output
}

/// The host names a walk through `ListHostStatus`, `limit` hosts a page, yields.
async fn host_names(client: &hss::Client, limit: i32) -> huaweicloud_sdk_core::Result<Vec<String>> {
    let mut hosts = client
        .list_host_status()
        .limit(limit)
        .into_paginator()
        .items();
    let mut names = Vec::new();
    while let Some(host) = hosts.try_next().await? {
        names.extend(host.host_name);
    }
    Ok(names)
}

/// The `offset` of every `ListHostStatus` request the mock answered, in order.
fn offsets(mock: &MockEndpoint) -> Vec<Option<i64>> {
    mock.requests::<ListHostStatusRequest>()
        .into_iter()
        .map(|request| request.offset)
        .collect()
}

#[tokio::test]
async fn answers_in_order_are_page_one_page_two_then_the_end() -> TestResult {
    let mock = MockEndpoint::builder()
        .operations(hss::OPERATIONS)
        .start()
        .await?;
    // No total: the paginator stops at the empty third page.
    mock.on::<ListHostStatusRequest>().returns_in_order([
        page(None, &["a", "b"]),
        page(None, &["c"]),
        page(None, &[]),
    ]);
    let client = hss::Client::new(&mock.config())?;

    assert_eq!(host_names(&client, 2).await?, ["a", "b", "c"]);
    assert_eq!(offsets(&mock), [Some(0), Some(2), Some(3)]);
    assert_eq!(mock.request_count(), 3);
    Ok(())
}

#[tokio::test]
async fn a_call_past_the_last_answer_fails_once_naming_the_operation() -> TestResult {
    let mock = MockEndpoint::start().await?;
    mock.on::<ListHostStatusRequest>()
        .returns_in_order([page(Some(1), &["a"])]);
    let client = hss::Client::new(&mock.config())?;

    let first = client.list_host_status().send().await?;
    assert_eq!(first.data_list, page(Some(1), &["a"]).data_list);
    let err = client
        .list_host_status()
        .send()
        .await
        .expect_err("only one answer was stubbed");

    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(err.error_code(), Some(NO_MORE_ANSWERS));
    let message = err.to_string();
    assert!(message.contains("hss ListHostStatus"), "{message}");
    assert!(message.contains("1 answer(s)"), "{message}");
    assert_eq!(mock.request_count(), 2, "the failure is not retried");
    Ok(())
}

#[tokio::test]
async fn answers_in_order_mix_failures_and_outputs() -> TestResult {
    let mock = MockEndpoint::start().await?;
    mock.on::<ListHostStatusRequest>().answers_in_order([
        Err(Failure::new(404, "HSS.1001", "no such host")),
        Ok(page(Some(1), &["a"])),
    ]);
    let client = hss::Client::new(&mock.config())?;

    let err = client
        .list_host_status()
        .send()
        .await
        .expect_err("the first answer is a failure");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(err.error_code(), Some("HSS.1001"));
    let second = client.list_host_status().send().await?;
    assert_eq!(second.total_num, Some(1));
    Ok(())
}

#[tokio::test]
async fn answers_with_pages_by_the_requests_offset() -> TestResult {
    const HOSTS: [&str; 5] = ["a", "b", "c", "d", "e"];
    let mock = MockEndpoint::start().await?;
    mock.on::<ListHostStatusRequest>()
        .answers_with(|request: &ListHostStatusRequest| {
            let offset = usize::try_from(request.offset.unwrap_or(0))
                .map_err(|_| Failure::new(400, "HSS.0002", "negative offset"))?;
            let limit = usize::try_from(request.limit.unwrap_or(10))
                .map_err(|_| Failure::new(400, "HSS.0002", "negative limit"))?;
            let names: Vec<&str> = HOSTS.iter().copied().skip(offset).take(limit).collect();
            Ok(page(Some(HOSTS.len() as i64), &names))
        });
    let client = hss::Client::new(&mock.config())?;

    assert_eq!(host_names(&client, 2).await?, HOSTS);
    assert_eq!(offsets(&mock), [Some(0), Some(2), Some(4)]);
    Ok(())
}

#[tokio::test]
async fn answers_with_failure_is_a_service_error_for_that_request_only() -> TestResult {
    let mock = MockEndpoint::start().await?;
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&calls);
    mock.on::<ListHostStatusRequest>()
        .answers_with(move |request: &ListHostStatusRequest| {
            counted.fetch_add(1, Ordering::Relaxed);
            match request.host_name.as_deref() {
                Some("gone") => Err(Failure::new(404, "HSS.1001", "no such host")),
                _ => Ok(page(Some(1), &["web"])),
            }
        });
    let client = hss::Client::new(&mock.config())?;

    let err = client
        .list_host_status()
        .host_name("gone")
        .send()
        .await
        .expect_err("answered with a failure");
    assert!(err.is_not_found(), "{err}");
    assert_eq!(err.error_code(), Some("HSS.1001"));
    let found = client.list_host_status().host_name("web").send().await?;
    assert_eq!(found.total_num, Some(1));
    assert_eq!(calls.load(Ordering::Relaxed), 2);
    Ok(())
}

#[tokio::test]
async fn a_panicking_closure_is_answered_once_with_its_message() -> TestResult {
    let mock = MockEndpoint::start().await?;
    mock.on::<ListHostStatusRequest>()
        .answers_with(|request: &ListHostStatusRequest| {
            assert_eq!(request.limit, Some(50), "the code under test pages by 50");
            Ok(page(Some(0), &[]))
        });
    let client = hss::Client::new(&mock.config())?;

    let err = client
        .list_host_status()
        .limit(10)
        .send()
        .await
        .expect_err("the closure's assertion fails");

    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(err.error_code(), Some(STUB_PANICKED));
    let message = err.to_string();
    assert!(
        message.contains("the code under test pages by 50"),
        "{message}"
    );
    assert_eq!(mock.request_count(), 1);
    Ok(())
}
