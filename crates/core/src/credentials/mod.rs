//! Credentials: the AK/SK pair, its optional security token and scope, and where they come from.
//!
//! A [`ProvideCredentials`] implementation produces [`Credentials`]. The SDK ships:
//!
//! * [`StaticProvider`]: credentials you hand in;
//! * [`EnvironmentProvider`]: `HUAWEICLOUD_SDK_AK`, `HUAWEICLOUD_SDK_SK`, ...;
//! * [`ProfileProvider`]: `~/.huaweicloud/credentials` (INI, `[basic]` / `[global]`);
//! * [`MetadataProvider`]: temporary credentials of an ECS instance's agency;
//! * [`FederatedProvider`]: OIDC federation, an identity provider id and an id token file
//!   (such as a Kubernetes service account token) exchanged with IAM for temporary
//!   credentials; the environment and profile providers use it when `idp_id` and
//!   `id_token_file` are set;
//! * [`PodIdentityProvider`]: temporary credentials of a CCE pod identity, from the agent
//!   named by `HC_CONTAINER_CREDENTIALS_FULL_URI`;
//! * [`ChainProvider`]: the first of several that succeeds (the default chain is
//!   environment → profile → metadata → pod identity);
//! * [`CachingProvider`]: keeps temporary credentials and refreshes them before they expire,
//!   with one refresh however many callers wait.
//!
//! Each call gets a [`CredentialsContext`]: the transport, region, IAM endpoint override and
//! environment of the client asking. Providers that make requests of their own (metadata,
//! federation, pod identity) use it, so that the client's transport carries them; providers
//! that wrap others pass it on.
//!
//! A provider of your own implements one method:
//!
//! ```
//! use huaweicloud_sdk_core::credentials::{Credentials, CredentialsContext, ProvideCredentials};
//!
//! #[derive(Debug)]
//! struct FromVault;
//!
//! #[async_trait::async_trait]
//! impl ProvideCredentials for FromVault {
//!     async fn provide_credentials(
//!         &self,
//!         _context: &CredentialsContext,
//!     ) -> huaweicloud_sdk_core::Result<Credentials> {
//!         Ok(Credentials::new("AK", "SK"))
//!     }
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> huaweicloud_sdk_core::Result<()> {
//! // Called directly, outside any client: the context is built by hand.
//! let credentials = FromVault.provide_credentials(&CredentialsContext::new()).await?;
//! assert_eq!(credentials.ak(), "AK");
//! # Ok(())
//! # }
//! ```

mod cache;
mod chain;
mod context;
pub(crate) mod env;
mod federation;
mod http;
mod metadata;
mod pod_identity;
mod profile;
mod security_key;
mod static_provider;
mod token_file;

pub use cache::CachingProvider;
pub use chain::ChainProvider;
pub use context::CredentialsContext;
pub use env::EnvironmentProvider;
pub use federation::FederatedProvider;
pub use metadata::MetadataProvider;
pub use pod_identity::PodIdentityProvider;
pub use profile::ProfileProvider;
pub use static_provider::StaticProvider;

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use async_trait::async_trait;

use crate::error::Result;

/// An access key pair with its optional security token, expiry and scope.
///
/// `Debug` never shows the secret key or the security token.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    // Shared strings: credentials are cloned out of the cache for every request, and a clone
    // is then a few reference-count increments instead of one allocation per field.
    ak: Arc<str>,
    sk: Arc<str>,
    security_token: Option<Arc<str>>,
    expires_at: Option<SystemTime>,
    project_id: Option<Arc<str>>,
    domain_id: Option<Arc<str>>,
    idp_id: Option<Arc<str>>,
    iam_endpoint: Option<Arc<str>>,
    provider: &'static str,
}

impl Credentials {
    /// Permanent credentials from an access key id and secret key.
    pub fn new(ak: impl Into<String>, sk: impl Into<String>) -> Self {
        Self {
            ak: ak.into().into(),
            sk: sk.into().into(),
            security_token: None,
            expires_at: None,
            project_id: None,
            domain_id: None,
            idp_id: None,
            iam_endpoint: None,
            provider: "static",
        }
    }

    /// Adds a security token (temporary credentials); it is sent, and signed, as
    /// `X-Security-Token`.
    pub fn with_security_token(mut self, token: impl Into<String>) -> Self {
        self.security_token = Some(token.into().into());
        self
    }

    /// Sets when temporary credentials expire.
    pub fn with_expires_at(mut self, at: SystemTime) -> Self {
        self.expires_at = Some(at);
        self
    }

    /// Project-level scope: sends `X-Project-Id` and fills `{project_id}` in request paths.
    pub fn with_project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = Some(project_id.into().into());
        self
    }

    /// Account-level scope: sends `X-Domain-Id` and fills `{domain_id}` in request paths.
    pub fn with_domain_id(mut self, domain_id: impl Into<String>) -> Self {
        self.domain_id = Some(domain_id.into().into());
        self
    }

    /// Marks temporary credentials as federated from identity provider `idp_id`: IAM
    /// project-id discovery then caches its answer per (identity provider, region), as the
    /// official SDKs do, instead of per temporary AK, which changes at every refresh.
    pub fn with_idp_id(mut self, idp_id: impl Into<String>) -> Self {
        self.idp_id = Some(idp_id.into().into());
        self
    }

    /// The IAM endpoint for requests made on behalf of these credentials (project-id
    /// discovery); it takes precedence over [`Config::with_iam_endpoint`](crate::Config::with_iam_endpoint)
    /// and `HUAWEICLOUD_SDK_IAM_ENDPOINT`. The profile file's `iam_endpoint` key sets it.
    pub fn with_iam_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.iam_endpoint = Some(endpoint.into().into());
        self
    }

    /// Names the provider that produced these credentials (shown in `Debug` and logs).
    pub fn with_provider_name(mut self, provider: &'static str) -> Self {
        self.provider = provider;
        self
    }

    /// Access key id.
    pub fn ak(&self) -> &str {
        &self.ak
    }

    /// Secret key. Never log it.
    pub fn sk(&self) -> &str {
        &self.sk
    }

    /// Security token of temporary credentials. Never log it.
    pub fn security_token(&self) -> Option<&str> {
        self.security_token.as_deref()
    }

    /// Expiry of temporary credentials.
    pub fn expires_at(&self) -> Option<SystemTime> {
        self.expires_at
    }

    /// Project id (project-level credentials).
    pub fn project_id(&self) -> Option<&str> {
        self.project_id.as_deref()
    }

    /// Domain (account) id (account-level credentials).
    pub fn domain_id(&self) -> Option<&str> {
        self.domain_id.as_deref()
    }

    /// The identity provider these credentials were federated from (see
    /// [`with_idp_id`](Self::with_idp_id)).
    pub fn idp_id(&self) -> Option<&str> {
        self.idp_id.as_deref()
    }

    /// The IAM endpoint of these credentials (see [`with_iam_endpoint`](Self::with_iam_endpoint)).
    pub fn iam_endpoint(&self) -> Option<&str> {
        self.iam_endpoint.as_deref()
    }

    /// Name of the provider that produced these credentials.
    pub fn provider_name(&self) -> &'static str {
        self.provider
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("ak", &self.ak)
            .field("sk", &"** redacted **")
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| "** redacted **"),
            )
            .field("expires_at", &self.expires_at)
            .field("project_id", &self.project_id)
            .field("domain_id", &self.domain_id)
            .field("idp_id", &self.idp_id)
            .field("iam_endpoint", &self.iam_endpoint)
            .field("provider", &self.provider)
            .finish()
    }
}

/// Something that produces credentials. Implement it to plug in your own source (see the
/// [module documentation](self) for an example).
#[async_trait]
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
    /// Returns credentials, or a credentials error saying why there are none.
    ///
    /// `context` is what the provider may use of the client asking (its transport, region, IAM
    /// endpoint override, environment); a provider that makes requests sends them through
    /// [`context.transport()`](CredentialsContext::transport) unless it has a transport of its
    /// own, and a provider that wraps others passes `context` on.
    async fn provide_credentials(&self, context: &CredentialsContext) -> Result<Credentials>;

    /// Credentials that are ready without waiting (held in memory, or a fresh cache entry),
    /// or `None` when only [`provide_credentials`](Self::provide_credentials) can tell. The
    /// executor asks this first on every request and awaits `provide_credentials` only on
    /// `None`, which skips a boxed future per request. The default returns `None`; override it
    /// only when the answer is the same `provide_credentials` would give now.
    fn provide_credentials_now(&self) -> Option<Credentials> {
        None
    }
}

/// A shared, type-erased credentials provider.
pub type SharedCredentialsProvider = Arc<dyn ProvideCredentials>;

#[async_trait]
impl ProvideCredentials for Credentials {
    async fn provide_credentials(&self, _context: &CredentialsContext) -> Result<Credentials> {
        Ok(self.clone())
    }

    fn provide_credentials_now(&self) -> Option<Credentials> {
        Some(self.clone())
    }
}

#[async_trait]
impl<T: ProvideCredentials + ?Sized> ProvideCredentials for Arc<T> {
    async fn provide_credentials(&self, context: &CredentialsContext) -> Result<Credentials> {
        (**self).provide_credentials(context).await
    }

    fn provide_credentials_now(&self) -> Option<Credentials> {
        (**self).provide_credentials_now()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_secrets() {
        let c = Credentials::new("AKEXAMPLE", "very-secret-sk")
            .with_security_token("very-secret-token")
            .with_project_id("p1");
        let s = format!("{c:?} {c:#?}");
        assert!(s.contains("AKEXAMPLE"));
        assert!(!s.contains("very-secret-sk"));
        assert!(!s.contains("very-secret-token"));
    }
}
