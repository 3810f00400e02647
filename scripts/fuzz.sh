#!/usr/bin/env bash
# Runs the cargo-fuzz targets in fuzz/ for a given time.
#
#   scripts/fuzz.sh list                       the targets
#   scripts/fuzz.sh TARGET SECONDS [ARGS...]   one target for SECONDS of wall time
#   scripts/fuzz.sh all SECONDS [ARGS...]      every target, SECONDS each, one after another
#   scripts/fuzz.sh build                      build every target, run none
#
# ARGS go to libFuzzer (e.g. -jobs=2, -seed=1). Installs cargo-fuzz if it is
# missing; needs the nightly toolchain (rustup toolchain install nightly).
# New inputs go to fuzz/corpus/TARGET (not committed); fuzz/seeds/TARGET is
# the committed seed corpus and regression inputs; crashes land in
# fuzz/artifacts/TARGET/. Exit status: 0 no finding, non-zero otherwise.
#
# Environment: FUZZ_BUILD_LOCK=FILE builds under `flock FILE` (for a shared
# machine); FUZZ_SANITIZER (default none: the code is safe Rust, and
# debug assertions and overflow checks stay on either way).
set -euo pipefail

cd "$(dirname "$0")/.."
TARGETS=(scenario_loader hresult cli_args world)

# libFuzzer options per target: the largest input and the per-input timeout
# in seconds (a hang or a quadratic blow-up is a finding).
opts() {
    case "$1" in
        scenario_loader) echo "-max_len=65536 -timeout=10" ;;
        hresult | cli_args) echo "-max_len=256 -timeout=5" ;;
        world) echo "-max_len=4096 -len_control=0 -timeout=60" ;;
        *) echo "unknown target \`$1\`; expected one of ${TARGETS[*]}" >&2; exit 2 ;;
    esac
}

usage() {
    echo "usage: scripts/fuzz.sh list | build | all SECONDS [ARGS...] | TARGET SECONDS [ARGS...]" >&2
    echo "targets: ${TARGETS[*]}" >&2
    exit 2
}

[ $# -ge 1 ] || usage
if [ "$1" = list ]; then
    printf '%s\n' "${TARGETS[@]}"
    exit 0
fi

if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    echo "installing cargo-fuzz" >&2
    cargo install --locked cargo-fuzz
fi

# cargo-fuzz passes its flags through RUSTFLAGS, which replaces
# .cargo/config.toml's build.rustflags; it appends to what is set here.
export RUSTFLAGS="--cfg madsim --cfg tokio_unstable"
SANITIZER="${FUZZ_SANITIZER:-none}"
lock() {
    if [ -n "${FUZZ_BUILD_LOCK:-}" ]; then flock "$FUZZ_BUILD_LOCK" "$@"; else "$@"; fi
}

lock cargo +nightly fuzz build --sanitizer "$SANITIZER"
[ "$1" = build ] && exit 0

[ $# -ge 2 ] || usage
which="$1"
secs="$2"
shift 2
case "$secs" in '' | *[!0-9]*) echo "SECONDS must be a whole number (got \`$secs\`)" >&2; exit 2 ;; esac

run() {
    local t="$1"
    shift
    mkdir -p "fuzz/corpus/$t" "fuzz/seeds/$t"
    echo "== $t for ${secs}s" >&2
    # shellcheck disable=SC2046 # opts is a list of words
    cargo +nightly fuzz run --sanitizer "$SANITIZER" "$t" "fuzz/corpus/$t" "fuzz/seeds/$t" -- \
        -max_total_time="$secs" -print_final_stats=1 $(opts "$t") "$@"
}

if [ "$which" = all ]; then
    for t in "${TARGETS[@]}"; do run "$t" "$@"; done
else
    opts "$which" >/dev/null
    run "$which" "$@"
fi
