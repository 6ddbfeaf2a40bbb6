//! Clock-skew correction against the endpoint: its clock runs 20 minutes ahead of the SDK's, it
//! answers "signature expired" with its own time in `Date`, and the SDK re-signs once.

// RunImageSynchronize is deprecated; these tests still exercise it as a seed operation.
#![allow(deprecated)]

use std::time::{Duration, SystemTime};

use huaweicloud_sdk_hss::v5::models::RunImageSynchronizeRequestInfo;
use huaweicloud_sdk_local::LocalEndpoint;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const AHEAD: Duration = Duration::from_secs(20 * 60);

#[tokio::test]
async fn every_response_carries_the_endpoint_clock_as_date() -> TestResult {
    let local = LocalEndpoint::builder()
        .clock(|| SystemTime::now() + AHEAD)
        .start()
        .await?;
    let response = reqwest::get(format!("{}/no/such/api", local.url())).await?;
    assert_eq!(response.status().as_u16(), 404);
    let date = response
        .headers()
        .get("date")
        .and_then(|v| v.to_str().ok())
        .expect("Date header");
    let date = httpdate::parse_http_date(date)?;
    let ahead = date.duration_since(SystemTime::now())?;
    assert!(
        ahead > AHEAD - Duration::from_secs(5) && ahead <= AHEAD,
        "Date is {ahead:?} ahead"
    );
    assert_eq!(local.request_count(), 1);
    Ok(())
}

#[tokio::test]
async fn skewed_server_clock_is_corrected_once_then_reused() -> TestResult {
    let local = LocalEndpoint::builder()
        .clock(|| SystemTime::now() + AHEAD)
        .start()
        .await?;
    let config = local.config();
    let hss = huaweicloud_sdk_hss::v5::Client::new(&config)?;
    // A POST: the gateway rejected it before the service ran, so it is resent.
    let out = hss
        .run_image_synchronize()
        .body(RunImageSynchronizeRequestInfo::new().image_type("private_image"))
        .send()
        .await?;
    assert_eq!(out.error_code, Some(0));
    assert_eq!(local.request_count(), 2, "rejected, then accepted");

    // The same client's next call is signed with the corrected clock from the start.
    hss.run_image_synchronize()
        .body(RunImageSynchronizeRequestInfo::new().image_type("shared_image"))
        .send()
        .await?;
    assert_eq!(local.request_count(), 3, "a second call needs one request");

    // The offset is the client's, not the config's: another client learns its own once.
    let metastudio = huaweicloud_sdk_metastudio::v1::Client::new(&config)?;
    for _ in 0..2 {
        metastudio
            .list_picture_modeling_jobs()
            .limit(1)
            .send()
            .await?;
    }
    assert_eq!(local.request_count(), 6, "corrected once, then reused");
    Ok(())
}

#[tokio::test]
async fn correction_can_be_turned_off() -> TestResult {
    let local = LocalEndpoint::builder()
        .clock(|| SystemTime::now() + AHEAD)
        .start()
        .await?;
    let config = local.config().with_clock_skew_correction(false);
    assert!(!config.clock_skew_correction());
    let err = huaweicloud_sdk_swr::v2::Client::new(&config)?
        .show_instance_artifact()
        .instance_id(huaweicloud_sdk_local::seed::SWR_INSTANCE_ID)
        .namespace_name(huaweicloud_sdk_local::seed::SWR_NAMESPACE)
        .repository_name("nginx")
        .reference("latest")
        .send()
        .await
        .expect_err("expired");
    assert_eq!(err.error_code(), Some("APIGW.0301"));
    assert_eq!(local.request_count(), 1);
    Ok(())
}
