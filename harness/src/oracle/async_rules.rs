//! The IVdsAsync rules: ASYNC-PENDING-IN-HRRESULT, ASYNC-PERCENT-RANGE,
//! ASYNC-PERCENT-MONOTONIC, ASYNC-CANCEL, ASYNC-CANCEL-AFTER-DONE.

use vds_sim::hresult::HResult;
use vds_sim::method::Method;
use vds_sim::profile::RuleId;
use vds_sim::world::StepRecord;

use super::{History, Judgement, Op};

const PENDING: HResult = HResult::VDS_E_OPERATION_PENDING;
const CANCELED: HResult = HResult::VDS_E_OPERATION_CANCELED;

/// A QueryStatus that returned S_OK with a status: (`pHrResult`, percentage).
fn status(s: &StepRecord) -> Option<(HResult, u32)> {
    if s.method != Method::AsyncQueryStatus || s.hr.failed() {
        return None;
    }
    Some((s.hr_result?, s.percent?))
}

/// The operation's final result, when this call showed it ended.
fn ended(s: &StepRecord) -> Option<HResult> {
    match s.method {
        Method::AsyncQueryStatus => status(s).map(|(r, _)| r).filter(|r| *r != PENDING),
        Method::AsyncWait => s.hr_result.filter(|_| s.hr.succeeded()),
        _ => None,
    }
}

/// The return seq of the first successful Cancel among the first `i` calls on the operation.
fn canceled_before(op: &Op, i: usize) -> Option<usize> {
    op.follow[..i]
        .iter()
        .find(|s| s.method == Method::AsyncCancel && s.hr == HResult::S_OK)
        .map(|s| s.seq_return)
}

/// The first call among the first `i` that showed the operation ended: (its return seq, the result).
fn ended_before(op: &Op, i: usize) -> Option<(usize, HResult)> {
    op.follow[..i]
        .iter()
        .find_map(|s| ended(s).map(|r| (s.seq_return, r)))
}

/// ASYNC-PENDING-IN-HRRESULT: QueryStatus itself succeeds; progress is in `pHrResult`.
pub(super) fn async_pending_in_hr_result(h: &History, j: &mut Judgement) {
    for op in &h.ops {
        for s in op
            .follow
            .iter()
            .filter(|s| s.method == Method::AsyncQueryStatus)
        {
            j.hit_at(RuleId::AsyncPendingInHrResult, s);
            if s.hr.failed() && !h.excused(s) {
                j.fail(
                    RuleId::AsyncPendingInHrResult,
                    s,
                    format!(
                        "QueryStatus itself returned {}; progress belongs in pHrResult",
                        s.hr
                    ),
                );
            }
        }
    }
}

/// ASYNC-PERCENT-RANGE: 0..=99 while pending, 100 after success, 0 after failure.
pub(super) fn async_percent_range(h: &History, j: &mut Judgement) {
    for op in &h.ops {
        for s in &op.follow {
            let Some((r, pct)) = status(s) else { continue };
            j.hit_at(RuleId::AsyncPercentRange, s);
            if r == PENDING {
                if pct > 99 {
                    j.fail(
                        RuleId::AsyncPercentRange,
                        s,
                        format!("{pct}% while pending"),
                    );
                }
                continue;
            }
            let want = if r.failed() { 0 } else { 100 };
            if pct != want {
                j.fail(
                    RuleId::AsyncPercentRange,
                    s,
                    format!("{pct}% after the operation ended with {r}; expected {want}%"),
                );
            }
        }
    }
}

/// ASYNC-PERCENT-MONOTONIC: the percentage never falls while pending.
pub(super) fn async_percent_monotonic(h: &History, j: &mut Judgement) {
    for op in &h.ops {
        let mut last_pending: Option<u32> = None;
        for s in &op.follow {
            let Some((PENDING, pct)) = status(s) else {
                continue;
            };
            if let Some(prev) = last_pending {
                j.hit_at(RuleId::AsyncPercentMonotonic, s);
                if pct < prev {
                    j.fail(
                        RuleId::AsyncPercentMonotonic,
                        s,
                        format!("{pct}% after {prev}% while pending"),
                    );
                }
            }
            last_pending = Some(pct);
        }
    }
}

/// ASYNC-CANCEL: after a successful Cancel the operation ends canceled, and
/// a second Cancel answers VDS_E_OPERATION_CANCELED.
pub(super) fn async_cancel(h: &History, j: &mut Judgement) {
    for op in &h.ops {
        for (i, s) in op.follow.iter().enumerate() {
            let Some(canceled) = canceled_before(op, i) else {
                continue;
            };
            match s.method {
                Method::AsyncQueryStatus => {
                    if let Some((r, _)) = status(s)
                        && r != CANCELED
                    {
                        j.fail(
                            RuleId::AsyncCancel,
                            s,
                            format!("pHrResult {r} after a successful Cancel"),
                        );
                    }
                }
                Method::AsyncWait => {
                    if let Some(r) = ended(s) {
                        j.hit_at(RuleId::AsyncCancel, s);
                        if r != CANCELED {
                            j.fail(
                                RuleId::AsyncCancel,
                                s,
                                format!("Wait's pHrResult is {r} after a successful Cancel"),
                            );
                        }
                    }
                }
                Method::AsyncCancel if canceled < s.seq_call => {
                    j.hit_at(RuleId::AsyncCancel, s);
                    if s.hr != CANCELED && !h.excused(s) {
                        j.fail(
                            RuleId::AsyncCancel,
                            s,
                            format!("second Cancel returned {}; expected {CANCELED}", s.hr),
                        );
                    }
                }
                _ => {}
            }
        }
    }
}

/// ASYNC-CANCEL-AFTER-DONE: Cancel after the end answers VDS_E_CANCEL_TOO_LATE
/// (or VDS_E_OPERATION_CANCELED when it ended canceled).
pub(super) fn async_cancel_after_done(h: &History, j: &mut Judgement) {
    for op in &h.ops {
        for (i, s) in op.follow.iter().enumerate() {
            if s.method != Method::AsyncCancel
                || canceled_before(op, i).is_some_and(|c| c < s.seq_call)
            {
                continue;
            }
            let Some((_, r)) = ended_before(op, i).filter(|(seen, _)| *seen < s.seq_call) else {
                continue;
            };
            j.hit_at(RuleId::AsyncCancelAfterDone, s);
            let want = if r == CANCELED {
                CANCELED
            } else {
                HResult::VDS_E_CANCEL_TOO_LATE
            };
            if s.hr != want && !h.excused(s) {
                j.fail(
                    RuleId::AsyncCancelAfterDone,
                    s,
                    format!(
                        "Cancel after the operation ended ({r}) returned {}; expected {want}",
                        s.hr
                    ),
                );
            }
        }
    }
}
