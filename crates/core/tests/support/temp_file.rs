//! A file of a test's own under the temporary directory, removed when dropped.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A file named after the process, a counter and `name`, so parallel tests and test binaries
/// never share one.
pub struct TempFile(PathBuf);

impl TempFile {
    /// Creates the file holding `contents`.
    pub fn new(name: &str, contents: impl AsRef<[u8]>) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let unique = format!("hwc-sdk-test-{}-{n}-{name}", std::process::id());
        let file = Self(std::env::temp_dir().join(unique));
        file.write(contents);
        file
    }

    /// Replaces the contents (a rotated token, an edited profile).
    pub fn write(&self, contents: impl AsRef<[u8]>) {
        std::fs::write(&self.0, contents).unwrap();
    }

    /// Where the file is.
    pub fn path(&self) -> &Path {
        &self.0
    }

    /// The path as text, for an environment variable or a message (temp paths here are UTF-8).
    pub fn as_str(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}
