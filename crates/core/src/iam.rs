//! IAM endpoint selection and project-id discovery.
//!
//! When a client has a region but no project id, the official SDKs ask IAM for the project
//! named after the region (`GET {iam}/v3/projects?name={region}`, signed with the same
//! credentials) and cache the answer per (AK, region) for the life of the process (per (identity
//! provider, region) for federated credentials). This module
//! provides the pieces: [`iam_endpoint`] picks the IAM endpoint, [`ProjectIdCache`] runs the
//! lookup once per key, and [`parse_projects_response`] reads IAM's answer. The HTTP call itself
//! is passed in by the caller.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use serde::Deserialize;
use tokio::sync::OnceCell;

use crate::config::endpoint::Endpoint;
use crate::env::EndpointEnv;
use crate::error::{Error, Result};

/// Variable that overrides the IAM endpoint.
pub const IAM_ENDPOINT_ENV: &str = "HUAWEICLOUD_SDK_IAM_ENDPOINT";

/// IAM endpoint used for regions without their own entry in [`IAM_REGIONS`].
pub const DEFAULT_IAM_ENDPOINT: &str = "https://iam.myhuaweicloud.com";

/// Regional IAM endpoints listed by the official SDKs (GO `core/auth/internal/iam_endpoint.go`,
/// plus the EU sovereign region of the per-service IAM region tables).
pub const IAM_REGIONS: &[(&str, &str)] = &[
    ("af-south-1", "https://iam.af-south-1.myhuaweicloud.com"),
    (
        "ap-southeast-1",
        "https://iam.ap-southeast-1.myhuaweicloud.com",
    ),
    (
        "ap-southeast-2",
        "https://iam.ap-southeast-2.myhuaweicloud.com",
    ),
    (
        "ap-southeast-3",
        "https://iam.ap-southeast-3.myhuaweicloud.com",
    ),
    (
        "ap-southeast-4",
        "https://iam.ap-southeast-4.myhuaweicloud.com",
    ),
    ("ae-ad-1", "https://iam.ae-ad-1.myhuaweicloud.com"),
    ("cn-east-2", "https://iam.cn-east-2.myhuaweicloud.com"),
    ("cn-east-3", "https://iam.cn-east-3.myhuaweicloud.com"),
    ("cn-east-4", "https://iam.cn-east-4.myhuaweicloud.com"),
    ("cn-east-5", "https://iam.cn-east-5.myhuaweicloud.com"),
    ("cn-north-1", "https://iam.cn-north-1.myhuaweicloud.com"),
    ("cn-north-2", "https://iam.cn-north-2.myhuaweicloud.com"),
    ("cn-north-4", "https://iam.cn-north-4.myhuaweicloud.com"),
    ("cn-north-9", "https://iam.cn-north-9.myhuaweicloud.com"),
    ("cn-south-1", "https://iam.cn-south-1.myhuaweicloud.com"),
    ("cn-south-2", "https://iam.cn-south-2.myhuaweicloud.com"),
    (
        "cn-southwest-2",
        "https://iam.cn-southwest-2.myhuaweicloud.com",
    ),
    ("eu-west-0", "https://iam.eu-west-0.myhuaweicloud.com"),
    ("eu-west-101", "https://iam.eu-west-101.myhuaweicloud.eu"),
    ("la-north-2", "https://iam.la-north-2.myhuaweicloud.com"),
    ("la-south-2", "https://iam.la-south-2.myhuaweicloud.com"),
    ("me-east-1", "https://iam.me-east-1.myhuaweicloud.com"),
    (
        "my-kualalumpur-1",
        "https://iam.my-kualalumpur-1.myhuaweicloud.com",
    ),
    ("na-mexico-1", "https://iam.na-mexico-1.myhuaweicloud.com"),
    ("ru-moscow-1", "https://iam.ru-moscow-1.myhuaweicloud.com"),
    ("sa-brazil-1", "https://iam.sa-brazil-1.myhuaweicloud.com"),
    ("tr-west-1", "https://iam.tr-west-1.myhuaweicloud.com"),
];

/// The IAM endpoint to use: `explicit_override` > `HUAWEICLOUD_SDK_IAM_ENDPOINT` > the regional
/// endpoint of [`IAM_REGIONS`] > [`DEFAULT_IAM_ENDPOINT`]. `https://` is prepended to an
/// override without a scheme; a blank override counts as unset.
///
/// ```
/// use huaweicloud_sdk_core::config::endpoint::EndpointEnv;
/// use huaweicloud_sdk_core::iam::iam_endpoint;
///
/// let env = EndpointEnv::from_lookup(|_| None);
/// let endpoint = iam_endpoint(Some("cn-north-4"), None, &env)?;
/// assert_eq!(endpoint.as_str(), "https://iam.cn-north-4.myhuaweicloud.com");
/// # Ok::<(), huaweicloud_sdk_core::Error>(())
/// ```
///
/// # Errors
///
/// A construction error when an override is not a valid endpoint.
pub fn iam_endpoint(
    region: Option<&str>,
    explicit_override: Option<&str>,
    env: &EndpointEnv,
) -> Result<Endpoint> {
    if let Some(endpoint) = overridden_iam_endpoint(explicit_override, env) {
        return endpoint;
    }
    let text = region
        .and_then(regional_iam_endpoint)
        .unwrap_or(DEFAULT_IAM_ENDPOINT);
    Endpoint::parse_from(text, "the IAM endpoint table")
}

/// The IAM endpoint of an OIDC federation exchange: `explicit_override` >
/// `HUAWEICLOUD_SDK_IAM_ENDPOINT` > the regional endpoint of [`IAM_REGIONS`]. Unlike
/// [`iam_endpoint`] there is no global default: an identity provider is registered with the
/// IAM of one site, and sending its id token to another site's IAM fails with a misleading
/// authorization error, so an unknown site is reported instead.
///
/// # Errors
///
/// A construction error when an override is not a valid endpoint; a credentials error when
/// there is no override and the region is unknown or not in [`IAM_REGIONS`].
pub(crate) fn exchange_iam_endpoint(
    region: Option<&str>,
    explicit_override: Option<&str>,
    env: &EndpointEnv,
) -> Result<Endpoint> {
    if let Some(endpoint) = overridden_iam_endpoint(explicit_override, env) {
        return endpoint;
    }
    let Some(region) = region else {
        return Err(Error::credentials(format!(
            "no IAM endpoint for the federation exchange: the client has no region; set a region \
             (Config::with_region), or an IAM endpoint (FederatedProvider::with_iam_endpoint, \
             Config::with_iam_endpoint or {IAM_ENDPOINT_ENV})"
        )));
    };
    match regional_iam_endpoint(region) {
        Some(text) => Endpoint::parse_from(text, "the IAM endpoint table"),
        None => Err(Error::credentials(format!(
            "no IAM endpoint is known for region {region}; set the IAM endpoint of its site \
             (FederatedProvider::with_iam_endpoint, Config::with_iam_endpoint or {IAM_ENDPOINT_ENV})"
        ))),
    }
}

/// The override that applies, if any: `explicit_override`, else `HUAWEICLOUD_SDK_IAM_ENDPOINT`;
/// `https://` is prepended to one without a scheme, a blank one counts as unset.
fn overridden_iam_endpoint(
    explicit_override: Option<&str>,
    env: &EndpointEnv,
) -> Option<Result<Endpoint>> {
    if let Some(text) = explicit_override.filter(|t| !t.trim().is_empty()) {
        return Some(Endpoint::parse_from(text, "the IAM endpoint override"));
    }
    let text = env.var(IAM_ENDPOINT_ENV)?;
    let origin = format!("environment variable {IAM_ENDPOINT_ENV}");
    Some(Endpoint::parse_from(&text, &origin))
}

/// The endpoint [`IAM_REGIONS`] lists for `region`.
fn regional_iam_endpoint(region: &str) -> Option<&'static str> {
    IAM_REGIONS
        .iter()
        .find(|(id, _)| *id == region)
        .map(|(_, endpoint)| *endpoint)
}

/// Process-wide cache of discovered project ids, keyed by (identity, region): the identity is
/// the AK, or for federated credentials the identity provider (their temporary AK changes at
/// every refresh, the project does not).
///
/// Concurrent lookups of the same key share one IAM call; a failed lookup is not cached, so the
/// next caller tries again.
#[derive(Default)]
pub struct ProjectIdCache {
    entries: Mutex<HashMap<CacheKey, Arc<OnceCell<String>>>>,
}

/// (identity, region).
type CacheKey = (String, String);

impl ProjectIdCache {
    /// An empty cache (for tests, or to keep lookups apart from the process-wide cache).
    pub fn new() -> Self {
        Self::default()
    }

    /// The process-wide cache.
    pub fn global() -> &'static ProjectIdCache {
        static GLOBAL: OnceLock<ProjectIdCache> = OnceLock::new();
        GLOBAL.get_or_init(ProjectIdCache::new)
    }

    /// Returns the cached id of (`identity`, `region`) or calls `fetch` (which performs the signed
    /// `GET {iam}/v3/projects?name={region}` and returns the 2xx response body and the
    /// `X-IAM-Trace-Id`/`X-Request-Id` header value if any), parses it with
    /// [`parse_projects_response`] and caches a success. Concurrent callers for the same key
    /// trigger one fetch.
    ///
    /// # Errors
    ///
    /// The error of `fetch`, unchanged, or the credentials error of
    /// [`parse_projects_response`].
    pub async fn get_or_discover<F, Fut>(
        &self,
        identity: &str,
        region: &str,
        fetch: F,
    ) -> Result<String>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<(bytes::Bytes, Option<String>)>>,
    {
        let cell = {
            let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
            let key = (identity.to_owned(), region.to_owned());
            Arc::clone(entries.entry(key).or_default())
        };
        let id = cell
            .get_or_try_init(|| async {
                tracing::debug!(region, "discovering the IAM project id");
                let (body, trace_id) = fetch().await?;
                let id = parse_projects_response(&body, region, trace_id.as_deref())?;
                tracing::debug!(
                    region,
                    project_id = id.as_str(),
                    "discovered the IAM project id"
                );
                Ok::<_, Error>(id)
            })
            .await?;
        Ok(id.clone())
    }
}

impl fmt::Debug for ProjectIdCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        f.debug_struct("ProjectIdCache")
            .field("entries", &entries.len())
            .finish()
    }
}

#[derive(Deserialize)]
struct ProjectsBody {
    projects: Vec<Project>,
}

#[derive(Deserialize)]
struct Project {
    id: String,
}

/// Reads the project id out of an IAM `GET /v3/projects?name={region}` response body
/// (`{"projects":[{"id":"...","name":"cn-north-4",...}],"links":{...}}`).
///
/// ```
/// use huaweicloud_sdk_core::iam::parse_projects_response;
///
/// let body = br#"{"projects":[{"id":"0a1b2c","name":"cn-north-4"}],"links":{}}"#;
/// assert_eq!(parse_projects_response(body, "cn-north-4", None)?, "0a1b2c");
/// # Ok::<(), huaweicloud_sdk_core::Error>(())
/// ```
///
/// # Errors
///
/// A credentials error when the body is malformed, or lists no project or several projects;
/// `, X-IAM-Trace-Id=<id>` is appended when `trace_id` is known.
pub fn parse_projects_response(
    body: &[u8],
    region: &str,
    trace_id: Option<&str>,
) -> Result<String> {
    let fail = |message: String| {
        let trace = trace_id
            .map(|t| format!(", X-IAM-Trace-Id={t}"))
            .unwrap_or_default();
        Err(Error::credentials(format!("{message}{trace}")))
    };
    let body: ProjectsBody = match serde_json::from_slice(body) {
        Ok(body) => body,
        Err(e) => {
            return fail(format!(
                "malformed IAM response listing the projects named '{region}': {e}"
            ));
        }
    };
    match body.projects.as_slice() {
        [] => fail(format!(
            "no IAM project named '{region}' is visible to this AK; set the project id explicitly \
             (HUAWEICLOUD_SDK_PROJECT_ID or Config::with_project_id)"
        )),
        [project] if project.id.trim().is_empty() => fail(format!(
            "malformed IAM response listing the projects named '{region}': the project id is empty"
        )),
        [project] => Ok(project.id.clone()),
        several => {
            let ids: Vec<&str> = several.iter().map(|p| p.id.as_str()).collect();
            fail(format!(
                "several IAM projects named '{region}': [{}]; set the project id explicitly",
                ids.join(", ")
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn no_env() -> EndpointEnv {
        EndpointEnv::from_lookup(|_| None)
    }

    #[test]
    fn table_has_27_unique_well_formed_regions() {
        assert_eq!(IAM_REGIONS.len(), 27);
        let mut ids: Vec<&str> = IAM_REGIONS.iter().map(|(id, _)| *id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 27);
        for (id, endpoint) in IAM_REGIONS {
            assert!(crate::config::endpoint::is_well_formed_region(id), "{id}");
            let parsed = Endpoint::parse(endpoint).expect("valid table endpoint");
            assert!(
                parsed
                    .host()
                    .starts_with(&format!("iam.{id}.myhuaweicloud."))
            );
        }
    }

    #[test]
    fn endpoint_precedence() {
        let env = EndpointEnv::from_lookup(|name| {
            (name == IAM_ENDPOINT_ENV).then(|| "iam.example.com".to_owned())
        });
        let explicit = iam_endpoint(Some("cn-north-4"), Some("http://127.0.0.1:9"), &env);
        assert_eq!(explicit.expect("override").as_str(), "http://127.0.0.1:9");
        let from_env = iam_endpoint(Some("cn-north-4"), Some("  "), &env);
        assert_eq!(from_env.expect("env").as_str(), "https://iam.example.com");
        let regional = iam_endpoint(Some("cn-north-4"), None, &no_env());
        assert_eq!(
            regional.expect("table").as_str(),
            "https://iam.cn-north-4.myhuaweicloud.com"
        );
        let eu = iam_endpoint(Some("eu-west-101"), None, &no_env());
        assert_eq!(
            eu.expect("table").as_str(),
            "https://iam.eu-west-101.myhuaweicloud.eu"
        );
        for region in [None, Some("cn-north-99"), Some("not a region")] {
            let default = iam_endpoint(region, None, &no_env()).expect("default");
            assert_eq!(default.as_str(), DEFAULT_IAM_ENDPOINT);
        }
    }

    #[test]
    fn the_exchange_endpoint_has_no_global_default() {
        let env = EndpointEnv::from_lookup(|name| {
            (name == IAM_ENDPOINT_ENV).then(|| "iam.example.com".to_owned())
        });
        let explicit = exchange_iam_endpoint(None, Some("http://127.0.0.1:9"), &no_env());
        assert_eq!(explicit.expect("override").as_str(), "http://127.0.0.1:9");
        let from_env = exchange_iam_endpoint(None, None, &env);
        assert_eq!(from_env.expect("env").as_str(), "https://iam.example.com");
        let regional = exchange_iam_endpoint(Some("la-south-2"), None, &no_env());
        assert_eq!(
            regional.expect("table").as_str(),
            "https://iam.la-south-2.myhuaweicloud.com"
        );
        let err = exchange_iam_endpoint(None, None, &no_env()).expect_err("no region");
        assert_eq!(err.kind(), ErrorKind::Credentials);
        assert!(
            err.to_string().contains("the client has no region"),
            "{err}"
        );
        let err = exchange_iam_endpoint(Some("cn-north-99"), None, &no_env()).expect_err("unknown");
        assert!(
            err.to_string()
                .starts_with("no IAM endpoint is known for region cn-north-99"),
            "{err}"
        );
    }

    #[test]
    fn bad_overrides_are_construction_errors() {
        let err = iam_endpoint(None, Some("ftp://iam.example.com"), &no_env()).expect_err("bad");
        assert_eq!(err.kind(), ErrorKind::Construction);
        assert!(err.to_string().contains("IAM endpoint override"), "{err}");

        let env = EndpointEnv::from_lookup(|name| {
            (name == IAM_ENDPOINT_ENV).then(|| "https://iam.example.com?x=1".to_owned())
        });
        let err = iam_endpoint(None, None, &env).expect_err("bad");
        assert!(err.to_string().contains(IAM_ENDPOINT_ENV), "{err}");
    }

    #[test]
    fn parses_projects() {
        let one = br#"{"projects":[{"id":"p1","name":"cn-north-4","enabled":true}],"links":{"self":"x"}}"#;
        assert_eq!(
            parse_projects_response(one, "cn-north-4", None).expect("one"),
            "p1"
        );

        let none = br#"{"projects":[],"links":{}}"#;
        let err = parse_projects_response(none, "cn-north-4", Some("trace-1")).expect_err("zero");
        assert_eq!(err.kind(), ErrorKind::Credentials);
        assert_eq!(
            err.to_string(),
            "no IAM project named 'cn-north-4' is visible to this AK; set the project id \
             explicitly (HUAWEICLOUD_SDK_PROJECT_ID or Config::with_project_id), \
             X-IAM-Trace-Id=trace-1"
        );

        let two =
            br#"{"projects":[{"id":"p1","name":"cn-north-4"},{"id":"p2","name":"cn-north-4"}]}"#;
        let err = parse_projects_response(two, "cn-north-4", None).expect_err("two");
        assert_eq!(
            err.to_string(),
            "several IAM projects named 'cn-north-4': [p1, p2]; set the project id explicitly"
        );
    }

    #[test]
    fn malformed_bodies_are_credentials_errors() {
        let bodies: &[&[u8]] = &[
            b"",
            b"not json",
            b"{}",
            br#"{"projects":{}}"#,
            br#"{"projects":[{"name":"cn-north-4"}]}"#,
            br#"{"projects":[{"id":""}]}"#,
            b"\xff\xfe",
        ];
        for body in bodies {
            let err =
                parse_projects_response(body, "cn-north-4", Some("t")).expect_err("malformed");
            assert_eq!(err.kind(), ErrorKind::Credentials, "{body:?}");
            assert!(err.to_string().ends_with(", X-IAM-Trace-Id=t"), "{err}");
        }
    }
}
