//! What both built-in transports share about failures: the limits they enforce themselves,
//! and error messages that carry the whole cause chain.

use std::time::Duration;

use super::TransportSettings;

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

    /// The read timeout as an error reports it.
    pub fn read_limit(&self) -> Duration {
        self.read.unwrap_or_default()
    }
}

/// `summary: cause: cause...`, the causes of `error` (not `error` itself) in order: HTTP client
/// errors put the useful part (refused, reset, certificate) in their sources.
pub(super) fn with_causes(summary: &str, error: &dyn std::error::Error) -> String {
    let mut message = String::from(summary);
    let mut cause = error.source();
    while let Some(c) = cause {
        message.push_str(": ");
        message.push_str(&c.to_string());
        cause = c.source();
    }
    message
}

/// Whether an `io::ErrorKind::TimedOut` error is among the causes of `error`.
#[cfg(feature = "rustls")]
pub(super) fn caused_by_timeout(error: &dyn std::error::Error) -> bool {
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

    #[test]
    fn messages_carry_the_causes_and_timeouts_are_found_among_them() {
        let refused = Outer(std::io::Error::new(
            std::io::ErrorKind::ConnectionRefused,
            "connection refused",
        ));
        assert_eq!(
            with_causes("connection failed", &refused),
            "connection failed: connection refused"
        );
        #[cfg(feature = "rustls")]
        {
            assert!(!caused_by_timeout(&refused));
            let timed_out = Outer(std::io::Error::new(std::io::ErrorKind::TimedOut, "slow"));
            assert!(caused_by_timeout(&timed_out));
        }
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
