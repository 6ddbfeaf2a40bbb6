//! The `no-panics` check: library code returns errors, it does not panic.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Calls that panic on bad input or state.
const PATTERNS: [&str; 6] = [
    ".unwrap()",
    ".expect(",
    "panic!",
    "todo!",
    "unimplemented!",
    "unreachable!",
];

/// Directories whose files are test or example code, exempt from the rule.
const EXEMPT_DIRS: [&str; 3] = ["tests", "benches", "examples"];

pub fn run(args: &[String]) -> ExitCode {
    let roots: Vec<PathBuf> = if args.is_empty() {
        match default_roots() {
            Ok(r) => r,
            Err(e) => {
                eprintln!("no-panics: {e}");
                return ExitCode::FAILURE;
            }
        }
    } else {
        args.iter().map(PathBuf::from).collect()
    };
    let mut files = Vec::new();
    for root in &roots {
        if let Err(e) = collect_rust_files(root, &mut files) {
            eprintln!("no-panics: cannot read {}: {e}", root.display());
            return ExitCode::FAILURE;
        }
    }
    files.sort();
    let mut findings = 0usize;
    for file in &files {
        let text = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("no-panics: cannot read {}: {e}", file.display());
                return ExitCode::FAILURE;
            }
        };
        for (line_no, line) in offending_lines(&text) {
            findings += 1;
            println!("{}:{line_no}: {}", file.display(), line.trim());
        }
    }
    println!(
        "no-panics: {findings} panicking calls in {} library files",
        files.len()
    );
    if findings == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// `crates/*/src` of the workspace this xtask belongs to.
fn default_roots() -> std::io::Result<Vec<PathBuf>> {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let mut roots = Vec::new();
    for entry in std::fs::read_dir(workspace.join("crates"))? {
        let src = entry?.path().join("src");
        if src.is_dir() {
            roots.push(src);
        }
    }
    roots.sort();
    Ok(roots)
}

fn collect_rust_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let exempt = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| EXEMPT_DIRS.contains(&n));
        if path.is_dir() && !exempt {
            collect_rust_files(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    Ok(())
}

/// Lines (1-based) before the first `#[cfg(test)]` that call a panicking function, ignoring
/// comment lines (doc examples may show `?`-less code).
fn offending_lines(text: &str) -> Vec<(usize, &str)> {
    text.lines()
        .enumerate()
        .take_while(|(_, line)| !line.trim_start().starts_with("#[cfg(test)]"))
        .filter(|(_, line)| !line.trim_start().starts_with("//"))
        .filter(|(_, line)| PATTERNS.iter().any(|p| line.contains(p)))
        .map(|(i, line)| (i + 1, line))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_panics_in_library_code_only() {
        let text = "fn a() { x.unwrap(); }\n// y.unwrap()\n/// z.expect(\"doc\")\nfn b() { panic!(\"no\") }\n#[cfg(test)]\nmod t { fn c() { d.unwrap(); } }\n";
        let found: Vec<usize> = offending_lines(text).into_iter().map(|(n, _)| n).collect();
        assert_eq!(found, vec![1, 4]);
    }

    #[test]
    fn unwrap_or_variants_are_fine() {
        assert!(offending_lines("let a = b.unwrap_or(1).unwrap_or_default();").is_empty());
    }
}
