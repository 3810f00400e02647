#!/usr/bin/env python3
"""c3: decides "busy" (and every other gate) late.

Every call on a provider object first makes its validating array round trip,
and only when the array's answer is in does it look at the provider's state:
a Reenumerate/Refresh running (VDS_E_ANOTHER_CALL_IN_PROGRESS), a damaged cache
(VDS_E_PROVIDER_CACHE_CORRUPT), a pending allocation failure (E_OUTOFMEMORY),
and, for changes, an operation in flight on the target (busy, claim taken only
then).  Reenumerate and Refresh also do their array request first and refuse
themselves afterwards if another rescan or an operation is in flight.
"""
import sys, os
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lib
from lib import (Fail, Task, S_OK, VDS_S_ALREADY_EXISTS, VDS_E_OBJECT_EXISTS, VDS_E_PROVIDER_EXITING,
                 VDS_E_ANOTHER_CALL_IN_PROGRESS, VDS_E_PROVIDER_CACHE_CORRUPT, E_OUTOFMEMORY,
                 VDS_E_ASSOCIATED_LUNS_EXIST, WIN32_TIMEOUT, VDS_E_BAD_PROVIDER_DATA,
                 OUT_CREATEPORTALGROUP, OUT_DELETETARGET, Ask)

lib.NAME = "c3-late-gates"
P = lib.Provider


def gates(self):
    """The example's enter(), run after the call's first round trip."""
    if self.rescans > 0:
        raise Fail(VDS_E_ANOTHER_CALL_IN_PROGRESS)
    if self.damaged:
        raise Fail(VDS_E_PROVIDER_CACHE_CORRUPT)
    if self.fail_next_alloc:
        self.fail_next_alloc = False
        raise Fail(E_OUTOFMEMORY)


P.enter = lambda self: None  # nothing is looked at before the first round trip

_step = P.step


def step(self, task, value):
    self.cur_task = task
    _step(self, task, value)


P.step = step

_ask = P.ask


def ask(self, request, subject=None, want=None):
    task = getattr(self, "cur_task", None)
    kind, body = yield Ask(request)
    if task is not None and getattr(task, "gate", False):
        task.gate = False
        gates(self)  # late: the round trip is done, now look at the state
    if kind == "timeout":
        raise Fail(lib.WIN32_TIMEOUT)
    if kind == "refused":
        raise Fail(self.refusal(body, subject))
    if want is not None and body.get("reply") != want:
        raise Fail(VDS_E_BAD_PROVIDER_DATA)
    return body


P.ask = ask


def run_call(self, gen, done):
    t = Task(gen, done, self.epoch)
    t.gate = True
    self.step(t, None)


def on_call(self, msg):
    call, obj = msg["call"], msg["obj"]
    method = msg["method"]
    interface, _, name = method.partition("::")
    kind, payload = self.objs.get(obj, (None, None))
    handler = lib.HANDLERS.get((kind, name))
    if handler is None or interface != ("IVdsHwProvider" if kind == "root" else self.INTERFACES.get(kind)):
        self.answer(call, (lib.E_INVALIDARG, None))
        return
    result = handler(self, payload, call, msg.get("args") or {})
    if result is lib.PENDING:
        return
    if hasattr(result, "send"):
        gated = kind not in ("async",) and name not in ("Reenumerate", "Refresh")
        if gated:
            self.run_call(result, lambda r: self.answer(call, r))
        else:
            self.run(result, lambda r: self.answer(call, r))
    else:
        self.answer(call, result)


P.run_call = run_call
P.on_call = on_call


def target_create_portal_group(p, tid, call, args):
    try:
        reply = yield from p.target_of(tid)
    except Fail as f:
        if f.hr == VDS_E_PROVIDER_EXITING:
            op = p.finished_op(OUT_CREATEPORTALGROUP, VDS_E_PROVIDER_EXITING, None)
            return (S_OK, {"ppAsync": op})
        raise
    claim = p.claim(tid)  # late busy
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


def target_delete(p, tid, call, args):
    t = (yield from p.target_of(tid))["target"]
    claim = p.claim(tid)  # late busy
    if t["luns"]:
        p.unclaim(claim)
        raise Fail(VDS_E_ASSOCIATED_LUNS_EXIST)
    work = lib.plain_work(p, {"op": "DeleteTarget", "target": tid}, tid)
    return (S_OK, {"ppAsync": p.start_op(OUT_DELETETARGET, claim, work)})


def late_sync(request_of):
    """A synchronous change: its target's record first, then the gates and busy."""
    def handler(p, tid, call, args):
        req = request_of(p, args, tid)  # argument errors (E_POINTER...) first
        yield from p.target_of(tid)
        p.not_busy(tid)
        reply = yield from p.ask(req, tid)
        if req["op"] == "SetFriendlyName" and reply.get("truncated"):
            return (lib.VDS_S_NAME_TRUNCATED, None)
        return (S_OK, None)
    return handler


def req_friendly(p, args, tid):
    return {"op": "SetFriendlyName", "target": tid, "name": args.get("pwszFriendlyName") or ""}


def req_secret(p, args, tid):
    secret = args.get("pTargetSharedSecret")
    if lib.null_with_size(secret):
        raise Fail(lib.E_POINTER)
    if args.get("pwszInitiatorName") is not None:
        raise Fail(lib.VDS_E_INITIATOR_SPECIFIC_NOT_SUPPORTED)
    data = secret.get("pSharedSecret") if secret else None
    return {"op": "SetSharedSecret", "target": tid, "initiator": None, "secret": data}


def req_remember(p, args, tid):
    initiator = args.get("pwszInitiatorName")
    secret = args.get("pInitiatorSharedSecret")
    if initiator is None or lib.null_with_size(secret):
        raise Fail(lib.E_POINTER)
    data = secret.get("pSharedSecret") if secret else None
    return {"op": "RememberInitiatorSecret", "target": tid, "initiator": initiator, "secret": data}


def hw_rescan(request, is_refresh):
    def handler(p, _, call, args):
        p.rescans += 1
        epoch = p.epoch
        try:
            yield from p.ask(request, None)
            # late: only now look at the cache and for anything else in flight
            if is_refresh and p.damaged and not p.rediscovered:
                raise Fail(VDS_E_PROVIDER_CACHE_CORRUPT)
            if p.rescans > 1 or p.busy:
                raise Fail(VDS_E_ANOTHER_CALL_IN_PROGRESS)
        finally:
            if epoch == p.epoch:
                p.rescans = max(0, p.rescans - 1)
        if is_refresh:
            p.damaged, p.rediscovered = False, False
        elif p.damaged:
            p.rediscovered = True
        return (S_OK, None)
    return handler


def sub_create_target(p, _, call, args):
    name = args.get("pwszIscsiName") or None
    friendly = args.get("pwszFriendlyName") or ""
    if name is not None and not lib.iscsi_name_well_formed(name):
        raise Fail(lib.E_INVALIDARG)
    snap = yield from p.snapshot()  # validating round trip first, gates after it
    if name is not None and any(t["iscsi_name"] == name for t in snap["targets"].values()):
        raise Fail(lib.VDS_E_NAME_NOT_UNIQUE)

    def work():
        reply = yield from p.ask({"op": "CreateTarget", "iscsi_name": name, "friendly_name": friendly}, None, "Target")
        return (S_OK, ("target", reply["target"]["id"]))

    return (S_OK, {"ppAsync": p.start_op(lib.OUT_CREATETARGET, None, work)})


def portal_set_status(p, pid, call, args):
    status = lib.PORTAL_STATUS.get(args.get("status"))
    if status is None:
        raise Fail(lib.E_INVALIDARG)
    snap = yield from p.snapshot()  # validating round trip first, gates after it
    if pid not in snap["portals"]:
        raise Fail(lib.VDS_E_OBJECT_DELETED)
    yield from p.ask({"op": "SetPortalStatus", "portal": pid, "status": status}, pid)
    return (S_OK, None)


lib.HANDLERS.update({
    ("subsystem", "CreateTarget"): sub_create_target,
    ("portal", "SetStatus"): portal_set_status,
    ("target", "CreatePortalGroup"): target_create_portal_group,
    ("target", "Delete"): target_delete,
    ("target", "SetFriendlyName"): late_sync(req_friendly),
    ("target", "SetSharedSecret"): late_sync(req_secret),
    ("target", "RememberInitiatorSharedSecret"): late_sync(req_remember),
    ("root", "Reenumerate"): hw_rescan({"op": "Discover"}, False),
    ("root", "Refresh"): hw_rescan({"op": "Snapshot"}, True),
})

if __name__ == "__main__":
    sys.exit(lib.main(sys.argv[1:]))
