//! Errors of the presigned upload `PUT`: an OBS XML error whose `<Code>` and `<Message>` hold
//! control characters is shown escaped, and a failed connection to the presigned URL keeps its
//! `io::Error` in the cause chain while no error output holds the URL's query.

use std::error::Error as _;
use std::path::PathBuf;

use httpmock::prelude::*;
use huaweicloud_sdk_core::Error;
use huaweicloud_sdk_metastudio::upload::UploadFile;
use huaweicloud_sdk_metastudio::v1::Client;
use huaweicloud_sdk_metastudio::v1::models::AssetFileCategory;
use huaweicloud_sdk_test_support::{refused_addr, sdk};
use serde_json::json;

const FILES: &str = "/v1/0123456789abcdef0123456789abcdef/files";
const ASSET: &str = "8cb2f48a2cb006154794741933421100";
const SIGNATURE: &str = "UPLOADSIGNATURE0123456789abcdef";
const ACCESS_KEY_ID: &str = "UPLOADACCESSKEY00042";

/// A temporary file removed on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "hwc-metastudio-upload-errors-{}-{name}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, b"\x89PNG not really").unwrap();
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

async fn create_file_answers(server: &MockServer, upload_url: String) {
    server
        .mock_async(|when, then| {
            when.method(POST).path(FILES);
            then.status(200)
                .header("content-type", "application/json")
                .json_body(json!({ "file_id": "file-0009", "upload_url": upload_url }));
        })
        .await;
}

async fn upload(server: &MockServer, file: &TempFile) -> Error {
    UploadFile::new(&sdk::client(server, Client::new).unwrap(), &file.0)
        .asset_id(ASSET)
        .asset_file_category(AssetFileCategory::Main)
        .send()
        .await
        .unwrap_err()
}

#[tokio::test]
async fn obs_xml_codes_and_messages_are_shown_escaped() {
    let server = MockServer::start_async().await;
    create_file_answers(
        &server,
        server.url(format!("/bucket/x.png?Signature={SIGNATURE}")),
    )
    .await;
    server
        .mock_async(|when, then| {
            when.method(PUT).path("/bucket/x.png");
            then.status(403)
                .header("content-type", "application/xml")
                .header("x-obs-request-id", "obs-rid")
                .body(
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied\n\
                     2026-01-01 INFO forged\u{1b}[2K</Code><Message>Denied\r\nHTTP/1.1 200 OK\
                     \u{1b}]0;title\u{7}\u{9b}31m</Message><RequestId>obs-rid</RequestId></Error>",
                );
        })
        .await;
    let file = TempFile::new("escaped.png");
    let err = upload(&server, &file).await;
    assert_eq!(
        err.error_code(),
        Some("AccessDenied\n2026-01-01 INFO forged\u{1b}[2K")
    );
    let shown = err.to_string();
    assert!(
        !shown.chars().any(char::is_control),
        "a control character in {shown:?}"
    );
    assert_eq!(
        shown,
        "metastudio UploadFile: HTTP 403 AccessDenied\\n2026-01-01 INFO forged\\u{1b}[2K \
         \"Denied\\r\\nHTTP/1.1 200 OK\\u{1b}]0;title\\u{7}\\u{9b}31m\" (request id obs-rid)"
    );
}

#[tokio::test]
async fn a_refused_upload_keeps_its_cause_and_hides_the_presigned_query() {
    let closed = refused_addr().unwrap().port();
    let server = MockServer::start_async().await;
    create_file_answers(
        &server,
        format!(
            "http://127.0.0.1:{closed}/bucket/y.png?AccessKeyId={ACCESS_KEY_ID}\
             &Expires=1700000000&Signature={SIGNATURE}"
        ),
    )
    .await;
    let file = TempFile::new("refused.png");
    let err = upload(&server, &file).await;
    assert!(err.is_transport() && err.is_connect(), "{err:?}");
    assert_eq!(err.peer(), Some(format!("127.0.0.1:{closed}").as_str()));
    let mut refused = false;
    let mut shown = format!("{err}\n{err:?}\n{err:#?}\n{}\n", err.report());
    let mut cause = err.source();
    while let Some(c) = cause {
        refused |= c
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::ConnectionRefused);
        shown.push_str(&format!("{c}\n{c:?}\n"));
        cause = c.source();
    }
    assert!(refused, "no refused io::Error among the causes: {err:?}");
    for secret in [SIGNATURE, ACCESS_KEY_ID, "Signature=", "/bucket/y.png"] {
        assert!(!shown.contains(secret), "{secret} shown in\n{shown}");
    }
}
