//! Golden vectors of the official Python SDK signer (`tests/vectors/signer.json`).
//!
//! Every vector is signed again and compared: canonical request, string to sign, added headers
//! (names, values, order), final header list, wire URI and, for the HMAC algorithms, the exact
//! `Authorization`. The elliptic-curve signatures are randomised in the official SDK, so for them
//! the derived public key is compared and signatures are verified instead. This crate enables
//! every signer feature of the core, so every vector is checked on every run.

use std::time::SystemTime;

use huaweicloud_sdk_core::signer::{
    self, Payload, SignableRequest, SigningAlgorithm, SigningKey, SigningOutput,
};
use huaweicloud_sdk_tests::{body, header_pairs, load, name, signing_time};
use serde_json::Value;

fn str_of<'a>(value: &'a Value, what: &str) -> &'a str {
    value
        .as_str()
        .unwrap_or_else(|| panic!("{what} is not a string: {value}"))
}

/// One query value as the Python SDK stringifies it.
fn query_scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        other => panic!("unsupported query value {other}"),
    }
}

fn query_pairs(input: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for pair in input["query_params"].as_array().expect("query_params") {
        let key = str_of(&pair[0], "query key").to_owned();
        match &pair[1] {
            Value::Array(values) => {
                out.extend(values.iter().map(|v| (key.clone(), query_scalar(v))));
            }
            value => out.push((key, query_scalar(value))),
        }
    }
    out
}

/// The algorithm a vector was signed with.
fn algorithm(vector: &Value) -> SigningAlgorithm {
    let label = str_of(&vector["algorithm"], "algorithm");
    match label {
        "SDK-HMAC-SHA256" => SigningAlgorithm::HmacSha256,
        "V11-HMAC-SHA256" => {
            let info = str_of(&vector["output"]["derivation_info"], "derivation_info");
            let parts: Vec<&str> = info.split('/').collect();
            assert_eq!(parts.len(), 3, "derivation_info {info}");
            SigningAlgorithm::DerivedHmacSha256 {
                region: parts[1].to_owned(),
                service: parts[2].to_owned(),
            }
        }
        "SDK-HMAC-SM3" => SigningAlgorithm::HmacSm3,
        "SDK-ECDSA-P256-SHA256" => SigningAlgorithm::EcdsaP256Sha256,
        "SDK-SM2-SM3" => SigningAlgorithm::Sm2Sm3,
        other => panic!("unknown algorithm {other}"),
    }
}

fn is_elliptic(label: &str) -> bool {
    matches!(label, "SDK-ECDSA-P256-SHA256" | "SDK-SM2-SM3")
}

/// Collects mismatches of one vector.
struct Check<'a> {
    name: &'a str,
    failures: Vec<String>,
}

impl Check<'_> {
    fn eq<T: PartialEq + std::fmt::Debug>(&mut self, what: &str, actual: T, expected: T) {
        if actual != expected {
            self.failures.push(format!(
                "{}: {what}\n    actual:   {actual:?}\n    expected: {expected:?}",
                self.name
            ));
        }
    }

    fn truth(&mut self, what: &str, ok: bool) {
        if !ok {
            self.failures.push(format!("{}: {what}", self.name));
        }
    }
}

/// `Authorization` without its signature (the randomised part of the elliptic algorithms).
fn without_signature(authorization: &str) -> &str {
    authorization
        .rsplit_once("Signature=")
        .map_or(authorization, |(head, _)| head)
}

fn check_vector(vector: &Value, algorithm: &SigningAlgorithm, failures: &mut Vec<String>) {
    let name = name(vector);
    let label = str_of(&vector["algorithm"], "algorithm");
    let input = &vector["input"];
    let output = &vector["output"];
    let credentials = &vector["credentials"];
    let mut check = Check {
        name,
        failures: Vec::new(),
    };

    let query = query_pairs(input);
    let headers = header_pairs(&input["headers"]);
    let body = body(input);
    let path = str_of(&input["resource_path"], "resource_path");
    let request = SignableRequest {
        method: str_of(&input["method"], "method"),
        host: str_of(&input["host"], "host"),
        path,
        query: &query,
        headers: &headers,
        payload: Payload::Bytes(&body),
    };
    let ak = str_of(&credentials["ak"], "ak");
    let sk = str_of(&credentials["sk"], "sk");
    let key = SigningKey {
        ak,
        sk,
        security_token: credentials.get("security_token").and_then(Value::as_str),
    };
    let time: SystemTime = signing_time(vector);
    let out: SigningOutput = match signer::sign(&request, &key, algorithm, time) {
        Ok(out) => out,
        Err(e) => {
            failures.push(format!("{name}: sign failed: {e}"));
            return;
        }
    };

    check.eq(
        "canonical_request",
        out.canonical_request.as_str(),
        str_of(&output["canonical_request"], "canonical_request"),
    );
    check.eq(
        "string_to_sign",
        out.string_to_sign.as_str(),
        str_of(&output["string_to_sign"], "string_to_sign"),
    );

    // Added headers: names in order, values from the final header list.
    let expected_final = header_pairs(&output["headers"]);
    let expected_added: Vec<&str> = output["added_headers"]
        .as_array()
        .expect("added_headers")
        .iter()
        .map(|n| str_of(n, "added header"))
        .collect();
    let added_names: Vec<&str> = out.headers.iter().map(|(n, _)| n.as_str()).collect();
    check.eq("added header names", added_names, expected_added.clone());
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
    check.eq("uri", uri.as_str(), str_of(&output["uri"], "uri"));

    // The request as received by a server: the headers exactly as recorded.
    let received = SignableRequest {
        headers: &expected_final,
        ..request
    };
    let expected_authorization = str_of(&output["authorization"], "authorization");
    if elliptic {
        check_elliptic(&mut check, vector, &out, &received, ak, sk);
    } else {
        check.eq(
            "authorization",
            out.authorization.as_str(),
            expected_authorization,
        );
        check.eq(
            "signature",
            out.signature.as_str(),
            str_of(&output["signature"], "signature"),
        );
        if let Some(derived) = output.get("derived_signing_key").and_then(Value::as_str) {
            let info = str_of(&output["derivation_info"], "derivation_info");
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
    failures.extend(check.failures);
}

fn check_elliptic(
    check: &mut Check<'_>,
    vector: &Value,
    out: &SigningOutput,
    received: &SignableRequest<'_>,
    ak: &str,
    sk: &str,
) {
    let label = str_of(&vector["algorithm"], "algorithm");
    let ec = &vector["output"]["ecdsa"];
    let x = str_of(&ec["public_key_x_hex"], "public_key_x_hex");
    let y = str_of(&ec["public_key_y_hex"], "public_key_y_hex");
    let Some(expected_key) = signer::EcPublicKey::from_hex_coordinates(x, y) else {
        check.truth("vector public key is not hex", false);
        return;
    };
    type Verify = fn(&signer::EcPublicKey, &str, &str) -> bool;
    let (derived, verify): (_, Verify) = match label {
        "SDK-ECDSA-P256-SHA256" => (
            signer::ecdsa_p256_public_key(ak, sk),
            signer::verify_ecdsa_p256,
        ),
        "SDK-SM2-SM3" => (signer::sm2_public_key(ak, sk), signer::verify_sm2),
        other => {
            check.truth(&format!("{other} not handled"), false);
            return;
        }
    };
    match derived {
        Ok(key) => {
            check.eq("public key x", key.x_hex(), x.to_ascii_lowercase());
            check.eq("public key y", key.y_hex(), y.to_ascii_lowercase());
        }
        Err(e) => check.truth(&format!("public key derivation failed: {e}"), false),
    }
    let expected_sts = str_of(&vector["output"]["string_to_sign"], "string_to_sign");
    check.truth(
        "own signature verifies with the vector's public key",
        verify(&expected_key, &out.string_to_sign, &out.signature),
    );
    let recorded = str_of(&vector["output"]["signature"], "signature");
    check.truth(
        "recorded signature verifies with the vector's public key",
        verify(&expected_key, expected_sts, recorded),
    );
    check.truth(
        "tampered string to sign does not verify",
        !verify(&expected_key, &format!("{expected_sts}x"), recorded),
    );
    let authorization = str_of(&vector["output"]["authorization"], "authorization");
    let verified = signer::verify_with_public_key(received, &expected_key, authorization);
    check.truth(
        &format!("verify_with_public_key of the recorded request: {verified:?}"),
        matches!(verified, Ok(true)),
    );
}

#[test]
fn every_signer_vector_matches_the_official_sdk() {
    let vectors = load("signer.json");
    let mut failures = Vec::new();
    for vector in &vectors {
        check_vector(vector, &algorithm(vector), &mut failures);
    }
    println!("signer vectors: {} checked", vectors.len());
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(vectors.len(), 37, "the full signer.json");
}
