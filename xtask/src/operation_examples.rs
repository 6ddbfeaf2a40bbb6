//! Part of `cargo xtask quickstarts`: a sample of the generated operation examples (the doctest
//! on each client method), compiled as one program of its own per service with exactly the
//! README's install lines as dependencies, so an example a user copies builds where they put it.
//!
//! The sample holds, per service, the first operation (in file order) of each body shape the
//! service has: no body, a flat JSON body, a nested JSON body (a model holding a model), a
//! multipart body, and a streamed download.

use std::path::Path;

/// A body shape, and how it is recognised in a generated operation file.
type Shape = (&'static str, fn(&str) -> bool);

/// The body shapes sampled.
const SHAPES: [Shape; 5] = [
    ("no body", |text| !text.contains("pub fn body(")),
    ("JSON body", |text| {
        text.contains("request.json_body(") && example(text).matches("::new()").count() <= 1
    }),
    ("nested body", |text| {
        text.contains("request.json_body(") && example(text).matches("::new()").count() > 1
    }),
    ("multipart body", |text| text.contains("multipart_body(")),
    ("streamed download", |text| {
        text.contains("pub body: ByteStream")
    }),
];

/// The sampled examples of `service` as modules of one program: `(shape, operation, source)`.
pub fn sample(module_dir: &Path) -> Result<Vec<(&'static str, String, String)>, String> {
    let mut files: Vec<_> = std::fs::read_dir(module_dir)
        .map_err(|e| format!("{}: {e}", module_dir.display()))?
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| {
            path.extension().is_some_and(|e| e == "rs")
                && !path
                    .file_stem()
                    .is_some_and(|s| s == "mod" || s == "client")
        })
        .collect();
    files.sort();
    let mut out = Vec::new();
    for (shape, matches) in SHAPES {
        for path in &files {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            let code = example(&text);
            if !code.is_empty() && matches(&text) {
                let name = path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                out.push((shape, name, code));
                break;
            }
        }
    }
    Ok(out)
}

/// The program holding `sample`: one module per example, each with its own imports.
pub fn program(sample: &[(&'static str, String, String)]) -> String {
    let mut out = String::from(
        "//! Generated operation examples, as a user would paste them.\n#![allow(dead_code)]\n\n",
    );
    for (shape, name, code) in sample {
        out.push_str(&format!("/// {shape}\nmod {name} {{\n{code}}}\n\n"));
    }
    out.push_str("fn main() {}\n");
    out
}

/// The code of the first `no_run` example in the docs of `text`, with rustdoc's hidden-line
/// markers removed; empty when there is none.
fn example(text: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for line in text.lines() {
        let Some(doc) = line.trim_start().strip_prefix("///") else {
            continue;
        };
        let doc = doc.strip_prefix(' ').unwrap_or(doc);
        if !inside {
            inside = doc.trim() == "```no_run";
            continue;
        }
        if doc.trim() == "```" {
            return out;
        }
        let code = doc
            .strip_prefix("# ")
            .or_else(|| (doc == "#").then_some(""))
            .unwrap_or(doc);
        out.push_str(code);
        out.push('\n');
    }
    String::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takes_the_doctest_and_unhides_its_lines() {
        let text = "    /// Lists.\n    ///\n    /// ```no_run\n    /// # async fn example() -> x::Result<()> {\n    /// use x::Config;\n    ///\n    /// # Ok(())\n    /// # }\n    /// ```\n    pub fn list(&self) {}\n";
        assert_eq!(
            example(text),
            "async fn example() -> x::Result<()> {\nuse x::Config;\n\nOk(())\n}\n"
        );
        assert_eq!(example("/// no example\n"), "");
    }
}
