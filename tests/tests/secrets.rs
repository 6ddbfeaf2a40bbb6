//! No secret in logs or in `Debug`/`Display` output. Every operation of the five runs through
//! its generated client on its success, error (4xx, 5xx) and retry paths (503 then 200; a
//! "signature expired" answer re-signed once; a wrong-SK 401 whose message echoes the
//! canonical request), with temporary credentials, against the local endpoint behind a
//! recording proxy that captures every `Authorization` header sent. Then the secret key, the
//! security token and every signature value must appear nowhere in what tracing captured at
//! TRACE (the SDK and its HTTP stack), nor in the `Debug`/`Display` of the config, credentials,
//! clients, request builders, requests, outputs and errors. Errors are also shown with their
//! whole cause chain, including those of an endpoint with a password in its URL and of a
//! presigned upload URL (`Signature=`, `AccessKeyId=`, `X-Amz-Signature=`) that cannot be
//! reached.
//!
//! Then OIDC federation against the local endpoint's IAM, accepted and refused: the id token,
//! the unscoped token IAM answers and the temporary credentials it issues must appear nowhere
//! either.
//!
//! In its own test binary with a global subscriber: tracing caches callsite interest
//! process-wide, so a per-thread subscriber can miss events while other tests run.

// RunImageSynchronize is deprecated; these tests still exercise it as a seed operation.
#![allow(deprecated)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use huaweicloud_sdk_core::Credentials;
use huaweicloud_sdk_core::credentials::FederatedProvider;
use huaweicloud_sdk_core::retry::RetryConfig;
use huaweicloud_sdk_core::transport::{HttpTransport, HyperTransport};
use huaweicloud_sdk_hss::v5::models::RunImageSynchronizeRequestInfo;
use huaweicloud_sdk_local::{DEFAULT_PROJECT_ID, LocalEndpoint, seed};
use huaweicloud_sdk_metastudio::v1::models::FilesCreateReq;
use huaweicloud_sdk_test_support::{Script, Server, Step, refused_addr, response};

const AK: &str = "HPUASECRETSTEST00001";
const SK: &str = "secrets-test-SK-9f8e7d6c5b4a39281706f5e4";
const TOKEN: &str = "secrets-test-security-token-0a1b2c3d4e5f";
const WRONG_SK: &str = "secrets-test-wrong-SK-6d5c4b3a2918";
const PASSWORD: &str = "secrets-test-endpoint-password-77aa";
const UPLOAD_SIGNATURE: &str = "secrets-test-upload-signature-1f2e3d";
const UPLOAD_AMZ_SIGNATURE: &str = "secrets-test-amz-signature-4c5b6a";
const UPLOAD_ACCESS_KEY: &str = "SECRETSTESTUPLOADAK9";
const ID_TOKEN: &str = "secrets-test-oidc-id-token-eyJhbGciOiJSUzI1NiJ9";

/// The default transport, recording the unscoped tokens IAM answers in `X-Subject-Token` (the
/// secrets the test must then not find). Its `Debug` shows none of them.
#[derive(Clone, Default)]
struct SubjectTokens(Arc<Mutex<Vec<String>>>);

impl std::fmt::Debug for SubjectTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SubjectTokens")
    }
}

#[async_trait::async_trait]
impl HttpTransport for SubjectTokens {
    async fn send(
        &self,
        request: http::Request<huaweicloud_sdk_core::RequestBody>,
    ) -> huaweicloud_sdk_core::Result<http::Response<huaweicloud_sdk_core::ByteStream>> {
        static INNER: std::sync::OnceLock<HyperTransport> = std::sync::OnceLock::new();
        let inner = INNER.get_or_init(|| HyperTransport::new(&Default::default()).unwrap());
        let response = inner.send(request).await?;
        if let Some(token) = response.headers().get("x-subject-token") {
            self.0
                .lock()
                .unwrap()
                .push(token.to_str().unwrap().to_owned());
        }
        Ok(response)
    }
}

/// Collects formatted tracing output.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn scripted(status: u16, extra: &[(&str, String)], body: &str) -> Vec<u8> {
    let mut headers = vec![
        ("content-type", "application/json"),
        ("x-request-id", "scripted-rid"),
    ];
    headers.extend(extra.iter().map(|(k, v)| (*k, v.as_str())));
    response(status, &headers, body)
}

fn unavailable(status: u16) -> Vec<u8> {
    scripted(
        status,
        &[],
        r#"{"error_code":"APIGW.0503","error_msg":"service unavailable"}"#,
    )
}

fn expired() -> Vec<u8> {
    scripted(
        401,
        &[("date", httpdate_now())],
        r#"{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information: signature expired, signature time: 20000101T000000Z, server time: 20000101T002000Z"}"#,
    )
}

fn httpdate_now() -> String {
    // The local endpoint's clock is the system's: a correction of (about) zero.
    let secs = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // civil-from-days (Howard Hinnant)
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][(days % 7) as usize];
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{weekday}, {day:02} {} {year} {:02}:{:02}:{:02} GMT",
        months[(month - 1) as usize],
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// `Display`, `Debug` and pretty `Debug` of an error, its cause chain as `anyhow`'s `{:#}`
/// would print it, and each cause's `Debug`.
fn everything_shown(e: &huaweicloud_sdk_core::Error) -> String {
    let mut shown = format!("{e}\n{e:?}\n{e:#?}\n{}\n", e.report());
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        shown.push_str(&format!("{c}\n{c:?}\n"));
        cause = c.source();
    }
    shown
}

/// Sends a generated builder, recording the `Debug` of the builder, of the request it builds,
/// and the `Debug` of the output or the `Display` and `Debug` of the error.
macro_rules! run {
    ($shown:expr, $builder:expr) => {{
        let builder = $builder;
        $shown.push_str(&format!("{builder:?}\n{:?}\n", builder.clone().build()));
        match builder.send().await {
            Ok(out) => {
                $shown.push_str(&format!("{out:?}\n"));
                Ok(out)
            }
            Err(e) => {
                $shown.push_str(&everything_shown(&e));
                Err(e)
            }
        }
    }};
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_in_logs_or_debug_output_on_any_path() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    tracing::subscriber::set_global_default(subscriber).expect("only test in this binary");

    let local = LocalEndpoint::builder()
        .temporary_credentials(AK, SK, TOKEN)
        .start()
        .await
        .unwrap();
    // A recording proxy in front of the local endpoint: each request is recorded, then answered
    // with the next scripted response, or (none scripted) forwarded to the endpoint.
    let proxy = Script::steps(Vec::new(), vec![Step::Forward(local.addr())]);
    let proxy_server = Server::start(proxy.clone()).await.unwrap();
    let url = proxy_server.url();
    let credentials = Credentials::new(AK, SK)
        .with_security_token(TOKEN)
        .with_project_id(DEFAULT_PROJECT_ID);
    let config = huaweicloud_sdk_core::Config::new(credentials.clone())
        .with_endpoint(&url)
        .with_retry(
            RetryConfig::default()
                .with_max_attempts(2)
                .with_initial_backoff(Duration::from_millis(5)),
        );
    let metastudio = huaweicloud_sdk_metastudio::v1::Client::new(&config).unwrap();
    let projectman = huaweicloud_sdk_projectman::v4::Client::new(&config).unwrap();
    let swr = huaweicloud_sdk_swr::v2::Client::new(&config).unwrap();
    let hss = huaweicloud_sdk_hss::v5::Client::new(&config).unwrap();
    let mut shown = format!(
        "{config:?}\n{config:#?}\n{credentials:?}\n{metastudio:?}\n{projectman:?}\n{swr:?}\n{hss:?}\n"
    );

    // MetaStudio ListPictureModelingJobs (GET).
    let jobs = || metastudio.list_picture_modeling_jobs().limit(2);
    run!(shown, jobs()).unwrap();
    let e = run!(shown, metastudio.list_picture_modeling_jobs().limit(0)).unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(400));
    proxy.push(unavailable(503));
    run!(shown, jobs()).unwrap();
    proxy.push(unavailable(500));
    proxy.push(unavailable(500));
    let e = run!(shown, jobs()).unwrap_err();
    assert_eq!(
        (e.status().map(|s| s.as_u16()), e.attempts()),
        (Some(500), 2)
    );

    // MetaStudio CreateFile (POST).
    let create = |md5: &str| {
        metastudio.create_file().body(
            FilesCreateReq::new()
                .file_name("portrait.png")
                .file_md5(md5)
                .file_size(1024)
                .asset_id("8cb2f48a2cb006154794741933421100")
                .asset_file_category("MAIN"),
        )
    };
    let md5 = "CY9rzUYh03PK3k6DJie09g==";
    run!(shown, create(md5)).unwrap();
    let e = run!(shown, create("not-base64")).unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(400));
    proxy.push(unavailable(500));
    let e = run!(shown, create(md5)).unwrap_err();
    assert_eq!(
        (e.status().map(|s| s.as_u16()), e.attempts()),
        (Some(500), 1)
    );
    proxy.push(expired());
    run!(shown, create(md5)).unwrap();

    // ProjectMan DownloadImageFile (GET, streamed body).
    let download = |uri: &str| {
        projectman
            .download_image_file()
            .project_id(seed::CODEARTS_PROJECT_ID)
            .image_uri(uri)
    };
    let out = run!(shown, download(seed::IMAGE_PNG_URI)).unwrap();
    out.body.collect().await.unwrap();
    let missing = "/v1/upload/2c42a6d37ccc4197bf0b3dbe91be021a/202209/999.png";
    let e = run!(shown, download(missing)).unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(404));
    proxy.push(unavailable(503));
    let out = run!(shown, download(seed::IMAGE_GIF_URI)).unwrap();
    out.body.collect().await.unwrap();

    // SWR ShowInstanceArtifact (GET).
    let artifact = |reference: &str| {
        swr.show_instance_artifact()
            .instance_id(seed::SWR_INSTANCE_ID)
            .namespace_name(seed::SWR_NAMESPACE)
            .repository_name("nginx")
            .reference(reference)
    };
    run!(shown, artifact("latest")).unwrap();
    let e = run!(shown, artifact("no-such-tag")).unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(404));
    proxy.push(unavailable(503));
    run!(shown, artifact("latest").with_scan_overview(true)).unwrap();

    // HSS RunImageSynchronize (POST).
    let sync = |image_type: &str| {
        hss.run_image_synchronize()
            .body(RunImageSynchronizeRequestInfo::new().image_type(image_type))
    };
    run!(shown, sync("private_image")).unwrap();
    let e = run!(shown, sync("public_image")).unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(400));
    proxy.push(unavailable(502));
    let e = run!(shown, sync("private_image")).unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(502));
    proxy.push(expired());
    run!(shown, sync("shared_image")).unwrap();

    // A wrong SK: the gateway's 401 echoes its canonical request, security token included.
    let wrong = huaweicloud_sdk_core::Config::new(
        Credentials::new(AK, WRONG_SK)
            .with_security_token(TOKEN)
            .with_project_id(DEFAULT_PROJECT_ID),
    )
    .with_endpoint(&url);
    let wrong_swr = huaweicloud_sdk_swr::v2::Client::new(&wrong).unwrap();
    let e = run!(
        shown,
        wrong_swr
            .show_instance_artifact()
            .instance_id(seed::SWR_INSTANCE_ID)
            .namespace_name(seed::SWR_NAMESPACE)
            .repository_name("nginx")
            .reference("latest")
    )
    .unwrap_err();
    assert_eq!(e.error_code(), Some("APIGW.0301"));
    let msg = e.service_error().unwrap().error_msg().to_owned();
    assert!(msg.contains("canonicalRequest"), "{msg}");
    // Display says what to check in one line; the canonical request stays available.
    let line = e.to_string();
    assert!(
        line.contains("signature mismatch, check the AK/SK, the clock and the region")
            && !line.contains("canonicalRequest")
            && line.len() < 250,
        "{line}"
    );
    let canonical = e.service_error().unwrap().canonical_request().unwrap();
    assert!(canonical.starts_with("GET\n/v2/"), "{canonical}");
    shown.push_str(&format!("{wrong:?}\n{wrong_swr:?}\n{msg}\n"));

    // An endpoint with a password in it: refused when the client is built, or failing to
    // connect; either way the password is shown nowhere.
    let closed = refused_addr().unwrap().port();
    let with_password = huaweicloud_sdk_core::Config::new(credentials.clone())
        .with_endpoint(format!("http://user:{PASSWORD}@127.0.0.1:{closed}"));
    shown.push_str(&format!("{with_password:?}\n"));
    match huaweicloud_sdk_swr::v2::Client::new(&with_password) {
        Err(e) => shown.push_str(&everything_shown(&e)),
        Ok(client) => {
            run!(
                shown,
                client
                    .show_instance_artifact()
                    .instance_id(seed::SWR_INSTANCE_ID)
                    .namespace_name(seed::SWR_NAMESPACE)
                    .repository_name("nginx")
                    .reference("latest")
            )
            .unwrap_err();
        }
    }

    // A presigned upload URL that cannot be reached: CreateFile answers it, the PUT is refused.
    let upload_url = format!(
        "http://127.0.0.1:{closed}/bucket/portrait.png?AccessKeyId={UPLOAD_ACCESS_KEY}\
         &Expires=1700000000&Signature={UPLOAD_SIGNATURE}&X-Amz-Signature={UPLOAD_AMZ_SIGNATURE}"
    );
    let created = serde_json::json!({"file_id": "f-secrets", "upload_url": upload_url});
    proxy.push(scripted(200, &[], &created.to_string()));
    let dir = std::env::temp_dir().join(format!("hwc-secrets-upload-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("portrait.png");
    std::fs::write(&file, b"\x89PNG secrets test").unwrap();
    let e = huaweicloud_sdk_metastudio::upload::UploadFile::new(&metastudio, &file)
        .asset_id("8cb2f48a2cb006154794741933421100")
        .asset_file_category(huaweicloud_sdk_metastudio::v1::models::AssetFileCategory::Main)
        .send()
        .await
        .unwrap_err();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(e.is_connect(), "{e:?}");
    let upload_shown = everything_shown(&e);
    assert!(
        !upload_shown.contains("Signature=") && !upload_shown.contains("AccessKeyId="),
        "the presigned query leaked into the upload error:\n{upload_shown}"
    );
    shown.push_str(&upload_shown);

    // OIDC federation against the local endpoint's IAM: an accepted exchange (every operation
    // then signed with the temporary credentials it issued) and a refused one.
    let federated = LocalEndpoint::builder()
        .identity_provider("secrets-idp")
        .start()
        .await
        .unwrap();
    let token_dir = std::env::temp_dir().join(format!("hwc-secrets-oidc-{}", std::process::id()));
    std::fs::create_dir_all(&token_dir).unwrap();
    let token_file = token_dir.join("id-token");
    std::fs::write(&token_file, format!("{ID_TOKEN}\n")).unwrap();
    let subject_tokens = SubjectTokens::default();
    let mut temporary = Vec::new();
    for idp in ["secrets-idp", "unknown-idp"] {
        let config = federated
            .config_with(FederatedProvider::new(idp, &token_file))
            .with_transport(Arc::new(subject_tokens.clone()));
        let client = huaweicloud_sdk_metastudio::v1::Client::new(&config).unwrap();
        shown.push_str(&format!("{config:?}\n{config:#?}\n{client:?}\n"));
        let outcome = run!(shown, client.list_picture_modeling_jobs().limit(1));
        assert_eq!(outcome.is_ok(), idp == "secrets-idp", "{outcome:?}");
        if let Some(issued) = config.credentials_provider().provide_credentials_now() {
            shown.push_str(&format!("{issued:?}\n{issued:#?}\n"));
            temporary.push(issued.sk().to_owned());
            temporary.extend(issued.security_token().map(str::to_owned));
        }
    }
    let _ = std::fs::remove_dir_all(&token_dir);
    let unscoped = subject_tokens.0.lock().unwrap().clone();
    assert_eq!(unscoped.len(), 1, "one accepted id token exchange");
    assert_eq!(temporary.len(), 2, "the temporary SK and security token");
    let federation_secrets: Vec<String> = [ID_TOKEN.to_owned()]
        .into_iter()
        .chain(unscoped)
        .chain(temporary)
        .collect();

    // Every request was signed; collect the signature values.
    let authorizations: Vec<String> = proxy
        .received()
        .iter()
        .filter_map(|r| r.header("authorization").map(str::to_owned))
        .collect();
    assert!(authorizations.len() >= 25, "{}", authorizations.len());
    let signatures: Vec<String> = authorizations
        .iter()
        .map(|a| {
            let sig = a.split("Signature=").nth(1).expect("Signature=");
            assert_eq!(sig.len(), 64, "{a}");
            sig.to_owned()
        })
        .collect();

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("hyper"),
        "the HTTP stack's TRACE lines are checked too"
    );
    for expected in [
        "huaweicloud.operation",
        "attempt failed",
        "retry_in_ms",
        "signing clock corrected",
        "exchanging the OIDC id token with IAM",
    ] {
        assert!(logs.contains(expected), "{expected} missing from the logs");
    }
    for (what, text) in [("logs", &logs), ("Debug/Display output", &shown)] {
        for secret in [
            SK,
            TOKEN,
            WRONG_SK,
            PASSWORD,
            UPLOAD_SIGNATURE,
            UPLOAD_AMZ_SIGNATURE,
            UPLOAD_ACCESS_KEY,
        ] {
            assert!(
                !text.contains(secret),
                "{secret} leaked into the {what}:\n{text}"
            );
        }
        for secret in &federation_secrets {
            assert!(
                !text.contains(secret.as_str()),
                "{secret} (OIDC federation) leaked into the {what}:\n{text}"
            );
        }
        for signature in &signatures {
            assert!(
                !text.contains(signature.as_str()),
                "signature {signature} leaked into the {what}"
            );
        }
    }
    // Outputs may hold `Signature=` legitimately (CreateFile's presigned upload URL), logs not.
    assert!(!logs.contains("Signature="), "Signature= in the logs");
}
