#!/usr/bin/env python3
"""d9: allocation at send time, and a cached subsystem id.

- An operation allocates its request when it leaves its cancel window; if an
  allocation failure is pending then, the operation ends with E_OUTOFMEMORY
  in pHrResult and sends nothing to the array (nothing was started). Calls
  still consume a pending failure too (whichever allocates first).
- QuerySubSystems and GetSubSystem answer from the subsystem id learned by
  the first Discover (kept across calls, dropped at a restart; Reenumerate
  re-learns it); a corrupt cache still refuses them.
"""
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lib
from lib import Op, Sleep, Fail, S_OK, E_OUTOFMEMORY, QUEUE_US

lib.NAME = "d9-alloc-at-send"

def start_op(self, kind, claim, work):
    op = Op(kind, self.now, claim)
    self.ops = [o for o in self.ops if o.phase != "done"] + [op]

    def body():
        yield Sleep(QUEUE_US)
        if op.phase != "queued":
            return None
        if self.fail_next_alloc:
            self.fail_next_alloc = False
            return (E_OUTOFMEMORY, None)  # the request buffer could not be allocated
        op.phase = "sent"
        return (yield from work())

    self.run(body(), lambda result: self.finish(op, result))
    return self.ptr("async", op)
lib.Provider.start_op = start_op

_orig_reset = lib.Provider.reset
def reset(self, seed):
    _orig_reset(self, seed)
    self.sub_id = None
lib.Provider.reset = reset

_orig_suffer = lib.Provider.suffer
def suffer(self, msg):
    if msg.get("fault") == "restart":
        self.sub_id = None
    return _orig_suffer(self, msg)
lib.Provider.suffer = suffer

def subsystem_id(self):
    if self.sub_id is None:
        self.sub_id = (yield from self.ask({"op": "Discover"}, None, "Subsystem"))["id"]
    return self.sub_id
lib.Provider.subsystem_id = subsystem_id

_orig_reenum = lib.HANDLERS[("root", "Reenumerate")]
def hw_reenumerate(p, payload, call, args):
    result = yield from _orig_reenum(p, payload, call, args)
    return result
lib.HANDLERS[("root", "Reenumerate")] = hw_reenumerate

if __name__ == "__main__":
    sys.exit(lib.main(sys.argv[1:]))
