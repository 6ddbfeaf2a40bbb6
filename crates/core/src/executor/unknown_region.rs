//! A region the service's table does not list: accepted (new regions open before a service
//! crate lists them), but announced when the client is built, and named when connecting fails,
//! since a typo such as `cn-nort-4` otherwise shows only as "connection failed".

use super::Executor;
use crate::config::endpoint::{
    EndpointSource, ResolvedEndpoints, ServiceEndpoints, region_env_var,
};
use crate::error::Error;

/// When `resolved` came from the host pattern: logs a warning and returns what a connection
/// failure will add to its error.
pub(super) fn advice(
    service: &ServiceEndpoints,
    region: Option<&str>,
    resolved: &ResolvedEndpoints,
) -> Option<String> {
    if resolved.source != EndpointSource::Pattern {
        return None;
    }
    let region = region?;
    let endpoint = resolved.endpoints.first()?;
    let variable = region_env_var(service.service, region);
    tracing::warn!(
        service = service.service,
        region,
        endpoint = endpoint.as_str(),
        "region {region} is not in the region table of service {}: using {endpoint} from its \
         host pattern; if the region id has a typo, fix it, else set the endpoint with \
         Config::with_endpoint or {variable}",
        service.service
    );
    Some(format!(
        "region {region} is not known to service {} (its endpoint {endpoint} comes from the \
         service's host pattern): check the region id, or set the endpoint with \
         Config::with_endpoint or the environment variable {variable}",
        service.service
    ))
}

impl Executor {
    /// `error` with the unknown-region advice when it is a connection failure.
    pub(super) fn explain_unknown_region(&self, error: Error) -> Error {
        match &self.inner.unknown_region {
            Some(advice) if error.is_connect() => error.with_advice(advice.clone()),
            _ => error,
        }
    }
}
