//! `signer.json`: the official SDK signer applied to synthetic requests, replayed through the
//! core signer.
//!
//! Every vector is signed again and compared: canonical request, string to sign, added headers
//! (names, values, order), final header list, wire URI and, for the HMAC algorithms, the exact
//! `Authorization`. The elliptic-curve signatures are randomised in the official SDK, so for them
//! the derived public key is compared and signatures are verified instead.

use std::fmt::Debug;

use huaweicloud_sdk_core::signer::{self, Payload, SignableRequest, SigningKey, SigningOutput};
use serde_json::Value;

use super::vector::{self, opt_text, pairs, text};

/// Checks one signer vector; the list of what differs (empty when it matches).
pub(crate) fn check(vector: &Value) -> Vec<String> {
    let mut check = Check::default();
    if let Err(e) = check_vector(vector, &mut check) {
        check.problems.push(e);
    }
    check.problems
}

/// Collects mismatches of one vector.
#[derive(Default)]
struct Check {
    problems: Vec<String>,
}

impl Check {
    fn eq<T: PartialEq + Debug>(&mut self, what: &str, actual: T, expected: T) {
        if actual != expected {
            self.problems
                .push(format!("{what}: got {actual:?}, expected {expected:?}"));
        }
    }

    fn truth(&mut self, what: &str, ok: bool) {
        if !ok {
            self.problems.push(what.to_owned());
        }
    }
}

/// One query value as the Python SDK stringifies it.
fn query_scalar(value: &Value) -> Result<String, String> {
    match value {
        Value::String(s) => Ok(s.clone()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Number(n) => Ok(n.to_string()),
        other => Err(format!("unsupported query value {other}")),
    }
}

fn query_pairs(input: &Value) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for pair in input
        .get("query_params")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let key = pair
            .get(0)
            .and_then(Value::as_str)
            .ok_or_else(|| format!("query pair without a string key: {pair}"))?
            .to_owned();
        match pair.get(1) {
            Some(Value::Array(values)) => {
                for v in values {
                    out.push((key.clone(), query_scalar(v)?));
                }
            }
            Some(value) => out.push((key, query_scalar(value)?)),
            None => return Err(format!("query pair without a value: {pair}")),
        }
    }
    Ok(out)
}

fn is_elliptic(label: &str) -> bool {
    matches!(label, "SDK-ECDSA-P256-SHA256" | "SDK-SM2-SM3")
}

/// `Authorization` without its signature (the randomised part of the elliptic algorithms).
fn without_signature(authorization: &str) -> &str {
    authorization
        .rsplit_once("Signature=")
        .map_or(authorization, |(head, _)| head)
}

fn check_vector(vector: &Value, check: &mut Check) -> Result<(), String> {
    let label = text(vector, "/algorithm")?;
    let algorithm = vector::algorithm(label, opt_text(vector, "/output/derivation_info"))?;
    let input = vector.get("input").ok_or("no input")?;
    let output = vector.get("output").ok_or("no output")?;

    let query = query_pairs(input)?;
    let headers = pairs(input.get("headers"))?;
    let body = vector::message_body(input)?;
    let path = text(input, "/resource_path")?;
    let request = SignableRequest {
        method: text(input, "/method")?,
        host: text(input, "/host")?,
        path,
        query: &query,
        headers: &headers,
        payload: Payload::Bytes(&body),
    };
    let ak = text(vector, "/credentials/ak")?;
    let sk = text(vector, "/credentials/sk")?;
    let key = SigningKey {
        ak,
        sk,
        security_token: opt_text(vector, "/credentials/security_token"),
    };
    let time = vector::signing_time(vector)?;
    let out: SigningOutput = signer::sign(&request, &key, &algorithm, time)
        .map_err(|e| format!("signing failed: {e}"))?;

    check.eq(
        "canonical_request",
        out.canonical_request.as_str(),
        text(output, "/canonical_request")?,
    );
    check.eq(
        "string_to_sign",
        out.string_to_sign.as_str(),
        text(output, "/string_to_sign")?,
    );

    // Added headers: names in order, values from the final header list.
    let expected_final = pairs(output.get("headers"))?;
    let expected_added: Vec<&str> = output
        .get("added_headers")
        .and_then(Value::as_array)
        .ok_or("no output.added_headers")?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let added_names: Vec<&str> = out.headers.iter().map(|(n, _)| n.as_str()).collect();
    check.eq("added header names", added_names, expected_added);
    let elliptic = is_elliptic(label);
    for (name, value) in &out.headers {
        let expected = expected_final
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v);
        match expected {
            Some(expected) if name == "Authorization" && elliptic => check.eq(
                "Authorization without signature",
                without_signature(value),
                without_signature(expected),
            ),
            Some(expected) => check.eq(&format!("added header {name}"), value, expected),
            None => check.truth(
                &format!("added header {name} missing from output.headers"),
                false,
            ),
        }
    }

    // Final header list: the caller's headers (values trimmed, as the SDK sends them) followed
    // by the added ones.
    let sent: Vec<(String, String)> = headers
        .iter()
        .map(|(n, v)| (n.clone(), v.trim().to_owned()))
        .chain(out.headers.iter().cloned())
        .collect();
    let strip = |list: &[(String, String)]| -> Vec<(String, String)> {
        list.iter()
            .map(|(n, v)| {
                if n == "Authorization" && elliptic {
                    (n.clone(), without_signature(v).to_owned())
                } else {
                    (n.clone(), v.clone())
                }
            })
            .collect()
    };
    check.eq("final headers", strip(&sent), strip(&expected_final));

    // Wire URI: path as given plus the canonical query.
    let wire_query = signer::canonical_query(&query);
    let uri = if wire_query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{wire_query}")
    };
    check.eq("uri", uri.as_str(), text(output, "/uri")?);

    // The request as received by a server: the headers exactly as recorded.
    let received = SignableRequest {
        headers: &expected_final,
        ..request
    };
    let expected_authorization = text(output, "/authorization")?;
    if elliptic {
        check_elliptic(check, vector, label, &out, &received, ak, sk)?;
    } else {
        check.eq(
            "authorization",
            out.authorization.as_str(),
            expected_authorization,
        );
        check.eq(
            "signature",
            out.signature.as_str(),
            text(output, "/signature")?,
        );
        if let Some(derived) = opt_text(output, "/derived_signing_key") {
            let info = text(output, "/derivation_info")?;
            match signer::derived_signing_key(ak, sk, info) {
                Ok(key) => check.eq("derived_signing_key", key.as_str(), derived),
                Err(e) => check.truth(&format!("derived_signing_key failed: {e}"), false),
            }
        }
        let verified = signer::verify_hmac(&received, sk, expected_authorization);
        check.truth(
            &format!("verify_hmac of the recorded request: {verified:?}"),
            matches!(verified, Ok(true)),
        );
    }
    Ok(())
}

fn check_elliptic(
    check: &mut Check,
    vector: &Value,
    label: &str,
    out: &SigningOutput,
    received: &SignableRequest<'_>,
    ak: &str,
    sk: &str,
) -> Result<(), String> {
    let x = text(vector, "/output/ecdsa/public_key_x_hex")?;
    let y = text(vector, "/output/ecdsa/public_key_y_hex")?;
    let expected_key = signer::EcPublicKey::from_hex_coordinates(x, y)
        .ok_or("vector public key is not hex coordinates")?;
    type Verify = fn(&signer::EcPublicKey, &str, &str) -> bool;
    let (derived, verify): (_, Verify) = match label {
        "SDK-ECDSA-P256-SHA256" => (
            signer::ecdsa_p256_public_key(ak, sk),
            signer::verify_ecdsa_p256,
        ),
        "SDK-SM2-SM3" => (signer::sm2_public_key(ak, sk), signer::verify_sm2),
        other => return Err(format!("{other} is not an elliptic-curve algorithm")),
    };
    match derived {
        Ok(key) => {
            check.eq("public key x", key.x_hex(), x.to_ascii_lowercase());
            check.eq("public key y", key.y_hex(), y.to_ascii_lowercase());
        }
        Err(e) => check.truth(&format!("public key derivation failed: {e}"), false),
    }
    let expected_sts = text(vector, "/output/string_to_sign")?;
    check.truth(
        "own signature does not verify with the vector's public key",
        verify(&expected_key, &out.string_to_sign, &out.signature),
    );
    let recorded = text(vector, "/output/signature")?;
    check.truth(
        "recorded signature does not verify with the vector's public key",
        verify(&expected_key, expected_sts, recorded),
    );
    check.truth(
        "a tampered string to sign verifies",
        !verify(&expected_key, &format!("{expected_sts}x"), recorded),
    );
    let authorization = text(vector, "/output/authorization")?;
    let verified = signer::verify_with_public_key(received, &expected_key, authorization);
    check.truth(
        &format!("verify_with_public_key of the recorded request: {verified:?}"),
        matches!(verified, Ok(true)),
    );
    Ok(())
}
