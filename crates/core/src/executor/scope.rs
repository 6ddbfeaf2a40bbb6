//! Which project and domain a request is made in.

use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;

use super::{Executor, OperationRequest, OperationSpec};
use crate::config::Config;
use crate::credentials::Credentials;
use crate::error::{Error, Result};
use crate::iam::{ProjectIdCache, iam_endpoint};
use crate::signer::SigningAlgorithm;

/// Project and domain ids that fill `{project_id}`/`{domain_id}` and the `X-Project-Id` /
/// `X-Domain-Id` headers: borrowed from the config or credentials, owned only when
/// discovered.
#[derive(Debug, Default)]
pub(super) struct Scope<'a> {
    pub project_id: Option<Cow<'a, str>>,
    pub domain_id: Option<&'a str>,
}

impl<'a> Scope<'a> {
    /// The scope the config (first) or the credentials give; `None` when neither names a
    /// project or domain and the project id is to be discovered (see [`discover`](Self::discover)).
    pub fn known(config: &'a Config, credentials: &'a Credentials) -> Option<Self> {
        let project_id = config.project_id().or(credentials.project_id());
        let domain_id = config.domain_id().or(credentials.domain_id());
        if project_id.is_none()
            && domain_id.is_none()
            && config.project_id_discovery()
            && config.region().is_some()
        {
            return None;
        }
        Some(Self {
            project_id: project_id.map(Cow::Borrowed),
            domain_id,
        })
    }

    /// The project id of the config's region, asked of IAM (cached per identity and region).
    pub async fn discover(config: &'a Config, credentials: &'a Credentials) -> Result<Self> {
        let region = config.region().unwrap_or_default();
        let project_id = discover_project_id(config, credentials, region).await?;
        Ok(Self {
            project_id: Some(Cow::Owned(project_id)),
            domain_id: None,
        })
    }
}

/// A boxed, sendable future: the IAM call runs through the executor, so its future type would
/// otherwise contain itself.
type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Largest IAM answer read (a project list is a few KiB).
const MAX_IAM_BODY_BYTES: usize = 1024 * 1024;

/// Asks IAM for the project named after the region (`GET /v3/projects?name={region}`), signed
/// with the same credentials; cached per (AK, region), or per (identity provider, region) for
/// federated credentials, whose AK changes at every refresh, so the work below runs on a cache
/// miss only. Discovery is off for the IAM call itself, so it cannot recurse at run time.
fn discover_project_id<'a>(
    config: &'a Config,
    credentials: &'a Credentials,
    region: &'a str,
) -> BoxFuture<'a, Result<String>> {
    Box::pin(async move {
        let fetch = || async move {
            let explicit = credentials.iam_endpoint().or(config.iam_endpoint());
            let endpoint = iam_endpoint(Some(region), explicit, &config.endpoint_env())?;
            // Plain SDK-HMAC-SHA256: a derived (V11) scope configured for the service does
            // not apply to IAM.
            let iam_config = config
                .clone()
                .with_project_id_discovery(false)
                .with_signing_algorithm(SigningAlgorithm::HmacSha256);
            let executor = Executor::with_endpoints(&iam_config, "iam", vec![endpoint])?;
            let spec = OperationSpec::new("iam", "KeystoneListProjects", http::Method::GET);
            let request = OperationRequest::new("/v3/projects")
                .query("name", region)
                .header("content-type", "application/json");
            let response = executor.send(&spec, request).await?;
            let trace_id = response
                .headers()
                .get("x-iam-trace-id")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
                .or_else(|| response.request_id().map(str::to_owned));
            let (body, truncated) = response
                .into_body()
                .collect_bounded(MAX_IAM_BODY_BYTES)
                .await?;
            if truncated {
                return Err(Error::credentials(
                    "the IAM project list is larger than 1 MiB; set the project id explicitly",
                ));
            }
            Ok::<_, Error>((body, trace_id))
        };
        // Prefixed so that an identity provider id can never be taken for an AK.
        let identity = match credentials.idp_id() {
            Some(idp_id) => std::borrow::Cow::Owned(format!("idp:{idp_id}")),
            None => std::borrow::Cow::Borrowed(credentials.ak()),
        };
        ProjectIdCache::global()
            .get_or_discover(&identity, region, fetch)
            .await
            .map_err(|e| {
                if e.is_credentials() {
                    return e;
                }
                // Say that discovery failed, not the operation the caller asked for.
                Error::credentials(format!(
                    "project id discovery via IAM failed for region {region} (set the project \
                     id explicitly, or let the AK list IAM projects)"
                ))
                .with_source(e)
            })
    })
}
