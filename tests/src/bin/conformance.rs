//! The conformance runner as a program: `conformance <dir>` (what `cargo xtask conformance`
//! runs). Prints `FAIL <file>:<vector name>: <reason>` per failing vector, `rule <name>: N` for
//! each named rule the vectors were judged under, then `N passed, N failed` as the last line; exits 1 when a vector fails, 2 for a usage error or a
//! directory that cannot be read.

use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir] = args.as_slice() else {
        eprintln!("usage: conformance <dir>");
        return ExitCode::from(2);
    };
    match huaweicloud_sdk_tests::conformance::run(Path::new(dir)) {
        Ok(report) => {
            for file in &report.missing_files {
                eprintln!("note: {dir} has no {file}");
            }
            println!("{report}");
            if report.is_success() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(e) => {
            eprintln!("conformance: {e}");
            ExitCode::from(2)
        }
    }
}
