//! Copies of the golden vectors that live inside a publishable crate (so that its tests also
//! run from its `.crate`) stay byte-identical to the workspace's recordings.

use std::path::Path;

fn read(relative: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(relative);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

#[test]
fn the_local_crates_signer_vectors_are_the_recorded_ones() {
    assert!(
        read("crates/local/tests/data/signer.json") == read("tests/vectors/signer.json"),
        "crates/local/tests/data/signer.json differs from tests/vectors/signer.json: copy it again"
    );
}
