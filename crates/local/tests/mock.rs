//! The mock endpoint: typed stubs for an operation of each service, service errors, the decoded
//! requests, unstubbed operations (named, and not retried) and the signature check.

use huaweicloud_sdk_core::{Config, Credentials};
use huaweicloud_sdk_hss::v5 as hss;
use huaweicloud_sdk_local::mock::{MockEndpoint, NO_STUB};
use huaweicloud_sdk_local::{DEFAULT_AK, DEFAULT_PROJECT_ID};
use huaweicloud_sdk_metastudio::v1 as metastudio;
use huaweicloud_sdk_projectman::v4 as projectman;
use huaweicloud_sdk_swr::v2 as swr;
use serde_json::json;

type TestResult = Result<(), Box<dyn std::error::Error>>;

#[tokio::test]
async fn swr_output_is_returned_typed_and_the_request_decoded() -> TestResult {
    let mock = MockEndpoint::start().await?;
    let output: swr::ListInstanceArtifactsOutput = serde_json::from_value(json!({
        "total": 1,
        "artifacts": [{"id": 7, "digest": "sha256:abc"}],
    }))?;
    mock.on::<swr::ListInstanceArtifactsRequest>()
        .returns(output.clone());

    let client = swr::Client::new(&mock.config())?;
    let call = client
        .list_instance_artifacts()
        .instance_id("i-1")
        .namespace_name("team a")
        .repository_name("group/app")
        .offset(20)
        .limit(10)
        .r#type("image");
    let sent = call.clone().build()?;
    let got = call.send().await?;

    assert_eq!(got.total, Some(1));
    assert_eq!(got.artifacts, output.artifacts);
    assert_eq!(got.request_id.as_deref().map(str::len), Some(32));
    assert_eq!(
        mock.requests::<swr::ListInstanceArtifactsRequest>(),
        vec![sent]
    );
    Ok(())
}

#[tokio::test]
async fn metastudio_query_lists_booleans_and_headers_decode() -> TestResult {
    let mock = MockEndpoint::start().await?;
    let output: metastudio::ListAssetsOutput = serde_json::from_value(
        json!({"count": 2, "assets": [{"asset_id": "a1"}, {"asset_id": "a2"}]}),
    )?;
    mock.on::<metastudio::ListAssetsRequest>()
        .returns(output.clone());

    let client = metastudio::Client::new(&mock.config())?;
    let call = client
        .list_assets()
        .asset_id("a1")
        .asset_id("a2")
        .is_movable(true)
        .limit(5)
        .x_app_user_id("user-9");
    let sent = call.clone().build()?;
    let got = call.send().await?;

    assert_eq!(got.count, Some(2));
    assert_eq!(got.assets, output.assets);
    let received = mock.requests::<metastudio::ListAssetsRequest>();
    assert_eq!(received, vec![sent]);
    let first = received.first().ok_or("no request")?;
    assert_eq!(first.asset_id, Some(vec!["a1".to_owned(), "a2".to_owned()]));
    assert_eq!(first.x_app_user_id.as_deref(), Some("user-9"));
    Ok(())
}

#[tokio::test]
async fn hss_json_body_header_and_query_decode() -> TestResult {
    let mock = MockEndpoint::start().await?;
    mock.on::<hss::AddHostsGroupRequest>()
        .returns(hss::AddHostsGroupOutput::default());

    let client = hss::Client::new(&mock.config())?;
    let call = client
        .add_hosts_group()
        .enterprise_project_id("all_granted_eps")
        .region("cn-north-4")
        .body(
            hss::models::AddHostsGroupRequestInfo::new()
                .group_name("web")
                .host_id_list("h1")
                .host_id_list("h2"),
        );
    let sent = call.clone().build()?;
    let got = call.send().await?;

    assert!(got.request_id.is_some());
    assert_eq!(mock.requests::<hss::AddHostsGroupRequest>(), vec![sent]);
    Ok(())
}

#[tokio::test]
async fn projectman_output_is_returned_typed() -> TestResult {
    let mock = MockEndpoint::start().await?;
    let mut output = projectman::CheckProjectNameV4Output::default();
    output.exist = Some(true);
    mock.on::<projectman::CheckProjectNameV4Request>()
        .returns(output);

    let client = projectman::Client::new(&mock.config())?;
    let got = client
        .check_project_name_v4()
        .body(projectman::models::CheckProjectNameRequestV4::new().project_name("demo"))
        .send()
        .await?;

    assert_eq!(got.exist, Some(true));
    let received = mock.requests::<projectman::CheckProjectNameV4Request>();
    let body = received
        .first()
        .and_then(|r| r.body.as_ref())
        .ok_or("no body")?;
    assert_eq!(body.project_name.as_deref(), Some("demo"));
    Ok(())
}

#[tokio::test]
async fn stubbed_error_is_a_service_error_with_code_and_request_id() -> TestResult {
    let mock = MockEndpoint::start().await?;
    mock.on::<swr::ShowNamespaceRequest>()
        .fails(404, "SVCSTG.SWR.4040000", "namespace not found");

    let client = swr::Client::new(&mock.config())?;
    let err = client
        .show_namespace()
        .namespace("missing")
        .send()
        .await
        .expect_err("stubbed to fail");

    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(err.error_code(), Some("SVCSTG.SWR.4040000"));
    assert_eq!(err.request_id().map(str::len), Some(32));
    assert_eq!(mock.requests::<swr::ShowNamespaceRequest>().len(), 1);
    Ok(())
}

#[tokio::test]
async fn unstubbed_operation_is_named_in_a_no_stub_error_sent_once() -> TestResult {
    let mock = MockEndpoint::builder()
        .operations(swr::OPERATIONS)
        .start()
        .await?;
    mock.on::<swr::ShowNamespaceRequest>()
        .fails(404, "SVCSTG.SWR.4040000", "namespace not found");

    let client = swr::Client::new(&mock.config())?;
    let err = client
        .list_namespaces()
        .send()
        .await
        .expect_err("not stubbed");

    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(err.error_code(), Some(NO_STUB));
    assert!(!err.is_retryable() && !err.is_not_found(), "{err}");
    let message = err.to_string();
    assert!(message.contains("swr ListNamespaces"), "{message}");
    assert!(message.contains("has no stub"), "{message}");
    assert!(
        message.contains("on::<ListNamespacesRequest>()"),
        "{message}"
    );
    assert_eq!(mock.request_count(), 1, "a missing stub is not retried");
    Ok(())
}

#[tokio::test]
async fn unstubbed_operation_without_tables_is_a_no_stub_error_naming_the_path() -> TestResult {
    let mock = MockEndpoint::start().await?;
    let client = swr::Client::new(&mock.config())?;
    let err = client
        .list_namespaces()
        .send()
        .await
        .expect_err("not stubbed");

    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(err.error_code(), Some(NO_STUB));
    let message = err.to_string();
    assert!(
        message.contains("GET /v2/manage/namespaces has no stub"),
        "{message}"
    );
    // The SDK's error names the operation it sent.
    assert!(message.contains("swr ListNamespaces"), "{message}");
    assert_eq!(mock.request_count(), 1, "a missing stub is not retried");
    Ok(())
}

#[tokio::test]
async fn request_signed_with_a_wrong_sk_is_rejected() -> TestResult {
    let mock = MockEndpoint::start().await?;
    let mut output = projectman::CheckProjectNameV4Output::default();
    output.exist = Some(false);
    mock.on::<projectman::CheckProjectNameV4Request>()
        .returns(output);

    let wrong = Config::new(
        Credentials::new(DEFAULT_AK, "not-the-secret-key").with_project_id(DEFAULT_PROJECT_ID),
    )
    .with_endpoint(mock.url());
    let client = projectman::Client::new(&wrong)?;
    let err = client
        .check_project_name_v4()
        .body(projectman::models::CheckProjectNameRequestV4::new().project_name("demo"))
        .send()
        .await
        .expect_err("wrong SK");

    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(err.error_code(), Some("APIGW.0301"));
    assert!(
        mock.requests::<projectman::CheckProjectNameV4Request>()
            .is_empty()
    );
    Ok(())
}

#[tokio::test]
async fn later_stub_replaces_earlier_one() -> TestResult {
    let mock = MockEndpoint::start().await?;
    mock.on::<swr::ShowNamespaceRequest>()
        .fails(500, "SVCSTG.SWR.5000000", "boom");
    let output: swr::ShowNamespaceOutput = serde_json::from_value(json!({"name": "team"}))?;
    mock.on::<swr::ShowNamespaceRequest>().returns(output);

    let client = swr::Client::new(&mock.config())?;
    let got = client.show_namespace().namespace("team").send().await?;
    assert_eq!(got.name.as_deref(), Some("team"));
    Ok(())
}

#[tokio::test]
async fn every_signing_algorithm_is_verified_by_the_mock() -> TestResult {
    use huaweicloud_sdk_core::signer::SigningAlgorithm;
    let mock = MockEndpoint::start().await?;
    let mut output = projectman::CheckProjectNameV4Output::default();
    output.exist = Some(true);
    mock.on::<projectman::CheckProjectNameV4Request>()
        .returns(output);
    let algorithms = [
        SigningAlgorithm::HmacSha256,
        SigningAlgorithm::HmacSm3,
        SigningAlgorithm::EcdsaP256Sha256,
        SigningAlgorithm::Sm2Sm3,
        SigningAlgorithm::DerivedHmacSha256 {
            region: "cn-north-4".to_owned(),
            service: "projectman".to_owned(),
        },
    ];
    for algorithm in &algorithms {
        let label = algorithm.label();
        for (sk, accepted) in [
            (huaweicloud_sdk_local::DEFAULT_SK, true),
            ("wrong-sk", false),
        ] {
            let config =
                Config::new(Credentials::new(DEFAULT_AK, sk).with_project_id(DEFAULT_PROJECT_ID))
                    .with_endpoint(mock.url())
                    .with_signing_algorithm(algorithm.clone());
            let answer = projectman::Client::new(&config)?
                .check_project_name_v4()
                .body(projectman::models::CheckProjectNameRequestV4::new().project_name("demo"))
                .send()
                .await;
            match answer {
                Ok(output) => {
                    assert!(accepted, "{label}: a wrong SK was accepted");
                    assert_eq!(output.exist, Some(true), "{label}");
                }
                Err(e) => {
                    assert!(!accepted, "{label}: {e}");
                    assert_eq!(e.error_code(), Some("APIGW.0301"), "{label}");
                }
            }
        }
    }
    assert_eq!(
        mock.requests::<projectman::CheckProjectNameV4Request>()
            .len(),
        algorithms.len()
    );
    Ok(())
}
