#!/usr/bin/env python3
"""c8: different restart choices.

- A restart does NOT cure a corrupt cache: the damage stays until
  Reenumerate then Refresh (the restarted process reloads its cache from the
  same damaged store).  The protocol doc leaves this to the provider.
- A pending allocation failure (not yet reported) survives a restart: the
  next allocation after the fault still fails, whichever process makes it.
- Every call under way at the restart is answered VDS_E_PROVIDER_EXITING at
  once, in the restart's own turn (CreatePortalGroup included: it answers the
  code itself instead of handing back an abandoned operation).
"""
import sys, os
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lib
from lib import Fail, Ask, S_OK, VDS_S_ALREADY_EXISTS, VDS_E_OBJECT_EXISTS, WIN32_TIMEOUT, VDS_E_BAD_PROVIDER_DATA, OUT_CREATEPORTALGROUP

lib.NAME = "c8-restart-choices"
P = lib.Provider
_suffer = P.suffer


def suffer(self, msg):
    if msg.get("fault") == "restart" and "restart" in self.faults:
        damaged, alloc = self.damaged, self.fail_next_alloc
        applied = _suffer(self, msg)
        self.damaged, self.rediscovered = damaged, False
        self.fail_next_alloc = alloc
        # answer every call still under way now: its task is of the old epoch
        for key in sorted(self.waiting):
            task = self.waiting.pop(key)
            self.step(task, None)  # throws VDS_E_PROVIDER_EXITING into it
        return applied
    return _suffer(self, msg)


P.suffer = suffer


def target_create_portal_group(p, tid, call, args):
    p.enter()
    claim = p.claim(tid)
    try:
        reply = yield from p.target_of(tid)
    except Fail:
        p.unclaim(claim)
        raise  # VDS_E_PROVIDER_EXITING too, as CPG-RETURN-CODES allows
    groups = reply["groups"]
    if len(groups) >= reply["group_limit"]:
        p.unclaim(claim)
        if not groups:
            return (VDS_S_ALREADY_EXISTS, {"ppAsync": p.finished_op(OUT_CREATEPORTALGROUP, VDS_E_OBJECT_EXISTS, None)})
        op = p.finished_op(OUT_CREATEPORTALGROUP, S_OK, ("group", groups[0]["id"]))
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

    return (S_OK, {"ppAsync": p.start_op(OUT_CREATEPORTALGROUP, claim, work)})


lib.HANDLERS[("target", "CreatePortalGroup")] = target_create_portal_group

if __name__ == "__main__":
    sys.exit(lib.main(sys.argv[1:]))
