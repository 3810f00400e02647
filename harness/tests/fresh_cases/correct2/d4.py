#!/usr/bin/env python3
"""d4: one COM object per VDS object. Every pointer to the same VDS object
is handed out under the same `obj` name (the VDS GUID itself); the provider
counts references per object and forgets the object when its count drops to
zero. Each IVdsAsync is its own object ("async-N"). Repeated Waits hand out
further references to the same portal-group / target object.
"""
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lib

lib.NAME = "d4-canonical-objects"

_orig_reset = lib.Provider.reset
def reset(self, seed):
    _orig_reset(self, seed)
    self.refs = {}  # obj -> outstanding references
lib.Provider.reset = reset

def ptr(self, kind, payload):
    if kind == "async":
        obj = "async-%d" % self.fresh()
        vds_id = None
    else:
        obj = payload  # the VDS object id is the COM object's name
        vds_id = payload
    self.objs[obj] = (kind, payload)
    self.refs[obj] = self.refs.get(obj, 0) + 1
    return {"obj": obj, "interface": self.INTERFACES[kind], "id": vds_id}
lib.Provider.ptr = ptr

_orig_turn = lib.Provider.turn
def turn(self, msg):
    if msg.get("type") == "release" and msg.get("obj") != "root":
        obj = msg["obj"]
        self.now = msg.get("t_us", self.now)
        n = self.refs.get(obj, 0) - 1
        if n <= 0:
            self.refs.pop(obj, None)
            self.objs.pop(obj, None)
        else:
            self.refs[obj] = n
        self.write('{"type":"done"}\n')
        return
    return _orig_turn(self, msg)
lib.Provider.turn = turn

if __name__ == "__main__":
    sys.exit(lib.main(sys.argv[1:]))
