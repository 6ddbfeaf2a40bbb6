//! The presigned upload URL: an OBS-style `PUT` streamed to disk.

use base64::Engine as _;
use bytes::Bytes;
use http::header::ETAG;
use http::{HeaderValue, Method, Response, StatusCode};
use hyper::body::Incoming;
use md5::{Digest as _, Md5};
use tempfile::TempPath;
use tokio::io::AsyncWriteExt as _;

use super::Shared;
use super::body::{Body, full};
use super::errors::obs_error;
use super::read::{BodyTimer, ReadError, next_data};
use super::request::{header, parse_query, query_value};
use crate::hex::hex;
use crate::signature::constant_time_eq;

/// `PUT <base>/upload/<file_id>?Expires=..&Signature=..`: the presigned upload, OBS-style.
pub(super) async fn upload(
    shared: &Shared,
    parts: &http::request::Parts,
    body: Incoming,
    file_id: &str,
    request_id: &str,
) -> Response<Body> {
    let denied = |msg: &str| {
        obs_error(
            StatusCode::FORBIDDEN,
            "SignatureDoesNotMatch",
            msg,
            request_id,
        )
    };
    if parts.method != Method::PUT {
        return obs_error(
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowed",
            "The upload URL accepts PUT only",
            request_id,
        );
    }
    let query = parse_query(parts.uri.query());
    let expires = query_value(&query, "Expires").and_then(|e| e.parse::<i64>().ok());
    let sent_signature = query_value(&query, "Signature").unwrap_or("");
    let Some(expires) = expires else {
        return denied("The upload URL has no valid Expires parameter");
    };
    let expected = shared.upload_signature(file_id, expires);
    if !constant_time_eq(expected.as_bytes(), sent_signature.as_bytes()) {
        return denied("The request signature does not match the upload URL");
    }
    if shared.now() > expires {
        return obs_error(
            StatusCode::FORBIDDEN,
            "AccessDenied",
            "Request has expired",
            request_id,
        );
    }
    let (md5_base64, size, content_type) = {
        let files = shared.files();
        match files.get(file_id) {
            Some(r) => (r.md5_base64.clone(), r.size, r.content_type),
            None => {
                return obs_error(
                    StatusCode::NOT_FOUND,
                    "NoSuchKey",
                    "The specified key does not exist",
                    request_id,
                );
            }
        }
    };
    match header(parts, "content-md5") {
        Some(sent) if sent.trim() == md5_base64 => {}
        Some(_) => {
            return denied("Content-MD5 differs from the file_md5 the upload URL was issued for");
        }
        None => return denied("Content-MD5 is required and must equal file_md5"),
    }
    match header(parts, "content-type") {
        Some(sent) if sent.trim().eq_ignore_ascii_case(content_type) => {}
        _ => {
            return denied(&format!(
                "Content-Type must be {content_type} for this file type"
            ));
        }
    }
    if let Some(length) = header(parts, "content-length").and_then(|l| l.parse::<u64>().ok()) {
        if length != size {
            return obs_error(
                StatusCode::BAD_REQUEST,
                "InvalidArgument",
                &format!("Content-Length {length} differs from the file_size {size} announced"),
                request_id,
            );
        }
    }

    let Some(reservation) = shared.stored_bytes.reserve(size) else {
        return obs_error(
            StatusCode::FORBIDDEN,
            "InsufficientStorage",
            &format!(
                "The endpoint's storage quota ({} bytes, Builder::max_stored_bytes, --max-stored-bytes) has no room for {size} more bytes",
                shared.limits.max_stored_bytes
            ),
            request_id,
        );
    };

    let failure = match store_upload(shared, body, size).await {
        Ok((temp, digest)) => {
            if base64::engine::general_purpose::STANDARD.encode(digest) != md5_base64 {
                (
                    StatusCode::BAD_REQUEST,
                    "BadDigest",
                    "The Content-MD5 you specified did not match what was received".to_owned(),
                )
            } else {
                // Each request writes its own temporary file and renames it into place: a
                // concurrent or failed PUT to the same URL never shows a partial file.
                match temp.persist(shared.file_path(file_id)) {
                    Ok(_) => {
                        let newly_stored = match shared.files().get_mut(file_id) {
                            Some(record) => !std::mem::replace(&mut record.uploaded, true),
                            None => false,
                        };
                        reservation.commit(newly_stored);
                        let mut response = Response::new(full(Bytes::new()));
                        if let Ok(etag) = HeaderValue::from_str(&format!("\"{}\"", hex(&digest))) {
                            response.headers_mut().insert(ETAG, etag);
                        }
                        return response;
                    }
                    Err(e) => (
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "InternalError",
                        format!("Cannot store the upload: {}", e.error),
                    ),
                }
            }
        }
        Err(UploadError::Incomplete(written)) => (
            StatusCode::BAD_REQUEST,
            "IncompleteBody",
            format!("Received {written} bytes, the file_size announced is {size}"),
        ),
        Err(UploadError::TooLarge) => (
            StatusCode::BAD_REQUEST,
            "EntityTooLarge",
            format!("The body is longer than the file_size {size} announced"),
        ),
        Err(UploadError::Io(e)) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalError",
            format!("Cannot store the upload: {e}"),
        ),
        Err(UploadError::Read(ReadError::TimedOut)) => (
            StatusCode::BAD_REQUEST,
            "RequestTimeout",
            format!(
                "Your socket connection to the server was not read from or written to within the timeout period ({} ms)",
                shared.limits.body_timeout.as_millis()
            ),
        ),
        Err(UploadError::Read(ReadError::TooSlow)) => (
            StatusCode::BAD_REQUEST,
            "RequestTimeout",
            format!(
                "The body was not received in full within the body deadline ({} ms)",
                shared.limits.body_deadline.as_millis()
            ),
        ),
        Err(UploadError::Read(ReadError::TooLarge)) => (
            StatusCode::BAD_REQUEST,
            "EntityTooLarge",
            format!("The body is longer than the file_size {size} announced"),
        ),
        Err(UploadError::Read(ReadError::Broken(e))) => (
            StatusCode::BAD_REQUEST,
            "IncompleteBody",
            format!("Reading the body failed: {e}"),
        ),
    };
    let (status, code, msg) = failure;
    obs_error(status, code, &msg, request_id)
}

enum UploadError {
    TooLarge,
    Incomplete(u64),
    Io(std::io::Error),
    Read(ReadError),
}

/// Streams `body` to a new temporary file next to the stored uploads, hashing it; never holds
/// more than one frame in memory. The file is removed when the returned path is dropped.
async fn store_upload(
    shared: &Shared,
    mut body: Incoming,
    size: u64,
) -> Result<(TempPath, [u8; 16]), UploadError> {
    let temp = tempfile::Builder::new()
        .prefix(".upload-")
        .tempfile_in(shared.files_dir())
        .map_err(UploadError::Io)?;
    let (file, path) = temp.into_parts();
    let mut writer =
        tokio::io::BufWriter::with_capacity(256 * 1024, tokio::fs::File::from_std(file));
    let mut md5 = Md5::new();
    let mut written: u64 = 0;
    let timer = BodyTimer::start(&shared.limits);
    while let Some(data) = next_data(&mut body, &timer)
        .await
        .map_err(UploadError::Read)?
    {
        written = written.saturating_add(u64::try_from(data.len()).unwrap_or(u64::MAX));
        if written > size {
            return Err(UploadError::TooLarge);
        }
        md5.update(&data);
        writer.write_all(&data).await.map_err(UploadError::Io)?;
    }
    if written != size {
        return Err(UploadError::Incomplete(written));
    }
    writer.flush().await.map_err(UploadError::Io)?;
    writer
        .into_inner()
        .sync_all()
        .await
        .map_err(UploadError::Io)?;
    Ok((path, md5.finalize().into()))
}
