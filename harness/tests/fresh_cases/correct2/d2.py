#!/usr/bin/env python3
"""d2: lazy operations. A call that starts an operation makes no array round
trip: it passes the local gates (rescan busy, corrupt cache, allocation,
argument errors, the target's lock) and answers S_OK with an IVdsAsync at
once. The operation itself validates (GetTarget / GetPortalGroup / Snapshot)
and then sends its change. Every refusal the array's state warrants (deleted,
limit, LUNs, portals, portal missing or held elsewhere, name taken) ends the
operation (pHrResult) instead of the call. Cancel works until the change
request is sent: the cancel window is the validating round trip (no timer).
"""
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lib
from lib import (Fail, Ask, S_OK, E_INVALIDARG, WIN32_TIMEOUT, VDS_S_ALREADY_EXISTS,
                 VDS_E_OBJECT_DELETED, VDS_E_OBJECT_NOT_FOUND, VDS_E_OBJECT_EXISTS,
                 VDS_E_ASSOCIATED_LUNS_EXIST, VDS_E_ASSOCIATED_PORTALS_EXIST,
                 VDS_E_NAME_NOT_UNIQUE, VDS_E_BAD_PROVIDER_DATA, NIL_ID, Op)

lib.NAME = "d2-lazy-operations"

_orig_reset = lib.Provider.reset
def reset(self, seed):
    _orig_reset(self, seed)
    self.gt = {}  # group id -> target id, learned from every record seen
lib.Provider.reset = reset

def learn(p, body):
    if not isinstance(body, dict):
        return
    g = body.get("group")
    if isinstance(g, dict) and "target" in g:
        p.gt[g["id"]] = g["target"]
    for g in body.get("groups", []) or []:
        if isinstance(g, dict) and "target" in g:
            p.gt[g["id"]] = g["target"]
    snap = body.get("snapshot")
    if isinstance(snap, dict):
        for g in snap.get("groups", {}).values():
            p.gt[g["id"]] = g["target"]

_orig_ask = lib.Provider.ask
def ask(self, request, subject=None, want=None):
    body = yield from _orig_ask(self, request, subject, want)
    learn(self, body)
    return body
lib.Provider.ask = ask

def start_lazy(p, kind, claim, validate, change):
    """validate(): generator -> None to go on, or (hr, product) to end.
    change(): generator -> (hr, product). Cancel works until change() starts."""
    op = Op(kind, p.now, claim)
    p.ops = [o for o in p.ops if o.phase != "done"] + [op]

    def body():
        end = yield from validate()
        if op.phase != "queued":
            return None  # cancelled (or abandoned) while validating
        if end is not None:
            return end
        op.phase = "sent"
        return (yield from change())

    p.run(body(), lambda result: p.finish(op, result))
    return p.ptr("async", op)

def raw(p, request, subject):
    """One round trip; failures come back as a result, not raised."""
    kind, bodyv = yield Ask(request)
    if kind == "ok":
        learn(p, bodyv)
    return kind, bodyv

def target_create_portal_group(p, tid, call, args):
    p.enter()
    claim = p.claim(tid)

    def validate():
        reply = yield from p.target_of(tid)
        groups = reply["groups"]
        if len(groups) >= reply["group_limit"] and groups:
            return (VDS_S_ALREADY_EXISTS, ("group", groups[0]["id"]))
        return None

    def change():
        kind, body = yield from raw(p, {"op": "CreatePortalGroup", "target": tid}, tid)
        if kind == "ok" and body.get("reply") == "Group":
            return (S_OK, ("group", body["group"]["id"]))
        if kind == "refused" and body.get("error") == "GroupLimitReached" and body.get("lowest"):
            p.gt[body["lowest"]] = tid
            return (VDS_S_ALREADY_EXISTS, ("group", body["lowest"]))
        if kind == "timeout":
            return (WIN32_TIMEOUT, None)
        return (p.refusal(body, tid) if kind == "refused" else VDS_E_BAD_PROVIDER_DATA, None)

    return (S_OK, {"ppAsync": start_lazy(p, lib.OUT_CREATEPORTALGROUP, claim, validate, change)})

def target_delete(p, tid, call, args):
    p.enter()
    claim = p.claim(tid)

    def validate():
        t = (yield from p.target_of(tid))["target"]
        if t["luns"]:
            return (VDS_E_ASSOCIATED_LUNS_EXIST, None)
        return None

    def change():
        yield from p.ask({"op": "DeleteTarget", "target": tid}, tid)
        return (S_OK, None)

    return (S_OK, {"ppAsync": start_lazy(p, lib.OUT_DELETETARGET, claim, validate, change)})

def group_target(p, gid):
    """The group's target, from what was learned; a round trip only if unknown."""
    if gid in p.gt:
        return p.gt[gid]
    g = yield from p.group_of(gid)
    return g["target"]

def group_add_portal(p, gid, call, args):
    p.enter()
    portal = args.get("portalId")
    if not portal or portal == NIL_ID:
        raise Fail(E_INVALIDARG)
    tid = yield from group_target(p, gid)
    claim = p.claim(tid)

    def validate():
        snap = yield from p.snapshot()
        g = snap["groups"].get(gid)
        if g is None:
            return (VDS_E_OBJECT_DELETED, None)
        if portal not in snap["portals"]:
            return (VDS_E_OBJECT_NOT_FOUND, None)
        for other in snap["groups"].values():
            if other["target"] == g["target"] and other["id"] != gid and portal in other["portals"]:
                return (VDS_E_OBJECT_EXISTS, None)
        return None

    def change():
        yield from p.ask({"op": "AddPortal", "group": gid, "portal": portal}, gid)
        return (S_OK, None)

    return (S_OK, {"ppAsync": start_lazy(p, lib.OUT_ADDPORTAL, claim, validate, change)})

def group_remove_portal(p, gid, call, args):
    p.enter()
    portal = args.get("portalId")
    tid = yield from group_target(p, gid)
    claim = p.claim(tid)

    def validate():
        g = yield from p.group_of(gid)
        if portal not in g["portals"]:
            return (VDS_E_OBJECT_NOT_FOUND, None)
        return None

    def change():
        yield from p.ask({"op": "RemovePortal", "group": gid, "portal": portal}, gid)
        return (S_OK, None)

    return (S_OK, {"ppAsync": start_lazy(p, lib.OUT_REMOVEPORTAL, claim, validate, change)})

def group_delete(p, gid, call, args):
    p.enter()
    tid = yield from group_target(p, gid)
    claim = p.claim(tid)

    def validate():
        g = yield from p.group_of(gid)
        if g["portals"]:
            return (VDS_E_ASSOCIATED_PORTALS_EXIST, None)
        return None

    def change():
        yield from p.ask({"op": "DeletePortalGroup", "group": gid}, gid)
        return (S_OK, None)

    return (S_OK, {"ppAsync": start_lazy(p, lib.OUT_DELETEPORTALGROUP, claim, validate, change)})

def sub_create_target(p, _, call, args):
    p.enter()
    name = args.get("pwszIscsiName") or None
    friendly = args.get("pwszFriendlyName") or ""
    if name is not None and not lib.iscsi_name_well_formed(name):
        raise Fail(E_INVALIDARG)

    def validate():
        yield from p.subsystem_id()  # the subsystem still answers
        if name is not None:
            snap = yield from p.snapshot()
            if any(t["iscsi_name"] == name for t in snap["targets"].values()):
                return (VDS_E_NAME_NOT_UNIQUE, None)
        return None

    def change():
        reply = yield from p.ask({"op": "CreateTarget", "iscsi_name": name, "friendly_name": friendly}, None, "Target")
        return (S_OK, ("target", reply["target"]["id"]))

    return (S_OK, {"ppAsync": start_lazy(p, lib.OUT_CREATETARGET, None, validate, change)})

lib.HANDLERS[("target", "CreatePortalGroup")] = target_create_portal_group
lib.HANDLERS[("target", "Delete")] = target_delete
lib.HANDLERS[("group", "AddPortal")] = group_add_portal
lib.HANDLERS[("group", "RemovePortal")] = group_remove_portal
lib.HANDLERS[("group", "Delete")] = group_delete
lib.HANDLERS[("subsystem", "CreateTarget")] = sub_create_target

if __name__ == "__main__":
    sys.exit(lib.main(sys.argv[1:]))
