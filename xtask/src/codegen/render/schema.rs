//! Models: one file per component schema, and `models/mod.rs`.

use super::super::docs;
use super::super::model::{EnumValue, Field, Schema, SchemaKind, Service};
use super::super::names;
use super::{banner, field_doc, rust_type, serde_attrs, setter};

/// `models/mod.rs`.
pub fn models_module(service: &Service) -> String {
    let mut out = banner(&service.spec_path);
    out.push_str(&format!(
        "//! The {} {} models: request bodies, parts of answers and enums.\n//!\n//! Build a model with `new` (its required fields) and one setter per other field. A model\n//! that is part of an answer has every field optional: the service may leave any out.\n\n",
        service.title, service.module
    ));
    for schema in &service.schemas {
        // `snake` keeps a keyword a raw identifier (`mod r#type;` is the file `type.rs`).
        out.push_str(&format!("mod {};\n", names::snake(&schema.name)));
    }
    out.push('\n');
    for schema in &service.schemas {
        out.push_str(&format!(
            "pub use {}::{};\n",
            names::snake(&schema.name),
            schema.name
        ));
    }
    out
}

/// One model file.
pub fn schema(service: &Service, schema: &Schema) -> Result<String, String> {
    match &schema.kind {
        SchemaKind::Object(fields) => object(service, schema, fields),
        SchemaKind::Enum(values) => Ok(enumeration(service, schema, values)),
    }
}

fn object(service: &Service, schema: &Schema, fields: &[Field]) -> Result<String, String> {
    let name = &schema.name;
    let mut out = banner(&service.spec_path);
    let has_file = fields.iter().any(|f| f.ty.has_file());
    let sensitive = fields.iter().any(|f| f.sensitive);
    if let Some(f) = fields
        .iter()
        .find(|f| matches!(f.bare_name(), "new" | "missing_required"))
    {
        return Err(format!(
            "{}: model `{name}` has a field `{}` that collides with a method of the model",
            service.spec_path, f.wire_name
        ));
    }

    if sensitive {
        out.push_str("use std::fmt;\n");
    }
    if fields.iter().any(|f| f.ty.has_map()) {
        out.push_str("use std::collections::BTreeMap;\n");
    }
    if sensitive || fields.iter().any(|f| f.ty.has_map()) {
        out.push('\n');
    }
    // What the SDK itself needs: `Serialize` to send a request body, `Deserialize` to read an
    // answer. The other direction is for the `roundtrip` feature only.
    let serialize = schema.in_request && !has_file;
    let deserialize = schema.in_response;
    if has_file {
        out.push_str("use huaweicloud_sdk_core::FilePart;\n");
    }
    match (serialize, deserialize) {
        (true, true) => out.push_str("use serde::{Deserialize, Serialize};\n\n"),
        (true, false) => out.push_str("use serde::Serialize;\n\n"),
        (false, true) => out.push_str("use serde::Deserialize;\n\n"),
        (false, false) if has_file => out.push('\n'),
        (false, false) => {}
    }

    let mut doc = match &schema.description {
        Some(d) => d.trim().to_owned(),
        None => format!("The `{name}` model of the {} API.", service.title),
    };
    doc.push_str(&match (schema.in_request, schema.in_response) {
        (true, true) => "\n\nSent in requests and received in answers.".to_owned(),
        (true, false) => "\n\nSent in requests.".to_owned(),
        (false, true) => "\n\nReceived in answers.".to_owned(),
        (false, false) => String::new(),
    });
    out.push_str(&docs::comment(&doc, "///", ""));
    let mut derives = vec![];
    if !sensitive {
        derives.push("Debug");
    }
    derives.extend(["Clone", "Default"]);
    if !has_file {
        derives.push("PartialEq");
    }
    if serialize {
        derives.push("Serialize");
    }
    if deserialize {
        derives.push("Deserialize");
    }
    let mut roundtrip = String::new();
    if !serialize && !has_file {
        roundtrip.push_str(super::ROUNDTRIP_SER);
        roundtrip.push('\n');
    }
    if !deserialize {
        roundtrip.push_str(super::ROUNDTRIP_DE);
        roundtrip.push('\n');
    }
    out.push_str(&format!(
        "#[derive({})]\n{roundtrip}#[non_exhaustive]\npub struct {name} {{\n",
        derives.join(", ")
    ));
    for field in fields {
        out.push_str(&field_doc(
            field,
            "JSON property",
            schema.requires(field),
            "    ",
        ));
        let attrs = serde_attrs(
            field,
            &field.wire_name,
            &[field.attr_name.as_str()],
            true,
            &[],
        );
        if serialize || deserialize {
            out.push_str(&attrs);
        } else {
            out.push_str(&super::roundtrip_only(&attrs));
        }
        out.push_str(&format!(
            "    pub {}: Option<{}>,\n",
            field.rust_name,
            rust_type(&field.ty, "super::")
        ));
    }
    out.push_str("}\n\n");

    out.push_str(&format!("impl {name} {{\n"));
    let required = if fields.iter().any(|f| schema.requires(f)) {
        " The fields marked required must be set before a request carrying it is sent; the \
         operation's `send` names the first one missing."
    } else {
        ""
    };
    out.push_str(&docs::comment(
        &format!("An empty `{name}`: set its fields by name with the setters.{required}"),
        "///",
        "    ",
    ));
    out.push_str("    pub fn new() -> Self {\n        Self::default()\n    }\n\n");
    for field in fields {
        let doc = field_doc(field, "JSON property", schema.requires(field), "    ");
        out.push_str(&setter(
            field,
            &doc,
            &format!("self.{}", field.rust_name),
            true,
            "super::",
        ));
    }
    if schema.validated {
        out.push_str(&super::validate::model_missing(service, schema, fields));
    }
    out.push_str("}\n");

    if sensitive {
        out.push_str(&redacting_debug(schema, fields));
    }
    Ok(out)
}

/// `Debug` that prints `****` for the fields the official SDKs mask.
fn redacting_debug(schema: &Schema, fields: &[Field]) -> String {
    let name = &schema.name;
    let mut out = format!(
        "\nimpl fmt::Debug for {name} {{\n    /// Sensitive fields show as `****`.\n    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {{\n        f.debug_struct({name:?})\n"
    );
    for field in fields {
        let rust = &field.rust_name;
        let bare = field.bare_name();
        if !field.sensitive {
            out.push_str(&format!("            .field({bare:?}, &self.{rust})\n"));
        } else {
            out.push_str(&format!(
                "            .field({bare:?}, &self.{rust}.as_ref().map(|_| \"****\"))\n"
            ));
        }
    }
    out.push_str("            .finish()\n    }\n}\n");
    out
}

fn enumeration(service: &Service, schema: &Schema, values: &[EnumValue]) -> String {
    let name = &schema.name;
    let mut out = banner(&service.spec_path);
    out.push_str(
        "use std::fmt;\n\nuse serde::{Deserialize, Deserializer, Serialize, Serializer};\n\n",
    );
    let mut doc = schema
        .description
        .clone()
        .unwrap_or_else(|| format!("The `{name}` values of the {} API.", service.title))
        .trim()
        .to_owned();
    doc.push_str(&format!(
        "\n\nValues this version of the SDK does not know are kept in [`{name}::Unknown`], so a \
         new server value never fails decoding. Convert from text with `From<&str>`."
    ));
    out.push_str(&docs::comment(&doc, "///", ""));
    out.push_str("#[derive(Debug, Clone, PartialEq, Eq, Hash)]\n#[non_exhaustive]\npub enum ");
    out.push_str(&format!("{name} {{\n"));
    for v in values {
        let text = match &v.description {
            Some(d) => format!("`{}`: {}", v.value, d.trim()),
            None => format!("The value `{}`.", v.value),
        };
        out.push_str(&docs::comment(&text, "///", "    "));
        out.push_str(&format!("    {},\n", v.variant));
    }
    out.push_str("    /// A value this version of the SDK does not know, as received.\n    Unknown(String),\n}\n\n");

    out.push_str(&format!("impl {name} {{\n    /// The value as sent on the wire.\n    pub fn as_str(&self) -> &str {{\n        match self {{\n"));
    for v in values {
        out.push_str(&format!(
            "            Self::{} => {:?},\n",
            v.variant, v.value
        ));
    }
    out.push_str("            Self::Unknown(value) => value,\n        }\n    }\n}\n\n");

    out.push_str(&format!("impl From<&str> for {name} {{\n    fn from(value: &str) -> Self {{\n        match value {{\n"));
    for v in values {
        out.push_str(&format!(
            "            {:?} => Self::{},\n",
            v.value, v.variant
        ));
    }
    out.push_str("            other => Self::Unknown(other.to_owned()),\n        }\n    }\n}\n\n");

    out.push_str(&format!(
        "impl From<String> for {name} {{\n    fn from(value: String) -> Self {{\n        match Self::from(value.as_str()) {{\n            Self::Unknown(_) => Self::Unknown(value),\n            known => known,\n        }}\n    }}\n}}\n\n"
    ));
    out.push_str(&format!(
        "impl AsRef<str> for {name} {{\n    fn as_ref(&self) -> &str {{\n        self.as_str()\n    }}\n}}\n\n"
    ));
    out.push_str(&format!(
        "impl fmt::Display for {name} {{\n    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {{\n        f.write_str(self.as_str())\n    }}\n}}\n\n"
    ));
    out.push_str(&format!(
        "impl Serialize for {name} {{\n    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {{\n        serializer.serialize_str(self.as_str())\n    }}\n}}\n\n"
    ));
    out.push_str(&format!(
        "impl<'de> Deserialize<'de> for {name} {{\n    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {{\n        String::deserialize(deserializer).map(Self::from)\n    }}\n}}\n"
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::super::test_fixture::{self, flat, parses};
    use super::*;

    #[test]
    fn enum_keeps_unknown_values_and_documents_each_known_one() {
        let service = test_fixture::service();
        let text = schema(&service, test_fixture::schema(&service, "Color")).unwrap();
        parses(&text);
        assert!(text.contains("#[non_exhaustive]\npub enum Color {\n"));
        assert!(text.contains("    /// `RED`: Red paint.\n    Red,\n"));
        assert!(text.contains("    /// `dark-blue`: Dark blue paint.\n    DarkBlue,\n"));
        assert!(text.contains("    Unknown(String),\n}"));
        assert!(text.contains("            Self::DarkBlue => \"dark-blue\",\n"));
        assert!(text.contains("            \"dark-blue\" => Self::DarkBlue,\n"));
        assert!(text.contains("            other => Self::Unknown(other.to_owned()),\n"));
        assert!(flat(&text).starts_with(
            "// Generated by `cargo xtask codegen` from crates/demo/openapi/v1.json. Do not edit: change the spec and regenerate. use std::fmt;"
        ));
        assert!(
            flat(&text).contains("A paint colour. Values this version of the SDK does not know")
        );
    }

    #[test]
    fn request_model_is_built_by_name_and_checks_its_required_fields() {
        let service = test_fixture::service();
        let text = schema(&service, test_fixture::schema(&service, "WidgetReq")).unwrap();
        parses(&text);
        // Built with `new()` and setters only: no constructor taking the required fields.
        assert_eq!(text.matches("pub fn new(").count(), 1);
        assert!(text.contains("    pub fn new() -> Self {\n        Self::default()\n    }"));
        for setter in [
            "    pub fn name(mut self, value: impl Into<String>) -> Self {\n        self.name = Some(value.into());",
            "    pub fn items(mut self, value: impl Into<super::Item>) -> Self {\n        self.items.get_or_insert_with(Vec::new).push(value.into());",
            "    pub fn color(mut self, value: impl Into<super::Color>) -> Self {",
            "    pub fn secret(mut self, value: impl Into<String>) -> Self {",
            "    pub fn labels(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {\n        self.labels.get_or_insert_with(BTreeMap::new).insert(key.into(), value.into());",
        ] {
            assert!(text.contains(setter), "{setter}\n{text}");
        }
        assert!(text.contains("    pub items: Option<Vec<super::Item>>,\n"));
        // Sent only: serialised, deserialised with `roundtrip` only; the secret rules out a derived Debug.
        assert!(text.contains("#[derive(Clone, Default, PartialEq, Serialize)]\n#[cfg_attr(feature = \"roundtrip\", derive(serde::Deserialize))]"));
        assert!(text.contains(".field(\"secret\", &self.secret.as_ref().map(|_| \"****\"))"));
        assert!(flat(&text).contains("The widget's name. Required. Length: at most 4 characters."));
        assert!(text.contains("pub(crate) fn missing_required(&self) -> Option<String> {"));
    }

    #[test]
    fn answer_model_requires_nothing_and_is_only_decoded() {
        let service = test_fixture::service();
        let text = schema(&service, test_fixture::schema(&service, "Widget")).unwrap();
        parses(&text);
        assert!(text.contains("#[derive(Debug, Clone, Default, PartialEq, Deserialize)]\n#[cfg_attr(feature = \"roundtrip\", derive(serde::Serialize))]"));
        assert!(!text.contains("Required."));
        assert!(!text.contains("missing_required"));
        assert!(flat(&text).contains("Received in answers."));
    }

    #[test]
    fn a_field_named_like_a_model_method_is_refused() {
        let mut spec = test_fixture::spec_json();
        spec["components"]["schemas"]["Widget"]["properties"]["new"] =
            serde_json::json!({"type": "string"});
        let service =
            super::super::super::spec::read(test_fixture::SPEC_PATH, &spec.to_string()).unwrap();
        let e = schema(&service, test_fixture::schema(&service, "Widget")).unwrap_err();
        assert!(e.contains("model `Widget` has a field `new`"), "{e}");
    }

    #[test]
    fn models_module_declares_and_reexports_each_schema() {
        let service = test_fixture::service();
        let text = models_module(&service);
        parses(&text);
        for (module, name) in [
            ("color", "Color"),
            ("item", "Item"),
            ("widget_req", "WidgetReq"),
        ] {
            assert!(text.contains(&format!("mod {module};\n")), "{module}");
            assert!(
                text.contains(&format!("pub use {module}::{name};\n")),
                "{name}"
            );
        }
    }
}
