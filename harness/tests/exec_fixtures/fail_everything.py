#!/usr/bin/env python3
"""A provider process that speaks the protocol faultlessly and answers every
call E_FAIL, suffering no fault: it tests nothing, so no selection of the
suite may pass it (harness/tests/no_green_without_a_test.rs)."""

import json
import sys

for line in sys.stdin:
    msg = json.loads(line)
    kind = msg["type"]
    if kind == "hello":
        reply = {"type": "hello_ok", "protocol": 1, "name": "fail-everything", "faults": []}
    elif kind == "call":
        reply = {"type": "reply", "call": msg["call"], "hr": "0x80004005"}
    else:
        reply = {"type": "done"}
    sys.stdout.write(json.dumps(reply) + "\n")
    sys.stdout.flush()
