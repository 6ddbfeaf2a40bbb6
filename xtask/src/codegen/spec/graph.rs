//! The schema graph: which models requests and answers reach, which self-references need a
//! `Box`, and which request models have required fields to check at some depth.

use super::super::model::*;

/// Marks each schema as reachable from requests and/or answers.
pub(super) fn mark_reachability(service: &mut Service) {
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
pub(super) fn box_cycles(service: &mut Service) {
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

/// Marks the request models that require a field themselves or hold one that does, to a fixed
/// point (a cycle adds nothing new).
pub(super) fn mark_validated(service: &mut Service) {
    loop {
        let mut changed = false;
        for i in 0..service.schemas.len() {
            let Some(schema) = service.schemas.get(i) else {
                break;
            };
            if schema.validated || !schema.in_request {
                continue;
            }
            let SchemaKind::Object(fields) = &schema.kind else {
                continue;
            };
            let validated = fields.iter().any(|field| {
                let mut named = Vec::new();
                field.ty.named(&mut named);
                schema.requires(field)
                    || named
                        .iter()
                        .any(|n| service.schema(n).is_some_and(|s| s.validated))
            });
            if validated {
                if let Some(schema) = service.schemas.get_mut(i) {
                    schema.validated = true;
                    changed = true;
                }
            }
        }
        if !changed {
            return;
        }
    }
}
