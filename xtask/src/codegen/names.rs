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
    "unsafe", "use", "where", "while", "yield", "abstract", "become", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual",
];

/// Words of an operation id such as `Cancel2DDigitalHumanVideo`: like [`words`], and a digit
/// run followed by an acronym starts a word of its own (`2D`), so the method reads
/// `cancel_2d_digital_human_video` rather than splitting the acronym.
fn operation_words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        let previous = i.checked_sub(1).and_then(|p| chars.get(p)).copied();
        let next = chars.get(i + 1).copied();
        let boundary = match previous {
            Some(p) if p.is_ascii_lowercase() => {
                c.is_ascii_uppercase() || (c.is_ascii_digit() && acronym_after_digits(&chars, i))
            }
            // The last capital of an acronym begins the next word (`HTTPServer`).
            Some(p) if p.is_ascii_uppercase() => {
                (c.is_ascii_uppercase() && next.is_some_and(|n| n.is_ascii_lowercase()))
                    || (c.is_ascii_digit() && current.len() > 1 && acronym_after_digits(&chars, i))
            }
            // Digits stay with the word before (`V2`) unless they lead an acronym (`2D`).
            Some(p) if p.is_ascii_digit() => {
                c.is_ascii_uppercase()
                    && !(current.chars().all(|x| x.is_ascii_digit())
                        && next.is_some_and(|n| n.is_ascii_uppercase()))
            }
            _ => false,
        };
        if boundary && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        current.push(c);
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// True when the digit run starting at `i` and the letter after it form a unit such as `2D`
/// or `2d` (`2DDigital`, `2dModel`): that letter is followed by a capital or ends the name.
fn acronym_after_digits(chars: &[char], i: usize) -> bool {
    let mut j = i;
    while chars.get(j).is_some_and(char::is_ascii_digit) {
        j += 1;
    }
    chars.get(j).is_some_and(char::is_ascii_alphabetic)
        && chars
            .get(j + 1)
            .is_none_or(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// The client method of an operation id: `Cancel2DDigitalHumanVideo` gives
/// `cancel_2d_digital_human_video`.
pub fn method(id: &str) -> String {
    let joined = operation_words(id)
        .iter()
        .map(|w| w.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("_");
    ident(&joined)
}

/// A Rust identifier for a name that is already snake case (an official attribute name):
/// keywords become raw identifiers, and the few that cannot be raw get a `_` suffix.
pub fn ident(name: &str) -> String {
    if matches!(name, "self" | "Self" | "super" | "crate" | "_") {
        format!("{name}_")
    } else if KEYWORDS.contains(&name) {
        format!("r#{name}")
    } else {
        name.to_owned()
    }
}

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

/// The enum variant of a wire value: `UpperCamelCase` of its words, with the signs that carry
/// meaning spelt out (`UTC+06` is `UtcPlus06`, `-1` is `Minus1`), a leading digit prefixed
/// with `V` (`0` is `V0`), `Empty` for a value without letters or digits, and a `Value` suffix
/// for `Self` and for the name of the catch-all `Unknown(String)`.
pub fn variant(value: &str) -> String {
    let spelt = value.replace('+', " plus ");
    let spelt = match spelt.strip_prefix('-') {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => format!("minus {rest}"),
        _ => spelt,
    };
    let name = pascal(&spelt);
    match name.as_str() {
        "" => "Empty".to_owned(),
        // The catch-all variant, and the one keyword `UpperCamelCase` can produce.
        "Unknown" | "Self" => format!("{name}Value"),
        _ => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enum_variants_are_identifiers() {
        assert_eq!(variant("hss.version.premium"), "HssVersionPremium");
        assert_eq!(variant("UTC+06"), "UtcPlus06");
        assert_eq!(variant("-1"), "Minus1");
        assert_eq!(variant("0"), "V0");
        assert_eq!(variant("file/process hash"), "FileProcessHash");
        assert_eq!(variant("unknown"), "UnknownValue");
        assert_eq!(variant("*"), "Empty");
        assert_eq!(variant("self"), "SelfValue");
        assert_eq!(variant("PARTIAL_SUCCEED"), "PartialSucceed");
    }

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
        assert_eq!(
            method("Cancel2DDigitalHumanVideo"),
            "cancel_2d_digital_human_video"
        );
        assert_eq!(method("Create3DModel"), "create_3d_model");
        assert_eq!(
            method("Create2dModelTrainingJob"),
            "create_2d_model_training_job"
        );
        assert_eq!(method("ListV2Jobs"), "list_v2_jobs");
        assert_eq!(method("ListK8sPods"), "list_k8s_pods");
        assert_eq!(method("ShowHTTPServer"), "show_http_server");
        assert_eq!(
            method("ListPictureModelingJobs"),
            "list_picture_modeling_jobs"
        );
        assert_eq!(method("CreateVpcEndpoint"), "create_vpc_endpoint");
        assert_eq!(ident("type"), "r#type");
        assert_eq!(ident("self"), "self_");
    }
}
