//! The five operations, one function each, returning the line the tour prints for it.

use std::path::Path;
use std::sync::Arc;

use futures_util::TryStreamExt;
use huaweicloud_sdk_core::{Config, Error};
use huaweicloud_sdk_hss::v5::models::RunImageSynchronizeRequestInfo;
use huaweicloud_sdk_metastudio::upload::{UploadFile, UploadOutput, file_content_md5};
use huaweicloud_sdk_projectman::download::{DownloadOptions, write_to_file};

use crate::progress::ProgressBar;

/// CreateFile through the upload helper: MD5 streamed, CreateFile, then the presigned PUT.
pub async fn upload(config: &Config, asset_id: &str, path: &Path) -> Result<UploadOutput, Error> {
    let client = huaweicloud_sdk_metastudio::v1::Client::new(config)?;
    let bar = Arc::new(ProgressBar::new("upload"));
    let progress = Arc::clone(&bar);
    let uploaded = UploadFile::new(&client, path)
        .asset_id(asset_id)
        .asset_file_category("MAIN")
        .progress(move |done, total| progress.update(done, total))
        .send()
        .await;
    bar.finish();
    uploaded
}

/// ListPictureModelingJobs: one filtered page, then every job through the paginator.
pub async fn list_jobs(config: &Config) -> Result<String, Error> {
    let client = huaweicloud_sdk_metastudio::v1::Client::new(config)?;
    let succeeded = client
        .list_picture_modeling_jobs()
        .state("SUCCEED")
        .sort_key("create_time")
        .sort_dir("desc")
        .limit(2)
        .send()
        .await?;
    let jobs: Vec<_> = client
        .list_picture_modeling_jobs()
        .limit(5)
        .into_paginator()
        .items()
        .try_collect()
        .await?;
    let mut states: Vec<String> = jobs
        .iter()
        .filter_map(|job| job.state.as_ref().map(|s| s.as_str().to_owned()))
        .collect();
    states.sort();
    states.dedup();
    let newest = succeeded
        .picture_modeling_jobs
        .unwrap_or_default()
        .into_iter()
        .filter_map(|job| job.name.or(job.job_id))
        .collect::<Vec<_>>()
        .join(", ");
    Ok(format!(
        "{} jobs in all, read 5 per page ({}); {} succeeded, newest: {newest}",
        jobs.len(),
        states.join("/"),
        succeeded.count.unwrap_or(0),
    ))
}

/// ShowInstanceArtifact with its vulnerability scan overview.
pub async fn show_artifact(config: &Config, swr: &[String; 4]) -> Result<String, Error> {
    let client = huaweicloud_sdk_swr::v2::Client::new(config)?;
    let [instance, namespace, repository, reference] = swr;
    let artifact = client
        .show_instance_artifact()
        .instance_id(instance)
        .namespace_name(namespace)
        .repository_name(repository)
        .reference(reference)
        .with_scan_overview(true)
        .send()
        .await?;
    let tags: Vec<String> = artifact
        .tags
        .unwrap_or_default()
        .into_iter()
        .filter_map(|tag| tag.name)
        .collect();
    let severity = artifact
        .scan_overview
        .unwrap_or_default()
        .into_values()
        .filter_map(|report| report.severity.map(|s| s.as_str().to_owned()))
        .next()
        .unwrap_or_else(|| "not scanned".to_owned());
    Ok(format!(
        "{namespace}/{repository}:{reference} is {} ({} bytes, tags {}), scan severity {severity}",
        artifact.digest.as_deref().unwrap_or("?"),
        artifact.size.unwrap_or(0),
        tags.join(", "),
    ))
}

/// RunImageSynchronize of the private image repositories: the tour's seed operation, kept
/// although the official SDKs deprecate it.
#[allow(deprecated)]
pub async fn synchronize(config: &Config) -> Result<String, Error> {
    let client = huaweicloud_sdk_hss::v5::Client::new(config)?;
    let output = client
        .run_image_synchronize()
        .body(RunImageSynchronizeRequestInfo::new().image_type("private_image"))
        .send()
        .await?;
    Ok(format!(
        "private images: error_code {} ({})",
        output.error_code.unwrap_or(0),
        output
            .error_description
            .as_deref()
            .unwrap_or("no description"),
    ))
}

/// DownloadImageFile into `to`, streamed; returns the line and the downloaded file's MD5.
pub async fn download(
    config: &Config,
    project_id: &str,
    image_uri: &str,
    to: &Path,
) -> Result<(String, String), Error> {
    let client = huaweicloud_sdk_projectman::v4::Client::new(config)?;
    let output = client
        .download_image_file()
        .project_id(project_id)
        .image_uri(image_uri)
        .send()
        .await?;
    let content_type = output.content_type.clone().unwrap_or_default();
    let bar = Arc::new(ProgressBar::new("download"));
    let progress = Arc::clone(&bar);
    let options = DownloadOptions::new().progress(move |done, total| progress.update(done, total));
    let written = write_to_file(output, to, &options).await;
    bar.finish();
    let written = written?;
    let (md5, _) = file_content_md5(to).await?;
    Ok((
        format!("{written} bytes of {content_type} saved to a temporary file"),
        md5,
    ))
}
