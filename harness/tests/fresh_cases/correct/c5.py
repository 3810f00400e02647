#!/usr/bin/env python3
"""c5: Reenumerate/Refresh and calls interleave by waiting, never by "busy".

- Reenumerate or Refresh called while operations run (any kind, CreateTarget
  included) or while another Reenumerate/Refresh runs waits for them to end,
  then runs.  It never answers VDS_E_ANOTHER_CALL_IN_PROGRESS.
- A call on a provider object (all but IVdsAsync's) made while a Reenumerate
  or Refresh is waiting or running waits until it has ended, then is served
  (with the usual gates: a cache still damaged answers
  VDS_E_PROVIDER_CACHE_CORRUPT, and so on).
- Operations on one target still refuse each other as busy (lock domain
  target, the default; refresh_alongside left false).
"""
import sys, os
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lib
from lib import Fail, Sleep, S_OK, VDS_E_PROVIDER_CACHE_CORRUPT

lib.NAME = "c5-rescans-wait"
P = lib.Provider
POLL_US = 1_000

_reset = P.reset


def reset(self, seed):
    _reset(self, seed)
    self.rescan_q = 0  # Reenumerate/Refresh waiting or running


P.reset = reset

_suffer = P.suffer


def suffer(self, msg):
    applied = _suffer(self, msg)
    if applied and msg.get("fault") == "restart":
        self.rescan_q = 0
    return applied


P.suffer = suffer


def wait_until(cond):
    while not cond():
        yield Sleep(POLL_US)


def ops_running(p):
    return any(o.phase != "done" for o in p.ops) or bool(p.busy)


def rescan(is_refresh):
    def handler(p, _, call, args):
        epoch = p.epoch
        p.rescan_q += 1
        counted = False
        try:
            yield from wait_until(lambda: not ops_running(p) and p.rescans == 0)
            if is_refresh and p.damaged and not p.rediscovered:
                raise Fail(VDS_E_PROVIDER_CACHE_CORRUPT)
            p.rescans += 1
            counted = True
            if is_refresh:
                yield from p.snapshot()
                # a corruption that came while it ran, with no Reenumerate after it, is not cured
                if p.damaged and not p.rediscovered:
                    raise Fail(VDS_E_PROVIDER_CACHE_CORRUPT)
            else:
                yield from p.ask({"op": "Discover"}, None, "Subsystem")
        finally:
            if epoch == p.epoch:
                p.rescan_q = max(0, p.rescan_q - 1)
                if counted:
                    p.rescans = max(0, p.rescans - 1)
        if is_refresh:
            p.damaged, p.rediscovered = False, False
        elif p.damaged:
            p.rediscovered = True
        return (S_OK, None)
    return handler


def on_call(self, msg):
    call, obj = msg["call"], msg["obj"]
    method = msg["method"]
    interface, _, name = method.partition("::")
    kind, payload = self.objs.get(obj, (None, None))
    handler = lib.HANDLERS.get((kind, name))
    if handler is None or interface != ("IVdsHwProvider" if kind == "root" else self.INTERFACES.get(kind)):
        self.answer(call, (lib.E_INVALIDARG, None))
        return
    result = handler(self, payload, call, msg.get("args") or {})
    if result is lib.PENDING:
        return
    if hasattr(result, "send"):
        if kind != "async" and name not in ("Reenumerate", "Refresh") and self.rescan_q > 0:
            inner = result

            def waiting():
                yield from wait_until(lambda: self.rescan_q == 0)
                return (yield from inner)

            result = waiting()
        self.run(result, lambda r: self.answer(call, r))
    else:
        self.answer(call, result)


P.on_call = on_call
lib.HANDLERS[("root", "Reenumerate")] = rescan(False)
lib.HANDLERS[("root", "Refresh")] = rescan(True)

if __name__ == "__main__":
    sys.exit(lib.main(sys.argv[1:]))
