#!/usr/bin/env python3
"""c2: a coarser lock domain, declared "provider" in hello_ok.

Every operation (CreateTarget included) holds the whole provider: while one is
in flight, any call starting another operation, and any synchronous change
(SetFriendlyName, SetSharedSecret, RememberInitiatorSharedSecret, SetStatus),
answers VDS_E_ANOTHER_CALL_IN_PROGRESS.  With --reads-too, reads on provider
objects (everything but IVdsAsync and Reenumerate/Refresh, which keep their
own rule) are refused the same way while an operation is in flight.
"""
import sys, os
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lib
from lib import Fail, VDS_E_ANOTHER_CALL_IN_PROGRESS

READS_TOO = "--reads-too" in sys.argv
argv = [a for a in sys.argv[1:] if a != "--reads-too"]
lib.NAME = "c2-provider-lock" + ("-reads" if READS_TOO else "")
lib.HELLO_EXTRA["lock_domain"] = "provider"
ALL = "*provider*"


def claim(self, target):
    if ALL in self.busy:
        raise Fail(VDS_E_ANOTHER_CALL_IN_PROGRESS)
    token = self.fresh()
    self.busy[ALL] = token
    return (ALL, token)


def not_busy(self, target):
    if ALL in self.busy:
        raise Fail(VDS_E_ANOTHER_CALL_IN_PROGRESS)


lib.Provider.claim = claim
lib.Provider.not_busy = not_busy

_enter = lib.Provider.enter


def enter(self):
    _enter(self)
    if READS_TOO and ALL in self.busy:
        raise Fail(VDS_E_ANOTHER_CALL_IN_PROGRESS)


lib.Provider.enter = enter

def sub_create_target(p, _, call, args):
    """The example's CreateTarget, but its operation holds the provider."""
    p.enter()
    p.not_busy(None)
    name = args.get("pwszIscsiName") or None
    friendly = args.get("pwszFriendlyName") or ""
    if name is not None:
        if not lib.iscsi_name_well_formed(name):
            raise Fail(lib.E_INVALIDARG)
        snap = yield from p.snapshot()
        if any(t["iscsi_name"] == name for t in snap["targets"].values()):
            raise Fail(lib.VDS_E_NAME_NOT_UNIQUE)
    claim = p.claim(None)

    def work():
        reply = yield from p.ask({"op": "CreateTarget", "iscsi_name": name, "friendly_name": friendly}, None, "Target")
        return (lib.S_OK, ("target", reply["target"]["id"]))

    return (lib.S_OK, {"ppAsync": p.start_op(lib.OUT_CREATETARGET, claim, work)})


lib.HANDLERS[("subsystem", "CreateTarget")] = sub_create_target

if __name__ == "__main__":
    sys.exit(lib.main(argv))
