//! The HTTP layer: a one-method trait and its implementations. `HyperTransport` (feature
//! `rustls`, on by default) is the default: hyper-util's pooled client with rustls, proxies
//! included. `ReqwestTransport` (feature `reqwest`, implied by `native-tls`) is for your own
//! `reqwest::Client` or the platform's TLS stack.
//!
//! Every request the SDK makes goes through the configured transport: operations, IAM project
//! discovery, the requests of the credentials providers (instance metadata, OIDC federation,
//! CCE pod identity) and presigned uploads and downloads.
//! Everything above the transport (signing, retries, error parsing) lives in the executor, so a
//! transport only moves one request and its response. Hand in your own implementation with
//! [`Config::with_transport`](crate::Config::with_transport) to record, replay or reroute
//! traffic in tests.

#[cfg(feature = "reqwest")]
mod base_urls;
#[cfg(feature = "rustls")]
mod connect_timeout;
#[cfg(any(feature = "rustls", feature = "reqwest"))]
mod failure;
#[cfg(feature = "rustls")]
mod hyper_transport;
#[cfg(feature = "rustls")]
mod proxy;
#[cfg(feature = "reqwest")]
mod reqwest_transport;
#[cfg(any(feature = "rustls", feature = "reqwest"))]
mod response_timer;
mod settings;
#[cfg(feature = "rustls")]
mod tls;
#[cfg(test)]
#[cfg(feature = "rustls")]
#[path = "tests/wire.rs"]
mod wire_tests;

#[cfg(feature = "rustls")]
pub use hyper_transport::HyperTransport;
#[cfg(feature = "reqwest")]
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

/// The read timeout of one request, overriding [`TransportSettings::read_timeout`] for it: the
/// executor puts it in the request's extensions when a call sets one (see
/// [`CallOptions::with_read_timeout`](crate::executor::CallOptions::with_read_timeout)). The
/// built-in transports honour it; a transport of your own may read it the same way.
///
/// ```
/// use std::time::Duration;
/// use huaweicloud_sdk_core::transport::ReadTimeout;
///
/// let mut request = http::Request::new(());
/// request.extensions_mut().insert(ReadTimeout(Some(Duration::from_secs(300))));
/// assert_eq!(
///     request.extensions().get::<ReadTimeout>(),
///     Some(&ReadTimeout(Some(Duration::from_secs(300))))
/// );
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadTimeout(pub Option<std::time::Duration>);

/// Sends one HTTP request and returns its response with a streaming body.
///
/// A request may carry a [`ReadTimeout`] extension, its own read timeout.
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
    /// transport with a timer of its own (the built-in ones have their read timeout) can fold
    /// the deadline into it and spare a second timer per request.
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

/// The transport [`Config`](crate::Config) builds from `settings`: `HyperTransport` with the
/// `rustls` feature (proxies from `settings` or the environment included), else
/// `ReqwestTransport` with the `reqwest` feature.
pub(crate) fn default_transport(settings: &TransportSettings) -> Result<SharedTransport> {
    default_transport_with_env(settings, |name| std::env::var_os(name))
}

/// A built-in transport that ignores the proxy environment variables (only `settings.proxy`
/// applies): for the instance metadata service, which only a direct connection reaches.
pub(crate) fn direct_transport(settings: &TransportSettings) -> Result<SharedTransport> {
    #[cfg(all(not(feature = "rustls"), feature = "reqwest"))]
    {
        Ok(Arc::new(ReqwestTransport::build(settings, false)?))
    }
    #[cfg(any(feature = "rustls", not(feature = "reqwest")))]
    {
        default_transport_with_env(settings, |_| None)
    }
}

fn default_transport_with_env(
    settings: &TransportSettings,
    var: impl Fn(&str) -> Option<std::ffi::OsString>,
) -> Result<SharedTransport> {
    #[cfg(feature = "rustls")]
    {
        Ok(Arc::new(HyperTransport::with_env(settings, var)?))
    }
    // reqwest reads the environment itself.
    #[cfg(all(not(feature = "rustls"), feature = "reqwest"))]
    {
        let _ = var;
        Ok(Arc::new(ReqwestTransport::new(settings)?))
    }
    #[cfg(not(any(feature = "rustls", feature = "reqwest")))]
    {
        let _ = (settings, var);
        Err(Error::construction(
            "no built-in HTTP transport: enable the `rustls` (default) or `reqwest` feature, \
             or hand in one with Config::with_transport",
        ))
    }
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
#[cfg(any(feature = "rustls", feature = "reqwest"))]
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
    fn hyper_with_or_without_a_proxy() {
        let plain = TransportSettings::default();
        assert!(built_with(&plain, &[]).starts_with("HyperTransport"));
        let from_env = built_with(&plain, &[("HTTPS_PROXY", "http://proxy:3128")]);
        assert!(from_env.starts_with("HyperTransport"), "{from_env}");
        assert!(from_env.contains("Proxies"), "{from_env}");
        let proxied = TransportSettings {
            proxy: Some("http://proxy:3128".into()),
            ..TransportSettings::default()
        };
        assert!(built_with(&proxied, &[]).starts_with("HyperTransport"));
    }

    #[cfg(all(not(feature = "rustls"), feature = "reqwest"))]
    #[test]
    fn reqwest_without_the_rustls_feature() {
        assert!(built_with(&TransportSettings::default(), &[]).starts_with("ReqwestTransport"));
    }
}
