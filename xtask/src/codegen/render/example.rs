//! The example on each client method: the required fields set with values of their types.

use super::super::model::{Field, Output, SchemaKind, Service, Type};

/// How deep required models may nest in an example before the generator gives up.
const MAX_DEPTH: usize = 8;

/// A `no_run` doctest calling the operation with every required field set.
pub fn example(service: &Service, op: &super::super::model::Operation) -> Result<String, String> {
    let region = if service.regions.iter().any(|(id, _)| id == "cn-north-4") {
        "cn-north-4"
    } else {
        service
            .regions
            .first()
            .map_or("cn-north-4", |(id, _)| id.as_str())
    };
    let mut uses_models = false;
    let mut calls = format!("let output = client\n    .{}()", op.snake);
    for param in op.params.iter().filter(|p| p.field.required) {
        let value = match (&param.field.ty, literal(&param.field)) {
            (_, Some(literal)) => literal,
            (Type::Array(item), None) => value(service, item, false, 0, &mut uses_models)?,
            (ty, None) => value(service, ty, false, 0, &mut uses_models)?,
        };
        calls.push_str(&format!("\n    .{}({value})", param.field.rust_name));
    }
    if let Some(body) = &op.body {
        let value = value(service, &body.ty, false, 0, &mut uses_models)?;
        calls.push_str(&format!("\n    .body({value})"));
    }
    calls.push_str("\n    .send()\n    .await?;");
    let show = match &op.output {
        Output::Binary => {
            "let bytes = output.body.collect().await?;\nprintln!(\"{} bytes\", bytes.len());"
                .to_owned()
        }
        _ => "println!(\"{output:?}\");".to_owned(),
    };
    let models = if uses_models {
        format!(
            "use {}::{}::models;\n",
            service.crate_ident(),
            service.module
        )
    } else {
        String::new()
    };
    Ok(format!(
        "```no_run\n# async fn example() -> huaweicloud_sdk_core::Result<()> {{\nuse huaweicloud_sdk_core::Config;\nuse {krate}::{module}::Client;\n{models}\nlet client = Client::new(&Config::from_env()?.with_region({region:?}))?;\n{calls}\n{show}\n# Ok(())\n# }}\n```",
        krate = service.crate_ident(),
        module = service.module,
    ))
}

/// A Rust expression of type `ty`; `exact` when no `Into` conversion will happen (inside a
/// `vec!`), so literals must have the field's exact type.
fn value(
    service: &Service,
    ty: &Type,
    exact: bool,
    depth: usize,
    uses_models: &mut bool,
) -> Result<String, String> {
    if depth > MAX_DEPTH {
        return Err(format!(
            "{}: required models nest too deeply for an example",
            service.spec_path
        ));
    }
    Ok(match ty {
        Type::String if exact => "String::from(\"example\")".to_owned(),
        Type::String => "\"example\"".to_owned(),
        Type::I32 if exact => "1_i32".to_owned(),
        Type::I64 if exact => "1_i64".to_owned(),
        Type::I32 | Type::I64 => "1".to_owned(),
        Type::F64 => "1.0".to_owned(),
        Type::Bool => "true".to_owned(),
        Type::Any => "serde_json::Value::Null".to_owned(),
        Type::File => "huaweicloud_sdk_core::FilePart::from_bytes(&b\"example\"[..])".to_owned(),
        Type::Boxed(name) if exact => format!(
            "Box::new({})",
            value(
                service,
                &Type::Named(name.clone()),
                true,
                depth,
                uses_models
            )?
        ),
        Type::Named(name) | Type::Boxed(name) => {
            *uses_models = true;
            let schema = service
                .schema(name)
                .ok_or_else(|| format!("unknown schema {name}"))?;
            match &schema.kind {
                SchemaKind::Enum(values) => {
                    let first = values.first().map(|v| v.value.as_str()).unwrap_or_default();
                    if exact {
                        format!("models::{name}::from({first:?})")
                    } else {
                        format!("{first:?}")
                    }
                }
                SchemaKind::Object(fields) => {
                    let mut args = Vec::new();
                    for field in fields.iter().filter(|f| !schema.stored_optional(f)) {
                        let inner = match &field.ty {
                            Type::Boxed(n) => Type::Named(n.clone()),
                            other => other.clone(),
                        };
                        match literal(field) {
                            Some(literal) => args.push(literal),
                            None => {
                                args.push(value(service, &inner, false, depth + 1, uses_models)?)
                            }
                        }
                    }
                    format!("models::{name}::new({})", args.join(", "))
                }
            }
        }
        Type::Array(item) => format!(
            "vec![{}]",
            value(service, item, true, depth + 1, uses_models)?
        ),
        Type::Map(item) => {
            let item = full_type(item);
            if item.contains("models::") {
                *uses_models = true;
            }
            format!("std::collections::BTreeMap::<String, {item}>::new()")
        }
    })
}

/// The field's `example` as a literal, for fields whose setter takes `impl Into` of a scalar
/// or enum.
fn literal(field: &Field) -> Option<String> {
    let scalar = matches!(
        field.ty,
        Type::String | Type::I32 | Type::I64 | Type::Bool | Type::Named(_)
    );
    let literal = field.example.as_ref()?.to_rust_literal()?;
    let quoted = literal.starts_with('"');
    let fits = match field.ty {
        Type::String | Type::Named(_) => quoted,
        Type::Bool => literal == "true" || literal == "false",
        _ => !quoted && literal.parse::<i64>().is_ok(),
    };
    (scalar && fits).then_some(literal)
}

/// A type written out in full, for turbofish positions.
fn full_type(ty: &Type) -> String {
    match ty {
        Type::Map(item) => format!("std::collections::BTreeMap<String, {}>", full_type(item)),
        Type::Array(item) => format!("Vec<{}>", full_type(item)),
        Type::File => "huaweicloud_sdk_core::FilePart".to_owned(),
        other => super::rust_type(other, "models::"),
    }
}
