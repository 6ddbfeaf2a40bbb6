//! SDK-ECDSA-P256-SHA256 and SDK-SM2-SM3: asymmetric signatures with a private key derived
//! deterministically from AK/SK.
//!
//! Key derivation (as in the official SDKs): for counter = 0, 1, … 255,
//! `candidate = HMAC-<hash>(key = SK, 00 00 00 01 ‖ label ‖ 00 ‖ AK ‖ counter ‖ 00 00 01 00)`
//! read as a big-endian integer; the first candidate ≤ n − 2 (n = curve order) gives the private
//! scalar `candidate + 1`. Signatures are ASN.1 DER `SEQUENCE { r, s }` in lower-case hex.
//!
//! The official SDKs pick the nonce at random; here it is derived with RFC 6979 (deterministic),
//! which the server cannot tell apart and which needs no random number generator.

use super::der::{decode_signature, encode_signature};
use super::hash::HashKind;
use super::hex::{hex_decode, hex_encode};
use crate::error::{Error, Result};

/// An elliptic-curve public key (P-256 or SM2) as its affine coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EcPublicKey {
    x: [u8; 32],
    y: [u8; 32],
}

impl EcPublicKey {
    /// Builds a key from big-endian affine coordinates (not checked to be on a curve here;
    /// verification rejects points that are not).
    pub fn from_coordinates(x: [u8; 32], y: [u8; 32]) -> Self {
        Self { x, y }
    }

    /// Builds a key from lower- or upper-case hex coordinates (64 hex characters each).
    pub fn from_hex_coordinates(x: &str, y: &str) -> Option<Self> {
        let x: [u8; 32] = hex_decode(x)?.try_into().ok()?;
        let y: [u8; 32] = hex_decode(y)?.try_into().ok()?;
        Some(Self { x, y })
    }

    /// Big-endian x coordinate.
    pub fn x(&self) -> &[u8; 32] {
        &self.x
    }

    /// Big-endian y coordinate.
    pub fn y(&self) -> &[u8; 32] {
        &self.y
    }

    /// Lower-case hex of the x coordinate.
    pub fn x_hex(&self) -> String {
        hex_encode(&self.x)
    }

    /// Lower-case hex of the y coordinate.
    pub fn y_hex(&self) -> String {
        hex_encode(&self.y)
    }

    /// SEC1 uncompressed encoding: `04 ‖ x ‖ y`.
    pub fn to_sec1_uncompressed(&self) -> [u8; 65] {
        let mut out = [0u8; 65];
        out[0] = 0x04;
        out[1..33].copy_from_slice(&self.x);
        out[33..].copy_from_slice(&self.y);
        out
    }

    #[cfg(any(feature = "ecdsa", feature = "sm2"))]
    fn from_sec1_coordinates(x: Option<&[u8]>, y: Option<&[u8]>) -> Result<Self> {
        let (Some(x), Some(y)) = (x, y) else {
            return Err(Error::construction(
                "derived public key is the identity point",
            ));
        };
        let x: [u8; 32] = x
            .try_into()
            .map_err(|_| Error::construction("unexpected public key coordinate length"))?;
        let y: [u8; 32] = y
            .try_into()
            .map_err(|_| Error::construction("unexpected public key coordinate length"))?;
        Ok(Self { x, y })
    }
}

/// Runs the counter loop of the key derivation; `accept` turns `candidate + 1` into a key when
/// it lies in `[1, n − 1]`.
fn derive_private_key<K>(
    hash: HashKind,
    label: &str,
    ak: &str,
    sk: &str,
    accept: impl Fn(&[u8; 32]) -> Option<K>,
) -> Result<K> {
    let mut data = Vec::with_capacity(4 + label.len() + 1 + ak.len() + 1 + 4);
    for counter in 0..=u8::MAX {
        data.clear();
        data.extend_from_slice(&[0, 0, 0, 1]);
        data.extend_from_slice(label.as_bytes());
        data.push(0);
        data.extend_from_slice(ak.as_bytes());
        data.push(counter);
        data.extend_from_slice(&[0, 0, 1, 0]);
        let candidate = hash.hmac(sk.as_bytes(), &data)?;
        if let Some(scalar) = add_one(&candidate) {
            if let Some(key) = accept(&scalar) {
                return Ok(key);
            }
        }
    }
    Err(Error::construction(format!(
        "{label}: private key derivation exhausted all 256 counters"
    )))
}

/// `value + 1` as a big-endian 256-bit number; `None` on overflow.
fn add_one(value: &[u8; 32]) -> Option<[u8; 32]> {
    let mut out = *value;
    for byte in out.iter_mut().rev() {
        let (sum, carry) = byte.overflowing_add(1);
        *byte = sum;
        if !carry {
            return Some(out);
        }
    }
    None
}

fn der_hex(r: &[u8], s: &[u8]) -> Result<String> {
    let r: [u8; 32] = r
        .try_into()
        .map_err(|_| Error::construction("unexpected signature component length"))?;
    let s: [u8; 32] = s
        .try_into()
        .map_err(|_| Error::construction("unexpected signature component length"))?;
    Ok(hex_encode(&encode_signature(&r, &s)))
}

fn decode_der_hex(signature_hex: &str) -> Option<([u8; 32], [u8; 32])> {
    decode_signature(&hex_decode(signature_hex)?)
}

#[cfg(feature = "ecdsa")]
mod p256_impl {
    use p256::ecdsa::signature::{Signer, Verifier};
    use p256::ecdsa::{Signature, SigningKey, VerifyingKey};

    use super::*;

    pub(crate) const LABEL: &str = "SDK-ECDSA-P256-SHA256";

    fn signing_key(ak: &str, sk: &str) -> Result<SigningKey> {
        derive_private_key(HashKind::Sha256, LABEL, ak, sk, |d| {
            SigningKey::from_slice(d).ok()
        })
    }

    /// The P-256 public key that `SDK-ECDSA-P256-SHA256` derives from AK/SK; give it to a verifier.
    ///
    /// # Errors
    /// A construction error if the derivation exhausts its counters (probability ≈ 2⁻⁸⁰⁰⁰).
    pub fn ecdsa_p256_public_key(ak: &str, sk: &str) -> Result<EcPublicKey> {
        let key = signing_key(ak, sk)?;
        let point = key.verifying_key().to_sec1_point(false);
        EcPublicKey::from_sec1_coordinates(
            point.x().map(|x| x.as_slice()),
            point.y().map(|y| y.as_slice()),
        )
    }

    /// Signs `string_to_sign` (ECDSA P-256 over SHA-256): lower-hex DER signature.
    pub(crate) fn sign(ak: &str, sk: &str, string_to_sign: &str) -> Result<String> {
        let key = signing_key(ak, sk)?;
        let signature: Signature = key
            .try_sign(string_to_sign.as_bytes())
            .map_err(|_| Error::construction("ECDSA P-256 signing failed"))?;
        let (r, s) = signature.split_bytes();
        der_hex(&r, &s)
    }

    /// Verifies an `SDK-ECDSA-P256-SHA256` signature (lower- or upper-case hex of DER) over
    /// `string_to_sign` with `public_key`. `false` for a malformed signature or key.
    pub fn verify_ecdsa_p256(
        public_key: &EcPublicKey,
        string_to_sign: &str,
        signature_hex: &str,
    ) -> bool {
        let Some((r, s)) = decode_der_hex(signature_hex) else {
            return false;
        };
        let Ok(signature) = Signature::from_scalars(r, s) else {
            return false;
        };
        let Ok(key) = VerifyingKey::from_sec1_bytes(&public_key.to_sec1_uncompressed()) else {
            return false;
        };
        key.verify(string_to_sign.as_bytes(), &signature).is_ok()
    }
}

#[cfg(feature = "ecdsa")]
pub(crate) use p256_impl::sign as sign_p256;
#[cfg(feature = "ecdsa")]
pub use p256_impl::{ecdsa_p256_public_key, verify_ecdsa_p256};

#[cfg(feature = "sm2")]
mod sm2_impl {
    use sm2::dsa::signature::{Signer, Verifier};
    use sm2::dsa::{Signature, SigningKey, VerifyingKey};
    use sm2::elliptic_curve::sec1::ToSec1Point;

    use super::*;

    pub(crate) const LABEL: &str = "SDK-SM2-SM3";

    /// Distinguishing identifier of SM2 signatures: the GB/T 32918 default, as used by the
    /// official SDKs.
    pub(crate) const DIST_ID: &str = "1234567812345678";

    fn signing_key(ak: &str, sk: &str) -> Result<SigningKey> {
        derive_private_key(HashKind::Sm3, LABEL, ak, sk, |d| {
            SigningKey::from_slice(DIST_ID, d).ok()
        })
    }

    /// The SM2 public key that `SDK-SM2-SM3` derives from AK/SK; give it to a verifier.
    ///
    /// # Errors
    /// A construction error if the derivation exhausts its counters (probability ≈ 2⁻⁸⁰⁰⁰).
    pub fn sm2_public_key(ak: &str, sk: &str) -> Result<EcPublicKey> {
        let key = signing_key(ak, sk)?;
        let point = key.verifying_key().to_sec1_point(false);
        EcPublicKey::from_sec1_coordinates(
            point.x().map(|x| x.as_slice()),
            point.y().map(|y| y.as_slice()),
        )
    }

    /// Signs `string_to_sign` (SM2 with SM3 and the default distinguishing identifier
    /// `1234567812345678`): lower-hex DER signature.
    pub(crate) fn sign(ak: &str, sk: &str, string_to_sign: &str) -> Result<String> {
        let key = signing_key(ak, sk)?;
        let signature: Signature = key
            .try_sign(string_to_sign.as_bytes())
            .map_err(|_| Error::construction("SM2 signing failed"))?;
        der_hex(&signature.r_bytes(), &signature.s_bytes())
    }

    /// Verifies an `SDK-SM2-SM3` signature (hex of DER) over `string_to_sign` with
    /// `public_key` and the default distinguishing identifier. `false` for a malformed signature
    /// or key.
    pub fn verify_sm2(public_key: &EcPublicKey, string_to_sign: &str, signature_hex: &str) -> bool {
        let Some((r, s)) = decode_der_hex(signature_hex) else {
            return false;
        };
        let Ok(signature) = Signature::from_scalars(r, s) else {
            return false;
        };
        let Ok(key) = VerifyingKey::from_sec1_bytes(DIST_ID, &public_key.to_sec1_uncompressed())
        else {
            return false;
        };
        key.verify(string_to_sign.as_bytes(), &signature).is_ok()
    }
}

#[cfg(feature = "sm2")]
pub(crate) use sm2_impl::sign as sign_sm2;
#[cfg(feature = "sm2")]
pub use sm2_impl::{sm2_public_key, verify_sm2};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_one_carries_and_overflows() {
        let mut v = [0u8; 32];
        v[31] = 0xff;
        v[30] = 0x01;
        let w = add_one(&v).unwrap();
        assert_eq!((w[30], w[31]), (0x02, 0x00));
        assert_eq!(add_one(&[0xff; 32]), None);
    }

    #[test]
    fn public_key_hex_round_trip() {
        let key = EcPublicKey::from_coordinates([1; 32], [2; 32]);
        let again = EcPublicKey::from_hex_coordinates(&key.x_hex(), &key.y_hex()).unwrap();
        assert_eq!(key, again);
        assert_eq!(key.to_sec1_uncompressed()[0], 4);
        assert!(EcPublicKey::from_hex_coordinates("00", "00").is_none());
    }

    #[cfg(feature = "ecdsa")]
    #[test]
    fn p256_sign_verify_and_tamper() {
        let public = ecdsa_p256_public_key("ak", "sk").unwrap();
        let sig = sign_p256("ak", "sk", "message").unwrap();
        assert!(verify_ecdsa_p256(&public, "message", &sig));
        assert!(verify_ecdsa_p256(
            &public,
            "message",
            &sig.to_ascii_uppercase()
        ));
        assert!(!verify_ecdsa_p256(&public, "message!", &sig));
        assert!(!verify_ecdsa_p256(&public, "message", "3006020101020101"));
        assert!(!verify_ecdsa_p256(&public, "message", "zz"));
        let other = ecdsa_p256_public_key("ak2", "sk").unwrap();
        assert!(!verify_ecdsa_p256(&other, "message", &sig));
    }

    #[cfg(feature = "ecdsa")]
    #[test]
    fn own_der_matches_the_p256_crate() {
        use p256::ecdsa::signature::Signer;
        let key = p256::ecdsa::SigningKey::from_slice(&[7u8; 32]).unwrap();
        let sig: p256::ecdsa::Signature = key.sign(b"abc");
        let (r, s) = sig.split_bytes();
        let ours = der_hex(&r, &s).unwrap();
        assert_eq!(ours, hex_encode(sig.to_der().as_bytes()));
    }

    #[cfg(feature = "sm2")]
    #[test]
    fn sm2_sign_verify_and_tamper() {
        let public = sm2_public_key("ak", "sk").unwrap();
        let sig = sign_sm2("ak", "sk", "message").unwrap();
        assert!(verify_sm2(&public, "message", &sig));
        assert!(!verify_sm2(&public, "message!", &sig));
        let other = sm2_public_key("ak", "sk2").unwrap();
        assert!(!verify_sm2(&other, "message", &sig));
    }
}
