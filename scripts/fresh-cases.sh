#!/usr/bin/env bash
# Runs the default suite against every provider of harness/tests/fresh_cases:
# each broken one (the Python example with one bug) must be caught (exit 1),
# each correct one must not be refused (exit 0, or 3 for a design that
# leaves cells unreached). Prints one line each and a summary; exits 1 if
# a broken provider passed or a correct one was refused.
#   scripts/fresh-cases.sh [PATH-TO-vds-harness]
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-target/release/vds-harness}"
[ -x "$bin" ] || cargo build --release --locked -p vds-harness
example=harness/examples/python_provider/provider.py
cases=harness/tests/fresh_cases
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bad=0 caught=0 broken=0 refused=0
for d in "$cases"/broken/b*.diff; do
    n=$(basename "$d" .diff)
    cp "$example" "$work/$n.py"
    patch -s "$work/$n.py" < "$d"
    status=0
    "$bin" run --artifacts "$work/art-$n" --provider "exec:python3 $work/$n.py" > "$work/$n.out" 2>&1 || status=$?
    broken=$((broken + 1))
    if [ "$status" -eq 1 ]; then caught=$((caught + 1)); echo "$n caught"; else bad=1; echo "$n MISSED (exit $status)"; fi
done
# A correct provider NAME at FILE must not be refused: exit 0, or 3 for a
# design that leaves cells unreached.
judge_correct() {
    local n="$1" file="$2" status=0
    "$bin" run --artifacts "$work/art-$n" --provider "exec:python3 $file" > "$work/$n.out" 2>&1 || status=$?
    correct=$((correct + 1))
    case "$status" in
        0) echo "$n passed" ;;
        3) inconclusive=$((inconclusive + 1)); echo "$n inconclusive" ;;
        *) refused=$((refused + 1)); bad=1; echo "$n REFUSED (exit $status)"; grep -m3 "^  [A-Z-]*:" "$work/$n.out" || true ;;
    esac
}

# Each set of correct variants imports its own `lib` (the example with
# hooks): one directory per set, the variants side by side (c10 builds on c2).
correct=0 inconclusive=0
for set in correct correct2; do
    mkdir -p "$work/$set"
    cp "$example" "$work/$set/lib.py"
    patch -s "$work/$set/lib.py" < "$cases/$set/lib.diff"
    cp "$cases/$set"/[cd]*.py "$work/$set/"
    for c in "$cases/$set"/[cd]*.py; do
        judge_correct "$(basename "$c" .py)" "$work/$set/$(basename "$c")"
    done
done
# The third set's correct providers are plain patches of the example.
for d in "$cases"/correct3/c*.diff; do
    n=$(basename "$d" .diff)
    cp "$example" "$work/$n.py"
    patch -s "$work/$n.py" < "$d"
    judge_correct "$n" "$work/$n.py"
done
echo "broken: $caught of $broken caught; correct: $refused of $correct refused, $inconclusive inconclusive"
exit "$bad"
