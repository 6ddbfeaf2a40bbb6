//! `cargo xtask bench [--full] [--python] [--transfer-mib N]`: runs the SDK benchmarks of
//! `crates/bench` in release mode (see that crate's documentation for what is measured). The
//! output ends with `sdk/hyper throughput ratio: seq X.XX, c=64 X.XX` and
//! `sdk/raw throughput ratio: X.XX` (ListPictureModelingJobs).
//!
//! Like `conformance`, the bench is run through `cargo run`, not linked into xtask, so xtask
//! keeps building when the SDK does not.

use std::process::{Command, ExitCode};

pub fn run(args: &[String]) -> ExitCode {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args([
            "run",
            "--quiet",
            "--release",
            "--package",
            "huaweicloud-sdk-bench",
            "--",
        ])
        .args(args)
        .status();
    match status {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        Ok(status) => ExitCode::from(u8::try_from(status.code().unwrap_or(1)).unwrap_or(1)),
        Err(e) => {
            eprintln!("bench: cannot run cargo: {e}");
            ExitCode::from(2)
        }
    }
}
