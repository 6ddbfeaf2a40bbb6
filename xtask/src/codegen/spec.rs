//! Reading one OpenAPI document into a [`Service`], refusing what the generator cannot express.

use super::docs;
use super::json::{At, Json, only_keys, opt_bool, opt_str, req, req_str};
use super::model::*;
use super::names;

const METHODS: &[&str] = &["get", "post", "put", "delete", "patch"];
const SCHEMA_REF: &str = "#/components/schemas/";

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
                .push(read_schema(name, schema, &schemas_at.at(name))?);
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
            let operation = read_operation(&service, path, method, operation, &item_at.at(method))?;
            service.operations.push(operation);
        }
    }
    check_names(&service)?;
    check_references(&service)?;
    mark_reachability(&mut service);
    box_cycles(&mut service);
    Ok(service)
}

/// The `description`, checked for what rustdoc would misread; `None` when absent.
fn described(value: &Json, at: &At) -> Result<Option<String>, String> {
    match opt_str(value, at, "description")? {
        None => Ok(None),
        Some(text) => {
            docs::check(text).map_err(|e| at.at("description").error(e))?;
            Ok(Some(text.to_owned()))
        }
    }
}

fn read_body_error(rule: &Json, at: &At) -> Result<BodyError, String> {
    only_keys(rule, at, &["code", "message", "success"])?;
    Ok(BodyError {
        code: req_str(rule, at, "code")?.to_owned(),
        message: req_str(rule, at, "message")?.to_owned(),
        success: req(rule, at, "success")?
            .as_i64()
            .ok_or_else(|| at.at("success").error("expected an integer"))?,
    })
}

fn read_schema(name: &str, schema: &Json, at: &At) -> Result<Schema, String> {
    if name.is_empty()
        || !name.starts_with(|c: char| c.is_ascii_uppercase())
        || !name.chars().all(|c| c.is_ascii_alphanumeric())
    {
        return Err(at.error("schema names must be UpperCamelCase identifiers"));
    }
    if RESERVED_TYPES.contains(&name) {
        return Err(at.error(format!(
            "a model named `{name}` would shadow a type the generated code uses"
        )));
    }
    let description = described(schema, at)?;
    let kind = match (opt_str(schema, at, "type")?, schema.get("enum")) {
        (Some("string"), Some(values)) => {
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
            SchemaKind::Enum(read_enum(values, schema, at)?)
        }
        (Some("object"), None) => {
            only_keys(
                schema,
                at,
                &["type", "description", "properties", "required", "example"],
            )?;
            SchemaKind::Object(read_properties(schema, at)?)
        }
        _ => {
            return Err(at.error("component schemas must be string enums or objects"));
        }
    };
    Ok(Schema {
        name: name.to_owned(),
        description,
        kind,
        in_response: false,
        in_request: false,
    })
}

fn read_enum(
    values: &Json,
    schema: &Json,
    at: &At,
) -> Result<Vec<(String, Option<String>)>, String> {
    let values = values
        .as_array()
        .ok_or_else(|| at.at("enum").error("expected an array"))?;
    if values.is_empty() {
        return Err(at.at("enum").error("an enum needs at least one value"));
    }
    let descriptions = schema.get("x-enum-descriptions").and_then(Json::as_array);
    if descriptions.is_some_and(|d| d.len() != values.len()) {
        return Err(at
            .at("x-enum-descriptions")
            .error("needs one entry per enum value"));
    }
    let mut out: Vec<(String, Option<String>)> = Vec::new();
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
        let variant = names::pascal(value);
        if out.iter().any(|(v, _)| names::pascal(v) == variant) {
            return Err(at
                .at("enum")
                .at(i)
                .error("two values map to the same variant name"));
        }
        if variant.is_empty() || variant == "Unknown" {
            return Err(at
                .at("enum")
                .at(i)
                .error("value cannot be named as a variant"));
        }
        out.push((value.to_owned(), doc));
    }
    Ok(out)
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
    let props = match schema.get("properties") {
        None => &[][..],
        Some(props) => props
            .as_object()
            .ok_or_else(|| props_at.error("expected an object"))?,
    };
    for name in &required {
        if !props.iter().any(|(p, _)| p == name) {
            return Err(at
                .at("required")
                .error(format!("`{name}` is not a property")));
        }
    }
    let mut fields: Vec<Field> = Vec::new();
    for (name, prop) in props {
        let prop_at = props_at.at(name);
        let field = read_field(name, prop, required.contains(&name.as_str()), &prop_at)?;
        if fields.iter().any(|f| f.rust_name == field.rust_name) {
            return Err(prop_at.error(format!(
                "two properties map to the Rust field `{}`",
                field.rust_name
            )));
        }
        fields.push(field);
    }
    Ok(fields)
}

const PROPERTY_KEYS: &[&str] = &[
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
    "x-name",
    "x-sensitive",
    "deprecated",
];

fn read_field(wire_name: &str, schema: &Json, required: bool, at: &At) -> Result<Field, String> {
    only_keys(schema, at, PROPERTY_KEYS)?;
    let attr_name = opt_str(schema, at, "x-name")?
        .unwrap_or(wire_name)
        .to_owned();
    Ok(Field {
        wire_name: wire_name.to_owned(),
        rust_name: rust_field_name(&attr_name),
        attr_name,
        ty: read_type(schema, at)?,
        required,
        description: described(schema, at)?,
        notes: notes(schema),
        example: schema.get("example").cloned(),
        sensitive: opt_bool(schema, at, "x-sensitive")? == Some(true),
    })
}

/// The Rust field for an official attribute name: kept when it is already a snake-case
/// identifier, converted otherwise (`repoName` becomes `repo_name`).
fn rust_field_name(attr: &str) -> String {
    let snake_already = attr
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && attr.starts_with(|c: char| c.is_ascii_lowercase() || c == '_');
    if snake_already {
        names::ident(attr)
    } else {
        names::snake(attr)
    }
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
    let Some(ty) = opt_str(schema, at, "type")? else {
        // No type: any JSON value.
        return Ok(Type::Any);
    };
    match (ty, format) {
        ("string", Some("binary")) => Ok(Type::File),
        ("string", _) => Ok(Type::String),
        ("integer", Some("int32")) => Ok(Type::I32),
        ("integer", _) => Ok(Type::I64),
        ("number", _) => Ok(Type::F64),
        ("boolean", _) => Ok(Type::Bool),
        ("array", _) => Ok(Type::Array(Box::new(read_type(
            req(schema, at, "items")?,
            &at.at("items"),
        )?))),
        ("object", _) => match schema.get("additionalProperties") {
            Some(Json::Bool(true)) => Ok(Type::Map(Box::new(Type::Any))),
            Some(values) if values.as_object().is_some() => Ok(Type::Map(Box::new(read_type(
                values,
                &at.at("additionalProperties"),
            )?))),
            None if schema.get("properties").is_none() => Ok(Type::Any),
            _ => Err(at.error(
                "inline objects are not supported: use `additionalProperties` for a map, or a named schema",
            )),
        },
        (ty, format) => Err(at.error(format!(
            "type `{ty}` with format {format:?} is not supported"
        ))),
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
            "deprecated",
            "externalDocs",
            "tags",
            "parameters",
            "requestBody",
            "responses",
            "x-huaweicloud-sdk-method",
            "x-huaweicloud-content-type",
            "x-huaweicloud-pagination",
            "x-huaweicloud-body-error",
        ],
    )?;
    let id = req_str(op, at, "operationId")?.to_owned();
    if !id.starts_with(|c: char| c.is_ascii_uppercase())
        || !id.chars().all(|c| c.is_ascii_alphanumeric())
    {
        return Err(at
            .at("operationId")
            .error("operation ids must be UpperCamelCase"));
    }
    let summary = match opt_str(op, at, "summary")? {
        None => None,
        Some(summary) => {
            docs::check(summary).map_err(|e| at.at("summary").error(e))?;
            Some(summary.to_owned())
        }
    };

    let mut params: Vec<Param> = Vec::new();
    let params_at = at.at("parameters");
    let declared = op
        .get("parameters")
        .and_then(Json::as_array)
        .unwrap_or_default();
    for (i, param) in declared.iter().enumerate() {
        if let Some(param) = read_param(param, &params_at.at(i), path)? {
            if params
                .iter()
                .any(|p| p.field.rust_name == param.field.rust_name)
            {
                return Err(params_at.at(i).error(format!(
                    "two parameters map to the Rust field `{}`",
                    param.field.rust_name
                )));
            }
            params.push(param);
        }
    }
    // Every placeholder needs a parameter (scope-filled ones are checked in read_param).
    for placeholder in path.split('{').skip(1).filter_map(|s| s.split('}').next()) {
        let found = declared
            .iter()
            .any(|p| p.get("name").and_then(Json::as_str) == Some(placeholder));
        if !found {
            return Err(at.error(format!(
                "path placeholder `{{{placeholder}}}` has no parameter"
            )));
        }
    }

    let body = match op.get("requestBody") {
        None => None,
        Some(body) => Some(read_body(service, body, &at.at("requestBody"))?),
    };
    if body.is_some() && params.iter().any(|p| p.field.rust_name == "body") {
        return Err(at.error("a parameter is named `body`, which the request body needs"));
    }
    let content_type = match opt_str(op, at, "x-huaweicloud-content-type")? {
        Some(ct) => ct.to_owned(),
        None => op
            .get("requestBody")
            .and_then(|b| b.get("content"))
            .and_then(Json::as_object)
            .and_then(|c| c.first())
            .map_or_else(|| "application/json".to_owned(), |(ct, _)| ct.clone()),
    };

    let responses = read_responses(req(op, at, "responses")?, &at.at("responses"))?;
    let request_id_field = ["request_id", "x_request_id", "sdk_request_id"]
        .into_iter()
        .find(|name| {
            let taken = |f: &Field| f.bare_name() == *name;
            let in_body =
                matches!(&responses.output, Output::Json(fields) if fields.iter().any(taken));
            !in_body && !responses.headers.iter().any(taken)
        })
        .ok_or_else(|| at.error("no free name for the request id field"))?
        .to_owned();

    let pagination = match op.get("x-huaweicloud-pagination") {
        None | Some(Json::Null) => None,
        Some(p) => Some(read_pagination(
            p,
            &params,
            &responses,
            &at.at("x-huaweicloud-pagination"),
        )?),
    };

    let body_error = match op.get("x-huaweicloud-body-error") {
        Some(rule) => Some(read_body_error(rule, &at.at("x-huaweicloud-body-error"))?),
        None => service.body_error.clone(),
    };
    // The rule applies where the answer declares the code field; other answers cannot carry it.
    let body_error = body_error.filter(|rule| match &responses.output {
        Output::Json(fields) => fields.iter().any(|f| f.wire_name == rule.code),
        _ => false,
    });

    let description = described(op, at)?;
    Ok(Operation {
        snake: names::method(&id),
        id,
        method: method.to_ascii_uppercase(),
        path: path.to_owned(),
        summary,
        description,
        deprecated: opt_bool(op, at, "deprecated")? == Some(true),
        content_type,
        params,
        body,
        output: responses.output,
        headers: responses.headers,
        request_id_headers: responses.request_id_headers,
        request_id_field,
        errors: responses.errors,
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
            "deprecated",
            "x-name",
            "x-sensitive",
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
    let scalar = |t: &Type| {
        matches!(
            t,
            Type::String | Type::I32 | Type::I64 | Type::F64 | Type::Bool | Type::Named(_)
        )
    };
    let mut explode = true;
    match (&ty, location) {
        (Type::Array(item), Location::Query) if scalar(item) => {
            if let Some(style) = opt_str(param, at, "style")? {
                if style != "form" {
                    return Err(at.at("style").error("query arrays must be `style: form`"));
                }
            }
            explode = opt_bool(param, at, "explode")?.unwrap_or(true);
        }
        (t, _) if scalar(t) => {
            if param.get("style").is_some() || param.get("explode").is_some() {
                return Err(at.error("`style`/`explode` apply only to query arrays"));
            }
        }
        _ => {
            return Err(at.error(
                "parameters must be scalars or enums (query parameters may also be arrays of them)",
            ));
        }
    }
    if location == Location::Header
        && !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(at
            .at("name")
            .error("header names must be ASCII letters, digits, `-` and `_`"));
    }
    let attr_name =
        opt_str(param, at, "x-name")?.map_or_else(|| names::file_stem(name), str::to_owned);
    Ok(Some(Param {
        field: Field {
            wire_name: name.to_owned(),
            rust_name: rust_field_name(&attr_name),
            attr_name,
            ty,
            required,
            description,
            notes: notes(schema),
            example: param
                .get("example")
                .or_else(|| schema.get("example"))
                .cloned(),
            sensitive: opt_bool(param, at, "x-sensitive")? == Some(true),
        },
        location,
        explode,
    }))
}

fn read_body(service: &Service, body: &Json, at: &At) -> Result<Body, String> {
    only_keys(body, at, &["required", "description", "content", "x-name"])?;
    let content_at = at.at("content");
    let content = req(body, at, "content")?
        .as_object()
        .ok_or_else(|| content_at.error("expected an object"))?;
    let [(content_type, media)] = content else {
        return Err(content_at.error("exactly one content type is supported"));
    };
    let media_at = content_at.at(content_type);
    only_keys(media, &media_at, &["schema"])?;
    let schema_at = media_at.at("schema");
    let ty = read_type(req(media, &media_at, "schema")?, &schema_at)?;
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let kind = match (essence.as_str(), &ty) {
        ("multipart/form-data", Type::Named(name)) => {
            let Some(SchemaKind::Object(fields)) = service.schema(name).map(|s| &s.kind) else {
                return Err(schema_at.error("a multipart body must reference an object schema"));
            };
            for field in fields {
                let part = |t: &Type| {
                    matches!(
                        t,
                        Type::String
                            | Type::I32
                            | Type::I64
                            | Type::F64
                            | Type::Bool
                            | Type::File
                            | Type::Named(_)
                    )
                };
                let enum_or_scalar = match &field.ty {
                    Type::Named(n) => matches!(
                        service.schema(n).map(|s| &s.kind),
                        Some(SchemaKind::Enum(_))
                    ),
                    t => part(t),
                };
                if !enum_or_scalar {
                    return Err(schema_at.error(format!(
                        "multipart field `{}` must be a scalar, an enum or a file",
                        field.wire_name
                    )));
                }
            }
            BodyKind::Multipart
        }
        ("multipart/form-data", _) => {
            return Err(schema_at.error("a multipart body must reference an object schema"));
        }
        (_, Type::String) => BodyKind::Text,
        (_, Type::File) => {
            return Err(schema_at.error("binary request bodies are not supported"));
        }
        (e, _) if e == "application/json" || e.ends_with("+json") => BodyKind::Json,
        (other, _) => {
            return Err(content_at.error(format!(
                "request content `{other}` is supported only for string bodies"
            )));
        }
    };
    if ty.has_file() && kind != BodyKind::Multipart {
        return Err(schema_at.error("file fields need a multipart/form-data body"));
    }
    Ok(Body {
        ty,
        kind,
        required: opt_bool(body, at, "required")? == Some(true),
    })
}

struct Responses {
    output: Output,
    headers: Vec<Field>,
    request_id_headers: Vec<String>,
    errors: Vec<(String, String)>,
}

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
        if (200..300).contains(&code) {
            if success.is_some() {
                return Err(r_at.error("only one 2xx response is supported"));
            }
            only_keys(response, &r_at, &["description", "headers", "content"])?;
            described(response, &r_at)?;
            success = Some(read_success(response, &r_at)?);
        } else if code >= 400 {
            only_keys(response, &r_at, &["description"])?;
            let description = described(response, &r_at)?
                .ok_or_else(|| r_at.error("an error response needs a `description`"))?;
            errors.push((status.clone(), description));
        } else {
            return Err(r_at.error("only 2xx, 4xx and 5xx responses are supported"));
        }
    }
    let (output, headers, request_id_headers) =
        success.ok_or_else(|| at.error("a 2xx response is required"))?;
    Ok(Responses {
        output,
        headers,
        request_id_headers,
        errors,
    })
}

type Success = (Output, Vec<Field>, Vec<String>);

fn read_success(response: &Json, at: &At) -> Result<Success, String> {
    let mut headers: Vec<Field> = Vec::new();
    let mut request_id_headers = Vec::new();
    if let Some(declared) = response.get("headers").and_then(Json::as_object) {
        for (name, header) in declared {
            let h_at = at.at("headers").at(name);
            only_keys(header, &h_at, &["description", "schema", "x-name"])?;
            if name.eq_ignore_ascii_case("x-request-id") {
                request_id_headers.push(name.clone());
                continue;
            }
            if headers
                .iter()
                .any(|h| h.wire_name.eq_ignore_ascii_case(name))
            {
                // The same header declared in two spellings (`X-Swr-Expireat`,
                // `x-swr-expireat`): HTTP header names are case-insensitive, one field serves.
                continue;
            }
            let ty = match header.get("schema") {
                Some(schema) => read_type(schema, &h_at.at("schema"))?,
                None => Type::String,
            };
            if !matches!(
                ty,
                Type::String | Type::I32 | Type::I64 | Type::F64 | Type::Bool
            ) {
                return Err(h_at.error("response headers must be scalars"));
            }
            let attr_name = opt_str(header, &h_at, "x-name")?
                .map_or_else(|| names::file_stem(name), str::to_owned);
            headers.push(Field {
                wire_name: name.clone(),
                rust_name: rust_field_name(&attr_name),
                attr_name,
                ty,
                required: false,
                description: described(header, &h_at)?,
                notes: Vec::new(),
                example: None,
                sensitive: false,
            });
        }
    }
    let output = read_output(response, at)?;
    if let Output::Json(fields) = &output {
        for header in &mut headers {
            if fields.iter().any(|f| f.rust_name == header.rust_name) {
                header.rust_name = format!("{}_header", header.bare_name());
            }
        }
    }
    Ok((output, headers, request_id_headers))
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
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if essence != "application/json" {
        if schema.get("format").and_then(Json::as_str) == Some("binary") {
            return Ok(Output::Binary);
        }
        return Err(content_at.error(format!(
            "response content `{content_type}` is supported only as a binary stream"
        )));
    }
    let is_object = schema.get("type").and_then(Json::as_str) == Some("object")
        && schema.get("additionalProperties").is_none();
    if is_object {
        only_keys(
            schema,
            &schema_at,
            &["type", "properties", "required", "description", "x-name"],
        )?;
        return Ok(Output::Json(read_properties(schema, &schema_at)?));
    }
    let mut whole = schema.clone();
    if let Json::Object(entries) = &mut whole {
        entries.retain(|(k, _)| k != "x-name");
    }
    only_keys(&whole, &schema_at, PROPERTY_KEYS)?;
    match read_type(&whole, &schema_at)? {
        Type::File => Ok(Output::Binary),
        ty => Ok(Output::Whole(ty)),
    }
}

fn read_count(value: &Json, at: &At) -> Result<Count, String> {
    match value {
        Json::String(name) => Ok(Count::Field(name.clone())),
        Json::Object(_) => {
            only_keys(value, at, &["header"])?;
            Ok(Count::ContentRange(
                req_str(value, at, "header")?.to_owned(),
            ))
        }
        _ => Err(at.error("expected a response field name or `{\"header\": ...}`")),
    }
}

fn read_pagination(
    p: &Json,
    params: &[Param],
    responses: &Responses,
    at: &At,
) -> Result<Pagination, String> {
    let kind = opt_str(p, at, "kind")?.unwrap_or("offset");
    let name = |key: &str| req_str(p, at, key).map(str::to_owned);
    let count = match p.get("count") {
        None | Some(Json::Null) => None,
        Some(c) => Some(read_count(c, &at.at("count"))?),
    };
    let pagination = match kind {
        "offset" => {
            only_keys(p, at, &["kind", "offset", "limit", "count", "items"])?;
            Pagination::Offset {
                offset: name("offset")?,
                limit: name("limit")?,
                count,
                items: name("items")?,
            }
        }
        "page" => {
            only_keys(p, at, &["kind", "page", "size", "count", "items"])?;
            Pagination::Page {
                page: name("page")?,
                size: name("size")?,
                count,
                items: name("items")?,
            }
        }
        "marker" => {
            only_keys(p, at, &["kind", "marker", "limit", "next", "items"])?;
            Pagination::Marker {
                marker: name("marker")?,
                limit: opt_str(p, at, "limit")?.map(str::to_owned),
                next: name("next")?,
                items: name("items")?,
            }
        }
        other => {
            return Err(at
                .at("kind")
                .error(format!("pagination kind `{other}` is not supported")));
        }
    };
    check_pagination(&pagination, params, responses, at)?;
    Ok(pagination)
}

fn check_pagination(
    p: &Pagination,
    params: &[Param],
    responses: &Responses,
    at: &At,
) -> Result<(), String> {
    let query = |name: &str, types: &[Type]| {
        params.iter().any(|q| {
            q.location == Location::Query
                && q.field.wire_name == name
                && types.contains(&q.field.ty)
        })
    };
    let numeric = [Type::I32, Type::I64, Type::String];
    let empty = Vec::new();
    let fields = match &responses.output {
        Output::Json(fields) => fields,
        Output::Whole(Type::Array(_)) => &empty,
        _ => return Err(at.error("pagination needs a JSON response")),
    };
    let field = |name: &str| fields.iter().find(|f| f.wire_name == name);
    let (cursor, items, count) = match p {
        Pagination::Offset {
            offset: position,
            limit: size,
            items,
            count,
        }
        | Pagination::Page {
            page: position,
            size,
            items,
            count,
        } => {
            if !query(position, &numeric) || !query(size, &numeric) {
                return Err(at.error(format!(
                    "`{position}` and `{size}` must name integer or string query parameters"
                )));
            }
            (None, items, count.as_ref())
        }
        Pagination::Marker {
            marker,
            limit,
            next,
            items,
        } => {
            if !query(marker, &numeric) {
                return Err(at.error("`marker` must name a string or integer query parameter"));
            }
            if limit.as_deref().is_some_and(|l| !query(l, &numeric)) {
                return Err(at.error("`limit` must name an integer or string query parameter"));
            }
            (Some(next), items, None)
        }
    };
    if let Some(next) = cursor {
        if !field(next).is_some_and(|f| matches!(f.ty, Type::String | Type::I32 | Type::I64)) {
            return Err(at
                .at("next")
                .error("must name a string or integer response field"));
        }
    }
    let bare_array = matches!(responses.output, Output::Whole(Type::Array(_))) && items == "body";
    if !bare_array && !field(items).is_some_and(|f| matches!(f.ty, Type::Array(_))) {
        return Err(at
            .at("items")
            .error("must name an array response field (or `body` for a bare JSON array)"));
    }
    match count {
        Some(Count::Field(name))
            if !field(name).is_some_and(|f| matches!(f.ty, Type::I32 | Type::I64)) =>
        {
            return Err(at.at("count").error("must name an integer response field"));
        }
        Some(Count::ContentRange(header))
            if !responses
                .headers
                .iter()
                .any(|h| h.wire_name.eq_ignore_ascii_case(header) && h.ty == Type::String) =>
        {
            return Err(at
                .at("count")
                .error("must name a declared string response header"));
        }
        _ => {}
    }
    Ok(())
}

/// Operation ids and method names are unique.
fn check_names(service: &Service) -> Result<(), String> {
    let mut ids: Vec<(&str, &str)> = service
        .operations
        .iter()
        .map(|o| (o.snake.as_str(), o.id.as_str()))
        .collect();
    ids.sort();
    if let Some(pair) = ids.windows(2).find(|w| w[0].0 == w[1].0) {
        return Err(format!(
            "{}: operations `{}` and `{}` map to the same method `{}`",
            service.spec_path, pair[0].1, pair[1].1, pair[0].0
        ));
    }
    Ok(())
}

/// Every `$ref` names a schema of this spec; parameters reference only enums.
fn check_references(service: &Service) -> Result<(), String> {
    let mut referenced = Vec::new();
    for schema in &service.schemas {
        if let SchemaKind::Object(fields) = &schema.kind {
            fields.iter().for_each(|f| f.ty.named(&mut referenced));
        }
    }
    for op in &service.operations {
        op.params
            .iter()
            .for_each(|p| p.field.ty.named(&mut referenced));
        if let Some(body) = &op.body {
            body.ty.named(&mut referenced);
        }
        match &op.output {
            Output::Json(fields) => fields.iter().for_each(|f| f.ty.named(&mut referenced)),
            Output::Whole(ty) => ty.named(&mut referenced),
            _ => {}
        }
    }
    for name in &referenced {
        if service.schema(name).is_none() {
            return Err(format!(
                "{}: `$ref` to unknown schema `{name}`",
                service.spec_path
            ));
        }
    }
    for op in &service.operations {
        for param in &op.params {
            let mut named = Vec::new();
            param.field.ty.named(&mut named);
            for name in named {
                if !matches!(
                    service.schema(&name).map(|s| &s.kind),
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
    Ok(())
}

/// Marks each schema as reachable from requests and/or answers.
fn mark_reachability(service: &mut Service) {
    let mut request_roots = Vec::new();
    let mut response_roots = Vec::new();
    for op in &service.operations {
        op.params
            .iter()
            .for_each(|p| p.field.ty.named(&mut request_roots));
        if let Some(body) = &op.body {
            body.ty.named(&mut request_roots);
        }
        match &op.output {
            Output::Json(fields) => fields.iter().for_each(|f| f.ty.named(&mut response_roots)),
            Output::Whole(ty) => ty.named(&mut response_roots),
            _ => {}
        }
    }
    let request = closure(service, request_roots);
    let response = closure(service, response_roots);
    for schema in &mut service.schemas {
        schema.in_request = request.contains(&schema.name);
        schema.in_response = response.contains(&schema.name);
    }
}

/// Every schema reachable from `roots`.
fn closure(service: &Service, mut pending: Vec<String>) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    while let Some(name) = pending.pop() {
        if seen.contains(&name) {
            continue;
        }
        if let Some(SchemaKind::Object(fields)) = service.schema(&name).map(|s| &s.kind) {
            for field in fields {
                field.ty.named(&mut pending);
            }
        }
        seen.push(name);
    }
    seen.sort();
    seen
}

/// A model that contains itself through plain fields (not a list or map) would have an
/// infinite size: such fields are boxed.
fn box_cycles(service: &mut Service) {
    let direct = |service: &Service, name: &str| -> Vec<String> {
        match service.schema(name).map(|s| &s.kind) {
            Some(SchemaKind::Object(fields)) => fields
                .iter()
                .filter_map(|f| match &f.ty {
                    Type::Named(n) => Some(n.clone()),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    };
    let reaches = |service: &Service, from: &str, target: &str| {
        let mut pending = vec![from.to_owned()];
        let mut seen: Vec<String> = Vec::new();
        while let Some(name) = pending.pop() {
            if name == target {
                return true;
            }
            if seen.contains(&name) {
                continue;
            }
            pending.extend(direct(service, &name));
            seen.push(name);
        }
        false
    };
    let mut boxed = Vec::new();
    for (i, schema) in service.schemas.iter().enumerate() {
        if let SchemaKind::Object(fields) = &schema.kind {
            for (j, field) in fields.iter().enumerate() {
                if let Type::Named(target) = &field.ty {
                    if reaches(service, target, &schema.name) {
                        boxed.push((i, j));
                    }
                }
            }
        }
    }
    for (i, j) in boxed {
        if let Some(SchemaKind::Object(fields)) = service.schemas.get_mut(i).map(|s| &mut s.kind) {
            if let Some(field) = fields.get_mut(j) {
                if let Type::Named(name) = &field.ty {
                    field.ty = Type::Boxed(name.clone());
                }
            }
        }
    }
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
