//! The tour as a user runs it, piped (as in CI): against the local endpoint, every line fits in
//! 100 columns, no carriage returns reach the pipe, and it never claims to call Huawei Cloud.

use std::process::Command;

#[test]
fn the_piped_tour_against_the_local_endpoint_reads_well() {
    let output = Command::new(env!("CARGO_BIN_EXE_huaweicloud-sdk-tour"))
        .env_remove("HUAWEICLOUD_SDK_AK")
        .env_remove("HUAWEICLOUD_SDK_SK")
        .env_remove("HUAWEICLOUD_SDK_ENDPOINT")
        .output()
        .expect("the tour runs");
    let stdout = String::from_utf8(output.stdout).expect("UTF-8 stdout");
    let stderr = String::from_utf8(output.stderr).expect("UTF-8 stderr");
    assert!(output.status.success(), "tour failed:\n{stdout}\n{stderr}");
    assert!(stdout.contains("all five operations succeeded"), "{stdout}");
    assert!(
        stdout.contains("the local endpoint at http://127.0.0.1:"),
        "{stdout}"
    );
    assert!(!stdout.contains("Huawei Cloud ("), "{stdout}");
    for (name, text) in [("stdout", &stdout), ("stderr", &stderr)] {
        assert!(
            !text.contains('\r'),
            "{name} holds a carriage return:\n{text:?}"
        );
        for line in text.lines() {
            assert!(
                line.chars().count() <= 100,
                "{name} line over 100 columns: {line:?}"
            );
        }
    }
    // The download is checked, then removed with the tour's temporary directory: no path to it.
    assert!(!stdout.contains("/tmp/"), "{stdout}");
}

/// With federation settings instead of an AK/SK pair, the local endpoint acts as IAM: the tour
/// exchanges the id token there and signs every operation with the temporary credentials.
#[test]
fn the_tour_runs_with_oidc_federation_against_the_local_endpoint() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let token_file = dir.path().join("id-token");
    std::fs::write(&token_file, "tour-oidc-id-token-secret\n").expect("the token file");
    let output = Command::new(env!("CARGO_BIN_EXE_huaweicloud-sdk-tour"))
        .env_remove("HUAWEICLOUD_SDK_AK")
        .env_remove("HUAWEICLOUD_SDK_SK")
        .env_remove("HUAWEICLOUD_SDK_ENDPOINT")
        .env_remove("HUAWEICLOUD_SDK_IAM_ENDPOINT")
        .env_remove("HUAWEICLOUD_TOUR_ASSET_ID")
        .env("HUAWEICLOUD_SDK_IDP_ID", "tour-idp")
        .env("HUAWEICLOUD_SDK_ID_TOKEN_FILE", &token_file)
        .output()
        .expect("the tour runs");
    let stdout = String::from_utf8(output.stdout).expect("UTF-8 stdout");
    let stderr = String::from_utf8(output.stderr).expect("UTF-8 stderr");
    assert!(output.status.success(), "tour failed:\n{stdout}\n{stderr}");
    assert!(stdout.contains("all five operations succeeded"), "{stdout}");
    assert!(
        stdout.contains("credentials by OIDC federation"),
        "{stdout}"
    );
    for text in [&stdout, &stderr] {
        assert!(!text.contains("tour-oidc-id-token-secret"), "{text}");
    }
}
