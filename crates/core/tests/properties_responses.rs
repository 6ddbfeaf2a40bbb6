//! Property tests of response handling: error-body parsing and JSON decoding never panic on
//! arbitrary bytes, directly and through the executor with a transport that answers them.
//!
//! Deterministic (fixed seed, no failure files) and modest (256 cases per property); set
//! `PROPTEST_CASES` for a deeper local run.

mod support;

use std::collections::BTreeMap;

use async_trait::async_trait;
use bytes::Bytes;
use huaweicloud_sdk_core::body::{ByteStream, RequestBody};
use huaweicloud_sdk_core::config::endpoint::Endpoint;
use huaweicloud_sdk_core::retry::RetryConfig;
use huaweicloud_sdk_core::transport::HttpTransport;
use huaweicloud_sdk_core::{
    Config, Credentials, Executor, OperationRequest, OperationSpec, ServiceError,
};
use proptest::prelude::*;
use serde::Deserialize;

/// Arbitrary bytes, or JSON text shaped like (broken) Huawei Cloud error bodies.
fn body() -> BoxedStrategy<Vec<u8>> {
    let key = prop::sample::select(vec![
        "error_code",
        "error_msg",
        "errorCode",
        "errorMsg",
        "code",
        "message",
        "encoded_authorization_message",
        "error",
        "x",
    ]);
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(serde_json::Value::from),
        any::<String>().prop_map(serde_json::Value::from),
    ];
    let json = leaf.prop_recursive(6, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            prop::collection::btree_map(key.clone(), inner, 0..5).prop_map(|m| {
                serde_json::Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
            }),
        ]
    });
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..256),
        json.clone()
            .prop_map(|v| serde_json::to_vec(&v).unwrap_or_default()),
        // Valid JSON cut short, or with a byte flipped.
        (json, any::<prop::sample::Index>(), any::<u8>()).prop_map(|(v, at, byte)| {
            let mut bytes = serde_json::to_vec(&v).unwrap_or_default();
            if !bytes.is_empty() {
                let i = at.index(bytes.len());
                if byte % 2 == 0 {
                    bytes.truncate(i);
                } else {
                    bytes[i] = byte;
                }
            }
            bytes
        }),
    ]
    .boxed()
}

fn headers() -> impl Strategy<Value = http::HeaderMap> {
    let name = prop::sample::select(vec![
        "x-request-id",
        "retry-after",
        "date",
        "content-type",
        "x-other",
    ]);
    prop::collection::vec((name, prop::collection::vec(any::<u8>(), 0..24)), 0..5).prop_map(
        |pairs| {
            let mut map = http::HeaderMap::new();
            for (name, value) in pairs {
                if let Ok(value) = http::HeaderValue::from_bytes(&value) {
                    map.append(name, value);
                }
            }
            map
        },
    )
}

/// A transport answering every request with one status, headers and body.
#[derive(Debug)]
struct Canned {
    status: http::StatusCode,
    headers: http::HeaderMap,
    body: Vec<u8>,
}

#[async_trait]
impl HttpTransport for Canned {
    async fn send(
        &self,
        _request: http::Request<RequestBody>,
    ) -> huaweicloud_sdk_core::Result<http::Response<ByteStream>> {
        let mut response = http::Response::new(ByteStream::from_bytes(self.body.clone()));
        *response.status_mut() = self.status;
        *response.headers_mut() = self.headers.clone();
        Ok(response)
    }
}

/// An output shaped like the generated ones: every field optional, nested types.
#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Output {
    id: Option<i32>,
    size: Option<i64>,
    name: Option<String>,
    tags: Option<Vec<BTreeMap<String, serde_json::Value>>>,
    nested: Option<Box<Output>>,
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

proptest! {
    #![proptest_config(support::properties::seeded(0x4857_4352_4553_5031))]

    /// `ServiceError::from_response` and `from_bounded` never panic, and keep at most the body
    /// they were given (an empty code is possible: `{"error_code": ""}` says so).
    #[test]
    fn error_body_parsing_never_panics(
        status in 100u16..1000,
        headers in headers(),
        body in body(),
        truncated in any::<bool>(),
    ) {
        let status = http::StatusCode::from_u16(status).unwrap();
        let parsed = ServiceError::from_response(status, &headers, &body);
        if serde_json::from_slice::<serde_json::Value>(&body).is_err() {
            // Not JSON: the code is the status and the message the body.
            prop_assert_eq!(parsed.error_code(), status.as_str());
        }
        prop_assert!(parsed.body().len() <= body.len());
        let _ = format!("{parsed:?} {}", huaweicloud_sdk_core::Error::service(parsed.clone()));
        let bounded = ServiceError::from_bounded(status, &headers, Bytes::from(body), truncated);
        prop_assert_eq!(bounded.body_truncated(), truncated);
        let _ = (bounded.error_msg(), bounded.retry_after(), bounded.is_throttling());
    }

    /// Whatever status, headers and body the transport answers, `Executor::send` and
    /// `Response::json` return `Ok` or `Err` (a decode or service error), never panic.
    #[test]
    fn response_decoding_never_panics(
        status in prop_oneof![200u16..210, 300u16..600],
        headers in headers(),
        body in body(),
    ) {
        let status = http::StatusCode::from_u16(status).unwrap();
        let success = status.is_success();
        let transport = Canned { status, headers, body };
        let config = Config::new(Credentials::new("AK", "SK").with_project_id("p"))
            .with_retry(RetryConfig::disabled())
            .with_transport(transport);
        let endpoint = Endpoint::parse("https://svc.example.com").unwrap();
        let executor = Executor::with_endpoints(&config, "props", vec![endpoint]).unwrap();
        let spec = OperationSpec::new("props", "Decode", http::Method::GET);
        let outcome = runtime().block_on(async {
            let response = executor.send(&spec, OperationRequest::new("/v1/{project_id}/x")).await?;
            let typed = executor.send(&spec, OperationRequest::new("/v1/{project_id}/x")).await?;
            let value = response.json::<serde_json::Value>().await;
            let output = typed.json::<Output>().await;
            Ok::<_, huaweicloud_sdk_core::Error>((value.is_ok(), output.map_err(|e| e.is_decode())))
        });
        match outcome {
            Ok((_, Err(is_decode))) => prop_assert!(is_decode),
            Ok(_) => prop_assert!(success),
            Err(e) => prop_assert!(!success && e.is_service(), "{e}"),
        }
    }
}
