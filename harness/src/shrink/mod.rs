//! Shrinking a failing run: the smallest world that still fails the same
//! check under the same seed, engine and provider, found by rerunning
//! candidates (each a whole deterministic run judged by the oracle).
//!
//! The world is first made writable as a scenario file
//! ([`scenario::write::writable`]); then [`passes`] remove clients, fault
//! rules, steps (delta debugging over every client's steps) and array
//! objects, and lower what remains (times, counts, probabilities), until a
//! whole round changes nothing. A candidate counts only if it is a valid
//! scenario file and its run has a finding of the check. Shrinking is a
//! pure function of (world, provider, check): the same input gives the
//! same output bytes.
//!
//! ```
//! use vds_harness::shrink::Shrinker;
//! use vds_sim::provider::ReferenceFactory;
//! // The reference provider fails no check: there is nothing to shrink.
//! let world = vds_sim::workload::mixed(1);
//! let err = Shrinker::new(&ReferenceFactory::default()).shrink(&world).unwrap_err();
//! assert!(err.to_string().contains("no check fails"));
//! ```

mod account;
pub mod bugs;
pub mod gherkin;
mod passes;

use std::path::{Path, PathBuf};

use vds_sim::faults::Trigger;
use vds_sim::provider::ProviderFactory;
use vds_sim::trace::Event;
use vds_sim::world::{RunOutcome, WorldConfig};

use crate::checks::CheckId;
use crate::oracle::{self, Finding};
use crate::scenario::{Scenario, write};

pub use account::account;

/// Shrinks failing worlds against one provider, built with setters.
pub struct Shrinker<'a> {
    factory: &'a dyn ProviderFactory,
    check: Option<CheckId>,
    max_runs: usize,
}

/// Why a world could not be shrunk.
#[derive(Debug, thiserror::Error)]
pub enum ShrinkError {
    /// The world's run has no finding at all.
    #[error("no check fails in this run: there is nothing to shrink")]
    Passes,
    /// The world's run has findings, but none of the check asked for.
    #[error("this run does not fail {wanted} (it fails {found}): there is nothing of it to shrink")]
    OtherCheck {
        /// The check asked for.
        wanted: CheckId,
        /// The checks that did fail.
        found: String,
    },
    /// Left out what a scenario file cannot say, the world no longer fails.
    #[error(
        "the run fails {0}, but not once the steps naming objects their client never bound are left out (a scenario file cannot say them)"
    )]
    NotWritable(CheckId),
}

/// A shrunk failure.
#[derive(Clone, Debug)]
pub struct Shrunk {
    /// The world it started from.
    pub original: WorldConfig,
    /// The smallest world found that still fails [`Shrunk::check`].
    pub world: WorldConfig,
    /// The check it fails.
    pub check: CheckId,
    /// The run of [`Shrunk::world`].
    pub outcome: RunOutcome,
    /// That run's findings of the check.
    pub findings: Vec<Finding>,
    /// That run's serial orders per target (CPG-LINEARIZABLE), for its page.
    pub orders: Vec<oracle::SerialOrder>,
    /// How many candidate worlds were run.
    pub runs: usize,
}

impl Shrunk {
    /// Calls the shrunk world's clients make (Sleep and Leak are not calls).
    pub fn calls(&self) -> usize {
        calls(&self.world)
    }
}

/// Calls a world's clients make (Sleep and Leak are not calls).
pub fn calls(world: &WorldConfig) -> usize {
    world
        .clients
        .iter()
        .flat_map(|c| &c.steps)
        .filter(|s| s.is_call())
        .count()
}

impl<'a> Shrinker<'a> {
    /// A shrinker for runs of this provider: the check is the first
    /// finding's, at most 3,000 candidate runs.
    pub fn new(factory: &'a dyn ProviderFactory) -> Self {
        Self {
            factory,
            check: None,
            max_runs: 3_000,
        }
    }

    /// Keeps this check failing (default: the check of the run's first finding).
    pub fn check(mut self, check: Option<CheckId>) -> Self {
        self.check = check;
        self
    }

    /// At most this many candidate runs (default 3,000); the smallest
    /// world found by then is the result.
    pub fn max_runs(mut self, n: usize) -> Self {
        self.max_runs = n;
        self
    }

    /// Shrinks a world whose run fails.
    pub fn shrink(&self, world: &WorldConfig) -> Result<Shrunk, ShrinkError> {
        let first_run = vds_sim::run(world, self.factory);
        let first = oracle::judge(&first_run).findings;
        let check = match (self.check, first.first()) {
            (_, None) => return Err(ShrinkError::Passes),
            (None, Some(f)) => f.check,
            (Some(c), Some(_)) if first.iter().any(|f| f.check == c) => c,
            (Some(c), Some(_)) => {
                let mut found: Vec<&str> = first.iter().map(|f| f.check.as_str()).collect();
                found.dedup();
                return Err(ShrinkError::OtherCheck {
                    wanted: c,
                    found: found.join(", "),
                });
            }
        };
        let mut t = Tester {
            factory: self.factory,
            check,
            runs: 0,
            max_runs: self.max_runs,
            accepted: 0,
            last: None,
        };
        let start = writable(world, &first_run);
        if !t.fails(&start) {
            return Err(ShrinkError::NotWritable(check));
        }
        let small = passes::shrink(start, &mut t);
        // The smallest world is the last one accepted: its run is at hand.
        let (outcome, judgement) = match t.last.take() {
            Some((w, outcome, judgement)) if w == small => (outcome, judgement),
            _ => {
                let outcome = vds_sim::run(&small, self.factory);
                let judgement = oracle::judge(&outcome);
                (outcome, judgement)
            }
        };
        let findings = judgement
            .findings
            .into_iter()
            .filter(|f| f.check == check)
            .collect();
        Ok(Shrunk {
            original: world.clone(),
            world: small,
            check,
            outcome,
            findings,
            orders: judgement.orders,
            runs: t.runs,
        })
    }
}

/// The world as a scenario file may say it ([`write::writable`]), its
/// `before_call` triggers renumbered so that each fault still fires before
/// the same call: a step left out was skipped in the run, but counted.
fn writable(world: &WorldConfig, run: &RunOutcome) -> WorldConfig {
    let dropped = write::unwritable(world);
    let mut out = write::writable(world);
    if dropped.is_empty() {
        return out;
    }
    // The program calls in the order the run made (or skipped) them: the
    // numbering `before_call` counts.
    let mut order: Vec<(String, usize)> = Vec::new();
    for line in &run.trace {
        let (client, step) = match &line.event {
            Event::Call { client, step, .. } | Event::Skip { client, step, .. } => {
                (client.as_str(), *step)
            }
            _ => continue,
        };
        if step > 0 {
            let is_call = world
                .clients
                .iter()
                .find(|c| c.name == client)
                .and_then(|c| c.steps.get(step - 1))
                .is_some_and(vds_sim::program::Step::is_call);
            let id = (client.to_string(), step);
            if is_call && !order.contains(&id) {
                order.push(id);
            }
        }
    }
    for rule in &mut out.faults.rules {
        if let Trigger::BeforeCall(n) = rule.at {
            let before = order.iter().take(n.saturating_sub(1) as usize);
            let gone = before.filter(|id| dropped.contains(id)).count() as u64;
            rule.at = Trigger::BeforeCall((n - gone).max(1));
        }
    }
    out
}

/// Runs candidates and says whether each still fails the check.
pub(crate) struct Tester<'a> {
    factory: &'a dyn ProviderFactory,
    check: CheckId,
    runs: usize,
    max_runs: usize,
    /// Candidates accepted so far (a round that accepts none ends shrinking).
    accepted: usize,
    /// The last candidate accepted, with its run and its judgement.
    last: Option<(WorldConfig, RunOutcome, oracle::Judgement)>,
}

impl Tester<'_> {
    /// True if the candidate is a valid scenario and its run fails the check.
    pub(crate) fn fails(&mut self, w: &WorldConfig) -> bool {
        if self.runs >= self.max_runs {
            return false;
        }
        if Scenario::parse(&write::to_yaml(w, "candidate", ""), "candidate.yaml").is_err() {
            return false;
        }
        self.runs += 1;
        let out = vds_sim::run(w, self.factory);
        let judgement = oracle::judge(&out);
        let fails = judgement.findings.iter().any(|f| f.check == self.check);
        if fails {
            self.accepted += 1;
            self.last = Some((w.clone(), out, judgement));
        }
        fails
    }

    /// Candidates accepted so far.
    pub(crate) fn accepted(&self) -> usize {
        self.accepted
    }
}

/// The files one shrink leaves beside the failing run's trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShrinkFiles {
    /// `STEM.min.yaml`: the scenario file.
    pub scenario: PathBuf,
    /// `STEM.feature`: the same case in the features' words.
    pub feature: PathBuf,
    /// `STEM.min.trace.jsonl`: the shrunk run's trace.
    pub trace: PathBuf,
    /// `STEM.shrink.txt`: the account (check, calls and faults that matter).
    pub account: PathBuf,
    /// `STEM.min.html`: the shrunk run's page (a timeline with each
    /// finding on its call; [`crate::report::page::run_page`]).
    pub page: PathBuf,
}

/// Writes a shrink's files into `dir` as `STEM.*` (see [`ShrinkFiles`]).
/// `origin` says where the failure came from, for the account and the
/// files' descriptions (`mixed on madsim seed 7`).
pub fn write_files(
    dir: &Path,
    stem: &str,
    origin: &str,
    provider: &str,
    s: &Shrunk,
) -> std::io::Result<ShrinkFiles> {
    std::fs::create_dir_all(dir)?;
    let files = ShrinkFiles {
        scenario: dir.join(format!("{stem}.min.yaml")),
        feature: dir.join(format!("{stem}.feature")),
        trace: dir.join(format!("{stem}.min.trace.jsonl")),
        account: dir.join(format!("{stem}.shrink.txt")),
        page: dir.join(format!("{stem}.min.html")),
    };
    let about = format!("{origin}, shrunk: fails {}", s.check);
    let yaml = write::to_yaml(&s.world, &format!("{stem}-min"), &about);
    crate::report::write_atomic(&files.scenario, yaml.as_bytes())?;
    let feature = gherkin::feature(&s.world, &format!("{stem} shrunk"), &about, s.check);
    crate::report::write_atomic(&files.feature, feature.as_bytes())?;
    crate::report::write_atomic(&files.trace, s.outcome.trace_text().as_bytes())?;
    let text = account(origin, provider, s, &files);
    crate::report::write_atomic(&files.account, text.as_bytes())?;
    let replay = crate::suite::scenario_replay_command(
        &files.scenario.to_string_lossy(),
        s.outcome.engine,
        s.outcome.seed,
        provider,
    );
    let title = format!("{origin}, shrunk");
    let page = crate::report::page::run_page(&crate::report::page::RunPage {
        title: &title,
        provider,
        seed: s.outcome.seed,
        replay: &replay,
        trace: &s.outcome.trace,
        array_log: &s.outcome.array_log,
        steps: &s.outcome.steps,
        orders: &s.orders,
        findings: &s.findings,
    });
    crate::report::write_atomic(&files.page, page.as_bytes())?;
    Ok(files)
}
