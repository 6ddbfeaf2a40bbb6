//! Unit tests of [`sign`](super::sign) and the verification helpers.

use std::time::{Duration, UNIX_EPOCH};

use super::*;

const AK: &str = "HPUAEXAMPLEAK0000001";
const SK: &str = "exampleSecretKey0000000000000000000000000";

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// 2026-01-02T03:04:05Z.
fn t0() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_767_323_045)
}

fn key() -> SigningKey<'static> {
    SigningKey {
        ak: AK,
        sk: SK,
        security_token: None,
    }
}

fn request<'a>(
    method: &'a str,
    query: &'a [(String, String)],
    headers: &'a [(String, String)],
    payload: Payload<'a>,
) -> SignableRequest<'a> {
    SignableRequest {
        method,
        host: "service.cn-north-4.myhuaweicloud.com",
        path: "/v1/resource",
        query,
        headers,
        payload,
    }
}

/// The signed request's headers: the caller's followed by the added ones.
fn all_headers(headers: &[(String, String)], out: &SigningOutput) -> Vec<(String, String)> {
    headers.iter().chain(out.headers.iter()).cloned().collect()
}

#[test]
fn signing_time_is_the_vector_time() {
    assert_eq!(format_sdk_date(t0()), "20260102T030405Z");
}

#[test]
fn adds_date_host_and_authorization_in_order() {
    let out = sign(
        &request("GET", &[], &[], Payload::Bytes(b"")),
        &key(),
        &SigningAlgorithm::default(),
        t0(),
    )
    .unwrap();
    let names: Vec<&str> = out.headers.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["X-Sdk-Date", "Host", "Authorization"]);
    assert_eq!(out.headers[0].1, "20260102T030405Z");
    assert_eq!(out.headers[2].1, out.authorization);
    assert!(out.authorization.starts_with(
        "SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK0000001, SignedHeaders=host;x-sdk-date, Signature="
    ));
    assert!(out.authorization.ends_with(&out.signature));
    assert_eq!(out.signature.len(), 64);
}

#[test]
fn full_order_with_unsigned_payload_and_token() {
    let headers = pairs(&[("Content-Type", "application/octet-stream")]);
    let key = SigningKey {
        security_token: Some("tok"),
        ..key()
    };
    let out = sign(
        &request("PUT", &[], &headers, Payload::Bytes(b"data")),
        &key,
        &SigningAlgorithm::HmacSha256,
        t0(),
    )
    .unwrap();
    let names: Vec<&str> = out.headers.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "X-Sdk-Content-Sha256",
            "X-Security-Token",
            "X-Sdk-Date",
            "Host",
            "Authorization"
        ]
    );
    assert!(out.canonical_request.ends_with("\nUNSIGNED-PAYLOAD"));
    assert!(out.canonical_request.contains("\nx-security-token:tok\n"));
}

#[test]
fn streamed_payload_is_always_unsigned() {
    let headers = pairs(&[("Content-Type", "application/json")]);
    let out = sign(
        &request("PUT", &[], &headers, Payload::Unsigned),
        &key(),
        &SigningAlgorithm::HmacSha256,
        t0(),
    )
    .unwrap();
    assert_eq!(
        out.headers[0],
        ("X-Sdk-Content-Sha256".into(), "UNSIGNED-PAYLOAD".into())
    );
    assert!(out.canonical_request.ends_with("\nUNSIGNED-PAYLOAD"));
}

#[test]
fn empty_body_uses_the_empty_hash_even_when_unsigned_header_is_added() {
    let headers = pairs(&[("Content-Type", "application/octet-stream")]);
    let out = sign(
        &request("POST", &[], &headers, Payload::Bytes(b"")),
        &key(),
        &SigningAlgorithm::HmacSha256,
        t0(),
    )
    .unwrap();
    assert_eq!(out.headers[0].0, "X-Sdk-Content-Sha256");
    assert!(
        out.canonical_request
            .ends_with(&format!("\n{}", hex_sha256(b"")))
    );
}

#[test]
fn caller_date_is_kept_and_decides_the_v11_day() {
    let headers = pairs(&[("x-sdk-date", "20250304T050607Z")]);
    let algorithm = SigningAlgorithm::DerivedHmacSha256 {
        region: "cn-north-4".into(),
        service: "iotda".into(),
    };
    let out = sign(
        &request("GET", &[], &headers, Payload::Bytes(b"")),
        &key(),
        &algorithm,
        t0(),
    )
    .unwrap();
    assert!(
        out.headers
            .iter()
            .all(|(n, _)| !n.eq_ignore_ascii_case("X-Sdk-Date"))
    );
    assert!(
        out.string_to_sign
            .starts_with("V11-HMAC-SHA256\n20250304T050607Z\n20250304/cn-north-4/iotda\n")
    );
    assert!(out.authorization.starts_with(
        "V11-HMAC-SHA256 Credential=HPUAEXAMPLEAK0000001/20250304/cn-north-4/iotda, SignedHeaders=host;x-sdk-date, Signature="
    ));
}

#[test]
fn errors() {
    let sign_with = |headers: &[(String, String)], key: &SigningKey<'_>| {
        sign(
            &request("GET", &[], headers, Payload::Bytes(b"")),
            key,
            &SigningAlgorithm::HmacSha256,
            t0(),
        )
    };
    assert!(sign_with(&pairs(&[("X-Sdk-Date", "yesterday")]), &key()).is_err());
    assert!(sign_with(&pairs(&[("Host", "a"), ("HOST", "b")]), &key()).is_err());
    assert!(sign_with(&pairs(&[("Authorization", "x")]), &key()).is_err());
    assert!(sign_with(&pairs(&[("X-Bad", "a\nb")]), &key()).is_err());
    let err = sign_with(&[], &SigningKey { sk: "", ..key() }).unwrap_err();
    assert!(err.is_credentials());
    let token_key = SigningKey {
        security_token: Some("tok"),
        ..key()
    };
    assert!(sign_with(&pairs(&[("X-Security-Token", "other")]), &token_key).is_err());
    let same = sign_with(&pairs(&[("X-Security-Token", "tok")]), &token_key).unwrap();
    assert!(same.headers.iter().all(|(n, _)| n != "X-Security-Token"));
    let bad_method = sign(
        &request("GE T", &[], &[], Payload::Bytes(b"")),
        &key(),
        &SigningAlgorithm::HmacSha256,
        t0(),
    );
    assert!(bad_method.unwrap_err().is_construction());
    let empty_host = SignableRequest {
        host: "",
        ..request("GET", &[], &[], Payload::Bytes(b""))
    };
    assert!(sign(&empty_host, &key(), &SigningAlgorithm::HmacSha256, t0()).is_err());
    let bad_scope = SigningAlgorithm::DerivedHmacSha256 {
        region: String::new(),
        service: "s".into(),
    };
    assert!(
        sign(
            &request("GET", &[], &[], Payload::Bytes(b"")),
            &key(),
            &bad_scope,
            t0()
        )
        .is_err()
    );
}

#[test]
fn debug_output_hides_secrets() {
    let token_key = SigningKey {
        ak: AK,
        sk: "super-secret-sk",
        security_token: Some("super-secret-token"),
    };
    let key_debug = format!("{token_key:?}");
    assert!(key_debug.contains(AK));
    assert!(!key_debug.contains("super-secret"));

    let out = sign(
        &request("GET", &[], &[], Payload::Bytes(b"")),
        &token_key,
        &SigningAlgorithm::HmacSha256,
        t0(),
    )
    .unwrap();
    let out_debug = format!("{out:?}");
    assert!(!out_debug.contains(&out.signature), "{out_debug}");
    assert!(!out_debug.contains("super-secret"), "{out_debug}");
    assert!(out_debug.contains("** redacted **"));
    assert!(out_debug.contains("x-sdk-date"));

    let headers = all_headers(&[], &out);
    let req_debug = format!(
        "{:?}",
        request("GET", &[], &headers, Payload::Bytes(b"body"))
    );
    assert!(!req_debug.contains(&out.signature));
    assert!(!req_debug.contains("super-secret"));
    assert!(req_debug.contains("4 bytes"));
}

#[test]
fn labels() {
    assert_eq!(SigningAlgorithm::HmacSha256.label(), "SDK-HMAC-SHA256");
    assert_eq!(
        SigningAlgorithm::DerivedHmacSha256 {
            region: "r".into(),
            service: "s".into()
        }
        .label(),
        "V11-HMAC-SHA256"
    );
    #[cfg(feature = "sm3")]
    assert_eq!(SigningAlgorithm::HmacSm3.label(), "SDK-HMAC-SM3");
    #[cfg(feature = "ecdsa")]
    assert_eq!(
        SigningAlgorithm::EcdsaP256Sha256.label(),
        "SDK-ECDSA-P256-SHA256"
    );
    #[cfg(feature = "sm2")]
    assert_eq!(SigningAlgorithm::Sm2Sm3.label(), "SDK-SM2-SM3");
}

#[cfg(feature = "verify")]
fn hmac_algorithms() -> Vec<SigningAlgorithm> {
    vec![
        SigningAlgorithm::HmacSha256,
        SigningAlgorithm::DerivedHmacSha256 {
            region: "cn-north-4".into(),
            service: "hss".into(),
        },
        #[cfg(feature = "sm3")]
        SigningAlgorithm::HmacSm3,
    ]
}

// Server-side verification is behind the `verify` feature.
#[cfg(feature = "verify")]
#[test]
fn sign_then_verify_round_trips_and_detects_tampering() {
    let query = pairs(&[("limit", "10"), ("tag", "a b")]);
    let headers = pairs(&[("Content-Type", "application/json"), ("X-Project-Id", "p1")]);
    let body = br#"{"a":1}"#;
    for algorithm in hmac_algorithms() {
        let req = request("POST", &query, &headers, Payload::Bytes(body));
        let out = sign(&req, &key(), &algorithm, t0()).unwrap();
        let received = all_headers(&headers, &out);
        let ok = request("POST", &query, &received, Payload::Bytes(body));
        assert!(
            verify_hmac(&ok, SK, &out.authorization).unwrap(),
            "{algorithm:?}"
        );
        assert!(!verify_hmac(&ok, "wrong-sk", &out.authorization).unwrap());
        let tampered_body = request("POST", &query, &received, Payload::Bytes(b"{\"a\":2}"));
        assert!(!verify_hmac(&tampered_body, SK, &out.authorization).unwrap());
        let other_query = pairs(&[("limit", "11"), ("tag", "a b")]);
        let tampered_query = request("POST", &other_query, &received, Payload::Bytes(body));
        assert!(!verify_hmac(&tampered_query, SK, &out.authorization).unwrap());
        let no_date: Vec<(String, String)> = received
            .iter()
            .filter(|(n, _)| n != "X-Sdk-Date")
            .cloned()
            .collect();
        let missing = request("POST", &query, &no_date, Payload::Bytes(body));
        assert!(!verify_hmac(&missing, SK, &out.authorization).unwrap());
    }
}

// Server-side verification is behind the `verify` feature.
#[cfg(feature = "verify")]
#[test]
fn verify_accepts_streamed_and_empty_unsigned_payloads() {
    let headers = pairs(&[("Content-Type", "application/octet-stream")]);
    // Streamed upload of an (unexpectedly) empty body: signed as UNSIGNED-PAYLOAD.
    let out = sign(
        &request("PUT", &[], &headers, Payload::Unsigned),
        &key(),
        &SigningAlgorithm::HmacSha256,
        t0(),
    )
    .unwrap();
    let received = all_headers(&headers, &out);
    assert!(
        verify_hmac(
            &request("PUT", &[], &received, Payload::Bytes(b"")),
            SK,
            &out.authorization
        )
        .unwrap()
    );
    assert!(
        verify_hmac(
            &request("PUT", &[], &received, Payload::Unsigned),
            SK,
            &out.authorization
        )
        .unwrap()
    );
    // Buffered empty body: signed with the empty hash.
    let out = sign(
        &request("PUT", &[], &headers, Payload::Bytes(b"")),
        &key(),
        &SigningAlgorithm::HmacSha256,
        t0(),
    )
    .unwrap();
    let received = all_headers(&headers, &out);
    assert!(
        verify_hmac(
            &request("PUT", &[], &received, Payload::Bytes(b"")),
            SK,
            &out.authorization
        )
        .unwrap()
    );
}

// Server-side verification is behind the `verify` feature.
#[cfg(feature = "verify")]
#[test]
fn verify_rejects_non_hmac_algorithms() {
    let req = request("GET", &[], &[], Payload::Bytes(b""));
    let err = verify_hmac(
        &req,
        SK,
        "SDK-FOO Access=A, SignedHeaders=x-sdk-date, Signature=ab",
    );
    assert!(err.is_err());
}

/// GO `core/auth/signer/signer_test.go` / `derived_signer_test.go` (reference §2.7). The Go SDK
/// neither adds nor signs `Host`, which `sign` always does, so these vectors are checked through
/// the verifier, which follows the received `SignedHeaders` list.
#[cfg(feature = "verify")]
mod go_vectors {
    use super::*;

    fn go_request<'a>(
        method: &'a str,
        query: &'a [(String, String)],
        headers: &'a [(String, String)],
        body: &'a [u8],
    ) -> SignableRequest<'a> {
        SignableRequest {
            method,
            host: "example.huaweicloud.com",
            path: "/path",
            query,
            headers,
            payload: Payload::Bytes(body),
        }
    }

    fn go_headers(extra: &[(&str, &str)]) -> Vec<(String, String)> {
        let mut headers = pairs(&[("X-Sdk-Date", "20060102T150405Z"), ("TEST_UNDERSCORE", "x")]);
        headers.extend(pairs(extra));
        headers
    }

    #[test]
    fn sha256_1() {
        let query = pairs(&[("limit", "1")]);
        let headers = go_headers(&[]);
        let req = go_request("GET", &query, &headers, b"");
        assert!(verify_hmac(
            &req,
            "SecretKey",
            "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, Signature=5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624"
        )
        .unwrap());
    }

    #[test]
    fn sha256_2() {
        let query = pairs(&[("key", "value")]);
        let headers = go_headers(&[("Content-Type", "application/json")]);
        let req = go_request("POST", &query, &headers, b"{\"Name\":\"test\",\"Id\":1}\n");
        assert!(verify_hmac(
            &req,
            "SecretKey",
            "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, Signature=cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59"
        )
        .unwrap());
    }

    #[test]
    fn v11_1() {
        let query = pairs(&[("limit", "1")]);
        let headers = go_headers(&[]);
        let req = go_request("GET", &query, &headers, b"");
        assert!(verify_hmac(
            &req,
            "SecretKey",
            "V11-HMAC-SHA256 Credential=AccessKey/20060102/test-region-1/demo, SignedHeaders=x-sdk-date, Signature=8fd3610508884bb19718317797c7378716a94bc740d97502e569322e366341cc"
        )
        .unwrap());
    }

    #[test]
    fn v11_2() {
        let query = pairs(&[("key", "value")]);
        let headers = go_headers(&[("Content-Type", "application/json")]);
        let req = go_request("POST", &query, &headers, b"{\"Name\":\"test\",\"Id\":1}\n");
        assert!(verify_hmac(
            &req,
            "SecretKey",
            "V11-HMAC-SHA256 Credential=AccessKey/20060102/test-region-1/demo, SignedHeaders=x-sdk-date, Signature=4112f88b92d82dd1e1b7dd142f1e99e4f1762c42ca8fe0968b3045120870a903"
        )
        .unwrap());
    }

    #[test]
    fn canonical_request_of_sha256_1_with_host_supplied() {
        // With a Host header the request also signs `host`; the rest of the canonical request is
        // the one listed in the reference.
        let query = pairs(&[("limit", "1")]);
        let headers = go_headers(&[("Host", "example.huaweicloud.com")]);
        let req = go_request("GET", &query, &headers, b"");
        let key = SigningKey {
            ak: "AccessKey",
            sk: "SecretKey",
            security_token: None,
        };
        let out = sign(&req, &key, &SigningAlgorithm::HmacSha256, t0()).unwrap();
        assert_eq!(
            out.canonical_request,
            format!(
                "GET\n/path/\nlimit=1\nhost:example.huaweicloud.com\nx-sdk-date:20060102T150405Z\n\nhost;x-sdk-date\n{}",
                hex_sha256(b"")
            )
        );
        assert_eq!(out.headers.len(), 1);
    }
}

#[cfg(any(feature = "ecdsa", feature = "sm2"))]
#[test]
fn asymmetric_sign_then_verify() {
    let headers = pairs(&[("Content-Type", "application/json")]);
    let mut cases: Vec<(SigningAlgorithm, EcPublicKey)> = Vec::new();
    #[cfg(feature = "ecdsa")]
    cases.push((
        SigningAlgorithm::EcdsaP256Sha256,
        ecdsa_p256_public_key(AK, SK).unwrap(),
    ));
    #[cfg(feature = "sm2")]
    cases.push((SigningAlgorithm::Sm2Sm3, sm2_public_key(AK, SK).unwrap()));
    for (algorithm, public_key) in cases {
        let out = sign(
            &request("POST", &[], &headers, Payload::Bytes(b"{}")),
            &key(),
            &algorithm,
            t0(),
        )
        .unwrap();
        let received = all_headers(&headers, &out);
        let ok = request("POST", &[], &received, Payload::Bytes(b"{}"));
        assert!(verify_with_public_key(&ok, &public_key, &out.authorization).unwrap());
        let bad = request("POST", &[], &received, Payload::Bytes(b"{ }"));
        assert!(!verify_with_public_key(&bad, &public_key, &out.authorization).unwrap());
        assert!(verify_hmac(&ok, SK, &out.authorization).is_err());
    }
}

#[test]
fn borrowed_headers_sign_exactly_like_owned_ones() {
    let owned = pairs(&[
        ("Content-Type", "text/plain"),
        ("X-Project-Id", "p1"),
        ("x-custom", "  spaced  "),
    ]);
    let borrowed: Vec<(&str, std::borrow::Cow<'_, str>)> = owned
        .iter()
        .map(|(n, v)| (n.as_str(), std::borrow::Cow::Borrowed(v.as_str())))
        .collect();
    let query = pairs(&[("b", "2"), ("a", "1")]);
    let payload = Payload::Bytes(b"hello");
    let from_owned = sign(
        &request("POST", &query, &owned, payload),
        &key(),
        &SigningAlgorithm::HmacSha256,
        t0(),
    )
    .unwrap();
    let owned_request = request("POST", &query, &owned, payload);
    let view = SignableRequest {
        method: owned_request.method,
        host: owned_request.host,
        path: owned_request.path,
        query: &query,
        headers: &borrowed,
        payload,
    };
    let from_borrowed = sign(&view, &key(), &SigningAlgorithm::HmacSha256, t0()).unwrap();
    assert_eq!(
        from_owned.canonical_request,
        from_borrowed.canonical_request
    );
    assert_eq!(from_owned.authorization, from_borrowed.authorization);
    assert_eq!(from_owned.headers, from_borrowed.headers);
    // The content-type rule applies through the view too: text/plain is sent unsigned.
    assert!(
        from_borrowed
            .canonical_request
            .ends_with("UNSIGNED-PAYLOAD")
    );
    assert!(format!("{view:?}").contains("x-custom"));
}
