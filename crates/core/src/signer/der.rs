//! Minimal ASN.1 DER codec for `SEQUENCE { r INTEGER, s INTEGER }` with 256-bit `r` and `s`.
//!
//! Written here because the `sm2` crate only offers DER with its `pkcs8` feature; P-256 uses the
//! same code so both algorithms encode identically.

const SEQUENCE: u8 = 0x30;
const INTEGER: u8 = 0x02;

/// DER encoding of the signature `(r, s)`, both big-endian 32-byte values.
pub(crate) fn encode_signature(r: &[u8; 32], s: &[u8; 32]) -> Vec<u8> {
    let mut body = Vec::with_capacity(70);
    push_integer(&mut body, r);
    push_integer(&mut body, s);
    let mut out = Vec::with_capacity(body.len() + 2);
    out.push(SEQUENCE);
    // At most 2 * (2 + 33) = 70 bytes: the short length form always applies.
    out.push(body.len() as u8);
    out.extend_from_slice(&body);
    out
}

fn push_integer(out: &mut Vec<u8>, value: &[u8; 32]) {
    // Minimal form: no leading zero bytes, but at least one byte (zero is `02 01 00`).
    let first = value
        .iter()
        .position(|&b| b != 0)
        .unwrap_or(value.len() - 1);
    let digits = value.get(first..).unwrap_or_default();
    let pad = digits.first().is_some_and(|&b| b & 0x80 != 0);
    out.push(INTEGER);
    out.push((digits.len() + usize::from(pad)) as u8);
    if pad {
        out.push(0);
    }
    out.extend_from_slice(digits);
}

/// Decodes a strict DER `SEQUENCE { r, s }` into big-endian 32-byte values. `None` when the
/// input is not minimal DER, an integer is negative, or a value does not fit in 256 bits.
#[cfg(feature = "verify")]
pub(crate) fn decode_signature(der: &[u8]) -> Option<([u8; 32], [u8; 32])> {
    let (&tag, rest) = der.split_first()?;
    let (&len, body) = rest.split_first()?;
    if tag != SEQUENCE || len >= 0x80 || usize::from(len) != body.len() {
        return None;
    }
    let (r, rest) = read_integer(body)?;
    let (s, rest) = read_integer(rest)?;
    if !rest.is_empty() {
        return None;
    }
    Some((r, s))
}

#[cfg(feature = "verify")]
fn read_integer(input: &[u8]) -> Option<([u8; 32], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&len, rest) = rest.split_first()?;
    let len = usize::from(len);
    if tag != INTEGER || len == 0 || len >= 0x80 {
        return None;
    }
    let content = rest.get(..len)?;
    let rest = rest.get(len..)?;
    let digits = match content {
        [first, ..] if first & 0x80 != 0 => return None, // negative
        [0, second, ..] if second & 0x80 == 0 => return None, // non-minimal
        [0, tail @ ..] if !tail.is_empty() => tail,
        _ => content,
    };
    let mut out = [0u8; 32];
    let start = out.len().checked_sub(digits.len())?;
    out.get_mut(start..)?.copy_from_slice(digits);
    Some((out, rest))
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
        let der = encode_signature(&r, &s);
        assert_eq!(der[0], 0x30);
        assert_eq!(&der[2..5], &[0x02, 33, 0x00]);
        assert_eq!(decode_signature(&der), Some((r, s)));
    }

    #[cfg(feature = "verify")]
    #[test]
    fn zero_is_one_byte() {
        let z = [0u8; 32];
        let der = encode_signature(&z, &z);
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
