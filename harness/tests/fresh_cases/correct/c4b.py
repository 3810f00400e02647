#!/usr/bin/env python3
"""c4b: c4 (allocation failure last, only where a pointer is handed out) but a
damaged cache and busy are checked BEFORE the object's deletion.  Made to
isolate c4's only refusal (VDS_E_OBJECT_DELETED on a corrupt cache)."""
import sys, os
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lib
import c4
from lib import Fail, Ask, WIN32_TIMEOUT, VDS_E_BAD_PROVIDER_DATA, VDS_E_OBJECT_DELETED

lib.NAME = "c4b-corrupt-before-deleted-alloc-last"


def ask(self, request, subject=None, want=None):
    task = getattr(self, "cur_task", None)
    kind, body = yield Ask(request)
    if task is not None and getattr(task, "gate", False):
        task.gate = False
        c4.gates(self)  # cache, then busy: before anything the array said
        okind, oid = getattr(task, "subject", (None, None))
        if kind == "ok" and body.get("reply") == "Snapshot" and okind in c4.SECTION and oid not in body["snapshot"][c4.SECTION[okind]]:
            raise Fail(VDS_E_OBJECT_DELETED)
    if kind == "timeout":
        raise Fail(WIN32_TIMEOUT)
    if kind == "refused":
        raise Fail(self.refusal(body, subject))
    if want is not None and body.get("reply") != want:
        raise Fail(VDS_E_BAD_PROVIDER_DATA)
    return body


lib.Provider.ask = ask

if __name__ == "__main__":
    sys.exit(lib.main(sys.argv[1:]))
