//! `responses.json`: a canned response fed to the operation, and what the operation returns
//! against what the official SDK returned.
//!
//! Success: the output serialised with serde must equal the official `result.to_dict` field by
//! field (a field the official SDK has as null is absent here, so nulls are stripped on both
//! sides; numbers compare by value), and the output's request id must be `x_request_id` when the
//! official response exposes it. Binary downloads must return the official bytes exactly.
//! Errors: same status, request id, error code, message and encoded authorization message. The
//! request sent must also have the vector's method and target.

use huaweicloud_sdk_core::Error;
use huaweicloud_sdk_core::signer::hex_sha256;
use serde_json::{Map, Value};

use super::capture::{CannedResponse, CaptureServer};
use super::rules::{self, ExpectedError};
use super::vector::{self, Setup, opt_text, pairs, text};
use super::{Outcome, operations};

/// Checks one response vector; the list of what differs (empty when it matches).
pub(crate) async fn check(vector: &Value) -> Vec<String> {
    match run(vector).await {
        Ok(problems) => problems,
        Err(e) => vec![e],
    }
}

async fn run(vector: &Value) -> Result<Vec<String>, String> {
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
    let outcome = operations::invoke(operation, &config, input)
        .await
        .ok_or_else(|| format!("no generated operation {operation:?}"))?;

    let mut problems = Vec::new();
    check_request_line(vector, &server, &outcome, &mut problems)?;
    let result = vector.get("result").ok_or("no result")?;
    match result.get("kind").and_then(Value::as_str) {
        Some("success") => check_success(vector, result, outcome, &mut problems)?,
        Some("error") => check_error(vector, outcome, &mut problems)?,
        other => return Err(format!("unknown result.kind {other:?}")),
    }
    Ok(problems)
}

/// The request that produced the response must be the vector's (method and target).
fn check_request_line(
    vector: &Value,
    server: &CaptureServer,
    outcome: &Result<Outcome, Error>,
    problems: &mut Vec<String>,
) -> Result<(), String> {
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
            problems.push(format!(
                "target: sent {:?}, official {target:?}",
                sent.target
            ));
        }
    }
    Ok(())
}

fn check_success(
    vector: &Value,
    result: &Value,
    outcome: Result<Outcome, Error>,
    problems: &mut Vec<String>,
) -> Result<(), String> {
    if let Some((declared, sent)) = rules::truncated_download(vector) {
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
    if result.get("exposes_x_request_id").and_then(Value::as_bool) == Some(true) {
        let expected = opt_text(result, "/x_request_id");
        if outcome.request_id() != expected {
            problems.push(format!(
                "request id: got {:?}, official {expected:?}",
                outcome.request_id()
            ));
        }
    }
    let binary_expected =
        result.get("body_base64").is_some() || result.get("body_sha256").is_some();
    match outcome {
        Outcome::Binary { bytes, .. } => {
            check_binary(vector, result, &bytes, problems)?;
        }
        Outcome::Json { value, .. } if binary_expected => {
            problems.push(format!("got a JSON output {value}, official a binary body"));
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
    problems: &mut Vec<String>,
) -> Result<(), String> {
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
