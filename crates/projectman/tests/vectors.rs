//! The golden vectors' inputs (recorded from the official Python SDK, field names as it names
//! them) decode into this crate's request types, as the conformance runner decodes them.

use huaweicloud_sdk_projectman::v4::DownloadImageFileRequest;
use serde::de::DeserializeOwned;
use serde_json::Value;

fn vectors(file: &str) -> Vec<Value> {
    let path = format!("{}/../../tests/vectors/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

fn decode<T: DeserializeOwned>(name: &str, input: &Value) {
    if let Err(e) = serde_json::from_value::<T>(input.clone()) {
        panic!("{name}: the input does not decode: {e}\n{input}");
    }
}

#[test]
fn every_vector_input_decodes_into_its_request_type() {
    let mut decoded = 0;
    for file in ["requests.json", "responses.json"] {
        for vector in vectors(file) {
            let name = vector["name"].as_str().unwrap_or_default();
            let input = &vector["input"];
            decoded += 1;
            match vector["operation"].as_str().unwrap_or_default() {
                "DownloadImageFile" => decode::<DownloadImageFileRequest>(name, input),
                _ => decoded -= 1,
            }
        }
    }
    assert!(decoded > 0, "no vectors for this crate's operations");
}
