#!/usr/bin/env python3
"""d6: per-target lock domain (declared explicitly) that also covers reads.

- Every call on a target or one of its portal groups (reads included:
  GetProperties, GetSubSystem, QueryPortalGroups, QueryAssociatedLuns,
  GetConnectedInitiators, group GetProperties/GetTarget/QueryAssociatedPortals)
  is refused VDS_E_ANOTHER_CALL_IN_PROGRESS while an operation on that target
  is in flight. The check is made late: after the call's round trip, when
  the group's target is known.
- QueryStatus reports progress by phase: 5% while queued, 50% once the
  request is at the array.
"""
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lib
from lib import Fail, S_OK, VDS_E_ANOTHER_CALL_IN_PROGRESS, failed

lib.NAME = "d6-target-domain-reads-busy"
lib.HELLO_EXTRA = {"lock_domain": "target"}

def busy_late(p, tid):
    if tid in p.busy:
        raise Fail(VDS_E_ANOTHER_CALL_IN_PROGRESS)

def target_read(inner):
    def handler(p, tid, call, args):
        result = yield from inner(p, tid, call, args)
        busy_late(p, tid)
        return result
    return handler

def group_read(fn):
    def handler(p, gid, call, args):
        g = yield from lib.group_record(p, gid)
        busy_late(p, g["target"])
        return fn(p, g)
    return handler

for name in ["GetProperties", "GetSubSystem", "QueryPortalGroups", "QueryAssociatedLuns", "GetConnectedInitiators"]:
    lib.HANDLERS[("target", name)] = target_read(lib.HANDLERS[("target", name)])

lib.HANDLERS[("group", "GetProperties")] = group_read(
    lambda p, g: (S_OK, {"pPortalGroupProp": {"id": g["id"], "tag": g["tag"]}}))
lib.HANDLERS[("group", "GetTarget")] = group_read(
    lambda p, g: (S_OK, {"ppTarget": p.ptr("target", g["target"])}))
lib.HANDLERS[("group", "QueryAssociatedPortals")] = group_read(
    lambda p, g: (S_OK, {"ppEnum": p.ptrs("portal", list(g["portals"]))}))

def op_QueryStatus(self, op, call, args):
    if op.phase == "done":
        pct = 0 if failed(op.hr) else 100
    elif op.phase == "queued":
        pct = 5
    else:
        pct = 50
    return (S_OK, {"pHrResult": lib.hx(op.hr), "pulPercentCompleted": pct})
lib.HANDLERS[("async", "QueryStatus")] = op_QueryStatus

if __name__ == "__main__":
    sys.exit(lib.main(sys.argv[1:]))
