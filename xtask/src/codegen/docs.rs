//! Descriptions from the spec turned into rustdoc comments.

/// Width of generated comment lines, prefix included.
const WIDTH: usize = 100;

/// Refuses text rustdoc would misread outside backticks: what opens an HTML tag (`<` before a
/// letter, `/`, `!` or `?`), `[` and `]` (links), a paragraph opening with `>` (a quote), and
/// bare URLs. A comparison such as `x <= 0` or `Hosts > servers` reads as written: comment
/// wrapping never starts a line with it.
pub fn check(text: &str) -> Result<(), String> {
    if text
        .split("\n\n")
        .any(|paragraph| paragraph.trim_start().starts_with('>'))
    {
        return Err(format!(
            "description has a paragraph opening with `>` (rustdoc would read a quote): {text:?}"
        ));
    }
    for (i, segment) in text.split('`').enumerate() {
        if i % 2 == 1 {
            continue; // inside backticks
        }
        let tag = segment
            .split('<')
            .skip(1)
            .any(|after| after.starts_with(|c: char| c.is_ascii_alphabetic() || "/!?".contains(c)));
        if tag {
            return Err(format!(
                "description has `<` opening a tag outside backticks (rustdoc would read it as HTML): {text:?}"
            ));
        }
        if let Some(c) = segment.chars().find(|c| matches!(c, '[' | ']')) {
            return Err(format!(
                "description has `{c}` outside backticks (rustdoc would read it as a link): {text:?}"
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
/// list items are re-wrapped under their marker, table rows and code blocks kept as written.
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
            structured_lines(paragraph, width)
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

/// Lines of a paragraph holding a list, a table or a code block: long list items are wrapped
/// with their continuation lines indented under the item's text; the rest is kept as written.
fn structured_lines(paragraph: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut in_code = false;
    for line in paragraph.lines() {
        let line = line.trim_end();
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            in_code = !in_code;
        }
        let item = !in_code && (trimmed.starts_with("- ") || trimmed.starts_with("* "));
        if !item || line.len() <= width {
            lines.push(line.to_owned());
            continue;
        }
        let (marker, rest) = line.split_at(line.len() - trimmed.len() + 2);
        let hang = " ".repeat(marker.len());
        let wrapped = wrap(rest, width.saturating_sub(hang.len()).max(20));
        for (j, text) in wrapped.into_iter().enumerate() {
            let lead = if j == 0 { marker } else { hang.as_str() };
            lines.push(format!("{lead}{text}"));
        }
    }
    lines
}

/// Greedy word wrap; backtick spans are never split.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in words(text) {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Whitespace-separated words; a code span with spaces inside (`` `GET /v1/x` ``) is one word.
fn words(text: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut open = false;
    for word in text.split_whitespace() {
        // A comparison stays on the line of what it compares: a line opening with `>` is a
        // quote in Markdown.
        let comparison = word.starts_with(['<', '>']);
        match words.last_mut() {
            Some(last) if open || comparison => {
                last.push(' ');
                last.push_str(word);
            }
            _ => words.push(word.to_owned()),
        }
        if word.matches('`').count() % 2 == 1 {
            open = !open;
        }
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_html_links_and_bare_urls_outside_code() {
        assert!(check("Size in bytes, `<= 5 GB`, see `https://x`.").is_ok());
        assert!(check("At most <b>5</b>.").is_err());
        assert!(check("Keep `dx` <= 0; Hosts > servers.").is_ok());
        assert!(check("> quoted").is_err());
        assert!(check("See [docs].").is_err());
        assert!(check("See https://example.com.").is_err());
        assert!(check("Unclosed `code.").is_err());
    }

    #[test]
    fn a_comparison_never_opens_a_line() {
        let text = format!("{}> b and {}<= c", "word ".repeat(19), "word ".repeat(17));
        let out = comment(&text, "///", "");
        assert!(
            out.lines()
                .all(|l| !l.starts_with("/// >") && !l.starts_with("/// <")),
            "{out}"
        );
    }

    #[test]
    fn wraps_prose_and_keeps_lists() {
        let text = format!("{}\n\n- one\n- two", "word ".repeat(40));
        let out = comment(&text, "///", "");
        assert!(out.lines().all(|l| l.len() <= WIDTH));
        assert!(out.contains("/// - one\n/// - two\n"));
    }

    #[test]
    fn wraps_long_list_items_under_their_marker_and_keeps_code_spans_whole() {
        let text = format!("- {}\n- two", "word ".repeat(30));
        let out = comment(&text, "///", "    ");
        assert!(out.lines().all(|l| l.len() <= WIDTH), "{out}");
        assert!(
            out.contains("\n    ///   word"),
            "continuation under the text: {out}"
        );
        assert!(out.ends_with("    /// - two\n"), "{out}");

        let path = format!("`GET /v1/{}`", "segment/".repeat(12));
        let out = comment(&format!("Some text then {path} and more."), "///", "");
        assert!(
            out.contains(&path),
            "the code span stays on one line: {out}"
        );

        let table = "| a | b |\n|---|---|\n| `x` | y |";
        assert_eq!(
            comment(table, "//!", ""),
            "//! | a | b |\n//! |---|---|\n//! | `x` | y |\n"
        );
    }
}
