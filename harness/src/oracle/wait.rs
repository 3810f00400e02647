//! WAIT-FAILURE-NULL-POINTERS, WAIT-FAILURE-OUTPUT-TYPE,
//! OUTPUT-TYPE-MATCHES-OPERATION, ASYNC-WAIT-REPEATABLE.

use vds_sim::output_type::VDS_ASYNC_OUTPUT_TYPE;

use super::{History, Judgement};

pub(super) fn check(h: &History, j: &mut Judgement) {
    for op in &h.ops {
        let expected = op.output_type();
        let mut first: Option<(
            vds_sim::hresult::HResult,
            Option<vds_sim::props::VDS_OBJECT_ID>,
        )> = None;
        for w in op.waits() {
            let (Some(hr_result), Some(output)) = (w.hr_result, w.output.as_ref()) else {
                continue;
            };
            let failed = w.hr.failed() || hr_result.failed();
            let object = output.pointer.as_ref().and_then(|p| p.object);
            if failed {
                j.hit("WAIT-FAILURE-NULL-POINTERS");
                if let Some(p) = &output.pointer {
                    j.fail(
                        "WAIT-FAILURE-NULL-POINTERS",
                        w,
                        format!(
                            "Wait {} / pHrResult {hr_result} but {} is not NULL",
                            w.hr, p.field
                        ),
                    );
                }
                j.hit("WAIT-FAILURE-OUTPUT-TYPE");
                let t = output.output_type;
                if Some(t) != expected && t != VDS_ASYNC_OUTPUT_TYPE::VDS_ASYNCOUT_UNKNOWN {
                    j.fail(
                        "WAIT-FAILURE-OUTPUT-TYPE",
                        w,
                        format!("failed {} reported type {t}", op.call.method),
                    );
                }
            } else {
                j.hit("OUTPUT-TYPE-MATCHES-OPERATION");
                if Some(output.output_type) != expected {
                    j.fail(
                        "OUTPUT-TYPE-MATCHES-OPERATION",
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
            if w.hr.succeeded() {
                match first {
                    None => first = Some((hr_result, object)),
                    Some((r0, o0)) => {
                        j.hit("ASYNC-WAIT-REPEATABLE");
                        if r0 != hr_result || o0 != object {
                            j.fail(
                                "ASYNC-WAIT-REPEATABLE",
                                w,
                                format!("Wait gave {hr_result} {object:?}; an earlier Wait gave {r0} {o0:?}"),
                            );
                        }
                    }
                }
            }
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
                "WAIT-FAILURE-NULL-POINTERS",
                format!(
                    "{id} handed out by a Wait that returned {wait_hr} / pHrResult {hr_result}"
                ),
            );
        }
    }
}
