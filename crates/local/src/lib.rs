#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
// Library code never panics on input or server data: the compiler checks it (tests are exempt).
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::unchecked_time_subtraction
    )
)]

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::sync::watch;
use tokio::task::JoinHandle;

mod datetime;
mod hex;
pub mod mock;
mod secret;
pub mod seed;
mod server;
pub mod signature;
mod sync;

use secret::Secret;
use server::{Limits, Shared};

/// Access key the endpoint accepts when no credentials are configured (the AK of the golden
/// test vectors).
pub const DEFAULT_AK: &str = "HPUAEXAMPLEAK0000001";

/// Secret key of [`DEFAULT_AK`].
pub const DEFAULT_SK: &str = "exampleSecretKey0000000000000000000000000";

/// Project id the endpoint accepts when none is configured.
pub const DEFAULT_PROJECT_ID: &str = "0123456789abcdef0123456789abcdef";

/// How far `X-Sdk-Date` may be from the endpoint's clock, in seconds (15 minutes), like the API
/// gateway.
pub const MAX_CLOCK_SKEW_SECS: i64 = 15 * 60;

/// Files `CreateFile` registers at most, unless [`Builder::max_files`] says otherwise.
pub const DEFAULT_MAX_FILES: usize = 1000;

/// Bytes uploads may occupy in the storage directory (completed files plus uploads in
/// progress), unless [`Builder::max_stored_bytes`] says otherwise: 1 GiB.
pub const DEFAULT_MAX_STORED_BYTES: u64 = 1 << 30;

/// Longest wait for the next piece of a request body, unless [`Builder::body_timeout`] says
/// otherwise: 30 seconds.
pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(30);

/// Longest time a whole request body may take, unless [`Builder::body_deadline`] says
/// otherwise: 5 minutes.
pub const DEFAULT_BODY_DEADLINE: Duration = Duration::from_secs(5 * 60);

/// Connections served at once, unless [`Builder::max_connections`] says otherwise.
pub const DEFAULT_MAX_CONNECTIONS: usize = 256;

/// Unscoped tokens, and temporary credentials, the IAM federation calls keep at most (each),
/// unless [`Builder::max_issued_tokens`] says otherwise.
pub const DEFAULT_MAX_ISSUED_TOKENS: usize = 1000;

/// Errors starting the endpoint.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Binding the listening socket failed.
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Bind {
        /// The port asked for (0 for any).
        port: u16,
        /// The cause.
        source: std::io::Error,
    },
    /// Creating or writing the storage directory failed.
    #[error("storage directory {path}: {source}")]
    Storage {
        /// The directory or file concerned.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The builder was given unusable settings.
    #[error("invalid configuration: {0}")]
    Config(String),
}

/// A source of the current time.
pub type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// Settings of a [`LocalEndpoint`]; made by [`LocalEndpoint::builder`].
pub struct Builder {
    secrets: Vec<(String, Secret)>,
    identity_providers: Vec<String>,
    project_id: String,
    storage_dir: Option<PathBuf>,
    port: u16,
    clock: Option<Clock>,
    limits: Limits,
}

impl std::fmt::Debug for Builder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Builder")
            .field(
                "access_keys",
                &self.secrets.iter().map(|(ak, _)| ak).collect::<Vec<_>>(),
            )
            .field("identity_providers", &self.identity_providers)
            .field("project_id", &self.project_id)
            .field("storage_dir", &self.storage_dir)
            .field("port", &self.port)
            .field("max_files", &self.limits.max_files)
            .field("max_stored_bytes", &self.limits.max_stored_bytes)
            .field("body_timeout", &self.limits.body_timeout)
            .field("body_deadline", &self.limits.body_deadline)
            .field("max_connections", &self.limits.max_connections)
            .field("max_issued_tokens", &self.limits.max_issued_tokens)
            .finish_non_exhaustive()
    }
}

impl Builder {
    /// Accepts permanent credentials `ak`/`sk`. May be called several times. When neither this
    /// nor [`temporary_credentials`](Self::temporary_credentials) is called, the endpoint accepts
    /// [`DEFAULT_AK`]/[`DEFAULT_SK`].
    pub fn credentials(mut self, ak: impl Into<String>, sk: impl Into<String>) -> Self {
        self.secrets.push((
            ak.into(),
            Secret {
                sk: sk.into(),
                token: None,
            },
        ));
        self
    }

    /// Accepts temporary credentials: requests signed with `ak` must also carry
    /// `X-Security-Token: <token>`.
    pub fn temporary_credentials(
        mut self,
        ak: impl Into<String>,
        sk: impl Into<String>,
        token: impl Into<String>,
    ) -> Self {
        self.secrets.push((
            ak.into(),
            Secret {
                sk: sk.into(),
                token: Some(token.into()),
            },
        ));
        self
    }

    /// Takes OIDC id tokens of identity provider `idp_id` only (may be called several times).
    /// Without it the IAM federation calls take a token of any identity provider. Whatever the
    /// id token, the temporary credentials issued for it are accepted by the gateway (with
    /// their `X-Security-Token`) until they expire.
    pub fn identity_provider(mut self, idp_id: impl Into<String>) -> Self {
        self.identity_providers.push(idp_id.into());
        self
    }

    /// The IAM project id requests must carry in `X-Project-Id` (default
    /// [`DEFAULT_PROJECT_ID`]).
    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = project_id.into();
        self
    }

    /// Stores uploads and seeded images in `dir` (created if missing, kept afterwards). Without
    /// it a temporary directory is created and removed when the endpoint is dropped.
    pub fn storage_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.storage_dir = Some(dir.into());
        self
    }

    /// Listens on this port of 127.0.0.1 (default 0: any free port).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// The clock `X-Sdk-Date` and upload URL expiry are checked against (default: the system
    /// clock).
    pub fn clock(mut self, clock: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// Registers at most `n` files with `CreateFile` (default [`DEFAULT_MAX_FILES`]); once
    /// reached, `CreateFile` answers 403 `MSS.00000020`.
    pub fn max_files(mut self, n: usize) -> Self {
        self.limits.max_files = n;
        self
    }

    /// Lets uploads occupy at most `bytes` in the storage directory (default
    /// [`DEFAULT_MAX_STORED_BYTES`]): completed uploads plus the `file_size` of each upload in
    /// progress. An upload that does not fit is answered 403 `InsufficientStorage` before its
    /// body is read. Seeded images do not count.
    pub fn max_stored_bytes(mut self, bytes: u64) -> Self {
        self.limits.max_stored_bytes = bytes;
        self
    }

    /// Waits at most `timeout` for the next piece of a request body (default
    /// [`DEFAULT_BODY_TIMEOUT`]); a client that pauses longer is answered 408 `APIGW.0201` on
    /// the API routes and 400 `RequestTimeout` on the upload URL. Must not be zero.
    pub fn body_timeout(mut self, timeout: Duration) -> Self {
        self.limits.body_timeout = timeout;
        self
    }

    /// Waits at most `deadline` for a whole request body, counted from its first read (default
    /// [`DEFAULT_BODY_DEADLINE`]): a client that sends a byte now and then, never pausing for
    /// the [`body_timeout`](Self::body_timeout), is cut off there, with the same answers.
    /// Must not be zero.
    pub fn body_deadline(mut self, deadline: Duration) -> Self {
        self.limits.body_deadline = deadline;
        self
    }

    /// Serves at most `n` connections at once (default [`DEFAULT_MAX_CONNECTIONS`]); further
    /// connections wait in the listen backlog until one closes. Idle keep-alive connections
    /// count too. Must not be zero.
    pub fn max_connections(mut self, n: usize) -> Self {
        self.limits.max_connections = n;
        self
    }

    /// Keeps at most `n` unscoped tokens, and `n` temporary credentials, issued by the IAM
    /// federation calls (default [`DEFAULT_MAX_ISSUED_TOKENS`]). The calls are unsigned, so
    /// any client can make the endpoint issue: once full, each store forgets its oldest entry,
    /// which is then refused as an expired one would be. Must not be zero.
    pub fn max_issued_tokens(mut self, n: usize) -> Self {
        self.limits.max_issued_tokens = n;
        self
    }

    /// Binds 127.0.0.1, writes the seeded images to the storage directory and starts serving
    /// on the current Tokio runtime.
    ///
    /// # Errors
    ///
    /// [`Error::Bind`] when the port cannot be bound, [`Error::Storage`] when the storage
    /// directory cannot be prepared, [`Error::Config`] for an empty AK or project id, or a zero
    /// body timeout, body deadline, connection cap or token cap.
    pub async fn start(self) -> Result<LocalEndpoint, Error> {
        let mut secrets = self.secrets;
        if secrets.is_empty() {
            secrets.push((
                DEFAULT_AK.to_owned(),
                Secret {
                    sk: DEFAULT_SK.to_owned(),
                    token: None,
                },
            ));
        }
        if secrets.iter().any(|(ak, _)| ak.is_empty()) {
            return Err(Error::Config("empty access key".into()));
        }
        if self.project_id.is_empty() {
            return Err(Error::Config("empty project id".into()));
        }
        if self.limits.body_timeout.is_zero() {
            return Err(Error::Config("zero body timeout".into()));
        }
        if self.limits.body_deadline.is_zero() {
            return Err(Error::Config("zero body deadline".into()));
        }
        if self.limits.max_connections == 0 {
            return Err(Error::Config("zero max_connections".into()));
        }
        if self.limits.max_issued_tokens == 0 {
            return Err(Error::Config("zero max_issued_tokens".into()));
        }
        let (temp_dir, storage) = match self.storage_dir {
            Some(dir) => (None, dir),
            None => {
                let dir = tempfile::Builder::new()
                    .prefix("huaweicloud-sdk-local-")
                    .tempdir()
                    .map_err(|source| Error::Storage {
                        path: std::env::temp_dir(),
                        source,
                    })?;
                let path = dir.path().to_path_buf();
                (Some(dir), path)
            }
        };
        let images = server::prepare_storage(&storage).await?;

        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, self.port))
            .await
            .map_err(|source| Error::Bind {
                port: self.port,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| Error::Bind {
            port: self.port,
            source,
        })?;
        let url = format!("http://{addr}");
        let clock = self.clock.unwrap_or_else(|| Arc::new(SystemTime::now));
        let shared = Arc::new(
            Shared::new(
                secrets.iter().cloned().collect::<HashMap<_, _>>(),
                self.project_id.clone(),
                storage.clone(),
                url.clone(),
                clock,
                images,
                self.limits,
            )
            .with_identity_providers(self.identity_providers),
        );
        let (shutdown_tx, shutdown_rx) = watch::channel(false);
        let task = tokio::spawn(server::serve(listener, Arc::clone(&shared), shutdown_rx));
        let (first_ak, first_secret) = secrets
            .into_iter()
            .next()
            .ok_or_else(|| Error::Config("no credentials".into()))?;
        Ok(LocalEndpoint {
            addr,
            url,
            storage,
            project_id: self.project_id,
            first_ak,
            first_secret,
            shared,
            shutdown: shutdown_tx,
            task: Some(task),
            _temp_dir: temp_dir,
        })
    }
}

/// A running local Huawei Cloud endpoint on 127.0.0.1.
///
/// Serves the MetaStudio, ProjectMan, SWR and HSS operations described in the crate docs,
/// checking every request's AK/SK signature like the API gateway. Stops accepting connections
/// when dropped (open connections finish their current request) and removes its temporary
/// storage directory, if it made one.
pub struct LocalEndpoint {
    addr: SocketAddr,
    url: String,
    storage: PathBuf,
    project_id: String,
    first_ak: String,
    first_secret: Secret,
    shared: Arc<Shared>,
    shutdown: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
    _temp_dir: Option<tempfile::TempDir>,
}

impl std::fmt::Debug for LocalEndpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalEndpoint")
            .field("url", &self.url)
            .field("storage", &self.storage)
            .field("project_id", &self.project_id)
            .finish_non_exhaustive()
    }
}

impl LocalEndpoint {
    /// A builder with the default settings: [`DEFAULT_AK`]/[`DEFAULT_SK`],
    /// [`DEFAULT_PROJECT_ID`], a temporary storage directory, any free port, the system clock.
    pub fn builder() -> Builder {
        Builder {
            secrets: Vec::new(),
            identity_providers: Vec::new(),
            project_id: DEFAULT_PROJECT_ID.to_owned(),
            storage_dir: None,
            port: 0,
            clock: None,
            limits: Limits {
                max_files: DEFAULT_MAX_FILES,
                max_stored_bytes: DEFAULT_MAX_STORED_BYTES,
                body_timeout: DEFAULT_BODY_TIMEOUT,
                body_deadline: DEFAULT_BODY_DEADLINE,
                max_connections: DEFAULT_MAX_CONNECTIONS,
                max_issued_tokens: DEFAULT_MAX_ISSUED_TOKENS,
            },
        }
    }

    /// Starts an endpoint with the default settings ([`LocalEndpoint::builder`]).
    ///
    /// # Errors
    ///
    /// As [`Builder::start`].
    pub async fn start() -> Result<Self, Error> {
        Self::builder().start().await
    }

    /// Base URL, `http://127.0.0.1:<port>`: pass it to `Config::with_endpoint`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The listening address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Where uploads (`files/<file_id>`) and seeded images (`images/`) are stored.
    pub fn storage_dir(&self) -> &Path {
        &self.storage
    }

    /// The IAM project id requests must carry.
    pub fn project_id(&self) -> &str {
        &self.project_id
    }

    /// An SDK configuration for this endpoint: the first configured credentials (with their
    /// security token, if temporary), the project id and [`url`](Self::url) as endpoint.
    pub fn config(&self) -> huaweicloud_sdk_core::Config {
        let mut credentials =
            huaweicloud_sdk_core::Credentials::new(&self.first_ak, &self.first_secret.sk)
                .with_project_id(&self.project_id);
        if let Some(token) = &self.first_secret.token {
            credentials = credentials.with_security_token(token);
        }
        huaweicloud_sdk_core::Config::new(credentials).with_endpoint(&self.url)
    }

    /// An SDK configuration for this endpoint with credentials from `provider`: the project
    /// id, [`url`](Self::url) as endpoint and as IAM endpoint, so that OIDC federation
    /// (`FederatedProvider`, or the environment's `HUAWEICLOUD_SDK_IDP_ID` and
    /// `HUAWEICLOUD_SDK_ID_TOKEN_FILE`) exchanges its id token here.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use huaweicloud_sdk_core::credentials::FederatedProvider;
    /// use huaweicloud_sdk_local::LocalEndpoint;
    ///
    /// let local = LocalEndpoint::start().await?;
    /// let config = local.config_with(FederatedProvider::new("my-idp", "/tmp/id-token"));
    /// # let _ = config;
    /// # Ok(())
    /// # }
    /// ```
    pub fn config_with(
        &self,
        provider: impl huaweicloud_sdk_core::ProvideCredentials + 'static,
    ) -> huaweicloud_sdk_core::Config {
        huaweicloud_sdk_core::Config::new(provider)
            .with_endpoint(&self.url)
            .with_iam_endpoint(&self.url)
            .with_project_id(&self.project_id)
    }

    /// The `image_uri` under which `DownloadImageFile` serves the file `file_id` created with
    /// `CreateFile`: `/v1/upload/<file_id>/<yyyymm of creation>/<file_id>.<type>`. `None` for an
    /// unknown file id. The file is served once its upload has completed.
    ///
    /// `DownloadImageFile` looks files up by the name before the extension in the last segment
    /// of `image_uri`, so any URI of the documented pattern ending in `/<file_id>.<ext>` works.
    pub fn image_uri(&self, file_id: &str) -> Option<String> {
        self.shared.image_uri(file_id)
    }

    /// HTTP requests received so far, on every route, whatever their answer (a request rejected
    /// by the gateway checks counts too).
    pub fn request_count(&self) -> u64 {
        self.shared.request_count()
    }

    /// Stops accepting connections and waits for open ones to finish (at most a few seconds).
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for LocalEndpoint {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}
