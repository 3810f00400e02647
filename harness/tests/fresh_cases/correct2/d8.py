#!/usr/bin/env python3
"""d8: seeded choices.

- Each operation's cancel window (queue time before its request goes to
  the array) is drawn from the run's provider seed: 0 to 8 ms.
- At the group limit the call answers VDS_S_ALREADY_EXISTS and the
  operation hands back an existing group drawn from the seed (not always
  the lowest tag), with pHrResult VDS_S_ALREADY_EXISTS.
- Cancel on an operation that finished (not by cancellation) answers
  VDS_E_NOT_SUPPORTED; while it runs past its window, VDS_E_CANCEL_TOO_LATE.
"""
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lib
from lib import (Op, Sleep, Fail, S_OK, VDS_S_ALREADY_EXISTS, VDS_E_OBJECT_EXISTS, VDS_E_PROVIDER_EXITING,
                 VDS_E_NOT_SUPPORTED, VDS_E_CANCEL_TOO_LATE, VDS_E_OPERATION_CANCELED, VDS_E_BAD_PROVIDER_DATA,
                 WIN32_TIMEOUT, Ask)

lib.NAME = "d8-seeded"
M = (1 << 64) - 1

_orig_reset = lib.Provider.reset
def reset(self, seed):
    _orig_reset(self, seed)
    self.rng = (int(seed) ^ 0x9E3779B97F4A7C15) & M
lib.Provider.reset = reset

def draw(self, n):
    # splitmix64
    self.rng = (self.rng + 0x9E3779B97F4A7C15) & M
    z = self.rng
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
    z ^= z >> 31
    return z % n
lib.Provider.draw = draw

def start_op(self, kind, claim, work):
    op = Op(kind, self.now, claim)
    self.ops = [o for o in self.ops if o.phase != "done"] + [op]
    window = self.draw(9) * 1000

    def body():
        if window:
            yield Sleep(window)
        if op.phase != "queued":
            return None
        op.phase = "sent"
        return (yield from work())

    self.run(body(), lambda result: self.finish(op, result))
    return self.ptr("async", op)
lib.Provider.start_op = start_op

def op_Cancel(self, op, call, args):
    if op.phase == "queued":
        self.finish(op, (VDS_E_OPERATION_CANCELED, None))
        return (S_OK, None)
    if op.phase == "done":
        if op.hr == VDS_E_OPERATION_CANCELED:
            return (VDS_E_OPERATION_CANCELED, None)
        return (VDS_E_NOT_SUPPORTED, None)
    return (VDS_E_CANCEL_TOO_LATE, None)
lib.HANDLERS[("async", "Cancel")] = op_Cancel

def target_create_portal_group(p, tid, call, args):
    p.enter()
    claim = p.claim(tid)
    try:
        reply = yield from p.target_of(tid)
    except Fail as f:
        p.unclaim(claim)
        if f.hr == VDS_E_PROVIDER_EXITING:
            op = p.finished_op(lib.OUT_CREATEPORTALGROUP, VDS_E_PROVIDER_EXITING, None)
            return (S_OK, {"ppAsync": op})
        raise
    groups = reply["groups"]
    if len(groups) >= reply["group_limit"] and groups:
        p.unclaim(claim)
        pick = groups[p.draw(len(groups))]["id"]
        op = p.finished_op(lib.OUT_CREATEPORTALGROUP, VDS_S_ALREADY_EXISTS, ("group", pick))
        return (VDS_S_ALREADY_EXISTS, {"ppAsync": op})

    def work():
        kind, body = yield Ask({"op": "CreatePortalGroup", "target": tid})
        if kind == "ok" and body.get("reply") == "Group":
            return (S_OK, ("group", body["group"]["id"]))
        if kind == "refused" and body.get("error") == "GroupLimitReached" and body.get("lowest"):
            return (VDS_S_ALREADY_EXISTS, ("group", body["lowest"]))
        if kind == "timeout":
            return (WIN32_TIMEOUT, None)
        return (p.refusal(body, tid) if kind == "refused" else VDS_E_BAD_PROVIDER_DATA, None)

    return (S_OK, {"ppAsync": p.start_op(lib.OUT_CREATEPORTALGROUP, claim, work)})
lib.HANDLERS[("target", "CreatePortalGroup")] = target_create_portal_group

if __name__ == "__main__":
    sys.exit(lib.main(sys.argv[1:]))
