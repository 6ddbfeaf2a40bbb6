//! `requests.json`: the request this SDK sends for a vector's `input`, against the one the
//! official SDK sent.
//!
//! Checked: method and target (path and query) identical; every header the official SDK sent,
//! transport headers aside, sent with the same value; the same `SignedHeaders` list; without a
//! body, `Authorization` identical; with a body (or a randomised elliptic-curve signature), the
//! body equal as JSON, `Authorization` equal up to its signature, and the signature valid over
//! the bytes actually sent (recomputed with the core's verifier from the captured request). The recorded request itself must verify too,
//! so a vector whose recorded signature does not match its recorded request is reported.

use huaweicloud_sdk_core::signer::{self, Payload, SignableRequest};
use serde_json::Value;

use super::capture::{CannedResponse, CaptureServer, Captured};
use super::operations;
use super::vector::{self, Setup, lower_list, opt_text, pairs, text};

/// Headers the Python HTTP stack adds after signing; never compared.
const TRANSPORT_HEADERS: [&str; 4] = ["accept", "accept-encoding", "connection", "content-length"];

/// Checks one request vector; the list of what differs (empty when it matches).
pub(crate) async fn check(vector: &Value) -> Vec<String> {
    match run(vector).await {
        Ok(problems) => problems,
        Err(e) => vec![e],
    }
}

async fn run(vector: &Value) -> Result<Vec<String>, String> {
    let operation = text(vector, "/operation")?;
    let recorded = vector.get("request").ok_or("no request")?;
    let recorded_headers = pairs(recorded.get("headers"))?;
    let recorded_body = vector::message_body(recorded)?;
    let find = |name: &str| {
        recorded_headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    let recorded_authorization = find("authorization").ok_or("no Authorization recorded")?;
    let label = opt_text(vector, "/signing_algorithm").unwrap_or("SDK-HMAC-SHA256");
    let algorithm = vector::algorithm(label, vector::authorization_scope(recorded_authorization))?;

    let server = CaptureServer::start(CannedResponse::empty_json()).await?;
    let config = vector::config(Setup {
        vector,
        proxy: server.url(),
        user_agent: find("user-agent").map(str::to_owned),
        algorithm,
    })?;
    let input = vector.get("input").cloned().unwrap_or(Value::Null);
    let result = operations::invoke(operation, &config, input)
        .await
        .ok_or_else(|| format!("no generated operation {operation:?}"))?;
    let captured = server.requests();
    let sent = match captured.as_slice() {
        [one] => one,
        [] => {
            return Err(match result {
                Err(e) => format!("nothing was sent: {e}"),
                Ok(_) => format!("nothing reached the capture server {:?}", server.errors()),
            });
        }
        many => return Err(format!("{} requests were sent, expected one", many.len())),
    };

    let mut problems = Vec::new();
    let recorded_method = text(recorded, "/method")?;
    if sent.method != recorded_method {
        problems.push(format!(
            "method: sent {:?}, official {recorded_method:?}",
            sent.method
        ));
    }
    let recorded_target = text(recorded, "/target")?;
    if sent.target != recorded_target {
        problems.push(format!(
            "target: sent {:?}, official {recorded_target:?}",
            sent.target
        ));
    }

    // Every header the official SDK sent, transport headers aside.
    let transport = lower_list(vector.get("transport_headers"));
    for (name, value) in &recorded_headers {
        let lower = name.to_ascii_lowercase();
        if TRANSPORT_HEADERS.contains(&lower.as_str())
            || transport.contains(&lower)
            || lower == "authorization"
        {
            continue;
        }
        let values = sent.header_values(name);
        match values.as_slice() {
            [] => problems.push(format!("header {name}: not sent, official {value:?}")),
            [one] if one == value => {}
            _ => problems.push(format!(
                "header {name}: sent {values:?}, official {value:?}"
            )),
        }
    }

    // Authorization: the signed-header list, then the value or the signature.
    let sent_authorization = sent.header("authorization");
    let Some(sent_authorization) = sent_authorization else {
        problems.push("Authorization: not sent".to_owned());
        return Ok(problems);
    };
    let official_signed = match vector.get("signed_headers").and_then(Value::as_array) {
        Some(list) => list
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(";"),
        None => signed_headers(recorded_authorization)?,
    };
    match signed_headers(&sent_authorization) {
        Ok(sent_signed) if sent_signed == official_signed => {}
        Ok(sent_signed) => problems.push(format!(
            "signed headers: sent {sent_signed:?}, official {official_signed:?}"
        )),
        Err(e) => problems.push(e),
    }
    match verifies_recorded(vector, recorded, &recorded_headers, &recorded_body) {
        Ok(true) => {}
        Ok(false) => problems.push(format!(
            "the recorded Authorization {recorded_authorization:?} does not verify over the recorded request"
        )),
        Err(e) => problems.push(format!("the recorded request: {e}")),
    }
    // The elliptic-curve signatures are randomised (README): verified, never compared.
    let randomised = matches!(label, "SDK-ECDSA-P256-SHA256" | "SDK-SM2-SM3");
    if recorded_body.is_empty() && sent.body.is_empty() && !randomised {
        if sent_authorization != recorded_authorization {
            problems.push(format!(
                "Authorization: sent {sent_authorization:?}, official {recorded_authorization:?}"
            ));
        }
    } else {
        if let Some(why) = body_difference(&sent.body, &recorded_body) {
            problems.push(why);
        }
        if without_signature(&sent_authorization) != without_signature(recorded_authorization) {
            problems.push(format!(
                "Authorization (signature aside): sent {sent_authorization:?}, official {recorded_authorization:?}"
            ));
        }
        if sent.body == recorded_body && !randomised && sent_authorization != recorded_authorization
        {
            problems.push(format!(
                "Authorization: sent {sent_authorization:?} over the official body, official {recorded_authorization:?}"
            ));
        }
        match verifies_captured(vector, sent, &sent_authorization) {
            Ok(true) => {}
            Ok(false) => problems.push(format!(
                "Authorization {sent_authorization:?} does not verify over the bytes sent"
            )),
            Err(e) => problems.push(format!("the request sent: {e}")),
        }
    }
    Ok(problems)
}

/// The `SignedHeaders=` list of an `Authorization` value.
fn signed_headers(authorization: &str) -> Result<String, String> {
    signer::parse_authorization(authorization)
        .map(|a| a.signed_headers.to_owned())
        .map_err(|e| format!("Authorization {authorization:?}: {e}"))
}

/// `Authorization` without its signature.
fn without_signature(authorization: &str) -> &str {
    authorization
        .rsplit_once("Signature=")
        .map_or(authorization, |(head, _)| head)
}

/// `None` when the bodies are equal as JSON (or byte for byte when either is not JSON).
fn body_difference(sent: &[u8], official: &[u8]) -> Option<String> {
    let parse = |bytes: &[u8]| serde_json::from_slice::<Value>(bytes).ok();
    match (parse(sent), parse(official)) {
        (Some(a), Some(b)) if a == b => None,
        (Some(a), Some(b)) => Some(format!("body: sent {a}, official {b}")),
        _ if sent == official => None,
        _ => Some(format!(
            "body: sent {:?}, official {:?}",
            String::from_utf8_lossy(sent),
            String::from_utf8_lossy(official)
        )),
    }
}

/// Path and raw (percent-decoded) query pairs of an origin-form target.
fn split_target(target: &str) -> (&str, Vec<(String, String)>) {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8_lossy()
            .into_owned()
    };
    let pairs = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect();
    (path, pairs)
}

/// Verifies `authorization` over a request as a server received it.
fn verifies(
    vector: &Value,
    method: &str,
    target: &str,
    headers: &[(String, String)],
    body: &[u8],
    authorization: &str,
) -> Result<bool, String> {
    let (path, query) = split_target(target);
    let host = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("host"))
        .map_or("", |(_, v)| v.as_str());
    // The signer and verifier reject duplicate names; keep the first of each.
    let mut unique: Vec<(String, String)> = Vec::new();
    for (name, value) in headers {
        if !unique.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)) {
            unique.push((name.clone(), value.clone()));
        }
    }
    let request = SignableRequest {
        method,
        host,
        path,
        query: &query,
        headers: &unique,
        payload: Payload::Bytes(body),
    };
    let parsed = signer::parse_authorization(authorization).map_err(|e| e.to_string())?;
    let ak = text(vector, "/credentials/ak")?;
    let sk = text(vector, "/credentials/sk")?;
    let verified = match parsed.algorithm {
        "SDK-ECDSA-P256-SHA256" => {
            let key = signer::ecdsa_p256_public_key(ak, sk).map_err(|e| e.to_string())?;
            signer::verify_with_public_key(&request, &key, authorization)
        }
        "SDK-SM2-SM3" => {
            let key = signer::sm2_public_key(ak, sk).map_err(|e| e.to_string())?;
            signer::verify_with_public_key(&request, &key, authorization)
        }
        _ => signer::verify_hmac(&request, sk, authorization),
    };
    verified.map_err(|e| format!("cannot verify {authorization:?}: {e}"))
}

fn verifies_captured(vector: &Value, sent: &Captured, authorization: &str) -> Result<bool, String> {
    verifies(
        vector,
        &sent.method,
        &sent.target,
        &sent.header_strings(),
        &sent.body,
        authorization,
    )
}

fn verifies_recorded(
    vector: &Value,
    recorded: &Value,
    headers: &[(String, String)],
    body: &[u8],
) -> Result<bool, String> {
    let authorization = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("authorization"))
        .map_or("", |(_, v)| v.as_str());
    verifies(
        vector,
        text(recorded, "/method")?,
        text(recorded, "/target")?,
        headers,
        body,
        authorization,
    )
}
