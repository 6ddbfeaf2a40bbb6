//! What the IAM federation calls issued: unscoped tokens, and the temporary credentials the
//! gateway then accepts until they expire. The calls themselves live in `iam.rs`.
//!
//! Both calls are unsigned, so anyone who reaches the endpoint can make it issue: each store
//! keeps at most [`Limits::max_issued_tokens`](super::Limits) entries and forgets the oldest
//! when full, as a client may take a token and never come back for it.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use crate::secret::Secret;
use crate::sync::lock;

/// Entries valid until their expiry (Unix seconds), at most `cap` of them.
struct Expiring<V> {
    cap: usize,
    entries: HashMap<String, (V, i64)>,
    /// Keys in insertion order: eviction looks at the front only, never scans the map.
    order: VecDeque<String>,
}

impl<V> Expiring<V> {
    fn new(cap: usize) -> Self {
        Self {
            cap,
            entries: HashMap::new(),
            order: VecDeque::new(),
        }
    }

    /// Keeps `value` under `key` until `expires`. Expired entries at the front of the
    /// insertion order go first, then the oldest ones while the store is full. An expired
    /// entry behind a valid one stays until it reaches the front or is evicted; lookups
    /// ignore it, and the cap bounds it.
    fn insert(&mut self, key: String, value: V, expires: i64, now: i64) {
        while let Some(front) = self.order.front() {
            let expired = self.entries.get(front).is_none_or(|(_, at)| now >= *at);
            if !expired && self.entries.len() < self.cap {
                break;
            }
            if let Some(oldest) = self.order.pop_front() {
                self.entries.remove(&oldest);
            }
        }
        if self.entries.insert(key.clone(), (value, expires)).is_none() {
            self.order.push_back(key);
        }
    }

    /// The value under `key`, while it is valid at `now`.
    fn get(&self, key: &str, now: i64) -> Option<&V> {
        let (value, expires) = self.entries.get(key)?;
        (now < *expires).then_some(value)
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries.len()
    }
}

/// Tokens and credentials issued by the federation calls.
pub(crate) struct Federation {
    /// Identity providers whose id tokens are taken; empty: any.
    identity_providers: Vec<String>,
    /// Unscoped tokens. The identity provider a token was issued for is not kept: nothing
    /// reads it back.
    unscoped: Mutex<Expiring<()>>,
    /// Temporary AK → its secret.
    issued: Mutex<Expiring<Secret>>,
}

impl Federation {
    /// A store taking id tokens of `identity_providers` (empty: any), keeping at most `cap`
    /// unscoped tokens and `cap` temporary credentials.
    pub(crate) fn new(identity_providers: Vec<String>, cap: usize) -> Self {
        Self {
            identity_providers,
            unscoped: Mutex::new(Expiring::new(cap)),
            issued: Mutex::new(Expiring::new(cap)),
        }
    }

    /// True when id tokens of `idp_id` are taken.
    pub(super) fn accepts(&self, idp_id: &str) -> bool {
        self.identity_providers.is_empty() || self.identity_providers.iter().any(|i| i == idp_id)
    }

    /// Keeps an unscoped token, valid until `expires`.
    pub(super) fn keep_unscoped(&self, token: String, expires: i64, now: i64) {
        lock(&self.unscoped).insert(token, (), expires, now);
    }

    /// True when `token` was issued here, is still kept and is valid at `now`.
    pub(super) fn unscoped_is_valid(&self, token: &str, now: i64) -> bool {
        lock(&self.unscoped).get(token, now).is_some()
    }

    /// Keeps temporary credentials issued here, valid until `expires`.
    pub(super) fn keep_issued(&self, ak: String, secret: Secret, expires: i64, now: i64) {
        lock(&self.issued).insert(ak, secret, expires, now);
    }

    /// The secret of temporary credentials issued here, while they are kept and valid at
    /// `now`.
    pub(super) fn issued_secret(&self, ak: &str, now: i64) -> Option<Secret> {
        lock(&self.issued).get(ak, now).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_store_forgets_its_oldest_entry() {
        let mut store = Expiring::new(2);
        store.insert("a".into(), 1, 100, 0);
        store.insert("b".into(), 2, 100, 0);
        store.insert("c".into(), 3, 100, 0);
        assert_eq!(store.len(), 2);
        assert_eq!(store.get("a", 0), None);
        assert_eq!(store.get("b", 0), Some(&2));
        assert_eq!(store.get("c", 0), Some(&3));
    }

    #[test]
    fn expired_entries_at_the_front_go_before_the_store_is_full() {
        let mut store = Expiring::new(10);
        store.insert("a".into(), 1, 5, 0);
        store.insert("b".into(), 2, 5, 0);
        store.insert("c".into(), 3, 50, 0);
        store.insert("d".into(), 4, 50, 10);
        assert_eq!(store.len(), 2, "a and b expired at 5");
        assert_eq!(store.get("c", 10), Some(&3));
        assert_eq!(store.get("c", 50), None, "expired, though still kept");
    }

    #[test]
    fn a_repeated_key_is_kept_once() {
        let mut store = Expiring::new(2);
        store.insert("a".into(), 1, 100, 0);
        store.insert("a".into(), 2, 100, 0);
        store.insert("b".into(), 3, 100, 0);
        assert_eq!(store.get("a", 0), Some(&2));
        assert_eq!(store.get("b", 0), Some(&3));
    }
}
