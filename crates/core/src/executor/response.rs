//! A successful (2xx) response, with its body still unread.

use bytes::Bytes;
use serde::de::DeserializeOwned;

use crate::body::ByteStream;
use crate::error::{Error, Result, ServiceError};

/// A successful response. The body has not been read: decode it with [`Response::json`], take
/// it whole with [`Response::bytes`], or stream it with [`Response::into_body`].
///
/// Reading the body whole (`json`, `json_or_body_error`, `bytes`) holds it in memory, so it is
/// bounded by [`Config::with_max_buffered_body_size`](crate::Config::with_max_buffered_body_size)
/// (64 MiB by default): a server cannot make a small answer's decoding exhaust memory. A
/// streamed body ([`Response::into_body`], downloads) is not bounded: it is never held whole,
/// and its consumer decides how much to keep.
#[derive(Debug)]
pub struct Response {
    status: http::StatusCode,
    headers: http::HeaderMap,
    body: ByteStream,
    operation: (&'static str, &'static str),
    // Attempts it took to get this response, so that an error met while reading the body still
    // says how many requests were sent rather than "nothing was sent".
    attempts: u32,
    // The operation's total-timeout deadline and limit: reading a body whole (`bytes`, `json`)
    // is part of the operation, so a server dripping a body slower than the read timeout
    // cannot hold the call past the total timeout.
    deadline: Option<super::Deadline>,
    // Most bytes a whole-body read may hold.
    max_buffered: usize,
}

impl Response {
    pub(super) fn new(
        response: http::Response<ByteStream>,
        operation: (&'static str, &'static str),
    ) -> Self {
        let (parts, body) = response.into_parts();
        Self {
            status: parts.status,
            headers: parts.headers,
            body,
            operation,
            attempts: 1,
            deadline: None,
            max_buffered: crate::config::DEFAULT_MAX_BUFFERED_BODY_SIZE,
        }
    }

    /// Bounds the whole-body reads by `limit` bytes (the executor does this).
    pub(super) fn with_max_buffered(mut self, limit: usize) -> Self {
        self.max_buffered = limit;
        self
    }

    /// Bounds the whole-body reads by the operation's total timeout (the executor does this).
    pub(super) fn with_deadline(mut self, deadline: Option<super::Deadline>) -> Self {
        self.deadline = deadline;
        self
    }

    /// Reads the whole body within what is left of the total timeout, up to the buffered-body
    /// limit: a declared `Content-Length` above it fails before anything is read, a longer body
    /// fails as soon as the limit is passed (the rest is never read).
    async fn collect(self) -> (ReadContext, Result<Bytes>) {
        let limit = self.max_buffered;
        let declared = self.content_length();
        // The headers move into the context (no copy of the request id unless an error needs
        // it).
        let context = ReadContext {
            status: self.status,
            headers: self.headers,
            operation: self.operation,
            attempts: self.attempts,
        };
        if let Some(length) = declared.filter(|&l| l > limit as u64) {
            let error = too_large(&context, limit, Some(length));
            return (context, Err(error));
        }
        let collect = self.body.collect_bounded(limit);
        let result = match super::deadline::within_total(self.deadline, collect).await {
            Ok((bytes, false)) => Ok(bytes),
            Ok((_, true)) => Err(too_large(&context, limit, None)),
            Err(e) => Err(context.wrap(e)),
        };
        (context, result)
    }

    /// Records how many attempts it took to get this response (the executor does this).
    pub(super) fn with_attempts(mut self, attempts: u32) -> Self {
        self.attempts = attempts;
        self
    }

    /// Attempts it took to get this response, the successful one included.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// HTTP status.
    pub fn status(&self) -> http::StatusCode {
        self.status
    }

    /// Response headers.
    pub fn headers(&self) -> &http::HeaderMap {
        &self.headers
    }

    /// `X-Request-Id`, when the service sent one.
    pub fn request_id(&self) -> Option<&str> {
        request_id_of(&self.headers)
    }

    /// `Content-Length`, when the service sent one.
    pub fn content_length(&self) -> Option<u64> {
        header_str(&self.headers, &http::header::CONTENT_LENGTH).and_then(|v| v.parse().ok())
    }

    /// `Content-Type`, when the service sent one.
    pub fn content_type(&self) -> Option<&str> {
        header_str(&self.headers, &http::header::CONTENT_TYPE)
    }

    /// Reads the whole body, within what is left of the operation's total timeout and up to
    /// the buffered-body limit ([`Config::with_max_buffered_body_size`](crate::Config::with_max_buffered_body_size));
    /// a longer body is a decode error naming the limit. Use [`Response::into_body`] for
    /// bodies of any size.
    pub async fn bytes(self) -> Result<Bytes> {
        self.collect().await.1
    }

    /// Reads the body and decodes it as JSON.
    ///
    /// An empty body, or one of whitespace only, decodes as `{}`: outputs whose fields are all
    /// optional accept it (as the official SDKs do, which decode an empty 2xx body to an
    /// output with no fields set), and a `T` with required fields reports a decode error
    /// naming the missing field. A body that does not match `T` is a decode error carrying
    /// the status and request id.
    ///
    /// The body is read within what is left of the operation's total timeout and up to the
    /// buffered-body limit ([`Config::with_max_buffered_body_size`](crate::Config::with_max_buffered_body_size),
    /// 64 MiB by default); a longer body (or a `Content-Length` announcing one) is a decode
    /// error naming the limit, the operation, the status and the request id.
    pub async fn json<T: DeserializeOwned>(self) -> Result<T> {
        let (context, bytes) = self.collect().await;
        decode_json(&bytes?, &context)
    }

    /// Like [`Response::json`], for services that report some failures in a 2xx body (HSS
    /// answers HTTP 200 with a non-zero `error_code`): `body_error` looks at the decoded value
    /// and returns the error code and message when the body reports a failure, which then
    /// becomes a service error carrying this response's status, request id and body.
    pub async fn json_or_body_error<T: DeserializeOwned>(
        self,
        body_error: impl FnOnce(&T) -> Option<(String, String)>,
    ) -> Result<T> {
        let (context, bytes) = self.collect().await;
        let bytes = bytes?;
        let value: T = decode_json(&bytes, &context)?;
        match body_error(&value) {
            None => Ok(value),
            Some((code, message)) => {
                Err(context.wrap(Error::service(ServiceError::from_body_error(
                    context.status,
                    context.request_id().map(str::to_owned),
                    code,
                    message,
                    bytes,
                ))))
            }
        }
    }

    /// The body as a stream; nothing is buffered. The total timeout does not bound a streamed
    /// body (a large download may rightly take longer); the read timeout still does.
    pub fn into_body(self) -> ByteStream {
        self.body
    }

    /// Status, headers and body stream.
    pub fn into_parts(self) -> (http::StatusCode, http::HeaderMap, ByteStream) {
        (self.status, self.headers, self.body)
    }
}

/// Status, request id and operation of a response whose body is being read.
struct ReadContext {
    status: http::StatusCode,
    headers: http::HeaderMap,
    operation: (&'static str, &'static str),
    attempts: u32,
}

impl ReadContext {
    fn request_id(&self) -> Option<&str> {
        request_id_of(&self.headers)
    }

    fn wrap(&self, error: Error) -> Error {
        let (service, operation) = self.operation;
        error
            .with_response(self.status, self.request_id())
            .with_operation(service, operation)
            .with_attempts(self.attempts)
    }
}

/// The error of a body longer than the buffered-body limit; `declared` is its `Content-Length`
/// when that alone gave it away.
fn too_large(context: &ReadContext, limit: usize, declared: Option<u64>) -> Error {
    let size = match declared {
        Some(length) => format!("response body of {length} bytes exceeds"),
        None => "response body exceeds".to_owned(),
    };
    context.wrap(Error::decode(
        format!(
            "{size} the {limit}-byte limit for bodies read whole \
             (Config::with_max_buffered_body_size; stream it with Response::into_body)"
        ),
        context.status,
        context.request_id().map(str::to_owned),
    ))
}

/// Decodes a JSON body; an empty (or all-whitespace) body decodes as `{}`.
fn decode_json<T: DeserializeOwned>(bytes: &[u8], context: &ReadContext) -> Result<T> {
    let text: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        bytes
    };
    serde_json::from_slice(text).map_err(|e| {
        context.wrap(Error::decode(
            e.to_string(),
            context.status,
            context.request_id().map(str::to_owned),
        ))
    })
}

/// Named once: a `&str` name would be parsed again at every lookup.
const X_REQUEST_ID: http::HeaderName = http::HeaderName::from_static("x-request-id");

/// `X-Request-Id` of a response's `headers`, when the service sent one.
pub(super) fn request_id_of(headers: &http::HeaderMap) -> Option<&str> {
    header_str(headers, &X_REQUEST_ID)
}

fn header_str<'a>(headers: &'a http::HeaderMap, name: &http::HeaderName) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}
