//! Starts synchronizing the SWR image list into HSS (RunImageSynchronize).
//!
//! ```text
//! cargo run -p huaweicloud-sdk-hss --example run_image_synchronize -- \
//!     [image_type] [enterprise_project_id]
//! ```
//!
//! `image_type` is `private_image` (default) or `shared_image`. Credentials and project id come
//! from the environment (`HUAWEICLOUD_SDK_AK`, `HUAWEICLOUD_SDK_SK`,
//! `HUAWEICLOUD_SDK_PROJECT_ID`) or the profile file; the region from
//! `HUAWEICLOUD_SDK_REGION_ID`. Set `HUAWEICLOUD_SDK_ENDPOINT` (e.g.
//! `http://127.0.0.1:8080`) to send the request to another endpoint, such as a local test
//! server.

use huaweicloud_sdk_hss::Config;
use huaweicloud_sdk_hss::v5::Client;
use huaweicloud_sdk_hss::v5::models::RunImageSynchronizeRequestInfo;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let image_type = args.next().unwrap_or_else(|| "private_image".to_owned());
    let enterprise_project_id = args.next();

    let config = Config::from_env()?;
    let client = Client::new(&config)?;
    let mut request = client
        .run_image_synchronize()
        .body(RunImageSynchronizeRequestInfo::new(image_type.as_str()));
    if let Some(eps) = enterprise_project_id {
        request = request.enterprise_project_id(eps);
    }
    if let Some(region) = config.region() {
        request = request.region(region);
    }
    let output = request.send().await?;
    // A non-zero error_code in the answer is returned as an error by `send`.
    println!(
        "synchronization of {image_type} images started: {} (code {})",
        output.error_description.as_deref().unwrap_or("-"),
        output.error_code.unwrap_or_default(),
    );
    println!(
        "request id: {}",
        output.request_id.as_deref().unwrap_or("-")
    );
    Ok(())
}
