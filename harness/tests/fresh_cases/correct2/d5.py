#!/usr/bin/env python3
"""d5: a restart that serves the calls under way instead of abandoning them.

- Operations in flight end VDS_E_PROVIDER_EXITING in the restart's turn
  (as required).
- A call under way at the restart that has sent no change to the array yet
  (it is still reading/validating) is started again from scratch by the
  restarted provider and answered normally; a call that already sent a
  change answers VDS_E_PROVIDER_EXITING (as in the example).
- A restart clears a pending allocation failure ("a restarted provider has
  no allocation pending") and cures a corrupt cache (the example's choice).
"""
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lib
from lib import Task, Ask, Fail, PENDING, E_INVALIDARG

lib.NAME = "d5-restart-serves-calls"
MUTATING = {"CreateTarget", "DeleteTarget", "CreatePortalGroup", "DeletePortalGroup", "AddPortal",
            "RemovePortal", "SetFriendlyName", "SetSharedSecret", "RememberInitiatorSecret", "SetPortalStatus"}

_orig_step = lib.Provider.step
def step(self, task, value):
    before = set(self.waiting)
    _orig_step(self, task, value)
    # mark the task if the request it just sent changes the array
    for key in set(self.waiting) - before:
        if key[0] == "req" and self.waiting[key] is task:
            req = self.out[-1].get("request", {}) if self.out else {}
            if req.get("op") in MUTATING:
                task.mutated = True
lib.Provider.step = step

def on_call(self, msg):
    call, obj = msg["call"], msg["obj"]
    method = msg["method"]
    interface, _, name = method.partition("::")
    kind, payload = self.objs.get(obj, (None, None))
    handler = lib.HANDLERS.get((kind, name))
    if handler is None or interface != ("IVdsHwProvider" if kind == "root" else self.INTERFACES.get(kind)):
        self.answer(call, (E_INVALIDARG, None))
        return
    args = msg.get("args") or {}
    self.start_call(handler, payload, call, args)
lib.Provider.on_call = on_call

def start_call(self, handler, payload, call, args):
    try:
        result = handler(self, payload, call, args)
    except Fail as f:
        result = (f.hr, None)
    if result is PENDING:
        return
    if hasattr(result, "send"):
        task = Task(result, lambda r: self.answer(call, r), self.epoch)
        task.again = (handler, payload, call, args)
        task.mutated = False
        self.step(task, None)
    else:
        self.answer(call, result)
lib.Provider.start_call = start_call

_orig_suffer = lib.Provider.suffer
def suffer(self, msg):
    if msg.get("fault") == "restart" and "restart" in self.faults:
        again = []
        for key, task in list(self.waiting.items()):
            if getattr(task, "again", None) is not None and not task.mutated and task.epoch == self.epoch:
                del self.waiting[key]  # its old request's answer is ignored
                again.append(task.again)
        applied = _orig_suffer(self, msg)
        self.fail_next_alloc = False
        for handler, payload, call, args in again:
            self.start_call(handler, payload, call, args)
        return applied
    return _orig_suffer(self, msg)
lib.Provider.suffer = suffer

if __name__ == "__main__":
    sys.exit(lib.main(sys.argv[1:]))
