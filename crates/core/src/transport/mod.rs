//! The HTTP layer: a one-method trait and its reqwest implementation.
//!
//! Everything above the transport (signing, retries, error parsing) lives in the executor, so a
//! transport only moves one request and its response. Hand in your own implementation with
//! [`Config::with_transport`](crate::Config::with_transport) to record, replay or reroute
//! traffic in tests.

mod base_urls;
mod reqwest_transport;
mod settings;

pub use reqwest_transport::ReqwestTransport;
pub use settings::TransportSettings;

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;

use crate::body::{ByteStream, RequestBody};
use crate::error::Result;

/// Sends one HTTP request and returns its response with a streaming body.
///
/// Errors must use the SDK's kinds: [`Error::transport`](crate::Error::transport) (with
/// `connect = true` when no connection was made, so the executor may retry any method) or
/// [`Error::timeout`](crate::Error::timeout). Redirects must not be followed.
#[async_trait]
pub trait HttpTransport: Send + Sync + fmt::Debug {
    /// Sends `request` and returns the response once its headers have arrived.
    async fn send(&self, request: http::Request<RequestBody>)
    -> Result<http::Response<ByteStream>>;
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
}
