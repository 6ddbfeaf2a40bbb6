//! The two IAM calls of OIDC federation, so that an SDK configured with an identity provider id
//! and an id token file gets temporary credentials this endpoint's gateway then accepts:
//!
//! * `POST /v3.0/OS-AUTH/id-token/tokens` (header `X-Idp-Id`, body
//!   `{"auth":{"id_token":{"id":"<token>"}}}`): any non-empty id token of an accepted identity
//!   provider is taken; the answer is 201 with an unscoped token in `X-Subject-Token`;
//! * `POST /v3.0/OS-CREDENTIAL/securitytokens` (body
//!   `{"auth":{"identity":{"methods":["token"],"token":{"id","duration_seconds"}}}}`): 201 with
//!   `{"credential":{"access","secret","securitytoken","expires_at"}}`, valid for
//!   `duration_seconds` (default 900, at most 86400) by the endpoint's clock.
//!
//! Both are unsigned, as IAM's are. Errors use IAM's shape `{"error":{"code","message","title"}}`
//! with the request id in `X-IAM-Trace-Id`.

// Checks return the error response itself as `Err`: a test server, where the size of a
// `Response` on the rejection path does not matter.
#![allow(clippy::result_large_err)]

use http::{HeaderValue, Response, StatusCode};
use serde_json::{Value, json};

use super::Shared;
use super::body::{Body, json_response};
use super::request::header;
use crate::datetime::format_rfc3339;
use crate::hex::random_hex;
use crate::secret::Secret;

/// Lifetime of an unscoped token, as IAM's: 24 hours.
const UNSCOPED_LIFETIME_SECS: i64 = 24 * 3600;
/// Longest `X-Idp-Id` taken: IAM names identity providers with at most 64 characters, and the
/// value is echoed in answers.
const MAX_IDP_ID_LEN: usize = 64;
/// IAM's bounds and default of `duration_seconds`.
const MIN_DURATION_SECS: i64 = 900;
const MAX_DURATION_SECS: i64 = 86_400;

/// IAM's error shape, with the request id as `X-IAM-Trace-Id`.
fn iam_error(status: StatusCode, code: &str, message: &str, request_id: &str) -> Response<Body> {
    let title = status.canonical_reason().unwrap_or("Error");
    let mut response = json_response(
        status,
        &json!({"error": {"code": code, "message": message, "title": title}}),
    );
    if let Ok(value) = HeaderValue::from_str(request_id) {
        response.headers_mut().insert("x-iam-trace-id", value);
    }
    response
}

fn parse_json(
    parts: &http::request::Parts,
    body: &[u8],
    request_id: &str,
) -> Result<Value, Response<Body>> {
    let json_type = header(parts, "content-type").is_some_and(|t| {
        t.trim_start()
            .to_ascii_lowercase()
            .starts_with("application/json")
    });
    if !json_type {
        return Err(iam_error(
            StatusCode::BAD_REQUEST,
            "IAM.0011",
            "The Content-Type must be application/json;charset=UTF-8",
            request_id,
        ));
    }
    serde_json::from_slice(body).map_err(|_| {
        iam_error(
            StatusCode::BAD_REQUEST,
            "IAM.0011",
            "The request body is not valid JSON",
            request_id,
        )
    })
}

/// `POST /v3.0/OS-AUTH/id-token/tokens`.
pub(super) fn create_unscoped_token(
    shared: &Shared,
    parts: &http::request::Parts,
    body: &[u8],
    request_id: &str,
) -> Response<Body> {
    let Some(idp_id) = header(parts, "x-idp-id")
        .map(str::trim)
        .filter(|i| !i.is_empty())
    else {
        return iam_error(
            StatusCode::BAD_REQUEST,
            "IAM.0011",
            "The X-Idp-Id header is missing",
            request_id,
        );
    };
    if idp_id.len() > MAX_IDP_ID_LEN {
        return iam_error(
            StatusCode::BAD_REQUEST,
            "IAM.0011",
            &format!("The X-Idp-Id header is longer than {MAX_IDP_ID_LEN} bytes"),
            request_id,
        );
    }
    let request = match parse_json(parts, body, request_id) {
        Ok(request) => request,
        Err(response) => return response,
    };
    let id_token = request
        .pointer("/auth/id_token/id")
        .and_then(Value::as_str)
        .filter(|t| !t.trim().is_empty());
    if id_token.is_none() {
        return iam_error(
            StatusCode::BAD_REQUEST,
            "IAM.0011",
            "auth.id_token.id is missing",
            request_id,
        );
    }
    let federation = &shared.federation;
    if !federation.accepts(idp_id) {
        return iam_error(
            StatusCode::NOT_FOUND,
            "IAM.0004",
            &format!("The identity provider {idp_id} does not exist"),
            request_id,
        );
    }
    let now = shared.now();
    let expires = now.saturating_add(UNSCOPED_LIFETIME_SECS);
    let token = format!("MIIlocal{}", random_hex(48));
    federation.keep_unscoped(token.clone(), expires, now);
    let mut response = json_response(
        StatusCode::CREATED,
        &json!({"token": {
            "methods": ["mapped"],
            "issued_at": format_rfc3339(now),
            "expires_at": format_rfc3339(expires),
            "user": {"OS-FEDERATION": {"identity_provider": {"id": idp_id}}},
        }}),
    );
    if let Ok(value) = HeaderValue::from_str(&token) {
        response.headers_mut().insert("x-subject-token", value);
    }
    if let Ok(value) = HeaderValue::from_str(request_id) {
        response.headers_mut().insert("x-iam-trace-id", value);
    }
    response
}

/// `POST /v3.0/OS-CREDENTIAL/securitytokens`.
pub(super) fn create_security_token(
    shared: &Shared,
    parts: &http::request::Parts,
    body: &[u8],
    request_id: &str,
) -> Response<Body> {
    let request = match parse_json(parts, body, request_id) {
        Ok(request) => request,
        Err(response) => return response,
    };
    let by_token = request
        .pointer("/auth/identity/methods")
        .and_then(Value::as_array)
        .is_some_and(|methods| methods.iter().any(|m| m == "token"));
    let token = request
        .pointer("/auth/identity/token/id")
        .and_then(Value::as_str);
    let (true, Some(token)) = (by_token, token) else {
        return iam_error(
            StatusCode::BAD_REQUEST,
            "IAM.0011",
            "auth.identity.methods must hold \"token\" and auth.identity.token.id the token",
            request_id,
        );
    };
    let duration = match request.pointer("/auth/identity/token/duration_seconds") {
        None => MIN_DURATION_SECS,
        Some(value) => match value.as_i64() {
            Some(d) if (MIN_DURATION_SECS..=MAX_DURATION_SECS).contains(&d) => d,
            _ => {
                return iam_error(
                    StatusCode::BAD_REQUEST,
                    "IAM.0011",
                    "duration_seconds must be an integer from 900 to 86400",
                    request_id,
                );
            }
        },
    };
    let now = shared.now();
    let federation = &shared.federation;
    if !federation.unscoped_is_valid(token, now) {
        return iam_error(
            StatusCode::UNAUTHORIZED,
            "IAM.0301",
            "The token is invalid or has expired",
            request_id,
        );
    }
    let ak = format!("FEDLOCAL{}", random_hex(6).to_ascii_uppercase());
    let sk = random_hex(20);
    let security_token = format!("gQpjbi1ub3J0aC00local{}", random_hex(64));
    let expires = now.saturating_add(duration);
    let secret = Secret {
        sk: sk.clone(),
        token: Some(security_token.clone()),
    };
    federation.keep_issued(ak.clone(), secret, expires, now);
    let mut response = json_response(
        StatusCode::CREATED,
        &json!({"credential": {
            "access": ak,
            "secret": sk,
            "securitytoken": security_token,
            "expires_at": format_rfc3339(expires),
        }}),
    );
    if let Ok(value) = HeaderValue::from_str(request_id) {
        response.headers_mut().insert("x-iam-trace-id", value);
    }
    response
}
