//! `cargo xtask doc-links`: READMEs use Markdown links, never rustdoc's intra-doc links.
//!
//! A crate README is also its crate's front page in rustdoc, where `` [`Config`] `` resolves to
//! the item; on GitHub and crates.io the same text renders as literal brackets. Every reference
//! link in a README therefore needs a `[label]: url` definition in the file, and no link target
//! may be a Rust path (`(Error::kind)`, `(crate::x)`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::codegen::workspace_root;

pub fn run(_args: &[String]) -> ExitCode {
    let root = workspace_root();
    let mut readmes = vec![root.join("README.md")];
    if let Ok(entries) = std::fs::read_dir(root.join("crates")) {
        let mut crates: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path().join("README.md")))
            .filter(|p| p.is_file())
            .collect();
        crates.sort();
        readmes.extend(crates);
    }
    let mut problems = 0;
    for readme in &readmes {
        let text = match std::fs::read_to_string(readme) {
            Ok(text) => text,
            Err(e) => {
                println!("FAIL {}: {e}", readme.display());
                problems += 1;
                continue;
            }
        };
        for problem in check(&text) {
            println!("FAIL {}: {problem}", relative(&root, readme));
            problems += 1;
        }
    }
    println!("{} READMEs, {problems} rustdoc-only links", readmes.len());
    if problems == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// The rustdoc-only links of a Markdown text, outside fenced code blocks.
fn check(text: &str) -> Vec<String> {
    let mut prose = String::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
        } else if !fenced {
            prose.push_str(line);
            prose.push('\n');
        }
    }
    let definitions: Vec<&str> = prose
        .lines()
        .filter_map(|line| {
            let line = line.trim_start();
            let label = line.strip_prefix('[')?.split_once("]:")?.0;
            Some(label)
        })
        .collect();
    let mut problems = Vec::new();
    let mut rest = prose.as_str();
    while let Some(start) = rest.find('[') {
        rest = &rest[start + 1..];
        let Some(end) = rest.find(']') else { break };
        let label = &rest[..end];
        let after = &rest[end + 1..];
        if label.contains('[') || label.is_empty() {
            continue;
        }
        if let Some(target) = after.strip_prefix('(') {
            let target = target.split(')').next().unwrap_or("");
            if is_rust_path(target) {
                problems.push(format!("[{label}]({target}) links to a Rust path"));
            }
        } else if after.starts_with(':') || after.starts_with('[') {
            // A definition, or a full reference link `[text][label]`.
        } else if label.starts_with('`') && !definitions.contains(&label) {
            problems.push(format!("[{label}] has no `[{label}]: url` definition"));
        }
    }
    problems
}

fn is_rust_path(target: &str) -> bool {
    !target.contains('/')
        && !target.contains('.')
        && !target.starts_with('#')
        && (target.contains("::") || target.chars().next().is_some_and(char::is_uppercase))
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn rustdoc_links_are_reported_and_markdown_links_pass() {
        let text = "Use [`Config`] and [`kind`](Error::kind).\n\n```rust\nlet x = [`No`];\n```\n";
        assert_eq!(check(text).len(), 2, "{:?}", check(text));
        let fixed =
            "Use [`Config`] and [`kind`](https://docs.rs/x).\n\n[`Config`]: https://docs.rs/c\n";
        assert!(check(fixed).is_empty(), "{:?}", check(fixed));
        assert!(check("a [link](../crates/core/README.md) and [x][y]\n").is_empty());
    }
}
