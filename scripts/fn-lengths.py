#!/usr/bin/env python3
"""List non-test functions longer than a threshold in Rust source trees.

Usage: scripts/fn-lengths.py [--max N] [--table FILE:FN]... [--min N] [ROOT ...]

Roots default to `sim/src harness/src` (run from the workspace root).
A function's length runs from its `fn` line to the closing brace at the
same indentation; everything after a file's first `#[cfg(test)]` is
skipped. Prints `LINES PATH NAME`, longest first, for functions longer
than --min (default 70). With --max N, exits 1 if any function is longer
than N, listing the offenders.
"""
import argparse
import os
import re
import signal
import sys

FN = re.compile(r'(\s*)(pub(\([^)]*\))?\s+)?(const\s+)?(async\s+)?fn\s+(\w+)')


def lengths(root):
    for dp, dn, fn in os.walk(root):
        dn.sort()
        for f in sorted(fn):
            if not f.endswith('.rs'):
                continue
            p = os.path.join(dp, f)
            with open(p) as fh:
                lines = fh.read().split('\n')
            i = 0
            while i < len(lines):
                l = lines[i]
                if re.match(r'\s*#\[cfg\(test\)\]', l):
                    break
                m = FN.match(l)
                if m:
                    ind = len(m.group(1))
                    j = i
                    opened = False
                    declaration = False
                    # find the closing brace at the same indentation; a
                    # signature that ends with `;` before any `{` (a trait's
                    # method without a body, on one line or several) is no
                    # function body and is not counted
                    while j < len(lines) and not (
                        lines[j].startswith(' ' * ind + '}')
                        and len(lines[j]) - len(lines[j].lstrip()) == ind
                    ):
                        opened = opened or '{' in lines[j]
                        if not opened and lines[j].rstrip().endswith(';'):
                            declaration = True
                            break
                        j += 1
                    if not declaration:
                        yield (j - i + 1, p, m.group(6))
                i += 1


def main():
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # quiet under `| head`
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('roots', nargs='*', default=['sim/src', 'harness/src'])
    ap.add_argument('--max', type=int, help='exit 1 if any function is longer than this')
    ap.add_argument('--min', type=int, default=70, help='list functions longer than this (default 70)')
    ap.add_argument('--table', action='append', default=[], metavar='FILE:FN',
                    help='a function that is a table (data, not logic), exempt from --max')
    a = ap.parse_args()
    res = sorted((r for root in a.roots for r in lengths(root)), reverse=True)
    if a.max is not None:
        tables = set(a.table)
        bad = [r for r in res if r[0] > a.max and f'{r[1]}:{r[2]}' not in tables]
        for r in bad:
            print(*r)
        if bad:
            print(f'{len(bad)} function(s) longer than {a.max} lines', file=sys.stderr)
            return 1
        return 0
    for r in res:
        if r[0] > a.min:
            print(*r)
    return 0


if __name__ == '__main__':
    sys.exit(main())
