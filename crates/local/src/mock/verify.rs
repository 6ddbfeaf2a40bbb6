//! The gateway's signature checks, for the mock: AK, `X-Sdk-Date` (present, signed, fresh),
//! signature over the request as received, and the security token of a temporary AK.
//!
//! Built on [`crate::signature`], the module the local endpoint's gateway verifies with, and
//! answering with the gateway's 401 `APIGW.0301`.

use std::collections::HashMap;

use crate::MAX_CLOCK_SKEW_SECS;
use crate::datetime::{format_sdk_date, parse_sdk_date};
use crate::signature::{self, constant_time_eq};

use super::answer::Answer;

/// The secret half of an access key the mock accepts.
#[derive(Clone)]
pub(super) struct Secret {
    pub(super) sk: String,
    pub(super) token: Option<String>,
}

/// `Ok` when the request is signed with one of `secrets`; the gateway's 401 otherwise.
pub(super) fn verify(
    secrets: &HashMap<String, Secret>,
    now: i64,
    parts: &http::request::Parts,
    body: &[u8],
) -> Result<(), Answer> {
    let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
    let Some(authorization) = header("authorization") else {
        return Err(apigw_401("Authorization header not found"));
    };
    let Some(auth) = signature::parse_authorization(authorization) else {
        return Err(apigw_401(
            "unsupported authorization, expected SDK-HMAC-SHA256 Access=.., SignedHeaders=.., Signature=..",
        ));
    };
    let Some(secret) = secrets.get(auth.access) else {
        return Err(apigw_401(format_args!(
            "verify aksk signature fail, ak {} not found",
            auth.access
        )));
    };
    let sdk_date = header("x-sdk-date").unwrap_or("");
    let Some(signed_at) = parse_sdk_date(sdk_date) else {
        return Err(apigw_401(
            "verify aksk signature fail, X-Sdk-Date is missing or not in the form YYYYMMDDTHHMMSSZ",
        ));
    };
    if !auth.signed_headers.iter().any(|h| h == "x-sdk-date") {
        return Err(apigw_401(
            "verify aksk signature fail, x-sdk-date is not a signed header",
        ));
    }
    if (now - signed_at).abs() > MAX_CLOCK_SKEW_SECS {
        return Err(apigw_401(format_args!(
            "signature expired, signature time: {sdk_date}, server time: {}",
            format_sdk_date(now)
        )));
    }
    let mut headers = Vec::new();
    for (name, value) in &parts.headers {
        if !auth.signed_headers.iter().any(|h| h == name.as_str()) {
            continue;
        }
        // Canonicalising an undecodable value as empty would let it be swapped after signing.
        let Ok(value) = std::str::from_utf8(value.as_bytes()) else {
            return Err(apigw_401(format_args!(
                "verify aksk signature fail, the value of signed header {name} is not UTF-8"
            )));
        };
        headers.push((name.as_str(), value));
    }
    let signed: Vec<&str> = auth.signed_headers.iter().map(String::as_str).collect();
    let payload_hash = match header("x-sdk-content-sha256") {
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
        return Err(apigw_401(format_args!(
            "verify aksk signature fail, canonicalRequest: {canonical}"
        )));
    }
    if let Some(token) = &secret.token {
        match header("x-security-token") {
            None => {
                return Err(apigw_401(
                    "X-Security-Token not found, the ak is a temporary access key",
                ));
            }
            Some(sent) if !constant_time_eq(sent.as_bytes(), token.as_bytes()) => {
                return Err(apigw_401("verify security token fail"));
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// The gateway's IAM authentication failure, 401 `APIGW.0301`.
fn apigw_401(detail: impl std::fmt::Display) -> Answer {
    Answer::error(
        http::StatusCode::UNAUTHORIZED,
        "APIGW.0301",
        &format!("Incorrect IAM authentication information: {detail}"),
    )
}
