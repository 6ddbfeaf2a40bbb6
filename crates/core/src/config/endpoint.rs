//! Region → endpoint resolution.
//!
//! Every service crate declares one [`ServiceEndpoints`] `static` (its region table and host
//! pattern). [`resolve`] turns a region id into the endpoint list a client sends to, looking in
//! this order:
//!
//! 1. the explicit endpoint override (`Config`/client setting), when non-empty;
//! 2. the environment variable `HUAWEICLOUD_SDK_REGION_<SERVICE>_<REGION>` (see
//!    [`region_env_var`]), a comma-separated endpoint list;
//! 3. the regions file: `HUAWEICLOUD_SDK_REGIONS_FILE`, or `~/.huaweicloud/regions.yaml` when it
//!    exists;
//! 4. the service's built-in region table;
//! 5. the service's host pattern with `{region}` replaced, for any well-formed region id (see
//!    [`is_well_formed_region`]) that the table does not list yet.
//!
//! Several endpoints form a failover list, tried in order.
//!
//! The regions file uses the format of the official SDKs; service names match
//! case-insensitively, and both entry forms may be combined:
//!
//! ```yaml
//! metastudio:
//!   - id: cn-north-4
//!     endpoint: https://metastudio.cn-north-4.myhuaweicloud.com
//! SWR:
//!   - id: eu-west-101
//!     endpoints:
//!       - https://swr-api.eu-west-101.myhuaweicloud.eu
//!       - https://swr-api-backup.example.com
//! ```
//!
//! ```
//! use huaweicloud_sdk_core::config::endpoint::{
//!     resolve, EndpointEnv, EndpointSource, ServiceEndpoints,
//! };
//!
//! static METASTUDIO: ServiceEndpoints = ServiceEndpoints {
//!     service: "metastudio",
//!     regions: &[
//!         ("cn-north-4", "https://metastudio.cn-north-4.myhuaweicloud.com"),
//!         ("ap-southeast-1", "https://metastudio.ap-southeast-1.myhuaweicloud.com"),
//!     ],
//!     host_pattern: "https://metastudio.{region}.myhuaweicloud.com",
//! };
//!
//! let env = EndpointEnv::from_lookup(|_| None); // no environment variables, no regions file
//! let resolved = resolve(&METASTUDIO, Some("cn-north-4"), None, &env)?;
//! assert_eq!(resolved.source, EndpointSource::Table);
//! assert_eq!(resolved.endpoints[0].authority(), "metastudio.cn-north-4.myhuaweicloud.com");
//! # Ok::<(), huaweicloud_sdk_core::Error>(())
//! ```

use std::fmt;

use http::Uri;

use super::regions_file;
use crate::error::{Error, Result};

pub use crate::env::EndpointEnv;

/// Prefix of the per-service, per-region endpoint variables.
const REGION_ENV_PREFIX: &str = "HUAWEICLOUD_SDK_REGION_";

/// Longest region id accepted.
const MAX_REGION_LEN: usize = 64;

/// What a service crate tells the core about where it is served. Service crates declare one
/// `static`.
#[derive(Debug, Clone, Copy)]
pub struct ServiceEndpoints {
    /// Lower-case service name used in environment variable names and in the regions file, e.g.
    /// `"metastudio"`.
    pub service: &'static str,
    /// Region id → endpoint, e.g.
    /// `("cn-north-4", "https://metastudio.cn-north-4.myhuaweicloud.com")`.
    pub regions: &'static [(&'static str, &'static str)],
    /// Endpoint for well-formed region ids missing from `regions`, with `{region}` standing for
    /// the region id, e.g. `"https://metastudio.{region}.myhuaweicloud.com"`.
    pub host_pattern: &'static str,
}

/// One resolved endpoint: scheme and authority, plus an optional base path; validated.
///
/// ```
/// use huaweicloud_sdk_core::config::endpoint::Endpoint;
///
/// let endpoint = Endpoint::parse("localhost:8443/gateway/")?; // no scheme: https is assumed
/// assert_eq!(endpoint.scheme(), "https");
/// assert_eq!(endpoint.authority(), "localhost:8443");
/// assert_eq!(endpoint.base_path(), "/gateway");
/// assert_eq!(endpoint.as_str(), "https://localhost:8443/gateway");
/// # Ok::<(), huaweicloud_sdk_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Endpoint {
    /// `scheme://authority[base_path]`.
    text: String,
    /// Length of the scheme in `text`.
    scheme_len: usize,
    /// End of the authority in `text` (it starts after `scheme://`).
    authority_end: usize,
}

impl Endpoint {
    /// Parses and validates an endpoint.
    ///
    /// `https://` is prepended when the text has no scheme. Only `http` and `https` are
    /// accepted; a host is required; user info, query and fragment are rejected. A path is
    /// kept as the base path, without its trailing `/`. Surrounding whitespace is ignored.
    /// The error never shows a `user:password@` part of `text`.
    pub fn parse(text: &str) -> Result<Endpoint> {
        Self::parse_inner(text).map_err(|reason| {
            Error::construction(format!(
                "invalid endpoint {:?}: {}",
                without_userinfo(text),
                masked_reason(text, reason)
            ))
        })
    }

    /// Like [`Endpoint::parse`], naming where the text came from in the error, e.g.
    /// `"the endpoint override"` gives `invalid endpoint "x" from the endpoint override: ...`.
    pub fn parse_from(text: &str, origin: &str) -> Result<Endpoint> {
        Self::parse_inner(text).map_err(|reason| {
            Error::construction(format!(
                "invalid endpoint {:?} from {origin}: {}",
                without_userinfo(text),
                masked_reason(text, reason)
            ))
        })
    }

    fn parse_inner(text: &str) -> std::result::Result<Endpoint, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err("it is empty".to_owned());
        }
        if text.contains(['?', '#']) {
            return Err("an endpoint cannot have a query or a fragment".to_owned());
        }
        let full = if text.contains("://") {
            text.to_owned()
        } else {
            format!("https://{text}")
        };
        let uri: Uri = full.parse().map_err(|e| format!("not a valid URL ({e})"))?;
        let scheme = uri.scheme_str().unwrap_or_default().to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return Err(format!("scheme {scheme:?} is not http or https"));
        }
        let authority = uri
            .authority()
            .map(|a| a.as_str())
            .ok_or("it has no host")?;
        check_authority(authority)?;
        let base_path = uri.path().trim_end_matches('/');
        let text = format!("{scheme}://{authority}{base_path}");
        Ok(Endpoint {
            scheme_len: scheme.len(),
            authority_end: scheme.len() + 3 + authority.len(),
            text,
        })
    }

    /// `"https"` or `"http"`.
    pub fn scheme(&self) -> &str {
        &self.text[..self.scheme_len]
    }

    /// `host[:port]` exactly as written (a default port is kept), as it goes in the `Host` header.
    pub fn authority(&self) -> &str {
        &self.text[self.scheme_len + 3..self.authority_end]
    }

    /// The host, without the port (IPv6 addresses keep their brackets).
    pub fn host(&self) -> &str {
        let authority = self.authority();
        if authority.starts_with('[') {
            match authority.find(']') {
                Some(end) => &authority[..=end],
                None => authority,
            }
        } else {
            authority.split(':').next().unwrap_or(authority)
        }
    }

    /// Path prefix every request path is appended to, without a trailing `/`; usually `""`.
    pub fn base_path(&self) -> &str {
        &self.text[self.authority_end..]
    }

    /// `scheme://authority[base_path]`.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::str::FromStr for Endpoint {
    type Err = Error;

    fn from_str(text: &str) -> Result<Endpoint> {
        Endpoint::parse(text)
    }
}

/// Accepts `host[:port]` where host is a DNS name, an IPv4 address or a bracketed IPv6 address.
fn check_authority(authority: &str) -> std::result::Result<(), String> {
    if authority.contains('@') {
        return Err("an endpoint cannot contain user info ('user@host')".to_owned());
    }
    let (host_ok, port) = if let Some(rest) = authority.strip_prefix('[') {
        let (inside, after) = rest.split_once(']').ok_or("unclosed '[' in the host")?;
        let port = match after {
            "" => None,
            _ => Some(
                after
                    .strip_prefix(':')
                    .ok_or("unexpected text after the IPv6 host")?,
            ),
        };
        let ok = !inside.is_empty()
            && inside
                .chars()
                .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.');
        (ok, port)
    } else {
        let (host, port) = match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        };
        let ok = !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_');
        (ok, port)
    };
    if !host_ok {
        return Err("invalid or missing host".to_owned());
    }
    match port {
        Some(port) if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) => {
            Err(format!("invalid port {port:?}"))
        }
        Some(port) if port.parse::<u16>().is_err() => Err(format!("port {port} is out of range")),
        _ => Ok(()),
    }
}

/// The endpoint text with any `user:password@` part masked, for error messages and `Debug`.
///
/// Everything between the scheme and the last `@` of the text is masked: a password may itself
/// contain `/`, `?` or `#`, so no delimiter reliably ends the user info (an `@` in a path or
/// query is masked too, which only costs detail in a message).
pub(crate) fn without_userinfo(text: &str) -> String {
    match userinfo_span(text) {
        Some((start, end)) => format!(
            "{}***{}",
            text.get(..start).unwrap_or_default(),
            text.get(end..).unwrap_or_default()
        ),
        None => text.to_owned(),
    }
}

/// Byte range of the possible user info in `text`: from after `scheme://` (or the start) to
/// the last `@`, which stays outside the range.
fn userinfo_span(text: &str) -> Option<(usize, usize)> {
    let start = text.find("://").map_or(0, |i| i + 3);
    let at = text.get(start..)?.rfind('@')?;
    Some((start, start + at))
}

/// `reason` unless it quotes a piece of the user info of `text` (a password taken for a port,
/// say); then a reason that quotes nothing.
fn masked_reason(text: &str, reason: String) -> String {
    let Some(secret) = userinfo_span(text).and_then(|(start, end)| text.get(start..end)) else {
        return reason;
    };
    let quotes_secret = secret
        .split([':', '/', '@', '?', '#'])
        .filter(|piece| !piece.is_empty())
        .any(|piece| reason.contains(piece));
    if quotes_secret {
        "it is not a valid endpoint and contains user info ('user@host'), which endpoints cannot have"
            .to_owned()
    } else {
        reason
    }
}

/// Where an endpoint list came from (for debug logs and errors).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EndpointSource {
    /// The endpoints were set explicitly in the configuration.
    Override,
    /// The `HUAWEICLOUD_SDK_REGION_<SERVICE>_<REGION>` environment variable.
    Environment,
    /// The regions file (`HUAWEICLOUD_SDK_REGIONS_FILE` or `~/.huaweicloud/regions.yaml`).
    RegionsFile,
    /// The service's built-in region table.
    Table,
    /// The service's host pattern, for a region missing from its table.
    Pattern,
}

impl fmt::Display for EndpointSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EndpointSource::Override => "explicit endpoint override",
            EndpointSource::Environment => "environment variable",
            EndpointSource::RegionsFile => "regions file",
            EndpointSource::Table => "built-in region table",
            EndpointSource::Pattern => "service host pattern",
        })
    }
}

/// The outcome of [`resolve`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResolvedEndpoints {
    /// The endpoints, never empty; several form a failover list, tried in order.
    pub endpoints: Vec<Endpoint>,
    /// Where they came from.
    pub source: EndpointSource,
}

/// Whether `region` is a well-formed region id: lower-case ASCII letters, digits and `-`,
/// starting with a letter, with at least one `-`, at most 64 characters (e.g. `cn-north-4`,
/// `my-kualalumpur-1`, `eu-west-101`).
pub fn is_well_formed_region(region: &str) -> bool {
    region.len() <= MAX_REGION_LEN
        && region.starts_with(|c: char| c.is_ascii_lowercase())
        && region.contains('-')
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Name of the variable that overrides the endpoints of `service` in `region`:
/// `HUAWEICLOUD_SDK_REGION_` + service upper-cased + `_` + region upper-cased with `-` → `_`.
///
/// ```
/// use huaweicloud_sdk_core::config::endpoint::region_env_var;
///
/// assert_eq!(
///     region_env_var("metastudio", "cn-north-4"),
///     "HUAWEICLOUD_SDK_REGION_METASTUDIO_CN_NORTH_4"
/// );
/// ```
pub fn region_env_var(service: &str, region: &str) -> String {
    format!(
        "{REGION_ENV_PREFIX}{}_{}",
        service.to_ascii_uppercase(),
        region.to_ascii_uppercase().replace('-', "_")
    )
}

/// Resolves the endpoints of `service` for `region`; see the [module docs](self) for the order.
///
/// # Errors
///
/// A construction error when neither a region nor an endpoint override is given, when the
/// region id is malformed, when the regions file cannot be read or parsed, or when an endpoint
/// from any source is invalid (the message names the source).
pub fn resolve(
    service: &ServiceEndpoints,
    region: Option<&str>,
    endpoint_override: Option<&[Endpoint]>,
    env: &EndpointEnv,
) -> Result<ResolvedEndpoints> {
    if let Some(endpoints) = endpoint_override.filter(|e| !e.is_empty()) {
        return Ok(resolved(endpoints.to_vec(), EndpointSource::Override));
    }
    let Some(region) = region else {
        return Err(Error::construction(format!(
            "no region and no endpoint are set for service '{}': set a region (e.g. cn-north-4) \
             or an endpoint",
            service.service
        )));
    };
    if !is_well_formed_region(region) {
        return Err(Error::construction(format!(
            "invalid region id {region:?}: a region id is lower-case ASCII letters, digits and \
             '-', starts with a letter, contains at least one '-' and is at most \
             {MAX_REGION_LEN} characters (e.g. cn-north-4)"
        )));
    }

    let var = region_env_var(service.service, region);
    if let Some(value) = env.try_var(&var)? {
        let endpoints = parse_list(value.split(','), &format!("environment variable {var}"))?;
        if !endpoints.is_empty() {
            return Ok(resolved(endpoints, EndpointSource::Environment));
        }
    }

    if let Some(path) = regions_file::path_from(|name| env.path_var(name)) {
        if let Some(list) = regions_file::lookup(&path, service.service, region)? {
            let origin = format!("regions file '{}'", path.display());
            let endpoints = parse_list(list.iter().map(String::as_str), &origin)?;
            if !endpoints.is_empty() {
                return Ok(resolved(endpoints, EndpointSource::RegionsFile));
            }
        }
    }

    if let Some((_, endpoint)) = service.regions.iter().find(|(id, _)| *id == region) {
        let origin = format!("the region table of service '{}'", service.service);
        let endpoint = Endpoint::parse_from(endpoint, &origin)?;
        return Ok(resolved(vec![endpoint], EndpointSource::Table));
    }

    let text = service.host_pattern.replace("{region}", region);
    let origin = format!("the host pattern of service '{}'", service.service);
    let endpoint = Endpoint::parse_from(&text, &origin)?;
    tracing::debug!(
        service = service.service,
        region,
        endpoint = endpoint.as_str(),
        "region not in the service's table; using its host pattern"
    );
    Ok(resolved(vec![endpoint], EndpointSource::Pattern))
}

fn resolved(endpoints: Vec<Endpoint>, source: EndpointSource) -> ResolvedEndpoints {
    ResolvedEndpoints { endpoints, source }
}

/// Parses the non-blank items of a list, naming `origin` in errors.
fn parse_list<'a>(items: impl Iterator<Item = &'a str>, origin: &str) -> Result<Vec<Endpoint>> {
    items
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| Endpoint::parse_from(s, origin))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn parse(text: &str) -> Endpoint {
        Endpoint::parse(text).unwrap_or_else(|e| panic!("{text:?} should parse: {e}"))
    }

    #[test]
    fn errors_never_quote_a_password() {
        let err =
            Endpoint::parse_from("https://user:hunter2@host.example.com/x", "test").unwrap_err();
        let shown = err.to_string();
        assert!(
            !shown.contains("hunter2") && shown.contains("https://***@host.example.com/x"),
            "{shown}"
        );
        assert_eq!(without_userinfo("host:1/a@b"), "***@b");
        assert_eq!(without_userinfo("host:1/a?x=@b"), "***@b");
        assert_eq!(
            without_userinfo("http://user:hun?ter2pw@host/"),
            "http://***@host/"
        );
        assert_eq!(without_userinfo("http://u:p#w@host/"), "http://***@host/");
        assert_eq!(without_userinfo("u@h"), "***@h");
        assert_eq!(without_userinfo("https://h/p"), "https://h/p");
    }

    #[test]
    fn parse_errors_never_quote_a_password() {
        for text in [
            "https://user:hunter2@host.example.com/x",
            "user:hunter2@host.example.com",
            "https://user:hunter2@bad host",
            "https://user:hunter2@host?q=1",
            // A `/` in the password: the URL parser takes `hunter2` for a port.
            "https://user:hunter2/x@host",
            // A `?` or `#` in the password: the URL parser takes the rest for a query.
            "http://user:hunter2?pw@host/",
            "http://user:hunter2#pw@host/",
            "https://user:pw/hunter2@host",
        ] {
            let err = Endpoint::parse(text).unwrap_err();
            let shown = format!("{err} {err:?} {err:#?}");
            assert!(!shown.contains("hunter2"), "{text}: {shown}");
            assert!(shown.contains("invalid endpoint"), "{shown}");
            let err = Endpoint::parse_from(text, "the test").unwrap_err();
            let shown = format!("{err} {err:?}");
            assert!(!shown.contains("hunter2"), "{text}: {shown}");
        }
        let err = Endpoint::parse("http://user:hun?ter2pw@host/").unwrap_err();
        let shown = format!("{err} {err:?}");
        assert!(
            !shown.contains("ter2pw") && !shown.contains("\"hun\""),
            "{shown}"
        );
        let shown = Endpoint::parse("https://user:hunter2@host")
            .unwrap_err()
            .to_string();
        assert!(shown.contains("https://***@host"), "{shown}");
    }

    #[test]
    fn parse_splits_scheme_authority_and_base_path() {
        let e = parse("https://metastudio.cn-north-4.myhuaweicloud.com");
        assert_eq!(e.scheme(), "https");
        assert_eq!(e.authority(), "metastudio.cn-north-4.myhuaweicloud.com");
        assert_eq!(e.host(), "metastudio.cn-north-4.myhuaweicloud.com");
        assert_eq!(e.base_path(), "");
        assert_eq!(
            e.to_string(),
            "https://metastudio.cn-north-4.myhuaweicloud.com"
        );

        let e = parse("  HTTP://LocalHost:8080/base/path//  ");
        assert_eq!(e.scheme(), "http");
        assert_eq!(e.authority(), "LocalHost:8080");
        assert_eq!(e.host(), "LocalHost");
        assert_eq!(e.base_path(), "/base/path");
        assert_eq!(e.as_str(), "http://LocalHost:8080/base/path");

        let e = parse("https://[::1]:443/");
        assert_eq!(e.authority(), "[::1]:443");
        assert_eq!(e.host(), "[::1]");
        assert_eq!(e.base_path(), "");
    }

    #[test]
    fn parse_prepends_https_without_scheme() {
        let e = parse("swr-api.cn-north-4.myhuaweicloud.com");
        assert_eq!(e.as_str(), "https://swr-api.cn-north-4.myhuaweicloud.com");
        assert_eq!(parse("127.0.0.1:9000").as_str(), "https://127.0.0.1:9000");
        assert_eq!(
            "example.com".parse::<Endpoint>().ok(),
            Some(parse("https://example.com"))
        );
    }

    #[test]
    fn parse_rejects_bad_endpoints() {
        for text in [
            "",
            "   ",
            "https://",
            "ftp://example.com",
            "file:///etc/passwd",
            "https://example.com?x=1",
            "https://example.com/#frag",
            "https://user:pw@example.com",
            "https://exa mple.com",
            "https://example.com:",
            "https://example.com:http",
            "https://example.com:70000",
            "https://[::1",
            "https://[]:80",
            "https://[::1]x",
            "https://ex%41mple.com",
            ":8080",
            "https://example.com\n/x",
        ] {
            let err = Endpoint::parse(text).expect_err(text);
            assert_eq!(err.kind(), ErrorKind::Construction, "{text:?}");
            assert!(err.to_string().contains("invalid endpoint"), "{err}");
        }
    }

    #[test]
    fn region_ids() {
        for ok in [
            "cn-north-4",
            "ap-southeast-3",
            "my-kualalumpur-1",
            "eu-west-101",
            "cn-north-99",
        ] {
            assert!(is_well_formed_region(ok), "{ok}");
        }
        let long = format!("a-{}", "b".repeat(63));
        for bad in [
            "",
            "cn",
            "cnnorth4",
            "cn north",
            "../x",
            "CN-NORTH-4",
            "4cn-north",
            "-cn-north",
            "cn_north_4",
            "cn-north-4\n",
            "cn-north-4.evil.com",
            "cn-nörth-4",
            long.as_str(),
        ] {
            assert!(!is_well_formed_region(bad), "{bad:?}");
        }
        assert!(is_well_formed_region(&long[..64]));
    }

    #[test]
    fn env_var_name() {
        assert_eq!(
            region_env_var("metastudio", "cn-north-4"),
            "HUAWEICLOUD_SDK_REGION_METASTUDIO_CN_NORTH_4"
        );
        assert_eq!(
            region_env_var("swr", "eu-west-101"),
            "HUAWEICLOUD_SDK_REGION_SWR_EU_WEST_101"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_region_variable_that_is_not_utf8_is_an_error_not_the_production_endpoint() {
        use std::os::unix::ffi::OsStringExt;
        static SVC: ServiceEndpoints = ServiceEndpoints {
            service: "metastudio",
            regions: &[(
                "cn-north-4",
                "https://metastudio.cn-north-4.myhuaweicloud.com",
            )],
            host_pattern: "https://metastudio.{region}.myhuaweicloud.com",
        };
        let env = EndpointEnv::from_env_lookup(std::sync::Arc::new(|name: &str| {
            (name == "HUAWEICLOUD_SDK_REGION_METASTUDIO_CN_NORTH_4")
                .then(|| std::ffi::OsString::from_vec(b"http://127.0.0.1:\xff".to_vec()))
        }));
        let err = resolve(&SVC, Some("cn-north-4"), None, &env).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Construction);
        assert_eq!(
            err.to_string(),
            "environment variable HUAWEICLOUD_SDK_REGION_METASTUDIO_CN_NORTH_4 is set but its value is not valid UTF-8"
        );
        assert_eq!(
            env.var("HUAWEICLOUD_SDK_REGION_METASTUDIO_CN_NORTH_4"),
            None
        );
    }

    #[test]
    fn env_lookup_trims_and_drops_blank_values() {
        let env = EndpointEnv::from_lookup(|name| match name {
            "A" => Some("  value \n".to_owned()),
            "B" => Some("   ".to_owned()),
            _ => None,
        });
        assert_eq!(env.var("A").as_deref(), Some("value"));
        assert_eq!(env.var("B"), None);
        assert_eq!(env.var("C"), None);
    }
}
