//! Lower-case hexadecimal encoding and decoding (the `hex` crate is not a dependency).

/// Appends the lower-case hex form of `bytes` to `out`.
pub(crate) fn push_hex(out: &mut String, bytes: &[u8]) {
    // Digests are 32 bytes: encode them into a stack buffer and append once, rather than
    // pushing (and checking capacity for) 64 separate chars.
    let mut buf = [0u8; 64];
    for chunk in bytes.chunks(buf.len() / 2) {
        let written = write_hex(&mut buf, chunk);
        out.push_str(ascii_str(buf.get(..written).unwrap_or_default()));
    }
}

/// The lower-case hex form of a 32-byte digest.
pub(crate) fn hex32(bytes: &[u8; 32]) -> [u8; 64] {
    let mut buf = [0u8; 64];
    write_hex(&mut buf, bytes);
    buf
}

/// `bytes` as `&str`; callers pass only ASCII they produced (hex digits), which is always
/// valid UTF-8, so the empty fallback is never taken.
fn ascii_str(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap_or_default()
}

/// Writes the hex digits of `bytes` into the front of `buf` (two per byte, as many bytes as
/// fit) and returns how many digits were written.
fn write_hex(buf: &mut [u8], bytes: &[u8]) -> usize {
    let mut written = 0;
    for (pair, &b) in buf.chunks_exact_mut(2).zip(bytes) {
        if let [high, low] = pair {
            *high = digit(b >> 4);
            *low = digit(b);
        }
        written += 2;
    }
    written
}

/// The lower-case hex digit of the low four bits of `nibble`.
fn digit(nibble: u8) -> u8 {
    // Arithmetic rather than a table look-up, so that a digest's digits are computed many
    // at a time.
    let nibble = nibble & 0x0f;
    nibble + if nibble < 10 { b'0' } else { b'a' - 10 }
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
        .map(|pair| match pair {
            [high, low] => Some((nibble(*high)? << 4) | nibble(*low)?),
            _ => None,
        })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_has_its_two_digits() {
        for b in 0..=255u8 {
            assert_eq!(hex_encode(&[b]), format!("{b:02x}"));
        }
        let digest: [u8; 32] = std::array::from_fn(|i| (i * 37) as u8);
        assert_eq!(hex32(&digest).as_slice(), hex_encode(&digest).as_bytes());
    }

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
}
