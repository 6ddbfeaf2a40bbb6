//! `cargo xtask doc-placeholders`: fails on any doc line of the service crates that only
//! restates a name (`Calls ListHosts.`, `` `host_name` query parameter. ``, `` Sets `x`. ``).
//!
//! The generator writes such a line where `descriptions.json` has no text for an operation,
//! field, model or enum value; this check lists each one with its file and line, so a missing
//! description is found where a user would read it.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::codegen::workspace_root;

/// The service crates whose sources are checked.
const SERVICES: [&str; 4] = ["swr", "hss", "metastudio", "projectman"];

pub fn run(args: &[String]) -> ExitCode {
    if !args.is_empty() {
        eprintln!("usage: cargo xtask doc-placeholders");
        return ExitCode::from(2);
    }
    let root = workspace_root();
    let mut found = 0;
    for service in SERVICES {
        let mut files = Vec::new();
        rust_files(&root.join("crates").join(service).join("src"), &mut files);
        files.sort();
        for file in files {
            let Ok(text) = std::fs::read_to_string(&file) else {
                continue;
            };
            for (i, line) in text.lines().enumerate() {
                if is_placeholder(line) {
                    found += 1;
                    let shown = file.strip_prefix(&root).unwrap_or(&file).display();
                    println!("{shown}:{}: {}", i + 1, line.trim());
                }
            }
        }
    }
    if found == 0 {
        println!("doc-placeholders: 0 doc lines only restate a name");
        ExitCode::SUCCESS
    } else {
        println!(
            "doc-placeholders: {found} doc line(s) only restate a name; describe them in crates/<svc>/openapi/descriptions.json"
        );
        ExitCode::FAILURE
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Whether a source line is a doc comment whose whole text only restates a name.
fn is_placeholder(line: &str) -> bool {
    let trimmed = line.trim_start();
    let Some(text) = trimmed
        .strip_prefix("///")
        .or_else(|| trimmed.strip_prefix("//!"))
    else {
        return false;
    };
    let text = text.trim();
    let text = text.strip_suffix(" Required.").unwrap_or(text);
    // `Calls ListHosts.`
    if let Some(name) = text
        .strip_prefix("Calls ")
        .and_then(|t| t.strip_suffix('.'))
    {
        return is_name(name);
    }
    // `` Sets `x`. `` and `` The value `x`. ``
    for prefix in ["Sets ", "The value "] {
        if let Some(rest) = text.strip_prefix(prefix) {
            return code_then(rest, ".");
        }
    }
    // `` `x` query parameter. `` and the other wire locations.
    for what in [
        " query parameter.",
        " path parameter.",
        " header.",
        " JSON property.",
    ] {
        if code_then(text, what) {
            return true;
        }
    }
    // `` The `X` response header. ``, `` The `X` model of the HSS API. ``
    if let Some(rest) = text.strip_prefix("The ") {
        if code_then(rest, " response header.") {
            return true;
        }
        if let Some((code, tail)) = split_code(rest) {
            return !code.is_empty()
                && (tail.starts_with(" model of the ") || tail.starts_with(" values of the "))
                && tail.ends_with(" API.");
        }
    }
    false
}

/// A name: letters, digits and `_` only.
fn is_name(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `` `code`rest ``: the code span and what follows it.
fn split_code(text: &str) -> Option<(&str, &str)> {
    let rest = text.strip_prefix('`')?;
    let end = rest.find('`')?;
    Some((rest.get(..end)?, rest.get(end + 1..)?))
}

/// Whether `text` is one code span followed by exactly `tail`.
fn code_then(text: &str, tail: &str) -> bool {
    split_code(text).is_some_and(|(code, rest)| !code.is_empty() && rest == tail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_lines_that_only_restate_a_name() {
        for line in [
            "    /// Calls ListHostStatus.",
            "    /// `host_name` query parameter.",
            "    /// `limit` query parameter. Required.",
            "    /// `os_type` JSON property.",
            "    /// `X-Auth-Token` header.",
            "/// The `PolicyContent` model of the HSS API.",
            "/// The `State` values of the Demo API.",
            "    /// Sets `name`.",
            "    /// The `X-Total` response header.",
            "    /// The value `ACTIVE`.",
        ] {
            assert!(is_placeholder(line), "{line}");
        }
        for line in [
            "    /// Lists hosts and their protection status.",
            "    /// `ACTIVE`: the host is running.",
            "    /// Sets the [field](Self::name) and returns the builder.",
            "    // `host_name` query parameter.",
            "    /// Length: 1 to 64 characters.",
        ] {
            assert!(!is_placeholder(line), "{line}");
        }
    }
}
