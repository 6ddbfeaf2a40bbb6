//! Percent-encoding shared by the signature and the wire.
//!
//! The executor builds URLs with these same functions, so the path and query that are sent can
//! never disagree with the ones that were signed.

use std::borrow::Cow;

use percent_encoding::percent_decode_str;

use super::ascii::{PATH, UNRESERVED, all_bytes, is};
use super::stack::StackVec;

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// Appends `%XX` (upper-case hex) for `byte`.
fn push_escape(out: &mut String, byte: u8) {
    let digit = |nibble: u8| {
        char::from(
            HEX_UPPER
                .get(usize::from(nibble & 0x0f))
                .copied()
                .unwrap_or(b'0'),
        )
    };
    out.push('%');
    out.push(digit(byte >> 4));
    out.push(digit(byte));
}

/// Appends `value` to `out` with every byte outside the unreserved set percent-encoded
/// (upper-case hex).
#[inline]
pub(crate) fn push_encoded(out: &mut String, value: &str) {
    if all_bytes::<UNRESERVED>(value.as_bytes()) {
        out.push_str(value);
    } else {
        push_escaped(out, value);
    }
}

/// [`push_encoded`] of a value with at least one byte to encode.
fn push_escaped(out: &mut String, value: &str) {
    // Runs of unreserved bytes are copied as slices. A non-empty run starts at an ASCII byte
    // and ends right after one, so both ends are char boundaries and `get` cannot refuse it;
    // an empty run may sit inside a multi-byte character, where `get` yields `None` and
    // nothing is lost.
    let mut run_start = 0;
    for (i, &byte) in value.as_bytes().iter().enumerate() {
        if !is(UNRESERVED, byte) {
            if let Some(run) = value.get(run_start..i) {
                out.push_str(run);
            }
            push_escape(out, byte);
            run_start = i + 1;
        }
    }
    if let Some(run) = value.get(run_start..) {
        out.push_str(run);
    }
}

/// Percent-encodes a path parameter value: every byte except `A-Z a-z 0-9 - _ . ~` is encoded,
/// including `/` (→ `%2F`) and `:` (→ `%3A`). Substitute the result into the path template.
pub fn encode_path_param(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + value.len() / 2);
    push_encoded(&mut out, value);
    out
}

/// The canonical URI of a resource path as it goes on the wire.
///
/// The whole path is percent-decoded first (invalid UTF-8 is replaced by U+FFFD), split on `/`,
/// each segment re-encoded with the unreserved set, re-joined with `/`, and a trailing `/` is
/// appended when missing: `/v1/%7Ea b` → `/v1/~a%20b/`. A decoded `%2F` therefore acts as a
/// separator, exactly as in the official SDKs.
pub fn canonical_uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 8);
    push_canonical_uri(&mut out, path);
    out
}

/// Appends the canonical URI of `path` to `out` (see [`canonical_uri`]).
pub(crate) fn push_canonical_uri(out: &mut String, path: &str) {
    // The usual path (no `%`, only unreserved bytes and `/`) is its own canonical form:
    // decoding and re-encoding it segment by segment would change nothing.
    if needs_no_encoding(path) {
        out.push_str(path);
        if !out.ends_with('/') {
            out.push('/');
        }
        return;
    }
    let decoded: Cow<'_, str> = if path.contains('%') {
        percent_decode_str(path).decode_utf8_lossy()
    } else {
        Cow::Borrowed(path)
    };
    for (i, segment) in decoded.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        push_encoded(out, segment);
    }
    if !out.ends_with('/') {
        out.push('/');
    }
}

/// True when every byte of `path` is unreserved or `/`.
fn needs_no_encoding(path: &str) -> bool {
    all_bytes::<PATH>(path.as_bytes())
}

/// The canonical query string: keys and values percent-encoded with the unreserved set, pairs
/// sorted by raw key then raw value (byte order), `k=v` joined with `&`; an empty value gives
/// `k=`, no pairs give `""`. This is also exactly what goes on the wire after `?`.
pub fn canonical_query(query: &[(String, String)]) -> String {
    let mut out = String::new();
    push_canonical_query(&mut out, query);
    out
}

/// Appends the canonical query string of `query` to `out` (see [`canonical_query`]).
pub(crate) fn push_canonical_query(out: &mut String, query: &[(String, String)]) {
    match query {
        [] => {}
        [(key, value)] => push_pair(out, key, value),
        _ if query.is_sorted() => {
            push_pairs(out, query.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        }
        _ => {
            let mut sorted = StackVec::<_, 8>::new(("", ""));
            for (key, value) in query {
                sorted.push((key.as_str(), value.as_str()));
            }
            let sorted = sorted.as_mut_slice();
            // Tuple order: by key, then by value, both as raw bytes.
            sorted.sort_unstable();
            push_pairs(out, sorted.iter().copied());
        }
    }
}

/// Appends `k=v` for each pair, joined with `&`.
fn push_pairs<'a>(out: &mut String, pairs: impl Iterator<Item = (&'a str, &'a str)>) {
    for (i, (key, value)) in pairs.enumerate() {
        if i > 0 {
            out.push('&');
        }
        push_pair(out, key, value);
    }
}

fn push_pair(out: &mut String, key: &str, value: &str) {
    push_encoded(out, key);
    out.push('=');
    push_encoded(out, value);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn only_the_rfc_3986_unreserved_bytes_are_left_as_is() {
        for b in 0..=255u8 {
            let left_as_is = b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~');
            let expected = if left_as_is {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            };
            assert_eq!(
                needs_no_encoding(&char::from(b).to_string()),
                left_as_is || b == b'/'
            );
            if b.is_ascii() {
                let mut encoded = String::new();
                push_encoded(&mut encoded, &char::from(b).to_string());
                assert_eq!(encoded, expected, "byte {b}");
            }
        }
    }

    /// The encoder against the `percent-encoding` crate's, with the same unreserved set.
    #[test]
    fn encoding_matches_the_percent_encoding_crate() {
        use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
        const ENCODED: &AsciiSet = &NON_ALPHANUMERIC
            .remove(b'-')
            .remove(b'_')
            .remove(b'.')
            .remove(b'~');
        for value in [
            "",
            "plain-value_1.2~3",
            "a b",
            "%",
            "/tmp/123",
            "\u{4e00} (&=?!#%.*)",
            "ü",
            "üa",
            "aü",
            "a\u{1F600}b\u{3000}",
            "\u{0}\u{7f}\u{85}",
            "==&&",
        ] {
            let mut ours = String::new();
            push_encoded(&mut ours, value);
            assert_eq!(
                ours,
                utf8_percent_encode(value, ENCODED).to_string(),
                "{value:?}"
            );
            assert_eq!(encode_path_param(value), ours);
        }
    }

    #[test]
    fn go_sdk_canonical_query_vector() {
        // GO core/auth/signer/signer_test.go TestSigner_canonicalQueryString.
        let query = pairs(&[
            ("limit", "1"),
            ("enable", "true"),
            ("test", "\u{4e00} (&=?!#%.*)"),
            ("path", "/tmp/123"),
            ("multi", "1"),
            ("multi", "2"),
            ("multi", "3"),
        ]);
        assert_eq!(
            canonical_query(&query),
            "enable=true&limit=1&multi=1&multi=2&multi=3&path=%2Ftmp%2F123&test=%E4%B8%80%20%28%26%3D%3F%21%23%25.%2A%29"
        );
    }

    #[test]
    fn query_sorts_raw_values_as_strings() {
        let query = pairs(&[("k", "2"), ("k", "1"), ("k", "10"), ("a", "")]);
        assert_eq!(canonical_query(&query), "a=&k=1&k=10&k=2");
        assert_eq!(canonical_query(&[]), "");
    }

    #[test]
    fn path_params_encode_everything_but_unreserved() {
        assert_eq!(
            encode_path_param("a/b:c d~e_f.g-h"),
            "a%2Fb%3Ac%20d~e_f.g-h"
        );
        assert_eq!(encode_path_param("\u{56fe}"), "%E5%9B%BE");
        assert_eq!(encode_path_param("a$b"), "a%24b");
    }

    #[test]
    fn canonical_uri_decodes_then_encodes_and_appends_slash() {
        assert_eq!(canonical_uri("/"), "/");
        assert_eq!(canonical_uri(""), "/");
        assert_eq!(canonical_uri("/path"), "/path/");
        assert_eq!(canonical_uri("/v1/abc/def/"), "/v1/abc/def/");
        assert_eq!(canonical_uri("/v1/a-b_c.d~e/%7Ex"), "/v1/a-b_c.d~e/~x/");
        assert_eq!(canonical_uri("/v1/a%252Fb"), "/v1/a%252Fb/");
        assert_eq!(canonical_uri("/v1/a%2Fb"), "/v1/a/b/");
        assert_eq!(
            canonical_uri("/v1/%E5%9B%BE%E7%89%87/%C3%BC"),
            canonical_uri("/v1/\u{56fe}\u{7247}/ü")
        );
        assert_eq!(canonical_uri("/v1/a b/c:d"), "/v1/a%20b/c%3Ad/");
    }

    #[test]
    fn canonical_uri_replaces_invalid_utf8_and_keeps_stray_percent() {
        assert_eq!(canonical_uri("/a%FFb"), "/a%EF%BF%BDb/");
        assert_eq!(canonical_uri("/a%zz"), "/a%25zz/");
        // One byte to encode, and an escape that reads like the path itself.
        assert_eq!(canonical_uri("%"), "%25/");
        assert_eq!(canonical_uri(" "), "%20/");
        assert_eq!(canonical_uri("%25"), "%25/");
    }

    #[test]
    fn wire_path_round_trips_through_canonical_uri() {
        let raw = "name with/slash:and$dollar";
        let wire = format!("/v1/{}", encode_path_param(raw));
        assert_eq!(
            canonical_uri(&wire),
            "/v1/name%20with/slash%3Aand%24dollar/"
        );
    }
}
