//! EnvironmentProvider (injected lookups) and ProfileProvider (temporary files).

use std::collections::HashMap;

use huaweicloud_sdk_core::credentials::{EnvironmentProvider, ProfileProvider};
use huaweicloud_sdk_core::{CredentialsContext, ProvideCredentials};

mod support;

use support::TempFile;

const SK: &str = "profile-secret-sk-9f8e";
const TOKEN: &str = "profile-secret-token-7d6c";

fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + Send + Sync + 'static {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    move |name| map.get(name).cloned()
}

fn assert_no_secrets(text: &str) {
    assert!(!text.contains(SK), "SK leaked: {text}");
    assert!(!text.contains(TOKEN), "token leaked: {text}");
}

#[tokio::test]
async fn environment_provider_reads_injected_variables() {
    let p = EnvironmentProvider::from_lookup(env(&[
        ("HUAWEICLOUD_SDK_AK", "AKENV"),
        ("HUAWEICLOUD_SDK_SK", SK),
        ("HUAWEICLOUD_SDK_PROJECT_ID", "project-1"),
        ("HUAWEICLOUD_SDK_SECURITY_TOKEN", TOKEN),
    ]));
    let c = p
        .provide_credentials(&CredentialsContext::new())
        .await
        .unwrap();
    assert_eq!(c.ak(), "AKENV");
    assert_eq!(c.sk(), SK);
    assert_eq!(c.project_id(), Some("project-1"));
    assert_eq!(c.domain_id(), None);
    assert_eq!(c.security_token(), Some(TOKEN));
    assert_eq!(c.provider_name(), "environment");
    assert_no_secrets(&format!("{c:?} {p:?}"));
}

#[tokio::test]
async fn environment_provider_errors_name_missing_variables_only() {
    let p = EnvironmentProvider::from_lookup(env(&[
        ("HUAWEICLOUD_SDK_AK", "  "),
        ("HUAWEICLOUD_SDK_SK", SK),
        ("HUAWEICLOUD_SDK_SECURITY_TOKEN", TOKEN),
    ]));
    let e = p
        .provide_credentials(&CredentialsContext::new())
        .await
        .unwrap_err();
    assert!(e.is_credentials());
    assert_eq!(e.to_string(), "environment: HUAWEICLOUD_SDK_AK is not set");
    assert_no_secrets(&format!("{e} {e:?}"));

    let e = EnvironmentProvider::from_lookup(env(&[("HUAWEICLOUD_SDK_IDP_ID", "idp")]))
        .provide_credentials(&CredentialsContext::new())
        .await
        .unwrap_err();
    assert!(e.is_construction());
    assert_eq!(
        e.to_string(),
        "environment: HUAWEICLOUD_SDK_IDP_ID is set but HUAWEICLOUD_SDK_ID_TOKEN_FILE is not; \
         federated OIDC credentials need both"
    );
}

#[tokio::test]
async fn profile_basic_and_global_sections() {
    let file = TempFile::new(
        "profile",
        format!(
            "# Huawei Cloud credentials\n[basic]\nak = AKBASIC\nsk = {SK}\nproject_id = proj-1\n\
             security_token = {TOKEN}\n\n[global]\r\nak=AKGLOBAL\r\nsk={SK}\r\ndomain_id=dom-1\r\n"
        )
        .as_bytes(),
    );
    let basic = ProfileProvider::from_path(file.path());
    let c = basic
        .provide_credentials(&CredentialsContext::new())
        .await
        .unwrap();
    assert_eq!(c.ak(), "AKBASIC");
    assert_eq!(c.sk(), SK);
    assert_eq!(c.project_id(), Some("proj-1"));
    assert_eq!(c.domain_id(), None);
    assert_eq!(c.security_token(), Some(TOKEN));
    assert_eq!(c.provider_name(), "profile");

    for global in [
        ProfileProvider::global().with_path(file.path()),
        ProfileProvider::from_path(file.path()).with_section("global"),
    ] {
        let c = global
            .provide_credentials(&CredentialsContext::new())
            .await
            .unwrap();
        assert_eq!(c.ak(), "AKGLOBAL");
        assert_eq!(c.domain_id(), Some("dom-1"));
        assert_eq!(c.project_id(), None);
        assert_eq!(c.security_token(), None);
    }
    assert_no_secrets(&format!("{c:?} {basic:?}"));
}

#[tokio::test]
async fn profile_path_comes_from_the_environment() {
    let file = TempFile::new(
        "profile",
        format!("[basic]\nak=AKFROMENV\nsk={SK}\n").as_bytes(),
    );
    let path = file.path().to_string_lossy().into_owned();
    let p = ProfileProvider::new().with_env_lookup(env(&[
        ("HUAWEICLOUD_SDK_CREDENTIALS_FILE", path.as_str()),
        ("HOME", "/nonexistent-home"),
    ]));
    assert_eq!(
        p.provide_credentials(&CredentialsContext::new())
            .await
            .unwrap()
            .ak(),
        "AKFROMENV"
    );

    let p = ProfileProvider::new().with_env_lookup(env(&[("HOME", "/nonexistent-home")]));
    let e = p
        .provide_credentials(&CredentialsContext::new())
        .await
        .unwrap_err();
    let expected = std::path::Path::new("/nonexistent-home")
        .join(".huaweicloud")
        .join("credentials");
    assert_eq!(
        e.to_string(),
        format!("profile: {} not found", expected.display())
    );
}

#[tokio::test]
async fn profile_errors_name_the_file_and_the_missing_key() {
    let file = TempFile::new(
        "profile",
        format!("[basic]\nak = AKONLY\nsecurity_token = {TOKEN}\n").as_bytes(),
    );
    let e = ProfileProvider::from_path(file.path())
        .provide_credentials(&CredentialsContext::new())
        .await
        .unwrap_err();
    assert!(e.is_credentials());
    let s = e.to_string();
    assert_eq!(
        s,
        format!(
            "profile: {}: section [basic] is missing sk",
            file.path().display()
        )
    );
    assert_no_secrets(&format!("{e:?}"));

    let file = TempFile::new("profile", format!("[basic]\nak=A\nsk={SK}\n").as_bytes());
    let e = ProfileProvider::global()
        .with_path(file.path())
        .provide_credentials(&CredentialsContext::new())
        .await
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("profile: {} has no [global] section", file.path().display())
    );
    assert_no_secrets(&format!("{e} {e:?}"));
}

#[tokio::test]
async fn profile_rejects_non_utf8_and_survives_arbitrary_bytes() {
    let file = TempFile::new("profile", b"[basic]\nak=A\nsk=\xff\xfe\n");
    let e = ProfileProvider::from_path(file.path())
        .provide_credentials(&CredentialsContext::new())
        .await
        .unwrap_err();
    let s = e.to_string();
    assert!(s.contains("is not valid UTF-8"), "{s}");
    assert!(s.contains(file.as_str()), "{s}");

    // pseudo-random bytes, most of them invalid UTF-8 or INI: always an error or credentials,
    // never a panic
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for round in 0..200 {
        let mut bytes = Vec::new();
        if round % 2 == 0 {
            bytes.extend_from_slice(b"[basic]\n");
        }
        for _ in 0..(seed % 300) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let b = (seed >> 24) as u8;
            // bias towards INI syntax
            bytes.push(match b % 8 {
                0 => b'=',
                1 => b'\n',
                2 => b'[',
                3 => b']',
                _ => b,
            });
        }
        let file = TempFile::new("profile", &bytes);
        let _ = ProfileProvider::from_path(file.path())
            .provide_credentials(&CredentialsContext::new())
            .await;
    }
}

#[tokio::test]
async fn profile_directory_and_oversized_files_are_errors() {
    let e = ProfileProvider::from_path(std::env::temp_dir())
        .provide_credentials(&CredentialsContext::new())
        .await
        .unwrap_err();
    assert!(e.is_credentials());
    assert!(e.to_string().starts_with("profile: "), "{e}");

    let big = vec![b'#'; 2 * 1024 * 1024];
    let file = TempFile::new("profile", &big);
    let e = ProfileProvider::from_path(file.path())
        .provide_credentials(&CredentialsContext::new())
        .await
        .unwrap_err();
    assert!(e.to_string().contains("is larger than"), "{e}");
}
