#!/usr/bin/env python3
"""d1: lock domain "subsystem" (declared) + refresh_alongside (declared).

- Every operation (CreateTarget included) holds the one subsystem: a second
  operation anywhere is refused VDS_E_ANOTHER_CALL_IN_PROGRESS; synchronous
  changes to targets are refused while the subsystem is held.
- Reenumerate and Refresh run alongside operations: they are refused only
  while another Reenumerate/Refresh runs; no call is refused because a
  rescan runs (calls are served during rescans).
"""
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lib
from lib import Fail, VDS_E_ANOTHER_CALL_IN_PROGRESS, VDS_E_PROVIDER_CACHE_CORRUPT, E_OUTOFMEMORY, S_OK

lib.NAME = "d1-subsystem-alongside"
lib.HELLO_EXTRA = {"lock_domain": "subsystem", "refresh_alongside": True}
DOMAIN = "SUBSYSTEM"

def enter(self):
    # rescans never make a call busy (refresh_alongside)
    if self.damaged:
        raise Fail(VDS_E_PROVIDER_CACHE_CORRUPT)
    if self.fail_next_alloc:
        self.fail_next_alloc = False
        raise Fail(E_OUTOFMEMORY)

def not_busy(self, target):
    if DOMAIN in self.busy:
        raise Fail(VDS_E_ANOTHER_CALL_IN_PROGRESS)

def claim(self, target):
    if DOMAIN in self.busy:
        raise Fail(VDS_E_ANOTHER_CALL_IN_PROGRESS)
    token = self.fresh()
    self.busy[DOMAIN] = token
    return (DOMAIN, token)

lib.Provider.enter = enter
lib.Provider.not_busy = not_busy
lib.Provider.claim = claim

def hw_reenumerate(p, _, call, args):
    if p.rescans > 0:
        raise Fail(VDS_E_ANOTHER_CALL_IN_PROGRESS)
    p.rescans += 1
    epoch = p.epoch
    try:
        yield from p.ask({"op": "Discover"}, None, "Subsystem")
    finally:
        if epoch == p.epoch:
            p.rescans = max(0, p.rescans - 1)
    if p.damaged:
        p.rediscovered = True
    return (S_OK, None)

def hw_refresh(p, _, call, args):
    if p.damaged and not p.rediscovered:
        raise Fail(VDS_E_PROVIDER_CACHE_CORRUPT)
    if p.rescans > 0:
        raise Fail(VDS_E_ANOTHER_CALL_IN_PROGRESS)
    p.rescans += 1
    epoch = p.epoch
    gen = p.dmg_gen
    try:
        yield from p.snapshot()
    finally:
        if epoch == p.epoch:
            p.rescans = max(0, p.rescans - 1)
    if epoch == p.epoch:
        if p.dmg_gen != gen:
            raise Fail(VDS_E_PROVIDER_CACHE_CORRUPT)
        p.damaged, p.rediscovered = False, False
    return (S_OK, None)

def sub_create_target(p, _, call, args):
    p.enter()
    name = args.get("pwszIscsiName") or None
    friendly = args.get("pwszFriendlyName") or ""
    if name is not None and not lib.iscsi_name_well_formed(name):
        raise Fail(lib.E_INVALIDARG)
    claim = p.claim(None)
    try:
        if name is not None:
            snap = yield from p.snapshot()
            if any(t["iscsi_name"] == name for t in snap["targets"].values()):
                raise Fail(lib.VDS_E_NAME_NOT_UNIQUE)
    except Fail:
        p.unclaim(claim)
        raise

    def work():
        reply = yield from p.ask({"op": "CreateTarget", "iscsi_name": name, "friendly_name": friendly}, None, "Target")
        return (S_OK, ("target", reply["target"]["id"]))

    return (S_OK, {"ppAsync": p.start_op(lib.OUT_CREATETARGET, claim, work)})

lib.HANDLERS[("root", "Reenumerate")] = hw_reenumerate
lib.HANDLERS[("root", "Refresh")] = hw_refresh
lib.HANDLERS[("subsystem", "CreateTarget")] = sub_create_target

if __name__ == "__main__":
    sys.exit(lib.main(sys.argv[1:]))
