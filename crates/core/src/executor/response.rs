//! A successful (2xx) response, with its body still unread.

use bytes::Bytes;
use serde::de::DeserializeOwned;

use crate::body::ByteStream;
use crate::error::{Error, Result, ServiceError};

/// A successful response. The body has not been read: decode it with [`Response::json`], take
/// it whole with [`Response::bytes`], or stream it with [`Response::into_body`].
#[derive(Debug)]
pub struct Response {
    status: http::StatusCode,
    headers: http::HeaderMap,
    body: ByteStream,
    operation: (&'static str, &'static str),
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
        }
    }

    /// What names this response in errors met while reading its body.
    fn context(&self) -> ReadContext {
        ReadContext {
            status: self.status,
            request_id: self.request_id().map(str::to_owned),
            operation: self.operation,
        }
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
        header_str(&self.headers, "x-request-id")
    }

    /// `Content-Length`, when the service sent one.
    pub fn content_length(&self) -> Option<u64> {
        header_str(&self.headers, "content-length").and_then(|v| v.parse().ok())
    }

    /// `Content-Type`, when the service sent one.
    pub fn content_type(&self) -> Option<&str> {
        header_str(&self.headers, "content-type")
    }

    /// Reads the whole body.
    pub async fn bytes(self) -> Result<Bytes> {
        let context = self.context();
        self.body.collect().await.map_err(|e| context.wrap(e))
    }

    /// Reads the body and decodes it as JSON. An empty body decodes as `{}`, so outputs whose
    /// fields are all optional accept it (as the official SDKs do). A body that does not match
    /// `T` is a decode error carrying the status and request id.
    pub async fn json<T: DeserializeOwned>(self) -> Result<T> {
        let context = self.context();
        let bytes = self.body.collect().await.map_err(|e| context.wrap(e))?;
        decode_json(&bytes, &context)
    }

    /// Like [`Response::json`], for services that report some failures in a 2xx body (HSS
    /// answers HTTP 200 with a non-zero `error_code`): `body_error` looks at the decoded value
    /// and returns the error code and message when the body reports a failure, which then
    /// becomes a service error carrying this response's status, request id and body.
    pub async fn json_or_body_error<T: DeserializeOwned>(
        self,
        body_error: impl FnOnce(&T) -> Option<(String, String)>,
    ) -> Result<T> {
        let context = self.context();
        let bytes = self.body.collect().await.map_err(|e| context.wrap(e))?;
        let value: T = decode_json(&bytes, &context)?;
        match body_error(&value) {
            None => Ok(value),
            Some((code, message)) => {
                Err(context.wrap(Error::service(ServiceError::from_body_error(
                    context.status,
                    context.request_id.clone(),
                    code,
                    message,
                    bytes,
                ))))
            }
        }
    }

    /// The body as a stream; nothing is buffered.
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
    request_id: Option<String>,
    operation: (&'static str, &'static str),
}

impl ReadContext {
    fn wrap(&self, error: Error) -> Error {
        let (service, operation) = self.operation;
        error
            .with_response(self.status, self.request_id.as_deref())
            .with_operation(service, operation)
    }
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
            context.request_id.clone(),
        ))
    })
}

fn header_str<'a>(headers: &'a http::HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}
