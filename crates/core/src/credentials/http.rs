//! The HTTP exchanges of the providers that fetch temporary credentials (instance metadata,
//! OIDC federation, CCE pod identity): which transport carries them, one bounded request and
//! answer within a timeout, and error text that shows no secret.

use std::sync::OnceLock;
use std::time::Duration;

use tracing::Instrument;

use super::CredentialsContext;
use crate::body::RequestBody;
use crate::error::{Error, Result, TimeoutKind};
use crate::transport::{SharedTransport, TransportSettings};

/// A provider's own transport, built at its first request (the outcome is kept, failure
/// included, so a broken build is not retried at every call).
pub(super) type OwnTransport = OnceLock<std::result::Result<SharedTransport, String>>;

/// The transport of a provider's request: `explicit` (the provider's `with_transport`), else
/// the transport of the client whose call needs credentials (`context`'s), else the provider's
/// own one, built with `settings` (`direct`: ignoring the proxy environment variables).
pub(super) fn pick_transport(
    explicit: Option<&SharedTransport>,
    context: &CredentialsContext,
    own: &OwnTransport,
    settings: impl FnOnce() -> TransportSettings,
    direct: bool,
    label: &str,
) -> Result<SharedTransport> {
    if let Some(transport) = explicit {
        return Ok(transport.clone());
    }
    if let Some(transport) = context.transport() {
        return Ok(transport.clone());
    }
    let built = own.get_or_init(|| {
        let settings = settings();
        let built = if direct {
            crate::transport::direct_transport(&settings)
        } else {
            crate::transport::default_transport(&settings)
        };
        built.map_err(|e| e.to_string())
    });
    built
        .clone()
        .map_err(|e| Error::credentials(format!("{label}: cannot build the HTTP transport: {e}")))
}

/// An answer read whole, its body bounded.
pub(super) struct Reply {
    pub status: http::StatusCode,
    pub headers: http::HeaderMap,
    pub body: Vec<u8>,
}

/// Why an exchange has no [`Reply`].
pub(super) enum Failure {
    /// The transport's error, or the timeout's.
    Transport(Error),
    /// The body is longer than allowed.
    TooLarge,
}

/// Sends `request` and reads its answer, at most `max_body` bytes of body, all within
/// `timeout`, inside a debug span named after `what` (never the headers or bodies).
pub(super) async fn send_bounded(
    transport: &SharedTransport,
    request: http::Request<RequestBody>,
    timeout: Duration,
    max_body: usize,
    what: &str,
) -> std::result::Result<Reply, Failure> {
    let exchange = async {
        let response = transport.send(request).await?;
        let (parts, mut body) = response.into_parts();
        let mut bytes = Vec::new();
        while let Some(chunk) = futures_util::StreamExt::next(&mut body).await {
            let chunk = chunk?;
            if bytes.len() + chunk.len() > max_body {
                return Ok(None);
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok::<_, Error>(Some(Reply {
            status: parts.status,
            headers: parts.headers,
            body: bytes,
        }))
    };
    let span = tracing::debug_span!("huaweicloud.credentials", request = what);
    let outcome = tokio::time::timeout(timeout, exchange.instrument(span))
        .await
        .unwrap_or_else(|_| Err(Error::timeout(TimeoutKind::Total, timeout)));
    match outcome {
        Ok(Some(reply)) => Ok(reply),
        Ok(None) => Err(Failure::TooLarge),
        Err(e) => Err(Failure::Transport(e)),
    }
}

/// The credentials error for a failed exchange: `{label}: {what} to {target} ...`.
pub(super) fn failure_error(
    failure: Failure,
    label: &str,
    what: &str,
    target: &str,
    timeout: Duration,
    max_body: usize,
) -> Error {
    match failure {
        Failure::TooLarge => Error::credentials(format!(
            "{label}: the response to {what} ({target}) is larger than {max_body} bytes"
        )),
        Failure::Transport(e) if e.is_timeout() => Error::credentials(format!(
            "{label}: {what} to {target} timed out after {timeout:?}"
        )),
        Failure::Transport(e) => {
            Error::credentials(format!("{label}: {what} to {target} failed: {e}"))
        }
    }
}

/// `: <first 200 chars of the body, on one line>`, or nothing for an empty body. Each of
/// `secrets` found in it is replaced by `** redacted **` (a server may echo what it was sent).
pub(super) fn body_excerpt(body: &[u8], secrets: &[&str]) -> String {
    let excerpt = redacted_line(&String::from_utf8_lossy(body), secrets, 200);
    if excerpt.is_empty() {
        String::new()
    } else {
        format!(": {excerpt}")
    }
}

/// Server text for an error message: trimmed, each of `secrets` replaced by `** redacted **`,
/// control characters turned into spaces (one line), at most `max_chars` characters and then
/// `…`.
pub(super) fn redacted_line(text: &str, secrets: &[&str], max_chars: usize) -> String {
    let mut text = text.trim().to_owned();
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        text = text.replace(secret, "** redacted **");
    }
    let mut line: String = text
        .chars()
        .take(max_chars)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text.chars().nth(max_chars).is_some() {
        line.push('…');
    }
    line
}

/// `, request id <id>` from `X-IAM-Trace-Id` or `X-Request-Id`, or nothing.
pub(super) fn request_id_note(headers: &http::HeaderMap) -> String {
    ["x-iam-trace-id", "x-request-id"]
        .into_iter()
        .find_map(|name| headers.get(name)?.to_str().ok())
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .map(|id| format!(" (request id {id})"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_is_short_single_line_and_redacted() {
        assert_eq!(body_excerpt(b"", &[]), "");
        assert_eq!(body_excerpt(b" a\nb ", &[]), ": a b");
        let long = "x".repeat(500);
        let e = body_excerpt(long.as_bytes(), &[]);
        assert_eq!(e.chars().count(), 2 + 200 + 1);
        assert_eq!(
            body_excerpt(b"bad token tok-123", &["tok-123", ""]),
            ": bad token ** redacted **"
        );
    }

    #[test]
    fn request_id_prefers_the_iam_trace_id() {
        let mut headers = http::HeaderMap::new();
        assert_eq!(request_id_note(&headers), "");
        headers.insert("x-request-id", http::HeaderValue::from_static("rid"));
        assert_eq!(request_id_note(&headers), " (request id rid)");
        headers.insert("x-iam-trace-id", http::HeaderValue::from_static("trace"));
        assert_eq!(request_id_note(&headers), " (request id trace)");
    }
}
