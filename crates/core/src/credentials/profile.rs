//! [`ProfileProvider`]: credentials from the INI profile file `~/.huaweicloud/credentials`.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use async_trait::async_trait;

use super::env::join_names;
use super::token_file::{TextFile, read_text_file};
use super::{Credentials, CredentialsContext, FederatedProvider, ProvideCredentials};
use crate::env::{EnvLookup, path_var, process_env, string_lookup};
use crate::error::{Error, Result};

const ENV_CREDENTIALS_FILE: &str = "HUAWEICLOUD_SDK_CREDENTIALS_FILE";
/// Larger files are refused: a credentials file is a few hundred bytes.
const MAX_FILE_BYTES: u64 = 1024 * 1024;
const FILE_KIND: TextFile = TextFile {
    label: "profile",
    what: "credentials file",
    max_bytes: MAX_FILE_BYTES,
};

/// Reads credentials from the profile file the official SDKs use.
///
/// The file is `$HUAWEICLOUD_SDK_CREDENTIALS_FILE` when that variable is set, else
/// `~/.huaweicloud/credentials` (home from `HOME`, then `USERPROFILE`). It is read at each call,
/// so put a [`CachingProvider`](super::CachingProvider) in front if that matters.
///
/// ```ini
/// # project-level credentials (the default section)
/// [basic]
/// ak = AKEXAMPLE
/// sk = secret
/// project_id = 0123456789abcdef
/// ; security_token = ...   (temporary credentials)
/// ; iam_endpoint = https://iam.cn-north-4.myhuaweicloud.com   (project-id discovery)
///
/// # account-level credentials: ProfileProvider::global()
/// [global]
/// ak = AKEXAMPLE
/// sk = secret
/// domain_id = fedcba9876543210
///
/// # OIDC federation: an identity provider and its id token instead of an AK/SK pair
/// [federated]
/// idp_id = my-identity-provider
/// id_token_file = /var/run/secrets/tokens/oidc-token
/// ; iam_endpoint = https://iam.cn-north-4.myhuaweicloud.com
/// project_id = 0123456789abcdef
/// ```
///
/// | Key | Meaning |
/// |---|---|
/// | `ak`, `sk` | access key id and secret key |
/// | `security_token` | security token of temporary credentials |
/// | `project_id` | project id (sections other than `[global]`) |
/// | `domain_id` | domain (account) id (sections other than `[basic]`) |
/// | `idp_id`, `id_token_file` | OIDC federation: identity provider id and the file holding the id token |
/// | `iam_endpoint` | IAM endpoint of the federation exchange and of project-id discovery |
///
/// When `idp_id` and `id_token_file` are both present they win over `ak`/`sk`, as in the
/// official SDKs: each call exchanges the id token with IAM for temporary credentials, as
/// [`FederatedProvider`] does. Only one of the two present is a construction error naming the
/// other.
///
/// Section `[basic]` yields `project_id`, section `[global]` yields `domain_id`, any other
/// section (chosen with [`with_section`](Self::with_section)) yields both when present. Section
/// and key names are case-insensitive; `#` and `;` start comments (at the start of a line, or
/// after whitespace inside a value); values may be quoted; a later duplicate key wins.
#[derive(Clone)]
pub struct ProfileProvider {
    path: Option<PathBuf>,
    section: String,
    lookup: EnvLookup,
}

impl ProfileProvider {
    /// Section `[basic]` (project-level credentials) of the default file.
    pub fn new() -> Self {
        Self {
            path: None,
            section: "basic".to_owned(),
            lookup: process_env(),
        }
    }

    /// Section `[global]` (account-level credentials) of the default file.
    pub fn global() -> Self {
        Self::new().with_section("global")
    }

    /// Section `[basic]` of the file at `path` (environment and home are not consulted).
    pub fn from_path(path: impl Into<PathBuf>) -> Self {
        Self {
            path: Some(path.into()),
            ..Self::new()
        }
    }

    /// Reads section `[section]` instead (names are case-insensitive).
    pub fn with_section(mut self, section: impl Into<String>) -> Self {
        self.section = section.into().trim().to_ascii_lowercase();
        self
    }

    /// Reads the file at `path` instead of the default one.
    pub fn with_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// Looks up `HUAWEICLOUD_SDK_CREDENTIALS_FILE`, `HOME` and `USERPROFILE` through `lookup`
    /// instead of the process environment (for tests).
    pub fn with_env_lookup<F>(mut self, lookup: F) -> Self
    where
        F: Fn(&str) -> Option<String> + Send + Sync + 'static,
    {
        self.lookup = string_lookup(lookup);
        self
    }

    /// The section this provider reads.
    pub fn section(&self) -> &str {
        &self.section
    }

    /// The file this provider reads, as it would be resolved now.
    pub fn resolve_path(&self) -> Result<PathBuf> {
        if let Some(path) = &self.path {
            return Ok(path.clone());
        }
        // Paths need not be UTF-8: values are taken as they are when they are not.
        let get = |name: &str| path_var(&self.lookup, name);
        let home = || get("HOME").or_else(|| get("USERPROFILE"));
        if let Some(file) = get(ENV_CREDENTIALS_FILE) {
            let tilde = file
                .to_str()
                .and_then(|text| text.strip_prefix("~/").or_else(|| text.strip_prefix("~\\")));
            if let Some(rest) = tilde {
                if let Some(home) = home() {
                    return Ok(Path::new(&home).join(rest));
                }
            }
            return Ok(PathBuf::from(file));
        }
        match home() {
            Some(home) => Ok(Path::new(&home).join(".huaweicloud").join("credentials")),
            None => Err(Error::credentials(format!(
                "profile: cannot locate the credentials file: neither {ENV_CREDENTIALS_FILE} nor HOME/USERPROFILE is set"
            ))),
        }
    }

    async fn load(&self, context: &CredentialsContext) -> Result<Credentials> {
        let path = self.resolve_path()?;
        let text = read_text_file(&path, &FILE_KIND).await?;
        let ini = Ini::parse(&text);
        match credentials_from_section(&ini, &self.section, &path)? {
            Found::Credentials(credentials) => Ok(credentials),
            Found::Federated(provider) => {
                provider
                    .with_env_lookup(self.lookup.clone())
                    .provide_credentials(context)
                    .await
            }
        }
    }
}

impl Default for ProfileProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for ProfileProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProfileProvider")
            .field("path", &self.path)
            .field("section", &self.section)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl ProvideCredentials for ProfileProvider {
    async fn provide_credentials(&self, context: &CredentialsContext) -> Result<Credentials> {
        self.load(context).await
    }
}

/// What a section holds: credentials, or the settings of an OIDC federation exchange.
enum Found {
    Credentials(Credentials),
    Federated(Box<FederatedProvider>),
}

fn credentials_from_section(ini: &Ini, section: &str, path: &Path) -> Result<Found> {
    let shown = path.display();
    let Some(values) = ini.section(section) else {
        return Err(Error::credentials(format!(
            "profile: {shown} has no [{section}] section"
        )));
    };
    let get = |key: &str| values.get(key).filter(|v| !v.is_empty()).cloned();
    let project_id = get("project_id").filter(|_| section != "global");
    let domain_id = get("domain_id").filter(|_| section != "basic");
    let iam_endpoint = get("iam_endpoint");
    match (get("idp_id"), get("id_token_file")) {
        (Some(idp_id), Some(token_file)) => {
            let mut provider = FederatedProvider::new(idp_id, token_file)
                .configured_by(format!("profile: {shown} (OIDC federation)"), "profile");
            if let Some(project_id) = project_id {
                provider = provider.with_project_id(project_id);
            }
            if let Some(domain_id) = domain_id {
                provider = provider.with_domain_id(domain_id);
            }
            if let Some(endpoint) = iam_endpoint {
                provider = provider.with_iam_endpoint(endpoint);
            }
            return Ok(Found::Federated(Box::new(provider)));
        }
        (None, None) => {}
        (idp_id, _) => {
            let (set, unset) = if idp_id.is_some() {
                ("idp_id", "id_token_file")
            } else {
                ("id_token_file", "idp_id")
            };
            return Err(Error::construction(format!(
                "profile: {shown}: section [{section}] has {set} but not {unset}; federated OIDC credentials need both"
            )));
        }
    }
    let (ak, sk) = match (get("ak"), get("sk")) {
        (Some(ak), Some(sk)) => (ak, sk),
        (ak, sk) => {
            let mut missing = Vec::new();
            if ak.is_none() {
                missing.push("ak");
            }
            if sk.is_none() {
                missing.push("sk");
            }
            return Err(Error::credentials(format!(
                "profile: {shown}: section [{section}] is missing {}",
                join_names(&missing)
            )));
        }
    };
    let mut credentials = Credentials::new(ak, sk).with_provider_name("profile");
    if let Some(project_id) = project_id {
        credentials = credentials.with_project_id(project_id);
    }
    if let Some(domain_id) = domain_id {
        credentials = credentials.with_domain_id(domain_id);
    }
    if let Some(token) = get("security_token") {
        credentials = credentials.with_security_token(token);
    }
    if let Some(endpoint) = iam_endpoint {
        credentials = credentials.with_iam_endpoint(endpoint);
    }
    Ok(Found::Credentials(credentials))
}

/// A parsed INI file: lower-cased section names to lower-cased keys to values.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Ini {
    sections: HashMap<String, HashMap<String, String>>,
}

impl Ini {
    /// Parses tolerantly: lines that are neither a section header, a comment nor `key = value`
    /// are skipped; keys before the first section, or under a malformed header, are ignored.
    pub(crate) fn parse(text: &str) -> Self {
        let mut ini = Ini::default();
        let mut current: Option<String> = None;
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
                continue;
            }
            if let Some(rest) = line.strip_prefix('[') {
                current = rest.find(']').and_then(|end| {
                    let name = rest.get(..end)?.trim().to_ascii_lowercase();
                    (!name.is_empty()).then_some(name)
                });
                if let Some(name) = &current {
                    ini.sections.entry(name.clone()).or_default();
                }
                continue;
            }
            let (Some(section), Some((key, value))) = (&current, line.split_once('=')) else {
                continue;
            };
            let key = key.trim().to_ascii_lowercase();
            if key.is_empty() {
                continue;
            }
            ini.sections
                .entry(section.clone())
                .or_default()
                .insert(key, clean_value(value).to_owned());
        }
        ini
    }

    /// The keys of a section (name lower-cased by the caller or not: matched case-insensitively).
    pub(crate) fn section(&self, name: &str) -> Option<&HashMap<String, String>> {
        self.sections.get(&name.trim().to_ascii_lowercase())
    }
}

/// Trims, unquotes (`"..."` or `'...'`) and drops an inline comment that follows whitespace.
fn clean_value(raw: &str) -> &str {
    let value = raw.trim();
    for quote in ['"', '\''] {
        if let Some(rest) = value.strip_prefix(quote) {
            if let Some(end) = rest.find(quote) {
                return rest.get(..end).unwrap_or(rest);
            }
        }
    }
    let mut prev_is_space = false;
    for (i, c) in value.char_indices() {
        if (c == '#' || c == ';') && prev_is_space {
            return value.get(..i).unwrap_or(value).trim_end();
        }
        prev_is_space = c.is_whitespace();
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sections_comments_and_duplicates() {
        let ini = Ini::parse(
            "\u{feff}orphan = x\n# comment\n; other\n[Basic]\n AK = a1 \nsk=s1\nsk = s2 # inline\n\
             token = abc==\n\n[global]\r\nak = \"quoted # not a comment\"\r\nsk='x'\r\n[broken\nak = lost\n\
             [basic]\nproject_id = p\nnot a pair\n = novalue\n",
        );
        let basic = ini.section("basic").unwrap();
        assert_eq!(basic.get("ak").unwrap(), "a1");
        assert_eq!(basic.get("sk").unwrap(), "s2");
        assert_eq!(basic.get("token").unwrap(), "abc==");
        assert_eq!(basic.get("project_id").unwrap(), "p");
        assert_eq!(basic.len(), 4);
        let global = ini.section("GLOBAL").unwrap();
        assert_eq!(global.get("ak").unwrap(), "quoted # not a comment");
        assert_eq!(global.get("sk").unwrap(), "x");
        assert_eq!(global.len(), 2);
        assert_eq!(ini.sections.len(), 2);
    }

    #[test]
    fn never_panics_on_odd_input() {
        let inputs = [
            "",
            "[",
            "]",
            "[]",
            "=",
            "==",
            "[a]\n=",
            "[a]\n\"",
            "[a]\nk=\"",
            "[a]\nk='",
            "[a]\nk= ;",
            "[é]\nk=é #é",
            "\u{0}\u{0}[\u{0}]\u{0}=\u{0}",
            "[[[]]]\nx=y",
            "\r\r\n\n\r",
        ];
        for input in inputs {
            let _ = Ini::parse(input);
        }
        // pseudo-random strings over a small alphabet
        let alphabet = [
            '[', ']', '=', '#', ';', '"', '\'', ' ', '\n', '\r', 'a', 'é', '\u{0}',
        ];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..2000 {
            let mut s = String::new();
            for _ in 0..(seed % 40) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                s.push(alphabet[(seed % alphabet.len() as u64) as usize]);
            }
            let _ = Ini::parse(&s);
        }
    }

    #[test]
    fn clean_value_rules() {
        assert_eq!(clean_value("  abc  "), "abc");
        assert_eq!(clean_value("a#b"), "a#b");
        assert_eq!(clean_value("a #b"), "a");
        assert_eq!(clean_value("a\t;b"), "a");
        assert_eq!(clean_value("\"a b\" trailing"), "a b");
        assert_eq!(clean_value("\"unterminated"), "\"unterminated");
        assert_eq!(clean_value("x+/y=="), "x+/y==");
    }

    #[test]
    fn resolves_paths_from_injected_environment() {
        let p = ProfileProvider::new().with_env_lookup(|n| match n {
            "HOME" => Some("/home/u".into()),
            _ => None,
        });
        assert_eq!(
            p.resolve_path().unwrap(),
            PathBuf::from("/home/u/.huaweicloud/credentials")
        );
        let p = ProfileProvider::new().with_env_lookup(|n| match n {
            "USERPROFILE" => Some("C:\\Users\\u".into()),
            "HOME" => Some(String::new()),
            _ => None,
        });
        assert_eq!(
            p.resolve_path().unwrap(),
            Path::new("C:\\Users\\u")
                .join(".huaweicloud")
                .join("credentials")
        );
        let p = ProfileProvider::new().with_env_lookup(|n| match n {
            "HOME" => Some("/home/u".into()),
            ENV_CREDENTIALS_FILE => Some("~/creds.ini".into()),
            _ => None,
        });
        assert_eq!(
            p.resolve_path().unwrap(),
            PathBuf::from("/home/u/creds.ini")
        );
        let p = ProfileProvider::new().with_env_lookup(|n| match n {
            ENV_CREDENTIALS_FILE => Some("/etc/hc/creds".into()),
            _ => None,
        });
        assert_eq!(p.resolve_path().unwrap(), PathBuf::from("/etc/hc/creds"));
        let e = ProfileProvider::new()
            .with_env_lookup(|_| None)
            .resolve_path()
            .unwrap_err();
        assert!(e.is_credentials());
        assert!(e.to_string().contains("HOME/USERPROFILE"), "{e}");
        assert_eq!(ProfileProvider::global().section(), "global");
        assert_eq!(
            ProfileProvider::new().with_section(" Custom ").section(),
            "custom"
        );
    }

    #[test]
    fn section_scope_rules() {
        let ini = Ini::parse(
            "[basic]\nak=a\nsk=s\nproject_id=p\ndomain_id=d\n[global]\nak=a\nsk=s\nproject_id=p\ndomain_id=d\n\
             [other]\nak=a\nsk=s\nproject_id=p\ndomain_id=d\nsecurity_token=t\n[fed]\nidp_id=i\nid_token_file=f\nak=a\nsk=s\n\
             [halffed]\nidp_id=i\nak=a\nsk=s\n[nothing]\nproject_id=p\n",
        );
        let path = Path::new("/x/credentials");
        let found = |section: &str| match credentials_from_section(&ini, section, path) {
            Ok(Found::Credentials(c)) => Ok(c),
            Ok(Found::Federated(p)) => panic!("federated: {p:?}"),
            Err(e) => Err(e),
        };
        let b = found("basic").unwrap();
        assert_eq!((b.project_id(), b.domain_id()), (Some("p"), None));
        assert_eq!(b.provider_name(), "profile");
        let g = found("global").unwrap();
        assert_eq!((g.project_id(), g.domain_id()), (None, Some("d")));
        let o = found("other").unwrap();
        assert_eq!((o.project_id(), o.domain_id()), (Some("p"), Some("d")));
        assert_eq!(o.security_token(), Some("t"));
        assert_eq!(o.iam_endpoint(), None);
        match credentials_from_section(&ini, "fed", path) {
            Ok(Found::Federated(p)) => {
                assert_eq!(p.idp_id(), "i");
                assert_eq!(p.id_token_file(), Path::new("f"));
            }
            _ => panic!("[fed] is a federation section"),
        }
        let e = found("halffed").unwrap_err();
        assert!(e.is_construction());
        assert_eq!(
            e.to_string(),
            "profile: /x/credentials: section [halffed] has idp_id but not id_token_file; federated OIDC credentials need both"
        );
        let e = found("nothing").unwrap_err();
        assert!(e.is_credentials());
        assert_eq!(
            e.to_string(),
            "profile: /x/credentials: section [nothing] is missing ak and sk"
        );
        let e = found("nope").unwrap_err();
        assert_eq!(
            e.to_string(),
            "profile: /x/credentials has no [nope] section"
        );
    }

    /// A fresh directory of its own under the system temp dir.
    fn scratch_dir(name: &str) -> std::path::PathBuf {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let dir = std::env::temp_dir().join(format!(
            "hwc-sdk-profile-{name}-{}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// Reads with a deadline, so that a regression shows as a failure, not a hung test run.
    async fn load_within_deadline(path: &Path) -> Error {
        let provider = ProfileProvider::from_path(path);
        tokio::time::timeout(
            std::time::Duration::from_secs(10),
            provider.provide_credentials(&CredentialsContext::new()),
        )
        .await
        .expect("reading the profile blocked")
        .unwrap_err()
    }

    #[tokio::test]
    async fn a_fifo_is_an_error_not_a_wait_for_a_writer() {
        let dir = scratch_dir("fifo");
        let fifo = dir.join("credentials");
        match std::process::Command::new("mkfifo").arg(&fifo).status() {
            Ok(status) if status.success() => {}
            _ => {
                eprintln!("mkfifo is not available: the FIFO case is not exercised here");
                std::fs::remove_dir_all(&dir).ok();
                return;
            }
        }
        let provider = ProfileProvider::from_path(&fifo);
        let outcome = tokio::time::timeout(
            std::time::Duration::from_secs(10),
            provider.provide_credentials(&CredentialsContext::new()),
        )
        .await;
        if outcome.is_err() {
            // Releases the blocked open (a writer arrives), so the failure is reported instead
            // of the runtime waiting on it forever.
            drop(std::fs::OpenOptions::new().write(true).open(&fifo));
        }
        std::fs::remove_dir_all(&dir).ok();
        let e = outcome.expect("opening the FIFO blocked").unwrap_err();
        assert!(e.is_credentials());
        let s = e.to_string();
        assert!(s.contains("is not a regular file but a FIFO"), "{s}");
    }

    #[tokio::test]
    async fn a_device_or_a_directory_is_an_error_not_an_endless_read() {
        let zero = Path::new("/dev/zero");
        if zero.exists() {
            let s = load_within_deadline(zero).await.to_string();
            assert!(
                s.contains("/dev/zero is not a regular file but a character device"),
                "{s}"
            );
        }
        let dir = scratch_dir("dir");
        let s = load_within_deadline(&dir).await.to_string();
        std::fs::remove_dir_all(&dir).ok();
        assert!(s.contains("is not a regular file but a directory"), "{s}");
    }

    #[tokio::test]
    async fn a_file_over_the_size_bound_is_refused() {
        let dir = scratch_dir("large");
        let path = dir.join("credentials");
        let mut text = String::from("[basic]\nak = AK\nsk = SK\n");
        text.push_str(&"#".repeat(usize::try_from(MAX_FILE_BYTES).unwrap()));
        std::fs::write(&path, text).unwrap();
        let s = load_within_deadline(&path).await.to_string();
        std::fs::remove_dir_all(&dir).ok();
        assert!(s.contains("is larger than 1048576 bytes"), "{s}");
    }

    #[cfg(unix)]
    #[test]
    fn a_path_that_is_not_utf8_is_used_as_it_is() {
        use std::ffi::OsString;
        use std::os::unix::ffi::OsStringExt;
        let raw = OsString::from_vec(b"/tmp/\xffdir/credentials".to_vec());
        let value = raw.clone();
        let provider = ProfileProvider {
            lookup: std::sync::Arc::new(move |name: &str| {
                (name == ENV_CREDENTIALS_FILE).then(|| value.clone())
            }),
            ..ProfileProvider::new()
        };
        assert_eq!(provider.resolve_path().unwrap(), PathBuf::from(raw));
    }
}
