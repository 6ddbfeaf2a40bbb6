//! Lower-case hexadecimal encoding and decoding (the `hex` crate is not a dependency).

use super::hash::HashKind;

const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Appends the lower-case hex form of `bytes` to `out`.
pub(crate) fn push_hex(out: &mut String, bytes: &[u8]) {
    // Digests are 32 bytes: encode them into a stack buffer and append once, rather than
    // pushing (and checking capacity for) 64 separate chars.
    let mut buf = [0u8; 64];
    for chunk in bytes.chunks(buf.len() / 2) {
        let hex = &mut buf[..chunk.len() * 2];
        for (pair, &b) in hex.chunks_exact_mut(2).zip(chunk) {
            pair[0] = HEX_DIGITS[usize::from(b >> 4)];
            pair[1] = HEX_DIGITS[usize::from(b & 0x0f)];
        }
        // Only ASCII hex digits were written.
        out.push_str(std::str::from_utf8(hex).unwrap_or_default());
    }
}

/// Lower-case hex encoding of `bytes` (`[0xab, 0x01]` → `"ab01"`).
pub fn hex_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    push_hex(&mut out, bytes);
    out
}

/// Decodes a hex string (either case). Returns `None` for an odd length or a non-hex character.
pub fn hex_decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    bytes
        .chunks_exact(2)
        .map(|pair| Some((nibble(pair[0])? << 4) | nibble(pair[1])?))
        .collect()
}

fn nibble(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let bytes = [0x00, 0x01, 0xab, 0xff, 0x7f];
        let text = hex_encode(&bytes);
        assert_eq!(text, "0001abff7f");
        assert_eq!(hex_decode(&text).as_deref(), Some(&bytes[..]));
        assert_eq!(hex_decode("ABff").as_deref(), Some(&[0xab, 0xff][..]));
        assert_eq!(hex_decode(""), Some(Vec::new()));
    }

    #[test]
    fn rejects_bad_hex() {
        assert_eq!(hex_decode("abc"), None);
        assert_eq!(hex_decode("zz"), None);
        assert_eq!(hex_decode("0x"), None);
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
