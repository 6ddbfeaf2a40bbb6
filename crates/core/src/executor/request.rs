//! What a service crate hands the executor: path template and parameters, query, headers, body.

use std::borrow::Cow;

use serde::Serialize;

use crate::body::{Multipart, RequestBody};
use crate::error::{Error, Result};
use crate::signer::{RedactedHeaders, push_encoded};

/// One operation's request, before credentials, endpoint and signature are added.
///
/// ```
/// use huaweicloud_sdk_core::OperationRequest;
///
/// let request = OperationRequest::new("/v2/{project_id}/instances/{instance_id}")
///     .path_param("instance_id", "i-1")
///     .query("with_scan_overview", "true")
///     .header("content-type", "application/json");
/// ```
pub struct OperationRequest {
    path_template: Cow<'static, str>,
    path_params: Vec<(&'static str, String)>,
    query: Vec<(String, String)>,
    headers: Vec<(&'static str, String)>,
    body: RequestBody,
    error: Option<String>,
}

impl OperationRequest {
    /// A request for `path_template`, whose `{name}` placeholders are filled from
    /// [`path_param`](Self::path_param) (or, for `{project_id}`/`{domain_id}`, from the
    /// credentials' scope).
    pub fn new(path_template: impl Into<Cow<'static, str>>) -> Self {
        Self {
            path_template: path_template.into(),
            path_params: Vec::new(),
            query: Vec::new(),
            headers: Vec::new(),
            body: RequestBody::empty(),
            error: None,
        }
    }

    /// Fills `{name}`. The value is percent-encoded (every byte but `A-Za-z0-9-_.~`), so no
    /// value can change the route: `group/app` is sent as `group%2Fapp`.
    pub fn path_param(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.path_params.push((name, value.into()));
        self
    }

    /// Adds a query parameter (raw value; encoded when sent). Repeat for repeated keys.
    pub fn query(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((key.into(), value.into()));
        self
    }

    /// Adds a query parameter when `value` is `Some`.
    pub fn query_opt(self, key: impl Into<String>, value: Option<impl Into<String>>) -> Self {
        match value {
            Some(v) => self.query(key, v),
            None => self,
        }
    }

    /// Adds a header (signed like every header without `_` in its name). The value may be any
    /// UTF-8 text without control characters; it is checked before anything is sent.
    ///
    /// Headers the SDK manages: when the credentials carry a security token, an
    /// `X-Security-Token` given here is replaced by the credentials' token (sent once, and
    /// signed), as the official SDKs' signers overwrite it; without one, the value given here
    /// is sent as it is. A header such as `X-Request-Id` is sent as given. A request that sets
    /// `Authorization` itself is sent unsigned, with its headers as given.
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// Adds a header when `value` is `Some`.
    pub fn header_opt(self, name: &'static str, value: Option<impl Into<String>>) -> Self {
        match value {
            Some(v) => self.header(name, v),
            None => self,
        }
    }

    /// Sets the body.
    pub fn body(mut self, body: RequestBody) -> Self {
        self.body = body;
        self
    }

    /// Sets a `multipart/form-data` body and its `content-type` header (replacing any
    /// `content-type` set before). Its parts are streamed, so it is signed, as the official
    /// SDKs sign every non-JSON body, with `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD`.
    pub fn multipart_body(mut self, multipart: Multipart) -> Self {
        self.headers
            .retain(|(name, _)| !name.eq_ignore_ascii_case("content-type"));
        self.headers
            .push(("content-type", multipart.content_type()));
        self.body = multipart.into_body();
        self
    }

    /// Serialises `value` as the JSON body.
    pub fn json_body<T: Serialize + ?Sized>(mut self, value: &T) -> Self {
        match serde_json::to_vec(value) {
            Ok(bytes) => self.body = RequestBody::from_bytes(bytes),
            Err(e) => self.error = Some(format!("cannot serialise the request body: {e}")),
        }
        self
    }

    /// The query parameters, raw.
    pub fn query_pairs(&self) -> &[(String, String)] {
        &self.query
    }

    /// The headers, raw.
    pub fn headers(&self) -> &[(&'static str, String)] {
        &self.headers
    }

    pub(super) fn into_parts(self) -> Result<Parts> {
        if let Some(e) = self.error {
            return Err(Error::construction(e));
        }
        // Room for the user agent, one scope id, the three headers the signer always adds and
        // one more: hyper-util looks up `Host` with `HeaderMap::entry`, which first makes room
        // for an insert, so a table filled to its capacity would grow (and rehash) there on
        // every attempt. Each attempt sends a copy of this table, which copies its index at
        // this size but only the entries in use.
        let mut headers = http::HeaderMap::with_capacity(self.headers.len() + 6);
        for (name, value) in self.headers {
            // Every operation sends `content-type`: its name is taken without parsing it.
            let name = if name == "content-type" {
                http::header::CONTENT_TYPE
            } else {
                http::HeaderName::from_bytes(name.as_bytes())
                    .map_err(|_| Error::construction(format!("invalid header name {name:?}")))?
            };
            // The operations' usual content types become static values (each attempt copies
            // the headers, and a copy of a value made from a `String` allocates). Any other
            // value without surrounding whitespace is taken over without a copy; both
            // conversions apply the same check.
            let value = if let Some(value) = static_value(&value) {
                Ok(value)
            } else if value.trim().len() == value.len() {
                http::HeaderValue::try_from(value)
            } else {
                http::HeaderValue::from_bytes(value.trim().as_bytes())
            }
            .map_err(|_| {
                Error::construction(format!("header {name} has characters not allowed in HTTP"))
            })?;
            headers.append(name, value);
        }
        Ok(Parts {
            path_template: self.path_template,
            path_params: self.path_params,
            query: self.query,
            headers,
            body: self.body,
        })
    }
}

/// The static form of the content types most operations send.
fn static_value(value: &str) -> Option<http::HeaderValue> {
    const STATIC_VALUES: [&str; 2] = ["application/json", "application/json;charset=utf-8"];
    STATIC_VALUES
        .into_iter()
        .find(|known| *known == value)
        .map(http::HeaderValue::from_static)
}

impl std::fmt::Debug for OperationRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // An operation may carry `Authorization` or `X-Security-Token` as parameters: their
        // values are never shown.
        f.debug_struct("OperationRequest")
            .field("path_template", &self.path_template)
            .field("path_params", &self.path_params)
            .field("query", &self.query)
            .field("headers", &RedactedHeaders(&self.headers))
            .field("body", &self.body)
            .field("error", &self.error)
            .finish()
    }
}

/// A checked request, ready for the scope to fill its path.
pub(super) struct Parts {
    path_template: Cow<'static, str>,
    path_params: Vec<(&'static str, String)>,
    pub query: Vec<(String, String)>,
    pub headers: http::HeaderMap,
    pub body: RequestBody,
}

impl Parts {
    /// The path with every placeholder replaced by its encoded value. `scope` supplies
    /// `project_id`/`domain_id` when no path parameter does.
    pub fn render_path(&self, scope: &[(&str, Option<&str>)]) -> Result<String> {
        let template = self.path_template.as_ref();
        let mut out = String::with_capacity(template.len() + 64);
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let close = after.find('}').ok_or_else(|| {
                Error::construction(format!(
                    "unclosed placeholder in path template {template:?}"
                ))
            })?;
            let name = &after[..close];
            let value = self
                .path_params
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.as_str())
                .or_else(|| scope.iter().find(|(n, _)| *n == name).and_then(|(_, v)| *v))
                .ok_or_else(|| missing(name))?;
            if value.is_empty() {
                return Err(Error::construction(format!(
                    "path parameter {name} is empty; it must have a value"
                )));
            }
            // HTTP clients normalise `.` and `..` segments away (encoded or not), which would
            // change the route and break the signature: refuse them before any I/O.
            if value == "." || value == ".." {
                return Err(Error::construction(format!(
                    "path parameter {name} is {value:?}, which would change the request path"
                )));
            }
            push_encoded(&mut out, value);
            rest = &after[close + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }
}

fn missing(name: &str) -> Error {
    match name {
        "project_id" => Error::construction(
            "no project id: set HUAWEICLOUD_SDK_PROJECT_ID, Credentials::with_project_id or \
             Config::with_project_id, or enable Config::with_project_id_discovery",
        ),
        "domain_id" => Error::construction(
            "no domain id: set HUAWEICLOUD_SDK_DOMAIN_ID, Credentials::with_domain_id or \
             Config::with_domain_id",
        ),
        other => Error::construction(format!("missing path parameter {other}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(r: OperationRequest) -> Parts {
        r.into_parts().unwrap()
    }

    #[test]
    fn renders_and_encodes_path_params() {
        let p = parts(
            OperationRequest::new(
                "/v2/{project_id}/repositories/{repository_name}/artifacts/{reference}",
            )
            .path_param("repository_name", "group/app")
            .path_param("reference", "sha256:abc"),
        );
        let path = p.render_path(&[("project_id", Some("p1"))]).unwrap();
        assert_eq!(
            path,
            "/v2/p1/repositories/group%2Fapp/artifacts/sha256%3Aabc"
        );
    }

    #[test]
    fn rejects_missing_empty_and_bad_values_before_io() {
        let p = parts(OperationRequest::new("/v1/{project_id}/files"));
        let e = p.render_path(&[("project_id", None)]).unwrap_err();
        assert!(e.is_construction() && e.to_string().contains("project id"));
        let p = parts(OperationRequest::new("/v1/{x}").path_param("x", ""));
        assert!(p.render_path(&[]).unwrap_err().is_construction());
        for dots in [".", ".."] {
            let p = parts(OperationRequest::new("/v1/{x}/y").path_param("x", dots));
            assert!(p.render_path(&[]).unwrap_err().is_construction(), "{dots}");
        }
        let p = parts(OperationRequest::new("/v1/{x}").path_param("x", "..."));
        assert_eq!(p.render_path(&[]).unwrap(), "/v1/...");
        let p = parts(OperationRequest::new("/v1/{x"));
        assert!(p.render_path(&[]).unwrap_err().is_construction());
        let e = OperationRequest::new("/")
            .header("x-app-userid", "a\nb")
            .into_parts()
            .err()
            .unwrap();
        assert!(e.is_construction());
    }

    #[test]
    fn multipart_body_replaces_the_content_type_and_debug_hides_tokens() {
        let request = OperationRequest::new("/")
            .header("Content-Type", "multipart/form-data")
            .header("X-Security-Token", "secret-token")
            .multipart_body(Multipart::with_boundary("b").text("k", "v"));
        let shown = format!("{request:?}");
        assert!(!shown.contains("secret-token"), "{shown}");
        let p = parts(request);
        assert_eq!(
            p.headers
                .get_all(http::header::CONTENT_TYPE)
                .iter()
                .collect::<Vec<_>>(),
            ["multipart/form-data; boundary=b"]
        );
        assert!(p.body.as_bytes().is_none() && p.body.content_length().is_some());
    }

    #[test]
    fn non_ascii_header_values_are_allowed() {
        let p = parts(OperationRequest::new("/").header("x-app-userid", "пользователь-01"));
        assert_eq!(
            p.headers["x-app-userid"].as_bytes(),
            "пользователь-01".as_bytes()
        );
    }
}
