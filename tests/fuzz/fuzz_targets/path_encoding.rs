//! Any path-parameter values sent through a generated operation (SWR ShowInstanceArtifact, five
//! placeholders) either fail with a construction error before any I/O, or reach the transport
//! with the template's segment count and each segment decoding back to its value.
#![no_main]

use arbitrary::Arbitrary;
use huaweicloud_sdk_fuzz::{Canned, block_on, config};
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Arbitrary)]
struct Input {
    instance_id: String,
    namespace_name: String,
    repository_name: String,
    reference: String,
}

fuzz_target!(|input: Input| {
    let transport = Canned::new(200, Vec::new(), b"{}".to_vec());
    let config = config(transport.clone());
    let Ok(client) = huaweicloud_sdk_swr::v2::Client::new(&config) else {
        return;
    };
    let result = block_on(
        client
            .show_instance_artifact()
            .instance_id(input.instance_id.clone())
            .namespace_name(input.namespace_name.clone())
            .repository_name(input.repository_name.clone())
            .reference(input.reference.clone())
            .send(),
    );
    let sent = transport.sent();
    let values = [
        &input.instance_id,
        &input.namespace_name,
        &input.repository_name,
        &input.reference,
    ];
    let rejected = values
        .iter()
        .any(|v| v.is_empty() || *v == "." || *v == "..");
    match result {
        Err(e) if e.is_construction() => {
            assert!(sent.is_empty(), "I/O after a construction error");
            assert!(rejected, "unexpected construction error: {e}");
        }
        Err(e) => panic!("unexpected error: {e}"),
        Ok(_) => {
            assert!(!rejected, "an empty, . or .. value was sent");
            let [target] = sent.as_slice() else {
                panic!("expected one request, got {sent:?}");
            };
            let path = target.split('?').next().unwrap_or_default();
            let segments: Vec<&str> = path.split('/').collect();
            // "", v2, p, instances, i, namespaces, n, repositories, r, artifacts, ref
            assert_eq!(segments.len(), 11, "{path}");
            for (index, value) in [
                (4, values[0]),
                (6, values[1]),
                (8, values[2]),
                (10, values[3]),
            ] {
                let decoded = percent_encoding::percent_decode_str(segments[index])
                    .decode_utf8()
                    .expect("UTF-8");
                assert_eq!(decoded, value.as_str(), "{path}");
            }
        }
    }
});
