//! State shared by all connections: credentials, project, clock and the registered files.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use super::federation::Federation;
use super::limits::{ByteQuota, Limits};
use super::storage::StoredImage;
use crate::Clock;
use crate::datetime::unix_secs;
use crate::hex::random_hex;
use crate::secret::Secret;
use crate::signature;

/// A file registered with `CreateFile`.
pub(super) struct FileRecord {
    pub(super) md5_base64: String,
    pub(super) size: u64,
    pub(super) file_type: String,
    pub(super) content_type: &'static str,
    pub(super) month: String,
    pub(super) uploaded: bool,
}

/// State shared by all connections.
pub(crate) struct Shared {
    pub(super) secrets: HashMap<String, Secret>,
    pub(super) project_id: String,
    pub(super) storage: PathBuf,
    pub(super) base_url: String,
    pub(super) clock: Clock,
    pub(super) presign_key: String,
    pub(super) images: HashMap<String, StoredImage>,
    pub(super) limits: Limits,
    pub(super) stored_bytes: ByteQuota,
    /// What the IAM federation calls issued.
    pub(super) federation: Federation,
    files: Mutex<HashMap<String, FileRecord>>,
    requests: AtomicU64,
}

impl Shared {
    pub(crate) fn new(
        secrets: HashMap<String, Secret>,
        project_id: String,
        storage: PathBuf,
        base_url: String,
        clock: Clock,
        images: HashMap<String, StoredImage>,
        limits: Limits,
    ) -> Self {
        Self {
            secrets,
            project_id,
            storage,
            base_url,
            clock,
            presign_key: random_hex(32),
            images,
            limits,
            stored_bytes: ByteQuota::new(limits.max_stored_bytes),
            federation: Federation::new(Vec::new(), limits.max_issued_tokens),
            files: Mutex::new(HashMap::new()),
            requests: AtomicU64::new(0),
        }
    }

    /// Takes OIDC id tokens of these identity providers only (none: any).
    pub(crate) fn with_identity_providers(mut self, identity_providers: Vec<String>) -> Self {
        self.federation = Federation::new(identity_providers, self.limits.max_issued_tokens);
        self
    }

    /// Counts one received request.
    pub(super) fn count_request(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
    }

    /// Requests received so far.
    pub(crate) fn request_count(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// The secret of access key `ak`: configured, or issued by the IAM federation calls and
    /// not expired yet.
    pub(super) fn secret(&self, ak: &str) -> Option<Secret> {
        self.secrets
            .get(ak)
            .cloned()
            .or_else(|| self.federation.issued_secret(ak, self.now()))
    }

    pub(super) fn now(&self) -> i64 {
        unix_secs((self.clock)())
    }

    pub(super) fn files(&self) -> MutexGuard<'_, HashMap<String, FileRecord>> {
        crate::sync::lock(&self.files)
    }

    pub(crate) fn image_uri(&self, file_id: &str) -> Option<String> {
        let files = self.files();
        let record = files.get(file_id)?;
        Some(format!(
            "/v1/upload/{file_id}/{}/{file_id}.{}",
            record.month, record.file_type
        ))
    }

    /// Where uploads are stored, and their temporary files written.
    pub(super) fn files_dir(&self) -> PathBuf {
        self.storage.join("files")
    }

    pub(super) fn file_path(&self, file_id: &str) -> PathBuf {
        self.files_dir().join(file_id)
    }

    pub(super) fn upload_signature(&self, file_id: &str, expires: i64) -> String {
        signature::sign(&self.presign_key, &format!("PUT\n{file_id}\n{expires}"))
    }
}
