//! What Wait hands back: WAIT-FAILURE-NULL-POINTERS, WAIT-FAILURE-OUTPUT-TYPE,
//! OUTPUT-TYPE-MATCHES-OPERATION, ASYNC-WAIT-REPEATABLE.

use vds_sim::hresult::HResult;
use vds_sim::output_type::VDS_ASYNC_OUTPUT_TYPE;
use vds_sim::profile::RuleId;
use vds_sim::trace::OutputRecord;
use vds_sim::world::StepRecord;

use super::{History, Judgement, Op};

/// Every Wait that reported a result: the operation, the Wait, its
/// `pHrResult` and its output.
fn reported<'h>(
    h: &'h History,
) -> impl Iterator<Item = (&'h Op<'h>, &'h StepRecord, HResult, &'h OutputRecord)> {
    h.ops.iter().flat_map(|op| {
        op.waits().filter_map(move |w| {
            let (Some(hr_result), Some(output)) = (w.hr_result, w.output.as_ref()) else {
                return None;
            };
            Some((op, *w, hr_result, output))
        })
    })
}

/// Whether the Wait reports a failed operation.
fn failed(w: &StepRecord, hr_result: HResult) -> bool {
    w.hr.failed() || hr_result.failed()
}

/// WAIT-FAILURE-NULL-POINTERS: a failed Wait hands out no pointer.
pub(super) fn wait_failure_null_pointers(h: &History, j: &mut Judgement) {
    for (_, w, hr_result, output) in reported(h).filter(|(_, w, r, _)| failed(w, *r)) {
        j.hit_at(RuleId::WaitFailureNullPointers, w);
        if let Some(p) = &output.pointer {
            j.fail(
                RuleId::WaitFailureNullPointers,
                w,
                format!(
                    "Wait {} / pHrResult {hr_result} but {} is not NULL",
                    w.hr, p.field
                ),
            );
        }
    }
    // A pointer the client found in a failed Wait is also in the ledger.
    for v in &h.out.ledger.violations {
        if let vds_sim::ledger::Violation::PointerInFailedWait {
            id,
            wait_hr,
            hr_result,
        } = v
        {
            j.fail_run(
                RuleId::WaitFailureNullPointers,
                format!(
                    "{id} handed out by a Wait that returned {wait_hr} / pHrResult {hr_result}"
                ),
            );
        }
    }
}

/// WAIT-FAILURE-OUTPUT-TYPE: a failed Wait reports the operation's type or UNKNOWN.
pub(super) fn wait_failure_output_type(h: &History, j: &mut Judgement) {
    for (op, w, _, output) in reported(h).filter(|(_, w, r, _)| failed(w, *r)) {
        j.hit_at(RuleId::WaitFailureOutputType, w);
        let t = output.output_type;
        if Some(t) != op.output_type() && t != VDS_ASYNC_OUTPUT_TYPE::VDS_ASYNCOUT_UNKNOWN {
            j.fail(
                RuleId::WaitFailureOutputType,
                w,
                format!("failed {} reported type {t}", op.call.method),
            );
        }
    }
}

/// OUTPUT-TYPE-MATCHES-OPERATION: a successful Wait reports the operation's type.
pub(super) fn output_type_matches_operation(h: &History, j: &mut Judgement) {
    for (op, w, _, output) in reported(h).filter(|(_, w, r, _)| !failed(w, *r)) {
        j.hit_at(RuleId::OutputTypeMatchesOperation, w);
        let expected = op.output_type();
        if Some(output.output_type) != expected {
            j.fail(
                RuleId::OutputTypeMatchesOperation,
                w,
                format!(
                    "{} finished with type {}, expected {}",
                    op.call.method,
                    output.output_type,
                    expected.map_or("none".to_string(), |t| t.to_string())
                ),
            );
        }
    }
}

/// ASYNC-WAIT-REPEATABLE: every successful Wait on one operation agrees.
pub(super) fn async_wait_repeatable(h: &History, j: &mut Judgement) {
    for op in &h.ops {
        let mut first = None;
        for w in op.waits().filter(|w| w.hr.succeeded()) {
            let (Some(hr_result), Some(output)) = (w.hr_result, w.output.as_ref()) else {
                continue;
            };
            let object = output.pointer.as_ref().and_then(|p| p.object);
            match first {
                None => first = Some((hr_result, object)),
                Some((r0, o0)) => {
                    j.hit_at(RuleId::AsyncWaitRepeatable, w);
                    if r0 != hr_result || o0 != object {
                        j.fail(
                            RuleId::AsyncWaitRepeatable,
                            w,
                            format!(
                                "Wait gave {hr_result} {object:?}; an earlier Wait gave {r0} {o0:?}"
                            ),
                        );
                    }
                }
            }
        }
    }
}
