//! [`FederatedProvider`]: OIDC federation, an id token exchanged with IAM for temporary
//! credentials.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use super::http::{
    Failure, OwnTransport, Reply, failure_error, pick_transport, redacted_line, request_id_note,
    send_bounded,
};
use super::security_key::{Answer, parse_temporary_credentials, reject_expired};
use super::token_file::{TextFile, read_token};
use super::{Credentials, CredentialsContext, ProvideCredentials};
use crate::body::RequestBody;
use crate::env::{EndpointEnv, EnvLookup};
use crate::error::{Error, Result, ServiceError};
use crate::iam::exchange_iam_endpoint;
use crate::transport::{SharedTransport, TransportSettings};

const ID_TOKEN_PATH: &str = "/v3.0/OS-AUTH/id-token/tokens";
const SECURITY_TOKENS_PATH: &str = "/v3.0/OS-CREDENTIAL/securitytokens";
const CONTENT_TYPE: &str = "application/json;charset=UTF-8";
const IDP_HEADER: &str = "X-Idp-Id";
const SUBJECT_TOKEN_HEADER: &str = "x-subject-token";
/// Lifetime asked of IAM, as the official SDKs do: 6 hours.
const DURATION_SECONDS: u64 = 6 * 3600;
/// Both IAM answers are small; anything larger is not IAM's.
const MAX_BODY_BYTES: usize = 64 * 1024;
/// An id token is a JWT of a few KiB.
const MAX_TOKEN_BYTES: u64 = 64 * 1024;
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Temporary credentials from OIDC federation: the id token in a file (such as a Kubernetes
/// projected service account token) is exchanged with IAM for an AK, SK and security token of
/// the identity provider's mapped identity.
///
/// Each call of [`provide_credentials`](ProvideCredentials::provide_credentials):
///
/// 1. reads the id token file (again at every exchange: Kubernetes rotates the token in place);
/// 2. `POST {iam}/v3.0/OS-AUTH/id-token/tokens` with header `X-Idp-Id: <idp id>` and body
///    `{"auth":{"id_token":{"id":"<id token>"}}}`; IAM answers with an unscoped token in
///    header `X-Subject-Token`;
/// 3. `POST {iam}/v3.0/OS-CREDENTIAL/securitytokens` with that token and
///    `duration_seconds` 21600 (6 hours); IAM answers
///    `{"credential":{"access","secret","securitytoken","expires_at"}}`.
///
/// Both requests are unsigned (no `Authorization` header) and go through the transport given
/// to [`with_transport`](Self::with_transport), else the transport of the
/// [`CredentialsContext`](super::CredentialsContext) it is called with (the client's, when a
/// client asks), else a built-in one of the provider's own. Each has a 10 s timeout
/// ([`with_timeout`](Self::with_timeout)).
///
/// The IAM endpoint is, in this order: [`with_iam_endpoint`](Self::with_iam_endpoint), the
/// context's IAM endpoint ([`Config::with_iam_endpoint`](crate::Config::with_iam_endpoint) of
/// the client), `HUAWEICLOUD_SDK_IAM_ENDPOINT` (read from the environment the settings came
/// from, else the context's), the regional IAM endpoint of the region of
/// [`with_region`](Self::with_region), else of the context's (the client's). There is no
/// global default: with neither a region nor an override, or a region whose IAM endpoint is
/// not known, the call fails saying so.
///
/// The credentials carry the identity provider id ([`Credentials::idp_id`]), so project-id
/// discovery caches per (identity provider, region). They expire: use the provider through a
/// [`Config`](crate::Config) (which caches and refreshes them 40 minutes before they expire)
/// or a [`CachingProvider`](super::CachingProvider).
///
/// Errors name the request, IAM's error code and message, the HTTP status and the request id
/// (`X-IAM-Trace-Id` or `X-Request-Id`); they never show the id token or the unscoped token.
///
/// ```no_run
/// use huaweicloud_sdk_core::Config;
/// use huaweicloud_sdk_core::credentials::FederatedProvider;
///
/// let provider = FederatedProvider::new(
///     "my-identity-provider",
///     "/var/run/secrets/tokens/oidc-token",
/// );
/// let config = Config::new(provider).with_region("cn-north-4");
/// # let _ = config;
/// ```
///
/// The environment ([`EnvironmentProvider`](super::EnvironmentProvider):
/// `HUAWEICLOUD_SDK_IDP_ID`, `HUAWEICLOUD_SDK_ID_TOKEN_FILE`) and the profile file
/// ([`ProfileProvider`](super::ProfileProvider): `idp_id`, `id_token_file`) configure the same
/// exchange.
pub struct FederatedProvider {
    idp_id: String,
    id_token_file: PathBuf,
    iam_endpoint: Option<String>,
    region: Option<String>,
    project_id: Option<String>,
    domain_id: Option<String>,
    timeout: Duration,
    transport: Option<SharedTransport>,
    own_transport: OwnTransport,
    /// Prefix of error messages: `federation`, or the provider whose settings these are.
    label: String,
    provider_name: &'static str,
    /// The environment of the settings, for `HUAWEICLOUD_SDK_IAM_ENDPOINT` (else the one of the
    /// call's context).
    env: Option<Arc<EndpointEnv>>,
}

impl FederatedProvider {
    /// Exchanges the id token in `id_token_file` as identity provider `idp_id`'s.
    pub fn new(idp_id: impl Into<String>, id_token_file: impl Into<PathBuf>) -> Self {
        Self {
            idp_id: idp_id.into().trim().to_owned(),
            id_token_file: id_token_file.into(),
            iam_endpoint: None,
            region: None,
            project_id: None,
            domain_id: None,
            timeout: DEFAULT_TIMEOUT,
            transport: None,
            own_transport: OwnTransport::new(),
            label: "federation".to_owned(),
            provider_name: "federation",
            env: None,
        }
    }

    /// Sends the exchange to this IAM endpoint (`https://` is prepended when there is no
    /// scheme), whatever the client's region.
    pub fn with_iam_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        let endpoint = endpoint.into();
        self.iam_endpoint = (!endpoint.trim().is_empty()).then_some(endpoint);
        self
    }

    /// The region whose IAM endpoint to use, ahead of the region of the
    /// [`CredentialsContext`] the provider is called with (the client's).
    pub fn with_region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into().trim().to_owned());
        self
    }

    /// Project-level scope of the credentials (see [`Credentials::with_project_id`]).
    pub fn with_project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = Some(project_id.into());
        self
    }

    /// Account-level scope of the credentials (see [`Credentials::with_domain_id`]).
    pub fn with_domain_id(mut self, domain_id: impl Into<String>) -> Self {
        self.domain_id = Some(domain_id.into());
        self
    }

    /// Sets the timeout of each of the two requests (default 10 s).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self.own_transport = OwnTransport::new();
        self
    }

    /// Sends the requests through `transport`, whatever client asks for credentials.
    pub fn with_transport(mut self, transport: SharedTransport) -> Self {
        self.transport = Some(transport);
        self
    }

    /// The identity provider id.
    pub fn idp_id(&self) -> &str {
        &self.idp_id
    }

    /// The file the id token is read from.
    pub fn id_token_file(&self) -> &Path {
        &self.id_token_file
    }

    /// Settings found by another provider: `label` prefixes the errors and `provider_name`
    /// names the credentials.
    pub(super) fn configured_by(mut self, label: String, provider_name: &'static str) -> Self {
        self.label = label;
        self.provider_name = provider_name;
        self
    }

    /// Takes `HUAWEICLOUD_SDK_IAM_ENDPOINT` from `lookup` (the environment the settings came
    /// from) rather than from the client's or the process environment.
    pub(super) fn with_env_lookup(mut self, lookup: EnvLookup) -> Self {
        self.env = Some(Arc::new(EndpointEnv::from_env_lookup(lookup)));
        self
    }

    fn error(&self, message: impl fmt::Display) -> Error {
        Error::credentials(format!("{}: {message}", self.label))
    }

    async fn exchange(&self, context: &CredentialsContext) -> Result<Credentials> {
        if self.idp_id.is_empty() {
            return Err(self.error("the identity provider id is empty"));
        }
        let idp_header = http::HeaderValue::from_str(&self.idp_id).map_err(|_| {
            Error::construction(format!(
                "{}: the identity provider id has characters not allowed in an HTTP header",
                self.label
            ))
        })?;
        let region = self.region.as_deref().or(context.region());
        // The environment the settings came from, else the client's.
        let env = self.env.as_deref().unwrap_or(context.env());
        let explicit = self.iam_endpoint.as_deref().or(context.iam_endpoint());
        let endpoint = exchange_iam_endpoint(region, explicit, env).map_err(|e| {
            if e.is_construction() {
                Error::construction(format!("{}: {e}", self.label))
            } else {
                self.error(e)
            }
        })?;
        let iam = endpoint.as_str().trim_end_matches('/');
        let transport = self.transport(context)?;

        let token_file = TextFile {
            label: &self.label,
            what: "id token file",
            max_bytes: MAX_TOKEN_BYTES,
        };
        let id_token = read_token(&self.id_token_file, &token_file).await?;
        tracing::debug!(
            idp_id = self.idp_id.as_str(),
            iam = iam,
            "exchanging the OIDC id token with IAM"
        );
        let body = serde_json::json!({"auth": {"id_token": {"id": id_token}}});
        let request = self.request(iam, ID_TOKEN_PATH, &body, Some(idp_header))?;
        let reply = self
            .send(&transport, request, ID_TOKEN_PATH, iam, &[&id_token])
            .await?;
        let unscoped = reply
            .headers
            .get(SUBJECT_TOKEN_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .ok_or_else(|| {
                self.error(format_args!(
                    "IAM answered POST {ID_TOKEN_PATH} with HTTP {} but without an \
                     X-Subject-Token header{}",
                    reply.status.as_u16(),
                    request_id_note(&reply.headers)
                ))
            })?;

        let body = serde_json::json!({"auth": {"identity": {
            "methods": ["token"],
            "token": {"id": unscoped, "duration_seconds": DURATION_SECONDS},
        }}});
        let request = self.request(iam, SECURITY_TOKENS_PATH, &body, None)?;
        let reply = self
            .send(
                &transport,
                request,
                SECURITY_TOKENS_PATH,
                iam,
                &[&id_token, &unscoped],
            )
            .await?;
        let answer = Answer {
            label: &self.label,
            document: "IAM's securitytokens response",
            provider: self.provider_name,
        };
        let credentials = parse_temporary_credentials(&reply.body, &answer)?;
        let mut credentials =
            reject_expired(credentials, &answer)?.with_idp_id(self.idp_id.as_str());
        if let Some(project_id) = &self.project_id {
            credentials = credentials.with_project_id(project_id.as_str());
        }
        if let Some(domain_id) = &self.domain_id {
            credentials = credentials.with_domain_id(domain_id.as_str());
        }
        if let Some(endpoint) = &self.iam_endpoint {
            credentials = credentials.with_iam_endpoint(endpoint.as_str());
        }
        tracing::debug!(
            idp_id = self.idp_id.as_str(),
            ak = credentials.ak(),
            expires_at = ?credentials.expires_at(),
            "got temporary credentials by OIDC federation"
        );
        Ok(credentials)
    }

    fn transport(&self, context: &CredentialsContext) -> Result<SharedTransport> {
        let settings = || TransportSettings {
            connect_timeout: DEFAULT_CONNECT_TIMEOUT.min(self.timeout),
            read_timeout: Some(self.timeout),
            ..TransportSettings::default()
        };
        pick_transport(
            self.transport.as_ref(),
            context,
            &self.own_transport,
            settings,
            false,
            &self.label,
        )
    }

    fn request(
        &self,
        iam: &str,
        path: &str,
        body: &serde_json::Value,
        idp: Option<http::HeaderValue>,
    ) -> Result<http::Request<RequestBody>> {
        let mut request = http::Request::builder()
            .method(http::Method::POST)
            .uri(format!("{iam}{path}"))
            .header(http::header::CONTENT_TYPE, CONTENT_TYPE);
        if let Some(idp) = idp {
            request = request.header(IDP_HEADER, idp);
        }
        request
            .body(RequestBody::from_bytes(body.to_string()))
            .map_err(|e| {
                Error::construction(format!("{}: invalid IAM endpoint {iam} ({e})", self.label))
            })
    }

    /// Sends one exchange request; a 2xx reply or an error with IAM's code, the status and the
    /// request id. `secrets` (what the request carried) are redacted from IAM's message.
    async fn send(
        &self,
        transport: &SharedTransport,
        request: http::Request<RequestBody>,
        path: &str,
        iam: &str,
        secrets: &[&str],
    ) -> Result<Reply> {
        let what = format!("POST {path}");
        let reply = send_bounded(transport, request, self.timeout, MAX_BODY_BYTES, &what)
            .await
            .map_err(|failure: Failure| {
                failure_error(
                    failure,
                    &self.label,
                    &what,
                    iam,
                    self.timeout,
                    MAX_BODY_BYTES,
                )
            })?;
        if reply.status.is_success() {
            return Ok(reply);
        }
        let parsed = ServiceError::from_response(reply.status, &reply.headers, &reply.body);
        Err(self.error(format_args!(
            "IAM refused {what}: HTTP {} {} \"{}\"{}",
            reply.status.as_u16(),
            parsed.error_code(),
            redacted_line(parsed.error_msg(), secrets, 300),
            request_id_note(&reply.headers)
        )))
    }
}

impl fmt::Debug for FederatedProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FederatedProvider")
            .field("idp_id", &self.idp_id)
            .field("id_token_file", &self.id_token_file)
            .field("iam_endpoint", &self.iam_endpoint)
            .field("region", &self.region)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl ProvideCredentials for FederatedProvider {
    async fn provide_credentials(&self, context: &CredentialsContext) -> Result<Credentials> {
        self.exchange(context).await
    }
}
