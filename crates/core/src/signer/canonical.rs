//! Canonical request and string to sign.

use std::cmp::Ordering;

use super::ascii::{NOT_UNDERSCORE, all_bytes};
use super::encoding::{push_canonical_query, push_canonical_uri};
use super::hash::HashKind;

/// One signed header: the name as spelled on the wire (ASCII) and its value.
pub(crate) type HeaderRef<'a> = (&'a str, &'a str);

/// Whether a header takes part in the signature: every header whose name has no `_`.
pub(crate) fn is_signable(name: &str) -> bool {
    all_bytes::<NOT_UNDERSCORE>(name.as_bytes())
}

/// Orders header names as their lower-case forms would sort.
pub(crate) fn cmp_ignore_ascii_case(a: &str, b: &str) -> Ordering {
    a.bytes()
        .map(|c| c.to_ascii_lowercase())
        .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

/// Sorts signed headers by lower-cased name.
pub(crate) fn sort_headers(headers: &mut [HeaderRef<'_>]) {
    headers.sort_unstable_by(|a, b| cmp_ignore_ascii_case(a.0, b.0));
}

/// `h1;h2;...`: the lower-cased names of `sorted` joined with `;`.
pub(crate) fn signed_header_names(sorted: &[HeaderRef<'_>]) -> String {
    let mut out = String::with_capacity(sorted.iter().map(|(n, _)| n.len() + 1).sum());
    for (i, (name, _)) in sorted.iter().enumerate() {
        if i > 0 {
            out.push(';');
        }
        push_lowercase(&mut out, name);
    }
    out
}

fn push_lowercase(out: &mut String, name: &str) {
    // Copy, then lower-case the copy in place: much cheaper than pushing char by char, and
    // `make_ascii_lowercase` leaves non-ASCII bytes (and so UTF-8 validity) untouched.
    let start = out.len();
    out.push_str(name);
    if let Some(pushed) = out.get_mut(start..) {
        pushed.make_ascii_lowercase();
    }
}

/// Inputs of the canonical request.
pub(crate) struct CanonicalParts<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: &'a [(String, String)],
    /// [`canonical_query`](super::canonical_query) of `query` when the caller already has it.
    pub canonical_query: Option<&'a str>,
    /// Signed headers sorted with [`sort_headers`].
    pub headers: &'a [HeaderRef<'a>],
    /// Output of [`signed_header_names`] for `headers`.
    pub signed_names: &'a str,
    pub payload_hash: &'a str,
}

/// `METHOD\nURI\nQUERY\nname:value\n...\n\nSIGNED_NAMES\nPAYLOAD_HASH`.
pub(crate) fn canonical_request(parts: &CanonicalParts<'_>) -> String {
    let headers_len: usize = parts
        .headers
        .iter()
        .map(|(n, v)| n.len() + v.len() + 2)
        .sum();
    let mut out = String::with_capacity(
        parts.method.len()
            + parts.path.len()
            + 16
            + parts
                .query
                .iter()
                .map(|(k, v)| k.len() + v.len() + 2)
                .sum::<usize>()
                * 3
                / 2
            + headers_len
            + parts.signed_names.len()
            + parts.payload_hash.len()
            + 8,
    );
    let start = out.len();
    out.push_str(parts.method);
    if let Some(method) = out.get_mut(start..) {
        method.make_ascii_uppercase();
    }
    out.push('\n');
    push_canonical_uri(&mut out, parts.path);
    out.push('\n');
    match parts.canonical_query {
        Some(query) => out.push_str(query),
        None => push_canonical_query(&mut out, parts.query),
    }
    out.push('\n');
    for (name, value) in parts.headers {
        push_lowercase(&mut out, name);
        out.push(':');
        out.push_str(value.trim());
        out.push('\n');
    }
    out.push('\n');
    out.push_str(parts.signed_names);
    out.push('\n');
    out.push_str(parts.payload_hash);
    out
}

/// `LABEL\nDATE\n[SCOPE\n]hex(hash(canonical_request))`.
pub(crate) fn string_to_sign(
    label: &str,
    sdk_date: &str,
    scope: Option<&str>,
    hash: HashKind,
    canonical_request: &str,
) -> String {
    let mut out =
        String::with_capacity(label.len() + sdk_date.len() + scope.map_or(0, |s| s.len() + 1) + 66);
    out.push_str(label);
    out.push('\n');
    out.push_str(sdk_date);
    out.push('\n');
    if let Some(scope) = scope {
        out.push_str(scope);
        out.push('\n');
    }
    hash.push_hex_digest(&mut out, canonical_request.as_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_sort_case_insensitively_and_names_are_lowered() {
        let mut headers = vec![
            ("X-Sdk-Date", "d"),
            ("host", "h"),
            ("Content-Type", "c"),
            ("X-Custom", "  x  "),
        ];
        sort_headers(&mut headers);
        let names = signed_header_names(&headers);
        assert_eq!(names, "content-type;host;x-custom;x-sdk-date");
        let cr = canonical_request(&CanonicalParts {
            method: "get",
            path: "/p",
            query: &[],
            canonical_query: None,
            headers: &headers,
            signed_names: &names,
            payload_hash: "HASH",
        });
        assert_eq!(
            cr,
            "GET\n/p/\n\ncontent-type:c\nhost:h\nx-custom:x\nx-sdk-date:d\n\ncontent-type;host;x-custom;x-sdk-date\nHASH"
        );
    }

    #[test]
    fn underscore_names_are_not_signed() {
        assert!(!is_signable("TEST_UNDERSCORE"));
        assert!(is_signable("X-Sdk-Date"));
    }

    #[test]
    fn string_to_sign_with_and_without_scope() {
        let plain = string_to_sign("SDK-HMAC-SHA256", "D", None, HashKind::Sha256, "");
        assert_eq!(
            plain,
            "SDK-HMAC-SHA256\nD\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        let scoped = string_to_sign("V11-HMAC-SHA256", "D", Some("S"), HashKind::Sha256, "");
        assert!(scoped.starts_with("V11-HMAC-SHA256\nD\nS\ne3b0"));
    }
}
