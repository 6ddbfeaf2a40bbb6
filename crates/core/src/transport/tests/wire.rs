//! The built-in transports against servers on 127.0.0.1: proxies (forward with credentials,
//! `NO_PROXY`, `CONNECT` tunnels), read-timeout semantics, and presigned URLs kept out of
//! errors. The proxy environment is injected, never read from the process.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;

use super::{HttpTransport, HyperTransport, TransportSettings};
// The workspace's one scripted server and head parser, from the package's own tests directory
// (see its mod.rs for why it lives there).
#[path = "../../../tests/scripted/mod.rs"]
mod scripted;
use crate::body::RequestBody;
use crate::error::TimeoutKind;
use scripted::{Head, Script, Server, Step};

fn hyper(
    settings: &TransportSettings,
    env: &'static [(&'static str, &'static str)],
) -> HyperTransport {
    HyperTransport::with_env(settings, |name| {
        env.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| std::ffi::OsString::from(v))
    })
    .unwrap()
}

fn hyper_env(settings: &TransportSettings, env: Vec<(&'static str, String)>) -> HyperTransport {
    HyperTransport::with_env(settings, move |name| {
        env.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| std::ffi::OsString::from(v))
    })
    .unwrap()
}

fn get(uri: &str) -> http::Request<RequestBody> {
    http::Request::builder()
        .uri(uri)
        .body(RequestBody::empty())
        .unwrap()
}

fn ok(body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// A server answering every request with `answer`; records each request.
async fn serve(answer: Vec<u8>) -> (std::net::SocketAddr, Server) {
    let server = Server::start(Script::always(answer)).await.unwrap();
    (server.addr(), server)
}

/// The head of each request `script` received, as text.
fn heads_of(script: &Script) -> Vec<String> {
    script
        .received()
        .iter()
        .map(|r| {
            let end = scripted::end_of_head(&r.raw).unwrap_or(r.raw.len());
            String::from_utf8_lossy(&r.raw[..end]).into_owned()
        })
        .collect()
}

async fn body_text(response: http::Response<crate::body::ByteStream>) -> String {
    let bytes = response.into_body().collect().await.unwrap();
    String::from_utf8(bytes.to_vec()).unwrap()
}

fn header(head: &str, name: &str) -> Option<String> {
    let head = Head::parse(head.as_bytes()).unwrap();
    head.header(name).map(str::to_owned)
}

#[tokio::test]
async fn a_plain_http_request_goes_to_the_forward_proxy_in_absolute_form_with_credentials() {
    let (proxy, heads_server) = serve(ok("proxied")).await;
    let settings = TransportSettings {
        proxy: Some(format!("http://user:p%40ss@{proxy}")),
        ..TransportSettings::default()
    };
    let transport = hyper(&settings, &[]);
    let response = transport
        .send(get("http://target.test/path?q=1"))
        .await
        .unwrap();
    assert_eq!(body_text(response).await, "proxied");
    let heads = heads_of(heads_server.script());
    assert_eq!(heads.len(), 1);
    assert!(
        heads[0].starts_with("GET http://target.test/path?q=1 HTTP/1.1\r\n"),
        "{}",
        heads[0]
    );
    // base64("user:p@ss")
    assert_eq!(
        header(&heads[0], "proxy-authorization"),
        Some("Basic dXNlcjpwQHNz".to_owned())
    );
    assert_eq!(header(&heads[0], "host"), Some("target.test".to_owned()));
}

#[tokio::test]
async fn the_proxy_environment_is_used_and_no_proxy_bypasses_it() {
    let (proxy, proxy_heads_server) = serve(ok("proxied")).await;
    let (target, target_heads_server) = serve(ok("direct")).await;
    let settings = TransportSettings::default();
    let url = format!("http://{target}/thing");

    let proxied = hyper_env(&settings, vec![("http_proxy", format!("http://{proxy}"))]);
    let response = proxied.send(get(&url)).await.unwrap();
    assert_eq!(body_text(response).await, "proxied");
    let heads = heads_of(proxy_heads_server.script());
    assert!(
        heads[0].starts_with(&format!("GET {url} HTTP/1.1\r\n")),
        "{}",
        heads[0]
    );
    assert_eq!(header(&heads[0], "proxy-authorization"), None);

    let bypassed = hyper_env(
        &settings,
        vec![
            ("HTTP_PROXY", format!("http://{proxy}")),
            ("NO_PROXY", "localhost, 127.0.0.1".to_owned()),
        ],
    );
    let response = bypassed.send(get(&url)).await.unwrap();
    assert_eq!(body_text(response).await, "direct");
    assert_eq!(
        heads_of(proxy_heads_server.script()).len(),
        1,
        "the proxy saw it"
    );
    let heads = heads_of(target_heads_server.script());
    assert!(
        heads[0].starts_with("GET /thing HTTP/1.1\r\n"),
        "{}",
        heads[0]
    );
}

/// An HTTPS server for `localhost` (self-signed) answering `secure`; records each request.
async fn tls_server() -> Server {
    use tokio_rustls::rustls::ServerConfig;
    use tokio_rustls::rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![certified.cert.der().clone()],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
                certified.signing_key.serialize_der(),
            )),
        )
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    Server::start_with(Script::always(ok("secure")), move |tcp| {
        let accepting = acceptor.accept(tcp);
        async move { accepting.await.ok() }
    })
    .await
    .unwrap()
}

/// A `CONNECT` proxy that tunnels every request to `target` (whatever host it names); its
/// script records each `CONNECT` head.
async fn connect_proxy(target: std::net::SocketAddr) -> Server {
    Server::start(Script::steps(Vec::new(), vec![Step::Tunnel(target)]))
        .await
        .unwrap()
}

#[tokio::test]
async fn an_https_request_goes_through_a_connect_tunnel_with_credentials() {
    let tls = tls_server().await;
    let server = tls.addr();
    let tunnel = connect_proxy(server).await;
    let proxy = tunnel.addr();
    let settings = TransportSettings {
        danger_accept_invalid_certs: true,
        ..TransportSettings::default()
    };
    let env = vec![("HTTPS_PROXY", format!("http://tunnel:pw@{proxy}"))];
    let transport = hyper_env(&settings, env);
    let port = server.port();
    let response = transport
        .send(get(&format!("https://localhost:{port}/secure?x=1")))
        .await
        .unwrap();
    assert_eq!(body_text(response).await, "secure");
    let heads = heads_of(tunnel.script());
    assert_eq!(heads.len(), 1);
    assert!(
        heads[0].starts_with(&format!("CONNECT localhost:{port} HTTP/1.1\r\n")),
        "{}",
        heads[0]
    );
    // base64("tunnel:pw")
    assert_eq!(
        header(&heads[0], "proxy-authorization"),
        Some("Basic dHVubmVsOnB3".to_owned())
    );
    // Inside the tunnel: an ordinary origin-form request, TLS with the target, no proxy
    // credentials.
    let inner = heads_of(tls.script());
    assert!(
        inner[0].starts_with("GET /secure?x=1 HTTP/1.1\r\n"),
        "{}",
        inner[0]
    );
    assert_eq!(header(&inner[0], "proxy-authorization"), None);
}

/// A server that answers a chunked body: `chunks` chunks `every` apart, then (if `finish`) the
/// end; else it holds the connection silent.
async fn dripping_server(chunks: usize, every: Duration, finish: bool) -> Server {
    let mut steps = vec![Step::Write(
        b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n".to_vec(),
    )];
    for _ in 0..chunks {
        steps.push(Step::Sleep(every));
        steps.push(Step::Write(b"5\r\nchunk\r\n".to_vec()));
    }
    if finish {
        steps.push(Step::Write(b"0\r\n\r\n".to_vec()));
    }
    steps.push(Step::Hang);
    Server::start(Script::steps(Vec::new(), steps))
        .await
        .unwrap()
}

fn read_timeout(limit: Duration) -> TransportSettings {
    TransportSettings {
        read_timeout: Some(limit),
        ..TransportSettings::default()
    }
}

async fn steady_body_outlasting_the_read_timeout(transport: &dyn HttpTransport) {
    // 10 chunks 200 ms apart: 2 s in all, against a read timeout of 1 s.
    let dripping = dripping_server(10, Duration::from_millis(200), true).await;
    let addr = dripping.addr();
    let response = transport
        .send(get(&format!("http://{addr}/")))
        .await
        .unwrap();
    let body = response.into_body().collect().await.unwrap();
    assert_eq!(body, Bytes::from("chunk".repeat(10)));
}

async fn stalled_body_times_out(transport: &dyn HttpTransport) {
    let dripping = dripping_server(1, Duration::from_millis(10), false).await;
    let addr = dripping.addr();
    let response = transport
        .send(get(&format!("http://{addr}/")))
        .await
        .unwrap();
    let err = response.into_body().collect().await.unwrap_err();
    assert_eq!(err.timeout_kind(), Some(TimeoutKind::Read), "{err:?}");
}

/// A request body of 10 chunks 200 ms apart (2 s in all) to a server that answers once it has
/// read all of it.
async fn slow_upload_outlasting_the_read_timeout(transport: &dyn HttpTransport) {
    let (addr, heads_server) = serve(ok("stored")).await;
    let chunks = futures_util::stream::unfold(0u32, |n| async move {
        if n == 10 {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        Some((Ok::<_, std::io::Error>(Bytes::from_static(b"chunk")), n + 1))
    });
    let request = http::Request::builder()
        .method(http::Method::PUT)
        .uri(format!("http://{addr}/upload"))
        .body(RequestBody::from_stream(chunks, Some(50)))
        .unwrap();
    let response = transport.send(request).await.unwrap();
    assert_eq!(body_text(response).await, "stored");
    assert_eq!(heads_of(heads_server.script()).len(), 1);
}

#[tokio::test]
async fn hyper_read_timeout_bounds_silences_not_transfers() {
    let transport = hyper(&read_timeout(Duration::from_secs(1)), &[]);
    steady_body_outlasting_the_read_timeout(&transport).await;
    stalled_body_times_out(&transport).await;
    slow_upload_outlasting_the_read_timeout(&transport).await;
}

#[cfg(feature = "reqwest")]
#[tokio::test]
async fn reqwest_read_timeout_bounds_silences_not_transfers() {
    let transport = super::ReqwestTransport::new(&read_timeout(Duration::from_secs(1))).unwrap();
    steady_body_outlasting_the_read_timeout(&transport).await;
    stalled_body_times_out(&transport).await;
    slow_upload_outlasting_the_read_timeout(&transport).await;
}

/// A refused port and a server answering garbage: neither error shows the URL's signature.
async fn presigned_query_stays_out_of_errors(transport: &dyn HttpTransport) {
    let refused_addr = scripted::refused_addr().unwrap();
    let (garbage, _garbage_server) = serve(b"garbage garbage garbage\r\n\r\n".to_vec()).await;
    for addr in [refused_addr, garbage] {
        let url = format!("http://{addr}/bucket/key?AccessKeyId=AK&Expires=1&Signature=SECRET");
        let err = transport.send(get(&url)).await.unwrap_err();
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains("SECRET"), "{shown}");
        assert!(!shown.contains("Signature"), "{shown}");
    }
}

#[tokio::test]
async fn hyper_errors_never_show_a_presigned_query() {
    presigned_query_stays_out_of_errors(&hyper(&TransportSettings::default(), &[])).await;
}

#[cfg(feature = "reqwest")]
#[tokio::test]
async fn reqwest_errors_never_show_a_presigned_query() {
    let transport = super::ReqwestTransport::new(&TransportSettings::default()).unwrap();
    presigned_query_stays_out_of_errors(&transport).await;
    // A client of your own with its own timeout: its timeout error is kept as the source.
    let client = reqwest::Client::builder()
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let own = super::ReqwestTransport::from_client(client);
    let silent = Server::start(Script::steps(Vec::new(), vec![Step::Hang]))
        .await
        .unwrap();
    let addr = silent.addr();
    let url = format!("http://{addr}/bucket/key?AccessKeyId=AK&Signature=SECRET");
    let err = own.send(get(&url)).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("SECRET"), "{shown}");
}
