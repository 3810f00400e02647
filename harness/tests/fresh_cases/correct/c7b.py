#!/usr/bin/env python3
"""c7b: c7 bent to the suite's reading, to isolate c7's refusals: the
unsupported methods check a NULL pointer first (E_POINTER) and a damaged
cache / running rescan next (the example's gate), then answer
VDS_E_NOT_SUPPORTED; Cancel answers VDS_E_CANCEL_TOO_LATE once the operation
has ended and VDS_E_NOT_SUPPORTED while it runs."""
import sys, os
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lib
import c7
from lib import Fail, E_POINTER, VDS_E_NOT_SUPPORTED, VDS_E_CANCEL_TOO_LATE, VDS_E_OPERATION_CANCELED

lib.NAME = "c7b-minimal-suite-order"


def unsupported(pointer_check):
    def handler(p, _, call, args):
        pointer_check(args)
        p.enter()
        return (VDS_E_NOT_SUPPORTED, None)
    return handler


def no_ptr(args):
    pass


def secret_ptr(args):
    if lib.null_with_size(args.get("pTargetSharedSecret")):
        raise Fail(E_POINTER)


def remember_ptr(args):
    if args.get("pwszInitiatorName") is None or lib.null_with_size(args.get("pInitiatorSharedSecret")):
        raise Fail(E_POINTER)


def wrap(h):
    def handler(p, payload, call, args):
        try:
            return h(p, payload, call, args)
        except Fail as f:
            return (f.hr, None)
    return handler


def op_cancel(self, op, call, args):
    if op.phase == "done":
        return (VDS_E_CANCEL_TOO_LATE, None)
    return (VDS_E_NOT_SUPPORTED, None)


lib.HANDLERS.update({
    ("subsystem", "CreateTarget"): wrap(unsupported(no_ptr)),
    ("target", "SetFriendlyName"): wrap(unsupported(no_ptr)),
    ("target", "SetSharedSecret"): wrap(unsupported(secret_ptr)),
    ("target", "RememberInitiatorSharedSecret"): wrap(unsupported(remember_ptr)),
    ("portal", "SetStatus"): wrap(unsupported(no_ptr)),
    ("async", "Cancel"): op_cancel,
})

# Declared (DECLARATION-KEPT): the methods this design never carries out.
lib.HELLO_EXTRA["not_supported"] = [
    "IVdsAsync::Cancel", "IVdsSubSystemIscsi::CreateTarget", "IVdsIscsiTarget::SetFriendlyName",
    "IVdsIscsiTarget::SetSharedSecret", "IVdsIscsiTarget::RememberInitiatorSharedSecret",
    "IVdsIscsiPortal::SetStatus"]


if __name__ == "__main__":
    sys.exit(lib.main(sys.argv[1:]))
