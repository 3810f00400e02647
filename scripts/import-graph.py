#!/usr/bin/env python3
"""Draws the module import graph of a crate's src/ and reports its cycles.

Usage: scripts/import-graph.py sim/src [--depth N]

A node is a module path cut to DEPTH segments (default 1: the crate's top
modules). An edge A -> B means a file of A names `crate::B...`. Cycles are
the strongly connected components with more than one node. Exit 1 if any.
"""
import re, sys, pathlib, collections

def module_of(path, root):
    rel = path.relative_to(root).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] in ("mod", "lib", "main"):
        parts = parts[:-1]
    return parts

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
        for m in re.finditer(r"crate::((?:[a-z_][a-z0-9_]*::)*[a-z_][a-z0-9_]*)", src):
            segs = m.group(1).split("::")
            b = "::".join(segs[:depth])
            if b != a and (root / segs[0]).exists() or (root / (segs[0] + ".rs")).exists():
                if b != a:
                    edges[a].add(b)
                    nodes.add(b)
        # `use crate::{a, b::c}` groups
        for m in re.finditer(r"crate::\{([^}]*)\}", src):
            for item in m.group(1).split(","):
                segs = item.strip().split("::")
                if segs and segs[0] and ((root / segs[0]).exists() or (root / (segs[0] + ".rs")).exists()):
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
