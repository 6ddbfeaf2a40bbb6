//! Decoding arbitrary bytes never panics: the generated output types through serde_json, and
//! whole operations through the executor with a transport that answers with the fuzz input.
#![no_main]

use arbitrary::Arbitrary;
use huaweicloud_sdk_fuzz::{Canned, block_on, config};
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Arbitrary)]
struct Input {
    operation: u8,
    status: u16,
    content_type: Option<String>,
    body: Vec<u8>,
}

fuzz_target!(|input: Input| {
    let bytes = &input.body;
    let _ = serde_json::from_slice::<huaweicloud_sdk_swr::v2::ShowInstanceArtifactOutput>(bytes);
    let _ = serde_json::from_slice::<huaweicloud_sdk_hss::v5::RunImageSynchronizeOutput>(bytes);
    let _ = serde_json::from_slice::<huaweicloud_sdk_metastudio::v1::CreateFileOutput>(bytes);
    let _ = serde_json::from_slice::<huaweicloud_sdk_metastudio::v1::ListPictureModelingJobsOutput>(
        bytes,
    );

    // Mostly 2xx (decode path), sometimes an error status (error-body path, no retries).
    let status = if input.status.is_multiple_of(4) {
        400 + input.status % 200
    } else {
        200 + input.status % 7
    };
    let headers = input
        .content_type
        .iter()
        .map(|v| ("content-type".to_owned(), v.clone()))
        .collect();
    let transport = Canned::new(status, headers, input.body.clone());
    let config = config(transport);
    block_on(async {
        match input.operation % 3 {
            0 => {
                let Ok(client) = huaweicloud_sdk_swr::v2::Client::new(&config) else {
                    return;
                };
                let result = client
                    .show_instance_artifact()
                    .instance_id("i")
                    .namespace_name("n")
                    .repository_name("r")
                    .reference("latest")
                    .send()
                    .await;
                let _ = format!("{result:?}");
            }
            1 => {
                let Ok(client) = huaweicloud_sdk_hss::v5::Client::new(&config) else {
                    return;
                };
                let result = client
                    .run_image_synchronize()
                    .body(
                        huaweicloud_sdk_hss::v5::models::RunImageSynchronizeRequestInfo::new(
                            huaweicloud_sdk_hss::v5::models::ImageType::PrivateImage,
                        ),
                    )
                    .send()
                    .await;
                let _ = format!("{result:?}");
            }
            _ => {
                let Ok(client) = huaweicloud_sdk_metastudio::v1::Client::new(&config) else {
                    return;
                };
                let result = client.list_picture_modeling_jobs().send().await;
                let _ = format!("{result:?}");
            }
        }
    });
});
