//! Server-side verification of AK/SK signatures, as the Huawei Cloud API gateway does it, for
//! the four algorithms of [`Algorithm`].
//!
//! The canonical request and string to sign are written independently of
//! `huaweicloud-sdk-core`'s signer (they are the check on it), from the published algorithm,
//! shown here for `SDK-HMAC-SHA256`:
//!
//! 1. canonical request = `METHOD\nURI\nQUERY\nHEADERS\nSIGNED_HEADERS\nPAYLOAD_HASH`, where
//!    * `URI` is the request path as received, percent-decoded once, split on `/`, each
//!      segment re-encoded (every byte except `A-Z a-z 0-9 - _ . ~` as upper-case `%XX`), with a
//!      `/` appended when it does not end with one;
//!    * `QUERY` is the received query split on `&` into `key=value` pairs, each side decoded
//!      and re-encoded the same way, sorted by key then value, joined with `&` (a bare `key`
//!      becomes `key=`);
//!    * `HEADERS` is `name:value\n` for each header named in `SignedHeaders` (name lower-cased,
//!      value trimmed; several values of one header joined with `,`);
//!    * `PAYLOAD_HASH` is the value of `X-Sdk-Content-Sha256` when that header is present
//!      (`UNSIGNED-PAYLOAD`, or else the gateway also checks it is the body's hash), otherwise
//!      the lower-hex SHA-256 of the body bytes received;
//! 2. string to sign = `SDK-HMAC-SHA256\n<X-Sdk-Date>\n<hex SHA-256 of the canonical request>`;
//! 3. signature = lower-hex HMAC-SHA256 keyed with the SK.
//!
//! `SDK-HMAC-SM3` is the same with SM3 in place of SHA-256 (and `X-Sdk-Content-Sm3` as the
//! payload header). `SDK-ECDSA-P256-SHA256` and `SDK-SM2-SM3` sign the same string to sign
//! (SM3 for SM2) with a key pair derived from AK/SK; the gateway derives the public key from the
//! SK it holds and checks the DER signature ([`verify_signature`]).
//!
//! ```
//! use huaweicloud_sdk_local::signature;
//!
//! let canonical = signature::canonical_request(
//!     "GET",
//!     "/v1/resource?b=2&a=1",
//!     &[("x-sdk-date", "20260102T030405Z")],
//!     &["x-sdk-date"],
//!     signature::EMPTY_PAYLOAD_SHA256,
//! );
//! assert_eq!(
//!     canonical,
//!     "GET\n/v1/resource/\na=1&b=2\nx-sdk-date:20260102T030405Z\n\nx-sdk-date\n\
//!      e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
//! );
//! let sts = signature::string_to_sign("20260102T030405Z", &canonical);
//! assert_eq!(signature::sign("secret", &sts).len(), 64);
//! ```

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, percent_encode};
mod algorithm;
mod asymmetric;

pub use algorithm::Algorithm;

/// The label of the default signing algorithm, `SDK-HMAC-SHA256`.
pub const ALGORITHM: &str = "SDK-HMAC-SHA256";

/// The value of `X-Sdk-Content-Sha256` that exempts the body from the signature.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// Hex SHA-256 of the empty body.
pub const EMPTY_PAYLOAD_SHA256: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// Every byte except `A-Z a-z 0-9 - _ . ~` is percent-encoded.
const ENCODE_SET: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// The parts of an `Authorization: <ALGORITHM> Access=.., SignedHeaders=.., Signature=..`
/// header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization<'a> {
    /// The signing algorithm (the label before `Access=`).
    pub algorithm: Algorithm,
    /// The access key id (`Access=`, or the first part of `V11-HMAC-SHA256`'s `Credential=`).
    pub access: &'a str,
    /// `V11-HMAC-SHA256`'s derivation scope, `YYYYMMDD/region/service` (the rest of
    /// `Credential=`); `None` for the other algorithms.
    pub scope: Option<&'a str>,
    /// Lower-cased names of the signed headers, in the order given (`SignedHeaders=`).
    pub signed_headers: Vec<String>,
    /// The hex signature (`Signature=`).
    pub signature: &'a str,
}

/// Parses an `Authorization` header value; `None` when it is not a well-formed authorization
/// of one of the [`Algorithm`]s.
pub fn parse_authorization(value: &str) -> Option<Authorization<'_>> {
    let (label, rest) = value.trim().split_once(' ')?;
    let algorithm = Algorithm::from_label(label)?;
    let derived = algorithm == Algorithm::DerivedHmacSha256;
    let (mut access, mut scope, mut signed, mut signature) = (None, None, None, None);
    for part in rest.split(',') {
        let (key, val) = part.trim().split_once('=')?;
        match key.trim() {
            "Access" if !derived => access = Some(val.trim()),
            "Credential" if derived => {
                let (ak, rest) = val.trim().split_once('/')?;
                access = Some(ak);
                scope = Some(rest);
            }
            "SignedHeaders" => signed = Some(val.trim()),
            "Signature" => signature = Some(val.trim()),
            _ => return None,
        }
    }
    let (access, signed, signature) = (access?, signed?, signature?);
    if access.is_empty() || signed.is_empty() || signature.is_empty() {
        return None;
    }
    if derived && scope.is_none_or(|scope| scope.split('/').count() != 3) {
        return None;
    }
    Some(Authorization {
        algorithm,
        access,
        scope,
        signed_headers: signed
            .split(';')
            .map(|h| h.trim().to_ascii_lowercase())
            .collect(),
        signature,
    })
}

fn encode_into(out: &mut String, bytes: &[u8]) {
    out.extend(percent_encode(bytes, ENCODE_SET));
}

/// Canonical URI of a path as received (see the module docs).
///
/// The whole path is percent-decoded once before it is split on `/`, as the official Python
/// SDK does when signing: an encoded slash (`group%2Fapp`) therefore counts as a separator and
/// canonicalises to `group/app`, the same canonical form the Go SDK produces by sending the
/// slash unencoded.
pub fn canonical_uri(raw_path: &str) -> String {
    let decoded: Vec<u8> = percent_decode_str(raw_path).collect();
    let mut out = String::with_capacity(raw_path.len() + 8);
    for (i, segment) in decoded.split(|b| *b == b'/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        encode_into(&mut out, segment);
    }
    if !out.starts_with('/') {
        out.insert(0, '/');
    }
    if !out.ends_with('/') {
        out.push('/');
    }
    out
}

/// Canonical query string of a query as received, without the `?` (see the module docs).
pub fn canonical_query(raw_query: Option<&str>) -> String {
    let Some(raw) = raw_query else {
        return String::new();
    };
    let mut pairs: Vec<(String, String)> = raw
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let mut key = String::new();
            encode_into(&mut key, &percent_decode_str(k).collect::<Vec<u8>>());
            let mut value = String::new();
            encode_into(&mut value, &percent_decode_str(v).collect::<Vec<u8>>());
            (key, value)
        })
        .collect();
    pairs.sort();
    let mut out = String::with_capacity(raw.len() + 8);
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(k);
        out.push('=');
        out.push_str(v);
    }
    out
}

/// Lower-hex SHA-256 of `body`.
pub fn payload_sha256(body: &[u8]) -> String {
    Algorithm::HmacSha256.hash_hex(body)
}

/// The canonical request of a request as received.
///
/// `path_and_query` is the request target (`/path?query`); `headers` are the received headers
/// (names in any case, repeated names allowed); `signed_headers` are the lower-case names from
/// the `Authorization` header; `payload_hash` is [`payload_sha256`] of the body or the value of
/// `X-Sdk-Content-Sha256`.
pub fn canonical_request(
    method: &str,
    path_and_query: &str,
    headers: &[(&str, &str)],
    signed_headers: &[&str],
    payload_hash: &str,
) -> String {
    let (path, query) = match path_and_query.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path_and_query, None),
    };
    let mut out = String::with_capacity(256);
    out.push_str(&method.to_ascii_uppercase());
    out.push('\n');
    out.push_str(&canonical_uri(path));
    out.push('\n');
    out.push_str(&canonical_query(query));
    out.push('\n');
    for name in signed_headers {
        let values: Vec<&str> = headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
            .collect();
        out.push_str(&name.to_ascii_lowercase());
        out.push(':');
        out.push_str(&values.join(","));
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&signed_headers.join(";").to_ascii_lowercase());
    out.push('\n');
    out.push_str(payload_hash);
    out
}

/// `SDK-HMAC-SHA256\n<sdk_date>\n<hex SHA-256 of canonical_request>` (see
/// [`Algorithm::string_to_sign`] for the others).
pub fn string_to_sign(sdk_date: &str, canonical_request: &str) -> String {
    Algorithm::HmacSha256.string_to_sign(sdk_date, canonical_request)
}

/// Lower-hex HMAC-SHA256 of `string_to_sign` keyed with the UTF-8 bytes of `sk`.
pub fn sign(sk: &str, string_to_sign: &str) -> String {
    // HMAC takes keys of any length; the empty fallback can never match a signature.
    Algorithm::HmacSha256
        .hmac_sign(sk, string_to_sign)
        .unwrap_or_default()
}

/// True when `signature` (hex, any case) is the `SDK-HMAC-SHA256` signature of
/// `string_to_sign` with `sk`; compared in constant time.
pub fn verify(sk: &str, string_to_sign: &str, signature: &str) -> bool {
    // The AK only matters to the elliptic-curve algorithms.
    verify_signature(Algorithm::HmacSha256, "", sk, string_to_sign, signature)
}

/// True when `signature` is the `algorithm` signature of `string_to_sign` by the credentials
/// `ak`/`sk`: the recomputed HMAC compared in constant time for the HMAC algorithms, the DER
/// signature checked against the public key derived from AK/SK for the elliptic-curve ones.
pub fn verify_signature(
    algorithm: Algorithm,
    ak: &str,
    sk: &str,
    string_to_sign: &str,
    signature: &str,
) -> bool {
    match algorithm.hmac_sign(sk, string_to_sign) {
        Some(expected) => {
            !expected.is_empty()
                && constant_time_eq(
                    expected.as_bytes(),
                    signature.to_ascii_lowercase().as_bytes(),
                )
        }
        None => asymmetric::verify(algorithm, ak, sk, string_to_sign, signature),
    }
}

/// True when `auth`'s signature is the signature of `string_to_sign` by `sk` (and the AK it
/// names): [`verify_signature`] for the `SDK-*` algorithms; for `V11-HMAC-SHA256`, the HMAC
/// keyed with the key derived from AK/SK for the authorization's scope.
pub fn verify_authorization(auth: &Authorization<'_>, sk: &str, string_to_sign: &str) -> bool {
    if auth.algorithm != Algorithm::DerivedHmacSha256 {
        return verify_signature(
            auth.algorithm,
            auth.access,
            sk,
            string_to_sign,
            auth.signature,
        );
    }
    let Some(scope) = auth.scope else {
        return false;
    };
    let Ok(key) = huaweicloud_sdk_core::signer::derived_signing_key(auth.access, sk, scope) else {
        return false;
    };
    let Some(expected) = Algorithm::HmacSha256.hmac_sign(&key, string_to_sign) else {
        return false;
    };
    constant_time_eq(
        expected.as_bytes(),
        auth.signature.to_ascii_lowercase().as_bytes(),
    )
}

/// `time` as an `X-Sdk-Date` value (`YYYYMMDDTHHMMSSZ`, UTC).
pub fn sdk_date(time: std::time::SystemTime) -> String {
    crate::datetime::format_sdk_date(crate::datetime::unix_secs(time))
}

/// Equality of two byte strings whose running time does not depend on where they differ.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
