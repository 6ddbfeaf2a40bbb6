//! Fallible access to the vectors' JSON and the SDK configuration a vector asks for.

use std::path::Path;
use std::time::SystemTime;

use huaweicloud_sdk_core::config::endpoint::EndpointEnv;
use huaweicloud_sdk_core::retry::RetryConfig;
use huaweicloud_sdk_core::signer::SigningAlgorithm;
use huaweicloud_sdk_core::{Config, Credentials};
use serde_json::Value;

/// Reads `dir/file` as a JSON array; `Ok(None)` when the file does not exist.
pub(crate) fn load_array(dir: &Path, file: &str) -> Result<Option<Vec<Value>>, String> {
    let path = dir.join(file);
    if !path.exists() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    match serde_json::from_str(&text) {
        Ok(Value::Array(items)) => Ok(Some(items)),
        Ok(_) => Err(format!("{} is not a JSON array", path.display())),
        Err(e) => Err(format!("{} is not JSON: {e}", path.display())),
    }
}

/// The string at `pointer`.
pub(crate) fn text<'a>(vector: &'a Value, pointer: &str) -> Result<&'a str, String> {
    vector
        .pointer(pointer)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("vector has no string at {pointer}"))
}

/// The string at `pointer`, when there is one.
pub(crate) fn opt_text<'a>(vector: &'a Value, pointer: &str) -> Option<&'a str> {
    vector.pointer(pointer).and_then(Value::as_str)
}

/// `[[name, value], ...]` as pairs, names spelled and ordered as recorded; absent is empty.
pub(crate) fn pairs(value: Option<&Value>) -> Result<Vec<(String, String)>, String> {
    let Some(value) = value.filter(|v| !v.is_null()) else {
        return Ok(Vec::new());
    };
    let items = value
        .as_array()
        .ok_or_else(|| format!("header list is not an array: {value}"))?;
    items
        .iter()
        .map(|pair| {
            match (
                pair.get(0).and_then(Value::as_str),
                pair.get(1).and_then(Value::as_str),
            ) {
                (Some(name), Some(value)) => Ok((name.to_owned(), value.to_owned())),
                _ => Err(format!("header pair is not [name, value]: {pair}")),
            }
        })
        .collect()
}

/// A list of strings (e.g. `transport_headers`), lower-cased; absent is empty.
pub(crate) fn lower_list(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_ascii_lowercase)
        .collect()
}

/// The body of a recorded message: `body_utf8` or `body_base64` (absent or null: empty).
pub(crate) fn message_body(message: &Value) -> Result<Vec<u8>, String> {
    if let Some(text) = message.get("body_utf8").and_then(Value::as_str) {
        return Ok(text.as_bytes().to_vec());
    }
    if let Some(b64) = message.get("body_base64").and_then(Value::as_str) {
        return crate::try_base64_decode(b64);
    }
    Ok(Vec::new())
}

/// The vector's `signing_time`; the current time when it has none.
pub(crate) fn signing_time(vector: &Value) -> Result<SystemTime, String> {
    match opt_text(vector, "/signing_time") {
        Some(text) => crate::parse_signing_time(text),
        None => Ok(SystemTime::now()),
    }
}

/// The vector's `credentials` (`ak`, `sk`, optional `security_token`, `project_id`,
/// `domain_id`).
pub(crate) fn credentials(vector: &Value) -> Result<Credentials, String> {
    let mut credentials = Credentials::new(
        text(vector, "/credentials/ak")?,
        text(vector, "/credentials/sk")?,
    );
    if let Some(token) = opt_text(vector, "/credentials/security_token") {
        credentials = credentials.with_security_token(token);
    }
    if let Some(project) = opt_text(vector, "/credentials/project_id") {
        credentials = credentials.with_project_id(project);
    }
    if let Some(domain) = opt_text(vector, "/credentials/domain_id") {
        credentials = credentials.with_domain_id(domain);
    }
    Ok(credentials)
}

/// The algorithm named `label`. `V11-HMAC-SHA256` takes its region and service from the
/// `Credential=AK/date/region/service` scope of `authorization` (or of a `derivation_info`
/// `date/region/service`).
pub(crate) fn algorithm(label: &str, scope_hint: Option<&str>) -> Result<SigningAlgorithm, String> {
    Ok(match label {
        "SDK-HMAC-SHA256" => SigningAlgorithm::HmacSha256,
        "SDK-HMAC-SM3" => SigningAlgorithm::HmacSm3,
        "SDK-ECDSA-P256-SHA256" => SigningAlgorithm::EcdsaP256Sha256,
        "SDK-SM2-SM3" => SigningAlgorithm::Sm2Sm3,
        "V11-HMAC-SHA256" => {
            let scope = scope_hint.ok_or("V11-HMAC-SHA256 without a derivation scope")?;
            let parts: Vec<&str> = scope.split('/').collect();
            let [.., region, service] = parts[..] else {
                return Err(format!(
                    "derivation scope {scope:?} is not date/region/service"
                ));
            };
            SigningAlgorithm::DerivedHmacSha256 {
                region: region.to_owned(),
                service: service.to_owned(),
            }
        }
        other => return Err(format!("unknown signing algorithm {other:?}")),
    })
}

/// The `Credential=` scope (`date/region/service`) of an `Authorization` value.
pub(crate) fn authorization_scope(authorization: &str) -> Option<&str> {
    huaweicloud_sdk_core::signer::parse_authorization(authorization)
        .ok()
        .and_then(|a| a.scope)
}

/// A `date/region/service` scope guessed from an endpoint `scheme://service.region.domain`.
pub(crate) fn endpoint_scope(endpoint: &str) -> Option<String> {
    let host = endpoint
        .split_once("://")
        .map_or(endpoint, |(_, rest)| rest);
    let mut labels = host.split(['/', ':']).next()?.split('.');
    let service = labels.next()?;
    let region = labels.next()?;
    Some(format!("00000000/{region}/{service}"))
}

/// What the SDK is configured with for one vector.
pub(crate) struct Setup<'a> {
    pub vector: &'a Value,
    pub proxy: String,
    pub user_agent: Option<String>,
    pub algorithm: SigningAlgorithm,
}

/// The SDK configuration for a vector: its credentials, endpoint, signing algorithm, signing
/// time and `User-Agent`; no retries; every connection through the capture server; no endpoint
/// environment variables.
pub(crate) fn config(setup: Setup<'_>) -> Result<Config, String> {
    let at = signing_time(setup.vector)?;
    let mut config = Config::new(credentials(setup.vector)?)
        .with_endpoint(text(setup.vector, "/endpoint")?)
        .with_endpoint_env(EndpointEnv::from_lookup(|_| None))
        .with_signing_algorithm(setup.algorithm)
        .with_clock(move || at)
        .with_retry(RetryConfig::disabled())
        .with_proxy(setup.proxy)
        .with_attempt_timeout(std::time::Duration::from_secs(30))
        .with_total_timeout(std::time::Duration::from_secs(60));
    if let Some(user_agent) = setup.user_agent {
        config = config.with_user_agent(user_agent);
    }
    Ok(config)
}

/// Makes a reason fit on one line.
pub(crate) fn one_line(text: &str) -> String {
    text.replace('\r', "\\r").replace('\n', "\\n")
}

/// The service a vector's operation belongs to (`SWR`, `HSS`, `MetaStudio`, `ProjectMan`):
/// its `service` field, else (older vectors, which have none) the service of its endpoint's
/// host, else the service of the API version its recorded target starts with (one vector uses
/// `http://localhost:8080`). Operation names alone are ambiguous (`ListNamespaces` exists in
/// SWR and HSS).
pub(crate) fn service(vector: &Value) -> Result<&'static str, String> {
    const SERVICES: [&str; 4] = ["SWR", "HSS", "MetaStudio", "ProjectMan"];
    if let Some(named) = opt_text(vector, "/service") {
        return SERVICES
            .into_iter()
            .find(|s| *s == named)
            .ok_or_else(|| format!("unknown service {named:?}"));
    }
    let endpoint = text(vector, "/endpoint")?;
    let host = endpoint
        .split_once("://")
        .map_or(endpoint, |(_, rest)| rest);
    let by_host = [
        ("swr-api.", "SWR"),
        ("hss.", "HSS"),
        ("metastudio.", "MetaStudio"),
        ("projectman-ext.", "ProjectMan"),
        ("projectman.", "ProjectMan"),
    ];
    if let Some((_, service)) = by_host.iter().find(|(prefix, _)| host.starts_with(prefix)) {
        return Ok(service);
    }
    // The API version of each service's paths: v2 SWR, v5 HSS, v1 MetaStudio, v4 ProjectMan.
    let target = opt_text(vector, "/request/target").unwrap_or_default();
    let by_version = [
        ("/v2/", "SWR"),
        ("/v5/", "HSS"),
        ("/v1/", "MetaStudio"),
        ("/v4/", "ProjectMan"),
    ];
    by_version
        .iter()
        .find(|(prefix, _)| target.starts_with(prefix))
        .map(|(_, service)| *service)
        .ok_or_else(|| {
            format!("no service: no `service` field and endpoint {endpoint:?} names none")
        })
}
