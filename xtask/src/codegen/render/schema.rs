//! Models: one file per component schema, and `models/mod.rs`.

use super::super::docs;
use super::super::model::{Schema, SchemaKind, Service};
use super::super::names;
use super::{banner, field_doc, field_type, named_types, serde_attrs, uses_map};

/// `models/mod.rs`.
pub fn models_module(service: &Service) -> String {
    let mut out = banner(&service.spec_path);
    out.push_str(&format!(
        "//! The {} {} models: request bodies, response parts and enums.\n\n",
        service.title, service.module
    ));
    for schema in &service.schemas {
        out.push_str(&format!("mod {};\n", names::file_stem(&schema.name)));
    }
    out.push('\n');
    for schema in &service.schemas {
        out.push_str(&format!(
            "pub use {}::{};\n",
            names::file_stem(&schema.name),
            schema.name
        ));
    }
    out
}

/// One model file.
pub fn schema(service: &Service, schema: &Schema) -> String {
    match &schema.kind {
        SchemaKind::Object(fields) => object(service, schema, fields),
        SchemaKind::Enum(values) => enumeration(service, schema, values),
    }
}

fn object(service: &Service, schema: &Schema, fields: &[super::super::model::Field]) -> String {
    let mut out = banner(&service.spec_path);
    let mut used = Vec::new();
    for field in fields {
        named_types(&field.ty, &mut used);
    }
    used.retain(|n| *n != schema.name);
    if uses_map(fields.iter().map(|f| &f.ty)) {
        out.push_str("use std::collections::BTreeMap;\n\n");
    }
    out.push_str("use serde::{Deserialize, Serialize};\n");
    if !used.is_empty() {
        out.push_str(&format!("\nuse super::{{{}}};\n", used.join(", ")));
    }
    out.push('\n');
    out.push_str(&docs::comment(&schema.description, "///", ""));
    out.push_str("#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]\n#[non_exhaustive]\n");
    out.push_str(&format!("pub struct {} {{\n", schema.name));
    for field in fields {
        out.push_str(&field_doc(field, "    "));
        out.push_str(&serde_attrs(field, true, false));
        out.push_str(&format!(
            "    pub {}: {},\n",
            field.rust_name,
            field_type(field)
        ));
    }
    out.push_str("}\n");
    out
}

fn enumeration(service: &Service, schema: &Schema, values: &[(String, Option<String>)]) -> String {
    let name = &schema.name;
    let mut out = banner(&service.spec_path);
    out.push_str(
        "use std::fmt;\n\nuse serde::{Deserialize, Deserializer, Serialize, Serializer};\n\n",
    );
    let mut doc = schema.description.trim().to_owned();
    doc.push_str(&format!(
        "\n\nValues this version of the SDK does not know are kept in [`{name}::Unknown`], so a \
         new server value never fails decoding. Convert from text with `From<&str>`."
    ));
    out.push_str(&docs::comment(&doc, "///", ""));
    out.push_str("#[derive(Debug, Clone, PartialEq, Eq, Hash)]\n#[non_exhaustive]\n");
    out.push_str(&format!("pub enum {name} {{\n"));
    for (value, description) in values {
        let text = match description {
            Some(d) => format!("`{value}`: {d}"),
            None => format!("`{value}`."),
        };
        out.push_str(&docs::comment(&text, "///", "    "));
        out.push_str(&format!("    {},\n", names::pascal(value)));
    }
    out.push_str("    /// A value this version of the SDK does not know, as received.\n    Unknown(String),\n}\n\n");

    out.push_str(&format!("impl {name} {{\n    /// The value as sent on the wire.\n    pub fn as_str(&self) -> &str {{\n        match self {{\n"));
    for (value, _) in values {
        out.push_str(&format!(
            "            Self::{} => {value:?},\n",
            names::pascal(value)
        ));
    }
    out.push_str("            Self::Unknown(value) => value,\n        }\n    }\n}\n\n");

    out.push_str(&format!("impl From<&str> for {name} {{\n    fn from(value: &str) -> Self {{\n        match value {{\n"));
    for (value, _) in values {
        out.push_str(&format!(
            "            {value:?} => Self::{},\n",
            names::pascal(value)
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
