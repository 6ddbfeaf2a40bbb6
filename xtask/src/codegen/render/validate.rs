//! Required fields at any depth of a request body, checked before any I/O: each validated
//! model gets `missing_required()`, the path of its first required field not set (`items[2].id`), and
//! the operation's `check` prefixes it with `body`.

use super::super::model::{Field, Schema, Service, Type};

/// An `Option<String>` expression: the path of the first required field missing in the value
/// `access` (a reference to `ty`), written as `format!` text after `prefix`; `None` when
/// nothing in `ty` can be missing. `depth` keeps the closure variables of nested lists apart.
pub fn missing_expr(
    service: &Service,
    ty: &Type,
    access: &str,
    prefix: &str,
    depth: usize,
) -> Option<String> {
    match ty {
        Type::Named(name) | Type::Boxed(name) => {
            service.schema(name).filter(|s| s.validated).map(|_| {
                format!("{access}.missing_required().map(|path| format!(\"{prefix}.{{path}}\"))")
            })
        }
        Type::Array(item) => {
            let inner = missing_expr(
                service,
                item,
                &format!("item{depth}"),
                &format!("{prefix}[{{i{depth}}}]"),
                depth + 1,
            )?;
            Some(format!(
                "{access}.iter().enumerate().find_map(|(i{depth}, item{depth})| {inner})"
            ))
        }
        Type::Map(item) => {
            let inner = missing_expr(
                service,
                item,
                &format!("item{depth}"),
                &format!("{prefix}[{{key{depth}:?}}]"),
                depth + 1,
            )?;
            Some(format!(
                "{access}.iter().find_map(|(key{depth}, item{depth})| {inner})"
            ))
        }
        _ => None,
    }
}

/// The `missing()` method of a validated model.
pub fn model_missing(service: &Service, schema: &Schema, fields: &[Field]) -> String {
    let mut out = String::from(
        "    /// The path of the first required field that is not set, below this model\n    /// (`name`, `items[2].id`); the operation sending it reports the path as a construction\n    /// error before any I/O.\n    pub(crate) fn missing_required(&self) -> Option<String> {\n",
    );
    for field in fields {
        let rust = &field.rust_name;
        let attr = &field.attr_name;
        if schema.requires(field) {
            out.push_str(&format!(
                "        if self.{rust}.is_none() {{\n            return Some({attr:?}.to_owned());\n        }}\n"
            ));
        }
        if let Some(expr) = missing_expr(service, &field.ty, "value", attr, 0) {
            out.push_str(&format!(
                "        if let Some(path) = self.{rust}.as_ref().and_then(|value| {expr}) {{\n            return Some(path);\n        }}\n"
            ));
        }
    }
    out.push_str("        None\n    }\n\n");
    out
}
