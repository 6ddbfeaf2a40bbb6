//! The `X-Project-Id` and `X-Domain-Id` values of one client, converted once. A client sends
//! the same project almost always; converting the id again on every call would cost a copy
//! and, when each attempt takes its copy of the headers, a second allocation.

use std::sync::OnceLock;

use http::HeaderValue;

use crate::error::{Error, Result};

/// The first project and domain ids a client sent, with their header values.
#[derive(Debug, Default)]
pub(super) struct ScopeValues {
    project_id: OnceLock<(Box<str>, HeaderValue)>,
    domain_id: OnceLock<(Box<str>, HeaderValue)>,
}

impl ScopeValues {
    /// The `X-Project-Id` value for `id`.
    pub fn project_id(&self, id: &str) -> Result<HeaderValue> {
        value_of(&self.project_id, id, "x-project-id")
    }

    /// The `X-Domain-Id` value for `id`.
    pub fn domain_id(&self, id: &str) -> Result<HeaderValue> {
        value_of(&self.domain_id, id, "x-domain-id")
    }
}

/// The cached value when `id` is the one cached, else a new one (cached when the slot is
/// still empty: later ids, such as another federated project, are converted each time).
fn value_of(
    slot: &OnceLock<(Box<str>, HeaderValue)>,
    id: &str,
    name: &'static str,
) -> Result<HeaderValue> {
    if let Some((known, value)) = slot.get() {
        if **known == *id {
            return Ok(value.clone());
        }
    }
    let value = HeaderValue::from_str(id)
        .map_err(|_| Error::construction(format!("{name} has characters not allowed in HTTP")))?;
    // The clone turns the value's bytes into their shared form once, here, so later clones
    // are reference-count increments.
    let _ = slot.set((id.into(), value.clone()));
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_id_is_kept_and_others_still_convert() {
        let values = ScopeValues::default();
        assert_eq!(values.project_id("p1").unwrap(), "p1");
        assert_eq!(values.project_id("p1").unwrap(), "p1");
        assert_eq!(values.project_id("p2").unwrap(), "p2");
        assert_eq!(values.domain_id("d1").unwrap(), "d1");
        assert!(values.project_id("bad\nid").is_err());
        assert!(values.domain_id("bad\u{7f}").is_err());
    }
}
