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

#[cfg(test)]
mod tests {
    use super::super::test_fixture::{self, flat, op, parses};
    use super::*;

    #[test]
    fn method_docs_state_the_call_its_errors_and_its_example() {
        let service = test_fixture::service();
        let text = method(&service, op(&service, "CreateWidget")).unwrap();
        parses(&text);
        let prose = flat(&text);
        assert!(
            prose.starts_with("impl Client { Create a widget."),
            "{prose}"
        );
        assert!(prose.contains(
            "`POST /v1/{project_id}/widgets/{widget_id}` ([API Explorer](https://console.huaweicloud.com/apiexplorer/#/openapi/Demo/doc?version=v1&api=CreateWidget))"
        ));
        assert!(
            prose.contains("an answer whose `error_code` is not 0 is returned as `Err`"),
            "the 2xx body-error rule is documented: {prose}"
        );
        assert!(prose.contains("- `400`: The widget is malformed."));
        assert!(
            text.contains("    /// ```no_run\n"),
            "the example is a doctest"
        );
        assert!(text.contains(
            "    pub fn create_widget(&self) -> CreateWidget {\n        CreateWidget {\n            client: self.clone(),\n            input: CreateWidgetRequest::default(),\n            options: CallOptions::new(),\n        }\n    }\n"
        ));
        assert!(!text.contains("#[deprecated"));
    }

    #[test]
    fn an_operation_without_summary_or_errors_falls_back_to_generic_text() {
        let service = test_fixture::service();
        let prose = flat(&method(&service, op(&service, "ListWidgets")).unwrap());
        assert!(prose.contains("Calls ListWidgets."), "{prose}");
        assert!(
            prose.contains("A service error (`Error::service_error`) for an HTTP error answer")
        );
        assert!(
            !prose.contains("2xx status"),
            "no `error_code` in this answer"
        );
    }

    #[test]
    fn a_deprecated_operation_names_its_replacement_method() {
        let service = test_fixture::service();
        let download = op(&service, "DownloadWidget");
        assert_eq!(
            deprecation_note(download),
            "Superseded by listings. Use `list_widgets` instead."
        );
        let text = method(&service, download).unwrap();
        assert!(text.contains(
            "    #[deprecated(note = \"Superseded by listings. Use `list_widgets` instead.\")]\n    pub fn download_widget("
        ));
    }
}
