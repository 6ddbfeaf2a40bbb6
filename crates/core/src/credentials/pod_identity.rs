//! [`PodIdentityProvider`]: temporary credentials of a CCE pod identity.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use async_trait::async_trait;

use super::env::join_names;
use super::http::{OwnTransport, body_excerpt, failure_error, pick_transport, send_bounded};
use super::security_key::{Answer, parse_temporary_credentials, reject_expired};
use super::token_file::{TextFile, read_token};
use super::{Credentials, CredentialsContext, ProvideCredentials};
use crate::body::RequestBody;
use crate::env::{EnvLookup, path_var, process_env, string_lookup, text_var};
use crate::error::{Error, Result};
use crate::transport::{SharedTransport, TransportSettings};

pub(crate) const ENV_FULL_URI: &str = "HC_CONTAINER_CREDENTIALS_FULL_URI";
pub(crate) const ENV_TOKEN_FILE: &str = "HC_CONTAINER_AUTHORIZATION_TOKEN_FILE";
const LABEL: &str = "pod identity";
const MAX_BODY_BYTES: usize = 64 * 1024;
const MAX_TOKEN_BYTES: u64 = 64 * 1024;
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);
const ANSWER: Answer<'static> = Answer {
    label: LABEL,
    document: "the pod identity agent's response",
    provider: "pod identity",
};

/// Temporary credentials of the pod identity of a CCE (Kubernetes) pod, from the agent the
/// cluster names in the pod's environment.
///
/// | Variable | Meaning |
/// |---|---|
/// | `HC_CONTAINER_CREDENTIALS_FULL_URI` | URL of the credentials agent |
/// | `HC_CONTAINER_AUTHORIZATION_TOKEN_FILE` | file holding the pod's authorization token |
///
/// Each call reads the token file (again at every call: the token is rotated), then sends
/// `POST <uri>` with `Authorization: <token>` and the JSON body `{}`; the agent answers
/// `{"credential":{"access","secret","securitytoken","expires_at"}}`, read like the instance
/// metadata's answer. The request has a 5 s timeout ([`with_timeout`](Self::with_timeout)) and
/// goes through the transport given to [`with_transport`](Self::with_transport), else the
/// transport of the [`CredentialsContext`](super::CredentialsContext) it is called with (the
/// client's, when a client asks), else a built-in one that ignores
/// the proxy environment variables (the agent is reached directly).
///
/// It is the last provider of [`ChainProvider::default_chain`](super::ChainProvider::default_chain),
/// as in the official Python SDK. The credentials expire: a [`Config`](crate::Config) caches
/// and refreshes them. Errors never show the token.
///
/// ```
/// use huaweicloud_sdk_core::credentials::PodIdentityProvider;
///
/// // Tests can inject the lookup instead of mutating the process environment.
/// let provider = PodIdentityProvider::from_lookup(|name| match name {
///     "HC_CONTAINER_CREDENTIALS_FULL_URI" => Some("http://127.0.0.1:8089/credentials".into()),
///     "HC_CONTAINER_AUTHORIZATION_TOKEN_FILE" => Some("/var/run/secrets/pod-token".into()),
///     _ => None,
/// });
/// # let _ = provider;
/// ```
pub struct PodIdentityProvider {
    lookup: EnvLookup,
    timeout: Duration,
    transport: Option<SharedTransport>,
    own_transport: OwnTransport,
}

impl PodIdentityProvider {
    /// Reads the two variables from the process environment, at each call.
    pub fn new() -> Self {
        Self {
            lookup: process_env(),
            timeout: DEFAULT_TIMEOUT,
            transport: None,
            own_transport: OwnTransport::new(),
        }
    }

    /// Reads the variables through `lookup` instead of the process environment (for tests).
    pub fn from_lookup<F>(lookup: F) -> Self
    where
        F: Fn(&str) -> Option<String> + Send + Sync + 'static,
    {
        Self {
            lookup: string_lookup(lookup),
            ..Self::new()
        }
    }

    /// Sets the timeout of the request (default 5 s).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self.own_transport = OwnTransport::new();
        self
    }

    /// Sends the request through `transport`, whatever client asks for credentials.
    pub fn with_transport(mut self, transport: SharedTransport) -> Self {
        self.transport = Some(transport);
        self
    }

    /// The agent's URI and the token file, or why they are not both set.
    fn settings(&self) -> Result<(String, PathBuf)> {
        let uri = text_var(&self.lookup, ENV_FULL_URI).map_err(|()| {
            Error::construction(format!(
                "{LABEL}: {ENV_FULL_URI} is set but its value is not valid UTF-8"
            ))
        })?;
        let file = path_var(&self.lookup, ENV_TOKEN_FILE);
        match (uri, file) {
            (Some(uri), Some(file)) => Ok((uri, PathBuf::from(file))),
            (uri, file) => {
                let mut missing = Vec::new();
                if uri.is_none() {
                    missing.push(ENV_FULL_URI);
                }
                if file.is_none() {
                    missing.push(ENV_TOKEN_FILE);
                }
                let verb = if missing.len() == 1 { "is" } else { "are" };
                Err(Error::credentials(format!(
                    "{LABEL}: {} {verb} not set",
                    join_names(&missing)
                )))
            }
        }
    }

    fn transport(&self, context: &CredentialsContext) -> Result<SharedTransport> {
        let settings = || TransportSettings {
            connect_timeout: self.timeout,
            read_timeout: Some(self.timeout),
            ..TransportSettings::default()
        };
        pick_transport(
            self.transport.as_ref(),
            context,
            &self.own_transport,
            settings,
            true,
            LABEL,
        )
    }

    async fn load(&self, context: &CredentialsContext) -> Result<Credentials> {
        let (uri, file) = self.settings()?;
        let token_file = TextFile {
            label: LABEL,
            what: "authorization token file",
            max_bytes: MAX_TOKEN_BYTES,
        };
        let token = read_token(&file, &token_file).await?;
        let authorization = http::HeaderValue::from_str(&token).map_err(|_| {
            Error::credentials(format!(
                "{LABEL}: the authorization token in {} has characters not allowed in an HTTP header",
                file.display()
            ))
        })?;
        let request = http::Request::builder()
            .method(http::Method::POST)
            .uri(uri.as_str())
            .header(http::header::AUTHORIZATION, authorization)
            .header(http::header::CONTENT_TYPE, "application/json")
            .body(RequestBody::from_bytes("{}"))
            .map_err(|e| {
                Error::construction(format!("{LABEL}: invalid {ENV_FULL_URI} `{uri}` ({e})"))
            })?;
        let transport = self.transport(context)?;
        let what = "POST";
        let reply = send_bounded(&transport, request, self.timeout, MAX_BODY_BYTES, what)
            .await
            .map_err(|failure| {
                failure_error(failure, LABEL, what, &uri, self.timeout, MAX_BODY_BYTES)
            })?;
        if !reply.status.is_success() {
            return Err(Error::credentials(format!(
                "{LABEL}: POST {uri} returned HTTP {}{}",
                reply.status.as_u16(),
                body_excerpt(&reply.body, &[&token])
            )));
        }
        let credentials = parse_temporary_credentials(&reply.body, &ANSWER)?;
        let credentials = reject_expired(credentials, &ANSWER)?;
        tracing::debug!(
            ak = credentials.ak(),
            expires_at = ?credentials.expires_at(),
            "got temporary credentials from the pod identity agent"
        );
        Ok(credentials)
    }
}

impl Default for PodIdentityProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for PodIdentityProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PodIdentityProvider")
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl ProvideCredentials for PodIdentityProvider {
    async fn provide_credentials(&self, context: &CredentialsContext) -> Result<Credentials> {
        self.load(context).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn names_the_missing_variables() {
        let e = PodIdentityProvider::from_lookup(|_| None)
            .provide_credentials(&CredentialsContext::new())
            .await
            .unwrap_err();
        assert!(e.is_credentials());
        assert_eq!(
            e.to_string(),
            "pod identity: HC_CONTAINER_CREDENTIALS_FULL_URI and HC_CONTAINER_AUTHORIZATION_TOKEN_FILE are not set"
        );
        let e = PodIdentityProvider::from_lookup(|name| {
            (name == ENV_FULL_URI).then(|| "http://127.0.0.1:9/c".to_owned())
        })
        .provide_credentials(&CredentialsContext::new())
        .await
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "pod identity: HC_CONTAINER_AUTHORIZATION_TOKEN_FILE is not set"
        );
    }
}
