//! Named rules: where the official SDK's recorded behaviour is an artifact of its Python HTTP
//! stack or a bug, the runner checks what this SDK returns instead. Each rule is written once,
//! here, and says what the official SDK did and what this SDK does.
//!
//! A rule never skips a vector: it replaces the official expectation with this SDK's, which is
//! then checked like any other.

use serde_json::Value;

use super::vector;

/// What this SDK must report for one error response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedError {
    /// HTTP status.
    pub status: u16,
    /// `X-Request-Id` of the response (`None` when the official SDK had none or `""`).
    pub request_id: Option<String>,
    /// The service's error code (a numeric code as its decimal string).
    pub error_code: String,
    /// The service's error message.
    pub error_msg: String,
    /// `encoded_authorization_message` of the body, when there is one.
    pub encoded_authorization_message: Option<String>,
}

impl ExpectedError {
    /// What the official SDK reported for an error vector (`result.kind == "error"`).
    pub fn official(vector: &Value) -> Result<Self, String> {
        let result = vector.get("result").ok_or("no result")?;
        let text = |key: &str| -> Result<Option<String>, String> {
            match result.get(key) {
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(Value::Number(n)) => Ok(Some(n.to_string())),
                Some(Value::Null) | None => Ok(None),
                Some(other) => Err(format!("unexpected result.{key}: {other}")),
            }
        };
        let status = result
            .get("status_code")
            .and_then(Value::as_u64)
            .and_then(|s| u16::try_from(s).ok())
            .ok_or("no result.status_code")?;
        Ok(Self {
            status,
            // The official SDK reports a missing request id as "" in some paths, None in others.
            request_id: text("request_id")?.filter(|s| !s.is_empty()),
            error_code: text("error_code")?.unwrap_or_default(),
            error_msg: text("error_msg")?.unwrap_or_default(),
            encoded_authorization_message: text("encoded_authorization_message")?,
        })
    }
}

/// The name of rule [`urllib3_429_exhaustion`].
pub const URLLIB3_429_EXHAUSTION: &str = "urllib3-429-exhaustion";

/// Named rule `urllib3-429-exhaustion`: the official SDK, configured with urllib3 retries on 429,
/// replaces the service's answer with urllib3's "Max retries exceeded ... too many 429 error
/// responses" text, code "429" and no request id. That is a Python-stack artifact. This SDK
/// reports the service's own 429 answer instead: the code, message and request id the service
/// sent, parsed like any other error.
///
/// Returns this SDK's expectation when the rule applies to `vector` (an error vector whose
/// official result is `official`), `None` otherwise.
pub fn urllib3_429_exhaustion(vector: &Value, official: &ExpectedError) -> Option<ExpectedError> {
    let artifact = official.status == 429
        && official.error_msg.contains("Max retries exceeded")
        && official.error_msg.contains("too many 429 error responses");
    if !artifact {
        return None;
    }
    let response = vector.get("response")?;
    let body: Value = serde_json::from_slice(&vector::message_body(response).ok()?).ok()?;
    let headers = vector::pairs(response.get("headers")).ok()?;
    Some(ExpectedError {
        status: 429,
        request_id: headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("x-request-id"))
            .map(|(_, v)| v.clone()),
        error_code: body.get("error_code")?.as_str()?.to_owned(),
        error_msg: body.get("error_msg")?.as_str()?.to_owned(),
        encoded_authorization_message: None,
    })
}

/// The name of rule [`truncated_download`].
pub const TRUNCATED_DOWNLOAD: &str = "truncated-download";

/// Named rule `truncated-download`: when a binary response declares a `Content-Length` larger
/// than the bytes the server sends before closing the connection, the official SDK (requests
/// streaming the raw urllib3 body) returns the short body as if it were the whole file
/// (`body_intact: false`). A silently truncated download is a bug. This SDK fails the operation
/// with a transport error ("reading the response body failed") instead of returning a short
/// body.
///
/// Returns `Some((declared, sent))` when the rule applies to the success `vector`: its official
/// body is not intact and the canned response declares more bytes than it holds.
pub fn truncated_download(vector: &Value) -> Option<(u64, u64)> {
    let result = vector.get("result")?;
    if result.get("body_intact").and_then(Value::as_bool) != Some(false) {
        return None;
    }
    let response = vector.get("response")?;
    let headers = vector::pairs(response.get("headers")).ok()?;
    let declared: u64 = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))?
        .1
        .trim()
        .parse()
        .ok()?;
    let sent = u64::try_from(vector::message_body(response).ok()?.len()).ok()?;
    (declared > sent).then_some((declared, sent))
}
