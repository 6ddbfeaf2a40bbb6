//! The rustls client configuration of [`HyperTransport`](super::HyperTransport): the same trust
//! as the reqwest transport's `rustls` build (the crypto provider the application installed,
//! else ring; the Mozilla roots compiled in, plus the configured extra roots), or no checks at
//! all when the insecure opt-in is set.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};

use super::TransportSettings;
use crate::error::{Error, Result};

/// The client configuration for `settings`. ALPN is left empty: the connector builder sets
/// it (HTTP/1.1) and refuses a configuration that already has it.
pub(super) fn client_config(settings: &TransportSettings) -> Result<ClientConfig> {
    let provider = provider();
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::construction("cannot configure TLS").with_source(e))?;
    let config = if settings.danger_accept_invalid_certs {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AcceptAnyCertificate {
                algorithms: provider.signature_verification_algorithms,
            }))
            .with_no_client_auth()
    } else {
        builder
            .with_root_certificates(root_store(&settings.root_certificates_pem)?)
            .with_no_client_auth()
    };
    Ok(config)
}

/// The provider the application installed for the process
/// ([`CryptoProvider::install_default`], aws-lc-rs for post-quantum key exchange for instance),
/// as reqwest's rustls build chooses; ring when none is installed.
fn provider() -> Arc<CryptoProvider> {
    CryptoProvider::get_default()
        .cloned()
        .unwrap_or_else(|| Arc::new(ring_provider()))
}

/// rustls 0.23.48 deprecates its ring provider (no post-quantum key exchange) and offers no
/// other ring constructor: its alternative, aws-lc-rs, needs a C toolchain and cmake, which
/// the default build keeps out. An application wanting post-quantum key exchange installs
/// aws-lc-rs for the process, and [`provider`] takes it.
#[allow(deprecated)]
fn ring_provider() -> CryptoProvider {
    rustls::crypto::ring::default_provider()
}

/// The Mozilla roots plus every certificate of `extra_pems`.
fn root_store(extra_pems: &[Vec<u8>]) -> Result<RootCertStore> {
    let mut roots = RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    for pem in extra_pems {
        let mut found = 0;
        for cert in CertificateDer::pem_slice_iter(pem) {
            let cert = cert
                .map_err(|e| Error::construction("invalid root certificate PEM").with_source(e))?;
            roots
                .add(cert)
                .map_err(|e| Error::construction("invalid root certificate PEM").with_source(e))?;
            found += 1;
        }
        // PEM text holding no certificate at all is a CA the user meant to trust: refuse to
        // drop it silently.
        if found == 0 {
            return Err(Error::construction(
                "root certificate PEM holds no certificate (expected -----BEGIN CERTIFICATE-----)",
            ));
        }
    }
    Ok(roots)
}

/// `danger_accept_invalid_certs`: any certificate for any name. Handshake signatures are still
/// checked, so the peer must hold the key of the certificate it shows.
#[derive(Debug)]
struct AcceptAnyCertificate {
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(pems: Vec<Vec<u8>>, insecure: bool) -> TransportSettings {
        TransportSettings {
            root_certificates_pem: pems,
            danger_accept_invalid_certs: insecure,
            ..TransportSettings::default()
        }
    }

    #[test]
    fn extra_roots_are_added_to_the_mozilla_ones() {
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = rcgen::CertificateParams::new(vec!["localhost".into()])
            .unwrap()
            .self_signed(&key)
            .unwrap();
        let pem = cert.pem().into_bytes();
        let mozilla = webpki_roots::TLS_SERVER_ROOTS.len();
        assert_eq!(root_store(&[]).unwrap().len(), mozilla);
        assert_eq!(
            root_store(std::slice::from_ref(&pem)).unwrap().len(),
            mozilla + 1
        );
        let two = [pem.clone(), b"\n".to_vec(), pem].concat();
        assert_eq!(root_store(&[two]).unwrap().len(), mozilla + 2);
    }

    #[test]
    fn pem_without_a_certificate_or_with_a_broken_one_is_refused() {
        let none = client_config(&settings(vec![b"not a pem".to_vec()], false)).unwrap_err();
        assert!(none.to_string().contains("holds no certificate"), "{none}");
        let broken = b"-----BEGIN CERTIFICATE-----\n@@@@\n-----END CERTIFICATE-----\n".to_vec();
        let err = client_config(&settings(vec![broken], false)).unwrap_err();
        assert!(
            err.to_string().contains("invalid root certificate PEM"),
            "{err}"
        );
    }

    #[test]
    fn the_insecure_opt_in_ignores_the_roots() {
        // No root store is built, so even unusable PEM does not matter.
        let config = client_config(&settings(vec![b"x".to_vec()], true)).unwrap();
        assert!(config.alpn_protocols.is_empty(), "the connector sets ALPN");
    }
}
