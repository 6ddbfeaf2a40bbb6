//! Cross-crate property tests through the generated operations, with an in-memory transport
//! (no network):
//!
//! * any path-parameter values given to SWR ShowInstanceArtifact either fail with a
//!   construction error before any I/O (empty, `.` and `..` values, by design) or reach the
//!   transport with the template's segment count and each segment decoding back to its value;
//! * the generated output types decode arbitrary bytes without panicking, directly with
//!   serde_json and through whole operations whose transport answers those bytes.
//!
//! Deterministic (fixed seed, no failure files) and modest (256 cases per property); set
//! `PROPTEST_CASES` for a deeper local run.

// RunImageSynchronize is deprecated; these tests still exercise it as a seed operation.
#![allow(deprecated)]

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use huaweicloud_sdk_core::body::{ByteStream, RequestBody};
use huaweicloud_sdk_core::retry::RetryConfig;
use huaweicloud_sdk_core::transport::HttpTransport;
use huaweicloud_sdk_core::{Config, Credentials};
use proptest::prelude::*;
use proptest::test_runner::RngSeed;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(256),
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(0x4857_4350_4154_4831),
        ..ProptestConfig::default()
    }
}

/// Records request targets; answers with a fixed status and body.
#[derive(Debug)]
struct Capture {
    status: u16,
    body: Vec<u8>,
    targets: Mutex<Vec<String>>,
}

impl Capture {
    fn new(status: u16, body: Vec<u8>) -> Arc<Self> {
        Arc::new(Self {
            status,
            body,
            targets: Mutex::new(Vec::new()),
        })
    }
}

#[async_trait]
impl HttpTransport for Capture {
    async fn send(
        &self,
        request: http::Request<RequestBody>,
    ) -> huaweicloud_sdk_core::Result<http::Response<ByteStream>> {
        let target = request
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_owned());
        self.targets
            .lock()
            .unwrap()
            .push(target.unwrap_or_default());
        let mut response = http::Response::new(ByteStream::from_bytes(self.body.clone()));
        *response.status_mut() = http::StatusCode::from_u16(self.status).unwrap();
        Ok(response)
    }
}

fn client_config(transport: Arc<Capture>) -> Config {
    Config::new(Credentials::new("AK-PROPS", "SK-PROPS").with_project_id("p-1"))
        .with_endpoint("https://swr.example.com")
        .with_retry(RetryConfig::disabled())
        .with_transport(transport)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Path values: arbitrary Unicode, URL-significant characters, dot segments and empty values.
fn path_value() -> BoxedStrategy<String> {
    prop_oneof![
        any::<String>(),
        "[/?#%. a-zA-Z0-9:@$&+=;,~_\\-]{0,12}",
        "(%[0-9A-Fa-f]{2}|%|/|\\.|[a-z]){0,6}",
        prop::sample::select(vec![
            "", ".", "..", "...", "./", "../", "/", "%2F", "%2e%2e", " "
        ])
        .prop_map(str::to_owned),
    ]
    .boxed()
}

/// Arbitrary bytes, or JSON that resembles (and often breaks) the generated outputs.
fn response_body() -> BoxedStrategy<Vec<u8>> {
    let field = prop::sample::select(vec![
        "digest",
        "id",
        "size",
        "tags",
        "scan_overview",
        "error_code",
        "error_msg",
        "files",
        "jobs",
        "count",
        "total",
        "state",
        "data_list",
        "name",
        "file_id",
        "upload_url",
    ]);
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<u64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(serde_json::Value::from),
        any::<String>().prop_map(serde_json::Value::from),
    ];
    let json = leaf.prop_recursive(5, 40, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            prop::collection::btree_map(field.clone(), inner, 0..6).prop_map(|m| {
                serde_json::Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
            }),
        ]
    });
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..256),
        json.prop_map(|v| serde_json::to_vec(&v).unwrap()),
    ]
    .boxed()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn path_params_keep_the_route(
        instance in path_value(),
        namespace in path_value(),
        repository in path_value(),
        reference in path_value(),
    ) {
        let transport = Capture::new(200, b"{}".to_vec());
        let client = huaweicloud_sdk_swr::v2::Client::new(&client_config(transport.clone())).unwrap();
        let result = runtime().block_on(
            client
                .show_instance_artifact()
                .instance_id(instance.clone())
                .namespace_name(namespace.clone())
                .repository_name(repository.clone())
                .reference(reference.clone())
                .send(),
        );
        let sent = transport.targets.lock().unwrap().clone();
        let values = [&instance, &namespace, &repository, &reference];
        let refused = values.iter().any(|v| v.is_empty() || *v == "." || *v == "..");
        match result {
            Err(e) => {
                prop_assert!(e.is_construction(), "{e}");
                prop_assert!(refused, "unexpected construction error: {e}");
                prop_assert!(sent.is_empty(), "I/O after a construction error: {sent:?}");
            }
            Ok(_) => {
                prop_assert!(!refused, "sent an empty, '.' or '..' value: {sent:?}");
                prop_assert_eq!(sent.len(), 1);
                let path = sent[0].split('?').next().unwrap_or_default();
                let segments: Vec<&str> = path.split('/').collect();
                // "", v2, {project_id}, instances, {instance_id}, namespaces, {namespace_name},
                // repositories, {repository_name}, artifacts, {reference}
                prop_assert_eq!(segments.len(), 11, "{}", path);
                prop_assert_eq!(segments[2], "p-1");
                for (index, value) in [(4, &instance), (6, &namespace), (8, &repository), (10, &reference)] {
                    let decoded = percent_encoding::percent_decode_str(segments[index]).decode_utf8();
                    prop_assert_eq!(decoded.as_deref().ok(), Some(value.as_str()), "{}", path);
                }
            }
        }
    }

    #[test]
    fn generated_outputs_decode_any_bytes(body in response_body(), status in prop_oneof![200u16..205, 400u16..600]) {
        let _ = serde_json::from_slice::<huaweicloud_sdk_swr::v2::ShowInstanceArtifactOutput>(&body);
        let _ = serde_json::from_slice::<huaweicloud_sdk_hss::v5::RunImageSynchronizeOutput>(&body);
        let _ = serde_json::from_slice::<huaweicloud_sdk_metastudio::v1::CreateFileOutput>(&body);
        let _ = serde_json::from_slice::<huaweicloud_sdk_metastudio::v1::ListPictureModelingJobsOutput>(&body);

        let transport = Capture::new(status, body);
        let config = client_config(transport);
        let runtime = runtime();
        let swr = huaweicloud_sdk_swr::v2::Client::new(&config).unwrap();
        let hss = huaweicloud_sdk_hss::v5::Client::new(&config).unwrap();
        let metastudio = huaweicloud_sdk_metastudio::v1::Client::new(&config).unwrap();
        let outcomes = runtime.block_on(async {
            let a = swr
                .show_instance_artifact()
                .instance_id("i")
                .namespace_name("n")
                .repository_name("r")
                .reference("latest")
                .send()
                .await
                .map(|_| ());
            let b = hss
                .run_image_synchronize()
                .body(
                    huaweicloud_sdk_hss::v5::models::RunImageSynchronizeRequestInfo::new().image_type(huaweicloud_sdk_hss::v5::models::ImageType::PrivateImage),
                )
                .send()
                .await
                .map(|_| ());
            let c = metastudio.list_picture_modeling_jobs().send().await.map(|_| ());
            [a, b, c]
        });
        for outcome in outcomes {
            if let Err(e) = outcome {
                // A body that does not match is a decode error (or, for HSS, a service error
                // reported in a 2xx body); an error status is a service error.
                prop_assert!(e.is_decode() || e.is_service(), "{e}");
            }
        }
    }
}
