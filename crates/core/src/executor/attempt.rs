//! The retry loop and one attempt: sign, send, classify.

use std::borrow::Cow;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use tracing::Instrument;

use super::prepare::Prepared;
use super::response::Response;
use super::skew;
use super::{Deadline, deadline};
use super::{Executor, OperationRequest, OperationSpec};
use crate::body::{ByteStream, RequestBody};
use crate::credentials::Credentials;
use crate::error::{Error, MAX_ERROR_BODY_BYTES, Result, ServiceError, TimeoutKind};
use crate::signer::{self, Payload, SignableRequest, SigningKey};
use crate::transport::SendDeadline;

impl Executor {
    pub(super) async fn run(
        &self,
        spec: &OperationSpec,
        request: OperationRequest,
        attempts: &AtomicU32,
        total: Option<Deadline>,
    ) -> Result<Response> {
        let (credentials, prepared) = self.prepare(request, total).await?;
        self.retry_loop(spec, &credentials, &prepared, attempts, total)
            .await
    }

    /// Attempts until one succeeds, the retry policy gives up or time runs out.
    async fn retry_loop(
        &self,
        spec: &OperationSpec,
        credentials: &Credentials,
        prepared: &Prepared,
        attempts: &AtomicU32,
        total: Option<Deadline>,
    ) -> Result<Response> {
        let config = &self.inner.config;
        let deadline = total.map(|d| d.at);
        // Replaying a one-shot stream is impossible, so such a request is never retried.
        let replayable = prepared.body.is_replayable();
        let idempotent = spec.idempotent && replayable;
        // Re-signing with a corrected clock happens at most once per operation.
        let mut skew_corrected = false;

        loop {
            let attempt = attempts.fetch_add(1, Ordering::Relaxed) + 1;
            let endpoint_index = self.endpoint_in_use();
            let span = tracing::debug_span!("attempt", attempt);
            let started = Instant::now();
            let request = self.signed_request(spec, credentials, endpoint_index, prepared)?;
            // One deadline per attempt: the earlier of the attempt deadline and the
            // operation's total deadline (ties go to the attempt). The transport enforces it
            // for the response head (the reqwest one with the same timer as its read
            // timeout); reading an error body is bounded here.
            let send_deadline = attempt_deadline(config.attempt_timeout(), total);
            let outcome = self
                .send_once(spec, request, send_deadline)
                .instrument(span.clone())
                .await;
            if let Err(error) = &outcome {
                if error.timeout_kind() == Some(TimeoutKind::Total) {
                    // The operation is out of time: no retry.
                    return outcome;
                }
            }
            let error = match outcome {
                Ok(response) => return Ok(response),
                Err(error) => error,
            };
            if !skew_corrected && config.clock_skew_correction() {
                if let Some(server_time) = skew::server_time_of_expired_signature(&error) {
                    skew_corrected = true;
                    let corrected = self
                        .clock_offset(endpoint_index)
                        .map(|offset| offset.set_from(config.now(), server_time));
                    // The gateway refused the request before the service saw it, so resending
                    // is safe for every method; only a one-shot body or a caller-made
                    // signature cannot be redone.
                    let resend = replayable && !prepared.caller_signed;
                    let host = self
                        .inner
                        .endpoints
                        .get(endpoint_index)
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
                            drop(_enter);
                            if resend {
                                continue;
                            }
                        }
                        Some(Err(offset_ms)) => {
                            tracing::warn!(
                                status = error.status().map(|s| s.as_u16()),
                                request_id = error.request_id().unwrap_or(""),
                                endpoint = host,
                                clock_offset_ms = offset_ms,
                                max_correction_s = skew::MAX_CORRECTION.as_secs(),
                                "signature expired: the server's Date is too far from the local \
                                 clock to correct it; check the system clock"
                            );
                        }
                        None => {}
                    }
                }
            }
            if error.is_connect() && self.inner.endpoints.len() > 1 {
                // Fail over to the next endpoint, as the official SDKs do on connect errors;
                // later calls start there too.
                self.inner.endpoint_index.store(
                    ((endpoint_index + 1) % self.inner.endpoints.len()) as u32,
                    Ordering::Relaxed,
                );
            }
            let delay = if replayable {
                config
                    .retry()
                    // The clock-skew resend is not one of the policy's attempts.
                    .delay_after(
                        &error,
                        attempt.saturating_sub(u32::from(skew_corrected)),
                        idempotent,
                        self.signing_now(endpoint_index),
                    )
                    .and_then(|delay| {
                        // A delay too large to be a point in time (a huge `Retry-After` under a
                        // raised cap) means no retry: this error, not a sleep without end.
                        let wake = tokio::time::Instant::now().checked_add(delay)?;
                        // Sleeping past the total deadline would only trade this error, which
                        // says what the service answered, for a bare timeout.
                        deadline.is_none_or(|d| wake < d).then_some((delay, wake))
                    })
            } else {
                None
            };
            let _enter = span.enter();
            tracing::debug!(
                kind = ?error.kind(),
                status = error.status().map(|s| s.as_u16()),
                request_id = error.request_id().unwrap_or(""),
                latency_ms = started.elapsed().as_millis() as u64,
                retry_in_ms = delay.map(|(d, _)| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
                "attempt failed"
            );
            drop(_enter);
            let Some((_, wake)) = delay else {
                return Err(error);
            };
            tokio::time::sleep_until(wake).await;
        }
    }

    /// The request of one attempt, signed now (a fresh `X-Sdk-Date` each time).
    fn signed_request(
        &self,
        spec: &OperationSpec,
        credentials: &Credentials,
        endpoint_index: usize,
        prepared: &Prepared,
    ) -> Result<http::Request<RequestBody>> {
        let Prepared {
            path,
            query,
            query_pairs,
            caller_signed,
            body,
            ..
        } = prepared;
        let mut headers = prepared.attempt_headers();
        let (Some(endpoint), Some(target)) = (
            self.inner.endpoints.get(endpoint_index),
            self.inner.targets.get(endpoint_index),
        ) else {
            return Err(Error::construction(format!(
                "no endpoint number {endpoint_index}"
            )));
        };
        // The wire path and query in one buffer: the signer reads the path part, the URI takes
        // the whole (its `Bytes`, no copy).
        let mut path_and_query =
            String::with_capacity(endpoint.base_path().len() + path.len() + query.len() + 1);
        path_and_query.push_str(endpoint.base_path());
        path_and_query.push_str(path);
        let path_len = path_and_query.len();
        if !query.is_empty() {
            path_and_query.push('?');
            path_and_query.push_str(query);
        }

        // A request that already carries `Authorization` (an operation exposing the header, set
        // by the caller) is sent as given, as the official Python SDK does.
        if !caller_signed {
            let payload = match body.as_bytes() {
                Some(bytes) => Payload::Bytes(bytes),
                None => Payload::Unsigned,
            };
            let signing_headers = prepared.signing_view();
            let signed = signer::sign_borrowed(
                &SignableRequest {
                    method: spec.method.as_str(),
                    host: endpoint.authority(),
                    path: &path_and_query[..path_len],
                    query: query_pairs,
                    headers: &signing_headers,
                    payload,
                },
                &SigningKey {
                    ak: credentials.ak(),
                    sk: credentials.sk(),
                    security_token: credentials.security_token(),
                },
                self.inner.config.signing_algorithm(),
                self.signing_now(endpoint_index),
                Some(query),
            )?;
            for (name, value) in signed.added {
                let name = signer::added_header_name(name)
                    .ok_or_else(|| Error::construction(format!("invalid header name {name:?}")))?;
                let value = match value {
                    // The endpoint's, parsed once.
                    Cow::Borrowed(_) if name == http::header::HOST => target.host(),
                    // From the `String`, which the value takes over without a copy.
                    Cow::Owned(value) => http::HeaderValue::try_from(value).ok(),
                    Cow::Borrowed(value) => http::HeaderValue::from_str(value).ok(),
                }
                .ok_or_else(|| Error::construction(format!("invalid value for header {name}")))?;
                headers.insert(name, value);
            }
        }

        let mut request = http::Request::new(body.try_clone_for_attempt()?);
        *request.method_mut() = spec.method.clone();
        *request.uri_mut() = target.uri(path_and_query)?;
        *request.headers_mut() = headers;
        Ok(request)
    }

    /// Sends one signed request; a non-2xx answer becomes a service error. Not an `async fn`:
    /// the request moves into the transport's (boxed) future at once, so the future returned
    /// here holds only that and the error path's state.
    fn send_once(
        &self,
        spec: &OperationSpec,
        request: http::Request<RequestBody>,
        deadline: Option<SendDeadline>,
    ) -> impl std::future::Future<Output = Result<Response>> + Send + use<'_> {
        let operation = (spec.service, spec.operation);
        let sent = self.inner.transport.send_within(request, deadline);
        async move {
            let response = sent.await?;
            if response.status().is_success() {
                return Ok(Response::new(response, operation));
            }
            // Boxed: the error path's state would otherwise make every attempt's future
            // larger.
            let error = match deadline {
                Some(d) => Box::pin(deadline::until(d.at, error_from(response)))
                    .await
                    .unwrap_or_else(|| Error::timeout(d.kind, d.limit)),
                None => Box::pin(error_from(response)).await,
            };
            Err(error)
        }
    }
}

/// The service error of a non-2xx answer, its body read up to [`MAX_ERROR_BODY_BYTES`].
async fn error_from(response: http::Response<ByteStream>) -> Error {
    let (parts, body) = response.into_parts();
    // An error body cut by the connection fails the attempt as a transport error; it still
    // names the status and request id the server sent, which is what a user reports.
    match body.collect_bounded(MAX_ERROR_BODY_BYTES).await {
        Ok((bytes, truncated)) => Error::service(ServiceError::from_bounded(
            parts.status,
            &parts.headers,
            bytes,
            truncated,
        )),
        Err(e) => {
            let request_id = parts
                .headers
                .get("x-request-id")
                .and_then(|v| v.to_str().ok());
            e.with_response(parts.status, request_id)
        }
    }
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
