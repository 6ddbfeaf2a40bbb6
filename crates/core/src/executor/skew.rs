//! Clock-skew correction: when the API gateway rejects a request because its `X-Sdk-Date` is
//! more than 15 minutes from the gateway's clock, the answer's `Date` header tells the gateway's
//! time. The executor keeps the difference as an offset added to the signing clock for that
//! endpoint, re-signs and sends the request once more.
//!
//! A server can put any time in `Date`, so what it can move is bounded: an offset beyond
//! [`MAX_CORRECTION`] is reported (a warning, and the service error is returned) and never
//! applied, and an offset is kept per endpoint of one executor, so one host's answer never
//! moves the clock used to sign for another host or another client.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime};

use crate::error::Error;

/// Error code of the gateway's IAM authentication failures.
const AUTH_FAILURE_CODE: &str = "APIGW.0301";
/// What the gateway's message says when `X-Sdk-Date` is out of its window.
const EXPIRED_MARKER: &str = "signature expired";

/// The largest correction applied, either way. The gateway rejects a signature only when its
/// time is more than 15 minutes off, so a useful correction is always above that; one hour
/// covers clocks that drifted or were set by hand, while a `Date` further off (a wrong or
/// hostile server) cannot make the client sign with a time far from the real one.
pub(crate) const MAX_CORRECTION: Duration = Duration::from_secs(60 * 60);

/// Offset, in milliseconds, added to the configured clock when signing for one endpoint.
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

    /// Sets the offset so that `local` (the uncorrected clock) plus it reads `server`, when
    /// that offset is within [`MAX_CORRECTION`]: `Ok` with the new offset in milliseconds, or
    /// `Err` with the refused one (the stored offset is left as it was).
    pub(crate) fn set_from(&self, local: SystemTime, server: SystemTime) -> Result<i64, i64> {
        let (magnitude, ahead) = match server.duration_since(local) {
            Ok(ahead) => (ahead, true),
            Err(behind) => (behind.duration(), false),
        };
        let millis = i64::try_from(magnitude.as_millis()).unwrap_or(i64::MAX);
        let offset = if ahead { millis } else { -millis };
        if magnitude > MAX_CORRECTION {
            return Err(offset);
        }
        self.0.store(offset, Ordering::Relaxed);
        Ok(offset)
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
        assert_eq!(offset.set_from(local, ahead), Ok(1_200_000));
        assert_eq!(offset.apply(local), ahead);
        let behind = local - Duration::from_secs(90);
        assert_eq!(offset.set_from(local, behind), Ok(-90_000));
        assert_eq!(offset.apply(local), behind);
        assert_eq!(offset.millis(), -90_000);
    }

    #[test]
    fn offsets_beyond_the_bound_are_refused_and_leave_the_offset_alone() {
        let offset = ClockOffset::default();
        let local = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let year_2100 = SystemTime::UNIX_EPOCH + Duration::from_secs(4_102_444_800);
        assert!(offset.set_from(local, year_2100).is_err());
        assert_eq!(offset.millis(), 0);
        let edge = local + MAX_CORRECTION;
        assert!(offset.set_from(local, edge).is_ok());
        let beyond = local - MAX_CORRECTION - Duration::from_secs(1);
        assert_eq!(offset.set_from(local, beyond), Err(-3_601_000));
        assert_eq!(offset.apply(local), edge);
    }
}
