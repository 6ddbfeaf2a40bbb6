//! API gateway behaviour: signature checks, expiry, credentials, project scope, unknown routes.

// RunImageSynchronize is deprecated; these tests still exercise it as a seed operation.
#![allow(deprecated)]

mod common;

use std::time::{Duration, SystemTime};

use huaweicloud_sdk_core::body::{ByteStream, RequestBody};
use huaweicloud_sdk_core::transport::{HttpTransport, SharedTransport};
use huaweicloud_sdk_core::{Config, Credentials};
use huaweicloud_sdk_hss::v5::models::RunImageSynchronizeRequestInfo;
use huaweicloud_sdk_local::{DEFAULT_AK, DEFAULT_PROJECT_ID, DEFAULT_SK, LocalEndpoint};
use serde_json::Value;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const JOBS_PATH: &str =
    "/v1/0123456789abcdef0123456789abcdef/digital-human/stylized/picture-modelings";

async fn error_body(response: reqwest::Response) -> (u16, String, Value) {
    let status = response.status().as_u16();
    let request_id = common::assert_request_id(&response);
    let body: Value =
        serde_json::from_slice(&response.bytes().await.expect("body")).expect("JSON error body");
    (status, request_id, body)
}

fn config_for(local: &LocalEndpoint, ak: &str, sk: &str) -> Config {
    Config::new(Credentials::new(ak, sk).with_project_id(DEFAULT_PROJECT_ID))
        .with_endpoint(local.url())
}

#[tokio::test]
async fn hand_signed_request_is_accepted_and_tampered_query_is_not() -> TestResult {
    let local = LocalEndpoint::start().await?;
    let host = common::host_of(local.url());
    let path = format!("{JOBS_PATH}?limit=2&state=SUCCEED");
    let signed = common::sign(
        DEFAULT_AK,
        DEFAULT_SK,
        &host,
        "GET",
        &path,
        &[
            ("Content-Type", "application/json"),
            ("X-Project-Id", DEFAULT_PROJECT_ID),
        ],
        b"",
        SystemTime::now(),
    );
    let ok = signed.send(local.url(), None).await;
    assert_eq!(ok.status().as_u16(), 200);
    common::assert_request_id(&ok);
    let body: Value = serde_json::from_slice(&ok.bytes().await?)?;
    assert_eq!(body["count"], 5);

    // Same headers and signature, query changed after signing.
    let tampered = format!("{JOBS_PATH}?limit=3&state=SUCCEED");
    let response = signed.send(local.url(), Some(&tampered)).await;
    let (status, request_id, body) = error_body(response).await;
    assert_eq!(status, 401);
    assert_eq!(body["error_code"], "APIGW.0301");
    assert_eq!(body["request_id"], request_id.as_str());
    let msg = body["error_msg"].as_str().unwrap_or("");
    assert!(
        msg.starts_with(
            "Incorrect IAM authentication information: verify aksk signature fail, canonicalRequest: GET\n"
        ),
        "{msg}"
    );
    assert!(msg.contains("\nlimit=3&state=SUCCEED\n"), "{msg}");
    Ok(())
}

#[tokio::test]
async fn tampered_body_is_rejected() -> TestResult {
    let local = LocalEndpoint::start().await?;
    let host = common::host_of(local.url());
    let path = format!("/v5/{DEFAULT_PROJECT_ID}/image/synchronize");
    let mut signed = common::sign(
        DEFAULT_AK,
        DEFAULT_SK,
        &host,
        "POST",
        &path,
        &[
            ("Content-Type", "application/json"),
            ("X-Project-Id", DEFAULT_PROJECT_ID),
        ],
        br#"{"image_type":"private_image"}"#,
        SystemTime::now(),
    );
    assert_eq!(signed.send(local.url(), None).await.status().as_u16(), 200);
    signed.body = br#"{"image_type":"shared_image"}"#.to_vec();
    let (status, _, body) = error_body(signed.send(local.url(), None).await).await;
    assert_eq!(status, 401);
    assert_eq!(body["error_code"], "APIGW.0301");
    Ok(())
}

#[tokio::test]
async fn wrong_sk_via_sdk_is_a_service_error() -> TestResult {
    let local = LocalEndpoint::start().await?;
    let client =
        huaweicloud_sdk_metastudio::v1::Client::new(&config_for(&local, DEFAULT_AK, "wrong-sk"))?;
    let err = client
        .list_picture_modeling_jobs()
        .send()
        .await
        .expect_err("wrong SK");
    assert!(err.is_service(), "{err}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(err.error_code(), Some("APIGW.0301"));
    let service = err.service_error().expect("service error");
    assert!(
        service.error_msg().contains("verify aksk signature fail"),
        "{}",
        service.error_msg()
    );
    assert_eq!(service.request_id().map(str::len), Some(32));
    Ok(())
}

/// A transport that changes the query after the SDK has signed the request, as a man in the
/// middle would, then sends it with the real transport.
#[derive(Debug)]
struct TamperQuery(SharedTransport);

#[async_trait::async_trait]
impl HttpTransport for TamperQuery {
    async fn send(
        &self,
        mut request: http::Request<RequestBody>,
    ) -> huaweicloud_sdk_core::Result<http::Response<ByteStream>> {
        let tampered = request.uri().to_string().replace("limit=2", "limit=100");
        *request.uri_mut() = tampered.parse().expect("tampered URI");
        self.0.send(request).await
    }
}

#[tokio::test]
async fn query_tampered_after_signing_via_sdk_is_a_service_error() -> TestResult {
    let local = LocalEndpoint::start().await?;
    let real = local.config().transport()?;
    let config = local.config().with_transport(TamperQuery(real));
    let client = huaweicloud_sdk_metastudio::v1::Client::new(&config)?;
    let err = client
        .list_picture_modeling_jobs()
        .limit(2)
        .send()
        .await
        .expect_err("tampered query");
    assert!(err.is_service(), "{err}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(err.error_code(), Some("APIGW.0301"));
    let msg = err
        .service_error()
        .map(|s| s.error_msg().to_owned())
        .unwrap_or_default();
    assert!(msg.contains("verify aksk signature fail"), "{msg}");
    // The gateway's canonical request is of what it received: the tampered query.
    assert!(msg.contains("limit=100"), "{msg}");

    // The same call untouched is accepted.
    let page = huaweicloud_sdk_metastudio::v1::Client::new(&local.config())?
        .list_picture_modeling_jobs()
        .limit(2)
        .send()
        .await?;
    assert_eq!(page.picture_modeling_jobs.map(|jobs| jobs.len()), Some(2));
    Ok(())
}

#[tokio::test]
async fn request_signed_16_minutes_ago_has_expired() -> TestResult {
    let local = LocalEndpoint::start().await?;
    // Without the SDK's clock-skew correction, which would re-sign from the answer's `Date`.
    let config = local
        .config()
        .with_clock(|| SystemTime::now() - Duration::from_secs(16 * 60))
        .with_clock_skew_correction(false);
    let client = huaweicloud_sdk_hss::v5::Client::new(&config)?;
    let err = client
        .run_image_synchronize()
        .body(RunImageSynchronizeRequestInfo::new().image_type("private_image"))
        .send()
        .await
        .expect_err("expired");
    assert!(err.is_service(), "{err}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(err.error_code(), Some("APIGW.0301"));
    let msg = err
        .service_error()
        .map(|s| s.error_msg().to_owned())
        .unwrap_or_default();
    assert!(msg.contains("signature expired"), "{msg}");

    // 14 minutes is within the window.
    let config = local
        .config()
        .with_clock(|| SystemTime::now() - Duration::from_secs(14 * 60));
    let client = huaweicloud_sdk_hss::v5::Client::new(&config)?;
    client
        .run_image_synchronize()
        .body(RunImageSynchronizeRequestInfo::new().image_type("private_image"))
        .send()
        .await?;
    Ok(())
}

#[tokio::test]
async fn injected_server_clock_decides_expiry() -> TestResult {
    let local = LocalEndpoint::builder()
        .clock(|| SystemTime::now() + Duration::from_secs(20 * 60))
        .start()
        .await?;
    let config = local.config().with_clock_skew_correction(false);
    let client = huaweicloud_sdk_hss::v5::Client::new(&config)?;
    let err = client
        .run_image_synchronize()
        .body(RunImageSynchronizeRequestInfo::new().image_type("private_image"))
        .send()
        .await
        .expect_err("server clock 20 minutes ahead");
    assert_eq!(err.error_code(), Some("APIGW.0301"));
    Ok(())
}

#[tokio::test]
async fn unknown_ak_is_rejected() -> TestResult {
    let local = LocalEndpoint::start().await?;
    let client = huaweicloud_sdk_swr::v2::Client::new(&config_for(
        &local,
        "HPUANOSUCHAK00000000",
        DEFAULT_SK,
    ))?;
    let err = client
        .show_instance_artifact()
        .instance_id(huaweicloud_sdk_local::seed::SWR_INSTANCE_ID)
        .namespace_name("library")
        .repository_name("nginx")
        .reference("latest")
        .send()
        .await
        .expect_err("unknown AK");
    assert!(err.is_service());
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(err.error_code(), Some("APIGW.0301"));
    Ok(())
}

#[tokio::test]
async fn missing_or_foreign_project_id_is_rejected() -> TestResult {
    let local = LocalEndpoint::start().await?;
    let host = common::host_of(local.url());
    // Correctly signed, but no X-Project-Id.
    let signed = common::sign(
        DEFAULT_AK,
        DEFAULT_SK,
        &host,
        "GET",
        JOBS_PATH,
        &[("Content-Type", "application/json")],
        b"",
        SystemTime::now(),
    );
    let (status, _, body) = error_body(signed.send(local.url(), None).await).await;
    assert_eq!(status, 401);
    assert_eq!(body["error_code"], "APIGW.0301");
    assert!(
        body["error_msg"]
            .as_str()
            .unwrap_or("")
            .contains("X-Project-Id")
    );

    // X-Project-Id differs from the project in the path.
    let other = "ffffffffffffffffffffffffffffffff";
    let path = format!("/v1/{other}/digital-human/stylized/picture-modelings");
    let signed = common::sign(
        DEFAULT_AK,
        DEFAULT_SK,
        &host,
        "GET",
        &path,
        &[("X-Project-Id", DEFAULT_PROJECT_ID)],
        b"",
        SystemTime::now(),
    );
    let (status, _, body) = error_body(signed.send(local.url(), None).await).await;
    assert_eq!(status, 403);
    assert_eq!(body["error_code"], "APIGW.0302");

    // A project the endpoint does not know, via the SDK.
    let config = Config::new(Credentials::new(DEFAULT_AK, DEFAULT_SK).with_project_id(other))
        .with_endpoint(local.url());
    let err = huaweicloud_sdk_metastudio::v1::Client::new(&config)?
        .list_picture_modeling_jobs()
        .send()
        .await
        .expect_err("unknown project");
    assert_eq!(err.error_code(), Some("APIGW.0301"));
    Ok(())
}

#[tokio::test]
async fn temporary_credentials_need_their_token() -> TestResult {
    let local = LocalEndpoint::builder()
        .temporary_credentials("HPUATEMPORARYAK00001", "temporary-secret", "the-token")
        .start()
        .await?;
    // local.config() carries the security token.
    let client = huaweicloud_sdk_hss::v5::Client::new(&local.config())?;
    client
        .run_image_synchronize()
        .body(RunImageSynchronizeRequestInfo::new().image_type("shared_image"))
        .send()
        .await?;

    // Wrong token via the SDK.
    let config = Config::new(
        Credentials::new("HPUATEMPORARYAK00001", "temporary-secret")
            .with_security_token("another-token")
            .with_project_id(DEFAULT_PROJECT_ID),
    )
    .with_endpoint(local.url());
    let err = huaweicloud_sdk_hss::v5::Client::new(&config)?
        .run_image_synchronize()
        .body(RunImageSynchronizeRequestInfo::new().image_type("shared_image"))
        .send()
        .await
        .expect_err("wrong token");
    assert_eq!(err.error_code(), Some("APIGW.0301"));

    // No token at all, signed by hand.
    let signed = common::sign(
        "HPUATEMPORARYAK00001",
        "temporary-secret",
        &common::host_of(local.url()),
        "GET",
        JOBS_PATH,
        &[("X-Project-Id", DEFAULT_PROJECT_ID)],
        b"",
        SystemTime::now(),
    );
    let (status, _, body) = error_body(signed.send(local.url(), None).await).await;
    assert_eq!(status, 401);
    assert_eq!(body["error_code"], "APIGW.0301");
    assert!(
        body["error_msg"]
            .as_str()
            .unwrap_or("")
            .contains("X-Security-Token")
    );

    // The default AK is not accepted once credentials are configured.
    let client = huaweicloud_sdk_hss::v5::Client::new(&config_for(&local, DEFAULT_AK, DEFAULT_SK))?;
    let err = client
        .run_image_synchronize()
        .body(RunImageSynchronizeRequestInfo::new().image_type("shared_image"))
        .send()
        .await
        .expect_err("default AK not configured");
    assert_eq!(err.error_code(), Some("APIGW.0301"));
    Ok(())
}

#[tokio::test]
async fn unsigned_and_unknown_routes() -> TestResult {
    let local = LocalEndpoint::start().await?;
    let http = reqwest::Client::new();
    // Unsigned request to a real API.
    let response = http
        .get(format!("{}{JOBS_PATH}", local.url()))
        .send()
        .await?;
    let (status, _, body) = error_body(response).await;
    assert_eq!(status, 401);
    assert_eq!(body["error_code"], "APIGW.0301");
    // Unknown route, and a known path with the wrong method.
    for (method, path) in [
        (reqwest::Method::GET, "/v9/nothing/here".to_owned()),
        (reqwest::Method::DELETE, JOBS_PATH.to_owned()),
    ] {
        let response = http
            .request(method, format!("{}{path}", local.url()))
            .send()
            .await?;
        let (status, _, body) = error_body(response).await;
        assert_eq!(status, 404);
        assert_eq!(body["error_code"], "APIG.0101");
        assert_eq!(
            body["error_msg"],
            "The API does not exist or has not been published in the environment"
        );
    }
    Ok(())
}

#[tokio::test]
async fn storage_directory_lifecycle() -> TestResult {
    let local = LocalEndpoint::start().await?;
    let dir = local.storage_dir().to_path_buf();
    assert!(dir.join("images").is_dir());
    local.shutdown().await;
    assert!(!dir.exists(), "temporary storage removed");

    let kept = std::env::temp_dir().join(format!("hwc-local-test-{}", std::process::id()));
    let local = LocalEndpoint::builder().storage_dir(&kept).start().await?;
    let url = local.url().to_owned();
    drop(local);
    assert!(kept.join("images").is_dir(), "given storage kept");
    std::fs::remove_dir_all(&kept)?;
    // Give the server task a moment to stop, then the port refuses connections.
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(reqwest::get(format!("{url}/")).await.is_err());
    Ok(())
}
