//! Each operation's method on the client, documented with its summary, facts and example.

use super::super::docs;
use super::super::model::{Operation, Service};
use super::example::example;

/// The operation's method on the client, in the operation's own file.
pub fn method(service: &Service, op: &Operation) -> Result<String, String> {
    let mut text = match &op.summary {
        Some(summary) => summary.trim().to_owned(),
        None => format!("Calls {}.", op.id),
    };
    if let Some(description) = &op.description {
        text.push_str("\n\n");
        text.push_str(description.trim());
    }
    text.push_str(&format!(
        "\n\n`{} {}` ([API Explorer]({}))",
        op.method,
        op.path,
        service.explorer_url(&op.id)
    ));
    if op.deprecated {
        text.push_str(&format!("\n\n{}", deprecation_note(op)));
    }
    if let Some(rule) = &op.body_error {
        text.push_str(&format!(
            "\n\nThe service reports some failures with a 2xx status: an answer whose `{}` is not \
             {} is returned as `Err`, a service error whose code is that `{}` and whose message \
             is `{}`.",
            rule.code, rule.success, rule.code, rule.message
        ));
    }
    text.push_str("\n\n# Errors\n\n");
    if op.errors.is_empty() {
        text.push_str(
            "A service error (`Error::service_error`) for an HTTP error answer; a construction \
             error, before any I/O, when a required field is missing.",
        );
    } else {
        text.push_str("A service error (`Error::service_error`) for answers such as:\n");
        for (status, description) in &op.errors {
            text.push_str(&format!("\n- `{status}`: {}", description.trim()));
        }
        text.push_str(
            "\n\nMissing required fields are construction errors, raised before any I/O.",
        );
    }
    let mut out = String::from("impl Client {\n");
    out.push_str(&docs::comment(&text, "///", "    "));
    out.push_str("    ///\n    /// # Example\n    ///\n");
    for line in example(service, op)?.lines() {
        if line.is_empty() {
            out.push_str("    ///\n");
        } else {
            out.push_str(&format!("    /// {line}\n"));
        }
    }
    if op.deprecated {
        out.push_str(&format!(
            "    #[deprecated(note = {:?})]\n",
            deprecation_note(op)
        ));
    }
    out.push_str(&format!(
        "    pub fn {snake}(&self) -> {id} {{\n        {id} {{\n            client: self.clone(),\n            input: {id}Request::default(),\n            options: CallOptions::new(),\n        }}\n    }}\n}}\n\n",
        snake = op.snake,
        id = op.id
    ));
    Ok(out)
}

/// Why the operation is deprecated and what to call instead, as the docs and
/// `#[deprecated(note)]` state it.
pub fn deprecation_note(op: &Operation) -> String {
    let mut note = op
        .deprecated_note
        .clone()
        .unwrap_or_else(|| "The official SDKs mark this operation deprecated.".to_owned());
    if let Some(replacement) = &op.replacement {
        note.push_str(&format!(
            " Use `{}` instead.",
            super::super::names::method(replacement)
        ));
    }
    note
}
