//! [`MetadataProvider`]: temporary credentials of an ECS instance's agency, from the instance
//! metadata service.

use std::fmt;
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use http::StatusCode;

use super::http::{Failure, OwnTransport, body_excerpt, pick_transport, send_bounded};
use super::security_key::{Answer, parse_temporary_credentials};
use super::{Credentials, CredentialsContext, ProvideCredentials};
use crate::body::RequestBody;
use crate::error::{Error, Result};
use crate::transport::{SharedTransport, TransportSettings};

const DEFAULT_ENDPOINT: &str = "http://169.254.169.254";
const TOKEN_PATH: &str = "/meta-data/latest/api/token";
const SECURITY_KEY_PATH: &str = "/openstack/latest/securitykey";
const TOKEN_TTL_HEADER: &str = "X-Metadata-Token-Ttl-Seconds";
const TOKEN_HEADER: &str = "X-Metadata-Token";
const TOKEN_TTL_SECONDS: u64 = 21_600;
/// A session token is reused until shortly before its TTL ends.
const TOKEN_REUSE: Duration = Duration::from_secs(TOKEN_TTL_SECONDS - 300);
/// After the endpoint said it has no session tokens, ask again at most this often.
const TOKENLESS_RETRY: Duration = Duration::from_secs(24 * 3600);
const NO_AGENCY_MESSAGE: &str = "Please configure Cloud Service Agency first";
const MAX_BODY_BYTES: usize = 64 * 1024;
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(3);
const SECURITY_KEY: Answer<'static> = Answer {
    label: "metadata",
    document: "the securitykey response",
    provider: "metadata",
};

/// Temporary credentials of the agency bound to the ECS (or BMS) instance this runs on, from the
/// instance metadata service at `http://169.254.169.254`.
///
/// Protocol, as in the official SDKs:
///
/// 1. `PUT /meta-data/latest/api/token` with `X-Metadata-Token-Ttl-Seconds: 21600` asks for a
///    session token (reused for its lifetime). HTTP 404, 405 or 503 mean the service has no
///    session tokens: the provider then runs without one and asks again at most once a day.
/// 2. `GET /openstack/latest/securitykey` (with `X-Metadata-Token` when a token is held)
///    returns `{"credential":{"access","secret","securitytoken","expires_at"}}`.
/// 3. On HTTP 401 (unless the instance has no agency, "Please configure Cloud Service Agency
///    first") the session token is dropped, a new one fetched and the `GET` retried once.
///
/// Each request has a 3 s overall timeout (see [`with_timeout`](Self::with_timeout)), so that
/// the default chain fails fast off ECS.
///
/// The requests go through an [`HttpTransport`](crate::transport::HttpTransport), so a
/// transport of your own sees them too: the one given to
/// [`with_transport`](Self::with_transport), else the transport of the
/// [`CredentialsContext`](super::CredentialsContext) it is called with (a client passes its
/// [`Config::transport`](crate::Config::transport), e.g. one given to
/// [`Config::with_transport`](crate::Config::with_transport)), else a built-in one of its own
/// with a 1 s connect timeout that ignores the proxy environment variables. The built-in
/// transports never send the metadata service's link-local address through a proxy. The
/// credentials expire (usually within a day): wrap the provider in a
/// [`CachingProvider`](super::CachingProvider), as the default chain's users should.
pub struct MetadataProvider {
    endpoint: String,
    connect_timeout: Duration,
    timeout: Duration,
    transport: Option<SharedTransport>,
    own_transport: OwnTransport,
    token: Mutex<TokenState>,
}

#[derive(Default)]
struct TokenState {
    token: Option<(String, Instant)>,
    tokenless_since: Option<Instant>,
}

impl MetadataProvider {
    /// Talks to `http://169.254.169.254`.
    pub fn new() -> Self {
        Self {
            endpoint: DEFAULT_ENDPOINT.to_owned(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            transport: None,
            own_transport: OnceLock::new(),
            token: Mutex::new(TokenState::default()),
        }
    }

    /// Talks to `endpoint` (scheme, host and port, e.g. `http://127.0.0.1:8080`) instead.
    pub fn with_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = endpoint.into().trim().trim_end_matches('/').to_owned();
        self.token = Mutex::new(TokenState::default());
        self
    }

    /// Sets the overall timeout of each request (default 3 s). The connect timeout is lowered
    /// to it when it is shorter.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self.connect_timeout = self.connect_timeout.min(timeout);
        self.own_transport = OnceLock::new();
        self
    }

    /// Sets the connect timeout of each request (default 1 s) of the provider's own transport.
    pub fn with_connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self.own_transport = OnceLock::new();
        self
    }

    /// Sends the requests through `transport`, whatever client asks for credentials.
    pub fn with_transport(mut self, transport: SharedTransport) -> Self {
        self.transport = Some(transport);
        self
    }

    /// The endpoint this provider talks to.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The transport of this call: see the type's documentation for the order.
    fn transport(&self, context: &CredentialsContext) -> Result<SharedTransport> {
        let settings = || TransportSettings {
            connect_timeout: self.connect_timeout,
            read_timeout: Some(self.timeout),
            ..TransportSettings::default()
        };
        pick_transport(
            self.transport.as_ref(),
            context,
            &self.own_transport,
            settings,
            true,
            "metadata",
        )
    }

    fn state(&self) -> std::sync::MutexGuard<'_, TokenState> {
        self.token.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn transport_error(&self, e: &Error, what: &str) -> Error {
        let endpoint = &self.endpoint;
        if e.is_timeout() {
            let limit = match e.timeout_kind() {
                Some(crate::error::TimeoutKind::Connect) => self.connect_timeout,
                _ => self.timeout,
            };
            Error::credentials(format!(
                "metadata: the metadata endpoint {endpoint} timed out after {limit:?} ({what}); not running on a Huawei Cloud ECS instance?"
            ))
        } else if e.is_connect() {
            Error::credentials(format!(
                "metadata: cannot connect to the metadata endpoint {endpoint} ({}); not running on a Huawei Cloud ECS instance?",
                root_cause(e)
            ))
        } else {
            Error::credentials(format!(
                "metadata: {what} to the metadata endpoint {endpoint} failed: {}",
                root_cause(e)
            ))
        }
    }

    /// Sends one request to `path` and reads its (bounded) answer, all within the timeout.
    async fn send(
        &self,
        transport: &SharedTransport,
        method: http::Method,
        path: &str,
        header: Option<(&'static str, &str)>,
    ) -> Result<(StatusCode, Vec<u8>)> {
        let what = format!("{method} {path}");
        let mut request = http::Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.endpoint));
        if let Some((name, value)) = header {
            request = request.header(name, value);
        }
        let request = request.body(RequestBody::empty()).map_err(|e| {
            Error::credentials(format!(
                "metadata: invalid metadata endpoint {} ({e})",
                self.endpoint
            ))
        })?;
        match send_bounded(transport, request, self.timeout, MAX_BODY_BYTES, &what).await {
            Ok(reply) => Ok((reply.status, reply.body)),
            Err(Failure::Transport(e)) => Err(self.transport_error(&e, &what)),
            Err(Failure::TooLarge) => Err(Error::credentials(format!(
                "metadata: the response to {what} is larger than {MAX_BODY_BYTES} bytes"
            ))),
        }
    }

    /// The session token to use, `None` to run without one. `force` ignores the held token and
    /// the once-a-day limit of the tokenless mode.
    async fn session_token(
        &self,
        transport: &SharedTransport,
        force: bool,
    ) -> Result<Option<String>> {
        if !force {
            let state = self.state();
            if let Some((token, at)) = &state.token {
                if at.elapsed() < TOKEN_REUSE {
                    return Ok(Some(token.clone()));
                }
            }
            if let Some(since) = state.tokenless_since {
                if since.elapsed() < TOKENLESS_RETRY {
                    return Ok(None);
                }
            }
        }
        let what = format!("PUT {TOKEN_PATH}");
        let ttl = TOKEN_TTL_SECONDS.to_string();
        let (status, body) = self
            .send(
                transport,
                http::Method::PUT,
                TOKEN_PATH,
                Some((TOKEN_TTL_HEADER, &ttl)),
            )
            .await?;
        match status.as_u16() {
            200 => {
                let token = std::str::from_utf8(&body)
                    .map(str::trim)
                    .ok()
                    .filter(|t| !t.is_empty() && http::HeaderValue::from_str(t).is_ok())
                    .ok_or_else(|| {
                        Error::credentials(format!(
                            "metadata: {what} returned HTTP 200 without a usable session token"
                        ))
                    })?
                    .to_owned();
                let mut state = self.state();
                state.token = Some((token.clone(), Instant::now()));
                state.tokenless_since = None;
                Ok(Some(token))
            }
            404 | 405 | 503 => {
                tracing::debug!(
                    status = status.as_u16(),
                    "metadata endpoint has no session tokens; continuing without one"
                );
                let mut state = self.state();
                state.token = None;
                state.tokenless_since = Some(Instant::now());
                Ok(None)
            }
            _ => Err(Error::credentials(format!(
                "metadata: {what} returned HTTP {}{}",
                status.as_u16(),
                body_excerpt(&body, &[])
            ))),
        }
    }

    async fn get_security_key(
        &self,
        transport: &SharedTransport,
        token: Option<&str>,
    ) -> Result<(StatusCode, Vec<u8>)> {
        let header = token.map(|token| (TOKEN_HEADER, token));
        self.send(transport, http::Method::GET, SECURITY_KEY_PATH, header)
            .await
    }

    async fn load(&self, context: &CredentialsContext) -> Result<Credentials> {
        let transport = &self.transport(context)?;
        let token = self.session_token(transport, false).await?;
        let (mut status, mut body) = self.get_security_key(transport, token.as_deref()).await?;
        if status == StatusCode::UNAUTHORIZED && !contains(&body, NO_AGENCY_MESSAGE) {
            tracing::debug!("metadata endpoint answered 401; fetching a new session token");
            self.state().token = None;
            let token = self.session_token(transport, true).await?;
            (status, body) = self.get_security_key(transport, token.as_deref()).await?;
        }
        if status == StatusCode::UNAUTHORIZED && contains(&body, NO_AGENCY_MESSAGE) {
            return Err(Error::credentials(format!(
                "metadata: the instance has no agency (HTTP 401: {NO_AGENCY_MESSAGE}); bind an agency to the ECS instance"
            )));
        }
        if !status.is_success() {
            return Err(Error::credentials(format!(
                "metadata: GET {SECURITY_KEY_PATH} returned HTTP {}{}",
                status.as_u16(),
                body_excerpt(&body, &[])
            )));
        }
        let credentials = parse_temporary_credentials(&body, &SECURITY_KEY)?;
        tracing::debug!(
            ak = credentials.ak(),
            expires_at = ?credentials.expires_at(),
            "got temporary credentials from the metadata endpoint"
        );
        Ok(credentials)
    }
}

impl Default for MetadataProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for MetadataProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MetadataProvider")
            .field("endpoint", &self.endpoint)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl ProvideCredentials for MetadataProvider {
    async fn provide_credentials(&self, context: &CredentialsContext) -> Result<Credentials> {
        self.load(context).await
    }
}

/// The transport's message, which carries the cause chain (refused, reset, ...).
fn root_cause(e: &Error) -> String {
    e.to_string()
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    let needle = needle.as_bytes();
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_agency_message_is_found() {
        assert!(contains(
            b"xx Please configure Cloud Service Agency first.",
            NO_AGENCY_MESSAGE
        ));
        assert!(!contains(b"", NO_AGENCY_MESSAGE));
    }

    #[test]
    fn endpoint_and_timeouts() {
        let p = MetadataProvider::new()
            .with_endpoint("http://127.0.0.1:9/ ")
            .with_timeout(Duration::from_millis(200));
        assert_eq!(p.endpoint(), "http://127.0.0.1:9");
        assert_eq!(p.connect_timeout, Duration::from_millis(200));
        let dbg = format!("{p:?}");
        assert!(dbg.contains("127.0.0.1:9"), "{dbg}");
    }
}
