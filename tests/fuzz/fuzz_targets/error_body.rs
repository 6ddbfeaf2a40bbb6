//! Error-body parsing never panics on any status, headers and body bytes.
#![no_main]

use arbitrary::Arbitrary;
use bytes::Bytes;
use huaweicloud_sdk_core::{Error, ServiceError};
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Arbitrary)]
struct Input {
    status: u16,
    headers: Vec<(String, Vec<u8>)>,
    truncated: bool,
    body: Vec<u8>,
}

fuzz_target!(|input: Input| {
    let Ok(status) = http::StatusCode::from_u16(input.status) else {
        return;
    };
    let mut headers = http::HeaderMap::new();
    for (name, value) in &input.headers {
        if let (Ok(n), Ok(v)) = (
            http::HeaderName::from_bytes(name.as_bytes()),
            http::HeaderValue::from_bytes(value),
        ) {
            headers.append(n, v);
        }
    }
    let a = ServiceError::from_response(status, &headers, &input.body);
    let b = ServiceError::from_bounded(
        status,
        &headers,
        Bytes::copy_from_slice(&input.body),
        input.truncated,
    );
    let _ = (
        a.error_code(),
        a.error_msg(),
        a.is_throttling(),
        a.retry_after(),
    );
    let _ = (b.encoded_authorization_message(), b.request_id(), b.date());
    // Formatting (what logs show) must not panic either.
    let error = Error::service(a);
    let _ = format!("{error} {error:?}");
    let _ = format!("{b:?}");
});
