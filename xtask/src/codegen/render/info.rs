//! Each operation as data: `impl Operation for <Id>Request` with its constant `OperationInfo`,
//! and the module's `OPERATIONS` table. Constants only, so the service crates compile no code
//! for them; the local crate's mock endpoint reads them to decode what it receives.

use super::super::model::{BodyKind, ListStyle, Location, Operation, Param, Scalar, Service, Type};

/// The `Operation` implementation of the operation's request type.
pub fn operation_impl(service: &Service, op: &Operation) -> Result<String, String> {
    let id = &op.id;
    let mut params = String::new();
    for param in &op.params {
        params.push_str(&format!(
            "            {},\n",
            param_expr(service, op, param)?
        ));
    }
    let body = match op.body.as_ref().map(|b| b.kind) {
        None => "None",
        Some(BodyKind::Json) => "Json",
        Some(BodyKind::Text) => "Text",
        Some(BodyKind::Multipart) => "Multipart",
    };
    Ok(format!(
        "impl Operation for {id}Request {{\n    const INFO: OperationInfo = OperationInfo {{\n        service: OPERATION.0,\n        name: OPERATION.1,\n        method: {method:?},\n        path: PATH,\n        params: &[\n{params}        ],\n        body: BodyFormat::{body},\n    }};\n    type Output = {id}Output;\n}}\n\n",
        method = op.method,
    ))
}

/// The core items the implementation names.
pub const IMPORTS: &str =
    "use huaweicloud_sdk_core::operation::{BodyFormat, Operation, OperationInfo";

/// `Param::query("wire", "attr", ParamType::X)` with `.list(..)` for arrays.
fn param_expr(service: &Service, op: &Operation, param: &Param) -> Result<String, String> {
    let constructor = match param.location {
        Location::Path => "path",
        Location::Query => "query",
        Location::Header => "header",
    };
    let ty = match param.scalar() {
        Some(Scalar::String) => "String",
        Some(Scalar::Integer) => "Integer",
        Some(Scalar::Number) => "Number",
        Some(Scalar::Boolean) => "Boolean",
        None => {
            return Err(format!(
                "{}: {} parameter {} has type {:?}, which a parameter cannot carry",
                service.spec_path, op.id, param.field.wire_name, param.field.ty
            ));
        }
    };
    let list = param.list().map(|style| match style {
        ListStyle::Repeated => "Repeated",
        ListStyle::CommaJoined => "CommaJoined",
    });
    let mut out = format!(
        "Param::{constructor}({:?}, {:?}, ParamType::{ty})",
        param.field.wire_name, param.field.attr_name
    );
    if let Some(style) = list {
        out.push_str(&format!(".list(ListStyle::{style})"));
    }
    Ok(out)
}

/// The rest of the `use huaweicloud_sdk_core::operation::{..}` line for `op`.
pub fn import_line(op: &Operation) -> String {
    let mut names = String::from(IMPORTS);
    if op
        .params
        .iter()
        .any(|p| matches!(p.field.ty, Type::Array(_)))
    {
        names.push_str(", ListStyle");
    }
    if !op.params.is_empty() {
        names.push_str(", Param, ParamType");
    }
    names.push_str("};\n");
    names
}

/// The module's `OPERATIONS` table.
pub fn table(service: &Service) -> String {
    let mut out = String::from(
        "\n/// Every operation of this API, as data (see\n/// [`huaweicloud_sdk_core::operation`]): give it to a mock endpoint so it can name the\n/// operation a request is for.\npub const OPERATIONS: &[OperationInfo] = &[\n",
    );
    for op in &service.operations {
        out.push_str(&format!("    <{}Request as Operation>::INFO,\n", op.id));
    }
    out.push_str("];\n");
    out
}

#[cfg(test)]
mod tests {
    use super::super::test_fixture::{self, op};
    use super::*;

    #[test]
    fn operation_info_lists_each_request_field_with_its_wire_mapping() {
        let service = test_fixture::service();
        let text = operation_impl(&service, op(&service, "CreateWidget")).unwrap();
        assert!(text.starts_with("impl Operation for CreateWidgetRequest {"));
        assert!(text.contains("method: \"POST\","));
        let params = [
            "Param::path(\"widget_id\", \"widget_id\", ParamType::String),",
            "Param::query(\"zone\", \"zone\", ParamType::String),",
            "Param::query(\"tags\", \"tags\", ParamType::String).list(ListStyle::CommaJoined),",
            "Param::header(\"X-Auth-Secret\", \"x_auth_secret\", ParamType::String),",
        ];
        let mut at = 0;
        for param in params {
            let found = text[at..]
                .find(param)
                .unwrap_or_else(|| panic!("{param} missing or out of order in\n{text}"));
            at += found + param.len();
        }
        assert!(
            !text.contains("\"project_id\""),
            "the scope placeholder is filled from the credentials, not a parameter"
        );
        assert!(text.contains("body: BodyFormat::Json,"));
        assert!(text.contains("type Output = CreateWidgetOutput;"));

        let listing = operation_impl(&service, op(&service, "ListWidgets")).unwrap();
        assert!(listing.contains("Param::query(\"offset\", \"offset\", ParamType::Integer),"));
        assert!(listing.contains("body: BodyFormat::None,"));
    }

    #[test]
    fn imports_name_only_what_the_impl_uses() {
        let service = test_fixture::service();
        let create = import_line(op(&service, "CreateWidget"));
        assert!(create.contains(", ListStyle") && create.contains(", Param, ParamType"));
        let listing = import_line(op(&service, "ListWidgets"));
        assert!(!listing.contains("ListStyle"), "{listing}");
        assert!(listing.contains(", Param, ParamType"));
    }

    #[test]
    fn a_parameter_without_a_wire_scalar_is_refused_with_its_name() {
        let mut service = test_fixture::service();
        let create = service
            .operations
            .iter_mut()
            .find(|op| op.id == "CreateWidget")
            .unwrap();
        create.params[1].field.ty = Type::Map(Box::new(Type::String));
        let e = operation_impl(&service, op(&service, "CreateWidget")).unwrap_err();
        assert!(e.contains("CreateWidget parameter zone"), "{e}");
    }

    #[test]
    fn the_table_names_every_operation() {
        let service = test_fixture::service();
        let text = table(&service);
        assert_eq!(
            text.matches(" as Operation>::INFO,").count(),
            service.operations.len()
        );
        assert!(text.contains("    <DownloadWidgetRequest as Operation>::INFO,\n"));
    }
}
