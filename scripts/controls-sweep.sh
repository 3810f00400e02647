#!/usr/bin/env bash
# Runs every control provider (correct providers of other designs than the
# reference; `vds-harness run --provider control:NAME`) through the default
# suite and a sweep of SEEDS mixed seeds per engine (default 10000). A
# control that fails is a defect of the suite. Exit 0 when every control
# passes everything; failing runs are kept in target/controls-sweep/NAME.
set -euo pipefail
cd "$(dirname "$0")/.."
unset RUSTFLAGS CARGO_ENCODED_RUSTFLAGS
seeds=${1:-10000}
cargo build --release --locked -q -p vds-harness
bin=target/release/vds-harness
out=target/controls-sweep
rm -rf "$out"
status=0
for name in $("$bin" controls | cut -d" " -f1); do
    echo "== control:$name"
    if ! "$bin" run --provider "control:$name" --artifacts "$out/$name/run" | tail -n 1; then
        status=1
    fi
    if ! "$bin" sweep --seeds "$seeds" --provider "control:$name" --artifacts "$out/$name/sweep" 2>/dev/null | tail -n 1; then
        status=1
    fi
done
exit $status
