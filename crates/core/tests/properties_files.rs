//! Property tests of the two files the SDK reads from disk: the credentials profile file and
//! the regions file. Both parsers are reached through their public entry points
//! (`ProfileProvider::from_path`, and `endpoint::resolve` with `HUAWEICLOUD_SDK_REGIONS_FILE`
//! pointing at a temporary file) and must never panic, whatever the file holds.
//!
//! Deterministic (fixed seed, no failure files) and modest (256 cases per property); set
//! `PROPTEST_CASES` for a deeper local run.

mod support;

use huaweicloud_sdk_core::config::endpoint::{
    EndpointEnv, EndpointSource, ServiceEndpoints, resolve,
};
use huaweicloud_sdk_core::credentials::ProfileProvider;
use huaweicloud_sdk_core::{CredentialsContext, ProvideCredentials};
use proptest::prelude::*;
use support::TempFile;

/// Lines that look like INI (sections, keys, quotes, comments) mixed with arbitrary text.
fn ini_text() -> impl Strategy<Value = Vec<u8>> {
    let line = prop_oneof![
        "\\[ ?(basic|global|Basic|x|)? ?\\]?",
        "(ak|sk|AK|project_id|domain_id|security_token|idp_id|) ?= ?[\"']?[ -~]{0,12}[\"']?( [#;].*)?",
        "[#;].{0,10}",
        any::<String>(),
    ];
    prop_oneof![
        prop::collection::vec(line, 0..12).prop_map(|lines| lines.join("\n").into_bytes()),
        prop::collection::vec(any::<u8>(), 0..256),
        // A UTF-8 BOM, CRLF line ends.
        prop::collection::vec("[a-z\\[\\]=]{0,6}", 0..6).prop_map(|l| [
            b"\xEF\xBB\xBF".as_slice(),
            l.join("\r\n").as_bytes()
        ]
        .concat()),
    ]
}

/// YAML that looks like a regions file (anchors and aliases too) mixed with arbitrary bytes.
fn regions_text() -> impl Strategy<Value = Vec<u8>> {
    let line = prop_oneof![
        "(swr|SWR|metastudio|x): ?(\\[\\]|null|~|&a|\\*a|)",
        "  - ?(id|endpoint|endpoints): ?(cn-north-4|\\[https://a, ?https://b\\]|https://[a-z.]{1,8}|\\*a|&a [a-z]|)",
        "    (endpoint|endpoints|id): .{0,12}",
        "      - .{0,12}",
        any::<String>(),
    ];
    prop_oneof![
        prop::collection::vec(line, 0..12).prop_map(|lines| lines.join("\n").into_bytes()),
        prop::collection::vec(any::<u8>(), 0..256),
    ]
}

static SWR: ServiceEndpoints = ServiceEndpoints {
    service: "swr",
    regions: &[],
    host_pattern: "https://swr.{region}.example.com",
};

fn resolve_with_regions_file(
    path: &std::path::Path,
) -> huaweicloud_sdk_core::Result<EndpointSource> {
    let file = path.display().to_string();
    let env = EndpointEnv::from_lookup(move |name| {
        (name == "HUAWEICLOUD_SDK_REGIONS_FILE").then(|| file.clone())
    });
    resolve(&SWR, Some("cn-north-4"), None, &env).map(|r| r.source)
}

proptest! {
    #![proptest_config(support::properties::seeded(0x4857_4346_494c_4531))]

    /// Reading any file through `ProfileProvider` gives credentials or a credentials error,
    /// or the construction error of half a federation setting (`idp_id` or `id_token_file`
    /// alone).
    #[test]
    fn profile_file_parsing_never_panics(
        text in ini_text(),
        section in prop::sample::select(vec!["basic", "global", "x", "BASIC", " basic "]),
    ) {
        let file = TempFile::new("profile", &text);
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let provider = ProfileProvider::from_path(file.path()).with_section(section);
        match runtime.block_on(provider.provide_credentials(&CredentialsContext::new())) {
            Ok(credentials) => {
                prop_assert!(!credentials.ak().is_empty() && !credentials.sk().is_empty());
            }
            Err(e) => prop_assert!(
                e.is_credentials()
                    || (e.is_construction()
                        && e.to_string().ends_with("federated OIDC credentials need both")),
                "{e}"
            ),
        }
    }

    /// A well-formed profile gives back exactly the keys it holds.
    #[test]
    fn profile_file_round_trips(
        ak in "[A-Z0-9]{1,20}",
        sk in "[A-Za-z0-9+/=]{1,40}",
        project in "[a-f0-9]{0,32}",
        comment in prop::option::of(" [#;] [ -~]{0,10}"),
    ) {
        let comment = comment.unwrap_or_default();
        let text = format!("[basic]\nak = {ak}{comment}\nsk = \"{sk}\"\nproject_id = {project}\n");
        let file = TempFile::new("profile-ok", text.as_bytes());
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let credentials = runtime
            .block_on(ProfileProvider::from_path(file.path()).provide_credentials(&CredentialsContext::new()))
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(credentials.ak(), ak.as_str());
        prop_assert_eq!(credentials.sk(), sk.as_str());
        prop_assert_eq!(credentials.project_id(), (!project.is_empty()).then_some(project.as_str()));
    }

    /// Resolving an endpoint with any regions file gives endpoints or a construction error.
    #[test]
    fn regions_file_parsing_never_panics(text in regions_text()) {
        let file = TempFile::new("regions", &text);
        match resolve_with_regions_file(file.path()) {
            Ok(_) => {}
            Err(e) => prop_assert!(e.is_construction(), "{e}"),
        }
    }

    /// A well-formed regions file listing the region is what the endpoint comes from.
    #[test]
    fn regions_file_entry_is_used(host in "[a-z][a-z0-9]{0,10}", key in "(swr|SWR|Swr)") {
        let text = format!("{key}:\n  - id: cn-north-4\n    endpoint: https://{host}.example.com\n");
        let file = TempFile::new("regions-ok", text.as_bytes());
        let source = resolve_with_regions_file(file.path()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(source, EndpointSource::RegionsFile);
    }
}
