//! The main job: the five operations of the SDK end to end.
//!
//! ```text
//! cargo run -p huaweicloud-sdk-tour
//! ```
//!
//! Against Huawei Cloud when `HUAWEICLOUD_SDK_AK` and `HUAWEICLOUD_SDK_SK` are set (with
//! `HUAWEICLOUD_SDK_PROJECT_ID`, `HUAWEICLOUD_SDK_REGION_ID` and the `HUAWEICLOUD_TOUR_*`
//! variables naming the account's resources), otherwise against the local endpoint of
//! `huaweicloud-sdk-local`, started in this process. With `HUAWEICLOUD_SDK_IDP_ID` and
//! `HUAWEICLOUD_SDK_ID_TOKEN_FILE` set instead of an AK/SK pair, the credentials come from
//! OIDC federation: from the local endpoint's IAM, or from Huawei Cloud's when the
//! `HUAWEICLOUD_TOUR_*` variables are set too. It uploads a file (CreateFile and the
//! presigned PUT), lists picture-modeling jobs with the paginator, shows an SWR artifact,
//! synchronizes HSS images and downloads an image (locally: the uploaded file, checked against
//! its MD5), printing each operation's name and result. Exits non-zero when an operation fails.

mod progress;
mod steps;
mod target;
mod wrap;

use std::path::Path;
use std::process::ExitCode;

use tokio::io::AsyncWriteExt;

use target::Target;

/// Size of the file the tour uploads: big enough for the progress bar to move.
const SAMPLE_SIZE: usize = 8 * 1024 * 1024;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(0) => {
            println!("\nall five operations succeeded");
            ExitCode::SUCCESS
        }
        Ok(failed) => {
            println!("\n{failed} operation(s) failed");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("tour: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Runs every operation it can; returns how many failed.
async fn run() -> Result<usize, String> {
    let target = Target::choose().await?;
    println!(
        "Huawei Cloud SDK for Rust: five operations against {}",
        target.description
    );
    if let Some(hint) = target.hint {
        println!("{hint}");
    }
    println!();
    let work = tempfile::tempdir().map_err(|e| format!("cannot create a work directory: {e}"))?;
    let sample = work.path().join("tour-sample.png");
    write_sample(&sample)
        .await
        .map_err(|e| format!("cannot write {}: {e}", sample.display()))?;

    let config = &target.config;
    let mut tally = Tally::default();

    println!("CreateFile               uploading a {SAMPLE_SIZE}-byte sample file");
    let uploaded = steps::upload(config, &target.inputs.asset_id, &sample).await;
    let upload_line = uploaded.as_ref().map(|u| {
        format!(
            "file_id {} (request {}), {} bytes PUT to upload_url as {} with Content-MD5 {}",
            u.file_id,
            u.request_id.as_deref().unwrap_or("-"),
            u.file_size,
            u.content_type,
            u.file_md5,
        )
    });
    tally.report("CreateFile", upload_line.map_err(|e| e.to_string()));
    tally.report("ListPictureModelingJobs", steps::list_jobs(config).await);
    tally.report(
        "ShowInstanceArtifact",
        steps::show_artifact(config, &target.inputs.swr).await,
    );
    tally.report("RunImageSynchronize", steps::synchronize(config).await);

    // Locally the uploaded file comes back; against Huawei Cloud, the image named by the caller.
    let image_uri = match (&target.inputs.image_uri, &target.local, &uploaded) {
        (Some(uri), _, _) => Ok(uri.clone()),
        (None, Some(local), Ok(u)) => local
            .image_uri(&u.file_id)
            .ok_or_else(|| format!("the local endpoint does not know file {}", u.file_id)),
        _ => Err("nothing to download: the upload failed".to_owned()),
    };
    let downloaded = match image_uri {
        Ok(uri) => {
            let to = work.path().join("downloaded.png");
            match steps::download(config, &target.inputs.codearts_project_id, &uri, &to).await {
                Ok((line, md5)) => match &uploaded {
                    Ok(u) if target.local.is_some() && u.file_md5 != md5 => Err(format!(
                        "{line}, but its MD5 {md5} differs from the upload's {}",
                        u.file_md5
                    )),
                    Ok(u) if target.local.is_some() => {
                        Ok(format!("{line}; MD5 {md5} matches the upload"))
                    }
                    _ => Ok(format!("{line}; MD5 {md5}")),
                },
                Err(e) => Err(e.to_string()),
            }
        }
        Err(why) => Err(why),
    };
    tally.report("DownloadImageFile", downloaded);
    Ok(tally.failed)
}

/// Prints each operation's outcome and counts the failures.
#[derive(Default)]
struct Tally {
    failed: usize,
}

impl Tally {
    fn report<E: std::fmt::Display>(&mut self, operation: &str, result: Result<String, E>) {
        match result {
            Ok(line) => println!("{}", wrap::wrap(&format!("{operation:<24} ok: {line}"))),
            Err(e) => {
                self.failed += 1;
                println!("{}", wrap::wrap(&format!("{operation:<24} FAILED: {e}")));
            }
        }
    }
}

/// A deterministic sample "image": the PNG signature, then pseudo-random bytes, written in
/// 1 MiB pieces.
async fn write_sample(path: &Path) -> std::io::Result<()> {
    let mut file = tokio::fs::File::create(path).await?;
    let mut state: u32 = 0x9e37_79b9;
    let mut chunk = vec![0u8; 1024 * 1024];
    let mut written = 0;
    while written < SAMPLE_SIZE {
        for byte in chunk.iter_mut() {
            // xorshift32: cheap bytes that do not compress.
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            *byte = state.to_le_bytes()[0];
        }
        if written == 0 {
            chunk[..8].copy_from_slice(b"\x89PNG\r\n\x1a\n");
        }
        file.write_all(&chunk).await?;
        written += chunk.len();
    }
    file.flush().await
}
