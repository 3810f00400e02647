//! The oracle: judges one finished run against every check. It reads only
//! what a caller could see (the step records and the trace) plus the
//! array's history as ground truth, and reports, per check, how often the
//! run exercised it and every violation found.

mod async_rules;
mod cache;
mod cpg;
mod history;
mod linearizability;
mod run;
mod targets;
mod wait;

use std::collections::BTreeMap;

use serde::Serialize;
use vds_sim::world::{RunOutcome, StepRecord};

pub use history::{FaultFired, History, Op};

/// One violation of one check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The check's id.
    pub check: &'static str,
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
    pub exercised: BTreeMap<&'static str, u32>,
    /// Every violation, in the order found.
    pub findings: Vec<Finding>,
}

impl Judgement {
    /// Notes that the run exercised a check once.
    pub fn hit(&mut self, check: &'static str) {
        *self.exercised.entry(check).or_default() += 1;
    }

    /// Records a violation at a step.
    pub fn fail(&mut self, check: &'static str, at: &StepRecord, message: impl Into<String>) {
        self.hit(check);
        self.findings.push(Finding {
            check,
            client: at.client.clone(),
            step: at.step,
            seq: at.seq_return,
            message: message.into(),
        });
    }

    /// Records a violation of the run as a whole.
    pub fn fail_run(&mut self, check: &'static str, message: impl Into<String>) {
        self.hit(check);
        self.findings.push(Finding {
            check,
            client: String::new(),
            step: 0,
            seq: 0,
            message: message.into(),
        });
    }

    /// Checks with at least one violation.
    pub fn failed_checks(&self) -> Vec<&'static str> {
        let mut ids: Vec<_> = self.findings.iter().map(|f| f.check).collect();
        ids.sort();
        ids.dedup();
        ids
    }

    /// True when nothing was violated.
    pub fn passed(&self) -> bool {
        self.findings.is_empty()
    }
}

/// Judges one run against every check.
pub fn judge(out: &RunOutcome) -> Judgement {
    let h = History::new(out);
    let mut j = Judgement::default();
    run::check(&h, &mut j);
    wait::check(&h, &mut j);
    cpg::check(&h, &mut j);
    async_rules::check(&h, &mut j);
    cache::check(&h, &mut j);
    targets::check(&h, &mut j);
    linearizability::check(&h, &mut j);
    for f in &j.findings {
        debug_assert!(
            crate::checks::by_id(f.check).is_some(),
            "unknown check {}",
            f.check
        );
    }
    j
}
