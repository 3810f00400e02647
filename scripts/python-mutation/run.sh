#!/usr/bin/env bash
# Mutation score of the Python example provider (harness/examples/python_provider/provider.py):
# mutants from mutmut 2.5.1's engine plus a small AST supplement (gen.py),
# every K-th included mutant judged by the default `vds-harness run`.
#
#   scripts/python-mutation/run.sh [K]      # default K=2 (every 2nd mutant)
#   PYMUT_ONLY=ids.txt scripts/python-mutation/run.sh [K]
#                                           # only the sample's mutants named in
#                                           # ids.txt (one id a line), e.g. an
#                                           # earlier run's survivors, judged again
#
# Work happens in $PYMUT_DIR (default target/python-mutation): a venv with
# mutmut 2.5.1, the mutants, and results.jsonl (one line per mutant: its
# exit code, 1 = caught, 0 = survived, 3 = inconclusive). Resumable.
# docs/mutation-score.md has the figures and the survivors' classes.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
k=${1:-2}
dir=${PYMUT_DIR:-$root/target/python-mutation}
mkdir -p "$dir"
cargo build --release --locked -q -p vds-harness
cp target/release/vds-harness "$dir/vds-harness"
cp harness/examples/python_provider/provider.py "$dir/provider.py"
cp scripts/python-mutation/gen.py "$dir/gen.py"
cd "$dir"
if [ ! -x venv/bin/python ]; then
    python3 -m venv venv
    venv/bin/pip install -q mutmut==2.5.1
fi
[ -f mutants.json ] || venv/bin/python gen.py
python3 - "$k" <<'PY'
import json, os, signal, subprocess, sys
k = int(sys.argv[1])
# Every k-th included mutant, in generation order; none fails to import.
sample = [m for m in json.load(open("mutants.json")) if not m["excluded"]][::k]
sample = [m for m in sample if m["viable"]]
if os.environ.get("PYMUT_ONLY"):
    only = set(open(os.environ["PYMUT_ONLY"]).read().split())
    sample = [m for m in sample if m["id"] in only]
done = set()
if os.path.exists("results.jsonl"):
    done = {json.loads(l)["id"] for l in open("results.jsonl")}
out = open("results.jsonl", "a")
for m in sample:
    if m["id"] in done:
        continue
    cmd = ["./vds-harness", "run", "--jobs", "1", "--provider", "exec:python3 " + m["file"],
           "--artifacts", "art/" + m["id"]]
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        rc = p.wait(timeout=180)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        rc = "timeout"
    out.write(json.dumps({"id": m["id"], "rc": rc}) + "\n")
    out.flush()
    subprocess.run(["rm", "-rf", "art/" + m["id"]])
rs = [json.loads(l) for l in open("results.jsonl")]
caught = sum(1 for r in rs if r["rc"] in (1, "timeout"))
print(f"caught {caught} of {len(rs)} viable mutants ({100.0 * caught / len(rs):.1f}%); "
      f"survivors (exit 0) and inconclusive (exit 3) are in {os.path.abspath('results.jsonl')}")
PY
