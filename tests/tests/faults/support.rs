//! Scripted raw-TCP servers for the fault-injection tests, and the client calls they answer.
//!
//! A [`Server`] listens on `127.0.0.1:0`, reads each HTTP/1.1 request in full, counts it, and then
//! plays the script for that request (the n-th request gets the n-th script; the last script
//! repeats). A script is a list of [`Step`]s: write bytes, sleep, stream a large filler body,
//! hang, reset (RST) or close. After a script the connection is closed, so every request arrives
//! on a fresh connection and requests == connections unless a test says otherwise.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use huaweicloud_sdk_core::config::endpoint::EndpointEnv;
use huaweicloud_sdk_core::retry::RetryConfig;
use huaweicloud_sdk_core::{Config, Credentials, Result};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// One thing the server does after reading a request.
#[derive(Clone, Debug)]
pub enum Step {
    /// Writes these bytes.
    Write(Vec<u8>),
    /// Waits.
    Sleep(Duration),
    /// Writes `total` bytes of `x` in 64 KiB chunks, stopping when the client goes away.
    Filler(u64),
    /// Writes a chunked body of `total` bytes of `x` (64 KiB chunks) with its final chunk.
    ChunkedFiller(u64),
    /// Keeps the connection open and silent until the client closes it.
    Hang,
    /// Aborts the connection with a TCP reset.
    Reset,
    /// Closes the connection (FIN) without anything more.
    Close,
}

/// What the server saw of one request.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

struct State {
    scripts: Vec<Vec<Step>>,
    connections: AtomicUsize,
    requests: Mutex<Vec<Recorded>>,
    written: AtomicU64,
}

/// A misbehaving server; stops when dropped.
pub struct Server {
    addr: SocketAddr,
    state: Arc<State>,
    task: JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Server {
    /// Starts a server playing `scripts` (the last one repeats).
    pub async fn start(scripts: Vec<Vec<Step>>) -> Server {
        assert!(!scripts.is_empty(), "a server needs at least one script");
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("local addr");
        let state = Arc::new(State {
            scripts,
            connections: AtomicUsize::new(0),
            requests: Mutex::new(Vec::new()),
            written: AtomicU64::new(0),
        });
        let shared = state.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                shared.connections.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(serve(stream, shared.clone()));
            }
        });
        Server { addr, state, task }
    }

    /// A server answering every request with the same script.
    pub async fn always(script: Vec<Step>) -> Server {
        Self::start(vec![script]).await
    }

    /// `http://127.0.0.1:<port>`.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Requests read in full so far.
    pub fn requests(&self) -> usize {
        self.state.requests.lock().expect("lock").len()
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.state.connections.load(Ordering::SeqCst)
    }

    /// The requests read so far.
    pub fn recorded(&self) -> Vec<Recorded> {
        self.state.requests.lock().expect("lock").clone()
    }

    /// Bytes the server managed to write (the kernel accepted), all connections together.
    pub fn bytes_written(&self) -> u64 {
        self.state.written.load(Ordering::SeqCst)
    }
}

async fn serve(mut stream: TcpStream, state: Arc<State>) {
    let Some(request) = read_request(&mut stream).await else {
        return;
    };
    let index = {
        let mut requests = state.requests.lock().expect("lock");
        requests.push(request);
        requests.len() - 1
    };
    let script = &state.scripts[index.min(state.scripts.len() - 1)];
    for step in script {
        match step {
            Step::Write(bytes) => {
                if stream.write_all(bytes).await.is_err() {
                    return;
                }
                state
                    .written
                    .fetch_add(bytes.len() as u64, Ordering::SeqCst);
            }
            Step::Sleep(d) => tokio::time::sleep(*d).await,
            Step::Filler(total) => {
                if !filler(&mut stream, &state, *total, false).await {
                    return;
                }
            }
            Step::ChunkedFiller(total) => {
                if !filler(&mut stream, &state, *total, true).await {
                    return;
                }
            }
            Step::Hang => {
                // Read (and drop) until the client closes; never answer.
                let mut buf = [0u8; 1024];
                while matches!(stream.read(&mut buf).await, Ok(n) if n > 0) {}
                return;
            }
            Step::Reset => {
                // SO_LINGER 0 turns the close into a RST; with a zero timeout nothing blocks.
                #[allow(deprecated)]
                let _ = stream.set_linger(Some(Duration::ZERO));
                drop(stream);
                return;
            }
            Step::Close => break,
        }
    }
    let _ = stream.flush().await;
    let _ = stream.shutdown().await;
}

/// Streams `total` filler bytes; false when the client went away.
async fn filler(stream: &mut TcpStream, state: &State, total: u64, chunked: bool) -> bool {
    const CHUNK: usize = 64 * 1024;
    let block = vec![b'x'; CHUNK];
    let mut left = total;
    while left > 0 {
        let n = left.min(CHUNK as u64) as usize;
        let ok = if chunked {
            let head = format!("{n:x}\r\n");
            stream.write_all(head.as_bytes()).await.is_ok()
                && stream.write_all(&block[..n]).await.is_ok()
                && stream.write_all(b"\r\n").await.is_ok()
        } else {
            stream.write_all(&block[..n]).await.is_ok()
        };
        if !ok {
            return false;
        }
        state.written.fetch_add(n as u64, Ordering::SeqCst);
        left -= n as u64;
    }
    !chunked || stream.write_all(b"0\r\n\r\n").await.is_ok()
}

/// Reads one request (head, then a `Content-Length` body); `None` on EOF or garbage.
async fn read_request(stream: &mut TcpStream) -> Option<Recorded> {
    let mut buf = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        if buf.len() > 256 * 1024 {
            return None;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let target = request_line.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Recorded {
        method,
        target,
        headers,
        body,
    })
}

// ---------------------------------------------------------------------------------------------
// Responses.

/// The request id every scripted response carries, so tests can check it is reported.
pub const REQUEST_ID: &str = "fault-req-0001";

/// A status line and headers (with `X-Request-Id` and `Connection: close`), no body framing.
pub fn head(status: u16, headers: &[(&str, &str)]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    out.push_str(&format!(
        "x-request-id: {REQUEST_ID}\r\nconnection: close\r\n"
    ));
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    out.into_bytes()
}

/// A complete response with `Content-Length`.
pub fn response(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Step {
    let length = body.len().to_string();
    let mut all: Vec<(&str, &str)> = headers.to_vec();
    all.push(("content-length", &length));
    let mut out = head(status, &all);
    out.extend_from_slice(body);
    Step::Write(out)
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

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Whatever",
    }
}

/// An endpoint nothing listens on: a port bound and released at once.
pub async fn refused_endpoint() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local addr");
    drop(listener);
    format!("http://{addr}")
}

// ---------------------------------------------------------------------------------------------
// Clients.

pub const PROJECT_ID: &str = "0123456789abcdef0123456789abcdef";

/// Retries with millisecond backoff so that tests stay fast; `Retry-After` capped at 50 ms.
pub fn fast_retry(max_attempts: u32) -> RetryConfig {
    RetryConfig::default()
        .with_max_attempts(max_attempts)
        .with_initial_backoff(Duration::from_millis(1))
        .with_max_backoff(Duration::from_millis(5))
        .with_max_retry_after(Duration::from_millis(50))
}

/// A config for `endpoint`: no environment, 3 fast attempts, generous (but finite) timeouts so
/// a bug shows as a failure rather than a hung test.
pub fn config(endpoint: &str) -> Config {
    Config::new(Credentials::new("FAULTAK", "FAULTSK").with_project_id(PROJECT_ID))
        .with_endpoint(endpoint)
        .with_endpoint_env(EndpointEnv::from_lookup(|_| None))
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
