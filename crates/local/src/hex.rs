//! Lower-case hex: of digests (the SDK core's encoder), and of the random ids the server hands
//! out.

pub(crate) use huaweicloud_sdk_core::signer::hex_encode as hex;

/// `2 * n` random lower-case hex characters (not cryptographically strong: a test server).
pub(crate) fn random_hex(n: usize) -> String {
    let bytes: Vec<u8> = (0..n).map(|_| fastrand::u8(..)).collect();
    hex(&bytes)
}
