#!/usr/bin/env bash
# Measures how many of cargo-mutants' mutants of the reference provider and
# of the simulated environment the conformance gate refuses
# (docs/mutation-score.md has the figures and the survivors).
#
#   scripts/mutation-score.sh provider [SHARD] [ARGS...]
#   scripts/mutation-score.sh environment [SHARD] [ARGS...]
#   scripts/mutation-score.sh toy [SHARD] [ARGS...]
#   scripts/mutation-score.sh list provider|environment|toy
#
# SHARD is k/n (round-robin: mutant i is in shard i % n), e.g. 0/4 for a
# quarter sample; default all. ARGS go to cargo-mutants (e.g. -j 2).
#
# provider:    sim/src/provider/ without wrap/ and mutation.rs (the mutant
#              catalogue's decorators, not the reference) and declaration.rs
#              (what any provider declares: the harness's interface). A mutant is a
#              broken provider; it counts as caught when the default suite's
#              verdict (`vds-harness run`, as the test
#              the_default_suite_exercises_every_check_on_both_engines runs
#              it) is not conformant.
# toy:         the toy provider of harness/examples/toy_provider/ (op.rs,
#              provider.rs), a provider of another design than the reference
#              (no cache, its own lock and operations). The harness compiles
#              its files as controls (`--provider control:NAME`), one
#              per design; a mutant counts as caught when any control fails
#              the default suite (the test every_control_passes_the_default_suite).
# environment: sim/src/array/ (the array and the madsim link) and
#              sim/src/faults/ (the fault injector): the ground truth the
#              oracle trusts, proven by the environment's own tests: vds-sim's
#              unit tests, the default suite's verdict (exercise), every
#              scenario file's expectations (scenario_files: each fault kind
#              has a file that expects its effect), array_model (every
#              request of the default suite answered as the array's
#              specification, harness/src/model/array.rs, says), fault_effects (a fault
#              that fires changes the run), and the trace digests
#              that pin what every campaign's world does (snapshots). The
#              rest of the workspace's tests (CLI, reports, features, the
#              mutant catalogue) take ~110 s more a mutant and test the
#              harness's front ends, not the environment.
#
# Both sets leave out hand-written `Debug` impls: they only format values
# for diagnostics, and nothing a run reports depends on them.
#
# It mutates a scratch clone in place (never this checkout): a git worktree
# at $MUTATION_TREE (default ../mutation-tree), with its own target dir.
# Results go to mutants.out/ under $MUTATION_OUT (default
# target/mutation/SET-SHARD). Installs cargo-mutants if it is missing.
set -euo pipefail
set -f # the mutants globs go to cargo-mutants unexpanded

cd "$(dirname "$0")/.."
root=$(pwd)

usage() {
    echo "usage: scripts/mutation-score.sh provider|environment|toy [k/n] [ARGS...] | list provider|environment|toy" >&2
    exit 2
}

files() {
    case "$1" in
        provider) echo "-f sim/src/provider/** -e **/provider/wrap/** -e **/provider/mutation.rs -e **/provider/declaration.rs --exclude-re mutated --exclude-re ReferenceFactory::mutant --exclude-re Cache::reseal --exclude-re replace.SimProvider:: --exclude-re replace.ProviderFactory::cannot_take --exclude-re replace.ProviderFactory::declaration --exclude-re fmt::Debug" ;;
        environment) echo "-f sim/src/array/** -f sim/src/faults/** --exclude-re fmt::Debug" ;;
        toy) echo "-f **/toy_provider/provider.rs -f **/toy_provider/op.rs --exclude-re fmt::Debug" ;;
        *) echo "unknown set \`$1\`; expected provider, environment or toy" >&2; exit 2 ;;
    esac
}

tests() {
    case "$1" in
        provider)
            echo "--test-package vds-harness -- --test exercise -- the_default_suite_exercises" ;;
        environment)
            echo "--test-package vds-sim --test-package vds-harness --test-package vds-conformance -- --lib --test exercise --test scenario_files --test fault_effects --test array_model --test snapshots" ;;
        toy)
            echo "--test-package vds-harness -- --test controls -- every_control_passes" ;;
    esac
}

[ $# -ge 1 ] || usage
if ! cargo mutants --version >/dev/null 2>&1; then
    echo "installing cargo-mutants" >&2
    cargo install --locked cargo-mutants
fi

if [ "$1" = list ]; then
    [ $# -eq 2 ] || usage
    # shellcheck disable=SC2046 # files is a list of words
    cargo mutants --list --workspace $(files "$2")
    exit 0
fi

set_name="$1"
shift
files "$set_name" >/dev/null
shard_args=()
shard_tag=all
if [ $# -ge 1 ] && [[ "$1" =~ ^[0-9]+/[0-9]+$ ]]; then
    shard_args=(--shard "$1" --sharding round-robin)
    shard_tag="${1/\//of}"
    shift
fi

tree="${MUTATION_TREE:-$root/../mutation-tree}"
out="${MUTATION_OUT:-$root/target/mutation/$set_name-$shard_tag}"
if [ ! -d "$tree" ]; then
    git worktree add --detach "$tree" HEAD >&2
else
    git -C "$tree" checkout --detach --force "$(git rev-parse HEAD)" >&2
fi
mkdir -p "$out"
cd "$tree"
export CARGO_TARGET_DIR="$tree/target"
# The unmutated tree must pass first, so that a mutant's failure is the
# mutant's. cargo-mutants' own baseline would run the tests of the mutated
# package (vds-sim), not --test-package's, so it is skipped and made here.
read -r -a t <<<"$(tests "$set_name")"
packages=()
package_args=()
for ((i = 0; i < ${#t[@]}; i++)); do
    [ "${t[$i]}" = "--" ] && break
    if [ "${t[$i]}" = "--test-package" ]; then
        packages+=(-p "${t[$((i + 1))]}")
        package_args+=(--test-package "${t[$((i + 1))]}")
    fi
done
cargo_args=("${t[@]:$((i + 1))}")
echo "baseline: cargo test ${packages[*]} ${cargo_args[*]}" >&2
if ! cargo test --locked "${packages[@]}" "${cargo_args[@]}" >"$out/baseline.log" 2>&1; then
    echo "the unmutated tree fails its tests: see $out/baseline.log" >&2
    exit 1
fi
# The test targets (--lib, --test NAME) go to every cargo invocation (-C),
# so that each mutant builds only the test binaries that judge it, not all
# of the packages' tests; a filter after a second `--` goes to the tests.
mutants_args=()
filter=()
for ((k = 0; k < ${#cargo_args[@]}; k++)); do
    case "${cargo_args[$k]}" in
        --) filter=("${cargo_args[@]:$k}"); break ;;
        --test) mutants_args+=(-C "--test=${cargo_args[$((k + 1))]}"); k=$((k + 1)) ;;
        *) mutants_args+=(-C "${cargo_args[$k]}") ;;
    esac
done
# shellcheck disable=SC2046 # files is a list of words
cargo mutants --in-place --workspace --baseline skip $(files "$set_name") "${shard_args[@]}" \
    --timeout 120 --build-timeout 900 --output "$out" "$@" \
    "${package_args[@]}" "${mutants_args[@]}" -- "${filter[@]}" \
    || true
python3 - "$out/mutants.out" <<'EOF'
import json, sys, pathlib
d = pathlib.Path(sys.argv[1])
count = lambda name: len([l for l in (d / name).read_text().splitlines() if l.strip()]) if (d / name).exists() else 0
caught, missed, timeout, unviable = (count(n) for n in ("caught.txt", "missed.txt", "timeout.txt", "unviable.txt"))
viable = caught + missed + timeout
score = 100.0 * (caught + timeout) / viable if viable else 0.0
print(f"caught {caught}, timeout {timeout}, missed {missed}, unviable {unviable}: "
      f"{caught + timeout} of {viable} viable mutants refused ({score:.1f}%)")
print(f"survivors: {d / 'missed.txt'}")
EOF
