//! RUN-COMPLETES, ANSWERS-CONSISTENT and LEDGER-BALANCED.

use super::{History, Judgement};

pub(super) fn check(h: &History, j: &mut Judgement) {
    j.hit("RUN-COMPLETES");
    if let Some(e) = &h.out.error {
        j.fail_run("RUN-COMPLETES", e.to_string());
        // A run cut short leaves references its clients never got to release.
        return;
    }
    for s in &h.calls {
        j.hit("ANSWERS-CONSISTENT");
        if s.inconsistent {
            let how = if s.hr.succeeded() {
                "as a failure"
            } else {
                "with out-parameters"
            };
            j.fail(
                "ANSWERS-CONSISTENT",
                s,
                format!("{} answered {} {how}", s.method, s.hr),
            );
        }
    }
    if h.out.ledger.issued > 0 {
        j.hit("LEDGER-BALANCED");
    }
    for v in &h.out.ledger.violations {
        if v.kind() != "pointer-in-failed-wait" {
            j.fail_run("LEDGER-BALANCED", format!("{}: {v:?}", v.kind()));
        }
    }
}
