#!/usr/bin/env bash
# Packs every publishable crate as `cargo publish` would, then runs the tests of the crates that
# carry test data (core, local) from their unpacked `.crate`, so a test that reads a file outside
# its package fails here rather than for a user of the published crate.
#
# The crates are not on crates.io yet, so the unpacked packages get the workspace's copies of
# their SDK dependencies through `[patch.crates-io]`; they keep their own manifests otherwise.
# Publish order (each crate after what it depends on, dev-dependencies included):
#   huaweicloud-sdk-core, then the services (swr, hss, metastudio, projectman), then
#   huaweicloud-sdk-local.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
# Where cargo puts its output: `CARGO_TARGET_DIR`, `build.target-dir` in a config file, or
# `target/`, as cargo itself decides.
target=$(cargo metadata --format-version 1 --no-deps |
  sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
if [ -z "$target" ]; then
  echo "package.sh: cargo metadata named no target directory" >&2
  exit 1
fi

publishable=(huaweicloud-sdk-core huaweicloud-sdk-swr huaweicloud-sdk-hss
  huaweicloud-sdk-metastudio huaweicloud-sdk-projectman huaweicloud-sdk-local)
package_args=()
for crate in "${publishable[@]}"; do package_args+=(-p "$crate"); done
# The file lists and the normalised manifests; compiling each package again is left to the
# unpacked tests below (a service crate builds in minutes, its tests read no files).
cargo package "${package_args[@]}" --no-verify --allow-dirty

# The workspace's SDK crates, for a package whose dependencies name them by version.
workspace_patches=()
for dir in core swr hss metastudio projectman; do
  workspace_patches+=(--config "patch.crates-io.huaweicloud-sdk-$dir.path='$root/crates/$dir'")
done

# A fixed place, not a fresh temporary directory: test binaries hold their package's path
# (`CARGO_MANIFEST_DIR`), and cargo, seeing the same package, would reuse binaries that point
# into an earlier run's deleted directory.
unpacked="$target/package/unpacked"
rm -rf "$unpacked"
mkdir -p "$unpacked"
trap 'rm -rf "$unpacked"' EXIT
for crate in huaweicloud-sdk-core huaweicloud-sdk-local; do
  version=$(sed -n 's/^version = "\(.*\)"/\1/p' "crates/${crate#huaweicloud-sdk-}/Cargo.toml" | head -1)
  tar -xzf "$target/package/$crate-$version.crate" -C "$unpacked"
  echo "=== $crate $version: tests from the unpacked package"
  # Outside the workspace, with the workspace's lock and target directory: the patched SDK
  # crates are the same packages as in the workspace build, so they are not compiled again.
  cp Cargo.lock "$unpacked/$crate-$version/Cargo.lock"
  # Its own workspace: the target directory may lie inside the SDK's tree (CI's target-ci/),
  # where cargo would otherwise take the unpacked package for a stray workspace member.
  printf '\n[workspace]\n' >>"$unpacked/$crate-$version/Cargo.toml"
  # The core's own tests run as a user of the .crate runs them, default features (its
  # dev-dependency on itself, which turns `verify` on in the workspace, is not packaged), and
  # with `verify`, which the tests that check signatures like the gateway require.
  # Clippy sees the core only with `verify` on, so the default-feature build here is also
  # where code unused without it would show: its warnings fail the step.
  if [ "$crate" = huaweicloud-sdk-core ]; then
    for features in "" verify; do
      log="$unpacked/core-test-$features.log"
      (cd "$unpacked/$crate-$version" &&
        CARGO_TARGET_DIR="$target" cargo test --offline --features "$features") 2>&1 |
        tee "$log"
      if grep -E '^warning: .*huaweicloud-sdk-core' "$log"; then
        echo "the packaged core compiles with warnings (features: '${features}')" >&2
        exit 1
      fi
    done
  else
    (cd "$unpacked/$crate-$version" &&
      CARGO_TARGET_DIR="$target" cargo test --offline "${workspace_patches[@]}")
  fi
done
