//! The golden vectors' inputs (recorded from the official Python SDK, field names as it names
//! them) decode into this crate's request types, as the conformance runner decodes them.

use huaweicloud_sdk_metastudio::v1::{
    CreateFileOutput, CreateFileRequest, ListPictureModelingJobsOutput,
    ListPictureModelingJobsRequest,
};
use serde::Serialize;
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
                "CreateFile" => decode::<CreateFileRequest>(name, input),
                "ListPictureModelingJobs" => decode::<ListPictureModelingJobsRequest>(name, input),
                _ => decoded -= 1,
            }
        }
    }
    assert!(decoded > 0, "no vectors for this crate's operations");
}

/// Every successful JSON answer decodes into the output type, which holds exactly the fields
/// the official SDK parsed (`to_dict`, nulls meaning absent).
#[test]
fn success_answers_of_the_vectors_decode_into_outputs() {
    let mut checked = 0;
    for vector in vectors("responses.json") {
        let name = vector["name"].as_str().unwrap_or_default();
        if vector["result"].get("to_dict").is_none() {
            continue;
        }
        checked += 1;
        match vector["operation"].as_str().unwrap_or_default() {
            "CreateFile" => check_output::<CreateFileOutput>(name, &vector),
            "ListPictureModelingJobs" => {
                check_output::<ListPictureModelingJobsOutput>(name, &vector)
            }
            _ => checked -= 1,
        }
    }
    assert!(
        checked > 0,
        "no success answers for this crate's operations"
    );
}

fn check_output<T: DeserializeOwned + Serialize>(name: &str, vector: &Value) {
    let body = vector["response"]["body_utf8"].as_str().unwrap_or_default();
    let body = if body.is_empty() { "{}" } else { body };
    let output: T = serde_json::from_str(body)
        .unwrap_or_else(|e| panic!("{name}: the answer does not decode: {e}"));
    let mut expected = without_nulls(&vector["result"]["to_dict"]);
    if let Value::Object(map) = &mut expected {
        map.remove("x_request_id");
    }
    assert_eq!(serde_json::to_value(&output).unwrap(), expected, "{name}");
}

/// `value` without `null` members, recursively.
fn without_nulls(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}
