//! `requests.json`: the request this SDK sends for a vector's `input`, against the one the
//! official SDK sent.
//!
//! Checked: method and target (path and query) identical; every header the official SDK sent,
//! transport headers aside, sent with the same value (a multipart `Content-Type` up to its
//! boundary, which is random); the same `SignedHeaders` list; without a body, `Authorization`
//! identical; with a body (or a randomised elliptic-curve signature), the body equal (as JSON;
//! as bytes for a raw text body; part by part for a multipart body), `Authorization` equal up to
//! its signature, and the signature valid over the bytes actually sent (recomputed with the
//! core's verifier from the captured request). The recorded request itself must verify too, so a
//! vector whose recorded signature does not match its recorded request is reported.
//!
//! Rules: `required-field-missing` (nothing sent, a construction error instead) and
//! `query-byte-order` (the query in byte order, the signature verified); see [`super::rules`].

use huaweicloud_sdk_core::signer::{self, Payload, SignableRequest};
use serde_json::Value;

use super::Verdict;
use super::capture::{CannedResponse, CaptureServer, Captured};
use super::operations;
use super::rules;
use super::vector::{self, Setup, lower_list, opt_text, pairs, text};
use huaweicloud_sdk_test_support::Head;

/// Headers the Python HTTP stack adds after signing; never compared.
const TRANSPORT_HEADERS: [&str; 4] = ["accept", "accept-encoding", "connection", "content-length"];

/// Checks one request vector: what differs (nothing when it matches) and the rules applied.
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
    let raw_text_body = input.get("body").is_some_and(Value::is_string);
    // Boxed: the dispatch future (every generated operation) is too large for the stack.
    let result = Box::pin(operations::invoke(
        service,
        operation,
        &config,
        input.clone(),
    ))
    .await
    .ok_or_else(|| format!("no generated operation {service} {operation:?}"))?;
    let captured = server.requests();
    let sent = match captured.as_slice() {
        [one] => one,
        [] => {
            return match result {
                Err(e) => match rules::required_field_missing(&input, &e) {
                    // Rule `required-field-missing`: refused before any I/O, as required.
                    Some(Ok(_)) => {
                        verdict.rules.push(rules::REQUIRED_FIELD_MISSING);
                        Ok(())
                    }
                    Some(Err(why)) => {
                        verdict.rules.push(rules::REQUIRED_FIELD_MISSING);
                        Err(why)
                    }
                    None => Err(format!("nothing was sent: {e}")),
                },
                Ok(_) => Err(format!(
                    "nothing reached the capture server {:?}",
                    server.errors()
                )),
            };
        }
        many => return Err(format!("{} requests were sent, expected one", many.len())),
    };

    let problems = &mut verdict.problems;
    let recorded_method = text(recorded, "/method")?;
    if sent.method != recorded_method {
        problems.push(format!(
            "method: sent {:?}, official {recorded_method:?}",
            sent.method
        ));
    }
    let recorded_target = text(recorded, "/target")?;
    // Rule `query-byte-order`: the official query in numeric order, this SDK's in byte order;
    // the signature is then verified rather than compared.
    let mut byte_order = false;
    if sent.target != recorded_target {
        match rules::query_byte_order(recorded_target) {
            Some(resorted) => {
                byte_order = true;
                verdict.rules.push(rules::QUERY_BYTE_ORDER);
                if sent.target != resorted {
                    problems.push(format!(
                        "target: sent {:?}, official {recorded_target:?}, under rule {} {resorted:?}",
                        sent.target,
                        rules::QUERY_BYTE_ORDER
                    ));
                }
            }
            None => problems.push(format!(
                "target: sent {:?}, official {recorded_target:?}",
                sent.target
            )),
        }
    }
    let recorded_boundary = find("content-type").and_then(multipart_boundary);

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
            // The multipart boundary is random: the media type must match and a boundary be set.
            [one]
                if recorded_boundary.is_some()
                    && lower == "content-type"
                    && multipart_boundary(one).is_some()
                    && without_boundary(one) == without_boundary(value) => {}
            _ => problems.push(format!(
                "header {name}: sent {values:?}, official {value:?}"
            )),
        }
    }

    // Authorization: the signed-header list, then the value or the signature.
    let sent_authorization = sent.header("authorization");
    let Some(sent_authorization) = sent_authorization else {
        problems.push("Authorization: not sent".to_owned());
        return Ok(());
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
        // Rule `query-byte-order`: the official SDK signed its query in numeric order, which a
        // verifier of the canonical (byte) order, the gateway's, cannot reproduce.
        Ok(false) if rules::query_byte_order(recorded_target).is_some() => {}
        Ok(false) => problems.push(format!(
            "the recorded Authorization {recorded_authorization:?} does not verify over the recorded request"
        )),
        Err(e) => problems.push(format!("the recorded request: {e}")),
    }
    // The elliptic-curve signatures are randomised (README): verified, never compared.
    let randomised = matches!(label, "SDK-ECDSA-P256-SHA256" | "SDK-SM2-SM3");
    // A multipart body's boundary (in the signed Content-Type) and a re-sorted query make the
    // string to sign differ: the signature is verified, not compared.
    let signed_differently = randomised || byte_order || recorded_boundary.is_some();
    if recorded_body.is_empty() && sent.body.is_empty() && !signed_differently {
        if sent_authorization != recorded_authorization {
            problems.push(format!(
                "Authorization: sent {sent_authorization:?}, official {recorded_authorization:?}"
            ));
        }
    } else {
        let difference = match (&recorded_boundary, sent.header("content-type")) {
            (Some(official), Some(content_type)) => match multipart_boundary(&content_type) {
                Some(ours) => multipart_difference(&sent.body, &ours, &recorded_body, official),
                None => Some(format!(
                    "body: sent Content-Type {content_type:?}, official multipart"
                )),
            },
            (Some(_), None) => Some("body: sent no Content-Type, official multipart".to_owned()),
            // A raw text body (a `str` body, not JSON): byte for byte.
            (None, _) if raw_text_body => (sent.body != recorded_body).then(|| {
                format!(
                    "body: sent {:?}, official {:?}",
                    String::from_utf8_lossy(&sent.body),
                    String::from_utf8_lossy(&recorded_body)
                )
            }),
            (None, _) => body_difference(&sent.body, &recorded_body),
        };
        if let Some(why) = difference {
            problems.push(why);
        }
        if without_signature(&sent_authorization) != without_signature(recorded_authorization) {
            problems.push(format!(
                "Authorization (signature aside): sent {sent_authorization:?}, official {recorded_authorization:?}"
            ));
        }
        if sent.body == recorded_body
            && !signed_differently
            && sent_authorization != recorded_authorization
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
    Ok(())
}

/// The `boundary` parameter of a `multipart/...` `Content-Type`, unquoted.
fn multipart_boundary(content_type: &str) -> Option<String> {
    let mut params = content_type.split(';');
    let media = params.next()?.trim();
    if !media.to_ascii_lowercase().starts_with("multipart/") {
        return None;
    }
    params.find_map(|p| {
        let (name, value) = p.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| value.trim().trim_matches('"').to_owned())
    })
}

/// A `Content-Type` without its `boundary` parameter, parameters trimmed.
fn without_boundary(content_type: &str) -> String {
    content_type
        .split(';')
        .map(str::trim)
        .filter(|p| {
            !p.split_once('=')
                .is_some_and(|(n, _)| n.trim().eq_ignore_ascii_case("boundary"))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// One part of a multipart body.
#[derive(Debug, PartialEq, Eq)]
struct Part {
    name: Option<String>,
    file_name: Option<String>,
    content_type: Option<String>,
    bytes: Vec<u8>,
}

/// The parts of a multipart `body` delimited by `boundary` (RFC 2046).
fn multipart_parts(body: &[u8], boundary: &str) -> Result<Vec<Part>, String> {
    let delimiter = format!("--{boundary}").into_bytes();
    let find = |haystack: &[u8], from: usize, needle: &[u8]| {
        haystack
            .get(from..)?
            .windows(needle.len())
            .position(|w| w == needle)
            .map(|i| i + from)
    };
    let mut pos = find(body, 0, &delimiter).ok_or("no opening boundary")? + delimiter.len();
    let mut parts = Vec::new();
    loop {
        if body.get(pos..pos + 2) == Some(b"--") {
            return Ok(parts);
        }
        let start = pos + 2; // the CRLF after the delimiter
        let next = find(body, start, &[b"\r\n".as_slice(), &delimiter].concat())
            .ok_or("a part without a closing boundary")?;
        let part = body.get(start..next).ok_or("a part out of range")?;
        let head_end = find(part, 0, b"\r\n\r\n").ok_or("a part without a header block")?;
        let head = Head::parse_fields(&part[..head_end])?;
        let mut parsed = Part {
            name: None,
            file_name: None,
            content_type: head.header("content-type").map(str::to_owned),
            bytes: part[head_end + 4..].to_vec(),
        };
        let disposition = head.header("content-disposition").unwrap_or_default();
        for param in disposition.split(';').skip(1) {
            let Some((key, v)) = param.split_once('=') else {
                continue;
            };
            let v = v.trim().trim_matches('"').to_owned();
            match key.trim() {
                "name" => parsed.name = Some(v),
                "filename" => parsed.file_name = Some(v),
                _ => {}
            }
        }
        parts.push(parsed);
        pos = next + 2 + delimiter.len();
    }
}

/// `None` when two multipart bodies hold the same parts in the same order (names, file names,
/// content types, bytes); their boundaries differ.
fn multipart_difference(
    sent: &[u8],
    sent_boundary: &str,
    official: &[u8],
    official_boundary: &str,
) -> Option<String> {
    let sent = match multipart_parts(sent, sent_boundary) {
        Ok(parts) => parts,
        Err(e) => return Some(format!("multipart body sent: {e}")),
    };
    let official = match multipart_parts(official, official_boundary) {
        Ok(parts) => parts,
        Err(e) => return Some(format!("multipart body recorded: {e}")),
    };
    if sent.len() != official.len() {
        return Some(format!(
            "multipart: sent {} parts {:?}, official {} {:?}",
            sent.len(),
            sent.iter().map(|p| &p.name).collect::<Vec<_>>(),
            official.len(),
            official.iter().map(|p| &p.name).collect::<Vec<_>>()
        ));
    }
    sent.iter()
        .zip(&official)
        .enumerate()
        .find_map(|(i, (s, o))| {
            let field = |what: &str, s: &dyn std::fmt::Debug, o: &dyn std::fmt::Debug| {
                let (s, o) = (format!("{s:?}"), format!("{o:?}"));
                (s != o).then(|| format!("multipart part {i} {what}: sent {s}, official {o}"))
            };
            field("name", &s.name, &o.name)
                .or_else(|| field("file name", &s.file_name, &o.file_name))
                .or_else(|| field("content type", &s.content_type, &o.content_type))
                .or_else(|| {
                    // File contents are binary: lengths and digests say more than lossy text.
                    (s.bytes != o.bytes).then(|| {
                        format!(
                            "multipart part {i} ({:?}) bytes: sent {} (sha256 {}), official {} (sha256 {})",
                            o.name,
                            s.bytes.len(),
                            signer::hex_sha256(&s.bytes),
                            o.bytes.len(),
                            signer::hex_sha256(&o.bytes)
                        )
                    })
                })
        })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn body(boundary: &str, file_type: &str) -> Vec<u8> {
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\
             Content-Type: {file_type}\r\n\r\n\x01\r\n\x02\r\n--{boundary}\r\n\
             Content-Disposition: form-data; name=\"name\"\r\n\r\nn\r\n--{boundary}--\r\n"
        )
        .into_bytes()
    }

    #[test]
    fn multipart_bodies_compare_part_by_part_whatever_the_boundary() {
        let parts = multipart_parts(&body("b1", "image/png"), "b1").unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].file_name.as_deref(), Some("a.png"));
        assert_eq!(parts[0].bytes, b"\x01\r\n\x02");
        assert_eq!(parts[1].name.as_deref(), Some("name"));
        assert_eq!(parts[1].content_type, None);
        let official = body("b1", "image/png");
        assert_eq!(
            multipart_difference(&body("other", "image/png"), "other", &official, "b1"),
            None
        );
        let differs = multipart_difference(&body("x", "text/plain"), "x", &official, "b1");
        assert!(differs.is_some_and(|d| d.contains("content type")));
    }

    #[test]
    fn a_multipart_content_type_compares_without_its_boundary() {
        let official = "multipart/form-data; boundary=aa92";
        assert_eq!(multipart_boundary(official).as_deref(), Some("aa92"));
        assert_eq!(
            multipart_boundary("multipart/form-data; boundary=\"q\"").as_deref(),
            Some("q")
        );
        assert_eq!(multipart_boundary("application/json"), None);
        assert_eq!(
            without_boundary("multipart/form-data;boundary=x"),
            without_boundary(official)
        );
    }
}
