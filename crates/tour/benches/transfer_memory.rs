//! Peak memory of the transfer helpers on a large file: uploads it with the MetaStudio upload
//! helper (streamed MD5, CreateFile, presigned PUT) to the local endpoint, downloads it back with
//! the ProjectMan download helper, checks the bytes, and prints the process's peak RSS during
//! each transfer.
//!
//! ```text
//! cargo bench -p huaweicloud-sdk-tour --bench transfer_memory            # 1 GiB
//! TRANSFER_MIB=256 cargo bench -p huaweicloud-sdk-tour --bench transfer_memory
//! ```
//!
//! The local endpoint runs in this process, so each figure is the SDK plus the server: an upper
//! bound on the SDK's own. The peak is reset between phases through `/proc/self/clear_refs`
//! (Linux); elsewhere the figures are not available and the bench says so.

use std::path::Path;
use std::time::Instant;

use huaweicloud_sdk_local::LocalEndpoint;
use huaweicloud_sdk_metastudio::upload::{UploadFile, file_content_md5};
use huaweicloud_sdk_projectman::download::{DownloadOptions, write_to_file};
use tokio::io::AsyncWriteExt;

type BoxError = Box<dyn std::error::Error>;

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let mib: u64 = std::env::var("TRANSFER_MIB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1024);
    let size = mib * 1024 * 1024;
    let work = tempfile::tempdir()?;
    let source = work.path().join("large.png");
    write_file(&source, size).await?;

    let local = LocalEndpoint::start().await?;
    // The read timeout would otherwise bound the whole upload.
    let config = local.config().with_read_timeout(None);
    println!(
        "transfer of {mib} MiB through the local endpoint at {}",
        local.url()
    );

    reset_peak_rss();
    let started = Instant::now();
    let client = huaweicloud_sdk_metastudio::v1::Client::new(&config)?;
    let uploaded = UploadFile::new(&client, &source)
        .asset_id("bench-asset")
        .asset_file_category("MAIN")
        .send()
        .await?;
    report(
        "upload (MD5 + CreateFile + PUT)",
        size,
        started,
        peak_rss_kib(),
    );

    let image_uri = local
        .image_uri(&uploaded.file_id)
        .ok_or("the local endpoint does not know the uploaded file")?;
    let target = work.path().join("downloaded.png");
    reset_peak_rss();
    let started = Instant::now();
    let output = huaweicloud_sdk_projectman::v4::Client::new(&config)?
        .download_image_file()
        .project_id(huaweicloud_sdk_local::seed::CODEARTS_PROJECT_ID)
        .image_uri(image_uri)
        .send()
        .await?;
    let written = write_to_file(output, &target, &DownloadOptions::new()).await?;
    report("download (to a file)", written, started, peak_rss_kib());

    let (md5, _) = file_content_md5(&target).await?;
    if written != size || md5 != uploaded.file_md5 {
        return Err(format!(
            "downloaded {written} bytes with MD5 {md5}, expected {size} bytes with MD5 {}",
            uploaded.file_md5
        )
        .into());
    }
    println!("downloaded file identical to the upload (MD5 {md5})");
    Ok(())
}

fn report(phase: &str, bytes: u64, started: Instant, peak_kib: Option<u64>) {
    let seconds = started.elapsed().as_secs_f64();
    let rate = bytes as f64 / (1024.0 * 1024.0) / seconds;
    match peak_kib {
        Some(kib) => println!(
            "{phase:<34} {seconds:>6.2} s  {rate:>7.1} MiB/s  peak RSS {:.1} MiB",
            kib as f64 / 1024.0
        ),
        None => println!("{phase:<34} {seconds:>6.2} s  {rate:>7.1} MiB/s  peak RSS unavailable"),
    }
}

/// Writes `size` pseudo-random bytes (incompressible, so nothing is cheaper than real data),
/// 1 MiB at a time.
async fn write_file(path: &Path, size: u64) -> std::io::Result<()> {
    let mut file = tokio::io::BufWriter::new(tokio::fs::File::create(path).await?);
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut chunk = vec![0u8; 1024 * 1024];
    let mut left = size;
    while left > 0 {
        for word in chunk.chunks_exact_mut(8) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            word.copy_from_slice(&state.to_le_bytes());
        }
        let n = usize::try_from(left.min(chunk.len() as u64)).unwrap_or(chunk.len());
        file.write_all(&chunk[..n]).await?;
        left -= n as u64;
    }
    file.flush().await
}

/// Resets the kernel's peak-RSS mark (`VmHWM`) to the current RSS.
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// `VmHWM` of this process, in KiB.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}
