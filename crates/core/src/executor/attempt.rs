//! The retry loop and one attempt: sign, send, classify.

use std::borrow::Cow;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Instant;

use tracing::Instrument;

use super::Deadline;
use super::response::Response;
use super::scope::Scope;
use super::skew;
use super::{Executor, OperationRequest, OperationSpec};
use crate::body::RequestBody;
use crate::credentials::Credentials;
use crate::error::{Error, MAX_ERROR_BODY_BYTES, Result, ServiceError, TimeoutKind};
use crate::signer::{self, Payload, SignableRequest, SigningKey};

impl Executor {
    pub(super) async fn run(
        &self,
        spec: &OperationSpec,
        request: OperationRequest,
        attempts: &AtomicU32,
        total: Option<Deadline>,
    ) -> Result<Response> {
        let mut parts = request.into_parts()?;
        let config = &self.inner.config;
        let deadline = total.map(|d| d.at);
        // Bounded by the total deadline. Cached credentials and scope are ready at the first
        // poll, and tokio polls a future before arming its timer: no timer is armed then.
        let (credentials, scope) = within_total(total, async {
            let credentials = config.credentials_provider().provide_credentials().await?;
            let scope = Scope::resolve(config, &credentials).await?;
            Ok((credentials, scope))
        })
        .await?;
        let path = parts.render_path(&[
            ("project_id", scope.project_id.as_deref()),
            ("domain_id", scope.domain_id.as_deref()),
        ])?;
        // The canonical query is also the wire query, so the two can never disagree.
        let query = signer::canonical_query(&parts.query);
        let headers = self.base_headers(std::mem::take(&mut parts.headers), &scope)?;
        // Replaying a one-shot stream is impossible, so such a request is never retried.
        let replayable = parts.body.is_replayable();
        let idempotent = spec.idempotent && replayable;
        let mut prepared = Prepared {
            path,
            signing_headers: signing_view(&headers),
            caller_signed: headers.contains_key(http::header::AUTHORIZATION),
            headers: Some(headers),
            query,
            query_pairs: parts.query,
            body: parts.body,
        };
        // Re-signing with a corrected clock happens at most once per operation.
        let mut skew_corrected = false;

        loop {
            let attempt = attempts.fetch_add(1, Ordering::Relaxed) + 1;
            let endpoint_index = self.inner.endpoint_index.load(Ordering::Relaxed) as usize
                % self.inner.endpoints.len();
            let span = tracing::debug_span!("attempt", attempt);
            let started = Instant::now();
            // The first attempt takes the headers over; a retry rebuilds them.
            let headers = match prepared.headers.take() {
                Some(headers) => headers,
                None => headers_from_view(&prepared.signing_headers)?,
            };
            // Boxed for the same reason as `run`: it moves into a timer and a span.
            let work =
                Box::pin(self.attempt(spec, &credentials, endpoint_index, &prepared, headers));
            // One timer per attempt: the earlier of the attempt deadline and the operation's
            // total deadline (ties go to the attempt, whose timer used to fire first).
            let attempt_deadline = config.attempt_timeout().and_then(|limit| {
                tokio::time::Instant::now()
                    .checked_add(limit)
                    .zip(Some(limit))
            });
            let outcome = match (attempt_deadline, total) {
                (Some((at, limit)), total) if total.is_none_or(|t| at <= t.at) => {
                    tokio::time::timeout_at(at, work)
                        .instrument(span.clone())
                        .await
                        .unwrap_or_else(|_| Err(Error::timeout(TimeoutKind::Attempt, limit)))
                }
                (_, Some(total)) => {
                    match tokio::time::timeout_at(total.at, work)
                        .instrument(span.clone())
                        .await
                    {
                        Ok(outcome) => outcome,
                        // The operation is out of time: no retry, as when a timer around the
                        // whole operation fired.
                        Err(_) => return Err(Error::timeout(TimeoutKind::Total, total.limit)),
                    }
                }
                (_, None) => work.instrument(span.clone()).await,
            };
            let error = match outcome {
                Ok(response) => return Ok(response),
                Err(error) => error,
            };
            if !skew_corrected && config.clock_skew_correction() {
                if let Some(server_time) = skew::server_time_of_expired_signature(&error) {
                    skew_corrected = true;
                    let offset_ms = config
                        .clock_offset()
                        .set_from(config.uncorrected_now(), server_time);
                    // The gateway refused the request before the service saw it, so resending
                    // is safe for every method; only a one-shot body or a caller-made
                    // signature cannot be redone.
                    let resend = replayable && !prepared.caller_signed;
                    let _enter = span.enter();
                    tracing::debug!(
                        status = error.status().map(|s| s.as_u16()),
                        request_id = error.request_id().unwrap_or(""),
                        clock_offset_ms = offset_ms,
                        resend,
                        "signature expired: signing clock corrected from the server's Date"
                    );
                    drop(_enter);
                    if resend {
                        continue;
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
                        config.now(),
                    )
                    // Sleeping past the total deadline would only trade this error, which
                    // says what the service answered, for a bare timeout.
                    .filter(|delay| {
                        deadline.is_none_or(|d| tokio::time::Instant::now() + *delay < d)
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
                retry_in_ms = delay.map(|d| d.as_millis() as u64),
                "attempt failed"
            );
            drop(_enter);
            let Some(delay) = delay else {
                return Err(error);
            };
            tokio::time::sleep(delay).await;
        }
    }

    /// Headers common to every attempt: the operation's (taken over, not copied), user agent,
    /// scope.
    fn base_headers(&self, mut headers: http::HeaderMap, scope: &Scope) -> Result<http::HeaderMap> {
        // Converted once, when the executor was built.
        let user_agent =
            self.inner.user_agent.clone().ok_or_else(|| {
                Error::construction("user-agent has characters not allowed in HTTP")
            })?;
        headers.insert(http::header::USER_AGENT, user_agent);
        let mut set = |name: &'static str, value: &str| -> Result<()> {
            let value = http::HeaderValue::from_str(value).map_err(|_| {
                Error::construction(format!("{name} has characters not allowed in HTTP"))
            })?;
            headers.insert(name, value);
            Ok(())
        };
        if let Some(project_id) = &scope.project_id {
            set("x-project-id", project_id)?;
        }
        if let Some(domain_id) = &scope.domain_id {
            set("x-domain-id", domain_id)?;
        }
        Ok(headers)
    }

    /// Signs and sends once; a non-2xx answer becomes a service error.
    async fn attempt(
        &self,
        spec: &OperationSpec,
        credentials: &Credentials,
        endpoint_index: usize,
        prepared: &Prepared,
        mut headers: http::HeaderMap,
    ) -> Result<Response> {
        let Prepared {
            path,
            query,
            query_pairs,
            signing_headers,
            caller_signed,
            body,
            ..
        } = prepared;
        let endpoint = &self.inner.endpoints[endpoint_index];
        let target = &self.inner.targets[endpoint_index];
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
            let signed = signer::sign_borrowed(
                &SignableRequest {
                    method: spec.method.as_str(),
                    host: endpoint.authority(),
                    path: &path_and_query[..path_len],
                    query: query_pairs,
                    headers: signing_headers,
                    payload,
                },
                &SigningKey {
                    ak: credentials.ak(),
                    sk: credentials.sk(),
                    security_token: credentials.security_token(),
                },
                self.inner.config.signing_algorithm(),
                self.inner.config.now(),
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

        let send = async {
            let response = self.inner.transport.send(request).await?;
            if response.status().is_success() {
                return Ok(Response::new(response, (spec.service, spec.operation)));
            }
            let (parts, body) = response.into_parts();
            // An error body cut by the connection fails the attempt as a transport error; it
            // still names the status and request id the server sent (fault tests found both lost).
            let (bytes, truncated) =
                body.collect_bounded(MAX_ERROR_BODY_BYTES)
                    .await
                    .map_err(|e| {
                        let request_id = parts
                            .headers
                            .get("x-request-id")
                            .and_then(|v| v.to_str().ok());
                        e.with_response(parts.status, request_id)
                    })?;
            Err(Error::service(ServiceError::from_bounded(
                parts.status,
                &parts.headers,
                bytes,
                truncated,
            )))
        };
        // Bounded by the caller (`run`): attempt and total timeouts share one timer.
        send.await
    }
}

/// Everything about the request that stays the same from one attempt to the next.
struct Prepared {
    /// Rendered path, parameters encoded, without the endpoint's base path.
    path: String,
    /// Canonical query string, also sent on the wire.
    query: String,
    /// The same query as raw pairs, for the signer.
    query_pairs: Vec<(String, String)>,
    /// Operation, content-type, user-agent and scope headers, until the first attempt takes
    /// them; later attempts rebuild them from `signing_headers`.
    headers: Option<http::HeaderMap>,
    /// The same headers as the signer wants them.
    signing_headers: Vec<(String, String)>,
    /// Whether the caller set `Authorization` (the request is then sent unsigned).
    caller_signed: bool,
    body: RequestBody,
}

/// The base headers again, for a retry, from the signer's view of them (same values: they are
/// all UTF-8, so the view did not change them).
fn headers_from_view(view: &[(String, String)]) -> Result<http::HeaderMap> {
    let mut headers = http::HeaderMap::with_capacity(view.len());
    for (name, value) in view {
        let name = http::HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Error::construction(format!("invalid header name {name:?}")))?;
        let value = http::HeaderValue::from_str(value)
            .map_err(|_| Error::construction(format!("invalid value for header {name}")))?;
        headers.append(name, value);
    }
    Ok(headers)
}

/// Runs `work` within the operation's total deadline, if any.
async fn within_total<T>(
    total: Option<Deadline>,
    work: impl std::future::Future<Output = Result<T>>,
) -> Result<T> {
    match total {
        Some(total) => tokio::time::timeout_at(total.at, work)
            .await
            .unwrap_or_else(|_| Err(Error::timeout(TimeoutKind::Total, total.limit))),
        None => work.await,
    }
}

/// Headers as the signer sees them: names spelled as the official SDKs spell them on the wire
/// (`Content-Type`, `X-Project-Id`), which matters for the signer's content-type rule.
fn signing_view(headers: &http::HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            // Values are almost always visible ASCII: copy those directly; the lossy
            // conversion (same result for valid UTF-8) only for the others.
            let value = match value.to_str() {
                Ok(text) => text.to_owned(),
                Err(_) => String::from_utf8_lossy(value.as_bytes()).into_owned(),
            };
            (title_case(name.as_str()), value)
        })
        .collect()
}

fn title_case(name: &str) -> String {
    // Byte-wise (per request, per header): changing ASCII case keeps UTF-8 valid, so the
    // conversion back cannot fail.
    let mut bytes = name.as_bytes().to_vec();
    let mut upper = true;
    for b in &mut bytes {
        if upper {
            b.make_ascii_uppercase();
        }
        upper = *b == b'-';
    }
    String::from_utf8(bytes).unwrap_or_default()
}
