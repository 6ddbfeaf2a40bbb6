//! Where an attempt goes: the parts of an endpoint every request needs, parsed once when the
//! executor is built rather than on every request.

use crate::config::endpoint::Endpoint;
use crate::error::{Error, Result};

/// One endpoint's scheme and authority as `http` types, and its `Host` header value.
#[derive(Debug)]
pub(super) struct Target {
    scheme: http::uri::Scheme,
    authority: http::uri::Authority,
    /// `None` when the authority is not a valid header value; the signer then reports it.
    host: Option<http::HeaderValue>,
}

impl Target {
    pub fn new(endpoint: &Endpoint) -> Result<Self> {
        let invalid = |e: http::Error| {
            Error::construction(format!("endpoint {endpoint} is not a valid URI")).with_source(e)
        };
        let scheme =
            http::uri::Scheme::try_from(endpoint.scheme()).map_err(|e| invalid(e.into()))?;
        let authority =
            http::uri::Authority::try_from(endpoint.authority()).map_err(|e| invalid(e.into()))?;
        Ok(Self {
            scheme,
            authority,
            host: http::HeaderValue::from_str(endpoint.authority()).ok(),
        })
    }

    /// The URI of `path_and_query` (already encoded) on this endpoint.
    pub fn uri(&self, path_and_query: String) -> Result<http::Uri> {
        let mut parts = http::uri::Parts::default();
        parts.scheme = Some(self.scheme.clone());
        parts.authority = Some(self.authority.clone());
        parts.path_and_query = Some(
            http::uri::PathAndQuery::try_from(path_and_query)
                .map_err(|e| Error::construction("invalid request path").with_source(e))?,
        );
        http::Uri::from_parts(parts)
            .map_err(|e| Error::construction("cannot build the request URI").with_source(e))
    }

    /// The `Host` header value (shared, not copied, from one request to the next).
    pub fn host(&self) -> Option<http::HeaderValue> {
        self.host.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_joins_the_parsed_endpoint_and_the_path() {
        let endpoint = Endpoint::parse_from("https://svc.example.com:8443/base", "test").unwrap();
        let target = Target::new(&endpoint).unwrap();
        let uri = target.uri("/base/v1/x%2Fy?a=1".to_owned()).unwrap();
        assert_eq!(
            uri.to_string(),
            "https://svc.example.com:8443/base/v1/x%2Fy?a=1"
        );
        assert_eq!(target.host().unwrap(), "svc.example.com:8443");
        assert!(target.uri("/with space".to_owned()).is_err());
    }
}
