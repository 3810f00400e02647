#!/usr/bin/env python3
"""A VDS iSCSI hardware provider in Python, for the stdio provider protocol.

Run it through the conformance suite:

    vds-harness run --provider "exec:python3 harness/examples/python_provider/provider.py"

The harness owns the array, the link, virtual time and the clients; this
program owns only the provider's logic. It reads one JSON message per line
on stdin and answers on stdout (docs/provider-protocol.md). Standard
library only; no clock, no randomness: given the same messages it writes
the same answers. A `hello` resets it, so one process serves run after run.

Design, written from the contract (the protocol document, the VDS
return-code tables, `vds-harness profile` and vds_sim's outcome list), not
from the reference provider:

- Almost no cache. Every call reads what it needs from the array; the
  provider keeps only a health flag for what it has learned (the
  contract's "cache"). A cache_corruption fault marks it damaged: every
  call but IVdsAsync's answers VDS_E_PROVIDER_CACHE_CORRUPT until
  Reenumerate (which rediscovers the subsystem) and then Refresh (which
  re-reads the array) have both succeeded, in that order.
- Every call is a Python generator. It yields `Ask(request)` to talk to
  the array or `Sleep(us)` to wait, and returns `(hr, out)`; a `Fail(hr)`
  raised anywhere ends it with that code. A call that does not yield is
  answered in its own turn; one that does is answered `pending`, and its
  reply goes out in the turn where it finishes.
- An operation (IVdsAsync) queues for QUEUE_US (the only time Cancel
  works), then sends its one request. A changing operation claims its
  target for its whole life (VDS_E_ANOTHER_CALL_IN_PROGRESS for another).
- A restart bumps an epoch: operations in flight end with
  VDS_E_PROVIDER_EXITING, and a call that was waiting on the array when
  it happened wakes up to that code (CreatePortalGroup, for which it is
  not a documented return code, hands back an operation that ended so).

`--break NAME` makes it wrong on purpose (see BREAKS) so that a test can
show that the suite notices. `--without FAULT` (cache_corruption, restart,
allocation_failure) leaves a provider-side fault out of the handshake, as
a provider that cannot suffer it would: the checks and Gherkin scenarios
that need it are then skipped.
"""

import json
import sys

PROTOCOL = 1

# HRESULTs (winerror.h / vdserr.h values).
S_OK = 0x00000000
E_POINTER = 0x80004003
E_OUTOFMEMORY = 0x8007000E
E_INVALIDARG = 0x80070057
WIN32_TIMEOUT = 0x800705B4
VDS_E_NOT_SUPPORTED = 0x80042400
VDS_E_ANOTHER_CALL_IN_PROGRESS = 0x80042404
VDS_E_OBJECT_NOT_FOUND = 0x80042405
VDS_E_OPERATION_PENDING = 0x80042409
VDS_E_OBJECT_DELETED = 0x8004240B
VDS_E_CANCEL_TOO_LATE = 0x8004240C
VDS_E_OPERATION_CANCELED = 0x8004240D
VDS_E_OBJECT_EXISTS = 0x8004241D
VDS_E_PROVIDER_CACHE_CORRUPT = 0x8004241F
VDS_E_BAD_PROVIDER_DATA = 0x80042441
VDS_E_PROVIDER_EXITING = 0x80042514
VDS_S_ALREADY_EXISTS = 0x00042714
VDS_S_NAME_TRUNCATED = 0x00042700
VDS_E_NAME_NOT_UNIQUE = 0x80042701
VDS_E_INITIATOR_SPECIFIC_NOT_SUPPORTED = 0x80042707
VDS_E_ASSOCIATED_LUNS_EXIST = 0x8004270B
VDS_E_ASSOCIATED_PORTALS_EXIST = 0x8004270C

# VDS_ASYNC_OUTPUT_TYPE values.
OUT_CREATETARGET = 62
OUT_CREATEPORTALGROUP = 63
OUT_DELETETARGET = 64
OUT_ADDPORTAL = 65
OUT_REMOVEPORTAL = 66
OUT_DELETEPORTALGROUP = 67

# VDS_ISCSI_PORTAL_STATUS values a caller may set.
PORTAL_STATUS = {"VDS_IPS_ONLINE": 1, "VDS_IPS_OFFLINE": 4}

NIL_ID = "{00000000-0000-0000-0000-000000000000}"

QUEUE_US = 3_000  # an operation's cancel window
ESTIMATE_US = 50_000  # what QueryStatus's percentage is scaled to

BREAKS = {
    "wrong-output-type": "a finished target Delete reports type 67 (portal-group Delete)",
    "ok-at-limit": "CreatePortalGroup on a target at its group limit answers S_OK",
    "pointer-after-failure": "a failed CreatePortalGroup's Wait hands back a non-NULL group pointer",
    "no-busy": "no per-target serialisation: overlapping changes are all accepted",
    "root-released": "the first release of the root ends it: later calls on it answer E_INVALIDARG",
}


def failed(hr):
    return hr & 0x80000000 != 0


def hx(hr):
    return "0x%08X" % hr


# One encoder for every message (json.dumps with separators builds one a call).
ENCODE = json.JSONEncoder(separators=(",", ":")).encode


class Fail(Exception):
    """Ends a call or an operation with a failure code."""

    def __init__(self, hr):
        super().__init__(hx(hr))
        self.hr = hr


class Ask:
    """Yielded by a task: send this request to the array."""

    def __init__(self, request):
        self.request = request


class Sleep:
    """Yielded by a task: resume after this many simulated microseconds."""

    def __init__(self, us):
        self.us = us


PENDING = object()  # a call's handler returns it when another event will answer


class Task:
    """A running generator and what to do with its result."""

    def __init__(self, gen, done, epoch):
        self.gen = gen
        self.done = done
        self.epoch = epoch


class Op:
    """One asynchronous operation, as IVdsAsync shows it."""

    def __init__(self, kind, started, claim):
        self.kind = kind
        self.started = started
        self.claim = claim  # (target, token) it holds busy, or None
        self.phase = "queued"  # then "sent", then "done"
        self.hr = VDS_E_OPERATION_PENDING
        self.product = None  # ("group" | "target", id) after success
        self.waiters = []  # calls (Wait) to answer when it ends
        self.last_pct = 0


def iscsi_name_well_formed(name):
    """The profile's rule for a chosen iSCSI name (else E_INVALIDARG)."""
    return (
        (name.startswith("iqn.") or name.startswith("eui."))
        and len(name.encode("utf-8")) <= 223
        and " " not in name
    )


def null_with_size(secret):
    """A shared secret whose buffer is NULL but whose size is not zero."""
    return secret is not None and secret.get("pSharedSecret") is None and secret.get("ulSharedSecretSize", 0) > 0


FAULTS = ["cache_corruption", "restart", "allocation_failure"]


class Provider:
    """The provider's whole state, and the protocol's turns."""

    def __init__(self, broken, write, faults=FAULTS):
        self.broken = broken
        self.write = write
        self.faults = list(faults)  # the provider-side faults it takes
        self.reset(0)

    def reset(self, seed):
        self.seed = seed  # this provider makes no random choices
        self.now = 0
        self.objs = {"root": ("root", None)}  # obj -> (kind, payload)
        self.next_id = 0
        self.waiting = {}  # ("req" | "timer", n) -> Task
        self.busy = {}  # target id -> claim token
        self.rescans = 0  # Reenumerate/Refresh calls under way
        self.fail_next_alloc = False
        self.damaged = False  # the cache is corrupt
        self.rediscovered = False  # Reenumerate has run since it was damaged
        self.epoch = 0  # bumped by each restart
        self.ops = []  # operations that may still be running
        self.out = []  # messages of the turn under way
        self.turn_call = None  # the call whose turn is open, if any
        self.turn_end = None  # the message that will end the turn

    def fresh(self):
        self.next_id += 1
        return self.next_id

    # ---- turns -----------------------------------------------------------

    def turn(self, msg):
        self.out, self.turn_call, self.turn_end = [], None, None
        self.now = msg.get("t_us", self.now)
        kind = msg.get("type")
        if kind == "hello":
            # The seed as a decimal string: exact in any language.
            self.reset(int(msg.get("seed_decimal", "0")))
            self.turn_end = {"type": "hello_ok", "protocol": PROTOCOL, "name": "python-example", "faults": self.faults}
        elif kind == "call":
            self.turn_call = msg["call"]
            self.on_call(msg)
            if self.turn_end is None:
                self.turn_end = {"type": "pending", "call": msg["call"]}
        elif kind == "release":
            # Every client holds the root; it lives for the whole run.
            if msg["obj"] != "root" or "root-released" in self.broken:
                self.objs.pop(msg["obj"], None)
        elif kind == "array_reply":
            result = ("ok", msg["reply"]) if "reply" in msg else ("refused", msg["refused"])
            self.resume(("req", msg["req"]), result)
        elif kind == "array_timeout":
            self.resume(("req", msg["req"]), ("timeout", None))
        elif kind == "fire":
            self.resume(("timer", msg["timer"]), None)
        elif kind == "fault":
            self.turn_end = {"type": "done", "applied": self.suffer(msg)}
        if self.turn_end is None:
            self.turn_end = {"type": "done"}
        # The whole turn in one write: one wake-up of the harness, not one a line.
        self.write("".join(ENCODE(m) + "\n" for m in self.out + [self.turn_end]))

    def answer(self, call, result):
        hr, out = result
        reply = {"type": "reply", "call": call, "hr": hx(hr)}
        if out is not None:
            reply["out"] = out
        if call == self.turn_call and self.turn_end is None:
            self.turn_end = reply
        else:
            self.out.append(reply)

    # ---- tasks -----------------------------------------------------------

    def run(self, gen, done):
        """Starts a task; `done` gets its `(hr, out)`."""
        self.step(Task(gen, done, self.epoch), None)

    def step(self, task, value):
        try:
            if task.epoch != self.epoch:
                item = task.gen.throw(Fail(VDS_E_PROVIDER_EXITING))
            else:
                item = task.gen.send(value)
        except StopIteration as end:
            task.done(end.value)
            return
        except Fail as f:
            task.done((f.hr, None))
            return
        n = self.fresh()
        if isinstance(item, Ask):
            self.waiting[("req", n)] = task
            self.out.append({"type": "array", "req": n, "request": item.request})
        else:
            self.waiting[("timer", n)] = task
            self.out.append({"type": "timer", "timer": n, "after_us": item.us})

    def resume(self, key, value):
        task = self.waiting.pop(key, None)
        if task is not None:
            self.step(task, value)

    # ---- talking to the array ----------------------------------------------

    def refusal(self, err, subject):
        e = err.get("error")
        if e == "NotFound":
            return VDS_E_OBJECT_DELETED if err.get("id") == subject else VDS_E_OBJECT_NOT_FOUND
        return {
            "NameNotUnique": VDS_E_NAME_NOT_UNIQUE,
            "AssociatedLunsExist": VDS_E_ASSOCIATED_LUNS_EXIST,
            "AssociatedPortalsExist": VDS_E_ASSOCIATED_PORTALS_EXIST,
            "PortalInUse": VDS_E_OBJECT_EXISTS,
            "InvalidParameter": E_INVALIDARG,
        }.get(e, VDS_E_BAD_PROVIDER_DATA)

    def ask(self, request, subject=None, want=None):
        """One round trip (use with `yield from`): the array's reply, or Fail."""
        kind, body = yield Ask(request)
        if kind == "timeout":
            raise Fail(WIN32_TIMEOUT)
        if kind == "refused":
            raise Fail(self.refusal(body, subject))
        if want is not None and body.get("reply") != want:
            raise Fail(VDS_E_BAD_PROVIDER_DATA)
        return body

    def target_of(self, tid):
        return (yield from self.ask({"op": "GetTarget", "target": tid}, tid, "Target"))

    def group_of(self, gid):
        return (yield from self.ask({"op": "GetPortalGroup", "group": gid}, gid, "Group"))["group"]

    def snapshot(self):
        return (yield from self.ask({"op": "Snapshot"}, None, "Snapshot"))["snapshot"]

    def subsystem_id(self):
        return (yield from self.ask({"op": "Discover"}, None, "Subsystem"))["id"]

    # ---- gates and claims ---------------------------------------------------

    def enter(self):
        """What every call but IVdsAsync's passes first."""
        if self.rescans > 0:
            raise Fail(VDS_E_ANOTHER_CALL_IN_PROGRESS)
        if self.damaged:
            raise Fail(VDS_E_PROVIDER_CACHE_CORRUPT)
        if self.fail_next_alloc:
            self.fail_next_alloc = False
            raise Fail(E_OUTOFMEMORY)

    def not_busy(self, target):
        """A change to a target while an operation on it is in flight is refused."""
        if target in self.busy and "no-busy" not in self.broken:
            raise Fail(VDS_E_ANOTHER_CALL_IN_PROGRESS)

    def claim(self, target):
        if target in self.busy and "no-busy" not in self.broken:
            raise Fail(VDS_E_ANOTHER_CALL_IN_PROGRESS)
        token = self.fresh()
        self.busy[target] = token
        return (target, token)

    def unclaim(self, claim):
        if claim is not None and self.busy.get(claim[0]) == claim[1]:
            del self.busy[claim[0]]

    # ---- pointers ------------------------------------------------------------

    INTERFACES = {
        "subsystem": "IVdsSubSystemIscsi",
        "target": "IVdsIscsiTarget",
        "group": "IVdsIscsiPortalGroup",
        "portal": "IVdsIscsiPortal",
        "async": "IVdsAsync",
    }

    def ptr(self, kind, payload):
        """A fresh object for one pointer handed out."""
        obj = "%s%d" % (kind[0], self.fresh())
        self.objs[obj] = (kind, payload)
        vds_id = None if kind == "async" else payload
        return {"obj": obj, "interface": self.INTERFACES[kind], "id": vds_id}

    def ptrs(self, kind, ids):
        return [self.ptr(kind, i) for i in ids]

    # ---- faults ----------------------------------------------------------------

    def suffer(self, msg):
        fault = msg.get("fault")
        if fault not in self.faults:
            return False
        if fault == "allocation_failure":
            self.fail_next_alloc = True
            return True
        if fault == "cache_corruption":
            self.damaged, self.rediscovered = True, False
            return True
        if fault == "restart":
            self.epoch += 1
            self.damaged, self.rediscovered = False, False
            self.busy.clear()
            self.rescans = 0
            ops, self.ops = self.ops, []
            for op in ops:
                self.finish(op, (VDS_E_PROVIDER_EXITING, None))
            return True
        return False

    # ---- operations (IVdsAsync) --------------------------------------------------

    def start_op(self, kind, claim, work):
        """Starts an operation doing `work()` (a generator returning
        `(hr, product)`) after its queue time; returns its pointer."""
        op = Op(kind, self.now, claim)
        self.ops = [o for o in self.ops if o.phase != "done"] + [op]

        def body():
            yield Sleep(QUEUE_US)
            if op.phase != "queued":
                return None  # cancelled or abandoned meanwhile
            op.phase = "sent"
            return (yield from work())

        self.run(body(), lambda result: self.finish(op, result))
        return self.ptr("async", op)

    def finished_op(self, kind, hr, product):
        op = Op(kind, self.now, None)
        self.finish(op, (hr, product))
        return self.ptr("async", op)

    def finish(self, op, result):
        """Ends `op` (the first end wins) and answers its waiting Waits."""
        if result is None or op.phase == "done":
            return
        op.phase = "done"
        op.hr, op.product = result
        self.unclaim(op.claim)
        waiters, op.waiters = op.waiters, []
        for call in waiters:
            self.answer(call, self.wait_result(op))

    def wait_result(self, op):
        out = {"type": op.kind}
        if failed(op.hr):
            if "pointer-after-failure" in self.broken and op.kind == OUT_CREATEPORTALGROUP:
                out["cpg"] = {"pPortalGroupUnk": {"obj": "g-bogus", "interface": "IVdsIscsiPortalGroup", "id": None}}
        elif op.product is not None:
            kind, vds_id = op.product
            if kind == "group":
                out["cpg"] = {"pPortalGroupUnk": self.ptr("group", vds_id)}
            else:
                out["ct"] = {"pTargetUnk": self.ptr("target", vds_id)}
        elif "wrong-output-type" in self.broken and op.kind == OUT_DELETETARGET:
            out["type"] = OUT_DELETEPORTALGROUP
        return (S_OK, {"pHrResult": hx(op.hr), "pAsyncOut": out})

    def op_Wait(self, op, call, args):
        if op.phase == "done":
            return self.wait_result(op)
        op.waiters.append(call)
        return PENDING

    def op_Cancel(self, op, call, args):
        if op.phase == "queued":
            self.finish(op, (VDS_E_OPERATION_CANCELED, None))
            return (S_OK, None)
        if op.phase == "done" and op.hr == VDS_E_OPERATION_CANCELED:
            return (VDS_E_OPERATION_CANCELED, None)
        return (VDS_E_CANCEL_TOO_LATE, None)

    def op_QueryStatus(self, op, call, args):
        if op.phase == "done":
            pct = 0 if failed(op.hr) else 100
        else:
            pct = max(op.last_pct, min(99, (self.now - op.started) * 100 // ESTIMATE_US))
            op.last_pct = pct
        return (S_OK, {"pHrResult": hx(op.hr), "pulPercentCompleted": pct})

    # ---- calls -----------------------------------------------------------------------

    def on_call(self, msg):
        call, obj = msg["call"], msg["obj"]
        method = msg["method"]
        interface, _, name = method.partition("::")
        kind, payload = self.objs.get(obj, (None, None))
        handler = HANDLERS.get((kind, name))
        if handler is None or interface != ("IVdsHwProvider" if kind == "root" else self.INTERFACES.get(kind)):
            self.answer(call, (E_INVALIDARG, None))
            return
        result = handler(self, payload, call, msg.get("args") or {})
        if result is PENDING:
            return
        if hasattr(result, "send"):  # a generator: runs until it returns
            self.run(result, lambda r: self.answer(call, r))
        else:
            self.answer(call, result)


# ---- the methods, by (object kind, method name) ----------------------------------
# Each takes (provider, payload, call, args) and returns (hr, out), PENDING,
# or a generator that returns (hr, out).


def hw_query_subsystems(p, _, call, args):
    p.enter()
    sub = yield from p.subsystem_id()
    return (S_OK, {"ppEnum": [p.ptr("subsystem", sub)]})


def hw_reenumerate(p, _, call, args):
    """Rediscovers the subsystem: the first half of recovering a damaged cache."""
    if p.rescans > 0 or p.busy:
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
    """Re-reads the array: repairs a damaged cache, but only after Reenumerate."""
    if p.damaged and not p.rediscovered:
        raise Fail(VDS_E_PROVIDER_CACHE_CORRUPT)
    if p.rescans > 0 or p.busy:
        raise Fail(VDS_E_ANOTHER_CALL_IN_PROGRESS)
    p.rescans += 1
    epoch = p.epoch
    try:
        yield from p.snapshot()
    finally:
        if epoch == p.epoch:
            p.rescans = max(0, p.rescans - 1)
    if epoch == p.epoch:
        p.damaged, p.rediscovered = False, False
    return (S_OK, None)


def sub_query(kind, section):
    def handler(p, _, call, args):
        p.enter()
        snap = yield from p.snapshot()
        return (S_OK, {"ppEnum": p.ptrs(kind, list(snap[section]))})

    return handler


def sub_create_target(p, _, call, args):
    p.enter()
    name = args.get("pwszIscsiName") or None
    friendly = args.get("pwszFriendlyName") or ""
    if name is not None:
        if not iscsi_name_well_formed(name):
            raise Fail(E_INVALIDARG)
        snap = yield from p.snapshot()
        if any(t["iscsi_name"] == name for t in snap["targets"].values()):
            raise Fail(VDS_E_NAME_NOT_UNIQUE)

    def work():
        reply = yield from p.ask({"op": "CreateTarget", "iscsi_name": name, "friendly_name": friendly}, None, "Target")
        return (S_OK, ("target", reply["target"]["id"]))

    return (S_OK, {"ppAsync": p.start_op(OUT_CREATETARGET, None, work)})


def not_supported(p, _, call, args):
    return (VDS_E_NOT_SUPPORTED, None)


def target_record(p, tid):
    p.enter()
    return (yield from p.target_of(tid))["target"]


def target_get_properties(p, tid, call, args):
    t = yield from target_record(p, tid)
    prop = {
        "id": t["id"],
        "pwszIscsiName": t["iscsi_name"],
        "pwszFriendlyName": t["friendly_name"],
        "bChapEnabled": t["chap_enabled"],
    }
    return (S_OK, {"pTargetProp": prop})


def target_get_subsystem(p, tid, call, args):
    yield from target_record(p, tid)
    sub = yield from p.subsystem_id()
    return (S_OK, {"ppSubSystem": p.ptr("subsystem", sub)})


def target_query_portal_groups(p, tid, call, args):
    p.enter()
    reply = yield from p.target_of(tid)
    return (S_OK, {"ppEnum": p.ptrs("group", [g["id"] for g in reply["groups"]])})


def target_field(field, out):
    def handler(p, tid, call, args):
        t = yield from target_record(p, tid)
        return (S_OK, {out: t[field]})

    return handler


def target_create_portal_group(p, tid, call, args):
    p.enter()
    claim = p.claim(tid)
    try:
        reply = yield from p.target_of(tid)
    except Fail as f:
        p.unclaim(claim)
        if f.hr == VDS_E_PROVIDER_EXITING:
            # A restart came while we asked: CreatePortalGroup's own codes do
            # not include it, so hand back an operation that it abandoned.
            op = p.finished_op(OUT_CREATEPORTALGROUP, VDS_E_PROVIDER_EXITING, None)
            return (S_OK, {"ppAsync": op})
        raise
    groups = reply["groups"]
    if len(groups) >= reply["group_limit"]:
        p.unclaim(claim)
        # At the limit: no new group; Wait hands back the target's first group.
        hr = S_OK if "ok-at-limit" in p.broken else VDS_S_ALREADY_EXISTS
        if not groups:
            return (hr, {"ppAsync": p.finished_op(OUT_CREATEPORTALGROUP, VDS_E_OBJECT_EXISTS, None)})
        op = p.finished_op(OUT_CREATEPORTALGROUP, S_OK, ("group", groups[0]["id"]))
        return (hr, {"ppAsync": op})

    def work():
        kind, body = yield Ask({"op": "CreatePortalGroup", "target": tid})
        if kind == "ok" and body.get("reply") == "Group":
            return (S_OK, ("group", body["group"]["id"]))
        if kind == "refused" and body.get("error") == "GroupLimitReached" and body.get("lowest"):
            # Others filled the target meanwhile: an existing group, as at the limit.
            return (VDS_S_ALREADY_EXISTS, ("group", body["lowest"]))
        if kind == "timeout":
            return (WIN32_TIMEOUT, None)
        return (p.refusal(body, tid) if kind == "refused" else VDS_E_BAD_PROVIDER_DATA, None)

    return (S_OK, {"ppAsync": p.start_op(OUT_CREATEPORTALGROUP, claim, work)})


def plain_work(p, request, subject):
    def work():
        yield from p.ask(request, subject)
        return (S_OK, None)

    return work


def target_delete(p, tid, call, args):
    p.enter()
    claim = p.claim(tid)
    try:
        t = (yield from p.target_of(tid))["target"]
        if t["luns"]:
            raise Fail(VDS_E_ASSOCIATED_LUNS_EXIST)
    except Fail:
        p.unclaim(claim)
        raise
    work = plain_work(p, {"op": "DeleteTarget", "target": tid}, tid)
    return (S_OK, {"ppAsync": p.start_op(OUT_DELETETARGET, claim, work)})


def target_set_friendly_name(p, tid, call, args):
    p.enter()
    p.not_busy(tid)
    req = {"op": "SetFriendlyName", "target": tid, "name": args.get("pwszFriendlyName") or ""}
    reply = yield from p.ask(req, tid, "Done")
    return (VDS_S_NAME_TRUNCATED if reply.get("truncated") else S_OK, None)


def target_set_shared_secret(p, tid, call, args):
    secret = args.get("pTargetSharedSecret")
    if null_with_size(secret):
        raise Fail(E_POINTER)
    if args.get("pwszInitiatorName") is not None:
        raise Fail(VDS_E_INITIATOR_SPECIFIC_NOT_SUPPORTED)
    p.enter()
    p.not_busy(tid)
    data = secret.get("pSharedSecret") if secret else None
    yield from p.ask({"op": "SetSharedSecret", "target": tid, "initiator": None, "secret": data}, tid)
    return (S_OK, None)


def target_remember_initiator_secret(p, tid, call, args):
    initiator = args.get("pwszInitiatorName")
    secret = args.get("pInitiatorSharedSecret")
    if initiator is None or null_with_size(secret):
        raise Fail(E_POINTER)
    p.enter()
    p.not_busy(tid)
    data = secret.get("pSharedSecret") if secret else None
    req = {"op": "RememberInitiatorSecret", "target": tid, "initiator": initiator, "secret": data}
    yield from p.ask(req, tid)
    return (S_OK, None)


def group_record(p, gid):
    p.enter()
    return (yield from p.group_of(gid))


def group_get_properties(p, gid, call, args):
    g = yield from group_record(p, gid)
    return (S_OK, {"pPortalGroupProp": {"id": g["id"], "tag": g["tag"]}})


def group_get_target(p, gid, call, args):
    g = yield from group_record(p, gid)
    return (S_OK, {"ppTarget": p.ptr("target", g["target"])})


def group_query_portals(p, gid, call, args):
    g = yield from group_record(p, gid)
    return (S_OK, {"ppEnum": p.ptrs("portal", list(g["portals"]))})


def group_add_portal(p, gid, call, args):
    p.enter()
    portal = args.get("portalId")
    if not portal or portal == NIL_ID:
        raise Fail(E_INVALIDARG)
    snap = yield from p.snapshot()
    g = snap["groups"].get(gid)
    if g is None:
        raise Fail(VDS_E_OBJECT_DELETED)
    if portal not in snap["portals"]:
        raise Fail(VDS_E_OBJECT_NOT_FOUND)
    for other in snap["groups"].values():
        if other["target"] == g["target"] and other["id"] != gid and portal in other["portals"]:
            raise Fail(VDS_E_OBJECT_EXISTS)
    claim = p.claim(g["target"])
    work = plain_work(p, {"op": "AddPortal", "group": gid, "portal": portal}, gid)
    return (S_OK, {"ppAsync": p.start_op(OUT_ADDPORTAL, claim, work)})


def group_remove_portal(p, gid, call, args):
    g = yield from group_record(p, gid)
    portal = args.get("portalId")
    if portal not in g["portals"]:
        raise Fail(VDS_E_OBJECT_NOT_FOUND)
    claim = p.claim(g["target"])
    work = plain_work(p, {"op": "RemovePortal", "group": gid, "portal": portal}, gid)
    return (S_OK, {"ppAsync": p.start_op(OUT_REMOVEPORTAL, claim, work)})


def group_delete(p, gid, call, args):
    g = yield from group_record(p, gid)
    if g["portals"]:
        raise Fail(VDS_E_ASSOCIATED_PORTALS_EXIST)
    claim = p.claim(g["target"])
    work = plain_work(p, {"op": "DeletePortalGroup", "group": gid}, gid)
    return (S_OK, {"ppAsync": p.start_op(OUT_DELETEPORTALGROUP, claim, work)})


def portal_snapshot(p, pid):
    p.enter()
    snap = yield from p.snapshot()
    if pid not in snap["portals"]:
        raise Fail(VDS_E_OBJECT_DELETED)
    return snap


def portal_get_properties(p, pid, call, args):
    snap = yield from portal_snapshot(p, pid)
    rec = snap["portals"][pid]
    prop = {"id": rec["id"], "address": rec["address"], "status": rec["status"]}
    return (S_OK, {"pPortalProp": prop})


def portal_get_subsystem(p, pid, call, args):
    snap = yield from portal_snapshot(p, pid)
    return (S_OK, {"ppSubSystem": p.ptr("subsystem", snap["subsystem"])})


def portal_query_groups(p, pid, call, args):
    snap = yield from portal_snapshot(p, pid)
    ids = [g["id"] for g in snap["groups"].values() if pid in g["portals"]]
    return (S_OK, {"ppEnum": p.ptrs("group", ids)})


def portal_set_status(p, pid, call, args):
    p.enter()
    status = PORTAL_STATUS.get(args.get("status"))
    if status is None:
        raise Fail(E_INVALIDARG)
    yield from p.ask({"op": "SetPortalStatus", "portal": pid, "status": status}, pid)
    return (S_OK, None)


HANDLERS = {
    ("root", "QuerySubSystems"): hw_query_subsystems,
    ("root", "Reenumerate"): hw_reenumerate,
    ("root", "Refresh"): hw_refresh,
    ("subsystem", "QueryTargets"): sub_query("target", "targets"),
    ("subsystem", "QueryPortals"): sub_query("portal", "portals"),
    ("subsystem", "CreateTarget"): sub_create_target,
    ("subsystem", "SetIpsecGroupPresharedKey"): not_supported,
    ("target", "GetProperties"): target_get_properties,
    ("target", "GetSubSystem"): target_get_subsystem,
    ("target", "QueryPortalGroups"): target_query_portal_groups,
    ("target", "QueryAssociatedLuns"): target_field("luns", "ppEnum"),
    ("target", "CreatePortalGroup"): target_create_portal_group,
    ("target", "Delete"): target_delete,
    ("target", "SetFriendlyName"): target_set_friendly_name,
    ("target", "SetSharedSecret"): target_set_shared_secret,
    ("target", "RememberInitiatorSharedSecret"): target_remember_initiator_secret,
    ("target", "GetConnectedInitiators"): target_field("connected_initiators", "ppwszInitiatorList"),
    ("group", "GetProperties"): group_get_properties,
    ("group", "GetTarget"): group_get_target,
    ("group", "QueryAssociatedPortals"): group_query_portals,
    ("group", "AddPortal"): group_add_portal,
    ("group", "RemovePortal"): group_remove_portal,
    ("group", "Delete"): group_delete,
    ("portal", "GetProperties"): portal_get_properties,
    ("portal", "GetSubSystem"): portal_get_subsystem,
    ("portal", "QueryAssociatedPortalGroups"): portal_query_groups,
    ("portal", "SetStatus"): portal_set_status,
    ("portal", "SetIpsecTunnelAddress"): not_supported,
    ("portal", "GetIpsecSecurity"): not_supported,
    ("portal", "SetIpsecSecurity"): not_supported,
    ("async", "Wait"): Provider.op_Wait,
    ("async", "Cancel"): Provider.op_Cancel,
    ("async", "QueryStatus"): Provider.op_QueryStatus,
}


def main(argv):
    broken, without = set(), set()
    args = list(argv)
    while args:
        a = args.pop(0)
        if a == "--without" and args:
            fault = args.pop(0)
            if fault not in FAULTS:
                sys.stderr.write("unknown --without %s; known: %s\n" % (fault, ", ".join(FAULTS)))
                return 2
            without.add(fault)
        elif a == "--break" and args:
            name = args.pop(0)
            if name not in BREAKS:
                sys.stderr.write("unknown --break %s; known: %s\n" % (name, ", ".join(sorted(BREAKS))))
                return 2
            broken.add(name)
        else:
            sys.stderr.write("usage: provider.py [--break NAME]... [--without FAULT]...\n")
            return 2
    out = sys.stdout

    def write(line):
        out.write(line)

    provider = Provider(broken, write, [f for f in FAULTS if f not in without])
    for line in sys.stdin:
        if line.strip():
            provider.turn(json.loads(line))
            out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
