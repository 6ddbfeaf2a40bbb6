//! TLS trust against a local HTTPS server whose certificate (for `localhost` and 127.0.0.1) is
//! issued at test time by a throw-away CA: refused by default, accepted once the CA is trusted
//! with `Config::with_root_certificate_pem`, accepted with the explicit insecure opt-in.

use std::sync::Arc;

use huaweicloud_sdk_core::{Config, Executor, OperationRequest, OperationSpec};
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};

mod scripted;
mod support;

use scripted::{Script, Server, response};
use support::{TEST_SERVICE, config};

/// Starts the HTTPS server playing `script`; returns it, its base URL
/// (`https://localhost:<port>`) and the CA's PEM.
async fn start_tls_server(script: Script) -> (Server, String, String) {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "huaweicloud-sdk test CA");
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
        .unwrap()
        .signed_by(&leaf_key, &ca)
        .unwrap();

    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let server_config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![leaf.der().clone()],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())),
        )
        .unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(server_config));
    let server = Server::start_with(script, move |tcp| {
        let accepting = acceptor.accept(tcp);
        async move { accepting.await.ok() }
    })
    .await
    .unwrap();
    let url = format!("https://localhost:{}", server.addr().port());
    (server, url, ca.pem())
}

async fn call(config: &Config) -> huaweicloud_sdk_core::Result<u16> {
    let exec = Executor::new(config, &TEST_SERVICE)?;
    let spec = OperationSpec::new("testsvc", "ShowThing", http::Method::GET);
    let response = exec
        .send(&spec, OperationRequest::new("/v1/{project_id}/things"))
        .await?;
    Ok(response.status().as_u16())
}

#[tokio::test(flavor = "multi_thread")]
async fn self_signed_server_is_refused_by_default() {
    let script = Script::new(vec![], response(200, &[], "{}"));
    let (_server, url, _ca) = start_tls_server(script.clone()).await;
    let err = call(&config(&url)).await.unwrap_err();
    assert!(err.is_transport(), "{err:?}");
    let message = err.to_string();
    assert!(
        message.to_ascii_lowercase().contains("certificate"),
        "the error should say the certificate was refused: {message}"
    );
    assert!(
        script.received().is_empty(),
        "nothing is sent over an untrusted connection"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn trusting_the_ca_accepts_the_server() {
    let script = Script::new(vec![], response(200, &[], "{}"));
    let (_server, url, ca) = start_tls_server(script.clone()).await;
    let config = config(&url).with_root_certificate_pem(ca);
    assert_eq!(call(&config).await.unwrap(), 200);
    let received = script.received();
    assert_eq!(received.len(), 1);
    assert!(support_signature_present(&received[0]));
    // The certificate also names the IP address.
    let by_ip = config.with_endpoint(url.replace("localhost", "127.0.0.1"));
    assert_eq!(call(&by_ip).await.unwrap(), 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn danger_accept_invalid_certs_accepts_the_server() {
    let script = Script::new(vec![], response(200, &[], "{}"));
    let (_server, url, _ca) = start_tls_server(script.clone()).await;
    let config = config(&url).with_danger_accept_invalid_certs(true);
    assert!(format!("{config:?}").contains("danger_accept_invalid_certs: true"));
    assert_eq!(call(&config).await.unwrap(), 200);
    assert_eq!(script.received().len(), 1);
}

fn support_signature_present(r: &scripted::Request) -> bool {
    r.header("authorization")
        .is_some_and(|a| a.starts_with("SDK-HMAC-SHA256 ") && a.contains("Signature="))
}
