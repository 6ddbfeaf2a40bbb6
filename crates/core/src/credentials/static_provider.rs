//! [`StaticProvider`]: credentials handed in by the caller.

use async_trait::async_trait;

use super::{Credentials, CredentialsContext, ProvideCredentials};
use crate::error::Result;

/// Always returns the same credentials (a cheap clone of the ones given).
///
/// ```
/// use huaweicloud_sdk_core::credentials::{Credentials, StaticProvider};
///
/// let provider = StaticProvider::new(Credentials::new("AK", "SK").with_project_id("p1"));
/// assert_eq!(provider.credentials().ak(), "AK");
/// ```
#[derive(Debug, Clone)]
pub struct StaticProvider {
    credentials: Credentials,
}

impl StaticProvider {
    /// A provider that always returns `credentials`.
    pub fn new(credentials: Credentials) -> Self {
        Self { credentials }
    }

    /// The credentials this provider returns.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }
}

impl From<Credentials> for StaticProvider {
    fn from(credentials: Credentials) -> Self {
        Self::new(credentials)
    }
}

#[async_trait]
impl ProvideCredentials for StaticProvider {
    async fn provide_credentials(&self, _context: &CredentialsContext) -> Result<Credentials> {
        Ok(self.credentials.clone())
    }

    fn provide_credentials_now(&self) -> Option<Credentials> {
        Some(self.credentials.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn returns_a_clone_and_debug_is_redacted() {
        let c = Credentials::new("AKSTATIC", "static-secret-sk").with_security_token("static-tok");
        let p = StaticProvider::new(c.clone());
        assert_eq!(
            p.provide_credentials(&CredentialsContext::new())
                .await
                .unwrap(),
            c
        );
        assert_eq!(p.provide_credentials_now(), Some(c.clone()));
        let dbg = format!("{p:?}");
        assert!(dbg.contains("AKSTATIC"));
        assert!(!dbg.contains("static-secret-sk") && !dbg.contains("static-tok"));
    }
}
