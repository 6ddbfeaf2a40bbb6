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
