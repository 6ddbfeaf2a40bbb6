//! The environment the SDK reads its settings from: variable lookup, injectable so that tests
//! never touch the process environment. Configuration (endpoint resolution), IAM endpoint
//! selection and the credentials providers read variables through this module, which depends
//! on none of them.

use std::ffi::OsString;
use std::fmt;
use std::sync::Arc;

use crate::error::{Error, Result};

/// How a variable is looked up. Values are `OsString`s so that a value that is not valid UTF-8
/// is seen, and reported, rather than taken for an unset variable.
pub(crate) type EnvLookup = Arc<dyn Fn(&str) -> Option<OsString> + Send + Sync>;

/// Looks variables up in the process environment (`std::env::var_os`).
pub(crate) fn process_env() -> EnvLookup {
    Arc::new(|name: &str| std::env::var_os(name))
}

/// A lookup of UTF-8 values (the public `from_lookup` constructors take these).
pub(crate) fn string_lookup<F>(lookup: F) -> EnvLookup
where
    F: Fn(&str) -> Option<String> + Send + Sync + 'static,
{
    Arc::new(move |name: &str| lookup(name).map(OsString::from))
}

/// Variable `name` as text: trimmed, `Ok(None)` when unset or blank, `Err(())` when its value
/// is not valid UTF-8 (the caller names the variable in its error, never the value).
pub(crate) fn text_var(lookup: &EnvLookup, name: &str) -> std::result::Result<Option<String>, ()> {
    match lookup(name) {
        None => Ok(None),
        Some(value) => value
            .into_string()
            .map(|text| non_empty(Some(text)))
            .map_err(drop),
    }
}

/// Variable `name` as a path: trimmed when it is UTF-8, taken as is otherwise (paths need not
/// be UTF-8); `None` when unset or blank.
pub(crate) fn path_var(lookup: &EnvLookup, name: &str) -> Option<OsString> {
    match lookup(name)?.into_string() {
        Ok(text) => non_empty(Some(text)).map(OsString::from),
        Err(raw) => (!raw.is_empty()).then_some(raw),
    }
}

/// Trims a value and treats an empty one as missing.
pub(crate) fn non_empty(value: Option<String>) -> Option<String> {
    let value = value?;
    let trimmed = value.trim();
    if trimmed.is_empty() {
        None
    } else if trimmed.len() == value.len() {
        Some(value)
    } else {
        Some(trimmed.to_owned())
    }
}

/// Resolution inputs that come from the environment, injectable for tests.
///
/// The regions file location is also taken from it (`HUAWEICLOUD_SDK_REGIONS_FILE`, else
/// `HOME` or `USERPROFILE`), so a lookup that returns `None` for everything disables the
/// environment variable and the regions file sources.
#[derive(Clone)]
pub struct EndpointEnv {
    lookup: EnvLookup,
}

impl EndpointEnv {
    /// Reads the process environment (`std::env::var_os`), at each resolution.
    pub fn from_process() -> Self {
        Self {
            lookup: process_env(),
        }
    }

    /// Reads variables through a credentials provider's lookup.
    pub(crate) fn from_env_lookup(lookup: EnvLookup) -> Self {
        Self { lookup }
    }

    /// Reads variables through `lookup` instead of the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        Self {
            lookup: string_lookup(lookup),
        }
    }

    /// The trimmed value of variable `name`; `None` when unset or blank, and also when it is not
    /// valid UTF-8 (see [`try_var`](Self::try_var), which reports that).
    pub fn var(&self, name: &str) -> Option<String> {
        self.try_var(name).ok().flatten()
    }

    /// The trimmed value of variable `name`; `Ok(None)` when unset or blank.
    ///
    /// # Errors
    ///
    /// A construction error naming the variable (not showing its value) when the value is not
    /// valid UTF-8.
    pub fn try_var(&self, name: &str) -> Result<Option<String>> {
        text_var(&self.lookup, name).map_err(|()| {
            Error::construction(format!(
                "environment variable {name} is set but its value is not valid UTF-8"
            ))
        })
    }

    /// Variable `name` as a path (trimmed when UTF-8, as is otherwise); `None` when unset or
    /// blank.
    pub(crate) fn path_var(&self, name: &str) -> Option<OsString> {
        path_var(&self.lookup, name)
    }
}

impl fmt::Debug for EndpointEnv {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EndpointEnv").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_values_count_as_unset() {
        assert_eq!(non_empty(Some("  ".into())), None);
        assert_eq!(non_empty(Some(" a ".into())), Some("a".into()));
        assert_eq!(non_empty(None), None);
        let env = EndpointEnv::from_lookup(|name| match name {
            "A" => Some(" a ".to_owned()),
            "B" => Some(" ".to_owned()),
            _ => None,
        });
        assert_eq!(env.var("A").as_deref(), Some("a"));
        assert_eq!(env.var("B"), None);
        assert_eq!(env.path_var("A"), Some(OsString::from("a")));
        assert_eq!(env.path_var("C"), None);
    }
}
