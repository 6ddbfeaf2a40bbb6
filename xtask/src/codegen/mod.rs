//! `cargo xtask codegen [--check]`: service code from the OpenAPI specs in
//! `crates/*/openapi/*.json` (the subset is described in `xtask/CODEGEN.md`).
//!
//! Output is a pure function of the specs: files are rendered in spec order, formatted with
//! rustfmt, and written only when they change. `--check` renders in memory and lists every
//! file that would be created, changed or deleted.

mod annotate;
mod docs;
mod json;
mod model;
mod names;
mod render;
mod spec;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

use model::Service;

/// Where the conformance runner's dispatch table goes.
const REGISTRY: &str = "tests/src/conformance/operations.rs";

pub fn run(args: &[String]) -> ExitCode {
    let check = match args {
        [] => false,
        [flag] if flag == "--check" => true,
        _ => {
            eprintln!("usage: cargo xtask codegen [--check]");
            return ExitCode::from(2);
        }
    };
    match generate(&workspace_root(), check) {
        Ok(0) => {
            println!("codegen: generated code is up to date");
            ExitCode::SUCCESS
        }
        Ok(n) if check => {
            eprintln!(
                "codegen --check: {n} file(s) differ from the specs; run `cargo xtask codegen`"
            );
            ExitCode::FAILURE
        }
        Ok(n) => {
            println!("codegen: wrote {n} file(s)");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("codegen: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace directory (xtask's parent).
pub(crate) fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Renders everything; writes (or, with `check`, compares). Returns how many files differ.
fn generate(root: &Path, check: bool) -> Result<usize, String> {
    let services = read_specs(root)?;
    if services.is_empty() {
        return Err("no specs found under crates/*/openapi/".into());
    }
    report_coverage(&services);
    let mut files: BTreeMap<PathBuf, String> = BTreeMap::new();
    for service in &services {
        let dir = root
            .join(service.crate_dir())
            .join("src")
            .join(&service.module);
        files.insert(dir.join("mod.rs"), render::module(service));
        files.insert(dir.join("client.rs"), render::client(service));
        for op in &service.operations {
            files.insert(
                dir.join(format!("{}.rs", op.snake.trim_start_matches("r#"))),
                render::operation(service, op)?,
            );
        }
        if !service.schemas.is_empty() {
            files.insert(
                dir.join("models").join("mod.rs"),
                render::models_module(service),
            );
        }
        for schema in &service.schemas {
            files.insert(
                dir.join("models")
                    .join(format!("{}.rs", names::file_stem(&schema.name))),
                render::schema(service, schema)?,
            );
        }
    }
    files.insert(root.join(REGISTRY), render::registry(&services)?);

    let mut differ = 0;
    for (path, text) in &files {
        let formatted = rustfmt(text).map_err(|e| format!("{}: {e}", path.display()))?;
        let current = std::fs::read_to_string(path).ok();
        if current.as_deref() == Some(formatted.as_str()) {
            continue;
        }
        differ += 1;
        let shown = path.strip_prefix(root).unwrap_or(path).display();
        if check {
            let what = if current.is_some() {
                "differs"
            } else {
                "is missing"
            };
            eprintln!("  {shown} {what}");
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(path, formatted).map_err(|e| format!("cannot write {shown}: {e}"))?;
        println!("  wrote {shown}");
    }
    // Generated files no spec produces any more (a removed operation or schema).
    for service in &services {
        let dir = root
            .join(service.crate_dir())
            .join("src")
            .join(&service.module);
        for stale in generated_files(&dir)?
            .into_iter()
            .filter(|p| !files.contains_key(p))
        {
            differ += 1;
            let shown = stale
                .strip_prefix(root)
                .unwrap_or(&stale)
                .display()
                .to_string();
            if check {
                eprintln!("  {shown} is no longer generated");
            } else {
                std::fs::remove_file(&stale).map_err(|e| format!("cannot remove {shown}: {e}"))?;
                println!("  removed {shown}");
            }
        }
    }
    Ok(differ)
}

/// Prints how much of each service is described; the rest falls back to wire names, which
/// `cargo xtask doc-placeholders` reports.
fn report_coverage(services: &[Service]) {
    for service in services {
        let c = annotate::coverage(service);
        let missing = (c.operations - c.operations_summarised)
            + (c.fields - c.fields_described)
            + (c.enum_values - c.enum_values_described);
        if missing > 0 {
            println!(
                "codegen: {}: {missing} undescribed (operations {}/{} summarised, fields {}/{}, enum values {}/{})",
                service.crate_name,
                c.operations_summarised,
                c.operations,
                c.fields_described,
                c.fields,
                c.enum_values_described,
                c.enum_values
            );
        }
    }
}

/// Every spec, in path order, with its descriptions applied.
fn read_specs(root: &Path) -> Result<Vec<Service>, String> {
    let mut paths = Vec::new();
    let crates = root.join("crates");
    let entries =
        std::fs::read_dir(&crates).map_err(|e| format!("cannot list {}: {e}", crates.display()))?;
    for entry in entries.flatten() {
        let openapi = entry.path().join("openapi");
        if let Ok(specs) = std::fs::read_dir(&openapi) {
            for spec in specs.flatten() {
                // `overlay.json` is the importer's input and `descriptions.json` the generator's, not specs.
                if spec.path().extension().is_some_and(|e| e == "json")
                    && spec
                        .path()
                        .file_stem()
                        .is_some_and(|s| s != "overlay" && s != "descriptions")
                {
                    paths.push(spec.path());
                }
            }
        }
    }
    paths.sort();
    paths
        .iter()
        .map(|path| {
            let relative = path
                .strip_prefix(root)
                .unwrap_or(path)
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {relative}: {e}"))?;
            let mut service = spec::read(&relative, &text)?;
            let descriptions = path.with_file_name("descriptions.json");
            if let Ok(text) = std::fs::read_to_string(&descriptions) {
                let shown = format!("{}/openapi/descriptions.json", service.crate_dir());
                let unmatched = annotate::apply(&mut service, &shown, &text)?;
                if !unmatched.is_empty() {
                    eprintln!(
                        "codegen: {shown}: {} location(s) name nothing in the spec, e.g. {}",
                        unmatched.len(),
                        unmatched
                            .iter()
                            .take(5)
                            .cloned()
                            .collect::<Vec<_>>()
                            .join(", ")
                    );
                }
            }
            Ok(service)
        })
        .collect()
}

/// Files under `dir` that carry the generated banner.
fn generated_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(out);
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(generated_files(&path)?);
        } else if std::fs::read_to_string(&path)
            .is_ok_and(|text| text.starts_with("// Generated by `cargo xtask codegen`"))
        {
            out.push(path);
        }
    }
    Ok(out)
}

/// `text` formatted by rustfmt (edition 2024, default style), so output matches `cargo fmt`.
fn rustfmt(text: &str) -> Result<String, String> {
    let mut child = Command::new(std::env::var("RUSTFMT").unwrap_or_else(|_| "rustfmt".into()))
        .args(["--edition", "2024", "--emit", "stdout", "--quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run rustfmt (rustup component add rustfmt): {e}"))?;
    child
        .stdin
        .take()
        .ok_or("rustfmt has no stdin")?
        .write_all(text.as_bytes())
        .map_err(|e| format!("cannot feed rustfmt: {e}"))?;
    let output = child
        .wait_with_output()
        .map_err(|e| format!("rustfmt failed: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "rustfmt rejected the generated code (a generator bug):\n{}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    String::from_utf8(output.stdout).map_err(|e| format!("rustfmt output is not UTF-8: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Generates the demo spec of `spec::tests` into a scratch workspace.
    fn scratch(name: &str) -> PathBuf {
        let root =
            std::env::temp_dir().join(format!("xtask-codegen-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let openapi = root.join("crates/demo/openapi");
        std::fs::create_dir_all(&openapi).unwrap();
        std::fs::write(openapi.join("v1.json"), spec::tests::valid().to_string()).unwrap();
        root
    }

    #[test]
    fn output_is_deterministic_and_check_detects_drift() {
        let root = scratch("drift");
        let written = generate(&root, false).unwrap();
        assert!(
            written >= 6,
            "mod, client, operation, models and registry: {written}"
        );
        assert_eq!(
            generate(&root, true).unwrap(),
            0,
            "a second run changes nothing"
        );

        let op = root.join("crates/demo/src/v1/create_thing.rs");
        let text = std::fs::read_to_string(&op).unwrap();
        assert!(
            text.starts_with(
                "// Generated by `cargo xtask codegen` from crates/demo/openapi/v1.json"
            )
        );
        std::fs::write(&op, text.replace("pub fn", "pub(crate) fn")).unwrap();
        assert_eq!(
            generate(&root, true).unwrap(),
            1,
            "an edited file is reported"
        );

        let stale = root.join("crates/demo/src/v1/models/gone.rs");
        std::fs::write(
            &stale,
            "// Generated by `cargo xtask codegen` from nowhere.\n",
        )
        .unwrap();
        assert_eq!(
            generate(&root, true).unwrap(),
            2,
            "a file no spec produces is reported"
        );
        generate(&root, false).unwrap();
        assert!(!stale.exists());
        assert_eq!(generate(&root, true).unwrap(), 0);
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn a_spec_without_schemas_gets_no_models_module() {
        let root = scratch("no-models");
        let mut spec = spec::tests::valid();
        let op = &mut spec["paths"]["/v1/{project_id}/things/{thing_id}"]["post"];
        op.as_object_mut().unwrap().remove("requestBody");
        op["parameters"].as_array_mut().unwrap().remove(2);
        spec["paths"]
            .as_object_mut()
            .unwrap()
            .remove("/v1/{project_id}/things");
        spec.as_object_mut().unwrap().remove("components");
        std::fs::write(root.join("crates/demo/openapi/v1.json"), spec.to_string()).unwrap();
        generate(&root, false).unwrap();
        let module = std::fs::read_to_string(root.join("crates/demo/src/v1/mod.rs")).unwrap();
        assert!(!module.contains("mod models"), "{module}");
        assert!(!root.join("crates/demo/src/v1/models").exists());
        let _ = std::fs::remove_dir_all(&root);
    }
}
