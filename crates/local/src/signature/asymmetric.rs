//! The elliptic-curve algorithms: the gateway derives the signer's public key from AK/SK (it
//! holds the SK) and checks the DER signature over the string to sign.
//!
//! The curve arithmetic and the AK/SK key derivation are `huaweicloud-sdk-core`'s server-side
//! verification functions: every use of them is in this file.

use huaweicloud_sdk_core::signer::{
    ecdsa_p256_public_key, sm2_public_key, verify_ecdsa_p256, verify_sm2,
};

use super::Algorithm;

/// True when `signature` (hex of DER) is a valid `algorithm` signature of `string_to_sign` by
/// the key pair derived from `ak`/`sk`. `false` for the HMAC algorithms and when the key cannot
/// be derived.
pub(super) fn verify(
    algorithm: Algorithm,
    ak: &str,
    sk: &str,
    string_to_sign: &str,
    signature: &str,
) -> bool {
    match algorithm {
        Algorithm::EcdsaP256Sha256 => ecdsa_p256_public_key(ak, sk)
            .is_ok_and(|key| verify_ecdsa_p256(&key, string_to_sign, signature)),
        Algorithm::Sm2Sm3 => {
            sm2_public_key(ak, sk).is_ok_and(|key| verify_sm2(&key, string_to_sign, signature))
        }
        Algorithm::HmacSha256 | Algorithm::HmacSm3 | Algorithm::DerivedHmacSha256 => false,
    }
}
