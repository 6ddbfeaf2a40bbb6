//! UTC date-times as the gateway and the services use them, in whole seconds since the Unix
//! epoch: the state keeps timestamps as numbers, the formats come from the SDK core's
//! [`time`](huaweicloud_sdk_core::time) module.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use huaweicloud_sdk_core::time;

/// Seconds since the Unix epoch (negative before it).
pub(crate) fn unix_secs(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => i64::try_from(e.duration().as_secs()).map_or(i64::MIN, |s| -s),
    }
}

/// The point in time `secs` seconds after the Unix epoch (before it when negative).
fn from_unix_secs(secs: i64) -> SystemTime {
    let offset = Duration::from_secs(secs.unsigned_abs());
    let time = if secs >= 0 {
        UNIX_EPOCH.checked_add(offset)
    } else {
        UNIX_EPOCH.checked_sub(offset)
    };
    time.unwrap_or(UNIX_EPOCH)
}

/// `2026-01-02T03:04:05Z`.
pub(crate) fn format_rfc3339(secs: i64) -> String {
    time::format_rfc3339(from_unix_secs(secs))
}

/// `20260102T030405Z` (the `X-Sdk-Date` format).
pub(crate) fn format_sdk_date(secs: i64) -> String {
    time::format_sdk_date(from_unix_secs(secs))
}

/// Parses `YYYYMMDDTHHMMSSZ`.
pub(crate) fn parse_sdk_date(s: &str) -> Option<i64> {
    time::parse_sdk_date(s).map(unix_secs)
}

/// Parses RFC 3339 date-times such as `2026-01-02T03:04:05Z`, `2026-01-02T03:04:05.123+08:00`
/// (fractions are dropped).
pub(crate) fn parse_rfc3339(s: &str) -> Option<i64> {
    time::parse_rfc3339(s).map(unix_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_round_trip_through_both_formats() {
        let secs = 1_767_323_045;
        assert_eq!(format_sdk_date(secs), "20260102T030405Z");
        assert_eq!(format_rfc3339(secs), "2026-01-02T03:04:05Z");
        assert_eq!(parse_sdk_date("20260102T030405Z"), Some(secs));
        assert_eq!(parse_rfc3339("2026-01-02T11:04:05.123+08:00"), Some(secs));
        assert_eq!(unix_secs(from_unix_secs(-5)), -5);
    }
}
