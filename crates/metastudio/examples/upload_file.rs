//! Uploads a local file as an asset file with the upload helper: computes its MD5, calls
//! CreateFile, then PUTs the content to the presigned URL, with progress.
//!
//! ```text
//! cargo run -p huaweicloud-sdk-metastudio --example upload_file -- \
//!     <path> <asset_id> [category] [file_type]
//! ```
//!
//! `category` defaults to `MAIN`; `file_type` to the file's extension. Credentials and project
//! id come from the environment (`HUAWEICLOUD_SDK_AK`, `HUAWEICLOUD_SDK_SK`,
//! `HUAWEICLOUD_SDK_PROJECT_ID`) or the profile file; the region from
//! `HUAWEICLOUD_SDK_REGION_ID`. Set `HUAWEICLOUD_SDK_ENDPOINT` (e.g.
//! `http://127.0.0.1:8080`) to send CreateFile to another endpoint, such as a local test
//! server; the upload goes wherever its answer's `upload_url` points.

use std::io::IsTerminal;
use std::process::ExitCode;

use huaweicloud_sdk_metastudio::Config;
use huaweicloud_sdk_metastudio::upload::UploadFile;
use huaweicloud_sdk_metastudio::v1::Client;

#[tokio::main]
async fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(path), Some(asset_id)) = (args.next(), args.next()) else {
        eprintln!("usage: upload_file <path> <asset_id> [category] [file_type]");
        return ExitCode::from(2);
    };
    match upload(path, asset_id, args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("upload_file: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn upload(
    path: String,
    asset_id: String,
    mut args: impl Iterator<Item = String>,
) -> Result<(), huaweicloud_sdk_metastudio::Error> {
    let category = args.next().unwrap_or_else(|| "MAIN".to_owned());

    // The read timeout bounds silences only: a large upload on a slow link is not cut short.
    let client = Client::new(&Config::from_env()?)?;
    let mut upload = UploadFile::new(&client, &path)
        .asset_id(asset_id)
        .asset_file_category(category.as_str())
        // Redrawn in place on a terminal only: a pipe or a log gets no carriage returns.
        .progress(|done, total| {
            if std::io::stderr().is_terminal() {
                match total {
                    Some(total) => eprint!("\r{done} / {total} bytes"),
                    None => eprint!("\r{done} bytes"),
                }
            }
        });
    if let Some(file_type) = args.next() {
        upload = upload.file_type(file_type);
    }
    let uploaded = upload.send().await?;
    if std::io::stderr().is_terminal() {
        eprintln!();
    }
    println!("file id:      {}", uploaded.file_id);
    println!("size:         {} bytes", uploaded.file_size);
    println!("content-md5:  {}", uploaded.file_md5);
    println!("content-type: {}", uploaded.content_type);
    println!(
        "request ids:  CreateFile {}, upload {}",
        uploaded.request_id.as_deref().unwrap_or("-"),
        uploaded.upload_request_id.as_deref().unwrap_or("-"),
    );
    Ok(())
}
