//! Configuration shared by every service client: credentials, region and endpoints, timeouts,
//! retries, HTTP settings.
//!
//! ```no_run
//! use std::time::Duration;
//! use huaweicloud_sdk_core::Config;
//!
//! # fn main() -> Result<(), huaweicloud_sdk_core::Error> {
//! let config = Config::from_env()?
//!     .with_region("cn-north-4")
//!     .with_attempt_timeout(Duration::from_secs(30));
//! # Ok(()) }
//! ```

pub mod endpoint;
mod regions_file;

/// Fuzzing entry point (`tests/fuzz`), compiled only with `--cfg fuzzing` (set by cargo-fuzz):
/// parses regions-file bytes as [`endpoint::resolve`] does, without the per-path cache, and
/// returns the endpoints listed for `service` in `region`. Not part of the API.
#[cfg(fuzzing)]
#[doc(hidden)]
pub fn fuzz_regions_file(
    bytes: &[u8],
    service: &str,
    region: &str,
) -> std::result::Result<Option<Vec<String>>, String> {
    let file = regions_file::RegionsFile::parse(bytes)?;
    Ok(file.endpoints(service, region).map(<[String]>::to_vec))
}

use std::fmt;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime};

use crate::credentials::{
    CachingProvider, ChainProvider, Credentials, ProvideCredentials, SharedCredentialsProvider,
};
use crate::error::Result;
use crate::hook::{Hook, SharedHook};
use crate::retry::RetryConfig;
use crate::signer::SigningAlgorithm;
#[cfg(feature = "reqwest")]
use crate::transport::ReqwestTransport;
use crate::transport::{HttpTransport, SharedTransport, TransportSettings};

/// The SDK's own part of the `User-Agent` header.
pub const SDK_USER_AGENT: &str = concat!("huaweicloud-sdk-rust/", env!("CARGO_PKG_VERSION"));

/// A source of the current time, for signing. Replaceable for tests and replays.
pub type SharedClock = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// Configuration of service clients. Cheap to clone; clients built from clones of one `Config`
/// share its connection pool and credentials cache.
#[derive(Clone)]
pub struct Config {
    inner: Arc<Inner>,
}

#[derive(Clone)]
struct Inner {
    credentials: SharedCredentialsProvider,
    region: Option<String>,
    endpoints: Vec<String>,
    project_id: Option<String>,
    domain_id: Option<String>,
    discover_project_id: bool,
    iam_endpoint: Option<String>,
    attempt_timeout: Option<Duration>,
    total_timeout: Option<Duration>,
    retry: RetryConfig,
    transport_settings: TransportSettings,
    transport: Option<SharedTransport>,
    user_agent: Option<String>,
    user_agent_suffix: Option<String>,
    signing_algorithm: SigningAlgorithm,
    clock: Option<SharedClock>,
    correct_clock_skew: bool,
    max_buffered_body_size: usize,
    endpoint_env: Option<Arc<endpoint::EndpointEnv>>,
    // Run on every operation of the clients built from this config; empty (no allocation)
    // unless set.
    hooks: Vec<SharedHook>,
    // Built on first use and shared by every client made from this config (and its clones,
    // until one of them changes a transport setting).
    built_transport: Arc<OnceLock<SharedTransport>>,
}

/// The default of [`Config::with_max_buffered_body_size`]: 64 MiB.
pub const DEFAULT_MAX_BUFFERED_BODY_SIZE: usize = 64 * 1024 * 1024;

/// The region of [`Config::from_env`].
const REGION_ID_ENV: &str = "HUAWEICLOUD_SDK_REGION_ID";

/// One endpoint for every service, read by [`Config::from_env`].
const ENDPOINT_ENV: &str = "HUAWEICLOUD_SDK_ENDPOINT";

impl Config {
    /// A configuration using `credentials` (a [`Credentials`] value or any provider).
    /// Temporary credentials are cached and refreshed before they expire.
    pub fn new(credentials: impl ProvideCredentials + 'static) -> Self {
        Self::with_provider(Arc::new(CachingProvider::new(Arc::new(credentials))))
    }

    /// Credentials from the default chain (environment, profile file, ECS metadata, CCE pod
    /// identity; OIDC federation when the environment or profile holds its settings), cached,
    /// and from the environment:
    /// * `HUAWEICLOUD_SDK_REGION_ID`: the region;
    /// * `HUAWEICLOUD_SDK_ENDPOINT`: one endpoint for every service, such as a local test
    ///   endpoint (`http://127.0.0.1:8080`); like [`with_endpoint`](Self::with_endpoint), it
    ///   takes precedence over the region.
    ///
    /// Nothing is read from the network here: the chain runs at the first request, and its
    /// error lists every provider's reason if none has credentials.
    ///
    /// # Errors
    ///
    /// A construction error naming the variable when `HUAWEICLOUD_SDK_REGION_ID` or
    /// `HUAWEICLOUD_SDK_ENDPOINT` is set to a value that is not valid UTF-8 (rather than
    /// ignoring it and reaching the production endpoint).
    pub fn from_env() -> Result<Self> {
        Self::from_env_vars(|name| std::env::var_os(name))
    }

    /// [`from_env`](Self::from_env) with the variables read through `var` (tests).
    fn from_env_vars(var: impl Fn(&str) -> Option<std::ffi::OsString>) -> Result<Self> {
        let chain: SharedCredentialsProvider = Arc::new(ChainProvider::default_chain());
        let mut config = Self::with_provider(Arc::new(CachingProvider::new(chain)));
        let set = |name: &str| -> Result<Option<String>> {
            let Some(value) = var(name) else {
                return Ok(None);
            };
            let value = value.into_string().map_err(|_| {
                crate::error::Error::construction(format!(
                    "{name} is set but its value is not valid UTF-8"
                ))
            })?;
            let value = value.trim();
            Ok((!value.is_empty()).then(|| value.to_owned()))
        };
        if let Some(region) = set(REGION_ID_ENV)? {
            config = config.with_region(region);
        }
        if let Some(endpoint) = set(ENDPOINT_ENV)? {
            config = config.with_endpoint(endpoint);
        }
        Ok(config)
    }

    fn with_provider(credentials: SharedCredentialsProvider) -> Self {
        Self {
            inner: Arc::new(Inner {
                credentials,
                region: None,
                endpoints: Vec::new(),
                project_id: None,
                domain_id: None,
                discover_project_id: false,
                iam_endpoint: None,
                attempt_timeout: Some(Duration::from_secs(60)),
                total_timeout: Some(Duration::from_secs(300)),
                retry: RetryConfig::default(),
                transport_settings: TransportSettings::default(),
                transport: None,
                user_agent: None,
                user_agent_suffix: None,
                signing_algorithm: SigningAlgorithm::default(),
                clock: None,
                correct_clock_skew: true,
                max_buffered_body_size: DEFAULT_MAX_BUFFERED_BODY_SIZE,
                endpoint_env: None,
                hooks: Vec::new(),
                built_transport: Arc::new(OnceLock::new()),
            }),
        }
    }

    fn update(mut self, f: impl FnOnce(&mut Inner)) -> Self {
        f(Arc::make_mut(&mut self.inner));
        self
    }

    fn update_transport(self, f: impl FnOnce(&mut TransportSettings)) -> Self {
        self.update(|i| {
            f(&mut i.transport_settings);
            i.built_transport = Arc::new(OnceLock::new());
        })
    }

    /// Uses this credentials provider as is (no caching layer added).
    pub fn with_credentials_provider(self, provider: SharedCredentialsProvider) -> Self {
        self.update(|i| i.credentials = provider)
    }

    /// Uses these credentials (cached and refreshed like [`Config::new`]).
    pub fn with_credentials(self, credentials: impl ProvideCredentials + 'static) -> Self {
        let provider: SharedCredentialsProvider =
            Arc::new(CachingProvider::new(Arc::new(credentials)));
        self.with_credentials_provider(provider)
    }

    /// Region id, e.g. `cn-north-4`. A well-formed region missing from a service's table falls
    /// back to that service's host pattern.
    pub fn with_region(self, region: impl Into<String>) -> Self {
        let region = region.into();
        self.update(|i| i.region = Some(region))
    }

    /// Sends every request to this endpoint (e.g. `https://metastudio.cn-north-4.myhuaweicloud.com`
    /// or a local test server), whatever the region. Overrides all other endpoint sources.
    pub fn with_endpoint(self, endpoint: impl Into<String>) -> Self {
        let endpoint = endpoint.into();
        self.update(|i| i.endpoints = vec![endpoint])
    }

    /// Several endpoints: the next one is tried when connecting to one fails.
    pub fn with_endpoints(self, endpoints: impl IntoIterator<Item = impl Into<String>>) -> Self {
        let endpoints = endpoints.into_iter().map(Into::into).collect();
        self.update(|i| i.endpoints = endpoints)
    }

    /// Project id for project-level APIs; takes precedence over the credentials' project id.
    pub fn with_project_id(self, project_id: impl Into<String>) -> Self {
        let project_id = project_id.into();
        self.update(|i| i.project_id = Some(project_id))
    }

    /// Domain (account) id for account-level APIs; takes precedence over the credentials'.
    pub fn with_domain_id(self, domain_id: impl Into<String>) -> Self {
        let domain_id = domain_id.into();
        self.update(|i| i.domain_id = Some(domain_id))
    }

    /// Opt in to discovering the project id from IAM (`GET /v3/projects?name={region}`) when
    /// neither the config nor the credentials have one. The result is cached per (AK, region),
    /// or per (identity provider, region) for federated credentials.
    pub fn with_project_id_discovery(self, enabled: bool) -> Self {
        self.update(|i| i.discover_project_id = enabled)
    }

    /// IAM endpoint used for project-id discovery and for the OIDC federation exchange
    /// (default: `HUAWEICLOUD_SDK_IAM_ENDPOINT`, else the region's IAM endpoint). An endpoint
    /// the credentials carry ([`Credentials::with_iam_endpoint`],
    /// [`FederatedProvider::with_iam_endpoint`](crate::credentials::FederatedProvider::with_iam_endpoint))
    /// takes precedence.
    pub fn with_iam_endpoint(self, endpoint: impl Into<String>) -> Self {
        let endpoint = endpoint.into();
        self.update(|i| i.iam_endpoint = Some(endpoint))
    }

    /// Time allowed to establish a connection. Default 10 s.
    pub fn with_connect_timeout(self, timeout: Duration) -> Self {
        self.update_transport(|t| t.connect_timeout = timeout)
    }

    /// Longest silence allowed while reading a response, body included. Default 60 s;
    /// `None` disables it.
    pub fn with_read_timeout(self, timeout: Option<Duration>) -> Self {
        self.update_transport(|t| t.read_timeout = timeout)
    }

    /// Time allowed for one attempt, up to the response headers. Default 60 s; `None` disables.
    pub fn with_attempt_timeout(self, timeout: impl Into<Option<Duration>>) -> Self {
        let timeout = timeout.into();
        self.update(|i| i.attempt_timeout = timeout)
    }

    /// Time allowed for a whole operation, retries and backoff included, and reading a decoded
    /// answer; a streamed body (a download) is bounded by the read timeout only. Default 300 s;
    /// `None` disables.
    pub fn with_total_timeout(self, timeout: impl Into<Option<Duration>>) -> Self {
        let timeout = timeout.into();
        self.update(|i| i.total_timeout = timeout)
    }

    /// Adds a hook run on every operation of the clients built from this config, before the
    /// hooks of a call (see [`hook`](crate::hook), which has an example).
    pub fn with_hook(self, hook: impl Hook) -> Self {
        self.with_shared_hook(Arc::new(hook))
    }

    /// Adds a shared hook run on every operation of the clients built from this config.
    pub fn with_shared_hook(self, hook: SharedHook) -> Self {
        self.update(|i| i.hooks.push(hook))
    }

    /// Retry policy. [`RetryConfig::disabled`] turns retries off.
    pub fn with_retry(self, retry: RetryConfig) -> Self {
        self.update(|i| i.retry = retry)
    }

    /// Sends requests through an HTTP(S) proxy, e.g. `http://user:password@proxy:3128`.
    pub fn with_proxy(self, proxy_url: impl Into<String>) -> Self {
        let proxy = proxy_url.into();
        self.update_transport(|t| t.proxy = Some(proxy))
    }

    /// Trusts an extra root certificate (PEM), e.g. a corporate proxy's CA.
    pub fn with_root_certificate_pem(self, pem: impl Into<Vec<u8>>) -> Self {
        let pem = pem.into();
        self.update_transport(|t| t.root_certificates_pem.push(pem))
    }

    /// **Dangerous.** Accepts any TLS certificate, including self-signed and mismatched ones.
    /// Anyone on the network path can then read and change your traffic. Use only against a
    /// local test server.
    pub fn with_danger_accept_invalid_certs(self, accept: bool) -> Self {
        self.update_transport(|t| t.danger_accept_invalid_certs = accept)
    }

    /// Appends `; {suffix}` to the SDK's `User-Agent`.
    pub fn with_user_agent_suffix(self, suffix: impl Into<String>) -> Self {
        let suffix = suffix.into();
        self.update(|i| i.user_agent_suffix = Some(suffix))
    }

    /// Replaces the whole `User-Agent` header (it is signed, so replays need the exact value).
    pub fn with_user_agent(self, user_agent: impl Into<String>) -> Self {
        let ua = user_agent.into();
        self.update(|i| i.user_agent = Some(ua))
    }

    /// Uses your own reqwest client (proxy, certificates, DNS, pool as you like). Feature
    /// `reqwest`.
    #[cfg(feature = "reqwest")]
    pub fn with_reqwest_client(self, client: reqwest::Client) -> Self {
        let transport: SharedTransport = Arc::new(ReqwestTransport::from_client(client));
        self.update(|i| i.transport = Some(transport))
    }

    /// Uses your own transport, e.g. a recording or replaying one in tests.
    pub fn with_transport(self, transport: impl HttpTransport + 'static) -> Self {
        let transport: SharedTransport = Arc::new(transport);
        self.update(|i| i.transport = Some(transport))
    }

    /// Signing algorithm. Default SDK-HMAC-SHA256.
    pub fn with_signing_algorithm(self, algorithm: SigningAlgorithm) -> Self {
        self.update(|i| i.signing_algorithm = algorithm)
    }

    /// Replaces the clock used for `X-Sdk-Date` (tests and replays).
    pub fn with_clock(self, clock: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        let clock: SharedClock = Arc::new(clock);
        self.update(|i| i.clock = Some(clock))
    }

    /// Whether to correct the signing clock when the API gateway rejects a request as signed
    /// too far from its own time (default on).
    ///
    /// The gateway accepts `X-Sdk-Date` within 15 minutes of its clock; beyond that it answers
    /// 401 `APIGW.0301` "signature expired" with its time in the `Date` header. With correction
    /// on, the client that got the answer stores the difference between that time and this
    /// config's clock for that endpoint, signs its later requests to it with the corrected
    /// time, and re-signs and resends the rejected request once, whatever its method: the
    /// gateway refused it before the service saw it. Each client (and each of its endpoints)
    /// learns its own offset, so one server's `Date` never moves the clock used for another.
    ///
    /// A difference of more than one hour is not applied (a warning is logged and the service
    /// error returned): a wrong or hostile `Date` cannot move the signing clock far. An answer
    /// without a `Date` header is returned as the service error.
    pub fn with_clock_skew_correction(self, enabled: bool) -> Self {
        self.update(|i| i.correct_clock_skew = enabled)
    }

    /// The most bytes a success body read whole may have (default
    /// [`DEFAULT_MAX_BUFFERED_BODY_SIZE`], 64 MiB): [`Response::json`](crate::Response::json),
    /// [`Response::bytes`](crate::Response::bytes) and the operations that decode their answer
    /// fail with a decode error naming this limit, as soon as the body (or its
    /// `Content-Length`) passes it, without reading the rest. Streamed bodies
    /// ([`Response::into_body`](crate::Response::into_body), downloads) are not bounded: they
    /// are never held whole.
    pub fn with_max_buffered_body_size(self, bytes: usize) -> Self {
        self.update(|i| i.max_buffered_body_size = bytes)
    }

    /// Reads endpoint-related environment (`HUAWEICLOUD_SDK_REGION_*`, regions file, IAM
    /// endpoint) from `env` instead of the process environment.
    pub fn with_endpoint_env(self, env: endpoint::EndpointEnv) -> Self {
        let env = Arc::new(env);
        self.update(|i| i.endpoint_env = Some(env))
    }

    /// The hooks run on every operation, in the order added.
    pub fn hooks(&self) -> &[SharedHook] {
        &self.inner.hooks
    }

    /// The credentials provider.
    pub fn credentials_provider(&self) -> &SharedCredentialsProvider {
        &self.inner.credentials
    }

    /// The region, when set.
    pub fn region(&self) -> Option<&str> {
        self.inner.region.as_deref()
    }

    /// Endpoint overrides, as given.
    pub fn endpoint_overrides(&self) -> &[String] {
        &self.inner.endpoints
    }

    /// The configured project id.
    pub fn project_id(&self) -> Option<&str> {
        self.inner.project_id.as_deref()
    }

    /// The configured domain id.
    pub fn domain_id(&self) -> Option<&str> {
        self.inner.domain_id.as_deref()
    }

    /// Whether IAM project-id discovery is on.
    pub fn project_id_discovery(&self) -> bool {
        self.inner.discover_project_id
    }

    /// The IAM endpoint override.
    pub fn iam_endpoint(&self) -> Option<&str> {
        self.inner.iam_endpoint.as_deref()
    }

    /// Per-attempt timeout.
    pub fn attempt_timeout(&self) -> Option<Duration> {
        self.inner.attempt_timeout
    }

    /// Whole-operation timeout.
    pub fn total_timeout(&self) -> Option<Duration> {
        self.inner.total_timeout
    }

    /// The retry policy.
    pub fn retry(&self) -> &RetryConfig {
        &self.inner.retry
    }

    /// Settings of the built-in HTTP client.
    pub fn transport_settings(&self) -> &TransportSettings {
        &self.inner.transport_settings
    }

    /// The signing algorithm.
    pub fn signing_algorithm(&self) -> &SigningAlgorithm {
        &self.inner.signing_algorithm
    }

    /// The `User-Agent` header value sent with every request. Characters other than printable
    /// ASCII are replaced by `_`, as the official SDKs do, so any text you give is sendable.
    pub fn user_agent(&self) -> String {
        let base = self.inner.user_agent.clone().unwrap_or_else(|| {
            format!(
                "{SDK_USER_AGENT}; os/{}#{} rust",
                std::env::consts::OS,
                std::env::consts::ARCH
            )
        });
        let full = match &self.inner.user_agent_suffix {
            Some(suffix) => format!("{base}; {suffix}"),
            None => base,
        };
        full.chars()
            .map(|c| {
                if c == ' ' || c.is_ascii_graphic() {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    }

    /// Whether clock-skew correction is on (see
    /// [`with_clock_skew_correction`](Self::with_clock_skew_correction)).
    pub fn clock_skew_correction(&self) -> bool {
        self.inner.correct_clock_skew
    }

    /// The limit of success bodies read whole (see
    /// [`with_max_buffered_body_size`](Self::with_max_buffered_body_size)).
    pub fn max_buffered_body_size(&self) -> usize {
        self.inner.max_buffered_body_size
    }

    /// The current time by the configured clock (see [`with_clock`](Self::with_clock)). A
    /// client signs with this plus the offset it learnt from its endpoint, if any
    /// ([`Executor::clock_offset_millis`](crate::Executor::clock_offset_millis)).
    pub fn now(&self) -> SystemTime {
        self.inner
            .clock
            .as_ref()
            .map_or_else(SystemTime::now, |c| c())
    }

    /// The environment used for endpoint resolution.
    pub fn endpoint_env(&self) -> Arc<endpoint::EndpointEnv> {
        self.inner
            .endpoint_env
            .clone()
            .unwrap_or_else(|| Arc::new(endpoint::EndpointEnv::from_process()))
    }

    /// The transport: yours if you gave one, else one built once from the transport settings
    /// and shared by every client using this config: a `HyperTransport` (feature `rustls`,
    /// the default; proxies from the settings or the environment included), else a
    /// `ReqwestTransport` (feature `reqwest` alone).
    pub fn transport(&self) -> Result<SharedTransport> {
        if let Some(t) = &self.inner.transport {
            return Ok(t.clone());
        }
        if let Some(t) = self.inner.built_transport.get() {
            return Ok(t.clone());
        }
        let built = crate::transport::default_transport(&self.inner.transport_settings)?;
        // Another thread may have won the race; either client is fine, keep the stored one.
        Ok(self.inner.built_transport.get_or_init(|| built).clone())
    }
}

impl From<Credentials> for Config {
    fn from(credentials: Credentials) -> Self {
        Self::new(credentials)
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        f.debug_struct("Config")
            .field("credentials", &i.credentials)
            .field("region", &i.region)
            .field(
                "endpoints",
                &i.endpoints
                    .iter()
                    .map(|e| endpoint::without_userinfo(e))
                    .collect::<Vec<_>>(),
            )
            .field("project_id", &i.project_id)
            .field("domain_id", &i.domain_id)
            .field("discover_project_id", &i.discover_project_id)
            .field("iam_endpoint", &i.iam_endpoint)
            .field("attempt_timeout", &i.attempt_timeout)
            .field("total_timeout", &i.total_timeout)
            .field("retry", &i.retry)
            .field("transport_settings", &i.transport_settings)
            .field("custom_transport", &i.transport.is_some())
            .field("user_agent", &self.user_agent())
            .field("signing_algorithm", &i.signing_algorithm)
            .field("clock_skew_correction", &i.correct_clock_skew)
            .field("max_buffered_body_size", &i.max_buffered_body_size)
            .field("hooks", &i.hooks.len())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_env_reads_region_and_endpoint() {
        let config = Config::from_env_vars(|name| match name {
            "HUAWEICLOUD_SDK_REGION_ID" => Some(" cn-north-4 ".into()),
            "HUAWEICLOUD_SDK_ENDPOINT" => Some("http://127.0.0.1:8080".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(config.region(), Some("cn-north-4"));
        assert_eq!(config.inner.endpoints, ["http://127.0.0.1:8080"]);

        let blank = Config::from_env_vars(|_| Some("  ".into())).unwrap();
        assert_eq!(blank.region(), None);
        assert!(blank.inner.endpoints.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn from_env_refuses_values_that_are_not_utf8() {
        use std::os::unix::ffi::OsStringExt;
        for bad in ["HUAWEICLOUD_SDK_ENDPOINT", "HUAWEICLOUD_SDK_REGION_ID"] {
            let err = Config::from_env_vars(|name| {
                if name == bad {
                    Some(std::ffi::OsString::from_vec(
                        b"http://127.0.0.1:\xff".to_vec(),
                    ))
                } else {
                    Some("cn-north-4".into())
                }
            })
            .unwrap_err();
            assert!(err.is_construction());
            assert_eq!(
                err.to_string(),
                format!("{bad} is set but its value is not valid UTF-8")
            );
        }
    }

    #[test]
    fn debug_never_shows_secrets() {
        let config = Config::new(
            Credentials::new("AKID", "the-secret-key").with_security_token("the-token"),
        )
        .with_proxy("http://user:proxy-password@proxy:3128")
        .with_endpoint("https://user:endpoint-password@host")
        .with_region("cn-north-4");
        let s = format!("{config:?} {config:#?}");
        for secret in [
            "the-secret-key",
            "the-token",
            "proxy-password",
            "endpoint-password",
        ] {
            assert!(!s.contains(secret), "{secret} leaked in {s}");
        }
        assert!(s.contains("cn-north-4"));
    }

    #[test]
    fn clones_share_the_built_transport_until_settings_change() {
        let a = Config::new(Credentials::new("a", "b"));
        let b = a.clone().with_region("cn-north-4");
        let ta = a.transport().unwrap();
        let tb = b.transport().unwrap();
        assert!(Arc::ptr_eq(&ta, &tb));
        let c = b.with_connect_timeout(Duration::from_secs(1));
        assert!(!Arc::ptr_eq(&ta, &c.transport().unwrap()));
    }

    #[test]
    fn user_agent_suffix_and_override() {
        let c = Config::new(Credentials::new("a", "b")).with_user_agent_suffix("my-app/1.0");
        assert!(c.user_agent().starts_with(SDK_USER_AGENT));
        assert!(c.user_agent().ends_with("; my-app/1.0"));
        let c = c.with_user_agent("exact-ua");
        assert_eq!(c.user_agent(), "exact-ua; my-app/1.0");
        let c = c.with_user_agent("ÄÖ\tv1");
        assert_eq!(c.user_agent(), "___v1; my-app/1.0");
    }
}
