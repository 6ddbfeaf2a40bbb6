//! `sign` never panics and is deterministic for any method, host, path, query, headers, body,
//! credentials and algorithm; the canonical query does not depend on the order of the pairs.
#![no_main]

use std::time::{Duration, UNIX_EPOCH};

use arbitrary::Arbitrary;
use huaweicloud_sdk_core::signer::{
    Payload, SignableRequest, SigningAlgorithm, SigningKey, canonical_query, canonical_uri,
    encode_path_param, sign,
};
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Arbitrary)]
struct Input {
    method: String,
    host: String,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Option<Vec<u8>>,
    ak: String,
    sk: String,
    token: Option<String>,
    algorithm: u8,
    region: String,
    service: String,
    seconds: u32,
}

fuzz_target!(|input: Input| {
    let algorithm = match input.algorithm % 8 {
        0 => SigningAlgorithm::DerivedHmacSha256 {
            region: input.region.clone(),
            service: input.service.clone(),
        },
        1 => SigningAlgorithm::HmacSm3,
        // The elliptic-curve key derivation is slow: keep it rare.
        2 if input.algorithm >= 128 => SigningAlgorithm::EcdsaP256Sha256,
        3 if input.algorithm >= 128 => SigningAlgorithm::Sm2Sm3,
        _ => SigningAlgorithm::HmacSha256,
    };
    let request = SignableRequest {
        method: &input.method,
        host: &input.host,
        path: &input.path,
        query: &input.query,
        headers: &input.headers,
        payload: match &input.body {
            Some(body) => Payload::Bytes(body),
            None => Payload::Unsigned,
        },
    };
    let key = SigningKey {
        ak: &input.ak,
        sk: &input.sk,
        security_token: input.token.as_deref(),
    };
    let time = UNIX_EPOCH + Duration::from_secs(u64::from(input.seconds));
    let first = sign(&request, &key, &algorithm, time);
    let second = sign(&request, &key, &algorithm, time);
    match (&first, &second) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a.canonical_request, b.canonical_request);
            assert_eq!(a.string_to_sign, b.string_to_sign);
            assert_eq!(a.headers.len(), b.headers.len());
            // ECDSA/SM2 signatures are randomised or deterministic depending on the scheme;
            // HMAC ones must be identical.
            if matches!(
                algorithm,
                SigningAlgorithm::HmacSha256
                    | SigningAlgorithm::HmacSm3
                    | SigningAlgorithm::DerivedHmacSha256 { .. }
            ) {
                assert_eq!(a.signature, b.signature);
            }
        }
        (Err(_), Err(_)) => {}
        _ => panic!("signing the same request twice gave Ok once and Err once"),
    }

    // The canonical query is order-independent.
    let mut reversed = input.query.clone();
    reversed.reverse();
    assert_eq!(canonical_query(&input.query), canonical_query(&reversed));
    let uri = canonical_uri(&input.path);
    assert!(uri.starts_with('/') || uri.ends_with('/'));
    let encoded = encode_path_param(&input.path);
    assert!(
        encoded
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.~%".contains(&b))
    );
});
