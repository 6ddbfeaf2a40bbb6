//! Workspace-level test helpers: loading the golden vectors kept in `tests/vectors/`.
//!
//! The vectors were recorded from the official Python SDK (see `tests/vectors/README.md`); they
//! are the authority on wire behaviour. Helpers here turn their JSON into the types the SDK uses.
//! [`conformance`] is the runner behind `cargo xtask conformance <dir>`: it replays any directory
//! of vectors in that format through the service crates' public API.

pub mod conformance;

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

/// Compiles the workspace README's Rust snippets, so they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

use serde_json::Value;

/// The directory holding `requests.json`, `responses.json` and `signer.json`.
pub fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("vectors")
}

/// Loads one vector file as a JSON array.
pub fn load(file: &str) -> Vec<Value> {
    let path = vectors_dir().join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    match serde_json::from_str(&text) {
        Ok(Value::Array(items)) => items,
        Ok(_) => panic!("{} is not a JSON array", path.display()),
        Err(e) => panic!("{} is not JSON: {e}", path.display()),
    }
}

/// The string at `pointer` (e.g. `/response/status`), or a panic naming the vector.
pub fn str_at<'a>(vector: &'a Value, pointer: &str) -> &'a str {
    vector
        .pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("{}: no string at {pointer}", name(vector)))
}

/// The vector's `name`.
pub fn name(vector: &Value) -> &str {
    vector
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("<unnamed>")
}

/// `[[name, value], ...]` as a header map (names case-insensitive, values as UTF-8 bytes).
pub fn header_map(pairs: &Value) -> http::HeaderMap {
    let mut map = http::HeaderMap::new();
    for pair in pairs.as_array().into_iter().flatten() {
        let (Some(name), Some(value)) = (
            pair.get(0).and_then(Value::as_str),
            pair.get(1).and_then(Value::as_str),
        ) else {
            panic!("header pair is not [name, value]: {pair}");
        };
        map.append(
            http::HeaderName::from_bytes(name.as_bytes()).expect("header name"),
            http::HeaderValue::from_bytes(value.as_bytes()).expect("header value"),
        );
    }
    map
}

/// `[[name, value], ...]` as pairs, names spelled and ordered as recorded.
pub fn header_pairs(pairs: &Value) -> Vec<(String, String)> {
    pairs
        .as_array()
        .into_iter()
        .flatten()
        .map(|pair| {
            match (
                pair.get(0).and_then(Value::as_str),
                pair.get(1).and_then(Value::as_str),
            ) {
                (Some(name), Some(value)) => (name.to_owned(), value.to_owned()),
                _ => panic!("header pair is not [name, value]: {pair}"),
            }
        })
        .collect()
}

/// The body of a recorded message: `body_utf8` or `body_base64` (absent or null: empty).
pub fn body(message: &Value) -> Vec<u8> {
    if let Some(text) = message.get("body_utf8").and_then(Value::as_str) {
        return text.as_bytes().to_vec();
    }
    if let Some(b64) = message.get("body_base64").and_then(Value::as_str) {
        return base64_decode(b64);
    }
    Vec::new()
}

/// The vector's `signing_time` (`YYYY-MM-DDTHH:MM:SSZ`, UTC) as a point in time.
pub fn signing_time(vector: &Value) -> SystemTime {
    parse_signing_time(str_at(vector, "/signing_time"))
        .unwrap_or_else(|e| panic!("{}: {e}", name(vector)))
}

/// Parses `YYYY-MM-DDTHH:MM:SSZ` (UTC, year 1970 or later).
pub fn parse_signing_time(text: &str) -> Result<SystemTime, String> {
    let fields: Vec<u64> = text
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .map(|p| p.parse().map_err(|_| format!("bad number in {text:?}")))
        .collect::<Result<_, _>>()?;
    let [year, month, day, hour, minute, second] = fields[..] else {
        return Err(format!("unexpected signing_time {text:?}"));
    };
    if year < 1970 || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return Err(format!("unexpected signing_time {text:?}"));
    }
    // Days from the civil date (Howard Hinnant's algorithm), valid for years after 1970.
    let (y, m) = if month <= 2 {
        (year - 1, month + 9)
    } else {
        (year, month - 3)
    };
    let era = y / 400;
    let year_of_era = y - era * 400;
    let day_of_year = (153 * m + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    let days = era * 146_097 + day_of_era - 719_468;
    Ok(SystemTime::UNIX_EPOCH
        + Duration::from_secs(days * 86_400 + hour * 3600 + minute * 60 + second))
}

/// Decodes standard base64 (with or without padding); panics on invalid input.
pub fn base64_decode(input: &str) -> Vec<u8> {
    try_base64_decode(input).unwrap_or_else(|e| panic!("{e}"))
}

/// Decodes standard or URL-safe base64 (with or without padding).
pub fn try_base64_decode(input: &str) -> Result<Vec<u8>, String> {
    fn value(c: u8) -> Result<u32, String> {
        Ok(match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return Err(format!("invalid base64 character {:?}", c as char)),
        })
    }
    let clean: Vec<u8> = input
        .bytes()
        .filter(|c| !c.is_ascii_whitespace() && *c != b'=')
        .collect();
    let mut out = Vec::with_capacity(clean.len() * 3 / 4);
    for chunk in clean.chunks(4) {
        if chunk.len() == 1 {
            return Err("truncated base64".to_owned());
        }
        let mut acc = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            acc |= value(*c)? << (18 - 6 * i);
        }
        let bytes = acc.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signing_time_is_utc() {
        let v = serde_json::json!({"name": "t", "signing_time": "2026-01-02T03:04:05Z"});
        let secs = signing_time(&v)
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        assert_eq!(secs, 1_767_323_045);
    }

    #[test]
    fn base64_round_trips_known_values() {
        assert_eq!(base64_decode("aGVsbG8="), b"hello");
        assert_eq!(base64_decode("aGVsbG8"), b"hello");
        assert_eq!(base64_decode("AAECAw=="), [0, 1, 2, 3]);
        assert_eq!(base64_decode(""), b"");
    }
}
