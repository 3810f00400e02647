#!/usr/bin/env python3
"""c7: a minimal provider - VDS_E_NOT_SUPPORTED wherever a method's page lists it.

- CreateTarget, SetFriendlyName, SetSharedSecret, RememberInitiatorSharedSecret
  and IVdsIscsiPortal::SetStatus answer VDS_E_NOT_SUPPORTED, always (before
  looking at arguments or state).
- IVdsAsync::Cancel answers VDS_E_NOT_SUPPORTED, always (the provider cannot
  cancel anything; the page lists it and the protocol doc says it is the
  provider's to answer at any time).
- QueryStatus reports progress in one step: 0 while pending, 100 at the end
  (0 after a failure).
Everything else is the example.
"""
import sys, os
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lib
from lib import S_OK, VDS_E_NOT_SUPPORTED, failed

lib.NAME = "c7-minimal"
P = lib.Provider


def not_supported(p, _, call, args):
    return (VDS_E_NOT_SUPPORTED, None)


def op_cancel(self, op, call, args):
    return (VDS_E_NOT_SUPPORTED, None)


def op_query_status(self, op, call, args):
    pct = (0 if failed(op.hr) else 100) if op.phase == "done" else 0
    return (S_OK, {"pHrResult": lib.hx(op.hr), "pulPercentCompleted": pct})


for key in [("subsystem", "CreateTarget"), ("target", "SetFriendlyName"), ("target", "SetSharedSecret"),
            ("target", "RememberInitiatorSharedSecret"), ("portal", "SetStatus")]:
    lib.HANDLERS[key] = not_supported
lib.HANDLERS[("async", "Cancel")] = op_cancel
lib.HANDLERS[("async", "QueryStatus")] = op_query_status

# Declared (DECLARATION-KEPT): the methods this design never carries out.
lib.HELLO_EXTRA["not_supported"] = [
    "IVdsAsync::Cancel", "IVdsSubSystemIscsi::CreateTarget", "IVdsIscsiTarget::SetFriendlyName",
    "IVdsIscsiTarget::SetSharedSecret", "IVdsIscsiTarget::RememberInitiatorSharedSecret",
    "IVdsIscsiPortal::SetStatus"]


if __name__ == "__main__":
    sys.exit(lib.main(sys.argv[1:]))
