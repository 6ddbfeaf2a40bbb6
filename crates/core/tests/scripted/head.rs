//! The one HTTP/1.1 head parser of the workspace's tests: a request or response head, or the
//! header block of a multipart part, split into its first line and its header fields.
//!
//! Values are kept as raw bytes, so a test can see exactly what went on the wire (a non-UTF-8
//! header value stays what it was); [`Head::header`] gives the text view most tests want.

/// A parsed head: the start line and the header fields in wire order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Head {
    /// The request line or status line without its CRLF; empty for a header block alone.
    pub start: String,
    /// Header fields in wire order: names as sent, values without surrounding whitespace.
    pub fields: Vec<(String, Vec<u8>)>,
}

/// Where a head ends: the index just past its blank line (`\r\n\r\n`), if the buffer holds it.
pub fn end_of_head(buf: &[u8]) -> Option<usize> {
    buf.windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|at| at + 4)
}

impl Head {
    /// Parses a head with a start line (request or status line); `head` may include the blank
    /// line that ends it. A header line without a colon is an error: a test server should
    /// report a malformed request rather than guess.
    pub fn parse(head: &[u8]) -> Result<Head, String> {
        let mut lines = lines(head);
        let start = lines.next().unwrap_or_default();
        Ok(Head {
            start: String::from_utf8_lossy(start).into_owned(),
            fields: fields(lines)?,
        })
    }

    /// Parses a header block without a start line (a multipart part's headers).
    pub fn parse_fields(block: &[u8]) -> Result<Head, String> {
        Ok(Head {
            start: String::new(),
            fields: fields(lines(block))?,
        })
    }

    /// The first word of the start line: a request's method.
    pub fn method(&self) -> &str {
        self.start.split(' ').next().unwrap_or_default()
    }

    /// The second word of the start line: a request's target, or a response's status code.
    pub fn target(&self) -> &str {
        self.start.split(' ').nth(1).unwrap_or_default()
    }

    /// The first value of header `name` (case-insensitive), when it is UTF-8.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.header_values(name)
            .first()
            .and_then(|v| std::str::from_utf8(v).ok())
    }

    /// Every value of header `name` (case-insensitive), in wire order, as raw bytes.
    pub fn header_values(&self, name: &str) -> Vec<&[u8]> {
        self.fields
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
            .collect()
    }

    /// The fields as `(name, value)` text, values decoded lossily.
    pub fn field_strings(&self) -> Vec<(String, String)> {
        self.fields
            .iter()
            .map(|(n, v)| (n.clone(), String::from_utf8_lossy(v).into_owned()))
            .collect()
    }

    /// The declared `Content-Length`, if any; an error when it is not a number.
    pub fn content_length(&self) -> Result<Option<usize>, String> {
        self.header("content-length")
            .map(|v| {
                v.parse()
                    .map_err(|_| format!("invalid Content-Length {v:?}"))
            })
            .transpose()
    }

    /// Whether the body is sent with `Transfer-Encoding: chunked`.
    pub fn is_chunked(&self) -> bool {
        self.header("transfer-encoding")
            .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"))
    }
}

/// The lines of a head, CRLF (or a bare LF) removed, the blank line and what follows dropped.
fn lines(head: &[u8]) -> impl Iterator<Item = &[u8]> {
    head.split(|&b| b == b'\n')
        .map(|line| line.strip_suffix(b"\r").unwrap_or(line))
        .take_while(|line| !line.is_empty())
}

fn fields<'a>(lines: impl Iterator<Item = &'a [u8]>) -> Result<Vec<(String, Vec<u8>)>, String> {
    lines
        .map(|line| {
            let colon = line.iter().position(|&b| b == b':').ok_or_else(|| {
                format!("malformed header line {:?}", String::from_utf8_lossy(line))
            })?;
            let (name, value) = line.split_at(colon);
            let value = value.get(1..).unwrap_or_default().trim_ascii();
            Ok((String::from_utf8_lossy(name).into_owned(), value.to_vec()))
        })
        .collect()
}
