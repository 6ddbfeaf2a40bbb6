//! Checks across the whole spec: unique method names, and references that resolve.

use super::super::model::*;

/// Operation ids and method names are unique.
pub(super) fn check_names(service: &Service) -> Result<(), String> {
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
pub(super) fn check_references(service: &Service) -> Result<(), String> {
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
