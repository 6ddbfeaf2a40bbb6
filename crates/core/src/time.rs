//! UTC date-times in the two forms Huawei Cloud uses: `X-Sdk-Date` (`20260102T030405Z`, the
//! signing time) and RFC 3339 (`2026-01-02T03:04:05Z`, expiry times and service timestamps).
//!
//! Written by hand (days-from-civil arithmetic) because the SDK needs only these two formats and a
//! full date-time crate would be the heaviest dependency of the core. Times before 1970 are
//! outside both uses: formatting clamps them to the epoch and parsing rejects them.

use std::cell::Cell;
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
        let days = i64::try_from(secs / 86_400).unwrap_or(i64::MAX);
        let rem = secs % 86_400;
        let (year, month, day) = civil_from_days(days);
        let field = |value: u64| u32::try_from(value).unwrap_or_default();
        Self {
            year,
            month,
            day,
            hour: field(rem / 3600),
            minute: field(rem % 3600 / 60),
            second: field(rem % 60),
        }
    }

    /// `YYYYMMDD`, the date part used in V11 derivation scopes.
    pub fn yyyymmdd(&self) -> String {
        format!("{:04}{:02}{:02}", self.year, self.month, self.day)
    }
}

/// The two ASCII digits of `value % 100`.
fn two_digits(value: u32) -> [u8; 2] {
    let digit = |v: u32| b'0' + u8::try_from(v % 10).unwrap_or_default();
    [digit(value / 10), digit(value)]
}

/// Formats a time as `X-Sdk-Date` expects it: `YYYYMMDDTHHMMSSZ` (UTC).
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use huaweicloud_sdk_core::time::format_sdk_date;
///
/// let t = UNIX_EPOCH + Duration::from_secs(1_767_323_045);
/// assert_eq!(format_sdk_date(t), "20260102T030405Z");
/// ```
pub fn format_sdk_date(time: SystemTime) -> String {
    // Runs on every request, and every request of the same second has the same date: the last
    // date formatted on this thread is kept with its second.
    thread_local! {
        static LAST: Cell<Option<(u64, [u8; 16])>> = const { Cell::new(None) };
    }
    let second = time.duration_since(UNIX_EPOCH).ok().map(|d| d.as_secs());
    let cached = second.and_then(|second| {
        LAST.try_with(Cell::get)
            .ok()
            .flatten()
            .filter(|(last, _)| *last == second)
    });
    if let Some(text) =
        cached.and_then(|(_, bytes)| std::str::from_utf8(&bytes).ok().map(str::to_owned))
    {
        return text;
    }
    let text = format_sdk_date_uncached(time);
    if let (Some(second), Ok(bytes)) = (second, <[u8; 16]>::try_from(text.as_bytes())) {
        // Outside a thread's lifetime there is nothing to keep it in.
        let _ = LAST.try_with(|last| last.set(Some((second, bytes))));
    }
    text
}

/// [`format_sdk_date`] without the cache.
fn format_sdk_date_uncached(time: SystemTime) -> String {
    let t = UtcDateTime::from_system_time(time);
    // Digits written directly, not through `format!`. Years past 9999 (not reachable from a
    // real clock) take `format!`'s path so that nothing is cut.
    let Some(year) = u32::try_from(t.year).ok().filter(|y| *y <= 9999) else {
        return format!(
            "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
            t.year, t.month, t.day, t.hour, t.minute, t.second
        );
    };
    let [y0, y1] = two_digits(year / 100);
    let [y2, y3] = two_digits(year);
    let [mo0, mo1] = two_digits(t.month);
    let [d0, d1] = two_digits(t.day);
    let [h0, h1] = two_digits(t.hour);
    let [mi0, mi1] = two_digits(t.minute);
    let [s0, s1] = two_digits(t.second);
    let out = [
        y0, y1, y2, y3, mo0, mo1, d0, d1, b'T', h0, h1, mi0, mi1, s0, s1, b'Z',
    ];
    // ASCII digits, `T` and `Z` only: always valid UTF-8.
    std::str::from_utf8(&out)
        .map(str::to_owned)
        .unwrap_or_default()
}

/// Formats a time as RFC 3339 in UTC with whole seconds: `YYYY-MM-DDTHH:MM:SSZ`.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use huaweicloud_sdk_core::time::format_rfc3339;
///
/// let t = UNIX_EPOCH + Duration::from_secs(1_767_323_045);
/// assert_eq!(format_rfc3339(t), "2026-01-02T03:04:05Z");
/// ```
pub fn format_rfc3339(time: SystemTime) -> String {
    let t = UtcDateTime::from_system_time(time);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year, t.month, t.day, t.hour, t.minute, t.second
    )
}

/// Parses an `X-Sdk-Date` value (`YYYYMMDDTHHMMSSZ`); `None` when malformed or not a real date.
pub fn parse_sdk_date(value: &str) -> Option<SystemTime> {
    let b = value.as_bytes();
    if b.len() != 16 || b.get(8) != Some(&b'T') || b.get(15) != Some(&b'Z') {
        return None;
    }
    let num = |range: std::ops::Range<usize>| number(value.get(range)?);
    to_system_time(
        i64::from(num(0..4)?),
        num(4..6)?,
        num(6..8)?,
        num(9..11)?,
        num(11..13)?,
        num(13..15)?,
    )
}

/// Parses an RFC 3339 date-time: `YYYY-MM-DDTHH:MM:SS`, an optional fraction (ignored: the
/// SDK works in seconds), then `Z` or an offset `±HH:MM`. `t` or a space may replace the `T`,
/// `z` the `Z`; surrounding whitespace is ignored. `None` when malformed, not a real date, or
/// before 1970.
///
/// ```
/// use huaweicloud_sdk_core::time::parse_rfc3339;
///
/// assert_eq!(
///     parse_rfc3339("2026-01-02T11:04:05.5+08:00"),
///     parse_rfc3339("2026-01-02T03:04:05Z"),
/// );
/// ```
pub fn parse_rfc3339(value: &str) -> Option<SystemTime> {
    let value = value.trim();
    let main = value.get(..19)?;
    let b = main.as_bytes();
    if b.get(4) != Some(&b'-')
        || b.get(7) != Some(&b'-')
        || !matches!(b.get(10), Some(b'T' | b't' | b' '))
        || b.get(13) != Some(&b':')
        || b.get(16) != Some(&b':')
    {
        return None;
    }
    let num = |range: std::ops::Range<usize>| number(main.get(range)?);
    let local = to_system_time(
        i64::from(num(0..4)?),
        num(5..7)?,
        num(8..10)?,
        num(11..13)?,
        num(14..16)?,
        num(17..19)?,
    )?;
    let mut rest = value.get(19..)?;
    if let Some(fraction) = rest.strip_prefix('.') {
        let end = fraction
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(fraction.len());
        if end == 0 {
            return None;
        }
        rest = fraction.get(end..)?;
    }
    if rest == "Z" || rest == "z" {
        return Some(local);
    }
    let (east, offset) = if let Some(offset) = rest.strip_prefix('+') {
        (true, offset)
    } else {
        (false, rest.strip_prefix('-')?)
    };
    if offset.len() != 5 || offset.as_bytes().get(2) != Some(&b':') {
        return None;
    }
    let (hours, minutes) = (number(offset.get(0..2)?)?, number(offset.get(3..5)?)?);
    if hours > 23 || minutes > 59 {
        return None;
    }
    let shift = Duration::from_secs(u64::from(hours * 3600 + minutes * 60));
    // The local time is ahead of UTC east of Greenwich.
    let utc = if east {
        local.checked_sub(shift)?
    } else {
        local.checked_add(shift)?
    };
    utc.duration_since(UNIX_EPOCH).ok().map(|_| utc)
}

/// The name the credentials code uses for expiry times.
pub(crate) use parse_rfc3339 as parse_rfc3339_utc;

/// A run of ASCII digits (no sign, not empty) as a number.
fn number(digits: &str) -> Option<u32> {
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
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
    let days = u64::try_from(days_from_civil(year, month, day)).ok()?;
    let secs = days
        .checked_mul(86_400)?
        .checked_add(u64::from(hour) * 3600 + u64::from(minute) * 60 + u64::from(second))?;
    UNIX_EPOCH.checked_add(Duration::from_secs(secs))
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
    let day = u32::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap_or(1);
    let month = u32::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).unwrap_or(1);
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kept_date_is_only_reused_within_its_second() {
        let t = parse_rfc3339("2026-01-02T03:04:05Z").unwrap();
        let cases = [
            (t, "20260102T030405Z"),
            (t + Duration::from_millis(999), "20260102T030405Z"),
            (t + Duration::from_secs(1), "20260102T030406Z"),
            (t, "20260102T030405Z"),
            // Times before the epoch are formatted as the epoch.
            (UNIX_EPOCH - Duration::from_secs(1), "19700101T000000Z"),
            (UNIX_EPOCH, "19700101T000000Z"),
            (
                UNIX_EPOCH + Duration::from_secs(253_402_300_800),
                "100000101T000000Z",
            ),
            (t, "20260102T030405Z"),
        ];
        for (time, expected) in cases {
            assert_eq!(format_sdk_date(time), expected);
            assert_eq!(format_sdk_date_uncached(time), expected);
        }
    }

    #[test]
    fn formats_the_vector_signing_time() {
        let t = parse_rfc3339("2026-01-02T03:04:05Z").unwrap();
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
            let t = parse_rfc3339(s).unwrap();
            let f = format_sdk_date(t);
            assert_eq!(parse_sdk_date(&f), Some(t), "{s}");
        }
    }

    #[test]
    fn accepts_fractions_and_rejects_garbage() {
        let a = parse_rfc3339("2026-11-23T10:00:00.123456Z").unwrap();
        let b = parse_rfc3339("2026-11-23T10:00:00Z").unwrap();
        assert_eq!(a, b);
        for bad in [
            "",
            "2026-13-01T00:00:00Z",
            "2026-02-30T00:00:00Z",
            "2026-01-01T00:00:00",
            "x026-01-01T00:00:00Z",
            "2026-01-01T00:00:00.Z",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
        assert_eq!(parse_sdk_date("20260102T030405"), None);
        assert_eq!(parse_sdk_date("20260102T030405Zé"), None);
        assert_eq!(parse_rfc3339("2026-01-02T03:04:05é"), None);
        assert_eq!(parse_rfc3339("2026-01-02T03:04:05+0800"), None);
        assert_eq!(parse_rfc3339("2026-01-02T03:04:05+24:00"), None);
        assert_eq!(
            parse_rfc3339("1970-01-01T00:00:00+01:00"),
            None,
            "before 1970"
        );
        assert_eq!(parse_sdk_date("2026010xT030405Z"), None);
    }

    #[test]
    fn offsets_and_rfc3339_formatting() {
        let utc = parse_rfc3339("2026-01-02T03:04:05Z").unwrap();
        assert_eq!(parse_rfc3339("2026-01-02T11:04:05+08:00"), Some(utc));
        assert_eq!(parse_rfc3339("2026-01-01T22:34:05.999-04:30"), Some(utc));
        assert_eq!(parse_rfc3339(" 2026-01-02 03:04:05z "), Some(utc));
        assert_eq!(format_rfc3339(utc), "2026-01-02T03:04:05Z");
        assert_eq!(format_rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00Z");
    }
}
