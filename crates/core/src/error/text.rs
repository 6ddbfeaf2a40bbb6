//! Server text made safe for a one-line error message.
//!
//! Codes and messages come from the server. Written raw, a `\n` would forge a second log line,
//! `\r` would overwrite the start of the line in a terminal and `\x1b[...` would drive it. So
//! every character that could do that is written as an escape.

use std::fmt::{self, Write as _};

/// Displays `text` with control characters escaped: `\n`, `\r`, `\t` as such, every other C0
/// and C1 control, DEL, the line and paragraph separators and the bidirectional overrides as
/// `\u{..}`. With `quoted`, the text is surrounded by `"` and `"` and `\` are escaped too.
pub(crate) struct Escaped<'a> {
    text: &'a str,
    quoted: bool,
    /// At most this many characters are written, then `…`.
    max_chars: usize,
}

impl<'a> Escaped<'a> {
    /// `text` between quotes, cut after `max_chars` characters.
    pub fn quoted(text: &'a str, max_chars: usize) -> Self {
        Self {
            text,
            quoted: true,
            max_chars,
        }
    }

    /// `text` bare (for codes and ids), cut after `max_chars` characters.
    pub fn bare(text: &'a str, max_chars: usize) -> Self {
        Self {
            text,
            quoted: false,
            max_chars,
        }
    }
}

/// Characters that move the cursor, end a line or reorder text when shown.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.quoted {
            f.write_char('"')?;
        }
        let mut chars = self.text.chars();
        for c in chars.by_ref().take(self.max_chars) {
            match c {
                '\n' => f.write_str("\\n")?,
                '\r' => f.write_str("\\r")?,
                '\t' => f.write_str("\\t")?,
                '"' | '\\' if self.quoted => {
                    f.write_char('\\')?;
                    f.write_char(c)?;
                }
                c if needs_escape(c) => write!(f, "\\u{{{:x}}}", u32::from(c))?,
                c => f.write_char(c)?,
            }
        }
        // A whole HTML error page is not a message: keep the line readable.
        if chars.next().is_some() {
            f.write_char('…')?;
        }
        if self.quoted {
            f.write_char('"')?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_escaped_and_text_is_cut() {
        let shown = Escaped::bare("a\nb\r\x1b[31mc\u{85}d\u{7f}\u{202e}e", 100).to_string();
        assert_eq!(shown, "a\\nb\\r\\u{1b}[31mc\\u{85}d\\u{7f}\\u{202e}e");
        assert!(!shown.chars().any(char::is_control));
        assert_eq!(
            Escaped::quoted("say \"hi\" \\ é", 100).to_string(),
            r#""say \"hi\" \\ é""#
        );
        assert_eq!(Escaped::quoted("abcdef", 3).to_string(), "\"abc…\"");
        assert_eq!(Escaped::bare("abc", 3).to_string(), "abc");
    }
}
