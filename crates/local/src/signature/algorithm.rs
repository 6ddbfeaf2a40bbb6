//! The signing algorithms the gateway accepts (the four `SDK-*` ones and the derived
//! `V11-HMAC-SHA256`), and what differs between them: the hash family, the header that
//! declares the payload hash, and how the signature is made.

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use sm3::Sm3;

use crate::hex::hex;

/// A signing algorithm, named by the label that starts the `Authorization` header.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// `SDK-HMAC-SHA256`: HMAC-SHA256 keyed with the SK.
    HmacSha256,
    /// `SDK-HMAC-SM3`: as `SDK-HMAC-SHA256` with SM3 everywhere.
    HmacSm3,
    /// `SDK-ECDSA-P256-SHA256`: ECDSA P-256 over SHA-256 with a key pair derived from AK/SK.
    EcdsaP256Sha256,
    /// `SDK-SM2-SM3`: SM2 with SM3 and a key pair derived from AK/SK.
    Sm2Sm3,
    /// `V11-HMAC-SHA256`: HMAC-SHA256 keyed with a key derived from AK/SK for a day, a region
    /// and a service (the `Credential=AK/YYYYMMDD/region/service` scope).
    DerivedHmacSha256,
}

impl Algorithm {
    /// Every algorithm, in the order of the official SDKs' enums.
    pub const ALL: [Self; 5] = [
        Self::HmacSha256,
        Self::HmacSm3,
        Self::EcdsaP256Sha256,
        Self::Sm2Sm3,
        Self::DerivedHmacSha256,
    ];

    /// The label: `SDK-HMAC-SHA256`, `SDK-HMAC-SM3`, `SDK-ECDSA-P256-SHA256` or `SDK-SM2-SM3`.
    pub fn label(self) -> &'static str {
        match self {
            Self::HmacSha256 => "SDK-HMAC-SHA256",
            Self::HmacSm3 => "SDK-HMAC-SM3",
            Self::EcdsaP256Sha256 => "SDK-ECDSA-P256-SHA256",
            Self::Sm2Sm3 => "SDK-SM2-SM3",
            Self::DerivedHmacSha256 => "V11-HMAC-SHA256",
        }
    }

    /// The algorithm a label names, if any (exact, case-sensitive match).
    pub fn from_label(label: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.label() == label)
    }

    /// True for the SM3 family (`SDK-HMAC-SM3`, `SDK-SM2-SM3`).
    pub fn uses_sm3(self) -> bool {
        matches!(self, Self::HmacSm3 | Self::Sm2Sm3)
    }

    /// The header that declares the payload hash (or `UNSIGNED-PAYLOAD`):
    /// `X-Sdk-Content-Sha256`, or `X-Sdk-Content-Sm3` for the SM3 family.
    pub fn content_header(self) -> &'static str {
        if self.uses_sm3() {
            "X-Sdk-Content-Sm3"
        } else {
            "X-Sdk-Content-Sha256"
        }
    }

    /// Lower-hex digest of `data` with the algorithm's hash (SHA-256 or SM3).
    pub fn hash_hex(self, data: &[u8]) -> String {
        if self.uses_sm3() {
            hex(&Sm3::digest(data))
        } else {
            hex(&Sha256::digest(data))
        }
    }

    /// `<label>\n<sdk_date>\n<hex hash of canonical_request>`.
    pub fn string_to_sign(self, sdk_date: &str, canonical_request: &str) -> String {
        self.string_to_sign_scoped(sdk_date, None, canonical_request)
    }

    /// As [`string_to_sign`](Self::string_to_sign), with the derivation scope
    /// (`YYYYMMDD/region/service`) on a line of its own after the date when there is one
    /// (`V11-HMAC-SHA256`).
    pub fn string_to_sign_scoped(
        self,
        sdk_date: &str,
        scope: Option<&str>,
        canonical_request: &str,
    ) -> String {
        let hash = self.hash_hex(canonical_request.as_bytes());
        match scope {
            Some(scope) => format!("{}\n{sdk_date}\n{scope}\n{hash}", self.label()),
            None => format!("{}\n{sdk_date}\n{hash}", self.label()),
        }
    }

    /// Lower-hex HMAC of `string_to_sign` keyed with the UTF-8 bytes of `sk`, for the HMAC
    /// algorithms keyed with the SK itself; `None` for the elliptic-curve ones, whose signatures
    /// are not recomputable, and for `V11-HMAC-SHA256`, whose key needs the scope
    /// (see [`verify_authorization`](super::verify_authorization)).
    pub fn hmac_sign(self, sk: &str, string_to_sign: &str) -> Option<String> {
        fn run<M: Mac + KeyInit>(key: &[u8], message: &[u8]) -> Option<String> {
            let mut mac = <M as KeyInit>::new_from_slice(key).ok()?;
            mac.update(message);
            Some(hex(&mac.finalize().into_bytes()))
        }
        match self {
            Self::HmacSha256 => run::<Hmac<Sha256>>(sk.as_bytes(), string_to_sign.as_bytes()),
            Self::HmacSm3 => run::<Hmac<Sm3>>(sk.as_bytes(), string_to_sign.as_bytes()),
            Self::EcdsaP256Sha256 | Self::Sm2Sm3 | Self::DerivedHmacSha256 => None,
        }
    }
}

impl std::fmt::Display for Algorithm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}
