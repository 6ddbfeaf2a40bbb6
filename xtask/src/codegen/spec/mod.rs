//! Reading one OpenAPI document into a [`Service`], refusing what the generator cannot express.
//!
//! One module per concern: [`schemas`] (component schemas, fields and types), [`operations`]
//! (operations, parameters and bodies), [`responses`] (the 2xx answer and documented errors),
//! [`paging`] (the pagination rule and its check against the operation), [`checks`] (names and
//! references across the spec) and [`graph`] (reachability and boxed cycles).

mod checks;
mod graph;
mod operations;
mod paging;
mod responses;
mod schemas;

use super::docs;
use super::json::{At, Json, only_keys, opt_str, req, req_str};
use super::model::*;

pub(super) const METHODS: &[&str] = &["get", "post", "put", "delete", "patch"];
pub(super) const SCHEMA_REF: &str = "#/components/schemas/";

/// Model names that would shadow a type the generated files use.
const RESERVED_TYPES: &[&str] = &[
    "String",
    "Option",
    "Vec",
    "Box",
    "BTreeMap",
    "Result",
    "Default",
    "Serialize",
    "Deserialize",
    "FilePart",
    "Value",
    "Some",
    "None",
    "Ok",
    "Err",
    "Self",
];

pub fn read(spec_path: &str, text: &str) -> Result<Service, String> {
    let root: Json =
        serde_json::from_str(text).map_err(|e| format!("{spec_path}: not valid JSON: {e}"))?;
    let at = At::root(spec_path);
    only_keys(
        &root,
        &at,
        &[
            "openapi",
            "info",
            "servers",
            "x-huaweicloud-service",
            "paths",
            "components",
            "tags",
        ],
    )?;
    let version = req_str(&root, &at, "openapi")?;
    if !version.starts_with("3.0.") {
        return Err(at
            .at("openapi")
            .error(format!("OpenAPI {version} is not supported; use 3.0.x")));
    }
    let info_at = at.at("info");
    let info = req(&root, &at, "info")?;
    only_keys(info, &info_at, &["title", "version", "description"])?;
    let title = req_str(info, &info_at, "title")?.to_owned();
    let description = described(info, &info_at)?.unwrap_or_else(|| format!("The {title} API."));

    let servers_at = at.at("servers");
    let server = req(&root, &at, "servers")?
        .as_array()
        .and_then(|s| s.first())
        .ok_or_else(|| servers_at.error("expected a non-empty array"))?;
    let server_at = servers_at.at(0);
    only_keys(server, &server_at, &["url", "variables", "description"])?;
    let host_pattern = req_str(server, &server_at, "url")?.to_owned();
    if !host_pattern.contains("{region}") {
        return Err(server_at
            .at("url")
            .error("the server URL must contain `{region}`"));
    }

    let svc_at = at.at("x-huaweicloud-service");
    let svc = req(&root, &at, "x-huaweicloud-service")?;
    only_keys(
        svc,
        &svc_at,
        &[
            "name",
            "crate",
            "module",
            "explorer",
            "source",
            "regions",
            "body-error",
        ],
    )?;
    let mut regions = Vec::new();
    let regions_at = svc_at.at("regions");
    for (i, region) in req(svc, &svc_at, "regions")?
        .as_array()
        .ok_or_else(|| regions_at.error("expected an array"))?
        .iter()
        .enumerate()
    {
        let region_at = regions_at.at(i);
        only_keys(region, &region_at, &["id", "endpoint"])?;
        regions.push((
            req_str(region, &region_at, "id")?.to_owned(),
            req_str(region, &region_at, "endpoint")?.to_owned(),
        ));
    }
    let body_error = match svc.get("body-error") {
        None => None,
        Some(rule) => Some(read_body_error(rule, &svc_at.at("body-error"))?),
    };

    let mut service = Service {
        spec_path: spec_path.to_owned(),
        title: title.clone(),
        description,
        name: req_str(svc, &svc_at, "name")?.to_owned(),
        crate_name: req_str(svc, &svc_at, "crate")?.to_owned(),
        module: req_str(svc, &svc_at, "module")?.to_owned(),
        explorer: opt_str(svc, &svc_at, "explorer")?
            .unwrap_or(&title)
            .to_owned(),
        source: opt_str(svc, &svc_at, "source")?.map(str::to_owned),
        host_pattern,
        regions,
        body_error,
        operations: Vec::new(),
        schemas: Vec::new(),
    };
    if spec_path != format!("{}/openapi/{}.json", service.crate_dir(), service.module) {
        return Err(svc_at.error(format!(
            "module `{}` does not match the spec's file name",
            service.module
        )));
    }

    let schemas_at = at.at("components").at("schemas");
    if let Some(components) = root.get("components") {
        only_keys(components, &at.at("components"), &["schemas"])?;
        for (name, schema) in components
            .get("schemas")
            .and_then(Json::as_object)
            .unwrap_or_default()
        {
            service
                .schemas
                .push(schemas::read_schema(name, schema, &schemas_at.at(name))?);
        }
    }
    service.schemas.sort_by(|a, b| a.name.cmp(&b.name));
    if let Some(pair) = service.schemas.windows(2).find(|w| w[0].name == w[1].name) {
        return Err(schemas_at.error(format!("schema `{}` is declared twice", pair[0].name)));
    }

    let paths_at = at.at("paths");
    let paths = req(&root, &at, "paths")?
        .as_object()
        .ok_or_else(|| paths_at.error("expected an object"))?;
    for (path, item) in paths {
        let item_at = paths_at.at(path);
        only_keys(item, &item_at, METHODS)?;
        for (method, operation) in item.as_object().unwrap_or_default() {
            let operation =
                operations::read_operation(&service, path, method, operation, &item_at.at(method))?;
            service.operations.push(operation);
        }
    }
    checks::check_names(&service)?;
    checks::check_references(&service)?;
    graph::mark_reachability(&mut service);
    graph::box_cycles(&mut service);
    graph::mark_validated(&mut service);
    Ok(service)
}

/// The `description`, checked for what rustdoc would misread; `None` when absent.
pub(super) fn described(value: &Json, at: &At) -> Result<Option<String>, String> {
    match opt_str(value, at, "description")? {
        None => Ok(None),
        Some(text) => {
            docs::check(text).map_err(|e| at.at("description").error(e))?;
            Ok(Some(text.to_owned()))
        }
    }
}

pub(super) fn read_body_error(rule: &Json, at: &At) -> Result<BodyError, String> {
    only_keys(rule, at, &["code", "message", "success"])?;
    Ok(BodyError {
        code: req_str(rule, at, "code")?.to_owned(),
        message: req_str(rule, at, "message")?.to_owned(),
        success: req(rule, at, "success")?
            .as_i64()
            .ok_or_else(|| at.at("success").error("expected an integer"))?,
    })
}
#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    const PATH: &str = "crates/demo/openapi/v1.json";

    /// A small spec using the shapes the generator supports: scope-filled and explicit path
    /// parameters, a query array sent as repeated keys, an enum, a sensitive header, an
    /// optional JSON body with a nested model, a keyword field, a self-referencing model, a
    /// float, a free-form object, a map, a response header and offset paging.
    pub(crate) fn valid() -> serde_json::Value {
        serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "Demo", "version": "v1", "description": "A demo service."},
            "servers": [{"url": "https://demo.{region}.myhuaweicloud.com"}],
            "x-huaweicloud-service": {
                "name": "demo", "crate": "huaweicloud-sdk-demo", "module": "v1", "explorer": "Demo",
                "regions": [{"id": "cn-north-4", "endpoint": "https://demo.cn-north-4.myhuaweicloud.com"}],
                "body-error": {"code": "error_code", "message": "error_msg", "success": 0}
            },
            "paths": {
                "/v1/{project_id}/things/{thing_id}": {"post": {
                    "operationId": "CreateThing",
                    "summary": "Create a thing.",
                    "x-huaweicloud-content-type": "application/json;charset=utf-8",
                    "parameters": [
                        {"name": "project_id", "in": "path", "required": true, "schema": {"type": "string"}, "x-huaweicloud-scope": true},
                        {"name": "thing_id", "in": "path", "required": true, "schema": {"type": "string"}, "x-name": "thing_id"},
                        {"name": "state", "in": "query", "style": "form", "explode": true, "schema": {"type": "array", "items": {"$ref": "#/components/schemas/State"}}, "x-name": "state"},
                        {"name": "X-Security-Token", "in": "header", "schema": {"type": "string"}, "x-name": "x_security_token", "x-sensitive": true}
                    ],
                    "requestBody": {"required": false, "x-name": "body", "content": {"application/json;charset=utf-8": {"schema": {"$ref": "#/components/schemas/ThingReq"}}}},
                    "responses": {
                        "200": {"description": "OK.",
                            "headers": {"X-Request-Id": {"schema": {"type": "string"}}, "X-Thing-Etag": {"schema": {"type": "string"}, "x-name": "x_thing_etag"}},
                            "content": {"application/json": {"schema": {"type": "object", "properties": {
                                "id": {"type": "integer", "format": "int64"},
                                "error_code": {"type": "integer"},
                                "error_msg": {"type": "string"}
                            }}}}},
                        "400": {"description": "Bad request."}
                    }
                }},
                "/v1/{project_id}/things": {"get": {
                    "operationId": "Cancel2DThings",
                    "parameters": [
                        {"name": "project_id", "in": "path", "required": true, "schema": {"type": "string"}, "x-huaweicloud-scope": true},
                        {"name": "offset", "in": "query", "schema": {"type": "integer", "format": "int32"}, "x-name": "offset"},
                        {"name": "limit", "in": "query", "schema": {"type": "integer", "format": "int32"}, "x-name": "limit"}
                    ],
                    "responses": {"200": {"description": "OK.", "content": {"application/json": {"schema": {"type": "object", "properties": {
                        "total": {"type": "integer"},
                        "things": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}
                    }}}}}},
                    "x-huaweicloud-pagination": {"kind": "offset", "offset": "offset", "limit": "limit", "count": "total", "items": "things"}
                }}
            },
            "components": {"schemas": {
                "State": {"type": "string", "description": "A state.", "enum": ["ON", "OFF"]},
                "ThingReq": {"type": "object", "required": ["name"], "properties": {
                    "name": {"type": "string", "maxLength": 64},
                    "type": {"type": "string"},
                    "repoName": {"type": "string", "x-name": "repo_name"},
                    "weight": {"type": "number", "format": "double"},
                    "extra": {},
                    "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                    "grid": {"type": "array", "items": {"type": "array", "items": {"type": "string"}}}
                }},
                "Node": {"type": "object", "properties": {
                    "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
                    "parent": {"$ref": "#/components/schemas/Node"}
                }}
            }}
        })
    }

    fn read_value(value: &serde_json::Value) -> Result<Service, String> {
        read(PATH, &value.to_string())
    }

    #[test]
    fn reads_the_supported_subset() {
        let service = read_value(&valid()).unwrap();
        assert_eq!(service.operations.len(), 2);
        let find = |id: &str| service.operations.iter().find(|o| o.id == id).unwrap();
        let op = find("CreateThing");
        let names: Vec<_> = op
            .params
            .iter()
            .map(|p| p.field.rust_name.as_str())
            .collect();
        assert_eq!(
            names,
            ["thing_id", "state", "x_security_token"],
            "scope-filled project_id is not a field"
        );
        assert!(op.params[1].explode, "query arrays go out as repeated keys");
        assert!(op.params[2].field.sensitive);
        assert_eq!(op.content_type, "application/json;charset=utf-8");
        assert_eq!(op.errors.len(), 1);
        assert_eq!(op.request_id_headers, ["X-Request-Id"]);
        assert_eq!(op.headers[0].rust_name, "x_thing_etag");
        assert!(op.body_error.is_some(), "the answer declares `error_code`");
        assert!(matches!(&op.output, Output::Json(fields) if fields[0].ty == Type::I64));
        assert!(
            op.body
                .as_ref()
                .is_some_and(|b| !b.required && b.kind == BodyKind::Json)
        );

        let listing = find("Cancel2DThings");
        assert_eq!(listing.snake, "cancel_2d_things");
        assert!(
            listing.body_error.is_none(),
            "no `error_code` in this answer"
        );
        assert!(matches!(
            listing.pagination,
            Some(Pagination::Offset { .. })
        ));

        let thing = service.schema("ThingReq").unwrap();
        assert!(thing.in_request && !thing.in_response);
        let SchemaKind::Object(fields) = &thing.kind else {
            panic!("an object")
        };
        let field = |wire: &str| fields.iter().find(|f| f.wire_name == wire).unwrap();
        assert_eq!(field("type").rust_name, "r#type");
        assert_eq!(field("repoName").rust_name, "repo_name");
        assert_eq!(field("repoName").attr_name, "repo_name");
        assert!(field("name").required && !field("type").required);
        assert_eq!(field("weight").ty, Type::F64);
        assert_eq!(field("extra").ty, Type::Any);
        assert_eq!(field("labels").ty, Type::Map(Box::new(Type::String)));
        assert_eq!(
            field("grid").ty,
            Type::Array(Box::new(Type::Array(Box::new(Type::String))))
        );

        let node = service.schema("Node").unwrap();
        assert!(node.in_response);
        let SchemaKind::Object(fields) = &node.kind else {
            panic!("an object")
        };
        let field = |wire: &str| fields.iter().find(|f| f.wire_name == wire).unwrap();
        assert_eq!(
            field("parent").ty,
            Type::Boxed("Node".into()),
            "a model holding itself directly is boxed"
        );
        assert!(
            matches!(&field("children").ty, Type::Array(item) if **item == Type::Named("Node".into())),
            "through a list it needs no box"
        );
    }

    /// Applies `edit` to a valid spec and returns the generator's complaint.
    fn refused(edit: impl FnOnce(&mut serde_json::Value)) -> String {
        let mut spec = valid();
        edit(&mut spec);
        read_value(&spec).expect_err("the generator accepted an unsupported spec")
    }

    fn op(spec: &mut serde_json::Value) -> &mut serde_json::Value {
        &mut spec["paths"]["/v1/{project_id}/things/{thing_id}"]["post"]
    }

    #[test]
    fn refuses_what_it_cannot_generate_with_a_located_message() {
        let e =
            refused(|s| s["components"]["schemas"]["ThingReq"]["allOf"] = serde_json::json!([]));
        assert!(
            e.contains("#/components/schemas/ThingReq/allOf") && e.contains("not supported"),
            "{e}"
        );

        let e = refused(|s| {
            s["components"]["schemas"]["ThingReq"]["properties"]["kind"] =
                serde_json::json!({"type": "string", "enum": ["a"]})
        });
        assert!(e.contains("inline enums"), "{e}");

        let e = refused(|s| op(s)["parameters"][3]["description"] = serde_json::json!("See <b>."));
        assert!(e.contains("outside backticks"), "{e}");

        let e = refused(|s| op(s)["parameters"][2]["style"] = serde_json::json!("pipeDelimited"));
        assert!(e.contains("style: form"), "{e}");

        let e = refused(|s| {
            op(s)["parameters"].as_array_mut().unwrap().remove(1);
        });
        assert!(e.contains("{thing_id}"), "{e}");

        let e =
            refused(|s| op(s)["responses"]["201"] = serde_json::json!({"description": "Also OK."}));
        assert!(e.contains("one 2xx"), "{e}");

        let e = refused(|s| s["openapi"] = serde_json::json!("3.1.0"));
        assert!(e.contains("3.1.0"), "{e}");

        let e = refused(|s| {
            op(s)["parameters"][2]["schema"]["items"]["$ref"] =
                serde_json::json!("#/components/schemas/ThingReq")
        });
        assert!(e.contains("only enums"), "{e}");

        let e = refused(
            |s| op(s)["requestBody"]["content"] = serde_json::json!({"application/xml": {"schema": {"$ref": "#/components/schemas/ThingReq"}}}),
        );
        assert!(e.contains("application/xml"), "{e}");

        let e = refused(|s| {
            s["components"]["schemas"]["String"] = serde_json::json!({"type": "object"})
        });
        assert!(e.contains("shadow"), "{e}");

        let e = refused(|s| {
            s["paths"]["/v1/{project_id}/things"]["get"]["operationId"] =
                serde_json::json!("CreateThing")
        });
        assert!(e.contains("same method"), "{e}");

        let e = refused(|s| {
            s["paths"]["/v1/{project_id}/things"]["get"]["x-huaweicloud-pagination"]["items"] =
                serde_json::json!("total")
        });
        assert!(e.contains("array response field"), "{e}");
    }
}
