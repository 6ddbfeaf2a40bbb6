//! The upload storage under pressure: file and byte quotas, a stalled upload, and concurrent
//! uploads to one presigned URL.

mod common;

use std::path::Path;
use std::time::Duration;

use common::Signing;
use huaweicloud_sdk_local::{DEFAULT_PROJECT_ID, LocalEndpoint};
use serde_json::{Value, json};
use tokio::io::AsyncWriteExt as _;

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// `CreateFile` for a PNG of `content`, hand-signed: `(status, body)`.
async fn create_file(local: &LocalEndpoint, content: &[u8]) -> (u16, Value) {
    let host = common::host_of(local.url());
    let path = format!("/v1/{DEFAULT_PROJECT_ID}/files");
    let body = json!({
        "file_name": "photo.png",
        "file_md5": common::content_md5(content),
        "file_size": content.len(),
        "asset_id": "asset-1",
        "asset_file_category": "MAIN",
    })
    .to_string();
    let signed = Signing {
        host: Some(&host),
        method: "POST",
        path_and_query: &path,
        extra: &[
            ("Content-Type", "application/json"),
            ("X-Project-Id", DEFAULT_PROJECT_ID),
        ],
        body: body.as_bytes(),
        ..Signing::default()
    }
    .sign();
    let response = signed.send(local.url(), None).await;
    let status = response.status().as_u16();
    let body = serde_json::from_slice(&response.bytes().await.expect("body")).expect("JSON");
    (status, body)
}

/// `(file_id, upload_url)` of a new file for `content`.
async fn register(local: &LocalEndpoint, content: &[u8]) -> (String, String) {
    let (status, body) = create_file(local, content).await;
    assert_eq!(status, 200, "{body}");
    (
        body["file_id"].as_str().expect("file_id").to_owned(),
        body["upload_url"].as_str().expect("upload_url").to_owned(),
    )
}

async fn put(url: &str, content: &[u8], md5_of: &[u8]) -> (u16, String) {
    let response = reqwest::Client::new()
        .put(url)
        .header("Content-Type", "image/png")
        .header("Content-MD5", common::content_md5(md5_of))
        .body(content.to_vec())
        .send()
        .await
        .expect("PUT sent");
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}

/// Names in the upload directory other than the completed uploads `keep`.
fn leftovers(files_dir: &Path, keep: &[&str]) -> Vec<String> {
    std::fs::read_dir(files_dir)
        .expect("files dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|name| !keep.contains(&name.as_str()))
        .collect()
}

#[tokio::test]
async fn create_file_stops_at_the_file_quota() -> TestResult {
    let local = LocalEndpoint::builder().max_files(2).start().await?;
    register(&local, b"one").await;
    register(&local, b"two").await;
    let (status, body) = create_file(&local, b"three").await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["error_code"], "MSS.00000020");
    assert!(
        body["error_msg"]
            .as_str()
            .is_some_and(|m| m.contains("at most 2 files")),
        "{body}"
    );
    Ok(())
}

#[tokio::test]
async fn uploads_stop_at_the_byte_quota() -> TestResult {
    let local = LocalEndpoint::builder()
        .max_stored_bytes(100)
        .start()
        .await?;
    let a = vec![b'a'; 60];
    let b = vec![b'b'; 60];
    let small = vec![b'c'; 40];
    let (a_id, a_url) = register(&local, &a).await;
    let (_, b_url) = register(&local, &b).await;
    let (small_id, small_url) = register(&local, &small).await;
    assert_eq!(put(&a_url, &a, &a).await.0, 200);

    // 60 stored + 60 > 100: refused, before its body is read.
    let (status, text) = put(&b_url, &b, &b).await;
    assert_eq!(status, 403, "{text}");
    assert!(text.contains("<Code>InsufficientStorage</Code>"), "{text}");
    let host = common::host_of(local.url());
    let target = b_url.trim_start_matches(local.url());
    let head = format!(
        "PUT {target} HTTP/1.1\r\nHost: {host}\r\nContent-Type: image/png\r\n\
         Content-MD5: {}\r\nContent-Length: 60\r\n\r\n",
        common::content_md5(&b)
    );
    let answer = common::raw_exchange(local.addr(), &head, b"", Duration::from_secs(10)).await;
    assert_eq!(answer.map(|(s, _)| s), Some(403));

    // 60 + 40 fits exactly.
    assert_eq!(put(&small_url, &small, &small).await.0, 200);
    let files_dir = local.storage_dir().join("files");
    let mut stored = leftovers(&files_dir, &[]);
    stored.sort();
    let mut expected = vec![a_id, small_id];
    expected.sort();
    assert_eq!(stored, expected);
    Ok(())
}

#[tokio::test]
async fn stalled_upload_times_out_and_leaves_no_file() -> TestResult {
    let local = LocalEndpoint::builder()
        .body_timeout(Duration::from_millis(300))
        .start()
        .await?;
    let content = vec![7u8; 1000];
    let (file_id, url) = register(&local, &content).await;
    let host = common::host_of(local.url());
    let head = format!(
        "PUT {} HTTP/1.1\r\nHost: {host}\r\nContent-Type: image/png\r\n\
         Content-MD5: {}\r\nContent-Length: 1000\r\n\r\n",
        url.trim_start_matches(local.url()),
        common::content_md5(&content)
    );
    let answer = common::raw_exchange(
        local.addr(),
        &head,
        &content[..100],
        Duration::from_secs(20),
    )
    .await;
    let (status, text) = answer.expect("answered after the body timeout");
    assert_eq!(status, 400, "{text}");
    assert!(text.contains("<Code>RequestTimeout</Code>"), "{text}");
    assert!(
        leftovers(&local.storage_dir().join("files"), &[]).is_empty(),
        "no partial or temporary file"
    );
    // The upload can be made afterwards.
    assert_eq!(put(&url, &content, &content).await.0, 200);
    assert_eq!(
        std::fs::read(local.storage_dir().join("files").join(&file_id))?,
        content
    );
    Ok(())
}

#[tokio::test]
async fn trickled_upload_is_cut_off_at_the_body_deadline_and_leaves_no_file() -> TestResult {
    // Each byte comes well within the body timeout; the whole body would take 20 s.
    let local = LocalEndpoint::builder()
        .body_timeout(Duration::from_secs(10))
        .body_deadline(Duration::from_millis(300))
        .start()
        .await?;
    let content = vec![7u8; 1000];
    let (_, url) = register(&local, &content).await;
    let host = common::host_of(local.url());
    let head = format!(
        "PUT {} HTTP/1.1\r\nHost: {host}\r\nContent-Type: image/png\r\n\
         Content-MD5: {}\r\nContent-Length: 1000\r\n\r\n",
        url.trim_start_matches(local.url()),
        common::content_md5(&content)
    );
    let answer = common::trickle_exchange(
        local.addr(),
        &head,
        &content,
        Duration::from_millis(20),
        Duration::from_secs(10),
    )
    .await;
    let (status, text) = answer.expect("answered at the body deadline");
    assert_eq!(status, 400, "{text}");
    assert!(text.contains("<Code>RequestTimeout</Code>"), "{text}");
    assert!(text.contains("body deadline (300 ms)"), "{text}");
    assert!(
        leftovers(&local.storage_dir().join("files"), &[]).is_empty(),
        "no partial or temporary file"
    );
    Ok(())
}

/// Opens a PUT of `len` bytes to `url` and returns the connection, head sent, body not yet.
async fn open_put(local: &LocalEndpoint, url: &str, md5_of: &[u8]) -> tokio::net::TcpStream {
    let host = common::host_of(local.url());
    let head = format!(
        "PUT {} HTTP/1.1\r\nHost: {host}\r\nContent-Type: image/png\r\n\
         Content-MD5: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        url.trim_start_matches(local.url()),
        common::content_md5(md5_of),
        md5_of.len()
    );
    let mut stream = tokio::net::TcpStream::connect(local.addr())
        .await
        .expect("connect");
    stream.write_all(head.as_bytes()).await.expect("head");
    stream
}

async fn send_part(stream: &mut tokio::net::TcpStream, part: &[u8]) {
    stream.write_all(part).await.expect("part");
    stream.flush().await.expect("flush");
    // Let the server take the piece in before the other connection writes.
    tokio::time::sleep(Duration::from_millis(150)).await;
}

async fn status_of(mut stream: tokio::net::TcpStream) -> u16 {
    use tokio::io::AsyncReadExt as _;
    let mut text = String::new();
    let _ = tokio::time::timeout(Duration::from_secs(20), stream.read_to_string(&mut text)).await;
    text.split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

#[tokio::test]
async fn concurrent_puts_to_one_url_leave_one_complete_content() -> TestResult {
    let local = LocalEndpoint::start().await?;
    let good: Vec<u8> = (0..64 * 1024u32).map(|i| (i % 251) as u8).collect();
    let (file_id, url) = register(&local, &good).await;
    // Same length and headers, other bytes: a racing (or malicious) second PUT.
    let other: Vec<u8> = good.iter().map(|b| b ^ 0x5a).collect();
    let half = good.len() / 2;
    let stored = local.storage_dir().join("files").join(&file_id);

    // The good upload finishes first while the other is half-way; then the other finishes.
    let mut first = open_put(&local, &url, &good).await;
    let mut second = open_put(&local, &url, &good).await;
    send_part(&mut first, &good[..half]).await;
    send_part(&mut second, &other[..half]).await;
    send_part(&mut first, &good[half..]).await;
    assert_eq!(status_of(first).await, 200);
    assert!(std::fs::read(&stored)? == good, "first upload stored whole");
    send_part(&mut second, &other[half..]).await;
    assert_eq!(
        status_of(second).await,
        400,
        "the other bytes fail their MD5"
    );
    assert!(
        std::fs::read(&stored)? == good,
        "a failed PUT leaves it intact"
    );

    // The other finishes first (and fails) while the good one is half-way.
    let mut first = open_put(&local, &url, &good).await;
    let mut second = open_put(&local, &url, &good).await;
    send_part(&mut first, &good[..half]).await;
    send_part(&mut second, &other[..half]).await;
    send_part(&mut second, &other[half..]).await;
    assert_eq!(status_of(second).await, 400);
    send_part(&mut first, &good[half..]).await;
    assert_eq!(status_of(first).await, 200);
    assert!(std::fs::read(&stored)? == good, "one complete content");

    // Two good uploads interleaved: both succeed, one complete content.
    let mut first = open_put(&local, &url, &good).await;
    let mut second = open_put(&local, &url, &good).await;
    send_part(&mut first, &good[..half]).await;
    send_part(&mut second, &good[..half]).await;
    send_part(&mut first, &good[half..]).await;
    send_part(&mut second, &good[half..]).await;
    assert_eq!(status_of(first).await, 200);
    assert_eq!(status_of(second).await, 200);
    assert!(std::fs::read(&stored)? == good, "one complete content");
    assert_eq!(
        leftovers(&local.storage_dir().join("files"), &[&file_id]),
        Vec::<String>::new(),
        "no temporary file left"
    );
    Ok(())
}
