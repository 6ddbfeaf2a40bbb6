//! What the mock answers: a status and a JSON body, sent with a fresh `X-Request-Id`.

use http::StatusCode;
use huaweicloud_sdk_core::operation::OperationInfo;
use serde::Serialize;
use serde_json::{Value, json};

/// The status of the mock's own errors about its stubs (none for the request, none left, a
/// panicking closure): a 4xx, so the SDK sends the request once and the test sees the error
/// at once. Not 404, which code under test may read as "absent" and pass without its stub;
/// not 5xx or 429, which the SDK retries.
pub(super) const STUB_ERROR: StatusCode = StatusCode::BAD_REQUEST;

/// A stubbed or generated answer.
#[derive(Debug, Clone)]
pub(super) struct Answer {
    pub(super) status: StatusCode,
    pub(super) body: Value,
}

impl Answer {
    /// A success with `body` as its JSON.
    pub(super) fn json(status: StatusCode, body: Value) -> Self {
        Self { status, body }
    }

    /// A stubbed output, serialized as the service would send it (200, JSON body); a 500
    /// naming the operation when it does not serialize.
    pub(super) fn output<T: Serialize>(info: &OperationInfo, output: &T) -> Self {
        match serde_json::to_value(output) {
            Ok(body) => Self::json(StatusCode::OK, body),
            Err(e) => Self::error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "MOCK.0500",
                &format!(
                    "the stubbed output of {} {} does not serialize: {e}",
                    info.service, info.name
                ),
            ),
        }
    }

    /// An error in the services' shape, `{"error_code": .., "error_msg": ..}`.
    pub(super) fn error(status: StatusCode, code: &str, msg: &str) -> Self {
        Self {
            status,
            body: json!({ "error_code": code, "error_msg": msg }),
        }
    }

    /// The answer as an HTTP response tagged with `request_id`.
    pub(super) fn into_response(
        self,
        request_id: &str,
    ) -> http::Response<http_body_util::Full<bytes::Bytes>> {
        let mut body = self.body;
        // The gateway's own errors carry the request id in the body too.
        if let Some(map) = body.as_object_mut() {
            if map.get("error_code").and_then(Value::as_str) == Some("APIGW.0301") {
                map.insert("request_id".into(), Value::String(request_id.to_owned()));
            }
        }
        let mut response = http::Response::new(http_body_util::Full::new(bytes::Bytes::from(
            body.to_string(),
        )));
        *response.status_mut() = self.status;
        let headers = response.headers_mut();
        headers.insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/json"),
        );
        if let Ok(value) = http::HeaderValue::from_str(request_id) {
            headers.insert("x-request-id", value);
        }
        response
    }
}
