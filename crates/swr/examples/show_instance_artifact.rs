//! Shows one artifact version of an SWR enterprise edition instance (ShowInstanceArtifact).
//!
//! ```text
//! cargo run -p huaweicloud-sdk-swr --example show_instance_artifact -- \
//!     <instance_id> <namespace> <repository> [reference]
//! ```
//!
//! `reference` is a tag or digest (default `latest`); `repository` may contain `/`. Credentials
//! and project id come from the environment (`HUAWEICLOUD_SDK_AK`, `HUAWEICLOUD_SDK_SK`,
//! `HUAWEICLOUD_SDK_PROJECT_ID`) or the profile file; the region from
//! `HUAWEICLOUD_SDK_REGION_ID`. Set `HUAWEICLOUD_SDK_ENDPOINT` (e.g.
//! `http://127.0.0.1:8080`) to send the request to another endpoint, such as a local test
//! server.

use huaweicloud_sdk_swr::Config;
use huaweicloud_sdk_swr::v2::Client;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let instance_id = args
        .next()
        .unwrap_or_else(|| "6d4c3b2a-1f00-4e9d-8c7b-6a5f4e3d2c1b".to_owned());
    let namespace = args.next().unwrap_or_else(|| "library".to_owned());
    let repository = args.next().unwrap_or_else(|| "nginx".to_owned());
    let reference = args.next().unwrap_or_else(|| "latest".to_owned());

    let client = Client::new(&Config::from_env()?)?;
    let artifact = client
        .show_instance_artifact()
        .instance_id(instance_id)
        .namespace_name(namespace)
        .repository_name(repository)
        .reference(reference)
        .with_scan_overview(true)
        .send()
        .await?;
    let text = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".to_owned());
    println!("repository: {}", text(&artifact.repository_name));
    println!("digest:     {}", text(&artifact.digest));
    println!("media type: {}", text(&artifact.media_type));
    println!(
        "size:       {}",
        artifact
            .size
            .map_or_else(|| "-".to_owned(), |s| format!("{s} bytes"))
    );
    println!("pushed:     {}", text(&artifact.push_time));
    println!("pulled:     {}", text(&artifact.pull_time));
    let tags: Vec<String> = artifact
        .tags
        .iter()
        .flatten()
        .filter_map(|t| t.name.clone())
        .collect();
    println!(
        "tags:       {}",
        if tags.is_empty() {
            "-".to_owned()
        } else {
            tags.join(", ")
        }
    );
    if let Some(overview) = &artifact.scan_overview {
        for report in overview.keys() {
            println!("scan report: {report}");
        }
    }
    println!("request id: {}", text(&artifact.request_id));
    Ok(())
}
