//! Helpers shared by the fuzz targets: a single-threaded runtime and an in-memory transport.

use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use huaweicloud_sdk_core::body::{ByteStream, RequestBody};
use huaweicloud_sdk_core::retry::RetryConfig;
use huaweicloud_sdk_core::transport::HttpTransport;
use huaweicloud_sdk_core::{Config, Credentials};

/// Runs `future` to completion on a per-thread current-thread runtime.
pub fn block_on<F: Future>(future: F) -> F::Output {
    thread_local! {
        static RUNTIME: tokio::runtime::Runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("a current-thread runtime");
    }
    RUNTIME.with(|rt| rt.block_on(future))
}

/// A transport that records the request target and answers with a fixed status and body.
#[derive(Debug)]
pub struct Canned {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub targets: Mutex<Vec<String>>,
}

impl Canned {
    pub fn new(status: u16, headers: Vec<(String, String)>, body: Vec<u8>) -> Arc<Self> {
        Arc::new(Self {
            status,
            headers,
            body,
            targets: Mutex::new(Vec::new()),
        })
    }

    pub fn sent(&self) -> Vec<String> {
        self.targets
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

#[async_trait]
impl HttpTransport for Canned {
    async fn send(
        &self,
        request: http::Request<RequestBody>,
    ) -> huaweicloud_sdk_core::Result<http::Response<ByteStream>> {
        let target = request
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_default();
        self.targets
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(target);
        let mut response = http::Response::new(ByteStream::from_bytes(self.body.clone()));
        if let Ok(status) = http::StatusCode::from_u16(self.status) {
            *response.status_mut() = status;
        }
        for (name, value) in &self.headers {
            if let (Ok(n), Ok(v)) = (
                http::HeaderName::from_bytes(name.as_bytes()),
                http::HeaderValue::from_bytes(value.as_bytes()),
            ) {
                response.headers_mut().append(n, v);
            }
        }
        Ok(response)
    }
}

/// A config that sends through `transport` to a fixed endpoint, with no retries.
pub fn config(transport: Arc<Canned>) -> Config {
    Config::new(Credentials::new("AK-FUZZ", "SK-FUZZ").with_project_id("p-fuzz"))
        .with_endpoint("https://svc.example.com")
        .with_retry(RetryConfig::disabled())
        .with_transport(transport)
}
