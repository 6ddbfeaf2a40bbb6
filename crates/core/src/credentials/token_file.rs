//! Reading the small text files credentials come from (the profile file, an OIDC id token, a
//! pod identity token): bounded, regular files only, errors naming the path and never the
//! contents.

use std::path::Path;

use tokio::io::AsyncReadExt;

use crate::error::{Error, Result};

/// Which file is read, for the error messages, and how large it may be.
pub(super) struct TextFile<'a> {
    /// Prefix of the messages: the provider's name.
    pub label: &'a str,
    /// What the file is, e.g. `credentials file`.
    pub what: &'static str,
    /// Larger files are refused.
    pub max_bytes: u64,
}

/// The file's text, a leading UTF-8 byte-order mark dropped. Credentials errors name the path
/// and the problem, never what the file holds.
pub(super) async fn read_text_file(path: &Path, kind: &TextFile<'_>) -> Result<String> {
    let label = kind.label;
    let shown = path.display();
    let open_error = |e: std::io::Error| {
        if e.kind() == std::io::ErrorKind::NotFound {
            Error::credentials(format!("{label}: {shown} not found"))
        } else {
            Error::credentials(format!("{label}: cannot open {shown}")).with_source(e)
        }
    };
    // Checked before opening: opening a FIFO blocks until a writer comes, and a device such as
    // /dev/zero never ends.
    let metadata = tokio::fs::metadata(path).await.map_err(open_error)?;
    require_regular_file(&metadata, path, kind)?;
    let file = tokio::fs::File::open(path).await.map_err(open_error)?;
    // The path may have been replaced between the check and the open: check what was opened.
    let metadata = file
        .metadata()
        .await
        .map_err(|e| Error::credentials(format!("{label}: cannot read {shown}")).with_source(e))?;
    require_regular_file(&metadata, path, kind)?;
    let mut bytes = Vec::new();
    file.take(kind.max_bytes + 1)
        .read_to_end(&mut bytes)
        .await
        .map_err(|e| Error::credentials(format!("{label}: cannot read {shown}")).with_source(e))?;
    if bytes.len() as u64 > kind.max_bytes {
        return Err(Error::credentials(format!(
            "{label}: {shown} is larger than {} bytes; is it really a {}?",
            kind.max_bytes, kind.what
        )));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_owned()),
        Err(e) => Err(Error::credentials(format!(
            "{label}: {shown} is not valid UTF-8 (invalid byte at offset {})",
            e.valid_up_to()
        ))),
    }
}

/// The token a file holds, trimmed (Kubernetes writes it without a newline, people with one);
/// an empty file is an error. The file is read at every call: Kubernetes rotates projected
/// service account tokens in place.
pub(super) async fn read_token(path: &Path, kind: &TextFile<'_>) -> Result<String> {
    let text = read_text_file(path, kind).await?;
    let token = text.trim();
    if token.is_empty() {
        return Err(Error::credentials(format!(
            "{}: the {} {} is empty",
            kind.label,
            kind.what,
            path.display()
        )));
    }
    Ok(token.to_owned())
}

/// A credentials error unless `metadata` is that of a regular file (symbolic links followed).
fn require_regular_file(
    metadata: &std::fs::Metadata,
    path: &Path,
    kind: &TextFile<'_>,
) -> Result<()> {
    if metadata.is_file() {
        return Ok(());
    }
    Err(Error::credentials(format!(
        "{}: {} is not a regular file but {}; give the path of the {} itself",
        kind.label,
        path.display(),
        file_kind(&metadata.file_type()),
        kind.what
    )))
}

/// `a directory`, `a FIFO`, ... for an error message.
fn file_kind(kind: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if kind.is_char_device() {
            return "a character device";
        }
        if kind.is_block_device() {
            return "a block device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    if kind.is_dir() {
        "a directory"
    } else {
        "a special file"
    }
}
