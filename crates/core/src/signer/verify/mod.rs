//! Server-side verification (feature `verify`): recompute the signature of a received request
//! and compare. A client never needs it; the local endpoint and the tests do.
//!
//! The canonical request is rebuilt from the `SignedHeaders` list of the received
//! `Authorization` header, so any consistent subset of headers verifies. Checking the signing
//! time window (±15 minutes at Huawei Cloud) and looking up the SK by AK are the caller's job:
//! [`parse_authorization`] gives the AK, the `X-Sdk-Date` header gives the time.

#[cfg(any(feature = "ecdsa", feature = "sm2"))]
mod public_key;

use std::fmt;

use super::canonical::{self, CanonicalParts, HeaderRef, StringToSign};
use super::hash::HashKind;
use super::headers::{self, REDACTED, X_SDK_DATE};
use super::{Payload, SignableRequest, derived, hmac_hex};
use crate::error::{Error, Result};
use crate::time::parse_sdk_date;

#[cfg(any(feature = "ecdsa", feature = "sm2"))]
pub use public_key::EcPublicKey;
#[cfg(feature = "ecdsa")]
pub use public_key::{ecdsa_p256_public_key, verify_ecdsa_p256};
#[cfg(feature = "sm2")]
pub use public_key::{sm2_public_key, verify_sm2};

/// The parts of a received `Authorization` header.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ParsedAuthorization<'a> {
    /// Algorithm label, e.g. `SDK-HMAC-SHA256`.
    pub algorithm: &'a str,
    /// Access key id (AK).
    pub access_key: &'a str,
    /// V11 derivation scope `YYYYMMDD/region/service`; `None` for the other algorithms.
    pub scope: Option<&'a str>,
    /// Signed header names joined with `;`, as received.
    pub signed_headers: &'a str,
    /// The signature (hex).
    pub signature: &'a str,
}

impl fmt::Debug for ParsedAuthorization<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParsedAuthorization")
            .field("algorithm", &self.algorithm)
            .field("access_key", &self.access_key)
            .field("scope", &self.scope)
            .field("signed_headers", &self.signed_headers)
            .field("signature", &REDACTED)
            .finish()
    }
}

const V11_LABEL: &str = "V11-HMAC-SHA256";

/// Parses `LABEL Access=AK, SignedHeaders=h1;h2, Signature=hex` or
/// `V11-HMAC-SHA256 Credential=AK/YYYYMMDD/region/service, SignedHeaders=..., Signature=...`.
///
/// # Errors
/// A construction error when a part is missing or malformed.
pub fn parse_authorization(value: &str) -> Result<ParsedAuthorization<'_>> {
    let malformed =
        |why: &str| Error::construction(format!("malformed Authorization header: {why}"));
    let (algorithm, rest) = value
        .trim()
        .split_once(' ')
        .ok_or_else(|| malformed("no algorithm"))?;
    let (mut access, mut credential, mut signed_headers, mut signature) = (None, None, None, None);
    for part in rest.split(',') {
        let (name, val) = part
            .trim()
            .split_once('=')
            .ok_or_else(|| malformed("a part is not name=value"))?;
        let slot = match name {
            "Access" => &mut access,
            "Credential" => &mut credential,
            "SignedHeaders" => &mut signed_headers,
            "Signature" => &mut signature,
            _ => return Err(malformed("unknown part")),
        };
        if slot.replace(val).is_some() {
            return Err(malformed("a part appears twice"));
        }
    }
    let signed_headers = signed_headers
        .filter(|s| !s.is_empty())
        .ok_or_else(|| malformed("no SignedHeaders"))?;
    let signature = signature
        .filter(|s| !s.is_empty())
        .ok_or_else(|| malformed("no Signature"))?;
    let (access_key, scope) = if algorithm == V11_LABEL {
        if access.is_some() {
            return Err(malformed("V11 uses Credential, not Access"));
        }
        let credential = credential.ok_or_else(|| malformed("no Credential"))?;
        let (ak, scope) = credential
            .split_once('/')
            .ok_or_else(|| malformed("Credential has no scope"))?;
        if scope.split('/').count() != 3 || scope.split('/').any(str::is_empty) {
            return Err(malformed("Credential scope is not YYYYMMDD/region/service"));
        }
        (ak, Some(scope))
    } else {
        if credential.is_some() {
            return Err(malformed("only V11 uses Credential"));
        }
        (access.ok_or_else(|| malformed("no Access"))?, None)
    };
    if access_key.is_empty() {
        return Err(malformed("empty access key"));
    }
    Ok(ParsedAuthorization {
        algorithm,
        access_key,
        scope,
        signed_headers,
        signature,
    })
}

fn hash_for(algorithm: &str) -> Option<HashKind> {
    match algorithm {
        "SDK-HMAC-SHA256" | V11_LABEL | "SDK-ECDSA-P256-SHA256" => Some(HashKind::Sha256),
        #[cfg(feature = "sm3")]
        "SDK-HMAC-SM3" | "SDK-SM2-SM3" => Some(HashKind::Sm3),
        _ => None,
    }
}

/// Rebuilds the string(s) to sign of a received request. Two candidates exist only for an empty
/// body with an unsigned-payload header: the official SDKs then sign the empty-body hash, while a
/// streamed [`Payload::Unsigned`] upload signs `UNSIGNED-PAYLOAD`. `None` when the request cannot
/// match (missing or invalid `X-Sdk-Date`, missing signed header, V11 scope of another day).
fn strings_to_sign(
    request: &SignableRequest<'_>,
    auth: &ParsedAuthorization<'_>,
    hash: HashKind,
) -> Option<Vec<String>> {
    let sdk_date = headers::find(request.headers, X_SDK_DATE)?.trim();
    parse_sdk_date(sdk_date)?;
    if let Some(scope) = auth.scope {
        if scope.get(..8)? != sdk_date.get(..8)? {
            return None;
        }
    }
    let mut signed: Vec<HeaderRef<'_>> = Vec::new();
    for name in auth.signed_headers.split(';') {
        let value = headers::find(request.headers, name)?;
        signed.push((name, value));
    }
    if !signed
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case(X_SDK_DATE))
    {
        return None;
    }
    let content = headers::find(request.headers, hash.content_header()).map(str::trim);
    let body_hash;
    let candidates: Vec<&str> = match (request.payload, content) {
        (Payload::Unsigned, Some(value)) => vec![value],
        (Payload::Unsigned, None) => return None,
        (Payload::Bytes([]), Some(value)) => vec![hash.empty_hash(), value],
        (Payload::Bytes([]), None) => vec![hash.empty_hash()],
        (Payload::Bytes(_), Some(value)) => vec![value],
        (Payload::Bytes(body), None) => {
            body_hash = hash.hex_digest(body);
            vec![body_hash.as_str()]
        }
    };
    Some(
        candidates
            .into_iter()
            .map(|payload_hash| {
                let (canonical_request, _) = canonical::canonical_request(&CanonicalParts {
                    method: request.method,
                    path: request.path,
                    query: request.query,
                    canonical_query: None,
                    headers: &signed,
                    signed_names: Some(auth.signed_headers),
                    payload_hash,
                });
                StringToSign::new(
                    auth.algorithm,
                    sdk_date,
                    auth.scope,
                    hash,
                    &canonical_request,
                )
                .text()
            })
            .collect(),
    )
}

/// Constant-time equality of two byte strings (length is not hidden).
fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Verifies a received request signed with `SDK-HMAC-SHA256`, `V11-HMAC-SHA256` or (feature
/// `sm3`) `SDK-HMAC-SM3`, given the SK that belongs to the AK of `authorization`.
///
/// `request.headers` are the received headers (`Authorization` among them or not);
/// `request.payload` is the received body, or [`Payload::Unsigned`] when it was not buffered
/// (then only requests that declared an unsigned payload can verify). `request.host` is unused.
///
/// Returns `Ok(false)` when the signature does not match, `X-Sdk-Date` is missing, invalid or
/// unsigned, a signed header is missing, or a V11 scope names another day than `X-Sdk-Date`.
///
/// # Errors
/// A construction error for a malformed `authorization` or an algorithm that is not HMAC-based
/// (or whose feature is disabled).
pub fn verify_hmac(request: &SignableRequest<'_>, sk: &str, authorization: &str) -> Result<bool> {
    let auth = parse_authorization(authorization)?;
    let hash = match hash_for(auth.algorithm) {
        Some(hash) if auth.algorithm.contains("-HMAC-") => hash,
        _ => {
            return Err(Error::construction(format!(
                "{} is not a supported HMAC signing algorithm",
                auth.algorithm
            )));
        }
    };
    let Some(candidates) = strings_to_sign(request, &auth, hash) else {
        return Ok(false);
    };
    let key = match auth.scope {
        Some(scope) => derived::derived_signing_key(auth.access_key, sk, scope)?,
        None => sk.to_owned(),
    };
    for string_to_sign in &candidates {
        let expected = hmac_hex(hash, key.as_bytes(), string_to_sign)?;
        if ct_eq(expected.as_bytes(), auth.signature.as_bytes()) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Verifies a received request signed with `SDK-ECDSA-P256-SHA256` (feature `ecdsa`) or
/// `SDK-SM2-SM3` (feature `sm2`) against the signer's public key (see `ecdsa_p256_public_key` /
/// `sm2_public_key` in this module).
/// Same request conventions and `Ok(false)` cases as [`verify_hmac`].
///
/// # Errors
/// A construction error for a malformed `authorization` or an algorithm that is not an
/// enabled elliptic-curve one.
#[cfg(any(feature = "ecdsa", feature = "sm2"))]
pub fn verify_with_public_key(
    request: &SignableRequest<'_>,
    public_key: &EcPublicKey,
    authorization: &str,
) -> Result<bool> {
    let auth = parse_authorization(authorization)?;
    let verify: fn(&EcPublicKey, &str, &str) -> bool = match auth.algorithm {
        #[cfg(feature = "ecdsa")]
        "SDK-ECDSA-P256-SHA256" => verify_ecdsa_p256,
        #[cfg(feature = "sm2")]
        "SDK-SM2-SM3" => verify_sm2,
        other => {
            return Err(Error::construction(format!(
                "{other} is not a supported elliptic-curve signing algorithm"
            )));
        }
    };
    let hash = hash_for(auth.algorithm)
        .ok_or_else(|| Error::construction("no hash for the signing algorithm"))?;
    let Some(candidates) = strings_to_sign(request, &auth, hash) else {
        return Ok(false);
    };
    Ok(candidates
        .iter()
        .any(|sts| verify(public_key, sts, auth.signature)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_forms() {
        let a = parse_authorization(
            "SDK-HMAC-SHA256 Access=AK1, SignedHeaders=host;x-sdk-date, Signature=abcd",
        )
        .unwrap();
        assert_eq!(a.algorithm, "SDK-HMAC-SHA256");
        assert_eq!(a.access_key, "AK1");
        assert_eq!(a.scope, None);
        assert_eq!(a.signed_headers, "host;x-sdk-date");
        assert_eq!(a.signature, "abcd");
        assert!(!format!("{a:?}").contains("abcd"));

        let v = parse_authorization(
            "V11-HMAC-SHA256 Credential=AK1/20260102/cn-north-4/hss, SignedHeaders=x-sdk-date, Signature=ef",
        )
        .unwrap();
        assert_eq!(v.access_key, "AK1");
        assert_eq!(v.scope, Some("20260102/cn-north-4/hss"));
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "",
            "SDK-HMAC-SHA256",
            "SDK-HMAC-SHA256 Access=AK, Signature=ab",
            "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=",
            "SDK-HMAC-SHA256 SignedHeaders=host, Signature=ab",
            "SDK-HMAC-SHA256 Access=AK, Access=AK, SignedHeaders=host, Signature=ab",
            "SDK-HMAC-SHA256 Access=AK, Foo=1, SignedHeaders=host, Signature=ab",
            "V11-HMAC-SHA256 Credential=AK, SignedHeaders=host, Signature=ab",
            "V11-HMAC-SHA256 Credential=AK/20260102/r, SignedHeaders=host, Signature=ab",
            "V11-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=ab",
        ] {
            assert!(parse_authorization(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ct_eq_compares() {
        assert!(ct_eq(b"abc", b"abc"));
        assert!(!ct_eq(b"abc", b"abd"));
        assert!(!ct_eq(b"abc", b"ab"));
    }
}
