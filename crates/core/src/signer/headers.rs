//! Header checks and look-ups shared by signing and verification.

use std::fmt;

use http::HeaderName;

use super::ascii::{NOT_UNDERSCORE, TCHAR, VALUE, all_bytes, common_classes};
use super::canonical::HeaderRef;
use super::stack::StackVec;
use crate::error::{Error, Result};

/// How many signed headers are gathered on the stack (more go to the heap).
pub(crate) const SIGNED_INLINE: usize = 16;

/// Header carrying the signing time.
pub(crate) const X_SDK_DATE: &str = "X-Sdk-Date";
/// Header carrying the temporary-credential token.
pub(crate) const X_SECURITY_TOKEN: &str = "X-Security-Token";
/// [`X_SECURITY_TOKEN`] as a wire name. Header names are constants, made when compiling:
/// `HeaderName::from_static` called at run time parses the name on every call.
pub(crate) const X_SECURITY_TOKEN_NAME: HeaderName = HeaderName::from_static("x-security-token");
/// Host header.
pub(crate) const HOST: &str = "Host";
/// Header carrying the signature.
pub(crate) const AUTHORIZATION: &str = "Authorization";
/// Header (exact, case-sensitive name) whose value decides whether the payload is signed.
pub(crate) const CONTENT_TYPE: &str = "Content-Type";
/// Payload-hash placeholder of a body that is not hashed.
pub(crate) const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// The wire name of a header the signer adds, without parsing or allocating for the known
/// ones (the executor inserts these on every request). Names are the constants above or the
/// algorithm's content header.
pub(crate) fn added_header_name(name: &'static str) -> Option<http::HeaderName> {
    const SDK_DATE: HeaderName = HeaderName::from_static("x-sdk-date");
    const CONTENT_SHA256: HeaderName = HeaderName::from_static("x-sdk-content-sha256");
    Some(match name {
        X_SDK_DATE => SDK_DATE,
        HOST => http::header::HOST,
        AUTHORIZATION => http::header::AUTHORIZATION,
        X_SECURITY_TOKEN => X_SECURITY_TOKEN_NAME,
        "X-Sdk-Content-Sha256" => CONTENT_SHA256,
        other => return HeaderName::from_bytes(other.as_bytes()).ok(),
    })
}

/// `true` for a non-empty RFC 9110 token.
pub(crate) fn is_token(value: &str) -> bool {
    !value.is_empty() && all_bytes::<TCHAR>(value.as_bytes())
}

/// `true` when `value` can be sent as a header value: no control character other than HTAB
/// (non-ASCII UTF-8 is allowed and signed as UTF-8).
pub(crate) fn is_valid_value(value: &str) -> bool {
    is_valid_value_bytes(value.as_bytes())
}

/// [`is_valid_value`] on bytes.
fn is_valid_value_bytes(bytes: &[u8]) -> bool {
    all_bytes::<VALUE>(bytes)
}

/// Checks one header of the request to sign; `Ok(true)` when it is signed (its name has no
/// `_`).
pub(crate) fn validate_header(name: &str, value: &str) -> Result<bool> {
    // One pass over the name answers both questions.
    let classes = common_classes(name.as_bytes());
    if name.is_empty() || classes & TCHAR == 0 {
        return Err(Error::construction(format!(
            "invalid header name {name:?}: not an HTTP token"
        )));
    }
    if !is_valid_value(value) {
        return Err(Error::construction(format!(
            "header {name} has a value with a control character"
        )));
    }
    Ok(classes & NOT_UNDERSCORE != 0)
}

/// Value of the first header named `name`, ignoring ASCII case.
#[cfg(feature = "verify")]
pub(crate) fn find<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Whether a header's value is a secret that logs must not show.
pub(crate) fn is_sensitive(name: &str) -> bool {
    name.eq_ignore_ascii_case(AUTHORIZATION) || name.eq_ignore_ascii_case(X_SECURITY_TOKEN)
}

/// Placeholder printed instead of secrets.
pub(crate) const REDACTED: &str = "** redacted **";

/// `Debug` view of a header list that hides sensitive values.
pub(crate) struct RedactedHeaders<'a, N, V>(pub &'a [(N, V)]);

impl<N: AsRef<str>, V: AsRef<str>> fmt::Debug for RedactedHeaders<'_, N, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|(name, value)| {
                let name = name.as_ref();
                let value = if is_sensitive(name) {
                    REDACTED
                } else {
                    value.as_ref()
                };
                (name, value)
            }))
            .finish()
    }
}

/// What the signer needs to know about the caller's headers, found in one pass.
#[derive(Debug, Default)]
pub(crate) struct HeaderScan<'a> {
    /// Value of the header named exactly `Content-Type`.
    pub content_type: Option<&'a str>,
    /// Value of the unsigned-payload header of the algorithm (any case).
    pub content_header: Option<&'a str>,
    /// Value of `X-Sdk-Date` (any case).
    pub sdk_date: Option<&'a str>,
    /// Value of `X-Security-Token` (any case).
    pub security_token: Option<&'a str>,
    /// Whether a `Host` header (any case) is present.
    pub has_host: bool,
}

impl<'a> HeaderScan<'a> {
    /// Validates every header, rejects duplicates (any case) and an existing `Authorization`,
    /// records the headers the signer reacts to, and appends the signed ones to `signed`.
    pub(crate) fn new<N: AsRef<str>, V: AsRef<str>>(
        headers: &'a [(N, V)],
        content_header: &str,
        signed: &mut StackVec<HeaderRef<'a>, SIGNED_INLINE>,
    ) -> Result<Self> {
        let mut scan = Self::default();
        for (i, (name, value)) in headers.iter().enumerate() {
            let (name, value) = (name.as_ref(), value.as_ref());
            if validate_header(name, value)? {
                signed.push((name, value));
            }
            if headers
                .iter()
                .take(i)
                .any(|(n, _)| n.as_ref().eq_ignore_ascii_case(name))
            {
                return Err(Error::construction(format!(
                    "header {name} is present more than once; the signature would be ambiguous"
                )));
            }
            if name == CONTENT_TYPE {
                scan.content_type = Some(value);
            }
            if name.eq_ignore_ascii_case(content_header) {
                scan.content_header = Some(value);
            } else if name.eq_ignore_ascii_case(X_SDK_DATE) {
                scan.sdk_date = Some(value);
            } else if name.eq_ignore_ascii_case(X_SECURITY_TOKEN) {
                scan.security_token = Some(value);
            } else if name.eq_ignore_ascii_case(HOST) {
                scan.has_host = true;
            } else if name.eq_ignore_ascii_case(AUTHORIZATION) {
                return Err(Error::construction(
                    "the request already carries an Authorization header; it must not be signed again",
                ));
            }
        }
        Ok(scan)
    }

    /// [`HeaderScan::new`] for tests, which do not need the signed headers.
    #[cfg(test)]
    fn of<N: AsRef<str>, V: AsRef<str>>(
        headers: &'a [(N, V)],
        content_header: &str,
    ) -> Result<Self> {
        Self::new(headers, content_header, &mut StackVec::new(("", "")))
    }

    /// Whether the `Content-Type` rule asks for an unsigned payload: the header named exactly
    /// `Content-Type` is present, non-empty, and does not start (case-sensitively) with
    /// `application/json` or `application/bson`.
    pub(crate) fn content_type_wants_unsigned(&self) -> bool {
        self.content_type.is_some_and(|ct| {
            !ct.is_empty()
                && !ct.starts_with("application/json")
                && !ct.starts_with("application/bson")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn token_and_value_bytes() {
        for b in 0..=255u8 {
            let tchar = b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
            if b.is_ascii() {
                let text = char::from(b).to_string();
                assert_eq!(is_token(&text), tchar, "byte {b}");
                let valid = b == b'\t' || (b >= 0x20 && b != 0x7f);
                assert_eq!(is_valid_value(&text), valid, "byte {b}");
                assert_eq!(is_valid_value(&format!("{text}{}", "a".repeat(40))), valid);
            }
        }
        assert!(!is_token(""));
        assert!(!is_token("ü"));
        assert!(is_valid_value(""));
        assert!(is_valid_value("ü\u{85}\u{3000}"));
    }

    #[test]
    fn values_of_every_length_agree_with_the_byte_rule() {
        let rule = |b: u8| b == b'\t' || (b >= 0x20 && b != 0x7f);
        for len in [1, 7, 8, 9, 16, 23, 24] {
            for at in 0..len {
                for b in 0..=255u8 {
                    let mut bytes = vec![b'a'; len];
                    bytes[at] = b;
                    assert_eq!(
                        is_valid_value_bytes(&bytes),
                        rule(b),
                        "{b} at {at} of {len}"
                    );
                    bytes[(at + 3) % len] = 0xff;
                    let expected = rule(b) || (at + 3) % len == at;
                    assert_eq!(
                        is_valid_value_bytes(&bytes),
                        expected,
                        "{b} at {at} of {len}"
                    );
                }
            }
        }
        assert!(is_valid_value_bytes(b""));
        assert!(is_valid_value_bytes(b"\tab\tcdefghij\t"));
    }

    #[test]
    fn validates_names_and_values() {
        assert!(validate_header("X-Name", "Ελληνικά ü\tx").unwrap());
        assert!(!validate_header("X_Name", "v").unwrap());
        assert!(validate_header("", "v").is_err());
        assert!(validate_header("X Name", "v").is_err());
        assert!(validate_header("X-Name:", "v").is_err());
        assert!(validate_header("X-Name", "a\r\nb").is_err());
        assert!(validate_header("X-Name", "a\0").is_err());
    }

    #[test]
    fn scan_rejects_duplicates_and_authorization() {
        let dup = headers(&[("Host", "a"), ("host", "b")]);
        assert!(HeaderScan::of(&dup, "X-Sdk-Content-Sha256").is_err());
        let auth = headers(&[("authorization", "x")]);
        assert!(HeaderScan::of(&auth, "X-Sdk-Content-Sha256").is_err());
    }

    #[test]
    fn content_type_rule_is_case_sensitive() {
        let h = headers(&[("Content-Type", "Application/JSON")]);
        assert!(
            HeaderScan::of(&h, "X-Sdk-Content-Sha256")
                .unwrap()
                .content_type_wants_unsigned()
        );
        let h = headers(&[("content-type", "text/plain")]);
        assert!(
            !HeaderScan::of(&h, "X-Sdk-Content-Sha256")
                .unwrap()
                .content_type_wants_unsigned()
        );
        let h = headers(&[("Content-Type", "application/json;charset=UTF-8")]);
        assert!(
            !HeaderScan::of(&h, "X-Sdk-Content-Sha256")
                .unwrap()
                .content_type_wants_unsigned()
        );
        let h = headers(&[("Content-Type", "application/bson")]);
        assert!(
            !HeaderScan::of(&h, "X-Sdk-Content-Sha256")
                .unwrap()
                .content_type_wants_unsigned()
        );
        let h = headers(&[("Content-Type", "")]);
        assert!(
            !HeaderScan::of(&h, "X-Sdk-Content-Sha256")
                .unwrap()
                .content_type_wants_unsigned()
        );
    }

    #[test]
    fn redacted_headers_hide_secrets() {
        let h = headers(&[
            ("X-Security-Token", "tok-secret"),
            ("Authorization", "sig-secret"),
            ("A", "b"),
        ]);
        let text = format!("{:?}", RedactedHeaders(&h));
        assert!(!text.contains("tok-secret"));
        assert!(!text.contains("sig-secret"));
        assert!(text.contains(REDACTED));
        assert!(text.contains("\"b\""));
    }

    #[test]
    fn added_header_names_are_the_lower_cased_constants() {
        for name in [
            X_SDK_DATE,
            HOST,
            AUTHORIZATION,
            X_SECURITY_TOKEN,
            "X-Sdk-Content-Sha256",
            "X-Sdk-Content-Sm3",
        ] {
            let parsed = added_header_name(name).unwrap();
            assert_eq!(parsed.as_str(), name.to_ascii_lowercase());
        }
        assert!(added_header_name("bad name").is_none());
    }
}
