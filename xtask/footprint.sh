#!/usr/bin/env bash
# Footprint of a one-operation program per service crate, beside the AWS SDK for Rust's
# one-operation program (aws-config + aws-sdk-sts, GetCallerIdentity), measured in one run on
# this machine: cold `cargo build --release` wall time (dependencies already downloaded, an empty
# target directory per program) and the stripped binary's size.
#
#   bash xtask/footprint.sh [--only swr,hss,...]
#
# Needs network access to crates.io for the AWS program's dependencies (fetched before timing).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${FOOTPRINT_DIR:-$(mktemp -d /tmp/footprint.XXXXXX)}
only=${2:-swr,hss,metastudio,projectman,aws}
[ "${1:-}" = "--only" ] || only=swr,hss,metastudio,projectman,aws

tokio='tokio = { version = "1", default-features = false, features = ["macros", "rt-multi-thread"] }'

# program <name> <dependency lines> <main.rs>
program() {
    local dir="$work/$1"
    mkdir -p "$dir/src"
    cat >"$dir/Cargo.toml" <<EOF
[package]
name = "footprint-$1"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
$2
$tokio

[profile.release]
strip = false

[workspace]
EOF
    printf '%s\n' "$3" >"$dir/src/main.rs"
}

ours() { # <service> <crate> <module> <call>
    program "$1" "huaweicloud-sdk-core = { path = \"$root/crates/core\" }
$2 = { path = \"$root/crates/$1\" }" "#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = huaweicloud_sdk_core::Config::from_env()?.with_region(\"cn-north-4\");
    let client = ${2//-/_}::$3::Client::new(&config)?;
    match client.$4.send().await {
        Ok(output) => println!(\"{output:?}\"),
        Err(error) => eprintln!(\"{error}\"),
    }
    Ok(())
}"
}

ours swr huaweicloud-sdk-swr v2 'list_instance()'
ours hss huaweicloud-sdk-hss v5 'list_host_status()'
ours metastudio huaweicloud-sdk-metastudio v1 'list_picture_modeling_jobs()'
ours projectman huaweicloud-sdk-projectman v4 'list_projects_v4()'
program aws 'aws-config = "1"
aws-sdk-sts = "1"' '#[tokio::main]
async fn main() {
    let config = aws_config::load_from_env().await;
    let client = aws_sdk_sts::Client::new(&config);
    match client.get_caller_identity().send().await {
        Ok(output) => println!("{output:?}"),
        Err(error) => eprintln!("{error}"),
    }
}'

printf '%-12s %10s %10s %14s\n' program "wall (s)" "cpu (s)" "stripped (B)" | tee "$work/results.txt"
for name in ${only//,/ }; do
    dir="$work/$name"
    (cd "$dir" && cargo fetch --quiet)
    rm -rf "$dir/target"
    # Wall time, and CPU time (user + system of cargo and every compiler it ran), which moves
    # less when something else shares the machine.
    times=$( { TIMEFORMAT='%R %U %S'; time (cd "$dir" && cargo build --release --quiet) ; } 2>&1 | tail -1)
    read -r wall user sys <<<"$times"
    cpu=$(echo "$user + $sys" | bc)
    strip -o "$dir/stripped" "$dir/target/release/footprint-$name"
    bytes=$(stat -c %s "$dir/stripped")
    printf '%-12s %10.1f %10.1f %14d\n' "$name" "$wall" "$cpu" "$bytes" | tee -a "$work/results.txt"
done

if grep -q '^aws ' "$work/results.txt"; then
    read -r _ aws_wall aws_cpu aws_b < <(grep '^aws ' "$work/results.txt")
    echo
    printf '%-12s %12s %12s %12s\n' program "wall / AWS" "cpu / AWS" "size / AWS"
    grep -v -e '^aws ' -e '^program' "$work/results.txt" | while read -r name wall cpu b; do
        printf '%-12s %12.2f %12.2f %12.2f\n' "$name" "$(echo "$wall / $aws_wall" | bc -l)" \
            "$(echo "$cpu / $aws_cpu" | bc -l)" "$(echo "$b / $aws_b" | bc -l)"
    done
fi
echo "programs and logs in $work"
