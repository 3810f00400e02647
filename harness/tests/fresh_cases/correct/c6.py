#!/usr/bin/env python3
"""c6: operations complete synchronously.

CreateTarget, CreatePortalGroup, target Delete, AddPortal, RemovePortal and
portal-group Delete do their whole array work inside the call (the target
stays claimed while the call is being answered).  The call then returns an
IVdsAsync that has already finished: Wait answers at once, QueryStatus says
100 (or 0 after a failure), Cancel answers VDS_E_CANCEL_TOO_LATE.  A change
the array refuses, a timeout or a restart during the call is answered by the
call itself (VDS_E_OBJECT_DELETED, HRESULT_FROM_WIN32(ERROR_TIMEOUT),
VDS_E_PROVIDER_EXITING, ...).  The portal-group limit met on the array is the
call's VDS_S_ALREADY_EXISTS.
"""
import sys, os
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lib
from lib import Fail, S_OK, failed

lib.NAME = "c6-synchronous"
P = lib.Provider


class Deferred:
    def __init__(self, kind, claim, work):
        self.kind, self.claim, self.work = kind, claim, work


def start_op(self, kind, claim, work):
    return Deferred(kind, claim, work)


P.start_op = start_op


def syncify(handler):
    def h(p, payload, call, args):
        r = handler(p, payload, call, args)
        res = (yield from r) if hasattr(r, "send") else r
        hr, out = res
        d = out.get("ppAsync") if isinstance(out, dict) else None
        if not isinstance(d, Deferred):
            return res
        try:
            ohr, product = yield from d.work()
        except Fail as f:
            ohr, product = f.hr, None
        finally:
            p.unclaim(d.claim)
        if failed(ohr):
            raise Fail(ohr)
        return (ohr if ohr != S_OK else hr, {"ppAsync": p.finished_op(d.kind, ohr, product)})
    return h


OPS = [("subsystem", "CreateTarget"), ("target", "CreatePortalGroup"), ("target", "Delete"),
       ("group", "AddPortal"), ("group", "RemovePortal"), ("group", "Delete")]
ORIG = {key: lib.HANDLERS[key] for key in OPS}
for key in OPS:
    lib.HANDLERS[key] = syncify(ORIG[key])

# Declared (DECLARATION-KEPT): operations end inside the call that starts them.
lib.HELLO_EXTRA["operations_end_in_call"] = True


if __name__ == "__main__":
    sys.exit(lib.main(sys.argv[1:]))
