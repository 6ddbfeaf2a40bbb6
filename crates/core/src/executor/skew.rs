//! Clock-skew correction: when the API gateway rejects a request because its `X-Sdk-Date` is
//! more than 15 minutes from the gateway's clock, the answer's `Date` header tells the gateway's
//! time. The executor keeps the difference as an offset added to the signing clock, re-signs
//! and sends the request once more.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime};

use crate::error::Error;

/// Error code of the gateway's IAM authentication failures.
const AUTH_FAILURE_CODE: &str = "APIGW.0301";
/// What the gateway's message says when `X-Sdk-Date` is out of its window.
const EXPIRED_MARKER: &str = "signature expired";

/// Offset, in milliseconds, added to the configured clock when signing. Shared by every clone of
/// a [`Config`](crate::Config) and every client built from them.
#[derive(Debug, Default)]
pub(crate) struct ClockOffset(AtomicI64);

impl ClockOffset {
    /// `time` moved by the offset.
    pub(crate) fn apply(&self, time: SystemTime) -> SystemTime {
        let offset = self.0.load(Ordering::Relaxed);
        let magnitude = Duration::from_millis(offset.unsigned_abs());
        let moved = if offset >= 0 {
            time.checked_add(magnitude)
        } else {
            time.checked_sub(magnitude)
        };
        moved.unwrap_or(time)
    }

    /// The offset in milliseconds (positive: the server is ahead of the local clock).
    pub(crate) fn millis(&self) -> i64 {
        self.0.load(Ordering::Relaxed)
    }

    /// Sets the offset so that `local` (the uncorrected clock) plus it reads `server`; returns
    /// the new offset in milliseconds.
    pub(crate) fn set_from(&self, local: SystemTime, server: SystemTime) -> i64 {
        let offset = match server.duration_since(local) {
            Ok(ahead) => i64::try_from(ahead.as_millis()).unwrap_or(i64::MAX),
            Err(behind) => i64::try_from(behind.duration().as_millis())
                .map(|ms| -ms)
                .unwrap_or(i64::MIN),
        };
        self.0.store(offset, Ordering::Relaxed);
        offset
    }
}

/// The server's time, when `error` is the gateway's "signature expired" answer and carries a
/// parseable `Date` header.
pub(crate) fn server_time_of_expired_signature(error: &Error) -> Option<SystemTime> {
    let service = error.service_error()?;
    if service.status() != http::StatusCode::UNAUTHORIZED
        || service.error_code() != AUTH_FAILURE_CODE
        || !contains_ignore_ascii_case(service.error_msg(), EXPIRED_MARKER)
    {
        return None;
    }
    httpdate::parse_http_date(service.date()?.trim()).ok()
}

fn contains_ignore_ascii_case(haystack: &str, needle: &str) -> bool {
    haystack
        .as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ServiceError;

    fn answer(status: u16, code: &str, msg: &str, date: Option<&str>) -> Error {
        let mut h = http::HeaderMap::new();
        if let Some(d) = date {
            h.insert("date", http::HeaderValue::from_str(d).unwrap());
        }
        let body = serde_json::json!({ "error_code": code, "error_msg": msg }).to_string();
        Error::service(ServiceError::from_response(
            http::StatusCode::from_u16(status).unwrap(),
            &h,
            body.as_bytes(),
        ))
    }

    #[test]
    fn detects_only_the_gateway_expired_answer_with_a_date() {
        let date = "Sun, 06 Nov 1994 08:49:37 GMT";
        let msg = "Incorrect IAM authentication information: Signature Expired, signature time: x";
        let at = server_time_of_expired_signature(&answer(401, "APIGW.0301", msg, Some(date)));
        assert_eq!(at, httpdate::parse_http_date(date).ok());
        for e in [
            answer(401, "APIGW.0301", msg, None),
            answer(401, "APIGW.0301", msg, Some("yesterday")),
            answer(401, "APIGW.0301", "verify aksk signature fail", Some(date)),
            answer(403, "APIGW.0301", msg, Some(date)),
            answer(401, "APIGW.0302", msg, Some(date)),
            Error::transport("refused", true),
        ] {
            assert_eq!(server_time_of_expired_signature(&e), None, "{e}");
        }
    }

    #[test]
    fn offset_moves_the_clock_both_ways() {
        let offset = ClockOffset::default();
        let local = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(offset.apply(local), local);
        let ahead = local + Duration::from_secs(1200);
        assert_eq!(offset.set_from(local, ahead), 1_200_000);
        assert_eq!(offset.apply(local), ahead);
        let behind = local - Duration::from_secs(90);
        assert_eq!(offset.set_from(local, behind), -90_000);
        assert_eq!(offset.apply(local), behind);
        assert_eq!(offset.millis(), -90_000);
    }
}
