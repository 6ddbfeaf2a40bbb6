//! Every error case in the golden `responses.json` parsed by the core's `ServiceError` directly
//! (no transport), compared with what the official Python SDK reported. The conformance runner
//! checks the same cases end to end through the service crates; both use its named rules.

use huaweicloud_sdk_core::{Error, ServiceError};
use huaweicloud_sdk_tests::conformance::rules::{self, ExpectedError};
use huaweicloud_sdk_tests::{body, header_map, load, name};

#[test]
fn every_error_vector_parses_like_the_official_sdk() {
    let vectors = load("responses.json");
    let mut checked = 0;
    let mut ruled = 0;
    let mut failures = Vec::new();
    for vector in vectors.iter().filter(|v| v["result"]["kind"] == "error") {
        let mut expected = ExpectedError::official(vector).unwrap_or_else(|e| panic!("{e}"));
        if let Some(instead) = rules::urllib3_429_exhaustion(vector, &expected) {
            expected = instead;
            ruled += 1;
        }
        let response = &vector["response"];
        let status =
            http::StatusCode::from_u16(response["status"].as_u64().expect("status") as u16)
                .expect("valid status");
        let parsed =
            ServiceError::from_response(status, &header_map(&response["headers"]), &body(response));
        let got = (
            parsed.status().as_u16(),
            parsed.request_id().map(str::to_owned),
            parsed.error_code().to_owned(),
            parsed.error_msg().to_owned(),
            parsed.encoded_authorization_message().map(str::to_owned),
        );
        let want = (
            expected.status,
            expected.request_id.clone(),
            expected.error_code.clone(),
            expected.error_msg.clone(),
            expected.encoded_authorization_message.clone(),
        );
        if got != want {
            failures.push(format!("{}: got {got:?}, want {want:?}", name(vector)));
        }
        // The Display line names status, code, message and request id.
        let line = Error::service(parsed)
            .with_operation("svc", "Op")
            .to_string();
        assert!(!line.contains('\n'), "{}: multi-line Display", name(vector));
        assert!(
            line.contains(&expected.error_code),
            "{}: {line}",
            name(vector)
        );
        if let Some(id) = &expected.request_id {
            assert!(line.contains(id.as_str()), "{}: {line}", name(vector));
        }
        checked += 1;
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} error vectors differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
    let total = vectors
        .iter()
        .filter(|v| v["result"]["kind"] == "error")
        .count();
    assert_eq!(checked, total);
    assert!(checked >= 40, "expected the full error set, saw {checked}");
    println!(
        "{checked} error vectors checked ({ruled} under rule {})",
        rules::URLLIB3_429_EXHAUSTION
    );
}
