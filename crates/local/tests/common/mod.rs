//! Helpers shared by the integration tests.

#![allow(dead_code)]

use std::time::SystemTime;

use huaweicloud_sdk_local::signature::{self, Algorithm};

/// A request signed by hand with the crate's own signature module (not the SDK's signer).
pub struct Signed {
    pub method: reqwest::Method,
    pub path_and_query: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// Signs `method path_and_query` with `body` and `extra` headers (which are signed too), at
/// `time`. `host` is the value of the signed `Host` header.
#[allow(clippy::too_many_arguments)]
pub fn sign(
    ak: &str,
    sk: &str,
    host: &str,
    method: &str,
    path_and_query: &str,
    extra: &[(&str, &str)],
    body: &[u8],
    time: SystemTime,
) -> Signed {
    Signing {
        ak,
        sk,
        host: Some(host),
        method,
        path_and_query,
        extra,
        body,
        time,
        ..Signing::default()
    }
    .sign()
}

/// Everything a hand-signed request is made of; [`Signing::sign`] signs it with an HMAC
/// algorithm of the crate's own signature module.
pub struct Signing<'a> {
    pub algorithm: Algorithm,
    pub ak: &'a str,
    pub sk: &'a str,
    /// The signed `Host` value; `None` leaves `Host` out of the signature.
    pub host: Option<&'a str>,
    pub method: &'a str,
    pub path_and_query: &'a str,
    /// Further signed headers.
    pub extra: &'a [(&'a str, &'a str)],
    pub body: &'a [u8],
    /// The (signed) value of the algorithm's payload hash header, sent when `Some`.
    pub declared_hash: Option<&'a str>,
    pub time: SystemTime,
}

impl Default for Signing<'_> {
    fn default() -> Self {
        Self {
            algorithm: Algorithm::HmacSha256,
            ak: huaweicloud_sdk_local::DEFAULT_AK,
            sk: huaweicloud_sdk_local::DEFAULT_SK,
            host: None,
            method: "GET",
            path_and_query: "/",
            extra: &[],
            body: b"",
            declared_hash: None,
            time: SystemTime::now(),
        }
    }
}

impl Signing<'_> {
    pub fn sign(&self) -> Signed {
        let date = signature::sdk_date(self.time);
        let mut headers: Vec<(String, String)> = vec![("X-Sdk-Date".into(), date.clone())];
        if let Some(host) = self.host {
            headers.push(("Host".into(), host.into()));
        }
        if let Some(declared) = self.declared_hash {
            headers.push((self.algorithm.content_header().into(), declared.into()));
        }
        headers.extend(
            self.extra
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string())),
        );
        let mut names: Vec<String> = headers
            .iter()
            .map(|(n, _)| n.to_ascii_lowercase())
            .collect();
        names.sort();
        let signed: Vec<&str> = names.iter().map(String::as_str).collect();
        let pairs: Vec<(&str, &str)> = headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let payload_hash = self
            .declared_hash
            .map_or_else(|| self.algorithm.hash_hex(self.body), str::to_owned);
        let canonical = signature::canonical_request(
            self.method,
            self.path_and_query,
            &pairs,
            &signed,
            &payload_hash,
        );
        let sig = self
            .algorithm
            .hmac_sign(self.sk, &self.algorithm.string_to_sign(&date, &canonical))
            .expect("an HMAC algorithm");
        headers.push((
            "Authorization".into(),
            format!(
                "{} Access={}, SignedHeaders={}, Signature={sig}",
                self.algorithm.label(),
                self.ak,
                names.join(";")
            ),
        ));
        Signed {
            method: self.method.parse().expect("method"),
            path_and_query: self.path_and_query.to_owned(),
            headers,
            body: self.body.to_vec(),
        }
    }
}

impl Signed {
    /// Sends the request to `base`, with `path_and_query` replaced when given.
    pub async fn send(&self, base: &str, path_and_query: Option<&str>) -> reqwest::Response {
        let url = format!("{base}{}", path_and_query.unwrap_or(&self.path_and_query));
        let mut request = reqwest::Client::new().request(self.method.clone(), url);
        for (name, value) in &self.headers {
            if !name.eq_ignore_ascii_case("host") {
                request = request.header(name, value);
            }
        }
        request
            .body(self.body.clone())
            .send()
            .await
            .expect("request sent")
    }
}

impl Signed {
    /// The request head for a raw HTTP/1.1 connection to `host`, with `Content-Length:
    /// content_length` (whatever the body actually sent).
    pub fn raw_head(&self, host: &str, content_length: usize) -> String {
        let mut head = format!(
            "{} {} HTTP/1.1\r\nHost: {host}\r\n",
            self.method, self.path_and_query
        );
        for (name, value) in &self.headers {
            if !name.eq_ignore_ascii_case("host") {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
        }
        head.push_str(&format!("Content-Length: {content_length}\r\n\r\n"));
        head
    }
}

/// Writes `head` and `body` on a new connection to `addr`, keeps the connection open without
/// sending more, and returns the response the server sends within `wait` (status code and
/// text), or `None` if it sends none in that time.
pub async fn raw_exchange(
    addr: std::net::SocketAddr,
    head: &str,
    body: &[u8],
    wait: std::time::Duration,
) -> Option<(u16, String)> {
    use tokio::io::AsyncWriteExt as _;
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    stream.write_all(head.as_bytes()).await.expect("write head");
    stream.write_all(body).await.expect("write body");
    let mut received = Vec::new();
    let _ = tokio::time::timeout(wait, read_response(&mut stream, &mut received)).await;
    parse_status(&received)
}

/// Writes `head` on a new connection to `addr`, then `body` one byte at a time with `every`
/// between bytes, and returns the response the server sends within `wait` (status code and
/// text), or `None`. Writing stops when a write fails; the connection stays open meanwhile.
pub async fn trickle_exchange(
    addr: std::net::SocketAddr,
    head: &str,
    body: &[u8],
    every: std::time::Duration,
    wait: std::time::Duration,
) -> Option<(u16, String)> {
    use tokio::io::AsyncWriteExt as _;
    let stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let (mut reader, mut writer) = stream.into_split();
    writer.write_all(head.as_bytes()).await.expect("write head");
    let trickle = async move {
        for byte in body {
            if writer.write_all(std::slice::from_ref(byte)).await.is_err() {
                break;
            }
            tokio::time::sleep(every).await;
        }
        // Holds the write half open until the answer is read.
        std::future::pending::<()>().await;
    };
    let mut received = Vec::new();
    let _ = tokio::time::timeout(wait, async {
        tokio::select! {
            () = trickle => {}
            () = read_response(&mut reader, &mut received) => {}
        }
    })
    .await;
    parse_status(&received)
}

/// Reads into `received` until it holds a whole response or the connection ends.
pub async fn read_response(
    stream: &mut (impl tokio::io::AsyncRead + Unpin),
    received: &mut Vec<u8>,
) {
    use tokio::io::AsyncReadExt as _;
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => received.extend_from_slice(&buf[..n]),
        }
        if response_complete(received) {
            break;
        }
    }
}

/// The status code and text of a (possibly partial) response.
fn parse_status(received: &[u8]) -> Option<(u16, String)> {
    let text = String::from_utf8_lossy(received).into_owned();
    let status = text.split(' ').nth(1)?.parse().ok()?;
    Some((status, text))
}

/// True once `received` holds a response head and as many body bytes as its Content-Length.
fn response_complete(received: &[u8]) -> bool {
    let text = String::from_utf8_lossy(received);
    let Some((head, body)) = text.split_once("\r\n\r\n") else {
        return false;
    };
    let length = head
        .lines()
        .find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    body.len() >= length
}

/// Host header value reqwest sends for `local.url()`.
pub fn host_of(url: &str) -> String {
    url.trim_start_matches("http://").to_owned()
}

/// Asserts an `X-Request-Id` of 32 hex characters.
pub fn assert_request_id(response: &reqwest::Response) -> String {
    let id = response
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .expect("X-Request-Id")
        .to_owned();
    assert_eq!(id.len(), 32, "request id {id}");
    assert!(id.bytes().all(|b| b.is_ascii_hexdigit()), "request id {id}");
    id
}

/// Base64 MD5 (RFC 1864) of `data`, computed with the crate's `md-5` dependency.
pub fn content_md5(data: &[u8]) -> String {
    use base64::Engine as _;
    use md5::Digest as _;
    base64::engine::general_purpose::STANDARD.encode(md5::Md5::digest(data))
}
