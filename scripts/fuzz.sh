#!/usr/bin/env bash
# Fuzz every cargo-fuzz target in fuzz/ for a bounded time each, and fail on any crash.
#
#   scripts/fuzz.sh [SECONDS]      # default 60 s per target
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`); without it, prints "skipped" and exits 0, so
# CI machines without it still pass. cargo-fuzz passes -Z flags: a nightly toolchain is used
# when one is installed, else the stable one with RUSTC_BOOTSTRAP=1 (FUZZ_STABLE=1 forces
# that). No sanitizer by default: the code is safe Rust, and these targets look for panics,
# hangs and runaway memory, which need none; without AddressSanitizer a target runs about 8x
# more inputs in the same time. FUZZ_SANITIZER=address turns it on (for the unsafe code in
# dependencies; best with nightly).
#
# Each target starts from fuzz/seeds/TARGET plus the example drafts (corpora grow in
# fuzz/corpus/, crashes land in fuzz/artifacts/; both are git-ignored). Prints the total
# executions per target. A crash, a timeout (one input running over 10 s) or an input needing
# more than 2 GB is a failure; the artifact path and the command to reproduce it are printed.
set -euo pipefail
cd "$(dirname "$0")/.."

secs=${1:-60}
if ! [[ $secs =~ ^[0-9]+$ ]] || ((secs < 1)); then
    echo "usage: scripts/fuzz.sh [SECONDS]" >&2
    exit 2
fi

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz: skipped (cargo-fuzz is not installed; cargo install cargo-fuzz)"
    exit 0
fi

toolchain=()
if [ -z "${FUZZ_STABLE:-}" ] && rustup run nightly rustc --version >/dev/null 2>&1; then
    toolchain=(+nightly)
else
    export RUSTC_BOOTSTRAP=1
fi
sanitizer=${FUZZ_SANITIZER:-none}
echo "fuzz: $(cargo "${toolchain[@]}" --version), sanitizer $sanitizer, ${secs}s per target"

targets=$(cargo "${toolchain[@]}" fuzz list --fuzz-dir fuzz)
cargo "${toolchain[@]}" fuzz build --fuzz-dir fuzz --sanitizer "$sanitizer" --debug-assertions

# Seed each corpus once: the committed seeds, plus the example drafts for the check targets
# (copied under names made from their paths, so equal base names do not collide).
seed() {
    local corpus=$1
    shift
    for f in "$@"; do
        [ -f "$f" ] && cp "$f" "$corpus/$(echo "$f" | tr '/' '_')"
    done
    return 0
}
for t in $targets; do
    corpus=fuzz/corpus/$t
    mkdir -p "$corpus"
    if [ -z "$(ls -A "$corpus")" ]; then
        seed "$corpus" fuzz/seeds/"$t"/*
        case $t in
        check_text) seed "$corpus" examples/drafts/*.txt tests/fixtures/fix/*.txt ;;
        check_markdown) seed "$corpus" examples/drafts/*.md tests/fixtures/fix/*.md ;;
        config) seed "$corpus" rules/core.toml tests/fixtures/fix/.ticketlint.toml ;;
        esac
    fi
done

failed=()
summary=()
for t in $targets; do
    log=$(mktemp)
    echo "== fuzz $t (${secs}s)"
    status=0
    cargo "${toolchain[@]}" fuzz run --fuzz-dir fuzz --sanitizer "$sanitizer" --debug-assertions "$t" -- \
        -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=16384 -print_final_stats=1 \
        >"$log" 2>&1 || status=$?
    runs=$(grep -o 'Done [0-9]* runs' "$log" | tail -1 | awk '{print $2}' || true)
    runs=${runs:-$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -1 | awk '{print $2}' || true)}
    if [ "$status" -ne 0 ]; then
        tail -40 "$log"
        artifact=$(grep -o 'fuzz/artifacts/[^ ]*' "$log" | tail -1 || true)
        echo "fuzz: $t FAILED (exit $status) after ${runs:-?} executions; artifact: ${artifact:-none}"
        [ -n "$artifact" ] && echo "  reproduce: cargo ${toolchain[*]} fuzz run --fuzz-dir fuzz --sanitizer $sanitizer $t $artifact"
        failed+=("$t")
    fi
    summary+=("$(printf '%-16s %12s executions in %ss' "$t" "${runs:-?}" "$secs")")
    rm -f "$log"
done

echo "== fuzz summary"
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: FAILED: ${failed[*]}"
    exit 1
fi
echo "fuzz: all targets ran clean"
