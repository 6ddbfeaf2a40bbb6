//! The built-in transports against servers on 127.0.0.1: proxies (forward with credentials,
//! `NO_PROXY`, `CONNECT` tunnels), read-timeout semantics, and presigned URLs kept out of
//! errors. The proxy environment is injected, never read from the process.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::{HttpTransport, HyperTransport, TransportSettings};
use crate::body::RequestBody;
use crate::error::TimeoutKind;

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

/// Reads up to the end of a request or response head; returns it (lower-cased header names
/// are left as sent).
async fn read_head(stream: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).await.unwrap_or(0) == 0 {
            break;
        }
        head.push(byte[0]);
    }
    String::from_utf8_lossy(&head).into_owned()
}

fn ok(body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// A server answering every request with `answer` after reading its head (and a body of
/// `content-length`); records each head.
async fn serve(answer: Vec<u8>) -> (std::net::SocketAddr, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let heads = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&heads);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let answer = answer.clone();
            let seen = Arc::clone(&seen);
            tokio::spawn(async move {
                let head = read_head(&mut stream).await;
                let length = head
                    .lines()
                    .find_map(|l| {
                        let (k, v) = l.split_once(':')?;
                        k.eq_ignore_ascii_case("content-length")
                            .then(|| v.trim().parse::<usize>().ok())?
                    })
                    .unwrap_or(0);
                let mut body = vec![0u8; length];
                let _ = stream.read_exact(&mut body).await;
                seen.lock().unwrap().push(head);
                let _ = stream.write_all(&answer).await;
                // Held open until the client is done.
                let _ = stream.read(&mut [0u8; 1]).await;
            });
        }
    });
    (addr, heads)
}

async fn body_text(response: http::Response<crate::body::ByteStream>) -> String {
    let bytes = response.into_body().collect().await.unwrap();
    String::from_utf8(bytes.to_vec()).unwrap()
}

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

#[tokio::test]
async fn a_plain_http_request_goes_to_the_forward_proxy_in_absolute_form_with_credentials() {
    let (proxy, heads) = serve(ok("proxied")).await;
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
    let heads = heads.lock().unwrap().clone();
    assert_eq!(heads.len(), 1);
    assert!(
        heads[0].starts_with("GET http://target.test/path?q=1 HTTP/1.1\r\n"),
        "{}",
        heads[0]
    );
    // base64("user:p@ss")
    assert_eq!(
        header(&heads[0], "proxy-authorization"),
        Some("Basic dXNlcjpwQHNz")
    );
    assert_eq!(header(&heads[0], "host"), Some("target.test"));
}

#[tokio::test]
async fn the_proxy_environment_is_used_and_no_proxy_bypasses_it() {
    let (proxy, proxy_heads) = serve(ok("proxied")).await;
    let (target, target_heads) = serve(ok("direct")).await;
    let settings = TransportSettings::default();
    let url = format!("http://{target}/thing");

    let proxied = hyper_env(&settings, vec![("http_proxy", format!("http://{proxy}"))]);
    let response = proxied.send(get(&url)).await.unwrap();
    assert_eq!(body_text(response).await, "proxied");
    let heads = proxy_heads.lock().unwrap().clone();
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
    assert_eq!(proxy_heads.lock().unwrap().len(), 1, "the proxy saw it");
    let heads = target_heads.lock().unwrap().clone();
    assert!(
        heads[0].starts_with("GET /thing HTTP/1.1\r\n"),
        "{}",
        heads[0]
    );
}

/// An HTTPS server for `localhost` (self-signed) answering `secure`; records request heads.
async fn tls_server() -> (std::net::SocketAddr, Arc<Mutex<Vec<String>>>) {
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
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let heads = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&heads);
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            let seen = Arc::clone(&seen);
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    if tls.read(&mut byte).await.unwrap_or(0) == 0 {
                        return;
                    }
                    head.push(byte[0]);
                }
                seen.lock()
                    .unwrap()
                    .push(String::from_utf8_lossy(&head).into_owned());
                let _ = tls.write_all(&ok("secure")).await;
                let _ = tls.flush().await;
                let _ = tls.read(&mut byte).await;
            });
        }
    });
    (addr, heads)
}

/// A `CONNECT` proxy that tunnels every request to `target` (whatever host it names) and
/// records each `CONNECT` head.
async fn connect_proxy(
    target: std::net::SocketAddr,
) -> (std::net::SocketAddr, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let heads = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&heads);
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let seen = Arc::clone(&seen);
            tokio::spawn(async move {
                let head = read_head(&mut client).await;
                seen.lock().unwrap().push(head);
                let Ok(mut upstream) = TcpStream::connect(target).await else {
                    return;
                };
                let _ = client
                    .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                    .await;
                let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
            });
        }
    });
    (addr, heads)
}

#[tokio::test]
async fn an_https_request_goes_through_a_connect_tunnel_with_credentials() {
    let (server, server_heads) = tls_server().await;
    let (proxy, proxy_heads) = connect_proxy(server).await;
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
    let heads = proxy_heads.lock().unwrap().clone();
    assert_eq!(heads.len(), 1);
    assert!(
        heads[0].starts_with(&format!("CONNECT localhost:{port} HTTP/1.1\r\n")),
        "{}",
        heads[0]
    );
    // base64("tunnel:pw")
    assert_eq!(
        header(&heads[0], "proxy-authorization"),
        Some("Basic dHVubmVsOnB3")
    );
    // Inside the tunnel: an ordinary origin-form request, TLS with the target, no proxy
    // credentials.
    let inner = server_heads.lock().unwrap().clone();
    assert!(
        inner[0].starts_with("GET /secure?x=1 HTTP/1.1\r\n"),
        "{}",
        inner[0]
    );
    assert_eq!(header(&inner[0], "proxy-authorization"), None);
}

/// A server that answers a chunked body: `chunks` chunks `every` apart, then (if `finish`) the
/// end; else it holds the connection silent.
async fn dripping_server(chunks: usize, every: Duration, finish: bool) -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                read_head(&mut stream).await;
                let head = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n";
                if stream.write_all(head).await.is_err() {
                    return;
                }
                for _ in 0..chunks {
                    tokio::time::sleep(every).await;
                    if stream.write_all(b"5\r\nchunk\r\n").await.is_err() {
                        return;
                    }
                }
                if finish {
                    let _ = stream.write_all(b"0\r\n\r\n").await;
                }
                tokio::time::sleep(Duration::from_secs(30)).await;
            });
        }
    });
    addr
}

fn read_timeout(limit: Duration) -> TransportSettings {
    TransportSettings {
        read_timeout: Some(limit),
        ..TransportSettings::default()
    }
}

async fn steady_body_outlasting_the_read_timeout(transport: &dyn HttpTransport) {
    // 10 chunks 200 ms apart: 2 s in all, against a read timeout of 1 s.
    let addr = dripping_server(10, Duration::from_millis(200), true).await;
    let response = transport
        .send(get(&format!("http://{addr}/")))
        .await
        .unwrap();
    let body = response.into_body().collect().await.unwrap();
    assert_eq!(body, Bytes::from("chunk".repeat(10)));
}

async fn stalled_body_times_out(transport: &dyn HttpTransport) {
    let addr = dripping_server(1, Duration::from_millis(10), false).await;
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
    let (addr, heads) = serve(ok("stored")).await;
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
    assert_eq!(heads.lock().unwrap().len(), 1);
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
    let refused = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let refused_addr = refused.local_addr().unwrap();
    drop(refused);
    let (garbage, _) = serve(b"garbage garbage garbage\r\n\r\n".to_vec()).await;
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
    let silent = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = silent.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = silent.accept().await {
            held.push(stream);
        }
    });
    let url = format!("http://{addr}/bucket/key?AccessKeyId=AK&Signature=SECRET");
    let err = own.send(get(&url)).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("SECRET"), "{shown}");
}
