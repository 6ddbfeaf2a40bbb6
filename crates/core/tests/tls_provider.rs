//! `HyperTransport` takes the rustls crypto provider the program installed for the process. A
//! test binary of its own: the installed provider is process-wide.

use huaweicloud_sdk_core::RequestBody;
use huaweicloud_sdk_core::transport::{HttpTransport, HyperTransport, TransportSettings};
use tokio::io::AsyncReadExt;
use tokio_rustls::rustls::crypto::ring;

/// TLS_EMPTY_RENEGOTIATION_INFO_SCSV, a signal rustls adds to every hello, not a cipher suite.
const RENEGOTIATION_SCSV: u16 = 0x00ff;

/// The cipher suites a ClientHello record offers.
fn offered_suites(record: &[u8]) -> Option<Vec<u16>> {
    // Record header (5), handshake type and length (4), version (2), random (32).
    let rest = record.get(5 + 4 + 2 + 32..)?;
    let (&session_id_len, rest) = rest.split_first()?;
    let rest = rest.get(usize::from(session_id_len)..)?;
    let len = usize::from(u16::from_be_bytes([*rest.first()?, *rest.get(1)?]));
    let suites = rest.get(2..2 + len)?;
    Some(
        suites
            .chunks_exact(2)
            .map(|pair| u16::from_be_bytes([pair[0], pair[1]]))
            .filter(|&suite| suite != RENEGOTIATION_SCSV)
            .collect(),
    )
}

#[tokio::test]
async fn the_provider_installed_for_the_process_is_used() {
    // Ring's suites narrowed to one, so the hello shows whose provider made it.
    #[allow(deprecated)]
    let mut provider = ring::default_provider();
    provider.cipher_suites = vec![ring::cipher_suite::TLS13_CHACHA20_POLY1305_SHA256];
    provider.install_default().unwrap();

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    // Reads the ClientHello record, then hangs up.
    let hello = tokio::spawn(async move {
        let (mut tcp, _) = listener.accept().await.unwrap();
        let mut record = vec![0u8; 5];
        tcp.read_exact(&mut record).await.unwrap();
        let len = usize::from(u16::from_be_bytes([record[3], record[4]]));
        record.resize(5 + len, 0);
        tcp.read_exact(&mut record[5..]).await.unwrap();
        record
    });

    let transport = HyperTransport::new(&TransportSettings::default()).unwrap();
    let request = http::Request::get(format!("https://127.0.0.1:{port}/"))
        .body(RequestBody::default())
        .unwrap();
    assert!(transport.send(request).await.is_err(), "no TLS server here");
    let hello = hello.await.unwrap();
    assert_eq!(offered_suites(&hello), Some(vec![0x1303]));
}
