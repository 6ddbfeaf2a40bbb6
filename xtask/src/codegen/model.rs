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
    /// The service's name in API Explorer links and in the golden vectors (`MetaStudio`).
    pub explorer: String,
    /// Where the facts came from (`huaweicloudsdkmetastudio 3.1.219`).
    pub source: Option<String>,
    pub host_pattern: String,
    pub regions: Vec<(String, String)>,
    /// How the service reports failures inside a 2xx body, when it does.
    pub body_error: Option<BodyError>,
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
        self.schemas
            .binary_search_by(|s| s.name.as_str().cmp(name))
            .ok()
            .and_then(|i| self.schemas.get(i))
    }

    /// The API Explorer page of an operation.
    pub fn explorer_url(&self, operation: &str) -> String {
        format!(
            "https://console.huaweicloud.com/apiexplorer/#/openapi/{}/doc?version={}&api={operation}",
            self.explorer, self.module
        )
    }
}

/// A field's type.
#[derive(Debug, Clone, PartialEq)]
pub enum Type {
    String,
    I32,
    I64,
    F64,
    Bool,
    /// Any JSON value (a free-form object).
    Any,
    /// A file part of a multipart body.
    File,
    /// A component schema (object or enum).
    Named(String),
    /// A component schema held in a `Box` (a model that contains itself without a list or map).
    Boxed(String),
    Array(Box<Type>),
    /// A map keyed by string.
    Map(Box<Type>),
}

impl Type {
    /// Named types used by this type.
    pub fn named(&self, out: &mut Vec<String>) {
        match self {
            Type::Named(n) | Type::Boxed(n) if !out.contains(n) => out.push(n.clone()),
            Type::Array(t) | Type::Map(t) => t.named(out),
            _ => {}
        }
    }

    pub fn has_map(&self) -> bool {
        match self {
            Type::Map(_) => true,
            Type::Array(t) => t.has_map(),
            _ => false,
        }
    }

    pub fn has_file(&self) -> bool {
        match self {
            Type::File => true,
            Type::Array(t) | Type::Map(t) => t.has_file(),
            _ => false,
        }
    }
}

/// A struct field, request parameter or body property.
#[derive(Debug, Clone)]
pub struct Field {
    /// The name on the wire (JSON key, query key, header name).
    pub wire_name: String,
    /// The official SDKs' attribute name (how the golden vectors key their input).
    pub attr_name: String,
    /// The Rust field name (may be a raw identifier).
    pub rust_name: String,
    pub ty: Type,
    pub required: bool,
    pub description: Option<String>,
    /// Limits, format, default and listed values, rendered after the description.
    pub facts: Facts,
    pub example: Option<Json>,
    /// The official SDKs mask the value when printing it.
    pub sensitive: bool,
}

/// What a field's schema states in structured form: the spec's keywords, plus the meanings of
/// listed values from `descriptions.json`. Numbers are kept as the spec writes them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    pub min_length: Option<String>,
    pub max_length: Option<String>,
    pub minimum: Option<String>,
    pub maximum: Option<String>,
    pub min_items: Option<String>,
    pub max_items: Option<String>,
    pub pattern: Option<String>,
    /// A `date`/`date-time` format, kept as text.
    pub date_format: Option<String>,
    /// The `default`, as code (`10`, `true`, `ACTIVE`).
    pub default: Option<String>,
    /// `(value, meaning)` of a field that is not an enum but accepts listed values.
    pub values: Vec<(String, String)>,
}

impl Field {
    /// The Rust name without the raw-identifier prefix.
    pub fn bare_name(&self) -> &str {
        self.rust_name.trim_start_matches("r#")
    }
}

#[derive(Debug)]
pub struct Schema {
    pub name: String,
    pub description: Option<String>,
    pub kind: SchemaKind,
    /// Reachable from some answer: every field is optional and decoding never requires one.
    pub in_response: bool,
    /// Reachable from some request.
    pub in_request: bool,
    /// A request model with a required field at some depth: it gets a `missing()` check that
    /// names the first one not set.
    pub validated: bool,
}

impl Schema {
    /// Whether a field must be set before a request carrying the model is sent. Every model
    /// field is stored as `Option` and set by name; a model that answers carry requires nothing,
    /// since the service may leave any field out.
    pub fn requires(&self, field: &Field) -> bool {
        field.required && !self.in_response
    }
}

#[derive(Debug)]
pub enum SchemaKind {
    Object(Vec<Field>),
    Enum(Vec<EnumValue>),
}

/// One value of an enum schema.
#[derive(Debug)]
pub struct EnumValue {
    /// The value on the wire.
    pub value: String,
    /// The Rust variant (`UpperCamelCase`, unique within the enum, never `Unknown`).
    pub variant: String,
    pub description: Option<String>,
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
    /// Query arrays: `true` sends one `key=value` per item, `false` one comma-joined value.
    pub explode: bool,
}

/// The text form of a parameter value: what the operation tables call its `ParamType`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scalar {
    /// Strings and enums, sent as they are.
    String,
    Integer,
    Number,
    Boolean,
}

/// How a query array is written.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ListStyle {
    /// One `key=value` per item.
    Repeated,
    /// One value, the items joined with commas.
    CommaJoined,
}

impl Param {
    /// The wire mapping of the parameter's value (of each item, for a list); `None` for a type
    /// no parameter can carry (refused when the spec is read).
    pub fn scalar(&self) -> Option<Scalar> {
        let item = match &self.field.ty {
            Type::Array(item) => item.as_ref(),
            other => other,
        };
        match item {
            Type::String | Type::Named(_) => Some(Scalar::String),
            Type::I32 | Type::I64 => Some(Scalar::Integer),
            Type::F64 => Some(Scalar::Number),
            Type::Bool => Some(Scalar::Boolean),
            _ => None,
        }
    }

    /// How a list is sent; `None` for a single value.
    pub fn list(&self) -> Option<ListStyle> {
        match (&self.field.ty, self.explode) {
            (Type::Array(_), true) => Some(ListStyle::Repeated),
            (Type::Array(_), false) => Some(ListStyle::CommaJoined),
            _ => None,
        }
    }

    /// The key the value is sent under: header names in lower case (as `http` stores them).
    pub fn wire_key(&self) -> String {
        match self.location {
            Location::Header => self.field.wire_name.to_ascii_lowercase(),
            _ => self.field.wire_name.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BodyKind {
    /// Serialised as JSON.
    Json,
    /// A string sent as it is.
    Text,
    /// `multipart/form-data`: the body model's fields become parts.
    Multipart,
}

#[derive(Debug)]
pub struct Body {
    pub ty: Type,
    pub description: Option<String>,
    pub kind: BodyKind,
    pub required: bool,
}

#[derive(Debug)]
pub enum Output {
    /// A JSON object; its properties are the output's fields.
    Json(Vec<Field>),
    /// A JSON document that is not an object (array, map, string), as the output's `body`.
    Whole(Type),
    /// A byte stream.
    Binary,
    /// No body.
    Empty,
}

/// Where a listing's total comes from.
#[derive(Debug)]
pub enum Count {
    /// A top-level response property (wire name).
    Field(String),
    /// A `Content-Range: a-b/total` response header.
    ContentRange(String),
}

#[derive(Debug)]
pub enum Pagination {
    Offset {
        offset: String,
        limit: String,
        count: Option<Count>,
        items: String,
    },
    Page {
        page: String,
        size: String,
        count: Option<Count>,
        items: String,
    },
    Marker {
        marker: String,
        limit: Option<String>,
        next: String,
        items: String,
    },
}

#[derive(Debug, Clone)]
pub struct BodyError {
    pub code: String,
    pub message: String,
    pub success: i64,
}

#[derive(Debug)]
pub struct Operation {
    /// `CreateFile`.
    pub id: String,
    /// `create_file`.
    pub snake: String,
    pub method: String,
    pub path: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    /// Why it is deprecated, and the operation to use instead.
    pub deprecated_note: Option<String>,
    pub replacement: Option<String>,
    /// The `Content-Type` request header.
    pub content_type: String,
    /// Request fields from parameters (scope-filled path parameters excluded).
    pub params: Vec<Param>,
    pub body: Option<Body>,
    pub output: Output,
    /// What a bare or streamed answer body holds.
    pub output_description: Option<String>,
    /// Declared response headers other than the request id, as output fields.
    pub headers: Vec<Field>,
    /// Names of declared response headers that carry the request id (`X-Request-Id`).
    pub request_id_headers: Vec<String>,
    /// The output field holding the request id (`request_id`, unless the body has one).
    pub request_id_field: String,
    /// `(status, description)` of documented error answers.
    pub errors: Vec<(String, String)>,
    pub pagination: Option<Pagination>,
    pub body_error: Option<BodyError>,
}
