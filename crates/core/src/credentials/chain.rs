//! [`ChainProvider`]: the first of several providers that succeeds.

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;

use super::{
    Credentials, CredentialsContext, EnvironmentProvider, MetadataProvider, PodIdentityProvider,
    ProfileProvider, ProvideCredentials, SharedCredentialsProvider,
};
use crate::error::{Error, Result};

/// Asks providers in order and returns the first credentials obtained.
///
/// When every provider fails, the error lists each one's reason, e.g.
/// `no credentials found: environment: HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK are not set;
/// profile: /root/.huaweicloud/credentials not found; metadata: ...; pod identity:
/// HC_CONTAINER_CREDENTIALS_FULL_URI and HC_CONTAINER_AUTHORIZATION_TOKEN_FILE are not set`. The SDK's providers start
/// their messages with their name; providers added with
/// [`with_named_provider`](Self::with_named_provider) get the given name prefixed.
///
/// A provider failing with a construction error (a misconfiguration such as an environment
/// variable that is not valid UTF-8, as opposed to credentials that are simply not there) stops
/// the chain with that error: later providers must not quietly stand in for credentials the
/// user did configure.
///
/// ```
/// use std::sync::Arc;
/// use huaweicloud_sdk_core::credentials::{ChainProvider, Credentials, EnvironmentProvider, StaticProvider};
///
/// let chain = ChainProvider::new(vec![
///     Arc::new(EnvironmentProvider::new()),
///     Arc::new(StaticProvider::new(Credentials::new("AK", "SK"))),
/// ]);
/// # let _ = chain;
/// ```
#[derive(Clone)]
pub struct ChainProvider {
    providers: Vec<(Option<String>, SharedCredentialsProvider)>,
}

impl ChainProvider {
    /// A chain of `providers`, asked in order.
    pub fn new(providers: Vec<SharedCredentialsProvider>) -> Self {
        Self {
            providers: providers.into_iter().map(|p| (None, p)).collect(),
        }
    }

    /// The official SDKs' default chain: [`EnvironmentProvider`], then [`ProfileProvider`]
    /// (section `[basic]`), then [`MetadataProvider`], then [`PodIdentityProvider`] (last, as in
    /// the official Python SDK). The environment and profile providers exchange an OIDC id
    /// token with IAM when they hold federation settings (see
    /// [`FederatedProvider`](super::FederatedProvider)).
    ///
    /// Federated, metadata and pod identity credentials expire; wrap the chain in a
    /// [`CachingProvider`](super::CachingProvider) to reuse and refresh them (a
    /// [`Config`](crate::Config) does).
    pub fn default_chain() -> Self {
        Self::new(vec![
            Arc::new(EnvironmentProvider::new()),
            Arc::new(ProfileProvider::new()),
            Arc::new(MetadataProvider::new()),
            Arc::new(PodIdentityProvider::new()),
        ])
    }

    /// Appends a provider.
    pub fn with_provider(mut self, provider: SharedCredentialsProvider) -> Self {
        self.providers.push((None, provider));
        self
    }

    /// Appends a provider whose failure reason is shown as `name: reason`.
    pub fn with_named_provider(
        mut self,
        name: impl Into<String>,
        provider: SharedCredentialsProvider,
    ) -> Self {
        self.providers.push((Some(name.into()), provider));
        self
    }

    /// Number of providers in the chain.
    pub fn len(&self) -> usize {
        self.providers.len()
    }

    /// Whether the chain has no providers (it then always fails).
    pub fn is_empty(&self) -> bool {
        self.providers.is_empty()
    }
}

impl fmt::Debug for ChainProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChainProvider")
            .field(
                "providers",
                &self.providers.iter().map(|(_, p)| p).collect::<Vec<_>>(),
            )
            .finish()
    }
}

#[async_trait]
impl ProvideCredentials for ChainProvider {
    async fn provide_credentials(&self, context: &CredentialsContext) -> Result<Credentials> {
        if self.providers.is_empty() {
            return Err(Error::credentials(
                "no credentials found: the provider chain is empty",
            ));
        }
        let mut reasons = Vec::with_capacity(self.providers.len());
        for (index, (name, provider)) in self.providers.iter().enumerate() {
            match provider.provide_credentials(context).await {
                Ok(credentials) => {
                    tracing::debug!(
                        provider = credentials.provider_name(),
                        position = index,
                        ak = credentials.ak(),
                        "credentials chain: provider succeeded"
                    );
                    return Ok(credentials);
                }
                Err(e) if e.is_construction() => {
                    tracing::debug!(position = index, error = %e.report(), "credentials chain: provider misconfigured");
                    return Err(e);
                }
                Err(e) => {
                    let reason = match name {
                        Some(name) => format!("{name}: {e}"),
                        None => e.to_string(),
                    };
                    tracing::debug!(position = index, reason = %reason, "credentials chain: provider failed");
                    reasons.push(reason);
                }
            }
        }
        Err(Error::credentials(format!(
            "no credentials found: {}",
            reasons.join("; ")
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::StaticProvider;

    #[derive(Debug)]
    struct Failing(&'static str);

    #[async_trait]
    impl ProvideCredentials for Failing {
        async fn provide_credentials(&self, _context: &CredentialsContext) -> Result<Credentials> {
            Err(Error::credentials(self.0))
        }
    }

    #[tokio::test]
    async fn first_success_wins() {
        let chain = ChainProvider::new(vec![
            Arc::new(Failing("one: nope")),
            Arc::new(StaticProvider::new(
                Credentials::new("AK2", "SK2").with_provider_name("second"),
            )),
            Arc::new(StaticProvider::new(Credentials::new("AK3", "SK3"))),
        ]);
        let c = chain
            .provide_credentials(&CredentialsContext::new())
            .await
            .unwrap();
        assert_eq!((c.ak(), c.provider_name()), ("AK2", "second"));
        assert_eq!(chain.len(), 3);
    }

    #[tokio::test]
    async fn lists_every_reason() {
        let chain = ChainProvider::new(vec![Arc::new(Failing("a: x"))])
            .with_named_provider("custom", Arc::new(Failing("y")));
        let e = chain
            .provide_credentials(&CredentialsContext::new())
            .await
            .unwrap_err();
        assert!(e.is_credentials());
        assert_eq!(e.to_string(), "no credentials found: a: x; custom: y");
        let e = ChainProvider::new(vec![])
            .provide_credentials(&CredentialsContext::new())
            .await
            .unwrap_err();
        assert!(e.to_string().contains("empty"));
        assert!(ChainProvider::new(Vec::new()).is_empty());
        assert_eq!(ChainProvider::default_chain().len(), 4);
    }
}
