//! The credentials profile file parser never panics on arbitrary bytes: each input is written to
//! a file and read through the public `ProfileProvider` for several sections.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use huaweicloud_sdk_core::credentials::ProfileProvider;
use huaweicloud_sdk_core::{CredentialsContext, ProvideCredentials};
use huaweicloud_sdk_fuzz::block_on;
use libfuzzer_sys::fuzz_target;

fn path() -> &'static PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        std::env::temp_dir().join(format!("hwc-fuzz-profile-{}.ini", std::process::id()))
    })
}

fuzz_target!(|data: &[u8]| {
    // The first line (up to 32 bytes) names an extra section to look up.
    let extra = data
        .split(|&b| b == b'\n')
        .next()
        .and_then(|l| std::str::from_utf8(&l[..l.len().min(32)]).ok())
        .unwrap_or("x")
        .trim_start_matches(['[', '#'])
        .to_owned();
    if std::fs::write(path(), data).is_err() {
        return;
    }
    for section in ["basic", "global", extra.as_str()] {
        let provider = ProfileProvider::from_path(path().clone()).with_section(section);
        let result = block_on(provider.provide_credentials(&CredentialsContext::new()));
        let _ = format!("{result:?}");
        if let Ok(credentials) = result {
            assert!(!credentials.ak().is_empty() && !credentials.sk().is_empty());
        }
    }
});
