//! A tour of the core runtime against a local stand-in for the API gateway (127.0.0.1 only):
//! a signed call that is retried after a 503, a wrong secret key rejected as the gateway
//! rejects it, a POST that is not retried, and bad input caught before any I/O.
//!
//! Run: `cargo run -p huaweicloud-sdk-core --example core_tour`

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use httpmock::prelude::*;
use huaweicloud_sdk_core::config::endpoint::ServiceEndpoints;
use huaweicloud_sdk_core::signer::{Payload, SignableRequest, verify_hmac};
use huaweicloud_sdk_core::{Config, Credentials, Executor, OperationRequest, OperationSpec};

const AK: &str = "HPUAEXAMPLEAK0000001";
const SK: &str = "exampleSecretKey0000000000000000000000000";
const PROJECT: &str = "0123456789abcdef0123456789abcdef";

static DEMO: ServiceEndpoints = ServiceEndpoints {
    service: "demo",
    regions: &[],
    host_pattern: "https://demo.{region}.myhuaweicloud.com",
};

/// What the gateway checks: the signature recomputed from the request as received.
fn signed_with_example_sk(req: &HttpMockRequest) -> bool {
    let headers = req.headers_vec().clone();
    let find = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let (host, auth, body, query) = (
        find("host"),
        find("authorization"),
        req.body().to_vec(),
        req.query_params(),
    );
    let uri = req.uri();
    let signable = SignableRequest {
        method: req.method_str(),
        host: &host,
        path: uri.path(),
        query: &query,
        headers: &headers,
        payload: Payload::Bytes(&body),
    };
    verify_hmac(&signable, SK, &auth).unwrap_or(false)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let gateway = MockServer::start_async().await;
    // The first valid GET meets a 503 ("busy"), later ones succeed: the SDK retries a GET.
    let busy_served = Arc::new(AtomicBool::new(false));
    let (first, later) = (busy_served.clone(), busy_served);
    gateway
        .mock_async(move |when, then| {
            when.method(GET)
                .is_true(signed_with_example_sk)
                .is_true(move |_| !first.swap(true, Ordering::SeqCst));
            then.status(503).header("x-request-id", "req-busy");
        })
        .await;
    gateway
        .mock_async(move |when, then| {
            when.method(GET)
                .is_true(signed_with_example_sk)
                .is_true(move |_| later.load(Ordering::SeqCst));
            then.status(200)
                .header("x-request-id", "req-ok")
                .json_body(serde_json::json!({"count": 2, "things": ["a", "b"]}));
        })
        .await;
    gateway
        .mock_async(|when, then| {
            when.method(POST).is_true(signed_with_example_sk);
            then.status(500)
                .header("x-request-id", "req-500")
                .body(r#"{"error_code":"DEMO.5000","error_msg":"internal error"}"#);
        })
        .await;
    gateway
        .mock_async(|when, then| {
            when.is_true(|req| !signed_with_example_sk(req));
            then.status(401).header("x-request-id", "req-401").body(
                r#"{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information: verify aksk signature fail"}"#,
            );
        })
        .await;

    let config = Config::new(Credentials::new(AK, SK).with_project_id(PROJECT))
        .with_endpoint(gateway.base_url());
    let client = Executor::new(&config, &DEMO)?;
    let list = OperationSpec::new("demo", "ListThings", http::Method::GET);

    let request = OperationRequest::new("/v1/{project_id}/things")
        .query("limit", "2")
        .header("content-type", "application/json");
    let response = client.send(&list, request).await?;
    let request_id = response.request_id().unwrap_or("").to_owned();
    let body: serde_json::Value = response.json().await?;
    println!("ListThings (signed GET, retried after a 503): {body} (request id {request_id})");

    let wrong = Config::new(Credentials::new(AK, "not-the-secret-key").with_project_id(PROJECT))
        .with_endpoint(gateway.base_url());
    let err = Executor::new(&wrong, &DEMO)?
        .send(&list, OperationRequest::new("/v1/{project_id}/things"))
        .await
        .expect_err("the gateway rejects a wrong secret key");
    println!("ListThings with a wrong SK: {err}");

    let create = OperationSpec::new("demo", "CreateThing", http::Method::POST);
    let err = client
        .send(
            &create,
            OperationRequest::new("/v1/{project_id}/things")
                .header("content-type", "application/json")
                .json_body(&serde_json::json!({"name": "c"})),
        )
        .await
        .expect_err("the gateway answers 500");
    println!(
        "CreateThing (POST, not retried on 500): {err} [attempts: {}]",
        err.attempts()
    );

    let unscoped = Config::new(Credentials::new(AK, SK)).with_endpoint(gateway.base_url());
    let err = Executor::new(&unscoped, &DEMO)?
        .send(&list, OperationRequest::new("/v1/{project_id}/things"))
        .await
        .expect_err("no project id");
    println!(
        "ListThings without a project id: {err} [attempts: {}]",
        err.attempts()
    );
    Ok(())
}
