//! The presigned upload URL: an OBS-style `PUT` streamed to disk.

use std::path::Path;

use base64::Engine as _;
use bytes::Bytes;
use http::header::ETAG;
use http::{HeaderValue, Method, Response, StatusCode};
use http_body_util::BodyExt as _;
use hyper::body::Incoming;
use md5::{Digest as _, Md5};
use tokio::io::AsyncWriteExt as _;

use super::Shared;
use super::body::{Body, full};
use super::errors::obs_error;
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

    let final_path = shared.file_path(file_id);
    let part_path = final_path.with_extension("part");
    let outcome = store_upload(body, &part_path, size).await;
    let failure = match outcome {
        Ok((written, digest)) => {
            let received = base64::engine::general_purpose::STANDARD.encode(digest);
            if written != size {
                Some((
                    StatusCode::BAD_REQUEST,
                    "IncompleteBody",
                    format!("Received {written} bytes, the file_size announced is {size}"),
                ))
            } else if received != md5_base64 {
                Some((
                    StatusCode::BAD_REQUEST,
                    "BadDigest",
                    "The Content-MD5 you specified did not match what was received".to_owned(),
                ))
            } else {
                match tokio::fs::rename(&part_path, &final_path).await {
                    Ok(()) => {
                        if let Some(record) = shared.files().get_mut(file_id) {
                            record.uploaded = true;
                        }
                        let mut response = Response::new(full(Bytes::new()));
                        if let Ok(etag) = HeaderValue::from_str(&format!("\"{}\"", hex(&digest))) {
                            response.headers_mut().insert(ETAG, etag);
                        }
                        return response;
                    }
                    Err(e) => Some((
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "InternalError",
                        format!("Cannot store the upload: {e}"),
                    )),
                }
            }
        }
        Err(UploadError::TooLarge) => Some((
            StatusCode::BAD_REQUEST,
            "EntityTooLarge",
            format!("The body is longer than the file_size {size} announced"),
        )),
        Err(UploadError::Io(e)) => Some((
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalError",
            format!("Cannot store the upload: {e}"),
        )),
        Err(UploadError::Body(e)) => Some((
            StatusCode::BAD_REQUEST,
            "IncompleteBody",
            format!("Reading the body failed: {e}"),
        )),
    };
    let _ = tokio::fs::remove_file(&part_path).await;
    match failure {
        Some((status, code, msg)) => obs_error(status, code, &msg, request_id),
        None => obs_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalError",
            "upload failed",
            request_id,
        ),
    }
}

enum UploadError {
    TooLarge,
    Io(std::io::Error),
    Body(hyper::Error),
}

/// Streams `body` to `path`, hashing it; never holds more than one frame in memory.
async fn store_upload(
    mut body: Incoming,
    path: &Path,
    limit: u64,
) -> Result<(u64, [u8; 16]), UploadError> {
    let file = tokio::fs::File::create(path)
        .await
        .map_err(UploadError::Io)?;
    let mut writer = tokio::io::BufWriter::with_capacity(256 * 1024, file);
    let mut md5 = Md5::new();
    let mut written: u64 = 0;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(UploadError::Body)?;
        let Ok(data) = frame.into_data() else {
            continue;
        };
        written = written.saturating_add(u64::try_from(data.len()).unwrap_or(u64::MAX));
        if written > limit {
            return Err(UploadError::TooLarge);
        }
        md5.update(&data);
        writer.write_all(&data).await.map_err(UploadError::Io)?;
    }
    writer.flush().await.map_err(UploadError::Io)?;
    writer
        .into_inner()
        .sync_all()
        .await
        .map_err(UploadError::Io)?;
    Ok((written, md5.finalize().into()))
}
