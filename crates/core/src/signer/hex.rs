//! Lower-case hexadecimal encoding and decoding (the `hex` crate is not a dependency).

const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Appends the lower-case hex form of `bytes` to `out`.
pub(crate) fn push_hex(out: &mut String, bytes: &[u8]) {
    // Digests are 32 bytes: encode them into a stack buffer and append once, rather than
    // pushing (and checking capacity for) 64 separate chars.
    let mut buf = [0u8; 64];
    for chunk in bytes.chunks(buf.len() / 2) {
        let mut written = 0;
        for (pair, &b) in buf.chunks_exact_mut(2).zip(chunk) {
            if let [high, low] = pair {
                *high = digit(b >> 4);
                *low = digit(b);
            }
            written += 2;
        }
        // Only ASCII hex digits were written.
        out.push_str(
            buf.get(..written)
                .and_then(|hex| std::str::from_utf8(hex).ok())
                .unwrap_or_default(),
        );
    }
}

/// The lower-case hex digit of the low four bits of `nibble`.
fn digit(nibble: u8) -> u8 {
    HEX_DIGITS
        .get(usize::from(nibble & 0x0f))
        .copied()
        .unwrap_or(b'0')
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
