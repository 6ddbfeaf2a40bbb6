//! The service's side of an error: status, request id, code, message, raw body.

use std::fmt;

use bytes::Bytes;
use serde_json::{Map, Value};

/// At most this many bytes of an error body are read and kept. A hostile or broken server cannot
/// make the SDK buffer more than this for an error.
pub const MAX_ERROR_BODY_BYTES: usize = 64 * 1024;

/// Key pairs that carry an error's code and message, in the order the official SDKs try them.
const CODE_MESSAGE_KEYS: [(&str, &str); 3] = [
    ("error_code", "error_msg"),
    ("errorCode", "errorMsg"),
    ("code", "message"),
];

/// Nested objects deeper than this are not searched for an error code (guards hostile bodies).
const MAX_NESTING: usize = 16;

/// Error codes the API gateway uses for throttling, besides HTTP 429.
const THROTTLING_CODES: [&str; 3] = ["APIGW.0308", "APIG.0308", "APIGW.0309"];

/// An error answered by a Huawei Cloud service.
///
/// Parsed the way the official SDKs parse it: the code and message come from the first of the
/// pairs `error_code`/`error_msg`, `errorCode`/`errorMsg`, `code`/`message` present in the JSON
/// body, searched at the top level and then inside nested objects; a numeric code becomes its
/// decimal string. When no pair is found, the code is the HTTP status and the message the body.
#[derive(Clone)]
pub struct ServiceError {
    status: http::StatusCode,
    request_id: Option<String>,
    error_code: String,
    error_msg: String,
    encoded_authorization_message: Option<String>,
    retry_after: Option<String>,
    date: Option<String>,
    body: Bytes,
    body_truncated: bool,
}

impl ServiceError {
    /// Parses an error response. `body` is what was read of it; pass at most
    /// [`MAX_ERROR_BODY_BYTES`] (longer input is cut and marked truncated).
    pub fn from_response(status: http::StatusCode, headers: &http::HeaderMap, body: &[u8]) -> Self {
        let truncated = body.len() > MAX_ERROR_BODY_BYTES;
        let body = &body[..body.len().min(MAX_ERROR_BODY_BYTES)];
        Self::from_bounded(status, headers, Bytes::copy_from_slice(body), truncated)
    }

    /// Parses an error response whose body was read with a bound; `truncated` says the body was
    /// longer than what is given.
    pub fn from_bounded(
        status: http::StatusCode,
        headers: &http::HeaderMap,
        body: Bytes,
        truncated: bool,
    ) -> Self {
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let text = String::from_utf8_lossy(&body).into_owned();
        let parsed = serde_json::from_slice::<Value>(&body).ok();
        let object = parsed.as_ref().and_then(Value::as_object);
        let encoded_authorization_message = object
            .and_then(|o| o.get("encoded_authorization_message"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        let (error_code, error_msg) = object
            .and_then(|o| find_code_and_message(o, 0))
            .unwrap_or_else(|| (status.as_u16().to_string(), text));
        let error_msg = redact_security_token(error_msg);
        Self {
            status,
            request_id: header("x-request-id"),
            error_code,
            error_msg,
            encoded_authorization_message,
            retry_after: header("retry-after"),
            date: header("date"),
            body,
            body_truncated: truncated,
        }
    }

    /// Builds a service error from a code and message found in a success body (HSS answers some
    /// failures with HTTP 200 and a non-zero `error_code`).
    pub fn from_body_error(
        status: http::StatusCode,
        request_id: Option<String>,
        error_code: impl Into<String>,
        error_msg: impl Into<String>,
        body: Bytes,
    ) -> Self {
        let truncated = body.len() > MAX_ERROR_BODY_BYTES;
        Self {
            status,
            request_id,
            error_code: error_code.into(),
            error_msg: error_msg.into(),
            encoded_authorization_message: None,
            retry_after: None,
            date: None,
            body: body.slice(..body.len().min(MAX_ERROR_BODY_BYTES)),
            body_truncated: truncated,
        }
    }

    /// HTTP status.
    pub fn status(&self) -> http::StatusCode {
        self.status
    }

    /// `X-Request-Id` response header (matched case-insensitively).
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// Service error code, e.g. `APIGW.0301`; the HTTP status when the body has none.
    pub fn error_code(&self) -> &str {
        &self.error_code
    }

    /// Service error message; the body text when the body has no code/message pair.
    pub fn error_msg(&self) -> &str {
        &self.error_msg
    }

    /// IAM policy-deny detail, when the service sent one.
    pub fn encoded_authorization_message(&self) -> Option<&str> {
        self.encoded_authorization_message.as_deref()
    }

    /// The `Retry-After` header, unparsed.
    pub fn retry_after(&self) -> Option<&str> {
        self.retry_after.as_deref()
    }

    /// The `Date` header, unparsed (the server's clock).
    pub fn date(&self) -> Option<&str> {
        self.date.as_deref()
    }

    /// The raw body (at most [`MAX_ERROR_BODY_BYTES`]).
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// True when the body was longer than what was kept.
    pub fn body_truncated(&self) -> bool {
        self.body_truncated
    }

    /// HTTP 429 or a gateway throttling code.
    pub fn is_throttling(&self) -> bool {
        self.status == http::StatusCode::TOO_MANY_REQUESTS
            || THROTTLING_CODES.contains(&self.error_code.as_str())
    }
}

fn find_code_and_message(object: &Map<String, Value>, depth: usize) -> Option<(String, String)> {
    for (code_key, msg_key) in CODE_MESSAGE_KEYS {
        if let (Some(code), Some(msg)) = (object.get(code_key), object.get(msg_key)) {
            if let (Some(code), Some(msg)) = (scalar_text(code), scalar_text(msg)) {
                return Some((code, msg));
            }
        }
    }
    if depth >= MAX_NESTING {
        return None;
    }
    object
        .values()
        .filter_map(Value::as_object)
        .find_map(|nested| find_code_and_message(nested, depth + 1))
}

/// Gateways may echo the canonical request they computed (with `|` for newlines) in a
/// signature error; it holds the `x-security-token` header value, which must not end up in
/// logs through the error message.
fn redact_security_token(message: String) -> String {
    const NAME: &str = "x-security-token:";
    let lower = message.to_ascii_lowercase();
    if !lower.contains(NAME) {
        return message;
    }
    let mut out = String::with_capacity(message.len());
    let mut rest = message.as_str();
    let mut rest_lower = lower.as_str();
    while let Some(at) = rest_lower.find(NAME) {
        let value_start = at + NAME.len();
        out.push_str(&rest[..value_start]);
        out.push_str("** redacted **");
        let value_len = rest[value_start..]
            .find(['|', '\n', '\r', '"'])
            .unwrap_or(rest.len() - value_start);
        rest = &rest[value_start + value_len..];
        rest_lower = &rest_lower[value_start + value_len..];
    }
    out.push_str(rest);
    out
}

/// At most this many characters of the message go into the one-line `Display`.
const DISPLAY_MESSAGE_CHARS: usize = 512;

/// Strings as they are, numbers as their decimal text, null as empty; anything else is no match.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Null => Some(String::new()),
        _ => None,
    }
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {} {} ", self.status.as_u16(), self.error_code)?;
        match self.error_msg.char_indices().nth(DISPLAY_MESSAGE_CHARS) {
            // A whole HTML error page is not a message: keep the line readable.
            Some((cut, _)) => write!(f, "{:?}", format!("{}…", &self.error_msg[..cut]))?,
            None => write!(f, "{:?}", self.error_msg)?,
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

impl fmt::Debug for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceError")
            .field("status", &self.status.as_u16())
            .field("request_id", &self.request_id)
            .field("error_code", &self.error_code)
            .field("error_msg", &self.error_msg)
            .field(
                "encoded_authorization_message",
                &self.encoded_authorization_message,
            )
            .field("body_len", &self.body.len())
            .field("body_truncated", &self.body_truncated)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(status: u16, body: &str) -> ServiceError {
        ServiceError::from_response(
            http::StatusCode::from_u16(status).unwrap(),
            &http::HeaderMap::new(),
            body.as_bytes(),
        )
    }

    #[test]
    fn deep_nesting_and_odd_types_do_not_match() {
        let e = parse(400, r#"{"error_code":["x"],"error_msg":"m"}"#);
        assert_eq!(e.error_code(), "400");
        let mut deep = String::new();
        for _ in 0..40 {
            deep.push_str(r#"{"a":"#);
        }
        deep.push_str(r#"{"code":"X","message":"y"}"#);
        for _ in 0..40 {
            deep.push('}');
        }
        let e = parse(400, &deep);
        assert_eq!(e.error_code(), "400");
    }

    #[test]
    fn echoed_security_tokens_are_redacted() {
        let e = parse(
            401,
            r#"{"error_code":"APIGW.0301","error_msg":"verify aksk signature fail, canonicalRequest:GET|/v1/|host:x|X-Security-Token:tok-123|x-sdk-date:20260101T000000Z"}"#,
        );
        assert!(!e.error_msg().contains("tok-123"), "{}", e.error_msg());
        assert!(
            e.error_msg()
                .contains("X-Security-Token:** redacted **|x-sdk-date")
        );
        let e = parse(401, "x-security-token:tok-456");
        assert_eq!(e.error_msg(), "x-security-token:** redacted **");
        assert!(!e.to_string().contains("tok-456"));
    }

    #[test]
    fn display_shortens_long_messages_on_char_boundaries() {
        let long = "é".repeat(5000);
        let e = parse(502, &long);
        assert_eq!(
            e.error_msg().chars().count(),
            5000,
            "the message itself is kept whole"
        );
        let shown = e.to_string();
        assert!(shown.chars().count() < 600, "{}", shown.len());
        assert!(shown.contains('…'));
    }

    #[test]
    fn bounds_the_body() {
        let big = vec![b'a'; MAX_ERROR_BODY_BYTES + 10];
        let e = ServiceError::from_response(
            http::StatusCode::INTERNAL_SERVER_ERROR,
            &http::HeaderMap::new(),
            &big,
        );
        assert!(e.body_truncated());
        assert_eq!(e.body().len(), MAX_ERROR_BODY_BYTES);
    }

    #[test]
    fn invalid_utf8_is_lossy_not_fatal() {
        let e = ServiceError::from_response(
            http::StatusCode::BAD_GATEWAY,
            &http::HeaderMap::new(),
            &[0xff, 0xfe, b'x'],
        );
        assert_eq!(e.error_code(), "502");
        assert!(e.error_msg().ends_with('x'));
    }
}
