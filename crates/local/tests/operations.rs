//! The five operations driven through the generated SDK clients.

// RunImageSynchronize is deprecated; these tests still exercise it as a seed operation.
#![allow(deprecated)]

mod common;

use huaweicloud_sdk_hss::v5::models::RunImageSynchronizeRequestInfo;
use huaweicloud_sdk_local::{LocalEndpoint, seed};
use huaweicloud_sdk_metastudio::v1::models::FilesCreateReq;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn job_ids(jobs: &[&seed::PictureModelingJob]) -> Vec<String> {
    jobs.iter().map(|j| j.job_id.to_owned()).collect()
}

#[tokio::test]
async fn list_picture_modeling_jobs_filters_sorts_and_pages() -> TestResult {
    let local = LocalEndpoint::start().await?;
    let client = huaweicloud_sdk_metastudio::v1::Client::new(&local.config())?;

    // Defaults: offset 0, limit 10, sorted by create_time ascending; count is the total.
    let out = client.list_picture_modeling_jobs().send().await?;
    let all = seed::PICTURE_MODELING_JOBS;
    assert_eq!(out.count, Some(i32::try_from(all.len())?));
    let page = out.picture_modeling_jobs.unwrap_or_default();
    assert_eq!(page.len(), 10);
    let mut by_created: Vec<&seed::PictureModelingJob> = all.iter().collect();
    by_created.sort_by_key(|j| j.create_time);
    let got: Vec<String> = page.iter().filter_map(|j| j.job_id.clone()).collect();
    assert_eq!(got, job_ids(&by_created[..10]));
    assert_eq!(
        out.request_id.as_deref().map(str::len),
        Some(32),
        "X-Request-Id captured"
    );

    // state filter (comma-joined), update_time descending, second page.
    let mut wanted: Vec<&seed::PictureModelingJob> = all
        .iter()
        .filter(|j| j.state == "SUCCEED" || j.state == "FAILED")
        .collect();
    wanted.sort_by(|a, b| b.update_time.cmp(a.update_time));
    assert_eq!(wanted.len(), 8);
    let out = client
        .list_picture_modeling_jobs()
        .state("SUCCEED")
        .state("FAILED")
        .sort_key("update_time")
        .sort_dir("desc")
        .offset(3)
        .limit(3)
        .send()
        .await?;
    assert_eq!(out.count, Some(8), "count is the number of matches");
    let page = out.picture_modeling_jobs.unwrap_or_default();
    let got: Vec<String> = page.iter().filter_map(|j| j.job_id.clone()).collect();
    assert_eq!(got, job_ids(&wanted[3..6]));
    for job in &page {
        let state = job.state.as_ref().map(|s| s.as_str().to_owned());
        assert!(matches!(state.as_deref(), Some("SUCCEED" | "FAILED")));
        assert!(job.end_time.is_some());
        if state.as_deref() == Some("FAILED") {
            assert!(job.error_info.is_some());
        } else {
            assert!(job.model_asset_id.is_some());
        }
    }

    // asset_order ascending, creation window, past the end.
    let out = client
        .list_picture_modeling_jobs()
        .sort_key("asset_order")
        .create_since("2026-01-05T00:00:00Z")
        .create_until("2026-01-15T23:59:59Z")
        .send()
        .await?;
    let mut wanted: Vec<&seed::PictureModelingJob> = all
        .iter()
        .filter(|j| {
            j.create_time >= "2026-01-05T00:00:00Z" && j.create_time <= "2026-01-15T23:59:59Z"
        })
        .collect();
    wanted.sort_by_key(|j| j.asset_order);
    assert_eq!(out.count, Some(i32::try_from(wanted.len())?));
    let got: Vec<String> = out
        .picture_modeling_jobs
        .unwrap_or_default()
        .iter()
        .filter_map(|j| j.job_id.clone())
        .collect();
    assert_eq!(got, job_ids(&wanted));

    let out = client
        .list_picture_modeling_jobs()
        .offset(100)
        .send()
        .await?;
    assert_eq!(out.count, Some(14));
    assert_eq!(out.picture_modeling_jobs.unwrap_or_default().len(), 0);
    Ok(())
}

#[tokio::test]
async fn list_picture_modeling_jobs_validates_parameters() -> TestResult {
    let local = LocalEndpoint::start().await?;
    let client = huaweicloud_sdk_metastudio::v1::Client::new(&local.config())?;
    for limit in [0, 101] {
        let err = client
            .list_picture_modeling_jobs()
            .limit(limit)
            .send()
            .await
            .expect_err("limit out of range");
        assert!(err.is_service(), "{err}");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
        assert_eq!(err.error_code(), Some("MSS.00000003"));
        assert_eq!(err.request_id().map(str::len), Some(32));
    }
    let err = client
        .list_picture_modeling_jobs()
        .offset(-1)
        .send()
        .await
        .expect_err("negative offset");
    assert_eq!(err.error_code(), Some("MSS.00000003"));
    let err = client
        .list_picture_modeling_jobs()
        .state("DONE")
        .send()
        .await
        .expect_err("unknown state");
    assert_eq!(err.error_code(), Some("MSS.00000003"));
    Ok(())
}

#[tokio::test]
async fn create_file_upload_and_download() -> TestResult {
    let local = LocalEndpoint::start().await?;
    let config = local.config();
    let metastudio = huaweicloud_sdk_metastudio::v1::Client::new(&config)?;
    let projectman = huaweicloud_sdk_projectman::v4::Client::new(&config)?;

    let content: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    let md5 = common::content_md5(&content);
    let created = metastudio
        .create_file()
        .body(
            FilesCreateReq::new()
                .file_name("Portrait.PNG")
                .file_md5(md5.clone())
                .file_size(i64::try_from(content.len())?)
                .asset_id("8cb2f48a2cb006154794741933421100")
                .asset_file_category("MAIN"),
        )
        .send()
        .await?;
    let file_id = created.file_id.expect("file_id");
    let upload_url = created.upload_url.expect("upload_url");
    assert!(upload_url.starts_with(&format!("{}/upload/{file_id}?", local.url())));
    assert_eq!(created.request_id.as_deref().map(str::len), Some(32));

    let http = reqwest::Client::new();
    // Wrong Content-MD5, wrong Content-Type, missing Content-MD5: refused before storing.
    let wrong_md5 = common::content_md5(b"other");
    for (md5_header, content_type) in [
        (Some(wrong_md5.as_str()), "image/png"),
        (Some(md5.as_str()), "application/octet-stream"),
        (None, "image/png"),
    ] {
        let mut put = http
            .put(&upload_url)
            .header("Content-Type", content_type)
            .body(content.clone());
        if let Some(v) = md5_header {
            put = put.header("Content-MD5", v);
        }
        let response = put.send().await?;
        assert_eq!(response.status().as_u16(), 403);
        common::assert_request_id(&response);
        assert!(response.text().await?.contains("SignatureDoesNotMatch"));
    }
    // Right headers, different bytes of the same length: BadDigest.
    let mut tampered = content.clone();
    tampered[0] ^= 0xff;
    let response = http
        .put(&upload_url)
        .header("Content-Type", "image/png")
        .header("Content-MD5", &md5)
        .body(tampered)
        .send()
        .await?;
    assert_eq!(response.status().as_u16(), 400);
    assert!(response.text().await?.contains("BadDigest"));
    // A tampered URL signature.
    let response = http
        .put(upload_url.replace("Signature=", "Signature=0"))
        .header("Content-Type", "image/png")
        .header("Content-MD5", &md5)
        .body(content.clone())
        .send()
        .await?;
    assert_eq!(response.status().as_u16(), 403);

    // Not uploaded yet: 404.
    let image_uri = local.image_uri(&file_id).expect("image uri");
    let err = projectman
        .download_image_file()
        .project_id(seed::CODEARTS_PROJECT_ID)
        .image_uri(image_uri.clone())
        .send()
        .await
        .expect_err("not uploaded yet");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));

    // The real upload, streamed (unsigned: the URL is presigned).
    let response = http
        .put(&upload_url)
        .header("Content-Type", "image/png")
        .header("Content-MD5", &md5)
        .body(content.clone())
        .send()
        .await?;
    assert_eq!(
        response.status().as_u16(),
        200,
        "{:?}",
        response.text().await
    );
    let stored = std::fs::read(local.storage_dir().join("files").join(&file_id))?;
    assert_eq!(stored, content);

    let download = projectman
        .download_image_file()
        .project_id(seed::CODEARTS_PROJECT_ID)
        .image_uri(image_uri)
        .send()
        .await?;
    assert_eq!(download.content_type.as_deref(), Some("image/png"));
    assert_eq!(download.content_length, Some(u64::try_from(content.len())?));
    assert_eq!(download.body.collect().await?.as_ref(), content.as_slice());
    Ok(())
}

#[tokio::test]
async fn create_file_validates_the_body() -> TestResult {
    let local = LocalEndpoint::start().await?;
    let client = huaweicloud_sdk_metastudio::v1::Client::new(&local.config())?;
    let base = |file_md5: &str| {
        client.create_file().body(
            FilesCreateReq::new()
                .file_name("a.mp4")
                .file_md5(file_md5)
                .file_size(10)
                .asset_id("asset")
                .asset_file_category("MAIN"),
        )
    };
    // Not a base64 MD5.
    let err = base("not-a-base64-md5-value!!")
        .send()
        .await
        .expect_err("bad md5");
    assert_eq!(err.error_code(), Some("MSS.00000003"));
    // Unknown category.
    let err = client
        .create_file()
        .body(
            FilesCreateReq::new()
                .file_name("a.mp4")
                .file_md5(common::content_md5(b"x"))
                .file_size(10)
                .asset_id("asset")
                .asset_file_category("BOGUS"),
        )
        .send()
        .await
        .expect_err("bad category");
    assert_eq!(err.error_code(), Some("MSS.00000003"));
    // Too large.
    let err = client
        .create_file()
        .body(
            FilesCreateReq::new()
                .file_name("a.mp4")
                .file_md5(common::content_md5(b"x"))
                .file_size(5_368_709_121i64)
                .asset_id("asset")
                .asset_file_category("MAIN"),
        )
        .send()
        .await
        .expect_err("too large");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    // file_type decides the upload Content-Type.
    let data = b"RIFF....WAVE".to_vec();
    let created = client
        .create_file()
        .body(
            FilesCreateReq::new()
                .file_name("voice")
                .file_md5(common::content_md5(&data))
                .file_size(i64::try_from(data.len())?)
                .asset_id("asset")
                .asset_file_category("MAIN")
                .file_type("wav"),
        )
        .send()
        .await?;
    let response = reqwest::Client::new()
        .put(created.upload_url.expect("upload_url"))
        .header("Content-Type", "audio/wav")
        .header("Content-MD5", common::content_md5(&data))
        .body(data)
        .send()
        .await?;
    assert_eq!(response.status().as_u16(), 200);
    Ok(())
}

#[tokio::test]
async fn download_seeded_images_and_missing_ones() -> TestResult {
    let local = LocalEndpoint::start().await?;
    let client = huaweicloud_sdk_projectman::v4::Client::new(&local.config())?;
    for (uri, bytes, content_type) in [
        (seed::IMAGE_PNG_URI, seed::IMAGE_PNG, "image/png"),
        (seed::IMAGE_GIF_URI, seed::IMAGE_GIF, "image/gif"),
    ] {
        let out = client
            .download_image_file()
            .project_id(seed::CODEARTS_PROJECT_ID)
            .image_uri(uri)
            .send()
            .await?;
        assert_eq!(out.content_type.as_deref(), Some(content_type));
        assert_eq!(out.content_length, Some(bytes.len() as u64));
        assert_eq!(out.body.collect().await?.as_ref(), bytes);
    }
    let err = client
        .download_image_file()
        .project_id(seed::CODEARTS_PROJECT_ID)
        .image_uri("/v1/upload/2c42a6d37ccc4197bf0b3dbe91be021a/202209/999.png")
        .send()
        .await
        .expect_err("missing image");
    assert!(err.is_service());
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(err.error_code(), Some("PM.02177404"));
    let err = client
        .download_image_file()
        .project_id(seed::CODEARTS_PROJECT_ID)
        .image_uri("not-an-image-uri")
        .send()
        .await
        .expect_err("bad uri");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    Ok(())
}

#[tokio::test]
async fn show_instance_artifact_by_tag_digest_and_missing() -> TestResult {
    let local = LocalEndpoint::start().await?;
    let client = huaweicloud_sdk_swr::v2::Client::new(&local.config())?;
    let nginx = &seed::SWR_ARTIFACTS[0];

    let by_tag = client
        .show_instance_artifact()
        .instance_id(seed::SWR_INSTANCE_ID)
        .namespace_name(seed::SWR_NAMESPACE)
        .repository_name("nginx")
        .reference("latest")
        .send()
        .await?;
    assert_eq!(by_tag.digest.as_deref(), Some(nginx.digest));
    assert_eq!(by_tag.id, Some(nginx.id));
    assert_eq!(by_tag.size, Some(nginx.size));
    assert!(by_tag.scan_overview.is_none());
    let tags: Vec<String> = by_tag
        .tags
        .unwrap_or_default()
        .into_iter()
        .filter_map(|t| t.name)
        .collect();
    assert_eq!(tags, ["latest", "1.25"]);

    let by_digest = client
        .show_instance_artifact()
        .instance_id(seed::SWR_INSTANCE_ID)
        .namespace_name(seed::SWR_NAMESPACE)
        .repository_name("nginx")
        .reference(nginx.digest)
        .with_scan_overview(true)
        .send()
        .await?;
    assert_eq!(by_digest.id, Some(nginx.id));
    let overview = by_digest.scan_overview.expect("scan overview");
    assert_eq!(overview.len(), 1);

    // A repository name with `/`, percent-encoded on the wire.
    let app = client
        .show_instance_artifact()
        .instance_id(seed::SWR_INSTANCE_ID)
        .namespace_name(seed::SWR_NAMESPACE)
        .repository_name("group/app")
        .reference("v1.0.0")
        .send()
        .await?;
    assert_eq!(app.repository_name.as_deref(), Some("group/app"));

    for (repo, reference) in [
        ("nginx", "no-such-tag"),
        (
            "nginx",
            "sha256:0000000000000000000000000000000000000000000000000000000000000000",
        ),
        ("no-such-repo", "latest"),
    ] {
        let err = client
            .show_instance_artifact()
            .instance_id(seed::SWR_INSTANCE_ID)
            .namespace_name(seed::SWR_NAMESPACE)
            .repository_name(repo)
            .reference(reference)
            .send()
            .await
            .expect_err("missing artifact");
        assert!(err.is_service());
        assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
        assert_eq!(err.error_code(), Some("SVCSTG.SWR.4040000"));
    }
    Ok(())
}

#[tokio::test]
async fn run_image_synchronize_checks_image_type() -> TestResult {
    let local = LocalEndpoint::start().await?;
    let client = huaweicloud_sdk_hss::v5::Client::new(&local.config())?;
    let out = client
        .run_image_synchronize()
        .body(RunImageSynchronizeRequestInfo::new().image_type("private_image"))
        .region("cn-north-4")
        .enterprise_project_id("0")
        .send()
        .await?;
    assert_eq!(out.error_code, Some(0));
    assert_eq!(out.error_description.as_deref(), Some("success"));
    let err = client
        .run_image_synchronize()
        .body(RunImageSynchronizeRequestInfo::new().image_type("public_image"))
        .send()
        .await
        .expect_err("bad image type");
    assert!(err.is_service());
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(err.error_code(), Some("HSS.1001"));
    Ok(())
}
