//! Component schemas: objects and their fields, enums, and the types fields can have.

use super::super::docs;
use super::super::json::{At, Json, only_keys, opt_bool, opt_str, req};
use super::super::model::*;
use super::super::names;
use super::{RESERVED_TYPES, SCHEMA_REF, described};

pub(super) fn read_schema(name: &str, schema: &Json, at: &At) -> Result<Schema, String> {
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
        validated: false,
    })
}

pub(super) fn read_enum(values: &Json, schema: &Json, at: &At) -> Result<Vec<EnumValue>, String> {
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
    let mut out: Vec<EnumValue> = Vec::new();
    for (i, value) in values.iter().enumerate() {
        let value = value
            .as_str()
            .ok_or_else(|| at.at("enum").at(i).error("enum values must be strings"))?;
        if out.iter().any(|v| v.value == value) {
            return Err(at.at("enum").at(i).error("the value is listed twice"));
        }
        let description = match descriptions.and_then(|d| d.get(i)) {
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
        // Values differing only in case or punctuation (`Yes`, `yes`) get numbered variants.
        let base = names::variant(value);
        let mut variant = base.clone();
        let mut n = 2;
        while out.iter().any(|v| v.variant == variant) {
            variant = format!("{base}{n}");
            n += 1;
        }
        out.push(EnumValue {
            value: value.to_owned(),
            variant,
            description,
        });
    }
    Ok(out)
}

/// The `properties` of an object schema as fields, in document order.
pub(super) fn read_properties(schema: &Json, at: &At) -> Result<Vec<Field>, String> {
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

pub(super) const PROPERTY_KEYS: &[&str] = &[
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

pub(super) fn read_field(
    wire_name: &str,
    schema: &Json,
    required: bool,
    at: &At,
) -> Result<Field, String> {
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
        facts: facts(schema),
        example: schema.get("example").cloned(),
        sensitive: opt_bool(schema, at, "x-sensitive")? == Some(true),
    })
}

/// The Rust field for an official attribute name: kept when it is already a snake-case
/// identifier, converted otherwise (`repoName` becomes `repo_name`).
pub(super) fn rust_field_name(attr: &str) -> String {
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
pub(super) fn read_type(schema: &Json, at: &At) -> Result<Type, String> {
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

/// The structured facts of a property or parameter schema.
pub(super) fn facts(schema: &Json) -> Facts {
    let number = |key: &str| match schema.get(key) {
        Some(Json::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    Facts {
        min_length: number("minLength"),
        max_length: number("maxLength"),
        minimum: number("minimum"),
        maximum: number("maximum"),
        min_items: number("minItems"),
        max_items: number("maxItems"),
        pattern: schema
            .get("pattern")
            .and_then(Json::as_str)
            .map(str::to_owned),
        date_format: schema
            .get("format")
            .and_then(Json::as_str)
            .filter(|f| f.starts_with("date"))
            .map(str::to_owned),
        // Shown in backticks, so a value holding one is left out rather than broken.
        default: match schema.get("default") {
            Some(Json::String(s)) if !s.contains('`') => Some(s.clone()),
            Some(Json::Number(n)) => Some(n.to_string()),
            Some(Json::Bool(b)) => Some(b.to_string()),
            _ => None,
        },
        values: Vec::new(),
    }
}
