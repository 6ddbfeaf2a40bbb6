//! Request and response bodies.
//!
//! [`RequestBody`] is what an operation sends: nothing, bytes in memory, a file (streamed from
//! disk, reopened on retry) or a one-shot stream. [`ByteStream`] is what a download returns: the
//! response body as it arrives, never buffered unless you ask ([`ByteStream::collect`]).
//! [`Multipart`] builds a streamed `multipart/form-data` body from text fields and
//! [`FilePart`]s.

use std::fmt;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::{Stream, StreamExt, TryStreamExt};
use tokio::io::{AsyncWrite, AsyncWriteExt};

use crate::error::{BoxError, Error, Result};

mod multipart;

pub use multipart::{FilePart, Multipart};

/// A progress callback: `(bytes done, total bytes when known)`. Shared by the upload and download
/// helpers of the service crates; see [`ByteStream::with_progress`].
pub type ProgressCallback = Arc<dyn Fn(u64, Option<u64>) + Send + Sync>;

type DynStream = Pin<Box<dyn Stream<Item = std::result::Result<Bytes, BoxError>> + Send>>;

/// Opens a reopenable body's stream for one attempt.
type Opener = Arc<
    dyn Fn() -> Pin<Box<dyn std::future::Future<Output = Result<ByteStream>> + Send>> + Send + Sync,
>;

/// The body of a request.
pub struct RequestBody {
    kind: Kind,
}

enum Kind {
    Empty,
    Bytes(Bytes),
    File {
        path: PathBuf,
        len: u64,
    },
    // A stream can be sent once; the Mutex makes the body Sync so requests can be shared.
    Stream {
        stream: Mutex<Option<DynStream>>,
        len: Option<u64>,
    },
    // A stream opened anew for each attempt.
    Reopen {
        open: Opener,
        len: Option<u64>,
    },
    // A multipart body: shared by the attempts, each of which streams it anew.
    Parts {
        segments: Arc<[multipart::Segment]>,
        len: Option<u64>,
    },
}

impl RequestBody {
    /// No body.
    pub fn empty() -> Self {
        Self { kind: Kind::Empty }
    }

    /// A body held in memory. Cheap to clone and resend on retry; its SHA-256 is signed.
    pub fn from_bytes(bytes: impl Into<Bytes>) -> Self {
        Self {
            kind: Kind::Bytes(bytes.into()),
        }
    }

    /// A file, streamed from disk (never read whole into memory). Reopened on each retry.
    /// Sent with `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD`.
    pub async fn from_file(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        let meta = tokio::fs::metadata(&path).await.map_err(|e| {
            Error::construction(format!("cannot read {}", path.display())).with_source(e)
        })?;
        if !meta.is_file() {
            return Err(Error::construction(format!(
                "{} is not a regular file",
                path.display()
            )));
        }
        Ok(Self {
            kind: Kind::File {
                path,
                len: meta.len(),
            },
        })
    }

    /// A one-shot stream of chunks. It cannot be replayed, so a request with this body is never
    /// retried once sent. Give `len` when known so `Content-Length` is set.
    pub fn from_stream<S, E>(stream: S, len: Option<u64>) -> Self
    where
        S: Stream<Item = std::result::Result<Bytes, E>> + Send + 'static,
        E: Into<BoxError> + 'static,
    {
        let stream: DynStream = Box::pin(stream.map_err(Into::into));
        Self {
            kind: Kind::Stream {
                stream: Mutex::new(Some(stream)),
                len,
            },
        }
    }

    /// A stream that `open` makes anew for each attempt (a file read with checks or progress
    /// reporting around it, say), so that, like a file, the request can be retried. Sent with
    /// `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD`. Give `len` when known so `Content-Length` is
    /// set; every stream `open` makes must then have that length.
    pub fn from_reopenable<F, Fut>(len: Option<u64>, open: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = Result<ByteStream>> + Send + 'static,
    {
        let open: Opener = Arc::new(move || Box::pin(open()));
        Self {
            kind: Kind::Reopen { open, len },
        }
    }

    /// Length in bytes, when known.
    pub fn content_length(&self) -> Option<u64> {
        match &self.kind {
            Kind::Empty => Some(0),
            Kind::Bytes(b) => Some(b.len() as u64),
            Kind::File { len, .. } => Some(*len),
            Kind::Stream { len, .. } | Kind::Reopen { len, .. } | Kind::Parts { len, .. } => *len,
        }
    }

    /// The bytes, when the body is held in memory (or empty). These are what gets signed.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match &self.kind {
            Kind::Empty => Some(&[]),
            Kind::Bytes(b) => Some(b),
            _ => None,
        }
    }

    /// The bytes as a cheap [`Bytes`] handle, when the body is held in memory (or empty).
    pub fn to_bytes(&self) -> Option<Bytes> {
        match &self.kind {
            Kind::Empty => Some(Bytes::new()),
            Kind::Bytes(b) => Some(b.clone()),
            _ => None,
        }
    }

    /// True when the body can be sent again on retry.
    pub fn is_replayable(&self) -> bool {
        match &self.kind {
            Kind::Stream { .. } => false,
            Kind::Parts { segments, .. } => multipart::is_replayable(segments),
            _ => true,
        }
    }

    /// A copy for one attempt. Memory, file and multipart bodies copy cheaply; a stream (or a
    /// multipart body's streamed part) is handed over the first time and yields a construction
    /// error after that.
    pub fn try_clone_for_attempt(&self) -> Result<RequestBody> {
        Ok(match &self.kind {
            Kind::Empty => Self::empty(),
            Kind::Bytes(b) => Self::from_bytes(b.clone()),
            Kind::File { path, len } => Self {
                kind: Kind::File {
                    path: path.clone(),
                    len: *len,
                },
            },
            Kind::Stream { stream, len } => {
                let taken = stream.lock().ok().and_then(|mut s| s.take());
                match taken {
                    Some(s) => Self {
                        kind: Kind::Stream {
                            stream: Mutex::new(Some(s)),
                            len: *len,
                        },
                    },
                    None => {
                        return Err(Error::construction(
                            "a streamed request body can be sent only once",
                        ));
                    }
                }
            }
            Kind::Reopen { open, len } => Self {
                kind: Kind::Reopen {
                    open: Arc::clone(open),
                    len: *len,
                },
            },
            Kind::Parts { segments, len } => {
                multipart::check_sendable(segments)?;
                Self {
                    kind: Kind::Parts {
                        segments: segments.clone(),
                        len: *len,
                    },
                }
            }
        })
    }

    /// Turns the body into a stream of chunks for a transport. Files are opened here.
    pub async fn into_stream(self) -> Result<ByteStream> {
        match self.kind {
            Kind::Empty => Ok(ByteStream::from_bytes(Bytes::new())),
            Kind::Bytes(b) => Ok(ByteStream::from_bytes(b)),
            Kind::File { path, .. } => {
                let file = tokio::fs::File::open(&path).await.map_err(|e| {
                    Error::construction(format!("cannot open {}", path.display())).with_source(e)
                })?;
                let stream = tokio_util::io::ReaderStream::with_capacity(file, 64 * 1024);
                Ok(ByteStream::new(stream.map_err(|e| {
                    Error::transport("reading the request body file failed", false).with_source(e)
                })))
            }
            Kind::Stream { stream, .. } => {
                let s = stream.into_inner().ok().flatten().ok_or_else(|| {
                    Error::construction("a streamed request body can be sent only once")
                })?;
                Ok(ByteStream::new(s.map_err(|e| {
                    Error::transport("the request body stream failed", false).with_source(e)
                })))
            }
            Kind::Reopen { open, .. } => open().await,
            Kind::Parts { segments, .. } => multipart::into_stream(&segments).await,
        }
    }
}

impl Default for RequestBody {
    fn default() -> Self {
        Self::empty()
    }
}

impl From<Bytes> for RequestBody {
    fn from(b: Bytes) -> Self {
        Self::from_bytes(b)
    }
}

impl From<Vec<u8>> for RequestBody {
    fn from(b: Vec<u8>) -> Self {
        Self::from_bytes(b)
    }
}

impl From<String> for RequestBody {
    fn from(s: String) -> Self {
        Self::from_bytes(s)
    }
}

impl fmt::Debug for RequestBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Bodies are never printed: they may hold user data.
        match &self.kind {
            Kind::Empty => f.write_str("RequestBody::Empty"),
            Kind::Bytes(b) => write!(f, "RequestBody::Bytes({} bytes)", b.len()),
            Kind::File { path, len } => {
                write!(f, "RequestBody::File({}, {len} bytes)", path.display())
            }
            Kind::Stream { len, .. } => write!(f, "RequestBody::Stream({len:?} bytes)"),
            Kind::Reopen { len, .. } => write!(f, "RequestBody::Reopenable({len:?} bytes)"),
            Kind::Parts { segments, len } => write!(
                f,
                "RequestBody::Multipart({} segments, {len:?} bytes)",
                segments.len()
            ),
        }
    }
}

/// A stream of body chunks, as it arrives.
///
/// Implements [`Stream`]. Collect it with [`ByteStream::collect`], copy it into any
/// [`AsyncWrite`] with [`ByteStream::write_to`] (bounded memory), or read it as
/// [`tokio::io::AsyncRead`] with [`ByteStream::into_async_read`].
pub struct ByteStream {
    inner: Pin<Box<dyn Stream<Item = Result<Bytes>> + Send>>,
}

impl ByteStream {
    /// Wraps a stream of chunks.
    pub fn new(stream: impl Stream<Item = Result<Bytes>> + Send + 'static) -> Self {
        Self {
            inner: Box::pin(stream),
        }
    }

    /// A stream of one chunk (empty when `bytes` is empty).
    pub fn from_bytes(bytes: impl Into<Bytes>) -> Self {
        let bytes = bytes.into();
        let once = (!bytes.is_empty()).then_some(Ok(bytes));
        Self::new(futures_util::stream::iter(once))
    }

    /// Reads the whole body into memory.
    pub async fn collect(self) -> Result<Bytes> {
        self.collect_bounded(usize::MAX).await.map(|(b, _)| b)
    }

    /// Reads at most `limit` bytes; returns them and whether the body was longer.
    /// Stops reading as soon as the limit is passed, so memory stays bounded.
    pub async fn collect_bounded(mut self, limit: usize) -> Result<(Bytes, bool)> {
        let mut first: Option<Bytes> = None;
        let mut buf: Vec<u8> = Vec::new();
        while let Some(chunk) = self.inner.next().await {
            let chunk = chunk?;
            let held = first.as_ref().map_or(buf.len(), Bytes::len);
            if held + chunk.len() > limit {
                let mut out = match first.take() {
                    Some(f) => f.to_vec(),
                    None => buf,
                };
                // `held <= limit` holds here (checked on every earlier chunk).
                out.extend_from_slice(chunk.get(..limit.saturating_sub(held)).unwrap_or_default());
                return Ok((Bytes::from(out), true));
            }
            // Keep a single chunk without copying; copy only when there are several.
            match first.take() {
                None if buf.is_empty() => first = Some(chunk),
                None => buf.extend_from_slice(&chunk),
                Some(f) => {
                    buf.reserve(f.len() + chunk.len());
                    buf.extend_from_slice(&f);
                    buf.extend_from_slice(&chunk);
                }
            }
        }
        Ok((first.unwrap_or_else(|| Bytes::from(buf)), false))
    }

    /// Copies the body into `writer` chunk by chunk and returns the number of bytes written.
    /// Memory use is one chunk, whatever the body's size. The writer is flushed at the end.
    pub async fn write_to<W: AsyncWrite + Unpin>(mut self, writer: &mut W) -> Result<u64> {
        let mut total = 0u64;
        while let Some(chunk) = self.inner.next().await {
            let chunk = chunk?;
            writer.write_all(&chunk).await.map_err(|e| {
                Error::transport("writing the response body failed", false).with_source(e)
            })?;
            total += chunk.len() as u64;
        }
        writer.flush().await.map_err(|e| {
            Error::transport("flushing the response body failed", false).with_source(e)
        })?;
        Ok(total)
    }

    /// Reads the body through [`tokio::io::AsyncRead`].
    pub fn into_async_read(self) -> impl tokio::io::AsyncRead + Send + Unpin {
        tokio_util::io::StreamReader::new(self.inner.map(|r| r.map_err(std::io::Error::other)))
    }

    /// Reports progress as the chunks pass: after each non-empty chunk, `progress` is called
    /// with the bytes seen so far and `total` as given (e.g. a `Content-Length`). The counts
    /// only grow. When the stream ends without having yielded a byte, `progress(0, total)` is
    /// called once, so a caller always hears at least one report for a complete body. Errors
    /// pass through untouched (and are not reported). Adds no buffering.
    ///
    /// Works for both directions: wrap a download before [`ByteStream::write_to`], or an upload
    /// before [`RequestBody::from_stream`].
    ///
    /// ```
    /// # async fn f() -> huaweicloud_sdk_core::Result<()> {
    /// use huaweicloud_sdk_core::ByteStream;
    ///
    /// let body = ByteStream::from_bytes("hello").with_progress(Some(5), |done, total| {
    ///     println!("{done} of {total:?} bytes");
    /// });
    /// assert_eq!(body.collect().await?, "hello");
    /// # Ok(()) }
    /// ```
    pub fn with_progress(
        self,
        total: Option<u64>,
        progress: impl Fn(u64, Option<u64>) + Send + Sync + 'static,
    ) -> Self {
        Self::new(Progress {
            inner: self.inner,
            done: 0,
            total,
            reported: false,
            progress: Box::new(progress),
        })
    }
}

/// The stream behind [`ByteStream::with_progress`].
struct Progress {
    inner: Pin<Box<dyn Stream<Item = Result<Bytes>> + Send>>,
    done: u64,
    total: Option<u64>,
    reported: bool,
    progress: Box<dyn Fn(u64, Option<u64>) + Send + Sync>,
}

impl Stream for Progress {
    type Item = Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        let item = std::task::ready!(this.inner.as_mut().poll_next(cx));
        match &item {
            Some(Ok(chunk)) if !chunk.is_empty() => {
                this.done += chunk.len() as u64;
                this.reported = true;
                (this.progress)(this.done, this.total);
            }
            None if !this.reported => {
                this.reported = true;
                (this.progress)(this.done, this.total);
            }
            _ => {}
        }
        Poll::Ready(item)
    }
}

impl Stream for ByteStream {
    type Item = Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ByteStream")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(parts: &[&'static [u8]]) -> ByteStream {
        ByteStream::new(futures_util::stream::iter(
            parts
                .iter()
                .map(|p| Ok(Bytes::from_static(p)))
                .collect::<Vec<_>>(),
        ))
    }

    #[tokio::test]
    async fn collects_and_bounds() {
        assert_eq!(chunks(&[b"ab", b"cd"]).collect().await.unwrap(), "abcd");
        let (b, more) = chunks(&[b"ab", b"cd", b"ef"])
            .collect_bounded(3)
            .await
            .unwrap();
        assert_eq!((&b[..], more), (&b"abc"[..], true));
        let (b, more) = chunks(&[b"abc"]).collect_bounded(3).await.unwrap();
        assert_eq!((&b[..], more), (&b"abc"[..], false));
        assert!(
            ByteStream::from_bytes(Bytes::new())
                .collect()
                .await
                .unwrap()
                .is_empty()
        );
    }

    #[tokio::test]
    async fn write_to_reports_errors_midway() {
        let s = ByteStream::new(futures_util::stream::iter(vec![
            Ok(Bytes::from_static(b"ab")),
            Err(Error::transport("connection reset", false)),
        ]));
        let mut out = Vec::new();
        let err = s.write_to(&mut out).await.unwrap_err();
        assert!(err.is_transport());
    }

    #[tokio::test]
    async fn progress_counts_chunks_and_reports_empty_bodies_once() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        let body = chunks(&[b"ab", b"", b"cde"]).with_progress(Some(5), move |d, t| {
            log.lock().unwrap().push((d, t));
        });
        assert_eq!(body.collect().await.unwrap(), "abcde");
        assert_eq!(*seen.lock().unwrap(), vec![(2, Some(5)), (5, Some(5))]);

        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        let body = ByteStream::from_bytes(Bytes::new()).with_progress(None, move |d, t| {
            log.lock().unwrap().push((d, t));
        });
        assert!(body.collect().await.unwrap().is_empty());
        assert_eq!(*seen.lock().unwrap(), vec![(0, None)]);
    }

    #[tokio::test]
    async fn progress_passes_errors_through() {
        let s = ByteStream::new(futures_util::stream::iter(vec![
            Ok(Bytes::from_static(b"ab")),
            Err(Error::transport("connection reset", false)),
        ]))
        .with_progress(Some(10), |_, _| {});
        assert!(s.collect().await.unwrap_err().is_transport());
    }

    #[tokio::test]
    async fn streams_replay_only_once() {
        let body = RequestBody::from_stream(
            futures_util::stream::iter(vec![Ok::<_, std::io::Error>(Bytes::from_static(b"x"))]),
            Some(1),
        );
        assert!(!body.is_replayable());
        let first = body.try_clone_for_attempt().unwrap();
        assert_eq!(
            first.into_stream().await.unwrap().collect().await.unwrap(),
            "x"
        );
        assert!(body.try_clone_for_attempt().unwrap_err().is_construction());
    }

    #[tokio::test]
    async fn files_stream_and_replay() {
        let path = std::env::temp_dir().join(format!("hwc-body-{}", std::process::id()));
        tokio::fs::write(&path, b"hello file").await.unwrap();
        let body = RequestBody::from_file(&path).await.unwrap();
        assert_eq!(body.content_length(), Some(10));
        for _ in 0..2 {
            let b = body.try_clone_for_attempt().unwrap();
            assert_eq!(
                b.into_stream().await.unwrap().collect().await.unwrap(),
                "hello file"
            );
        }
        let _ = tokio::fs::remove_file(&path).await;
        assert!(
            RequestBody::from_file(&path)
                .await
                .unwrap_err()
                .is_construction()
        );
    }
}
