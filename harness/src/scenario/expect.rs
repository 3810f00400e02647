//! Expectations written on steps (`expect`, `expect_result`) and how a run
//! is judged against them.

use std::fmt;

use vds_sim::hresult::HResult;
use vds_sim::runtime::EngineKind;
use vds_sim::world::{RunOutcome, StepRecord};

/// Which HRESULT of a step an expectation is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Checked {
    /// `expect`: the HRESULT the call itself returned.
    Expect,
    /// `expect_result`: the operation's `pHrResult` (Wait, QueryStatus).
    ExpectResult,
}

impl Checked {
    /// The YAML key.
    pub fn key(self) -> &'static str {
        match self {
            Checked::Expect => "expect",
            Checked::ExpectResult => "expect_result",
        }
    }

    fn actual(self, rec: &StepRecord) -> Option<HResult> {
        match self {
            Checked::Expect => Some(rec.hr),
            Checked::ExpectResult => rec.hr_result,
        }
    }
}

/// One expectation from the file: a step's HRESULT must be one of a set.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Expectation {
    /// The client.
    pub client: String,
    /// The step's number in the client's program (1-based, as in [`StepRecord::step`]).
    pub step: usize,
    /// The step's `call` name.
    pub call: &'static str,
    /// Which HRESULT.
    pub checked: Checked,
    /// The codes allowed.
    pub codes: Vec<HResult>,
    /// Line of the `expect` / `expect_result` key in the file.
    pub line: usize,
    /// Column of that key.
    pub column: usize,
}

/// What the step actually did, when it broke an expectation.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Actual {
    /// It returned this code.
    Code(HResult),
    /// It returned, but reported no `pHrResult`.
    NoResult,
    /// It never returned: it was skipped (a name it needed was not held) or
    /// the run ended first.
    NotRun,
}

impl fmt::Display for Actual {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Actual::Code(hr) => write!(f, "{hr}"),
            Actual::NoResult => f.write_str("no pHrResult"),
            Actual::NotRun => f.write_str("nothing (the step was skipped or never ran)"),
        }
    }
}

/// A broken expectation. Displays as one line:
/// `FILE:LINE:COLUMN: madsim seed 3: client c1 step 2 (Interface::Method) expect got X; expected one of A, B`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ExpectationFailure {
    /// The scenario file.
    pub file: String,
    /// Line of the expectation.
    pub line: usize,
    /// Column of the expectation.
    pub column: usize,
    /// The engine of the run.
    pub engine: EngineKind,
    /// The seed of the run.
    pub seed: u64,
    /// The client.
    pub client: String,
    /// The step number (1-based).
    pub step: usize,
    /// `Interface::Method` from the step's record, or the `call` name if it never ran.
    pub method: String,
    /// Which HRESULT.
    pub checked: Checked,
    /// The codes allowed.
    pub expected: Vec<HResult>,
    /// What happened instead.
    pub actual: Actual,
}

impl fmt::Display for ExpectationFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let expected: Vec<String> = self.expected.iter().map(|h| h.to_string()).collect();
        write!(
            f,
            "{}:{}:{}: {} seed {}: client {} step {} ({}) {} got {}; expected {}{}",
            self.file,
            self.line,
            self.column,
            self.engine,
            self.seed,
            self.client,
            self.step,
            self.method,
            self.checked.key(),
            self.actual,
            if expected.len() > 1 { "one of " } else { "" },
            expected.join(", ")
        )
    }
}

/// Judges one run against the expectations.
pub(crate) fn check(
    file: &str,
    expectations: &[Expectation],
    outcome: &RunOutcome,
) -> Vec<ExpectationFailure> {
    let mut failures = Vec::new();
    for e in expectations {
        let rec = outcome
            .steps
            .iter()
            .find(|r| r.client == e.client && r.step == e.step);
        let actual = match rec {
            None => Actual::NotRun,
            Some(r) => match e.checked.actual(r) {
                Some(hr) => Actual::Code(hr),
                None => Actual::NoResult,
            },
        };
        if matches!(actual, Actual::Code(hr) if e.codes.contains(&hr)) {
            continue;
        }
        failures.push(ExpectationFailure {
            file: file.to_string(),
            line: e.line,
            column: e.column,
            engine: outcome.engine,
            seed: outcome.seed,
            client: e.client.clone(),
            step: e.step,
            method: rec.map_or(e.call.to_string(), |r| r.method.to_string()),
            checked: e.checked,
            expected: e.codes.clone(),
            actual,
        });
    }
    failures
}
