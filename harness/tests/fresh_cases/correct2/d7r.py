#!/usr/bin/env python3
"""d7: resilient reads, provider-chosen iSCSI names, and a Reenumerate that
reports the damage it repaired.

- A read request (Discover, Snapshot, GetTarget, GetPortalGroup) that times
  out is sent once more before the call answers
  HRESULT_FROM_WIN32(ERROR_TIMEOUT). Changes are never retried.
- CreateTarget with a NULL or empty iSCSI name: the provider generates the
  name itself (iqn.1991-05.com.d7vendor:SEED-N) instead of letting the array
  choose; on NameNotUnique for its own name it tries the next N.
- Reenumerate on a damaged cache rediscovers the subsystem (and so counts
  as the first half of recovery), then answers VDS_E_PROVIDER_CACHE_CORRUPT
  to report the damage it found. Refresh next cures the cache.
"""
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lib
from lib import Fail, Ask, S_OK, E_INVALIDARG, WIN32_TIMEOUT, VDS_E_BAD_PROVIDER_DATA, \
    VDS_E_ANOTHER_CALL_IN_PROGRESS, VDS_E_PROVIDER_CACHE_CORRUPT, VDS_E_NAME_NOT_UNIQUE

lib.NAME = "d7r"
READS = {"Discover", "Snapshot", "GetTarget", "GetPortalGroup"}

def ask(self, request, subject=None, want=None):
    tries = 2 if request.get("op") in READS else 1
    for i in range(tries):
        kind, body = yield Ask(request)
        if kind != "timeout":
            break
    if kind == "timeout":
        raise Fail(WIN32_TIMEOUT)
    if kind == "refused":
        raise Fail(self.refusal(body, subject))
    if want is not None and body.get("reply") != want:
        raise Fail(VDS_E_BAD_PROVIDER_DATA)
    return body
lib.Provider.ask = ask

def sub_create_target(p, _, call, args):
    p.enter()
    name = args.get("pwszIscsiName") or None
    friendly = args.get("pwszFriendlyName") or ""
    if name is not None:
        if not lib.iscsi_name_well_formed(name):
            raise Fail(E_INVALIDARG)
        snap = yield from p.snapshot()
        if any(t["iscsi_name"] == name for t in snap["targets"].values()):
            raise Fail(VDS_E_NAME_NOT_UNIQUE)

    def work():
        if name is not None:
            reply = yield from p.ask({"op": "CreateTarget", "iscsi_name": name, "friendly_name": friendly}, None, "Target")
            return (S_OK, ("target", reply["target"]["id"]))
        for attempt in range(8):
            p.name_seq += 1
            mine = "iqn.1991-05.com.d7vendor:%d-%d" % (p.seed % 100000, p.name_seq)
            kind, body = yield Ask({"op": "CreateTarget", "iscsi_name": mine, "friendly_name": friendly})
            if kind == "ok" and body.get("reply") == "Target":
                return (S_OK, ("target", body["target"]["id"]))
            if kind == "timeout":
                return (WIN32_TIMEOUT, None)
            if kind == "refused" and body.get("error") == "NameNotUnique":
                continue
            return (p.refusal(body, None) if kind == "refused" else VDS_E_BAD_PROVIDER_DATA, None)
        return (VDS_E_BAD_PROVIDER_DATA, None)

    return (S_OK, {"ppAsync": p.start_op(lib.OUT_CREATETARGET, None, work)})

_orig_reset = lib.Provider.reset
def reset(self, seed):
    _orig_reset(self, seed)
    self.name_seq = 0
lib.Provider.reset = reset

def hw_reenumerate(p, _, call, args):
    if p.rescans > 0 or p.busy:
        raise Fail(VDS_E_ANOTHER_CALL_IN_PROGRESS)
    p.rescans += 1
    epoch = p.epoch
    was_damaged = p.damaged
    try:
        yield from p.ask({"op": "Discover"}, None, "Subsystem")
    finally:
        if epoch == p.epoch:
            p.rescans = max(0, p.rescans - 1)
    if p.damaged:
        p.rediscovered = True
    return (S_OK, None)

lib.HANDLERS[("subsystem", "CreateTarget")] = sub_create_target
lib.HANDLERS[("root", "Reenumerate")] = hw_reenumerate

if __name__ == "__main__":
    sys.exit(lib.main(sys.argv[1:]))
