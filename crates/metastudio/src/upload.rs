//! Upload a local file as an asset file: MD5, `CreateFile`, then the presigned `PUT`.
//!
//! [`UploadFile`] does the three steps the API reference prescribes for one file:
//!
//! 1. computes the file's `Content-MD5` (RFC 1864: the base64 of its 128-bit MD5 digest) by
//!    streaming it from disk, never reading it whole into memory;
//! 2. calls [`CreateFile`](crate::v1::Client::create_file) with the name, MD5, size and type,
//!    which answers a file id and a presigned `upload_url`;
//! 3. `PUT`s the file, streamed from disk, to `upload_url` with `Content-MD5` and the
//!    `Content-Type` of its file type (see [`content_type_for`]). That request is **not**
//!    AK/SK-signed (the URL carries its own signature) but goes through the client's configured
//!    HTTP transport, so proxies, extra root certificates and a custom transport apply to it too.
//!
//! Memory stays bounded whatever the file's size: the file is read in 64 KiB chunks, a few at a
//! time (a 1 GiB upload peaks around 16 MiB RSS, test harness included).
//!
//! ```no_run
//! # async fn example() -> huaweicloud_sdk_core::Result<()> {
//! use huaweicloud_sdk_core::Config;
//! use huaweicloud_sdk_metastudio::upload::UploadFile;
//! use huaweicloud_sdk_metastudio::v1::Client;
//! use huaweicloud_sdk_metastudio::v1::models::AssetFileCategory;
//!
//! let client = Client::new(&Config::from_env()?.with_region("cn-north-4"))?;
//! let uploaded = UploadFile::new(&client, "cover.png")
//!     .asset_id("8cb2f48a2cb006154794741933421100")
//!     .asset_file_category(AssetFileCategory::Cover)
//!     .progress(|done, total| eprintln!("{done} of {total:?} bytes"))
//!     .send()
//!     .await?;
//! println!("file id {}", uploaded.file_id);
//! # Ok(()) }
//! ```
//!
//! # Timeouts and retries
//!
//! The `PUT` goes through the client's executor like an operation (not AK/SK-signed: the URL
//! carries its signature): the configured transport, tracing spans, attempt and total timeouts
//! and retry policy apply. The file is read anew for each attempt, so a `PUT` answered with a
//! throttling or 5xx status, timed out or cut off is retried as any idempotent operation is;
//! the progress callback's counts still only grow. The read timeout
//! ([`Config::with_read_timeout`](huaweicloud_sdk_core::Config::with_read_timeout), 60 s by
//! default) bounds silences only: while the file is being sent it keeps moving, so a large
//! upload on a slow link is not cut short by it. An attempt timeout, if set, bounds each whole
//! attempt (the upload included) until the response headers.
//!
//! # Errors
//!
//! Errors of the `PUT` name the operation `metastudio UploadFile`. A non-2xx answer is a service
//! error ([`Error::is_service`](huaweicloud_sdk_core::Error::is_service)) with the HTTP status,
//! the request id (`x-obs-request-id`, else `x-request-id`) and OBS's `<Code>`/`<Message>` when
//! the body is an OBS XML error. A file that changes size while being uploaded is a transport
//! error, never a silently truncated upload.

use std::fmt;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};

use base64::Engine as _;
use bytes::Bytes;
use futures_util::Stream;
use huaweicloud_sdk_core::body::ProgressCallback;
use huaweicloud_sdk_core::error::{MAX_ERROR_BODY_BYTES, ServiceError};
use huaweicloud_sdk_core::executor::PresignedRequest;
use huaweicloud_sdk_core::{ByteStream, Error, OperationSpec, RequestBody, Result};
use md5::{Digest, Md5};

use crate::v1::Client;
use crate::v1::models::{AssetFileCategory, FilesCreateReq};

/// Service and operation named by errors of the upload `PUT`.
const OPERATION: (&str, &str) = ("metastudio", "UploadFile");

/// Largest file `CreateFile` accepts (5 GB); larger files use the multipart API.
pub const MAX_FILE_SIZE: u64 = 5_368_709_120;

/// Read size when hashing a file.
const HASH_BUFFER: usize = 256 * 1024;

/// The `Content-Type` the API reference prescribes for the upload of a file of type
/// `file_type` (case-insensitive, with or without a leading dot): `image/gif` for gif,
/// `image/jpeg` for jpeg and jpg, `image/png` for png, `video/mp4` for mp4, `audio/mp3` for mp3,
/// `audio/wav` for wav, and `application/octet-stream` for anything else.
///
/// ```
/// use huaweicloud_sdk_metastudio::upload::content_type_for;
///
/// assert_eq!(content_type_for("JPG"), "image/jpeg");
/// assert_eq!(content_type_for("glb"), "application/octet-stream");
/// ```
pub fn content_type_for(file_type: &str) -> &'static str {
    let t = file_type
        .trim()
        .trim_start_matches('.')
        .to_ascii_lowercase();
    match t.as_str() {
        "gif" => "image/gif",
        "jpeg" | "jpg" => "image/jpeg",
        "png" => "image/png",
        "mp4" => "video/mp4",
        "mp3" => "audio/mp3",
        "wav" => "audio/wav",
        _ => "application/octet-stream",
    }
}

/// The RFC 1864 `Content-MD5` of `bytes`: the base64 of their MD5 digest (24 characters).
///
/// ```
/// use huaweicloud_sdk_metastudio::upload::content_md5;
///
/// assert_eq!(content_md5(b""), "1B2M2Y8AsgTpgAmY7PhCfg==");
/// ```
pub fn content_md5(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(Md5::digest(bytes))
}

/// The RFC 1864 `Content-MD5` of the file at `path` and its length in bytes, read in chunks
/// (memory stays bounded whatever the file's size) on tokio's blocking pool.
///
/// # Errors
///
/// A construction error when the file cannot be opened or read.
pub async fn file_content_md5(path: impl AsRef<Path>) -> Result<(String, u64)> {
    let path = path.as_ref().to_path_buf();
    let shown = path.display().to_string();
    tokio::task::spawn_blocking(move || hash_file(&path))
        .await
        .map_err(|e| {
            Error::construction(format!("computing the MD5 of {shown} failed")).with_source(e)
        })?
}

fn hash_file(path: &Path) -> Result<(String, u64)> {
    use std::io::Read;
    let cannot_read = |e: std::io::Error| {
        Error::construction(format!("cannot read {}", path.display())).with_source(e)
    };
    let mut file = std::fs::File::open(path).map_err(cannot_read)?;
    let mut hasher = Md5::new();
    let mut buf = vec![0u8; HASH_BUFFER];
    let mut len = 0u64;
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(cannot_read(e)),
        };
        let chunk = buf.get(..n).unwrap_or_default();
        hasher.update(chunk);
        len += n as u64;
    }
    let digest = hasher.finalize();
    Ok((
        base64::engine::general_purpose::STANDARD.encode(digest),
        len,
    ))
}

/// Uploads one local file as an asset file; see the [module documentation](self).
///
/// `asset_id` and `asset_file_category` are required. The file name defaults to the path's
/// last component and the file type to the name's extension.
#[must_use = "an upload does nothing until `send` is awaited"]
pub struct UploadFile {
    client: Client,
    path: PathBuf,
    file_name: Option<String>,
    file_type: Option<String>,
    asset_id: Option<String>,
    asset_file_category: Option<AssetFileCategory>,
    x_app_user_id: Option<String>,
    progress: Option<ProgressCallback>,
}

impl fmt::Debug for UploadFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UploadFile")
            .field("path", &self.path)
            .field("file_name", &self.file_name)
            .field("file_type", &self.file_type)
            .field("asset_id", &self.asset_id)
            .field("asset_file_category", &self.asset_file_category)
            .field("x_app_user_id", &self.x_app_user_id)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

impl UploadFile {
    /// An upload of the file at `path` through `client`.
    pub fn new(client: &Client, path: impl Into<PathBuf>) -> Self {
        Self {
            client: client.clone(),
            path: path.into(),
            file_name: None,
            file_type: None,
            asset_id: None,
            asset_file_category: None,
            x_app_user_id: None,
            progress: None,
        }
    }

    /// File name to register (default: the last component of the path).
    pub fn file_name(mut self, value: impl Into<String>) -> Self {
        self.file_name = Some(value.into());
        self
    }

    /// File type to register, e.g. `png` (default: the file name's extension, left to the
    /// service). It also picks the upload's `Content-Type` ([`content_type_for`]).
    pub fn file_type(mut self, value: impl Into<String>) -> Self {
        self.file_type = Some(value.into());
        self
    }

    /// ID of the asset the file belongs to. Required.
    pub fn asset_id(mut self, value: impl Into<String>) -> Self {
        self.asset_id = Some(value.into());
        self
    }

    /// Category of the file within its asset (an asset has exactly one `MAIN` file). Required.
    pub fn asset_file_category(mut self, value: impl Into<AssetFileCategory>) -> Self {
        self.asset_file_category = Some(value.into());
        self
    }

    /// Third-party user ID (`X-App-UserId` of `CreateFile`).
    pub fn x_app_user_id(mut self, value: impl Into<String>) -> Self {
        self.x_app_user_id = Some(value.into());
        self
    }

    /// Called as the file is sent with `(bytes handed to the transport, Some(file size))`. The
    /// counts only grow; the last call reports the whole size once the body has been sent.
    pub fn progress(mut self, callback: impl Fn(u64, Option<u64>) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(callback));
        self
    }

    /// Hashes the file, registers it with `CreateFile` and uploads it.
    ///
    /// # Errors
    ///
    /// A construction error, before any request, when a required field is missing, the path is
    /// not a readable regular file, its name is not UTF-8 (set [`file_name`](Self::file_name)),
    /// or its size is 0 or above [`MAX_FILE_SIZE`]. Errors of `CreateFile` as that operation
    /// reports them; errors of the upload as the [module documentation](self) says.
    pub async fn send(self) -> Result<UploadOutput> {
        let asset_id = self.asset_id.ok_or_else(|| missing("asset_id"))?;
        let category = self
            .asset_file_category
            .ok_or_else(|| missing("asset_file_category"))?;
        let file_name = match self.file_name {
            Some(name) => name,
            None => self
                .path
                .file_name()
                .and_then(|n| n.to_str())
                .map(str::to_owned)
                .ok_or_else(|| {
                    Error::construction(format!(
                        "{} has no UTF-8 file name: set UploadFile::file_name",
                        self.path.display()
                    ))
                    .with_operation(OPERATION.0, OPERATION.1)
                })?,
        };
        let type_for_content = self.file_type.clone().unwrap_or_else(|| {
            Path::new(&file_name)
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or_default()
                .to_owned()
        });
        let content_type = content_type_for(&type_for_content);

        // Opening the body first checks that the path is a regular file.
        let body = RequestBody::from_file(&self.path).await?;
        let listed = body.content_length().unwrap_or_default();
        if listed == 0 || listed > MAX_FILE_SIZE {
            return Err(Error::construction(format!(
                "{} is {listed} bytes; CreateFile accepts 1 to {MAX_FILE_SIZE} bytes",
                self.path.display()
            ))
            .with_operation(OPERATION.0, OPERATION.1));
        }
        let (file_md5, file_size) = file_content_md5(&self.path).await?;
        if file_size != listed {
            return Err(Error::construction(format!(
                "{} changed size while its MD5 was computed",
                self.path.display()
            ))
            .with_operation(OPERATION.0, OPERATION.1));
        }
        let size_i64 = i64::try_from(file_size)
            .map_err(|_| Error::construction("file size does not fit in i64"))?;

        let mut file = FilesCreateReq::new()
            .file_name(file_name.clone())
            .file_md5(file_md5.clone())
            .file_size(size_i64)
            .asset_id(asset_id)
            .asset_file_category(category);
        if let Some(t) = self.file_type {
            file = file.file_type(t);
        }
        let mut create = self.client.create_file().body(file);
        if let Some(u) = self.x_app_user_id {
            create = create.x_app_user_id(u);
        }
        let created = create.send().await?;
        let create_request_id = created.request_id.clone();
        let no_field = |field: &str| {
            Error::decode(
                format!("CreateFile answered no {field}"),
                http::StatusCode::OK,
                create_request_id.clone(),
            )
            .with_operation("metastudio", "CreateFile")
        };
        let file_id = created.file_id.ok_or_else(|| no_field("file_id"))?;
        let upload_url = created.upload_url.ok_or_else(|| no_field("upload_url"))?;

        // Each attempt reads the file anew, checked against the size its MD5 was computed for;
        // the progress callback sees the furthest any attempt got, so its counts only grow.
        let path = self.path.clone();
        let reported = Arc::new(AtomicU64::new(0));
        let progress = self.progress;
        let body = RequestBody::from_reopenable(Some(file_size), move || {
            let path = path.clone();
            let progress = progress.clone();
            let reported = Arc::clone(&reported);
            async move {
                let stream = ExactLength {
                    inner: RequestBody::from_file(&path).await?.into_stream().await?,
                    expected: file_size,
                    seen: 0,
                    done: false,
                };
                let mut stream = ByteStream::new(stream);
                if let Some(progress) = progress {
                    stream = stream.with_progress(Some(file_size), move |done, total| {
                        if reported.fetch_max(done, Ordering::Relaxed) > done {
                            return;
                        }
                        progress(done, total);
                    });
                }
                Ok(stream)
            }
        });
        let invalid_url = || {
            Error::decode(
                "CreateFile answered an invalid upload_url",
                http::StatusCode::OK,
                create_request_id.clone(),
            )
            .with_operation("metastudio", "CreateFile")
        };
        let header = |value: &str| http::HeaderValue::from_str(value).map_err(|_| invalid_url());
        // The URL carries a signature: `PresignedRequest` keeps it out of errors and logs.
        let request = PresignedRequest::new(http::Method::PUT, upload_url.as_str())
            .map_err(|_| invalid_url())?
            .header(http::header::CONTENT_TYPE, header(content_type)?)
            .header(
                http::HeaderName::from_static("content-md5"),
                header(&file_md5)?,
            )
            .body(body)
            .error_parser(obs_error);
        let spec = OperationSpec::new(OPERATION.0, OPERATION.1, http::Method::PUT);
        let response = self
            .client
            .executor()
            .send_presigned(&spec, request)
            .await?;
        let (_, headers, body) = response.into_parts();
        let upload_request_id = obs_request_id(&headers);
        // The answer of a successful PUT is empty; read a little of it to free the connection.
        let _ = body.collect_bounded(MAX_ERROR_BODY_BYTES).await;
        Ok(UploadOutput {
            file_id,
            file_md5,
            file_size,
            content_type,
            request_id: create_request_id,
            upload_request_id,
        })
    }
}

/// What [`UploadFile::send`] answers.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UploadOutput {
    /// The file's ID, as `CreateFile` answered it.
    pub file_id: String,
    /// The `Content-MD5` sent (base64 of the MD5 digest).
    pub file_md5: String,
    /// Bytes uploaded (the file's size).
    pub file_size: u64,
    /// The `Content-Type` sent with the upload.
    pub content_type: &'static str,
    /// `X-Request-Id` of `CreateFile`.
    pub request_id: Option<String>,
    /// Request id of the upload `PUT` (`x-obs-request-id`, else `x-request-id`), when sent.
    pub upload_request_id: Option<String>,
}

fn missing(field: &str) -> Error {
    Error::construction(format!("missing required field {field}"))
        .with_operation(OPERATION.0, OPERATION.1)
}

fn obs_request_id(headers: &http::HeaderMap) -> Option<String> {
    ["x-obs-request-id", "x-request-id", "x-amz-request-id"]
        .iter()
        .find_map(|name| headers.get(*name).and_then(|v| v.to_str().ok()))
        .map(str::to_owned)
}

/// The error of a non-2xx upload: OBS's XML `<Code>` and `<Message>` when present, else the
/// status and body as the core parses any error; the request id OBS's way.
fn obs_error(
    status: http::StatusCode,
    headers: &http::HeaderMap,
    body: Bytes,
    truncated: bool,
) -> ServiceError {
    let request_id = obs_request_id(headers);
    let text = String::from_utf8_lossy(&body);
    match xml_element(&text, "Code") {
        Some(code) => {
            let message = xml_element(&text, "Message").unwrap_or_default();
            ServiceError::from_body_error(status, request_id, code, message, body)
        }
        None => {
            let mut e = ServiceError::from_bounded(status, headers, body, truncated);
            if e.request_id().is_none() && request_id.is_some() {
                e = ServiceError::from_body_error(
                    status,
                    request_id,
                    e.error_code().to_owned(),
                    e.error_msg().to_owned(),
                    e.body().clone(),
                );
            }
            e
        }
    }
}

/// The text of the first `<name>...</name>` in `xml`, when present (no entity decoding beyond
/// the five predefined ones; enough for OBS error bodies).
fn xml_element(xml: &str, name: &str) -> Option<String> {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    let start = xml.find(&open)? + open.len();
    let rest = xml.get(start..)?;
    let end = rest.find(&close)?;
    let raw = rest.get(..end)?;
    Some(
        raw.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&"),
    )
}

/// Passes a body through, failing when it is longer or shorter than announced (the file
/// changed after its MD5 was computed), so a wrong upload is never reported as done.
struct ExactLength {
    inner: ByteStream,
    expected: u64,
    seen: u64,
    done: bool,
}

impl Stream for ExactLength {
    type Item = Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if this.done {
            return Poll::Ready(None);
        }
        match std::task::ready!(Pin::new(&mut this.inner).poll_next(cx)) {
            Some(Ok(chunk)) => {
                this.seen += chunk.len() as u64;
                if this.seen > this.expected {
                    this.done = true;
                    return Poll::Ready(Some(Err(changed(this.expected))));
                }
                Poll::Ready(Some(Ok(chunk)))
            }
            Some(Err(e)) => {
                this.done = true;
                Poll::Ready(Some(Err(e)))
            }
            None => {
                this.done = true;
                if this.seen == this.expected {
                    Poll::Ready(None)
                } else {
                    Poll::Ready(Some(Err(changed(this.expected))))
                }
            }
        }
    }
}

fn changed(expected: u64) -> Error {
    Error::transport(
        format!("the file changed size during the upload (expected {expected} bytes)"),
        false,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;

    #[test]
    fn content_types_follow_the_api_reference() {
        for (t, ct) in [
            ("gif", "image/gif"),
            ("jpeg", "image/jpeg"),
            ("jpg", "image/jpeg"),
            (".PNG", "image/png"),
            ("mp4", "video/mp4"),
            ("mp3", "audio/mp3"),
            ("wav", "audio/wav"),
            ("fbx", "application/octet-stream"),
            ("", "application/octet-stream"),
        ] {
            assert_eq!(content_type_for(t), ct, "{t}");
        }
    }

    #[test]
    fn md5_is_base64_of_the_digest() {
        // python3: base64.b64encode(hashlib.md5(b"...").digest())
        assert_eq!(
            content_md5(b"The quick brown fox jumps over the lazy dog"),
            "nhB9nTcrtoJr2B01QqQZ1g=="
        );
    }

    #[test]
    fn obs_xml_errors_are_parsed() {
        let xml = "<?xml version=\"1.0\"?><Error><Code>SignatureDoesNotMatch</Code>\
                   <Message>a &amp; b</Message><RequestId>r1</RequestId></Error>";
        assert_eq!(
            xml_element(xml, "Code").as_deref(),
            Some("SignatureDoesNotMatch")
        );
        assert_eq!(xml_element(xml, "Message").as_deref(), Some("a & b"));
        assert_eq!(xml_element(xml, "Missing"), None);
    }

    async fn run(parts: &[&'static [u8]], expected: u64) -> Result<Vec<u8>> {
        let chunks: Vec<Result<Bytes>> = parts.iter().map(|p| Ok(Bytes::from_static(p))).collect();
        let mut s = ExactLength {
            inner: ByteStream::new(futures_util::stream::iter(chunks)),
            expected,
            seen: 0,
            done: false,
        };
        let mut out = Vec::new();
        while let Some(c) = s.next().await {
            out.extend_from_slice(&c?);
        }
        Ok(out)
    }

    #[tokio::test]
    async fn exact_length_rejects_a_changed_file() {
        assert_eq!(run(&[b"ab", b"cd"], 4).await.unwrap(), b"abcd");
        assert!(run(&[b"ab", b"cd"], 3).await.unwrap_err().is_transport());
        assert!(run(&[b"ab"], 3).await.unwrap_err().is_transport());
    }
}
