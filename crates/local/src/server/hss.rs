//! HSS `RunImageSynchronize`: validates the request and reports success.

use http::{Response, StatusCode};
use serde_json::{Value, json};

use super::body::{Body, json_response};
use super::errors::service_error;
use super::request::{header, query_value};

fn hss_invalid(msg: impl std::fmt::Display) -> Response<Body> {
    service_error(
        StatusCode::BAD_REQUEST,
        "HSS.1001",
        format!("Invalid parameter: {msg}"),
    )
}

pub(super) fn run_image_synchronize(
    parts: &http::request::Parts,
    body: &[u8],
    query: &[(String, String)],
) -> Response<Body> {
    if let Some(ep) = query_value(query, "enterprise_project_id") {
        if ep.is_empty() || ep.chars().count() > 256 {
            return hss_invalid("enterprise_project_id must be 1 to 256 characters long");
        }
    }
    if header(parts, "region").is_some_and(|r| r.chars().count() > 128) {
        return hss_invalid("region must be at most 128 characters long");
    }
    let body: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => return hss_invalid(format_args!("request body is not valid JSON: {e}")),
    };
    match body.get("image_type").and_then(Value::as_str) {
        Some("private_image" | "shared_image") => json_response(
            StatusCode::OK,
            &json!({ "error_code": 0, "error_description": "success" }),
        ),
        Some(other) => hss_invalid(format_args!(
            "image_type {other:?} is not one of private_image, shared_image"
        )),
        None => hss_invalid("image_type is required"),
    }
}
