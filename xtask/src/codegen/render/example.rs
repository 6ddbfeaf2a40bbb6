//! The example on each client method: every required field set by name, at any depth, with a
//! plausible value drawn from the field's facts (a listed value, a length within limits, a
//! number within range), using only what the service crate re-exports.

use super::super::model::{Facts, Field, Operation, Output, SchemaKind, Service, Type};

/// How deep required models may nest in an example before the generator gives up.
const MAX_DEPTH: usize = 8;

/// A `no_run` doctest calling the operation with every required field set.
pub fn example(service: &Service, op: &Operation) -> Result<String, String> {
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
        let field = &param.field;
        let ty = match &field.ty {
            Type::Array(item) => item.as_ref(),
            other => other,
        };
        let value = value(service, field, ty, false, 0, &mut uses_models)?;
        calls.push_str(&format!("\n    .{}({value})", field.rust_name));
    }
    if let Some(body) = &op.body {
        let field = Field {
            wire_name: "body".into(),
            attr_name: "body".into(),
            rust_name: "body".into(),
            ty: body.ty.clone(),
            required: body.required,
            description: None,
            facts: Facts::default(),
            example: None,
            sensitive: false,
        };
        let value = value(service, &field, &body.ty, false, 0, &mut uses_models)?;
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
    let krate = service.crate_ident();
    let module = &service.module;
    let models = if uses_models {
        format!("use {krate}::{module}::models;\n")
    } else {
        String::new()
    };
    // Calling a deprecated operation is what its example is for.
    let allow = if op.deprecated {
        "# #[allow(deprecated)]\n"
    } else {
        ""
    };
    Ok(format!(
        "```no_run\n{allow}# async fn example() -> {krate}::Result<()> {{\nuse {krate}::Config;\nuse {krate}::{module}::Client;\n{models}\nlet client = Client::new(&Config::from_env()?.with_region({region:?}))?;\n{calls}\n{show}\n# Ok(())\n# }}\n```",
    ))
}

/// A Rust expression for `field` of type `ty` (the item type, for a list); `exact` when no
/// `Into` conversion will happen (inside a `vec!`), so literals must have the exact type.
fn value(
    service: &Service,
    field: &Field,
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
    let krate = service.crate_ident();
    Ok(match ty {
        Type::String => {
            let text = format!("{:?}", text(field));
            if exact {
                format!("String::from({text})")
            } else {
                text
            }
        }
        Type::I32 | Type::I64 => {
            let n = number(field);
            match (exact, ty) {
                (true, Type::I32) => format!("{n}_i32"),
                (true, _) => format!("{n}_i64"),
                _ => n.to_string(),
            }
        }
        Type::F64 => format!("{}.0", number(field)),
        Type::Bool => field
            .facts
            .default
            .clone()
            .filter(|d| d == "true" || d == "false")
            .unwrap_or_else(|| "true".to_owned()),
        // `serde_json::Value` converts from `()` (as `null`), so no `serde_json` import is needed.
        Type::Any => "()".to_owned(),
        Type::File => format!("{krate}::FilePart::from_bytes(&b\"file contents\"[..])"),
        Type::Boxed(name) if exact => format!(
            "Box::new({})",
            value(
                service,
                field,
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
                    let listed = field_literal(field)
                        .and_then(|l| values.iter().find(|v| format!("{:?}", v.value) == l))
                        .or_else(|| values.first());
                    match listed {
                        Some(v) => format!("models::{name}::{}", v.variant),
                        None => format!("models::{name}::from(\"\")"),
                    }
                }
                SchemaKind::Object(fields) => {
                    let mut out = format!("models::{name}::new()");
                    for inner in fields.iter().filter(|f| schema.requires(f)) {
                        let item = match &inner.ty {
                            Type::Array(item) => item.as_ref().clone(),
                            Type::Boxed(n) => Type::Named(n.clone()),
                            other => other.clone(),
                        };
                        if let Type::Map(_) = item {
                            // A map setter takes one entry; an empty map is what `new` holds.
                            continue;
                        }
                        let v = value(service, inner, &item, false, depth + 1, uses_models)?;
                        // Each level of nesting indents its setters one step further.
                        let indent = " ".repeat(8 + 4 * depth);
                        out.push_str(&format!("\n{indent}.{}({v})", inner.rust_name));
                    }
                    out
                }
            }
        }
        Type::Array(item) => format!(
            "vec![{}]",
            value(service, field, item, true, depth + 1, uses_models)?
        ),
        Type::Map(item) => {
            let item = full_type(service, item);
            if item.contains("models::") {
                *uses_models = true;
            }
            format!("std::collections::BTreeMap::<String, {item}>::new()")
        }
    })
}

/// A type written out in full, for turbofish positions.
fn full_type(service: &Service, ty: &Type) -> String {
    match ty {
        Type::Map(item) => format!(
            "std::collections::BTreeMap<String, {}>",
            full_type(service, item)
        ),
        Type::Array(item) => format!("Vec<{}>", full_type(service, item)),
        Type::File => format!("{}::FilePart", service.crate_ident()),
        other => super::rust_type(other, "models::"),
    }
}

/// The field's `example` as a literal, when it is a string or number.
fn field_literal(field: &Field) -> Option<String> {
    field.example.as_ref()?.to_rust_literal()
}

/// A string for `field`: its example, default or first listed value, else a value shaped by
/// its name and format, fitted to its length limits.
fn text(field: &Field) -> String {
    let facts = &field.facts;
    let given = field
        .example
        .as_ref()
        .and_then(|e| e.as_str().map(str::to_owned))
        .or_else(|| facts.default.clone())
        .or_else(|| facts.values.first().map(|(v, _)| v.clone()));
    if let Some(given) = given {
        return given;
    }
    let name = field.attr_name.to_ascii_lowercase();
    let base = if facts.date_format.is_some() {
        "2024-01-01T00:00:00Z".to_owned()
    } else if name.ends_with("id") || name.ends_with("ids") {
        "0a1b2c3d4e5f".to_owned()
    } else if name.contains("time") || name.contains("date") {
        "2024-01-01T00:00:00Z".to_owned()
    } else if name.contains("url") || name.contains("endpoint") {
        "https://example.com".to_owned()
    } else {
        format!("my-{}", name.replace('_', "-"))
    };
    let min = facts
        .min_length
        .as_deref()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let max = facts
        .max_length
        .as_deref()
        .and_then(|n| n.parse().ok())
        .unwrap_or(usize::MAX);
    let mut out: String = base.chars().take(max.max(1)).collect();
    while out.chars().count() < min {
        out.push('x');
    }
    out
}

/// A whole number for `field`: its example, default or first listed value, else 1 moved into
/// its range.
fn number(field: &Field) -> i64 {
    let facts = &field.facts;
    let parse = |s: &str| s.parse::<f64>().ok().map(|n| n as i64);
    let given = field
        .example
        .as_ref()
        .and_then(|e| e.to_rust_literal())
        .and_then(|l| parse(&l))
        .or_else(|| facts.default.as_deref().and_then(parse))
        .or_else(|| facts.values.first().and_then(|(v, _)| parse(v)));
    if let Some(n) = given {
        return n;
    }
    let min = facts.minimum.as_deref().and_then(parse);
    let max = facts.maximum.as_deref().and_then(parse);
    let mut n = 1;
    if let Some(min) = min {
        n = n.max(min);
    }
    if let Some(max) = max {
        n = n.min(max);
    }
    n
}

#[cfg(test)]
mod tests {
    use super::super::test_fixture::{self, op};
    use super::*;

    #[test]
    fn example_uses_only_the_service_crate_and_sets_every_required_field() {
        let service = test_fixture::service();
        let text = example(&service, op(&service, "CreateWidget")).unwrap();
        assert!(!text.contains("huaweicloud_sdk_core"), "{text}");
        let uses: Vec<&str> = text.lines().filter(|l| l.starts_with("use ")).collect();
        assert_eq!(
            uses,
            [
                "use huaweicloud_sdk_demo::Config;",
                "use huaweicloud_sdk_demo::v1::Client;",
                "use huaweicloud_sdk_demo::v1::models;",
            ]
        );
        assert!(text.contains("-> huaweicloud_sdk_demo::Result<()>"));
        assert!(
            text.contains("Config::from_env()?.with_region(\"cn-north-4\")"),
            "cn-north-4 is preferred when the service has it: {text}"
        );
        // The path id, the query value listed in the descriptions, and the body's required
        // fields at every depth (the name cut to its 4-character limit); optional ones are
        // left out.
        assert!(
            text.contains(
                "    .create_widget()\n    .widget_id(\"0a1b2c3d4e5f\")\n    .zone(\"az1\")\n    .body(models::WidgetReq::new()\n        .items(models::Item::new()\n            .id(\"0a1b2c3d4e5f\"))\n        .name(\"my-n\"))\n    .send()\n    .await?;"
            ),
            "{text}"
        );
        assert!(!text.contains(".tags(") && !text.contains(".color("));
        assert!(text.contains("println!(\"{output:?}\");"));
        assert!(text.starts_with("```no_run\n# async fn example()"));
    }

    #[test]
    fn example_without_models_imports_none_and_a_deprecated_binary_call_is_allowed_and_read() {
        let service = test_fixture::service();
        let listing = example(&service, op(&service, "ListWidgets")).unwrap();
        assert!(!listing.contains("::models"), "{listing}");
        assert!(listing.contains("    .list_widgets()\n    .send()"));

        let download = example(&service, op(&service, "DownloadWidget")).unwrap();
        assert!(download.starts_with("```no_run\n# #[allow(deprecated)]\n"));
        assert!(download.contains("let bytes = output.body.collect().await?;"));
    }

    #[test]
    fn example_values_follow_the_field_facts() {
        let service = test_fixture::service();
        let SchemaKind::Object(fields) = &test_fixture::schema(&service, "Item").kind else {
            panic!("an object")
        };
        let size = fields.iter().find(|f| f.wire_name == "size").unwrap();
        let mut raised = size.clone();
        raised.facts.minimum = Some("5".into());
        assert_eq!(number(&raised), 5, "1 is moved into the range");
        raised.facts.default = Some("7".into());
        assert_eq!(number(&raised), 7, "a default wins over the range");
        let mut dated = size.clone();
        dated.attr_name = "created_at".into();
        dated.facts.date_format = Some("date-time".into());
        assert_eq!(text(&dated), "2024-01-01T00:00:00Z");
        let mut long = size.clone();
        long.attr_name = "code".into();
        long.facts.min_length = Some("10".into());
        assert_eq!(text(&long), "my-codexxx", "padded to its minimum length");
    }
}
