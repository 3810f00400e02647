#!/usr/bin/env bash
# Checks the build guard by hand (too slow for the test suite): a build with
# RUSTFLAGS set, which replaces the cfg flags of .cargo/config.toml, must stop
# with the guard's message as its first and only error, and say how long it
# took. Uses a scratch target directory, so it is a cold build.
set -euo pipefail
cd "$(dirname "$0")/.."
target=$(mktemp -d)
trap 'rm -rf "$target"' EXIT
start=$(date +%s)
if RUSTFLAGS="-C debuginfo=0" CARGO_TARGET_DIR="$target" cargo build --locked -p vds-harness >"$target/log" 2>&1; then
    echo "FAIL: the build succeeded without --cfg madsim --cfg tokio_unstable" >&2
    exit 1
fi
took=$(( $(date +%s) - start ))
errors=$(grep '^error' "$target/log" || true)
first=$(printf '%s\n' "$errors" | head -1)
case "$first" in
    *'vds-cfg-guard'*'RUSTFLAGS="$RUSTFLAGS --cfg madsim --cfg tokio_unstable"'*) ;;
    *) echo "FAIL: first error is not the guard's: $first" >&2; exit 1 ;;
esac
if grep -q 'E0433\|compile_error\|error\[' "$target/log"; then
    echo "FAIL: other errors follow the guard's:" >&2
    grep '^error' "$target/log" >&2
    exit 1
fi
echo "ok: the guard's message is the first and only error, after ${took}s ($(grep -c Compiling "$target/log") crates compiled first)"
