//! Rust names from API names.

/// Words of `name`: split on anything not alphanumeric and on lower-to-upper case changes, so
/// `X-App-UserId` gives `X`, `App`, `User`, `Id` and `PARTIAL_SUCCEED` gives `PARTIAL`, `SUCCEED`.
fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut previous: Option<char> = None;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            previous = None;
            continue;
        }
        let boundary = previous.is_some_and(|p| {
            (p.is_ascii_lowercase() || p.is_ascii_digit()) && c.is_ascii_uppercase()
        });
        if boundary && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        current.push(c);
        previous = Some(c);
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "box", "break", "const", "continue", "crate", "dyn", "else", "enum",
    "extern", "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod",
    "move", "mut", "pub", "ref", "return", "static", "struct", "trait", "true", "try", "type",
    "unsafe", "use", "where", "while", "yield",
];

/// `snake_case`, a raw identifier when it is a keyword (`type` becomes `r#type`).
pub fn snake(name: &str) -> String {
    let joined = words(name)
        .iter()
        .map(|w| w.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("_");
    if KEYWORDS.contains(&joined.as_str()) {
        format!("r#{joined}")
    } else {
        joined
    }
}

/// `snake_case` without the raw-identifier prefix, for file and module names.
pub fn file_stem(name: &str) -> String {
    snake(name).trim_start_matches("r#").to_owned()
}

/// `UpperCamelCase`; a leading digit gets a `V` prefix.
pub fn pascal(name: &str) -> String {
    let mut out = String::new();
    for word in words(name) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars.map(|c| c.to_ascii_lowercase()));
        }
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'V');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(snake("X-App-UserId"), "x_app_user_id");
        assert_eq!(
            snake("ListPictureModelingJobs"),
            "list_picture_modeling_jobs"
        );
        assert_eq!(snake("picture_modeling_jobs"), "picture_modeling_jobs");
        assert_eq!(snake("type"), "r#type");
        assert_eq!(file_stem("type"), "type");
        assert_eq!(pascal("PARTIAL_SUCCEED"), "PartialSucceed");
        assert_eq!(pascal("private_image"), "PrivateImage");
        assert_eq!(pascal("Pending"), "Pending");
        assert_eq!(pascal("asc"), "Asc");
        assert_eq!(pascal("1x"), "V1x");
    }
}
