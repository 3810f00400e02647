//! The IVdsAsync checks: ASYNC-PENDING-IN-HRRESULT, ASYNC-PERCENT-RANGE,
//! ASYNC-PERCENT-MONOTONIC, ASYNC-CANCEL, ASYNC-CANCEL-AFTER-DONE.

use vds_sim::hresult::HResult;
use vds_sim::method::Method;

use super::{History, Judgement};

const PENDING: HResult = HResult::VDS_E_OPERATION_PENDING;
const CANCELED: HResult = HResult::VDS_E_OPERATION_CANCELED;

pub(super) fn check(h: &History, j: &mut Judgement) {
    for op in &h.ops {
        let mut last_pending: Option<u32> = None;
        // Set once a call has shown the operation finished: (seq of that return, final result).
        let mut done: Option<(usize, HResult)> = None;
        // Set once a Cancel succeeded: the seq of its return.
        let mut canceled: Option<usize> = None;
        for s in &op.follow {
            match s.method {
                Method::AsyncQueryStatus => {
                    j.hit("ASYNC-PENDING-IN-HRRESULT");
                    if s.hr.failed() {
                        j.fail(
                            "ASYNC-PENDING-IN-HRRESULT",
                            s,
                            format!(
                                "QueryStatus itself returned {}; progress belongs in pHrResult",
                                s.hr
                            ),
                        );
                        continue;
                    }
                    let (Some(r), Some(pct)) = (s.hr_result, s.percent) else {
                        continue;
                    };
                    j.hit("ASYNC-PERCENT-RANGE");
                    if r == PENDING {
                        if pct > 99 {
                            j.fail("ASYNC-PERCENT-RANGE", s, format!("{pct}% while pending"));
                        }
                        if let Some(prev) = last_pending {
                            j.hit("ASYNC-PERCENT-MONOTONIC");
                            if pct < prev {
                                j.fail(
                                    "ASYNC-PERCENT-MONOTONIC",
                                    s,
                                    format!("{pct}% after {prev}% while pending"),
                                );
                            }
                        }
                        last_pending = Some(pct);
                    } else {
                        let want = if r.failed() { 0 } else { 100 };
                        if pct != want {
                            j.fail(
                                "ASYNC-PERCENT-RANGE",
                                s,
                                format!(
                                    "{pct}% after the operation ended with {r}; expected {want}%"
                                ),
                            );
                        }
                        done.get_or_insert((s.seq_return, r));
                    }
                    if canceled.is_some() && r != CANCELED {
                        j.fail(
                            "ASYNC-CANCEL",
                            s,
                            format!("pHrResult {r} after a successful Cancel"),
                        );
                    }
                }
                Method::AsyncWait => {
                    if let Some(r) = s.hr_result.filter(|_| s.hr.succeeded()) {
                        if canceled.is_some() {
                            j.hit("ASYNC-CANCEL");
                            if r != CANCELED {
                                j.fail(
                                    "ASYNC-CANCEL",
                                    s,
                                    format!("Wait's pHrResult is {r} after a successful Cancel"),
                                );
                            }
                        }
                        done.get_or_insert((s.seq_return, r));
                    }
                }
                Method::AsyncCancel => {
                    if let Some(c) = canceled.filter(|c| *c < s.seq_call) {
                        let _ = c;
                        j.hit("ASYNC-CANCEL");
                        if s.hr != CANCELED {
                            j.fail(
                                "ASYNC-CANCEL",
                                s,
                                format!("second Cancel returned {}; expected {CANCELED}", s.hr),
                            );
                        }
                    } else if let Some((seen, r)) = done.filter(|(seen, _)| *seen < s.seq_call) {
                        let _ = seen;
                        j.hit("ASYNC-CANCEL-AFTER-DONE");
                        let want = if r == CANCELED {
                            CANCELED
                        } else {
                            HResult::VDS_E_CANCEL_TOO_LATE
                        };
                        if s.hr != want {
                            j.fail(
                                "ASYNC-CANCEL-AFTER-DONE",
                                s,
                                format!("Cancel after the operation ended ({r}) returned {}; expected {want}", s.hr),
                            );
                        }
                    }
                    if s.hr == HResult::S_OK {
                        canceled.get_or_insert(s.seq_return);
                    }
                }
                _ => {}
            }
        }
    }
}
