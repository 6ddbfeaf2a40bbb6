//! Lists the servers HSS protects and their status, page by page (ListHostStatus).
//!
//! ```text
//! cargo run -p huaweicloud-sdk-hss --example list_host_status -- [host_name]
//! ```
//!
//! `host_name` filters by server name. Credentials and project id come from the environment
//! (`HUAWEICLOUD_SDK_AK`, `HUAWEICLOUD_SDK_SK`, `HUAWEICLOUD_SDK_PROJECT_ID`) or the profile
//! file; the region from `HUAWEICLOUD_SDK_REGION_ID`. Set `HUAWEICLOUD_SDK_ENDPOINT` (e.g.
//! `http://127.0.0.1:8080`) to send the requests to another endpoint, such as a local test
//! server.

use huaweicloud_sdk_hss::v5::Client;
use huaweicloud_sdk_hss::{Config, TryStreamExt};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let host_name = std::env::args().nth(1);

    let config = Config::from_env()?;
    let client = Client::new(&config)?;
    let mut request = client.list_host_status().limit(50);
    if let Some(name) = host_name {
        request = request.host_name(name);
    }
    // The `region` field names the region whose servers to list; the endpoint's own region is
    // the natural choice.
    if let Some(region) = config.region() {
        request = request.region(region);
    }
    let hosts: Vec<_> = request.into_paginator().items().try_collect().await?;
    for host in &hosts {
        println!(
            "{:<32} {:<10} agent {:<10} protection {}",
            host.host_name.as_deref().unwrap_or("-"),
            host.host_status.as_ref().map_or("-", |s| s.as_str()),
            host.agent_status.as_ref().map_or("-", |s| s.as_str()),
            host.protect_status.as_ref().map_or("-", |s| s.as_str()),
        );
    }
    println!("{} server(s)", hosts.len());
    Ok(())
}
