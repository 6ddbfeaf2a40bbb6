//! `cargo xtask import [swr|hss|metastudio|projectman]`: writes the API facts of the official
//! Huawei Cloud Python SDK into the committed OpenAPI documents `crates/<svc>/openapi/<ver>.json`
//! (spec format v2, which `cargo xtask codegen` reads).
//!
//! What it does:
//! 1. creates a Python virtual environment at `target/import-venv` (`python3 -m venv`), unless it
//!    exists;
//! 2. pip-installs `huaweicloudsdkcore` and the service packages at [`SDK_VERSION`], unless that
//!    exact version is already installed there;
//! 3. runs `xtask/import/extract.py <svc> crates/<svc>/openapi/<ver>.json
//!    crates/<svc>/openapi/overlay.json` for each requested service (all four without an
//!    argument). The script imports the SDK packages and introspects the client's
//!    `_<method>_http_info` builders, the models and the region table; it never copies the
//!    (non-English) docstrings. The hand-written `overlay.json` beside each spec (a JSON merge patch:
//!    English descriptions, enums, integer widths, limits, examples, pagination corrections, the
//!    HSS body-error rule) is applied last, and an overlay entry that matches nothing is an error.
//!
//! Re-importing a new SDK version:
//! 1. change [`SDK_VERSION`] below (and `SDK_VERSION` in `xtask/import/extract.py`, whose
//!    operation counts per service fail loudly when operations were added or removed: update them
//!    after checking the difference);
//! 2. `cargo xtask import`, then `cargo xtask codegen`;
//! 3. review `git diff crates/*/openapi` (operations added or removed, fields, types, required-ness,
//!    regions changed) and the generated code, and fix `overlay.json` where it no longer applies.
//!
//! CI never runs this command: it needs PyPI and a Python interpreter, and the specs it writes are
//! committed. CI only checks that the generated code matches them (`cargo xtask codegen --check`).

use std::path::Path;
use std::process::{Command, ExitCode};

/// The official Python SDK version the specs are imported from.
pub const SDK_VERSION: &str = "3.1.219";

/// `(service, API version module)`, in the order the import runs.
const SERVICES: &[(&str, &str)] = &[
    ("swr", "v2"),
    ("hss", "v5"),
    ("metastudio", "v1"),
    ("projectman", "v4"),
];

pub fn run(args: &[String]) -> ExitCode {
    let services: Vec<(&str, &str)> = match args {
        [] => SERVICES.to_vec(),
        [one] => match SERVICES.iter().find(|(s, _)| s == one) {
            Some(s) => vec![*s],
            None => {
                eprintln!("import: unknown service {one:?} (swr, hss, metastudio or projectman)");
                return ExitCode::from(2);
            }
        },
        _ => {
            eprintln!("usage: cargo xtask import [swr|hss|metastudio|projectman]");
            return ExitCode::from(2);
        }
    };
    match import(&services) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("import: {e}");
            ExitCode::FAILURE
        }
    }
}

fn import(services: &[(&str, &str)]) -> Result<(), String> {
    let root = crate::codegen::workspace_root();
    let venv = root.join("target").join("import-venv");
    let python = venv.join("bin").join("python");
    if !python.exists() {
        let status = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .map_err(|e| {
                format!("cannot run python3 ({e}); install Python 3 (with the venv module) first")
            })?;
        if !status.success() {
            return Err(format!(
                "`python3 -m venv {}` failed ({status}); on Debian install python3-venv",
                venv.display()
            ));
        }
    }
    let mut packages = vec![format!("huaweicloudsdkcore=={SDK_VERSION}")];
    packages.extend(
        SERVICES
            .iter()
            .map(|(s, _)| format!("huaweicloudsdk{s}=={SDK_VERSION}")),
    );
    if !installed(&python, &packages)? {
        println!("installing {} into {}", packages.join(" "), venv.display());
        let status = Command::new(&python)
            .args(["-m", "pip", "install", "--quiet"])
            .args(&packages)
            .status()
            .map_err(|e| format!("cannot run {}: {e}", python.display()))?;
        if !status.success() {
            return Err(format!("pip install failed ({status})"));
        }
    }
    let script = root.join("xtask").join("import").join("extract.py");
    for (svc, ver) in services {
        let dir = root.join("crates").join(svc).join("openapi");
        let out = dir.join(format!("{ver}.json"));
        let overlay = dir.join("overlay.json");
        let status = Command::new(&python)
            .arg(&script)
            .arg(svc)
            .arg(&out)
            .arg(&overlay)
            .status()
            .map_err(|e| format!("cannot run {}: {e}", python.display()))?;
        if !status.success() {
            return Err(format!("extract.py {svc} failed ({status})"));
        }
        println!(
            "wrote {}",
            out.strip_prefix(&root).unwrap_or(&out).display()
        );
    }
    Ok(())
}

/// Whether every `name==version` of `packages` is installed in the venv of `python`.
fn installed(python: &Path, packages: &[String]) -> Result<bool, String> {
    let out = Command::new(python)
        .args([
            "-m",
            "pip",
            "list",
            "--format=freeze",
            "--disable-pip-version-check",
        ])
        .output()
        .map_err(|e| format!("cannot run {}: {e}", python.display()))?;
    if !out.status.success() {
        return Ok(false);
    }
    let list = String::from_utf8_lossy(&out.stdout).to_lowercase();
    let have: Vec<&str> = list.lines().map(str::trim).collect();
    Ok(packages
        .iter()
        .all(|p| have.contains(&p.to_lowercase().as_str())))
}
