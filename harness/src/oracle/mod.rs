//! The oracle: judges one finished run against every check. It reads only
//! what a caller could see (the step records and the trace) plus the
//! array's history as ground truth, and reports, per check, how often the
//! run exercised it and every violation found.

mod allocation;
mod applied;
mod arguments;
mod async_rules;
mod busy;
mod cache;
mod causes;
mod cpg;
mod declared;
mod history;
mod learned;
mod linearizability;
mod link;
mod outcomes;
mod portals;
mod reads;
mod refusals;
mod restart;
mod run;
mod situation;
mod states;
mod targets;
mod wait;
mod warrants;

use std::collections::BTreeMap;

use serde::Serialize;
use vds_sim::method::Method;
use vds_sim::profile::RuleId;
use vds_sim::world::{RunOutcome, StepRecord};

use crate::checks::CheckId;

pub use history::{FaultFired, History, Op};
pub use linearizability::SerialOrder;
pub use situation::Situation;
pub use states::{State, applicable as state_cells, methods as state_methods};

/// One violation of one check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The check it breaks.
    pub check: CheckId,
    /// The client whose call broke it (empty for run-wide findings).
    pub client: String,
    /// The client's step number (0 for run-wide findings).
    pub step: usize,
    /// The trace sequence number of the offending return (0 for run-wide findings).
    pub seq: usize,
    /// What was wrong.
    pub message: String,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.client.is_empty() {
            write!(f, "{}: {}", self.check, self.message)
        } else {
            write!(
                f,
                "{}: {} step {} (trace seq {}): {}",
                self.check, self.client, self.step, self.seq, self.message
            )
        }
    }
}

/// The oracle's verdict on one run.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Judgement {
    /// How many times the run exercised each check.
    pub exercised: BTreeMap<RuleId, u32>,
    /// How many times the run exercised each check on each method: the
    /// method called, or for Wait, QueryStatus and Cancel the method that
    /// started the operation.
    pub cells: BTreeMap<(RuleId, Method), u32>,
    /// How many times the run exercised each check in each situation
    /// (see [`Situation`]).
    pub situations: BTreeMap<(RuleId, Situation), u32>,
    /// Every violation, in the order found.
    pub findings: Vec<Finding>,
    /// Per target, the serial order CPG-LINEARIZABLE found, or the
    /// operations it could not order (for the run's page).
    #[serde(skip)]
    pub orders: Vec<SerialOrder>,
    /// The (method, state) cells the run's calls reached (see [`State`]).
    #[serde(skip)]
    pub states: std::collections::BTreeSet<(Method, State)>,
    /// Where each check was exercised (the trace seq of the call), until
    /// [`judge`] turns them into situations.
    #[serde(skip)]
    places: Vec<(RuleId, usize)>,
}

impl Judgement {
    /// Notes that the run exercised a check once.
    pub fn hit(&mut self, check: RuleId) {
        *self.exercised.entry(check).or_default() += 1;
    }

    /// Notes that the run exercised a check once on a method.
    pub fn hit_method(&mut self, check: RuleId, method: Method) {
        self.hit(check);
        *self.cells.entry((check, method)).or_default() += 1;
    }

    /// Notes that the run exercised a check once at a step.
    pub fn hit_at(&mut self, check: RuleId, at: &StepRecord) {
        self.hit_method(check, subject(at));
        self.place(check, at);
    }

    /// Notes the situation of a step where a check was exercised, without
    /// counting another hit (for checks that judge many calls at once).
    pub fn place(&mut self, check: RuleId, at: &StepRecord) {
        self.places.push((check, at.seq_call));
    }

    /// Counts the situations of the places where checks were exercised.
    fn place_in_situations(&mut self, h: &History) {
        let steps: BTreeMap<usize, &StepRecord> =
            h.out.steps.iter().map(|s| (s.seq_call, s)).collect();
        // Many checks look at the same call: name each call's situations once.
        let mut named: BTreeMap<usize, Vec<Situation>> = BTreeMap::new();
        for (check, seq) in std::mem::take(&mut self.places) {
            let Some(step) = steps.get(&seq) else {
                continue;
            };
            let situations = named.entry(seq).or_insert_with(|| h.situations(step));
            for situation in situations.iter() {
                *self.situations.entry((check, *situation)).or_default() += 1;
            }
        }
    }

    /// Records a violation at a step.
    pub fn fail(&mut self, check: RuleId, at: &StepRecord, message: impl Into<String>) {
        self.hit_at(check, at);
        self.findings.push(Finding {
            check: check.into(),
            client: at.client.clone(),
            step: at.step,
            seq: at.seq_return,
            message: message.into(),
        });
    }

    /// Records a violation of the run as a whole.
    pub fn fail_run(&mut self, check: RuleId, message: impl Into<String>) {
        self.hit(check);
        self.findings.push(Finding {
            check: check.into(),
            client: String::new(),
            step: 0,
            seq: 0,
            message: message.into(),
        });
    }

    /// Checks with at least one violation.
    pub fn failed_checks(&self) -> Vec<RuleId> {
        let mut ids: Vec<_> = self
            .findings
            .iter()
            .filter_map(|f| f.check.rule())
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }

    /// True when nothing was violated.
    pub fn passed(&self) -> bool {
        self.findings.is_empty()
    }
}

/// The method a step is about: the one it called, or for a call on an
/// `IVdsAsync` the method that started the operation.
pub fn subject(s: &StepRecord) -> Method {
    s.origin.as_ref().map_or(s.method, |o| o.method)
}

/// What must have happened for `method` to answer the failure `hr`
/// (REFUSAL-WARRANTED's table); `None` for a success, or a code off the
/// method's allow-list.
///
/// ```
/// use vds_sim::hresult::HResult;
/// use vds_sim::method::Method;
/// let w = vds_harness::oracle::warrant(Method::TargetDelete, HResult::VDS_E_ASSOCIATED_LUNS_EXIST);
/// assert_eq!(w, Some("LUNs on the target"));
/// ```
pub fn warrant(method: Method, hr: vds_sim::hresult::HResult) -> Option<&'static str> {
    let w = warrants::needed(method, hr);
    (hr.failed() && w != warrants::Warrant::Unlisted).then(|| w.describe())
}

/// The function that judges one rule.
type Judge = fn(&History, &mut Judgement);

/// Every check's judging function, in the catalogue's order. Each is named
/// after its rule: `CPG-LIMIT` is judged by `cpg::cpg_limit`.
const JUDGES: &[(RuleId, Judge)] = &[
    (RuleId::RunCompletes, run::run_completes),
    (RuleId::AnswersConsistent, run::answers_consistent),
    (RuleId::LedgerBalanced, run::ledger_balanced),
    (RuleId::CpgReturnCodes, cpg::cpg_return_codes),
    (RuleId::CpgSOkNewGroup, cpg::cpg_s_ok_new_group),
    (RuleId::CpgAlreadyExists, cpg::cpg_already_exists),
    (RuleId::CpgLimit, cpg::cpg_limit),
    (RuleId::CpgLinearizable, linearizability::cpg_linearizable),
    (RuleId::CpgTagUnique, cpg::cpg_tag_unique),
    (
        RuleId::WaitFailureNullPointers,
        wait::wait_failure_null_pointers,
    ),
    (
        RuleId::WaitFailureOutputType,
        wait::wait_failure_output_type,
    ),
    (
        RuleId::OutputTypeMatchesOperation,
        wait::output_type_matches_operation,
    ),
    (RuleId::AsyncWaitRepeatable, wait::async_wait_repeatable),
    (
        RuleId::AsyncPendingInHrResult,
        async_rules::async_pending_in_hr_result,
    ),
    (RuleId::AsyncPercentRange, async_rules::async_percent_range),
    (
        RuleId::AsyncPercentMonotonic,
        async_rules::async_percent_monotonic,
    ),
    (RuleId::AsyncCancel, async_rules::async_cancel),
    (
        RuleId::AsyncCancelAfterDone,
        async_rules::async_cancel_after_done,
    ),
    (RuleId::CacheCorruptReported, cache::cache_corrupt_reported),
    (
        RuleId::CacheRecoverySequence,
        cache::cache_recovery_sequence,
    ),
    (
        RuleId::CacheRecoveredAfterRefresh,
        cache::cache_recovered_after_refresh,
    ),
    (
        RuleId::DeletedIsObjectDeleted,
        targets::deleted_is_object_deleted,
    ),
    (RuleId::BusyInDomain, busy::busy_in_domain),
    (RuleId::DeclarationKept, declared::declaration_kept),
    (RuleId::LinkErrorsAsWin32, link::link_errors_as_win32),
    (
        RuleId::RestartAbandonsOperations,
        restart::restart_abandons_operations,
    ),
    (RuleId::RestartReloadsCache, restart::restart_reloads_cache),
    (
        RuleId::CacheLearnsDeletions,
        learned::cache_learns_deletions,
    ),
    (
        RuleId::PortalOneGroupPerTarget,
        portals::portal_one_group_per_target,
    ),
    (RuleId::ArgNullPointer, arguments::arg_null_pointer),
    (RuleId::OutcomeListed, outcomes::outcome_listed),
    (RuleId::RefusalWarranted, refusals::refusal_warranted),
    (RuleId::ReadsTrue, reads::reads_true),
    (RuleId::SuccessApplied, applied::success_applied),
    (
        RuleId::AllocationFailureSuffered,
        allocation::allocation_failure_suffered,
    ),
];

/// Judges one run against every check.
pub fn judge(out: &RunOutcome) -> Judgement {
    let h = History::new(out);
    let mut j = Judgement::default();
    for (rule, judge) in JUDGES {
        let before = j.findings.len();
        judge(&h, &mut j);
        debug_assert!(
            j.findings[before..].iter().all(|f| f.check == *rule),
            "the judge of {rule} reported another rule"
        );
    }
    j.place_in_situations(&h);
    j.states = h.states();
    j
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_check_has_one_judge_in_catalogue_order() {
        let judged: Vec<RuleId> = JUDGES.iter().map(|(r, _)| *r).collect();
        let catalogued: Vec<RuleId> = crate::checks::CHECKS.iter().map(|c| c.id).collect();
        assert_eq!(judged, catalogued);
    }
}
