//! The conformance runner over the in-repo golden vectors, and over corrupted copies of them (it
//! must report exactly the corrupted vectors, saying what differed).

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use huaweicloud_sdk_tests::conformance::{self, Report};
use huaweicloud_sdk_tests::vectors_dir;
use serde_json::Value;

fn run(dir: &Path) -> Report {
    let report = conformance::run(dir).expect("the directory is readable");
    println!("{report}");
    report
}

#[test]
fn every_golden_vector_conforms() {
    let report = run(&vectors_dir());
    assert!(
        report.is_success(),
        "{} vectors fail:\n{}",
        report.failed(),
        report.failures.join("\n")
    );
    assert_eq!(report.passed, 24 + 63 + 37, "{}", report.summary());
    assert!(report.missing_files.is_empty());
}

/// Every operation of the four services: 1208 request and 1208 response vectors, each passing
/// on the official behaviour or on a named rule. One test: the run takes a while.
#[test]
fn every_operation_of_the_four_services_conforms() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors-all");
    let report = run(&dir);
    assert!(
        report.is_success(),
        "{} vectors fail:\n{}",
        report.failed(),
        report.failures.join("\n")
    );
    assert_eq!(report.passed, 1208 + 1208, "{}", report.summary());
    assert_eq!(report.missing_files, ["signer.json"]);
}

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Self {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let dir = std::env::temp_dir().join(format!(
            "huaweicloud-conformance-{tag}-{}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn read(file: &str) -> Vec<Value> {
    huaweicloud_sdk_tests::load(file)
}

fn write(dir: &Path, file: &str, vectors: &[Value]) {
    std::fs::write(dir.join(file), serde_json::to_vec_pretty(vectors).unwrap()).unwrap();
}

fn name(vector: &Value) -> String {
    vector["name"].as_str().unwrap().to_owned()
}

fn has_body(vector: &Value) -> bool {
    !huaweicloud_sdk_tests::body(&vector["request"]).is_empty()
}

/// The request vector's recorded `Authorization` header, mutably.
fn authorization(vector: &mut Value) -> &mut Value {
    vector["request"]["headers"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|pair| {
            pair[0]
                .as_str()
                .unwrap()
                .eq_ignore_ascii_case("authorization")
        })
        .map(|pair| &mut pair[1])
        .unwrap()
}

#[test]
fn corrupted_vectors_are_reported_and_nothing_else() {
    let dir = TempDir::new("corrupted");
    let mut requests = read("requests.json");
    let mut responses = read("responses.json");
    let signer = read("signer.json");

    // (a) A recorded signature altered (a request without a body: its Authorization must be
    // reproduced byte for byte).
    let signature_index = requests.iter().position(|v| !has_body(v)).unwrap();
    let signature_name = name(&requests[signature_index]);
    let auth = authorization(&mut requests[signature_index]);
    let mut value = auth.as_str().unwrap().to_owned();
    let last = value.pop().unwrap();
    value.push(if last == '0' { '1' } else { '0' });
    *auth = Value::String(value);

    // (b) Another request's target altered.
    let target_index = requests
        .iter()
        .enumerate()
        .position(|(i, _)| i != signature_index)
        .unwrap();
    let target_name = name(&requests[target_index]);
    let target = requests[target_index]["request"]["target"]
        .as_str()
        .unwrap()
        .to_owned();
    let altered = match target.split_once('?') {
        Some((path, query)) => format!("{path}/altered?{query}"),
        None => format!("{target}/altered"),
    };
    requests[target_index]["request"]["target"] = Value::String(altered);

    // (c) An error response's expected error code altered.
    let error_index = responses
        .iter()
        .position(|v| v["result"]["kind"] == "error" && v["result"]["status_code"] == 400)
        .unwrap();
    let error_name = name(&responses[error_index]);
    responses[error_index]["result"]["error_code"] = Value::String("CORRUPTED.0001".into());

    write(&dir.0, "requests.json", &requests);
    write(&dir.0, "responses.json", &responses);
    write(&dir.0, "signer.json", &signer);

    let report = run(&dir.0);
    assert_eq!(report.failed(), 3, "{}", report.failures.join("\n"));
    assert_eq!(report.passed, 24 + 63 + 37 - 3);
    let failure = |file: &str, name: &str| -> &str {
        let prefix = format!("{file}:{name}: ");
        report
            .failures
            .iter()
            .find_map(|f| f.strip_prefix(&prefix))
            .unwrap_or_else(|| panic!("no failure for {file}:{name} in {:#?}", report.failures))
    };
    let signature = failure("requests.json", &signature_name);
    assert!(signature.contains("Authorization"), "{signature}");
    let target = failure("requests.json", &target_name);
    assert!(
        target.contains("target") && target.contains("/altered"),
        "{target}"
    );
    let code = failure("responses.json", &error_name);
    assert!(
        code.contains("error code") && code.contains("CORRUPTED.0001"),
        "{code}"
    );
    for line in &report.failures {
        assert!(!line.contains('\n'), "multi-line failure: {line}");
    }
}

#[test]
fn an_unreadable_directory_is_an_error_not_a_report() {
    let dir = TempDir::new("empty");
    assert!(conformance::run(&dir.0).is_err());
    assert!(conformance::run(&dir.0.join("absent")).is_err());
}

#[test]
fn a_truncated_download_is_an_error_under_its_named_rule() {
    // The first binary download served with a `Content-Length` larger than its body: the
    // official SDK returned the short body (`body_intact: false`); rule `truncated-download`
    // requires an error instead.
    let dir = TempDir::new("truncated");
    let mut vector = read("responses.json")
        .into_iter()
        .find(|v| v["result"]["kind"] == "success" && v["result"]["body_length"].as_u64() > Some(0))
        .unwrap();
    let sent = huaweicloud_sdk_tests::body(&vector["response"]).len();
    vector["name"] = Value::String("truncated".into());
    vector["response"]["headers"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!([
            "Content-Length",
            (sent * 2).to_string()
        ]));
    vector["result"]["body_intact"] = Value::Bool(false);
    let mut intact = vector.clone();
    intact["name"] = Value::String("intact-but-declared-longer".into());
    intact["result"]["body_intact"] = Value::Bool(true);
    write(&dir.0, "responses.json", &[vector, intact]);

    let report = run(&dir.0);
    assert_eq!(report.passed, 1, "{report}");
    // Without the rule (the official result claims an intact body), the error is a failure.
    assert_eq!(report.failures.len(), 1, "{report}");
    assert!(
        report.failures[0].starts_with("responses.json:intact-but-declared-longer: failed"),
        "{report}"
    );
    assert_eq!(report.missing_files, ["requests.json", "signer.json"]);
}
