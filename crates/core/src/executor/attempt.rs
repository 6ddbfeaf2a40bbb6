//! One attempt of a signed operation: sign, send, classify (the loop around it is
//! [`retry_loop`](super::retry_loop)).

use std::borrow::Cow;
use std::sync::atomic::AtomicU32;

use futures_util::future::Either;

use super::prepare::Prepared;
use super::response::{Response, request_id_of};
use super::retry_loop::{Attempts, Destination};
use super::{CallOptions, Executor, OperationRequest, OperationSpec};
use super::{Deadline, deadline};
use crate::body::{ByteStream, RequestBody};
use crate::credentials::Credentials;
use crate::error::{Error, MAX_ERROR_BODY_BYTES, Result, ServiceError};
use crate::signer::{self, Payload, SignableRequest, SigningKey};
use crate::transport::SendDeadline;

impl Executor {
    pub(super) async fn run(
        &self,
        spec: &OperationSpec,
        request: OperationRequest,
        options: &CallOptions,
        attempts: &AtomicU32,
        total: Option<Deadline>,
    ) -> Result<Response> {
        let (credentials, prepared) = self.prepare(spec, request, options, total).await?;
        let attempts = Attempts {
            spec,
            options,
            destination: Destination::ClientEndpoints {
                resend_on_skew: !prepared.caller_signed,
            },
            replayable: prepared.body.is_replayable(),
            count: attempts,
            total,
        };
        let (credentials, prepared) = (&credentials, &prepared);
        self.retry_loop(attempts, |endpoint_index, deadline| {
            // The request moves into the transport's future at once: the attempt's future
            // holds that future, not the request beside it (nor a second copy of it, as an
            // `async` block awaiting the `Result` would).
            match self.signed_request(spec, credentials, endpoint_index, prepared) {
                Ok(request) => Either::Left(self.send_once(
                    spec,
                    with_read_timeout(request, options),
                    deadline,
                )),
                Err(error) => Either::Right(std::future::ready(Err(error))),
            }
        })
        .await
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
            let mut signing_headers = prepared.signing_view();
            let added = signer::sign_borrowed(
                &SignableRequest {
                    method: spec.method.as_str(),
                    host: endpoint.authority(),
                    path: &path_and_query[..path_len],
                    query: query_pairs,
                    headers: signing_headers.as_mut_slice(),
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
            for (name, value) in added {
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
        Err(e) => e.with_response(parts.status, request_id_of(&parts.headers)),
    }
}

/// `request` carrying the call's read timeout, when it sets one, for the transport.
pub(super) fn with_read_timeout<B>(
    mut request: http::Request<B>,
    options: &CallOptions,
) -> http::Request<B> {
    if let Some(read) = options.read_timeout {
        request
            .extensions_mut()
            .insert(crate::transport::ReadTimeout(read));
    }
    request
}
