//! SUCCESS-APPLIED: an operation's end says what happened on the array. One
//! that a client saw end with S_OK made its change there during its life
//! (a Delete deleted, AddPortal and RemovePortal changed that portal of that
//! group, CreateTarget hands back the target the array made for it); one
//! that a client cancelled with success never had its change applied by the
//! array, unless another call asking for the same change explains it.

use vds_sim::array::{ArrayEvent, ArrayRequest};
use vds_sim::hresult::HResult;
use vds_sim::method::Method;
use vds_sim::profile::RuleId;
use vds_sim::world::StepRecord;

use super::history::request_of;
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
        let made = h.applied().any(|e| {
            matches!(e.request, ArrayRequest::CreateTarget { .. })
                && e.created == Some(handed)
                && e.t_us >= call.t_call_us
                && e.t_us <= w.t_us
        });
        return (!made).then(|| {
            format!(
                "CreateTarget's Wait handed back {handed}, which the array did not create for it"
            )
        });
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

/// Whether another call than `op`'s asked for `req` and may have been
/// under way at `t_us` (so it may have made the change): its answer came
/// after `op` was called, or left the outcome unknown (a timeout, or an
/// operation abandoned at a restart, whose request the array may still
/// apply later: RESTART-ABANDONS-OPERATIONS).
fn rival(h: &History, op: &Op, req: &ArrayRequest, t_us: u128) -> bool {
    const UNKNOWING: [HResult; 2] = [vds_sim::outcomes::TIMEOUT, HResult::VDS_E_PROVIDER_EXITING];
    h.calls.iter().any(|o| {
        !std::ptr::eq(*o, op.call)
            && request_of(o).as_ref() == Some(req)
            && o.t_call_us <= t_us
            && h.answer(o)
                .is_none_or(|(hr, a)| a.t_us >= op.call.t_call_us || UNKNOWING.contains(&hr))
    })
}

/// SUCCESS-APPLIED (see the module).
pub(super) fn success_applied(h: &History, j: &mut Judgement) {
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
