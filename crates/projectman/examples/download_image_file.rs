//! Downloads a work item image (DownloadImageFile) to a file, with progress.
//!
//! ```text
//! cargo run -p huaweicloud-sdk-projectman --example download_image_file -- \
//!     <project_id> <image_uri> [output_file]
//! ```
//!
//! `output_file` defaults to the image's file name in the system's temporary directory.
//!
//! Credentials come from the environment (`HUAWEICLOUD_SDK_AK`, `HUAWEICLOUD_SDK_SK`, ...) or
//! the profile file; the region from `HUAWEICLOUD_SDK_REGION_ID`. Set
//! `HUAWEICLOUD_SDK_ENDPOINT` (e.g. `http://127.0.0.1:8080`) to send the request to another
//! endpoint, such as a local test server.

use std::io::IsTerminal;

use huaweicloud_sdk_projectman::Config;
use huaweicloud_sdk_projectman::download::{self, DownloadOptions};
use huaweicloud_sdk_projectman::v4::Client;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let project_id = args
        .next()
        .unwrap_or_else(|| "5e9ae3a5f1fc4e4a9a2f7a6a1e0c6c8d".to_owned());
    let image_uri = args.next().unwrap_or_else(|| {
        "/v1/upload/2c42a6d37ccc4197bf0b3dbe91be021a/202209/1662003438194761550.png".to_owned()
    });
    // Default output: the last segment of the image URI, in the system's temporary directory
    // (never the current directory, which may be a source tree).
    let output_file = args
        .next()
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            let name = image_uri
                .rsplit('/')
                .next()
                .filter(|name| !name.is_empty())
                .unwrap_or("image.bin");
            std::env::temp_dir().join(name)
        });

    let client = Client::new(&Config::from_env()?)?;
    let image = client
        .download_image_file()
        .project_id(project_id)
        .image_uri(image_uri)
        .send()
        .await?;
    println!(
        "content-type {}, request id {}",
        image.content_type.as_deref().unwrap_or("-"),
        image.request_id.as_deref().unwrap_or("-"),
    );
    // Redrawn in place on a terminal only: a pipe or a log gets no carriage returns.
    let terminal = std::io::stderr().is_terminal();
    let options = DownloadOptions::new().progress(move |done, total| {
        if terminal {
            match total {
                Some(total) => eprint!("\r{done} / {total} bytes"),
                None => eprint!("\r{done} bytes"),
            }
        }
    });
    let written = download::write_to_file(image, &output_file, &options).await?;
    if terminal {
        eprintln!();
    }
    println!("wrote {written} bytes to {}", output_file.display());
    Ok(())
}
