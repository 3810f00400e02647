#!/usr/bin/env python3
"""A provider process that breaks the stdio protocol on its first call, in
the way named by its argument, for harness/tests/exec_errors.rs:

- exit:    exits (status 3) instead of answering
- hang:    never answers (sleeps until killed)
- garbage: writes a line that is not JSON
- twice:   answers the call, then answers it again in the next turn
- unknown: writes a message of an unknown type
"""

import json
import sys
import time

how = sys.argv[1]
answered = False


def say(msg):
    sys.stdout.write((msg if isinstance(msg, str) else json.dumps(msg)) + "\n")
    sys.stdout.flush()


for line in sys.stdin:
    msg = json.loads(line)
    kind = msg["type"]
    if kind == "hello":
        say({"type": "hello_ok", "protocol": 1, "name": "misbehave-" + how, "faults": []})
    elif kind == "call" and not answered:
        answered = True
        if how == "exit":
            sys.exit(3)
        if how == "hang":
            time.sleep(3600)
        if how == "garbage":
            say("this is not JSON")
            continue
        if how == "unknown":
            say({"type": "teleport", "call": msg["call"]})
            continue
        # twice: a failure now, and the same reply again at the next turn.
        say({"type": "reply", "call": msg["call"], "hr": "0x80004005"})
        pending_twice = msg["call"]
    elif how == "twice" and answered:
        say({"type": "reply", "call": pending_twice, "hr": "0x80004005"})
        say({"type": "done"} if kind != "call" else {"type": "reply", "call": msg["call"], "hr": "0x80004005"})
    else:
        say({"type": "done"} if kind != "call" else {"type": "reply", "call": msg["call"], "hr": "0x80004005"})
