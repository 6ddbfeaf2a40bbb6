//! One operation: its request, builder and output.

use super::super::docs;
use super::super::model::{Field, Location, Operation, Output, Param, SchemaKind, Service, Type};
use super::{
    banner, field_doc, field_type, is_comma_list, named_types, rust_type, serde_attrs, uses_map,
};

/// The operation's file.
pub fn operation(service: &Service, op: &Operation) -> Result<String, String> {
    let body_fields = body_fields(service, op)?;
    let id = &op.id;
    let mut out = banner(&service.spec_path);
    out.push_str(&docs::comment(
        &format!("{id}: {}", op.summary.trim_end_matches('.')),
        "//!",
        "",
    ));
    out.push('\n');
    out.push_str(&imports(op, &body_fields));
    out.push_str(&format!(
        "/// Service and operation, as errors name them.\nconst OPERATION: (&str, &str) = ({:?}, {id:?});\n\n",
        service.name
    ));
    out.push_str(&format!("/// Path template; `{{name}}` placeholders are filled and percent-encoded.\nconst PATH: &str = {:?};\n\n", op.path));
    out.push_str(&request_struct(service, op));
    out.push_str(&request_send(op));
    out.push_str(&builder(op, &body_fields));
    out.push_str(&output(op));
    if op.pagination.is_some() {
        out.push_str(&pagination(op)?);
    }
    Ok(out)
}

/// The properties of the operation's body schema (empty without a body).
fn body_fields<'a>(service: &'a Service, op: &Operation) -> Result<Vec<&'a Field>, String> {
    let Some(body) = &op.body else {
        return Ok(Vec::new());
    };
    match service.schema(&body.schema).map(|s| &s.kind) {
        Some(SchemaKind::Object(fields)) => Ok(fields.iter().collect()),
        _ => Err(format!(
            "{}: {}: body schema is not an object",
            service.spec_path, op.id
        )),
    }
}

fn imports(op: &Operation, body_fields: &[&Field]) -> String {
    let mut models = Vec::new();
    for param in &op.params {
        named_types(&param.field.ty, &mut models);
    }
    if let Some(body) = &op.body {
        models.push(body.schema.clone());
    }
    for field in body_fields {
        named_types(&field.ty, &mut models);
    }
    let output_fields: &[Field] = match &op.output {
        Output::Json(fields) => fields,
        _ => &[],
    };
    for field in output_fields {
        named_types(&field.ty, &mut models);
    }
    models.sort();
    models.dedup();

    let mut out = String::new();
    if uses_map(output_fields.iter().map(|f| &f.ty)) {
        out.push_str("use std::collections::BTreeMap;\n\n");
    }
    let mut core = vec!["OperationRequest", "OperationSpec", "Result"];
    if matches!(op.output, Output::Binary) {
        core.push("ByteStream");
    }
    if op.pagination.is_some() {
        core.push("Error");
    }
    core.sort();
    out.push_str(&format!(
        "use huaweicloud_sdk_core::{{{}}};\n",
        core.join(", ")
    ));
    if op.pagination.is_some() {
        out.push_str("use huaweicloud_sdk_core::paginate::{OffsetPage, Paginator};\n");
    }
    let mut wire = Vec::new();
    if op.params.iter().any(is_comma_list) {
        wire.push("comma_join");
    }
    if op.params.iter().any(|p| p.field.required) || body_fields.iter().any(|f| f.required) {
        wire.push("required");
    }
    match wire.as_slice() {
        [] => {}
        [one] => out.push_str(&format!("use huaweicloud_sdk_core::wire::{one};\n")),
        many => out.push_str(&format!(
            "use huaweicloud_sdk_core::wire::{{{}}};\n",
            many.join(", ")
        )),
    }
    out.push_str("use serde::{Deserialize, Serialize};\n");
    out.push_str("\nuse super::Client;\n");
    if !models.is_empty() {
        out.push_str(&format!("use super::models::{{{}}};\n", models.join(", ")));
    }
    out.push('\n');
    out
}

fn request_struct(service: &Service, op: &Operation) -> String {
    let id = &op.id;
    let mut out = docs::comment(
        &format!(
            "The complete input of [`Client::{}`]. Build it with [`{id}`] (which checks required \
             fields), or deserialize it from the official SDKs' field names (`body` holds the \
             body's fields); send it with [`{id}Request::send`].",
            op.snake()
        ),
        "///",
        "",
    );
    out.push_str("#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]\n#[serde(deny_unknown_fields)]\n#[non_exhaustive]\n");
    out.push_str(&format!("pub struct {id}Request {{\n"));
    for param in &op.params {
        out.push_str(&field_doc(&param.field, "    "));
        out.push_str(&serde_attrs(&param.field, false, is_comma_list(param)));
        out.push_str(&format!(
            "    pub {}: {},\n",
            param.field.rust_name,
            field_type(&param.field)
        ));
    }
    if let Some(body) = &op.body {
        let described = service
            .schema(&body.schema)
            .map(|s| s.description.clone())
            .unwrap_or_default();
        out.push_str(&docs::comment(
            &format!("The request body. {described}"),
            "///",
            "    ",
        ));
        out.push_str(&format!("    pub body: {},\n", body.schema));
    }
    out.push_str("}\n\n");
    out
}

/// How a parameter value becomes text on the wire.
fn wire_text(param: &Param, value: &str) -> String {
    match &param.field.ty {
        Type::String => value.to_owned(),
        Type::Named(_) => format!("{value}.as_str()"),
        Type::Array(_) => format!("comma_join(&{value})"),
        _ => format!("{value}.to_string()"),
    }
}

fn request_send(op: &Operation) -> String {
    let id = &op.id;
    let mut out = format!("impl {id}Request {{\n");
    out.push_str(&format!(
        "    /// Sends the request with `client`; see [`Client::{}`].\n",
        op.snake()
    ));
    out.push_str(&format!(
        "    pub async fn send(self, client: &Client) -> Result<{id}Output> {{\n"
    ));
    let content_type = op
        .body
        .as_ref()
        .map_or("application/json", |b| b.content_type.as_str());
    out.push_str(&format!(
        "        let request = OperationRequest::new(PATH)\n            .header(\"content-type\", {content_type:?})"
    ));
    for param in &op.params {
        let field = &param.field;
        let name = field.rust_name.as_str();
        let (call, key) = match param.location {
            Location::Path => ("path_param", field.wire_name.clone()),
            Location::Query => ("query", field.wire_name.clone()),
            Location::Header => ("header", field.wire_name.to_ascii_lowercase()),
        };
        if field.required {
            let value = wire_text(param, &format!("self.{name}"));
            out.push_str(&format!("\n            .{call}({key:?}, {value})"));
        } else {
            let value = match &field.ty {
                Type::String => format!("self.{name}"),
                Type::Named(_) => format!("self.{name}.as_ref().map(|v| v.as_str().to_owned())"),
                Type::Array(_) => format!("self.{name}.as_deref().map(comma_join)"),
                _ => format!("self.{name}.map(|v| v.to_string())"),
            };
            out.push_str(&format!("\n            .{call}_opt({key:?}, {value})"));
        }
    }
    if op.body.is_some() {
        out.push_str("\n            .json_body(&self.body)");
    }
    out.push_str(";\n");
    out.push_str(&format!(
        "        let spec = OperationSpec::new(OPERATION.0, OPERATION.1, http::Method::{});\n",
        op.method
    ));
    out.push_str("        let response = client.executor().send(&spec, request).await?;\n");
    out.push_str("        let request_id = response.request_id().map(str::to_owned);\n");
    match &op.output {
        Output::Binary => {
            out.push_str(&format!(
                "        Ok({id}Output {{\n            content_type: response.content_type().map(str::to_owned),\n            content_length: response.content_length(),\n            body: response.into_body(),\n            request_id,\n        }})\n"
            ));
        }
        Output::Empty => {
            out.push_str(&format!(
                "        drop(response);\n        Ok({id}Output {{ request_id }})\n"
            ));
        }
        Output::Json(fields) => {
            match &op.body_error {
                None => out.push_str(&format!(
                    "        let mut output: {id}Output = response.json().await?;\n"
                )),
                Some(rule) => {
                    let field = |n: &str| fields.iter().find(|f| f.wire_name == n);
                    let code = field(&rule.code).map(|f| (f.rust_name.clone(), f.required));
                    let message = field(&rule.message).map(|f| (f.rust_name.clone(), f.required));
                    let (Some((code, code_required)), Some((message, message_required))) =
                        (code, message)
                    else {
                        return String::new();
                    };
                    let code_expr = if code_required {
                        format!("Some(output.{code})")
                    } else {
                        format!("output.{code}")
                    };
                    let message_expr = if message_required {
                        format!("output.{message}.clone()")
                    } else {
                        format!("output.{message}.clone().unwrap_or_default()")
                    };
                    out.push_str(&format!(
                        "        // A 2xx whose body reports a failure is an error.\n        let mut output: {id}Output = response\n            .json_or_body_error(|output: &{id}Output| match {code_expr} {{\n                Some(code) if code != {success} => Some((code.to_string(), {message_expr})),\n                _ => None,\n            }})\n            .await?;\n",
                        success = rule.success
                    ));
                }
            }
            out.push_str("        output.request_id = request_id;\n        Ok(output)\n");
        }
    }
    out.push_str("    }\n}\n\n");
    out
}

/// All builder fields: parameters, then body properties.
fn builder_fields<'a>(op: &'a Operation, body_fields: &[&'a Field]) -> Vec<&'a Field> {
    op.params
        .iter()
        .map(|p| &p.field)
        .chain(body_fields.iter().copied())
        .collect()
}

fn builder(op: &Operation, body_fields: &[&Field]) -> String {
    let id = &op.id;
    let fields = builder_fields(op, body_fields);
    let mut out = docs::comment(
        &format!(
            "Builder of the {id} request, from [`Client::{}`]: one setter per field, then \
             [`send`]({id}::send). Missing required fields are reported by `send` (and \
             [`build`]({id}::build)) before any I/O.",
            op.snake()
        ),
        "///",
        "",
    );
    out.push_str("#[derive(Debug, Clone)]\n#[must_use = \"a builder does nothing until `send` is awaited\"]\n");
    out.push_str(&format!("pub struct {id} {{\n    client: Client,\n"));
    for field in &fields {
        out.push_str(&format!(
            "    {}: Option<{}>,\n",
            field.rust_name,
            rust_type(&field.ty)
        ));
    }
    out.push_str("}\n\n");

    out.push_str(&format!("impl {id} {{\n"));
    out.push_str(
        "    pub(super) fn new(client: Client) -> Self {\n        Self {\n            client,\n",
    );
    for field in &fields {
        out.push_str(&format!("            {}: None,\n", field.rust_name));
    }
    out.push_str("        }\n    }\n\n");

    for field in &fields {
        out.push_str(&setter(field));
    }

    // build
    out.push_str(&format!(
        "    /// The complete request, without sending it; a missing required field is a\n    /// construction error.\n    pub fn build(self) -> Result<{id}Request> {{\n"
    ));
    let value = |f: &Field| {
        let bare = f.rust_name.trim_start_matches("r#");
        if f.required {
            format!("required(self.{}, OPERATION, {bare:?})?", f.rust_name)
        } else {
            format!("self.{}", f.rust_name)
        }
    };
    out.push_str(&format!("        Ok({id}Request {{\n"));
    for param in &op.params {
        out.push_str(&format!(
            "            {}: {},\n",
            param.field.rust_name,
            value(&param.field)
        ));
    }
    if let Some(body) = &op.body {
        out.push_str(&format!("            body: {} {{\n", body.schema));
        for field in body_fields {
            out.push_str(&format!(
                "                {}: {},\n",
                field.rust_name,
                value(field)
            ));
        }
        out.push_str("            },\n");
    }
    out.push_str("        })\n    }\n\n");

    out.push_str(&format!(
        "    /// Sends the request; see [`Client::{}`].\n    pub async fn send(self) -> Result<{id}Output> {{\n        let client = self.client.clone();\n        self.build()?.send(&client).await\n    }}\n}}\n\n",
        op.snake()
    ));
    out
}

fn setter(field: &Field) -> String {
    let name = &field.rust_name;
    let mut doc = field_doc(field, "    ");
    if field.required {
        doc.push_str("    ///\n    /// Required.\n");
    }
    match &field.ty {
        Type::Array(item) => format!(
            "{doc}    ///\n    /// Appends one value; call again for more.\n    pub fn {name}(mut self, value: impl Into<{item}>) -> Self {{\n        self.{name}.get_or_insert_with(Vec::new).push(value.into());\n        self\n    }}\n\n",
            item = rust_type(item)
        ),
        Type::Map(value) => format!(
            "{doc}    ///\n    /// Inserts one entry; call again for more.\n    pub fn {name}(mut self, key: impl Into<String>, value: impl Into<{value}>) -> Self {{\n        self.{name}.get_or_insert_with(Default::default).insert(key.into(), value.into());\n        self\n    }}\n\n",
            value = rust_type(value)
        ),
        ty => format!(
            "{doc}    pub fn {name}(mut self, value: impl Into<{ty}>) -> Self {{\n        self.{name} = Some(value.into());\n        self\n    }}\n\n",
            ty = rust_type(ty)
        ),
    }
}

fn output(op: &Operation) -> String {
    let id = &op.id;
    let request_id = "    /// `X-Request-Id` of the response: quote it when asking Huawei Cloud support about this call.\n";
    match &op.output {
        Output::Binary => format!(
            "/// The answer of [`Client::{snake}`]: the file as a stream, not yet read.\n///\n/// Write it with [`ByteStream::write_to`] (bounded memory), read it with\n/// [`ByteStream::into_async_read`], or take it whole with [`ByteStream::collect`].\n#[derive(Debug)]\n#[non_exhaustive]\npub struct {id}Output {{\n    /// The response body.\n    pub body: ByteStream,\n    /// `Content-Type` of the response, when sent.\n    pub content_type: Option<String>,\n    /// `Content-Length` of the response, when sent (absent for chunked answers).\n    pub content_length: Option<u64>,\n{request_id}    pub request_id: Option<String>,\n}}\n",
            snake = op.snake()
        ),
        Output::Empty => format!(
            "/// The answer of [`Client::{snake}`].\n#[derive(Debug, Clone, PartialEq, Serialize)]\n#[non_exhaustive]\npub struct {id}Output {{\n{request_id}    #[serde(skip)]\n    pub request_id: Option<String>,\n}}\n",
            snake = op.snake()
        ),
        Output::Json(fields) => {
            let mut out = docs::comment(
                &format!(
                    "The answer of [`Client::{}`]. Serialises back to the service's JSON field \
                     names (the request id aside).",
                    op.snake()
                ),
                "///",
                "",
            );
            out.push_str(&format!(
                "#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]\n#[non_exhaustive]\npub struct {id}Output {{\n"
            ));
            for field in fields {
                out.push_str(&field_doc(field, "    "));
                out.push_str(&serde_attrs(field, true, false));
                out.push_str(&format!(
                    "    pub {}: {},\n",
                    field.rust_name,
                    field_type(field)
                ));
            }
            out.push_str(request_id);
            out.push_str("    #[serde(skip)]\n    pub request_id: Option<String>,\n}\n");
            out
        }
    }
}

fn pagination(op: &Operation) -> Result<String, String> {
    let id = &op.id;
    let (Some(p), Output::Json(fields)) = (&op.pagination, &op.output) else {
        return Ok(String::new());
    };
    let find = |name: &str| fields.iter().find(|f| f.wire_name == name);
    let offset = op
        .params
        .iter()
        .find(|q| q.field.wire_name == p.offset)
        .ok_or_else(|| format!("{id}: no offset parameter"))?;
    let (Some(count), Some(items)) = (find(&p.count), find(&p.items)) else {
        return Err(format!("{id}: pagination fields missing"));
    };
    let Type::Array(item) = &items.ty else {
        return Err(format!("{id}: pagination items are not an array"));
    };
    let item = rust_type(item);
    let offset_type = rust_type(&offset.field.ty);
    let offset_name = &offset.field.rust_name;
    let total = if count.required {
        format!("u64::try_from(self.{}).ok()", count.rust_name)
    } else {
        format!(
            "self.{}.and_then(|count| u64::try_from(count).ok())",
            count.rust_name
        )
    };
    let (len, into) = if items.required {
        (
            format!("self.{}.len()", items.rust_name),
            format!("self.{}", items.rust_name),
        )
    } else {
        (
            format!("self.{}.as_ref().map_or(0, Vec::len)", items.rust_name),
            format!("self.{}.unwrap_or_default()", items.rust_name),
        )
    };
    Ok(format!(
        "
impl {id} {{
    /// Pages through the whole listing: the first request starts at `{offset_name}` (0 when unset)
    /// and each next one at the previous offset plus the items received, `{limit}` per page (the
    /// service's default when unset). The stream ends after the page that reaches `{count_name}`,
    /// or at an empty page; an error ends it after being yielded.
    pub fn into_paginator(self) -> Paginator<{id}Output> {{
        let start = self.{offset_name}.and_then(|offset| u64::try_from(offset).ok()).unwrap_or(0);
        Paginator::new(start, move |offset| {{
            let page = self.clone();
            Box::pin(async move {{
                let offset = {offset_type}::try_from(offset).map_err(|_| {{
                    Error::construction(format!(\"offset {{offset}} is out of range\"))
                        .with_operation(OPERATION.0, OPERATION.1)
                }})?;
                page.{offset_name}(offset).send().await
            }})
        }})
    }}
}}

impl OffsetPage for {id}Output {{
    type Item = {item};

    fn total(&self) -> Option<u64> {{
        {total}
    }}

    fn item_count(&self) -> usize {{
        {len}
    }}

    fn into_items(self) -> Vec<{item}> {{
        {into}
    }}
}}
",
        limit = p.limit,
        count_name = p.count,
    ))
}
