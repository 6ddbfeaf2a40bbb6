//! V11-HMAC-SHA256: a signing key derived per day, region and service with HKDF-SHA256.

use hkdf::Hkdf;
use sha2::Sha256;

use super::hex::hex_encode;
use crate::error::{Error, Result};

/// The derivation scope (`info`) of V11 signing: `YYYYMMDD/region/service`.
pub(crate) fn derivation_info(yyyymmdd: &str, region: &str, service: &str) -> String {
    let mut info = String::with_capacity(yyyymmdd.len() + region.len() + service.len() + 2);
    info.push_str(yyyymmdd);
    info.push('/');
    info.push_str(region);
    info.push('/');
    info.push_str(service);
    info
}

/// The V11 derived signing key: HKDF-SHA256 (RFC 5869) with IKM = SK, salt = AK and
/// `info` = `YYYYMMDD/region/service`, 32 bytes, as a 64-character lower-hex string.
///
/// The ASCII bytes of the returned string (not the raw 32 bytes) are the HMAC-SHA256 key of the
/// signature, as in the official SDKs.
///
/// # Errors
/// Never in practice (32 bytes is a valid HKDF-SHA256 output length); a construction error
/// otherwise.
pub fn derived_signing_key(ak: &str, sk: &str, info: &str) -> Result<String> {
    let hkdf = Hkdf::<Sha256>::new(Some(ak.as_bytes()), sk.as_bytes());
    let mut okm = [0u8; 32];
    hkdf.expand(info.as_bytes(), &mut okm)
        .map_err(|_| Error::construction("HKDF-SHA256 rejected the derived key length"))?;
    Ok(hex_encode(&okm))
}

/// Checks a region or service name used in the derivation scope.
pub(crate) fn validate_scope_part(what: &str, value: &str) -> Result<()> {
    if value.is_empty() {
        return Err(Error::construction(format!(
            "V11-HMAC-SHA256 signing needs a non-empty {what}"
        )));
    }
    if value
        .chars()
        .any(|c| c == '/' || c == ',' || c.is_whitespace() || c.is_control())
    {
        return Err(Error::construction(format!(
            "V11-HMAC-SHA256 {what} {value:?} contains '/', ',', whitespace or a control character"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc5869_test_case_1_shape() {
        // RFC 5869 A.1 (IKM 0x0b*22, salt 0x00..0x0c, info 0xf0..0xf9, L = 42) exercised through
        // the same crate call: the first 32 bytes of its OKM.
        let ikm = [0x0bu8; 22];
        let salt: Vec<u8> = (0x00..=0x0c).collect();
        let info: Vec<u8> = (0xf0..=0xf9).collect();
        let hkdf = Hkdf::<Sha256>::new(Some(&salt), &ikm);
        let mut okm = [0u8; 32];
        hkdf.expand(&info, &mut okm).unwrap();
        assert_eq!(
            hex_encode(&okm),
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
        );
    }

    #[test]
    fn key_is_64_lower_hex_chars() {
        let key =
            derived_signing_key("AccessKey", "SecretKey", "20060102/test-region-1/demo").unwrap();
        assert_eq!(key.len(), 64);
        assert!(
            key.bytes()
                .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
        );
    }

    #[test]
    fn scope_parts_are_checked() {
        assert!(validate_scope_part("region", "cn-north-4").is_ok());
        assert!(validate_scope_part("region", "").is_err());
        assert!(validate_scope_part("service", "a/b").is_err());
        assert!(validate_scope_part("service", "a b").is_err());
    }
}
