//! Fixtures shared by the core's integration tests.

#![allow(dead_code, unused_imports)] // each test binary uses its own subset

pub mod properties;
pub mod recording;
pub mod sdk;
pub mod temp_file;

use httpmock::prelude::*;
use huaweicloud_sdk_core::config::endpoint::ServiceEndpoints;
#[cfg(feature = "verify")]
use huaweicloud_sdk_core::signer::{Payload, SignableRequest, verify_hmac};

pub use recording::{Recording, answer};
pub use sdk::{AK, PROJECT, SK, config, credentials};
pub use temp_file::TempFile;

pub static TEST_SERVICE: ServiceEndpoints = ServiceEndpoints {
    service: "testsvc",
    regions: &[],
    host_pattern: "https://testsvc.{region}.myhuaweicloud.com",
};

/// Checks a received request's signature the way the API gateway does (the core's `verify`
/// feature, which the workspace build and the test binaries that call this require).
#[cfg(feature = "verify")]
pub fn signature_is_valid(req: &HttpMockRequest) -> bool {
    let headers: Vec<(String, String)> = req
        .headers_vec()
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let Some(auth) = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("authorization"))
        .map(|(_, v)| v.clone())
    else {
        return false;
    };
    let uri = req.uri();
    let query: Vec<(String, String)> = req.query_params();
    let body = req.body().to_vec();
    let host = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("host"))
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let signable = SignableRequest {
        method: req.method_str(),
        host: &host,
        path: uri.path(),
        query: &query,
        headers: &headers,
        payload: Payload::Bytes(&body),
    };
    verify_hmac(&signable, SK, &auth).unwrap_or(false)
}

pub fn header(req: &HttpMockRequest, name: &str) -> Option<String> {
    req.headers_vec()
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.clone())
}
