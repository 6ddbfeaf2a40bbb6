//! API gateway checks: AK/SK signature, `X-Sdk-Date`, payload hash, security token and project.
//!
//! The checks run in two steps so that a body the signature does not cover is never read before
//! the signature is checked: [`check_headers`] needs only the headers; [`Pending::verify`]
//! needs the body only when no payload hash header was sent (then the signature covers the
//! body's own hash).

// Handlers return the error response itself as `Err`: a test server, where the size of a
// `Response` on the rejection path does not matter.
#![allow(clippy::result_large_err)]

use std::collections::HashMap;

use bytes::Bytes;
use http::{Response, StatusCode};
use http_body_util::BodyExt as _;

use super::Shared;
use super::body::Body;
use super::errors::{apigw_401, service_error};
use super::request::header;
use crate::MAX_CLOCK_SKEW_SECS;
use crate::datetime::{format_sdk_date, parse_sdk_date};
use crate::secret::Secret;
use crate::signature::{self, Authorization, UNSIGNED_PAYLOAD, constant_time_eq};

/// A request whose headers passed the gateway checks; its signature is checked by
/// [`Pending::verify`].
pub(super) struct Pending<'a> {
    parts: &'a http::request::Parts,
    request_id: &'a str,
    auth: Authorization<'a>,
    secret: Secret,
    sdk_date: &'a str,
    /// The signed headers as received, values checked to be UTF-8.
    headers: Vec<(&'a str, &'a str)>,
    /// The value of the algorithm's payload hash header (`X-Sdk-Content-Sha256` or
    /// `X-Sdk-Content-Sm3`), trimmed, when sent.
    declared: Option<&'a str>,
}

/// Checks everything the headers alone decide: `Authorization`, the AK, `X-Sdk-Date` (present,
/// signed, within the clock skew), signed header values UTF-8. `Host` need not be signed.
pub(super) fn check_headers<'a>(
    secret_of: impl FnOnce(&str) -> Option<Secret>,
    now: i64,
    parts: &'a http::request::Parts,
    request_id: &'a str,
) -> Result<Pending<'a>, Response<Body>> {
    let fail = |detail: &dyn std::fmt::Display| apigw_401(request_id, detail);
    let Some(authorization) = header(parts, "authorization") else {
        return Err(fail(&"Authorization header not found"));
    };
    let Some(auth) = signature::parse_authorization(authorization) else {
        return Err(fail(
            &"unsupported authorization, expected <ALGORITHM> Access=.., SignedHeaders=.., Signature=.. \
              with ALGORITHM one of SDK-HMAC-SHA256, SDK-HMAC-SM3, SDK-ECDSA-P256-SHA256, SDK-SM2-SM3 \
              (or V11-HMAC-SHA256 Credential=AK/YYYYMMDD/region/service, ..)",
        ));
    };
    let Some(secret) = secret_of(auth.access) else {
        return Err(fail(&format_args!(
            "verify aksk signature fail, ak {} not found",
            auth.access
        )));
    };
    let sdk_date = header(parts, "x-sdk-date").unwrap_or("");
    let Some(signed_at) = parse_sdk_date(sdk_date) else {
        return Err(fail(
            &"verify aksk signature fail, X-Sdk-Date is missing or not in the form YYYYMMDDTHHMMSSZ",
        ));
    };
    if let Some(scope) = auth.scope {
        if sdk_date.get(..8) != scope.get(..8) {
            return Err(fail(&format_args!(
                "verify aksk signature fail, the credential scope {scope} is not of the day of X-Sdk-Date {sdk_date}"
            )));
        }
    }
    // `Host` may be left out, as the gateway allows: the Go SDK neither adds nor signs it.
    if !auth.signed_headers.iter().any(|h| h == "x-sdk-date") {
        return Err(fail(
            &"verify aksk signature fail, x-sdk-date is not a signed header",
        ));
    }
    if (now - signed_at).abs() > MAX_CLOCK_SKEW_SECS {
        return Err(fail(&format_args!(
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
            return Err(fail(&format_args!(
                "verify aksk signature fail, the value of signed header {name} is not UTF-8"
            )));
        };
        headers.push((name.as_str(), value));
    }
    let content_header = auth.algorithm.content_header();
    let declared = match parts.headers.get(content_header) {
        None => None,
        Some(value) => match value.to_str() {
            Ok(value) => Some(value.trim()),
            Err(_) => {
                return Err(fail(&format_args!(
                    "verify aksk signature fail, {content_header} is neither {UNSIGNED_PAYLOAD} nor a hex digest"
                )));
            }
        },
    };
    Ok(Pending {
        parts,
        request_id,
        auth,
        secret,
        sdk_date,
        headers,
        declared,
    })
}

impl Pending<'_> {
    /// True when the signature covers the body's own hash: no payload hash header was sent.
    pub(super) fn signs_body(&self) -> bool {
        self.declared.is_none()
    }

    /// Checks the signature, then the security token of a temporary AK. `body` is the body
    /// received when [`signs_body`](Self::signs_body), and is not used otherwise.
    pub(super) fn verify(&self, body: &[u8]) -> Result<(), Response<Body>> {
        let algorithm = self.auth.algorithm;
        let body_hash;
        let payload_hash = match self.declared {
            Some(declared) => declared,
            None => {
                body_hash = algorithm.hash_hex(body);
                body_hash.as_str()
            }
        };
        let signed: Vec<&str> = self
            .auth
            .signed_headers
            .iter()
            .map(String::as_str)
            .collect();
        let path_and_query = self
            .parts
            .uri
            .path_and_query()
            .map_or("/", http::uri::PathAndQuery::as_str);
        let canonical = signature::canonical_request(
            self.parts.method.as_str(),
            path_and_query,
            &self.headers,
            &signed,
            payload_hash,
        );
        let string_to_sign =
            algorithm.string_to_sign_scoped(self.sdk_date, self.auth.scope, &canonical);
        if !signature::verify_authorization(&self.auth, &self.secret.sk, &string_to_sign) {
            return Err(apigw_401(
                self.request_id,
                format_args!("verify aksk signature fail, canonicalRequest: {canonical}"),
            ));
        }
        if let Some(token) = &self.secret.token {
            match header(self.parts, "x-security-token") {
                None => {
                    return Err(apigw_401(
                        self.request_id,
                        "X-Security-Token not found, the ak is a temporary access key",
                    ));
                }
                Some(sent) if !constant_time_eq(sent.as_bytes(), token.as_bytes()) => {
                    return Err(apigw_401(self.request_id, "verify security token fail"));
                }
                Some(_) => {}
            }
        }
        Ok(())
    }

    /// Checks that a declared payload hash other than `UNSIGNED-PAYLOAD` is the hash of the
    /// body received: the signature covered the declared value, not the bytes.
    pub(super) fn check_declared_hash(&self, body: &[u8]) -> Result<(), Response<Body>> {
        let Some(declared) = self.declared else {
            return Ok(());
        };
        if declared == UNSIGNED_PAYLOAD {
            return Ok(());
        }
        let algorithm = self.auth.algorithm;
        let actual = algorithm.hash_hex(body);
        if declared.eq_ignore_ascii_case(&actual) {
            return Ok(());
        }
        let hash = if algorithm.uses_sm3() {
            "SM3"
        } else {
            "SHA-256"
        };
        Err(apigw_401(
            self.request_id,
            format_args!(
                "verify aksk signature fail, {} {declared} is not the {hash} of the body received ({actual})",
                algorithm.content_header()
            ),
        ))
    }
}

/// Every gateway check of a request whose body is already read, for callers outside the
/// endpoint's own routes (the mock): headers, signature, security token and declared payload
/// hash. A rejection is the gateway's answer as a status and its JSON body.
pub(crate) async fn verify_request(
    secrets: &HashMap<String, Secret>,
    now: i64,
    parts: &http::request::Parts,
    body: &[u8],
) -> Result<(), (StatusCode, Bytes)> {
    let secret_of = |ak: &str| secrets.get(ak).cloned();
    let checked = check_headers(secret_of, now, parts, "").and_then(|pending| {
        pending.verify(body)?;
        pending.check_declared_hash(body)
    });
    let Err(rejection) = checked else {
        return Ok(());
    };
    let status = rejection.status();
    let bytes = match rejection.into_body().collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => Bytes::new(),
    };
    Err((status, bytes))
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
