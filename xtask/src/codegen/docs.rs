//! Descriptions from the spec turned into rustdoc comments.

/// Width of generated comment lines, prefix included.
const WIDTH: usize = 100;

/// Refuses text rustdoc would misread: `<`, `>`, `[`, `]` and bare URLs outside backticks.
pub fn check(text: &str) -> Result<(), String> {
    for (i, segment) in text.split('`').enumerate() {
        if i % 2 == 1 {
            continue; // inside backticks
        }
        if let Some(c) = segment.chars().find(|c| matches!(c, '<' | '>' | '[' | ']')) {
            return Err(format!(
                "description has `{c}` outside backticks (rustdoc would read it as HTML or a link): {text:?}"
            ));
        }
        if segment.contains("http://") || segment.contains("https://") {
            return Err(format!(
                "description has a bare URL; put it in backticks: {text:?}"
            ));
        }
    }
    if text.split('`').count().is_multiple_of(2) {
        return Err(format!("description has an unclosed backtick: {text:?}"));
    }
    Ok(())
}

/// `text` as comment lines starting with `prefix` (`///` or `//!`), paragraphs re-wrapped;
/// list items and table rows are kept as written.
pub fn comment(text: &str, prefix: &str, indent: &str) -> String {
    let mut out = String::new();
    let width = WIDTH
        .saturating_sub(indent.len() + prefix.len() + 1)
        .max(40);
    for (i, paragraph) in text.trim().split("\n\n").enumerate() {
        if i > 0 {
            out.push_str(&format!("{indent}{prefix}\n"));
        }
        let structured = paragraph.lines().any(|l| {
            let l = l.trim_start();
            l.starts_with("- ") || l.starts_with("* ") || l.starts_with('|') || l.starts_with("```")
        });
        let lines: Vec<String> = if structured {
            paragraph.lines().map(|l| l.trim_end().to_owned()).collect()
        } else {
            wrap(paragraph, width)
        };
        for line in lines {
            if line.is_empty() {
                out.push_str(&format!("{indent}{prefix}\n"));
            } else {
                out.push_str(&format!("{indent}{prefix} {line}\n"));
            }
        }
    }
    out
}

/// Greedy word wrap; backtick spans are never split.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_html_links_and_bare_urls_outside_code() {
        assert!(check("Size in bytes, `<= 5 GB`, see `https://x`.").is_ok());
        assert!(check("At most <5>.").is_err());
        assert!(check("See [docs].").is_err());
        assert!(check("See https://example.com.").is_err());
        assert!(check("Unclosed `code.").is_err());
    }

    #[test]
    fn wraps_prose_and_keeps_lists() {
        let text = format!("{}\n\n- one\n- two", "word ".repeat(40));
        let out = comment(&text, "///", "");
        assert!(out.lines().all(|l| l.len() <= WIDTH));
        assert!(out.contains("/// - one\n/// - two\n"));
    }
}
