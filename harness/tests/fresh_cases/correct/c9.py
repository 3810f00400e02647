#!/usr/bin/env python3
"""c9: other choices the contract leaves to the provider.

- Initiator-specific CHAP: SetSharedSecret with an initiator name is carried
  out (the array takes an initiator) instead of answering
  VDS_E_INITIATOR_SPECIFIC_NOT_SUPPORTED.
- Strict arguments (E_INVALIDARG): a CHAP secret (non-empty) outside 12 to 16
  bytes, an empty friendly name (SetFriendlyName, CreateTarget), an initiator
  name outside RFC 3720's grammar; checked before anything else but E_POINTER.
- The portal-group limit is found inside the operation: CreatePortalGroup
  always answers S_OK once the target is found, and at the limit its
  operation ends VDS_S_ALREADY_EXISTS handing back the target's group with
  the HIGHEST tag (any existing group may be handed back).
- A failed Wait writes type VDS_ASYNCOUT_UNKNOWN (0), with no arm.
- A longer cancel window (20 ms) and progress reported in quarter steps
  (0, 25, 50, 75 while pending).
"""
import re
import sys, os
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lib
from lib import Fail, Ask, S_OK, E_INVALIDARG, E_POINTER, VDS_S_ALREADY_EXISTS, WIN32_TIMEOUT, VDS_E_BAD_PROVIDER_DATA, OUT_CREATEPORTALGROUP, failed

lib.NAME = "c9-other-choices"
lib.QUEUE_US = 20_000
P = lib.Provider

IQN = re.compile(r"^iqn\.\d{4}-\d{2}\.[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[a-z0-9.:-]+)?$")
EUI = re.compile(r"^eui\.[0-9A-Fa-f]{16}$")
NAA = re.compile(r"^naa\.([0-9A-Fa-f]{16}|[0-9A-Fa-f]{32})$")


def iscsi_name_ok(name):
    return len(name.encode("utf-8")) <= 223 and bool(IQN.match(name) or EUI.match(name) or NAA.match(name))


def secret_data(secret):
    """The bytes of a VDS_ISCSI_SHARED_SECRET, after the pointer checks."""
    if lib.null_with_size(secret):
        raise Fail(E_POINTER)
    data = secret.get("pSharedSecret") if secret else None
    if data and not (12 <= len(data) <= 16):
        raise Fail(E_INVALIDARG)
    return data


def target_set_shared_secret(p, tid, call, args):
    data = secret_data(args.get("pTargetSharedSecret"))
    initiator = args.get("pwszInitiatorName")
    if initiator is not None and not iscsi_name_ok(initiator):
        raise Fail(E_INVALIDARG)
    p.enter()
    p.not_busy(tid)
    yield from p.ask({"op": "SetSharedSecret", "target": tid, "initiator": initiator, "secret": data}, tid)
    return (S_OK, None)


def target_remember_initiator_secret(p, tid, call, args):
    initiator = args.get("pwszInitiatorName")
    if initiator is None:
        raise Fail(E_POINTER)
    data = secret_data(args.get("pInitiatorSharedSecret"))
    if not iscsi_name_ok(initiator):
        raise Fail(E_INVALIDARG)
    p.enter()
    p.not_busy(tid)
    yield from p.ask({"op": "RememberInitiatorSecret", "target": tid, "initiator": initiator, "secret": data}, tid)
    return (S_OK, None)


_set_friendly = lib.target_set_friendly_name


def target_set_friendly_name(p, tid, call, args):
    if not args.get("pwszFriendlyName"):
        raise Fail(E_INVALIDARG)
    return (yield from _set_friendly(p, tid, call, args))


_create_target = lib.sub_create_target


def sub_create_target(p, payload, call, args):
    if not args.get("pwszFriendlyName"):
        raise Fail(E_INVALIDARG)
    return (yield from _create_target(p, payload, call, args))


def target_create_portal_group(p, tid, call, args):
    p.enter()
    claim = p.claim(tid)
    try:
        yield from p.target_of(tid)
    except Fail:
        p.unclaim(claim)
        raise

    def work():
        kind, body = yield Ask({"op": "CreatePortalGroup", "target": tid})
        if kind == "ok" and body.get("reply") == "Group":
            return (S_OK, ("group", body["group"]["id"]))
        if kind == "refused" and body.get("error") == "GroupLimitReached":
            # at the limit: hand back the group with the highest tag
            k2, b2 = yield Ask({"op": "GetTarget", "target": tid})
            if k2 == "ok" and b2.get("groups"):
                top = max(b2["groups"], key=lambda g: g["tag"])
                return (VDS_S_ALREADY_EXISTS, ("group", top["id"]))
            if k2 == "refused":
                return (p.refusal(b2, tid), None)
            if k2 == "timeout":
                return (WIN32_TIMEOUT, None)
            return (VDS_S_ALREADY_EXISTS, ("group", body["lowest"]))
        if kind == "timeout":
            return (WIN32_TIMEOUT, None)
        return (p.refusal(body, tid) if kind == "refused" else VDS_E_BAD_PROVIDER_DATA, None)

    return (S_OK, {"ppAsync": p.start_op(OUT_CREATEPORTALGROUP, claim, work)})


_wait_result = P.wait_result


def wait_result(self, op):
    if failed(op.hr):
        return (S_OK, {"pHrResult": lib.hx(op.hr), "pAsyncOut": {"type": 0}})
    return _wait_result(self, op)


P.wait_result = wait_result


def op_query_status(self, op, call, args):
    if op.phase == "done":
        pct = 0 if failed(op.hr) else 100
    else:
        raw = min(99, (self.now - op.started) * 100 // lib.ESTIMATE_US)
        pct = max(op.last_pct, min(75, raw // 25 * 25))
        op.last_pct = pct
    return (S_OK, {"pHrResult": lib.hx(op.hr), "pulPercentCompleted": pct})


lib.HANDLERS.update({
    ("subsystem", "CreateTarget"): sub_create_target,
    ("target", "SetSharedSecret"): target_set_shared_secret,
    ("target", "RememberInitiatorSharedSecret"): target_remember_initiator_secret,
    ("target", "SetFriendlyName"): target_set_friendly_name,
    ("target", "CreatePortalGroup"): target_create_portal_group,
    ("async", "QueryStatus"): op_query_status,
})

if __name__ == "__main__":
    sys.exit(lib.main(sys.argv[1:]))
