//! What the generator knows about a service once its spec is read and checked.

use super::json::Json;

/// One service API version: one module of one crate.
#[derive(Debug)]
pub struct Service {
    /// The spec's path relative to the workspace root.
    pub spec_path: String,
    pub title: String,
    pub description: String,
    /// Lower-case service name for endpoint variables (`metastudio`).
    pub name: String,
    /// Package name (`huaweicloud-sdk-metastudio`).
    pub crate_name: String,
    /// Module name (`v1`).
    pub module: String,
    pub host_pattern: String,
    pub regions: Vec<(String, String)>,
    pub operations: Vec<Operation>,
    pub schemas: Vec<Schema>,
}

impl Service {
    /// The crate name as a Rust path (`huaweicloud_sdk_metastudio`).
    pub fn crate_ident(&self) -> String {
        self.crate_name.replace('-', "_")
    }

    /// The directory of the crate (`crates/metastudio`).
    pub fn crate_dir(&self) -> String {
        self.spec_path
            .split("/openapi/")
            .next()
            .unwrap_or_default()
            .to_owned()
    }

    pub fn schema(&self, name: &str) -> Option<&Schema> {
        self.schemas.iter().find(|s| s.name == name)
    }
}

/// A field's type.
#[derive(Debug, Clone, PartialEq)]
pub enum Type {
    String,
    I32,
    I64,
    Bool,
    /// A component schema (object or enum).
    Named(String),
    Array(Box<Type>),
    /// A map keyed by string.
    Map(Box<Type>),
}

/// A struct field, request parameter or body property.
#[derive(Debug, Clone)]
pub struct Field {
    /// The name on the wire (JSON key, query key, header name).
    pub wire_name: String,
    /// The Rust field name (may be a raw identifier).
    pub rust_name: String,
    pub ty: Type,
    pub required: bool,
    pub description: String,
    /// Limits and format, one sentence each, for the docs.
    pub notes: Vec<String>,
    pub example: Option<Json>,
}

#[derive(Debug)]
pub struct Schema {
    pub name: String,
    pub description: String,
    pub kind: SchemaKind,
}

#[derive(Debug)]
pub enum SchemaKind {
    Object(Vec<Field>),
    /// `(value, description)` pairs.
    Enum(Vec<(String, Option<String>)>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Location {
    Path,
    Query,
    Header,
}

#[derive(Debug)]
pub struct Param {
    pub field: Field,
    pub location: Location,
}

#[derive(Debug)]
pub struct Body {
    /// The component schema of the body (`FilesCreateReq`).
    pub schema: String,
    pub content_type: String,
}

#[derive(Debug)]
pub enum Output {
    /// JSON object; its properties are the output's fields.
    Json(Vec<Field>),
    /// A byte stream.
    Binary,
    /// Nothing but the request id.
    Empty,
}

#[derive(Debug)]
pub struct Pagination {
    pub offset: String,
    pub limit: String,
    pub count: String,
    pub items: String,
}

#[derive(Debug)]
pub struct BodyError {
    pub code: String,
    pub message: String,
    pub success: i64,
}

#[derive(Debug)]
pub struct Operation {
    /// `CreateFile`.
    pub id: String,
    pub method: String,
    pub path: String,
    pub summary: String,
    pub description: String,
    /// Request fields from parameters (scope-filled path parameters excluded).
    pub params: Vec<Param>,
    pub body: Option<Body>,
    pub output: Output,
    /// `(status, description)` of documented error answers.
    pub errors: Vec<(String, String)>,
    pub pagination: Option<Pagination>,
    pub body_error: Option<BodyError>,
}

impl Operation {
    pub fn snake(&self) -> String {
        super::names::snake(&self.id)
    }
}
