//! Save a downloaded image to a file or any writer, in bounded memory, with progress.
//!
//! [`DownloadImageFile`](crate::v4::Client::download_image_file) answers the image as a stream
//! ([`DownloadImageFileOutput::body`]). [`write_to_file`] and [`write_to`] copy it chunk by
//! chunk (memory stays bounded whatever the image's size), report progress if asked, and check
//! that the whole body arrived:
//!
//! * a body shorter (or longer) than its `Content-Length`, or a connection closed mid-body, is
//!   an error, never a short file reported as success;
//! * [`write_to_file`] writes to a temporary file next to the destination
//!   (`.<name>.<random>.part`, same directory so the final rename is atomic on one file system),
//!   syncs it, and renames it over the destination only when the body is complete. On any
//!   error, or when the future is dropped, the temporary file is removed and an existing
//!   destination file is left untouched.
//!
//! ```no_run
//! # async fn example() -> huaweicloud_sdk_core::Result<()> {
//! use huaweicloud_sdk_core::Config;
//! use huaweicloud_sdk_projectman::download::{self, DownloadOptions};
//! use huaweicloud_sdk_projectman::v4::Client;
//!
//! let client = Client::new(&Config::from_env()?.with_region("cn-north-4"))?;
//! let image = client
//!     .download_image_file()
//!     .project_id("0123456789abcdef0123456789abcdef")
//!     .image_uri("/v1/upload/0123456789abcdef/202401/abcdef.png")
//!     .send()
//!     .await?;
//! let options = DownloadOptions::new().progress(|done, total| eprintln!("{done} of {total:?}"));
//! let written = download::write_to_file(image, "abcdef.png", &options).await?;
//! println!("{written} bytes");
//! # Ok(()) }
//! ```

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use huaweicloud_sdk_core::body::ProgressCallback;
use huaweicloud_sdk_core::{ByteStream, Error, Result};
use tokio::io::AsyncWrite;

use crate::v4::DownloadImageFileOutput;

/// Buffer between the body and a file: fewer, larger writes.
const FILE_BUFFER: usize = 256 * 1024;

/// Options of [`write_to`] and [`write_to_file`].
#[derive(Clone, Default)]
pub struct DownloadOptions {
    progress: Option<ProgressCallback>,
}

impl fmt::Debug for DownloadOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DownloadOptions")
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

impl DownloadOptions {
    /// No progress reports.
    pub fn new() -> Self {
        Self::default()
    }

    /// Called as the body arrives with `(bytes received, Content-Length when sent)`. The counts
    /// only grow; after a complete body the last call has `done` equal to the total (an empty
    /// body gets one call with `0`).
    pub fn progress(mut self, callback: impl Fn(u64, Option<u64>) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(callback));
        self
    }
}

/// Copies the image into `writer` (flushed at the end) and returns the bytes written.
///
/// # Errors
///
/// A transport error when the connection fails mid-body or the body's length differs from its
/// `Content-Length`; writing to `writer` failing is a transport error too. The bytes before the
/// failure may have been written: use [`write_to_file`] to never leave a partial file.
pub async fn write_to<W: AsyncWrite + Unpin>(
    output: DownloadImageFileOutput,
    writer: &mut W,
    options: &DownloadOptions,
) -> Result<u64> {
    copy(
        output.body,
        output.content_length,
        output.request_id.as_deref(),
        writer,
        options,
    )
    .await
}

/// Saves the image at `path` and returns the bytes written; see the
/// [module documentation](self) for how partial downloads are handled.
///
/// # Errors
///
/// The errors of [`write_to`], and a construction error when the temporary file cannot be
/// created next to `path`, or a transport error when it cannot be written, synced or renamed.
pub async fn write_to_file(
    output: DownloadImageFileOutput,
    path: impl AsRef<Path>,
    options: &DownloadOptions,
) -> Result<u64> {
    let path = path.as_ref();
    let temp = TempPath::new(path);
    let file = tokio::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temp.path)
        .await
        .map_err(|e| {
            Error::construction(format!("cannot create {}", temp.path.display())).with_source(e)
        })?;
    let mut writer = tokio::io::BufWriter::with_capacity(FILE_BUFFER, file);
    let written = copy(
        output.body,
        output.content_length,
        output.request_id.as_deref(),
        &mut writer,
        options,
    )
    .await?;
    let file = writer.into_inner();
    let io = |what: &str, e: std::io::Error| {
        Error::transport(format!("{what} {} failed", temp.path.display()), false).with_source(e)
    };
    file.sync_all().await.map_err(|e| io("syncing", e))?;
    drop(file);
    tokio::fs::rename(&temp.path, path)
        .await
        .map_err(|e| io("renaming", e))?;
    temp.keep();
    Ok(written)
}

async fn copy<W: AsyncWrite + Unpin>(
    body: ByteStream,
    content_length: Option<u64>,
    request_id: Option<&str>,
    writer: &mut W,
    options: &DownloadOptions,
) -> Result<u64> {
    let body = match &options.progress {
        Some(progress) => {
            let progress = progress.clone();
            body.with_progress(content_length, move |d, t| progress(d, t))
        }
        None => body,
    };
    let with_id = |message: String| match request_id {
        Some(id) => format!("{message} (request id {id})"),
        None => message,
    };
    let written = body
        .write_to(writer)
        .await
        .map_err(|e| e.with_operation("projectman", "DownloadImageFile"))?;
    if let Some(expected) = content_length {
        if written != expected {
            return Err(Error::transport(
                with_id(format!(
                    "the image body has {written} bytes but Content-Length says {expected}"
                )),
                false,
            )
            .with_operation("projectman", "DownloadImageFile"));
        }
    }
    Ok(written)
}

/// A temporary file next to the destination, removed on drop unless kept.
struct TempPath {
    path: PathBuf,
    keep: bool,
}

impl TempPath {
    fn new(dest: &Path) -> Self {
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "download".to_owned());
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let unique = format!(
            "{:x}{:x}{:x}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or_default()
        );
        let file = format!(".{name}.{unique}.part");
        let path = match dest.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.join(file),
            _ => PathBuf::from(file),
        };
        Self { path, keep: false }
    }

    fn keep(mut self) {
        self.keep = true;
    }
}

impl Drop for TempPath {
    fn drop(&mut self) {
        if !self.keep {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    fn stream(parts: &[&'static [u8]]) -> ByteStream {
        let chunks: Vec<Result<Bytes>> = parts.iter().map(|p| Ok(Bytes::from_static(p))).collect();
        ByteStream::new(futures_util::stream::iter(chunks))
    }

    #[tokio::test]
    async fn a_length_mismatch_is_an_error() {
        let mut out = Vec::new();
        let n = copy(
            stream(&[b"ab", b"cd"]),
            Some(4),
            None,
            &mut out,
            &DownloadOptions::new(),
        )
        .await
        .unwrap();
        assert_eq!((n, &out[..]), (4, &b"abcd"[..]));
        let err = copy(
            stream(&[b"ab"]),
            Some(4),
            Some("rid"),
            &mut Vec::new(),
            &DownloadOptions::new(),
        )
        .await
        .unwrap_err();
        assert!(err.is_transport(), "{err}");
        assert!(err.to_string().contains("rid"), "{err}");
        assert!(
            copy(
                stream(&[b"abcde"]),
                Some(4),
                None,
                &mut Vec::new(),
                &DownloadOptions::new()
            )
            .await
            .is_err()
        );
        // Without Content-Length (chunked), whatever arrives completely is the image.
        let n = copy(
            stream(&[b"abc"]),
            None,
            None,
            &mut Vec::new(),
            &DownloadOptions::new(),
        )
        .await
        .unwrap();
        assert_eq!(n, 3);
    }

    #[test]
    fn temp_names_sit_next_to_the_destination() {
        let t = TempPath::new(Path::new("/tmp/dir/image.png"));
        assert_eq!(t.path.parent(), Some(Path::new("/tmp/dir")));
        let name = t.path.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name.starts_with(".image.png.") && name.ends_with(".part"),
            "{name}"
        );
        let t = TempPath::new(Path::new("image.png"));
        assert_eq!(t.path.parent(), Some(Path::new("")));
    }
}
