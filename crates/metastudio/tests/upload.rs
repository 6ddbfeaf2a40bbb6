//! The upload helper on the wire: CreateFile, then the unsigned presigned PUT, against local
//! servers on 127.0.0.1.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use httpmock::prelude::*;
use huaweicloud_sdk_core::retry::RetryConfig;
use huaweicloud_sdk_core::{Config, Credentials};
use huaweicloud_sdk_metastudio::upload::{UploadFile, file_content_md5};
use huaweicloud_sdk_metastudio::v1::Client;
use huaweicloud_sdk_metastudio::v1::models::AssetFileCategory;
use huaweicloud_sdk_test_support::{Script, Server, response, sdk};
use serde_json::json;

const AK: &str = "HPUAEXAMPLEAK0000001";
const SK: &str = "exampleSecretKey0000000000000000000000000";
const PROJECT: &str = "0123456789abcdef0123456789abcdef";
const FILES: &str = "/v1/0123456789abcdef0123456789abcdef/files";
const ASSET: &str = "8cb2f48a2cb006154794741933421100";

/// A temporary file removed on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, contents: &[u8]) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "hwc-metastudio-upload-{}-{}",
            std::process::id(),
            fastrand_suffix()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, contents).unwrap();
        Self(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(dir) = self.0.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

fn fastrand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

/// Bytes `i % 251`: binary content, several chunks long.
fn contents(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

#[tokio::test]
async fn file_md5_matches_python() {
    // python3 -c 'import base64,hashlib;print(base64.b64encode(hashlib.md5(
    //     bytes(i % 251 for i in range(200000))).digest()))'
    let file = TempFile::new("known.bin", &contents(200_000));
    let (md5, len) = file_content_md5(&file.0).await.unwrap();
    assert_eq!(len, 200_000);
    assert_eq!(md5, "QV1uZiEYwinGrT+VDCRwKg==");
}

#[tokio::test]
async fn uploads_with_create_file_then_an_unsigned_put() {
    let server = MockServer::start_async().await;
    let body = contents(200_000);
    let file = TempFile::new("Cover.PNG", &body);
    let md5 = "QV1uZiEYwinGrT+VDCRwKg==";
    let create = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(FILES)
                .header_exists("authorization")
                .json_body(json!({
                    "file_name": "Cover.PNG",
                    "file_md5": md5,
                    "file_size": 200_000,
                    "asset_id": ASSET,
                    "asset_file_category": "COVER",
                }));
            then.status(200)
                .header("content-type", "application/json")
                .header("x-request-id", "rid-create")
                .json_body(json!({
                    "file_id": "file-0001",
                    "upload_url": server.url("/bucket/file-0001.png?AccessKeyId=x&Signature=a%2Bb%3D"),
                }));
        })
        .await;
    let expected = body.clone();
    let put = server
        .mock_async(move |when, then| {
            when.method(PUT)
                .path("/bucket/file-0001.png")
                .query_param("Signature", "a+b=")
                .header("content-md5", md5)
                .header("content-type", "image/png")
                .header("content-length", "200000")
                .is_true(|req| !req.headers().contains_key("authorization"))
                .is_true(|req| !req.headers().contains_key("x-sdk-date"))
                .is_true(move |req| req.body_ref() == expected.as_slice());
            then.status(200).header("x-obs-request-id", "obs-rid");
        })
        .await;

    let calls = Arc::new(Mutex::new(Vec::new()));
    let log = calls.clone();
    let out = UploadFile::new(&sdk::client(&server, Client::new).unwrap(), &file.0)
        .asset_id(ASSET)
        .asset_file_category(AssetFileCategory::Cover)
        .progress(move |done, total| log.lock().unwrap().push((done, total)))
        .send()
        .await
        .unwrap();
    create.assert_async().await;
    put.assert_async().await;
    assert_eq!(out.file_id, "file-0001");
    assert_eq!(out.file_md5, md5);
    assert_eq!(out.file_size, 200_000);
    assert_eq!(out.content_type, "image/png");
    assert_eq!(out.request_id.as_deref(), Some("rid-create"));
    assert_eq!(out.upload_request_id.as_deref(), Some("obs-rid"));

    let calls = calls.lock().unwrap();
    assert!(calls.len() >= 2, "the file spans several chunks: {calls:?}");
    assert!(calls.windows(2).all(|w| w[0].0 < w[1].0), "{calls:?}");
    assert!(calls.iter().all(|c| c.1 == Some(200_000)));
    assert_eq!(calls.last().copied(), Some((200_000, Some(200_000))));
}

#[tokio::test]
async fn overrides_name_and_type_and_picks_the_content_type() {
    let server = MockServer::start_async().await;
    let file = TempFile::new("take.bin", b"RIFF....WAVE");
    let md5 = huaweicloud_sdk_metastudio::upload::content_md5(b"RIFF....WAVE");
    let create = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(FILES)
                .header("x-app-userid", "user-1")
                .json_body(json!({
                    "file_name": "voice.sample",
                    "file_md5": md5,
                    "file_size": 12,
                    "file_type": "WAV",
                    "asset_id": ASSET,
                    "asset_file_category": "SAMPLE",
                }));
            then.status(200).json_body(json!({
                "file_id": "file-0002",
                "upload_url": server.url("/bucket/file-0002"),
            }));
        })
        .await;
    let put = server
        .mock_async(|when, then| {
            when.method(PUT)
                .path("/bucket/file-0002")
                .header("content-type", "audio/wav")
                .header("content-md5", md5.as_str())
                .body("RIFF....WAVE");
            then.status(200);
        })
        .await;
    let out = UploadFile::new(&sdk::client(&server, Client::new).unwrap(), &file.0)
        .file_name("voice.sample")
        .file_type("WAV")
        .x_app_user_id("user-1")
        .asset_id(ASSET)
        .asset_file_category(AssetFileCategory::Sample)
        .send()
        .await
        .unwrap();
    create.assert_async().await;
    put.assert_async().await;
    assert_eq!(out.content_type, "audio/wav");
    assert_eq!(out.file_id, "file-0002");
}

#[tokio::test]
async fn a_refused_put_is_a_service_error_with_status_and_request_id() {
    let server = MockServer::start_async().await;
    let file = TempFile::new("a.mp4", b"not really a video");
    server
        .mock_async(|when, then| {
            when.method(POST).path(FILES);
            then.status(200).json_body(json!({
                "file_id": "file-0003",
                "upload_url": server.url("/bucket/file-0003.mp4?Signature=s"),
            }));
        })
        .await;
    let put = server
        .mock_async(|when, then| {
            when.method(PUT)
                .path("/bucket/file-0003.mp4")
                .header("content-type", "video/mp4");
            then.status(403)
                .header("content-type", "application/xml")
                .header("x-obs-request-id", "obs-denied")
                .body(
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SignatureDoesNotMatch\
                     </Code><Message>The request signature we calculated does not match\
                     </Message><RequestId>obs-denied</RequestId></Error>",
                );
        })
        .await;
    let err = UploadFile::new(&sdk::client(&server, Client::new).unwrap(), &file.0)
        .asset_id(ASSET)
        .asset_file_category(AssetFileCategory::Main)
        .send()
        .await
        .unwrap_err();
    put.assert_async().await;
    assert!(err.is_service(), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(403));
    assert_eq!(err.request_id(), Some("obs-denied"));
    assert_eq!(err.error_code(), Some("SignatureDoesNotMatch"));
    assert_eq!(err.operation(), Some(("metastudio", "UploadFile")));
    let shown = err.to_string();
    assert!(
        shown.contains("403") && shown.contains("obs-denied"),
        "{shown}"
    );
    assert!(
        !shown.contains("Signature=s"),
        "the presigned URL must not leak: {shown}"
    );
}

#[tokio::test]
async fn missing_fields_and_empty_files_fail_before_any_request() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(500);
        })
        .await;
    let file = TempFile::new("a.png", b"x");
    let err = UploadFile::new(&sdk::client(&server, Client::new).unwrap(), &file.0)
        .asset_file_category(AssetFileCategory::Main)
        .send()
        .await
        .unwrap_err();
    assert!(
        err.is_construction() && err.to_string().contains("asset_id"),
        "{err}"
    );

    let empty = TempFile::new("empty.png", b"");
    let err = UploadFile::new(&sdk::client(&server, Client::new).unwrap(), &empty.0)
        .asset_id(ASSET)
        .asset_file_category(AssetFileCategory::Main)
        .send()
        .await
        .unwrap_err();
    assert!(err.is_construction(), "{err}");

    let err = UploadFile::new(
        &sdk::client(&server, Client::new).unwrap(),
        "/nonexistent/dir/file.png",
    )
    .asset_id(ASSET)
    .asset_file_category(AssetFileCategory::Main)
    .send()
    .await
    .unwrap_err();
    assert!(err.is_construction(), "{err}");
    assert_eq!(any.calls_async().await, 0);
}

/// A presigned-URL server on 127.0.0.1: answers the first PUT 503, later ones 200.
async fn busy_once_obs() -> Server {
    let script = Script::new(
        vec![response(503, &[], "")],
        response(200, &[("x-obs-request-id", "obs-retried")], ""),
    );
    Server::start(script).await.unwrap()
}

#[tokio::test]
async fn a_put_answered_503_is_retried_with_the_file_read_anew() {
    let server = MockServer::start_async().await;
    let obs_server = busy_once_obs().await;
    let obs = obs_server.url();
    let body = contents(200_000);
    let file = TempFile::new("retried.png", &body);
    let upload_url = format!("{obs}/bucket/file-0003.png?AccessKeyId=x&Signature=s");
    server
        .mock_async(|when, then| {
            when.method(POST).path(FILES);
            then.status(200)
                .header("content-type", "application/json")
                .json_body(json!({"file_id": "file-0003", "upload_url": upload_url}));
        })
        .await;
    let config = Config::new(Credentials::new(AK, SK).with_project_id(PROJECT))
        .with_endpoint(server.base_url())
        .with_retry(
            RetryConfig::default()
                .with_initial_backoff(std::time::Duration::from_millis(5))
                .with_max_backoff(std::time::Duration::from_millis(20)),
        );
    let calls = Arc::new(Mutex::new(Vec::new()));
    let log = calls.clone();
    let out = UploadFile::new(&Client::new(&config).unwrap(), &file.0)
        .asset_id(ASSET)
        .asset_file_category(AssetFileCategory::Cover)
        .progress(move |done, total| log.lock().unwrap().push((done, total)))
        .send()
        .await
        .unwrap();
    assert_eq!(out.upload_request_id.as_deref(), Some("obs-retried"));
    let bodies: Vec<Vec<u8>> = obs_server
        .script()
        .received()
        .into_iter()
        .map(|r| r.body)
        .collect();
    assert_eq!(bodies.len(), 2);
    assert!(bodies.iter().all(|b| *b == body));
    // Across the two attempts the counts never go back.
    let calls = calls.lock().unwrap();
    assert!(calls.windows(2).all(|w| w[0].0 <= w[1].0), "{calls:?}");
    assert_eq!(calls.last().copied(), Some((200_000, Some(200_000))));
}
