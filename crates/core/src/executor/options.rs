//! Settings of one call that override the client's, as AWS's
//! `customize().config_override(...)` does: the client's [`Config`](crate::Config) is
//! untouched and other calls are unaffected.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::error::{Error, Result};
use crate::executor::Response;
use crate::hook::{Hook, SharedHook};
use crate::retry::RetryConfig;

/// A caller's own retry condition; see [`CallOptions::with_retry_condition`].
pub type RetryCondition = Arc<dyn Fn(RetryCheck<'_>) -> Option<bool> + Send + Sync>;

/// The outcome of an attempt, as a [retry condition](CallOptions::with_retry_condition) sees
/// it.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum RetryCheck<'a> {
    /// The attempt failed: an error answer (its [`ServiceError`](crate::ServiceError) typed,
    /// with code and message), a timeout or a transport failure.
    Failed(&'a Error),
    /// The service answered 2xx; the body is not read yet.
    Answered(&'a Response),
}

/// Overrides for one call: timeouts, retry settings and condition, extra headers, idempotency
/// and hooks. Build one and pass it to [`Executor::send_with`](super::Executor::send_with) (or
/// to a service crate's operation builder, which hands it on).
///
/// Every setting left alone keeps the client's value.
///
/// ```
/// use std::time::Duration;
/// use huaweicloud_sdk_core::executor::{CallOptions, RetryCheck};
/// use huaweicloud_sdk_core::retry::RetryConfig;
///
/// // A long export: more patience than the client's default, five attempts, and a retry on
/// // the service's own "try later" code, which it answers with HTTP 400.
/// let options = CallOptions::new()
///     .with_attempt_timeout(Duration::from_secs(300))
///     .with_read_timeout(Some(Duration::from_secs(120)))
///     .with_retry(RetryConfig::default().with_max_attempts(5))
///     .with_retry_condition(|check| match check {
///         RetryCheck::Failed(e) if e.error_code() == Some("SVC.0429") => Some(true),
///         _ => None, // the standard classification
///     })
///     .with_header("x-request-tag", "nightly-export")
///     .with_idempotent(true);
/// ```
#[derive(Clone, Default)]
pub struct CallOptions {
    pub(super) attempt_timeout: Option<Option<Duration>>,
    pub(super) total_timeout: Option<Option<Duration>>,
    pub(super) read_timeout: Option<Option<Duration>>,
    pub(super) retry: Option<RetryConfig>,
    pub(super) retry_condition: Option<RetryCondition>,
    pub(super) headers: Vec<(http::HeaderName, http::HeaderValue)>,
    pub(super) idempotent: Option<bool>,
    pub(super) hooks: Vec<SharedHook>,
    // The first invalid header given, reported by the call before anything is sent.
    pub(super) error: Option<String>,
}

/// The options of a call that overrides nothing.
pub(super) static NO_OPTIONS: CallOptions = CallOptions::new();

impl CallOptions {
    /// Options that override nothing.
    pub const fn new() -> Self {
        Self {
            attempt_timeout: None,
            total_timeout: None,
            read_timeout: None,
            retry: None,
            retry_condition: None,
            headers: Vec::new(),
            idempotent: None,
            hooks: Vec::new(),
            error: None,
        }
    }

    /// The time allowed for each attempt of this call; `None` for no limit.
    pub fn with_attempt_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.attempt_timeout = Some(timeout.into());
        self
    }

    /// The time allowed for the whole call, retries included; `None` for no limit.
    pub fn with_total_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.total_timeout = Some(timeout.into());
        self
    }

    /// The longest silence allowed while waiting for and reading this call's answer (see
    /// [`TransportSettings::read_timeout`](crate::transport::TransportSettings::read_timeout));
    /// `None` for no limit. Sent to the transport as a
    /// [`ReadTimeout`](crate::transport::ReadTimeout) request extension.
    pub fn with_read_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.read_timeout = Some(timeout);
        self
    }

    /// The retry settings of this call: attempts, backoff and `Retry-After` cap. Its retries
    /// still draw from the client's [retry budget](crate::retry::RetryBudget); the `budget`
    /// field of `retry` is not read.
    pub fn with_retry(mut self, retry: RetryConfig) -> Self {
        self.retry = Some(retry);
        self
    }

    /// A retry condition of the caller's, as the official SDKs'
    /// `with_retry(condition, max_retries, backoff)`, asked after every attempt while attempts
    /// are left: `Some(true)` retries (also a request that is not idempotent, and a 2xx
    /// answer, which is then dropped unread), `Some(false)` does not, `None` leaves the
    /// decision to the standard classification. The attempt limit, the backoff, the total
    /// timeout and the client's retry budget still apply, and a one-shot body is never sent
    /// twice.
    ///
    /// ```
    /// use huaweicloud_sdk_core::executor::{CallOptions, RetryCheck};
    ///
    /// // Poll until the job is out of its 202 "accepted" state.
    /// let options = CallOptions::new().with_retry_condition(|check| match check {
    ///     RetryCheck::Answered(r) => Some(r.status() == http::StatusCode::ACCEPTED),
    ///     RetryCheck::Failed(_) => None,
    ///     _ => None,
    /// });
    /// ```
    pub fn with_retry_condition(
        mut self,
        condition: impl Fn(RetryCheck<'_>) -> Option<bool> + Send + Sync + 'static,
    ) -> Self {
        self.retry_condition = Some(Arc::new(condition));
        self
    }

    /// Adds a header to this call's request, replacing one of the same name; it is signed
    /// like the operation's own. The headers the SDK manages (`Authorization`,
    /// `X-Security-Token`, `X-Sdk-Date`, `X-Sdk-Content-Sha256`, `Host`) cannot be set: the
    /// call then fails before anything is sent, as it does for a name or value HTTP does not
    /// allow.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        match crate::hook::checked_header(name, value) {
            Ok(header) => self.headers.push(header),
            Err(e) => {
                self.error.get_or_insert_with(|| e.to_string());
            }
        }
        self
    }

    /// Whether this call may be retried after a failure that may have reached the service (a
    /// 5xx answer, a timeout): overrides what the operation declares.
    pub fn with_idempotent(mut self, idempotent: bool) -> Self {
        self.idempotent = Some(idempotent);
        self
    }

    /// Adds a hook that runs for this call, after the client's.
    pub fn with_hook(mut self, hook: impl Hook) -> Self {
        self.hooks.push(Arc::new(hook));
        self
    }

    /// Adds a shared hook that runs for this call, after the client's.
    pub fn with_shared_hook(mut self, hook: SharedHook) -> Self {
        self.hooks.push(hook);
        self
    }

    /// The invalid header given, as the call reports it.
    pub(super) fn check(&self) -> Result<()> {
        match &self.error {
            Some(e) => Err(Error::construction(e.clone())),
            None => Ok(()),
        }
    }
}

impl fmt::Debug for CallOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Header names only: a caller may put a token of its own in one.
        f.debug_struct("CallOptions")
            .field("attempt_timeout", &self.attempt_timeout)
            .field("total_timeout", &self.total_timeout)
            .field("read_timeout", &self.read_timeout)
            .field("retry", &self.retry)
            .field("retry_condition", &self.retry_condition.is_some())
            .field(
                "headers",
                &self.headers.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            )
            .field("idempotent", &self.idempotent)
            .field("hooks", &self.hooks.len())
            .finish()
    }
}
