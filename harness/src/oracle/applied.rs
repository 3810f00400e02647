//! SUCCESS-APPLIED: a success says what happened on the array. An
//! operation that a client saw end with S_OK made its change there during
//! its life (a Delete deleted, AddPortal and RemovePortal changed that
//! portal of that group, CreateTarget hands back the target the array made
//! for it, named as asked); a synchronous change that answered success made
//! it, with the caller's arguments, before it returned; an operation that a
//! client cancelled with success never had its change applied by the array,
//! unless another call asking for the same change explains it.
//!
//! The expected change is read from the client's own step (its arguments as
//! given), never from what the provider sent.

use vds_sim::array::{ArrayEvent, ArrayRequest, FRIENDLY_NAME_LIMIT};
use vds_sim::hresult::HResult;
use vds_sim::method::Method;
use vds_sim::profile::RuleId;
use vds_sim::program::Step;
use vds_sim::world::StepRecord;

use super::history::{kept, request_of};
use super::{History, Judgement, Op};

const RULE: RuleId = RuleId::SuccessApplied;

/// The array's successful applications of `req` through a provider in `[from, to]`.
fn applied_between<'h>(
    h: &'h History,
    req: &'h ArrayRequest,
    from: u128,
    to: u128,
) -> impl Iterator<Item = &'h ArrayEvent> {
    h.applied()
        .filter(move |e| !e.direct && e.request == *req && e.t_us >= from && e.t_us <= to)
}

/// The first call on `op` that showed it ended with S_OK.
fn seen_succeed<'h>(op: &Op<'h>) -> Option<&'h StepRecord> {
    op.follow.iter().copied().find(|s| {
        s.hr.succeeded()
            && s.hr_result == Some(HResult::S_OK)
            && matches!(s.method, Method::AsyncWait | Method::AsyncQueryStatus)
    })
}

/// What is wrong with an operation seen to end with S_OK, if anything.
fn unapplied_success(h: &History, op: &Op, end: &StepRecord) -> Option<String> {
    let call = op.call;
    if call.method == Method::SubSystemCreateTarget {
        let w = op
            .waits()
            .find(|w| w.hr.succeeded() && w.hr_result == Some(HResult::S_OK))?;
        let handed = w.output.as_ref()?.pointer.as_ref()?.object?;
        let made = h.applied().find(|e| {
            matches!(e.request, ArrayRequest::CreateTarget { .. })
                && e.created == Some(handed)
                && e.t_us >= call.t_call_us
                && e.t_us <= w.t_us
        });
        let Some(made) = made else {
            return Some(format!(
                "CreateTarget's Wait handed back {handed}, which the array did not create for it"
            ));
        };
        return misnamed_target(call, &made.request);
    }
    // CreatePortalGroup's group is CPG-S_OK-NEW-GROUP's.
    if call.method == Method::TargetCreatePortalGroup {
        return None;
    }
    let req = request_of(call)?;
    let applied = applied_between(h, &req, call.t_call_us, end.t_us)
        .next()
        .is_some();
    (!applied).then(|| {
        format!(
            "{} ended with S_OK, but the array never applied {req:?} while it ran",
            call.method
        )
    })
}

/// What is wrong with the names of a target CreateTarget made, if anything:
/// the iSCSI name the caller chose (a NULL or empty one leaves the choice to
/// the provider) and the friendly name, as far as the array keeps it.
fn misnamed_target(call: &StepRecord, made: &ArrayRequest) -> Option<String> {
    let (
        Some(Step::CreateTarget {
            iscsi_name,
            friendly_name,
            ..
        }),
        ArrayRequest::CreateTarget {
            iscsi_name: made_name,
            friendly_name: made_friendly,
        },
    ) = (&call.asked, made)
    else {
        return None;
    };
    if let Some(chosen) = iscsi_name.as_deref().filter(|n| !n.is_empty())
        && made_name.as_deref() != Some(chosen)
    {
        return Some(format!(
            "CreateTarget chose the iSCSI name {chosen:?}, but the array made the target with {made_name:?}"
        ));
    }
    (kept(made_friendly) != kept(friendly_name)).then(|| {
        format!(
            "CreateTarget asked for the friendly name {friendly_name:?}, but the array made the target with {made_friendly:?}"
        )
    })
}

/// Whether a secret the array was sent is the one the caller gave
/// (`None`: cleared, which the array takes as no secret or an empty one).
fn same_secret(sent: &Option<Vec<u8>>, given: Option<&str>) -> bool {
    match given {
        Some(g) => sent.as_deref() == Some(g.as_bytes()),
        None => sent.as_ref().is_none_or(|s| s.is_empty()),
    }
}

/// A test of the array's requests: whether one is the change a call asked for.
type Sent<'s> = Box<dyn Fn(&ArrayRequest) -> bool + 's>;

/// What a synchronous change's success promises the array received, as a
/// test of the requests in its log; `None` for calls that change nothing
/// (or whose arguments leave the change to the provider).
fn sync_change(s: &StepRecord) -> Option<(String, Sent<'_>)> {
    let object = s.object?;
    let asked = s.asked.as_ref()?;
    Some(match (s.method, asked) {
        (Method::TargetSetFriendlyName, Step::SetFriendlyName { name, .. }) => (
            format!("the friendly name {name:?}"),
            Box::new(move |r| {
                matches!(r, ArrayRequest::SetFriendlyName { target, name: n }
                    if *target == object && kept(n) == kept(name))
            }),
        ),
        (
            Method::TargetSetSharedSecret,
            Step::SetSharedSecret {
                secret,
                null_secret_with_size,
                initiator,
                ..
            },
        ) => {
            // A NULL secret with a non-zero size is ARG-NULL-POINTER's.
            if null_secret_with_size.is_some_and(|n| n != 0) {
                return None;
            }
            let initiator = initiator.as_deref().filter(|i| !i.is_empty());
            (
                format!("the secret {secret:?} for {initiator:?}"),
                Box::new(move |r| {
                    matches!(r, ArrayRequest::SetSharedSecret { target, initiator: i, secret: sent }
                        if *target == object
                            && i.as_deref().filter(|i| !i.is_empty()) == initiator
                            && same_secret(sent, secret.as_deref()))
                }),
            )
        }
        (
            Method::TargetRememberInitiatorSharedSecret,
            Step::RememberInitiatorSharedSecret {
                initiator: Some(initiator),
                secret,
                ..
            },
        ) => (
            format!("the secret {secret:?} for {initiator:?}"),
            Box::new(move |r| {
                matches!(r, ArrayRequest::RememberInitiatorSecret { target, initiator: i, secret: sent }
                    if *target == object && i == initiator && same_secret(sent, secret.as_deref()))
            }),
        ),
        (Method::PortalSetStatus, Step::SetPortalStatus { status, .. }) => {
            let value = status.value();
            (
                format!("the status {status:?}"),
                Box::new(move |r| {
                    matches!(r, ArrayRequest::SetPortalStatus { portal, status }
                        if *portal == object && *status == value)
                }),
            )
        }
        _ => return None,
    })
}

/// SUCCESS-APPLIED for synchronous changes (see the module), and
/// SetFriendlyName's VDS_S_NAME_TRUNCATED exactly when the name was cut.
fn sync_changes_applied(h: &History, j: &mut Judgement) {
    for s in h.calls.iter().filter(|s| s.hr.succeeded()) {
        let Some((what, sent)) = sync_change(s) else {
            continue;
        };
        j.hit_at(RULE, s);
        let applied = h
            .applied()
            .any(|e| !e.direct && sent(&e.request) && e.t_us >= s.t_call_us && e.t_us <= s.t_us);
        if !applied {
            j.fail(
                RULE,
                s,
                format!(
                    "{} answered {}, but the array was not given {what} while it ran",
                    s.method, s.hr
                ),
            );
            continue;
        }
        if let Some(Step::SetFriendlyName { name, .. }) = &s.asked {
            let cut = name.chars().count() > FRIENDLY_NAME_LIMIT;
            if cut != (s.hr == HResult::VDS_S_NAME_TRUNCATED) {
                j.fail(
                    RULE,
                    s,
                    format!(
                        "SetFriendlyName answered {} for a name of {} characters; the array keeps {FRIENDLY_NAME_LIMIT}, so it {} VDS_S_NAME_TRUNCATED",
                        s.hr,
                        name.chars().count(),
                        if cut { "owed the caller" } else { "had no cause for" }
                    ),
                );
            }
        }
    }
}

/// Whether another call than `op`'s asked for `req` and may have been
/// under way at `t_us` (so it may have made the change): called by then,
/// and answered at or after it, or with an answer that left the outcome
/// unknown (a timeout, or an operation abandoned at a restart, whose
/// request the array may still apply later: RESTART-ABANDONS-OPERATIONS).
fn rival(h: &History, op: &Op, req: &ArrayRequest, t_us: u128) -> bool {
    const UNKNOWING: [HResult; 2] = [vds_sim::outcomes::TIMEOUT, HResult::VDS_E_PROVIDER_EXITING];
    h.calls.iter().any(|o| {
        !std::ptr::eq(*o, op.call)
            && request_of(o).as_ref() == Some(req)
            && o.t_call_us <= t_us
            && h.answer(o)
                .is_none_or(|(hr, a)| a.t_us >= t_us || UNKNOWING.contains(&hr))
    })
}

/// SUCCESS-APPLIED (see the module).
pub(super) fn success_applied(h: &History, j: &mut Judgement) {
    sync_changes_applied(h, j);
    for op in &h.ops {
        if let Some(end) = seen_succeed(op) {
            j.hit_at(RULE, end);
            if let Some(why) = unapplied_success(h, op, end) {
                j.fail(RULE, end, why);
            }
        }
        let cancel = op
            .follow
            .iter()
            .find(|s| s.method == Method::AsyncCancel && s.hr == HResult::S_OK);
        if let (Some(cancel), Some(req)) = (cancel, request_of(op.call)) {
            j.hit_at(RULE, cancel);
            let made = applied_between(h, &req, op.call.t_call_us, u128::MAX)
                .find(|e| !rival(h, op, &req, e.t_us));
            if let Some(e) = made {
                j.fail(
                    RULE,
                    cancel,
                    format!(
                        "Cancel of {} ({} step {}) succeeded, yet the array applied {req:?} at {} µs, asked by no other call",
                        op.call.method, op.call.client, op.call.step, e.t_us
                    ),
                );
            }
        }
    }
}
