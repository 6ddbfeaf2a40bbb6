//! The HTTP layer: a one-method trait and its reqwest implementation.
//!
//! Everything above the transport (signing, retries, error parsing) lives in the executor, so a
//! transport only moves one request and its response. Hand in your own implementation with
//! [`Config::with_transport`](crate::Config::with_transport) to record, replay or reroute
//! traffic in tests.

mod base_urls;
mod reqwest_transport;
mod response_timer;
mod settings;

pub use reqwest_transport::ReqwestTransport;
pub use settings::TransportSettings;

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;

use crate::body::{ByteStream, RequestBody};
use crate::error::{Error, Result, TimeoutKind};

/// When an attempt must have its response head, and what to report if it does not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SendDeadline {
    /// The instant the response head must have arrived by.
    pub at: tokio::time::Instant,
    /// The timeout this deadline comes from: [`TimeoutKind::Attempt`] or
    /// [`TimeoutKind::Total`].
    pub kind: TimeoutKind,
    /// The configured limit, for the error message.
    pub limit: std::time::Duration,
}

impl SendDeadline {
    /// A deadline at `at` from the timeout `kind` of `limit`.
    pub fn new(at: tokio::time::Instant, kind: TimeoutKind, limit: std::time::Duration) -> Self {
        Self { at, kind, limit }
    }
}

/// Sends one HTTP request and returns its response with a streaming body.
///
/// Errors must use the SDK's kinds: [`Error::transport`] (with `connect = true` when no
/// connection was made, so the executor may retry any method) or [`Error::timeout`].
/// Redirects must not be followed.
#[async_trait]
pub trait HttpTransport: Send + Sync + fmt::Debug {
    /// Sends `request` and returns the response once its headers have arrived.
    async fn send(&self, request: http::Request<RequestBody>)
    -> Result<http::Response<ByteStream>>;

    /// [`send`](Self::send), failing with `deadline`'s timeout if the response head has not
    /// arrived by then. The executor calls this one. The default wraps `send` in a timer; a
    /// transport with a timer of its own (the reqwest one has its read timeout) can fold the
    /// deadline into it and spare a second timer per request.
    async fn send_within(
        &self,
        request: http::Request<RequestBody>,
        deadline: Option<SendDeadline>,
    ) -> Result<http::Response<ByteStream>> {
        match deadline {
            Some(d) => tokio::time::timeout_at(d.at, self.send(request))
                .await
                .unwrap_or_else(|_| Err(Error::timeout(d.kind, d.limit))),
            None => self.send(request).await,
        }
    }
}

/// A shared, type-erased transport.
pub type SharedTransport = Arc<dyn HttpTransport>;

#[async_trait]
impl<T: HttpTransport + ?Sized> HttpTransport for Arc<T> {
    async fn send(
        &self,
        request: http::Request<RequestBody>,
    ) -> Result<http::Response<ByteStream>> {
        (**self).send(request).await
    }

    async fn send_within(
        &self,
        request: http::Request<RequestBody>,
        deadline: Option<SendDeadline>,
    ) -> Result<http::Response<ByteStream>> {
        (**self).send_within(request, deadline).await
    }
}
