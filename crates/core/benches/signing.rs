//! Signing cost: µs per request for each HMAC algorithm, against two floors: one bare
//! HMAC-SHA256 over the same canonical request, and the cryptography alone of SDK-HMAC-SHA256
//! (SHA-256 of the canonical request plus HMAC-SHA256 of the string to sign, both taken from one
//! `sign` output). All are measured in this one run, interleaved, so the ratios hold whatever
//! the machine is doing.
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

    let (canonical, string_to_sign) = match sign(&request, &key, &algorithms[0], time) {
        Ok(out) => (out.canonical_request, out.string_to_sign),
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
    // The cryptography SDK-HMAC-SHA256 cannot avoid: hash the canonical request, then HMAC the
    // string to sign (key set-up included, as the signer has to do it per call).
    let crypto = || {
        black_box(<sha2::Sha256 as sha2::Digest>::digest(black_box(
            canonical.as_bytes(),
        )));
        let mut mac = <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(key.sk.as_bytes())
            .unwrap_or_else(|_| std::process::exit(1));
        mac.update(black_box(string_to_sign.as_bytes()));
        black_box(mac.finalize().into_bytes());
    };

    println!(
        "{:<24} {:>12} {:>12} {:>8} {:>14} {:>13}",
        "algorithm", "sdk µs/req", "bare µs/req", "ratio", "crypto µs/req", "sign/crypto"
    );
    for algorithm in &algorithms {
        let (mut sdk, mut floor, mut crypto_time) =
            (Duration::ZERO, Duration::ZERO, Duration::ZERO);
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
            let start = Instant::now();
            for _ in 0..PER_ROUND {
                crypto();
            }
            crypto_time += start.elapsed();
        }
        let n = f64::from(ROUNDS * PER_ROUND);
        let sdk_us = sdk.as_secs_f64() * 1e6 / n;
        let floor_us = floor.as_secs_f64() * 1e6 / n;
        let crypto_us = crypto_time.as_secs_f64() * 1e6 / n;
        println!(
            "{:<24} {:>12.3} {:>12.3} {:>8.1} {:>14.3} {:>13.2}",
            algorithm.label(),
            sdk_us,
            floor_us,
            sdk_us / floor_us,
            crypto_us,
            sdk_us / crypto_us
        );
    }
}
