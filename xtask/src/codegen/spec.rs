//! Reading one OpenAPI document into a [`Service`], refusing what the generator cannot express.

use super::docs;
use super::json::{At, Json, only_keys, opt_bool, opt_str, req, req_str};
use super::model::*;
use super::names;

const METHODS: &[&str] = &["get", "post", "put", "delete", "patch"];
const SCHEMA_REF: &str = "#/components/schemas/";

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
    let description = described(info, &info_at)?;

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
    only_keys(svc, &svc_at, &["name", "crate", "module", "regions"])?;
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

    let mut service = Service {
        spec_path: spec_path.to_owned(),
        title: req_str(info, &info_at, "title")?.to_owned(),
        description,
        name: req_str(svc, &svc_at, "name")?.to_owned(),
        crate_name: req_str(svc, &svc_at, "crate")?.to_owned(),
        module: req_str(svc, &svc_at, "module")?.to_owned(),
        host_pattern,
        regions,
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
                .push(read_schema(name, schema, &schemas_at.at(name))?);
        }
    }

    let paths_at = at.at("paths");
    let paths = req(&root, &at, "paths")?
        .as_object()
        .ok_or_else(|| paths_at.error("expected an object"))?;
    for (path, item) in paths {
        let item_at = paths_at.at(path);
        only_keys(item, &item_at, METHODS)?;
        for (method, operation) in item.as_object().unwrap_or_default() {
            let operation = read_operation(&service, path, method, operation, &item_at.at(method))?;
            service.operations.push(operation);
        }
    }
    check_references(&service)?;
    Ok(service)
}

fn described(value: &Json, at: &At) -> Result<String, String> {
    let text = req_str(value, at, "description")?;
    docs::check(text).map_err(|e| at.at("description").error(e))?;
    Ok(text.to_owned())
}

fn read_schema(name: &str, schema: &Json, at: &At) -> Result<Schema, String> {
    if names::pascal(name) != name {
        return Err(at.error(format!(
            "schema names must be UpperCamelCase like `{}`",
            names::pascal(name)
        )));
    }
    let description = described(schema, at)?;
    let ty = req_str(schema, at, "type")?;
    let kind = match (ty, schema.get("enum")) {
        ("string", Some(values)) => {
            only_keys(
                schema,
                at,
                &[
                    "type",
                    "description",
                    "enum",
                    "x-enum-descriptions",
                    "example",
                ],
            )?;
            let values = values
                .as_array()
                .ok_or_else(|| at.at("enum").error("expected an array"))?;
            let descriptions = schema.get("x-enum-descriptions").and_then(Json::as_array);
            if descriptions.is_some_and(|d| d.len() != values.len()) {
                return Err(at
                    .at("x-enum-descriptions")
                    .error("needs one entry per enum value"));
            }
            let mut out = Vec::new();
            for (i, value) in values.iter().enumerate() {
                let value = value
                    .as_str()
                    .ok_or_else(|| at.at("enum").at(i).error("enum values must be strings"))?;
                let doc = match descriptions.and_then(|d| d.get(i)) {
                    Some(d) => {
                        let d = d.as_str().ok_or_else(|| {
                            at.at("x-enum-descriptions")
                                .at(i)
                                .error("expected a string")
                        })?;
                        docs::check(d).map_err(|e| at.at("x-enum-descriptions").at(i).error(e))?;
                        Some(d.to_owned())
                    }
                    None => None,
                };
                if out
                    .iter()
                    .any(|(v, _): &(String, _)| names::pascal(v) == names::pascal(value))
                {
                    return Err(at
                        .at("enum")
                        .at(i)
                        .error("two values map to the same variant name"));
                }
                if names::pascal(value).is_empty() || names::pascal(value) == "Unknown" {
                    return Err(at
                        .at("enum")
                        .at(i)
                        .error("value cannot be named as a variant"));
                }
                out.push((value.to_owned(), doc));
            }
            SchemaKind::Enum(out)
        }
        ("object", None) if schema.get("properties").is_some() => {
            only_keys(
                schema,
                at,
                &["type", "description", "properties", "required", "example"],
            )?;
            SchemaKind::Object(read_properties(schema, at)?)
        }
        _ => {
            return Err(
                at.error("component schemas must be string enums or objects with `properties`")
            );
        }
    };
    Ok(Schema {
        name: name.to_owned(),
        description,
        kind,
    })
}

/// The `properties` of an object schema as fields, in document order.
fn read_properties(schema: &Json, at: &At) -> Result<Vec<Field>, String> {
    let required: Vec<&str> = match schema.get("required") {
        None => Vec::new(),
        Some(list) => list
            .as_array()
            .map(|l| l.iter().filter_map(Json::as_str).collect())
            .ok_or_else(|| at.at("required").error("expected an array of names"))?,
    };
    let props_at = at.at("properties");
    let props = req(schema, at, "properties")?
        .as_object()
        .ok_or_else(|| props_at.error("expected an object"))?;
    for name in &required {
        if !props.iter().any(|(p, _)| p == name) {
            return Err(at
                .at("required")
                .error(format!("`{name}` is not a property")));
        }
    }
    let mut fields = Vec::new();
    for (name, prop) in props {
        let prop_at = props_at.at(name);
        only_keys(
            prop,
            &prop_at,
            &[
                "type",
                "format",
                "description",
                "items",
                "additionalProperties",
                "$ref",
                "minLength",
                "maxLength",
                "minimum",
                "maximum",
                "maxItems",
                "minItems",
                "pattern",
                "example",
                "default",
                "enum",
            ],
        )?;
        fields.push(read_field(
            name,
            prop,
            required.contains(&name.as_str()),
            &prop_at,
        )?);
    }
    Ok(fields)
}

fn read_field(name: &str, schema: &Json, required: bool, at: &At) -> Result<Field, String> {
    let description = described(schema, at)?;
    let ty = read_type(schema, at)?;
    Ok(Field {
        wire_name: name.to_owned(),
        rust_name: names::snake(name),
        ty,
        required,
        description,
        notes: notes(schema),
        example: schema.get("example").cloned(),
    })
}

/// A property or parameter schema's type.
fn read_type(schema: &Json, at: &At) -> Result<Type, String> {
    if let Some(reference) = schema.get("$ref") {
        let reference = reference
            .as_str()
            .ok_or_else(|| at.at("$ref").error("expected a string"))?;
        let name = reference.strip_prefix(SCHEMA_REF).ok_or_else(|| {
            at.at("$ref")
                .error(format!("only `{SCHEMA_REF}...` references are supported"))
        })?;
        return Ok(Type::Named(name.to_owned()));
    }
    if schema.get("enum").is_some() {
        return Err(at.error("inline enums are not supported: declare a named enum under components/schemas and `$ref` it"));
    }
    let format = schema.get("format").and_then(Json::as_str);
    match (req_str(schema, at, "type")?, format) {
        ("string", None | Some("date-time") | Some("date")) => Ok(Type::String),
        ("integer", Some("int32")) => Ok(Type::I32),
        ("integer", Some("int64")) => Ok(Type::I64),
        ("integer", _) => Err(at.error("integers need `format: int32` or `int64`")),
        ("boolean", None) => Ok(Type::Bool),
        ("array", None) => Ok(Type::Array(Box::new(read_type(
            req(schema, at, "items")?,
            &at.at("items"),
        )?))),
        ("object", None) => match schema.get("additionalProperties") {
            Some(values) if values.as_object().is_some() => Ok(Type::Map(Box::new(read_type(
                values,
                &at.at("additionalProperties"),
            )?))),
            _ => Err(at.error("inline objects are not supported: use `additionalProperties` for a map, or a named schema")),
        },
        (ty, format) => Err(at.error(format!("type `{ty}` with format {format:?} is not supported"))),
    }
}

/// Limits worth a sentence in the docs.
fn notes(schema: &Json) -> Vec<String> {
    let num = |k: &str| schema.get(k).and_then(Json::as_i64);
    let mut notes = Vec::new();
    match (num("minLength"), num("maxLength")) {
        (Some(a), Some(b)) => notes.push(format!("Length {a} to {b} characters.")),
        (None, Some(b)) => notes.push(format!("At most {b} characters.")),
        (Some(a), None) => notes.push(format!("At least {a} characters.")),
        (None, None) => {}
    }
    match (num("minimum"), num("maximum")) {
        (Some(a), Some(b)) => notes.push(format!("From {a} to {b}.")),
        (None, Some(b)) => notes.push(format!("At most {b}.")),
        (Some(a), None) => notes.push(format!("At least {a}.")),
        (None, None) => {}
    }
    match (num("minItems"), num("maxItems")) {
        (Some(a), Some(b)) => notes.push(format!("{a} to {b} items.")),
        (None, Some(b)) => notes.push(format!("At most {b} items.")),
        (Some(a), None) => notes.push(format!("At least {a} items.")),
        (None, None) => {}
    }
    if let Some(pattern) = schema.get("pattern").and_then(Json::as_str) {
        notes.push(format!("Pattern: `{pattern}`."));
    }
    if let Some(format) = schema.get("format").and_then(Json::as_str) {
        if format.starts_with("date") {
            notes.push(format!("Format: `{format}` (RFC 3339), kept as text."));
        }
    }
    notes
}

fn read_operation(
    service: &Service,
    path: &str,
    method: &str,
    op: &Json,
    at: &At,
) -> Result<Operation, String> {
    only_keys(
        op,
        at,
        &[
            "operationId",
            "summary",
            "description",
            "tags",
            "parameters",
            "requestBody",
            "responses",
            "x-huaweicloud-pagination",
            "x-huaweicloud-body-error",
        ],
    )?;
    let id = req_str(op, at, "operationId")?.to_owned();
    if names::pascal(&id) != id {
        return Err(at
            .at("operationId")
            .error("operation ids must be UpperCamelCase"));
    }
    let summary = req_str(op, at, "summary")?.to_owned();
    docs::check(&summary).map_err(|e| at.at("summary").error(e))?;

    let mut params = Vec::new();
    let params_at = at.at("parameters");
    for (i, param) in op
        .get("parameters")
        .and_then(Json::as_array)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        if let Some(param) = read_param(param, &params_at.at(i), path)? {
            params.push(param);
        }
    }
    // Every placeholder needs a parameter (scope-filled ones are checked in read_param).
    for placeholder in path.split('{').skip(1).filter_map(|s| s.split('}').next()) {
        let declared = op
            .get("parameters")
            .and_then(Json::as_array)
            .unwrap_or_default()
            .iter()
            .any(|p| p.get("name").and_then(Json::as_str) == Some(placeholder));
        if !declared {
            return Err(at.error(format!(
                "path placeholder `{{{placeholder}}}` has no parameter"
            )));
        }
    }

    let body = match op.get("requestBody") {
        None => None,
        Some(body) => Some(read_body(service, body, &at.at("requestBody"))?),
    };
    if let Some(body) = &body {
        let Some(SchemaKind::Object(fields)) = service.schema(&body.schema).map(|s| &s.kind) else {
            return Err(at
                .at("requestBody")
                .error("the body must reference an object schema"));
        };
        for field in fields {
            if params.iter().any(|p| p.field.rust_name == field.rust_name) {
                return Err(at.error(format!(
                    "body property `{}` has the same Rust name as a parameter",
                    field.wire_name
                )));
            }
        }
    }

    let (output, errors) = read_responses(req(op, at, "responses")?, &at.at("responses"))?;

    let pagination = match op.get("x-huaweicloud-pagination") {
        None => None,
        Some(p) => {
            let p_at = at.at("x-huaweicloud-pagination");
            only_keys(p, &p_at, &["offset", "limit", "count", "items"])?;
            let pagination = Pagination {
                offset: req_str(p, &p_at, "offset")?.to_owned(),
                limit: req_str(p, &p_at, "limit")?.to_owned(),
                count: req_str(p, &p_at, "count")?.to_owned(),
                items: req_str(p, &p_at, "items")?.to_owned(),
            };
            check_pagination(&pagination, &params, &output, &p_at)?;
            Some(pagination)
        }
    };
    let body_error = match op.get("x-huaweicloud-body-error") {
        None => None,
        Some(b) => {
            let b_at = at.at("x-huaweicloud-body-error");
            only_keys(b, &b_at, &["code", "message", "success"])?;
            let body_error = BodyError {
                code: req_str(b, &b_at, "code")?.to_owned(),
                message: req_str(b, &b_at, "message")?.to_owned(),
                success: req(b, &b_at, "success")?
                    .as_i64()
                    .ok_or_else(|| b_at.at("success").error("expected an integer"))?,
            };
            let Output::Json(fields) = &output else {
                return Err(b_at.error("needs a JSON response"));
            };
            let field = |name: &str| fields.iter().find(|f| f.wire_name == name);
            if !field(&body_error.code).is_some_and(|f| matches!(f.ty, Type::I32 | Type::I64)) {
                return Err(b_at.at("code").error("must name an integer response field"));
            }
            if !field(&body_error.message).is_some_and(|f| f.ty == Type::String) {
                return Err(b_at
                    .at("message")
                    .error("must name a string response field"));
            }
            Some(body_error)
        }
    };

    Ok(Operation {
        id,
        method: method.to_ascii_uppercase(),
        path: path.to_owned(),
        summary,
        description: described(op, at)?,
        params,
        body,
        output,
        errors,
        pagination,
        body_error,
    })
}

fn read_param(param: &Json, at: &At, path: &str) -> Result<Option<Param>, String> {
    only_keys(
        param,
        at,
        &[
            "name",
            "in",
            "required",
            "description",
            "schema",
            "example",
            "style",
            "explode",
            "x-huaweicloud-scope",
        ],
    )?;
    let name = req_str(param, at, "name")?;
    let location = match req_str(param, at, "in")? {
        "path" => Location::Path,
        "query" => Location::Query,
        "header" => Location::Header,
        other => {
            return Err(at
                .at("in")
                .error(format!("parameters in `{other}` are not supported")));
        }
    };
    let required = opt_bool(param, at, "required")?.unwrap_or(false);
    if location == Location::Path {
        if !required {
            return Err(at.error("path parameters must be required"));
        }
        if !path.contains(&format!("{{{name}}}")) {
            return Err(at.error(format!("`{name}` is not a placeholder of {path}")));
        }
    }
    if opt_bool(param, at, "x-huaweicloud-scope")? == Some(true) {
        if location != Location::Path || !matches!(name, "project_id" | "domain_id") {
            return Err(
                at.error("only the `project_id`/`domain_id` path parameters can be scope-filled")
            );
        }
        described(param, at)?;
        return Ok(None);
    }
    let description = described(param, at)?;
    let schema_at = at.at("schema");
    let schema = req(param, at, "schema")?;
    let ty = read_type(schema, &schema_at)?;
    match (&ty, location) {
        (Type::Array(_), Location::Query) => {
            if opt_str(param, at, "style")? != Some("form")
                || opt_bool(param, at, "explode")? != Some(false)
            {
                return Err(
                    at.error("query arrays must be `style: form, explode: false` (comma-joined)")
                );
            }
        }
        (Type::Array(_) | Type::Map(_), _) => {
            return Err(
                at.error("arrays and maps are supported only as comma-joined query parameters")
            );
        }
        _ => {
            if param.get("style").is_some() || param.get("explode").is_some() {
                return Err(at.error("`style`/`explode` apply only to query arrays"));
            }
        }
    }
    if location == Location::Header && !name.is_ascii() {
        return Err(at.at("name").error("header names must be ASCII"));
    }
    Ok(Some(Param {
        field: Field {
            wire_name: name.to_owned(),
            rust_name: names::snake(name),
            ty,
            required,
            description,
            notes: notes(schema),
            example: param
                .get("example")
                .or_else(|| schema.get("example"))
                .cloned(),
        },
        location,
    }))
}

fn read_body(service: &Service, body: &Json, at: &At) -> Result<Body, String> {
    only_keys(body, at, &["required", "description", "content"])?;
    let content_at = at.at("content");
    let content = req(body, at, "content")?
        .as_object()
        .ok_or_else(|| content_at.error("expected an object"))?;
    let [(content_type, media)] = content else {
        return Err(content_at.error("exactly one content type is supported"));
    };
    if content_type != "application/json" {
        return Err(content_at.error("only `application/json` bodies are supported"));
    }
    let media_at = content_at.at(content_type);
    only_keys(media, &media_at, &["schema"])?;
    let schema = req(media, &media_at, "schema")?;
    let Type::Named(name) = read_type(schema, &media_at.at("schema"))? else {
        return Err(media_at.error("the body schema must be a `$ref` to a component schema"));
    };
    if service.schema(&name).is_none() {
        return Err(media_at.error(format!("unknown schema `{name}`")));
    }
    if opt_bool(body, at, "required")? != Some(true) {
        return Err(at.error("optional request bodies are not supported; set `required: true`"));
    }
    Ok(Body {
        schema: name,
        content_type: content_type.clone(),
    })
}

type Responses = (Output, Vec<(String, String)>);

fn read_responses(responses: &Json, at: &At) -> Result<Responses, String> {
    let entries = responses
        .as_object()
        .ok_or_else(|| at.error("expected an object"))?;
    let mut success = None;
    let mut errors = Vec::new();
    for (status, response) in entries {
        let r_at = at.at(status);
        let code: u16 = status
            .parse()
            .map_err(|_| r_at.error("status codes must be numbers (no `default` or ranges)"))?;
        let description = described(response, &r_at)?;
        if (200..300).contains(&code) {
            if success.is_some() {
                return Err(r_at.error("only one 2xx response is supported"));
            }
            only_keys(response, &r_at, &["description", "headers", "content"])?;
            if let Some(headers) = response.get("headers").and_then(Json::as_object) {
                for (name, header) in headers {
                    if !name.eq_ignore_ascii_case("x-request-id") {
                        return Err(r_at
                            .at("headers")
                            .at(name)
                            .error("only `X-Request-Id` is supported as a response header"));
                    }
                    only_keys(
                        header,
                        &r_at.at("headers").at(name),
                        &["description", "schema"],
                    )?;
                }
            }
            success = Some(read_output(response, &r_at)?);
        } else if code >= 400 {
            only_keys(response, &r_at, &["description"])?;
            errors.push((status.clone(), description));
        } else {
            return Err(r_at.error("only 2xx, 4xx and 5xx responses are supported"));
        }
    }
    let output = success.ok_or_else(|| at.error("a 2xx response is required"))?;
    Ok((output, errors))
}

fn read_output(response: &Json, at: &At) -> Result<Output, String> {
    let Some(content) = response.get("content") else {
        return Ok(Output::Empty);
    };
    let content_at = at.at("content");
    let [(content_type, media)] = content
        .as_object()
        .ok_or_else(|| content_at.error("expected an object"))?
    else {
        return Err(content_at.error("exactly one content type is supported"));
    };
    let media_at = content_at.at(content_type);
    only_keys(media, &media_at, &["schema"])?;
    let schema = req(media, &media_at, "schema")?;
    let schema_at = media_at.at("schema");
    match content_type.as_str() {
        "application/octet-stream" => {
            only_keys(schema, &schema_at, &["type", "format", "description"])?;
            if schema.get("type").and_then(Json::as_str) != Some("string")
                || schema.get("format").and_then(Json::as_str) != Some("binary")
            {
                return Err(
                    schema_at.error("binary responses must be `type: string, format: binary`")
                );
            }
            Ok(Output::Binary)
        }
        "application/json" => {
            only_keys(
                schema,
                &schema_at,
                &["type", "properties", "required", "description"],
            )?;
            if schema.get("type").and_then(Json::as_str) != Some("object") {
                return Err(
                    schema_at.error("JSON responses must be inline objects with `properties`")
                );
            }
            Ok(Output::Json(read_properties(schema, &schema_at)?))
        }
        other => Err(content_at.error(format!("response content `{other}` is not supported"))),
    }
}

fn check_pagination(
    p: &Pagination,
    params: &[Param],
    output: &Output,
    at: &At,
) -> Result<(), String> {
    let integer_query = |name: &str| {
        params.iter().any(|q| {
            q.location == Location::Query
                && q.field.wire_name == name
                && matches!(q.field.ty, Type::I32 | Type::I64)
        })
    };
    if !integer_query(&p.offset) || !integer_query(&p.limit) {
        return Err(at.error("`offset` and `limit` must name integer query parameters"));
    }
    let Output::Json(fields) = output else {
        return Err(at.error("pagination needs a JSON response"));
    };
    let field = |name: &str| fields.iter().find(|f| f.wire_name == name);
    if !field(&p.count).is_some_and(|f| matches!(f.ty, Type::I32 | Type::I64)) {
        return Err(at.at("count").error("must name an integer response field"));
    }
    if !field(&p.items).is_some_and(|f| matches!(f.ty, Type::Array(_))) {
        return Err(at.at("items").error("must name an array response field"));
    }
    Ok(())
}

/// Every `$ref` names a schema of this spec.
fn check_references(service: &Service) -> Result<(), String> {
    fn names(ty: &Type, out: &mut Vec<String>) {
        match ty {
            Type::Named(n) => out.push(n.clone()),
            Type::Array(t) | Type::Map(t) => names(t, out),
            _ => {}
        }
    }
    let mut referenced = Vec::new();
    for schema in &service.schemas {
        if let SchemaKind::Object(fields) = &schema.kind {
            fields.iter().for_each(|f| names(&f.ty, &mut referenced));
        }
    }
    for op in &service.operations {
        op.params
            .iter()
            .for_each(|p| names(&p.field.ty, &mut referenced));
        if let Output::Json(fields) = &op.output {
            fields.iter().for_each(|f| names(&f.ty, &mut referenced));
        }
    }
    for op in &service.operations {
        for param in &op.params {
            let named = match &param.field.ty {
                Type::Named(n) => Some(n),
                Type::Array(item) => match item.as_ref() {
                    Type::Named(n) => Some(n),
                    Type::String => None,
                    _ => {
                        return Err(format!(
                            "{}: {} parameter `{}`: comma-joined arrays must hold strings or enums",
                            service.spec_path, op.id, param.field.wire_name
                        ));
                    }
                },
                _ => None,
            };
            if let Some(name) = named {
                if !matches!(
                    service.schema(name).map(|s| &s.kind),
                    Some(SchemaKind::Enum(_))
                ) {
                    return Err(format!(
                        "{}: {} parameter `{}`: only enums can be referenced by parameters",
                        service.spec_path, op.id, param.field.wire_name
                    ));
                }
            }
        }
    }
    for name in referenced {
        if service.schema(&name).is_none() {
            return Err(format!(
                "{}: `$ref` to unknown schema `{name}`",
                service.spec_path
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    const PATH: &str = "crates/demo/openapi/v1.json";

    /// A small spec using every supported feature once.
    pub(crate) fn valid() -> serde_json::Value {
        serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "Demo", "version": "v1", "description": "A demo service."},
            "servers": [{"url": "https://demo.{region}.myhuaweicloud.com"}],
            "x-huaweicloud-service": {
                "name": "demo", "crate": "huaweicloud-sdk-demo", "module": "v1",
                "regions": [{"id": "cn-north-4", "endpoint": "https://demo.cn-north-4.myhuaweicloud.com"}]
            },
            "paths": {"/v1/{project_id}/things/{thing_id}": {"post": {
                "operationId": "CreateThing",
                "summary": "Create a thing.",
                "description": "Creates a thing.",
                "parameters": [
                    {"name": "project_id", "in": "path", "required": true, "description": "Project.", "schema": {"type": "string"}, "x-huaweicloud-scope": true},
                    {"name": "thing_id", "in": "path", "required": true, "description": "Thing.", "schema": {"type": "string"}},
                    {"name": "state", "in": "query", "description": "States.", "style": "form", "explode": false, "schema": {"type": "array", "items": {"$ref": "#/components/schemas/State"}}},
                    {"name": "X-App-UserId", "in": "header", "description": "User.", "schema": {"type": "string"}}
                ],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ThingReq"}}}},
                "responses": {
                    "200": {"description": "OK.", "content": {"application/json": {"schema": {"type": "object", "properties": {
                        "id": {"type": "integer", "format": "int64", "description": "Id."}
                    }}}}},
                    "400": {"description": "Bad request."}
                }
            }}},
            "components": {"schemas": {
                "State": {"type": "string", "description": "A state.", "enum": ["ON", "OFF"]},
                "ThingReq": {"type": "object", "description": "Body.", "required": ["name"], "properties": {
                    "name": {"type": "string", "description": "Name.", "maxLength": 64}
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
        assert_eq!(service.operations.len(), 1);
        let op = &service.operations[0];
        let names: Vec<_> = op
            .params
            .iter()
            .map(|p| p.field.rust_name.as_str())
            .collect();
        assert_eq!(
            names,
            ["thing_id", "state", "x_app_user_id"],
            "scope-filled project_id is not a field"
        );
        assert_eq!(op.errors.len(), 1);
        assert!(matches!(&op.output, Output::Json(fields) if fields[0].ty == Type::I64));
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
                serde_json::json!({"type": "string", "description": "Kind.", "enum": ["a"]})
        });
        assert!(e.contains("inline enums"), "{e}");

        let e = refused(|s| {
            s["components"]["schemas"]["ThingReq"]["properties"]["n"] =
                serde_json::json!({"type": "integer", "description": "N."})
        });
        assert!(e.contains("int32"), "{e}");

        let e = refused(|s| op(s)["parameters"][3]["description"] = serde_json::json!("See <b>."));
        assert!(e.contains("outside backticks"), "{e}");

        let e = refused(|s| op(s)["parameters"][2]["explode"] = serde_json::json!(true));
        assert!(e.contains("comma-joined"), "{e}");

        let e = refused(|s| {
            op(s)["parameters"].as_array_mut().unwrap().remove(1);
        });
        assert!(e.contains("{thing_id}"), "{e}");

        let e =
            refused(|s| op(s)["responses"]["201"] = serde_json::json!({"description": "Also OK."}));
        assert!(e.contains("one 2xx"), "{e}");

        let e = refused(|s| op(s)["requestBody"]["required"] = serde_json::json!(false));
        assert!(e.contains("optional request bodies"), "{e}");

        let e = refused(|s| s["openapi"] = serde_json::json!("3.1.0"));
        assert!(e.contains("3.1.0"), "{e}");

        let e = refused(|s| {
            op(s)["parameters"][2]["schema"]["items"]["$ref"] =
                serde_json::json!("#/components/schemas/ThingReq")
        });
        assert!(e.contains("only enums"), "{e}");
    }
}
