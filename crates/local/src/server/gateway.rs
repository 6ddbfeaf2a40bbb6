//! API gateway checks: AK/SK signature, `X-Sdk-Date`, security token and project.

// Handlers return the error response itself as `Err`: a test server, where the size of a
// `Response` on the rejection path does not matter.
#![allow(clippy::result_large_err)]

use http::{Response, StatusCode};

use super::Shared;
use super::body::Body;
use super::errors::{apigw_401, service_error};
use super::request::header;
use crate::MAX_CLOCK_SKEW_SECS;
use crate::datetime::{format_sdk_date, parse_sdk_date};
use crate::signature::{self, constant_time_eq};

/// Verifies the AK/SK signature of a request as the API gateway does.
pub(super) fn authenticate(
    shared: &Shared,
    parts: &http::request::Parts,
    body: &[u8],
    request_id: &str,
) -> Result<(), Response<Body>> {
    let Some(authorization) = header(parts, "authorization") else {
        return Err(apigw_401(request_id, "Authorization header not found"));
    };
    let Some(auth) = signature::parse_authorization(authorization) else {
        return Err(apigw_401(
            request_id,
            "unsupported authorization, expected SDK-HMAC-SHA256 Access=.., SignedHeaders=.., Signature=..",
        ));
    };
    let Some(secret) = shared.secrets.get(auth.access) else {
        return Err(apigw_401(
            request_id,
            format_args!("verify aksk signature fail, ak {} not found", auth.access),
        ));
    };
    let sdk_date = header(parts, "x-sdk-date").unwrap_or("");
    let Some(signed_at) = parse_sdk_date(sdk_date) else {
        return Err(apigw_401(
            request_id,
            "verify aksk signature fail, X-Sdk-Date is missing or not in the form YYYYMMDDTHHMMSSZ",
        ));
    };
    if !auth.signed_headers.iter().any(|h| h == "x-sdk-date") {
        return Err(apigw_401(
            request_id,
            "verify aksk signature fail, x-sdk-date is not a signed header",
        ));
    }
    let now = shared.now();
    if (now - signed_at).abs() > MAX_CLOCK_SKEW_SECS {
        return Err(apigw_401(
            request_id,
            format_args!(
                "signature expired, signature time: {sdk_date}, server time: {}",
                format_sdk_date(now)
            ),
        ));
    }
    let headers: Vec<(&str, &str)> = parts
        .headers
        .iter()
        .map(|(name, value)| {
            (
                name.as_str(),
                std::str::from_utf8(value.as_bytes()).unwrap_or(""),
            )
        })
        .collect();
    let signed: Vec<&str> = auth.signed_headers.iter().map(String::as_str).collect();
    let payload_hash = match header(parts, "x-sdk-content-sha256") {
        Some(value) => value.trim().to_owned(),
        None => signature::payload_sha256(body),
    };
    let path_and_query = parts
        .uri
        .path_and_query()
        .map_or("/", http::uri::PathAndQuery::as_str);
    let canonical = signature::canonical_request(
        parts.method.as_str(),
        path_and_query,
        &headers,
        &signed,
        &payload_hash,
    );
    let string_to_sign = signature::string_to_sign(sdk_date, &canonical);
    if !signature::verify(&secret.sk, &string_to_sign, auth.signature) {
        return Err(apigw_401(
            request_id,
            format_args!("verify aksk signature fail, canonicalRequest: {canonical}"),
        ));
    }
    if let Some(token) = &secret.token {
        match header(parts, "x-security-token") {
            None => {
                return Err(apigw_401(
                    request_id,
                    "X-Security-Token not found, the ak is a temporary access key",
                ));
            }
            Some(sent) if !constant_time_eq(sent.as_bytes(), token.as_bytes()) => {
                return Err(apigw_401(request_id, "verify security token fail"));
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// Checks `X-Project-Id` against the endpoint's project and the project in the path.
pub(super) fn check_project(
    shared: &Shared,
    parts: &http::request::Parts,
    path_project: Option<&str>,
    request_id: &str,
) -> Result<(), Response<Body>> {
    let Some(project) = header(parts, "x-project-id").filter(|p| !p.is_empty()) else {
        return Err(apigw_401(
            request_id,
            "X-Project-Id header not found, the API is project scoped",
        ));
    };
    if project != shared.project_id {
        return Err(apigw_401(
            request_id,
            format_args!("project {project} not found for the ak"),
        ));
    }
    if let Some(path_project) = path_project {
        if path_project != project {
            return Err(service_error(
                StatusCode::FORBIDDEN,
                "APIGW.0302",
                format!(
                    "The IAM user is not authorized to access the API: project {path_project} in the URI differs from X-Project-Id {project}"
                ),
            ));
        }
    }
    Ok(())
}
