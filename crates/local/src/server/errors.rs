//! Error responses in the shapes the gateway, the services and OBS use.

use http::header::CONTENT_TYPE;
use http::{HeaderValue, Response, StatusCode};
use serde_json::json;

use super::body::{Body, full, json_response};

/// `{"error_code": .., "error_msg": ..}`, the shape MetaStudio, ProjectMan, SWR and HSS use.
pub(super) fn service_error(
    status: StatusCode,
    code: &str,
    msg: impl Into<String>,
) -> Response<Body> {
    json_response(
        status,
        &json!({ "error_code": code, "error_msg": msg.into() }),
    )
}

/// API gateway IAM authentication failure: 401 `APIGW.0301`, with the request id in the body.
pub(super) fn apigw_401(request_id: &str, detail: impl std::fmt::Display) -> Response<Body> {
    json_response(
        StatusCode::UNAUTHORIZED,
        &json!({
            "error_msg": format!("Incorrect IAM authentication information: {detail}"),
            "error_code": "APIGW.0301",
            "request_id": request_id,
        }),
    )
}

/// API gateway: no API matches the method and path.
pub(super) fn apig_not_found() -> Response<Body> {
    service_error(
        StatusCode::NOT_FOUND,
        "APIG.0101",
        "The API does not exist or has not been published in the environment",
    )
}

/// OBS-style XML error for the upload URL.
pub(super) fn obs_error(
    status: StatusCode,
    code: &str,
    msg: &str,
    request_id: &str,
) -> Response<Body> {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{}</Code><Message>{}</Message>\
         <RequestId>{}</RequestId><HostId>127.0.0.1</HostId></Error>",
        xml_escape(code),
        xml_escape(msg),
        xml_escape(request_id)
    );
    let mut response = Response::new(full(body));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/xml"));
    response
}

/// MetaStudio's invalid-parameter error, 400 `MSS.00000003`.
pub(super) fn mss_invalid(msg: impl std::fmt::Display) -> Response<Body> {
    service_error(
        StatusCode::BAD_REQUEST,
        "MSS.00000003",
        format!("Invalid parameter: {msg}"),
    )
}

/// Escapes text for an XML element.
fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}
