//! The client-wide retry budget and what is never retried.

use std::time::Duration;

use huaweicloud_sdk_core::retry::{RetryBudget, RetryConfig};
use huaweicloud_sdk_core::{Config, Credentials, Executor, OperationRequest, OperationSpec};

mod scripted;
mod support;

use scripted::{Script, Server, response};
use support::{AK, PROJECT, SK, TEST_SERVICE};

fn executor(url: &str, retry: RetryConfig) -> Executor {
    let config = Config::new(Credentials::new(AK, SK).with_project_id(PROJECT))
        .with_endpoint(url)
        .with_retry(
            retry
                .with_initial_backoff(Duration::from_millis(1))
                .with_max_backoff(Duration::from_millis(2)),
        );
    Executor::new(&config, &TEST_SERVICE).unwrap()
}

fn get() -> OperationSpec {
    OperationSpec::new("testsvc", "ShowThing", http::Method::GET)
}

async fn concurrent_calls(exec: &Executor, calls: usize) {
    let spec = get();
    let all = (0..calls).map(|_| exec.send(&spec, OperationRequest::new("/v1/{project_id}/x")));
    for result in futures_util::future::join_all(all).await {
        assert_eq!(
            result.unwrap_err().status(),
            Some(http::StatusCode::SERVICE_UNAVAILABLE)
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_service_sees_the_first_attempts_plus_the_budget() {
    let server = Server::start(Script::always(response(503, &[("retry-after", "0")], "")))
        .await
        .unwrap();
    // The default budget: 500 tokens, 5 a retry, so at most 100 retries for the client.
    let exec = executor(&server.url(), RetryConfig::default());
    concurrent_calls(&exec, 200).await;
    let sent = server.script().received().len();
    assert!((200..=300).contains(&sent), "{sent} requests for 200 calls");

    // A smaller budget, a smaller bound; and once spent, a call is attempted once.
    let server = Server::start(Script::always(response(503, &[("retry-after", "0")], "")))
        .await
        .unwrap();
    let budget = RetryBudget::default().with_capacity(50);
    let exec = executor(
        &server.url(),
        RetryConfig::default().with_budget(Some(budget)),
    );
    concurrent_calls(&exec, 200).await;
    assert!(server.script().received().len() <= 200 + 10);
    let before = server.script().received().len();
    concurrent_calls(&exec, 1).await;
    assert_eq!(server.script().received().len(), before + 1);
}

#[tokio::test]
async fn without_a_budget_every_call_retries_up_to_its_attempts() {
    let server = Server::start(Script::always(response(503, &[("retry-after", "0")], "")))
        .await
        .unwrap();
    let exec = executor(&server.url(), RetryConfig::default().with_budget(None));
    concurrent_calls(&exec, 50).await;
    assert_eq!(server.script().received().len(), 150);
}

#[tokio::test]
async fn successes_refill_the_budget() {
    let server = Server::start(Script::new(
        vec![response(503, &[], ""), response(503, &[], "")],
        response(200, &[], "{}"),
    ))
    .await
    .unwrap();
    // Room for one retry, which the first call spends.
    let budget = RetryBudget::default().with_capacity(5);
    let exec = executor(
        &server.url(),
        RetryConfig::default().with_budget(Some(budget)),
    );
    let e = exec
        .send(&get(), OperationRequest::new("/v1/{project_id}/x"))
        .await
        .unwrap_err();
    assert_eq!(e.attempts(), 2, "one retry, then the budget is spent");
    let ok = exec
        .send(&get(), OperationRequest::new("/v1/{project_id}/x"))
        .await
        .unwrap();
    assert_eq!(ok.attempts(), 1);
    // The success put back 1 token: still not enough for a retry of 5.
    server.script().push(response(503, &[], ""));
    let e = exec
        .send(&get(), OperationRequest::new("/v1/{project_id}/x"))
        .await
        .unwrap_err();
    assert_eq!(e.attempts(), 1);
}

#[tokio::test]
async fn not_implemented_is_not_retried() {
    let server = Server::start(Script::always(response(501, &[], "")))
        .await
        .unwrap();
    let exec = executor(&server.url(), RetryConfig::default());
    let e = exec
        .send(&get(), OperationRequest::new("/v1/{project_id}/x"))
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(http::StatusCode::NOT_IMPLEMENTED));
    assert_eq!(e.attempts(), 1);
    assert_eq!(server.script().received().len(), 1);
}
