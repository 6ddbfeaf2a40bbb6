//! When and how long to wait before trying a request again.
//!
//! The default policy makes at most 3 attempts with full-jitter exponential backoff
//! (a random delay between zero and `initial_backoff × 2^retry`, capped at `max_backoff`), and
//! honours a service's `Retry-After` up to `max_retry_after`: the wait is the longer of the
//! delay the service asks for and the backoff, so `Retry-After: 0` cannot turn the retries into
//! a burst.
//!
//! What is retried:
//! * connection failures (nothing reached the server), for every method;
//! * throttling (HTTP 429), 5xx answers, timeouts and connections broken mid-request, only for
//!   idempotent requests: `GET`, `HEAD`, `PUT`, `DELETE`, `OPTIONS`, `TRACE`, or an operation its service
//!   crate marks idempotent. A `POST` that timed out may have been executed, so it is not sent
//!   twice behind your back.
//!
//! A request whose body is a one-shot stream is never retried once sent. 501 Not Implemented
//! is never retried: the server does not support the request.
//!
//! Retries draw from a budget shared by every call of a client ([`RetryBudget`], on by
//! default): a service failing every request sees the first attempts and at most the budget's
//! worth of retries, however many calls are in flight. Successes refill it.
//!
//! Retries cover getting an answer's status and headers (and an error answer's body). Once a
//! success has been handed over, reading its body is the caller's: a connection that breaks
//! while a JSON answer or a download is read is reported as an error with the attempts made,
//! and is not retried, because part of a streamed body may already have been consumed.
//!
//! Clock skew is handled apart from this policy: when the API gateway answers 401 `APIGW.0301`
//! "signature expired" with a `Date` header, the executor stores the offset between that time
//! and the local clock for that endpoint (its later requests there are signed with the
//! corrected time; an offset over one hour is not applied), re-signs and resends the request
//! once, whatever its method, without using one of the policy's attempts. See
//! [`Config::with_clock_skew_correction`](crate::Config::with_clock_skew_correction).
//!
//! A delay is never added to the clock unchecked: a `Retry-After` too large to be a point in
//! time (possible once `max_retry_after` is raised) ends the operation with the answer that
//! asked for it, as does a delay that would end past the total timeout.

mod budget;

use std::time::{Duration, SystemTime};

use crate::error::Error;

pub use budget::RetryBudget;
pub(crate) use budget::TokenBucket;

/// Retry settings. `RetryConfig::default()` is the standard policy described in the module docs.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryConfig {
    /// Attempts in total, the first included; 1 disables retries.
    pub max_attempts: u32,
    /// Upper bound of the first retry's random delay.
    pub initial_backoff: Duration,
    /// Cap of any computed backoff delay.
    pub max_backoff: Duration,
    /// Cap of a delay asked by `Retry-After`; longer requests are shortened to this.
    pub max_retry_after: Duration,
    /// The retry budget a client built with this configuration shares among its calls;
    /// `None` for none (every call retries up to `max_attempts`). A per-call retry setting
    /// (see [`CallOptions`](crate::executor::CallOptions)) draws from its client's budget and
    /// ignores this field.
    pub budget: Option<RetryBudget>,
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(20),
            max_retry_after: Duration::from_secs(30),
            budget: Some(RetryBudget::default()),
        }
    }
}

impl RetryConfig {
    /// The standard policy (same as `default()`).
    pub fn standard() -> Self {
        Self::default()
    }

    /// No retries: every request is attempted once.
    pub fn disabled() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Sets the number of attempts, the first included (0 is treated as 1).
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Sets the upper bound of the first retry's random delay.
    pub fn with_initial_backoff(mut self, delay: Duration) -> Self {
        self.initial_backoff = delay;
        self
    }

    /// Sets the cap of any computed backoff delay.
    pub fn with_max_backoff(mut self, delay: Duration) -> Self {
        self.max_backoff = delay;
        self
    }

    /// Sets the cap of a delay asked by `Retry-After`.
    pub fn with_max_retry_after(mut self, delay: Duration) -> Self {
        self.max_retry_after = delay;
        self
    }

    /// Sets the client-wide retry budget; `None` turns it off.
    pub fn with_budget(mut self, budget: Option<RetryBudget>) -> Self {
        self.budget = budget;
        self
    }

    /// Full-jitter exponential backoff before retry number `retry` (1 for the first retry).
    pub fn backoff(&self, retry: u32) -> Duration {
        let exp = retry.saturating_sub(1).min(20);
        let ceiling = self
            .initial_backoff
            .saturating_mul(1u32 << exp)
            .min(self.max_backoff);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(fastrand::u64(0..=nanos))
    }

    /// The delay before the next attempt after `error`, or `None` when it must not be retried.
    ///
    /// `attempt` is the number of the attempt that just failed (1-based); `idempotent` whether
    /// the request may be executed twice safely; `now` reads an HTTP-date `Retry-After` when
    /// the response has no `Date` header.
    pub fn delay_after(
        &self,
        error: &Error,
        attempt: u32,
        idempotent: bool,
        now: SystemTime,
    ) -> Option<Duration> {
        self.delay_if(should_retry(error, idempotent), error, attempt, now)
    }

    /// [`delay_after`](Self::delay_after) with the classification decided by the caller:
    /// `retry` says whether `error` may be retried at all.
    pub(crate) fn delay_if(
        &self,
        retry: bool,
        error: &Error,
        attempt: u32,
        now: SystemTime,
    ) -> Option<Duration> {
        if attempt >= self.max_attempts || !retry {
            return None;
        }
        let asked = error.service_error().and_then(|s| {
            // An HTTP-date is measured against the server's own clock when it sent one, so a
            // skewed local clock does not stretch or skip the wait.
            let reference = s
                .date()
                .and_then(|d| httpdate::parse_http_date(d).ok())
                .unwrap_or(now);
            parse_retry_after(s.retry_after()?, reference)
        });
        // A service's ask is a floor, not a replacement: a server answering `Retry-After: 0`
        // under load must not receive every retry at once.
        let backoff = self.backoff(attempt);
        Some(match asked {
            Some(asked) => asked.min(self.max_retry_after).max(backoff),
            None => backoff,
        })
    }
}

/// The retry classification, independent of attempt counts.
pub fn should_retry(error: &Error, idempotent: bool) -> bool {
    if error.is_connect() {
        return true;
    }
    idempotent && error.is_retryable()
}

/// True for methods HTTP defines as idempotent.
pub fn is_idempotent_method(method: &http::Method) -> bool {
    matches!(
        *method,
        http::Method::GET
            | http::Method::HEAD
            | http::Method::PUT
            | http::Method::DELETE
            | http::Method::OPTIONS
            | http::Method::TRACE
    )
}

/// Parses `Retry-After`: delay seconds or an HTTP date. Malformed values give `None`
/// (the normal backoff applies); a date in the past gives zero.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Huge values saturate instead of failing; the caller caps them anyway.
        return Some(Duration::from_secs(value.parse().unwrap_or(u64::MAX)));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{ServiceError, TimeoutKind};

    fn service(status: u16, retry_after: Option<&str>) -> Error {
        let mut h = http::HeaderMap::new();
        if let Some(v) = retry_after {
            h.insert("retry-after", http::HeaderValue::from_str(v).unwrap());
        }
        Error::service(ServiceError::from_response(
            http::StatusCode::from_u16(status).unwrap(),
            &h,
            b"",
        ))
    }

    #[test]
    fn backoff_is_jittered_and_capped() {
        let cfg = RetryConfig::default()
            .with_initial_backoff(Duration::from_millis(100))
            .with_max_backoff(Duration::from_millis(250));
        for retry in 1..10 {
            for _ in 0..50 {
                let d = cfg.backoff(retry);
                let cap =
                    Duration::from_millis(100 * (1 << (retry - 1))).min(Duration::from_millis(250));
                assert!(d <= cap, "retry {retry}: {d:?} > {cap:?}");
            }
        }
        assert!(cfg.backoff(u32::MAX) <= Duration::from_millis(250));
    }

    #[test]
    fn classification_respects_idempotency() {
        let now = SystemTime::now();
        let cfg = RetryConfig::default();
        let e500 = service(500, None);
        assert!(cfg.delay_after(&e500, 1, true, now).is_some());
        assert!(
            cfg.delay_after(&e500, 1, false, now).is_none(),
            "POST not retried on 500"
        );
        assert!(
            cfg.delay_after(&e500, 3, true, now).is_none(),
            "attempts exhausted"
        );
        let refused = Error::transport("connection refused", true);
        assert!(
            cfg.delay_after(&refused, 1, false, now).is_some(),
            "connect always retried"
        );
        let timeout = Error::timeout(TimeoutKind::Attempt, Duration::from_secs(1));
        assert!(cfg.delay_after(&timeout, 1, true, now).is_some());
        assert!(cfg.delay_after(&timeout, 1, false, now).is_none());
        assert!(cfg.delay_after(&service(404, None), 1, true, now).is_none());
        assert!(
            cfg.delay_after(&service(501, None), 1, true, now).is_none(),
            "501 Not Implemented is not retried"
        );
        assert!(
            RetryConfig::disabled()
                .delay_after(&e500, 1, true, now)
                .is_none()
        );
    }

    #[test]
    fn retry_after_is_honoured_and_capped() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let cfg = RetryConfig::default().with_max_retry_after(Duration::from_secs(5));
        assert_eq!(
            cfg.delay_after(&service(429, Some("2")), 1, true, now),
            Some(Duration::from_secs(2))
        );
        assert_eq!(
            cfg.delay_after(&service(429, Some("99999999999999999999999")), 1, true, now),
            Some(Duration::from_secs(5))
        );
        let date = httpdate::fmt_http_date(now + Duration::from_secs(3));
        assert_eq!(parse_retry_after(&date, now), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after("-1", now), None);
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("", now), None);
        // With a Date header, the server's clock is the reference, not ours.
        let mut h = http::HeaderMap::new();
        let server_now = now + Duration::from_secs(3600);
        h.insert("date", httpdate::fmt_http_date(server_now).parse().unwrap());
        h.insert(
            "retry-after",
            httpdate::fmt_http_date(server_now + Duration::from_secs(4))
                .parse()
                .unwrap(),
        );
        let skewed = Error::service(ServiceError::from_response(
            http::StatusCode::SERVICE_UNAVAILABLE,
            &h,
            b"",
        ));
        assert_eq!(
            cfg.delay_after(&skewed, 1, true, now),
            Some(Duration::from_secs(4))
        );
        let past = httpdate::fmt_http_date(now - Duration::from_secs(30));
        assert_eq!(parse_retry_after(&past, now), Some(Duration::ZERO));
        // Malformed Retry-After falls back to the normal backoff.
        let d = cfg
            .delay_after(&service(503, Some("later")), 1, true, now)
            .unwrap();
        assert!(d <= cfg.initial_backoff);
    }

    #[test]
    fn a_zero_retry_after_keeps_the_backoff() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let cfg = RetryConfig::default().with_initial_backoff(Duration::from_secs(1));
        let waits: Vec<Duration> = (0..64)
            .filter_map(|_| cfg.delay_after(&service(503, Some("0")), 1, true, now))
            .collect();
        assert_eq!(waits.len(), 64);
        // Full jitter draws from 0..=1 s: 64 draws all under a millisecond would mean the
        // `Retry-After: 0` replaced the backoff.
        assert!(
            waits.iter().any(|d| *d > Duration::from_millis(1)),
            "{waits:?}"
        );
        assert!(waits.iter().all(|d| *d <= Duration::from_secs(1)));
        // A longer ask still wins over a short backoff.
        let d = cfg
            .delay_after(&service(503, Some("3")), 1, true, now)
            .unwrap();
        assert!(d >= Duration::from_secs(3), "{d:?}");
    }
}
