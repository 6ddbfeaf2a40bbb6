//! The client whose call is fetching credentials, as seen by providers that make requests of
//! their own (instance metadata, OIDC federation, CCE pod identity).

use std::sync::Arc;

use super::SharedTransport;
use crate::config::Config;
use crate::config::endpoint::EndpointEnv;

/// What a credentials provider may use of the client whose call needs credentials: its
/// transport (so a custom transport sees the provider's requests too), and what picks the IAM
/// endpoint of an OIDC federation exchange (region, IAM endpoint override, environment).
#[derive(Clone)]
pub(crate) struct CallContext {
    pub transport: SharedTransport,
    pub region: Option<String>,
    pub iam_endpoint: Option<String>,
    pub endpoint_env: Arc<EndpointEnv>,
}

impl CallContext {
    /// The context of a client built from `config` sending through `transport`.
    pub(crate) fn of(config: &Config, transport: SharedTransport) -> Self {
        Self {
            transport,
            region: config.region().map(str::to_owned),
            iam_endpoint: config.iam_endpoint().map(str::to_owned),
            endpoint_env: config.endpoint_env(),
        }
    }
}

tokio::task_local! {
    static CURRENT: CallContext;
}

/// Runs `future` (a credentials fetch) with `context` as the [`current_context`].
pub(crate) async fn with_current<F: std::future::Future>(
    context: CallContext,
    future: F,
) -> F::Output {
    CURRENT.scope(context, future).await
}

/// The transport of the client whose call runs this, if any (see [`with_current`]).
pub(crate) fn current() -> Option<SharedTransport> {
    CURRENT.try_with(|c| Arc::clone(&c.transport)).ok()
}

/// The context of the client whose call runs this, if any (see [`with_current`]).
pub(crate) fn current_context() -> Option<CallContext> {
    CURRENT.try_with(CallContext::clone).ok()
}
