//! What each generated operation is, as data: its service, name, method, path template and
//! where each request field travels on the wire.
//!
//! Every generated `<Op>Request` implements [`Operation`] with a constant [`OperationInfo`],
//! and each service module lists all of them in `OPERATIONS`. Tools that stand in for the
//! service (the local crate's mock endpoint) use it to recognise a received request and turn
//! it back into the official attribute names the request type deserializes from (with the
//! service crate's `roundtrip` feature). Being constants, the tables cost the service crates
//! no generated code.
//!
//! ```
//! use huaweicloud_sdk_core::operation::{BodyFormat, OperationInfo, Param, ParamType};
//!
//! const SHOW: OperationInfo = OperationInfo {
//!     service: "swr",
//!     name: "ShowNamespace",
//!     method: "GET",
//!     path: "/v2/manage/namespaces/{namespace}",
//!     params: &[Param::path("namespace", "namespace", ParamType::String)],
//!     body: BodyFormat::None,
//! };
//! assert_eq!(SHOW.params[0].attr, "namespace");
//! ```

/// An operation of a service API, implemented by its generated request type.
pub trait Operation {
    /// The operation's constant description.
    const INFO: OperationInfo;
    /// The decoded answer (`<Op>Output`).
    type Output;
}

/// A constant description of one operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationInfo {
    /// Lower-case service name, as errors name it (`swr`).
    pub service: &'static str,
    /// The operation id (`ShowNamespace`).
    pub name: &'static str,
    /// The HTTP method, upper case (`GET`).
    pub method: &'static str,
    /// The path template; `{name}` placeholders are path parameters or the credentials'
    /// project or domain id.
    pub path: &'static str,
    /// The request fields sent as path, query or header parameters.
    pub params: &'static [Param],
    /// How the `body` field travels.
    pub body: BodyFormat,
}

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    /// A `{wire}` placeholder of the path template.
    Path,
    /// A query parameter.
    Query,
    /// A request header.
    Header,
}

/// The JSON type a parameter's text stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamType {
    /// A string or an enum value.
    String,
    /// An integer.
    Integer,
    /// A floating point number.
    Number,
    /// `true` or `false`.
    Boolean,
}

/// One request field sent as a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Param {
    /// Where it travels.
    pub location: ParamLocation,
    /// The name on the wire (placeholder, query key or header name).
    pub wire: &'static str,
    /// The official SDKs' attribute name: the key the request type deserializes it from.
    pub attr: &'static str,
    /// The type of the value, or of each item of a list.
    pub ty: ParamType,
    /// How a list is sent; `None` for a single value.
    pub list: Option<ListStyle>,
}

/// How a list parameter is sent in the query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListStyle {
    /// The key repeated for each item (`a=1&a=2`).
    Repeated,
    /// The items joined with commas (`a=1,2`).
    CommaJoined,
}

/// How the request's `body` field travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyFormat {
    /// The operation has no body.
    None,
    /// A JSON document.
    Json,
    /// Text sent as it is.
    Text,
    /// `multipart/form-data`, one part per field.
    Multipart,
}

impl Param {
    /// A path parameter.
    pub const fn path(wire: &'static str, attr: &'static str, ty: ParamType) -> Self {
        Self::new(ParamLocation::Path, wire, attr, ty)
    }

    /// A single-valued query parameter.
    pub const fn query(wire: &'static str, attr: &'static str, ty: ParamType) -> Self {
        Self::new(ParamLocation::Query, wire, attr, ty)
    }

    /// A request header.
    pub const fn header(wire: &'static str, attr: &'static str, ty: ParamType) -> Self {
        Self::new(ParamLocation::Header, wire, attr, ty)
    }

    /// The same parameter holding a list of `ty`, sent as `style`.
    pub const fn list(mut self, style: ListStyle) -> Self {
        self.list = Some(style);
        self
    }

    const fn new(
        location: ParamLocation,
        wire: &'static str,
        attr: &'static str,
        ty: ParamType,
    ) -> Self {
        Self {
            location,
            wire,
            attr,
            ty,
            list: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_keeps_the_rest_of_the_parameter() {
        const P: Param =
            Param::query("tags", "tags", ParamType::String).list(ListStyle::CommaJoined);
        assert_eq!(P.location, ParamLocation::Query);
        assert_eq!(P.list, Some(ListStyle::CommaJoined));
        assert_eq!(Param::header("X-A", "x_a", ParamType::Integer).list, None);
    }
}
