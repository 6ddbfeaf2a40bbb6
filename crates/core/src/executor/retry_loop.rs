//! The one retry loop: every request the executor sends, AK/SK-signed operations and
//! presigned URLs alike, is attempted, classified and retried here.

use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use tracing::Instrument;

use super::response::Response;
use super::skew;
use super::{Deadline, Executor, OperationSpec};
use crate::error::{Error, Result, TimeoutKind};
use crate::retry::RetryConfig;
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
        let idempotent = attempts.spec.idempotent && attempts.replayable;
        // Re-signing with a corrected clock happens at most once per operation.
        let mut skew_corrected = false;
        loop {
            let attempt = attempts.count.fetch_add(1, Ordering::Relaxed) + 1;
            let endpoint_index = match attempts.destination {
                Destination::ClientEndpoints { .. } => self.endpoint_in_use(),
                Destination::FixedUrl => 0,
            };
            let span = tracing::debug_span!("attempt", attempt);
            let started = Instant::now();
            // One deadline per attempt: the earlier of the attempt deadline and the
            // operation's total deadline (ties go to the attempt).
            let send_deadline = attempt_deadline(config.attempt_timeout(), attempts.total);
            let error = match send(endpoint_index, send_deadline)
                .instrument(span.clone())
                .await
            {
                Ok(response) => return Ok(response),
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
            let wake = if attempts.replayable {
                // The clock-skew resend is not one of the policy's attempts.
                let policy_attempt = attempt.saturating_sub(u32::from(skew_corrected));
                next_wake(
                    config.retry(),
                    &error,
                    policy_attempt,
                    idempotent,
                    now,
                    attempts.total,
                )
            } else {
                None
            };
            span.in_scope(|| {
                tracing::debug!(
                    kind = ?error.kind(),
                    status = error.status().map(|s| s.as_u16()),
                    request_id = error.request_id().unwrap_or(""),
                    latency_ms = started.elapsed().as_millis() as u64,
                    retry_in_ms = wake.map(|(d, _)| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
                    "attempt failed"
                );
            });
            let Some((_, wake)) = wake else {
                return Err(error);
            };
            tokio::time::sleep_until(wake).await;
        }
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

/// The delay before the next attempt and the instant it ends, or `None` for no retry: the
/// policy gives up, the delay is too large to be a point in time (a huge `Retry-After` under
/// a raised cap), or it would end past the total deadline (sleeping there would only trade
/// the service's answer for a bare timeout).
fn next_wake(
    retry: &RetryConfig,
    error: &Error,
    attempt: u32,
    idempotent: bool,
    now: std::time::SystemTime,
    total: Option<Deadline>,
) -> Option<(Duration, tokio::time::Instant)> {
    let delay = retry.delay_after(error, attempt, idempotent, now)?;
    let wake = tokio::time::Instant::now().checked_add(delay)?;
    total.is_none_or(|d| wake < d.at).then_some((delay, wake))
}

/// The deadline of one attempt: the earlier of the attempt timeout (from now) and the
/// operation's total deadline.
pub(super) fn attempt_deadline(
    attempt_timeout: Option<Duration>,
    total: Option<Deadline>,
) -> Option<SendDeadline> {
    let attempt = attempt_timeout.and_then(|limit| {
        tokio::time::Instant::now()
            .checked_add(limit)
            .map(|at| SendDeadline::new(at, TimeoutKind::Attempt, limit))
    });
    match (attempt, total) {
        (Some(attempt), total) if total.is_none_or(|t| attempt.at <= t.at) => Some(attempt),
        (_, Some(total)) => Some(SendDeadline::new(total.at, TimeoutKind::Total, total.limit)),
        (_, None) => None,
    }
}
