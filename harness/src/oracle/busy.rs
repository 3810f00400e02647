//! REFUSAL-WARRANTED for VDS_E_ANOTHER_CALL_IN_PROGRESS: a call refused
//! with it must have been made while a Reenumerate or Refresh was being
//! answered, or while an operation on its target (for a refresh, on any
//! target) could still have been running; or it must have overlapped a
//! call that takes its target's lock.

use vds_sim::hresult::HResult;
use vds_sim::method::Method;
use vds_sim::profile::RuleId;
use vds_sim::props::VDS_OBJECT_ID;
use vds_sim::world::StepRecord;

use super::{History, Judgement};

const BUSY: HResult = HResult::VDS_E_ANOTHER_CALL_IN_PROGRESS;

fn is_refresh(m: Method) -> bool {
    matches!(m, Method::HwProviderReenumerate | Method::HwProviderRefresh)
}

/// Methods that hold their target busy while they (or the operation they
/// start) run.
fn locks_target(m: Method) -> bool {
    matches!(
        m,
        Method::TargetCreatePortalGroup
            | Method::TargetDelete
            | Method::PortalGroupAddPortal
            | Method::PortalGroupRemovePortal
            | Method::PortalGroupDelete
    )
}

/// The target a call is about: its own object, or its group's target.
fn target_of(h: &History, s: &StepRecord) -> Option<VDS_OBJECT_ID> {
    let object = s.object?;
    match s.method.interface() {
        "IVdsIscsiTarget" => Some(object),
        "IVdsIscsiPortalGroup" => h.group_target.get(&object).copied(),
        _ => None,
    }
}

/// Whether the operation `o` (an accepted call: every one of `History::ops`
/// is) may still have been running when `c` was called: it was started
/// before, and nothing had shown it over.
fn may_run(o: &StepRecord, follow: &[&StepRecord], c: &StepRecord) -> bool {
    let started = o.seq_call < c.seq_call;
    let seen_over = follow.iter().any(|s| {
        s.seq_return < c.seq_call
            && s.hr.succeeded()
            && (s.method == Method::AsyncCancel
                || s.hr_result
                    .is_some_and(|r| r != HResult::VDS_E_OPERATION_PENDING))
    });
    started && !seen_over
}

/// What could have kept the provider busy when `c` was called, if anything.
fn busy_because(h: &History, c: &StepRecord) -> Option<String> {
    let refresh = h
        .calls
        .iter()
        .find(|r| is_refresh(r.method) && r.seq_call < c.seq_call && r.seq_return > c.seq_call);
    if let Some(r) = refresh {
        return Some(format!("{} ({} step {})", r.method, r.client, r.step));
    }
    let target = target_of(h, c);
    let mine = |o: &StepRecord| is_refresh(c.method) || target_of(h, o) == target;
    if target.is_none() && !is_refresh(c.method) {
        return None;
    }
    let op = h.ops.iter().find(|op| {
        locks_target(op.call.method) && mine(op.call) && may_run(op.call, &op.follow, c)
    });
    if let Some(op) = op {
        return Some(format!(
            "{} ({} step {})",
            op.call.method, op.call.client, op.call.step
        ));
    }
    // A locking call still being answered (its lock is taken at the call).
    h.calls
        .iter()
        .find(|o| {
            locks_target(o.method)
                && mine(o)
                && !std::ptr::eq(**o, c)
                && o.seq_call < c.seq_return
                && o.seq_return > c.seq_call
        })
        .map(|o| format!("{} ({} step {})", o.method, o.client, o.step))
}

/// REFUSAL-WARRANTED, for VDS_E_ANOTHER_CALL_IN_PROGRESS (see the module).
pub(super) fn busy_refusals(h: &History, j: &mut Judgement) {
    let rule = RuleId::RefusalWarranted;
    for c in h.calls.iter().filter(|c| c.hr == BUSY) {
        j.hit_at(rule, c);
        if busy_because(h, c).is_none() {
            j.fail(
                rule,
                c,
                format!(
                    "{} answered {BUSY}, but no Reenumerate or Refresh ran and no operation on its target could still have been running",
                    c.method
                ),
            );
        }
    }
}
