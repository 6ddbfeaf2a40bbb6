//! The one error type of the SDK.
//!
//! Every fallible call returns [`Error`]. It is opaque on purpose: ask it what happened through
//! [`Error::kind`] and the predicates ([`Error::is_timeout`], [`Error::is_throttling`],
//! [`Error::is_not_found`], [`Error::is_auth_failure`], [`Error::is_retryable`], ...), and reach
//! the service's answer through [`Error::service_error`].
//!
//! ```
//! use huaweicloud_sdk_core::{Error, ErrorKind};
//!
//! fn explain(error: &Error) -> &'static str {
//!     if error.is_not_found() {
//!         "no such resource"
//!     } else if error.is_throttling() {
//!         "slow down and try again later"
//!     } else if error.is_auth_failure() {
//!         "check the AK/SK, the clock and the region"
//!     } else if error.is_timeout() {
//!         "the service did not answer in time"
//!     } else {
//!         match error.kind() {
//!             ErrorKind::Construction => "the request is invalid; nothing was sent",
//!             ErrorKind::Transport => "the network failed",
//!             _ => "the service refused the request",
//!         }
//!     }
//! }
//!
//! let missing = Error::service(huaweicloud_sdk_core::ServiceError::from_response(
//!     http::StatusCode::NOT_FOUND,
//!     &http::HeaderMap::new(),
//!     br#"{"error_code":"SWR.0002","error_msg":"artifact not found"}"#,
//! ));
//! assert_eq!(explain(&missing), "no such resource");
//! assert_eq!(explain(&Error::credentials("no AK/SK")), "check the AK/SK, the clock and the region");
//! ```
//!
//! # Display, `source()` and secrets
//!
//! `Display` is one line: the SDK's own account of what failed (for a network failure, the
//! server's `host:port`, never a path, query or user info). The underlying causes (the
//! `std::io::Error` of a refused connection, the HTTP client's error) are reachable through
//! [`std::error::Error::source`] and are not repeated in `Display`, so a report that walks the
//! chain (`anyhow`'s `{:#}`, [`Error::report`]) shows each cause once. Text from the
//! server (codes, messages) is escaped: a control character never reaches a log raw. No error
//! holds a request URL's query (a presigned URL's signature) or an endpoint's password.
//!
//! # Troubleshooting
//!
//! * `APIGW.0301` with "verify aksk signature fail"
//!   ([`ServiceError::is_signature_mismatch`]): the AK/SK pair is wrong, or a proxy rewrote
//!   the request after signing. The local endpoint and some gateways echo the canonical request
//!   the server computed: [`ServiceError::canonical_request`]; compare it with a debug log of
//!   this SDK.
//! * "signature expired": the machine's clock is more than 15 minutes off, and the answer had
//!   no `Date` header to correct the signing clock from (see
//!   [`Config::with_clock_skew_correction`](crate::Config::with_clock_skew_correction)).
//! * `is_credentials()`: no provider in the chain produced credentials; the message lists each
//!   provider's reason.

mod display;
mod service;
mod text;

pub use service::{MAX_ERROR_BODY_BYTES, ServiceError};

use std::fmt;
use std::time::Duration;

/// A boxed error source.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// `Result` with the SDK's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong, broadly. Use it to decide what to do; the message says the details.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The request could not be built (bad input, missing required field, bad configuration).
    /// Nothing was sent.
    Construction,
    /// No credentials could be obtained, or they are unusable.
    Credentials,
    /// A timeout fired; see [`Error::timeout_kind`].
    Timeout,
    /// The request or response failed below HTTP: DNS, connect, TLS, reset, broken body.
    Transport,
    /// The service answered with a success status, but the body could not be understood.
    Decode,
    /// The service answered with an error (HTTP status ≥ 400, or an error code in a 2xx body).
    Service,
}

/// Which timeout fired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// Establishing the TCP/TLS connection took too long.
    Connect,
    /// One attempt (send and receive headers) took too long.
    Attempt,
    /// The whole operation, across retries, took too long.
    Total,
    /// Reading the response (headers or body) stalled longer than the read timeout.
    Read,
}

/// The error of every fallible call in the SDK.
#[derive(thiserror::Error)]
#[error(transparent)]
pub struct Error {
    inner: Box<Inner>,
}

/// What an [`Error`] holds. Its `Display` is the error's one line (the parts are in
/// `display.rs`) and its source the attached cause, which that line leaves out.
#[derive(thiserror::Error)]
#[error(
    "{operation}{account}{attempts}{advice}",
    operation = display::Operation(*.operation),
    account = display::Account(self),
    attempts = display::Attempts(*.attempts),
    advice = display::Advice(.advice.as_deref())
)]
struct Inner {
    kind: ErrorKind,
    message: String,
    timeout: Option<TimeoutKind>,
    connect: bool,
    service: Option<ServiceError>,
    status: Option<http::StatusCode>,
    request_id: Option<String>,
    operation: Option<(&'static str, &'static str)>,
    attempts: u32,
    /// `host:port` of the server a transport failure or timeout happened with.
    peer: Option<String>,
    /// What the user can do about it, shown last by `Display`.
    advice: Option<String>,
    source: Option<BoxError>,
}

impl Error {
    fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            inner: Box::new(Inner {
                kind,
                message: message.into(),
                timeout: None,
                connect: false,
                service: None,
                status: None,
                request_id: None,
                operation: None,
                attempts: 0,
                peer: None,
                advice: None,
                source: None,
            }),
        }
    }

    /// A request could not be built; nothing was sent.
    pub fn construction(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Construction, message)
    }

    /// Credentials could not be obtained or used.
    pub fn credentials(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Credentials, message)
    }

    /// A timeout of the given kind fired.
    pub fn timeout(kind: TimeoutKind, limit: Duration) -> Self {
        let what = match kind {
            TimeoutKind::Connect => "connect timeout",
            TimeoutKind::Attempt => "attempt timeout",
            TimeoutKind::Total => "total operation timeout",
            TimeoutKind::Read => "read timeout",
        };
        // A transport that does not report its limits passes zero: say no number then.
        let message = if limit.is_zero() {
            format!("{what} elapsed")
        } else {
            format!("{what} of {limit:?} elapsed")
        };
        let mut e = Self::new(ErrorKind::Timeout, message);
        e.inner.timeout = Some(kind);
        e
    }

    /// A failure below HTTP. `connect` is true when no connection was established, which makes
    /// the request safe to retry whatever its method.
    pub fn transport(message: impl Into<String>, connect: bool) -> Self {
        let mut e = Self::new(ErrorKind::Transport, message);
        e.inner.connect = connect;
        e
    }

    /// A success response whose body could not be decoded.
    pub fn decode(
        message: impl Into<String>,
        status: http::StatusCode,
        request_id: Option<String>,
    ) -> Self {
        let mut e = Self::new(ErrorKind::Decode, message);
        e.inner.status = Some(status);
        e.inner.request_id = request_id;
        e
    }

    /// The service answered with an error.
    pub fn service(error: ServiceError) -> Self {
        let mut e = Self::new(ErrorKind::Service, String::new());
        e.inner.status = Some(error.status());
        e.inner.request_id = error.request_id().map(str::to_owned);
        e.inner.service = Some(error);
        e
    }

    /// Attaches the underlying cause, reachable through [`std::error::Error::source`] and
    /// [`Debug`](fmt::Debug) but not shown by `Display`. It must hold no secret: attach a
    /// `reqwest::Error` through `without_url()`, never an error quoting a presigned URL.
    pub fn with_source(mut self, source: impl Into<BoxError>) -> Self {
        self.inner.source = Some(source.into());
        self
    }

    /// Names the server a transport failure or timeout happened with, as `host:port` (no
    /// scheme, user info, path or query: this is shown by `Display`).
    pub fn with_peer(mut self, host_port: impl Into<String>) -> Self {
        self.inner.peer = Some(host_port.into());
        self
    }

    /// Names the service and operation the error belongs to (the executor does this).
    pub fn with_operation(mut self, service: &'static str, operation: &'static str) -> Self {
        self.inner.operation = Some((service, operation));
        self
    }

    /// Names the response a failure happened on (status and request id), unless already known.
    pub fn with_response(mut self, status: http::StatusCode, request_id: Option<&str>) -> Self {
        if self.inner.status.is_none() {
            self.inner.status = Some(status);
            self.inner.request_id = request_id.map(str::to_owned);
        }
        self
    }

    /// Adds what the user can do about the failure, shown at the end of `Display`.
    pub(crate) fn with_advice(mut self, advice: impl Into<String>) -> Self {
        self.inner.advice = Some(advice.into());
        self
    }

    /// Records how many attempts were made before giving up.
    pub fn with_attempts(mut self, attempts: u32) -> Self {
        self.inner.attempts = attempts;
        self
    }

    /// The error and its causes on one line, `error: cause: cause...`, for a log or a
    /// terminal without `anyhow` (`anyhow`'s `{:#}` shows the same).
    ///
    /// ```
    /// # use huaweicloud_sdk_core::Error;
    /// let io = std::io::Error::new(std::io::ErrorKind::NotFound, "no such file");
    /// let e = Error::construction("cannot read body.json").with_source(io);
    /// assert_eq!(e.to_string(), "cannot read body.json");
    /// assert_eq!(e.report().to_string(), "cannot read body.json: no such file");
    /// ```
    pub fn report(&self) -> Report<'_> {
        Report(self)
    }

    /// What kind of error this is.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The service's error, when the service answered with one.
    pub fn service_error(&self) -> Option<&ServiceError> {
        self.inner.service.as_ref()
    }

    /// Consumes the error and returns the service's error, if any.
    pub fn into_service_error(self) -> Option<ServiceError> {
        self.inner.service
    }

    /// HTTP status of the response, when there was one.
    pub fn status(&self) -> Option<http::StatusCode> {
        self.inner.status
    }

    /// `X-Request-Id` of the response, when there was one: quote it to Huawei Cloud support.
    pub fn request_id(&self) -> Option<&str> {
        self.inner.request_id.as_deref()
    }

    /// The service's error code (e.g. `APIGW.0301`), for service errors.
    pub fn error_code(&self) -> Option<&str> {
        self.inner.service.as_ref().map(ServiceError::error_code)
    }

    /// `host:port` of the server a transport failure or timeout happened with, when known.
    pub fn peer(&self) -> Option<&str> {
        self.inner.peer.as_deref()
    }

    /// Which timeout fired, for timeout errors.
    pub fn timeout_kind(&self) -> Option<TimeoutKind> {
        self.inner.timeout
    }

    /// `(service, operation)` the error came from, when known.
    pub fn operation(&self) -> Option<(&'static str, &'static str)> {
        self.inner.operation
    }

    /// Attempts made before this error was returned (0 when nothing was sent).
    pub fn attempts(&self) -> u32 {
        self.inner.attempts
    }

    /// Nothing was sent: the input or configuration is wrong.
    pub fn is_construction(&self) -> bool {
        self.inner.kind == ErrorKind::Construction
    }

    /// Credentials could not be obtained.
    pub fn is_credentials(&self) -> bool {
        self.inner.kind == ErrorKind::Credentials
    }

    /// A timeout fired, whichever ([`Error::timeout_kind`] says which).
    pub fn is_timeout(&self) -> bool {
        self.inner.kind == ErrorKind::Timeout
    }

    /// A transport failure (connect, TLS, reset, broken body).
    pub fn is_transport(&self) -> bool {
        self.inner.kind == ErrorKind::Transport
    }

    /// No connection could be established; the request never reached the server.
    pub fn is_connect(&self) -> bool {
        self.inner.connect || self.inner.timeout == Some(TimeoutKind::Connect)
    }

    /// A success response could not be decoded.
    pub fn is_decode(&self) -> bool {
        self.inner.kind == ErrorKind::Decode
    }

    /// The service answered with an error.
    pub fn is_service(&self) -> bool {
        self.inner.kind == ErrorKind::Service
    }

    /// The service throttled the request: HTTP 429 or a throttling code (`APIGW.0308`,
    /// `Throttling`, `SlowDown`, ...). Wait before trying again.
    ///
    /// ```
    /// # use huaweicloud_sdk_core::{Error, ServiceError};
    /// let e = Error::service(ServiceError::from_response(
    ///     http::StatusCode::TOO_MANY_REQUESTS,
    ///     &http::HeaderMap::new(),
    ///     br#"{"error_code":"APIGW.0308","error_msg":"The throttling threshold has been reached"}"#,
    /// ));
    /// if e.is_throttling() {
    ///     let wait = e.service_error().and_then(|s| s.retry_after());
    ///     assert_eq!(wait, None);
    /// }
    /// assert!(e.is_throttling() && e.is_retryable());
    /// ```
    pub fn is_throttling(&self) -> bool {
        self.inner
            .service
            .as_ref()
            .is_some_and(ServiceError::is_throttling)
    }

    /// The service answered HTTP 404: the resource (or the API) does not exist.
    ///
    /// ```
    /// # use huaweicloud_sdk_core::{Error, ServiceError};
    /// # let e = Error::service(ServiceError::from_response(
    /// #     http::StatusCode::NOT_FOUND, &http::HeaderMap::new(), b""));
    /// match e.is_not_found() {
    ///     true => println!("nothing to delete"),
    ///     false => return Err(e),
    /// }
    /// # Ok::<(), Error>(())
    /// ```
    pub fn is_not_found(&self) -> bool {
        self.inner.service.is_some() && self.inner.status == Some(http::StatusCode::NOT_FOUND)
    }

    /// Authentication or authorization failed: no usable credentials
    /// ([`is_credentials`](Self::is_credentials)), or the service answered HTTP 401 or 403 or
    /// a gateway authentication code (`APIGW.0301` to `APIGW.0307`: a bad signature, an
    /// expired token, a denied access). Retrying the same request will not help.
    ///
    /// ```
    /// # use huaweicloud_sdk_core::{Error, ServiceError};
    /// let e = Error::service(ServiceError::from_response(
    ///     http::StatusCode::UNAUTHORIZED,
    ///     &http::HeaderMap::new(),
    ///     br#"{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information: verify aksk signature fail"}"#,
    /// ));
    /// if e.is_auth_failure() {
    ///     eprintln!("{e}");
    /// }
    /// assert!(e.is_auth_failure() && !e.is_retryable());
    /// ```
    pub fn is_auth_failure(&self) -> bool {
        self.inner.kind == ErrorKind::Credentials
            || self
                .inner
                .service
                .as_ref()
                .is_some_and(ServiceError::is_auth_failure)
    }

    /// Trying the same request again may succeed: connect failures, timeouts, broken
    /// connections, throttling and 5xx answers other than 501 Not Implemented (the server does
    /// not support the request, and will not on the next attempt either). Whether the SDK
    /// retries also depends on the request being idempotent; see the retry module.
    pub fn is_retryable(&self) -> bool {
        match self.inner.kind {
            ErrorKind::Timeout | ErrorKind::Transport => {
                self.inner.timeout != Some(TimeoutKind::Total)
            }
            ErrorKind::Service => self.inner.service.as_ref().is_some_and(|s| {
                s.is_throttling()
                    || (s.status().is_server_error()
                        && s.status() != http::StatusCode::NOT_IMPLEMENTED)
            }),
            _ => false,
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}

impl fmt::Debug for Inner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Error");
        d.field("kind", &self.kind);
        if let Some((service, operation)) = self.operation {
            d.field("service", &service).field("operation", &operation);
        }
        if !self.message.is_empty() {
            d.field("message", &self.message);
        }
        if let Some(t) = self.timeout {
            d.field("timeout", &t);
        }
        if let Some(s) = &self.service {
            d.field("service_error", s);
        } else {
            if let Some(s) = self.status {
                d.field("status", &s.as_u16());
            }
            if let Some(id) = &self.request_id {
                d.field("request_id", id);
            }
        }
        if self.attempts > 0 {
            d.field("attempts", &self.attempts);
        }
        if let Some(peer) = &self.peer {
            d.field("peer", peer);
        }
        if let Some(advice) = &self.advice {
            d.field("advice", advice);
        }
        if let Some(source) = &self.source {
            d.field("source", source);
        }
        d.finish()
    }
}

/// An [`Error`] and its causes, `error: cause: cause...`; see [`Error::report`].
pub struct Report<'a>(&'a Error);

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        let mut cause = std::error::Error::source(self.0);
        while let Some(c) = cause {
            // A cause's text is not the SDK's: it may hold anything a server sent.
            write!(f, ": {}", text::Escaped::bare(&c.to_string(), usize::MAX))?;
            cause = c.source();
        }
        Ok(())
    }
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_one_informative_line() {
        let se = ServiceError::from_response(
            http::StatusCode::NOT_FOUND,
            &{
                let mut h = http::HeaderMap::new();
                h.insert("x-request-id", http::HeaderValue::from_static("5f0a"));
                h
            },
            br#"{"error_code":"SWR.0002","error_msg":"artifact not found"}"#,
        );
        let e = Error::service(se).with_operation("swr", "ShowInstanceArtifact");
        let s = e.to_string();
        assert_eq!(
            s,
            r#"swr ShowInstanceArtifact: HTTP 404 SWR.0002 "artifact not found" (request id 5f0a)"#
        );
        assert!(!s.contains('\n'));
        assert_eq!(e.request_id(), Some("5f0a"));
        assert_eq!(e.error_code(), Some("SWR.0002"));
        assert!(e.is_service() && !e.is_retryable() && !e.is_throttling());
    }

    #[test]
    fn predicates_follow_kind() {
        let t = Error::timeout(TimeoutKind::Attempt, Duration::from_secs(1));
        assert!(t.is_timeout() && t.is_retryable() && !t.is_connect());
        assert_eq!(t.timeout_kind(), Some(TimeoutKind::Attempt));
        let total = Error::timeout(TimeoutKind::Total, Duration::from_secs(1));
        assert!(!total.is_retryable());
        let c = Error::transport("connection refused", true);
        assert!(c.is_connect() && c.is_retryable());
        assert!(!Error::construction("x").is_retryable());
        let decode = Error::decode("bad", http::StatusCode::OK, Some("rid".into()));
        assert_eq!(
            decode.to_string(),
            "cannot decode response: bad (HTTP 200, request id rid)"
        );
    }

    fn service(status: u16, body: &str) -> Error {
        Error::service(ServiceError::from_response(
            http::StatusCode::from_u16(status).unwrap(),
            &http::HeaderMap::new(),
            body.as_bytes(),
        ))
    }

    #[test]
    fn is_not_found_means_a_404_answer() {
        assert!(service(404, r#"{"error_code":"SWR.0002","error_msg":"gone"}"#).is_not_found());
        assert!(service(404, "").is_not_found());
        assert!(!service(400, "").is_not_found());
        assert!(!service(403, "").is_not_found());
        // A 404 read as a success response is not a "not found" answer.
        let decode = Error::decode("bad", http::StatusCode::NOT_FOUND, None);
        assert!(!decode.is_not_found());
        assert!(!Error::transport("refused", true).is_not_found());
    }

    #[test]
    fn is_auth_failure_covers_credentials_401_403_and_gateway_codes() {
        assert!(service(401, "").is_auth_failure());
        assert!(service(403, "").is_auth_failure());
        let signature = service(
            401,
            r#"{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information: verify aksk signature fail"}"#,
        );
        assert!(signature.is_auth_failure() && !signature.is_retryable());
        assert!(service(400, r#"{"error_code":"APIGW.0305","error_msg":"m"}"#).is_auth_failure());
        assert!(Error::credentials("no credentials").is_auth_failure());
        assert!(!service(404, "").is_auth_failure());
        assert!(!service(500, "").is_auth_failure());
        assert!(!Error::construction("x").is_auth_failure());
    }

    #[test]
    fn is_throttling_covers_429_and_throttling_codes() {
        assert!(service(429, "").is_throttling());
        assert!(service(400, r#"{"error_code":"APIGW.0308","error_msg":"m"}"#).is_throttling());
        assert!(service(400, r#"{"code":"Throttling","message":"m"}"#).is_throttling());
        assert!(!service(500, "").is_throttling());
        assert!(!Error::timeout(TimeoutKind::Read, Duration::ZERO).is_throttling());
    }

    #[test]
    fn is_timeout_covers_every_timeout_kind() {
        for kind in [
            TimeoutKind::Connect,
            TimeoutKind::Attempt,
            TimeoutKind::Total,
            TimeoutKind::Read,
        ] {
            let e = Error::timeout(kind, Duration::from_secs(1));
            assert!(e.is_timeout() && e.timeout_kind() == Some(kind), "{kind:?}");
            assert!(!e.is_transport() && !e.is_service());
        }
        assert!(!Error::transport("reset", false).is_timeout());
        assert!(!service(504, "").is_timeout());
    }

    #[test]
    fn display_leaves_the_source_to_source_and_escapes_the_message() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused by os");
        let e = Error::transport("connection refused", true)
            .with_peer("127.0.0.1:9")
            .with_source(io);
        assert_eq!(e.to_string(), "connection refused (127.0.0.1:9)");
        assert_eq!(
            e.report().to_string(),
            "connection refused (127.0.0.1:9): refused by os"
        );
        let source = std::error::Error::source(&e).unwrap();
        assert_eq!(
            source
                .downcast_ref::<std::io::Error>()
                .map(std::io::Error::kind),
            Some(std::io::ErrorKind::ConnectionRefused)
        );
        let e = Error::credentials("metadata answered \"x\ny\u{1b}[0m\"");
        assert_eq!(e.to_string(), "metadata answered \"x\\ny\\u{1b}[0m\"");
        let e = Error::transport("reset", false)
            .with_peer("h:1")
            .with_response(http::StatusCode::OK, Some("rid"));
        assert_eq!(e.to_string(), "reset (h:1, HTTP 200, request id rid)");
    }

    #[test]
    fn throttling_and_5xx_are_retryable() {
        let h = http::HeaderMap::new();
        let e = Error::service(ServiceError::from_response(
            http::StatusCode::TOO_MANY_REQUESTS,
            &h,
            b"",
        ));
        assert!(e.is_throttling() && e.is_retryable());
        let e = Error::service(ServiceError::from_response(
            http::StatusCode::BAD_GATEWAY,
            &h,
            b"",
        ));
        assert!(!e.is_throttling() && e.is_retryable());
    }
}
