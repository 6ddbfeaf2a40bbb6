//! Transport failures against 127.0.0.1, through both built-in transports and through the
//! executor: the `io::Error` of a refused connection is reachable through `source()`,
//! `Display` names the server's `host:port` without repeating its causes, and no error output
//! (`Display`, `Debug`, `{:#?}`, the cause chain) holds a presigned URL's query or an
//! endpoint's password.

use std::error::Error as _;
use std::time::Duration;

use huaweicloud_sdk_core::body::RequestBody;
use huaweicloud_sdk_core::retry::RetryConfig;
#[cfg(feature = "reqwest")]
use huaweicloud_sdk_core::transport::ReqwestTransport;
use huaweicloud_sdk_core::transport::{HttpTransport, HyperTransport, TransportSettings};
use huaweicloud_sdk_core::{Config, Credentials, Error, Executor, OperationRequest, OperationSpec};

mod scripted;
mod support;

use support::{AK, PROJECT, SK, TEST_SERVICE};

/// Secrets a presigned URL or an endpoint carries.
const SIGNATURE: &str = "c2VjcmV0LXNpZ25hdHVyZS0xMjM0NTY3ODkw";
const AMZ_SIGNATURE: &str = "f0e1d2c3b4a5968778695a4b3c2d1e0ff0e1d2c3b4a5968778695a4b3c2d1e0f";
const ACCESS_KEY_ID: &str = "PRESIGNEDACCESSKEY77";
const PASSWORD: &str = "endpoint-password-5e6f";

/// A port on 127.0.0.1 nothing listens on.
fn closed_port() -> u16 {
    scripted::refused_addr().unwrap().port()
}

fn presigned(port: u16) -> String {
    format!(
        "http://127.0.0.1:{port}/bucket/object.png?AccessKeyId={ACCESS_KEY_ID}&Expires=1700000000\
         &Signature={SIGNATURE}&X-Amz-Signature={AMZ_SIGNATURE}"
    )
}

fn transports() -> Vec<(&'static str, Box<dyn HttpTransport>)> {
    transports_with(&TransportSettings::default())
}

/// The built-in transports of this build: hyper, and reqwest with the `reqwest` feature (CI's
/// native-tls step runs these tests with it).
fn transports_with(settings: &TransportSettings) -> Vec<(&'static str, Box<dyn HttpTransport>)> {
    #[allow(unused_mut)] // pushed to with the `reqwest` feature
    let mut transports: Vec<(&'static str, Box<dyn HttpTransport>)> =
        vec![("hyper", Box::new(HyperTransport::new(settings).unwrap()))];
    #[cfg(feature = "reqwest")]
    transports.push((
        "reqwest",
        Box::new(ReqwestTransport::new(settings).unwrap()),
    ));
    transports
}

/// Everything a user may print of an error: `Display`, `Debug`, pretty `Debug`, the report of
/// the chain, and each cause's `Display` and `Debug`.
fn everything_shown(e: &Error) -> String {
    let mut shown = format!("{e}\n{e:?}\n{e:#?}\n{}\n", e.report());
    let mut cause = e.source();
    while let Some(c) = cause {
        shown.push_str(&format!("{c}\n{c:?}\n"));
        cause = c.source();
    }
    shown
}

fn assert_no_secret(what: &str, shown: &str) {
    for secret in [
        SIGNATURE,
        AMZ_SIGNATURE,
        ACCESS_KEY_ID,
        PASSWORD,
        "Signature=",
        "Expires=",
        "/bucket/object.png",
    ] {
        assert!(
            !shown.contains(secret),
            "{what}: {secret} shown in\n{shown}"
        );
    }
}

/// The cause chain holds the `io::Error` of the refused connection.
fn refused_io_error(e: &Error) -> Option<&std::io::Error> {
    let mut cause = e.source();
    while let Some(c) = cause {
        if let Some(io) = c.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::ConnectionRefused {
                return Some(io);
            }
        }
        cause = c.source();
    }
    None
}

/// `Display` names the server and none of its causes' text.
fn assert_display_names_peer_only(what: &str, e: &Error, port: u16) {
    let shown = e.to_string();
    let peer = format!("127.0.0.1:{port}");
    assert!(shown.contains(&peer), "{what}: {shown}");
    assert_eq!(e.peer(), Some(peer.as_str()), "{what}");
    let mut cause = e.source();
    let mut causes = 0;
    while let Some(c) = cause {
        let text = c.to_string();
        assert!(
            !shown.contains(&text),
            "{what}: Display repeats the cause {text:?}: {shown}"
        );
        causes += 1;
        cause = c.source();
    }
    assert!(causes > 0, "{what}: no source attached");
    // The report shows each cause once.
    let report = e.report().to_string();
    let io = refused_io_error(e).unwrap().to_string();
    assert_eq!(report.matches(io.as_str()).count(), 1, "{what}: {report}");
}

#[tokio::test]
async fn a_refused_connection_keeps_its_io_error_and_names_the_server() {
    let port = closed_port();
    for (name, transport) in transports() {
        let request = http::Request::get(format!("http://127.0.0.1:{port}/v1/things"))
            .body(RequestBody::empty())
            .unwrap();
        let e = transport.send(request).await.unwrap_err();
        assert!(e.is_transport() && e.is_connect(), "{name}: {e:?}");
        assert!(refused_io_error(&e).is_some(), "{name}: {e:?}");
        assert_display_names_peer_only(name, &e, port);
        assert!(
            e.to_string().starts_with("connection refused"),
            "{name}: {e}"
        );
    }
}

#[tokio::test]
async fn a_presigned_url_is_in_no_error_output() {
    let port = closed_port();
    for (name, transport) in transports() {
        let request = http::Request::put(presigned(port))
            .body(RequestBody::from(b"png".to_vec()))
            .unwrap();
        let e = transport.send(request).await.unwrap_err();
        assert!(refused_io_error(&e).is_some(), "{name}: {e:?}");
        assert_no_secret(name, &everything_shown(&e));
    }
}

#[tokio::test]
async fn a_connect_timeout_holds_no_presigned_url() {
    // Accepts TCP and then says nothing, so the TLS handshake never completes.
    let hanging = scripted::Server::start(scripted::Script::silent())
        .await
        .unwrap();
    let port = hanging.addr().port();
    let mut settings = TransportSettings::default();
    settings.connect_timeout = Duration::from_millis(200);
    for (name, transport) in transports_with(&settings) {
        let url = presigned(port).replacen("http://", "https://", 1);
        let request = http::Request::get(url).body(RequestBody::empty()).unwrap();
        let e = transport.send(request).await.unwrap_err();
        assert!(e.is_timeout() && e.is_connect(), "{name}: {e:?}");
        assert!(e.source().is_some(), "{name}: the client's error is kept");
        assert_eq!(e.peer(), Some(format!("127.0.0.1:{port}").as_str()));
        assert_no_secret(name, &everything_shown(&e));
    }
}

/// A server that answers a response head, then breaks the body off: a failure after the
/// connection was made, where reqwest's error holds the URL.
async fn broken_body_server() -> scripted::Server {
    let partial = b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\npartial".to_vec();
    let script = scripted::Script::steps(
        Vec::new(),
        vec![scripted::Step::Write(partial), scripted::Step::Close],
    );
    scripted::Server::start(script).await.unwrap()
}

#[tokio::test]
async fn a_broken_body_names_the_server_and_no_url() {
    let server = broken_body_server().await;
    let port = server.addr().port();
    for (name, transport) in transports() {
        let request = http::Request::get(presigned(port))
            .body(RequestBody::empty())
            .unwrap();
        let response = transport.send(request).await.unwrap();
        let e = response.into_body().collect().await.unwrap_err();
        assert!(e.is_transport() && !e.is_connect(), "{name}: {e:?}");
        assert!(e.source().is_some(), "{name}: the client's error is kept");
        assert!(
            e.to_string().contains(&format!("127.0.0.1:{port}")),
            "{name}: {e}"
        );
        assert_no_secret(name, &everything_shown(&e));
    }
}

#[tokio::test]
async fn an_endpoint_password_is_in_no_error_output() {
    let port = closed_port();
    let spec = OperationSpec::new("testsvc", "ShowThing", http::Method::GET);
    for endpoint in [
        format!("http://user:{PASSWORD}@127.0.0.1:{port}"),
        format!("user:{PASSWORD}@127.0.0.1:{port}"),
    ] {
        let config = Config::new(Credentials::new(AK, SK).with_project_id(PROJECT))
            .with_endpoint(&endpoint)
            .with_retry(RetryConfig::default().with_max_attempts(1))
            .with_total_timeout(Duration::from_secs(5));
        let e = match Executor::new(&config, &TEST_SERVICE) {
            Err(e) => e,
            Ok(exec) => exec
                .send(&spec, OperationRequest::new("/v1/{project_id}/things"))
                .await
                .unwrap_err(),
        };
        let shown = format!("{config:?}\n{}", everything_shown(&e));
        assert_no_secret(&endpoint, &shown);
    }
}

#[tokio::test]
async fn a_refused_connection_through_the_executor_keeps_its_chain() {
    let port = closed_port();
    let config = Config::new(Credentials::new(AK, SK).with_project_id(PROJECT))
        .with_endpoint(format!("http://127.0.0.1:{port}"))
        .with_retry(RetryConfig::default().with_max_attempts(1));
    let exec = Executor::new(&config, &TEST_SERVICE).unwrap();
    let spec = OperationSpec::new("testsvc", "ShowThing", http::Method::GET);
    let e = exec
        .send(&spec, OperationRequest::new("/v1/{project_id}/things"))
        .await
        .unwrap_err();
    assert!(e.is_connect(), "{e:?}");
    assert!(refused_io_error(&e).is_some(), "{e:?}");
    assert_display_names_peer_only("executor", &e, port);
    assert_eq!(
        e.to_string(),
        format!("testsvc ShowThing: connection refused (127.0.0.1:{port})")
    );
}
