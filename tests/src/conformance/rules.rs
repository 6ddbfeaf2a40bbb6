//! Named rules: where the official SDK's recorded behaviour is an artifact of its Python HTTP
//! stack or a bug, the runner checks what this SDK returns instead. Each rule is written once,
//! here, and says what the official SDK did and what this SDK does.
//!
//! A rule never skips a vector: it replaces the official expectation with this SDK's, which is
//! then checked like any other.

use huaweicloud_sdk_core::Error;
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

/// The name of rule [`required_field_missing`].
pub const REQUIRED_FIELD_MISSING: &str = "required-field-missing";

/// Named rule `required-field-missing`: where a vector's input lacks a field the official model
/// marks required, the official SDK sends the request anyway (its models check nothing). This
/// SDK refuses before any I/O with a construction error naming the field (`required field `x`
/// is not set` from the builders, or serde's `missing field `x`` when the input does not decode
/// into a required non-optional field). The runner checks that error instead of the wire.
///
/// Returns `None` when `error` is not such an error; `Some(Ok(field))` when it names `field` and
/// `field` really is absent from `input` (nowhere in its tree, so the rule cannot hide a decoding
/// bug); `Some(Err(why))` when it names a field the input holds.
pub fn required_field_missing(input: &Value, error: &Error) -> Option<Result<String, String>> {
    if !error.is_construction() {
        return None;
    }
    let message = error.to_string();
    let field = ["required field `", "missing field `"]
        .iter()
        .find_map(|prefix| {
            let start = message.find(prefix)? + prefix.len();
            let len = message[start..].find('`')?;
            Some(&message[start..start + len])
        })?
        .to_owned();
    // A dotted path names the field by its last segment.
    let leaf = field.rsplit(['.', '/']).next().unwrap_or(&field);
    Some(if holds_key(input, &normalise(leaf)) {
        Err(format!(
            "rule {REQUIRED_FIELD_MISSING}: the error names `{field}`, which the vector's input holds ({message})"
        ))
    } else {
        Ok(field)
    })
}

/// A field name compared across spellings (`x_app_user_id`, `X-App-UserId`, `xAppUserId`).
fn normalise(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '_' | '-'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// True when some object of `value`'s tree has a key spelled `normalised`.
fn holds_key(value: &Value, normalised: &str) -> bool {
    match value {
        Value::Object(map) => map
            .iter()
            .any(|(k, v)| normalise(k) == normalised || holds_key(v, normalised)),
        Value::Array(items) => items.iter().any(|v| holds_key(v, normalised)),
        _ => false,
    }
}

/// The name of rule [`hss_2xx_error_code`].
pub const HSS_2XX_ERROR_CODE: &str = "hss-2xx-error-code";

/// Named rule `hss-2xx-error-code`: HSS reports some failures with a 2xx status and a JSON body
/// holding `error_code` (and `error_description`). The official SDK returns such a response as
/// a success, losing the failure. This SDK returns a service error carrying that code and the
/// `error_description` message instead.
///
/// Returns `Some((code, message))` (a numeric code as its decimal string, an absent message as
/// `""`) when the rule applies: an HSS vector whose canned response has a 2xx status and a JSON
/// object body whose `error_code` is present and neither null, `0` nor `"0"`.
pub fn hss_2xx_error_code(vector: &Value, service: &str) -> Option<(String, String)> {
    if service != "HSS" {
        return None;
    }
    let response = vector.get("response")?;
    let status = response.get("status").and_then(Value::as_u64)?;
    if !(200..300).contains(&status) {
        return None;
    }
    let body: Value = serde_json::from_slice(&vector::message_body(response).ok()?).ok()?;
    let as_text = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    let code = as_text(body.get("error_code")?)?;
    if code == "0" {
        return None;
    }
    let message = body
        .get("error_description")
        .and_then(as_text)
        .unwrap_or_default();
    Some((code, message))
}

/// The name of rule [`query_byte_order`].
pub const QUERY_BYTE_ORDER: &str = "query-byte-order";

/// Named rule `query-byte-order`: the official SDK sorts the query on Python values before
/// encoding, so the repeated key of an integer list goes out in numeric order
/// (`k=4&k=2147483647`), and signs that order. The API gateway verifies the canonical byte order;
/// this SDK sends (and signs) the query sorted by (key bytes, value bytes):
/// `k=2147483647&k=4`.
///
/// Returns the official `target` with its query pairs (each encoded as the official SDK encoded
/// it) re-sorted by their decoded (key, value) bytes, when that order differs from the official
/// one; `None` when the official order already is byte order. Under the rule the target sent
/// must equal the returned one and the signature must verify over the request sent; the
/// recorded signature is not verified (it covers the numeric order, which a verifier of the
/// canonical byte order, as the gateway is, cannot reproduce: the reason for the rule).
pub fn query_byte_order(target: &str) -> Option<String> {
    let (path, query) = target.split_once('?')?;
    let decode = |s: &str| percent_encoding::percent_decode_str(s).collect::<Vec<u8>>();
    let mut pairs: Vec<(Vec<u8>, Vec<u8>, &str)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v), p)
        })
        .collect();
    let official: Vec<&str> = pairs.iter().map(|(_, _, p)| *p).collect();
    pairs.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    let sorted: Vec<&str> = pairs.iter().map(|(_, _, p)| *p).collect();
    (sorted != official).then(|| format!("{path}?{}", sorted.join("&")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn query_byte_order_resorts_only_a_numeric_order() {
        assert_eq!(
            query_byte_order("/p?a=1&k=4&k=2147483647&z=%C3%A9"),
            Some("/p?a=1&k=2147483647&k=4&z=%C3%A9".to_owned())
        );
        assert_eq!(query_byte_order("/p?a=1&k=2147483647&k=4"), None);
        assert_eq!(query_byte_order("/p"), None);
    }

    #[test]
    fn required_field_missing_checks_the_field_is_absent() {
        let input = json!({"project_id": "p", "body": {"name": "n"}});
        let missing = Error::construction("required field `issue_id` is not set");
        assert_eq!(
            required_field_missing(&input, &missing),
            Some(Ok("issue_id".to_owned()))
        );
        let serde = Error::construction("does not decode: missing field `name`");
        assert!(matches!(
            required_field_missing(&input, &serde),
            Some(Err(_))
        ));
        let other = Error::construction("something else");
        assert_eq!(required_field_missing(&input, &other), None);
    }

    #[test]
    fn hss_2xx_error_code_applies_to_a_non_zero_code() {
        let vector =
            |body: &str| json!({"response": {"status": 200, "headers": [], "body_utf8": body}});
        let failing = vector(r#"{"error_code": 635654303, "error_description": "d"}"#);
        assert_eq!(
            hss_2xx_error_code(&failing, "HSS"),
            Some(("635654303".to_owned(), "d".to_owned()))
        );
        assert_eq!(hss_2xx_error_code(&failing, "SWR"), None);
        assert_eq!(
            hss_2xx_error_code(&vector(r#"{"error_code": "0"}"#), "HSS"),
            None
        );
        assert_eq!(hss_2xx_error_code(&vector(r#"{"total": 1}"#), "HSS"), None);
    }
}
