//! The core executor against every request the official SDK recorded in `requests.json`.
//!
//! The service crates do not exist yet, so each vector's wire request is turned back into an
//! `OperationRequest` (encoded path, raw query pairs, operation headers, exact body) and sent
//! through the executor with the vector's credentials, endpoint, `User-Agent` and signing time.
//! The request captured at the transport must match the recording: method, target, every
//! header the official SDK sent (except transport headers) and `Authorization`, byte for byte.

use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use async_trait::async_trait;
use huaweicloud_sdk_core::body::{ByteStream, RequestBody};
use huaweicloud_sdk_core::config::endpoint::Endpoint;
use huaweicloud_sdk_core::signer::SigningAlgorithm;
use huaweicloud_sdk_core::transport::HttpTransport;
use huaweicloud_sdk_core::{Config, Credentials, Executor, OperationRequest, OperationSpec};
use huaweicloud_sdk_tests::{body, header_pairs, load, name, signing_time, str_at};
use serde_json::Value;

#[derive(Debug, Default)]
struct Capture {
    requests: Mutex<Vec<(http::request::Parts, Vec<u8>)>>,
}

#[async_trait]
impl HttpTransport for Capture {
    async fn send(
        &self,
        request: http::Request<RequestBody>,
    ) -> huaweicloud_sdk_core::Result<http::Response<ByteStream>> {
        let (parts, body) = request.into_parts();
        let bytes = body.into_stream().await?.collect().await?;
        self.requests.lock().unwrap().push((parts, bytes.to_vec()));
        Ok(http::Response::new(ByteStream::from_bytes("{}")))
    }
}

fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

async fn replay(vector: &Value) -> Result<(), String> {
    let recorded = &vector["request"];
    let headers = header_pairs(&recorded["headers"]);
    let listed = |key: &str| -> Vec<String> {
        vector[key]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_ascii_lowercase)
            .collect()
    };
    let (sdk_added, transport) = (listed("sdk_added_headers"), listed("transport_headers"));
    let target = str_at(vector, "/request/target");
    let (path, query) = target.split_once('?').unwrap_or((target, ""));

    // The operation's own part of the request, as a service crate will describe it.
    let mut request = OperationRequest::new(path.to_owned());
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        request = request.query(decode(k), decode(v));
    }
    for (header_name, value) in &headers {
        let lower = header_name.to_ascii_lowercase();
        let operation_header = !sdk_added.contains(&lower) && !transport.contains(&lower);
        if operation_header || lower == "content-type" {
            let leaked: &'static str = Box::leak(lower.into_boxed_str());
            request = request.header(leaked, value.clone());
        }
    }
    request = request.body(RequestBody::from_bytes(body(recorded)));

    let creds = &vector["credentials"];
    let mut credentials = Credentials::new(str_at(creds, "/ak"), str_at(creds, "/sk"));
    if let Some(p) = creds["project_id"].as_str() {
        credentials = credentials.with_project_id(p);
    }
    if let Some(t) = creds["security_token"].as_str() {
        credentials = credentials.with_security_token(t);
    }
    let user_agent = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("user-agent"))
        .map(|(_, v)| v.clone())
        .ok_or("no User-Agent recorded")?;
    let at: SystemTime = signing_time(vector);
    let algorithm = match str_at(vector, "/signing_algorithm") {
        "SDK-HMAC-SHA256" => SigningAlgorithm::HmacSha256,
        "SDK-HMAC-SM3" => SigningAlgorithm::HmacSm3,
        other => return Err(format!("algorithm {other} not covered by this test")),
    };
    let capture = Arc::new(Capture::default());
    let config = Config::new(credentials)
        .with_user_agent(user_agent)
        .with_clock(move || at)
        .with_signing_algorithm(algorithm)
        .with_transport(capture.clone());
    let endpoint = Endpoint::parse(str_at(vector, "/endpoint")).map_err(|e| e.to_string())?;
    let executor =
        Executor::with_endpoints(&config, "vectors", vec![endpoint]).map_err(|e| e.to_string())?;
    let method = http::Method::from_bytes(str_at(vector, "/request/method").as_bytes())
        .map_err(|e| e.to_string())?;
    let spec = OperationSpec::new("vectors", "Replay", method.clone());
    executor
        .send(&spec, request)
        .await
        .map_err(|e| e.to_string())?;

    let (parts, sent_body) = capture
        .requests
        .lock()
        .unwrap()
        .pop()
        .ok_or("nothing sent")?;
    let mut problems = Vec::new();
    if parts.method != method {
        problems.push(format!("method {} != {method}", parts.method));
    }
    let sent_target = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("");
    if sent_target != target {
        problems.push(format!("target {sent_target:?} != {target:?}"));
    }
    for (header_name, value) in &headers {
        if transport.contains(&header_name.to_ascii_lowercase())
            || header_name.eq_ignore_ascii_case("content-length")
        {
            continue;
        }
        let sent = parts
            .headers
            .get(header_name.as_str())
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        if sent.as_deref() != Some(value.as_str()) {
            problems.push(format!(
                "header {header_name}: sent {sent:?}, official {value:?}"
            ));
        }
    }
    if sent_body != body(recorded) {
        problems.push("body differs".to_owned());
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

#[tokio::test]
async fn every_recorded_request_is_reproduced_byte_for_byte() {
    let vectors = load("requests.json");
    let mut failures = Vec::new();
    for vector in &vectors {
        if let Err(why) = replay(vector).await {
            failures.push(format!("{}: {why}", name(vector)));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} differ:\n{}",
        failures.len(),
        vectors.len(),
        failures.join("\n")
    );
    assert_eq!(vectors.len(), 24);
}
