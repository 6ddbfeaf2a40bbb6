//! Region → endpoint resolution: every source in order, and the errors.
//!
//! The environment is always injected; regions files live at unique temporary paths.

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex};

use huaweicloud_sdk_core::ErrorKind;
use huaweicloud_sdk_core::config::endpoint::{
    Endpoint, EndpointEnv, EndpointSource, ResolvedEndpoints, ServiceEndpoints, resolve,
};

mod support;

use support::TempFile;

static METASTUDIO: ServiceEndpoints = ServiceEndpoints {
    service: "metastudio",
    regions: &[
        (
            "cn-north-4",
            "https://metastudio.cn-north-4.myhuaweicloud.com",
        ),
        (
            "ap-southeast-1",
            "https://metastudio.ap-southeast-1.myhuaweicloud.com",
        ),
    ],
    host_pattern: "https://metastudio.{region}.myhuaweicloud.com",
};

static PROJECTMAN: ServiceEndpoints = ServiceEndpoints {
    service: "projectman",
    regions: &[
        (
            "cn-north-4",
            "https://projectman-ext.cn-north-4.myhuaweicloud.com",
        ),
        (
            "cn-north-1",
            "https://projectman-ext.cn-north-1.myhuaweicloud.com",
        ),
    ],
    host_pattern: "https://projectman-ext.{region}.myhuaweicloud.com",
};

static SWR: ServiceEndpoints = ServiceEndpoints {
    service: "swr",
    regions: &[
        ("cn-north-4", "https://swr-api.cn-north-4.myhuaweicloud.com"),
        (
            "eu-west-101",
            "https://swr-api.eu-west-101.myhuaweicloud.eu",
        ),
    ],
    host_pattern: "https://swr-api.{region}.myhuaweicloud.com",
};

static BROKEN_TABLE: ServiceEndpoints = ServiceEndpoints {
    service: "broken",
    regions: &[("cn-north-4", "ftp://broken.example.com")],
    host_pattern: "https://broken.{region}.myhuaweicloud.com",
};

/// An injected environment made of `vars`.
fn env(vars: &[(&str, &str)]) -> EndpointEnv {
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    EndpointEnv::from_lookup(move |name| vars.get(name).cloned())
}

fn urls(resolved: &ResolvedEndpoints) -> Vec<&str> {
    resolved.endpoints.iter().map(Endpoint::as_str).collect()
}

const REGIONS_YAML: &[u8] = b"
MetaStudio:
  - id: cn-north-4
    endpoint: https://file-a.example.com
    endpoints:
      - https://file-b.example.com
      - file-c.example.com:8443
  - id: ap-southeast-1
    endpoints: [https://file-ap.example.com]
    comment: unknown fields are ignored
unrelated:
  - id: cn-north-4
    endpoint: https://unrelated.example.com
";

#[test]
fn override_wins_over_everything() {
    let file = TempFile::new("override.yaml", REGIONS_YAML);
    let env = env(&[
        (
            "HUAWEICLOUD_SDK_REGION_METASTUDIO_CN_NORTH_4",
            "https://env.example.com",
        ),
        ("HUAWEICLOUD_SDK_REGIONS_FILE", file.as_str()),
    ]);
    let endpoints = [
        Endpoint::parse("https://override-1.example.com").expect("valid"),
        Endpoint::parse("http://127.0.0.1:8080/prefix").expect("valid"),
    ];
    let resolved = resolve(&METASTUDIO, Some("cn-north-4"), Some(&endpoints), &env).expect("ok");
    assert_eq!(resolved.source, EndpointSource::Override);
    assert_eq!(
        urls(&resolved),
        [
            "https://override-1.example.com",
            "http://127.0.0.1:8080/prefix"
        ]
    );

    // The region is not needed (nor checked) when endpoints are given.
    for region in [None, Some("not a region")] {
        let resolved = resolve(&METASTUDIO, region, Some(&endpoints), &env).expect("ok");
        assert_eq!(resolved.source, EndpointSource::Override);
    }
}

#[test]
fn empty_override_is_ignored() {
    let resolved = resolve(&METASTUDIO, Some("cn-north-4"), Some(&[]), &env(&[])).expect("ok");
    assert_eq!(resolved.source, EndpointSource::Table);
}

#[test]
fn env_var_with_several_endpoints_beats_file_and_table() {
    let file = TempFile::new("env-beats-file.yaml", REGIONS_YAML);
    let env = env(&[
        (
            "HUAWEICLOUD_SDK_REGION_METASTUDIO_CN_NORTH_4",
            " https://env-1.example.com , ,env-2.example.com:8443,",
        ),
        ("HUAWEICLOUD_SDK_REGIONS_FILE", file.as_str()),
    ]);
    let resolved = resolve(&METASTUDIO, Some("cn-north-4"), None, &env).expect("ok");
    assert_eq!(resolved.source, EndpointSource::Environment);
    assert_eq!(
        urls(&resolved),
        [
            "https://env-1.example.com",
            "https://env-2.example.com:8443"
        ]
    );
}

#[test]
fn env_var_name_follows_the_official_scheme() {
    let asked = Arc::new(Mutex::new(Vec::new()));
    let recorder = Arc::clone(&asked);
    let env = EndpointEnv::from_lookup(move |name| {
        recorder.lock().expect("lock").push(name.to_owned());
        None
    });
    resolve(&METASTUDIO, Some("cn-north-4"), None, &env).expect("ok");
    resolve(&SWR, Some("eu-west-101"), None, &env).expect("ok");
    let asked = asked.lock().expect("lock");
    assert!(asked.contains(&"HUAWEICLOUD_SDK_REGION_METASTUDIO_CN_NORTH_4".to_owned()));
    assert!(asked.contains(&"HUAWEICLOUD_SDK_REGION_SWR_EU_WEST_101".to_owned()));
}

#[test]
fn blank_env_var_falls_through() {
    let env = env(&[("HUAWEICLOUD_SDK_REGION_METASTUDIO_CN_NORTH_4", " , ,")]);
    let resolved = resolve(&METASTUDIO, Some("cn-north-4"), None, &env).expect("ok");
    assert_eq!(resolved.source, EndpointSource::Table);
}

#[test]
fn regions_file_merges_both_forms_and_matches_service_case_insensitively() {
    let file = TempFile::new("both-forms.yaml", REGIONS_YAML);
    let env = env(&[("HUAWEICLOUD_SDK_REGIONS_FILE", file.as_str())]);

    let resolved = resolve(&METASTUDIO, Some("cn-north-4"), None, &env).expect("ok");
    assert_eq!(resolved.source, EndpointSource::RegionsFile);
    assert_eq!(
        urls(&resolved),
        [
            "https://file-a.example.com",
            "https://file-b.example.com",
            "https://file-c.example.com:8443",
        ]
    );

    let resolved = resolve(&METASTUDIO, Some("ap-southeast-1"), None, &env).expect("ok");
    assert_eq!(urls(&resolved), ["https://file-ap.example.com"]);

    // Neither the service nor the region is in the file: next sources.
    let resolved = resolve(&PROJECTMAN, Some("cn-north-4"), None, &env).expect("ok");
    assert_eq!(resolved.source, EndpointSource::Table);
    let resolved = resolve(&METASTUDIO, Some("cn-east-3"), None, &env).expect("ok");
    assert_eq!(resolved.source, EndpointSource::Pattern);
}

#[test]
fn regions_file_in_home_directory() {
    let home = std::env::temp_dir().join(format!("hwc-endpoint-test-home-{}", std::process::id()));
    let dir = home.join(".huaweicloud");
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("regions.yaml"), REGIONS_YAML).expect("write");
    let home_str = home.to_str().expect("utf-8").to_owned();

    for var in ["HOME", "USERPROFILE"] {
        let env = env(&[(var, &home_str)]);
        let resolved = resolve(&METASTUDIO, Some("ap-southeast-1"), None, &env).expect("ok");
        assert_eq!(resolved.source, EndpointSource::RegionsFile, "{var}");
        assert_eq!(urls(&resolved), ["https://file-ap.example.com"]);
    }
    let _ = std::fs::remove_dir_all(&home);
}

#[test]
fn missing_regions_file_is_skipped() {
    let missing = std::env::temp_dir().join("hwc-endpoint-test-missing/regions.yaml");
    let env = env(&[
        (
            "HUAWEICLOUD_SDK_REGIONS_FILE",
            missing.to_str().expect("utf-8"),
        ),
        ("HOME", "/nonexistent-home-for-tests"),
    ]);
    let resolved = resolve(&METASTUDIO, Some("cn-north-4"), None, &env).expect("ok");
    assert_eq!(resolved.source, EndpointSource::Table);
}

#[test]
fn table_lookup() {
    let resolved = resolve(&PROJECTMAN, Some("cn-north-1"), None, &env(&[])).expect("ok");
    assert_eq!(resolved.source, EndpointSource::Table);
    assert_eq!(
        urls(&resolved),
        ["https://projectman-ext.cn-north-1.myhuaweicloud.com"]
    );

    let resolved = resolve(&SWR, Some("eu-west-101"), None, &env(&[])).expect("ok");
    assert_eq!(resolved.source, EndpointSource::Table);
    assert_eq!(
        resolved.endpoints[0].authority(),
        "swr-api.eu-west-101.myhuaweicloud.eu"
    );
}

#[test]
fn pattern_fallback_for_unknown_well_formed_region() {
    let resolved = resolve(&PROJECTMAN, Some("cn-north-99"), None, &env(&[])).expect("ok");
    assert_eq!(resolved.source, EndpointSource::Pattern);
    assert_eq!(
        urls(&resolved),
        ["https://projectman-ext.cn-north-99.myhuaweicloud.com"]
    );

    let resolved = resolve(&SWR, Some("my-kualalumpur-1"), None, &env(&[])).expect("ok");
    assert_eq!(
        urls(&resolved),
        ["https://swr-api.my-kualalumpur-1.myhuaweicloud.com"]
    );
}

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn pattern_fallback_is_logged_at_debug() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::with_default(subscriber, || {
        resolve(&METASTUDIO, Some("cn-north-99"), None, &env(&[])).expect("ok");
    });
    let log = String::from_utf8(captured.0.lock().expect("lock").clone()).expect("utf-8");
    assert!(log.contains("DEBUG"), "{log}");
    assert!(log.contains("service=\"metastudio\""), "{log}");
    assert!(log.contains("region=\"cn-north-99\""), "{log}");
    assert!(
        log.contains("https://metastudio.cn-north-99.myhuaweicloud.com"),
        "{log}"
    );
}

#[test]
fn malformed_region_is_a_construction_error() {
    for region in [
        "cn north",
        "../x",
        "",
        "CN-NORTH-4",
        "cn_north_4",
        "cn-north-4/../../x",
    ] {
        let err = resolve(&METASTUDIO, Some(region), None, &env(&[])).expect_err(region);
        assert_eq!(err.kind(), ErrorKind::Construction, "{region:?}");
        let message = err.to_string();
        assert!(message.contains(&format!("{region:?}")), "{message}");
        assert!(message.contains("lower-case"), "{message}");
    }
}

#[test]
fn missing_region_and_endpoint_is_a_construction_error() {
    let err = resolve(&METASTUDIO, None, None, &env(&[])).expect_err("no region");
    assert_eq!(err.kind(), ErrorKind::Construction);
    let message = err.to_string();
    assert!(message.contains("metastudio"), "{message}");
    assert!(message.contains("set a region"), "{message}");
    assert!(message.contains("endpoint"), "{message}");
}

#[test]
fn bad_endpoint_in_env_var_names_the_variable() {
    let env = env(&[(
        "HUAWEICLOUD_SDK_REGION_METASTUDIO_CN_NORTH_4",
        "https://ok.example.com,ftp://bad.example.com",
    )]);
    let err = resolve(&METASTUDIO, Some("cn-north-4"), None, &env).expect_err("bad");
    assert_eq!(err.kind(), ErrorKind::Construction);
    let message = err.to_string();
    assert!(
        message.contains("HUAWEICLOUD_SDK_REGION_METASTUDIO_CN_NORTH_4"),
        "{message}"
    );
    assert!(message.contains("ftp://bad.example.com"), "{message}");
}

#[test]
fn bad_endpoint_in_regions_file_names_the_file() {
    let file = TempFile::new(
        "bad-endpoint.yaml",
        b"metastudio:\n  - id: cn-north-4\n    endpoint: https://host.example.com?query=1\n",
    );
    let env = env(&[("HUAWEICLOUD_SDK_REGIONS_FILE", file.as_str())]);
    let err = resolve(&METASTUDIO, Some("cn-north-4"), None, &env).expect_err("bad");
    assert_eq!(err.kind(), ErrorKind::Construction);
    assert!(err.to_string().contains(file.as_str()), "{err}");
}

#[test]
fn bad_endpoint_in_table_or_override_names_the_origin() {
    let err = resolve(&BROKEN_TABLE, Some("cn-north-4"), None, &env(&[])).expect_err("bad");
    assert!(
        err.to_string().contains("region table of service 'broken'"),
        "{err}"
    );

    let err = Endpoint::parse_from("https://a b", "the endpoint override").expect_err("bad");
    assert_eq!(err.kind(), ErrorKind::Construction);
    assert!(
        err.to_string().contains("from the endpoint override"),
        "{err}"
    );
}

#[test]
fn invalid_yaml_is_an_error_naming_the_file_every_time() {
    let file = TempFile::new("invalid.yaml", b"metastudio: [\n  - id: cn-north-4\n");
    let env = env(&[("HUAWEICLOUD_SDK_REGIONS_FILE", file.as_str())]);
    for _ in 0..2 {
        let err = resolve(&METASTUDIO, Some("cn-north-4"), None, &env).expect_err("invalid");
        assert_eq!(err.kind(), ErrorKind::Construction);
        let message = err.to_string();
        assert!(message.contains("invalid regions file"), "{message}");
        assert!(message.contains(file.as_str()), "{message}");
    }
}

#[test]
fn regions_file_is_parsed_once_per_path() {
    let file = TempFile::new("parsed-once.yaml", REGIONS_YAML);
    let env = env(&[("HUAWEICLOUD_SDK_REGIONS_FILE", file.as_str())]);
    let first = resolve(&METASTUDIO, Some("ap-southeast-1"), None, &env).expect("ok");
    // Rewriting the file does not change the answer: the first parse is kept.
    std::fs::write(file.path(), b"this: [is, not, read, again").expect("rewrite");
    let second = resolve(&METASTUDIO, Some("ap-southeast-1"), None, &env).expect("ok");
    assert_eq!(first, second);
}

#[test]
fn hostile_regions_files_never_panic() {
    let inputs: &[&[u8]] = &[
        b"\x00\x01\x02\xff\xfe\xfd",
        b"\xef\xbb\xbfmetastudio:\n  - id: cn-north-4\n    endpoint: \"\\x00\"\n",
        b"metastudio:\n  - id: cn-north-4\n    endpoint: \"https://\\u202e.example.com\"\n",
        b"a: &a [*a, *a]\n",
        b"x: &x [1,2,3,4,5,6,7,8,9]\ny: &y [*x,*x,*x,*x,*x,*x,*x,*x,*x]\nz: [*y,*y,*y,*y,*y,*y,*y,*y,*y]\n",
        b"metastudio:\n  - id: cn-north-4\n    endpoints: {a: b}\n",
        b"metastudio:\n  - id: cn-north-4\n    endpoint: [[[[[[[[[[[[]]]]]]]]]]]]\n",
        b"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
        b"metastudio: !!binary aGVsbG8=\n",
        b"? - complex\n  - key\n: value\n",
        b"metastudio:\n  - id: cn-north-4\n    endpoint: 12345\n",
        b"%YAML 9.9\n---\nfoo\n",
        b"metastudio:\n  - id: cn-north-4\n    endpoint: ''\n    endpoints: ['', '  ']\n",
    ];
    for (i, input) in inputs.iter().enumerate() {
        let file = TempFile::new(&format!("hostile-{i}.yaml"), input);
        let env = env(&[("HUAWEICLOUD_SDK_REGIONS_FILE", file.as_str())]);
        match resolve(&METASTUDIO, Some("cn-north-4"), None, &env) {
            Ok(resolved) => assert!(!resolved.endpoints.is_empty(), "input {i}"),
            Err(err) => {
                assert_eq!(err.kind(), ErrorKind::Construction, "input {i}");
                assert!(err.to_string().contains(file.as_str()), "input {i}: {err}");
            }
        }
    }
}

#[test]
fn directory_as_regions_file_is_an_error() {
    let dir = std::env::temp_dir().join(format!("hwc-endpoint-test-dir-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let env = env(&[("HUAWEICLOUD_SDK_REGIONS_FILE", dir.to_str().expect("utf-8"))]);
    let err = resolve(&METASTUDIO, Some("cn-north-4"), None, &env).expect_err("directory");
    assert_eq!(err.kind(), ErrorKind::Construction);
    assert!(err.to_string().contains("invalid regions file"), "{err}");
    let _ = std::fs::remove_dir(&dir);
}
