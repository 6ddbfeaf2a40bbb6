//! Gateway checks beyond the signature itself: the declared payload hash must be the body's,
//! `Host` may be left unsigned (the Go SDK's way) but `X-Sdk-Date` may not, signed header values
//! must be UTF-8, and a body the signature does not
//! cover is not read before the signature is checked.

mod common;

use std::time::Duration;

use common::Signing;
use huaweicloud_sdk_local::signature::{Algorithm, UNSIGNED_PAYLOAD};
use huaweicloud_sdk_local::{DEFAULT_PROJECT_ID, LocalEndpoint};
use serde_json::Value;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const PROJECT_HEADER: [(&str, &str); 2] = [
    ("Content-Type", "application/json"),
    ("X-Project-Id", DEFAULT_PROJECT_ID),
];

fn sync_path() -> String {
    format!("/v5/{DEFAULT_PROJECT_ID}/image/synchronize")
}

async fn status_and_body(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let body = serde_json::from_slice(&response.bytes().await.expect("body")).unwrap_or_default();
    (status, body)
}

#[tokio::test]
async fn declared_payload_hash_must_be_the_body_hash() -> TestResult {
    let local = LocalEndpoint::start().await?;
    let host = common::host_of(local.url());
    let path = sync_path();
    let signed_body = br#"{"image_type":"private_image"}"#;
    let other_body = br#"{"image_type":"shared_image"}"#;
    for algorithm in [Algorithm::HmacSha256, Algorithm::HmacSm3] {
        let declared = algorithm.hash_hex(signed_body);
        let mut signed = Signing {
            algorithm,
            host: Some(&host),
            method: "POST",
            path_and_query: &path,
            extra: &PROJECT_HEADER,
            body: signed_body,
            declared_hash: Some(&declared),
            ..Signing::default()
        }
        .sign();
        let (status, body) = status_and_body(signed.send(local.url(), None).await).await;
        assert_eq!(status, 200, "{algorithm}: {body}");

        // The signature covers the declared hash, not the bytes: another body of any length
        // under the same headers must still be refused.
        signed.body = other_body.to_vec();
        let (status, body) = status_and_body(signed.send(local.url(), None).await).await;
        assert_eq!(status, 401, "{algorithm}: {body}");
        assert_eq!(body["error_code"], "APIGW.0301");
        let msg = body["error_msg"].as_str().unwrap_or("");
        assert!(
            msg.starts_with("Incorrect IAM authentication information: verify aksk signature fail")
                && msg.contains(algorithm.content_header())
                && msg.contains("is not the"),
            "{algorithm}: {msg}"
        );

        // UNSIGNED-PAYLOAD exempts the body.
        let signed = Signing {
            algorithm,
            host: Some(&host),
            method: "POST",
            path_and_query: &path,
            extra: &PROJECT_HEADER,
            body: other_body,
            declared_hash: Some(UNSIGNED_PAYLOAD),
            ..Signing::default()
        }
        .sign();
        let (status, body) = status_and_body(signed.send(local.url(), None).await).await;
        assert_eq!(status, 200, "{algorithm}: {body}");
    }
    Ok(())
}

#[tokio::test]
async fn host_may_be_left_unsigned() -> TestResult {
    let local = LocalEndpoint::start().await?;
    let path = format!("/v1/{DEFAULT_PROJECT_ID}/digital-human/stylized/picture-modelings?limit=1");
    for host in [None, Some(common::host_of(local.url()))] {
        let signed = Signing {
            host: host.as_deref(),
            path_and_query: &path,
            extra: &PROJECT_HEADER,
            ..Signing::default()
        }
        .sign();
        let (status, body) = status_and_body(signed.send(local.url(), None).await).await;
        assert_eq!(status, 200, "host signed: {}: {body}", host.is_some());
    }
    Ok(())
}

/// A request signed as the official Go SDK signs it: every header it sets except
/// `Content-Type`, and no `Host` (it neither adds nor signs one). The signature still covers
/// what it names, and what the gateway refuses stays refused.
#[tokio::test]
async fn go_sdk_signature_without_host_is_accepted_and_still_checked() -> TestResult {
    let local = LocalEndpoint::start().await?;
    let path = sync_path();
    let body = br#"{"image_type":"private_image"}"#;
    let go_signed = |sk: &str| {
        Signing {
            sk,
            method: "POST",
            path_and_query: &path,
            extra: &[("X-Project-Id", DEFAULT_PROJECT_ID)],
            body,
            ..Signing::default()
        }
        .sign()
    };
    let send = |signed: &common::Signed, path: &str, replace: Option<(&str, &str)>| {
        let mut request = reqwest::Client::new()
            .post(format!("{}{path}", local.url()))
            .header("Content-Type", "application/json;charset=UTF-8");
        for (name, value) in &signed.headers {
            let value = match replace {
                Some((n, v)) if n.eq_ignore_ascii_case(name) => v,
                _ => value.as_str(),
            };
            request = request.header(name, value);
        }
        request.body(signed.body.clone()).send()
    };

    let signed = go_signed(huaweicloud_sdk_local::DEFAULT_SK);
    let authorization = &signed
        .headers
        .iter()
        .find(|(n, _)| n == "Authorization")
        .expect("Authorization")
        .1;
    assert!(
        authorization.contains("SignedHeaders=x-project-id;x-sdk-date,"),
        "{authorization}"
    );
    let (status, answer) = status_and_body(send(&signed, &path, None).await?).await;
    assert_eq!(status, 200, "{answer}");

    let refused = |answer: &Value, detail: &str| {
        let msg = answer["error_msg"].as_str().unwrap_or("");
        assert_eq!(answer["error_code"], "APIGW.0301", "{answer}");
        assert!(msg.contains(detail), "{msg}");
    };
    // A wrong secret.
    let wrong = go_signed("not-the-secret");
    let (status, answer) = status_and_body(send(&wrong, &path, None).await?).await;
    assert_eq!(status, 401);
    refused(&answer, "verify aksk signature fail, canonicalRequest:");
    // A signed header changed after signing.
    let other_project = "fedcba9876543210fedcba9876543210";
    let (status, answer) =
        status_and_body(send(&signed, &path, Some(("X-Project-Id", other_project))).await?).await;
    assert_eq!(status, 401);
    refused(&answer, "verify aksk signature fail, canonicalRequest:");
    // Another body under the same signature.
    let mut tampered = go_signed(huaweicloud_sdk_local::DEFAULT_SK);
    tampered.body = br#"{"image_type":"shared_image"}"#.to_vec();
    let (status, answer) = status_and_body(send(&tampered, &path, None).await?).await;
    assert_eq!(status, 401);
    refused(&answer, "verify aksk signature fail, canonicalRequest:");
    // X-Sdk-Date must still be signed.
    let unsigned_date = authorization.replace(
        "SignedHeaders=x-project-id;x-sdk-date,",
        "SignedHeaders=x-project-id,",
    );
    let (status, answer) =
        status_and_body(send(&signed, &path, Some(("Authorization", &unsigned_date))).await?).await;
    assert_eq!(status, 401);
    refused(
        &answer,
        "verify aksk signature fail, x-sdk-date is not a signed header",
    );
    Ok(())
}

#[tokio::test]
async fn signed_header_value_that_is_not_utf8_is_rejected() -> TestResult {
    let local = LocalEndpoint::start().await?;
    let host = common::host_of(local.url());
    let path = format!("/v1/{DEFAULT_PROJECT_ID}/digital-human/stylized/picture-modelings?limit=1");
    // Signed with an empty X-Extra; sent with bytes that are not UTF-8 in its place.
    let extra = [
        ("Content-Type", "application/json"),
        ("X-Extra", ""),
        ("X-Project-Id", DEFAULT_PROJECT_ID),
    ];
    let signed = Signing {
        host: Some(&host),
        path_and_query: &path,
        extra: &extra,
        ..Signing::default()
    }
    .sign();
    let send = |value: reqwest::header::HeaderValue| {
        let mut request = reqwest::Client::new().get(format!("{}{path}", local.url()));
        for (name, v) in &signed.headers {
            if name.eq_ignore_ascii_case("host") {
                continue;
            }
            if name == "X-Extra" {
                request = request.header(name, value.clone());
            } else {
                request = request.header(name, v);
            }
        }
        request.send()
    };
    let (status, body) =
        status_and_body(send(reqwest::header::HeaderValue::from_static("")).await?).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) =
        status_and_body(send(reqwest::header::HeaderValue::from_bytes(b"\xff\xfe")?).await?).await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(
        body["error_msg"],
        "Incorrect IAM authentication information: verify aksk signature fail, the value of signed header x-extra is not UTF-8"
    );
    Ok(())
}

#[tokio::test]
async fn unsigned_body_is_not_read_before_the_signature_is_checked() -> TestResult {
    let local = LocalEndpoint::start().await?;
    let host = common::host_of(local.url());
    let path = sync_path();
    // UNSIGNED-PAYLOAD under a wrong SK: a gateway that waited for the 1 MB announced (and
    // never sent) would not answer.
    let signed = Signing {
        sk: "not-the-secret",
        host: Some(&host),
        method: "POST",
        path_and_query: &path,
        extra: &PROJECT_HEADER,
        declared_hash: Some(UNSIGNED_PAYLOAD),
        ..Signing::default()
    }
    .sign();
    let head = signed.raw_head(&host, 1_000_000);
    let answer = common::raw_exchange(local.addr(), &head, b"{", Duration::from_secs(10)).await;
    let (status, text) = answer.expect("answered before the body arrived");
    assert_eq!(status, 401, "{text}");
    assert!(text.contains("APIGW.0301"), "{text}");

    // A declared hash is checked by the signature first as well.
    let declared = Algorithm::HmacSha256.hash_hex(b"{}");
    let signed = Signing {
        sk: "not-the-secret",
        host: Some(&host),
        method: "POST",
        path_and_query: &path,
        extra: &PROJECT_HEADER,
        declared_hash: Some(&declared),
        ..Signing::default()
    }
    .sign();
    let head = signed.raw_head(&host, 2);
    let answer = common::raw_exchange(local.addr(), &head, b"", Duration::from_secs(10)).await;
    assert_eq!(answer.map(|(s, _)| s), Some(401));

    // The presigned upload URL: a wrong URL signature is answered without reading the body.
    let head = format!(
        "PUT /upload/0123?Expires=9999999999&Signature=00 HTTP/1.1\r\nHost: {host}\r\n\
         Content-Type: image/png\r\nContent-MD5: AAAAAAAAAAAAAAAAAAAAAA==\r\n\
         Content-Length: 1000000\r\n\r\n"
    );
    let answer = common::raw_exchange(local.addr(), &head, b"x", Duration::from_secs(10)).await;
    let (status, text) = answer.expect("answered before the body arrived");
    assert_eq!(status, 403, "{text}");
    assert!(text.contains("SignatureDoesNotMatch"), "{text}");
    Ok(())
}

#[tokio::test]
async fn stalled_api_body_times_out() -> TestResult {
    let local = LocalEndpoint::builder()
        .body_timeout(Duration::from_millis(300))
        .start()
        .await?;
    let host = common::host_of(local.url());
    let path = sync_path();
    let body = br#"{"image_type":"private_image"}"#;
    let signed = Signing {
        host: Some(&host),
        method: "POST",
        path_and_query: &path,
        extra: &PROJECT_HEADER,
        body,
        ..Signing::default()
    }
    .sign();
    let head = signed.raw_head(&host, body.len());
    let answer =
        common::raw_exchange(local.addr(), &head, &body[..5], Duration::from_secs(20)).await;
    let (status, text) = answer.expect("answered after the body timeout");
    assert_eq!(status, 408, "{text}");
    assert!(text.contains("APIGW.0201"), "{text}");

    // The same request sent whole is fine.
    let (status, body) = status_and_body(signed.send(local.url(), None).await).await;
    assert_eq!(status, 200, "{body}");
    Ok(())
}

#[tokio::test]
async fn trickled_api_body_is_cut_off_at_the_body_deadline() -> TestResult {
    // Each byte comes well within the body timeout; the whole body would take 20 s.
    let local = LocalEndpoint::builder()
        .body_timeout(Duration::from_secs(10))
        .body_deadline(Duration::from_millis(300))
        .start()
        .await?;
    let host = common::host_of(local.url());
    let path = sync_path();
    let mut body = br#"{"image_type":"private_image"}"#.to_vec();
    body.resize(1000, b' ');
    let signed = Signing {
        host: Some(&host),
        method: "POST",
        path_and_query: &path,
        extra: &PROJECT_HEADER,
        body: &body,
        ..Signing::default()
    }
    .sign();
    let head = signed.raw_head(&host, body.len());
    let answer = common::trickle_exchange(
        local.addr(),
        &head,
        &body,
        Duration::from_millis(20),
        Duration::from_secs(10),
    )
    .await;
    let (status, text) = answer.expect("answered at the body deadline");
    assert_eq!(status, 408, "{text}");
    assert!(text.contains("APIGW.0201"), "{text}");
    assert!(text.contains("in full within 300 ms"), "{text}");

    // The same request sent whole is fine.
    let (status, body) = status_and_body(signed.send(local.url(), None).await).await;
    assert_eq!(status, 200, "{body}");
    Ok(())
}

#[tokio::test]
async fn connections_beyond_the_cap_wait_for_a_free_one() -> TestResult {
    use tokio::io::AsyncWriteExt as _;
    let local = LocalEndpoint::builder().max_connections(1).start().await?;
    // Holds the only slot: connected, nothing sent (hyper's header timeout is 30 s).
    let holder = tokio::net::TcpStream::connect(local.addr()).await?;
    // Accepted first whatever the timing: the listen backlog is first in, first out.
    let mut second = tokio::net::TcpStream::connect(local.addr()).await?;
    second
        .write_all(b"GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await?;
    let mut received = Vec::new();
    let served = tokio::time::timeout(
        Duration::from_millis(500),
        common::read_response(&mut second, &mut received),
    )
    .await;
    assert!(
        served.is_err() && received.is_empty(),
        "served while the slot was held: {}",
        String::from_utf8_lossy(&received)
    );
    assert_eq!(local.request_count(), 0);

    drop(holder);
    let served = tokio::time::timeout(
        Duration::from_secs(10),
        common::read_response(&mut second, &mut received),
    )
    .await;
    assert!(served.is_ok(), "answered once the slot is free");
    let text = String::from_utf8_lossy(&received);
    assert!(text.starts_with("HTTP/1.1 404"), "{text}");
    Ok(())
}

#[tokio::test]
async fn zero_limits_are_configuration_errors() {
    let builders = [
        LocalEndpoint::builder().body_deadline(Duration::ZERO),
        LocalEndpoint::builder().max_connections(0),
    ];
    for builder in builders {
        let err = builder.start().await.expect_err("zero limit");
        assert!(
            matches!(err, huaweicloud_sdk_local::Error::Config(_)),
            "{err}"
        );
    }
}

#[tokio::test]
async fn zero_body_timeout_is_a_configuration_error() {
    let err = LocalEndpoint::builder()
        .body_timeout(Duration::ZERO)
        .start()
        .await
        .expect_err("zero timeout");
    assert!(
        matches!(err, huaweicloud_sdk_local::Error::Config(_)),
        "{err}"
    );
}
