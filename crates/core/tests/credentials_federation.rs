//! FederatedProvider (OIDC federation) and PodIdentityProvider against stand-in servers on
//! 127.0.0.1: both IAM exchange requests checked field by field, token rotation, one exchange
//! for many concurrent operations, IAM endpoint selection, malformed and expired answers, and
//! no secret in errors or `Debug`.

mod support;

use std::sync::Arc;

use httpmock::prelude::*;
use huaweicloud_sdk_core::credentials::{
    CachingProvider, EnvironmentProvider, FederatedProvider, PodIdentityProvider, ProfileProvider,
};
use huaweicloud_sdk_core::{
    Config, CredentialsContext, Executor, OperationRequest, OperationSpec, ProvideCredentials,
};
use serde_json::json;

use support::{Recording, TEST_SERVICE, TempFile, answer, header};

const ID_TOKEN_PATH: &str = "/v3.0/OS-AUTH/id-token/tokens";
const SECURITY_TOKENS_PATH: &str = "/v3.0/OS-CREDENTIAL/securitytokens";
const CONTENT_TYPE: &str = "application/json;charset=UTF-8";
const ID_TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.fed-id-token-secret-1.sig";
const ID_TOKEN_2: &str = "eyJhbGciOiJSUzI1NiJ9.fed-id-token-secret-2.sig";
const UNSCOPED: &str = "fed-unscoped-token-secret-MIIE1";
const TEMP_AK: &str = "AKFEDERATED000000001";
const TEMP_SK: &str = "fed-temporary-secret-sk-0001";
const TEMP_TOKEN: &str = "fed-temporary-security-token-0001";
const SECRETS: [&str; 6] = [
    ID_TOKEN, ID_TOKEN_2, UNSCOPED, TEMP_SK, TEMP_TOKEN, "secret-1",
];

fn assert_no_secrets(text: &str) {
    for secret in SECRETS {
        assert!(!text.contains(secret), "{secret} leaked in {text}");
    }
}

/// `{"credential":{...}}` expiring at `expires_at`, for temporary AK `ak`.
fn credential_body(ak: &str, expires_at: &str) -> String {
    json!({"credential": {
        "access": ak,
        "secret": TEMP_SK,
        "securitytoken": TEMP_TOKEN,
        "expires_at": expires_at,
    }})
    .to_string()
}

/// The id-token exchange for `id_token`, checked field by field; answers `unscoped`.
async fn mock_id_token<'a>(
    server: &'a MockServer,
    idp: &str,
    id_token: &str,
    unscoped: &str,
) -> httpmock::Mock<'a> {
    server
        .mock_async(|when, then| {
            when.method(POST)
                .path(ID_TOKEN_PATH)
                .header("x-idp-id", idp)
                .header("content-type", CONTENT_TYPE)
                .header_missing("authorization")
                .header_missing("x-security-token")
                .json_body(json!({"auth": {"id_token": {"id": id_token}}}));
            then.status(201)
                .header("X-Subject-Token", unscoped)
                .header("X-IAM-Trace-Id", "trace-id-token")
                .json_body(json!({"token": {"methods": ["token"], "expires_at": "2099-01-01T00:00:00.000000Z"}}));
        })
        .await
}

/// The securitytokens exchange of `unscoped`, checked field by field; answers `body`.
async fn mock_security_tokens<'a>(
    server: &'a MockServer,
    unscoped: &str,
    body: String,
) -> httpmock::Mock<'a> {
    server
        .mock_async(|when, then| {
            when.method(POST)
                .path(SECURITY_TOKENS_PATH)
                .header("content-type", CONTENT_TYPE)
                .header_missing("authorization")
                .header_missing("x-idp-id")
                .header_missing("x-auth-token")
                .json_body(json!({"auth": {"identity": {
                    "methods": ["token"],
                    "token": {"id": unscoped, "duration_seconds": 21600},
                }}}));
            then.status(201).body(body);
        })
        .await
}

/// A stand-in IAM taking `ID_TOKEN` of `idp` (answering `UNSCOPED`) and issuing temporary
/// credentials of `ak` for 2099: its two mocks, checked field by field.
async fn stand_in_iam<'a>(
    server: &'a MockServer,
    idp: &str,
    ak: &str,
) -> (httpmock::Mock<'a>, httpmock::Mock<'a>) {
    let a = mock_id_token(server, idp, ID_TOKEN, UNSCOPED).await;
    let b = mock_security_tokens(
        server,
        UNSCOPED,
        credential_body(ak, "2099-01-01T00:00:00Z"),
    )
    .await;
    (a, b)
}

#[tokio::test(flavor = "multi_thread")]
async fn both_exchange_requests_are_checked_field_by_field() {
    let server = MockServer::start_async().await;
    let file = TempFile::new("federation-fields", format!("  {ID_TOKEN}\n"));
    let a = mock_id_token(&server, "idp-fields", ID_TOKEN, UNSCOPED).await;
    let b = mock_security_tokens(
        &server,
        UNSCOPED,
        credential_body(TEMP_AK, "2099-05-01T10:00:00.000000Z"),
    )
    .await;
    let provider = FederatedProvider::new("idp-fields", file.path())
        .with_iam_endpoint(server.base_url())
        .with_project_id("fed-project");
    let c = provider
        .provide_credentials(&CredentialsContext::new())
        .await
        .unwrap();
    assert_eq!(
        (c.ak(), c.sk(), c.security_token()),
        (TEMP_AK, TEMP_SK, Some(TEMP_TOKEN))
    );
    assert_eq!(c.idp_id(), Some("idp-fields"));
    assert_eq!(c.project_id(), Some("fed-project"));
    assert_eq!(c.provider_name(), "federation");
    assert_eq!(
        c.expires_at(),
        huaweicloud_sdk_core::time::parse_rfc3339("2099-05-01T10:00:00Z")
    );
    a.assert_calls_async(1).await;
    b.assert_calls_async(1).await;
    assert_no_secrets(&format!("{c:?} {provider:?}"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rotated_token_file_is_sent_at_the_next_exchange() {
    let server = MockServer::start_async().await;
    let file = TempFile::new("federation-rotation", ID_TOKEN);
    let first = mock_id_token(&server, "idp-rotation", ID_TOKEN, UNSCOPED).await;
    let second = mock_id_token(&server, "idp-rotation", ID_TOKEN_2, "fed-unscoped-2").await;
    let b1 = mock_security_tokens(
        &server,
        UNSCOPED,
        credential_body("AKROTATION1", "2099-01-01T00:00:00Z"),
    )
    .await;
    let b2 = mock_security_tokens(
        &server,
        "fed-unscoped-2",
        credential_body("AKROTATION2", "2099-01-01T00:00:00Z"),
    )
    .await;
    let provider =
        FederatedProvider::new("idp-rotation", file.path()).with_iam_endpoint(server.base_url());
    let cache = CachingProvider::new(Arc::new(provider));
    assert_eq!(
        cache
            .provide_credentials(&CredentialsContext::new())
            .await
            .unwrap()
            .ak(),
        "AKROTATION1"
    );
    file.write(format!("{ID_TOKEN_2}\n"));
    // Cached: the rotated token is not needed yet.
    assert_eq!(
        cache
            .provide_credentials(&CredentialsContext::new())
            .await
            .unwrap()
            .ak(),
        "AKROTATION1"
    );
    cache.invalidate();
    assert_eq!(
        cache
            .provide_credentials(&CredentialsContext::new())
            .await
            .unwrap()
            .ak(),
        "AKROTATION2"
    );
    first.assert_calls_async(1).await;
    second.assert_calls_async(1).await;
    b1.assert_calls_async(1).await;
    b2.assert_calls_async(1).await;
}

/// 100 concurrent operations of a client whose credentials are federated: one exchange, its
/// IAM endpoint from the client's config and its requests through the client's transport;
/// every operation signed with the temporary credentials.
#[tokio::test(flavor = "multi_thread")]
async fn one_exchange_for_a_hundred_concurrent_operations() {
    let server = MockServer::start_async().await;
    let file = TempFile::new("federation-concurrent", ID_TOKEN);
    let (a, b) = stand_in_iam(&server, "idp-concurrent", TEMP_AK).await;
    let op = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v1/things")
                .header("x-security-token", TEMP_TOKEN)
                .is_true(|req| {
                    header(req, "authorization")
                        .is_some_and(|auth| auth.contains(&format!("Access={TEMP_AK},")))
                });
            then.status(200).json_body(json!({}));
        })
        .await;
    let recording = Recording::passing_on();
    let config = Config::new(FederatedProvider::new("idp-concurrent", file.path()))
        .with_region("cn-north-4")
        .with_iam_endpoint(server.base_url())
        .with_endpoint(server.base_url())
        .with_project_id("p")
        .with_transport(recording.clone());
    let exec = Executor::new(&config, &TEST_SERVICE).unwrap();
    let spec = OperationSpec::new("testsvc", "ShowThing", http::Method::GET);
    let calls = (0..100).map(|_| exec.send(&spec, OperationRequest::new("/v1/things")));
    for result in futures_util::future::join_all(calls).await {
        assert_eq!(result.unwrap().status(), 200);
    }
    a.assert_calls_async(1).await;
    b.assert_calls_async(1).await;
    op.assert_calls_async(100).await;
    let seen = recording.seen();
    assert_eq!(
        seen.iter().filter(|u| u.ends_with(ID_TOKEN_PATH)).count(),
        1
    );
    assert_eq!(seen.len(), 102);
}

/// Sends the exchange of a client in `region` (with no IAM endpoint override) to a transport
/// answering 401, and returns the URI it was sent to and the error.
async fn exchange_in_region(region: Option<&str>) -> (Vec<String>, huaweicloud_sdk_core::Error) {
    let file = TempFile::new("federation-region", ID_TOKEN);
    let recording = Recording::answering(|_| {
        answer(
            401,
            &[("x-iam-trace-id", "trace-region-1")],
            r#"{"error":{"code":"IAM.1000","message":"unknown identity provider"}}"#,
        )
    });
    let mut config = Config::new(FederatedProvider::new("idp-region", file.path()))
        .with_endpoint("http://127.0.0.1:9")
        .with_project_id("p")
        .with_transport(recording.clone())
        .with_endpoint_env(
            huaweicloud_sdk_core::config::endpoint::EndpointEnv::from_lookup(|_| None),
        );
    if let Some(region) = region {
        config = config.with_region(region);
    }
    let exec = Executor::new(&config, &TEST_SERVICE).unwrap();
    let spec = OperationSpec::new("testsvc", "ShowThing", http::Method::GET);
    let e = exec
        .send(&spec, OperationRequest::new("/v1/things"))
        .await
        .unwrap_err();
    (recording.seen(), e)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_iam_endpoint_is_the_client_regions_never_a_default() {
    let (uris, e) = exchange_in_region(Some("ap-southeast-1")).await;
    assert_eq!(
        uris,
        vec![format!(
            "POST https://iam.ap-southeast-1.myhuaweicloud.com{ID_TOKEN_PATH}"
        )]
    );
    assert!(e.is_credentials(), "{e:?}");
    assert_eq!(
        e.to_string(),
        "testsvc ShowThing: federation: IAM refused POST /v3.0/OS-AUTH/id-token/tokens: \
         HTTP 401 IAM.1000 \"unknown identity provider\" (request id trace-region-1)"
    );
    let (uris, e) = exchange_in_region(None).await;
    assert!(uris.is_empty(), "{uris:?}");
    assert!(e.to_string().contains("no IAM endpoint"), "{e}");
    assert!(e.to_string().contains("no region"), "{e}");
    let (uris, e) = exchange_in_region(Some("xx-nowhere-1")).await;
    assert!(uris.is_empty(), "{uris:?}");
    assert!(
        e.to_string()
            .contains("no IAM endpoint is known for region xx-nowhere-1"),
        "{e}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn iam_errors_carry_code_status_and_request_id_never_tokens() {
    let file = TempFile::new("federation-errors", ID_TOKEN);
    let cases = [
        (
            r#"{"error":{"code":"IAM.0004","message":"id token eyJhbGciOiJSUzI1NiJ9.fed-id-token-secret-1.sig is invalid"}}"#,
            ("x-iam-trace-id", "trace-7"),
            "HTTP 400 IAM.0004 \"id token ** redacted ** is invalid\" (request id trace-7)",
        ),
        (
            r#"{"error_code":"IAM.0101","error_msg":"token expired"}"#,
            ("x-request-id", "rid-8"),
            "HTTP 400 IAM.0101 \"token expired\" (request id rid-8)",
        ),
    ];
    for (body, (name, value), expected) in cases {
        let server = MockServer::start_async().await;
        server
            .mock_async(|when, then| {
                when.method(POST).path(ID_TOKEN_PATH);
                then.status(400).header(name, value).body(body);
            })
            .await;
        let provider =
            FederatedProvider::new("idp-errors", file.path()).with_iam_endpoint(server.base_url());
        let e = provider
            .provide_credentials(&CredentialsContext::new())
            .await
            .unwrap_err();
        assert!(e.is_credentials());
        let s = e.to_string();
        assert!(s.ends_with(expected), "{s}");
        assert!(
            s.starts_with("federation: IAM refused POST /v3.0/OS-AUTH/id-token/tokens"),
            "{s}"
        );
        assert_no_secrets(&format!("{e} {e:?} {}", e.report()));
    }
    // The second request's refusal, echoing the unscoped token.
    let server = MockServer::start_async().await;
    mock_id_token(&server, "idp-errors", ID_TOKEN, UNSCOPED).await;
    server
        .mock_async(|when, then| {
            when.method(POST).path(SECURITY_TOKENS_PATH);
            then.status(401)
                .header("x-iam-trace-id", "trace-9")
                .body(format!(
                    r#"{{"error":{{"code":"IAM.0301","message":"bad token {UNSCOPED}"}}}}"#
                ));
        })
        .await;
    let e = FederatedProvider::new("idp-errors", file.path())
        .with_iam_endpoint(server.base_url())
        .provide_credentials(&CredentialsContext::new())
        .await
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "federation: IAM refused POST /v3.0/OS-CREDENTIAL/securitytokens: HTTP 401 IAM.0301 \
         \"bad token ** redacted **\" (request id trace-9)"
    );
    assert_no_secrets(&format!("{e} {e:?}"));
}

#[tokio::test(flavor = "multi_thread")]
async fn malformed_and_expired_answers_are_errors() {
    let file = TempFile::new("federation-malformed", ID_TOKEN);
    // No X-Subject-Token.
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path(ID_TOKEN_PATH);
            then.status(201)
                .header("x-iam-trace-id", "trace-m")
                .body("{}");
        })
        .await;
    let e = FederatedProvider::new("idp-m", file.path())
        .with_iam_endpoint(server.base_url())
        .provide_credentials(&CredentialsContext::new())
        .await
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "federation: IAM answered POST /v3.0/OS-AUTH/id-token/tokens with HTTP 201 but without \
         an X-Subject-Token header (request id trace-m)"
    );
    let cases = [
        (
            "not json".to_owned(),
            "IAM's securitytokens response is not valid JSON",
        ),
        (
            json!({"credential": {"access": TEMP_AK, "secret": TEMP_SK}}).to_string(),
            "IAM's securitytokens response lacks securitytoken and expires_at",
        ),
        (
            credential_body(TEMP_AK, "2001-01-01T00:00:00.000000Z"),
            "IAM's securitytokens response expired at 2001-01-01T00:00:00Z (UTC)",
        ),
        (
            credential_body(TEMP_AK, "soon"),
            "cannot parse expires_at `soon`",
        ),
    ];
    for (body, expected) in cases {
        let server = MockServer::start_async().await;
        mock_id_token(&server, "idp-m", ID_TOKEN, UNSCOPED).await;
        mock_security_tokens(&server, UNSCOPED, body).await;
        let e = FederatedProvider::new("idp-m", file.path())
            .with_iam_endpoint(server.base_url())
            .provide_credentials(&CredentialsContext::new())
            .await
            .unwrap_err();
        assert!(e.is_credentials());
        assert!(e.to_string().contains(expected), "{e}");
        assert_no_secrets(&format!("{e} {e:?}"));
    }
    // Missing and empty token files name the file, never send anything.
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(500);
        })
        .await;
    let empty = TempFile::new("federation-empty", " \n");
    let e = FederatedProvider::new("idp-m", empty.path())
        .with_iam_endpoint(server.base_url())
        .provide_credentials(&CredentialsContext::new())
        .await
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "federation: the id token file {} is empty",
            empty.path().display()
        )
    );
    let missing = empty.path().with_extension("missing");
    let e = FederatedProvider::new("idp-m", &missing)
        .with_iam_endpoint(server.base_url())
        .provide_credentials(&CredentialsContext::new())
        .await
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("federation: {} not found", missing.display())
    );
    any.assert_calls_async(0).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn environment_and_profile_settings_exchange_the_token() {
    let server = MockServer::start_async().await;
    let file = TempFile::new("federation-settings", ID_TOKEN);
    let (a, b) = stand_in_iam(&server, "idp-settings", TEMP_AK).await;
    let vars = [
        ("HUAWEICLOUD_SDK_IDP_ID", "idp-settings".to_owned()),
        (
            "HUAWEICLOUD_SDK_ID_TOKEN_FILE",
            file.path().display().to_string(),
        ),
        ("HUAWEICLOUD_SDK_IAM_ENDPOINT", server.base_url()),
        ("HUAWEICLOUD_SDK_PROJECT_ID", "env-project".to_owned()),
        ("HUAWEICLOUD_SDK_AK", "AKPERMANENT".to_owned()),
        ("HUAWEICLOUD_SDK_SK", "secret-1".to_owned()),
    ];
    let env = EnvironmentProvider::from_lookup(move |name| {
        vars.iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
    });
    let c = env
        .provide_credentials(&CredentialsContext::new())
        .await
        .unwrap();
    assert_eq!((c.ak(), c.provider_name()), (TEMP_AK, "environment"));
    assert_eq!(c.project_id(), Some("env-project"));
    assert_eq!(c.idp_id(), Some("idp-settings"));

    let profile = TempFile::new(
        "profile",
        format!(
            "[basic]\nak = AKPERMANENT\nsk = secret-1\nidp_id = idp-settings\nid_token_file = {}\n\
             iam_endpoint = {}\nproject_id = profile-project\n",
            file.path().display(),
            server.base_url()
        ),
    );
    let c = ProfileProvider::from_path(profile.path())
        .provide_credentials(&CredentialsContext::new())
        .await
        .unwrap();
    assert_eq!((c.ak(), c.provider_name()), (TEMP_AK, "profile"));
    assert_eq!(c.project_id(), Some("profile-project"));
    assert_eq!(c.iam_endpoint(), Some(server.base_url().as_str()));
    a.assert_calls_async(2).await;
    b.assert_calls_async(2).await;
}

/// Project-id discovery of federated credentials is cached per (identity provider, region):
/// a new temporary AK after a refresh finds the project without asking IAM again.
#[tokio::test(flavor = "multi_thread")]
async fn project_discovery_is_cached_per_identity_provider() {
    let server = MockServer::start_async().await;
    let file = TempFile::new("federation-discovery", ID_TOKEN);
    let idp = format!("idp-discovery-{}", std::process::id());
    mock_id_token(&server, &idp, ID_TOKEN, UNSCOPED).await;
    let b = server
        .mock_async(|when, then| {
            when.method(POST).path(SECURITY_TOKENS_PATH);
            then.status(201)
                .body(credential_body(TEMP_AK, "2099-01-01T00:00:00Z"));
        })
        .await;
    let projects = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v3/projects")
                .query_param("name", "cn-north-4");
            then.status(200).json_body(
                json!({"projects": [{"id": "discovered-project", "name": "cn-north-4"}]}),
            );
        })
        .await;
    let op = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v1/things")
                .header("x-project-id", "discovered-project");
            then.status(200).json_body(json!({}));
        })
        .await;
    let provider = Arc::new(CachingProvider::new(Arc::new(FederatedProvider::new(
        idp.as_str(),
        file.path(),
    ))));
    let config = Config::new(huaweicloud_sdk_core::Credentials::new("unused", "unused"))
        .with_credentials_provider(provider.clone())
        .with_region("cn-north-4")
        .with_iam_endpoint(server.base_url())
        .with_endpoint(server.base_url())
        .with_project_id_discovery(true);
    let exec = Executor::new(&config, &TEST_SERVICE).unwrap();
    let spec = OperationSpec::new("testsvc", "ShowThing", http::Method::GET);
    exec.send(&spec, OperationRequest::new("/v1/things"))
        .await
        .unwrap();
    provider.invalidate();
    exec.send(&spec, OperationRequest::new("/v1/things"))
        .await
        .unwrap();
    b.assert_calls_async(2).await;
    projects.assert_calls_async(1).await;
    op.assert_calls_async(2).await;
}

/// A pod identity provider whose two variables name `uri` and `token_file`.
fn pod_identity(uri: String, token_file: &TempFile) -> PodIdentityProvider {
    let path = token_file.path().display().to_string();
    PodIdentityProvider::from_lookup(move |name| match name {
        "HC_CONTAINER_CREDENTIALS_FULL_URI" => Some(uri.clone()),
        "HC_CONTAINER_AUTHORIZATION_TOKEN_FILE" => Some(path.clone()),
        _ => None,
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn pod_identity_posts_the_token_file_as_authorization() {
    const POD_TOKEN: &str = "pod-authorization-token-secret-1";
    let server = MockServer::start_async().await;
    let agent = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v1/credentials")
                .header("authorization", POD_TOKEN)
                .header("content-type", "application/json")
                .json_body(json!({}));
            then.status(200)
                .body(credential_body("AKPOD", "2099-01-01T00:00:00Z"));
        })
        .await;
    let file = TempFile::new("federation-pod", format!("{POD_TOKEN}\n"));
    let provider = pod_identity(server.url("/v1/credentials"), &file);
    let c = provider
        .provide_credentials(&CredentialsContext::new())
        .await
        .unwrap();
    assert_eq!(
        (c.ak(), c.sk(), c.security_token()),
        ("AKPOD", TEMP_SK, Some(TEMP_TOKEN))
    );
    assert_eq!(c.provider_name(), "pod identity");
    agent.assert_calls_async(1).await;

    // A refusal echoing the token shows neither it nor the credentials.
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST);
            then.status(403)
                .body(format!("token {POD_TOKEN} is not allowed"));
        })
        .await;
    let e = pod_identity(server.url("/v1/credentials"), &file)
        .provide_credentials(&CredentialsContext::new())
        .await
        .unwrap_err();
    let s = e.to_string();
    assert!(
        s.contains("returned HTTP 403: token ** redacted ** is not allowed"),
        "{s}"
    );
    assert!(!format!("{e} {e:?}").contains(POD_TOKEN));
}
