//! Request and response hooks: code of yours that runs on every operation of a client (set
//! with [`Config::with_hook`](crate::Config::with_hook)) or of one call (set with
//! [`CallOptions::with_hook`](crate::executor::CallOptions::with_hook)).
//!
//! A [`Hook`] sees each operation twice:
//!
//! * [`before_signing`](Hook::before_signing), once per operation, with its headers and query
//!   mutable: a header added there (a `traceparent`, a tenant id) is sent on every attempt and
//!   covered by the signature. It runs before the SDK adds `Authorization`, `X-Sdk-Date` and
//!   the security token, and its view hides an `Authorization` or `X-Security-Token` the
//!   operation itself carries, so a hook never sees a credential;
//! * [`after_attempt`](Hook::after_attempt), after every attempt, read-only: status, the
//!   answer's headers, request id, attempt number, elapsed time, and the error of a failed
//!   attempt.
//!
//! Client hooks run before call hooks, each in the order added. A client without hooks pays
//! nothing for them: no allocation, no dynamic call.
//!
//! ```
//! use std::sync::atomic::{AtomicU64, Ordering};
//! use huaweicloud_sdk_core::hook::{AttemptInfo, Hook, HookRequest};
//! use huaweicloud_sdk_core::{Config, Credentials};
//!
//! /// Propagates the caller's trace and counts attempts.
//! #[derive(Default)]
//! struct Tracing {
//!     attempts: AtomicU64,
//! }
//!
//! impl Hook for Tracing {
//!     fn before_signing(&self, request: &mut HookRequest<'_>) {
//!         let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
//!         // A value with a control character would be refused; a trace id never has one.
//!         let _ = request.insert_header("traceparent", traceparent);
//!     }
//!
//!     fn after_attempt(&self, attempt: &AttemptInfo<'_>) {
//!         self.attempts.fetch_add(1, Ordering::Relaxed);
//!     }
//! }
//!
//! let config = Config::new(Credentials::new("AK", "SK")).with_hook(Tracing::default());
//! ```

mod attempt;
mod request;

use std::sync::Arc;

pub use attempt::AttemptInfo;
pub use request::HookRequest;
pub(crate) use request::checked_header;

/// Code run before each operation is signed and after each of its attempts; see the
/// [module documentation](self). Both methods do nothing unless implemented.
///
/// A hook runs on the task of the call, inside its future: it should be quick and must not
/// block (hand slow work, such as exporting metrics, to a channel or a task).
pub trait Hook: Send + Sync + 'static {
    /// Runs once per operation, before the first attempt is signed; what it changes in
    /// `request` is sent and signed on every attempt.
    fn before_signing(&self, request: &mut HookRequest<'_>) {
        let _ = request;
    }

    /// Runs after every attempt, successful or not.
    fn after_attempt(&self, attempt: &AttemptInfo<'_>) {
        let _ = attempt;
    }
}

/// A shared hook, as [`Config`](crate::Config) and
/// [`CallOptions`](crate::executor::CallOptions) keep them.
pub type SharedHook = Arc<dyn Hook>;
