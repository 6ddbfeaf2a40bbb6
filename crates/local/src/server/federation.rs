//! What the IAM federation calls issued: unscoped tokens, and the temporary credentials the
//! gateway then accepts until they expire. The calls themselves live in `iam.rs`.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::secret::Secret;
use crate::sync::lock;

/// Tokens and credentials issued by the federation calls.
pub(crate) struct Federation {
    /// Identity providers whose id tokens are taken; empty: any.
    identity_providers: Vec<String>,
    /// Unscoped token → (identity provider, expiry in Unix seconds).
    unscoped: Mutex<HashMap<String, (String, i64)>>,
    /// Temporary AK → its secret and expiry.
    issued: Mutex<HashMap<String, (Secret, i64)>>,
}

impl Federation {
    pub(crate) fn new(identity_providers: Vec<String>) -> Self {
        Self {
            identity_providers,
            unscoped: Mutex::new(HashMap::new()),
            issued: Mutex::new(HashMap::new()),
        }
    }

    /// True when id tokens of `idp_id` are taken.
    pub(super) fn accepts(&self, idp_id: &str) -> bool {
        self.identity_providers.is_empty() || self.identity_providers.iter().any(|i| i == idp_id)
    }

    /// Keeps an unscoped token issued for `idp_id`, valid until `expires`.
    pub(super) fn keep_unscoped(&self, token: &str, idp_id: &str, expires: i64, now: i64) {
        let mut unscoped = lock(&self.unscoped);
        unscoped.retain(|_, (_, at)| now < *at);
        unscoped.insert(token.to_owned(), (idp_id.to_owned(), expires));
    }

    /// True when `token` was issued here and is valid at `now`.
    pub(super) fn unscoped_is_valid(&self, token: &str, now: i64) -> bool {
        lock(&self.unscoped)
            .get(token)
            .is_some_and(|(_, expires)| now < *expires)
    }

    /// Keeps temporary credentials issued here, valid until `expires`.
    pub(super) fn keep_issued(&self, ak: &str, secret: Secret, expires: i64, now: i64) {
        let mut issued = lock(&self.issued);
        issued.retain(|_, (_, at)| now < *at);
        issued.insert(ak.to_owned(), (secret, expires));
    }

    /// The secret of temporary credentials issued here, while they are valid at `now`.
    pub(super) fn issued_secret(&self, ak: &str, now: i64) -> Option<Secret> {
        let issued = lock(&self.issued);
        let (secret, expires) = issued.get(ak)?;
        (now < *expires).then(|| secret.clone())
    }
}
