//! AK/SK request signing, byte-compatible with the official Huawei Cloud SDKs.
//!
//! [`sign`] takes a [`SignableRequest`] (method, host, wire path, raw query pairs, headers and
//! body), the credentials ([`SigningKey`]) and a [`SigningAlgorithm`], and returns the headers
//! to add, `Authorization` last, in a [`SigningOutput`].
//!
//! Before signing, in this order, the signer adds:
//! 1. `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD` (`X-Sdk-Content-Sm3` for the SM3 algorithms) when
//!    the payload is [`Payload::Unsigned`], or when the header named exactly `Content-Type`
//!    has a value not starting with `application/json` or `application/bson`;
//! 2. `X-Security-Token` when the credentials carry one;
//! 3. `X-Sdk-Date` unless the caller supplied a valid one (which then decides the signing time);
//! 4. `Host` unless a `Host` header (any case) is present.
//!
//! Every header whose name contains no `_` is signed. The canonical request is
//! `METHOD\nURI\nQUERY\nheaders\n\nsigned-names\npayload-hash` (see [`canonical_uri`] and
//! [`canonical_query`], which are also what the executor puts on the wire).
//!
//! Send header values trimmed (`str::trim`), as they were signed.
//!
//! The feature `verify` adds the gateway's side for test servers: `verify_hmac`,
//! `verify_with_public_key` (with `ecdsa_p256_public_key` / `sm2_public_key`) and
//! `parse_authorization` check a received request against the credentials.

mod ascii;
mod canonical;
#[cfg(any(feature = "ecdsa", feature = "sm2"))]
mod der;
mod derived;
#[cfg(any(feature = "ecdsa", feature = "sm2"))]
mod ecdsa;
mod encoding;
mod hash;
mod headers;
mod hex;
mod stack;
#[cfg(feature = "verify")]
mod verify;

use std::borrow::Cow;
use std::fmt;
use std::time::SystemTime;

use crate::error::{Error, Result};
use crate::time::{UtcDateTime, format_sdk_date, parse_sdk_date};

use ascii::{AK, all_bytes};
use canonical::{CanonicalParts, HeaderRef, is_signable, signed_header_names, sort_headers};
use hash::HashKind;
pub(crate) use headers::RedactedHeaders;
pub(crate) use headers::added_header_name;
use headers::{HOST, HeaderScan, REDACTED, UNSIGNED_PAYLOAD, X_SDK_DATE, X_SECURITY_TOKEN};

pub use derived::derived_signing_key;
pub(crate) use encoding::push_encoded;
pub use encoding::{canonical_query, canonical_uri, encode_path_param};
pub use hash::hex_sha256;
#[cfg(feature = "sm3")]
pub use hash::hex_sm3;
pub use hex::{hex_decode, hex_encode};
#[cfg(all(feature = "verify", any(feature = "ecdsa", feature = "sm2")))]
pub use verify::{EcPublicKey, verify_with_public_key};
#[cfg(feature = "verify")]
pub use verify::{ParsedAuthorization, parse_authorization, verify_hmac};
#[cfg(all(feature = "verify", feature = "ecdsa"))]
pub use verify::{ecdsa_p256_public_key, verify_ecdsa_p256};
#[cfg(all(feature = "verify", feature = "sm2"))]
pub use verify::{sm2_public_key, verify_sm2};

/// Which algorithm signs requests.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum SigningAlgorithm {
    /// `SDK-HMAC-SHA256`: HMAC-SHA256 with the SK (the default of every official SDK).
    #[default]
    HmacSha256,
    /// `V11-HMAC-SHA256`: derived signing scoped to a day, a region and a service; the HMAC key
    /// is derived from AK/SK with HKDF-SHA256 (see [`derived_signing_key`]).
    DerivedHmacSha256 {
        /// Region id of the scope (`globe` for global services).
        region: String,
        /// Derived-auth service name of the scope.
        service: String,
    },
    /// `SDK-HMAC-SM3`: as `SDK-HMAC-SHA256` with SM3 everywhere.
    #[cfg(feature = "sm3")]
    HmacSm3,
    /// `SDK-ECDSA-P256-SHA256`: ECDSA P-256 with a private key derived from AK/SK.
    #[cfg(feature = "ecdsa")]
    EcdsaP256Sha256,
    /// `SDK-SM2-SM3`: SM2 with SM3 and a private key derived from AK/SK.
    #[cfg(feature = "sm2")]
    Sm2Sm3,
}

impl SigningAlgorithm {
    /// The algorithm name that starts the `Authorization` header and the string to sign.
    pub fn label(&self) -> &'static str {
        match self {
            Self::HmacSha256 => "SDK-HMAC-SHA256",
            Self::DerivedHmacSha256 { .. } => "V11-HMAC-SHA256",
            #[cfg(feature = "sm3")]
            Self::HmacSm3 => "SDK-HMAC-SM3",
            #[cfg(feature = "ecdsa")]
            Self::EcdsaP256Sha256 => "SDK-ECDSA-P256-SHA256",
            #[cfg(feature = "sm2")]
            Self::Sm2Sm3 => "SDK-SM2-SM3",
        }
    }

    /// Hash family of the payload and canonical-request hashes.
    pub(crate) fn hash_kind(&self) -> HashKind {
        match self {
            Self::HmacSha256 | Self::DerivedHmacSha256 { .. } => HashKind::Sha256,
            #[cfg(feature = "sm3")]
            Self::HmacSm3 => HashKind::Sm3,
            #[cfg(feature = "ecdsa")]
            Self::EcdsaP256Sha256 => HashKind::Sha256,
            #[cfg(feature = "sm2")]
            Self::Sm2Sm3 => HashKind::Sm3,
        }
    }
}

/// The body as the signer sees it.
#[derive(Clone, Copy)]
pub enum Payload<'a> {
    /// The exact bytes that will be sent. An empty body is hashed as the empty string.
    Bytes(&'a [u8]),
    /// The body is not available for hashing (streamed upload): the unsigned-payload header is
    /// added and `UNSIGNED-PAYLOAD` replaces the payload hash.
    Unsigned,
}

impl fmt::Debug for Payload<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Bytes(bytes) => write!(f, "Bytes({} bytes)", bytes.len()),
            Self::Unsigned => f.write_str("Unsigned"),
        }
    }
}

/// A request as the signer sees it. Header names and values are any strings (`N`, `V`):
/// `String`s by default, or borrowed text such as `(&str, &str)` to sign a view of headers
/// held elsewhere without copying them.
pub struct SignableRequest<'a, N = String, V = String> {
    /// HTTP method (upper-cased for signing).
    pub method: &'a str,
    /// `host[:port]`, used for the `Host` header when the request has none.
    pub host: &'a str,
    /// Resource path as it goes on the wire (may be percent-encoded; see [`encode_path_param`]).
    pub path: &'a str,
    /// Raw, unencoded query pairs; repeated keys allowed. Send [`canonical_query`] of them.
    pub query: &'a [(String, String)],
    /// Headers present at signing time, names as spelled on the wire (no duplicates, any case).
    pub headers: &'a [(N, V)],
    /// The body.
    pub payload: Payload<'a>,
}

// By hand: derived impls would require `N: Copy` and `V: Copy`, but only references are held.
impl<N, V> Clone for SignableRequest<'_, N, V> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<N, V> Copy for SignableRequest<'_, N, V> {}

impl<N: AsRef<str>, V: AsRef<str>> fmt::Debug for SignableRequest<'_, N, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignableRequest")
            .field("method", &self.method)
            .field("host", &self.host)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &RedactedHeaders(self.headers))
            .field("payload", &self.payload)
            .finish()
    }
}

/// The credentials used to sign: access key, secret key and optional security token.
#[derive(Clone, Copy)]
pub struct SigningKey<'a> {
    /// Access key id (AK), sent in `Authorization`.
    pub ak: &'a str,
    /// Secret access key (SK), never sent.
    pub sk: &'a str,
    /// Token of temporary credentials, sent (and signed) as `X-Security-Token`.
    pub security_token: Option<&'a str>,
}

impl fmt::Debug for SigningKey<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("ak", &self.ak)
            .field("sk", &REDACTED)
            .field("security_token", &self.security_token.map(|_| REDACTED))
            .finish()
    }
}

impl SigningKey<'_> {
    fn validate(&self) -> Result<()> {
        if self.ak.is_empty() || self.sk.is_empty() {
            return Err(Error::credentials("AK and SK are required for signing"));
        }
        if !is_valid_ak(self.ak) {
            return Err(Error::credentials(
                "the AK contains ',', '/', whitespace or a control character",
            ));
        }
        if self
            .security_token
            .is_some_and(|t| !headers::is_valid_value(t))
        {
            return Err(Error::credentials(
                "the security token contains a control character",
            ));
        }
        Ok(())
    }
}

/// Whether `ak` is free of `,`, `/`, whitespace and control characters.
fn is_valid_ak(ak: &str) -> bool {
    // The usual AK is visible ASCII without `,` and `/`, which settles it. Otherwise an ASCII
    // AK holds a forbidden byte, and one with other characters is checked char by char, since
    // Unicode has whitespace and controls beyond ASCII.
    all_bytes::<AK>(ak.as_bytes())
        || (!ak.is_ascii()
            && !ak
                .chars()
                .any(|c| c == ',' || c == '/' || c.is_whitespace() || c.is_control()))
}

/// Result of [`sign`].
#[derive(Clone)]
pub struct SigningOutput {
    /// Headers to add to the request, in the official order, `Authorization` last.
    pub headers: Vec<(String, String)>,
    /// The canonical request that was hashed.
    pub canonical_request: String,
    /// The string that was signed.
    pub string_to_sign: String,
    /// The signature (lower-case hex; DER for the elliptic-curve algorithms).
    pub signature: String,
    /// Value of the `Authorization` header.
    pub authorization: String,
}

impl fmt::Debug for SigningOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningOutput")
            .field("headers", &RedactedHeaders(&self.headers))
            .field(
                "canonical_request",
                &RedactedCanonicalRequest(&self.canonical_request),
            )
            .field("string_to_sign", &self.string_to_sign)
            .field("signature", &REDACTED)
            .field("authorization", &REDACTED)
            .finish()
    }
}

/// Shows a canonical request with the value of its `x-security-token` line hidden.
struct RedactedCanonicalRequest<'a>(&'a str);

impl fmt::Debug for RedactedCanonicalRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const PREFIX: &str = "x-security-token:";
        let mut text = String::with_capacity(self.0.len());
        for (i, line) in self.0.split('\n').enumerate() {
            if i > 0 {
                text.push('\n');
            }
            if line.starts_with(PREFIX) {
                text.push_str(PREFIX);
                text.push_str(REDACTED);
            } else {
                text.push_str(line);
            }
        }
        fmt::Debug::fmt(&text, f)
    }
}

/// Signs `request` with `key` and `algorithm` at `time` (ignored when the request already
/// carries a valid `X-Sdk-Date`).
///
/// # Errors
/// A credentials error for an empty AK/SK; a construction error for an invalid method, header
/// name or value, a duplicated header, an existing `Authorization` header, an `X-Sdk-Date` that
/// is not `YYYYMMDDTHHMMSSZ`, an `X-Security-Token` that differs from the credentials', an empty
/// host, an invalid V11 region/service, or an exhausted ECDSA/SM2 key derivation.
pub fn sign<N: AsRef<str>, V: AsRef<str>>(
    request: &SignableRequest<'_, N, V>,
    key: &SigningKey<'_>,
    algorithm: &SigningAlgorithm,
    time: SystemTime,
) -> Result<SigningOutput> {
    let signed = sign_borrowed(request, key, algorithm, time, None)?;
    let authorization = signed
        .added
        .last()
        .map(|(_, value)| value.to_string())
        .unwrap_or_default();
    Ok(SigningOutput {
        headers: signed
            .added
            .into_iter()
            .map(|(name, value)| (name.to_owned(), value.into_owned()))
            .collect(),
        canonical_request: signed.canonical_request,
        string_to_sign: signed.string_to_sign,
        signature: signed.signature,
        authorization,
    })
}

/// What [`sign`] computes, with the added headers' names static and their values borrowed
/// where they come from the request or key: the executor inserts them into the outgoing
/// request without copying names (and without a second copy of `Authorization`).
pub(crate) struct Signed<'a> {
    /// Headers to add, in the official order, `Authorization` last.
    pub added: Vec<(&'static str, Cow<'a, str>)>,
    pub canonical_request: String,
    pub string_to_sign: String,
    pub signature: String,
}

/// [`sign`] without the copies into owned output. `canonical_query`, when given, must be
/// [`canonical_query`] of `request.query` (the executor has it already: it is the wire query).
pub(crate) fn sign_borrowed<'a, N: AsRef<str>, V: AsRef<str>>(
    request: &SignableRequest<'a, N, V>,
    key: &SigningKey<'a>,
    algorithm: &SigningAlgorithm,
    time: SystemTime,
    canonical_query: Option<&'a str>,
) -> Result<Signed<'a>> {
    key.validate()?;
    if !headers::is_token(request.method) {
        return Err(Error::construction(format!(
            "invalid HTTP method {:?}",
            request.method
        )));
    }
    let hash = algorithm.hash_kind();
    let content_header = hash.content_header();
    let scan = HeaderScan::new(request.headers, content_header)?;

    // Headers the signer adds, in the official order; `Authorization` comes last.
    let mut added: Vec<(&'static str, Cow<'a, str>)> = Vec::with_capacity(5);
    let add_content_header = scan.content_header.is_none()
        && match request.payload {
            Payload::Unsigned => true,
            Payload::Bytes(_) => scan.content_type_wants_unsigned(),
        };
    if add_content_header {
        added.push((content_header, Cow::Borrowed(UNSIGNED_PAYLOAD)));
    }
    if let Some(token) = key.security_token {
        match scan.security_token {
            Some(existing) if existing.trim() != token.trim() => {
                return Err(Error::construction(
                    "the request's X-Security-Token differs from the credentials' token",
                ));
            }
            Some(_) => {}
            None => added.push((X_SECURITY_TOKEN, Cow::Borrowed(token))),
        }
    }
    // The request's own date is signed where it stands; otherwise one is added.
    let (existing_date, signing_time) = match scan.sdk_date {
        Some(existing) => {
            let existing = existing.trim();
            let parsed = parse_sdk_date(existing).ok_or_else(|| {
                Error::construction(format!(
                    "X-Sdk-Date {existing:?} is not in the YYYYMMDDTHHMMSSZ format"
                ))
            })?;
            (Some(existing), parsed)
        }
        None => {
            added.push((X_SDK_DATE, Cow::Owned(format_sdk_date(time))));
            (None, time)
        }
    };
    if !scan.has_host {
        if request.host.is_empty() || !headers::is_valid_value(request.host) {
            return Err(Error::construction(format!(
                "invalid host {:?} for the Host header",
                request.host
            )));
        }
        added.push((HOST, Cow::Borrowed(request.host)));
    }

    let content_value = if add_content_header {
        Some(UNSIGNED_PAYLOAD)
    } else {
        scan.content_header.map(str::trim)
    };
    let body_hash;
    let payload_hash = match request.payload {
        Payload::Unsigned => content_value.unwrap_or(UNSIGNED_PAYLOAD),
        Payload::Bytes([]) => hash.empty_hash(),
        Payload::Bytes(body) => match content_value {
            Some(value) => value,
            None => {
                body_hash = hash.hex_digest(body);
                &body_hash
            }
        },
    };

    let (canonical_request, signed_names) = {
        let mut signed: Vec<HeaderRef<'_>> = request
            .headers
            .iter()
            .map(|(name, value)| (name.as_ref(), value.as_ref()))
            .chain(added.iter().map(|(name, value)| (*name, value.as_ref())))
            .filter(|(name, _)| is_signable(name))
            .collect();
        sort_headers(&mut signed);
        let signed_names = signed_header_names(&signed);
        let canonical_request = canonical::canonical_request(&CanonicalParts {
            method: request.method,
            path: request.path,
            query: request.query,
            canonical_query,
            headers: &signed,
            signed_names: &signed_names,
            payload_hash,
        });
        (canonical_request, signed_names)
    };

    let label = algorithm.label();
    let scope = match algorithm {
        SigningAlgorithm::DerivedHmacSha256 { region, service } => {
            derived::validate_scope_part("region", region)?;
            derived::validate_scope_part("service", service)?;
            let day = UtcDateTime::from_system_time(signing_time).yyyymmdd();
            Some(derived::derivation_info(&day, region, service))
        }
        _ => None,
    };
    let sdk_date = existing_date
        .or_else(|| {
            added
                .iter()
                .find(|(name, _)| *name == X_SDK_DATE)
                .map(|(_, value)| value.as_ref())
        })
        .unwrap_or_default();
    let string_to_sign =
        canonical::string_to_sign(label, sdk_date, scope.as_deref(), hash, &canonical_request);
    let signature = compute_signature(algorithm, key, scope.as_deref(), &string_to_sign)?;
    let authorization =
        authorization_value(label, key.ak, scope.as_deref(), &signed_names, &signature);
    added.push((headers::AUTHORIZATION, Cow::Owned(authorization)));

    Ok(Signed {
        added,
        canonical_request,
        string_to_sign,
        signature,
    })
}

/// The signature of `string_to_sign` for `algorithm`.
fn compute_signature(
    algorithm: &SigningAlgorithm,
    key: &SigningKey<'_>,
    scope: Option<&str>,
    string_to_sign: &str,
) -> Result<String> {
    match algorithm {
        SigningAlgorithm::HmacSha256 => {
            hmac_hex(HashKind::Sha256, key.sk.as_bytes(), string_to_sign)
        }
        SigningAlgorithm::DerivedHmacSha256 { .. } => {
            let derived = derived_signing_key(key.ak, key.sk, scope.unwrap_or_default())?;
            hmac_hex(HashKind::Sha256, derived.as_bytes(), string_to_sign)
        }
        #[cfg(feature = "sm3")]
        SigningAlgorithm::HmacSm3 => hmac_hex(HashKind::Sm3, key.sk.as_bytes(), string_to_sign),
        #[cfg(feature = "ecdsa")]
        SigningAlgorithm::EcdsaP256Sha256 => ecdsa::sign_p256(key.ak, key.sk, string_to_sign),
        #[cfg(feature = "sm2")]
        SigningAlgorithm::Sm2Sm3 => ecdsa::sign_sm2(key.ak, key.sk, string_to_sign),
    }
}

/// Lower-hex HMAC of `string_to_sign` under `key`.
pub(crate) fn hmac_hex(hash: HashKind, key: &[u8], string_to_sign: &str) -> Result<String> {
    Ok(hex_encode(&hash.hmac(key, string_to_sign.as_bytes())?))
}

/// `LABEL Access=AK, SignedHeaders=..., Signature=...`, or for V11
/// `V11-HMAC-SHA256 Credential=AK/scope, SignedHeaders=..., Signature=...`.
fn authorization_value(
    label: &str,
    ak: &str,
    scope: Option<&str>,
    signed_names: &str,
    signature: &str,
) -> String {
    let mut out = String::with_capacity(
        label.len()
            + ak.len()
            + scope.map_or(0, |s| s.len() + 1)
            + signed_names.len()
            + signature.len()
            + 48,
    );
    out.push_str(label);
    match scope {
        Some(scope) => {
            out.push_str(" Credential=");
            out.push_str(ak);
            out.push('/');
            out.push_str(scope);
        }
        None => {
            out.push_str(" Access=");
            out.push_str(ak);
        }
    }
    out.push_str(", SignedHeaders=");
    out.push_str(signed_names);
    out.push_str(", Signature=");
    out.push_str(signature);
    out
}

#[cfg(test)]
mod tests;
