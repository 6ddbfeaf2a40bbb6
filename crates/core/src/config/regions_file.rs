//! The regions file (`regions.yaml`) of the official SDKs: per-service, per-region endpoints.
//!
//! Top-level keys are service names (matched case-insensitively); each holds a list of
//! `{id, endpoint}` and/or `{id, endpoints: [...]}` entries. Each path is read and parsed at
//! most once per process; the outcome, success or failure, is cached.

use std::collections::{BTreeMap, HashMap};
use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use serde::Deserialize;

use crate::error::{Error, Result};

/// Variable that overrides the regions file location.
pub(crate) const REGIONS_FILE_ENV: &str = "HUAWEICLOUD_SDK_REGIONS_FILE";

/// Regions files larger than this are rejected.
const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// A parsed regions file: lower-case service name → region id → endpoints (not yet validated).
#[derive(Debug, Default)]
pub(crate) struct RegionsFile {
    services: HashMap<String, HashMap<String, Vec<String>>>,
}

#[derive(Deserialize)]
struct RawEntry {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    endpoint: Option<String>,
    #[serde(default)]
    endpoints: Option<Vec<String>>,
}

type RawFile = Option<BTreeMap<String, Option<Vec<RawEntry>>>>;

impl RegionsFile {
    /// Parses the YAML text of a regions file.
    pub(crate) fn parse(bytes: &[u8]) -> std::result::Result<RegionsFile, String> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(RegionsFile::default());
        }
        let raw: RawFile = serde_yaml_ng::from_slice(bytes).map_err(|e| e.to_string())?;
        let mut file = RegionsFile::default();
        for (service, entries) in raw.unwrap_or_default() {
            let regions = file.services.entry(service.to_lowercase()).or_default();
            for entry in entries.unwrap_or_default() {
                let Some(id) = entry.id.map(|id| id.trim().to_owned()) else {
                    continue;
                };
                let endpoints = entry
                    .endpoint
                    .into_iter()
                    .chain(entry.endpoints.unwrap_or_default())
                    .filter(|e| !e.trim().is_empty());
                regions.entry(id).or_default().extend(endpoints);
            }
        }
        Ok(file)
    }

    /// The endpoints listed for `service` (any case) in `region`, if any.
    pub(crate) fn endpoints(&self, service: &str, region: &str) -> Option<&[String]> {
        let list = self.services.get(&service.to_lowercase())?.get(region)?;
        (!list.is_empty()).then_some(list.as_slice())
    }
}

/// Where the regions file is: `HUAWEICLOUD_SDK_REGIONS_FILE`, else
/// `<HOME or USERPROFILE>/.huaweicloud/regions.yaml`. `var` returns trimmed, non-empty values
/// (raw when not UTF-8: paths need not be).
pub(crate) fn path_from(var: impl Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    if let Some(path) = var(REGIONS_FILE_ENV) {
        return Some(PathBuf::from(path));
    }
    let home = var("HOME").or_else(|| var("USERPROFILE"))?;
    Some(Path::new(&home).join(".huaweicloud").join("regions.yaml"))
}

/// The endpoints the file at `path` lists for `service` in `region`. `Ok(None)` when the file
/// does not exist or lists nothing for them.
///
/// # Errors
///
/// A construction error naming the file when it cannot be read or parsed.
pub(crate) fn lookup(path: &Path, service: &str, region: &str) -> Result<Option<Vec<String>>> {
    let Some(file) = load(path) else {
        return Ok(None);
    };
    match file.as_ref() {
        Ok(file) => Ok(file.endpoints(service, region).map(<[String]>::to_vec)),
        Err(message) => Err(Error::construction(format!(
            "invalid regions file '{}': {message}",
            path.display()
        ))),
    }
}

type Cached = Arc<std::result::Result<RegionsFile, String>>;

/// The parsed file at `path`, from the cache or read now; `None` when it does not exist.
fn load(path: &Path) -> Option<Cached> {
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, Cached>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Mutex::default);
    let mut cache = cache.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(file) = cache.get(path) {
        return Some(Arc::clone(file));
    }
    if !path.exists() {
        return None;
    }
    let file = Arc::new(read(path).and_then(|bytes| RegionsFile::parse(&bytes)));
    if let Err(message) = file.as_ref() {
        tracing::debug!(path = %path.display(), error = message.as_str(), "cannot use the regions file");
    }
    cache.insert(path.to_owned(), Arc::clone(&file));
    Some(file)
}

fn read(path: &Path) -> std::result::Result<Vec<u8>, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read it: {e}"))?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read it: {e}"))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(format!("it is larger than {MAX_FILE_BYTES} bytes"));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoints(file: &RegionsFile, service: &str, region: &str) -> Option<Vec<String>> {
        file.endpoints(service, region).map(<[String]>::to_vec)
    }

    #[test]
    fn both_entry_forms_merge_endpoint_first() {
        let yaml = b"
MetaStudio:
  - id: cn-north-4
    endpoint: https://a.example.com
    endpoints: [https://b.example.com, https://c.example.com]
    extra_field: ignored
  - id: ap-southeast-1
    endpoints:
      - https://d.example.com
swr:
  - id: cn-north-4
    endpoint: https://swr.example.com
";
        let file = RegionsFile::parse(yaml).expect("valid file");
        assert_eq!(
            endpoints(&file, "metastudio", "cn-north-4"),
            Some(vec![
                "https://a.example.com".to_owned(),
                "https://b.example.com".to_owned(),
                "https://c.example.com".to_owned(),
            ])
        );
        assert_eq!(
            endpoints(&file, "METASTUDIO", "ap-southeast-1"),
            Some(vec!["https://d.example.com".to_owned()])
        );
        assert_eq!(
            endpoints(&file, "SWR", "cn-north-4"),
            Some(vec!["https://swr.example.com".to_owned()])
        );
        assert_eq!(endpoints(&file, "hss", "cn-north-4"), None);
        assert_eq!(endpoints(&file, "swr", "cn-north-1"), None);
    }

    #[test]
    fn entries_without_id_or_endpoints_are_skipped() {
        let yaml = b"
hss:
  - endpoint: https://no-id.example.com
  - id: cn-north-4
  - id: cn-east-3
    endpoints: []
projectman:
";
        let file = RegionsFile::parse(yaml).expect("valid file");
        assert_eq!(endpoints(&file, "hss", "cn-north-4"), None);
        assert_eq!(endpoints(&file, "hss", "cn-east-3"), None);
        assert_eq!(endpoints(&file, "projectman", "cn-north-4"), None);
    }

    #[test]
    fn empty_and_comment_only_files_are_empty() {
        for text in ["", "  \n\n", "# nothing here\n", "---\n", "~\n"] {
            let file = RegionsFile::parse(text.as_bytes()).expect("empty file is fine");
            assert!(file.services.is_empty(), "{text:?}");
        }
    }

    #[test]
    fn hostile_inputs_are_errors_not_panics() {
        let inputs: &[&[u8]] = &[
            b"\xff\xfe\x00\x01garbage",
            b"metastudio: [",
            b"metastudio: {id: cn-north-4}",
            b"- just\n- a list\n",
            b"metastudio:\n  - id: [1, 2]\n",
            b"a: &a [*a]",
            b"a: &a [x]\nb: &b [*a, *a, *a, *a]\nc: [*b, *b, *b, *b]\n",
            b"metastudio:\n  - id: cn-north-4\n    endpoints: https://not-a-list\n",
            b"\t\tmetastudio:\n\t- id",
            b"!!binary AAAA",
            b"42",
        ];
        for input in inputs {
            assert!(RegionsFile::parse(input).is_err(), "{input:?}");
        }
    }

    #[test]
    fn path_prefers_env_var_then_home_then_userprofile() {
        let path = path_from(|name| match name {
            REGIONS_FILE_ENV => Some("/etc/regions.yaml".into()),
            "HOME" => Some("/home/u".into()),
            _ => None,
        });
        assert_eq!(path, Some(PathBuf::from("/etc/regions.yaml")));

        let path = path_from(|name| (name == "HOME").then(|| "/home/u".into()));
        assert_eq!(
            path,
            Some(
                Path::new("/home/u")
                    .join(".huaweicloud")
                    .join("regions.yaml")
            )
        );

        let path = path_from(|name| (name == "USERPROFILE").then(|| r"C:\Users\u".into()));
        assert_eq!(
            path,
            Some(
                Path::new(r"C:\Users\u")
                    .join(".huaweicloud")
                    .join("regions.yaml")
            )
        );

        assert_eq!(path_from(|_| None), None);
    }

    #[test]
    fn missing_file_is_not_an_error() {
        let path = std::env::temp_dir().join("hwc-sdk-regions-file-does-not-exist.yaml");
        assert!(matches!(lookup(&path, "swr", "cn-north-4"), Ok(None)));
    }
}
