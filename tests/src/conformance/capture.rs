//! The loopback capture server: records each HTTP/1.1 request exactly as it arrives and answers
//! with one canned response.
//!
//! The SDK under test is configured with the vector's real-looking endpoint and this server as
//! its HTTP proxy, so the signed `Host` stays the service host while the bytes go only to
//! 127.0.0.1. Through a proxy the request line carries the absolute-form URI; [`Captured::target`]
//! is its origin form (path and query), as the official SDK's capture recorded it.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// Largest request head (request line and headers) accepted.
const MAX_HEAD: usize = 256 * 1024;
/// Largest request body accepted.
const MAX_BODY: usize = 64 * 1024 * 1024;
/// A client that stops sending for this long is dropped.
const IDLE: Duration = Duration::from_secs(20);

/// The answer the server gives to every request: written as given (headers in order and case).
#[derive(Debug, Clone)]
pub struct CannedResponse {
    /// HTTP status code.
    pub status: u16,
    /// Headers, written in this order. `Content-Length` is added when neither it nor
    /// `Transfer-Encoding` is present; `Connection: close` when no `Connection` is present.
    pub headers: Vec<(String, String)>,
    /// Body bytes, written as they are (a declared `Content-Length` larger than the body makes
    /// a truncated response: the connection closes after these bytes).
    pub body: Vec<u8>,
}

impl CannedResponse {
    /// `200` with an empty JSON object: enough for any operation whose request is under test.
    pub fn empty_json() -> Self {
        Self {
            status: 200,
            headers: vec![("Content-Type".to_owned(), "application/json".to_owned())],
            body: b"{}".to_vec(),
        }
    }
}

/// One request as received.
#[derive(Debug, Clone)]
pub struct Captured {
    /// The method of the request line.
    pub method: String,
    /// The request-target of the request line as received (absolute form through a proxy).
    pub request_target: String,
    /// The origin form of the target: path and query, exactly as sent.
    pub target: String,
    /// Headers in wire order, names in their original case, values as received (surrounding
    /// whitespace removed).
    pub headers: Vec<(String, Vec<u8>)>,
    /// The body, de-chunked when it was sent chunked.
    pub body: Vec<u8>,
}

impl Captured {
    /// Values of every header called `name` (case-insensitive), as UTF-8 (lossy).
    pub fn header_values(&self, name: &str) -> Vec<String> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
            .collect()
    }

    /// The first value of header `name`, as UTF-8 (lossy).
    pub fn header(&self, name: &str) -> Option<String> {
        self.header_values(name).into_iter().next()
    }

    /// Headers as `(name, value)` strings (values UTF-8, lossy), in wire order.
    pub fn header_strings(&self) -> Vec<(String, String)> {
        self.headers
            .iter()
            .map(|(n, v)| (n.clone(), String::from_utf8_lossy(v).into_owned()))
            .collect()
    }
}

/// A running capture server; stopped when dropped.
#[derive(Debug)]
pub struct CaptureServer {
    addr: SocketAddr,
    captured: Arc<Mutex<Vec<Captured>>>,
    errors: Arc<Mutex<Vec<String>>>,
    task: JoinHandle<()>,
}

impl CaptureServer {
    /// Binds 127.0.0.1 on a free port and answers every request with `response`.
    pub async fn start(response: CannedResponse) -> Result<Self, String> {
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .map_err(|e| format!("capture server cannot bind 127.0.0.1: {e}"))?;
        let addr = listener
            .local_addr()
            .map_err(|e| format!("capture server has no address: {e}"))?;
        let captured = Arc::new(Mutex::new(Vec::new()));
        let errors = Arc::new(Mutex::new(Vec::new()));
        let response = Arc::new(response);
        let task = {
            let captured = captured.clone();
            let errors = errors.clone();
            tokio::spawn(async move {
                while let Ok((stream, _)) = listener.accept().await {
                    let captured = captured.clone();
                    let errors = errors.clone();
                    let response = response.clone();
                    tokio::spawn(async move {
                        if let Err(e) = serve(stream, &response, &captured).await {
                            if let Ok(mut list) = errors.lock() {
                                list.push(e);
                            }
                        }
                    });
                }
            })
        };
        Ok(Self {
            addr,
            captured,
            errors,
            task,
        })
    }

    /// `http://127.0.0.1:<port>`: the proxy URL to give the SDK.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The requests received so far.
    pub fn requests(&self) -> Vec<Captured> {
        self.captured.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// Connections the server could not read a request from, with the reason.
    pub fn errors(&self) -> Vec<String> {
        self.errors.lock().map(|l| l.clone()).unwrap_or_default()
    }
}

impl Drop for CaptureServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn read_more(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Result<usize, String> {
    let mut chunk = [0u8; 16 * 1024];
    let n = tokio::time::timeout(IDLE, stream.read(&mut chunk))
        .await
        .map_err(|_| "client went silent".to_owned())?
        .map_err(|e| format!("read failed: {e}"))?;
    buf.extend_from_slice(&chunk[..n]);
    Ok(n)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Reads one request from `stream`, records it and writes the canned response.
async fn serve(
    mut stream: TcpStream,
    response: &CannedResponse,
    captured: &Mutex<Vec<Captured>>,
) -> Result<(), String> {
    let mut buf = Vec::new();
    let head_end = loop {
        if let Some(pos) = find(&buf, b"\r\n\r\n") {
            break pos;
        }
        if buf.len() > MAX_HEAD {
            return Err("request head too large".to_owned());
        }
        if read_more(&mut stream, &mut buf).await? == 0 {
            if buf.is_empty() {
                // A connection opened and closed without a request (e.g. a pool probe).
                return Ok(());
            }
            return Err("connection closed inside the request head".to_owned());
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut rest = buf[head_end + 4..].to_vec();
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split(' ');
    let method = parts.next().unwrap_or_default().to_owned();
    let request_target = parts.next().unwrap_or_default().to_owned();
    // Header values are kept as raw bytes: re-split the head bytes rather than the lossy text.
    let mut headers = Vec::new();
    let raw_head = &buf[..head_end];
    for raw_line in raw_head.split(|&b| b == b'\n').skip(1) {
        let line = raw_line.strip_suffix(b"\r").unwrap_or(raw_line);
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            return Err(format!(
                "malformed header line {:?}",
                String::from_utf8_lossy(line)
            ));
        };
        let name = String::from_utf8_lossy(&line[..colon]).into_owned();
        let value = line[colon + 1..].trim_ascii().to_vec();
        headers.push((name, value));
    }
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| String::from_utf8_lossy(v).trim().to_owned())
    };
    let chunked =
        header("transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    let body = if chunked {
        read_chunked(&mut stream, &mut rest).await?
    } else if let Some(length) = header("content-length") {
        let length: usize = length
            .parse()
            .map_err(|_| format!("invalid Content-Length {length:?}"))?;
        if length > MAX_BODY {
            return Err(format!("request body of {length} bytes is too large"));
        }
        while rest.len() < length {
            if read_more(&mut stream, &mut rest).await? == 0 {
                return Err("connection closed inside the request body".to_owned());
            }
        }
        rest.truncate(length);
        rest
    } else {
        Vec::new()
    };
    let target = origin_form(&request_target);
    if let Ok(mut list) = captured.lock() {
        list.push(Captured {
            method,
            request_target,
            target,
            headers,
            body,
        });
    }
    write_response(&mut stream, response).await
}

/// Decodes a chunked body; `buf` holds what was already read past the head.
async fn read_chunked(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    let mut pos = 0;
    loop {
        let line_end = loop {
            if let Some(i) = find(&buf[pos..], b"\r\n") {
                break pos + i;
            }
            if read_more(stream, buf).await? == 0 {
                return Err("connection closed inside a chunk size".to_owned());
            }
        };
        let size_text = String::from_utf8_lossy(&buf[pos..line_end]).into_owned();
        let size_hex = size_text.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_hex, 16)
            .map_err(|_| format!("invalid chunk size {size_text:?}"))?;
        pos = line_end + 2;
        if size == 0 {
            // Trailers (if any) end with an empty line.
            loop {
                if let Some(i) = find(&buf[pos..], b"\r\n") {
                    if i == 0 {
                        return Ok(body);
                    }
                    pos += i + 2;
                    continue;
                }
                if read_more(stream, buf).await? == 0 {
                    return Ok(body);
                }
            }
        }
        if body.len() + size > MAX_BODY {
            return Err("chunked request body too large".to_owned());
        }
        while buf.len() < pos + size + 2 {
            if read_more(stream, buf).await? == 0 {
                return Err("connection closed inside a chunk".to_owned());
            }
        }
        body.extend_from_slice(&buf[pos..pos + size]);
        pos += size + 2;
    }
}

/// `http://host[:port]/path?query` to `/path?query`; an origin-form target is returned as is.
pub fn origin_form(target: &str) -> String {
    let Some((_, after_scheme)) = target
        .split_once("://")
        .filter(|(scheme, _)| !scheme.contains('/'))
    else {
        return target.to_owned();
    };
    match after_scheme.find(['/', '?']) {
        Some(i) if after_scheme[i..].starts_with('?') => format!("/{}", &after_scheme[i..]),
        Some(i) => after_scheme[i..].to_owned(),
        None => "/".to_owned(),
    }
}

async fn write_response(stream: &mut TcpStream, response: &CannedResponse) -> Result<(), String> {
    let reason = http::StatusCode::from_u16(response.status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Status");
    let mut out = format!("HTTP/1.1 {} {reason}\r\n", response.status).into_bytes();
    let has = |name: &str| {
        response
            .headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
    };
    for (name, value) in &response.headers {
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    if !has("content-length") && !has("transfer-encoding") {
        out.extend_from_slice(format!("Content-Length: {}\r\n", response.body.len()).as_bytes());
    }
    if !has("connection") {
        out.extend_from_slice(b"Connection: close\r\n");
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(&response.body);
    stream
        .write_all(&out)
        .await
        .map_err(|e| format!("writing the response failed: {e}"))?;
    stream
        .flush()
        .await
        .map_err(|e| format!("flushing the response failed: {e}"))?;
    // Closing tells the client the response (possibly truncated) is complete.
    let _ = stream.shutdown().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::origin_form;

    #[test]
    fn absolute_targets_become_origin_form() {
        assert_eq!(origin_form("http://h.example.com/a/b?x=1"), "/a/b?x=1");
        assert_eq!(
            origin_form("http://localhost:8080/v4?x=a%2Fb"),
            "/v4?x=a%2Fb"
        );
        assert_eq!(origin_form("http://h.example.com"), "/");
        assert_eq!(origin_form("http://h.example.com?q=1"), "/?q=1");
        assert_eq!(origin_form("/already?x=http://y"), "/already?x=http://y");
    }
}
