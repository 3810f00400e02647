//! Whole-run rules: RUN-COMPLETES, ANSWERS-CONSISTENT and LEDGER-BALANCED.

use vds_sim::profile::RuleId;

use super::{History, Judgement};

/// RUN-COMPLETES: the run ended by itself, without a panic, hang or blocked thread.
pub(super) fn run_completes(h: &History, j: &mut Judgement) {
    j.hit(RuleId::RunCompletes);
    if let Some(e) = &h.out.error {
        j.fail_run(RuleId::RunCompletes, e.to_string());
    }
}

/// ANSWERS-CONSISTENT: out-parameters only with success, failures alone
/// (set-up calls included: a client that cannot read its set-up answers
/// makes no further call).
pub(super) fn answers_consistent(h: &History, j: &mut Judgement) {
    if h.out.error.is_some() {
        // A run cut short is judged by RUN-COMPLETES alone.
        return;
    }
    for s in &h.out.steps {
        j.hit_at(RuleId::AnswersConsistent, s);
        if s.inconsistent {
            let how = if s.hr.succeeded() {
                "as a failure"
            } else {
                "with out-parameters"
            };
            j.fail(
                RuleId::AnswersConsistent,
                s,
                format!("{} answered {} {how}", s.method, s.hr),
            );
        }
    }
}

/// LEDGER-BALANCED: every reference handed out is released exactly once.
pub(super) fn ledger_balanced(h: &History, j: &mut Judgement) {
    if h.out.error.is_some() {
        // A run cut short leaves references its clients never got to release.
        return;
    }
    if h.out.ledger.issued > 0 {
        j.hit(RuleId::LedgerBalanced);
    }
    for v in &h.out.ledger.violations {
        // Judged by WAIT-FAILURE-NULL-POINTERS.
        if v.kind() != "pointer-in-failed-wait" {
            j.fail_run(RuleId::LedgerBalanced, format!("{}: {v:?}", v.kind()));
        }
    }
}
