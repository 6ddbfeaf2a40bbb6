//! The one retry loop: every request the executor sends, AK/SK-signed operations and
//! presigned URLs alike, is attempted, classified and retried here, with the call's options,
//! its hooks told of each attempt and its retries paid from the client's retry budget.

use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use tracing::Instrument;

use super::response::Response;
use super::skew;
use super::{CallOptions, Deadline, Executor, OperationSpec, RetryCheck};
use crate::error::{Error, Result, TimeoutKind};
use crate::retry::{RetryConfig, should_retry};
use crate::transport::SendDeadline;

/// Where the attempts of a request go, which decides what the loop may do between them.
#[derive(Clone, Copy, Debug)]
pub(super) enum Destination {
    /// The client's endpoints, signed with its credentials: a connection failure fails over to
    /// the next endpoint, and an expired signature corrects the signing clock. `resend_on_skew`
    /// says whether the request can be signed again (a caller-made signature cannot).
    ClientEndpoints { resend_on_skew: bool },
    /// A URL carrying its own authorization (presigned): nothing to fail over to or re-sign.
    FixedUrl,
}

/// One request's retry loop settings.
pub(super) struct Attempts<'a> {
    pub spec: &'a OperationSpec,
    /// The call's overrides of the client's settings.
    pub options: &'a CallOptions,
    pub destination: Destination,
    /// The body can be sent again (a one-shot stream cannot: such a request is sent once).
    pub replayable: bool,
    /// Incremented before each attempt; the caller reports it.
    pub count: &'a AtomicU32,
    /// The operation's total deadline.
    pub total: Option<Deadline>,
}

impl Executor {
    /// Sends attempts until one succeeds, the retry policy gives up or time runs out.
    /// `send(endpoint_index, deadline)` sends one attempt (signing it anew when it is signed).
    pub(super) async fn retry_loop<Fut>(
        &self,
        attempts: Attempts<'_>,
        mut send: impl FnMut(usize, Option<SendDeadline>) -> Fut,
    ) -> Result<Response>
    where
        Fut: Future<Output = Result<Response>>,
    {
        let config = &self.inner.config;
        let options = attempts.options;
        let spec = attempts.spec;
        let retry = options.retry.as_ref().unwrap_or_else(|| config.retry());
        let attempt_timeout = options
            .attempt_timeout
            .unwrap_or_else(|| config.attempt_timeout());
        let idempotent = options.idempotent.unwrap_or(spec.idempotent) && attempts.replayable;
        // Re-signing with a corrected clock happens at most once per operation.
        let mut skew_corrected = false;
        // The tokens the last retry took from the budget, refunded when the call succeeds.
        let mut last_retry_cost = None;
        loop {
            let attempt = attempts.count.fetch_add(1, Ordering::Relaxed) + 1;
            let endpoint_index = match attempts.destination {
                Destination::ClientEndpoints { .. } => self.endpoint_in_use(),
                Destination::FixedUrl => 0,
            };
            let span = tracing::debug_span!("attempt", attempt);
            // One clock read per attempt, for its deadline, its hooks and its log.
            let started = tokio::time::Instant::now();
            // One deadline per attempt: the earlier of the attempt deadline and the
            // operation's total deadline (ties go to the attempt).
            let send_deadline = attempt_deadline(started, attempt_timeout, attempts.total);
            let outcome = send(endpoint_index, send_deadline)
                .instrument(span.clone())
                .await;
            self.after_attempt(spec, options, attempt, started, outcome.as_ref());
            // The clock-skew resend is not one of the policy's attempts.
            let policy_attempt = attempt.saturating_sub(u32::from(skew_corrected));
            let error = match outcome {
                Ok(response) => {
                    let Some(wake) =
                        self.retry_answer(&response, options, retry, policy_attempt, &attempts)
                    else {
                        if let Some(budget) = &self.inner.retry_budget {
                            budget.release(last_retry_cost);
                        }
                        return Ok(response);
                    };
                    // The answer is dropped unread: the caller's condition asked for another.
                    drop(response);
                    last_retry_cost = wake.cost;
                    tokio::time::sleep_until(wake.at).await;
                    continue;
                }
                Err(error) => error,
            };
            if error.timeout_kind() == Some(TimeoutKind::Total) {
                // The operation is out of time: no retry.
                return Err(error);
            }
            let now = match attempts.destination {
                Destination::ClientEndpoints { resend_on_skew } => {
                    if !skew_corrected && config.clock_skew_correction() {
                        if let Some(server_time) = skew::server_time_of_expired_signature(&error) {
                            skew_corrected = true;
                            let resend = attempts.replayable && resend_on_skew;
                            if self.correct_clock(
                                &error,
                                endpoint_index,
                                server_time,
                                resend,
                                &span,
                            ) {
                                continue;
                            }
                        }
                    }
                    self.fail_over_after(&error, endpoint_index);
                    self.signing_now(endpoint_index)
                }
                Destination::FixedUrl => config.now(),
            };
            let wake = if attempts.replayable && policy_attempt < retry.max_attempts {
                let retryable = options
                    .retry_condition
                    .as_ref()
                    .and_then(|condition| condition(RetryCheck::Failed(&error)))
                    .unwrap_or_else(|| should_retry(&error, idempotent));
                retry
                    .delay_if(retryable, &error, policy_attempt, now)
                    .and_then(|delay| self.paid_wake(delay, error.is_timeout(), attempts.total))
            } else {
                None
            };
            span.in_scope(|| {
                tracing::debug!(
                    kind = ?error.kind(),
                    status = error.status().map(|s| s.as_u16()),
                    request_id = error.request_id().unwrap_or(""),
                    latency_ms = started.elapsed().as_millis() as u64,
                    retry_in_ms = wake.as_ref().map(|w| u64::try_from(w.delay.as_millis()).unwrap_or(u64::MAX)),
                    "attempt failed"
                );
            });
            let Some(wake) = wake else {
                return Err(error);
            };
            last_retry_cost = wake.cost;
            tokio::time::sleep_until(wake.at).await;
        }
    }

    /// When the caller's retry condition asks to retry a 2xx answer (and attempts, time and
    /// budget allow it), the next attempt's wake.
    fn retry_answer(
        &self,
        response: &Response,
        options: &CallOptions,
        retry: &RetryConfig,
        policy_attempt: u32,
        attempts: &Attempts<'_>,
    ) -> Option<Wake> {
        let condition = options.retry_condition.as_ref()?;
        if !attempts.replayable || policy_attempt >= retry.max_attempts {
            return None;
        }
        if condition(RetryCheck::Answered(response)) != Some(true) {
            return None;
        }
        self.paid_wake(retry.backoff(policy_attempt), false, attempts.total)
    }

    /// The wake `delay` from now, its retry paid from the client's budget (a timeout's retry
    /// costs more); `None` when it would end past the total deadline or the budget is spent.
    fn paid_wake(&self, delay: Duration, timeout: bool, total: Option<Deadline>) -> Option<Wake> {
        let at = wake_at(delay, total)?;
        let cost = match &self.inner.retry_budget {
            Some(budget) => {
                let Some(cost) = budget.acquire(timeout) else {
                    tracing::debug!("retry budget of this client spent: not retrying");
                    return None;
                };
                Some(cost)
            }
            None => None,
        };
        Some(Wake { delay, at, cost })
    }

    /// Learns the clock offset of endpoint `index` from an expired-signature answer; true when
    /// the request is to be sent again at once with the corrected clock.
    fn correct_clock(
        &self,
        error: &Error,
        index: usize,
        server_time: std::time::SystemTime,
        resend: bool,
        span: &tracing::Span,
    ) -> bool {
        let corrected = self
            .clock_offset(index)
            .map(|offset| offset.set_from(self.inner.config.now(), server_time));
        let host = self
            .inner
            .endpoints
            .get(index)
            .map_or("", |e| e.authority());
        let _enter = span.enter();
        match corrected {
            Some(Ok(offset_ms)) => {
                tracing::debug!(
                    status = error.status().map(|s| s.as_u16()),
                    request_id = error.request_id().unwrap_or(""),
                    endpoint = host,
                    clock_offset_ms = offset_ms,
                    resend,
                    "signature expired: signing clock corrected from the server's Date"
                );
                // The gateway refused the request before the service saw it, so resending is
                // safe for every method.
                resend
            }
            Some(Err(offset_ms)) => {
                tracing::warn!(
                    status = error.status().map(|s| s.as_u16()),
                    request_id = error.request_id().unwrap_or(""),
                    endpoint = host,
                    clock_offset_ms = offset_ms,
                    max_correction_s = skew::MAX_CORRECTION.as_secs(),
                    "signature expired: the server's Date is too far from the local clock to \
                     correct it; check the system clock"
                );
                false
            }
            None => false,
        }
    }

    /// After a failed connection, moves this client to its next endpoint, as the official
    /// SDKs do; later calls start there too.
    fn fail_over_after(&self, error: &Error, index: usize) {
        if error.is_connect() && self.inner.endpoints.len() > 1 {
            self.inner.endpoint_index.store(
                ((index + 1) % self.inner.endpoints.len()) as u32,
                Ordering::Relaxed,
            );
        }
    }
}

/// When and after how long the next attempt starts, and what its retry took from the budget.
struct Wake {
    delay: Duration,
    at: tokio::time::Instant,
    cost: Option<u32>,
}

/// The instant `delay` from now, or `None`: too large to be a point in time (a huge
/// `Retry-After` under a raised cap), or past the total deadline (sleeping there would only
/// trade the service's answer for a bare timeout).
fn wake_at(delay: Duration, total: Option<Deadline>) -> Option<tokio::time::Instant> {
    let wake = tokio::time::Instant::now().checked_add(delay)?;
    total.is_none_or(|d| wake < d.at).then_some(wake)
}

/// The deadline of one attempt started at `started`: the earlier of the attempt timeout and
/// the operation's total deadline.
pub(super) fn attempt_deadline(
    started: tokio::time::Instant,
    attempt_timeout: Option<Duration>,
    total: Option<Deadline>,
) -> Option<SendDeadline> {
    let attempt = attempt_timeout.and_then(|limit| {
        started
            .checked_add(limit)
            .map(|at| SendDeadline::new(at, TimeoutKind::Attempt, limit))
    });
    match (attempt, total) {
        (Some(attempt), total) if total.is_none_or(|t| attempt.at <= t.at) => Some(attempt),
        (_, Some(total)) => Some(SendDeadline::new(total.at, TimeoutKind::Total, total.limit)),
        (_, None) => None,
    }
}
