//! A transport that records each request, then answers it in memory or passes it on to the
//! default transport: tests see every request the SDK makes, in order.

use std::fmt;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use huaweicloud_sdk_core::transport::{HttpTransport, SharedTransport, TransportSettings};
use huaweicloud_sdk_core::{ByteStream, RequestBody, Result};

type Answer = dyn Fn(&http::Request<RequestBody>) -> http::Response<ByteStream> + Send + Sync;

/// Records `(method, URI)` of each request; clones share the record.
#[derive(Clone)]
pub struct Recording {
    seen: Arc<Mutex<Vec<(http::Method, http::Uri)>>>,
    then: Then,
}

/// What happens to a request once recorded.
#[derive(Clone)]
enum Then {
    PassOn(SharedTransport),
    Answer(Arc<Answer>),
}

impl fmt::Debug for Recording {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Recording").finish_non_exhaustive()
    }
}

impl Recording {
    /// Passes each request on to the default transport, with no proxy (the servers are local).
    pub fn passing_on() -> Self {
        let mut settings = TransportSettings::default();
        settings.proxy = None;
        Self {
            seen: Arc::default(),
            then: Then::PassOn(default_transport(&settings)),
        }
    }

    /// Answers each request in memory with `answer`: no request leaves the process.
    pub fn answering(
        answer: impl Fn(&http::Request<RequestBody>) -> http::Response<ByteStream>
        + Send
        + Sync
        + 'static,
    ) -> Self {
        Self {
            seen: Arc::default(),
            then: Then::Answer(Arc::new(answer)),
        }
    }

    /// `METHOD uri` of each request so far.
    pub fn seen(&self) -> Vec<String> {
        self.map(|method, uri| format!("{method} {uri}"))
    }

    /// `METHOD path` of each request so far.
    pub fn paths(&self) -> Vec<String> {
        self.map(|method, uri| format!("{method} {}", uri.path()))
    }

    fn map(&self, f: impl Fn(&http::Method, &http::Uri) -> String) -> Vec<String> {
        let seen = self.seen.lock().unwrap();
        seen.iter().map(|(method, uri)| f(method, uri)).collect()
    }
}

/// A response of `status` with `headers` and `body`, for [`Recording::answering`].
pub fn answer(status: u16, headers: &[(&str, &str)], body: &str) -> http::Response<ByteStream> {
    let mut response = http::Response::builder().status(status);
    for (name, value) in headers {
        response = response.header(*name, *value);
    }
    response
        .body(ByteStream::from_bytes(body.to_owned()))
        .unwrap()
}

#[cfg(feature = "rustls")]
fn default_transport(settings: &TransportSettings) -> SharedTransport {
    Arc::new(huaweicloud_sdk_core::transport::HyperTransport::new(settings).unwrap())
}

#[cfg(all(not(feature = "rustls"), feature = "reqwest"))]
fn default_transport(settings: &TransportSettings) -> SharedTransport {
    Arc::new(huaweicloud_sdk_core::transport::ReqwestTransport::new(settings).unwrap())
}

#[async_trait]
impl HttpTransport for Recording {
    async fn send(
        &self,
        request: http::Request<RequestBody>,
    ) -> Result<http::Response<ByteStream>> {
        let entry = (request.method().clone(), request.uri().clone());
        self.seen.lock().unwrap().push(entry);
        match &self.then {
            Then::PassOn(inner) => inner.send(request).await,
            Then::Answer(answer) => Ok(answer(&request)),
        }
    }
}
