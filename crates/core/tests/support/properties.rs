//! The property tests' shared configuration.

use proptest::prelude::ProptestConfig;
use proptest::test_runner::RngSeed;

/// 256 cases unless `PROPTEST_CASES` says otherwise, a fixed seed per test file (so a run is
/// repeatable and a failure reproduces), and no persistence files in the source tree.
pub fn seeded(seed: u64) -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(256),
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(seed),
        ..ProptestConfig::default()
    }
}
