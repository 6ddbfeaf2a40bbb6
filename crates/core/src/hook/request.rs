//! What a hook sees of a request before it is signed.

use crate::error::{Error, Result};

/// Headers the SDK sets or that carry a credential: a hook can neither read nor set them.
const MANAGED: [&str; 5] = [
    "authorization",
    "x-security-token",
    "x-sdk-date",
    "x-sdk-content-sha256",
    "host",
];

/// Whether `name` (lower case) is one of the headers a hook does not touch.
pub(crate) fn is_managed(name: &str) -> bool {
    MANAGED.contains(&name)
}

/// A request before it is signed, as [`Hook::before_signing`](super::Hook::before_signing)
/// sees it: its headers and query can be changed; `Authorization`, `X-Security-Token`,
/// `X-Sdk-Date`, `X-Sdk-Content-Sha256` and `Host` can neither be read nor set.
///
/// ```
/// use huaweicloud_sdk_core::hook::{Hook, HookRequest};
///
/// /// Sends the tenant of the calling service with every request.
/// struct Tenant(&'static str);
///
/// impl Hook for Tenant {
///     fn before_signing(&self, request: &mut HookRequest<'_>) {
///         if request.header("x-tenant-id").is_none() {
///             let _ = request.insert_header("x-tenant-id", self.0);
///         }
///     }
/// }
/// ```
pub struct HookRequest<'a> {
    pub(crate) service: &'static str,
    pub(crate) operation: &'static str,
    pub(crate) method: &'a http::Method,
    pub(crate) path: &'a str,
    pub(crate) headers: &'a mut http::HeaderMap,
    pub(crate) query: &'a mut Vec<(String, String)>,
}

impl HookRequest<'_> {
    /// The service, e.g. `metastudio`.
    pub fn service(&self) -> &'static str {
        self.service
    }

    /// The operation, e.g. `ListAssets`.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The HTTP method.
    pub fn method(&self) -> &http::Method {
        self.method
    }

    /// The path, parameters encoded, without the endpoint's base path.
    pub fn path(&self) -> &str {
        self.path
    }

    /// The first value of header `name` (any case), as text; `None` when absent, not text, or
    /// one of the headers hooks do not see.
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = http::HeaderName::from_bytes(name.as_bytes()).ok()?;
        if is_managed(name.as_str()) {
            return None;
        }
        self.headers.get(name)?.to_str().ok()
    }

    /// The names of the headers set so far, the hidden ones left out.
    pub fn header_names(&self) -> impl Iterator<Item = &str> {
        self.headers
            .keys()
            .map(http::HeaderName::as_str)
            .filter(|name| !is_managed(name))
    }

    /// Sets header `name` to `value`, replacing its values; it is signed like the operation's
    /// own headers. Fails, changing nothing, for a name or value HTTP does not allow and for
    /// the headers the SDK manages.
    pub fn insert_header(&mut self, name: &str, value: &str) -> Result<()> {
        let (name, value) = checked_header(name, value)?;
        self.headers.insert(name, value);
        Ok(())
    }

    /// Removes header `name` (the headers the SDK manages excepted); true when it was set.
    pub fn remove_header(&mut self, name: &str) -> bool {
        match http::HeaderName::from_bytes(name.as_bytes()) {
            Ok(name) if !is_managed(name.as_str()) => self.headers.remove(name).is_some(),
            _ => false,
        }
    }

    /// The query parameters, raw (encoded when sent).
    pub fn query(&self) -> &[(String, String)] {
        self.query
    }

    /// Adds a query parameter (raw; encoded when sent). Repeat for repeated keys.
    pub fn push_query(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.query.push((key.into(), value.into()));
    }

    /// Removes every query parameter named `key`; true when there was one.
    pub fn remove_query(&mut self, key: &str) -> bool {
        let before = self.query.len();
        self.query.retain(|(k, _)| k != key);
        self.query.len() != before
    }
}

impl std::fmt::Debug for HookRequest<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Names only: values may be anything the caller put there.
        f.debug_struct("HookRequest")
            .field("service", &self.service)
            .field("operation", &self.operation)
            .field("method", self.method)
            .field("path", &self.path)
            .field("headers", &self.header_names().collect::<Vec<_>>())
            .field("query", &self.query.len())
            .finish()
    }
}

/// `name` and `value` as a header a caller may set: allowed by HTTP and not managed by the
/// SDK.
pub(crate) fn checked_header(
    name: &str,
    value: &str,
) -> Result<(http::HeaderName, http::HeaderValue)> {
    let name = http::HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| Error::construction(format!("invalid header name {name:?}")))?;
    if is_managed(name.as_str()) {
        return Err(Error::construction(format!(
            "header {name} is set by the SDK and cannot be set here"
        )));
    }
    let value = http::HeaderValue::from_str(value.trim()).map_err(|_| {
        Error::construction(format!("header {name} has characters not allowed in HTTP"))
    })?;
    Ok((name, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_neither_read_nor_set() {
        let mut headers = http::HeaderMap::new();
        headers.insert("x-security-token", "the-token".parse().unwrap());
        headers.insert("authorization", "the-signature".parse().unwrap());
        headers.insert("x-project-id", "p1".parse().unwrap());
        let mut query = Vec::new();
        let method = http::Method::GET;
        let mut request = HookRequest {
            service: "svc",
            operation: "Op",
            method: &method,
            path: "/v1/p1/things",
            headers: &mut headers,
            query: &mut query,
        };
        assert_eq!(request.header("X-Security-Token"), None);
        assert_eq!(request.header("authorization"), None);
        assert_eq!(request.header("x-project-id"), Some("p1"));
        assert_eq!(request.header_names().collect::<Vec<_>>(), ["x-project-id"]);
        assert!(request.insert_header("Authorization", "x").is_err());
        assert!(request.insert_header("x-tenant", "a\nb").is_err());
        assert!(!request.remove_header("x-security-token"));
        request.insert_header("TraceParent", "00-1-2-01").unwrap();
        request.push_query("marker", "m1");
        let shown = format!("{request:?}");
        assert!(!shown.contains("the-token") && !shown.contains("the-signature"));
        assert!(request.remove_query("marker") && !request.remove_query("marker"));
        assert_eq!(headers["traceparent"], "00-1-2-01");
        assert_eq!(headers["x-security-token"], "the-token");
    }
}
