//! The verifier against the golden vectors of the official Python SDK for the four `SDK-*`
//! algorithms (`tests/data/signer.json`, a copy of the workspace's `tests/vectors/signer.json`
//! kept inside this package so that its tests also run from the published `.crate`): same
//! canonical request, same string to sign, signature accepted, and rejected under another SK.

use std::path::PathBuf;

use base64::Engine as _;
use huaweicloud_sdk_local::signature::{self, Algorithm};
use serde_json::Value;

fn vectors() -> Vec<Value> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/signer.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).expect("signer.json is JSON")
}

fn body_of(input: &Value) -> Vec<u8> {
    if let Some(text) = input["body_utf8"].as_str() {
        return text.as_bytes().to_vec();
    }
    if let Some(b64) = input["body_base64"].as_str() {
        return base64::engine::general_purpose::STANDARD
            .decode(b64)
            .expect("body_base64 decodes");
    }
    Vec::new()
}

#[test]
fn golden_vectors_of_every_sdk_algorithm_verify() {
    let cases: Vec<Value> = vectors();
    for algorithm in Algorithm::ALL {
        let n = cases
            .iter()
            .filter(|c| c["algorithm"] == algorithm.label())
            .count();
        assert!(n >= 1, "no vector for {algorithm}");
    }
    assert!(cases.len() >= 30, "expected the SDK-* vectors");
    for case in &cases {
        let name = case["name"].as_str().unwrap_or("?");
        let output = &case["output"];
        let ak = case["credentials"]["ak"].as_str().expect("ak");
        let sk = case["credentials"]["sk"].as_str().expect("sk");
        let headers: Vec<(&str, &str)> = output["headers"]
            .as_array()
            .expect("headers")
            .iter()
            .map(|h| (h[0].as_str().expect("name"), h[1].as_str().expect("value")))
            .filter(|(n, _)| !n.eq_ignore_ascii_case("authorization"))
            .collect();
        let authorization = output["authorization"].as_str().expect("authorization");
        let auth = signature::parse_authorization(authorization)
            .unwrap_or_else(|| panic!("{name}: cannot parse {authorization}"));
        let algorithm = auth.algorithm;
        assert_eq!(algorithm.label(), case["algorithm"], "{name}");
        assert_eq!(auth.access, ak);
        let body = body_of(&case["input"]);
        let payload_hash = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(algorithm.content_header()))
            .map(|(_, v)| v.to_string())
            .unwrap_or_else(|| algorithm.hash_hex(&body));
        let signed: Vec<&str> = auth.signed_headers.iter().map(String::as_str).collect();
        let uri = output["uri"].as_str().expect("uri");
        let canonical = signature::canonical_request(
            case["input"]["method"].as_str().expect("method"),
            uri,
            &headers,
            &signed,
            &payload_hash,
        );
        assert_eq!(
            canonical,
            output["canonical_request"].as_str().expect("canonical"),
            "{name}: canonical request"
        );
        let date = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("x-sdk-date"))
            .map(|(_, v)| *v)
            .expect("x-sdk-date");
        let sts = algorithm.string_to_sign_scoped(date, auth.scope, &canonical);
        assert_eq!(
            sts,
            output["string_to_sign"].as_str().expect("sts"),
            "{name}: string to sign"
        );
        if let Some(signature) = algorithm.hmac_sign(sk, &sts) {
            assert_eq!(
                signature,
                output["signature"].as_str().expect("signature"),
                "{name}: signature"
            );
        }
        if algorithm == Algorithm::HmacSha256 {
            assert_eq!(signature::string_to_sign(date, &canonical), sts);
            assert!(signature::verify(sk, &sts, auth.signature), "{name}");
        }
        assert!(
            signature::verify_authorization(&auth, sk, &sts),
            "{name}: verify"
        );
        assert!(
            !signature::verify_authorization(&auth, "another-secret", &sts),
            "{name}: verify with another SK"
        );
        assert!(
            !signature::verify_authorization(&auth, sk, &format!("{sts}x")),
            "{name}: verify another string to sign"
        );
    }
}

#[test]
fn canonical_uri_rules() {
    assert_eq!(signature::canonical_uri("/v1/p/files"), "/v1/p/files/");
    assert_eq!(signature::canonical_uri("/"), "/");
    assert_eq!(
        signature::canonical_uri("/v2/p/repositories/group%2Fapp/artifacts/sha256:abc"),
        "/v2/p/repositories/group/app/artifacts/sha256%3Aabc/"
    );
    assert_eq!(
        signature::canonical_query(Some("b=2&a=x%20y&flag&a=1")),
        "a=1&a=x%20y&b=2&flag="
    );
}

#[test]
fn authorization_parsing() {
    let auth = signature::parse_authorization(
        "SDK-HMAC-SHA256 Access=AK, SignedHeaders=Host;X-Sdk-Date, Signature=abc",
    )
    .expect("parses");
    assert_eq!(auth.access, "AK");
    assert_eq!(auth.signed_headers, ["host", "x-sdk-date"]);
    assert_eq!(auth.signature, "abc");
    assert_eq!(auth.algorithm, Algorithm::HmacSha256);
    let sm2 = signature::parse_authorization(
        "SDK-SM2-SM3 Access=AK, SignedHeaders=host;x-sdk-date, Signature=3045",
    )
    .expect("parses");
    assert_eq!(sm2.algorithm, Algorithm::Sm2Sm3);
    assert!(signature::parse_authorization("V11-HMAC-SHA256 Credential=AK/x").is_none());
    assert!(
        signature::parse_authorization("SDK-HMAC-MD5 Access=AK, SignedHeaders=host, Signature=a")
            .is_none()
    );
    assert!(signature::parse_authorization("SDK-HMAC-SHA256 Access=AK").is_none());
}
