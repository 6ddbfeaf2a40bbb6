//! What a hook sees of an attempt once it is over.

use std::time::Duration;

use crate::error::Error;
use crate::executor::Response;

/// One finished attempt, as [`Hook::after_attempt`](super::Hook::after_attempt) sees it.
///
/// ```
/// use huaweicloud_sdk_core::hook::{AttemptInfo, Hook};
///
/// /// Logs every attempt as one line of a metrics pipeline would.
/// struct Metrics;
///
/// impl Hook for Metrics {
///     fn after_attempt(&self, a: &AttemptInfo<'_>) {
///         println!(
///             "sdk_attempt service={} operation={} attempt={} status={} ms={} failed={}",
///             a.service(),
///             a.operation(),
///             a.attempt(),
///             a.status().map_or(0, |s| s.as_u16()),
///             a.elapsed().as_millis(),
///             a.error().is_some(),
///         );
///     }
/// }
/// ```
#[derive(Debug)]
pub struct AttemptInfo<'a> {
    pub(crate) service: &'static str,
    pub(crate) operation: &'static str,
    pub(crate) attempt: u32,
    pub(crate) elapsed: Duration,
    pub(crate) outcome: Result<&'a Response, &'a Error>,
}

impl AttemptInfo<'_> {
    /// The service, e.g. `metastudio`.
    pub fn service(&self) -> &'static str {
        self.service
    }

    /// The operation, e.g. `ListAssets`.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The attempt's number, 1 for the first.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// From the attempt's start to its answer's head (or its failure).
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }

    /// The answer's status; `None` when no answer came (connection failure, timeout).
    pub fn status(&self) -> Option<http::StatusCode> {
        match self.outcome {
            Ok(response) => Some(response.status()),
            Err(error) => error.status(),
        }
    }

    /// The answer's headers; `None` when no answer came.
    pub fn headers(&self) -> Option<&http::HeaderMap> {
        match self.outcome {
            Ok(response) => Some(response.headers()),
            Err(error) => error.service_error().map(crate::ServiceError::headers),
        }
    }

    /// The answer's `X-Request-Id`.
    pub fn request_id(&self) -> Option<&str> {
        match self.outcome {
            Ok(response) => response.request_id(),
            Err(error) => error.request_id(),
        }
    }

    /// The error of a failed attempt; `None` when it succeeded.
    pub fn error(&self) -> Option<&Error> {
        self.outcome.err()
    }
}
