//! `responses.json`: a canned response fed to the operation, and what the operation returns
//! against what the official SDK returned.
//!
//! Success: the output serialised with serde (the response body with the service's JSON key
//! names) must equal the official `result.to_json_object` (in the older vectors, which have no
//! `service` and whose `to_json_object` is the raw body, `result.to_dict`) field by field (a field the official SDK has as null is absent here, so
//! nulls are stripped on both sides; numbers compare by value: the official SDK's float fields
//! may hold ints); each response-header field of the output must equal `result.to_dict[attr]`,
//! and every header the canned response declares (its `X-Request-Id`, `Content-Type` and
//! `Content-Length` aside) must be one of the output's header fields; the output's request id
//! must be the response's `X-Request-Id` (and `x_request_id` when the official response exposes
//! it). Binary downloads must return the official bytes exactly, with the response's content type
//! and length. Errors: same status, request id, error code, message and encoded authorization
//! message. The request sent must also have the vector's method and target.
//!
//! Rules: `required-field-missing`, `hss-2xx-error-code`, `query-byte-order`,
//! `urllib3-429-exhaustion` and `truncated-download`; see [`super::rules`].

use huaweicloud_sdk_core::Error;
use huaweicloud_sdk_core::signer::hex_sha256;
use serde_json::{Map, Value};

use super::capture::{CannedResponse, CaptureServer};
use super::rules::{self, ExpectedError};
use super::vector::{self, Setup, opt_text, pairs, text};
use super::{Outcome, Verdict, operations};

/// Checks one response vector: what differs (nothing when it matches) and the rules applied.
pub(crate) async fn check(vector: &Value) -> Verdict {
    let mut verdict = Verdict::default();
    if let Err(e) = run(vector, &mut verdict).await {
        verdict.problems.push(e);
    }
    verdict
}

async fn run(vector: &Value, verdict: &mut Verdict) -> Result<(), String> {
    let service = vector::service(vector)?;
    let operation = text(vector, "/operation")?;
    let response = vector.get("response").ok_or("no response")?;
    let status = response
        .get("status")
        .and_then(Value::as_u64)
        .and_then(|s| u16::try_from(s).ok())
        .ok_or("no response.status")?;
    let canned = CannedResponse {
        status,
        headers: pairs(response.get("headers"))?,
        body: vector::message_body(response)?,
    };
    let label = opt_text(vector, "/signing_algorithm").unwrap_or("SDK-HMAC-SHA256");
    // A response vector's signature is not checked: a V11 scope, if needed, comes from the
    // endpoint (`service.region.host`).
    let algorithm = vector::algorithm(
        label,
        vector::endpoint_scope(text(vector, "/endpoint")?).as_deref(),
    )?;
    let server = CaptureServer::start(canned).await?;
    let config = vector::config(Setup {
        vector,
        proxy: server.url(),
        user_agent: opt_text(vector, "/user_agent").map(str::to_owned),
        algorithm,
    })?;
    let input = vector.get("input").cloned().unwrap_or(Value::Null);
    // Boxed: the dispatch future (every generated operation) is too large for the stack.
    let outcome = Box::pin(operations::invoke(
        service,
        operation,
        &config,
        input.clone(),
    ))
    .await
    .ok_or_else(|| format!("no generated operation {service} {operation:?}"))?;

    if server.requests().is_empty() {
        if let Err(error) = &outcome {
            // Rule `required-field-missing`: refused before any I/O; nothing to compare.
            if let Some(judged) = rules::required_field_missing(&input, error) {
                verdict.rules.push(rules::REQUIRED_FIELD_MISSING);
                return judged.map(|_| ());
            }
        }
    }
    check_request_line(vector, &server, &outcome, verdict)?;
    let result = vector.get("result").ok_or("no result")?;
    match result.get("kind").and_then(Value::as_str) {
        Some("success") => check_success(vector, service, result, outcome, verdict)?,
        Some("error") => check_error(vector, outcome, verdict)?,
        other => return Err(format!("unknown result.kind {other:?}")),
    }
    Ok(())
}

/// The request that produced the response must be the vector's (method and target).
fn check_request_line(
    vector: &Value,
    server: &CaptureServer,
    outcome: &Result<Outcome, Error>,
    verdict: &mut Verdict,
) -> Result<(), String> {
    let problems = &mut verdict.problems;
    let captured = server.requests();
    let Some(sent) = captured.first() else {
        return Err(match outcome {
            Err(e) => format!("nothing was sent: {e}"),
            Ok(_) => "nothing reached the capture server".to_owned(),
        });
    };
    if captured.len() > 1 {
        problems.push(format!(
            "{} requests were sent, expected one",
            captured.len()
        ));
    }
    if let Some(method) = opt_text(vector, "/request/method") {
        if sent.method != method {
            problems.push(format!(
                "method: sent {:?}, official {method:?}",
                sent.method
            ));
        }
    }
    if let Some(target) = opt_text(vector, "/request/target") {
        if sent.target != target {
            match rules::query_byte_order(target) {
                // Rule `query-byte-order` (the signature is checked by the request vectors).
                Some(resorted) => {
                    verdict.rules.push(rules::QUERY_BYTE_ORDER);
                    if sent.target != resorted {
                        problems.push(format!(
                            "target: sent {:?}, official {target:?}, under rule {} {resorted:?}",
                            sent.target,
                            rules::QUERY_BYTE_ORDER
                        ));
                    }
                }
                None => problems.push(format!(
                    "target: sent {:?}, official {target:?}",
                    sent.target
                )),
            }
        }
    }
    Ok(())
}

fn check_success(
    vector: &Value,
    service: &str,
    result: &Value,
    outcome: Result<Outcome, Error>,
    verdict: &mut Verdict,
) -> Result<(), String> {
    if let Some((code, message)) = rules::hss_2xx_error_code(vector, service) {
        verdict.rules.push(rules::HSS_2XX_ERROR_CODE);
        check_hss_2xx_error(&code, &message, outcome, &mut verdict.problems);
        return Ok(());
    }
    let problems = &mut verdict.problems;
    if let Some((declared, sent)) = rules::truncated_download(vector) {
        verdict.rules.push(rules::TRUNCATED_DOWNLOAD);
        // Rule `truncated-download`: an error, not the short body the official SDK returned.
        match &outcome {
            Ok(outcome) => problems.push(format!(
                "rule {}: the response declares {declared} bytes and sends {sent}; expected an error, got {}",
                rules::TRUNCATED_DOWNLOAD,
                describe(outcome)
            )),
            Err(error) if error.service_error().is_some() => problems.push(format!(
                "rule {}: expected a transport error, got a service error ({error})",
                rules::TRUNCATED_DOWNLOAD
            )),
            Err(_) => {}
        }
        return Ok(());
    }
    let outcome = match outcome {
        Ok(outcome) => outcome,
        Err(e) => {
            problems.push(format!("failed, official succeeded: {e}"));
            return Ok(());
        }
    };
    let response_headers = pairs(vector.pointer("/response/headers"))?;
    let response_header = |name: &str| {
        response_headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    if result.get("exposes_x_request_id").and_then(Value::as_bool) == Some(true) {
        let expected = opt_text(result, "/x_request_id");
        if outcome.request_id() != expected {
            problems.push(format!(
                "request id: got {:?}, official {expected:?}",
                outcome.request_id()
            ));
        }
    }
    // Every output carries the request id the response sent, exposed officially or not.
    if let Some(expected) = response_header("x-request-id") {
        if outcome.request_id() != Some(expected) {
            problems.push(format!(
                "request id: got {:?}, the response's X-Request-Id {expected:?}",
                outcome.request_id()
            ));
        }
    }
    check_header_fields(result, &response_headers, outcome.headers(), problems);
    let binary_expected =
        result.get("body_base64").is_some() || result.get("body_sha256").is_some();
    match outcome {
        Outcome::Binary {
            bytes,
            content_type,
            content_length,
            ..
        } => {
            check_binary(vector, result, &bytes, problems)?;
            if let Some(expected) = response_header("content-type") {
                if content_type.as_deref() != Some(expected) {
                    problems.push(format!(
                        "content type: got {content_type:?}, the response's {expected:?}"
                    ));
                }
            }
            // The capture server declares the body's length when the vector declares none.
            let expected_length = match response_header("content-length") {
                Some(declared) => declared.trim().parse::<u64>().ok(),
                None if response_header("transfer-encoding").is_none() => {
                    u64::try_from(bytes.len()).ok()
                }
                None => None,
            };
            if let Some(expected) = expected_length {
                if content_length != Some(expected) {
                    problems.push(format!(
                        "content length: got {content_length:?}, the response's {expected}"
                    ));
                }
            }
        }
        Outcome::Json { value, .. } if binary_expected => {
            problems.push(format!("got a JSON output {value}, official a binary body"));
        }
        // Vectors of the per-service format (with `service`): their responses fill exactly the
        // response model, so `to_json_object` is the official object with the service's key
        // names. The older vectors' `to_json_object` is the raw body, unknown fields included:
        // those are compared against the parsed `to_dict`.
        Outcome::Json { value, .. }
            if result.get("to_json_object").is_some() && vector.get("service").is_some() =>
        {
            // The body with the service's key names; header fields are compared above.
            let expected = strip_nulls(result.get("to_json_object").cloned().unwrap_or_default());
            let got = strip_nulls(value);
            let empty = |v: &Value| v.is_null() || v.as_object().is_some_and(Map::is_empty);
            if !(empty(&got) && empty(&expected)) {
                if let Some(diff) = json_difference("", &got, &expected) {
                    problems.push(format!("output differs from to_json_object: {diff}"));
                }
            }
        }
        Outcome::Json { value, .. } => {
            let mut expected = strip_nulls(result.get("to_dict").cloned().unwrap_or(Value::Null));
            if result.get("exposes_x_request_id").and_then(Value::as_bool) == Some(true) {
                // Compared above, against the output's request id.
                if let Value::Object(map) = &mut expected {
                    map.remove("x_request_id");
                }
            }
            let got = strip_nulls(value);
            let empty = |v: &Value| v.is_null() || v.as_object().is_some_and(Map::is_empty);
            if !(empty(&got) && empty(&expected)) {
                if let Some(diff) = json_difference("", &got, &expected) {
                    problems.push(format!("output differs from to_dict: {diff}"));
                }
            }
        }
    }
    Ok(())
}

/// Response-header fields: each of the output's equals the official `to_dict[attr]` (absent
/// there: null), and each header the canned response declares (request id, content type and
/// length aside, which have fields of their own) is one of the output's, by its attribute name
/// (`X-Swr-Expireat` -> `x_swr_expireat`).
fn check_header_fields(
    result: &Value,
    response_headers: &[(String, String)],
    got: &[super::HeaderField],
    problems: &mut Vec<String>,
) {
    let to_dict = result.get("to_dict");
    for (attr, value) in got {
        let official = to_dict
            .and_then(|d| d.get(*attr))
            .cloned()
            .unwrap_or(Value::Null);
        if json_difference(
            "",
            &strip_nulls(value.clone()),
            &strip_nulls(official.clone()),
        )
        .is_some()
        {
            problems.push(format!(
                "header field {attr}: got {value}, official {official}"
            ));
        }
    }
    for (name, value) in response_headers {
        let lower = name.to_ascii_lowercase();
        if matches!(
            lower.as_str(),
            "x-request-id" | "content-type" | "content-length" | "connection" | "transfer-encoding"
        ) {
            continue;
        }
        let attr = lower.replace('-', "_");
        if !got.iter().any(|(a, _)| *a == attr) {
            problems.push(format!(
                "header field {attr}: the response sends {name}: {value:?}, the output has no such field"
            ));
        }
    }
}

/// Rule `hss-2xx-error-code`: a service error with the body's code and description.
fn check_hss_2xx_error(
    code: &str,
    message: &str,
    outcome: Result<Outcome, Error>,
    problems: &mut Vec<String>,
) {
    let rule = rules::HSS_2XX_ERROR_CODE;
    match outcome {
        Ok(outcome) => problems.push(format!(
            "rule {rule}: expected a service error with code {code:?}, got {}",
            describe(&outcome)
        )),
        Err(error) => match error.service_error() {
            None => problems.push(format!(
                "rule {rule}: expected a service error with code {code:?}, got {error}"
            )),
            Some(service) => {
                if service.error_code() != code {
                    problems.push(format!(
                        "rule {rule}: error code {:?}, the body's {code:?}",
                        service.error_code()
                    ));
                }
                if service.error_msg() != message {
                    problems.push(format!(
                        "rule {rule}: error message {:?}, the body's error_description {message:?}",
                        service.error_msg()
                    ));
                }
            }
        },
    }
}

fn check_binary(
    vector: &Value,
    result: &Value,
    bytes: &[u8],
    problems: &mut Vec<String>,
) -> Result<(), String> {
    let expected = match opt_text(result, "/body_base64") {
        Some(b64) => crate::try_base64_decode(b64)?,
        None => vector::message_body(vector.get("response").ok_or("no response")?)?,
    };
    let got_sha = hex_sha256(bytes);
    if bytes != expected.as_slice() {
        problems.push(format!(
            "body: got {} bytes (sha256 {got_sha}), official {} bytes (sha256 {})",
            bytes.len(),
            expected.len(),
            hex_sha256(&expected)
        ));
    }
    if let Some(sha) = opt_text(result, "/body_sha256") {
        if !got_sha.eq_ignore_ascii_case(sha) && bytes == expected.as_slice() {
            problems.push(format!("body: sha256 {got_sha}, official {sha}"));
        }
    }
    Ok(())
}

fn check_error(
    vector: &Value,
    outcome: Result<Outcome, Error>,
    verdict: &mut Verdict,
) -> Result<(), String> {
    let problems = &mut verdict.problems;
    if let Some(class) = non_service_exception(vector) {
        // The official SDK failed below HTTP (e.g. a broken body): this SDK must fail too, and
        // not with a service error.
        match outcome {
            Ok(outcome) => problems.push(format!(
                "succeeded ({}), official raised {class}",
                describe(&outcome)
            )),
            Err(error) if error.service_error().is_some() => problems.push(format!(
                "a service error ({error}), official raised {class} (not a service error)"
            )),
            Err(_) => {}
        }
        return Ok(());
    }
    let mut expected = ExpectedError::official(vector)?;
    if let Some(instead) = rules::urllib3_429_exhaustion(vector, &expected) {
        verdict.rules.push(rules::URLLIB3_429_EXHAUSTION);
        expected = instead;
    }
    let error = match outcome {
        Ok(outcome) => {
            problems.push(format!(
                "succeeded ({}), official raised status {} code {:?}",
                describe(&outcome),
                expected.status,
                expected.error_code
            ));
            return Ok(());
        }
        Err(error) => error,
    };
    let Some(service) = error.service_error() else {
        problems.push(format!(
            "not a service error ({error}), official status {} code {:?}",
            expected.status, expected.error_code
        ));
        return Ok(());
    };
    let got = ExpectedError {
        status: service.status().as_u16(),
        request_id: service.request_id().map(str::to_owned),
        error_code: service.error_code().to_owned(),
        error_msg: service.error_msg().to_owned(),
        encoded_authorization_message: service.encoded_authorization_message().map(str::to_owned),
    };
    let mut field = |what: &str, got: &dyn std::fmt::Debug, want: &dyn std::fmt::Debug| {
        let (g, w) = (format!("{got:?}"), format!("{want:?}"));
        if g != w {
            problems.push(format!("error {what}: got {g}, official {w}"));
        }
    };
    field("status", &got.status, &expected.status);
    field("request id", &got.request_id, &expected.request_id);
    field("code", &got.error_code, &expected.error_code);
    field("message", &got.error_msg, &expected.error_msg);
    field(
        "encoded authorization message",
        &got.encoded_authorization_message,
        &expected.encoded_authorization_message,
    );
    if error.status().map(|s| s.as_u16()) != Some(expected.status) {
        problems.push(format!(
            "Error::status {:?}, official {}",
            error.status(),
            expected.status
        ));
    }
    if error.request_id() != expected.request_id.as_deref() {
        problems.push(format!(
            "Error::request_id {:?}, official {:?}",
            error.request_id(),
            expected.request_id
        ));
    }
    Ok(())
}

/// The official exception class of an error vector when it is not a service error (the
/// official SDK's `ClientRequestException` / `ServerResponseException`, which carry a status).
fn non_service_exception(vector: &Value) -> Option<String> {
    let result = vector.get("result")?;
    let class = opt_text(result, "/exception_class");
    let service_class =
        class.is_some_and(|c| c.ends_with("RequestException") || c.ends_with("ResponseException"));
    let has_status = result.get("status_code").and_then(Value::as_u64).is_some();
    match class {
        Some(class) if !service_class => Some(class.to_owned()),
        None if !has_status => Some("an exception without a status".to_owned()),
        _ => None,
    }
}

/// A short description of an outcome for failure messages.
fn describe(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Binary { bytes, .. } => format!("{} bytes", bytes.len()),
        Outcome::Json { value, .. } => {
            let text = value.to_string();
            if text.len() > 200 {
                format!("{}...", text.chars().take(200).collect::<String>())
            } else {
                text
            }
        }
    }
}

/// Removes null members of objects, recursively (array elements are kept, nulls included).
pub fn strip_nulls(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, strip_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(strip_nulls).collect()),
        other => other,
    }
}

/// The first difference between `got` and `expected` (numbers compare by value), or `None`.
pub fn json_difference(path: &str, got: &Value, expected: &Value) -> Option<String> {
    let at = if path.is_empty() { "/" } else { path };
    match (got, expected) {
        (Value::Object(g), Value::Object(e)) => {
            for (key, ev) in e {
                let child = format!("{path}/{key}");
                match g.get(key) {
                    Some(gv) => {
                        if let Some(d) = json_difference(&child, gv, ev) {
                            return Some(d);
                        }
                    }
                    None => return Some(format!("{child}: missing, official {ev}")),
                }
            }
            g.iter()
                .find(|(key, _)| !e.contains_key(*key))
                .map(|(key, gv)| format!("{path}/{key}: got {gv}, official has no such field"))
        }
        (Value::Array(g), Value::Array(e)) => {
            if g.len() != e.len() {
                return Some(format!(
                    "{at}: got {} elements, official {}",
                    g.len(),
                    e.len()
                ));
            }
            g.iter()
                .zip(e)
                .enumerate()
                .find_map(|(i, (gv, ev))| json_difference(&format!("{path}/{i}"), gv, ev))
        }
        (Value::Number(g), Value::Number(e)) => {
            let same = g == e || (g.as_f64().is_some() && g.as_f64() == e.as_f64());
            (!same).then(|| format!("{at}: got {g}, official {e}"))
        }
        (g, e) => (g != e).then(|| format!("{at}: got {g}, official {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nulls_are_stripped_recursively_and_numbers_compare_by_value() {
        let official =
            strip_nulls(json!({"a": null, "b": {"c": null, "d": 1}, "e": [{"f": null}]}));
        assert_eq!(official, json!({"b": {"d": 1}, "e": [{}]}));
        assert_eq!(
            json_difference("", &json!({"x": 1.0}), &json!({"x": 1})),
            None
        );
        assert!(json_difference("", &json!({"x": 2}), &json!({"x": 1})).is_some());
        assert!(json_difference("", &json!({"x": 1, "y": 2}), &json!({"x": 1})).is_some());
    }
}
