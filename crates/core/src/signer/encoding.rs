//! Percent-encoding shared by the signature and the wire.
//!
//! The executor builds URLs with these same functions, so the path and query that are sent can
//! never disagree with the ones that were signed.

use std::borrow::Cow;

use percent_encoding::percent_decode_str;

/// `true` for the RFC 3986 unreserved bytes `A-Z a-z 0-9 - _ . ~`, the only ones left as is.
fn is_unreserved(b: u8) -> bool {
    b < 128 && (UNRESERVED >> b) & 1 == 1
}

/// [`is_unreserved`] as a bit set of the ASCII bytes: every path parameter, query key and value
/// of every request is encoded byte by byte (the path again for the signature), and one shift
/// beats five comparisons there.
const UNRESERVED: u128 = {
    let mut set = 0u128;
    let mut b = 0u8;
    while b < 128 {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            set |= 1 << b;
        }
        b += 1;
    }
    set
};

const UPPER_HEX: &[u8; 16] = b"0123456789ABCDEF";

/// The upper-case hex digit of the low four bits of `nibble`.
fn upper_hex(nibble: u8) -> char {
    char::from(
        UPPER_HEX
            .get(usize::from(nibble & 0x0f))
            .copied()
            .unwrap_or(b'0'),
    )
}

/// Appends `value` to `out` with every byte outside the unreserved set percent-encoded
/// (upper-case hex).
pub(crate) fn push_encoded(out: &mut String, value: &str) {
    let bytes = value.as_bytes();
    let mut run_start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if is_unreserved(b) {
            continue;
        }
        // `run_start..i` holds only unreserved ASCII bytes, so both ends are char boundaries.
        if let Some(run) = value.get(run_start..i) {
            out.push_str(run);
        }
        out.push('%');
        out.push(upper_hex(b >> 4));
        out.push(upper_hex(b));
        run_start = i + 1;
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
    if path.bytes().all(|b| b == b'/' || is_unreserved(b)) {
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
        _ => {
            let mut sorted: Vec<&(String, String)> = query.iter().collect();
            sorted.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
            for (i, (key, value)) in sorted.into_iter().enumerate() {
                if i > 0 {
                    out.push('&');
                }
                push_pair(out, key, value);
            }
        }
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
    fn the_unreserved_table_is_the_rfc_3986_set() {
        // Checked against the percent-encoding crate's set, not against the table's own rule.
        use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_encode};
        const SET: &AsciiSet = &NON_ALPHANUMERIC
            .remove(b'-')
            .remove(b'_')
            .remove(b'.')
            .remove(b'~');
        for b in 0..=255u8 {
            let left_as_is = percent_encode(&[b], SET).to_string().len() == 1;
            assert_eq!(is_unreserved(b), left_as_is, "byte {b}");
        }
    }

    #[test]
    fn go_sdk_canonical_query_vector() {
        // GO core/auth/signer/signer_test.go TestSigner_canonicalQueryString.
        let query = pairs(&[
            ("limit", "1"),
            ("enable", "true"),
            ("test", "一 (&=?!#%.*)"),
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
    fn encoder_matches_the_percent_encoding_crate() {
        use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
        const SET: &AsciiSet = &NON_ALPHANUMERIC
            .remove(b'-')
            .remove(b'_')
            .remove(b'.')
            .remove(b'~');
        for text in [
            "",
            "abc",
            "图",
            "a图",
            "图a",
            "图片ü x",
            "~-_.",
            "%",
            "a b+c=d&e~f/g:h?i#j%k",
            "\u{10348}z\u{7f}\t",
            "一 (&=?!#%.*)",
        ] {
            let mut ours = String::new();
            push_encoded(&mut ours, text);
            assert_eq!(ours, utf8_percent_encode(text, SET).to_string(), "{text:?}");
        }
    }

    #[test]
    fn path_params_encode_everything_but_unreserved() {
        assert_eq!(
            encode_path_param("a/b:c d~e_f.g-h"),
            "a%2Fb%3Ac%20d~e_f.g-h"
        );
        assert_eq!(encode_path_param("图"), "%E5%9B%BE");
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
            canonical_uri("/v1/图片/ü")
        );
        assert_eq!(canonical_uri("/v1/a b/c:d"), "/v1/a%20b/c%3Ad/");
    }

    #[test]
    fn canonical_uri_replaces_invalid_utf8_and_keeps_stray_percent() {
        assert_eq!(canonical_uri("/a%FFb"), "/a%EF%BF%BDb/");
        assert_eq!(canonical_uri("/a%zz"), "/a%25zz/");
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
