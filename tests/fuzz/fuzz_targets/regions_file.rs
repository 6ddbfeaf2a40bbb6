//! The regions file parser never panics (or blows up) on arbitrary bytes.
#![no_main]

use huaweicloud_sdk_core::config::fuzz_regions_file;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for (service, region) in [
        ("swr", "cn-north-4"),
        ("MetaStudio", "ap-southeast-1"),
        ("", ""),
    ] {
        if let Ok(Some(endpoints)) = fuzz_regions_file(data, service, region) {
            assert!(!endpoints.is_empty());
            assert!(endpoints.iter().all(|e| !e.trim().is_empty()));
        }
    }
});
