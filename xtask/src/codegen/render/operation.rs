//! One operation: the client method, its request, builder and output.

use super::super::docs;
use super::super::model::{
    BodyKind, Field, Location, Operation, Output, SchemaKind, Service, Type,
};
use super::send::request_send;
use super::{
    ROUNDTRIP_DE, ROUNDTRIP_SER, banner, field_doc, roundtrip_only, rust_type, serde_attrs, setter,
    text_helpers,
};

/// The operation's file.
pub fn operation(service: &Service, op: &Operation) -> Result<String, String> {
    let id = &op.id;
    let mut out = banner(&service.spec_path);
    let headline = match &op.summary {
        Some(summary) => format!("{id}: {}", summary.trim_end_matches('.')),
        None => format!("{id}: `{} {}`", op.method, op.path),
    };
    out.push_str(&docs::comment(&headline, "//!", ""));
    out.push('\n');
    out.push_str(&imports(service, op));
    out.push_str(&format!(
        "/// Service and operation, as errors name them.\nconst OPERATION: (&str, &str) = ({:?}, {id:?});\n\n",
        service.name
    ));
    out.push_str(&format!(
        "/// Path template; `{{name}}` placeholders are filled and percent-encoded.\nconst PATH: &str = {:?};\n\n",
        op.path
    ));
    out.push_str(&super::method::method(service, op)?);
    out.push_str(&request_struct(op));
    out.push_str(&format!("impl {id}Request {{\n"));
    out.push_str(&check(service, op));
    out.push_str(&request_send(service, op)?);
    out.push_str("}\n\n");
    out.push_str(&super::info::operation_impl(service, op)?);
    if op.params.iter().any(|p| p.field.sensitive) {
        out.push_str(&request_debug(op));
    }
    out.push_str(&builder(op));
    out.push_str(&output(op));
    if op.pagination.is_some() {
        out.push_str(&super::paginate::pagination(op)?);
    }
    Ok(out)
}

/// Whether the request type can derive `PartialEq` (file parts compare by identity only).
fn comparable(op: &Operation) -> bool {
    op.body
        .as_ref()
        .is_none_or(|b| b.kind != BodyKind::Multipart)
}

fn imports(service: &Service, op: &Operation) -> String {
    let mut named = Vec::new();
    for param in &op.params {
        param.field.ty.named(&mut named);
    }
    if let Some(body) = &op.body {
        body.ty.named(&mut named);
    }
    let mut map = op.body.as_ref().is_some_and(|b| b.ty.has_map());
    match &op.output {
        Output::Json(fields) => {
            for field in fields {
                field.ty.named(&mut named);
                map |= field.ty.has_map();
            }
        }
        Output::Whole(ty) => {
            ty.named(&mut named);
            map |= ty.has_map();
        }
        _ => {}
    }

    let mut out = String::new();
    let sensitive = op.params.iter().any(|p| p.field.sensitive);
    if sensitive {
        out.push_str("use std::fmt;\n");
    }
    if map {
        out.push_str("use std::collections::BTreeMap;\n");
    }
    if sensitive || map {
        out.push('\n');
    }
    let mut core = vec!["CallOptions", "OperationRequest", "OperationSpec", "Result"];
    if matches!(op.output, Output::Binary) {
        core.push("ByteStream");
    }
    match op.body.as_ref().map(|b| b.kind) {
        Some(BodyKind::Text) => core.push("RequestBody"),
        Some(BodyKind::Multipart) => core.push("Multipart"),
        _ => {}
    }
    if super::paginate::needs_error(op) {
        core.push("Error");
    }
    core.sort_unstable();
    out.push_str(&format!(
        "use huaweicloud_sdk_core::{{{}}};\n",
        core.join(", ")
    ));
    out.push_str(&super::info::import_line(op));
    if op.pagination.is_some() {
        out.push_str("use huaweicloud_sdk_core::paginate::{OffsetPage, Paginator};\n");
    }
    let mut wire = Vec::new();
    for param in &op.params {
        text_helpers(&param.field.ty, &mut wire);
        if matches!(param.field.ty, Type::Array(_)) && !param.explode {
            wire.push("comma_join");
        }
    }
    if let Some(body) = &op.body {
        if body.kind == BodyKind::Multipart {
            multipart_helpers(service, &body.ty, &mut wire);
        }
    }
    let nested = op.body.as_ref().is_some_and(|body| {
        super::validate::missing_expr(service, &body.ty, "body", "body", 0).is_some()
    });
    if nested
        || op.params.iter().any(|p| p.field.required)
        || op.body.as_ref().is_some_and(|b| b.required)
    {
        wire.push("required");
    }
    wire.sort_unstable();
    wire.dedup();
    match wire.as_slice() {
        [] => {}
        [one] => out.push_str(&format!("use huaweicloud_sdk_core::wire::{one};\n")),
        many => out.push_str(&format!(
            "use huaweicloud_sdk_core::wire::{{{}}};\n",
            many.join(", ")
        )),
    }
    if !matches!(op.output, Output::Binary) {
        out.push_str("use serde::Deserialize;\n");
    }
    out.push_str("\nuse super::Client;\n");
    if !named.is_empty() {
        out.push_str("use super::models;\n");
    }
    out.push('\n');
    out
}

/// `float_text`/`bool_text` for the multipart body's scalar fields.
fn multipart_helpers(service: &Service, body: &Type, wire: &mut Vec<&'static str>) {
    if let Type::Named(name) = body {
        if let Some(SchemaKind::Object(fields)) = service.schema(name).map(|s| &s.kind) {
            for field in fields {
                text_helpers(&field.ty, wire);
            }
        }
    }
}

fn request_struct(op: &Operation) -> String {
    let id = &op.id;
    let mut out = docs::comment(
        &format!(
            "The complete input of [`Client::{snake}`]. Build it with [`{id}`], whose `build` and \
             `send` check the required fields, or (with the `roundtrip` feature) deserialize it \
             from the official SDKs' attribute names, `body` holding the body; send it with \
             [`{id}Request::send`].",
            snake = op.snake
        ),
        "///",
        "",
    );
    let mut derives = vec![];
    if !op.params.iter().any(|p| p.field.sensitive) {
        derives.push("Debug");
    }
    derives.extend(["Clone", "Default"]);
    if comparable(op) {
        derives.push("PartialEq");
    }
    out.push_str(&format!(
        "#[derive({})]\n{ROUNDTRIP_DE}\n#[cfg_attr(feature = \"roundtrip\", serde(deny_unknown_fields))]\n#[non_exhaustive]\npub struct {id}Request {{\n",
        derives.join(", ")
    ));
    for param in &op.params {
        let what = match param.location {
            Location::Path => "path parameter",
            Location::Query => "query parameter",
            Location::Header => "header",
        };
        out.push_str(&field_doc(&param.field, what, param.field.required, "    "));
        let comma = matches!(param.field.ty, Type::Array(_)) && !param.explode;
        let extra: &[&str] = if comma {
            &["deserialize_with = \"huaweicloud_sdk_core::wire::comma_list\""]
        } else {
            &[]
        };
        // Deserialised only (with `roundtrip`): nothing to skip when serialising.
        out.push_str(&roundtrip_only(
            &serde_attrs(&param.field, &param.field.attr_name, &[], true, extra)
                .replace(", skip_serializing_if = \"Option::is_none\"", ""),
        ));
        out.push_str(&format!(
            "    pub {}: Option<{}>,\n",
            param.field.rust_name,
            rust_type(&param.field.ty, "models::")
        ));
    }
    if let Some(body) = &op.body {
        let what = match body.kind {
            BodyKind::Json => "The JSON body.",
            BodyKind::Text => "The body, sent as it is.",
            BodyKind::Multipart => "The `multipart/form-data` body: one part per field.",
        };
        let required = if body.required { " Required." } else { "" };
        let what = match &body.description {
            Some(d) => format!("{} {what}", d.trim()),
            None => what.to_owned(),
        };
        out.push_str(&docs::comment(&format!("{what}{required}"), "///", "    "));
        out.push_str(&format!(
            "    #[cfg_attr(feature = \"roundtrip\", serde(default))]\n    pub body: Option<{}>,\n",
            rust_type(&body.ty, "models::")
        ));
    }
    out.push_str("}\n\n");
    out
}

/// `check`: the required fields are set, those of the body at any depth included.
fn check(service: &Service, op: &Operation) -> String {
    let mut out = "    /// A construction error naming the first required field that is not set\n    /// (`body.items[2].id` inside the body).\n    fn check(&self) -> Result<()> {\n".to_owned();
    let mut any = false;
    for param in op.params.iter().filter(|p| p.field.required) {
        any = true;
        out.push_str(&format!(
            "        required(self.{}.as_ref(), OPERATION, {:?})?;\n",
            param.field.rust_name, param.field.attr_name
        ));
    }
    if op.body.as_ref().is_some_and(|b| b.required) {
        any = true;
        out.push_str("        required(self.body.as_ref(), OPERATION, \"body\")?;\n");
    }
    if let Some(expr) = op
        .body
        .as_ref()
        .and_then(|body| super::validate::missing_expr(service, &body.ty, "body", "body", 0))
    {
        any = true;
        out.push_str(&format!(
            "        if let Some(path) = self.body.as_ref().and_then(|body| {expr}) {{\n            return required(None::<()>, OPERATION, &path);\n        }}\n"
        ));
    }
    out.push_str("        Ok(())\n    }\n\n");
    if any {
        out
    } else {
        "    /// Nothing to check: every field is optional.\n    fn check(&self) -> Result<()> {\n        Ok(())\n    }\n\n".to_owned()
    }
}

/// `Debug` of a request with sensitive parameters: those show as `****`.
fn request_debug(op: &Operation) -> String {
    let id = &op.id;
    let mut out = format!(
        "impl fmt::Debug for {id}Request {{\n    /// Sensitive fields show as `****`.\n    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {{\n        f.debug_struct(\"{id}Request\")\n"
    );
    for param in &op.params {
        let rust = &param.field.rust_name;
        let bare = param.field.bare_name();
        if param.field.sensitive {
            out.push_str(&format!(
                "            .field({bare:?}, &self.{rust}.as_ref().map(|_| \"****\"))\n"
            ));
        } else {
            out.push_str(&format!("            .field({bare:?}, &self.{rust})\n"));
        }
    }
    if op.body.is_some() {
        out.push_str("            .field(\"body\", &self.body)\n");
    }
    out.push_str("            .finish()\n    }\n}\n\n");
    out
}

fn builder(op: &Operation) -> String {
    let id = &op.id;
    let summary = op
        .summary
        .as_deref()
        .map(|s| format!("{}\n\n", s.trim()))
        .unwrap_or_default();
    let mut out = docs::comment(
        &format!(
            "{summary}Builder of the {id} request, from [`Client::{snake}`]: one setter per \
             field, then [`send`]({id}::send). Missing required fields are reported by `send` \
             (and [`build`]({id}::build)) before any I/O.",
            snake = op.snake
        ),
        "///",
        "",
    );
    out.push_str("#[derive(Debug, Clone)]\n#[must_use = \"a builder does nothing until `send` is awaited\"]\n");
    out.push_str(&format!(
        "pub struct {id} {{\n    client: Client,\n    input: {id}Request,\n    options: CallOptions,\n}}\n\n"
    ));
    out.push_str(&format!("impl {id} {{\n"));
    for param in &op.params {
        let what = match param.location {
            Location::Path => "path parameter",
            Location::Query => "query parameter",
            Location::Header => "header",
        };
        let doc = field_doc(&param.field, what, param.field.required, "    ");
        out.push_str(&setter(
            &param.field,
            &doc,
            &format!("self.input.{}", param.field.rust_name),
            true,
            "models::",
        ));
    }
    if let Some(body) = &op.body {
        let required = if body.required { " Required." } else { "" };
        let what = body
            .description
            .as_deref()
            .map_or("The request body.", str::trim);
        out.push_str(&docs::comment(&format!("{what}{required}"), "///", "    "));
        out.push_str(&format!(
            "    pub fn body(mut self, value: impl Into<{}>) -> Self {{\n        self.input.body = Some(value.into());\n        self\n    }}\n\n",
            rust_type(&body.ty, "models::")
        ));
    }
    out.push_str(&format!(
        "    /// The complete request, without sending it; a missing required field is a\n    /// construction error.\n    #[inline]\n    pub fn build(self) -> Result<{id}Request> {{\n        self.input.check()?;\n        Ok(self.input)\n    }}\n\n"
    ));
    out.push_str(
        "    /// Overrides, for this call only, the client's timeouts, retries (attempts, backoff, a\n    /// retry condition of your own, idempotency), extra signed headers and hooks; the client\n    /// and its other calls are unaffected. A paginator made from this builder uses them for\n    /// every page.\n    pub fn options(mut self, options: CallOptions) -> Self {\n        self.options = options;\n        self\n    }\n\n",
    );
    out.push_str(&format!(
        "    /// Sends the request; see [`Client::{snake}`].\n    pub async fn send(self) -> Result<{id}Output> {{\n        self.input.send_with(&self.client, &self.options).await\n    }}\n}}\n\n",
        snake = op.snake
    ));
    out
}

fn header_fields(op: &Operation) -> String {
    let mut out = String::new();
    for header in &op.headers {
        out.push_str(&docs::comment(
            &header
                .description
                .clone()
                .unwrap_or_else(|| format!("The `{}` response header.", header.wire_name)),
            "///",
            "    ",
        ));
        out.push_str(&format!(
            "    #[serde(skip)]\n    pub {}: Option<{}>,\n",
            header.rust_name,
            rust_type(&header.ty, "models::")
        ));
    }
    out.push_str(&format!(
        "    /// `X-Request-Id` of the response: quote it when asking Huawei Cloud support about this call.\n    #[serde(skip)]\n    pub {}: Option<String>,\n",
        op.request_id_field
    ));
    out
}

fn output(op: &Operation) -> String {
    let id = &op.id;
    let body_doc = |fallback: &str| {
        docs::comment(
            op.output_description.as_deref().map_or(fallback, str::trim),
            "///",
            "    ",
        )
    };
    let snake = &op.snake;
    match &op.output {
        Output::Binary => {
            let headers = header_fields(op).replace("    #[serde(skip)]\n", "");
            let body_doc = body_doc("The response body.");
            format!(
                "/// The answer of [`Client::{snake}`]: the body as a stream, not yet read.\n///\n/// Write it with [`ByteStream::write_to`] (bounded memory), read it with\n/// [`ByteStream::into_async_read`], or take it whole with [`ByteStream::collect`].\n#[derive(Debug)]\n#[non_exhaustive]\npub struct {id}Output {{\n{body_doc}    pub body: ByteStream,\n    /// `Content-Type` of the response, when sent.\n    pub content_type: Option<String>,\n    /// `Content-Length` of the response, when sent (absent for chunked answers).\n    pub content_length: Option<u64>,\n{headers}}}\n"
            )
        }
        Output::Empty => format!(
            "/// The answer of [`Client::{snake}`]: the service sends no body.\n#[derive(Debug, Clone, Default, PartialEq, Deserialize)]\n{ROUNDTRIP_SER}\n#[non_exhaustive]\npub struct {id}Output {{\n{}}}\n",
            header_fields(op)
        ),
        Output::Whole(ty) => format!(
            "/// The answer of [`Client::{snake}`]: the service answers with a bare JSON value, held in\n/// `body`. With the `roundtrip` feature it serialises back to that value.\n#[derive(Debug, Clone, Default, PartialEq, Deserialize)]\n{ROUNDTRIP_SER}\n#[serde(transparent)]\n#[non_exhaustive]\npub struct {id}Output {{\n{}    pub body: Option<{}>,\n{}}}\n",
            body_doc("The JSON document of the answer."),
            rust_type(ty, "models::"),
            header_fields(op)
        ),
        Output::Json(fields) => {
            let mut out = docs::comment(
                &format!(
                    "The answer of [`Client::{snake}`]. With the `roundtrip` feature it \
                     serialises back to the service's JSON field names (response headers and \
                     the request id aside)."
                ),
                "///",
                "",
            );
            out.push_str(&format!(
                "#[derive(Debug, Clone, Default, PartialEq, Deserialize)]\n{ROUNDTRIP_SER}\n#[non_exhaustive]\npub struct {id}Output {{\n"
            ));
            for field in fields {
                out.push_str(&output_field(field));
            }
            out.push_str(&header_fields(op));
            out.push_str("}\n");
            out
        }
    }
}

fn output_field(field: &Field) -> String {
    let mut out = field_doc(field, "JSON property", false, "    ");
    out.push_str(&serde_attrs(field, &field.wire_name, &[], true, &[]));
    out.push_str(&format!(
        "    pub {}: Option<{}>,\n",
        field.rust_name,
        rust_type(&field.ty, "models::")
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::super::test_fixture::{self, op, parses};
    use super::*;

    #[test]
    fn operation_file_holds_request_check_builder_and_output() {
        let service = test_fixture::service();
        let text = operation(&service, op(&service, "CreateWidget")).unwrap();
        parses(&text);
        assert!(text.starts_with(
            "// Generated by `cargo xtask codegen` from crates/demo/openapi/v1.json."
        ));
        assert!(text.contains("//! CreateWidget: Create a widget\n"));
        assert!(text.contains("const OPERATION: (&str, &str) = (\"demo\", \"CreateWidget\");"));
        assert!(text.contains("const PATH: &str = \"/v1/{project_id}/widgets/{widget_id}\";"));
        assert!(
            text.contains("use std::fmt;\n"),
            "a sensitive header needs a manual Debug"
        );
        assert!(text.contains(
            "use huaweicloud_sdk_core::{CallOptions, OperationRequest, OperationSpec, Result};\n"
        ));
        assert!(text.contains("use huaweicloud_sdk_core::wire::{comma_join, required};\n"));
        assert!(!text.contains("paginate"), "not a listing");

        // The request: no derived Debug (it would show the secret), every field optional.
        assert!(text.contains("#[derive(Clone, Default, PartialEq)]"));
        assert!(text.contains("    pub zone: Option<String>,\n"));
        assert!(text.contains("deserialize_with = \"huaweicloud_sdk_core::wire::comma_list\""));
        assert!(text.contains("    pub body: Option<models::WidgetReq>,\n"));
        assert!(
            text.contains(
                ".field(\"x_auth_secret\", &self.x_auth_secret.as_ref().map(|_| \"****\"))"
            )
        );

        // `check` covers the path, query and body, and the body's nested required fields.
        for line in [
            "required(self.widget_id.as_ref(), OPERATION, \"widget_id\")?;",
            "required(self.zone.as_ref(), OPERATION, \"zone\")?;",
            "required(self.body.as_ref(), OPERATION, \"body\")?;",
            "if let Some(path) = self.body.as_ref().and_then(|body| body.missing_required().map(|path| format!(\"body.{path}\"))) {",
        ] {
            assert!(text.contains(line), "{line}");
        }
        assert!(!text.contains("required(self.tags"), "tags are optional");

        // The builder appends list items and checks on `build`.
        assert!(text.contains("    pub fn tags(mut self, value: impl Into<String>) -> Self {\n        self.input.tags.get_or_insert_with(Vec::new).push(value.into());"));
        assert!(text.contains(
            "    pub fn build(self) -> Result<CreateWidgetRequest> {\n        self.input.check()?;"
        ));
        assert!(text.contains("impl Operation for CreateWidgetRequest {"));

        // The output: body fields, then the declared header and the request id, both skipped by serde.
        assert!(text.contains("pub struct CreateWidgetOutput {"));
        assert!(text.contains("    #[serde(skip)]\n    pub x_widget_etag: Option<String>,\n"));
        assert!(text.contains(&format!(
            "    #[serde(skip)]\n    pub {}: Option<String>,\n",
            op(&service, "CreateWidget").request_id_field
        )));
    }

    #[test]
    fn a_listing_imports_the_paginator_and_checks_nothing() {
        let service = test_fixture::service();
        let text = operation(&service, op(&service, "ListWidgets")).unwrap();
        parses(&text);
        assert!(
            text.contains("use huaweicloud_sdk_core::{CallOptions, Error, OperationRequest, OperationSpec, Result};\n"),
            "an integer offset conversion can fail: {text}"
        );
        assert!(text.contains("use huaweicloud_sdk_core::paginate::{OffsetPage, Paginator};\n"));
        assert!(
            !text.contains("huaweicloud_sdk_core::wire"),
            "nothing required"
        );
        assert!(text.contains("    /// Nothing to check: every field is optional.\n"));
        assert!(text.contains("#[derive(Debug, Clone, Default, PartialEq)]"));
        assert!(text.contains("pub fn into_paginator(self)"));
        assert!(text.contains("    pub widgets: Option<Vec<models::Widget>>,\n"));
    }

    #[test]
    fn a_binary_answer_is_a_stream() {
        let service = test_fixture::service();
        let text = operation(&service, op(&service, "DownloadWidget")).unwrap();
        parses(&text);
        assert!(text.contains("use huaweicloud_sdk_core::{ByteStream, CallOptions,"));
        assert!(text.contains("    pub body: ByteStream,\n"));
        assert!(
            !text.contains("Deserialize)]\n"),
            "a stream is never decoded: {text}"
        );
    }
}
