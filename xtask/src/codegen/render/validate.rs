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

#[cfg(test)]
mod tests {
    use super::super::super::model::SchemaKind;
    use super::super::test_fixture;
    use super::*;

    #[test]
    fn a_nested_required_field_is_reported_with_its_full_path() {
        let service = test_fixture::service();
        let items = Type::Array(Box::new(Type::Named("Item".into())));
        let expr = missing_expr(&service, &items, "body_items", "body.items", 0).unwrap();
        assert_eq!(
            expr,
            "body_items.iter().enumerate().find_map(|(i0, item0)| item0.missing_required().map(|path| format!(\"body.items[{i0}].{path}\")))"
        );
    }

    #[test]
    fn nested_lists_and_maps_keep_their_closure_variables_apart() {
        let service = test_fixture::service();
        let grid = Type::Map(Box::new(Type::Array(Box::new(Type::Named("Item".into())))));
        let expr = missing_expr(&service, &grid, "value", "cells", 0).unwrap();
        assert!(expr.starts_with("value.iter().find_map(|(key0, item0)| item0.iter().enumerate().find_map(|(i1, item1)| item1.missing_required()"), "{expr}");
        assert!(
            expr.contains("format!(\"cells[{key0:?}][{i1}].{path}\")"),
            "{expr}"
        );
    }

    #[test]
    fn nothing_to_check_where_no_required_field_can_be_missing() {
        let service = test_fixture::service();
        for ty in [
            Type::String,
            Type::Array(Box::new(Type::String)),
            Type::Named("Widget".into()),
            Type::Named("Color".into()),
        ] {
            assert_eq!(missing_expr(&service, &ty, "v", "p", 0), None, "{ty:?}");
        }
    }

    #[test]
    fn model_check_tests_each_field_then_looks_inside_it() {
        let service = test_fixture::service();
        let schema = test_fixture::schema(&service, "WidgetReq");
        let SchemaKind::Object(fields) = &schema.kind else {
            panic!("an object")
        };
        let text = model_missing(&service, schema, fields);
        let name = text
            .find("        if self.name.is_none() {\n            return Some(\"name\".to_owned());\n        }\n")
            .expect("name is required");
        let items = text
            .find("        if self.items.is_none() {\n            return Some(\"items\".to_owned());\n        }\n")
            .expect("items are required");
        let nested = text
            .find("        if let Some(path) = self.items.as_ref().and_then(|value| value.iter().enumerate().find_map(|(i0, item0)| item0.missing_required().map(|path| format!(\"items[{i0}].{path}\")))) {")
            .expect("each item is checked");
        // Fields in document order (the fixture's keys arrive sorted), each checked itself and
        // then inside.
        assert!(items < nested && nested < name, "{text}");
        assert!(!text.contains("self.color.is_none()"), "color is optional");
        assert!(
            !text.contains("self.labels"),
            "a map of strings holds nothing to check"
        );

        let item = test_fixture::schema(&service, "Item");
        let SchemaKind::Object(fields) = &item.kind else {
            panic!("an object")
        };
        let text = model_missing(&service, item, fields);
        assert!(text.contains("return Some(\"id\".to_owned());"));
        assert!(!text.contains("self.size.is_none()"));
    }
}
