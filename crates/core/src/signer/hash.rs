//! The hash family behind each algorithm: SHA-256 or SM3, both with 32-byte outputs.

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

use super::hex::{hex32, push_hex};
use crate::error::{Error, Result};

/// Lower-case hex SHA-256 digest of `bytes`: the payload hash of `SDK-HMAC-SHA256` and
/// `V11-HMAC-SHA256` (`hex_sha256(b"")` is `e3b0c442…b855`).
pub fn hex_sha256(bytes: &[u8]) -> String {
    HashKind::Sha256.hex_digest(bytes)
}

/// Lower-case hex SM3 digest of `bytes`: the payload hash of `SDK-HMAC-SM3` and `SDK-SM2-SM3`
/// (`hex_sm3(b"")` is `1ab21d83…aa2b`).
#[cfg(feature = "sm3")]
pub fn hex_sm3(bytes: &[u8]) -> String {
    HashKind::Sm3.hex_digest(bytes)
}

/// Hash function used for the payload hash, the canonical-request hash and the HMAC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HashKind {
    /// SHA-256 (`SDK-HMAC-SHA256`, `V11-HMAC-SHA256`, `SDK-ECDSA-P256-SHA256`).
    Sha256,
    /// SM3 (`SDK-HMAC-SM3`, `SDK-SM2-SM3`).
    #[cfg(feature = "sm3")]
    Sm3,
}

impl HashKind {
    /// Digest of `data`.
    pub(crate) fn digest(self, data: &[u8]) -> [u8; 32] {
        match self {
            Self::Sha256 => Sha256::digest(data).into(),
            #[cfg(feature = "sm3")]
            Self::Sm3 => sm3::Sm3::digest(data).into(),
        }
    }

    /// Lower-case hex digest of `data`.
    pub(crate) fn hex_digest(self, data: &[u8]) -> String {
        let mut out = String::with_capacity(64);
        self.push_hex_digest(&mut out, data);
        out
    }

    /// Appends the lower-case hex digest of `data` to `out`.
    pub(crate) fn push_hex_digest(self, out: &mut String, data: &[u8]) {
        push_hex(out, &self.digest(data));
    }

    /// The lower-case hex digest of `data`, on the stack.
    pub(crate) fn hex_digest_array(self, data: &[u8]) -> [u8; 64] {
        hex32(&self.digest(data))
    }

    /// HMAC of `message` under `key`.
    #[cfg(any(test, feature = "verify"))]
    pub(crate) fn hmac(self, key: &[u8], message: &[u8]) -> Result<[u8; 32]> {
        self.hmac_parts(key, &[message])
    }

    /// HMAC under `key` of the concatenation of `parts`: a message made of pieces is
    /// authenticated without first being joined into one buffer.
    pub(crate) fn hmac_parts(self, key: &[u8], parts: &[&[u8]]) -> Result<[u8; 32]> {
        fn run<M: Mac + KeyInit>(key: &[u8], parts: &[&[u8]]) -> Result<[u8; 32]> {
            let mut mac = <M as KeyInit>::new_from_slice(key)
                .map_err(|_| Error::construction("HMAC rejected the signing key length"))?;
            for part in parts {
                mac.update(part);
            }
            let tag = mac.finalize().into_bytes();
            let mut out = [0u8; 32];
            if tag.len() != out.len() {
                return Err(Error::construction("unexpected HMAC output length"));
            }
            out.copy_from_slice(&tag);
            Ok(out)
        }
        match self {
            Self::Sha256 => run::<Hmac<Sha256>>(key, parts),
            #[cfg(feature = "sm3")]
            Self::Sm3 => run::<Hmac<sm3::Sm3>>(key, parts),
        }
    }

    /// Hex digest of the empty body.
    pub(crate) fn empty_hash(self) -> &'static str {
        match self {
            Self::Sha256 => "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            #[cfg(feature = "sm3")]
            Self::Sm3 => "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b",
        }
    }

    /// Header announcing an unsigned payload for this hash family.
    pub(crate) fn content_header(self) -> &'static str {
        match self {
            Self::Sha256 => "X-Sdk-Content-Sha256",
            #[cfg(feature = "sm3")]
            Self::Sm3 => "X-Sdk-Content-Sm3",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signer::hex::hex_encode;

    #[test]
    fn empty_hash_constants_match_the_digests() {
        assert_eq!(
            HashKind::Sha256.hex_digest(b""),
            HashKind::Sha256.empty_hash()
        );
        #[cfg(feature = "sm3")]
        assert_eq!(HashKind::Sm3.hex_digest(b""), HashKind::Sm3.empty_hash());
    }

    #[test]
    fn hmac_sha256_rfc4231_case_2() {
        let tag = HashKind::Sha256
            .hmac(b"Jefe", b"what do ya want for nothing?")
            .unwrap();
        assert_eq!(
            hex_encode(&tag),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[cfg(feature = "sm3")]
    #[test]
    fn sm3_abc() {
        // GB/T 32905-2016 example 1.
        assert_eq!(
            HashKind::Sm3.hex_digest(b"abc"),
            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
        );
    }

    #[test]
    fn empty_digests() {
        assert_eq!(
            hex_sha256(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        #[cfg(feature = "sm3")]
        assert_eq!(
            hex_sm3(b""),
            "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b"
        );
    }
}
