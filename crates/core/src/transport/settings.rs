//! Settings of the built-in HTTP client.

use std::fmt;
use std::time::Duration;

/// How the built-in transports are built: timeouts below the request level, proxy, TLS
/// trust. Set through [`Config`](crate::Config); read by `HyperTransport::new` (feature
/// `rustls`, the default) and `ReqwestTransport::new` (feature `reqwest`).
#[derive(Clone)]
#[non_exhaustive]
pub struct TransportSettings {
    /// Time allowed to establish a connection (TCP and TLS). Default 10 s.
    pub connect_timeout: Duration,
    /// Longest silence allowed: from the request (or the last chunk of its body) being sent to
    /// the first byte of the response, and between chunks of the response body. A transfer
    /// that keeps moving, up or down, is never cut by it however long it takes (the attempt
    /// and total timeouts bound the time). Default 60 s; `None` for no limit.
    pub read_timeout: Option<Duration>,
    /// Proxy URL for all requests, e.g. `http://user:pass@proxy:3128`; credentials go as
    /// `Proxy-Authorization: Basic`, `https` targets through an HTTP `CONNECT` tunnel. Unset,
    /// the `ALL_PROXY`, `HTTP_PROXY` and `HTTPS_PROXY` environment variables apply (either
    /// case); `NO_PROXY` exempts hosts in both cases.
    pub proxy: Option<String>,
    /// Extra trusted root certificates, PEM encoded (e.g. a corporate proxy's CA); each entry may
    /// hold several certificates.
    pub root_certificates_pem: Vec<Vec<u8>>,
    /// Skip TLS certificate and host name checks. Dangerous: only for local test servers.
    pub danger_accept_invalid_certs: bool,
    /// Idle connections kept per host. Default: no limit; idle connections
    /// are closed after 90 s. A limit below the number of requests in flight makes every request
    /// above it open a new connection and close it afterwards, so a limit well below the
    /// concurrency costs a TCP (and TLS) handshake per request.
    pub pool_max_idle_per_host: usize,
}

impl Default for TransportSettings {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            read_timeout: Some(Duration::from_secs(60)),
            proxy: None,
            root_certificates_pem: Vec::new(),
            danger_accept_invalid_certs: false,
            pool_max_idle_per_host: usize::MAX,
        }
    }
}

impl fmt::Debug for TransportSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A proxy URL may carry a password: show only that one is set.
        f.debug_struct("TransportSettings")
            .field("connect_timeout", &self.connect_timeout)
            .field("read_timeout", &self.read_timeout)
            .field("proxy", &self.proxy.as_ref().map(|_| "** set **"))
            .field("root_certificates", &self.root_certificates_pem.len())
            .field(
                "danger_accept_invalid_certs",
                &self.danger_accept_invalid_certs,
            )
            .field("pool_max_idle_per_host", &self.pool_max_idle_per_host)
            .finish()
    }
}
