//! [`EnvironmentProvider`]: credentials from `HUAWEICLOUD_SDK_*` environment variables.

use std::fmt;

use async_trait::async_trait;

use super::{Credentials, CredentialsContext, FederatedProvider, ProvideCredentials};
use crate::env::{EnvLookup, path_var, process_env, string_lookup, text_var};
use crate::error::{Error, Result};

pub(crate) const ENV_AK: &str = "HUAWEICLOUD_SDK_AK";
pub(crate) const ENV_SK: &str = "HUAWEICLOUD_SDK_SK";
pub(crate) const ENV_PROJECT_ID: &str = "HUAWEICLOUD_SDK_PROJECT_ID";
pub(crate) const ENV_DOMAIN_ID: &str = "HUAWEICLOUD_SDK_DOMAIN_ID";
pub(crate) const ENV_SECURITY_TOKEN: &str = "HUAWEICLOUD_SDK_SECURITY_TOKEN";
pub(crate) const ENV_IDP_ID: &str = "HUAWEICLOUD_SDK_IDP_ID";
pub(crate) const ENV_ID_TOKEN_FILE: &str = "HUAWEICLOUD_SDK_ID_TOKEN_FILE";

/// Names joined for a sentence: `A`, `A and B`, `A, B and C`.
pub(crate) fn join_names(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Reads credentials from the environment variables the official SDKs use.
///
/// | Variable | Meaning |
/// |---|---|
/// | `HUAWEICLOUD_SDK_AK` | access key id (required, unless federated) |
/// | `HUAWEICLOUD_SDK_SK` | secret key (required, unless federated) |
/// | `HUAWEICLOUD_SDK_PROJECT_ID` | project id (project-level credentials) |
/// | `HUAWEICLOUD_SDK_DOMAIN_ID` | domain (account) id (account-level credentials) |
/// | `HUAWEICLOUD_SDK_SECURITY_TOKEN` | security token of temporary credentials (used only together with AK and SK) |
/// | `HUAWEICLOUD_SDK_IDP_ID` | identity provider id (OIDC federation, with the next one) |
/// | `HUAWEICLOUD_SDK_ID_TOKEN_FILE` | file holding the OIDC id token (OIDC federation) |
/// | `HUAWEICLOUD_SDK_IAM_ENDPOINT` | IAM endpoint of the federation exchange (default: the client's region's) |
///
/// When `HUAWEICLOUD_SDK_IDP_ID` and `HUAWEICLOUD_SDK_ID_TOKEN_FILE` are both set they win over
/// an AK/SK pair, as in the official SDKs: each call exchanges the id token with IAM for
/// temporary credentials, as [`FederatedProvider`](super::FederatedProvider) does (with the
/// project and domain ids above). Only one of the two set is a construction error naming the
/// other.
///
/// Empty (or all-whitespace) values count as unset. When the AK or SK is missing the provider
/// fails with a credentials error naming the missing variables. A variable whose value is not
/// valid UTF-8 is a construction error naming it (never showing the value), which also stops a
/// [`ChainProvider`](super::ChainProvider): a misconfiguration, not an absence, as is half a
/// federation setting.
///
/// ```
/// use huaweicloud_sdk_core::credentials::EnvironmentProvider;
///
/// // Tests can inject the lookup instead of mutating the process environment.
/// let provider = EnvironmentProvider::from_lookup(|name| match name {
///     "HUAWEICLOUD_SDK_AK" => Some("AK".to_owned()),
///     "HUAWEICLOUD_SDK_SK" => Some("SK".to_owned()),
///     _ => None,
/// });
/// # let _ = provider;
/// ```
#[derive(Clone)]
pub struct EnvironmentProvider {
    lookup: EnvLookup,
}

impl EnvironmentProvider {
    /// Reads the process environment (`std::env::var_os`), at each call.
    pub fn new() -> Self {
        Self {
            lookup: process_env(),
        }
    }

    /// Reads variables through `lookup` instead of the process environment (for tests, or to
    /// take the values from another source).
    pub fn from_lookup<F>(lookup: F) -> Self
    where
        F: Fn(&str) -> Option<String> + Send + Sync + 'static,
    {
        Self {
            lookup: string_lookup(lookup),
        }
    }

    fn get(&self, name: &str) -> Result<Option<String>> {
        text_var(&self.lookup, name).map_err(|()| {
            Error::construction(format!(
                "environment: {name} is set but its value is not valid UTF-8"
            ))
        })
    }

    /// The federation settings, when both are set.
    fn federation(&self) -> Result<Option<FederatedProvider>> {
        let idp_id = self.get(ENV_IDP_ID)?;
        let token_file = path_var(&self.lookup, ENV_ID_TOKEN_FILE);
        let (idp_id, token_file) = match (idp_id, token_file) {
            (None, None) => return Ok(None),
            (Some(idp_id), Some(token_file)) => (idp_id, token_file),
            (idp_id, _) => {
                let (set, unset) = if idp_id.is_some() {
                    (ENV_IDP_ID, ENV_ID_TOKEN_FILE)
                } else {
                    (ENV_ID_TOKEN_FILE, ENV_IDP_ID)
                };
                return Err(Error::construction(format!(
                    "environment: {set} is set but {unset} is not; federated OIDC credentials need both"
                )));
            }
        };
        let mut provider = FederatedProvider::new(idp_id, token_file)
            .configured_by("environment (OIDC federation)".to_owned(), "environment")
            .with_env_lookup(self.lookup.clone());
        if let Some(project_id) = self.get(ENV_PROJECT_ID)? {
            provider = provider.with_project_id(project_id);
        }
        if let Some(domain_id) = self.get(ENV_DOMAIN_ID)? {
            provider = provider.with_domain_id(domain_id);
        }
        Ok(Some(provider))
    }

    async fn load(&self, context: &CredentialsContext) -> Result<Credentials> {
        if let Some(federated) = self.federation()? {
            return federated.provide_credentials(context).await;
        }
        let ak = self.get(ENV_AK)?;
        let sk = self.get(ENV_SK)?;
        let (ak, sk) = match (ak, sk) {
            (Some(ak), Some(sk)) => (ak, sk),
            (ak, sk) => {
                let mut missing = Vec::new();
                if ak.is_none() {
                    missing.push(ENV_AK);
                }
                if sk.is_none() {
                    missing.push(ENV_SK);
                }
                let verb = if missing.len() == 1 { "is" } else { "are" };
                return Err(Error::credentials(format!(
                    "environment: {} {verb} not set",
                    join_names(&missing)
                )));
            }
        };
        let mut credentials = Credentials::new(ak, sk).with_provider_name("environment");
        if let Some(project_id) = self.get(ENV_PROJECT_ID)? {
            credentials = credentials.with_project_id(project_id);
        }
        if let Some(domain_id) = self.get(ENV_DOMAIN_ID)? {
            credentials = credentials.with_domain_id(domain_id);
        }
        if let Some(token) = self.get(ENV_SECURITY_TOKEN)? {
            credentials = credentials.with_security_token(token);
        }
        Ok(credentials)
    }
}

impl Default for EnvironmentProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for EnvironmentProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnvironmentProvider")
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl ProvideCredentials for EnvironmentProvider {
    async fn provide_credentials(&self, context: &CredentialsContext) -> Result<Credentials> {
        self.load(context).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::ffi::OsString;
    use std::sync::Arc;

    fn provider(vars: &[(&str, &str)]) -> EnvironmentProvider {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        EnvironmentProvider::from_lookup(move |name| map.get(name).cloned())
    }

    #[test]
    fn helpers() {
        assert_eq!(join_names(&["A"]), "A");
        assert_eq!(join_names(&["A", "B"]), "A and B");
        assert_eq!(join_names(&["A", "B", "C"]), "A, B and C");
    }

    #[tokio::test]
    async fn reads_all_variables() {
        let p = provider(&[
            (ENV_AK, "AKENV"),
            (ENV_SK, "env-secret"),
            (ENV_PROJECT_ID, "proj"),
            (ENV_DOMAIN_ID, "dom"),
            (ENV_SECURITY_TOKEN, "env-token"),
        ]);
        let c = p
            .provide_credentials(&CredentialsContext::new())
            .await
            .unwrap();
        assert_eq!(c.ak(), "AKENV");
        assert_eq!(c.sk(), "env-secret");
        assert_eq!(c.project_id(), Some("proj"));
        assert_eq!(c.domain_id(), Some("dom"));
        assert_eq!(c.security_token(), Some("env-token"));
        assert_eq!(c.provider_name(), "environment");
        assert_eq!(c.expires_at(), None);
    }

    #[tokio::test]
    async fn names_missing_variables() {
        let e = provider(&[])
            .provide_credentials(&CredentialsContext::new())
            .await
            .unwrap_err();
        assert!(e.is_credentials());
        assert_eq!(
            e.to_string(),
            "environment: HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK are not set"
        );
        let e = provider(&[(ENV_AK, "AK"), (ENV_SK, "")])
            .provide_credentials(&CredentialsContext::new())
            .await
            .unwrap_err();
        assert_eq!(e.to_string(), "environment: HUAWEICLOUD_SDK_SK is not set");
        let e = provider(&[(ENV_SK, "only-sk-secret"), (ENV_SECURITY_TOKEN, "tok-x")])
            .provide_credentials(&CredentialsContext::new())
            .await
            .unwrap_err();
        assert_eq!(e.to_string(), "environment: HUAWEICLOUD_SDK_AK is not set");
    }

    #[tokio::test]
    async fn half_a_federation_setting_names_the_other_variable() {
        let e = provider(&[(ENV_IDP_ID, "idp"), (ENV_AK, "AK"), (ENV_SK, "SK")])
            .provide_credentials(&CredentialsContext::new())
            .await
            .unwrap_err();
        assert!(e.is_construction());
        assert_eq!(
            e.to_string(),
            "environment: HUAWEICLOUD_SDK_IDP_ID is set but HUAWEICLOUD_SDK_ID_TOKEN_FILE is not; federated OIDC credentials need both"
        );
        let e = provider(&[(ENV_ID_TOKEN_FILE, "/tmp/tok")])
            .provide_credentials(&CredentialsContext::new())
            .await
            .unwrap_err();
        assert!(e.is_construction());
        assert!(
            e.to_string()
                .contains("HUAWEICLOUD_SDK_ID_TOKEN_FILE is set but HUAWEICLOUD_SDK_IDP_ID is not"),
            "{e}"
        );
    }

    #[tokio::test]
    async fn federation_wins_over_an_ak_sk_pair() {
        let p = provider(&[
            (ENV_IDP_ID, "idp"),
            (ENV_ID_TOKEN_FILE, "/nonexistent/hwc-sdk-test/token"),
            (ENV_AK, "AK"),
            (ENV_SK, "SK"),
            (ENV_PROJECT_ID, "proj"),
        ]);
        let federated = p.federation().unwrap().unwrap();
        assert_eq!(federated.idp_id(), "idp");
        // Without a region, a client or an IAM endpoint there is nowhere to send the token.
        let e = p
            .provide_credentials(&CredentialsContext::new())
            .await
            .unwrap_err();
        assert!(e.is_credentials());
        let s = e.to_string();
        assert!(
            s.starts_with("environment (OIDC federation): no IAM endpoint"),
            "{s}"
        );
    }

    /// A provider over raw values, as the process environment can hold them.
    #[cfg(unix)]
    fn raw_provider(vars: Vec<(&'static str, OsString)>) -> EnvironmentProvider {
        let map: HashMap<&'static str, OsString> = vars.into_iter().collect();
        EnvironmentProvider {
            lookup: Arc::new(move |name: &str| map.get(name).cloned()),
        }
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn a_value_that_is_not_utf8_is_an_error_naming_the_variable() {
        use std::os::unix::ffi::OsStringExt;
        let secret = || OsString::from_vec(b"secret-\xff-sk".to_vec());
        for name in [
            ENV_AK,
            ENV_SK,
            ENV_PROJECT_ID,
            ENV_DOMAIN_ID,
            ENV_SECURITY_TOKEN,
        ] {
            let mut vars = vec![
                (ENV_AK, OsString::from("AKENV")),
                (ENV_SK, OsString::from("env-secret")),
            ];
            vars.retain(|(n, _)| *n != name);
            vars.push((name, secret()));
            let e = raw_provider(vars)
                .provide_credentials(&CredentialsContext::new())
                .await
                .unwrap_err();
            let s = format!("{e} {e:?}");
            assert_eq!(
                e.to_string(),
                format!("environment: {name} is set but its value is not valid UTF-8")
            );
            assert!(!s.contains("secret-"), "{s}");
        }
        // Stops the chain: the profile or metadata credentials are not used instead.
        let chain = crate::credentials::ChainProvider::new(vec![
            Arc::new(raw_provider(vec![
                (ENV_AK, OsString::from("AKENV")),
                (ENV_SK, secret()),
            ])),
            Arc::new(crate::credentials::StaticProvider::new(Credentials::new(
                "AKOTHER", "other",
            ))),
        ]);
        let e = chain
            .provide_credentials(&CredentialsContext::new())
            .await
            .unwrap_err();
        assert!(e.to_string().contains("HUAWEICLOUD_SDK_SK"), "{e}");
    }
}
