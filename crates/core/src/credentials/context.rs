//! [`CredentialsContext`]: what a credentials provider may use of the client that asks it for
//! credentials, handed to it as an argument.

use std::fmt;
use std::sync::Arc;

use crate::env::EndpointEnv;
use crate::transport::SharedTransport;

/// What a credentials provider may use of the client whose call needs credentials: its
/// transport (so that a custom transport sees the provider's requests too), its region, its
/// IAM endpoint override and its environment (which pick the IAM endpoint of an OIDC
/// federation exchange).
///
/// The executor builds one from the client's [`Config`](crate::Config) and passes it to
/// [`ProvideCredentials::provide_credentials`](super::ProvideCredentials::provide_credentials);
/// providers that wrap others ([`ChainProvider`](super::ChainProvider),
/// [`CachingProvider`](super::CachingProvider)) pass it on. It is an ordinary value: a provider
/// may clone it into a task it spawns.
///
/// To call a provider directly (in a test, or outside any client), build one yourself;
/// [`new`](Self::new) has no transport (providers then use their own), no region, no IAM
/// endpoint override, and reads the process environment.
///
/// ```no_run
/// use huaweicloud_sdk_core::ProvideCredentials;
/// use huaweicloud_sdk_core::credentials::{CredentialsContext, FederatedProvider};
///
/// # async fn run() -> huaweicloud_sdk_core::Result<()> {
/// let provider = FederatedProvider::new("my-identity-provider", "/var/run/secrets/oidc-token");
/// let context = CredentialsContext::new().with_region("cn-north-4");
/// let credentials = provider.provide_credentials(&context).await?;
/// # let _ = credentials;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct CredentialsContext {
    transport: Option<SharedTransport>,
    region: Option<Arc<str>>,
    iam_endpoint: Option<Arc<str>>,
    env: Arc<EndpointEnv>,
}

impl CredentialsContext {
    /// A context with no transport, region or IAM endpoint override, reading the process
    /// environment.
    pub fn new() -> Self {
        Self {
            transport: None,
            region: None,
            iam_endpoint: None,
            env: Arc::new(EndpointEnv::from_process()),
        }
    }

    /// Providers that make requests send them through `transport` (unless given one of their
    /// own).
    pub fn with_transport(mut self, transport: SharedTransport) -> Self {
        self.transport = Some(transport);
        self
    }

    /// The region of the client: an OIDC federation exchange goes to this region's IAM
    /// endpoint (unless the provider has a region of its own or an IAM endpoint is set).
    pub fn with_region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into().into());
        self
    }

    /// The client's IAM endpoint override (as
    /// [`Config::with_iam_endpoint`](crate::Config::with_iam_endpoint) sets it).
    pub fn with_iam_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.iam_endpoint = Some(endpoint.into().into());
        self
    }

    /// Reads environment variables (such as `HUAWEICLOUD_SDK_IAM_ENDPOINT`) through `env`
    /// instead of the process environment.
    pub fn with_env(self, env: EndpointEnv) -> Self {
        self.with_shared_env(Arc::new(env))
    }

    /// [`with_env`](Self::with_env) for an environment the caller already shares (a
    /// [`Config`](crate::Config)'s).
    pub fn with_shared_env(mut self, env: Arc<EndpointEnv>) -> Self {
        self.env = env;
        self
    }

    /// The client's transport, if any.
    pub fn transport(&self) -> Option<&SharedTransport> {
        self.transport.as_ref()
    }

    /// The client's region, if any.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// The client's IAM endpoint override, if any.
    pub fn iam_endpoint(&self) -> Option<&str> {
        self.iam_endpoint.as_deref()
    }

    /// The environment that variables are read from.
    pub fn env(&self) -> &EndpointEnv {
        &self.env
    }
}

impl Default for CredentialsContext {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for CredentialsContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The IAM endpoint is shown only as set or not: a URL may carry userinfo.
        f.debug_struct("CredentialsContext")
            .field("transport", &self.transport.is_some())
            .field("region", &self.region)
            .field("iam_endpoint", &self.iam_endpoint.is_some())
            .finish_non_exhaustive()
    }
}
