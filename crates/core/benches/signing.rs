//! Signing cost: µs per request for each HMAC algorithm, against the floor of one bare
//! HMAC-SHA256 over the same canonical request. Both are measured in this one run, interleaved,
//! so the ratio holds whatever the machine is doing.
//!
//! Run: `cargo bench -p huaweicloud-sdk-core --bench signing` (add `--features sm3,ecdsa,sm2`
//! for SM3 and the elliptic-curve algorithms, whose DER signature encoding is measured too).

use std::hint::black_box;
use std::time::{Duration, Instant, SystemTime};

use hmac::{Hmac, KeyInit, Mac};
use huaweicloud_sdk_core::signer::{Payload, SignableRequest, SigningAlgorithm, SigningKey, sign};

const ROUNDS: u32 = 5;
const PER_ROUND: u32 = 20_000;

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn main() {
    // A typical request: ListPictureModelingJobs-like GET with query and the usual headers.
    let query = pairs(&[
        ("limit", "10"),
        ("offset", "0"),
        ("state", "SUCCEED,FAILED"),
    ]);
    let headers = pairs(&[
        ("Content-Type", "application/json"),
        (
            "User-Agent",
            "huaweicloud-sdk-rust/0.1.0; os/linux#x86_64 rust",
        ),
        ("X-Project-Id", "0123456789abcdef0123456789abcdef"),
    ]);
    let request = SignableRequest {
        method: "GET",
        host: "metastudio.cn-north-4.myhuaweicloud.com",
        path: "/v1/0123456789abcdef0123456789abcdef/digital-human/stylized/picture-modelings",
        query: &query,
        headers: &headers,
        payload: Payload::Bytes(b""),
    };
    let key = SigningKey {
        ak: "HPUAEXAMPLEAK0000001",
        sk: "exampleSecretKey0000000000000000000000000",
        security_token: None,
    };
    let time = SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_323_045);
    let algorithms = [
        SigningAlgorithm::HmacSha256,
        SigningAlgorithm::DerivedHmacSha256 {
            region: "cn-north-4".into(),
            service: "metastudio".into(),
        },
        #[cfg(feature = "sm3")]
        SigningAlgorithm::HmacSm3,
        #[cfg(feature = "ecdsa")]
        SigningAlgorithm::EcdsaP256Sha256,
        #[cfg(feature = "sm2")]
        SigningAlgorithm::Sm2Sm3,
    ];

    let canonical = match sign(&request, &key, &algorithms[0], time) {
        Ok(out) => out.canonical_request,
        Err(e) => {
            eprintln!("signing failed: {e}");
            std::process::exit(1);
        }
    };
    // The floor: one HMAC-SHA256 over the canonical request, nothing else.
    let bare = || {
        let mut mac = <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(key.sk.as_bytes())
            .unwrap_or_else(|_| std::process::exit(1));
        mac.update(black_box(canonical.as_bytes()));
        black_box(mac.finalize().into_bytes());
    };

    println!(
        "{:<24} {:>12} {:>12} {:>8}",
        "algorithm", "sdk µs/req", "bare µs/req", "ratio"
    );
    for algorithm in &algorithms {
        let (mut sdk, mut floor) = (Duration::ZERO, Duration::ZERO);
        for _ in 0..ROUNDS {
            let start = Instant::now();
            for _ in 0..PER_ROUND {
                let _ = black_box(sign(black_box(&request), &key, algorithm, time));
            }
            sdk += start.elapsed();
            let start = Instant::now();
            for _ in 0..PER_ROUND {
                bare();
            }
            floor += start.elapsed();
        }
        let n = f64::from(ROUNDS * PER_ROUND);
        let sdk_us = sdk.as_secs_f64() * 1e6 / n;
        let floor_us = floor.as_secs_f64() * 1e6 / n;
        println!(
            "{:<24} {:>12.2} {:>12.2} {:>8.1}",
            algorithm.label(),
            sdk_us,
            floor_us,
            sdk_us / floor_us
        );
    }
}
