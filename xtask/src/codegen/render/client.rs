//! The module file and the client.

use super::super::docs;
use super::super::model::{Operation, Output, Service};
use super::{banner, example_value};

/// `<module>/mod.rs`.
pub fn module(service: &Service) -> String {
    let mut out = banner(&service.spec_path);
    let mut doc = format!(
        "{} {} API.\n\n{}",
        service.title,
        service.module,
        service.description.trim()
    );
    doc.push_str("\n\n| operation | method | path |\n|---|---|---|\n");
    for op in &service.operations {
        doc.push_str(&format!(
            "| [`{}`](Client::{}) | `{}` | `{}` |\n",
            op.id,
            op.snake(),
            op.method,
            op.path
        ));
    }
    out.push_str(&docs::comment(&doc, "//!", ""));
    out.push_str("\nmod client;\n");
    for op in &service.operations {
        out.push_str(&format!("mod {};\n", op.snake()));
    }
    if !service.schemas.is_empty() {
        out.push_str("pub mod models;\n");
    }
    out.push_str("\npub use client::{Client, ENDPOINTS};\n");
    for op in &service.operations {
        out.push_str(&format!(
            "pub use {}::{{{id}, {id}Output, {id}Request}};\n",
            op.snake(),
            id = op.id
        ));
    }
    out
}

/// `<module>/client.rs`.
pub fn client(service: &Service) -> String {
    let mut out = banner(&service.spec_path);
    out.push_str(&format!(
        "//! The {} {} client.\n\n",
        service.title, service.module
    ));
    out.push_str("use huaweicloud_sdk_core::config::endpoint::ServiceEndpoints;\nuse huaweicloud_sdk_core::{Config, Executor, Result};\n\n");
    let ops: Vec<String> = service.operations.iter().map(|o| o.id.clone()).collect();
    out.push_str(&format!("use super::{{{}}};\n\n", ops.join(", ")));

    out.push_str(&format!(
        "/// Where {} is served: the regions the API reference lists, and the host pattern used for\n/// other well-formed region ids. `HUAWEICLOUD_SDK_REGION_{}_<REGION>`, the regions file and\n/// `Config::with_endpoint` take precedence.\npub static ENDPOINTS: ServiceEndpoints = ServiceEndpoints {{\n    service: {:?},\n    regions: &[\n",
        service.title,
        service.name.to_ascii_uppercase(),
        service.name
    ));
    for (id, endpoint) in &service.regions {
        out.push_str(&format!("        ({id:?}, {endpoint:?}),\n"));
    }
    out.push_str(&format!(
        "    ],\n    host_pattern: {:?},\n}};\n\n",
        service.host_pattern
    ));

    out.push_str(&docs::comment(
        &format!(
            "Client of the {title} {module} API. Cheap to clone: clones share one connection pool \
             and credentials cache.\n\nEach method returns a builder with one setter per field; \
             `send().await` checks required fields, signs and sends the request, retries it when \
             that is safe, and decodes the answer.",
            title = service.title,
            module = service.module
        ),
        "///",
        "",
    ));
    out.push_str("#[derive(Debug, Clone)]\npub struct Client {\n    executor: Executor,\n}\n\nimpl Client {\n");
    out.push_str(&docs::comment(
        &format!(
            "A client for the endpoint `config` resolves for {} (region, override or \
             environment). Fails when no endpoint can be resolved or the HTTP client cannot be \
             built.",
            service.title
        ),
        "///",
        "    ",
    ));
    out.push_str("    pub fn new(config: &Config) -> Result<Self> {\n        Ok(Self {\n            executor: Executor::new(config, &ENDPOINTS)?,\n        })\n    }\n\n");
    out.push_str("    /// The executor requests go through.\n    pub(crate) fn executor(&self) -> &Executor {\n        &self.executor\n    }\n");
    for op in &service.operations {
        out.push('\n');
        out.push_str(&method_doc(service, op));
        out.push_str(&format!(
            "    pub fn {}(&self) -> {} {{\n        {}::new(self.clone())\n    }}\n",
            op.snake(),
            op.id,
            op.id
        ));
    }
    out.push_str("}\n");
    out
}

fn method_doc(service: &Service, op: &Operation) -> String {
    let mut text = format!(
        "{}\n\n{}\n\n`{} {}`",
        op.summary.trim(),
        op.description.trim(),
        op.method,
        op.path
    );
    if let Some(rule) = &op.body_error {
        text.push_str(&format!(
            "\n\nThe service reports some failures with a 2xx status: an answer whose `{}` is not \
             {} is returned as `Err`, a service error whose code is that `{}` and whose message \
             is `{}`.",
            rule.code, rule.success, rule.code, rule.message
        ));
    }
    if !op.errors.is_empty() {
        text.push_str(
            "\n\n# Errors\n\nA service error (`Error::service_error`) for answers such as:\n",
        );
        for (status, description) in &op.errors {
            text.push_str(&format!("\n- `{status}`: {}", description.trim()));
        }
        text.push_str(
            "\n\nMissing required fields are construction errors, raised before any I/O.",
        );
    }
    let mut out = docs::comment(&text, "///", "    ");
    out.push_str("    ///\n    /// # Example\n    ///\n");
    for line in example(service, op).lines() {
        if line.is_empty() {
            out.push_str("    ///\n");
        } else {
            out.push_str(&format!("    /// {line}\n"));
        }
    }
    out
}

fn example(service: &Service, op: &Operation) -> String {
    let region = service
        .regions
        .first()
        .map_or("cn-north-4", |(id, _)| id.as_str());
    let mut calls = format!("let output = client\n    .{}()", op.snake());
    let body_fields = op
        .body
        .as_ref()
        .and_then(|b| service.schema(&b.schema))
        .map(|s| match &s.kind {
            super::super::model::SchemaKind::Object(fields) => fields.iter().collect(),
            _ => Vec::new(),
        })
        .unwrap_or_default();
    for field in op.params.iter().map(|p| &p.field).chain(body_fields) {
        let is_limit = op
            .pagination
            .as_ref()
            .is_some_and(|p| p.limit == field.wire_name);
        if field.required || is_limit {
            calls.push_str(&format!(
                "\n    .{}({})",
                field.rust_name,
                example_value(field, service)
            ));
        }
    }
    calls.push_str("\n    .send()\n    .await?;");
    let show = match &op.output {
        Output::Binary => "let bytes = output.body.collect().await?;\nprintln!(\"{} bytes, request id {:?}\", bytes.len(), output.request_id);".to_owned(),
        _ => "println!(\"{output:?}\");".to_owned(),
    };
    format!(
        "```no_run\n# async fn example() -> huaweicloud_sdk_core::Result<()> {{\nuse huaweicloud_sdk_core::Config;\nuse {krate}::{module}::Client;\n\nlet client = Client::new(&Config::from_env()?.with_region({region:?}))?;\n{calls}\n{show}\n# Ok(())\n# }}\n```",
        krate = service.crate_ident(),
        module = service.module,
    )
}
