#!/usr/bin/env python3
"""A provider process that floods its output with log lines (about 10 MB
before its first answer) and then answers every call E_FAIL: its
transcript must stay bounded (harness/tests/exec_errors.rs)."""

import json
import sys

flooded = False
for line in sys.stdin:
    msg = json.loads(line)
    kind = msg["type"]
    if kind == "hello":
        reply = {"type": "hello_ok", "protocol": 1, "name": "flood", "faults": []}
    elif kind == "call":
        if not flooded:
            flooded = True
            log = json.dumps({"type": "log", "text": "x" * 80}) + "\n"
            sys.stdout.write(log * 110_000)
        reply = {"type": "reply", "call": msg["call"], "hr": "0x80004005"}
    else:
        reply = {"type": "done"}
    sys.stdout.write(json.dumps(reply) + "\n")
    sys.stdout.flush()
