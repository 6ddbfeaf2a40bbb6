//! ASN.1 DER of an elliptic-curve signature, `SEQUENCE { r INTEGER, s INTEGER }` with 256-bit
//! `r` and `s`, through the `der` crate (which `p256` and `sm2` already build on).
//!
//! Both algorithms go through this one codec, so P-256 and SM2 signatures encode identically:
//! the `sm2` crate offers DER only with its `pkcs8` feature.

use der::asn1::UintRef;
use der::{Decode, DecodeValue, Encode, EncodeValue, Header, Length, Reader, Sequence, Writer};

use crate::error::{Error, Result};

/// The longest encoding: a two-byte header, then two integers of at most 2 + 33 bytes each.
const MAX_LEN: usize = 2 + 2 * (2 + 33);

/// `SEQUENCE { r INTEGER, s INTEGER }`, both unsigned: `UintRef` writes them minimal (no
/// leading zeros, a `00` before a high bit) and refuses any other form when reading.
struct SignatureRef<'a> {
    r: UintRef<'a>,
    s: UintRef<'a>,
}

impl EncodeValue for SignatureRef<'_> {
    fn value_len(&self) -> der::Result<Length> {
        self.r.encoded_len()? + self.s.encoded_len()?
    }

    fn encode_value(&self, writer: &mut impl Writer) -> der::Result<()> {
        self.r.encode(writer)?;
        self.s.encode(writer)
    }
}

impl<'a> DecodeValue<'a> for SignatureRef<'a> {
    type Error = der::Error;

    fn decode_value<R: Reader<'a>>(reader: &mut R, _header: Header) -> der::Result<Self> {
        Ok(Self {
            r: UintRef::decode(reader)?,
            s: UintRef::decode(reader)?,
        })
    }
}

impl<'a> Sequence<'a> for SignatureRef<'a> {}

/// DER encoding of the signature `(r, s)`, both big-endian 32-byte values.
pub(crate) fn encode_signature(r: &[u8; 32], s: &[u8; 32]) -> Result<Vec<u8>> {
    let encode = || -> der::Result<Vec<u8>> {
        let signature = SignatureRef {
            r: UintRef::new(r)?,
            s: UintRef::new(s)?,
        };
        let mut buf = [0u8; MAX_LEN];
        Ok(signature.encode_to_slice(&mut buf)?.to_vec())
    };
    encode().map_err(|_| Error::construction("cannot DER-encode the signature"))
}

/// Decodes a strict DER `SEQUENCE { r, s }` into big-endian 32-byte values. `None` when the
/// input is not minimal DER, an integer is negative, or a value does not fit in 256 bits.
#[cfg(feature = "verify")]
pub(crate) fn decode_signature(der: &[u8]) -> Option<([u8; 32], [u8; 32])> {
    let signature = SignatureRef::from_der(der).ok()?;
    Some((to_32_bytes(signature.r)?, to_32_bytes(signature.s)?))
}

/// The big-endian digits of `value` right-aligned in 32 bytes; `None` when they need more.
#[cfg(feature = "verify")]
fn to_32_bytes(value: UintRef<'_>) -> Option<[u8; 32]> {
    let digits = value.as_bytes();
    let mut out = [0u8; 32];
    let start = out.len().checked_sub(digits.len())?;
    out.get_mut(start..)?.copy_from_slice(digits);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "verify")]
    #[test]
    fn round_trips_with_and_without_padding() {
        let mut r = [0u8; 32];
        r[0] = 0x80;
        r[31] = 1;
        let mut s = [0u8; 32];
        s[5] = 0x12;
        let der = encode_signature(&r, &s).unwrap();
        assert_eq!(der[0], 0x30);
        assert_eq!(&der[2..5], &[0x02, 33, 0x00]);
        assert_eq!(decode_signature(&der), Some((r, s)));
    }

    #[cfg(feature = "verify")]
    #[test]
    fn zero_is_one_byte() {
        let z = [0u8; 32];
        let der = encode_signature(&z, &z).unwrap();
        assert_eq!(der, vec![0x30, 6, 0x02, 1, 0, 0x02, 1, 0]);
        assert_eq!(decode_signature(&der), Some((z, z)));
    }

    #[cfg(feature = "verify")]
    #[test]
    fn rejects_malformed() {
        assert_eq!(decode_signature(&[]), None);
        assert_eq!(decode_signature(&[0x30, 0]), None);
        // negative r
        assert_eq!(decode_signature(&[0x30, 6, 2, 1, 0x80, 2, 1, 1]), None);
        // non-minimal r
        assert_eq!(decode_signature(&[0x30, 7, 2, 2, 0, 1, 2, 1, 1]), None);
        // trailing garbage
        assert_eq!(decode_signature(&[0x30, 7, 2, 1, 1, 2, 1, 1, 0]), None);
        // length mismatch
        assert_eq!(decode_signature(&[0x30, 9, 2, 1, 1, 2, 1, 1]), None);
        // 33 significant bytes
        let mut long = vec![0x30, 38, 2, 33];
        long.extend(std::iter::repeat_n(0x01, 33));
        long.extend([2, 1, 1]);
        assert_eq!(decode_signature(&long), None);
    }
}
