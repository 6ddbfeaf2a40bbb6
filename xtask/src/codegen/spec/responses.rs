//! The answer of an operation: its one 2xx response (body and headers) and documented errors.

use super::super::json::{At, Json, only_keys, opt_str, req};
use super::super::model::*;
use super::super::names;
use super::described;
use super::schemas::{PROPERTY_KEYS, read_properties, read_type, rust_field_name};

pub(super) struct Responses {
    pub(super) output: Output,
    pub(super) headers: Vec<Field>,
    pub(super) request_id_headers: Vec<String>,
    pub(super) errors: Vec<(String, String)>,
}

pub(super) fn read_responses(responses: &Json, at: &At) -> Result<Responses, String> {
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
                facts: Facts::default(),
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
