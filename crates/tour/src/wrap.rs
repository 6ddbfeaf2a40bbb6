//! Keeps the tour's output inside 100 columns: a long result line continues on indented lines.

/// The widest line the tour prints.
pub const WIDTH: usize = 100;

/// Continuation lines start under the result, after the 25-column operation name.
const INDENT: usize = 25;

/// `line` broken at spaces into lines of at most [`WIDTH`] characters; a single word longer
/// than that (a URL, say) keeps a line of its own rather than being cut.
pub fn wrap(line: &str) -> String {
    let mut out = String::new();
    let mut current = String::new();
    for word in line.split(' ') {
        let width = current.chars().count();
        if width > INDENT && width + 1 + word.chars().count() > WIDTH {
            out.push_str(current.trim_end());
            out.push('\n');
            current = " ".repeat(INDENT);
        } else if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    out.push_str(current.trim_end());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_lines_are_left_alone() {
        assert_eq!(
            wrap("ListJobs                 ok: 3 jobs"),
            "ListJobs                 ok: 3 jobs"
        );
    }

    #[test]
    fn long_lines_continue_indented_within_the_width() {
        let line = format!("{:<24} ok: {}", "CreateFile", "word ".repeat(60));
        let wrapped = wrap(&line);
        assert!(wrapped.lines().count() > 1);
        for (i, l) in wrapped.lines().enumerate() {
            assert!(
                l.chars().count() <= WIDTH,
                "line {i} is {} wide",
                l.chars().count()
            );
            if i > 0 {
                assert!(l.starts_with(&" ".repeat(INDENT)) && !l.trim().is_empty());
            }
        }
        assert_eq!(
            wrapped.split_whitespace().collect::<Vec<_>>(),
            line.split_whitespace().collect::<Vec<_>>()
        );
    }
}
