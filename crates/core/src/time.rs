//! UTC date helpers: the `X-Sdk-Date` format and the expiry timestamps of temporary credentials.
//!
//! Written by hand (days-from-civil arithmetic) because the SDK needs only these two formats and a
//! full date-time crate would be the heaviest dependency of the core.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Civil date and time in UTC, broken into fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct UtcDateTime {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
}

impl UtcDateTime {
    /// Splits a point in time into UTC fields; times before 1970 clamp to the epoch.
    pub fn from_system_time(time: SystemTime) -> Self {
        let secs = time
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let days = (secs / 86_400) as i64;
        let rem = secs % 86_400;
        let (year, month, day) = civil_from_days(days);
        Self {
            year,
            month,
            day,
            hour: (rem / 3600) as u32,
            minute: (rem % 3600 / 60) as u32,
            second: (rem % 60) as u32,
        }
    }

    /// `YYYYMMDD`, the date part used in V11 derivation scopes.
    pub fn yyyymmdd(&self) -> String {
        format!("{:04}{:02}{:02}", self.year, self.month, self.day)
    }
}

/// Formats a time as `X-Sdk-Date` expects it: `YYYYMMDDTHHMMSSZ`.
pub(crate) fn format_sdk_date(time: SystemTime) -> String {
    let t = UtcDateTime::from_system_time(time);
    // Runs on every request: digits written directly, not through `format!`. Years past 9999
    // (not reachable from a real clock) take `format!`'s path so that nothing is cut.
    if !(0..=9999).contains(&t.year) {
        return format!(
            "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
            t.year, t.month, t.day, t.hour, t.minute, t.second
        );
    }
    let mut out = [0u8; 16];
    let mut put = |at: usize, value: u32, width: usize| {
        let mut v = value;
        for i in (at..at + width).rev() {
            out[i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    put(0, t.year as u32, 4);
    put(4, t.month, 2);
    put(6, t.day, 2);
    put(9, t.hour, 2);
    put(11, t.minute, 2);
    put(13, t.second, 2);
    out[8] = b'T';
    out[15] = b'Z';
    String::from_utf8_lossy(&out).into_owned()
}

/// Parses an `X-Sdk-Date` value (`YYYYMMDDTHHMMSSZ`).
pub(crate) fn parse_sdk_date(value: &str) -> Option<SystemTime> {
    let b = value.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<u32> {
        let s = value.get(range)?;
        if !s.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        s.parse().ok()
    };
    to_system_time(
        i64::from(num(0..4)?),
        num(4..6)?,
        num(6..8)?,
        num(9..11)?,
        num(11..13)?,
        num(13..15)?,
    )
}

/// Parses `YYYY-MM-DDTHH:MM:SS[.fraction]Z`, the expiry format of temporary credentials.
/// The fraction is accepted and ignored (expiry has second precision for our purposes).
pub(crate) fn parse_rfc3339_utc(value: &str) -> Option<SystemTime> {
    let value = value.trim();
    let rest = value
        .strip_suffix('Z')
        .or_else(|| value.strip_suffix('z'))?;
    let (main, _fraction) = match rest.split_once('.') {
        Some((m, f)) if !f.is_empty() && f.bytes().all(|c| c.is_ascii_digit()) => (m, Some(f)),
        Some(_) => return None,
        None => (rest, None),
    };
    let b = main.as_bytes();
    if b.len() != 19
        || b[4] != b'-'
        || b[7] != b'-'
        || !(b[10] == b'T' || b[10] == b't' || b[10] == b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<u32> {
        let s = main.get(range)?;
        if !s.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        s.parse().ok()
    };
    to_system_time(
        i64::from(num(0..4)?),
        num(5..7)?,
        num(8..10)?,
        num(11..13)?,
        num(14..16)?,
        num(17..19)?,
    )
}

fn to_system_time(
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
) -> Option<SystemTime> {
    if !(1..=12).contains(&month)
        || day == 0
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let days = days_from_civil(year, month, day);
    if days < 0 {
        return None;
    }
    let secs = days as u64 * 86_400 + u64::from(hour) * 3600 + u64::from(minute) * 60;
    UNIX_EPOCH.checked_add(Duration::from_secs(secs + u64::from(second)))
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        _ => 28,
    }
}

// Howard Hinnant's civil-from-days / days-from-civil algorithms.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_the_vector_signing_time() {
        let t = parse_rfc3339_utc("2026-01-02T03:04:05Z").unwrap();
        assert_eq!(format_sdk_date(t), "20260102T030405Z");
        assert_eq!(parse_sdk_date("20260102T030405Z"), Some(t));
    }

    #[test]
    fn round_trips_across_leap_days_and_centuries() {
        for s in [
            "2000-02-29T23:59:59Z",
            "1970-01-01T00:00:00Z",
            "2100-03-01T12:00:00Z",
        ] {
            let t = parse_rfc3339_utc(s).unwrap();
            let f = format_sdk_date(t);
            assert_eq!(parse_sdk_date(&f), Some(t), "{s}");
        }
    }

    #[test]
    fn accepts_fractions_and_rejects_garbage() {
        let a = parse_rfc3339_utc("2026-11-23T10:00:00.123456Z").unwrap();
        let b = parse_rfc3339_utc("2026-11-23T10:00:00Z").unwrap();
        assert_eq!(a, b);
        for bad in [
            "",
            "2026-13-01T00:00:00Z",
            "2026-02-30T00:00:00Z",
            "2026-01-01T00:00:00",
            "x026-01-01T00:00:00Z",
            "2026-01-01T00:00:00.Z",
        ] {
            assert_eq!(parse_rfc3339_utc(bad), None, "{bad}");
        }
        assert_eq!(parse_sdk_date("20260102T030405"), None);
        assert_eq!(parse_sdk_date("2026010xT030405Z"), None);
    }
}
