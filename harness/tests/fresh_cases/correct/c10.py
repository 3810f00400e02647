#!/usr/bin/env python3
"""c10: c2's provider-wide lock domain (declared "provider"), but a call that
would start an operation (or make a synchronous change) while another
operation holds the provider WAITS for it to end (polling every 1 ms, for at
most 300 ms of simulated time) and then goes ahead; only if the provider is
still held after that, or is taken again during the call's own validation,
does it answer VDS_E_ANOTHER_CALL_IN_PROGRESS.  Operations still never run
at once."""
import sys, os
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lib
import c2  # provider-wide claims, CreateTarget included
from lib import Sleep

lib.NAME = "c10-provider-lock-waits"
lib.HELLO_EXTRA["lock_domain"] = "provider"
P = lib.Provider
CHANGERS = {("subsystem", "CreateTarget"), ("target", "CreatePortalGroup"), ("target", "Delete"),
            ("group", "AddPortal"), ("group", "RemovePortal"), ("group", "Delete"),
            ("target", "SetFriendlyName"), ("target", "SetSharedSecret"),
            ("target", "RememberInitiatorSharedSecret"), ("portal", "SetStatus")}
MAX_WAIT_US = 300_000


def on_call(self, msg):
    call, obj = msg["call"], msg["obj"]
    method = msg["method"]
    interface, _, name = method.partition("::")
    kind, payload = self.objs.get(obj, (None, None))
    handler = lib.HANDLERS.get((kind, name))
    if handler is None or interface != ("IVdsHwProvider" if kind == "root" else self.INTERFACES.get(kind)):
        self.answer(call, (lib.E_INVALIDARG, None))
        return
    if (kind, name) in CHANGERS and self.busy:
        args = msg.get("args") or {}
        p = self

        def waiting():
            waited = 0
            while p.busy and waited < MAX_WAIT_US:
                yield Sleep(1_000)
                waited += 1_000
            r = handler(p, payload, call, args)
            return (yield from r) if hasattr(r, "send") else r

        self.run(waiting(), lambda r: self.answer(call, r))
        return
    result = handler(self, payload, call, msg.get("args") or {})
    if result is lib.PENDING:
        return
    if hasattr(result, "send"):
        self.run(result, lambda r: self.answer(call, r))
    else:
        self.answer(call, result)


P.on_call = on_call

if __name__ == "__main__":
    sys.exit(lib.main(sys.argv[1:]))
