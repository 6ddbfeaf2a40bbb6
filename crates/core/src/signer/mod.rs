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
pub(crate) mod stack;
#[cfg(feature = "verify")]
mod verify;

use std::borrow::Cow;
use std::fmt;
use std::time::SystemTime;

use crate::error::{Error, Result};
use crate::time::{UtcDateTime, format_sdk_date, parse_sdk_date};

use ascii::{AK, all_bytes};
use canonical::{CanonicalParts, HeaderRef, StringToSign, sort_headers};
use hash::HashKind;
pub(crate) use headers::RedactedHeaders;
use headers::{
    HOST, HeaderScan, REDACTED, SIGNED_INLINE, UNSIGNED_PAYLOAD, X_SDK_DATE, X_SECURITY_TOKEN,
};
pub(crate) use headers::{X_SECURITY_TOKEN_NAME, added_header_name};
use stack::StackVec;

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
    let signed = compute(request, key, algorithm, time, None, true)?;
    let mut headers = Vec::with_capacity(signed.added.len() + 1);
    for (name, value) in signed.added.into_iter().flatten() {
        headers.push((name.to_owned(), value.into_owned()));
    }
    headers.push((
        headers::AUTHORIZATION.to_owned(),
        signed.authorization.clone(),
    ));
    Ok(SigningOutput {
        headers,
        canonical_request: signed.canonical_request,
        string_to_sign: signed.string_to_sign.unwrap_or_default(),
        signature: signed
            .authorization
            .get(signed.signature_start..)
            .unwrap_or_default()
            .to_owned(),
        authorization: signed.authorization,
    })
}

/// The headers [`sign_borrowed`] adds, in the official order, `Authorization` last: names
/// static and values borrowed where they come from the request or key, so the executor inserts
/// them into the outgoing request without copying names (and holds `Authorization` once).
/// Iterate over them to get `(name, value)` pairs.
pub(crate) struct AddedHeaders<'a>([Option<AddedHeader<'a>>; 5]);

/// One added header: static name, value borrowed from the request or key, or made by the
/// signer.
pub(crate) type AddedHeader<'a> = (&'static str, Cow<'a, str>);

impl<'a> IntoIterator for AddedHeaders<'a> {
    type Item = AddedHeader<'a>;
    type IntoIter = std::iter::Flatten<std::array::IntoIter<Option<AddedHeader<'a>>, 5>>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter().flatten()
    }
}

/// [`sign`] without the copies into owned output. `canonical_query`, when given, must be
/// [`canonical_query`] of `request.query` (the executor has it already: it is the wire query).
pub(crate) fn sign_borrowed<'a, N: AsRef<str>, V: AsRef<str>>(
    request: &SignableRequest<'a, N, V>,
    key: &SigningKey<'a>,
    algorithm: &SigningAlgorithm,
    time: SystemTime,
    canonical_query: Option<&str>,
) -> Result<AddedHeaders<'a>> {
    let signed = compute(request, key, algorithm, time, canonical_query, false)?;
    let [content, token, date, host] = signed.added;
    Ok(AddedHeaders([
        content,
        token,
        date,
        host,
        Some((headers::AUTHORIZATION, Cow::Owned(signed.authorization))),
    ]))
}

/// Everything signing produces, before it is shaped into [`SigningOutput`] or
/// [`AddedHeaders`].
struct Signature<'a> {
    /// The headers added before signing, in the official order (`Authorization` aside): the
    /// unsigned-payload header, `X-Security-Token`, `X-Sdk-Date` and `Host`, each when needed.
    added: [Option<AddedHeader<'a>>; 4],
    canonical_request: String,
    /// The string to sign, when it was asked for.
    string_to_sign: Option<String>,
    /// Value of the `Authorization` header.
    authorization: String,
    /// Where the signature starts in `authorization` (it runs to the end).
    signature_start: usize,
}

/// Signs `request` (see [`sign`]). The string to sign is kept as text only when
/// `keep_string_to_sign` is set.
fn compute<'a, N: AsRef<str>, V: AsRef<str>>(
    request: &SignableRequest<'a, N, V>,
    key: &SigningKey<'a>,
    algorithm: &SigningAlgorithm,
    time: SystemTime,
    canonical_query: Option<&str>,
    keep_string_to_sign: bool,
) -> Result<Signature<'a>> {
    key.validate()?;
    if !headers::is_token(request.method) {
        return Err(Error::construction(format!(
            "invalid HTTP method {:?}",
            request.method
        )));
    }
    let hash = algorithm.hash_kind();
    let content_header = hash.content_header();
    // The caller's signed headers, then the added ones (all signed); sorted below.
    let mut signed = StackVec::<_, SIGNED_INLINE>::new(("", ""));
    let scan = HeaderScan::new(request.headers, content_header, &mut signed)?;

    // Headers the signer adds, in the official order; `Authorization` comes last.
    let add_content_header = scan.content_header.is_none()
        && match request.payload {
            Payload::Unsigned => true,
            Payload::Bytes(_) => scan.content_type_wants_unsigned(),
        };
    let added_content = add_content_header.then_some(content_header);
    let mut added_token = None;
    if let Some(token) = key.security_token {
        match scan.security_token {
            Some(existing) if existing.trim() != token.trim() => {
                return Err(Error::construction(
                    "the request's X-Security-Token differs from the credentials' token",
                ));
            }
            Some(_) => {}
            None => added_token = Some(token),
        }
    }
    // The request's own date is signed where it stands; otherwise one is added.
    let (existing_date, added_date, signing_time) = match scan.sdk_date {
        Some(existing) => {
            let existing = existing.trim();
            let parsed = parse_sdk_date(existing).ok_or_else(|| {
                Error::construction(format!(
                    "X-Sdk-Date {existing:?} is not in the YYYYMMDDTHHMMSSZ format"
                ))
            })?;
            (Some(existing), None, parsed)
        }
        None => (None, Some(format_sdk_date(time)), time),
    };
    let added_host = if scan.has_host {
        None
    } else {
        if request.host.is_empty() || !headers::is_valid_value(request.host) {
            return Err(Error::construction(format!(
                "invalid host {:?} for the Host header",
                request.host
            )));
        }
        Some(request.host)
    };

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
    // The headers the signer adds, in the official order (`Authorization` aside); signed
    // with the caller's.
    let added = [
        added_content.map(|name| (name, Cow::Borrowed(UNSIGNED_PAYLOAD))),
        added_token.map(|token| (X_SECURITY_TOKEN, Cow::Borrowed(token))),
        added_date.map(|date| (X_SDK_DATE, Cow::Owned(date))),
        added_host.map(|host| (HOST, Cow::Borrowed(host))),
    ];
    let sdk_date = existing_date
        .or_else(|| {
            added
                .iter()
                .flatten()
                .find(|(name, _)| *name == X_SDK_DATE)
                .map(|(_, date)| date.as_ref())
        })
        .unwrap_or_default();
    for (name, value) in added.iter().flatten() {
        signed.push((name, value.as_ref()));
    }
    let signed: &mut [HeaderRef<'_>] = signed.as_mut_slice();
    sort_headers(signed);
    let (canonical_request, signed_names) = canonical::canonical_request(&CanonicalParts {
        method: request.method,
        path: request.path,
        query: request.query,
        canonical_query,
        headers: signed,
        signed_names: None,
        payload_hash,
    });
    let signed_names = canonical_request.get(signed_names).unwrap_or_default();

    let string_to_sign =
        StringToSign::new(label, sdk_date, scope.as_deref(), hash, &canonical_request);
    let mut authorization = authorization_prefix(label, key.ak, scope.as_deref(), signed_names);
    let signature_start = authorization.len();
    let string_to_sign_text = keep_string_to_sign.then(|| string_to_sign.text());
    push_signature(
        &mut authorization,
        algorithm,
        key,
        scope.as_deref(),
        &string_to_sign,
        string_to_sign_text.as_deref(),
    )?;

    Ok(Signature {
        added,
        canonical_request,
        string_to_sign: string_to_sign_text,
        authorization,
        signature_start,
    })
}

/// `LABEL Access=AK, SignedHeaders=..., Signature=`, or for V11
/// `V11-HMAC-SHA256 Credential=AK/scope, SignedHeaders=..., Signature=`: the `Authorization`
/// value up to the signature, which is then appended to it.
///
/// Its capacity is exact for a hex HMAC signature: a header value made from a `String` takes
/// the buffer over without a copy only when nothing of it is spare.
fn authorization_prefix(label: &str, ak: &str, scope: Option<&str>, signed_names: &str) -> String {
    const HEX_SIGNATURE_LEN: usize = 64;
    let credential = match scope {
        Some(scope) => " Credential=".len() + ak.len() + 1 + scope.len(),
        None => " Access=".len() + ak.len(),
    };
    let mut out = String::with_capacity(
        label.len()
            + credential
            + ", SignedHeaders=".len()
            + signed_names.len()
            + ", Signature=".len()
            + HEX_SIGNATURE_LEN,
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
    out
}

/// Appends the signature of `string_to_sign` for `algorithm` to `out`. `text` is the string to
/// sign as text when the caller has it (the HMAC then reads it in one piece).
fn push_signature(
    out: &mut String,
    algorithm: &SigningAlgorithm,
    key: &SigningKey<'_>,
    scope: Option<&str>,
    string_to_sign: &StringToSign<'_>,
    text: Option<&str>,
) -> Result<()> {
    // The HMAC reads the string to sign fastest in one piece: the text when there is one, else
    // the pieces joined on the stack (when they fit).
    let mut buf = [0u8; 256];
    let joined = match text {
        Some(text) => Some(text.as_bytes()),
        None => string_to_sign.join_into(&mut buf),
    };
    let hmac = |hash: HashKind, key: &[u8]| match joined {
        Some(message) => hash.hmac_parts(key, &[message]),
        None => hash.hmac_parts(key, &string_to_sign.parts()),
    };
    #[cfg(any(feature = "ecdsa", feature = "sm2"))]
    let text = || text.map_or_else(|| Cow::Owned(string_to_sign.text()), Cow::Borrowed);
    let tag = match algorithm {
        SigningAlgorithm::HmacSha256 => hmac(HashKind::Sha256, key.sk.as_bytes())?,
        SigningAlgorithm::DerivedHmacSha256 { .. } => {
            let derived = derived_signing_key(key.ak, key.sk, scope.unwrap_or_default())?;
            hmac(HashKind::Sha256, derived.as_bytes())?
        }
        #[cfg(feature = "sm3")]
        SigningAlgorithm::HmacSm3 => hmac(HashKind::Sm3, key.sk.as_bytes())?,
        #[cfg(feature = "ecdsa")]
        SigningAlgorithm::EcdsaP256Sha256 => {
            out.push_str(&ecdsa::sign_p256(key.ak, key.sk, &text())?);
            return Ok(());
        }
        #[cfg(feature = "sm2")]
        SigningAlgorithm::Sm2Sm3 => {
            out.push_str(&ecdsa::sign_sm2(key.ak, key.sk, &text())?);
            return Ok(());
        }
    };
    hex::push_hex(out, &tag);
    Ok(())
}

/// Lower-hex HMAC of `string_to_sign` under `key`.
#[cfg(feature = "verify")]
pub(crate) fn hmac_hex(hash: HashKind, key: &[u8], string_to_sign: &str) -> Result<String> {
    Ok(hex_encode(&hash.hmac(key, string_to_sign.as_bytes())?))
}

#[cfg(test)]
mod tests;
