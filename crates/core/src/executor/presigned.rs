//! Requests to URLs that carry their own authorization (presigned OBS upload and download
//! URLs): not AK/SK-signed, but sent like every operation, through the client's transport with
//! its attempt and total timeouts, tracing spans and retry policy.

use std::fmt;
use std::sync::atomic::{AtomicU32, Ordering};

use bytes::Bytes;
use tracing::Instrument;

use super::attempt::with_read_timeout;
use super::response::{Response, request_id_of};
use super::retry_loop::{Attempts, Destination};
use super::{CallOptions, Deadline, Executor, OperationSpec, deadline, options};
use crate::body::RequestBody;
use crate::error::{Error, MAX_ERROR_BODY_BYTES, Result, ServiceError};
use crate::transport::SendDeadline;

/// Reads a non-2xx answer to a presigned request: status, headers, the body (read up to
/// [`MAX_ERROR_BODY_BYTES`]) and whether it was longer. The default is
/// [`ServiceError::from_bounded`]; object storage answers XML, which a service crate may
/// read itself.
pub type ErrorParser = fn(http::StatusCode, &http::HeaderMap, Bytes, bool) -> ServiceError;

/// A request to a presigned URL, for [`Executor::send_presigned`].
///
/// The URL's query holds a signature: it is never shown by `Debug` nor put into errors.
pub struct PresignedRequest {
    method: http::Method,
    uri: http::Uri,
    headers: http::HeaderMap,
    body: RequestBody,
    error_parser: ErrorParser,
}

impl PresignedRequest {
    /// A `method` request to `url`, with no headers and an empty body.
    ///
    /// # Errors
    ///
    /// A construction error when `url` is not an absolute `http` or `https` URL (the message
    /// does not quote it).
    pub fn new(method: http::Method, url: &str) -> Result<Self> {
        let uri: http::Uri = url
            .parse()
            .map_err(|_| Error::construction("the presigned URL is not a valid URL"))?;
        if !matches!(uri.scheme_str(), Some("http" | "https")) || uri.host().is_none() {
            return Err(Error::construction(
                "the presigned URL is not an absolute http(s) URL",
            ));
        }
        Ok(Self {
            method,
            uri,
            headers: http::HeaderMap::new(),
            body: RequestBody::empty(),
            error_parser: ServiceError::from_bounded,
        })
    }

    /// Adds a header (the URL's signature may cover it: send it as it was presigned).
    pub fn header(mut self, name: http::HeaderName, value: http::HeaderValue) -> Self {
        self.headers.append(name, value);
        self
    }

    /// Sets the body. A replayable body (bytes, a file, [`RequestBody::from_reopenable`]) lets
    /// the request be retried; a one-shot stream is sent once.
    pub fn body(mut self, body: RequestBody) -> Self {
        self.body = body;
        self
    }

    /// Reads non-2xx answers with `parser` instead of [`ServiceError::from_bounded`].
    pub fn error_parser(mut self, parser: ErrorParser) -> Self {
        self.error_parser = parser;
        self
    }
}

impl fmt::Debug for PresignedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Scheme, host and path only: the query is a credential.
        f.debug_struct("PresignedRequest")
            .field("method", &self.method)
            .field("scheme", &self.uri.scheme_str())
            .field("host", &self.uri.host())
            .field("path", &self.uri.path())
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("body", &self.body)
            .finish()
    }
}

impl Executor {
    /// Sends a request to a presigned URL (not AK/SK-signed: the URL carries its signature)
    /// through this client's transport, with the configured attempt and total timeouts and
    /// retry policy. A request with a replayable body is retried as an operation of `spec` is
    /// (throttling, 5xx and timeouts when `spec` is idempotent; failed connections always);
    /// a one-shot stream is sent once. The SDK's `User-Agent` is added unless set. A non-2xx
    /// answer is a service error read by the request's [`ErrorParser`]; every error names
    /// `spec`'s service and operation.
    pub async fn send_presigned(
        &self,
        spec: &OperationSpec,
        request: PresignedRequest,
    ) -> Result<Response> {
        self.send_presigned_with(spec, request, &options::NO_OPTIONS)
            .await
    }

    /// [`send_presigned`](Self::send_presigned) with the overrides of one call (see
    /// [`CallOptions`]). The call's headers are sent but not signed (the URL's signature is
    /// fixed); hooks see every attempt, and [`before_signing`](crate::hook::Hook::before_signing)
    /// does not run, since nothing is signed.
    pub async fn send_presigned_with(
        &self,
        spec: &OperationSpec,
        request: PresignedRequest,
        options: &CallOptions,
    ) -> Result<Response> {
        let span = tracing::debug_span!(
            "huaweicloud.operation",
            service = spec.service,
            operation = spec.operation,
            presigned = true
        );
        let attempts = AtomicU32::new(0);
        let started = tokio::time::Instant::now();
        let total = self.total_deadline(options, started);
        let result = self
            .presigned_loop(spec, request, options, &attempts, total)
            .instrument(span.clone())
            .await;
        let attempts = attempts.load(Ordering::Relaxed);
        span.in_scope(|| match &result {
            Ok(r) => tracing::debug!(
                status = r.status().as_u16(),
                attempts,
                latency_ms = started.elapsed().as_millis() as u64,
                "presigned request succeeded"
            ),
            Err(e) => tracing::debug!(
                kind = ?e.kind(),
                status = e.status().map(|s| s.as_u16()),
                attempts,
                latency_ms = started.elapsed().as_millis() as u64,
                "presigned request failed"
            ),
        });
        result
            .map(|response| response.with_attempts(attempts).with_deadline(total))
            .map_err(|e| {
                e.with_operation(spec.service, spec.operation)
                    .with_attempts(attempts)
            })
    }

    async fn presigned_loop(
        &self,
        spec: &OperationSpec,
        request: PresignedRequest,
        options: &CallOptions,
        attempts: &AtomicU32,
        total: Option<Deadline>,
    ) -> Result<Response> {
        options.check()?;
        let PresignedRequest {
            method,
            uri,
            mut headers,
            body,
            error_parser,
        } = request;
        if !headers.contains_key(http::header::USER_AGENT) {
            if let Some(user_agent) = &self.inner.user_agent {
                headers.insert(http::header::USER_AGENT, user_agent.clone());
            }
        }
        for (name, value) in &options.headers {
            headers.insert(name.clone(), value.clone());
        }
        let attempts = Attempts {
            spec,
            options,
            destination: Destination::FixedUrl,
            replayable: body.is_replayable(),
            count: attempts,
            total,
        };
        let (method, uri, headers, body) = (&method, &uri, &headers, &body);
        self.retry_loop(attempts, |_, deadline| {
            let request = body.try_clone_for_attempt().map(|body| {
                let mut request = http::Request::new(body);
                *request.method_mut() = method.clone();
                *request.uri_mut() = uri.clone();
                *request.headers_mut() = headers.clone();
                with_read_timeout(request, options)
            });
            async move {
                self.presigned_once(spec, request?, deadline, error_parser)
                    .await
            }
        })
        .await
    }

    async fn presigned_once(
        &self,
        spec: &OperationSpec,
        request: http::Request<RequestBody>,
        send_deadline: Option<SendDeadline>,
        error_parser: ErrorParser,
    ) -> Result<Response> {
        let response = self
            .inner
            .transport
            .send_within(request, send_deadline)
            .await?;
        if response.status().is_success() {
            return Ok(Response::new(response, (spec.service, spec.operation)));
        }
        let (parts, body) = response.into_parts();
        let read = body.collect_bounded(MAX_ERROR_BODY_BYTES);
        let read = match send_deadline {
            Some(d) => deadline::until(d.at, read)
                .await
                .unwrap_or_else(|| Err(Error::timeout(d.kind, d.limit))),
            None => read.await,
        };
        Err(match read {
            Ok((bytes, truncated)) => {
                Error::service(error_parser(parts.status, &parts.headers, bytes, truncated))
            }
            Err(e) => e.with_response(parts.status, request_id_of(&parts.headers)),
        })
    }
}
