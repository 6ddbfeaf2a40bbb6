//! Lists stylized picture modeling jobs (ListPictureModelingJobs), walking every page with the
//! paginator.
//!
//! ```text
//! cargo run -p huaweicloud-sdk-metastudio --example list_picture_modeling_jobs -- \
//!     [page_size] [state,state,...]
//! ```
//!
//! For example `-- 20 SUCCEED,FAILED`. Credentials and project id come from the environment
//! (`HUAWEICLOUD_SDK_AK`, `HUAWEICLOUD_SDK_SK`, `HUAWEICLOUD_SDK_PROJECT_ID`) or the profile
//! file; the region from `HUAWEICLOUD_SDK_REGION_ID`. Set
//! `HUAWEICLOUD_SDK_ENDPOINT` (e.g. `http://127.0.0.1:8080`) to send the requests to another
//! endpoint, such as a local test server.

use huaweicloud_sdk_metastudio::v1::Client;
use huaweicloud_sdk_metastudio::{Config, TryStreamExt};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let page_size: i32 = match args.next() {
        Some(size) => size.parse()?,
        None => 10,
    };
    let states = args.next().unwrap_or_default();

    let client = Client::new(&Config::from_env()?)?;
    let mut request = client.list_picture_modeling_jobs().limit(page_size);
    for state in states.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        request = request.state(state);
    }
    let mut jobs = std::pin::pin!(request.into_paginator().items());
    let mut count = 0usize;
    while let Some(job) = jobs.try_next().await? {
        count += 1;
        println!(
            "{:<34} {:<12} {}",
            job.job_id.as_deref().unwrap_or("-"),
            job.state
                .as_ref()
                .map_or_else(|| "-".to_owned(), ToString::to_string),
            job.name.as_deref().unwrap_or("-"),
        );
    }
    println!("{count} jobs");
    Ok(())
}
