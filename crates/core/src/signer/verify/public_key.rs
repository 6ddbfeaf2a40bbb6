//! Verification of the elliptic-curve algorithms: the public key a signer derives from AK/SK,
//! and the check of a hex DER signature against it.

use crate::error::{Error, Result};
use crate::signer::der::decode_signature;
use crate::signer::hex::{hex_decode, hex_encode};

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
        let encoded = std::iter::once(0x04).chain(self.x).chain(self.y);
        for (slot, byte) in out.iter_mut().zip(encoded) {
            *slot = byte;
        }
        out
    }

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

fn decode_der_hex(signature_hex: &str) -> Option<([u8; 32], [u8; 32])> {
    decode_signature(&hex_decode(signature_hex)?)
}

/// The P-256 public key that `SDK-ECDSA-P256-SHA256` derives from AK/SK; give it to a verifier.
///
/// # Errors
/// A construction error if the derivation exhausts its counters (probability ≈ 2⁻⁸⁰⁰⁰).
#[cfg(feature = "ecdsa")]
pub fn ecdsa_p256_public_key(ak: &str, sk: &str) -> Result<EcPublicKey> {
    let key = crate::signer::ecdsa::p256_signing_key(ak, sk)?;
    let point = key.verifying_key().to_sec1_point(false);
    EcPublicKey::from_sec1_coordinates(
        point.x().map(|x| x.as_slice()),
        point.y().map(|y| y.as_slice()),
    )
}

/// Verifies an `SDK-ECDSA-P256-SHA256` signature (lower- or upper-case hex of DER) over
/// `string_to_sign` with `public_key`. `false` for a malformed signature or key.
#[cfg(feature = "ecdsa")]
pub fn verify_ecdsa_p256(
    public_key: &EcPublicKey,
    string_to_sign: &str,
    signature_hex: &str,
) -> bool {
    use p256::ecdsa::signature::Verifier;
    use p256::ecdsa::{Signature, VerifyingKey};

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

/// The SM2 public key that `SDK-SM2-SM3` derives from AK/SK; give it to a verifier.
///
/// # Errors
/// A construction error if the derivation exhausts its counters (probability ≈ 2⁻⁸⁰⁰⁰).
#[cfg(feature = "sm2")]
pub fn sm2_public_key(ak: &str, sk: &str) -> Result<EcPublicKey> {
    use sm2::elliptic_curve::sec1::ToSec1Point;

    let key = crate::signer::ecdsa::sm2_signing_key(ak, sk)?;
    let point = key.verifying_key().to_sec1_point(false);
    EcPublicKey::from_sec1_coordinates(
        point.x().map(|x| x.as_slice()),
        point.y().map(|y| y.as_slice()),
    )
}

/// Verifies an `SDK-SM2-SM3` signature (hex of DER) over `string_to_sign` with `public_key` and
/// the default distinguishing identifier. `false` for a malformed signature or key.
#[cfg(feature = "sm2")]
pub fn verify_sm2(public_key: &EcPublicKey, string_to_sign: &str, signature_hex: &str) -> bool {
    use sm2::dsa::signature::Verifier;
    use sm2::dsa::{Signature, VerifyingKey};

    let Some((r, s)) = decode_der_hex(signature_hex) else {
        return false;
    };
    let Ok(signature) = Signature::from_scalars(r, s) else {
        return false;
    };
    let Ok(key) = VerifyingKey::from_sec1_bytes(
        crate::signer::ecdsa::SM2_DIST_ID,
        &public_key.to_sec1_uncompressed(),
    ) else {
        return false;
    };
    key.verify(string_to_sign.as_bytes(), &signature).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

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
        use crate::signer::ecdsa::sign_p256;
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

    #[cfg(feature = "sm2")]
    #[test]
    fn sm2_sign_verify_and_tamper() {
        use crate::signer::ecdsa::sign_sm2;
        let public = sm2_public_key("ak", "sk").unwrap();
        let sig = sign_sm2("ak", "sk", "message").unwrap();
        assert!(verify_sm2(&public, "message", &sig));
        assert!(!verify_sm2(&public, "message!", &sig));
        let other = sm2_public_key("ak", "sk2").unwrap();
        assert!(!verify_sm2(&other, "message", &sig));
    }
}
