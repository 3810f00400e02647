#!/usr/bin/env python3
"""c1: a real read cache (the example has none).

The provider keeps a copy of the array (subsystem, targets, groups, portals),
loaded from one Snapshot on first use and again by every successful Refresh
(and after a restart, which drops it).  Every read (GetProperties, the Query
methods, GetSubSystem, GetTarget, GetConnectedInitiators,
QueryAssociatedLuns) is answered from the copy, without an array round trip.
Changes are validated against the array exactly as in the example, and each
answer of the array to a change of this provider updates the copy when it
arrives.  Deletions made behind the provider's back show only once it learns
of them: a Refresh, its own delete, or any NotFound the array gives it (or
a VDS_E_OBJECT_DELETED it answers).  A change whose request timed out leaves
the copy in doubt: it is dropped and reloaded on next use.  A Snapshot taken
while own changes were confirmed is patched with those changes (a log of own
confirmed changes is replayed over it), so a reload never loses one.
"""
import sys, os
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lib
from lib import Fail, Ask, S_OK, VDS_E_OBJECT_DELETED, VDS_E_PROVIDER_CACHE_CORRUPT, VDS_E_ANOTHER_CALL_IN_PROGRESS

lib.NAME = "c1-read-cache"
P = lib.Provider
CHANGES = {"CreateTarget", "DeleteTarget", "CreatePortalGroup", "DeletePortalGroup", "AddPortal",
           "RemovePortal", "SetFriendlyName", "SetSharedSecret", "RememberInitiatorSecret", "SetPortalStatus"}

_reset = P.reset


def reset(self, seed):
    _reset(self, seed)
    self.cache = None
    self.gen = 0  # bumped whenever the copy is dropped
    self.log = []  # (seq, fn) own confirmed changes and learned deletions
    self.seq = 0
    self.sent = {}  # req id -> request
    self.call_subject = {}


P.reset = reset

_suffer = P.suffer


def suffer(self, msg):
    applied = _suffer(self, msg)
    if applied and msg.get("fault") == "restart":
        self.cache, self.log, self.sent = None, [], {}
        self.gen += 1
    return applied


P.suffer = suffer


def record(self, fn):
    self.seq += 1
    self.log.append((self.seq, fn))
    if self.cache is not None:
        fn(self.cache)


P.record = record


def install(self, snap, since):
    c = {"sub": snap["subsystem"], "targets": {k: dict(v) for k, v in snap["targets"].items()},
         "groups": {k: dict(v) for k, v in snap["groups"].items()},
         "portals": {k: dict(v) for k, v in snap["portals"].items()}}
    for seq, fn in self.log:
        if seq > since:
            fn(c)
    self.cache = c


P.install = install

# ---- what a change does to the copy ----


def add_target(rec):
    def fn(c):
        c["targets"][rec["id"]] = dict(rec)
    return fn


def add_group(rec):
    def fn(c):
        if rec["target"] in c["targets"]:
            c["groups"][rec["id"]] = dict(rec)
    return fn


def forget(oid):
    def fn(c):
        c["targets"].pop(oid, None)
        c["groups"].pop(oid, None)
        for gid in [g for g, rec in c["groups"].items() if rec["target"] == oid]:
            del c["groups"][gid]
    return fn


def set_group(rec):
    def fn(c):
        if rec["id"] in c["groups"]:
            c["groups"][rec["id"]] = dict(rec)
    return fn


def set_target_field(tid, field, value):
    def fn(c):
        if tid in c["targets"]:
            c["targets"][tid][field] = value
    return fn


def set_portal(rec):
    def fn(c):
        c["portals"][rec["id"]] = dict(rec)
    return fn


_step = P.step


def step(self, task, value):
    # remember every array request sent, to learn from its answer
    before = self.next_id
    _step(self, task, value)
    for m in self.out:
        if m.get("type") == "array" and m["req"] > before:
            self.sent[m["req"]] = m["request"]


P.step = step


def learn(self, req, result):
    """An answer of the array to one of our requests arrives."""
    request = self.sent.pop(req, None)
    task = self.waiting.get(("req", req))
    if request is None or task is None or task.epoch != self.epoch:
        return  # abandoned work changes nothing
    kind, body = result
    op = request["op"]
    if kind == "refused":
        if body.get("error") == "NotFound" and body.get("id"):
            self.record(forget(body["id"]))
        return
    if kind == "timeout":
        if op in CHANGES:
            self.cache = None  # outcome unknown: reload on next use
            self.gen += 1
        return
    r = body.get("reply")
    if op == "CreateTarget" and r == "Target":
        self.record(add_target(body["target"]))
    elif op == "CreatePortalGroup" and r == "Group":
        self.record(add_group(body["group"]))
    elif op in ("DeleteTarget", "DeletePortalGroup") and r == "Done":
        self.record(forget(request.get("target") or request.get("group")))
    elif op in ("AddPortal", "RemovePortal") and r == "Group":
        self.record(set_group(body["group"]))
    elif op == "SetFriendlyName" and r == "Done":
        name = request["name"][:32] if body.get("truncated") else request["name"]
        self.record(set_target_field(request["target"], "friendly_name", name))
    elif op == "SetSharedSecret" and r == "Done":
        self.record(set_target_field(request["target"], "chap_enabled", bool(request.get("secret"))))
    elif op == "SetPortalStatus" and r == "Portal":
        self.record(set_portal(body["portal"]))


P.learn = learn

_turn = P.turn


def turn(self, msg):
    if msg.get("type") == "array_reply":
        self.learn(msg["req"], ("ok", msg["reply"]) if "reply" in msg else ("refused", msg["refused"]))
    elif msg.get("type") == "array_timeout":
        self.learn(msg["req"], ("timeout", None))
    _turn(self, msg)


P.turn = turn

_on_call = P.on_call


def on_call(self, msg):
    self.call_subject[msg["call"]] = self.objs.get(msg["obj"], (None, None))
    _on_call(self, msg)


P.on_call = on_call

_answer = P.answer


def answer(self, call, result):
    hr, _ = result
    kind, oid = self.call_subject.pop(call, (None, None))
    if hr == VDS_E_OBJECT_DELETED and kind in ("target", "group"):
        self.record(forget(oid))  # our own answer tells us
    _answer(self, call, result)


P.answer = answer


def ensure(p):
    """The copy, loading it if needed (use with yield from)."""
    while p.cache is None:
        gen, since = p.gen, p.seq
        snap = yield from p.snapshot()
        if p.gen == gen:
            p.install(snap, since)
    return p.cache


def target_rec(p, tid):
    p.enter()
    c = yield from ensure(p)
    t = c["targets"].get(tid)
    if t is None:
        raise Fail(VDS_E_OBJECT_DELETED)
    return c, t


def group_rec(p, gid):
    p.enter()
    c = yield from ensure(p)
    g = c["groups"].get(gid)
    if g is None:
        raise Fail(VDS_E_OBJECT_DELETED)
    return c, g


def portal_rec(p, pid):
    p.enter()
    c = yield from ensure(p)
    rec = c["portals"].get(pid)
    if rec is None:
        raise Fail(VDS_E_OBJECT_DELETED)
    return c, rec


def groups_of(c, tid):
    return sorted((g for g in c["groups"].values() if g["target"] == tid), key=lambda g: g["tag"])


def hw_query_subsystems(p, _, call, args):
    p.enter()
    c = yield from ensure(p)
    return (S_OK, {"ppEnum": [p.ptr("subsystem", c["sub"])]})


def sub_query(kind, section):
    def handler(p, _, call, args):
        p.enter()
        c = yield from ensure(p)
        return (S_OK, {"ppEnum": p.ptrs(kind, sorted(c[section]))})
    return handler


def target_get_properties(p, tid, call, args):
    c, t = yield from target_rec(p, tid)
    return (S_OK, {"pTargetProp": {"id": t["id"], "pwszIscsiName": t["iscsi_name"],
                                   "pwszFriendlyName": t["friendly_name"], "bChapEnabled": t["chap_enabled"]}})


def target_get_subsystem(p, tid, call, args):
    c, t = yield from target_rec(p, tid)
    return (S_OK, {"ppSubSystem": p.ptr("subsystem", c["sub"])})


def target_query_portal_groups(p, tid, call, args):
    c, t = yield from target_rec(p, tid)
    return (S_OK, {"ppEnum": p.ptrs("group", [g["id"] for g in groups_of(c, tid)])})


def target_field(field, out):
    def handler(p, tid, call, args):
        c, t = yield from target_rec(p, tid)
        return (S_OK, {out: list(t[field])})
    return handler


def group_get_properties(p, gid, call, args):
    c, g = yield from group_rec(p, gid)
    return (S_OK, {"pPortalGroupProp": {"id": g["id"], "tag": g["tag"]}})


def group_get_target(p, gid, call, args):
    c, g = yield from group_rec(p, gid)
    return (S_OK, {"ppTarget": p.ptr("target", g["target"])})


def group_query_portals(p, gid, call, args):
    c, g = yield from group_rec(p, gid)
    return (S_OK, {"ppEnum": p.ptrs("portal", list(g["portals"]))})


def portal_get_properties(p, pid, call, args):
    c, rec = yield from portal_rec(p, pid)
    return (S_OK, {"pPortalProp": {"id": rec["id"], "address": rec["address"], "status": rec["status"]}})


def portal_get_subsystem(p, pid, call, args):
    c, rec = yield from portal_rec(p, pid)
    return (S_OK, {"ppSubSystem": p.ptr("subsystem", c["sub"])})


def portal_query_groups(p, pid, call, args):
    c, rec = yield from portal_rec(p, pid)
    ids = [g["id"] for g in sorted(c["groups"].values(), key=lambda g: g["id"]) if pid in g["portals"]]
    return (S_OK, {"ppEnum": p.ptrs("group", ids)})


def hw_refresh(p, _, call, args):
    """Re-reads the array into the copy: repairs a damaged cache, but only after Reenumerate."""
    if p.damaged and not p.rediscovered:
        raise Fail(VDS_E_PROVIDER_CACHE_CORRUPT)
    if p.rescans > 0 or p.busy:
        raise Fail(VDS_E_ANOTHER_CALL_IN_PROGRESS)
    p.rescans += 1
    epoch, gen, since = p.epoch, p.gen, p.seq
    try:
        snap = yield from p.snapshot()
    finally:
        if epoch == p.epoch:
            p.rescans = max(0, p.rescans - 1)
    if p.damaged and not p.rediscovered:
        # damaged again while it ran, with no Reenumerate since: not cured
        raise Fail(VDS_E_PROVIDER_CACHE_CORRUPT)
    if p.gen == gen:
        p.install(snap, since)
    else:
        p.cache = None
    p.damaged, p.rediscovered = False, False
    return (S_OK, None)


lib.HANDLERS.update({
    ("root", "QuerySubSystems"): hw_query_subsystems,
    ("root", "Refresh"): hw_refresh,
    ("subsystem", "QueryTargets"): sub_query("target", "targets"),
    ("subsystem", "QueryPortals"): sub_query("portal", "portals"),
    ("target", "GetProperties"): target_get_properties,
    ("target", "GetSubSystem"): target_get_subsystem,
    ("target", "QueryPortalGroups"): target_query_portal_groups,
    ("target", "QueryAssociatedLuns"): target_field("luns", "ppEnum"),
    ("target", "GetConnectedInitiators"): target_field("connected_initiators", "ppwszInitiatorList"),
    ("group", "GetProperties"): group_get_properties,
    ("group", "GetTarget"): group_get_target,
    ("group", "QueryAssociatedPortals"): group_query_portals,
    ("portal", "GetProperties"): portal_get_properties,
    ("portal", "GetSubSystem"): portal_get_subsystem,
    ("portal", "QueryAssociatedPortalGroups"): portal_query_groups,
})

if __name__ == "__main__":
    sys.exit(lib.main(sys.argv[1:]))
