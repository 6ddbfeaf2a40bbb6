//! `cargo xtask conformance <dir>`: replays the golden vectors of `<dir>` (`requests.json`,
//! `responses.json`, `signer.json`; format in `tests/vectors/README.md`) through the service
//! crates' public API and the core signer, against an in-process capture server on 127.0.0.1.
//!
//! The runner is library code of the tests crate (`huaweicloud_sdk_tests::conformance`), run
//! through that crate's `conformance` binary. It is deliberately not linked into xtask: xtask
//! must build even when the generated service code does not, or `cargo xtask codegen` could not
//! regenerate it.
//!
//! Prints `FAIL <file>:<vector name>: <reason>` per failing vector, then `rule <name>: <count>`
//! for each named rule that judged a vector (where the official behaviour is an artifact or a
//! bug; see `tests/src/conformance/rules.rs`), then `N passed, N failed` as the last line. Exit
//! status: 0 when every vector passes, 1 when one fails, 2 for a usage error or a directory that
//! cannot be read.

use std::path::Path;
use std::process::{Command, ExitCode};

pub fn run(args: &[String]) -> ExitCode {
    let [dir] = args else {
        eprintln!("usage: cargo xtask conformance <dir>");
        return ExitCode::from(2);
    };
    // Resolve the directory here: the child runs from the workspace root.
    let dir = match Path::new(dir).canonicalize() {
        Ok(dir) if dir.is_dir() => dir,
        Ok(dir) => {
            eprintln!("conformance: {} is not a directory", dir.display());
            return ExitCode::from(2);
        }
        Err(e) => {
            eprintln!("conformance: cannot read {dir}: {e}");
            return ExitCode::from(2);
        }
    };
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args([
            "run",
            "--quiet",
            "--package",
            "huaweicloud-sdk-tests",
            "--bin",
            "conformance",
            "--",
        ])
        .arg(&dir)
        .status();
    match status {
        Ok(status) => match status.code() {
            Some(0) => ExitCode::SUCCESS,
            Some(1) => ExitCode::from(1),
            _ => ExitCode::from(2),
        },
        Err(e) => {
            eprintln!("conformance: cannot run cargo: {e}");
            ExitCode::from(2)
        }
    }
}
