#!/usr/bin/env python3
"""c6b: c6 (operations complete synchronously inside the call), but a failure
of the array work is reported through the operation: the call answers S_OK
with an IVdsAsync already ended with the failure (Wait's pHrResult)."""
import sys, os
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lib
import c6
from lib import Fail, S_OK, failed

lib.NAME = "c6b-synchronous-fail-in-op"


def syncify(handler):
    def h(p, payload, call, args):
        r = handler(p, payload, call, args)
        res = (yield from r) if hasattr(r, "send") else r
        hr, out = res
        d = out.get("ppAsync") if isinstance(out, dict) else None
        if not isinstance(d, c6.Deferred):
            return res
        try:
            ohr, product = yield from d.work()
        except Fail as f:
            ohr, product = f.hr, None
        finally:
            p.unclaim(d.claim)
        if failed(ohr):
            return (S_OK, {"ppAsync": p.finished_op(d.kind, ohr, None)})
        return (ohr if ohr != S_OK else hr, {"ppAsync": p.finished_op(d.kind, ohr, product)})
    return h


for key in c6.OPS:
    lib.HANDLERS[key] = syncify(c6.ORIG[key])

# Declared (DECLARATION-KEPT): operations end inside the call that starts them.
lib.HELLO_EXTRA["operations_end_in_call"] = True


if __name__ == "__main__":
    sys.exit(lib.main(sys.argv[1:]))
