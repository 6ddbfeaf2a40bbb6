//! Operations: parameters, the request body, and what the generated request needs from them.

use super::super::docs;
use super::super::json::{At, Json, only_keys, opt_bool, opt_str, req, req_str};
use super::super::model::*;
use super::super::names;
use super::paging::read_pagination;
use super::responses::read_responses;
use super::schemas::{facts, read_type, rust_field_name};
use super::{described, read_body_error};

pub(super) fn read_operation(
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
        deprecated_note: None,
        replacement: None,
        content_type,
        params,
        body,
        output: responses.output,
        output_description: None,
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
            facts: facts(schema),
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
        description: described(body, at)?,
        kind,
        required: opt_bool(body, at, "required")? == Some(true),
    })
}
