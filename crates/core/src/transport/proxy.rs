//! Proxies for [`HyperTransport`](super::HyperTransport): which requests go through one
//! (hyper-util's [`Matcher`]: the configured proxy, else `ALL_PROXY`, `HTTP_PROXY`,
//! `HTTPS_PROXY`, with `NO_PROXY` exemptions, upper or lower case), and the connector that
//! reaches the target: directly, through the proxy as an HTTP forward proxy (plain `http`
//! targets: absolute-form requests with `Proxy-Authorization`), or through an HTTP `CONNECT`
//! tunnel (`https` targets, TLS end to end with the target).
//!
//! The instance metadata service (link-local `169.254.0.0/16`) is never proxied: a proxy
//! cannot reach the instance's own metadata.

use std::fmt;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use hyper::rt::{Read, ReadBufCursor, Write};
use hyper_rustls::{HttpsConnector, MaybeHttpsStream};
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::client::legacy::connect::{Connected, Connection, HttpConnector};
use hyper_util::client::proxy::matcher::Matcher;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tower_service::Service;

use super::TransportSettings;
use crate::error::{Error, Result};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// TCP, then TLS for `https`.
pub(super) type Direct = HttpsConnector<HttpConnector>;

/// Never sent through a proxy.
const ALWAYS_DIRECT: &str = "169.254.0.0/16";

/// The proxy rules of one transport; `None` from [`Proxies::from_settings`] when no proxy is
/// configured or set in the environment.
pub(super) struct Proxies {
    matcher: Matcher,
    tls: Arc<rustls::ClientConfig>,
}

impl fmt::Debug for Proxies {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The matcher's proxy URLs may be private; that a proxy is in play is enough.
        f.write_str("Proxies { .. }")
    }
}

impl Proxies {
    /// The configured proxy (for every target), else the proxy environment variables read
    /// through `var` (set but empty counts as unset); `NO_PROXY` applies to both.
    pub fn from_settings(
        settings: &TransportSettings,
        tls: Arc<rustls::ClientConfig>,
        var: impl Fn(&str) -> Option<std::ffi::OsString>,
    ) -> Result<Option<Self>> {
        let first = |names: [&str; 2]| {
            names
                .iter()
                .find_map(|name| var(name).filter(|v| !v.is_empty()))
                .map(|v| v.to_string_lossy().into_owned())
        };
        let no = match first(["NO_PROXY", "no_proxy"]) {
            Some(no) => format!("{no},{ALWAYS_DIRECT}"),
            None => ALWAYS_DIRECT.to_owned(),
        };
        let builder = match &settings.proxy {
            Some(proxy) => {
                let matcher = Matcher::builder().all(proxy.as_str()).build();
                // The matcher ignores what it cannot parse; a proxy the user configured must
                // not be dropped silently (nor its URL, which may hold a password, shown).
                let probe = http::Uri::from_static("http://example.com/");
                if matcher.intercept(&probe).is_none() {
                    return Err(Error::construction(
                        "invalid proxy URL (expected http://[user:password@]host:port)",
                    ));
                }
                Matcher::builder().all(proxy.as_str())
            }
            None => {
                let all = first(["ALL_PROXY", "all_proxy"]);
                let http = first(["HTTP_PROXY", "http_proxy"]);
                let https = first(["HTTPS_PROXY", "https_proxy"]);
                if all.is_none() && http.is_none() && https.is_none() {
                    return Ok(None);
                }
                Matcher::builder()
                    .all(all.unwrap_or_default())
                    .http(http.unwrap_or_default())
                    .https(https.unwrap_or_default())
            }
        };
        Ok(Some(Self {
            matcher: builder.no(no).build(),
            tls,
        }))
    }

    /// The `Proxy-Authorization` value a plain `http` request to `uri` carries, when it goes
    /// through a proxy with credentials.
    pub fn forward_authorization(&self, uri: &http::Uri) -> Option<http::HeaderValue> {
        if uri.scheme() != Some(&http::uri::Scheme::HTTP) {
            return None;
        }
        self.matcher.intercept(uri)?.basic_auth().cloned()
    }
}

/// Connects to a target directly or through the proxy [`Proxies`] chooses for it.
#[derive(Clone, Debug)]
pub(super) struct ProxyConnector {
    pub direct: Direct,
    pub proxies: Option<Arc<Proxies>>,
}

impl Service<http::Uri> for ProxyConnector {
    type Response = Conn;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = std::result::Result<Conn, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<std::result::Result<(), BoxError>> {
        self.direct.poll_ready(cx)
    }

    fn call(&mut self, dst: http::Uri) -> Self::Future {
        let intercept = self.proxies.as_ref().and_then(|p| {
            let intercept = p.matcher.intercept(&dst)?;
            Some((intercept, Arc::clone(&p.tls)))
        });
        let Some((intercept, tls)) = intercept else {
            let connecting = self.direct.call(dst);
            return Box::pin(async move { Ok(Conn::Direct(connecting.await?)) });
        };
        if dst.scheme() == Some(&http::uri::Scheme::HTTPS) {
            let mut tunnel = Tunnel::new(intercept.uri().clone(), self.direct.clone());
            if let Some(auth) = intercept.basic_auth() {
                tunnel = tunnel.with_auth(auth.clone());
            }
            // TLS with the target, through the tunnel.
            let mut tls_over_tunnel = HttpsConnector::from((tunnel, tls));
            let connecting = tls_over_tunnel.call(dst);
            Box::pin(async move { Ok(Conn::Tunneled(Box::new(connecting.await?))) })
        } else {
            let connecting = self.direct.call(intercept.uri().clone());
            Box::pin(async move { Ok(Conn::Forward(connecting.await?)) })
        }
    }
}

type Stream = MaybeHttpsStream<TokioIo<TcpStream>>;

/// A connection to the target (`Direct`, `Tunneled`) or to a forward proxy (`Forward`, whose
/// requests hyper-util then writes in absolute form).
pub(super) enum Conn {
    Direct(Stream),
    Forward(Stream),
    // Boxed: rare, and the largest.
    Tunneled(Box<MaybeHttpsStream<Stream>>),
}

impl Connection for Conn {
    fn connected(&self) -> Connected {
        match self {
            Self::Direct(s) => s.connected(),
            Self::Forward(s) => s.connected().proxy(true),
            Self::Tunneled(s) => s.connected(),
        }
    }
}

impl Read for Conn {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Self::Direct(s) | Self::Forward(s) => Pin::new(s).poll_read(cx, buf),
            Self::Tunneled(s) => Pin::new(&mut **s).poll_read(cx, buf),
        }
    }
}

impl Write for Conn {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Self::Direct(s) | Self::Forward(s) => Pin::new(s).poll_write(cx, buf),
            Self::Tunneled(s) => Pin::new(&mut **s).poll_write(cx, buf),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Self::Direct(s) | Self::Forward(s) => Pin::new(s).poll_write_vectored(cx, bufs),
            Self::Tunneled(s) => Pin::new(&mut **s).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        match self {
            Self::Direct(s) | Self::Forward(s) => s.is_write_vectored(),
            Self::Tunneled(s) => s.is_write_vectored(),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Self::Direct(s) | Self::Forward(s) => Pin::new(s).poll_flush(cx),
            Self::Tunneled(s) => Pin::new(&mut **s).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Self::Direct(s) | Self::Forward(s) => Pin::new(s).poll_shutdown(cx),
            Self::Tunneled(s) => Pin::new(&mut **s).poll_shutdown(cx),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn proxies(settings: &TransportSettings, env: &[(&str, &str)]) -> Option<Proxies> {
        let env: HashMap<&str, &str> = env.iter().copied().collect();
        let tls = Arc::new(super::super::tls::client_config(settings).unwrap());
        Proxies::from_settings(settings, tls, |name| env.get(name).map(Into::into)).unwrap()
    }

    fn uri(text: &'static str) -> http::Uri {
        http::Uri::from_static(text)
    }

    #[test]
    fn the_environment_and_no_proxy_choose_the_proxy() {
        let plain = TransportSettings::default();
        assert!(proxies(&plain, &[]).is_none());
        assert!(proxies(&plain, &[("HTTPS_PROXY", "")]).is_none());
        let p = proxies(
            &plain,
            &[
                ("https_proxy", "http://u:p%40ss@127.0.0.1:3128"),
                ("no_proxy", "internal.example, 10.0.0.0/8"),
            ],
        )
        .unwrap();
        assert!(p.matcher.intercept(&uri("https://a.example/")).is_some());
        assert!(p.matcher.intercept(&uri("http://a.example/")).is_none());
        assert!(
            p.matcher
                .intercept(&uri("https://x.internal.example/"))
                .is_none()
        );
        assert!(p.matcher.intercept(&uri("https://10.1.2.3/")).is_none());
        assert!(
            p.matcher
                .intercept(&uri("http://169.254.169.254/"))
                .is_none()
        );
        let all = proxies(&plain, &[("ALL_PROXY", "127.0.0.1:3128")]).unwrap();
        assert!(all.matcher.intercept(&uri("http://a.example/")).is_some());
        assert!(
            all.forward_authorization(&uri("http://a.example/"))
                .is_none()
        );
    }

    #[test]
    fn a_configured_proxy_wins_and_carries_its_credentials() {
        let settings = TransportSettings {
            proxy: Some("http://user:secret@127.0.0.1:3128".into()),
            ..TransportSettings::default()
        };
        let p = proxies(&settings, &[("HTTP_PROXY", "http://127.0.0.1:9")]).unwrap();
        let intercept = p.matcher.intercept(&uri("http://a.example/")).unwrap();
        assert_eq!(intercept.uri(), "http://127.0.0.1:3128/");
        // base64("user:secret")
        assert_eq!(
            p.forward_authorization(&uri("http://a.example/")).unwrap(),
            "Basic dXNlcjpzZWNyZXQ="
        );
        assert!(
            p.forward_authorization(&uri("https://a.example/"))
                .is_none()
        );
        assert!(!format!("{p:?}").contains("secret"));
    }

    #[test]
    fn an_unusable_configured_proxy_is_refused_without_showing_it() {
        let settings = TransportSettings {
            proxy: Some("ftp://user:secret@proxy".into()),
            ..TransportSettings::default()
        };
        let tls = Arc::new(super::super::tls::client_config(&settings).unwrap());
        let e = Proxies::from_settings(&settings, tls, |_| None).unwrap_err();
        assert!(e.is_construction(), "{e:?}");
        assert!(!format!("{e} {e:?}").contains("secret"));
    }
}
