//! ProjectMan `DownloadImageFile`: serves seeded images and completed uploads.

use futures_util::TryStreamExt as _;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use http::{HeaderValue, Response, StatusCode};
use http_body_util::{BodyExt as _, StreamBody};
use hyper::body::Frame;

use super::Shared;
use super::body::Body;
use super::errors::service_error;
use super::request::query_value;
use super::storage::image_key;

fn pm_error(status: StatusCode, code: &str, msg: impl Into<String>) -> Response<Body> {
    service_error(status, code, msg)
}

/// `/v1/upload/[a-z0-9]{1,32}/\d{6}/[a-zA-Z0-9]+\.[a-zA-Z]+`
fn valid_image_uri(uri: &str) -> bool {
    let Some(rest) = uri.strip_prefix("/v1/upload/") else {
        return false;
    };
    let parts: Vec<&str> = rest.split('/').collect();
    let [dir, month, name] = parts.as_slice() else {
        return false;
    };
    let Some((stem, ext)) = name.split_once('.') else {
        return false;
    };
    (1..=32).contains(&dir.len())
        && dir
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && month.len() == 6
        && month.bytes().all(|b| b.is_ascii_digit())
        && !stem.is_empty()
        && stem.bytes().all(|b| b.is_ascii_alphanumeric())
        && !ext.is_empty()
        && ext.bytes().all(|b| b.is_ascii_alphabetic())
}

pub(super) async fn download_image_file(
    shared: &Shared,
    codearts_project_id: &str,
    query: &[(String, String)],
) -> Response<Body> {
    if codearts_project_id.len() != 32
        || !codearts_project_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric())
    {
        return pm_error(
            StatusCode::BAD_REQUEST,
            "PM.02177400",
            "Invalid parameter: project_id must be 32 letters or digits",
        );
    }
    let Some(image_uri) = query_value(query, "image_uri") else {
        return pm_error(
            StatusCode::BAD_REQUEST,
            "PM.02177400",
            "Invalid parameter: image_uri is required",
        );
    };
    if !valid_image_uri(image_uri) {
        return pm_error(
            StatusCode::BAD_REQUEST,
            "PM.02177400",
            "Invalid parameter: image_uri must look like /v1/upload/<dir>/<yyyymm>/<name>.<ext>",
        );
    }
    let not_found = || {
        pm_error(
            StatusCode::NOT_FOUND,
            "PM.02177404",
            "The image file does not exist",
        )
    };
    let Some((stem, _)) = image_key(image_uri) else {
        return not_found();
    };
    let (path, content_type) = if let Some(image) = shared.images.get(stem) {
        (image.path.clone(), image.content_type)
    } else {
        let files = shared.files();
        match files.get(stem) {
            Some(record) if record.uploaded => (shared.file_path(stem), record.content_type),
            _ => return not_found(),
        }
    };
    let file = match tokio::fs::File::open(&path).await {
        Ok(file) => file,
        Err(_) => return not_found(),
    };
    let length = match file.metadata().await {
        Ok(meta) => meta.len(),
        Err(_) => return not_found(),
    };
    let stream = tokio_util::io::ReaderStream::with_capacity(file, 64 * 1024).map_ok(Frame::data);
    let mut response = Response::new(StreamBody::new(stream).boxed_unsync());
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(CONTENT_LENGTH, HeaderValue::from(length));
    response
}
