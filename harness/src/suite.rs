//! The conformance suite: runs the campaigns on the chosen engines and
//! seeds against one provider, judges every run, and tallies a verdict per
//! check. [`SuiteConfig`] is what the command line and a provider author's
//! own test both fill in.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;
use vds_sim::method::Method;
use vds_sim::profile::RuleId;
use vds_sim::provider::declaration::Declaration;
use vds_sim::provider::{ProviderFactory, ProviderFaultKind};
use vds_sim::runtime::EngineKind;
use vds_sim::world::{self, RunOutcome};

use crate::campaigns::{CAMPAIGNS, Campaign};
use crate::checks::{CHECKS, CheckId};
use crate::oracle::{self, Finding, Situation};
pub use crate::plan::{Plan, RunId};
pub use crate::providers::{provider_flag, shell_quote};
use crate::scenario::Scenario;

/// What to run, built with setters that state their defaults.
#[derive(Clone)]
pub struct SuiteConfig {
    /// The provider under test.
    pub factory: Arc<dyn ProviderFactory>,
    /// Engines to run on. Default both.
    pub engines: Vec<EngineKind>,
    /// The campaigns. Default all of [`CAMPAIGNS`].
    pub campaigns: Vec<&'static Campaign>,
    /// Seeds per fixed campaign and engine. Default 4.
    pub seeds: u64,
    /// Seeds of the `mixed` campaign per engine. Default 40.
    pub mixed_seeds: u64,
    /// The first seed. Default 0.
    pub start: u64,
    /// Stop at the first failing run (for mutant hunting). Default false.
    pub fail_fast: bool,
    /// Wall time without progress of the simulator after which a run is
    /// declared stuck (a provider that blocks its thread). Default: the world's, 10 s.
    pub stuck_after: std::time::Duration,
    /// Whether every check must be exercised on every engine the suite runs,
    /// wherever it applies (a check, cell or state no run reached makes the
    /// suite inconclusive). Default true, whatever campaigns are chosen; a
    /// run without it is partial and says so.
    pub require_exercise: bool,
    /// Runs made at once, each on a thread of its own. Reports are the same
    /// for any number. Default: the machine's cores.
    pub jobs: usize,
    /// What keeps each failing run as soon as it is judged (writes its
    /// files: `report::spill_to`); when it does, the run's trace and
    /// transcript leave memory, so that a long or interrupted sweep keeps
    /// what it found. Default: none; the caller writes them from the report
    /// (`report::write_artifacts`).
    pub spill: Option<Spill>,
    /// How many failing runs per failed check the report keeps (with their
    /// findings, and their traces when spilled); a failing run is kept
    /// while one of its checks has room. The others are counted
    /// ([`SuiteReport::unkept`]) and, when spilled, listed. Default: all.
    pub keep_per_check: usize,
}

/// Keeps one failing run as it is judged: lists it, and writes its files
/// when `trace` is true. True when it did (the report then holds only its
/// findings).
pub type Spill = Arc<dyn Fn(&FailedRun, bool) -> bool + Send + Sync>;

impl std::fmt::Debug for SuiteConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SuiteConfig")
            .field("provider", &self.factory.name())
            .field("engines", &self.engines)
            .field("seeds", &self.seeds)
            .field("mixed_seeds", &self.mixed_seeds)
            .field("start", &self.start)
            .finish_non_exhaustive()
    }
}

impl SuiteConfig {
    /// The default suite against `factory`.
    pub fn new(factory: Arc<dyn ProviderFactory>) -> Self {
        Self {
            factory,
            engines: EngineKind::ALL.to_vec(),
            campaigns: CAMPAIGNS.iter().collect(),
            seeds: 4,
            mixed_seeds: 40,
            start: 0,
            fail_fast: false,
            stuck_after: vds_sim::world::WorldConfig::new(0).stuck_after,
            require_exercise: true,
            jobs: std::thread::available_parallelism().map_or(1, |n| n.get()),
            spill: None,
            keep_per_check: usize::MAX,
        }
    }
    /// Keeps at most `n` failing runs per failed check (at least one); see
    /// [`SuiteConfig::keep_per_check`].
    pub fn keep_per_check(mut self, n: usize) -> Self {
        self.keep_per_check = n.max(1);
        self
    }
    /// Keeps each failing run with `spill` as soon as it is judged (see
    /// [`SuiteConfig::spill`]).
    pub fn spill(mut self, spill: Spill) -> Self {
        self.spill = Some(spill);
        self
    }
    /// Makes up to `n` runs at once (at least one); the report does not depend on it.
    pub fn jobs(mut self, n: usize) -> Self {
        self.jobs = n.max(1);
        self
    }
    /// Runs on these engines only.
    pub fn engines(mut self, engines: &[EngineKind]) -> Self {
        self.engines = engines.to_vec();
        self
    }
    /// Runs these campaigns only. Every check is still required unless
    /// [`SuiteConfig::require_exercise`] says otherwise, so that a part of
    /// the suite cannot pass a provider by testing nothing.
    pub fn campaigns(mut self, campaigns: Vec<&'static Campaign>) -> Self {
        self.campaigns = campaigns;
        self
    }
    /// Whether a check that no run exercised wherever it applies makes the
    /// suite inconclusive; `false` makes the run partial.
    pub fn require_exercise(mut self, yes: bool) -> Self {
        self.require_exercise = yes;
        self
    }
    /// Seeds per fixed campaign and engine.
    pub fn seeds(mut self, n: u64) -> Self {
        self.seeds = n;
        self
    }
    /// Seeds of the mixed campaign per engine.
    pub fn mixed_seeds(mut self, n: u64) -> Self {
        self.mixed_seeds = n;
        self
    }
    /// The first seed.
    pub fn start(mut self, s: u64) -> Self {
        self.start = s;
        self
    }
    /// Stops at the first failing run.
    pub fn fail_fast(mut self, yes: bool) -> Self {
        self.fail_fast = yes;
        self
    }
    /// Sets how long a run may make no progress, in wall time, before it is declared stuck.
    pub fn stuck_after(mut self, limit: std::time::Duration) -> Self {
        self.stuck_after = limit;
        self
    }

    /// Every (campaign, engine, seed) this suite runs, in order.
    pub fn plan(&self) -> Plan {
        let campaigns = self
            .campaigns
            .iter()
            .map(|c| {
                let n = if c.name == "mixed" {
                    self.mixed_seeds
                } else {
                    self.seeds
                };
                (*c, n)
            })
            .collect();
        Plan::new(campaigns, self.start, &self.engines)
    }
}

/// The command line that replays one run of a scenario file.
pub fn scenario_replay_command(
    file: &str,
    engine: EngineKind,
    seed: u64,
    provider: &str,
) -> String {
    format!(
        "{} replay --scenario {} --engine {engine} --seed {seed}{}",
        shell_quote(crate::providers::program()),
        shell_quote(file),
        provider_flag(provider)
    )
}

/// A run with violations.
#[derive(Clone, Debug, Serialize)]
pub struct FailedRun {
    /// The campaign's (or scenario file's) name.
    pub campaign: String,
    /// The engine.
    pub engine: EngineKind,
    /// The seed.
    pub seed: u64,
    /// Its place in the unsharded plan (1-based; for scenario files, in
    /// the order their runs were made).
    pub run: u64,
    /// What was violated.
    pub findings: Vec<Finding>,
    /// The whole trace.
    pub trace: Vec<vds_sim::trace::TraceLine>,
    /// The provider process's protocol transcript (`exec:` providers;
    /// empty otherwise).
    pub transcript: Vec<String>,
    /// The array's log, for the run's page (empty when not kept).
    #[serde(skip)]
    pub array_log: Vec<vds_sim::array::ArrayEvent>,
    /// The calls' records, for the run's page (empty when not kept).
    #[serde(skip)]
    pub steps: Vec<vds_sim::world::StepRecord>,
    /// The serial orders CPG-LINEARIZABLE found per target, for the run's page.
    #[serde(skip)]
    pub orders: Vec<oracle::SerialOrder>,
    /// The command that replays it.
    pub replay: String,
    /// True when its files were written as the run was judged
    /// ([`SuiteConfig::spill`]); the trace and transcript are then empty.
    #[serde(skip)]
    pub written: bool,
}

/// One check's tally over the suite.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Tally {
    /// Runs that exercised the check.
    pub runs: u64,
    /// Runs in which it was violated.
    pub failed_runs: u64,
    /// Times it was exercised in all.
    pub exercised: u64,
    /// Runs that exercised the check, per engine.
    pub runs_by_engine: BTreeMap<EngineKind, u64>,
    /// Engines the suite ran on where the check had to be exercised and was
    /// not (empty unless the suite requires exercise).
    pub unexercised_on: Vec<EngineKind>,
    /// Methods where the check applies ([`crate::checks::applies_to`]) that
    /// no run exercised it on, with the engine (empty unless the suite
    /// requires exercise).
    pub unexercised_cells: Vec<(Method, EngineKind)>,
    /// Situations where the check applies ([`crate::checks::applies_in`])
    /// that no run exercised it in, with the engine (empty unless the
    /// suite requires exercise).
    pub unexercised_situations: Vec<(Situation, EngineKind)>,
    /// The place in the unsharded plan (1-based) of the first run that
    /// violated it, if any: the same in a shard as in the whole.
    pub first_failure_after: Option<u64>,
}

/// After this many runs in a row in which a provider process hung, the
/// suite stops.
pub const HANGS_IN_A_ROW: u64 = 3;

/// A check's verdict over the suite.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Verdict {
    /// Exercised and never violated.
    Pass,
    /// Violated at least once.
    Fail,
    /// Never exercised: the suite did not test it.
    Untested,
    /// Not exercised wherever the suite requires it (a method, a situation
    /// or an engine no run reached): the suite could not judge the
    /// provider there, so it is neither a pass nor a violation. A run with
    /// no violation but an inconclusive check exits 3.
    Inconclusive,
}

impl Tally {
    /// The verdict.
    pub fn verdict(&self) -> Verdict {
        if self.failed_runs > 0 {
            Verdict::Fail
        } else if !self.unexercised_on.is_empty()
            || !self.unexercised_cells.is_empty()
            || !self.unexercised_situations.is_empty()
        {
            Verdict::Inconclusive
        } else if self.runs == 0 {
            Verdict::Untested
        } else {
            Verdict::Pass
        }
    }
}

/// The suite's result.
#[derive(Clone, Debug, Serialize)]
pub struct SuiteReport {
    /// The provider's name.
    pub provider: String,
    /// What the provider declared of its design, which it was judged against.
    pub declaration: vds_sim::provider::declaration::Declaration,
    /// The faults the provider declared it cannot simulate: checks and
    /// states that need them are not required.
    pub cannot_take: Vec<ProviderFaultKind>,
    /// Runs made.
    pub runs: u64,
    /// Per check id, in catalogue order.
    pub tallies: BTreeMap<RuleId, Tally>,
    /// Every failing run, with its trace.
    pub failures: Vec<FailedRun>,
    /// Runs that exercised each (check, method) cell, per engine.
    #[serde(skip)]
    pub coverage: Coverage,
    /// The engines the runs were made on, in order.
    pub engines: Vec<EngineKind>,
    /// Why the suite stopped before the end of its plan, if it did.
    pub stopped: Option<String>,
    /// Cells of the state-coverage table ([`oracle::State`]) no run
    /// reached, with the engine (empty unless the suite requires exercise).
    #[serde(skip)]
    pub unreached_states: Vec<(Method, oracle::State, EngineKind)>,
    /// True when the suite did not require every check to be exercised
    /// (`run --partial`, `sweep`): untested checks are then no verdict.
    pub partial: bool,
    /// The signal that stopped the suite before the end of its plan, if
    /// one did (see [`crate::interrupt`]).
    pub interrupted: Option<crate::interrupt::Signal>,
    /// Failing runs beyond [`SuiteConfig::keep_per_check`]: counted in the
    /// tallies, listed by the spill, not kept here.
    pub unkept: u64,
}

impl SuiteReport {
    /// True when no check failed and none that the suite required went
    /// unexercised (untested checks of a partial run do not make a provider fail).
    pub fn conformant(&self) -> bool {
        self.failures.is_empty() && !self.inconclusive()
    }

    /// True when some check the suite required went unexercised somewhere
    /// (see [`Verdict::Inconclusive`]).
    pub fn inconclusive(&self) -> bool {
        !self.unreached_states.is_empty()
            || self
                .tallies
                .values()
                .any(|t| t.verdict() == Verdict::Inconclusive)
    }

    /// Checks, in catalogue order, with their tallies.
    pub fn rows(&self) -> Vec<(&'static crate::checks::Check, &Tally)> {
        CHECKS.iter().map(|c| (c, &self.tallies[&c.id])).collect()
    }

    /// (passed, failed, inconclusive) counts of checks; untested checks
    /// count as none of them.
    pub fn counts(&self) -> (usize, usize, usize) {
        let count = |v: Verdict| self.tallies.values().filter(|t| t.verdict() == v).count();
        (
            count(Verdict::Pass),
            count(Verdict::Fail),
            count(Verdict::Inconclusive),
        )
    }
}

/// What the suite reports as it goes.
#[derive(Clone, Copy, Debug)]
pub struct Progress<'a> {
    /// Runs done.
    pub done: usize,
    /// Runs in all.
    pub total: usize,
    /// The run just finished.
    pub run: &'a RunId,
    /// Whether it passed.
    pub passed: bool,
}

/// Runs that exercised each check, per engine: on each method and in each
/// situation.
#[derive(Clone, Debug, Default)]
pub struct Coverage {
    /// Per (check, method) cell.
    pub cells: BTreeMap<(RuleId, Method), BTreeMap<EngineKind, u64>>,
    /// Per (check, situation) cell.
    pub situations: BTreeMap<(RuleId, Situation), BTreeMap<EngineKind, u64>>,
    /// Per (method, state) cell of the state-coverage table.
    pub states: BTreeMap<(Method, oracle::State), BTreeMap<EngineKind, u64>>,
}

impl Coverage {
    /// No run yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one run's cells.
    fn add(&mut self, j: &oracle::Judgement, engine: EngineKind) {
        count_runs(&mut self.cells, j.cells.keys(), engine);
        count_runs(&mut self.situations, j.situations.keys(), engine);
        count_runs(&mut self.states, j.states.iter(), engine);
    }

    /// Whether some run on `engine` exercised `check` on `method`.
    pub fn reached(&self, check: RuleId, method: Method, engine: EngineKind) -> bool {
        self.cells
            .get(&(check, method))
            .is_some_and(|by| by.contains_key(&engine))
    }

    /// Whether some run on `engine` exercised `check` in `situation`.
    pub fn reached_in(&self, check: RuleId, situation: Situation, engine: EngineKind) -> bool {
        self.situations
            .get(&(check, situation))
            .is_some_and(|by| by.contains_key(&engine))
    }
}

/// Which failing runs a report keeps: taken in plan order, a run is kept
/// while one of the checks it breaks has had fewer than `per_check` kept.
/// The same in a suite as in the merge of its shards' reports.
pub(crate) struct Keeper {
    per_check: usize,
    kept: BTreeMap<CheckId, usize>,
}

impl Keeper {
    /// Keeping at most `per_check` runs per failed check.
    pub(crate) fn new(per_check: usize) -> Self {
        Self {
            per_check,
            kept: BTreeMap::new(),
        }
    }

    /// Whether the next failing run, with these findings, is kept; if so it
    /// counts against each of its checks.
    pub(crate) fn keeps(&mut self, findings: &[Finding]) -> bool {
        let checks: std::collections::BTreeSet<CheckId> =
            findings.iter().map(|f| f.check).collect();
        let keep = checks
            .iter()
            .any(|c| self.kept.get(c).copied().unwrap_or(0) < self.per_check);
        if keep {
            for c in checks {
                *self.kept.entry(c).or_default() += 1;
            }
        }
        keep
    }
}

/// The tallies of a suite before its first run: one per catalogued check.
fn empty_tallies() -> BTreeMap<RuleId, Tally> {
    CHECKS.iter().map(|c| (c.id, Tally::default())).collect()
}

/// Adds one run's judgement (the run at 1-based place `run` of the
/// unsharded plan, on `engine`) to the tallies.
fn tally(
    tallies: &mut BTreeMap<RuleId, Tally>,
    j: &oracle::Judgement,
    engine: EngineKind,
    run: u64,
) {
    for (check, n) in &j.exercised {
        let t = tallies
            .get_mut(check)
            .expect("oracle checks are catalogued");
        t.runs += 1;
        t.exercised += u64::from(*n);
        *t.runs_by_engine.entry(engine).or_default() += 1;
    }
    for check in j.failed_checks() {
        let t = tallies
            .get_mut(&check)
            .expect("oracle checks are catalogued");
        t.failed_runs += 1;
        t.first_failure_after.get_or_insert(run);
    }
}

/// Makes the runs of `plan` on `cfg.jobs` workers and hands each to
/// `visit` in plan order ([`crate::workers::in_order`]).
fn in_order(
    cfg: &SuiteConfig,
    plan: &Plan,
    visit: &mut dyn FnMut(usize, RunOutcome, oracle::Judgement) -> bool,
) {
    let factory = cfg.factory.clone();
    crate::workers::in_order(factory, cfg.stuck_after, cfg.jobs, plan, visit);
}

/// Why a plan stopped when a signal interrupted it.
fn interrupted_note(sig: crate::interrupt::Signal, runs: u64, total: usize) -> String {
    format!("interrupted by {sig} after {runs} of {total} runs; the verdict covers those runs only")
}

/// Runs a list of runs and tallies them.
pub fn run_plan(cfg: &SuiteConfig, plan: &Plan, progress: &mut dyn FnMut(Progress)) -> SuiteReport {
    let provider = cfg.factory.name();
    let mut tallies = empty_tallies();
    let mut coverage = Coverage::new();
    let mut failures = Vec::new();
    let mut runs = 0;
    let mut stopped = None;
    let mut hangs = 0;
    let mut keeper = Keeper::new(cfg.keep_per_check);
    let mut unkept = 0u64;
    in_order(cfg, plan, &mut |i, mut outcome, judgement| {
        let Some(id) = &plan.get(i) else {
            return false;
        };
        runs += 1;
        let place = plan.position(i) + 1;
        tally(&mut tallies, &judgement, id.engine, place);
        coverage.add(&judgement, id.engine);
        let passed = judgement.passed();
        if !passed {
            let mut failed = FailedRun::of(
                id.campaign.name.to_string(),
                id.engine,
                id.seed,
                place,
                id.replay_command(&provider),
                judgement,
                &mut outcome,
            );
            // Kept while one of its checks has room; the others are counted
            // (and listed by the spill), so memory stays bounded.
            let keep = keeper.keeps(&failed.findings);
            // Kept now, the trace leaves memory; if it cannot be, it stays
            // for the caller to try again and report why.
            let spilled = cfg.spill.as_ref().is_some_and(|spill| spill(&failed, keep));
            if keep {
                if spilled {
                    failed.written_out();
                }
                failures.push(failed);
            } else {
                unkept += 1;
            }
        }
        progress(Progress {
            done: i + 1,
            total: plan.len(),
            run: id,
            passed,
        });
        if !passed && cfg.fail_fast {
            return false;
        }
        stopped = stop_reason(&outcome, &mut hangs, runs, plan.len());
        stopped.is_none()
    });
    let interrupted = crate::interrupt::received();
    if let Some(sig) = interrupted {
        stopped.get_or_insert(interrupted_note(sig, runs, plan.len()));
    }
    let engines = plan.engines();
    let mut unreached_states = Vec::new();
    if cfg.require_exercise && stopped.is_none() {
        let design = Design {
            cannot_take: cfg.factory.cannot_take().to_vec(),
            declaration: cfg.factory.declaration(),
        };
        require_exercise(&mut tallies, &coverage, &engines, &design);
        unreached_states = unreached(&coverage, &engines, &design);
    }
    SuiteReport {
        provider,
        declaration: cfg.factory.declaration(),
        cannot_take: cfg.factory.cannot_take().to_vec(),
        runs,
        stopped,
        tallies,
        failures,
        coverage,
        engines,
        unreached_states,
        partial: !cfg.require_exercise,
        interrupted,
        unkept,
    }
}

/// Why the suite stops after this run, if it must: a provider process
/// that hangs run after run costs the whole turn limit each time, and a
/// stuck world would block another thread for the whole wall-clock limit;
/// after a few hangs in a row, or one stuck run, the verdict is clear.
/// `hangs` counts the hangs in a row so far.
fn stop_reason(outcome: &RunOutcome, hangs: &mut u64, runs: u64, total: usize) -> Option<String> {
    *hangs = match &outcome.error {
        Some(world::RunError::Provider { hung: true, .. }) => *hangs + 1,
        _ => 0,
    };
    match &outcome.error {
        Some(world::RunError::Provider { message, .. }) if *hangs == HANGS_IN_A_ROW => {
            Some(format!(
                "stopped after {runs} of {total} runs: the provider hung in {HANGS_IN_A_ROW} runs in a row ({message}); fix that first"
            ))
        }
        Some(e @ world::RunError::Stuck { .. }) => Some(format!(
            "stopped after {runs} of {total} runs: {e}; fix that first"
        )),
        _ => None,
    }
}

impl FailedRun {
    /// A failing run of `campaign` (or scenario file), the `run`-th, with
    /// its judgement's findings and serial orders and what its page needs,
    /// taken out of `outcome`.
    fn of(
        campaign: String,
        engine: EngineKind,
        seed: u64,
        run: u64,
        replay: String,
        judgement: oracle::Judgement,
        outcome: &mut RunOutcome,
    ) -> Self {
        FailedRun {
            campaign,
            engine,
            seed,
            run,
            findings: judgement.findings,
            orders: judgement.orders,
            trace: std::mem::take(&mut outcome.trace),
            transcript: std::mem::take(&mut outcome.transcript),
            array_log: std::mem::take(&mut outcome.array_log),
            steps: std::mem::take(&mut outcome.steps),
            replay,
            written: false,
        }
    }

    /// Its files are written: the trace and what its page needs leave memory.
    fn written_out(&mut self) {
        self.trace = Vec::new();
        self.transcript = Vec::new();
        self.array_log = Vec::new();
        self.steps = Vec::new();
        self.written = true;
    }
}

/// The distinct engines among `engines`, in order.
fn engines_of(engines: impl Iterator<Item = EngineKind>) -> Vec<EngineKind> {
    let mut e: Vec<EngineKind> = engines.collect();
    e.sort();
    e.dedup();
    e
}

/// Counts one run on `engine` for each of `cells`.
fn count_runs<'a, K: Ord + Copy + 'a>(
    counts: &mut BTreeMap<K, BTreeMap<EngineKind, u64>>,
    cells: impl Iterator<Item = &'a K>,
    engine: EngineKind,
) {
    for cell in cells {
        *counts.entry(*cell).or_default().entry(engine).or_default() += 1;
    }
}

/// Whether a provider that cannot take the faults `cannot_take` is excused
/// from situations under the fault `kind`.
fn cannot_take_kind(cannot_take: &[ProviderFaultKind], kind: vds_sim::faults::FaultKind) -> bool {
    kind.provider_side()
        .is_some_and(|f| cannot_take.contains(&f))
}

/// Marks each check that no run exercised on an engine the plan ran on,
/// except checks that need a fault the provider declared it cannot take,
/// or that its declared design cannot reach (`checks::reachable`,
/// `checks::required_methods`).
pub(crate) fn require_exercise(
    tallies: &mut BTreeMap<RuleId, Tally>,
    coverage: &Coverage,
    engines: &[EngineKind],
    design: &Design,
) {
    for c in CHECKS {
        let t = tallies.get_mut(&c.id).expect("every check has a tally");
        if c.needs.is_some_and(|f| design.cannot_take.contains(&f))
            || !crate::checks::reachable(c.id, &design.declaration)
        {
            continue;
        }
        t.unexercised_on = engines
            .iter()
            .copied()
            .filter(|e| !t.runs_by_engine.contains_key(e))
            .collect();
        t.unexercised_cells = crate::checks::required_methods(c.id, &design.declaration)
            .into_iter()
            .flat_map(|m| engines.iter().map(move |e| (m, *e)))
            .filter(|(m, e)| !coverage.reached(c.id, *m, *e))
            .collect();
        t.unexercised_situations = crate::checks::applies_in(c.id)
            .iter()
            .filter(
                |s| !matches!(s, Situation::Fault(kind) if cannot_take_kind(&design.cannot_take, *kind)),
            )
            .flat_map(|s| engines.iter().map(move |e| (*s, *e)))
            .filter(|(s, e)| !coverage.reached_in(c.id, *s, *e))
            .collect();
    }
}

/// What a provider said of itself that changes what the suite requires of
/// it: the faults it cannot take and its declared design.
#[derive(Clone, Debug, Default)]
pub(crate) struct Design {
    /// The provider-side faults it cannot suffer.
    pub cannot_take: Vec<ProviderFaultKind>,
    /// Its declared design.
    pub declaration: Declaration,
}

/// The cells of the state-coverage table no run reached on an engine of
/// the plan, except states that need a fault the provider cannot take and
/// methods it declared it does not carry out.
pub(crate) fn unreached(
    coverage: &Coverage,
    engines: &[EngineKind],
    design: &Design,
) -> Vec<(Method, oracle::State, EngineKind)> {
    let mut out = Vec::new();
    for m in oracle::state_methods() {
        if design.declaration.not_supported.contains(m) {
            continue;
        }
        for st in oracle::state_cells(m) {
            if st.needs().is_some_and(|f| design.cannot_take.contains(&f)) {
                continue;
            }
            for e in engines {
                let reached = coverage
                    .states
                    .get(&(m, *st))
                    .is_some_and(|by| by.contains_key(e));
                if !reached {
                    out.push((m, *st, *e));
                }
            }
        }
    }
    out
}

/// Runs the whole suite.
///
/// ```
/// use std::sync::Arc;
/// use vds_harness::suite::{run, SuiteConfig};
/// let cfg = SuiteConfig::new(Arc::new(vds_sim::provider::ReferenceFactory::default()))
///     .seeds(1)
///     .mixed_seeds(1);
/// let report = run(&cfg, &mut |_| {});
/// assert!(report.conformant());
/// ```
pub fn run(cfg: &SuiteConfig, progress: &mut dyn FnMut(Progress)) -> SuiteReport {
    run_plan(cfg, &cfg.plan(), progress)
}

/// The id under which a scenario's own expectations are reported.
pub const SCENARIO_EXPECTATIONS: CheckId = CheckId::ScenarioExpectations;

/// What one scenario file's runs came to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScenarioTally {
    /// The scenario's `name`.
    pub name: String,
    /// The file it came from.
    pub file: String,
    /// Runs made.
    pub runs: u64,
    /// Runs with findings or broken expectations.
    pub failed: u64,
}

/// The runs of one scenario: each of its engines (those in `engines`, if
/// given) for each of its seeds.
pub fn scenario_plan(s: &Scenario, engines: Option<&[EngineKind]>) -> Vec<(EngineKind, u64)> {
    s.runs()
        .filter(|(e, _)| engines.is_none_or(|k| k.contains(e)))
        .collect()
}

/// Runs scenario files against a provider, each on its engines (those in
/// `engines`, if given) and seeds, judged by the oracle and by the file's
/// expectations (reported under [`SCENARIO_EXPECTATIONS`]), tallied as
/// [`run`] tallies. `starting` is told each run before it starts.
pub fn run_scenarios(
    scenarios: &[Scenario],
    factory: &dyn ProviderFactory,
    engines: Option<&[EngineKind]>,
    starting: &mut dyn FnMut(&str),
) -> (SuiteReport, Vec<ScenarioTally>) {
    let provider = factory.name();
    let mut tallies = empty_tallies();
    let mut coverage = Coverage::new();
    let mut failures = Vec::new();
    let mut per_file = Vec::new();
    let mut runs = 0u64;
    let total: usize = scenarios
        .iter()
        .map(|s| scenario_plan(s, engines).len())
        .sum();
    for s in scenarios {
        let plan = scenario_plan(s, engines);
        let mut failed = 0;
        for (engine, seed) in &plan {
            if crate::interrupt::received().is_some() {
                break;
            }
            let replay = scenario_replay_command(&s.file, *engine, *seed, &provider);
            starting(&format!(
                "scenario {} on {engine} seed {seed} (replay: {replay})",
                s.name
            ));
            let mut run = s.run(*seed, *engine, factory);
            let mut judgement = oracle::judge(&run.outcome);
            runs += 1;
            tally(&mut tallies, &judgement, *engine, runs);
            coverage.add(&judgement, *engine);
            judgement
                .findings
                .extend(run.failures.iter().map(|x| Finding {
                    check: SCENARIO_EXPECTATIONS,
                    client: String::new(),
                    step: 0,
                    seq: 0,
                    message: x.to_string(),
                }));
            if !judgement.findings.is_empty() {
                failed += 1;
                failures.push(FailedRun::of(
                    s.name.clone(),
                    *engine,
                    *seed,
                    runs,
                    replay,
                    judgement,
                    &mut run.outcome,
                ));
            }
        }
        per_file.push(ScenarioTally {
            name: s.name.clone(),
            file: s.file.clone(),
            runs: plan.len() as u64,
            failed,
        });
    }
    let report = SuiteReport {
        provider,
        declaration: factory.declaration(),
        cannot_take: factory.cannot_take().to_vec(),
        runs,
        tallies,
        failures,
        stopped: crate::interrupt::received().map(|sig| interrupted_note(sig, runs, total)),
        coverage,
        engines: engines_of(
            scenarios
                .iter()
                .flat_map(|s| scenario_plan(s, engines))
                .map(|(e, _)| e),
        ),
        unreached_states: Vec::new(),
        // A scenario file names what it checks (its expectations).
        partial: false,
        interrupted: crate::interrupt::received(),
        unkept: 0,
    };
    (report, per_file)
}
