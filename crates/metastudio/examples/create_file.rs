//! Registers a file of an asset (CreateFile) and prints its id and upload URL. Use the
//! `upload_file` example to also compute the MD5 and upload the content.
//!
//! ```text
//! cargo run -p huaweicloud-sdk-metastudio --example create_file -- \
//!     <asset_id> [file_name] [file_md5] [file_size] [category]
//! ```
//!
//! Credentials and project id come from the environment (`HUAWEICLOUD_SDK_AK`,
//! `HUAWEICLOUD_SDK_SK`, `HUAWEICLOUD_SDK_PROJECT_ID`) or the profile file; the region from
//! `HUAWEICLOUD_SDK_REGION_ID`. Set `HUAWEICLOUD_SDK_ENDPOINT` (e.g.
//! `http://127.0.0.1:8080`) to send the request to another endpoint, such as a local test server.

use huaweicloud_sdk_metastudio::Config;
use huaweicloud_sdk_metastudio::v1::Client;
use huaweicloud_sdk_metastudio::v1::models::FilesCreateReq;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let asset_id = args
        .next()
        .unwrap_or_else(|| "8cb2f48a2cb006154794741933421100".to_owned());
    let file_name = args.next().unwrap_or_else(|| "1.png".to_owned());
    let file_md5 = args
        .next()
        .unwrap_or_else(|| "n58IG6hfM7vqI4K0vnWpog==".to_owned());
    let file_size: i64 = match args.next() {
        Some(size) => size.parse()?,
        None => 1_048_576,
    };
    let category = args.next().unwrap_or_else(|| "MAIN".to_owned());

    let client = Client::new(&Config::from_env()?)?;
    let created = client
        .create_file()
        .body(
            FilesCreateReq::new()
                .file_name(file_name)
                .file_md5(file_md5)
                .file_size(file_size)
                .asset_id(asset_id)
                .asset_file_category(category.as_str()),
        )
        .send()
        .await?;
    println!("file id:    {}", created.file_id.as_deref().unwrap_or("-"));
    println!(
        "upload url: {}",
        created.upload_url.as_deref().unwrap_or("-")
    );
    println!(
        "request id: {}",
        created.request_id.as_deref().unwrap_or("-")
    );
    Ok(())
}
