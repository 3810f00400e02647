#!/usr/bin/env python3
"""c4: a different precedence between simultaneous failure causes.

Order of checks, for every call on a provider object:
  1. argument errors (E_POINTER, E_INVALIDARG, ...) as in the example;
  2. the object deleted on the array (VDS_E_OBJECT_DELETED), found by the
     call's first array round trip, before anything else;
  3. a damaged cache (VDS_E_PROVIDER_CACHE_CORRUPT);
  4. a Reenumerate/Refresh running, then an operation in flight on the
     target (VDS_E_ANOTHER_CALL_IN_PROGRESS);
  5. an allocation failure LAST: only a call that actually hands out an
     interface pointer (IVdsAsync, an enumerator - even an empty one, QueryAssociatedLuns's too - or
     the object in Wait's output) allocates, and that is where E_OUTOFMEMORY
     comes out; a Wait that cannot allocate the output pointer fails itself
     (the operation keeps its result; a later Wait gets it).
Built on c3's "first round trip, then gates" machinery.
"""
import sys, os
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lib
import c3  # noqa: F401  (installs the late-gate machinery)
from lib import (Fail, Ask, S_OK, VDS_E_ANOTHER_CALL_IN_PROGRESS, VDS_E_PROVIDER_CACHE_CORRUPT,
                 VDS_E_OBJECT_DELETED, E_OUTOFMEMORY, VDS_E_BAD_PROVIDER_DATA, WIN32_TIMEOUT)

lib.NAME = "c4-deleted-first-alloc-last"
P = lib.Provider


def gates(self):
    if self.damaged:
        raise Fail(VDS_E_PROVIDER_CACHE_CORRUPT)
    if self.rescans > 0:
        raise Fail(VDS_E_ANOTHER_CALL_IN_PROGRESS)


SECTION = {"target": "targets", "group": "groups", "portal": "portals"}


def ask(self, request, subject=None, want=None):
    task = getattr(self, "cur_task", None)
    kind, body = yield Ask(request)
    if kind == "timeout":
        raise Fail(WIN32_TIMEOUT)
    if kind == "refused":
        raise Fail(self.refusal(body, subject))  # deleted (or any refusal) first
    if task is not None and getattr(task, "gate", False):
        task.gate = False
        okind, oid = getattr(task, "subject", (None, None))
        if body.get("reply") == "Snapshot" and okind in SECTION and oid not in body["snapshot"][SECTION[okind]]:
            raise Fail(VDS_E_OBJECT_DELETED)
        gates(self)
    if want is not None and body.get("reply") != want:
        raise Fail(VDS_E_BAD_PROVIDER_DATA)
    return body


P.ask = ask

_on_call = P.on_call


def on_call(self, msg):
    self.cur_subject = self.objs.get(msg["obj"], (None, None))
    _on_call(self, msg)


P.on_call = on_call


def run_call(self, gen, done):
    t = lib.Task(gen, done, self.epoch)
    t.gate = True
    t.subject = self.cur_subject
    self.step(t, None)


P.run_call = run_call


def allocate(self):
    if self.fail_next_alloc:
        self.fail_next_alloc = False
        raise Fail(E_OUTOFMEMORY)


P.allocate = allocate

_ptr = P.ptr


def ptr(self, kind, payload):
    self.allocate()
    return _ptr(self, kind, payload)


def ptrs(self, kind, ids):
    self.allocate()  # the enumerator, even an empty one
    return [_ptr(self, kind, i) for i in ids]


P.ptr = ptr
P.ptrs = ptrs

_start_op = P.start_op


def start_op(self, kind, claim, work):
    try:
        self.allocate()  # the IVdsAsync, before anything starts
    except Fail:
        self.unclaim(claim)
        raise
    return _start_op_noalloc(self, kind, claim, work)


def _start_op_noalloc(self, kind, claim, work):
    saved = self.fail_next_alloc
    self.fail_next_alloc = False
    try:
        return _start_op(self, kind, claim, work)
    finally:
        self.fail_next_alloc = saved or self.fail_next_alloc


P.start_op = start_op


def finished_op(self, kind, hr, product):
    self.allocate()
    op = lib.Op(kind, self.now, None)
    self.finish(op, (hr, product))
    return _ptr(self, "async", op)


P.finished_op = finished_op

_wait_result = P.wait_result


def wait_result(self, op):
    if not lib.failed(op.hr) and op.product is not None and self.fail_next_alloc:
        self.fail_next_alloc = False
        return (E_OUTOFMEMORY, None)  # Wait itself could not allocate the output pointer
    saved = self.fail_next_alloc
    self.fail_next_alloc = False
    try:
        return _wait_result(self, op)
    finally:
        self.fail_next_alloc = saved or self.fail_next_alloc


P.wait_result = wait_result



def target_query_luns(p, tid, call, args):
    """QueryAssociatedLuns hands out an IEnumVdsObject: it allocates too."""
    t = yield from lib.target_record(p, tid)
    p.allocate()
    return (S_OK, {"ppEnum": list(t["luns"])})


lib.HANDLERS[("target", "QueryAssociatedLuns")] = target_query_luns

if __name__ == "__main__":
    sys.exit(lib.main(sys.argv[1:]))
