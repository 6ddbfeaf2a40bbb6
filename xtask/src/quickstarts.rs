//! `cargo xtask quickstarts`: compiles each service crate README's quickstart as a program of
//! its own, with exactly the README's install lines as its dependencies.
//!
//! A doctest runs with the crate's dev-dependencies in scope, so a quickstart that needs a crate
//! the README never lists still passes as a doctest. This builds what a new user builds: a
//! fresh package outside the workspace whose `[dependencies]` are the README's install block
//! (the service crate pointed at its path, everything else as written), resolved offline
//! against the workspace's `Cargo.lock`. A sample of the generated operation examples is
//! compiled the same way (see `operation_examples.rs`).

use std::path::Path;
use std::process::{Command, ExitCode};

use crate::codegen::workspace_root;
use crate::operation_examples;

/// The service crates whose READMEs hold an install block and a quickstart.
const SERVICES: [&str; 4] = ["swr", "hss", "metastudio", "projectman"];

pub fn run(args: &[String]) -> ExitCode {
    let root = workspace_root();
    let only: Vec<&str> = args.iter().map(String::as_str).collect();
    let work = root.join("target").join("quickstarts");
    let mut failed = 0;
    for service in SERVICES {
        if !only.is_empty() && !only.contains(&service) {
            continue;
        }
        match check_service(&root, &work, service) {
            Ok(shapes) => println!(
                "ok   {service}: the README quickstart and the generated examples of {shapes} compile on their own"
            ),
            Err(reason) => {
                failed += 1;
                println!("FAIL {service}: {reason}");
            }
        }
    }
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Compiles the quickstart and the sampled operation examples; returns the shapes sampled.
fn check_service(root: &Path, work: &Path, service: &str) -> Result<String, String> {
    let crate_dir = root.join("crates").join(service);
    let readme_path = crate_dir.join("README.md");
    let readme = std::fs::read_to_string(&readme_path)
        .map_err(|e| format!("{}: {e}", readme_path.display()))?;
    let install = fenced_block_after(&readme, "## Install", "toml")
        .ok_or("no ```toml block under `## Install`")?;
    let program = fenced_block_after(&readme, "## Quickstart", "no_run")
        .ok_or("no ```no_run block under `## Quickstart`")?;
    let package = format!("huaweicloud-sdk-{service}");
    let dependencies = dependencies_with_path(&install, &package, &crate_dir)?;

    let dir = work.join(service);
    std::fs::create_dir_all(dir.join("src")).map_err(|e| format!("{}: {e}", dir.display()))?;
    let manifest = format!(
        "[package]\nname = \"quickstart-{service}\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\
         publish = false\n\n# Not a member of the SDK's workspace: a program of its own.\n\
         [workspace]\n\n{dependencies}"
    );
    write(&dir.join("Cargo.toml"), &manifest)?;
    write(&dir.join("src").join("main.rs"), &program)?;
    // The sampled operation examples, as a second binary of the same package.
    let module_dir = std::fs::read_dir(crate_dir.join("src"))
        .map_err(|e| format!("{}: {e}", crate_dir.display()))?
        .flatten()
        .map(|entry| entry.path())
        .find(|path| path.join("client.rs").exists())
        .ok_or("no generated module (with a client.rs) under src/")?;
    let sample = operation_examples::sample(&module_dir)?;
    std::fs::create_dir_all(dir.join("src").join("bin"))
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    write(
        &dir.join("src").join("bin").join("operation_examples.rs"),
        &operation_examples::program(&sample),
    )?;
    let shapes: Vec<String> = sample
        .iter()
        .map(|(shape, name, _)| format!("{shape} ({name})"))
        .collect();
    // The workspace's lock file pins every version, so the check is offline and repeatable.
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))
        .map_err(|e| format!("copying Cargo.lock: {e}"))?;

    let output = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(["check", "--offline", "--quiet", "--bins", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", work.join("target"))
        .output()
        .map_err(|e| format!("running cargo: {e}"))?;
    if output.status.success() {
        Ok(shapes.join(", "))
    } else {
        Err(format!(
            "`cargo check` of {} failed:\n{}",
            dir.display(),
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

/// The `[dependencies]` table of the install block, with `package` taken from `crate_dir`
/// rather than from crates.io.
fn dependencies_with_path(
    install: &str,
    package: &str,
    crate_dir: &Path,
) -> Result<String, String> {
    let mut found = false;
    let mut out = String::new();
    for line in install.lines() {
        if line.split('=').next().map(str::trim) == Some(package) {
            found = true;
            let path = crate_dir.to_string_lossy();
            out.push_str(&format!("{package} = {{ path = {path:?} }}\n"));
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    if found {
        Ok(out)
    } else {
        Err(format!("the install block has no `{package}` line"))
    }
}

/// The body of the first fenced block whose info string is `info`, after the line `heading`.
fn fenced_block_after(markdown: &str, heading: &str, info: &str) -> Option<String> {
    let mut lines = markdown.lines().skip_while(|line| line.trim() != heading);
    lines.find(|line| line.trim() == format!("```{info}"))?;
    let mut body = String::new();
    for line in lines {
        if line.trim() == "```" {
            return Some(body);
        }
        body.push_str(line);
        body.push('\n');
    }
    None
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    // Rewritten only when different, so an unchanged quickstart is not recompiled.
    if std::fs::read_to_string(path).ok().as_deref() == Some(text) {
        return Ok(());
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const README: &str = "# x\n\n## Install\n\n```toml\n[dependencies]\nhuaweicloud-sdk-swr = \"0.2\"\n\
        tokio = { version = \"1\" }\n```\n\n## Quickstart\n\n```no_run\nfn main() {}\n```\n";

    #[test]
    fn finds_the_blocks_under_their_headings() {
        assert_eq!(
            fenced_block_after(README, "## Quickstart", "no_run").as_deref(),
            Some("fn main() {}\n")
        );
        let install = fenced_block_after(README, "## Install", "toml").unwrap();
        assert!(install.starts_with("[dependencies]\n"));
        assert_eq!(fenced_block_after(README, "## Missing", "toml"), None);
    }

    #[test]
    fn points_the_service_crate_at_its_path_and_keeps_the_rest() {
        let install = fenced_block_after(README, "## Install", "toml").unwrap();
        let deps =
            dependencies_with_path(&install, "huaweicloud-sdk-swr", Path::new("/w/crates/swr"))
                .unwrap();
        assert_eq!(
            deps,
            "[dependencies]\nhuaweicloud-sdk-swr = { path = \"/w/crates/swr\" }\n\
             tokio = { version = \"1\" }\n"
        );
        assert!(dependencies_with_path(&install, "huaweicloud-sdk-hss", Path::new("/")).is_err());
    }
}
