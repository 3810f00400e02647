#!/usr/bin/env python3
"""Draws the module import graph of a crate's src/ and reports its cycles.

Usage: scripts/import-graph.py sim/src [--depth N]

A node is a module path cut to DEPTH segments (default 1: the crate's top
modules). An edge A -> B means a file of A names `crate::B...`, or names B
through `super::` or a nested `use crate::{..}` tree. Cycles are
the strongly connected components with more than one node. Exit 1 if any.
"""
import re, sys, pathlib, collections

def module_of(path, root):
    rel = path.relative_to(root).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] in ("mod", "lib", "main"):
        parts = parts[:-1]
    return parts

def expand(prefix, text):
    """The paths of a `use` tree body: `a::{b, c::{d, e}}, f` under `prefix`."""
    out, depth, item = [], 0, ""
    items = []
    for ch in text:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        if ch == "," and depth == 0:
            items.append(item)
            item = ""
        else:
            item += ch
    items.append(item)
    for it in items:
        it = it.strip()
        if not it:
            continue
        if "{" in it:
            head, _, rest = it.partition("{")
            head = [p for p in head.strip().rstrip(":").split("::") if p]
            out.extend(expand(prefix + head, rest[: rest.rfind("}")]))
        else:
            name = it.split(" as ")[0].strip()
            out.append(prefix + [p for p in name.split("::") if p and p != "self"])
    return out


def imported_paths(src, mod):
    """Every crate path a file names: `crate::a::b`, `use crate::{..}` trees
    (nested too) and `super::` paths, resolved from the file's own module
    (`mod`, as module_of gives it: `super` is one module up)."""
    here = list(mod)
    paths = []
    for m in re.finditer(r"\b(crate|super)::((?:super::)*)(\{|[A-Za-z_][A-Za-z0-9_]*(?:::[A-Za-z_][A-Za-z0-9_]*)*)", src):
        kind, supers, rest = m.group(1), m.group(2), m.group(3)
        if kind == "crate":
            base = []
        else:
            ups = 1 + supers.count("super::")
            base = here[: max(0, len(here) - ups)]
        if rest == "{":
            # the tree runs to its matching brace
            start, depth, i = m.end(), 1, m.end()
            while i < len(src) and depth:
                depth += {"{": 1, "}": -1}.get(src[i], 0)
                i += 1
            paths.extend(expand(base, src[start : i - 1]))
        else:
            paths.append(base + rest.split("::"))
    return paths


def main():
    root = pathlib.Path(sys.argv[1])
    depth = 1
    if "--depth" in sys.argv:
        depth = int(sys.argv[sys.argv.index("--depth") + 1])
    edges = collections.defaultdict(set)
    nodes = set()
    for f in sorted(root.rglob("*.rs")):
        mod = module_of(f, root)
        if not mod:
            continue
        src = f.read_text()
        # drop test modules
        src = re.split(r"#\[cfg\(test\)\]", src)[0]
        src = "\n".join(l for l in src.splitlines() if not l.lstrip().startswith("//"))
        a = "::".join(mod[:depth])
        nodes.add(a)
        for segs in imported_paths(src, mod):
            if not segs or not ((root / segs[0]).exists() or (root / (segs[0] + ".rs")).exists()):
                continue
            b = "::".join(segs[:depth])
            if b != a:
                edges[a].add(b)
                nodes.add(b)
    # Tarjan
    index, low, stack, on, sccs = {}, {}, [], set(), []
    counter = [0]
    sys.setrecursionlimit(10000)
    def strong(v):
        index[v] = low[v] = counter[0]; counter[0] += 1
        stack.append(v); on.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                strong(w); low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop(); on.discard(w); comp.append(w)
                if w == v: break
            sccs.append(sorted(comp))
    for v in sorted(nodes):
        if v not in index:
            strong(v)
    for a in sorted(edges):
        print(f"{a} -> {', '.join(sorted(edges[a]))}")
    cycles = [c for c in sccs if len(c) > 1]
    for c in cycles:
        print("CYCLE:", " <-> ".join(c))
    print(f"{len(nodes)} modules, {sum(len(e) for e in edges.values())} edges, {len(cycles)} cycles")
    sys.exit(1 if cycles else 0)

main()
