//! The loopback capture server: records each HTTP/1.1 request exactly as it arrives and answers
//! with one canned response.
//!
//! The SDK under test is configured with the vector's real-looking endpoint and this server as
//! its HTTP proxy, so the signed `Host` stays the service host while the bytes go only to
//! 127.0.0.1. Through a proxy the request line carries the absolute-form URI; [`Captured::target`]
//! is its origin form (path and query), as the official SDK's capture recorded it.

use huaweicloud_sdk_test_support::{Request, Script, Server, Step};

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

impl CannedResponse {
    /// The response as written: status line, headers in order, `Content-Length` when neither it
    /// nor `Transfer-Encoding` is given, `Connection: close` when no `Connection` is given.
    fn to_bytes(&self) -> Vec<u8> {
        let has = |name: &str| {
            self.headers
                .iter()
                .any(|(n, _)| n.eq_ignore_ascii_case(name))
        };
        let mut headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let length = self.body.len().to_string();
        if !has("content-length") && !has("transfer-encoding") {
            headers.push(("Content-Length", &length));
        }
        if !has("connection") {
            headers.push(("Connection", "close"));
        }
        let mut out = huaweicloud_sdk_test_support::server::head(self.status, &headers);
        out.extend_from_slice(&self.body);
        out
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

impl From<Request> for Captured {
    fn from(request: Request) -> Self {
        Self {
            target: origin_form(&request.target),
            method: request.method,
            request_target: request.target,
            headers: request.head.fields,
            body: request.body,
        }
    }
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
pub struct CaptureServer {
    server: Server,
}

impl CaptureServer {
    /// Binds 127.0.0.1 on a free port and answers every request with `response`, then closes
    /// the connection: closing tells the client a (possibly truncated) response is complete.
    pub async fn start(response: CannedResponse) -> Result<Self, String> {
        let script = Script::steps(
            Vec::new(),
            vec![Step::Write(response.to_bytes()), Step::Close],
        );
        let server = Server::start(script)
            .await
            .map_err(|e| format!("capture server cannot bind 127.0.0.1: {e}"))?;
        Ok(Self { server })
    }

    /// `http://127.0.0.1:<port>`: the proxy URL to give the SDK.
    pub fn url(&self) -> String {
        self.server.url()
    }

    /// The requests received so far.
    pub fn requests(&self) -> Vec<Captured> {
        self.server
            .script()
            .received()
            .into_iter()
            .map(Captured::from)
            .collect()
    }

    /// Connections the server could not read a request from, with the reason.
    pub fn errors(&self) -> Vec<String> {
        self.server.script().errors()
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
