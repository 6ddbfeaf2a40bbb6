//! The fault-injection tests' use of the shared scripted server, and the client calls it answers.
//!
//! A [`Server`] plays the n-th script for the n-th request (the last script repeats); see
//! [`Step`]. After a script the connection is closed, so every request arrives on a fresh
//! connection and requests == connections unless a test says otherwise.

#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use huaweicloud_sdk_core::retry::RetryConfig;
use huaweicloud_sdk_core::{Config, Result};
use huaweicloud_sdk_test_support::{Script, sdk};

pub use huaweicloud_sdk_test_support::{Request as Recorded, Step};

/// A misbehaving server; stops when dropped.
pub struct Server(huaweicloud_sdk_test_support::Server);

impl Server {
    /// Starts a server playing `scripts` (the last one repeats), each ending its connection.
    pub async fn start(scripts: Vec<Vec<Step>>) -> Server {
        let mut scripts: Vec<Vec<Step>> = scripts
            .into_iter()
            .map(|mut script| {
                script.push(Step::Close);
                script
            })
            .collect();
        let fallback = scripts.pop().expect("a server needs at least one script");
        let script = Script::steps(scripts, fallback);
        Server(
            huaweicloud_sdk_test_support::Server::start(script)
                .await
                .expect("bind"),
        )
    }

    /// A server answering every request with the same script.
    pub async fn always(script: Vec<Step>) -> Server {
        Self::start(vec![script]).await
    }

    /// `http://127.0.0.1:<port>`.
    pub fn endpoint(&self) -> String {
        self.0.url()
    }

    /// Requests read in full so far.
    pub fn requests(&self) -> usize {
        self.0.script().received().len()
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.0.script().connections()
    }

    /// The requests read so far.
    pub fn recorded(&self) -> Vec<Recorded> {
        self.0.script().received()
    }

    /// Bytes the server managed to write (the kernel accepted), all connections together.
    pub fn bytes_written(&self) -> u64 {
        self.0.script().bytes_written()
    }
}

// ---------------------------------------------------------------------------------------------
// Responses.

/// The request id every scripted response carries, so tests can check it is reported.
pub const REQUEST_ID: &str = "fault-req-0001";

/// A status line and headers (with `X-Request-Id` and `Connection: close`), no body framing.
pub fn head(status: u16, headers: &[(&str, &str)]) -> Vec<u8> {
    let mut all = vec![("x-request-id", REQUEST_ID), ("connection", "close")];
    all.extend_from_slice(headers);
    huaweicloud_sdk_test_support::server::head(status, &all)
}

/// A complete response with `Content-Length`.
pub fn response(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Step {
    let mut all = vec![("x-request-id", REQUEST_ID), ("connection", "close")];
    all.extend_from_slice(headers);
    Step::Write(huaweicloud_sdk_test_support::response(status, &all, body))
}

/// A complete JSON response.
pub fn json(status: u16, body: &str) -> Step {
    response(
        status,
        &[("content-type", "application/json")],
        body.as_bytes(),
    )
}

/// An error response as the API gateway sends it, with optional extra headers.
pub fn error(status: u16, headers: &[(&str, &str)]) -> Step {
    let body = format!(r#"{{"error_code":"TEST.{status}","error_msg":"scripted {status}"}}"#);
    let mut all: Vec<(&str, &str)> = vec![("content-type", "application/json")];
    all.extend_from_slice(headers);
    response(status, &all, body.as_bytes())
}

/// An endpoint nothing listens on: a port bound and released at once.
pub async fn refused_endpoint() -> String {
    let addr = huaweicloud_sdk_test_support::refused_addr().expect("bind");
    format!("http://{addr}")
}

// ---------------------------------------------------------------------------------------------
// Clients.

pub const PROJECT_ID: &str = sdk::PROJECT;

/// Retries with millisecond backoff so that tests stay fast; `Retry-After` capped at 50 ms.
pub fn fast_retry(max_attempts: u32) -> RetryConfig {
    RetryConfig::default()
        .with_max_attempts(max_attempts)
        .with_initial_backoff(Duration::from_millis(1))
        .with_max_backoff(Duration::from_millis(5))
        .with_max_retry_after(Duration::from_millis(50))
}

/// The shared test config with 3 fast attempts and generous (but finite) timeouts, so a bug
/// shows as a failure rather than a hung test.
pub fn config(endpoint: &str) -> Config {
    sdk::config(endpoint)
        .with_retry(fast_retry(3))
        .with_connect_timeout(Duration::from_secs(2))
        .with_read_timeout(Some(Duration::from_secs(5)))
        .with_attempt_timeout(Duration::from_secs(5))
        .with_total_timeout(Duration::from_secs(10))
}

/// SWR ShowInstanceArtifact: a `GET` decoded as JSON (idempotent).
pub async fn swr_get(
    config: &Config,
) -> Result<huaweicloud_sdk_swr::v2::ShowInstanceArtifactOutput> {
    huaweicloud_sdk_swr::v2::Client::new(config)
        .expect("swr client")
        .show_instance_artifact()
        .instance_id("inst-1")
        .namespace_name("ns")
        .repository_name("repo")
        .reference("latest")
        .send()
        .await
}

/// MetaStudio ListPictureModelingJobs: another `GET` decoded as JSON.
pub async fn metastudio_list(
    config: &Config,
) -> Result<huaweicloud_sdk_metastudio::v1::ListPictureModelingJobsOutput> {
    huaweicloud_sdk_metastudio::v1::Client::new(config)
        .expect("metastudio client")
        .list_picture_modeling_jobs()
        .send()
        .await
}

/// MetaStudio CreateFile: a `POST` (not idempotent).
pub async fn metastudio_create_file(
    config: &Config,
) -> Result<huaweicloud_sdk_metastudio::v1::CreateFileOutput> {
    use huaweicloud_sdk_metastudio::v1::models::{AssetFileCategory, FilesCreateReq};
    huaweicloud_sdk_metastudio::v1::Client::new(config)
        .expect("metastudio client")
        .create_file()
        .body(
            FilesCreateReq::new()
                .file_name("clip.mp4")
                .file_md5("1B2M2Y8AsgTpgAmY7PhCfg==")
                .file_size(10i64)
                .asset_id("asset-1")
                .asset_file_category(AssetFileCategory::Main),
        )
        .send()
        .await
}

/// HSS RunImageSynchronize: a `POST` whose 200 body may carry an error code.
#[allow(deprecated)]
pub async fn hss_sync(
    config: &Config,
) -> Result<huaweicloud_sdk_hss::v5::RunImageSynchronizeOutput> {
    use huaweicloud_sdk_hss::v5::models::{ImageType, RunImageSynchronizeRequestInfo};
    huaweicloud_sdk_hss::v5::Client::new(config)
        .expect("hss client")
        .run_image_synchronize()
        .body(RunImageSynchronizeRequestInfo::new().image_type(ImageType::PrivateImage))
        .send()
        .await
}

/// ProjectMan DownloadImageFile: a `GET` whose body is streamed.
pub async fn download(
    config: &Config,
) -> Result<huaweicloud_sdk_projectman::v4::DownloadImageFileOutput> {
    huaweicloud_sdk_projectman::v4::Client::new(config)
        .expect("projectman client")
        .download_image_file()
        .project_id(PROJECT_ID)
        .image_uri("/v1/upload/abc123/202401/image.png")
        .send()
        .await
}

/// A fresh, empty directory under the system temp dir, removed on drop.
pub struct TempDir(pub std::path::PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "hwc-faults-{tag}-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create temp dir");
        TempDir(path)
    }

    /// Names of the files in the directory.
    pub fn entries(&self) -> Vec<String> {
        std::fs::read_dir(&self.0)
            .expect("read temp dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
