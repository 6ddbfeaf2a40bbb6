//! MetaStudio `CreateFile`: registers a file and hands out its presigned upload URL.

// Handlers return the error response itself as `Err`: a test server, where the size of a
// `Response` on the rejection path does not matter.
#![allow(clippy::result_large_err)]

use base64::Engine as _;
use http::{Response, StatusCode};
use serde_json::{Value, json};

use super::Shared;
use super::body::{Body, json_response};
use super::errors::{mss_invalid, service_error};
use super::state::FileRecord;
use crate::datetime::format_rfc3339;
use crate::hex::random_hex;

/// Validity of upload URLs (24 hours, like MetaStudio's).
const UPLOAD_URL_TTL_SECS: i64 = 24 * 3600;

/// The values MetaStudio accepts for `asset_file_category`.
const CATEGORIES: [&str; 7] = [
    "MAIN",
    "COVER",
    "PAGE",
    "SAMPLE",
    "OTHER",
    "TEMPORARY",
    "PACKAGE",
];

/// Error code of `CreateFile` once the endpoint's file quota is used up (this crate's choice,
/// in MetaStudio's format).
const QUOTA_EXCEEDED: &str = "MSS.00000020";

/// Largest file `CreateFile` accepts (5 GB).
const MAX_FILE_SIZE: i64 = 5_368_709_120;

/// `Content-Type` the upload must carry for a file type (MetaStudio's table).
fn upload_content_type(file_type: &str) -> &'static str {
    match file_type.to_ascii_lowercase().as_str() {
        "gif" => "image/gif",
        "jpeg" | "jpg" => "image/jpeg",
        "png" => "image/png",
        "mp4" => "video/mp4",
        "mp3" => "audio/mp3",
        "wav" => "audio/wav",
        _ => "application/octet-stream",
    }
}

/// String field `name` of a JSON body, `min` to `max` characters long.
fn string_field<'a>(
    body: &'a Value,
    name: &str,
    min: usize,
    max: usize,
) -> Result<&'a str, Response<Body>> {
    match body.get(name) {
        None | Some(Value::Null) => Err(mss_invalid(format_args!("{name} is required"))),
        Some(Value::String(s)) if (min..=max).contains(&s.chars().count()) => Ok(s),
        Some(Value::String(_)) => Err(mss_invalid(format_args!(
            "{name} must be {min} to {max} characters long"
        ))),
        Some(_) => Err(mss_invalid(format_args!("{name} must be a string"))),
    }
}

pub(super) fn create_file(shared: &Shared, body: &[u8]) -> Response<Body> {
    match create_file_inner(shared, body) {
        Ok(value) => json_response(StatusCode::OK, &value),
        Err(response) => response,
    }
}

fn create_file_inner(shared: &Shared, body: &[u8]) -> Result<Value, Response<Body>> {
    let body: Value = serde_json::from_slice(body)
        .map_err(|e| mss_invalid(format_args!("request body is not valid JSON: {e}")))?;
    if !body.is_object() {
        return Err(mss_invalid("request body must be a JSON object"));
    }
    let file_name = string_field(&body, "file_name", 1, 256)?;
    let file_md5 = string_field(&body, "file_md5", 24, 24)?;
    match base64::engine::general_purpose::STANDARD.decode(file_md5) {
        Ok(digest) if digest.len() == 16 => {}
        _ => {
            return Err(mss_invalid(
                "file_md5 must be the base64 of a 128-bit MD5 digest (RFC 1864)",
            ));
        }
    }
    let size = match body.get("file_size") {
        None | Some(Value::Null) => return Err(mss_invalid("file_size is required")),
        Some(v) => match v.as_i64() {
            Some(n) if (1..=MAX_FILE_SIZE).contains(&n) => n,
            _ => {
                return Err(mss_invalid(format_args!(
                    "file_size must be an integer from 1 to {MAX_FILE_SIZE}"
                )));
            }
        },
    };
    let file_type = match body.get("file_type") {
        None | Some(Value::Null) => {
            let ext = file_name.rsplit_once('.').map_or("", |(_, ext)| ext);
            if ext.is_empty() {
                return Err(mss_invalid(
                    "file_type is required when file_name has no extension",
                ));
            }
            ext.to_ascii_lowercase()
        }
        Some(_) => string_field(&body, "file_type", 1, 64)?.to_ascii_lowercase(),
    };
    string_field(&body, "asset_id", 1, 64)?;
    let category = string_field(&body, "asset_file_category", 1, 128)?;
    if !CATEGORIES.contains(&category) {
        return Err(mss_invalid(format_args!(
            "asset_file_category {category:?} is not one of {}",
            CATEGORIES.join(", ")
        )));
    }

    let file_id = random_hex(16);
    let now = shared.now();
    let expires = now.saturating_add(UPLOAD_URL_TTL_SECS);
    let signature = shared.upload_signature(&file_id, expires);
    let upload_url = format!(
        "{}/upload/{file_id}?Expires={expires}&Signature={signature}",
        shared.base_url
    );
    let month = format_rfc3339(now)
        .get(0..7)
        .map_or_else(|| "000000".to_owned(), |ym| ym.replace('-', ""));
    let mut files = shared.files();
    let max_files = shared.limits.max_files;
    if files.len() >= max_files {
        return Err(service_error(
            StatusCode::FORBIDDEN,
            QUOTA_EXCEEDED,
            format!(
                "Quota exceeded: this endpoint registers at most {max_files} files (Builder::max_files, --max-files)"
            ),
        ));
    }
    files.insert(
        file_id.clone(),
        FileRecord {
            md5_base64: file_md5.to_owned(),
            size: u64::try_from(size).unwrap_or(0),
            content_type: upload_content_type(&file_type),
            file_type,
            month,
            uploaded: false,
        },
    );
    Ok(json!({ "file_id": file_id, "upload_url": upload_url }))
}
