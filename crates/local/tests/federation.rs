//! The endpoint as IAM for OIDC federation: the SDK's FederatedProvider (and the environment
//! provider's federation settings) exchange an id token with it, and its gateway accepts the
//! temporary credentials it issued, with their security token. Refusals have IAM's shape.

use std::path::PathBuf;

use huaweicloud_sdk_core::credentials::{EnvironmentProvider, FederatedProvider};
use huaweicloud_sdk_core::{CredentialsContext, ProvideCredentials};
use huaweicloud_sdk_local::LocalEndpoint;
use serde_json::{Value, json};

/// A token file of its own, removed when dropped.
struct TokenFile(PathBuf);

impl TokenFile {
    fn new(name: &str, contents: &str) -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let path = std::env::temp_dir().join(format!(
            "hwc-local-federation-{name}-{}-{nanos}",
            std::process::id()
        ));
        std::fs::write(&path, contents).unwrap();
        Self(path)
    }
}

impl Drop for TokenFile {
    fn drop(&mut self) {
        std::fs::remove_file(&self.0).ok();
    }
}

async fn list_jobs(config: &huaweicloud_sdk_core::Config) -> huaweicloud_sdk_core::Result<()> {
    let client = huaweicloud_sdk_metastudio::v1::Client::new(config)?;
    let jobs = client.list_picture_modeling_jobs().limit(2).send().await?;
    assert!(jobs.count.is_some_and(|n| n > 0), "{jobs:?}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn federated_credentials_from_its_iam_pass_its_gateway() {
    let local = LocalEndpoint::builder()
        .identity_provider("local-idp")
        .start()
        .await
        .unwrap();
    let file = TokenFile::new("provider", "any-id-token-at-all\n");
    let provider = FederatedProvider::new("local-idp", &file.0);
    let credentials = provider
        .with_iam_endpoint(local.url())
        .provide_credentials(&CredentialsContext::new())
        .await
        .unwrap();
    assert!(credentials.ak().starts_with("FEDLOCAL"), "{credentials:?}");
    assert!(credentials.security_token().is_some());
    assert!(credentials.expires_at().is_some());

    let config = local.config_with(FederatedProvider::new("local-idp", &file.0));
    list_jobs(&config).await.unwrap();

    let path = file.0.display().to_string();
    let env = EnvironmentProvider::from_lookup(move |name| match name {
        "HUAWEICLOUD_SDK_IDP_ID" => Some("local-idp".to_owned()),
        "HUAWEICLOUD_SDK_ID_TOKEN_FILE" => Some(path.clone()),
        _ => None,
    });
    list_jobs(&local.config_with(env)).await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn its_iam_refuses_like_iam() {
    let local = LocalEndpoint::builder()
        .identity_provider("local-idp")
        .start()
        .await
        .unwrap();
    let file = TokenFile::new("refusal", "id-token");
    let config = local.config_with(FederatedProvider::new("other-idp", &file.0));
    let e = list_jobs(&config).await.unwrap_err();
    assert!(e.is_credentials(), "{e:?}");
    let s = e.to_string();
    assert!(s.contains("HTTP 404 IAM.0004"), "{s}");
    assert!(s.contains("(request id "), "{s}");

    let http = reqwest::Client::new();
    let post = |path: &str, body: Value, idp: Option<&str>| {
        let mut request = http
            .post(format!("{}{path}", local.url()))
            .header("content-type", "application/json;charset=UTF-8")
            .body(body.to_string());
        if let Some(idp) = idp {
            request = request.header("x-idp-id", idp);
        }
        request.send()
    };
    let response = post(
        "/v3.0/OS-AUTH/id-token/tokens",
        json!({"auth": {"id_token": {"id": "t"}}}),
        None,
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 400);
    assert!(response.headers().contains_key("x-iam-trace-id"));
    let body: Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    assert_eq!(body["error"]["code"], "IAM.0011");

    let response = post(
        "/v3.0/OS-CREDENTIAL/securitytokens",
        json!({"auth": {"identity": {"methods": ["token"], "token": {"id": "never-issued"}}}}),
        None,
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 401);
    let body: Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    assert_eq!(body["error"]["code"], "IAM.0301");

    let response = post(
        "/v3.0/OS-AUTH/id-token/tokens",
        json!({"auth": {"id_token": {"id": "t"}}}),
        Some("local-idp"),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 201);
    let unscoped = response.headers()["x-subject-token"]
        .to_str()
        .unwrap()
        .to_owned();
    let response = post(
        "/v3.0/OS-CREDENTIAL/securitytokens",
        json!({"auth": {"identity": {"methods": ["token"], "token": {"id": unscoped, "duration_seconds": 60}}}}),
        None,
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 400);
}

/// Temporary credentials issued here need their security token at the gateway.
#[tokio::test(flavor = "multi_thread")]
async fn issued_credentials_need_their_security_token() {
    let local = LocalEndpoint::start().await.unwrap();
    let file = TokenFile::new("token", "id-token");
    let issued = FederatedProvider::new("any-idp", &file.0)
        .with_iam_endpoint(local.url())
        .provide_credentials(&CredentialsContext::new())
        .await
        .unwrap();
    let without_token = huaweicloud_sdk_core::Credentials::new(issued.ak(), issued.sk())
        .with_project_id(local.project_id());
    let config = huaweicloud_sdk_core::Config::new(without_token).with_endpoint(local.url());
    let e = list_jobs(&config).await.unwrap_err();
    assert!(e.to_string().contains("X-Security-Token not found"), "{e}");
    let config = huaweicloud_sdk_core::Config::new(issued.with_project_id(local.project_id()))
        .with_endpoint(local.url());
    list_jobs(&config).await.unwrap();
}

/// `POST` of an unsigned IAM call: `(status, JSON body, X-Subject-Token)`.
async fn iam_post(
    local: &LocalEndpoint,
    path: &str,
    body: Value,
    idp: Option<&str>,
) -> (u16, Value, Option<String>) {
    let mut request = reqwest::Client::new()
        .post(format!("{}{path}", local.url()))
        .header("content-type", "application/json;charset=UTF-8")
        .body(body.to_string());
    if let Some(idp) = idp {
        request = request.header("x-idp-id", idp);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let subject = response
        .headers()
        .get("x-subject-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap_or_default();
    (status, body, subject)
}

async fn unscoped_token(local: &LocalEndpoint) -> String {
    let body = json!({"auth": {"id_token": {"id": "t"}}});
    let (status, body, token) =
        iam_post(local, "/v3.0/OS-AUTH/id-token/tokens", body, Some("idp")).await;
    assert_eq!(status, 201, "{body}");
    token.unwrap()
}

async fn exchange(local: &LocalEndpoint, unscoped: &str) -> (u16, Value) {
    let body = json!({"auth": {"identity": {"methods": ["token"], "token": {"id": unscoped}}}});
    let (status, body, _) = iam_post(local, "/v3.0/OS-CREDENTIAL/securitytokens", body, None).await;
    (status, body)
}

#[tokio::test(flavor = "multi_thread")]
async fn oversized_idp_id_is_refused_and_not_echoed() {
    let local = LocalEndpoint::start().await.unwrap();
    let body = json!({"auth": {"id_token": {"id": "t"}}});
    let longest = "i".repeat(64);
    let (status, answer, _) = iam_post(
        &local,
        "/v3.0/OS-AUTH/id-token/tokens",
        body.clone(),
        Some(&longest),
    )
    .await;
    assert_eq!(status, 201, "{answer}");

    let oversized = "x".repeat(60_000);
    let (status, answer, token) = iam_post(
        &local,
        "/v3.0/OS-AUTH/id-token/tokens",
        body,
        Some(&oversized),
    )
    .await;
    assert_eq!(status, 400, "{answer}");
    assert_eq!(answer["error"]["code"], "IAM.0011");
    let message = answer["error"]["message"].as_str().unwrap();
    assert!(message.contains("X-Idp-Id"), "{message}");
    assert!(
        !answer.to_string().contains("xxxx"),
        "the value is not echoed"
    );
    assert!(token.is_none());
}

/// The unsigned calls keep at most `max_issued_tokens` of each kind: the oldest is forgotten.
#[tokio::test(flavor = "multi_thread")]
async fn federation_stores_keep_at_most_their_cap() {
    let local = LocalEndpoint::builder()
        .max_issued_tokens(2)
        .start()
        .await
        .unwrap();
    let first = unscoped_token(&local).await;
    let second = unscoped_token(&local).await;
    let third = unscoped_token(&local).await;
    let (status, body) = exchange(&local, &first).await;
    assert_eq!(status, 401, "the oldest is forgotten: {body}");
    assert_eq!(body["error"]["code"], "IAM.0301");

    let mut issued = Vec::new();
    for token in [&second, &third, &second] {
        let (status, body) = exchange(&local, token).await;
        assert_eq!(status, 201, "{body}");
        let credential = &body["credential"];
        issued.push(
            huaweicloud_sdk_core::Credentials::new(
                credential["access"].as_str().unwrap(),
                credential["secret"].as_str().unwrap(),
            )
            .with_security_token(credential["securitytoken"].as_str().unwrap())
            .with_project_id(local.project_id()),
        );
    }
    let config = |c: &huaweicloud_sdk_core::Credentials| {
        huaweicloud_sdk_core::Config::new(c.clone()).with_endpoint(local.url())
    };
    let e = list_jobs(&config(&issued[0])).await.unwrap_err();
    assert!(e.to_string().contains("not found"), "{e}");
    list_jobs(&config(&issued[1])).await.unwrap();
    list_jobs(&config(&issued[2])).await.unwrap();
}

#[tokio::test]
async fn zero_token_cap_is_a_configuration_error() {
    let err = LocalEndpoint::builder()
        .max_issued_tokens(0)
        .start()
        .await
        .expect_err("zero cap");
    assert!(
        matches!(err, huaweicloud_sdk_local::Error::Config(_)),
        "{err}"
    );
}
