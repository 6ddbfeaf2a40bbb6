//! The HTTP layer: a one-method trait and two implementations, `HyperTransport` (the default
//! with the `rustls` feature when no proxy is in play) and [`ReqwestTransport`] (proxies,
//! `native-tls`, or your own `reqwest::Client`).
//!
//! Everything above the transport (signing, retries, error parsing) lives in the executor, so a
//! transport only moves one request and its response. Hand in your own implementation with
//! [`Config::with_transport`](crate::Config::with_transport) to record, replay or reroute
//! traffic in tests.

mod base_urls;
#[cfg(feature = "rustls")]
mod connect_timeout;
mod failure;
#[cfg(feature = "rustls")]
mod hyper_transport;
mod reqwest_transport;
mod response_timer;
mod settings;
#[cfg(feature = "rustls")]
mod tls;

#[cfg(feature = "rustls")]
pub use hyper_transport::HyperTransport;
pub use reqwest_transport::ReqwestTransport;
pub use settings::TransportSettings;

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;

use crate::body::{ByteStream, RequestBody};
use crate::error::{Error, Result, TimeoutKind};

/// When an attempt must have its response head, and what to report if it does not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SendDeadline {
    /// The instant the response head must have arrived by.
    pub at: tokio::time::Instant,
    /// The timeout this deadline comes from: [`TimeoutKind::Attempt`] or
    /// [`TimeoutKind::Total`].
    pub kind: TimeoutKind,
    /// The configured limit, for the error message.
    pub limit: std::time::Duration,
}

impl SendDeadline {
    /// A deadline at `at` from the timeout `kind` of `limit`.
    pub fn new(at: tokio::time::Instant, kind: TimeoutKind, limit: std::time::Duration) -> Self {
        Self { at, kind, limit }
    }
}

/// Sends one HTTP request and returns its response with a streaming body.
///
/// Errors must use the SDK's kinds: [`Error::transport`] (with `connect = true` when no
/// connection was made, so the executor may retry any method) or [`Error::timeout`].
/// Redirects must not be followed.
#[async_trait]
pub trait HttpTransport: Send + Sync + fmt::Debug {
    /// Sends `request` and returns the response once its headers have arrived.
    async fn send(&self, request: http::Request<RequestBody>)
    -> Result<http::Response<ByteStream>>;

    /// [`send`](Self::send), failing with `deadline`'s timeout if the response head has not
    /// arrived by then. The executor calls this one. The default wraps `send` in a timer; a
    /// transport with a timer of its own (the reqwest one has its read timeout) can fold the
    /// deadline into it and spare a second timer per request.
    async fn send_within(
        &self,
        request: http::Request<RequestBody>,
        deadline: Option<SendDeadline>,
    ) -> Result<http::Response<ByteStream>> {
        match deadline {
            Some(d) => tokio::time::timeout_at(d.at, self.send(request))
                .await
                .unwrap_or_else(|_| Err(Error::timeout(d.kind, d.limit))),
            None => self.send(request).await,
        }
    }
}

/// A shared, type-erased transport.
pub type SharedTransport = Arc<dyn HttpTransport>;

/// Environment variables that make reqwest send requests through a proxy (either case).
#[cfg(feature = "rustls")]
const PROXY_ENV_VARS: [&str; 6] = [
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
];

/// The transport [`Config`](crate::Config) builds from `settings`: `HyperTransport` (with
/// the `rustls` feature) when no proxy is in play, else [`ReqwestTransport`], whose proxy
/// support covers both a configured proxy and the `HTTP_PROXY`/`HTTPS_PROXY`/`ALL_PROXY`
/// environment variables.
pub(crate) fn default_transport(settings: &TransportSettings) -> Result<SharedTransport> {
    default_transport_with_env(settings, |name| std::env::var_os(name))
}

fn default_transport_with_env(
    settings: &TransportSettings,
    var: impl Fn(&str) -> Option<std::ffi::OsString>,
) -> Result<SharedTransport> {
    #[cfg(feature = "rustls")]
    {
        let proxy_in_env = PROXY_ENV_VARS
            .iter()
            .any(|name| var(name).is_some_and(|v| !v.is_empty()));
        if settings.proxy.is_none() && !proxy_in_env {
            return Ok(Arc::new(HyperTransport::new(settings)?));
        }
    }
    // Without rustls there is only reqwest, which reads the environment itself.
    #[cfg(not(feature = "rustls"))]
    let _ = var;
    Ok(Arc::new(ReqwestTransport::new(settings)?))
}

#[async_trait]
impl<T: HttpTransport + ?Sized> HttpTransport for Arc<T> {
    async fn send(
        &self,
        request: http::Request<RequestBody>,
    ) -> Result<http::Response<ByteStream>> {
        (**self).send(request).await
    }

    async fn send_within(
        &self,
        request: http::Request<RequestBody>,
        deadline: Option<SendDeadline>,
    ) -> Result<http::Response<ByteStream>> {
        (**self).send_within(request, deadline).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::ffi::OsString;

    fn built_with(settings: &TransportSettings, env: &[(&str, &str)]) -> String {
        let env: HashMap<String, OsString> = env
            .iter()
            .map(|(k, v)| (k.to_string(), OsString::from(v)))
            .collect();
        let transport =
            default_transport_with_env(settings, |name| env.get(name).cloned()).unwrap();
        format!("{transport:?}")
    }

    #[cfg(feature = "rustls")]
    #[test]
    fn hyper_unless_a_proxy_is_configured_or_in_the_environment() {
        let plain = TransportSettings::default();
        assert!(built_with(&plain, &[]).starts_with("HyperTransport"));
        // Set but empty means unset, as for reqwest.
        assert!(built_with(&plain, &[("HTTPS_PROXY", "")]).starts_with("HyperTransport"));
        for name in PROXY_ENV_VARS {
            let built = built_with(&plain, &[(name, "http://proxy:3128")]);
            assert!(built.starts_with("ReqwestTransport"), "{name}: {built}");
        }
        let proxied = TransportSettings {
            proxy: Some("http://proxy:3128".into()),
            ..TransportSettings::default()
        };
        assert!(built_with(&proxied, &[]).starts_with("ReqwestTransport"));
    }

    #[cfg(not(feature = "rustls"))]
    #[test]
    fn reqwest_without_the_rustls_feature() {
        assert!(built_with(&TransportSettings::default(), &[]).starts_with("ReqwestTransport"));
    }
}
