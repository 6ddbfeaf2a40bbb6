//! `XRequest::send`: the request on the wire, then the answer decoded into the output.

use super::super::model::{
    BodyKind, Field, ListStyle, Location, Operation, Output, Param, Service, Type,
};
use super::{borrowed_text, owned_text};

/// The `send` method of the request type.
pub fn request_send(service: &Service, op: &Operation) -> Result<String, String> {
    let id = &op.id;
    let mut out = format!(
        "    /// Sends the request with `client`; see [`Client::{snake}`].\n    #[inline]\n    pub async fn send(self, client: &Client) -> Result<{id}Output> {{\n        self.send_with(client, &CallOptions::new()).await\n    }}\n\n    /// Sends the request with `client` and `options` overriding, for this call only, the client's\n    /// timeouts, retries, headers and hooks; see [`Client::{snake}`].\n    pub async fn send_with(self, client: &Client, options: &CallOptions) -> Result<{id}Output> {{\n",
        snake = op.snake
    );
    // Required fields of the body at any depth; those of the request itself are taken below.
    if op.body.as_ref().is_some_and(|body| {
        super::validate::missing_expr(service, &body.ty, "body", "body", 0).is_some()
    }) {
        out.push_str("        self.check()?;\n");
    }
    for param in op.params.iter().filter(|p| p.field.required) {
        out.push_str(&format!(
            "        let {name} = required(self.{name}, OPERATION, {bare:?})?;\n",
            name = param.field.rust_name,
            bare = param.field.attr_name,
        ));
    }
    if op.body.as_ref().is_some_and(|b| b.required) {
        out.push_str("        let body = required(self.body, OPERATION, \"body\")?;\n");
    }
    let multipart = op
        .body
        .as_ref()
        .is_some_and(|b| b.kind == BodyKind::Multipart);
    let binding = if op.params.is_empty() && op.body.is_none() {
        "let"
    } else {
        "let mut"
    };
    if multipart {
        out.push_str(&format!(
            "        {binding} request = OperationRequest::new(PATH);\n"
        ));
    } else {
        out.push_str(&format!(
            "        {binding} request = OperationRequest::new(PATH).header(\"content-type\", {:?});\n",
            op.content_type
        ));
    }
    for param in &op.params {
        out.push_str(&param_statement(param));
    }
    if let Some(body) = &op.body {
        out.push_str(&body_statement(
            service,
            op,
            body.required,
            body.kind,
            &body.ty,
        )?);
    }
    out.push_str(&format!(
        "        let spec = OperationSpec::new(OPERATION.0, OPERATION.1, http::Method::{});\n",
        op.method
    ));
    out.push_str(
        "        let response = client.executor().send_with(&spec, request, options).await?;\n",
    );
    out.push_str("        let request_id = response.request_id().map(str::to_owned);\n");
    for header in &op.headers {
        out.push_str(&header_statement(header));
    }
    let rid = &op.request_id_field;
    let rid_init = if rid == "request_id" {
        "request_id".to_owned()
    } else {
        format!("{rid}: request_id")
    };
    let header_fields: String = op
        .headers
        .iter()
        .map(|h| format!("            {},\n", h.rust_name))
        .collect();
    match &op.output {
        Output::Binary => out.push_str(&format!(
            "        Ok({id}Output {{\n            content_type: response.content_type().map(str::to_owned),\n            content_length: response.content_length(),\n{header_fields}            {rid_init},\n            body: response.into_body(),\n        }})\n"
        )),
        Output::Empty => out.push_str(&format!(
            "        drop(response);\n        Ok({id}Output {{\n{header_fields}            {rid_init},\n        }})\n"
        )),
        Output::Whole(_) => out.push_str(&format!(
            "        let body = response.json().await?;\n        Ok({id}Output {{\n            body: Some(body),\n{header_fields}            {rid_init},\n        }})\n"
        )),
        Output::Json(fields) => {
            match &op.body_error {
                None => out.push_str(&format!(
                    "        let mut output: {id}Output = response.json().await?;\n"
                )),
                Some(rule) => {
                    let find = |n: &str| fields.iter().find(|f| f.wire_name == n);
                    let code = find(&rule.code)
                        .ok_or_else(|| format!("{id}: no `{}` field", rule.code))?;
                    let message = match find(&rule.message) {
                        Some(f) if f.ty == Type::String => {
                            format!("output.{}.clone().unwrap_or_default()", f.rust_name)
                        }
                        _ => "String::new()".to_owned(),
                    };
                    let code_text = match &code.ty {
                        Type::String => "code.clone()".to_owned(),
                        _ => "code.to_string()".to_owned(),
                    };
                    let success = match &code.ty {
                        Type::String => format!("code != {:?}", rule.success.to_string()),
                        Type::I32 | Type::I64 => format!("*code != {}", rule.success),
                        other => return Err(format!("{id}: error code of type {other:?}")),
                    };
                    out.push_str(&format!(
                        "        // The service reports some failures in a 2xx body.\n        let mut output: {id}Output = response\n            .json_or_body_error(|output: &{id}Output| match &output.{code_field} {{\n                Some(code) if {success} => Some(({code_text}, {message})),\n                _ => None,\n            }})\n            .await?;\n",
                        code_field = code.rust_name,
                    ));
                }
            }
            for header in &op.headers {
                out.push_str(&format!(
                    "        output.{name} = {name};\n",
                    name = header.rust_name
                ));
            }
            out.push_str(&format!(
                "        output.{rid} = request_id;\n        Ok(output)\n"
            ));
        }
    }
    out.push_str("    }\n");
    Ok(out)
}

fn param_statement(param: &Param) -> String {
    let field = &param.field;
    let name = &field.rust_name;
    let key = param.wire_key();
    let call = match param.location {
        Location::Path => "path_param",
        Location::Query => "query",
        Location::Header => "header",
    };
    match (&field.ty, field.required) {
        (Type::Array(item), required) if param.list() == Some(ListStyle::Repeated) => {
            let values = if required {
                format!("&{name}")
            } else {
                format!("self.{name}.iter().flatten()")
            };
            format!(
                "        for value in {values} {{\n            request = request.{call}({key:?}, {});\n        }}\n",
                borrowed_text(item, "value")
            )
        }
        (Type::Array(_), true) => {
            format!("        request = request.{call}({key:?}, comma_join(&{name}));\n")
        }
        (Type::Array(_), false) => format!(
            "        request = request.{call}_opt({key:?}, self.{name}.as_deref().map(comma_join));\n"
        ),
        (ty, true) => format!(
            "        request = request.{call}({key:?}, {});\n",
            owned_text(ty, name)
        ),
        (Type::String, false) => {
            format!("        request = request.{call}_opt({key:?}, self.{name});\n")
        }
        (ty, false) => format!(
            "        request = request.{call}_opt({key:?}, self.{name}.map(|value| {}));\n",
            owned_text(ty, "value")
        ),
    }
}

fn body_statement(
    service: &Service,
    op: &Operation,
    required: bool,
    kind: BodyKind,
    ty: &Type,
) -> Result<String, String> {
    let (open, value, close) = if required {
        ("", "body", "")
    } else {
        (
            "        if let Some(body) = self.body {\n",
            "body",
            "        }\n",
        )
    };
    let inner = match kind {
        BodyKind::Json => format!("            request = request.json_body(&{value});\n"),
        BodyKind::Text => format!(
            "            request = request.body(RequestBody::from_bytes({value}.into_bytes()));\n"
        ),
        BodyKind::Multipart => multipart(service, op, ty, value)?,
    };
    Ok(format!("{open}{inner}{close}"))
}

/// The parts of a multipart body, in the model's field order.
fn multipart(service: &Service, op: &Operation, ty: &Type, value: &str) -> Result<String, String> {
    let Type::Named(name) = ty else {
        return Err(format!("{}: multipart body is not a model", op.id));
    };
    let schema = service
        .schema(name)
        .ok_or_else(|| format!("{}: unknown schema {name}", op.id))?;
    let super::super::model::SchemaKind::Object(fields) = &schema.kind else {
        return Err(format!("{}: multipart body is not an object", op.id));
    };
    let mut out = "            let mut form = Multipart::new();\n".to_owned();
    // Text parts first, then files: the order the official SDKs send them in.
    let (files, texts): (Vec<&Field>, Vec<&Field>) =
        fields.iter().partition(|f| f.ty == Type::File);
    for field in texts.into_iter().chain(files) {
        let access = format!("{value}.{}", field.rust_name);
        let key = &field.wire_name;
        let add = |v: &str| -> String {
            match &field.ty {
                Type::File => format!("form = form.file({key:?}, {v});"),
                ty => format!("form = form.text({key:?}, {});", owned_text(ty, v)),
            }
        };
        out.push_str(&format!(
            "            if let Some(value) = {access} {{\n                {}\n            }}\n",
            add("value")
        ));
    }
    out.push_str("            request = request.multipart_body(form);\n");
    Ok(out)
}

/// Reads one declared response header into a local of the field's name.
fn header_statement(header: &Field) -> String {
    let name = &header.rust_name;
    let wire = header.wire_name.to_ascii_lowercase();
    let convert = match header.ty {
        Type::String => ".map(str::to_owned)",
        _ => ".and_then(|value| value.trim().parse().ok())",
    };
    format!(
        "        let {name} = response\n            .headers()\n            .get({wire:?})\n            .and_then(|value| value.to_str().ok()){convert};\n"
    )
}

#[cfg(test)]
mod tests {
    use super::super::test_fixture::{self, op};
    use super::*;

    /// `text` must hold `lines` in this order.
    fn in_order(text: &str, lines: &[&str]) {
        let mut at = 0;
        for line in lines {
            let found = text[at..]
                .find(line)
                .unwrap_or_else(|| panic!("`{line}` missing or out of order in\n{text}"));
            at += found + line.len();
        }
    }

    #[test]
    fn required_fields_are_taken_before_the_request_goes_through_the_executor() {
        let service = test_fixture::service();
        let text = request_send(&service, op(&service, "CreateWidget")).unwrap();
        in_order(
            &text,
            &[
                "pub async fn send(self, client: &Client) -> Result<CreateWidgetOutput> {\n        self.send_with(client, &CallOptions::new()).await\n    }",
                "pub async fn send_with(self, client: &Client, options: &CallOptions) -> Result<CreateWidgetOutput> {",
                // The body's nested required fields, then each required field taken by value.
                "        self.check()?;\n",
                "        let widget_id = required(self.widget_id, OPERATION, \"widget_id\")?;\n",
                "        let zone = required(self.zone, OPERATION, \"zone\")?;\n",
                "        let body = required(self.body, OPERATION, \"body\")?;\n",
                "        let mut request = OperationRequest::new(PATH).header(\"content-type\", \"application/json;charset=utf-8\");\n",
                "        request = request.path_param(\"widget_id\", widget_id);\n",
                "        request = request.query(\"zone\", zone);\n",
                "        request = request.query_opt(\"tags\", self.tags.as_deref().map(comma_join));\n",
                "        request = request.header_opt(\"x-auth-secret\", self.x_auth_secret);\n",
                "            request = request.json_body(&body);\n",
                "        let spec = OperationSpec::new(OPERATION.0, OPERATION.1, http::Method::POST);\n",
                "        let response = client.executor().send_with(&spec, request, options).await?;\n",
                "        let x_widget_etag = response\n            .headers()\n            .get(\"x-widget-etag\")",
                ".json_or_body_error(|output: &CreateWidgetOutput| match &output.error_code {\n                Some(code) if *code != 0 => Some((code.to_string(), output.error_msg.clone().unwrap_or_default())),",
                "        output.x_widget_etag = x_widget_etag;\n",
                "        Ok(output)\n",
            ],
        );
        assert!(
            !text.contains("if let Some(body) = self.body"),
            "a required body is already unwrapped"
        );
    }

    #[test]
    fn optional_fields_are_sent_only_when_set_and_plain_answers_decode_directly() {
        let service = test_fixture::service();
        let text = request_send(&service, op(&service, "ListWidgets")).unwrap();
        assert!(!text.contains("required("), "{text}");
        assert!(!text.contains("self.check()"));
        assert!(text.contains(
            "request = request.query_opt(\"offset\", self.offset.map(|value| value.to_string()));"
        ));
        assert!(text.contains("let mut output: ListWidgetsOutput = response.json().await?;"));
        assert!(
            !text.contains("json_or_body_error"),
            "no `error_code` in this answer"
        );
    }

    #[test]
    fn a_binary_answer_hands_over_the_body_unread() {
        let service = test_fixture::service();
        let text = request_send(&service, op(&service, "DownloadWidget")).unwrap();
        assert!(text.contains("            body: response.into_body(),\n"));
        assert!(!text.contains(".json()"), "{text}");
    }

    #[test]
    fn an_optional_json_body_is_attached_only_when_set() {
        let mut spec = test_fixture::spec_json();
        spec["paths"]["/v1/{project_id}/widgets/{widget_id}"]["post"]["requestBody"]["required"] =
            serde_json::json!(false);
        let service =
            super::super::super::spec::read(test_fixture::SPEC_PATH, &spec.to_string()).unwrap();
        let text = request_send(&service, op(&service, "CreateWidget")).unwrap();
        assert!(!text.contains("required(self.body"), "{text}");
        assert!(text.contains(
            "        if let Some(body) = self.body {\n            request = request.json_body(&body);\n        }\n"
        ));
        assert!(
            text.contains("        self.check()?;\n"),
            "a body that is set is still checked at depth"
        );
    }
}
