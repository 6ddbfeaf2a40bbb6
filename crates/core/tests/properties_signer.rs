//! Property tests of the signer: it never panics, and its canonical form is stable.
//!
//! Deterministic (fixed seed, no failure files) and modest (256 cases per property); set
//! `PROPTEST_CASES` for a deeper local run.

mod support;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use huaweicloud_sdk_core::signer::{
    Payload, SignableRequest, SigningAlgorithm, SigningKey, canonical_query, canonical_uri,
    encode_path_param, sign,
};
use proptest::prelude::*;

fn pairs(item: BoxedStrategy<String>) -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::vec((item.clone(), item), 0..6)
}

/// Any Unicode text, often with the characters that matter to URLs and headers.
fn hostile() -> BoxedStrategy<String> {
    prop_oneof![
        any::<String>(),
        "[/?#%. a-z0-9:;=&+_~\\-]{0,16}",
        "(%[0-9A-Fa-f]{2}|%[g-z]?|[a-z/]){0,8}",
    ]
    .boxed()
}

fn algorithm(index: u8, region: &str, service: &str) -> SigningAlgorithm {
    match index % 3 {
        0 => SigningAlgorithm::HmacSha256,
        1 => SigningAlgorithm::DerivedHmacSha256 {
            region: region.to_owned(),
            service: service.to_owned(),
        },
        _ => SigningAlgorithm::default(),
    }
}

fn at(seconds: u32) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(u64::from(seconds))
}

proptest! {
    #![proptest_config(support::properties::seeded(0x4857_4353_4947_4e31))]

    /// `sign` returns `Ok` or `Err` for any method, host, path, query, headers, body and key.
    #[test]
    fn signing_never_panics(
        method in hostile(),
        host in hostile(),
        path in hostile(),
        query in pairs(hostile()),
        headers in pairs(hostile()),
        body in prop::option::of(prop::collection::vec(any::<u8>(), 0..64)),
        (ak, sk, token) in (hostile(), hostile(), prop::option::of(hostile())),
        (index, region, service, seconds) in (any::<u8>(), hostile(), hostile(), any::<u32>()),
    ) {
        let request = SignableRequest {
            method: &method,
            host: &host,
            path: &path,
            query: &query,
            headers: &headers,
            payload: body.as_deref().map_or(Payload::Unsigned, Payload::Bytes),
        };
        let key = SigningKey { ak: &ak, sk: &sk, security_token: token.as_deref() };
        let _ = sign(&request, &key, &algorithm(index, &region, &service), at(seconds));
    }

    /// A valid request signs, and signing it twice gives the same canonical request, string to
    /// sign and signature; shuffling its query pairs changes none of them.
    #[test]
    fn canonicalisation_is_stable(
        method in prop::sample::select(vec!["GET", "POST", "put", "DELETE", "PATCH", "HEAD"]),
        path in hostile(),
        (query, shuffled) in pairs(hostile()).prop_flat_map(|q| (Just(q.clone()), Just(q).prop_shuffle())),
        headers in prop::collection::vec(("[A-Za-z][A-Za-z0-9-]{0,10}", "[ -~]{0,24}"), 0..4),
        body in prop::collection::vec(any::<u8>(), 0..64),
        (index, seconds) in (any::<u8>(), any::<u32>()),
    ) {
        // Distinct header names that the signer manages itself are left out.
        let mut seen = std::collections::HashSet::new();
        let headers: Vec<(String, String)> = headers
            .into_iter()
            .filter(|(name, _)| {
                let lower = name.to_ascii_lowercase();
                !matches!(
                    lower.as_str(),
                    "authorization" | "x-sdk-date" | "host" | "x-security-token"
                        | "x-sdk-content-sha256"
                ) && seen.insert(lower)
            })
            .collect();
        let algorithm = algorithm(index, "cn-north-4", "swr");
        let key = SigningKey { ak: "AK-PROPS", sk: "SK-PROPS", security_token: Some("tok") };
        let sign_with = |query: &[(String, String)]| {
            let request = SignableRequest {
                method,
                host: "svc.example.com",
                path: &path,
                query,
                headers: &headers,
                payload: Payload::Bytes(&body),
            };
            sign(&request, &key, &algorithm, at(seconds))
        };
        let first = sign_with(&query).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let again = sign_with(&query).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let reordered = sign_with(&shuffled).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&first.canonical_request, &again.canonical_request);
        prop_assert_eq!(&first.string_to_sign, &again.string_to_sign);
        prop_assert_eq!(&first.signature, &again.signature);
        prop_assert_eq!(&first.authorization, &again.authorization);
        prop_assert_eq!(&first.canonical_request, &reordered.canonical_request);
        prop_assert_eq!(&first.signature, &reordered.signature);
        prop_assert_eq!(canonical_query(&query), canonical_query(&shuffled));
    }

    /// The canonical URI is a fixed point: canonicalising it again changes nothing, and it
    /// holds only unreserved characters, `%XX` escapes and `/`.
    #[test]
    fn canonical_uri_is_idempotent(path in hostile()) {
        let once = canonical_uri(&path);
        prop_assert_eq!(canonical_uri(&once), once.clone());
        prop_assert!(once.ends_with('/'));
        prop_assert!(once.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.~%/".contains(&b)));
    }

    /// A path parameter encodes to unreserved characters and `%XX` only (no `/`, `?`, `#`),
    /// and decodes back to itself.
    #[test]
    fn path_param_encoding_round_trips(value in hostile()) {
        let encoded = encode_path_param(&value);
        prop_assert!(encoded.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.~%".contains(&b)));
        let decoded = percent_encoding::percent_decode_str(&encoded).decode_utf8();
        prop_assert_eq!(decoded.as_deref().ok(), Some(value.as_str()));
    }
}
