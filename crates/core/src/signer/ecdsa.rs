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

use super::der::encode_signature;
use super::hash::HashKind;
use super::hex::hex_encode;
use crate::error::{Error, Result};

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
    Ok(hex_encode(&encode_signature(&r, &s)?))
}

#[cfg(feature = "ecdsa")]
mod p256_impl {
    use p256::ecdsa::signature::Signer;
    use p256::ecdsa::{Signature, SigningKey};

    use super::*;

    pub(crate) const LABEL: &str = "SDK-ECDSA-P256-SHA256";

    /// The P-256 private key that `SDK-ECDSA-P256-SHA256` derives from AK/SK.
    pub(crate) fn signing_key(ak: &str, sk: &str) -> Result<SigningKey> {
        derive_private_key(HashKind::Sha256, LABEL, ak, sk, |d| {
            SigningKey::from_slice(d).ok()
        })
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
}

#[cfg(feature = "ecdsa")]
pub(crate) use p256_impl::sign as sign_p256;
#[cfg(all(feature = "ecdsa", feature = "verify"))]
pub(crate) use p256_impl::signing_key as p256_signing_key;

#[cfg(feature = "sm2")]
mod sm2_impl {
    use sm2::dsa::signature::Signer;
    use sm2::dsa::{Signature, SigningKey};

    use super::*;

    pub(crate) const LABEL: &str = "SDK-SM2-SM3";

    /// Distinguishing identifier of SM2 signatures: the GB/T 32918 default, as used by the
    /// official SDKs.
    pub(crate) const DIST_ID: &str = "1234567812345678";

    /// The SM2 private key that `SDK-SM2-SM3` derives from AK/SK.
    pub(crate) fn signing_key(ak: &str, sk: &str) -> Result<SigningKey> {
        derive_private_key(HashKind::Sm3, LABEL, ak, sk, |d| {
            SigningKey::from_slice(DIST_ID, d).ok()
        })
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
}

#[cfg(feature = "sm2")]
pub(crate) use sm2_impl::sign as sign_sm2;
#[cfg(all(feature = "sm2", feature = "verify"))]
pub(crate) use sm2_impl::{DIST_ID as SM2_DIST_ID, signing_key as sm2_signing_key};

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
}
