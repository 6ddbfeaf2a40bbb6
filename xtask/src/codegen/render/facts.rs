//! A field's structured facts in the one form every doc comment uses: one sentence each, after
//! the description (`Length: 1 to 64 characters. Range: 0 to 100. Default: `10`.`).

use super::super::model::Facts;

/// The sentences of `facts`, in a fixed order: values, length, range, items, format, pattern,
/// default.
pub fn sentences(facts: &Facts) -> Vec<String> {
    let mut out = Vec::new();
    if !facts.values.is_empty() {
        let listed: Vec<String> = facts
            .values
            .iter()
            .map(|(value, meaning)| format!("`{value}`: {}", meaning.trim().trim_end_matches('.')))
            .collect();
        out.push(format!("Values: {}.", listed.join("; ")));
    }
    if let Some(s) = bounds(&facts.min_length, &facts.max_length) {
        out.push(format!("Length: {s} characters."));
    }
    if let Some(s) = bounds(&facts.minimum, &facts.maximum) {
        out.push(format!("Range: {s}."));
    }
    if let Some(s) = bounds(&facts.min_items, &facts.max_items) {
        out.push(format!("Items: {s}."));
    }
    if let Some(format) = &facts.date_format {
        out.push(format!("Format: `{format}` (RFC 3339), kept as text."));
    }
    if let Some(pattern) = &facts.pattern {
        out.push(format!("Pattern: `{pattern}`."));
    }
    if let Some(default) = &facts.default {
        out.push(format!("Default: `{default}`."));
    }
    out
}

/// `a to b`, `at least a`, `at most b`, or `exactly a` for a lower and upper bound.
fn bounds(min: &Option<String>, max: &Option<String>) -> Option<String> {
    match (min, max) {
        (Some(a), Some(b)) if a == b => Some(format!("exactly {a}")),
        (Some(a), Some(b)) => Some(format!("{a} to {b}")),
        (Some(a), None) => Some(format!("at least {a}")),
        (None, Some(b)) => Some(format!("at most {b}")),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_read_as_one_sentence_each_in_a_fixed_order() {
        let facts = Facts {
            min_length: Some("1".into()),
            max_length: Some("64".into()),
            minimum: Some("0".into()),
            maximum: Some("100".into()),
            max_items: Some("10".into()),
            default: Some("10".into()),
            values: vec![
                ("0".into(), "Disabled.".into()),
                ("1".into(), "enabled".into()),
            ],
            ..Facts::default()
        };
        assert_eq!(
            sentences(&facts).join(" "),
            "Values: `0`: Disabled; `1`: enabled. Length: 1 to 64 characters. Range: 0 to 100. \
             Items: at most 10. Default: `10`."
        );
        assert!(sentences(&Facts::default()).is_empty());
        let exact = Facts {
            min_length: Some("32".into()),
            max_length: Some("32".into()),
            ..Facts::default()
        };
        assert_eq!(sentences(&exact), ["Length: exactly 32 characters."]);
    }
}
