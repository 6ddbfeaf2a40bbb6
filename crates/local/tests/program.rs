//! The `huaweicloud-sdk-local` program: stops cleanly on SIGTERM as on Ctrl-C, removing its
//! temporary storage directory.

#![cfg(unix)]

use std::io::{BufRead as _, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Starts the program, returns it with the storage directory it reported.
fn start() -> (std::process::Child, PathBuf) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_huaweicloud-sdk-local"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("program starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut url = String::new();
    BufReader::new(stdout)
        .read_line(&mut url)
        .expect("URL line");
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let stderr = child.stderr.take().expect("stderr");
    let mut banner = String::new();
    BufReader::new(stderr)
        .read_line(&mut banner)
        .expect("banner line");
    let storage = banner
        .split("storage ")
        .nth(1)
        .and_then(|rest| rest.split(");").next())
        .map(PathBuf::from)
        .unwrap_or_else(|| panic!("no storage directory in {banner:?}"));
    assert!(storage.join("images").is_dir(), "{}", storage.display());
    (child, storage)
}

fn signal(child: &std::process::Child, name: &str) {
    let status = Command::new("kill")
        .args([format!("-{name}"), child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
}

fn wait_exit(mut child: std::process::Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the program did not stop");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn sigterm_and_sigint_remove_the_temporary_storage() {
    for name in ["TERM", "INT"] {
        let (child, storage) = start();
        signal(&child, name);
        let status = wait_exit(child);
        assert!(status.success(), "SIG{name}: {status:?}");
        assert!(
            !storage.exists(),
            "SIG{name}: {} still exists",
            storage.display()
        );
    }
}
