//! The module file, the client, and each operation's client method.

use super::super::docs;
use super::super::model::{Location, Service};
use super::banner;

/// `<module>/mod.rs`.
pub fn module(service: &Service) -> String {
    let mut out = banner(&service.spec_path);
    let mut doc = format!(
        "{} {} API.\n\n{}",
        service.title,
        service.module,
        service.description.trim()
    );
    if let Some(source) = &service.source {
        doc.push_str(&format!(
            "\n\nOperations, fields and wire names follow the official SDKs' API definitions \
             (`{source}`). Each operation's documentation links its API Explorer page."
        ));
    }
    doc.push_str("\n\n| operation | method | path |\n|---|---|---|\n");
    for op in &service.operations {
        doc.push_str(&format!(
            "| [`{}`](Client::{}) | `{}` | `{}` |\n",
            op.id, op.snake, op.method, op.path
        ));
    }
    out.push_str(&docs::comment(&doc, "//!", ""));
    out.push_str("\nmod client;\n");
    for op in &service.operations {
        out.push_str(&format!("mod {};\n", op.snake.trim_start_matches("r#")));
    }
    if !service.schemas.is_empty() {
        out.push_str("pub mod models;\n");
    }
    out.push_str("\nuse huaweicloud_sdk_core::operation::{Operation, OperationInfo};\n\npub use client::{Client, ENDPOINTS};\n");
    for op in &service.operations {
        out.push_str(&format!(
            "pub use {}::{{{id}, {id}Output, {id}Request}};\n",
            op.snake.trim_start_matches("r#"),
            id = op.id
        ));
    }
    out.push_str(&super::operations_table(service));
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

    out.push_str(&format!(
        "/// Where {} is served: the regions of the official SDKs' region table, and the host\n/// pattern used for other well-formed region ids. `HUAWEICLOUD_SDK_REGION_{}_<REGION>`, the\n/// regions file and `Config::with_endpoint` take precedence.\npub static ENDPOINTS: ServiceEndpoints = ServiceEndpoints {{\n    service: {:?},\n    regions: &[\n",
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

    // Naming is shown with an operation of this service: a listing of several words if any.
    let named = service
        .operations
        .iter()
        .find(|op| op.id.starts_with("List") && op.snake.matches('_').count() >= 2)
        .or_else(|| service.operations.first());
    let naming = named.map_or_else(String::new, |op| {
        format!(
            " (the API name in snake case: `{}` is `{}`)",
            op.id, op.snake
        )
    });
    let mut doc = format!(
        "Client of the {title} {module} API. Cheap to clone: clones share one connection pool \
         and credentials cache.\n\nEach operation is a method{naming} returning a builder with \
         one setter per field; `send().await` checks required fields, signs and sends the \
         request, retries it when that is safe, and decodes the answer.",
        title = service.title,
        module = service.module
    );
    let region_header = service.operations.iter().any(|op| {
        op.params.iter().any(|p| {
            p.location == Location::Header && p.field.wire_name.eq_ignore_ascii_case("region")
        })
    });
    if region_header {
        doc.push_str(
            "\n\nThe endpoint's region comes from the `Config` (`Config::with_region`). Some \
             operations also take a `region` field, sent as the `region` header: the region \
             whose resources the operation reads or changes, such as `cn-north-4`. It does not \
             choose the endpoint; leave it unset to act on the endpoint's region.",
        );
    }
    out.push_str(&docs::comment(&doc, "///", ""));
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
    out.push_str("    /// The executor requests go through.\n    pub(crate) fn executor(&self) -> &Executor {\n        &self.executor\n    }\n}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::super::test_fixture::{self, flat, parses};
    use super::*;

    #[test]
    fn module_declares_and_reexports_every_operation_and_the_models() {
        let service = test_fixture::service();
        let text = module(&service);
        parses(&text);
        assert!(text.starts_with(
            "// Generated by `cargo xtask codegen` from crates/demo/openapi/v1.json."
        ));
        for op in &service.operations {
            assert!(
                text.contains(&format!("\nmod {};\n", op.snake)),
                "{}",
                op.id
            );
            assert!(
                text.contains(&format!(
                    "pub use {}::{{{id}, {id}Output, {id}Request}};",
                    op.snake,
                    id = op.id
                )),
                "{}",
                op.id
            );
        }
        assert!(text.contains("pub mod models;"));
        assert!(text.contains(
            "//! | [`CreateWidget`](Client::create_widget) | `POST` | `/v1/{project_id}/widgets/{widget_id}` |"
        ));
        assert!(
            flat(&text).contains("(`huaweicloudsdkdemo 3.1.219`)"),
            "the source is named"
        );
        assert!(text.contains("pub const OPERATIONS: &[OperationInfo]"));
    }

    #[test]
    fn client_carries_the_region_table_and_names_a_multi_word_listing() {
        let service = test_fixture::service();
        let text = client(&service);
        parses(&text);
        assert!(text.contains(
            "pub static ENDPOINTS: ServiceEndpoints = ServiceEndpoints {\n    service: \"demo\","
        ));
        assert!(text.contains(
            "        (\"ap-southeast-1\", \"https://demo.ap-southeast-1.myhuaweicloud.com\"),\n        (\"cn-north-4\", \"https://demo.cn-north-4.myhuaweicloud.com\"),\n"
        ), "regions in spec order");
        assert!(text.contains("host_pattern: \"https://demo.{region}.myhuaweicloud.com\","));
        assert!(text.contains("HUAWEICLOUD_SDK_REGION_DEMO_<REGION>"));
        assert!(text.contains("executor: Executor::new(config, &ENDPOINTS)?"));
        // A listing of several words shows the snake-case rule better than the first operation.
        assert!(
            flat(&text).contains("`ListWidgetMarks` is `list_widget_marks`"),
            "{text}"
        );
        assert!(
            !flat(&text).contains("`region` header"),
            "no operation takes a region header"
        );
    }

    #[test]
    fn a_region_header_is_explained_on_the_client() {
        let mut spec = test_fixture::spec_json();
        spec["paths"]["/v1/{project_id}/widgets"]["get"]["parameters"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!({"name": "region", "in": "header", "schema": {"type": "string"}, "x-name": "region"}));
        let service =
            super::super::super::spec::read(test_fixture::SPEC_PATH, &spec.to_string()).unwrap();
        let text = client(&service);
        assert!(
            flat(&text).contains("sent as the `region` header"),
            "{text}"
        );
    }
}
