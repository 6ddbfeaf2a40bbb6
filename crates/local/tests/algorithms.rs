//! Every signing algorithm the SDK offers is verified by the local gateway: an SDK client
//! configured for it succeeds, and the same request tampered with after signing fails.

use huaweicloud_sdk_core::body::{ByteStream, RequestBody};
use huaweicloud_sdk_core::signer::SigningAlgorithm;
use huaweicloud_sdk_core::transport::{HttpTransport, SharedTransport};
use huaweicloud_sdk_local::LocalEndpoint;
use huaweicloud_sdk_metastudio::v1::models::FilesCreateReq;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn algorithms() -> [SigningAlgorithm; 5] {
    [
        SigningAlgorithm::HmacSha256,
        SigningAlgorithm::HmacSm3,
        SigningAlgorithm::EcdsaP256Sha256,
        SigningAlgorithm::Sm2Sm3,
        SigningAlgorithm::DerivedHmacSha256 {
            region: "cn-north-4".to_owned(),
            service: "metastudio".to_owned(),
        },
    ]
}

/// Changes the query after the SDK has signed the request, as a man in the middle would.
#[derive(Debug)]
struct TamperQuery(SharedTransport);

#[async_trait::async_trait]
impl HttpTransport for TamperQuery {
    async fn send(
        &self,
        mut request: http::Request<RequestBody>,
    ) -> huaweicloud_sdk_core::Result<http::Response<ByteStream>> {
        let tampered = request.uri().to_string().replace("limit=2", "limit=3");
        *request.uri_mut() = tampered.parse().expect("tampered URI");
        self.0.send(request).await
    }
}

#[tokio::test]
async fn sdk_client_succeeds_with_every_algorithm() -> TestResult {
    let local = LocalEndpoint::start().await?;
    for algorithm in algorithms() {
        let label = algorithm.label();
        let config = local.config().with_signing_algorithm(algorithm);
        let client = huaweicloud_sdk_metastudio::v1::Client::new(&config)?;
        let jobs = client
            .list_picture_modeling_jobs()
            .limit(2)
            .send()
            .await
            .map_err(|e| format!("{label}: {e}"))?;
        assert_eq!(
            jobs.picture_modeling_jobs.map(|jobs| jobs.len()),
            Some(2),
            "{label}"
        );
        // A body the signature covers through its hash (SHA-256 or SM3).
        let created = client
            .create_file()
            .body(
                FilesCreateReq::new()
                    .file_name("photo.png")
                    .file_md5("1B2M2Y8AsgTpgAmY7PhCfg==")
                    .file_size(1)
                    .asset_id("asset-1")
                    .asset_file_category("MAIN"),
            )
            .send()
            .await
            .map_err(|e| format!("{label}: {e}"))?;
        assert!(created.file_id.is_some(), "{label}");
    }
    Ok(())
}

#[tokio::test]
async fn tampered_request_fails_with_every_algorithm() -> TestResult {
    let local = LocalEndpoint::start().await?;
    let real = local.config().transport()?;
    for algorithm in algorithms() {
        let label = algorithm.label();
        let config = local
            .config()
            .with_signing_algorithm(algorithm)
            .with_transport(TamperQuery(real.clone()));
        let client = huaweicloud_sdk_metastudio::v1::Client::new(&config)?;
        let err = client
            .list_picture_modeling_jobs()
            .limit(2)
            .send()
            .await
            .expect_err("tampered query");
        assert_eq!(
            err.status().map(|s| s.as_u16()),
            Some(401),
            "{label}: {err}"
        );
        assert_eq!(err.error_code(), Some("APIGW.0301"), "{label}");
        let msg = err
            .service_error()
            .map(|s| s.error_msg().to_owned())
            .unwrap_or_default();
        assert!(msg.contains("verify aksk signature fail"), "{label}: {msg}");
        assert!(msg.contains("limit=3"), "{label}: {msg}");
    }
    Ok(())
}

#[tokio::test]
async fn wrong_secret_fails_with_every_algorithm() -> TestResult {
    let local = LocalEndpoint::start().await?;
    for algorithm in algorithms() {
        let label = algorithm.label();
        let config = huaweicloud_sdk_core::Config::new(
            huaweicloud_sdk_core::Credentials::new(huaweicloud_sdk_local::DEFAULT_AK, "wrong-sk")
                .with_project_id(local.project_id()),
        )
        .with_endpoint(local.url())
        .with_signing_algorithm(algorithm);
        let client = huaweicloud_sdk_metastudio::v1::Client::new(&config)?;
        let err = client
            .list_picture_modeling_jobs()
            .send()
            .await
            .expect_err("wrong SK");
        assert_eq!(err.error_code(), Some("APIGW.0301"), "{label}: {err}");
    }
    Ok(())
}
