//! Credentials providers get the client's context as an argument: a provider that hands its
//! work to another task still sends through the client's transport, and a provider called
//! directly, outside any client, uses the transport, IAM endpoint and environment of the
//! context it is given.

use std::sync::Arc;

use async_trait::async_trait;
use huaweicloud_sdk_core::config::endpoint::{Endpoint, EndpointEnv};
use huaweicloud_sdk_core::credentials::{Credentials, FederatedProvider, MetadataProvider};
use huaweicloud_sdk_core::{
    Config, CredentialsContext, Error, Executor, OperationRequest, OperationSpec,
    ProvideCredentials, RequestBody, Result,
};

mod support;

use support::{Recording, TempFile, answer};

/// The temporary credentials every credentials endpoint below answers with.
const TEMPORARY: &str = r#"{"credential":{"access":"AKTEMP","secret":"ctx-secret-sk","securitytoken":"ctx-token","expires_at":"2099-01-01T00:00:00Z"}}"#;

/// Nothing listens there: a request that bypassed the recording transport fails.
const NOWHERE: &str = "http://127.0.0.1:9";

/// Answers in memory like the metadata service and IAM: no request leaves the process.
fn recording() -> Recording {
    Recording::answering(|request| {
        let (status, body) = match request.uri().path() {
            "/meta-data/latest/api/token" => (200, "session-token"),
            "/openstack/latest/securitykey" | "/v3.0/OS-CREDENTIAL/securitytokens" => {
                (200, TEMPORARY)
            }
            "/v3.0/OS-AUTH/id-token/tokens" => (201, "{}"),
            _ => (200, "{}"),
        };
        answer(status, &[("x-subject-token", "unscoped-token")], body)
    })
}

/// Hands the work of `inner` to a task of its own (as a provider with a background refresher
/// would); the context goes with it, as a value.
#[derive(Debug)]
struct Spawning<P>(Arc<P>);

#[async_trait]
impl<P: ProvideCredentials + 'static> ProvideCredentials for Spawning<P> {
    async fn provide_credentials(&self, context: &CredentialsContext) -> Result<Credentials> {
        let inner = Arc::clone(&self.0);
        let context = context.clone();
        tokio::spawn(async move { inner.provide_credentials(&context).await })
            .await
            .map_err(|e| Error::credentials(format!("the credentials task failed: {e}")))?
    }
}

/// A provider of a user's own that fetches its credentials over HTTP, from a spawned task,
/// through the transport of the context it was given.
#[derive(Debug)]
struct Vault;

#[async_trait]
impl ProvideCredentials for Vault {
    async fn provide_credentials(&self, context: &CredentialsContext) -> Result<Credentials> {
        let transport = context
            .transport()
            .cloned()
            .ok_or_else(|| Error::credentials("vault: no transport"))?;
        let task = tokio::spawn(async move {
            let request = http::Request::get(format!("{NOWHERE}/vault/credentials"))
                .body(RequestBody::empty())
                .unwrap();
            transport.send(request).await
        });
        let response = task
            .await
            .map_err(|e| Error::credentials(format!("vault: the task failed: {e}")))??;
        assert!(response.status().is_success());
        Ok(Credentials::new("AKVAULT", "vault-secret-sk"))
    }
}

/// Sends one operation through a client using `provider` and `transport`.
async fn send_one(provider: impl ProvideCredentials + 'static, transport: &Recording) {
    let config = Config::new(provider)
        .with_project_id("p")
        .with_transport(transport.clone());
    let endpoint = Endpoint::parse_from(NOWHERE, "test").unwrap();
    let executor = Executor::with_endpoints(&config, "testsvc", vec![endpoint]).unwrap();
    let spec = OperationSpec::new("testsvc", "ShowThing", http::Method::GET);
    executor
        .send(&spec, OperationRequest::new("/v1/things"))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_builtin_provider_run_in_a_spawned_task_sends_through_the_clients_transport() {
    let recording = recording();
    let metadata = MetadataProvider::new().with_endpoint(NOWHERE);
    send_one(Spawning(Arc::new(metadata)), &recording).await;
    assert_eq!(
        recording.seen(),
        [
            format!("PUT {NOWHERE}/meta-data/latest/api/token"),
            format!("GET {NOWHERE}/openstack/latest/securitykey"),
            format!("GET {NOWHERE}/v1/things"),
        ]
    );
}

#[tokio::test]
async fn a_custom_provider_sends_from_a_spawned_task_through_the_context_transport() {
    let recording = recording();
    send_one(Vault, &recording).await;
    assert_eq!(
        recording.seen(),
        [
            format!("GET {NOWHERE}/vault/credentials"),
            format!("GET {NOWHERE}/v1/things"),
        ]
    );
}

#[tokio::test]
async fn a_provider_called_directly_uses_the_iam_endpoint_and_transport_of_its_context() {
    let file = TempFile::new("context-endpoint", "id-token-abc");
    let recording = recording();
    let context = CredentialsContext::new()
        .with_transport(Arc::new(recording.clone()))
        .with_region("cn-north-4")
        .with_iam_endpoint(NOWHERE)
        .with_env(EndpointEnv::from_lookup(|_| None));
    let credentials = FederatedProvider::new("idp", file.path())
        .provide_credentials(&context)
        .await
        .unwrap();
    assert_eq!(credentials.ak(), "AKTEMP");
    assert_eq!(credentials.idp_id(), Some("idp"));
    assert_eq!(
        recording.seen(),
        [
            format!("POST {NOWHERE}/v3.0/OS-AUTH/id-token/tokens"),
            format!("POST {NOWHERE}/v3.0/OS-CREDENTIAL/securitytokens"),
        ]
    );
}

#[tokio::test]
async fn a_provider_called_directly_reads_the_environment_of_its_context() {
    let file = TempFile::new("context-env", "id-token-abc");
    let recording = recording();
    let iam = "http://127.0.0.1:8";
    let context = CredentialsContext::new()
        .with_transport(Arc::new(recording.clone()))
        .with_env(EndpointEnv::from_lookup(move |name| {
            (name == "HUAWEICLOUD_SDK_IAM_ENDPOINT").then(|| iam.to_owned())
        }));
    FederatedProvider::new("idp", file.path())
        .provide_credentials(&context)
        .await
        .unwrap();
    assert_eq!(
        recording.seen(),
        [
            format!("POST {iam}/v3.0/OS-AUTH/id-token/tokens"),
            format!("POST {iam}/v3.0/OS-CREDENTIAL/securitytokens"),
        ]
    );

    // Without a region, an IAM endpoint or the variable, there is nowhere to send the token.
    let bare = CredentialsContext::new()
        .with_transport(Arc::new(recording.clone()))
        .with_env(EndpointEnv::from_lookup(|_| None));
    let e = FederatedProvider::new("idp", file.path())
        .provide_credentials(&bare)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("no IAM endpoint"), "{e}");
    assert_eq!(recording.seen().len(), 2);
}

#[test]
fn the_context_shows_no_endpoint_in_debug() {
    let context = CredentialsContext::new()
        .with_region("cn-north-4")
        .with_iam_endpoint("https://user:hunter2@iam.example.com");
    let shown = format!("{context:?}");
    assert!(shown.contains("cn-north-4"), "{shown}");
    assert!(!shown.contains("hunter2"), "{shown}");
    assert_eq!(context.region(), Some("cn-north-4"));
    assert!(context.transport().is_none());
}
