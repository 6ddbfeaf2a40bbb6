//! The download helper: DownloadImageFile written to files and writers, against local servers
//! on 127.0.0.1 (httpmock, and the scripted raw TCP server for broken bodies).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use httpmock::prelude::*;
use huaweicloud_sdk_projectman::download::{self, DownloadOptions};
use huaweicloud_sdk_projectman::v4::{Client, DownloadImageFileOutput};
use huaweicloud_sdk_test_support::{Script, Server, Step, sdk};

const PROJECT: &str = "5e9ae3a5f1fc4e4a9a2f7a6a1e0c6c8d";
const IMAGE_URI: &str =
    "/v1/upload/2c42a6d37ccc4197bf0b3dbe91be021a/202209/1662003438194761550.png";

async fn fetch(base_url: &str) -> DownloadImageFileOutput {
    Client::new(&sdk::config(base_url))
        .unwrap()
        .download_image_file()
        .project_id(PROJECT)
        .image_uri(IMAGE_URI)
        .send()
        .await
        .unwrap()
}

/// A fresh directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "hwc-projectman-download-{}-{tag}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.0)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn image(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 % 256) as u8).collect()
}

async fn serve_image(server: &MockServer, body: Vec<u8>) {
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("/v4/projects/{PROJECT}/image-file"))
                .query_param("image_uri", IMAGE_URI);
            then.status(200)
                .header("content-type", "image/png")
                .body(body);
        })
        .await;
}

type Calls = Arc<Mutex<Vec<(u64, Option<u64>)>>>;

fn recording() -> (DownloadOptions, Calls) {
    let calls: Calls = Arc::default();
    let log = calls.clone();
    let options = DownloadOptions::new().progress(move |d, t| log.lock().unwrap().push((d, t)));
    (options, calls)
}

fn assert_progress(calls: &Calls, total: u64) {
    let calls = calls.lock().unwrap();
    assert!(!calls.is_empty());
    assert!(
        calls.windows(2).all(|w| w[0].0 < w[1].0),
        "not monotone: {calls:?}"
    );
    assert!(calls.iter().all(|c| c.1 == Some(total)), "{calls:?}");
    assert_eq!(calls.last().copied(), Some((total, Some(total))));
}

#[tokio::test]
async fn writes_exact_bytes_to_a_file_with_progress() {
    let server = MockServer::start_async().await;
    let body = image(300_000);
    serve_image(&server, body.clone()).await;
    let dir = TempDir::new("file");
    let dest = dir.0.join("image.png");
    std::fs::write(&dest, b"an older version").unwrap();

    let (options, calls) = recording();
    let written = download::write_to_file(fetch(&server.base_url()).await, &dest, &options)
        .await
        .unwrap();
    assert_eq!(written, 300_000);
    assert_eq!(std::fs::read(&dest).unwrap(), body);
    assert_eq!(dir.names(), vec!["image.png"], "no temporary file is left");
    assert_progress(&calls, 300_000);
}

#[tokio::test]
async fn writes_exact_bytes_to_any_writer() {
    let server = MockServer::start_async().await;
    let body = image(70_000);
    serve_image(&server, body.clone()).await;
    let (options, calls) = recording();
    let mut out: Vec<u8> = Vec::new();
    let written = download::write_to(fetch(&server.base_url()).await, &mut out, &options)
        .await
        .unwrap();
    assert_eq!(written, 70_000);
    assert_eq!(out, body);
    assert_progress(&calls, 70_000);

    // No options: no progress, same bytes.
    let mut out: Vec<u8> = Vec::new();
    download::write_to(
        fetch(&server.base_url()).await,
        &mut out,
        &DownloadOptions::default(),
    )
    .await
    .unwrap();
    assert_eq!(out, body);
}

#[tokio::test]
async fn an_empty_image_reports_zero_once() {
    let server = MockServer::start_async().await;
    serve_image(&server, Vec::new()).await;
    let dir = TempDir::new("empty");
    let dest = dir.0.join("empty.png");
    let (options, calls) = recording();
    let written = download::write_to_file(fetch(&server.base_url()).await, &dest, &options)
        .await
        .unwrap();
    assert_eq!(written, 0);
    assert_eq!(std::fs::read(&dest).unwrap(), b"");
    assert_eq!(*calls.lock().unwrap(), vec![(0, Some(0))]);
}

/// A 127.0.0.1 server that answers each request with `head` and `body`, then closes the
/// connection mid-body.
async fn broken_server(head: &str, body: &[u8]) -> Server {
    let answer = [head.as_bytes(), body].concat();
    let script = Script::steps(Vec::new(), vec![Step::Write(answer), Step::Close]);
    Server::start(script).await.unwrap()
}

async fn assert_no_file_is_left(url: String, dir: &TempDir, existing: Option<&[u8]>) {
    let dest = dir.0.join("image.png");
    if let Some(old) = existing {
        std::fs::write(&dest, old).unwrap();
    }
    let (options, _) = recording();
    let err = download::write_to_file(fetch(&url).await, &dest, &options)
        .await
        .unwrap_err();
    assert!(err.is_transport(), "{err:?}");
    match existing {
        Some(old) => {
            assert_eq!(
                std::fs::read(&dest).unwrap(),
                old,
                "the old file is untouched"
            );
            assert_eq!(dir.names(), vec!["image.png"]);
        }
        None => assert!(dir.names().is_empty(), "left: {:?}", dir.names()),
    }
}

#[tokio::test]
async fn a_body_shorter_than_content_length_is_an_error() {
    let head = "HTTP/1.1 200 OK\r\ncontent-type: image/png\r\ncontent-length: 1000\r\n\
                x-request-id: rid-short\r\n\r\n";
    let dir = TempDir::new("short");
    let server = broken_server(head, &[7; 100]).await;
    assert_no_file_is_left(server.url(), &dir, None).await;
    let dir = TempDir::new("short-existing");
    let server = broken_server(head, &[7; 100]).await;
    let url = server.url();
    assert_no_file_is_left(url, &dir, Some(b"keep me")).await;

    // The same through a writer: an error, not a short success.
    let mut out = Vec::new();
    let server = broken_server(head, &[7; 100]).await;
    let url = server.url();
    let err = download::write_to(fetch(&url).await, &mut out, &DownloadOptions::new())
        .await
        .unwrap_err();
    assert!(err.is_transport(), "{err:?}");
    assert!(out.len() <= 100);
}

#[tokio::test]
async fn a_chunked_body_cut_mid_way_is_an_error() {
    let head = "HTTP/1.1 200 OK\r\ncontent-type: image/png\r\ntransfer-encoding: chunked\r\n\r\n";
    let dir = TempDir::new("chunked");
    let server = broken_server(head, b"a\r\n0123456789\r\n").await;
    let url = server.url();
    assert_no_file_is_left(url, &dir, None).await;
}

#[tokio::test]
async fn an_unwritable_destination_is_an_error_before_reading() {
    let server = MockServer::start_async().await;
    serve_image(&server, image(10)).await;
    let missing = Path::new("/nonexistent-dir-for-hwc-tests/image.png");
    let err = download::write_to_file(
        fetch(&server.base_url()).await,
        missing,
        &DownloadOptions::new(),
    )
    .await
    .unwrap_err();
    assert!(err.is_construction(), "{err:?}");
}
