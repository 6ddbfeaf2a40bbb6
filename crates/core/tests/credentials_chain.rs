//! ChainProvider: order, first success, and the combined reason when everything fails.

mod scripted;
mod support;

use std::sync::Arc;
use std::time::Duration;

use huaweicloud_sdk_core::config::endpoint::Endpoint;
use huaweicloud_sdk_core::credentials::{
    CachingProvider, ChainProvider, Credentials, EnvironmentProvider, MetadataProvider,
    PodIdentityProvider, ProfileProvider, SharedCredentialsProvider, StaticProvider,
};
use huaweicloud_sdk_core::{CredentialsContext, ProvideCredentials};

const SK: &str = "chain-secret-sk-1a2b";
const TOKEN: &str = "chain-secret-token-3c4d";

fn unreachable_metadata() -> MetadataProvider {
    let addr = scripted::refused_addr().unwrap();
    MetadataProvider::new()
        .with_endpoint(format!("http://{addr}"))
        .with_timeout(Duration::from_millis(500))
}

fn missing_profile() -> (ProfileProvider, std::path::PathBuf) {
    let path = std::env::temp_dir().join(format!(
        "hc-sdk-chain-test-missing-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    (ProfileProvider::from_path(&path), path)
}

#[tokio::test(flavor = "multi_thread")]
async fn all_failing_lists_every_provider_in_order() {
    let (profile, path) = missing_profile();
    let chain = ChainProvider::new(vec![
        Arc::new(EnvironmentProvider::from_lookup(|name| {
            (name == "HUAWEICLOUD_SDK_SK").then(|| SK.to_owned())
        })),
        Arc::new(profile),
        Arc::new(unreachable_metadata()),
        Arc::new(PodIdentityProvider::from_lookup(|_| None)),
    ]);
    let e = chain
        .provide_credentials(&CredentialsContext::new())
        .await
        .unwrap_err();
    assert!(e.is_credentials());
    let s = e.to_string();
    let expected_prefix = format!(
        "no credentials found: environment: HUAWEICLOUD_SDK_AK is not set; profile: {} not found; metadata: ",
        path.display()
    );
    assert!(s.starts_with(&expected_prefix), "{s}");
    assert!(s.contains("metadata endpoint"), "{s}");
    assert!(
        s.ends_with(
            "; pod identity: HC_CONTAINER_CREDENTIALS_FULL_URI and \
             HC_CONTAINER_AUTHORIZATION_TOKEN_FILE are not set"
        ),
        "{s}"
    );
    assert!(!s.contains(SK) && !format!("{e:?}").contains(SK), "{s}");
}

#[tokio::test(flavor = "multi_thread")]
async fn first_success_wins_and_later_providers_are_not_asked() {
    let (profile, _) = missing_profile();
    let chain = ChainProvider::new(vec![
        Arc::new(EnvironmentProvider::from_lookup(|_| None)),
        Arc::new(profile),
        Arc::new(StaticProvider::new(
            Credentials::new("AKSTATIC", SK)
                .with_security_token(TOKEN)
                .with_provider_name("fallback"),
        )),
        // would take 500 ms to fail if asked
        Arc::new(unreachable_metadata()),
    ]);
    let started = std::time::Instant::now();
    let c = chain
        .provide_credentials(&CredentialsContext::new())
        .await
        .unwrap();
    assert_eq!((c.ak(), c.provider_name()), ("AKSTATIC", "fallback"));
    assert!(started.elapsed() < Duration::from_millis(400));
    let dbg = format!("{chain:?} {c:?}");
    assert!(!dbg.contains(SK) && !dbg.contains(TOKEN), "{dbg}");
}

#[tokio::test(flavor = "multi_thread")]
async fn named_providers_and_nested_chains() {
    #[derive(Debug)]
    struct Never;
    #[async_trait::async_trait]
    impl ProvideCredentials for Never {
        async fn provide_credentials(
            &self,
            _context: &CredentialsContext,
        ) -> huaweicloud_sdk_core::Result<Credentials> {
            Err(huaweicloud_sdk_core::Error::credentials("nothing here"))
        }
    }
    let inner: SharedCredentialsProvider =
        Arc::new(ChainProvider::new(vec![]).with_named_provider("vault", Arc::new(Never)));
    let chain = ChainProvider::new(vec![inner]).with_provider(Arc::new(Never));
    let e = chain
        .provide_credentials(&CredentialsContext::new())
        .await
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "no credentials found: no credentials found: vault: nothing here; nothing here"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn cached_chain_asks_once() {
    let chain = ChainProvider::new(vec![Arc::new(EnvironmentProvider::from_lookup(
        |n| match n {
            "HUAWEICLOUD_SDK_AK" => Some("AKE".to_owned()),
            "HUAWEICLOUD_SDK_SK" => Some(SK.to_owned()),
            _ => None,
        },
    ))]);
    let cache = CachingProvider::new(Arc::new(chain));
    let a = cache
        .provide_credentials(&CredentialsContext::new())
        .await
        .unwrap();
    let b = cache
        .provide_credentials(&CredentialsContext::new())
        .await
        .unwrap();
    assert_eq!(a, b);
    assert_eq!(a.provider_name(), "environment");
    assert!(!format!("{cache:?}").contains(SK));
}

#[test]
fn default_chain_has_four_providers() {
    let chain = ChainProvider::default_chain();
    assert_eq!(chain.len(), 4);
    let dbg = format!("{chain:?}");
    assert!(dbg.contains("EnvironmentProvider"), "{dbg}");
    assert!(dbg.contains("ProfileProvider"), "{dbg}");
    assert!(dbg.contains("169.254.169.254"), "{dbg}");
    assert!(
        dbg.ends_with("PodIdentityProvider { timeout: 5s, .. }] }"),
        "{dbg}"
    );
}

/// An ECS metadata endpoint that accepts connections and never answers: the default chain's
/// order up to the metadata (environment, profile, metadata) fails within the metadata
/// timeout, and an operation reports a credentials error naming the metadata endpoint and the
/// timeout.
#[tokio::test(flavor = "multi_thread")]
async fn hanging_metadata_endpoint_fails_the_chain_within_its_timeout() {
    let hanging = scripted::Server::start(scripted::Script::silent())
        .await
        .unwrap();
    let addr = hanging.addr();
    let (profile, _) = missing_profile();
    let chain = ChainProvider::new(vec![
        Arc::new(EnvironmentProvider::from_lookup(|_| None)),
        Arc::new(profile),
        Arc::new(
            MetadataProvider::new()
                .with_endpoint(format!("http://{addr}"))
                .with_timeout(Duration::from_millis(300)),
        ),
    ]);
    // The service is never reached: credentials come first.
    let config = huaweicloud_sdk_core::Config::new(Credentials::new("unused", "unused"))
        .with_credentials_provider(Arc::new(CachingProvider::new(Arc::new(chain))));
    let endpoint = Endpoint::parse_from("http://127.0.0.1:9", "test").unwrap();
    let exec =
        huaweicloud_sdk_core::Executor::with_endpoints(&config, "testsvc", vec![endpoint]).unwrap();
    let started = std::time::Instant::now();
    let spec = huaweicloud_sdk_core::OperationSpec::new("testsvc", "ShowThing", http::Method::GET);
    let e = exec
        .send(
            &spec,
            huaweicloud_sdk_core::OperationRequest::new("/v1/things"),
        )
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");
    assert!(e.is_credentials(), "{e:?}");
    let s = e.to_string();
    assert!(s.contains("no credentials found"), "{s}");
    assert!(
        s.contains(&format!(
            "metadata: the metadata endpoint http://{addr} timed out"
        )),
        "{s}"
    );
    assert!(s.contains("300ms"), "the timeout is named: {s}");
}
