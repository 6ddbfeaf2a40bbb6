//! The service's side of an error: status, request id, code, message, raw body.

use std::fmt;

use bytes::Bytes;
use serde_json::{Map, Value};

use super::text::Escaped;

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

/// Error codes that mean "too many requests", besides HTTP 429: the API gateway's (`APIGW.0308`
/// "the throttling threshold has been reached", under both of its prefixes) and the S3-style
/// names OBS and some services answer with (`SlowDown` comes with a 503).
const THROTTLING_CODES: [&str; 8] = [
    "APIGW.0308",
    "APIG.0308",
    "APIGW.0309",
    "Throttling",
    "ThrottlingException",
    "TooManyRequests",
    "RequestLimitExceeded",
    "SlowDown",
];

/// API gateway codes of a failed authentication or authorization (IAM or app credentials,
/// denied access, expired token): `0301` to `0307` under both prefixes.
const AUTH_CODES: [&str; 14] = [
    "APIGW.0301",
    "APIGW.0302",
    "APIGW.0303",
    "APIGW.0304",
    "APIGW.0305",
    "APIGW.0306",
    "APIGW.0307",
    "APIG.0301",
    "APIG.0302",
    "APIG.0303",
    "APIG.0304",
    "APIG.0305",
    "APIG.0306",
    "APIG.0307",
];

/// The gateway code of "Incorrect IAM authentication information", a bad AK/SK signature among
/// others.
const IAM_AUTH_CODES: [&str; 2] = ["APIGW.0301", "APIG.0301"];

/// What precedes the canonical request a gateway echoes in a signature error.
const CANONICAL_REQUEST_MARKER: &str = "canonicalRequest";

/// At most this many characters of the error code go into the one-line `Display`.
const DISPLAY_CODE_CHARS: usize = 64;

/// An error answered by a Huawei Cloud service.
///
/// Parsed the way the official SDKs parse it: the code and message come from the first of the
/// pairs `error_code`/`error_msg`, `errorCode`/`errorMsg`, `code`/`message` present in the JSON
/// body, searched at the top level and then inside nested objects; a numeric code becomes its
/// decimal string. When no pair is found, the code is the HTTP status and the message the body.
///
/// `Display` is one line, `HTTP <status> <code> "<message>" (request id <id>)`, with the
/// server's text escaped and cut; the accessors give it as sent.
#[derive(Clone, thiserror::Error)]
#[error(
    "HTTP {status} {code} {hint}{message}{request_id}",
    status = .status.as_u16(),
    code = Escaped::bare(.error_code, DISPLAY_CODE_CHARS),
    // The echoed canonical request is hundreds of characters of escaped newlines that hide
    // the point: say what to check, and leave the details to `canonical_request`.
    hint = if self.is_signature_mismatch() { SIGNATURE_MISMATCH_HINT } else { "" },
    message = Escaped::quoted(self.short_message(), DISPLAY_MESSAGE_CHARS),
    request_id = RequestIdSuffix(.request_id.as_deref())
)]
pub struct ServiceError {
    status: http::StatusCode,
    request_id: Option<String>,
    error_code: String,
    error_msg: String,
    encoded_authorization_message: Option<String>,
    retry_after: Option<String>,
    date: Option<String>,
    // The answer's headers (a server's, never a request's: no credential is among them).
    headers: http::HeaderMap,
    body: Bytes,
    body_truncated: bool,
}

impl ServiceError {
    /// Parses an error response. `body` is what was read of it; pass at most
    /// [`MAX_ERROR_BODY_BYTES`] (longer input is cut and marked truncated).
    pub fn from_response(status: http::StatusCode, headers: &http::HeaderMap, body: &[u8]) -> Self {
        let truncated = body.len() > MAX_ERROR_BODY_BYTES;
        let body = body.get(..MAX_ERROR_BODY_BYTES).unwrap_or(body);
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
        let body = redact_body(body);
        Self {
            status,
            request_id: header("x-request-id"),
            error_code,
            error_msg,
            encoded_authorization_message,
            retry_after: header("retry-after"),
            date: header("date"),
            headers: headers.clone(),
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
            headers: http::HeaderMap::new(),
            body: if truncated {
                body.slice(..MAX_ERROR_BODY_BYTES)
            } else {
                body
            },
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

    /// The headers of the answer (empty for an error found in a success body).
    pub fn headers(&self) -> &http::HeaderMap {
        &self.headers
    }

    /// The body as received (at most [`MAX_ERROR_BODY_BYTES`]), except that a security token
    /// the server echoed (`x-security-token:<value>` in a canonical request) is redacted, as in
    /// [`error_msg`](Self::error_msg).
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// True when the body was longer than what was kept.
    pub fn body_truncated(&self) -> bool {
        self.body_truncated
    }

    /// HTTP 429 or a throttling code (`APIGW.0308`, `Throttling`, `SlowDown`, ...).
    pub fn is_throttling(&self) -> bool {
        self.status == http::StatusCode::TOO_MANY_REQUESTS
            || THROTTLING_CODES.contains(&self.error_code.as_str())
    }

    /// HTTP 401 or 403, or a gateway authentication code (`APIGW.0301` to `APIGW.0307`).
    pub fn is_auth_failure(&self) -> bool {
        matches!(
            self.status,
            http::StatusCode::UNAUTHORIZED | http::StatusCode::FORBIDDEN
        ) || AUTH_CODES.contains(&self.error_code.as_str())
    }

    /// The gateway could not verify the request's AK/SK signature (`APIGW.0301` "verify aksk
    /// signature fail"): a wrong AK/SK pair, or a request changed after signing. See
    /// [`canonical_request`](Self::canonical_request) for what the server signed.
    pub fn is_signature_mismatch(&self) -> bool {
        IAM_AUTH_CODES.contains(&self.error_code.as_str())
            && (self.error_msg.contains("signature fail") || self.canonical_request().is_some())
    }

    /// The canonical request the server computed, when its message echoes one (the local
    /// endpoint and some gateways do, after `canonicalRequest:`). Compare it with the
    /// canonical request in this SDK's debug log to see which part differs. Security tokens in
    /// it are redacted.
    pub fn canonical_request(&self) -> Option<&str> {
        let (_, rest) = self.error_msg.split_once(CANONICAL_REQUEST_MARKER)?;
        Some(rest.trim_start_matches([':', '=', ' ']))
    }

    /// The message without an echoed canonical request.
    fn short_message(&self) -> &str {
        match self.error_msg.split_once(CANONICAL_REQUEST_MARKER) {
            Some((before, _)) => before.trim_end_matches([',', ':', ';', ' ']),
            None => &self.error_msg,
        }
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
    // Lowercasing ASCII keeps byte offsets: a position in `lower` is the same one in `message`.
    let mut from = 0;
    while let Some(at) = lower.get(from..).and_then(|rest| rest.find(NAME)) {
        let value_start = from + at + NAME.len();
        out.push_str(message.get(from..value_start).unwrap_or_default());
        out.push_str("** redacted **");
        let value_len = message
            .get(value_start..)
            .and_then(|value| value.find(['|', '\n', '\r', '"']))
            .unwrap_or(message.len() - value_start);
        from = value_start + value_len;
    }
    out.push_str(message.get(from..).unwrap_or_default());
    out
}

/// The body with [`redact_security_token`] applied when it echoes a token; other bodies are
/// kept byte for byte.
fn redact_body(body: Bytes) -> Bytes {
    const NAME: &[u8] = b"x-security-token:";
    let echoes_token = body
        .windows(NAME.len())
        .any(|window| window.eq_ignore_ascii_case(NAME));
    if !echoes_token {
        return body;
    }
    Bytes::from(redact_security_token(
        String::from_utf8_lossy(&body).into_owned(),
    ))
}

/// At most this many characters of the message go into the one-line `Display`.
const DISPLAY_MESSAGE_CHARS: usize = 512;

/// What `Display` puts before the message of a signature mismatch.
const SIGNATURE_MISMATCH_HINT: &str =
    "signature mismatch, check the AK/SK, the clock and the region: ";

/// Strings as they are, numbers as their decimal text, null as empty; anything else is no match.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Null => Some(String::new()),
        _ => None,
    }
}

/// ` (request id <id>)` when the response had one, else nothing.
struct RequestIdSuffix<'a>(Option<&'a str>);

impl fmt::Display for RequestIdSuffix<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(id) => write!(
                f,
                " (request id {})",
                Escaped::bare(id, DISPLAY_MESSAGE_CHARS)
            ),
            None => Ok(()),
        }
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
        let body = String::from_utf8_lossy(e.body()).into_owned();
        assert!(!body.contains("tok-123"), "{body}");
        assert!(body.contains("X-Security-Token:** redacted **|x-sdk-date"));
        let e = parse(401, "x-security-token:tok-456");
        assert_eq!(e.error_msg(), "x-security-token:** redacted **");
        assert!(!e.to_string().contains("tok-456"));
        assert_eq!(&e.body()[..], b"x-security-token:** redacted **");
        // A body echoing no token is kept byte for byte, invalid UTF-8 included.
        let raw: &[u8] = b"{\"code\":\"X\",\"message\":\"\xff\"}";
        let e = ServiceError::from_response(
            http::StatusCode::BAD_REQUEST,
            &http::HeaderMap::new(),
            raw,
        );
        assert_eq!(&e.body()[..], raw);
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

    /// The golden shape (`responses.json`) and the local endpoint's, which echoes the
    /// canonical request it computed.
    const GOLDEN_0301: &str = r#"{"error_msg":"Incorrect IAM authentication information: verify aksk signature fail","error_code":"APIGW.0301","request_id":"d4b6b8ac6f7c0f2f6e9a3b4c5d6e7f80"}"#;

    fn local_0301() -> String {
        let canonical = format!(
            "GET\n/v2/manage/instances/{}/namespaces/library/repositories/nginx/artifacts/latest/\n\n\
             content-type:application/json\nhost:127.0.0.1:43127\nx-project-id:{}\n\
             x-sdk-date:20260101T000000Z\n\ncontent-type;host;x-project-id;x-sdk-date\n{}",
            "7c3e".repeat(8),
            "0a1b".repeat(8),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        serde_json::json!({
            "error_msg": format!(
                "Incorrect IAM authentication information: verify aksk signature fail, \
                 canonicalRequest: {canonical}"
            ),
            "error_code": "APIGW.0301",
            "request_id": "local-rid",
        })
        .to_string()
    }

    #[test]
    fn a_signature_mismatch_says_what_to_check_and_keeps_the_canonical_request_aside() {
        let hint = "signature mismatch, check the AK/SK, the clock and the region";
        let golden = parse(401, GOLDEN_0301);
        assert!(golden.is_signature_mismatch() && golden.is_auth_failure());
        assert_eq!(golden.canonical_request(), None);
        assert_eq!(
            golden.to_string(),
            format!(
                "HTTP 401 APIGW.0301 {hint}: \"Incorrect IAM authentication information: \
                 verify aksk signature fail\""
            )
        );

        let local = parse(401, &local_0301());
        assert!(local.is_signature_mismatch());
        let shown = local.to_string();
        assert_eq!(
            shown,
            format!(
                "HTTP 401 APIGW.0301 {hint}: \"Incorrect IAM authentication information: \
                 verify aksk signature fail\""
            )
        );
        assert!(shown.len() < 200, "{}", shown.len());
        let canonical = local.canonical_request().unwrap();
        assert!(
            canonical.starts_with("GET\n/v2/manage/instances/"),
            "{canonical}"
        );
        assert!(canonical.ends_with("7852b855"), "{canonical}");
        assert!(
            local.error_msg().contains("canonicalRequest: GET\n"),
            "the message itself is kept whole"
        );

        // Other 401s keep their message and get no hint.
        let expired = parse(
            401,
            r#"{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information: signature expired"}"#,
        );
        assert!(!expired.is_signature_mismatch() && expired.is_auth_failure());
        assert!(!expired.to_string().contains(hint));
        let denied = parse(
            403,
            r#"{"error_code":"APIGW.0302","error_msg":"The IAM user is not authorized"}"#,
        );
        assert!(!denied.is_signature_mismatch() && denied.is_auth_failure());
    }

    #[test]
    fn server_text_reaches_display_with_its_controls_escaped() {
        let body = serde_json::json!({
            "error_code": "X.1\n2026-01-01 INFO forged\r\u{1b}[2K",
            "error_msg": "bad\nINFO forged line\r\u{1b}]0;title\u{7}\u{85}\u{9b}31m\u{202e}",
        })
        .to_string();
        let json = parse(400, &body);
        // OBS XML errors are built from `<Code>` and `<Message>` this way.
        let obs = ServiceError::from_body_error(
            http::StatusCode::FORBIDDEN,
            Some("obs-rid".into()),
            "AccessDenied\n\u{1b}[31m",
            "Access Denied\r\nHTTP/1.1 200 OK",
            Bytes::new(),
        );
        for e in [&json, &obs] {
            let shown = e.to_string();
            assert!(
                !shown.chars().any(|c| c.is_control()),
                "a control character in {shown:?}"
            );
            assert!(!shown.contains('\u{202e}'), "{shown:?}");
        }
        assert_eq!(
            json.to_string(),
            "HTTP 400 X.1\\n2026-01-01 INFO forged\\r\\u{1b}[2K \"bad\\nINFO forged \
             line\\r\\u{1b}]0;title\\u{7}\\u{85}\\u{9b}31m\\u{202e}\""
        );
        assert_eq!(
            obs.to_string(),
            "HTTP 403 AccessDenied\\n\\u{1b}[31m \"Access Denied\\r\\nHTTP/1.1 200 OK\" \
             (request id obs-rid)"
        );
        // The accessors give the text as the server sent it.
        assert_eq!(obs.error_code(), "AccessDenied\n\u{1b}[31m");
    }

    #[test]
    fn is_a_std_error_without_a_source() {
        let e = parse(404, r#"{"error_code":"SWR.0002","error_msg":"gone"}"#);
        let e: &dyn std::error::Error = &e;
        assert!(e.source().is_none());
        assert_eq!(e.to_string(), "HTTP 404 SWR.0002 \"gone\"");
    }

    #[test]
    fn a_huge_code_is_cut_in_display() {
        let body = serde_json::json!({"error_code": "C".repeat(10_000), "error_msg": "m"});
        let shown = parse(400, &body.to_string()).to_string();
        assert!(shown.len() < 100, "{shown}");
    }

    #[test]
    fn throttling_and_auth_codes() {
        for (status, code) in [
            (429, "ANY.0001"),
            (400, "APIGW.0308"),
            (400, "APIG.0308"),
            (400, "Throttling"),
            (503, "SlowDown"),
        ] {
            let body = format!(r#"{{"error_code":"{code}","error_msg":"m"}}"#);
            assert!(parse(status, &body).is_throttling(), "{status} {code}");
        }
        assert!(!parse(400, r#"{"error_code":"APIGW.0301","error_msg":"m"}"#).is_throttling());
        for (status, code) in [
            (401, "IAM.0001"),
            (403, "SWR.0403"),
            (400, "APIGW.0303"),
            (400, "APIG.0307"),
        ] {
            let body = format!(r#"{{"error_code":"{code}","error_msg":"m"}}"#);
            assert!(parse(status, &body).is_auth_failure(), "{status} {code}");
        }
        assert!(!parse(404, r#"{"error_code":"APIG.0101","error_msg":"m"}"#).is_auth_failure());
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
