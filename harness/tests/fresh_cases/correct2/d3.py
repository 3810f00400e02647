#!/usr/bin/env python3
"""d3: eager operations, no cancel window, deferred completion.

- An operation sends its change request to the array in the same turn in
  which the call is answered (no queue time): Cancel is always too late and
  answers VDS_E_CANCEL_TOO_LATE (also once the operation has ended).
- After the array's answer the operation post-processes for POST_US of
  simulated time before it ends (Wait answered then).
- QueryStatus reports 99% for the whole life of a pending operation.
"""
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lib
from lib import Op, Sleep, S_OK, VDS_E_CANCEL_TOO_LATE, VDS_E_OPERATION_CANCELED, failed

lib.NAME = "d3-eager-deferred"
POST_US = 2_000

def start_op(self, kind, claim, work):
    op = Op(kind, self.now, claim)
    self.ops = [o for o in self.ops if o.phase != "done"] + [op]

    def body():
        op.phase = "sent"
        result = yield from work()
        yield Sleep(POST_US)  # post-processing; a restart meanwhile abandons it
        return result

    self.run(body(), lambda result: self.finish(op, result))
    return self.ptr("async", op)

def op_Cancel(self, op, call, args):
    return (VDS_E_CANCEL_TOO_LATE, None)

def op_QueryStatus(self, op, call, args):
    if op.phase == "done":
        pct = 0 if failed(op.hr) else 100
    else:
        pct = 99
    return (S_OK, {"pHrResult": lib.hx(op.hr), "pulPercentCompleted": pct})

lib.Provider.start_op = start_op
lib.HANDLERS[("async", "Cancel")] = op_Cancel
lib.HANDLERS[("async", "QueryStatus")] = op_QueryStatus

# Declared (DECLARATION-KEPT, added after the measurement): this design
# never grants a Cancel.
lib.HELLO_EXTRA["not_supported"] = ["IVdsAsync::Cancel"]


if __name__ == "__main__":
    sys.exit(lib.main(sys.argv[1:]))
