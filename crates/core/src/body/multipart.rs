//! `multipart/form-data` request bodies, streamed.
//!
//! A [`Multipart`] lists text fields and [`FilePart`]s in order; [`Multipart::into_body`] turns
//! it into a [`RequestBody`] whose part headers and in-memory parts are sent as they are and
//! whose files are streamed from disk, never read whole. The bytes are laid out as the
//! official Python SDK (requests_toolbelt's `MultipartEncoder`) lays them out, so a request
//! with the same boundary is byte-for-byte the same:
//!
//! ```text
//! --{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n
//! --{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{file name}"\r\n
//! Content-Type: {content type}\r\n\r\n{content}\r\n
//! --{boundary}--\r\n
//! ```
//!
//! `filename` is left out when the part has no file name, and the `Content-Type` line when it
//! has no content type.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use bytes::{BufMut, Bytes, BytesMut};
use futures_util::{Stream, StreamExt, TryStreamExt};
use serde::{Deserialize, Deserializer};

use super::{ByteStream, DynStream, Kind, RequestBody};
use crate::error::{BoxError, Error, Result};

/// A one-shot stream shared by the clones of a [`FilePart`]: whichever sends first takes it.
type SharedStream = Arc<Mutex<Option<DynStream>>>;

/// Where a file part's content comes from.
#[derive(Clone)]
pub(super) enum Content {
    Bytes(Bytes),
    Path {
        path: PathBuf,
        len: u64,
    },
    Stream {
        slot: SharedStream,
        len: Option<u64>,
    },
}

/// The content and metadata of one file in a `multipart/form-data` body: bytes in memory, a
/// file streamed from disk, or a one-shot stream.
///
/// Cloning is cheap and shares the content. A stream can be sent only once, by whichever clone
/// sends first; sending it again is a construction error.
///
/// Deserialises from the JSON shape in which the official SDK's `FormFile` is recorded:
/// `{"file_name": string | null, "content_base64": string, "content_type": string | null}`
/// (standard base64, padded).
///
/// ```
/// use huaweicloud_sdk_core::FilePart;
///
/// let part = FilePart::from_bytes(&b"\x89PNG"[..])
///     .file_name("logo.png")
///     .content_type("image/png");
/// assert_eq!(part.len(), Some(4));
/// ```
#[derive(Clone)]
pub struct FilePart {
    content: Content,
    file_name: Option<String>,
    content_type: Option<String>,
}

impl FilePart {
    /// Content held in memory. No file name and no content type until set.
    pub fn from_bytes(bytes: impl Into<Bytes>) -> Self {
        Self::with_content(Content::Bytes(bytes.into()))
    }

    /// A file on disk: its length is read now, its content is streamed (reopened on each retry)
    /// when the request is sent. The file name defaults to the path's last component.
    ///
    /// # Errors
    /// A construction error when the path cannot be read or is not a regular file.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        // One `stat`, the same check `RequestBody::from_file` makes; the content is read only
        // when the request is sent.
        let meta = std::fs::metadata(&path).map_err(|e| {
            Error::construction(format!("cannot read {}", path.display())).with_source(e)
        })?;
        if !meta.is_file() {
            return Err(Error::construction(format!(
                "{} is not a regular file",
                path.display()
            )));
        }
        let file_name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned());
        let mut part = Self::with_content(Content::Path {
            path,
            len: meta.len(),
        });
        part.file_name = file_name;
        Ok(part)
    }

    /// A one-shot stream of chunks (a [`ByteStream`] works). It cannot be replayed, so a
    /// request with this part is never retried once sent. Give `len` when known so the body's
    /// `Content-Length` can be set.
    pub fn from_stream<S, E>(stream: S, len: Option<u64>) -> Self
    where
        S: Stream<Item = std::result::Result<Bytes, E>> + Send + 'static,
        E: Into<BoxError> + 'static,
    {
        let stream: DynStream = Box::pin(stream.map_err(Into::into));
        Self::with_content(Content::Stream {
            slot: Arc::new(Mutex::new(Some(stream))),
            len,
        })
    }

    fn with_content(content: Content) -> Self {
        Self {
            content,
            file_name: None,
            content_type: None,
        }
    }

    /// Sets the file name sent as `filename="..."`.
    pub fn file_name(mut self, file_name: impl Into<String>) -> Self {
        self.file_name = Some(file_name.into());
        self
    }

    /// Sets the part's `Content-Type`.
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The file name, when set.
    pub fn get_file_name(&self) -> Option<&str> {
        self.file_name.as_deref()
    }

    /// The content type, when set.
    pub fn get_content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The content's length in bytes, when known.
    pub fn len(&self) -> Option<u64> {
        match &self.content {
            Content::Bytes(b) => Some(b.len() as u64),
            Content::Path { len, .. } => Some(*len),
            Content::Stream { len, .. } => *len,
        }
    }

    /// True when the content is known to be empty.
    pub fn is_empty(&self) -> bool {
        self.len() == Some(0)
    }

    /// True when the part can be sent again (bytes or a file; not a stream).
    pub fn is_replayable(&self) -> bool {
        !matches!(self.content, Content::Stream { .. })
    }
}

impl fmt::Debug for FilePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The content is never printed: it is user data.
        let content = match &self.content {
            Content::Bytes(b) => format!("{} bytes", b.len()),
            Content::Path { path, len } => format!("{} ({len} bytes)", path.display()),
            Content::Stream { len, .. } => format!("stream ({len:?} bytes)"),
        };
        f.debug_struct("FilePart")
            .field("content", &content)
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .finish()
    }
}

/// Equal when the metadata is equal and the content is the same bytes, the same path (and
/// length), or the same stream.
impl PartialEq for FilePart {
    fn eq(&self, other: &Self) -> bool {
        let same_content = match (&self.content, &other.content) {
            (Content::Bytes(a), Content::Bytes(b)) => a == b,
            (Content::Path { path: a, len: la }, Content::Path { path: b, len: lb }) => {
                a == b && la == lb
            }
            (Content::Stream { slot: a, .. }, Content::Stream { slot: b, .. }) => Arc::ptr_eq(a, b),
            _ => false,
        };
        same_content && self.file_name == other.file_name && self.content_type == other.content_type
    }
}

impl<'de> Deserialize<'de> for FilePart {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        use base64::Engine as _;

        #[derive(Deserialize)]
        struct Recorded {
            #[serde(default)]
            file_name: Option<String>,
            content_base64: String,
            #[serde(default)]
            content_type: Option<String>,
        }
        let recorded = Recorded::deserialize(deserializer)?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(recorded.content_base64.as_bytes())
            .map_err(|e| serde::de::Error::custom(format!("content_base64: {e}")))?;
        Ok(Self {
            content: Content::Bytes(Bytes::from(bytes)),
            file_name: recorded.file_name,
            content_type: recorded.content_type,
        })
    }
}

/// One field of a form.
#[derive(Clone)]
enum Field {
    Text { name: String, value: String },
    File { name: String, part: FilePart },
}

/// A `multipart/form-data` body: text fields and files, sent in the order added.
///
/// ```
/// use huaweicloud_sdk_core::{FilePart, Multipart};
///
/// let form = Multipart::with_boundary("b0undary")
///     .text("name", "job-1")
///     .file("file", FilePart::from_bytes("hello").file_name("a.txt"));
/// assert_eq!(form.content_type(), "multipart/form-data; boundary=b0undary");
/// assert_eq!(form.content_length(), Some(164));
/// let body = form.into_body();
/// assert!(body.is_replayable());
/// ```
#[derive(Clone)]
pub struct Multipart {
    boundary: String,
    fields: Vec<Field>,
}

impl Multipart {
    /// An empty form with a random boundary (32 hex digits, as the official SDK uses).
    pub fn new() -> Self {
        Self::with_boundary(format!("{:032x}", fastrand::u128(..)))
    }

    /// An empty form with the given boundary. The boundary must not occur in any part (a random
    /// one, as from [`Multipart::new`], practically never does) and must be valid in a header
    /// value (checked when the request is sent).
    pub fn with_boundary(boundary: impl Into<String>) -> Self {
        Self {
            boundary: boundary.into(),
            fields: Vec::new(),
        }
    }

    /// Adds a text field (sent as UTF-8, without a `Content-Type` line).
    pub fn text(mut self, name: &str, value: impl Into<String>) -> Self {
        self.fields.push(Field::Text {
            name: name.to_owned(),
            value: value.into(),
        });
        self
    }

    /// Adds a file field.
    pub fn file(mut self, name: &str, part: FilePart) -> Self {
        self.fields.push(Field::File {
            name: name.to_owned(),
            part,
        });
        self
    }

    /// The boundary between parts.
    pub fn boundary(&self) -> &str {
        &self.boundary
    }

    /// The value of the request's `Content-Type` header:
    /// `multipart/form-data; boundary={boundary}`.
    pub fn content_type(&self) -> String {
        format!("multipart/form-data; boundary={}", self.boundary)
    }

    /// The body's length in bytes, when every part's length is known.
    pub fn content_length(&self) -> Option<u64> {
        total_len(&self.segments())
    }

    /// The body, streamed: part headers and in-memory parts as they are, files read from disk
    /// as the request is sent. Replayable on retry unless a part is a stream; its length is
    /// known when every part's is.
    pub fn into_body(self) -> RequestBody {
        let segments = self.segments();
        let len = total_len(&segments);
        RequestBody {
            kind: Kind::Parts {
                segments: segments.into(),
                len,
            },
        }
    }

    /// The body as consecutive segments: the text between file contents is joined into one
    /// buffer, file contents stay where they are (no copy).
    fn segments(&self) -> Vec<Segment> {
        let mut segments = Vec::with_capacity(2 * self.fields.len() + 1);
        let mut text = BytesMut::new();
        for field in &self.fields {
            text.put_slice(b"--");
            text.put_slice(self.boundary.as_bytes());
            text.put_slice(b"\r\nContent-Disposition: form-data; name=\"");
            put_param(&mut text, self.field_name(field));
            match field {
                Field::Text { value, .. } => {
                    text.put_slice(b"\"\r\n\r\n");
                    text.put_slice(value.as_bytes());
                    text.put_slice(b"\r\n");
                }
                Field::File { part, .. } => {
                    text.put_slice(b"\"");
                    if let Some(file_name) = &part.file_name {
                        text.put_slice(b"; filename=\"");
                        put_param(&mut text, file_name);
                        text.put_slice(b"\"");
                    }
                    text.put_slice(b"\r\n");
                    if let Some(content_type) = &part.content_type {
                        text.put_slice(b"Content-Type: ");
                        text.put_slice(content_type.as_bytes());
                        text.put_slice(b"\r\n");
                    }
                    text.put_slice(b"\r\n");
                    segments.push(Segment::Text(text.split().freeze()));
                    segments.push(Segment::File(part.content.clone()));
                    text.put_slice(b"\r\n");
                }
            }
        }
        text.put_slice(b"--");
        text.put_slice(self.boundary.as_bytes());
        text.put_slice(b"--\r\n");
        segments.push(Segment::Text(text.freeze()));
        segments.retain(
            |s| !matches!(s, Segment::Text(b) | Segment::File(Content::Bytes(b)) if b.is_empty()),
        );
        segments
    }

    fn field_name<'a>(&self, field: &'a Field) -> &'a str {
        match field {
            Field::Text { name, .. } | Field::File { name, .. } => name,
        }
    }
}

impl Default for Multipart {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Multipart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Field names only: text values and file contents are user data.
        struct Fields<'a>(&'a [Field]);
        impl fmt::Debug for Fields<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_list()
                    .entries(self.0.iter().map(|field| match field {
                        Field::Text { name, value } => {
                            format!("{name}: text ({} bytes)", value.len())
                        }
                        Field::File { name, part } => format!("{name}: {part:?}"),
                    }))
                    .finish()
            }
        }
        f.debug_struct("Multipart")
            .field("boundary", &self.boundary)
            .field("fields", &Fields(&self.fields))
            .finish()
    }
}

/// Writes a `name`/`filename` parameter value as urllib3 (under requests_toolbelt) does:
/// `"`, CR and LF percent-encoded, everything else (UTF-8 included) as it is.
fn put_param(out: &mut BytesMut, value: &str) {
    for &byte in value.as_bytes() {
        match byte {
            b'"' => out.put_slice(b"%22"),
            b'\r' => out.put_slice(b"%0D"),
            b'\n' => out.put_slice(b"%0A"),
            other => out.put_u8(other),
        }
    }
}

/// A run of a multipart body: text (boundaries, part headers, text fields) or a file's content.
pub(super) enum Segment {
    Text(Bytes),
    File(Content),
}

impl Segment {
    fn len(&self) -> Option<u64> {
        match self {
            Segment::Text(b) | Segment::File(Content::Bytes(b)) => Some(b.len() as u64),
            Segment::File(Content::Path { len, .. }) => Some(*len),
            Segment::File(Content::Stream { len, .. }) => *len,
        }
    }
}

/// The sum of the segments' lengths, when every one is known (and the sum fits).
fn total_len(segments: &[Segment]) -> Option<u64> {
    segments
        .iter()
        .try_fold(0u64, |sum, segment| sum.checked_add(segment.len()?))
}

const STREAM_SENT: &str = "a streamed multipart file part can be sent only once";

/// True when every segment can be sent again.
pub(super) fn is_replayable(segments: &[Segment]) -> bool {
    !segments
        .iter()
        .any(|s| matches!(s, Segment::File(Content::Stream { .. })))
}

/// Fails when a one-shot stream of the body has already been sent, so an attempt is not
/// started with a body that cannot be completed.
pub(super) fn check_sendable(segments: &[Segment]) -> Result<()> {
    for segment in segments {
        if let Segment::File(Content::Stream { slot, .. }) = segment {
            let available = slot.lock().map(|s| s.is_some()).unwrap_or(false);
            if !available {
                return Err(Error::construction(STREAM_SENT));
            }
        }
    }
    Ok(())
}

/// The body's chunks: files are opened (and their lengths checked) and streams taken now, so
/// a missing file fails the attempt before anything is sent.
pub(super) async fn into_stream(segments: &[Segment]) -> Result<ByteStream> {
    let mut parts: Vec<ByteStream> = Vec::with_capacity(segments.len());
    for segment in segments {
        parts.push(match segment {
            Segment::Text(b) | Segment::File(Content::Bytes(b)) => {
                ByteStream::from_bytes(b.clone())
            }
            Segment::File(Content::Path { path, len }) => open_file(path, *len).await?,
            Segment::File(Content::Stream { slot, .. }) => {
                let stream = slot
                    .lock()
                    .ok()
                    .and_then(|mut s| s.take())
                    .ok_or_else(|| Error::construction(STREAM_SENT))?;
                ByteStream::new(stream.map_err(|e| {
                    Error::transport("a multipart file stream failed", false).with_source(e)
                }))
            }
        });
    }
    Ok(ByteStream::new(futures_util::stream::iter(parts).flatten()))
}

async fn open_file(path: &Path, len: u64) -> Result<ByteStream> {
    let file = tokio::fs::File::open(path).await.map_err(|e| {
        Error::construction(format!("cannot open {}", path.display())).with_source(e)
    })?;
    let now = file.metadata().await.map_err(|e| {
        Error::construction(format!("cannot read {}", path.display())).with_source(e)
    })?;
    // The body's length was announced from the recorded length: a file that changed size
    // would make the body disagree with its Content-Length.
    if now.len() != len {
        return Err(Error::construction(format!(
            "{} changed size from {len} to {} bytes before it was sent",
            path.display(),
            now.len()
        )));
    }
    let stream = tokio_util::io::ReaderStream::with_capacity(file, 64 * 1024);
    Ok(ByteStream::new(stream.map_err(|e| {
        Error::transport("reading a multipart file failed", false).with_source(e)
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn collect(body: &RequestBody) -> Result<Bytes> {
        body.try_clone_for_attempt()?
            .into_stream()
            .await?
            .collect()
            .await
    }

    /// MetaStudio CreatePictureModelingJob as the official Python SDK sent it: text fields
    /// with non-ASCII values, then a file with a content type.
    #[tokio::test]
    async fn matches_a_recorded_body_with_text_fields_and_a_typed_file() {
        let recorded: &[u8] = b"--5b69dca6b862a434eb37382a866a25c3\r\nContent-Disposition: form-data; name=\"style_id\"\r\n\r\np.-NNKLwPPkY\r\n--5b69dca6b862a434eb37382a866a25c3\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nbhU0\xc3\xa91X\xe4\xb8\xadI\r\n--5b69dca6b862a434eb37382a866a25c3\r\nContent-Disposition: form-data; name=\"notify_url\"\r\n\r\naR9\r\n--5b69dca6b862a434eb37382a866a25c3\r\nContent-Disposition: form-data; name=\"file\"; filename=\"file-8gf.docx\"\r\nContent-Type: image/png\r\n\r\n\xe5\x8c\xe5\xa1\xcc\xb0\x19\xf6?\xb8\x0b\xc0|MRTMO\xe1\x9fm\xac\xff\xcfV\xecY\xb6\x11\x0fZ\x1f\xe2\xf0/\x9e>=y:\r\n--5b69dca6b862a434eb37382a866a25c3--\r\n";
        let file: FilePart = serde_json::from_str(
            r#"{"file_name": "file-8gf.docx", "content_base64": "5YzlocywGfY/uAvAfE1SVE1P4Z9trP/PVuxZthEPWh/i8C+ePj15Og==", "content_type": "image/png"}"#,
        )
        .unwrap();
        let form = Multipart::with_boundary("5b69dca6b862a434eb37382a866a25c3")
            .text("style_id", "p.-NNKLwPPkY")
            .text("name", "bhU0\u{e9}1X\u{4e2d}I")
            .text("notify_url", "aR9")
            .file("file", file);
        assert_eq!(
            form.content_type(),
            "multipart/form-data; boundary=5b69dca6b862a434eb37382a866a25c3"
        );
        assert_eq!(form.content_length(), Some(recorded.len() as u64));
        let body = form.into_body();
        assert_eq!(body.content_length(), Some(recorded.len() as u64));
        assert!(body.is_replayable());
        assert_eq!(collect(&body).await.unwrap(), recorded);
    }

    /// MetaStudio CreateDocument: a file part without a content type has no Content-Type line.
    #[tokio::test]
    async fn matches_a_recorded_body_with_an_untyped_file() {
        let recorded: &[u8] = b"--270677ee85b04bf219fe8c13577f28db\r\nContent-Disposition: form-data; name=\"file\"; filename=\"file-ctC.png\"\r\n\r\n\x8d\xe8\xf8\xa2\x06\x17c\xf1\xfd\x96s\xe9sj\xbb\x85\xa0\xccm\x0c\x0f\x1f{\xe4\x91\xd0\x9a\x9d\xc9l\x92O\xb2\r\n--270677ee85b04bf219fe8c13577f28db--\r\n";
        let file: FilePart = serde_json::from_str(
            r#"{"file_name": "file-ctC.png", "content_base64": "jej4ogYXY/H9lnPpc2q7haDMbQwPH3vkkdCanclskk+y", "content_type": null}"#,
        )
        .unwrap();
        assert_eq!(file.get_content_type(), None);
        let body = Multipart::with_boundary("270677ee85b04bf219fe8c13577f28db")
            .file("file", file)
            .into_body();
        assert_eq!(body.content_length(), Some(recorded.len() as u64));
        assert_eq!(collect(&body).await.unwrap(), recorded);
    }

    #[tokio::test]
    async fn files_stream_from_disk_and_replay() {
        let path = std::env::temp_dir().join(format!("hwc-multipart-{}.bin", std::process::id()));
        let content: Vec<u8> = (0..150_000u32).map(|i| (i % 253) as u8).collect();
        std::fs::write(&path, &content).unwrap();
        let part = FilePart::from_path(&path).unwrap();
        assert_eq!(part.len(), Some(150_000));
        assert_eq!(
            part.get_file_name(),
            path.file_name().and_then(|n| n.to_str())
        );
        let from_bytes = Multipart::with_boundary("b")
            .text("k", "v")
            .file(
                "f",
                FilePart::from_bytes(content.clone()).file_name(part.get_file_name().unwrap()),
            )
            .into_body();
        let from_path = Multipart::with_boundary("b")
            .text("k", "v")
            .file("f", part.clone())
            .into_body();
        assert_eq!(from_path.content_length(), from_bytes.content_length());
        assert!(from_path.is_replayable());
        let expected = collect(&from_bytes).await.unwrap();
        for _ in 0..2 {
            assert_eq!(collect(&from_path).await.unwrap(), expected);
        }
        // A file that changed size since its length was recorded is refused before sending.
        std::fs::write(&path, b"short").unwrap();
        let err = from_path
            .try_clone_for_attempt()
            .unwrap()
            .into_stream()
            .await
            .unwrap_err();
        assert!(err.is_construction(), "{err}");
        let _ = std::fs::remove_file(&path);
        assert!(FilePart::from_path(&path).unwrap_err().is_construction());
        assert!(
            FilePart::from_path(std::env::temp_dir())
                .unwrap_err()
                .is_construction()
        );
    }

    #[tokio::test]
    async fn stream_parts_are_sent_once_even_through_clones() {
        let stream =
            futures_util::stream::iter(vec![Ok::<_, std::io::Error>(Bytes::from_static(b"abc"))]);
        let part = FilePart::from_stream(stream, None).file_name("s.bin");
        assert_eq!(part.clone(), part);
        assert!(!part.is_replayable());
        let form = Multipart::with_boundary("b").file("f", part.clone());
        assert_eq!(form.content_length(), None);
        let body = form.clone().into_body();
        assert!(!body.is_replayable());
        assert_eq!(body.content_length(), None);
        assert_eq!(
            collect(&body).await.unwrap(),
            &b"--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"s.bin\"\r\n\r\nabc\r\n--b--\r\n"[..]
        );
        // The stream is gone, for this body and for every other sharing the part.
        assert!(body.try_clone_for_attempt().unwrap_err().is_construction());
        let again = Multipart::with_boundary("b").file("f", part).into_body();
        assert!(again.try_clone_for_attempt().unwrap_err().is_construction());
    }

    #[test]
    fn parameters_are_escaped_and_empty_forms_close() {
        let form = Multipart::with_boundary("b")
            .text("a\"b\r\n", "x\"y")
            .file("f", FilePart::from_bytes("").file_name("q\".txt"));
        let text: Vec<u8> = form
            .segments()
            .iter()
            .flat_map(|s| match s {
                Segment::Text(b) => b.to_vec(),
                Segment::File(_) => panic!("empty file content is not a segment"),
            })
            .collect();
        assert_eq!(
            String::from_utf8(text).unwrap(),
            "--b\r\nContent-Disposition: form-data; name=\"a%22b%0D%0A\"\r\n\r\nx\"y\r\n\
             --b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"q%22.txt\"\r\n\r\n\r\n\
             --b--\r\n"
        );
        assert_eq!(Multipart::with_boundary("b").content_length(), Some(7));
    }

    #[test]
    fn random_boundaries_are_32_hex_digits() {
        let a = Multipart::new();
        let b = Multipart::default();
        assert_eq!(a.boundary().len(), 32);
        assert!(a.boundary().bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a.boundary(), b.boundary());
    }

    #[test]
    fn debug_shows_no_content_and_parts_compare_by_content() {
        let form = Multipart::with_boundary("b")
            .text("password", "hunter2")
            .file("f", FilePart::from_bytes("secret-bytes").file_name("a.txt"));
        let shown = format!("{form:?}");
        assert!(
            !shown.contains("hunter2") && !shown.contains("secret-bytes"),
            "{shown}"
        );
        assert!(
            shown.contains("password") && shown.contains("a.txt"),
            "{shown}"
        );
        assert_eq!(FilePart::from_bytes("x"), FilePart::from_bytes(&b"x"[..]));
        assert_ne!(
            FilePart::from_bytes("x"),
            FilePart::from_bytes("x").content_type("text/plain")
        );
        assert!(serde_json::from_str::<FilePart>(r#"{"content_base64": "!!"}"#).is_err());
        let minimal: FilePart = serde_json::from_str(r#"{"content_base64": "eA=="}"#).unwrap();
        assert_eq!(minimal, FilePart::from_bytes("x"));
    }
}
