//! What both built-in transports share about failures: the limits they enforce themselves,
//! and how an HTTP client's error becomes the SDK's: a short message of the SDK's own naming
//! the server (`host:port`), the client's error attached as the `source()` (its text is not
//! repeated), and no URL anywhere.

use std::time::Duration;

use super::TransportSettings;
use crate::error::Error;

/// The limits a transport enforces itself, kept to report which one fired.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Timeouts {
    pub connect: Duration,
    /// The longest silence while reading a response; `None` for no limit.
    pub read: Option<Duration>,
}

impl Timeouts {
    pub fn from_settings(settings: &TransportSettings) -> Self {
        Self {
            connect: settings.connect_timeout,
            read: settings.read_timeout,
        }
    }

    /// These timeouts with the read timeout a request carries in its extensions, if any.
    pub fn for_request(self, extensions: &http::Extensions) -> Self {
        match extensions.get::<super::ReadTimeout>() {
            Some(super::ReadTimeout(read)) => Self {
                read: *read,
                ..self
            },
            None => self,
        }
    }

    /// The read timeout as an error reports it.
    pub fn read_limit(&self) -> Duration {
        self.read.unwrap_or_default()
    }
}

/// The server a request goes to, kept to name it in a failure. Cheap: `Authority` shares its
/// bytes with the request's URI.
#[derive(Clone, Debug, Default)]
pub(super) struct Peer {
    authority: Option<http::uri::Authority>,
    https: bool,
}

impl Peer {
    pub fn of(uri: &http::Uri) -> Self {
        Self {
            authority: uri.authority().cloned(),
            https: uri.scheme() == Some(&http::uri::Scheme::HTTPS),
        }
    }

    /// `host:port`, the port written out even when it is the scheme's default. Never the
    /// user info (`Authority::host` drops it), path or query.
    fn host_port(&self) -> Option<String> {
        let authority = self.authority.as_ref()?;
        let default = if self.https { 443 } else { 80 };
        Some(format!(
            "{}:{}",
            authority.host(),
            authority.port_u16().unwrap_or(default)
        ))
    }
}

/// Where in the exchange a failure happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    /// No connection was established.
    Connect,
    /// Sending the request or waiting for the response head.
    Request,
    /// Reading the response body.
    Body,
}

/// A transport error for `source` at `stage`, with `source` attached and the peer named.
/// `source` must hold no URL (see [`reqwest_errors`]).
fn transport_error(
    source: impl std::error::Error + Send + Sync + 'static,
    stage: Stage,
    peer: Option<String>,
) -> Error {
    let error = Error::transport(summary(&source, stage), stage == Stage::Connect);
    named(error.with_source(source), peer)
}

fn named(error: Error, peer: Option<String>) -> Error {
    match peer {
        Some(peer) => error.with_peer(peer),
        None => error,
    }
}

/// What failed, in the SDK's words: the useful part of an HTTP client's error (refused,
/// reset, TLS) is deep in its sources, whose text `Display` does not repeat.
fn summary(error: &(dyn std::error::Error + 'static), stage: Stage) -> &'static str {
    known_cause(error, 0).unwrap_or(match stage {
        Stage::Connect => "connection failed",
        Stage::Request => "request failed",
        Stage::Body => "reading the response body failed",
    })
}

/// Causes deeper than this are not searched (guards a cyclic or endless chain).
const MAX_CAUSES: usize = 32;

/// The summary of the first cause of `error` (itself included) that says what failed.
fn known_cause(error: &(dyn std::error::Error + 'static), depth: usize) -> Option<&'static str> {
    use std::io::ErrorKind as Io;
    if depth > MAX_CAUSES {
        return None;
    }
    if let Some(tls) = tls_summary(error) {
        return Some(tls);
    }
    if let Some(io) = error.downcast_ref::<std::io::Error>() {
        // An `io::Error`'s `source()` skips the error it wraps (hyper-rustls wraps rustls's
        // in one, inside another): look into it first.
        if let Some(inner) = io.get_ref().and_then(|inner| known_cause(inner, depth + 1)) {
            return Some(inner);
        }
        match io.kind() {
            Io::ConnectionRefused => return Some("connection refused"),
            Io::ConnectionReset | Io::ConnectionAborted | Io::BrokenPipe => {
                return Some("connection reset");
            }
            Io::NetworkUnreachable => return Some("network unreachable"),
            Io::HostUnreachable => return Some("host unreachable"),
            _ => {}
        }
    }
    known_cause(error.source()?, depth + 1)
}

/// The summary of a TLS failure, when `error` is one.
#[cfg(feature = "rustls")]
fn tls_summary(error: &(dyn std::error::Error + 'static)) -> Option<&'static str> {
    match error.downcast_ref::<rustls::Error>()? {
        rustls::Error::InvalidCertificate(_) => Some("TLS: the server's certificate was rejected"),
        _ => Some("TLS handshake failed"),
    }
}

#[cfg(not(feature = "rustls"))]
fn tls_summary(_: &(dyn std::error::Error + 'static)) -> Option<&'static str> {
    None
}

/// Whether an `io::ErrorKind::TimedOut` error is among the causes of `error`.
#[cfg(feature = "rustls")]
fn caused_by_timeout(error: &dyn std::error::Error) -> bool {
    let mut cause = error.source();
    while let Some(c) = cause {
        if c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut)
        {
            return true;
        }
        cause = c.source();
    }
    false
}

/// Maps hyper's failures onto the SDK's kinds. hyper's errors hold no URL.
#[cfg(feature = "rustls")]
pub(super) mod hyper_errors {
    use super::{Peer, Stage, Timeouts, caused_by_timeout, named, transport_error};
    use crate::error::{Error, TimeoutKind};

    /// A failed request (connect, send, response head).
    pub fn request(
        error: hyper_util::client::legacy::Error,
        timeouts: Timeouts,
        peer: &Peer,
    ) -> Error {
        let connect = error.is_connect();
        if connect && caused_by_timeout(&error) {
            let timeout = Error::timeout(TimeoutKind::Connect, timeouts.connect);
            return named(timeout.with_source(error), peer.host_port());
        }
        let stage = if connect {
            Stage::Connect
        } else {
            Stage::Request
        };
        transport_error(error, stage, peer.host_port())
    }

    /// A failed read of the response body.
    pub fn body(error: hyper::Error, peer: &Peer) -> Error {
        transport_error(error, Stage::Body, peer.host_port())
    }
}

/// Maps reqwest's failures onto the SDK's kinds. A `reqwest::Error` carries the request's
/// URL, query included (a presigned URL's signature), and shows it in `Display` and `Debug`:
/// it is attached only through `without_url()`, and the server is named by the request's
/// `host:port` alone.
#[cfg(feature = "reqwest")]
pub(super) mod reqwest_errors {
    use super::{Peer, Stage, Timeouts, named, transport_error};
    use crate::error::{Error, TimeoutKind};

    /// Maps any reqwest error of a request to `peer` or of its response body.
    pub fn classify(error: reqwest::Error, timeouts: Timeouts, peer: &Peer) -> Error {
        let peer = peer.host_port();
        let error = error.without_url();
        if error.is_timeout() {
            let timeout = if error.is_connect() {
                Error::timeout(TimeoutKind::Connect, timeouts.connect)
            } else {
                // reqwest's only other timer is its whole-request timeout, which this
                // transport never sets (the executor owns attempt and total timeouts).
                Error::timeout(TimeoutKind::Read, timeouts.read_limit())
            };
            return named(timeout.with_source(error), peer);
        }
        let stage = if error.is_connect() {
            Stage::Connect
        } else if error.is_body() || error.is_decode() {
            Stage::Body
        } else {
            Stage::Request
        };
        transport_error(error, stage, peer)
    }
}

/// Sets `Content-Length` for a body of known, non-zero length unless the request has one.
pub(super) fn set_content_length(headers: &mut http::HeaderMap, length: Option<u64>) {
    if let Some(len) = length.filter(|len| *len > 0) {
        if !headers.contains_key(http::header::CONTENT_LENGTH) {
            headers.insert(http::header::CONTENT_LENGTH, http::HeaderValue::from(len));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Outer(std::io::Error);

    impl std::fmt::Display for Outer {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("client error (Connect)")
        }
    }

    impl std::error::Error for Outer {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }

    fn outer(kind: std::io::ErrorKind) -> Outer {
        Outer(std::io::Error::new(kind, "os says so"))
    }

    #[test]
    fn transport_errors_summarise_keep_the_source_and_name_the_peer() {
        let peer = Peer::of(
            &"https://user:pass@example.com/p?Signature=s"
                .parse()
                .unwrap(),
        );
        assert_eq!(peer.host_port().as_deref(), Some("example.com:443"));
        let peer = Peer::of(&"http://[::1]:8080/".parse().unwrap());
        assert_eq!(peer.host_port().as_deref(), Some("[::1]:8080"));

        let e = transport_error(
            outer(std::io::ErrorKind::ConnectionRefused),
            Stage::Connect,
            Some("127.0.0.1:9".into()),
        );
        assert_eq!(e.to_string(), "connection refused (127.0.0.1:9)");
        assert!(e.is_connect() && e.is_transport());
        let source = std::error::Error::source(&e).unwrap();
        assert_eq!(source.to_string(), "client error (Connect)");
        let e = transport_error(outer(std::io::ErrorKind::Other), Stage::Body, None);
        assert_eq!(e.to_string(), "reading the response body failed");
        assert!(!e.is_connect());
        let e = transport_error(
            outer(std::io::ErrorKind::ConnectionReset),
            Stage::Request,
            None,
        );
        assert_eq!(e.to_string(), "connection reset");
    }

    #[cfg(feature = "rustls")]
    #[test]
    fn timeouts_and_tls_failures_are_found_among_the_causes() {
        let refused = outer(std::io::ErrorKind::ConnectionRefused);
        assert!(!caused_by_timeout(&refused));
        assert!(caused_by_timeout(&outer(std::io::ErrorKind::TimedOut)));
        let tls = Outer(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer),
        ));
        assert_eq!(
            summary(&tls, Stage::Connect),
            "TLS: the server's certificate was rejected"
        );
        let tls = Outer(std::io::Error::other(rustls::Error::DecryptError));
        assert_eq!(summary(&tls, Stage::Connect), "TLS handshake failed");
    }

    #[test]
    fn content_length_only_for_known_non_empty_bodies_without_one() {
        let mut headers = http::HeaderMap::new();
        set_content_length(&mut headers, None);
        set_content_length(&mut headers, Some(0));
        assert!(headers.is_empty());
        set_content_length(&mut headers, Some(42));
        assert_eq!(headers[http::header::CONTENT_LENGTH], "42");
        set_content_length(&mut headers, Some(7));
        assert_eq!(
            headers[http::header::CONTENT_LENGTH],
            "42",
            "the caller's value stays"
        );
    }
}
