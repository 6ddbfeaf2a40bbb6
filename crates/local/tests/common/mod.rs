//! Helpers shared by the integration tests.

#![allow(dead_code)]

use std::time::SystemTime;

use huaweicloud_sdk_local::signature;

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
    let date = signature::sdk_date(time);
    let mut headers: Vec<(String, String)> = vec![
        ("Host".into(), host.into()),
        ("X-Sdk-Date".into(), date.clone()),
    ];
    headers.extend(extra.iter().map(|(n, v)| (n.to_string(), v.to_string())));
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
    let canonical = signature::canonical_request(
        method,
        path_and_query,
        &pairs,
        &signed,
        &signature::payload_sha256(body),
    );
    let sig = signature::sign(sk, &signature::string_to_sign(&date, &canonical));
    headers.push((
        "Authorization".into(),
        format!(
            "SDK-HMAC-SHA256 Access={ak}, SignedHeaders={}, Signature={sig}",
            names.join(";")
        ),
    ));
    Signed {
        method: method.parse().expect("method"),
        path_and_query: path_and_query.to_owned(),
        headers,
        body: body.to_vec(),
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
