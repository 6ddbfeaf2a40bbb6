//! Canonical request and string to sign.

use std::cmp::Ordering;
use std::ops::Range;

use super::encoding::{push_canonical_query, push_canonical_uri};
use super::hash::HashKind;

/// One signed header: the name as spelled on the wire (ASCII) and its value.
pub(crate) type HeaderRef<'a> = (&'a str, &'a str);

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

/// Appends `name` lower-cased.
fn push_lowercase(out: &mut String, name: &str) {
    // Copy, then lower-case the copy in place: much cheaper than pushing char by char, and
    // `make_ascii_lowercase` leaves non-ASCII bytes (and so UTF-8 validity) untouched.
    let start = out.len();
    out.push_str(name);
    if let Some(pushed) = out.get_mut(start..) {
        pushed.make_ascii_lowercase();
    }
}

/// `value` without leading and trailing whitespace, as `str::trim` gives it.
fn trim(value: &str) -> &str {
    // The usual value starts and ends with a visible ASCII character and is its own trimmed
    // form; `str::trim` (Unicode whitespace) decides every other case.
    let plain_end = |byte: Option<&u8>| {
        byte.is_some_and(|&b| b.is_ascii() && !matches!(b, b'\t'..=b'\r' | b' '))
    };
    let bytes = value.as_bytes();
    if plain_end(bytes.first()) && plain_end(bytes.last()) {
        value
    } else {
        value.trim()
    }
}

/// `:value\n` of a header line (after its name).
fn push_header_value(out: &mut String, value: &str) {
    out.push(':');
    out.push_str(trim(value));
    out.push('\n');
}

/// Appends `name:value` lines for `headers`, names lower-cased, and the blank line after them.
fn push_header_lines(out: &mut String, headers: &[HeaderRef<'_>]) {
    for (name, value) in headers {
        push_lowercase(out, name);
        push_header_value(out, value);
    }
    out.push('\n');
}

/// Appends the header lines of `headers` and, after the blank line, their lower-cased names
/// joined with `;`; returns where the names start.
fn push_headers_and_names(out: &mut String, headers: &[HeaderRef<'_>]) -> usize {
    // The usual names fit in a stack buffer: gathered there, they are lower-cased in one pass
    // and copied as ready text into both the header lines and the names line.
    let mut buf = [0u8; 256];
    let lowered = lowercase_names(&mut buf, headers);
    let Some(names) = lowered else {
        // Too long for the buffer: name by name.
        push_header_lines(out, headers);
        let names_start = out.len();
        for (i, (name, _)) in headers.iter().enumerate() {
            if i > 0 {
                out.push(';');
            }
            push_lowercase(out, name);
        }
        return names_start;
    };
    let mut start = 0;
    for (name, value) in headers {
        let end = start + name.len();
        out.push_str(names.get(start..end).unwrap_or_default());
        push_header_value(out, value);
        start = end + 1;
    }
    out.push('\n');
    let names_start = out.len();
    out.push_str(names);
    names_start
}

/// The lower-cased names of `headers` joined with `;` in `buf`, or `None` when they do not fit.
fn lowercase_names<'b>(buf: &'b mut [u8], headers: &[HeaderRef<'_>]) -> Option<&'b str> {
    let mut len = 0;
    for (i, (name, _)) in headers.iter().enumerate() {
        if i > 0 {
            *buf.get_mut(len)? = b';';
            len += 1;
        }
        let end = len + name.len();
        buf.get_mut(len..end)?.copy_from_slice(name.as_bytes());
        len = end;
    }
    let names = buf.get_mut(..len)?;
    names.make_ascii_lowercase();
    // Names are tokens (ASCII); the check only turns the bytes back into text.
    std::str::from_utf8(names).ok()
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
    /// The signed-names line as received (verification); `None` to write the lower-cased names
    /// of `headers` joined with `;` (signing).
    pub signed_names: Option<&'a str>,
    pub payload_hash: &'a str,
}

/// `METHOD\nURI\nQUERY\nname:value\n...\n\nSIGNED_NAMES\nPAYLOAD_HASH`, and where in it the
/// signed names are (the `SignedHeaders` of `Authorization` are the same text).
pub(crate) fn canonical_request(parts: &CanonicalParts<'_>) -> (String, Range<usize>) {
    let names_len: usize = match parts.signed_names {
        Some(names) => names.len(),
        None => parts.headers.iter().map(|(n, _)| n.len() + 1).sum(),
    };
    let headers_len: usize = parts
        .headers
        .iter()
        .map(|(n, v)| n.len() + v.len() + 2)
        .sum();
    let query_len = match parts.canonical_query {
        Some(query) => query.len(),
        None => {
            parts
                .query
                .iter()
                .map(|(k, v)| k.len() + v.len() + 2)
                .sum::<usize>()
                * 3
                / 2
        }
    };
    let mut out = String::with_capacity(
        parts.method.len()
            + parts.path.len()
            + 16
            + query_len
            + headers_len
            + names_len
            + parts.payload_hash.len()
            + 8,
    );
    out.push_str(parts.method);
    // The buffer holds only the method so far.
    out.make_ascii_uppercase();
    out.push('\n');
    push_canonical_uri(&mut out, parts.path);
    out.push('\n');
    match parts.canonical_query {
        Some(query) => out.push_str(query),
        None => push_canonical_query(&mut out, parts.query),
    }
    out.push('\n');
    let names_start = match parts.signed_names {
        Some(names) => {
            push_header_lines(&mut out, parts.headers);
            let names_start = out.len();
            out.push_str(names);
            names_start
        }
        None => push_headers_and_names(&mut out, parts.headers),
    };
    let names = names_start..out.len();
    out.push('\n');
    out.push_str(parts.payload_hash);
    (out, names)
}

/// `LABEL\nDATE\n[SCOPE\n]hex(hash(canonical_request))`, kept in pieces until it is used:
/// joined on the stack for the HMAC, or built as text only when the caller keeps it.
pub(crate) struct StringToSign<'a> {
    label: &'a str,
    sdk_date: &'a str,
    scope: Option<&'a str>,
    request_hash: [u8; 64],
}

impl<'a> StringToSign<'a> {
    /// The string to sign of `canonical_request`, hashed with `hash`.
    pub(crate) fn new(
        label: &'a str,
        sdk_date: &'a str,
        scope: Option<&'a str>,
        hash: HashKind,
        canonical_request: &str,
    ) -> Self {
        Self {
            label,
            sdk_date,
            scope,
            request_hash: hash.hex_digest_array(canonical_request.as_bytes()),
        }
    }

    /// The pieces that make up the string to sign, in order.
    pub(crate) fn parts(&self) -> [&[u8]; 7] {
        let (scope, scope_end): (&[u8], &[u8]) = match self.scope {
            Some(scope) => (scope.as_bytes(), b"\n"),
            None => (b"", b""),
        };
        [
            self.label.as_bytes(),
            b"\n",
            self.sdk_date.as_bytes(),
            b"\n",
            scope,
            scope_end,
            &self.request_hash,
        ]
    }

    /// The string to sign joined into `buf`, when it fits.
    pub(crate) fn join_into<'b>(&self, buf: &'b mut [u8]) -> Option<&'b [u8]> {
        let mut len = 0;
        for part in self.parts() {
            let end = len + part.len();
            buf.get_mut(len..end)?.copy_from_slice(part);
            len = end;
        }
        buf.get(..len)
    }

    /// The string to sign as text.
    pub(crate) fn text(&self) -> String {
        // Every piece is text or hex digits, so the joined bytes are always valid UTF-8.
        String::from_utf8(self.parts().concat()).unwrap_or_default()
    }
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
        let mut parts = CanonicalParts {
            method: "get",
            path: "/p",
            query: &[],
            canonical_query: None,
            headers: &headers,
            signed_names: None,
            payload_hash: "HASH",
        };
        let (cr, names) = canonical_request(&parts);
        assert_eq!(
            cr,
            "GET\n/p/\n\ncontent-type:c\nhost:h\nx-custom:x\nx-sdk-date:d\n\ncontent-type;host;x-custom;x-sdk-date\nHASH"
        );
        assert_eq!(&cr[names], "content-type;host;x-custom;x-sdk-date");
        parts.signed_names = Some("Given;Names");
        let (cr, names) = canonical_request(&parts);
        assert!(cr.ends_with("\n\nGiven;Names\nHASH"));
        assert_eq!(&cr[names], "Given;Names");
    }

    #[test]
    fn header_section_is_the_same_whether_names_fit_the_buffer_or_not() {
        // Up to 10 such names (23 bytes and a `;` each) fit the 256-byte buffer; 12 and 40 take
        // the name-by-name path.
        for count in [0, 1, 5, 12, 40] {
            let names: Vec<String> = (0..count)
                .map(|i| format!("X-Header-Name-Number-{i:02}"))
                .collect();
            let headers: Vec<HeaderRef<'_>> = names.iter().map(|n| (n.as_str(), " v ")).collect();
            let mut out = String::new();
            let names_start = push_headers_and_names(&mut out, &headers);
            let lower: Vec<String> = names.iter().map(|n| n.to_ascii_lowercase()).collect();
            let lines: String = lower.iter().map(|n| format!("{n}:v\n")).collect();
            let expected = format!("{lines}\n{}", lower.join(";"));
            assert_eq!(out, expected, "{count} headers");
            assert_eq!(&out[names_start..], lower.join(";"));
        }
        let mut buf = [0u8; 256];
        assert!(lowercase_names(&mut buf, &[("A-B", ""), ("C", "")]) == Some("a-b;c"));
        let long = "X".repeat(300);
        assert!(lowercase_names(&mut buf, &[(long.as_str(), "")]).is_none());
    }

    #[test]
    fn names_compare_as_their_lower_case_forms() {
        let names = [
            "",
            "a",
            "A",
            "ab",
            "aB",
            "b",
            "host",
            "Host",
            "x-sdk-date",
            "X-Sdk-Content-Sha256",
            "X-",
            "x-",
        ];
        for a in names {
            for b in names {
                assert_eq!(
                    cmp_ignore_ascii_case(a, b),
                    a.to_ascii_lowercase().cmp(&b.to_ascii_lowercase()),
                    "{a:?} {b:?}"
                );
            }
        }
    }

    #[test]
    fn values_are_trimmed_like_str_trim() {
        for value in [
            "",
            " ",
            "a",
            " a",
            "a ",
            "\ta\r",
            "a b",
            "\u{3000}a",
            "a\u{85}",
            "\u{a0}",
            "ü",
            "\u{b}a\u{c}",
            "\u{1c}a\u{1f}",
            "x\u{2003}",
            "\u{200b}x",
        ] {
            assert_eq!(trim(value), value.trim(), "{value:?}");
        }
    }

    #[test]
    fn string_to_sign_with_and_without_scope() {
        let text = |scope| {
            let sts = StringToSign::new("SDK-HMAC-SHA256", "D", scope, HashKind::Sha256, "");
            assert_eq!(sts.join_into(&mut [0; 256]), Some(sts.text().as_bytes()));
            assert_eq!(sts.join_into(&mut [0; 64]), None);
            sts.text()
        };
        assert_eq!(
            text(None),
            "SDK-HMAC-SHA256\nD\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert!(text(Some("S")).starts_with("SDK-HMAC-SHA256\nD\nS\ne3b0"));
    }
}
