#!/usr/bin/env python3
"""Deterministic mutant generation for provider.py.

Generator A: mutmut 2.5.1's own mutation engine (mutmut.list_mutations /
mutmut.mutate on a Context with one RelativeMutationID at a time).
Generator B: a small ast-based supplement for operator classes mutmut 2.5.1
does not have: HRESULT constant swaps (HRS), statement deletion (SDL),
return-value removal (RVR), condition forced True/False (CND), deletion of
one operand of an and/or (BOD).

Writes mutants/NNNN.py and mutants.json (all generated, in order).
"""
import ast
import difflib
import json
import os
import re
import sys

import mutmut
from mutmut import Context, list_mutations, mutate

SRC_PATH = "provider.py"
SRC = open(SRC_PATH).read()
LINES = SRC.split("\n")

# ---- exclusions (1-based line numbers of the original provider.py) -------
EXCLUDED_LINES = {}


def excl(rng, why):
    for n in rng:
        EXCLUDED_LINES[n] = why


excl(range(1, 46), "module docstring and imports")
excl([47], "PROTOCOL version in the handshake (protocol)")
excl(range(89, 96), "BREAKS table (--break handling)")
excl(range(102, 104), "hx(): HRESULT wire formatting (protocol)")
excl([110], "Fail's exception message (diagnostic text only)")
excl([168], "FAULTS list (--without handling / handshake fault list)")
excl(range(174, 178), "Provider.__init__ plumbing of --break/--without/write")
excl(range(193, 196), "reset(): per-turn output bookkeeping (protocol)")
excl([204, 206, 207, 209, 210, 211, 212, 213, 214, 215, 216] + list(range(219, 232)),
     "turn(): message parsing/dispatch and output framing (protocol)")
excl(range(233, 242), "answer(): reply framing (protocol)")
excl(range(261, 268), "step(): array/timer message framing (protocol)")
excl(range(269, 273), "resume(): reply routing by req/timer id (protocol)")
excl([419, 420, 427, 428], "wait_result(): --break-only branches")
excl(range(456, 459), "on_call(): call message parsing (protocol)")
excl(range(808, 843), "main(): argv/--break/--without parsing, stdin loop; `if __name__` block")

# Sub-line spans that only serve --break: `"name" [not] in (self|p).broken`,
# and the break-only S_OK of the ok-at-limit ternary.
BREAK_SPANS = {}  # line -> [(c0, c1)]
for i, line in enumerate(LINES, 1):
    for m in re.finditer(r'"[a-z-]+" (?:not )?in (?:self|p)\.broken', line):
        BREAK_SPANS.setdefault(i, []).append((m.start(), m.end()))
    m = re.search(r'S_OK if "ok-at-limit" in p\.broken', line)
    if m:
        BREAK_SPANS.setdefault(i, []).append((m.start(), m.end()))


def excluded(line, c0, c1, end_line=None):
    """(line, c0..c1) is the changed span in the original (1-based line)."""
    end_line = end_line or line
    for n in range(line, end_line + 1):
        if n in EXCLUDED_LINES:
            return EXCLUDED_LINES[n]
    if end_line == line:
        for a, b in BREAK_SPANS.get(line, []):
            if c0 >= a and c1 <= b:
                return "--break-only sub-expression"
    return None


def changed_span(orig, new):
    """First changed region, as (line1, c0, line_end, c1) in the original."""
    ol, nl = orig.split("\n"), new.split("\n")
    sm = difflib.SequenceMatcher(None, ol, nl, autojunk=False)
    ops = [o for o in sm.get_opcodes() if o[0] != "equal"]
    tag, i1, i2, j1, j2 = ops[0]
    if i2 - i1 == 1 and j2 - j1 == 1:
        a, b = ol[i1], nl[j1]
        p = 0
        while p < min(len(a), len(b)) and a[p] == b[p]:
            p += 1
        s = 0
        while s < min(len(a), len(b)) - p and a[-1 - s] == b[-1 - s]:
            s += 1
        return i1 + 1, p, i1 + 1, len(a) - s
    return i1 + 1, 0, max(i2, i1 + 1), 10 ** 6


def describe(orig, new):
    ol, nl = orig.split("\n"), new.split("\n")
    d = [l for l in difflib.unified_diff(ol, nl, lineterm="", n=0)][2:]
    return " | ".join(x for x in d if not x.startswith("@@"))[:300]


mutants = []  # dicts: gen, op, line, desc, src, excluded


def add(gen, op, src, touched=None):
    l0, c0, l1, c1 = touched or changed_span(SRC, src)
    mutants.append({
        "gen": gen, "op": op, "line": l0,
        "desc": describe(SRC, src), "src": src,
        "excluded": excluded(l0, c0, c1, l1),
    })


# ---- generator A: mutmut 2.5.1 ---------------------------------------------
ids = list_mutations(Context(source=SRC, filename=SRC_PATH))
for mid in ids:
    ctx = Context(source=SRC, filename=SRC_PATH, mutation_id=mid)
    new, n = mutate(ctx)
    assert n == 1
    add("mutmut", "mutmut", new)

# ---- generator B: ast supplement -------------------------------------------
line_starts = [0]
for l in SRC.split("\n"):
    line_starts.append(line_starts[-1] + len(l) + 1)


def off(lineno, col):
    return line_starts[lineno - 1] + col


def seg(node):
    return SRC[off(node.lineno, node.col_offset):off(node.end_lineno, node.end_col_offset)]


def span(node):
    return (node.lineno, node.col_offset, node.end_lineno, node.end_col_offset)


def replace(node, text):
    a, b = off(node.lineno, node.col_offset), off(node.end_lineno, node.end_col_offset)
    return SRC[:a] + text + SRC[b:]


tree = ast.parse(SRC)
HR_NAMES = []
for node in tree.body:
    if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
        nm = node.targets[0].id
        if re.match(r"^(S_OK|E_|WIN32_|VDS_[ES]_)", nm):
            HR_NAMES.append((nm, node.value.value))
succ = [n for n, v in HR_NAMES if not v & 0x80000000]
fail = [n for n, v in HR_NAMES if v & 0x80000000]
HR_SWAP = {}
for group in (succ, fail):
    for i, n in enumerate(group):
        HR_SWAP[n] = group[(i + 1) % len(group)]

# function bodies only (statement deletion / return removal)
in_func = set()
for node in ast.walk(tree):
    if isinstance(node, (ast.FunctionDef, ast.Lambda)):
        for sub in ast.walk(node):
            in_func.add(id(sub))

b_mut = []
for node in ast.walk(tree):
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in HR_SWAP:
        b_mut.append((node.lineno, node.col_offset, "HRS", replace(node, HR_SWAP[node.id]), span(node)))
    if id(node) in in_func and isinstance(node, (ast.Expr, ast.Assign, ast.AugAssign, ast.Raise, ast.Delete)):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            continue  # docstring
        b_mut.append((node.lineno, node.col_offset, "SDL", replace(node, "pass"), span(node)))
    if isinstance(node, ast.Return) and node.value is not None and not (
            isinstance(node.value, ast.Constant) and node.value.value is None):
        b_mut.append((node.lineno, node.col_offset, "RVR", replace(node, "return None"), span(node)))
    if isinstance(node, (ast.If, ast.While, ast.IfExp)) and not isinstance(node.test, ast.Constant):
        for v in ("True", "False"):
            t = node.test
            b_mut.append((t.lineno, t.col_offset, "CND", replace(t, v), span(t)))
    if isinstance(node, ast.BoolOp):
        opw = " and " if isinstance(node.op, ast.And) else " or "
        for i in range(len(node.values)):
            rest = [seg(v) for j, v in enumerate(node.values) if j != i]
            rest = ["(%s)" % r if "\n" in r else r for r in rest]
            b_mut.append((node.values[i].lineno, node.values[i].col_offset, "BOD", replace(node, "(" + opw.join(rest) + ")"), span(node.values[i])))

b_mut.sort(key=lambda m: (m[0], m[1], m[2], m[3]))
for _, _, op, src, sp in b_mut:
    add("ast", op, src, sp)

# ---- dedupe (identical source), drop no-ops ----------------------------------
seen = {SRC}
out = []
for m in mutants:
    if m["src"] in seen:
        continue
    seen.add(m["src"])
    out.append(m)

os.makedirs("mutants", exist_ok=True)
for i, m in enumerate(out):
    m["id"] = "%04d" % i
    m["file"] = os.path.abspath("mutants/%s.py" % m["id"])
    with open(m["file"], "w") as f:
        f.write(m["src"])
    # viability: compiles and imports (module body runs, main() does not)
    try:
        code = compile(m["src"], m["file"], "exec")
        exec(code, {"__name__": "mutant_import_check"})
        m["viable"] = True
    except BaseException as e:  # noqa
        m["viable"] = False
        m["nonviable_why"] = "%s: %s" % (type(e).__name__, e)
    del m["src"]

json.dump(out, open("mutants.json", "w"), indent=1)
from collections import Counter
print("raw mutmut:", len(ids), "raw ast:", len(b_mut), "after dedupe:", len(out))
print("excluded:", sum(1 for m in out if m["excluded"]))
print(Counter((m["gen"], m["op"], bool(m["excluded"]), m["viable"]) for m in out))
