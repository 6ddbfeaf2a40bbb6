#!/usr/bin/env bash
# Where a call's instructions go: the SDK against hyper-util alone, per call, by part of the
# call (signing, credentials, request building, retries, timers, tracing, decoding, HTTP stack,
# runtime, allocator).
#
#   bash crates/bench/profile.sh [list|artifact] [concurrency]
#
# Builds the bench with line tables (its own target directory), runs each client under
# `valgrind --tool=callgrind` twice with different request counts and divides the difference
# by the extra requests, which cancels start-up. Instructions are attributed by the source file
# of each instruction, so code inlined into another function still counts for its own part.
# Needs valgrind (callgrind_annotate comes with it).
#
# Instruction counts are repeatable whatever else the machine runs, but they are not time:
# under valgrind sha2 takes its portable code path (no SHA extensions), so signing counts far
# more instructions than it costs on a CPU with them; the bench's signing line gives its time.
set -euo pipefail

op=${1:-list}
concurrency=${2:-1}
small=2000
large=12000

root=$(cd "$(dirname "$0")/../.." && pwd)
target=$(cd "$root" && cargo metadata --format-version 1 --no-deps |
    sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')/bench-profile
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

command -v valgrind >/dev/null || { echo "profile.sh: valgrind is needed" >&2; exit 2; }
(cd "$root" && CARGO_TARGET_DIR="$target" CARGO_PROFILE_RELEASE_DEBUG=line-tables-only \
    cargo build --quiet --release -p huaweicloud-sdk-bench)
bench="$target/release/huaweicloud-sdk-bench"

# Self instructions per part, from one callgrind run.
parts() {
    callgrind_annotate --auto=no --threshold=100 "$1" 2>/dev/null | awk '
    function part(file, fn) {
        if (file ~ /crates\/core\/src\/signer\/|\/sha2-|\/hmac-|\/digest-|\/block-buffer-/) return "signing"
        if (file ~ /crates\/core\/src\/credentials\//) return "credentials"
        if (file ~ /crates\/core\/src\/executor\/retry_loop\.rs|crates\/core\/src\/retry/) return "retries"
        if (file ~ /response_timer\.rs|executor\/deadline\.rs|\/tokio-[0-9.]+\/src\/(runtime\/)?time\//) return "timers"
        if (file ~ /\/tracing(-core)?-[0-9]/) return "tracing"
        if (file ~ /serde|crates\/[a-z]+\/src\/v[0-9]+\/models\/|executor\/response\.rs|crates\/core\/src\/body/) return "decoding"
        if (file ~ /crates\/core\/src\/transport\/|\/hyper(-util)?-[0-9]|\/http(-body)?(-util)?-[0-9]|\/httparse-|\/bytes-[0-9]/) return "HTTP stack"
        if (file ~ /crates\/core\/src\/|crates\/[a-z]+\/src\/|crates\/bench\/src\//) return (fn ~ /[Dd]eserializ/ ? "decoding" : "request building")
        if (file ~ /\/tokio-[0-9]|\/mio-[0-9]|\/futures-/) return "runtime"
        if (file ~ /malloc|arena\.c|memmove|memcpy|memset/ || fn ~ /__rdl_|__rust_(alloc|dealloc|realloc)/) return "allocator"
        if (file ~ /clock_gettime/) return "timers"
        # Standard library code inlined into a function: the function decides.
        if (fn ~ /signer|sha2|hmac/) return "signing"
        if (fn ~ /percent_encoding/) return "request building"
        if (fn ~ /from_utf8/) return "decoding"
        if (fn ~ /Timespec/) return "timers"
        if (fn ~ /RawVec|finish_grow|grow_one/) return "allocator"
        if (fn ~ /Authority|Uri|hash_one/) return "HTTP stack"
        if (fn ~ /credentials/) return "credentials"
        if (fn ~ /[Dd]eserializ|serde/) return "decoding"
        if (fn ~ /tokio::time|Sleep|ResponseTimer/) return "timers"
        if (fn ~ /tracing/) return "tracing"
        if (fn ~ /huaweicloud_sdk_core::transport|hyper|http::|bytes::|hashbrown|sip::Hasher/) return "HTTP stack"
        if (fn ~ /huaweicloud_sdk|huaweicloud_sdk_bench/) return (fn ~ /drop_in_place<.*Output>|models/ ? "decoding" : "request building")
        if (fn ~ /tokio|mio|futures/) return "runtime"
        return "other"
    }
    /^ *[0-9,]+ \([ 0-9.]+%\) / {
        n = $1; gsub(",", "", n)
        line = $0; sub(/^ *[0-9,]+ \([ 0-9.]+%\) +/, "", line)
        sub(/ \[[^]]*\]$/, "", line)
        file = line; sub(/:.*/, "", file)
        fn = line; sub(/^[^:]*:/, "", fn)
        if (line ~ /PROGRAM TOTALS/) next
        sum[part(file, fn)] += n
    }
    END { for (p in sum) printf "%s\t%d\n", p, sum[p] }'
}

for client in sdk hyper; do
    for n in $small $large; do
        valgrind --tool=callgrind --callgrind-out-file="$out/$client-$n.out" \
            "$bench" profile "$op" "$client" "$n" "$concurrency" >/dev/null 2>&1
        parts "$out/$client-$n.out" >"$out/$client-$n.tsv"
    done
done

echo "instructions per call, $op, concurrency $concurrency (callgrind; sha2 without SHA extensions)"
awk -F'\t' -v small=$small -v large=$large -v conc="$concurrency" '
    FILENAME ~ /sdk-/ && FILENAME ~ "-" small "\\." { s0[$1] = $2 }
    FILENAME ~ /sdk-/ && FILENAME ~ "-" large "\\." { s1[$1] = $2 }
    FILENAME ~ /hyper-/ && FILENAME ~ "-" small "\\." { h0[$1] = $2 }
    FILENAME ~ /hyper-/ && FILENAME ~ "-" large "\\." { h1[$1] = $2 }
    { seen[$1] = 1 }
    END {
        # The bench rounds each request count down to a multiple of the concurrency.
        calls = int(large / conc) * conc - int(small / conc) * conc
        printf "%-18s %10s %10s %10s\n", "part", "sdk", "hyper", "sdk-hyper"
        for (p in seen) {
            s = (s1[p] - s0[p]) / calls; h = (h1[p] - h0[p]) / calls
            ts += s; th += h
            printf "%-18s %10.0f %10.0f %10.0f\n", p, s, h, s - h | "sort -k4 -n -r"
        }
        close("sort -k4 -n -r")
        printf "%-18s %10.0f %10.0f %10.0f\n", "total", ts, th, ts - th
    }' "$out"/sdk-$small.tsv "$out"/sdk-$large.tsv "$out"/hyper-$small.tsv "$out"/hyper-$large.tsv
