//! `shrink`: one failing run reduced to the smallest world that still fails
//! the same check, handed back as a scenario file, a feature, a trace and
//! an account; and `--shrink` on `run` and `sweep`, which groups their
//! failures into distinct bugs.

use std::path::{Path, PathBuf};

use vds_sim::provider::ProviderFactory;
use vds_sim::world::WorldConfig;

use super::args::OneRun;
use super::{CliError, CliResult};
use crate::campaigns;
use crate::checks::{self, CheckId};
use crate::scenario::Scenario;
use crate::shrink::{self, Shrinker, bugs};
use crate::suite::{FailedRun, RunId, SuiteReport};

/// `vds-harness shrink`.
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Shrink one failing run: remove clients, steps, fault rules and array objects, and \
lower times, counts and probabilities, keeping each change only if the run (same seed, engine and \
provider) still fails the same check. Writes, into the artifacts directory, STEM.min.yaml (a \
scenario file that `run --scenario` fails the same way), STEM.feature (the same case in the \
features' words), STEM.min.trace.jsonl and STEM.shrink.txt (the account), where STEM is \
CAMPAIGN-ENGINE-seedS. The same input always gives the same files.\n\n\
Exit status: 0 shrunk, 1 the run does not fail (nothing to shrink), 2 bad usage or bad input.",
    after_help = "Examples:\n  vds-harness shrink --seed 7 --provider mutant:duplicate-tags\n  \
vds-harness shrink --campaign restart --engine turmoil --seed 3 --provider mutant:restart-keeps-cache\n  \
vds-harness shrink --scenario scenarios/cancel.yaml --seed 0 --check CPG-LINEARIZABLE --provider exec:./my-provider"
)]
pub struct ShrinkArgs {
    /// Which run.
    #[command(flatten)]
    pub run: OneRun,
    /// The check to keep failing [default: the check of the run's first finding].
    #[arg(long, value_name = "ID", value_parser = parse_check)]
    pub check: Option<CheckId>,
    /// Where the files go [default: artifacts/].
    #[arg(long, value_name = "DIR")]
    pub artifacts: Option<PathBuf>,
    /// At most this many candidate runs.
    #[arg(long, value_name = "N", default_value_t = 3000, value_parser = super::args::parse_positive)]
    pub max_runs: u64,
    /// Wall seconds a run may make no progress before it is reported as stuck.
    #[arg(long, value_name = "SECS", default_value_t = 10, value_parser = super::args::parse_positive)]
    pub stuck_after: u64,
}

/// Parses a check id, e.g. `CPG-LIMIT`.
fn parse_check(s: &str) -> Result<CheckId, String> {
    checks::by_id(s).map(|c| c.id.into()).ok_or_else(|| {
        let ids: Vec<&str> = checks::CHECKS.iter().map(|c| c.id.as_str()).collect();
        format!("unknown check `{s}`; expected one of {}", ids.join(", "))
    })
}

/// `vds-harness shrink`.
pub fn shrink(a: &ShrinkArgs) -> CliResult {
    let f = super::args::factory_limited(&a.run.provider, a.stuck_after)?;
    let stuck = std::time::Duration::from_secs(a.stuck_after);
    let (world, stem, origin) = match &a.run.scenario {
        Some(path) => {
            let s = Scenario::load(path).map_err(|e| CliError::Usage(e.to_string()))?;
            let stem = crate::report::artifact_stem_of(&s.name, a.run.engine, a.run.seed);
            let origin = format!(
                "scenario {} on {} seed {}",
                s.name, a.run.engine, a.run.seed
            );
            (s.world(a.run.seed, a.run.engine), stem, origin)
        }
        None => {
            let id = RunId {
                campaign: a.run.campaign,
                engine: a.run.engine,
                seed: a.run.seed,
            };
            let stem =
                crate::report::artifact_stem_of(a.run.campaign.name, a.run.engine, a.run.seed);
            let origin = format!(
                "{} on {} seed {}",
                a.run.campaign.name, a.run.engine, a.run.seed
            );
            (id.world(), stem, origin)
        }
    };
    let shrunk = Shrinker::new(f.as_ref())
        .check(a.check)
        .max_runs(usize::try_from(a.max_runs).unwrap_or(usize::MAX))
        .shrink(&world.stuck_after(stuck));
    let shrunk = match shrunk {
        Ok(s) => s,
        Err(e) => {
            outln!("shrink: {origin}: {e}");
            return Err(CliError::Violations);
        }
    };
    let dir = a.artifacts.as_deref().unwrap_or(Path::new("artifacts"));
    let files = shrink::write_files(dir, &stem, &origin, &f.name(), &shrunk).map_err(|e| {
        CliError::Usage(format!(
            "cannot write the shrunk run to {}: {e}; expected a writable directory (--artifacts DIR)",
            dir.display()
        ))
    })?;
    out!("{}", shrink::account(&origin, &f.name(), &shrunk, &files));
    Ok(())
}

/// The world of a failed run of the suite: its campaign's, or its
/// scenario file's (by name, among `scenarios`).
pub(super) fn world_of(run: &FailedRun, scenarios: &[Scenario]) -> Option<WorldConfig> {
    if let Some(c) = campaigns::by_name(&run.campaign) {
        return Some((c.build)(run.seed).engine(run.engine));
    }
    scenarios
        .iter()
        .find(|s| s.name == run.campaign)
        .map(|s| s.world(run.seed, run.engine))
}

/// `--shrink`: the report's failures as distinct bugs, each shrunk world's
/// files written into `dir`; prints one line per bug and world.
pub(super) fn distinct_bugs(
    report: &SuiteReport,
    factory: &dyn ProviderFactory,
    scenarios: &[Scenario],
    per_check: usize,
    dir: &Path,
) -> Result<(), String> {
    let bugs = bugs::distinct_bugs(report, factory, &|r| world_of(r, scenarios), per_check);
    if bugs.is_empty() {
        return Ok(());
    }
    outln!();
    outln!("distinct bugs (failures grouped by check and by the world they shrink to):");
    let mut written: Vec<String> = Vec::new();
    for bug in &bugs {
        let shrunk: usize = bug.worlds.iter().map(|g| g.runs.len()).sum();
        outln!(
            "  {}: {} failing run(s); {} shrunk, to {} distinct world(s)",
            bug.check,
            bug.runs,
            shrunk,
            bug.worlds.len()
        );
        for g in &bug.worlds {
            let (campaign, engine, seed) = &g.runs[0];
            let mut stem = crate::report::artifact_stem_of(campaign, *engine, *seed);
            if written.contains(&stem) {
                stem = format!("{stem}.{}", bug.check);
            }
            written.push(stem.clone());
            let origin = format!("{campaign} on {engine} seed {seed}");
            let files = shrink::write_files(dir, &stem, &origin, &factory.name(), &g.shrunk)
                .map_err(|e| {
                    format!(
                        "cannot write the shrunk runs to {}: {e}; expected a writable directory (--artifacts DIR)",
                        dir.display()
                    )
                })?;
            outln!(
                "    {} run(s) -> {} calls, {} fault rule(s): {}",
                g.runs.len(),
                g.shrunk.calls(),
                g.shrunk.world.faults.rules.len(),
                files.scenario.display()
            );
            outln!("      feature: {}", files.feature.display());
            outln!("      page: {}", files.page.display());
        }
        for ((campaign, engine, seed), why) in &bug.not_shrunk {
            outln!("    not shrunk: {campaign} on {engine} seed {seed}: {why}");
        }
    }
    Ok(())
}
