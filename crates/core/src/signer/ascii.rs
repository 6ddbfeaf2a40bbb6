//! Byte classes of the signer's checks and encoders. A string is checked sixteen bytes at a
//! time with comparisons the compiler turns into SIMD, and its last few bytes (or single
//! bytes) through a 256-entry table, a load and a test per byte.

/// RFC 3986 unreserved: `A-Z a-z 0-9 - _ . ~`.
pub(crate) const UNRESERVED: u8 = 1;
/// [`UNRESERVED`] and `/`: the bytes of a path that is its own canonical URI.
pub(crate) const PATH: u8 = 1 << 1;
/// RFC 9110 token characters (header names and methods): visible ASCII but the delimiters
/// `"(),/:;<=>?@[\]{}`.
pub(crate) const TCHAR: u8 = 1 << 2;
/// Bytes allowed in a header value: all but the controls other than HTAB (bytes of non-ASCII
/// UTF-8 included).
pub(crate) const VALUE: u8 = 1 << 3;
/// Visible ASCII but `,` and `/`: the bytes of a plain AK.
pub(crate) const AK: u8 = 1 << 4;
/// Every byte but `_` (a header name with `_` is not signed).
pub(crate) const NOT_UNDERSCORE: u8 = 1 << 5;

/// Whether `byte` is in every class of `class`, by comparisons (no branches, no look-ups).
const fn member(class: u8, byte: u8) -> bool {
    let alphanumeric = (byte >= b'0') & (byte <= b'9')
        | (byte >= b'A') & (byte <= b'Z')
        | (byte >= b'a') & (byte <= b'z');
    let unreserved =
        alphanumeric | (byte == b'-') | (byte == b'_') | (byte == b'.') | (byte == b'~');
    let visible = (byte >= b'!') & (byte <= b'~');
    let delimiter = (byte == b'"')
        | (byte == b'(')
        | (byte == b')')
        | (byte == b',')
        | (byte == b'/')
        | (byte >= b':') & (byte <= b'@')
        | (byte == b'[')
        | (byte == b'\\')
        | (byte == b']')
        | (byte == b'{')
        | (byte == b'}');
    (class & UNRESERVED == 0 || unreserved)
        & (class & PATH == 0 || unreserved | (byte == b'/'))
        & (class & TCHAR == 0 || visible & !delimiter)
        & (class & VALUE == 0 || (byte == b'\t') | (byte >= 0x20) & (byte != 0x7f))
        & (class & AK == 0 || visible & (byte != b',') & (byte != b'/'))
        & (class & NOT_UNDERSCORE == 0 || byte != b'_')
}

/// The classes of `byte`, as a set of the flags above.
const fn classes(byte: u8) -> u8 {
    let mut set = 0;
    let mut flag = 1u8;
    while flag != 0 {
        if member(flag, byte) {
            set |= flag;
        }
        flag <<= 1;
    }
    set
}

/// [`classes`] of every byte, indexed by the byte.
static TABLE: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut rest: &mut [u8] = &mut table;
    let mut byte = 0u8;
    while let [slot, tail @ ..] = rest {
        *slot = classes(byte);
        rest = tail;
        byte = byte.wrapping_add(1);
    }
    table
};

/// Whether `byte` is in every class of `class`.
#[inline]
pub(crate) fn is(class: u8, byte: u8) -> bool {
    // A `u8` index is always within the 256 entries: the fallback is never taken.
    TABLE
        .get(usize::from(byte))
        .is_some_and(|set| set & class == class)
}

/// The classes shared by every byte of `bytes` (all of them for no bytes).
#[inline]
pub(crate) fn common_classes(bytes: &[u8]) -> u8 {
    // Names are short: a plain pass without an early exit.
    bytes.iter().fold(u8::MAX, |set, &byte| {
        set & TABLE.get(usize::from(byte)).copied().unwrap_or(0)
    })
}

/// Whether every byte of `bytes` is in `CLASS`.
#[inline]
pub(crate) fn all_bytes<const CLASS: u8>(bytes: &[u8]) -> bool {
    if bytes.len() < 16 {
        return bytes.iter().all(|&byte| is(CLASS, byte));
    }
    let mut blocks = bytes.chunks_exact(16);
    blocks.by_ref().all(|block| {
        block
            .iter()
            .fold(true, |ok, &byte| ok & member(CLASS, byte))
    }) && blocks.remainder().iter().all(|&byte| is(CLASS, byte))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_hold_exactly_their_bytes() {
        for b in 0..=255u8 {
            for class in [UNRESERVED, PATH, TCHAR, VALUE, AK, NOT_UNDERSCORE] {
                assert_eq!(member(class, b), is(class, b), "class {class} byte {b}");
            }
            let unreserved = b.is_ascii_alphanumeric() || b"-_.~".contains(&b);
            assert_eq!(is(UNRESERVED, b), unreserved, "byte {b}");
            assert_eq!(is(PATH, b), unreserved || b == b'/', "byte {b}");
            let tchar = b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
            assert_eq!(is(TCHAR, b), tchar, "byte {b}");
            assert_eq!(
                is(VALUE, b),
                b == b'\t' || (b >= 0x20 && b != 0x7f),
                "byte {b}"
            );
            let ak = b.is_ascii_graphic() && b != b',' && b != b'/';
            assert_eq!(is(AK, b), ak, "byte {b}");
            assert_eq!(is(NOT_UNDERSCORE, b), b != b'_', "byte {b}");
        }
    }

    #[test]
    fn common_classes_are_those_of_every_byte() {
        assert_eq!(common_classes(b""), u8::MAX);
        assert_eq!(
            common_classes(b"X-Name") & (TCHAR | NOT_UNDERSCORE),
            TCHAR | NOT_UNDERSCORE
        );
        assert_eq!(common_classes(b"X_Name") & (TCHAR | NOT_UNDERSCORE), TCHAR);
        assert_eq!(
            common_classes(b"X Name") & (TCHAR | NOT_UNDERSCORE),
            NOT_UNDERSCORE
        );
    }

    #[test]
    fn all_bytes_looks_at_every_byte() {
        for len in [0, 1, 15, 16, 17, 31, 32, 33, 100] {
            let mut text = vec![b'a'; len];
            assert!(all_bytes::<UNRESERVED>(&text));
            for i in 0..len {
                text[i] = b'/';
                assert!(!all_bytes::<UNRESERVED>(&text), "at {i} of {len}");
                assert!(all_bytes::<PATH>(&text), "at {i} of {len}");
                text[i] = 0x80;
                assert!(!all_bytes::<PATH>(&text), "at {i} of {len}");
                text[i] = b'a';
            }
        }
    }
}
