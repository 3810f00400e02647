//! Distinct bugs, not runs: the failures of a suite run grouped by check,
//! and within a check by the world they shrink to (seed aside).

use std::collections::BTreeMap;

use vds_sim::provider::ProviderFactory;
use vds_sim::runtime::EngineKind;
use vds_sim::world::WorldConfig;

use super::{Shrinker, Shrunk};
use crate::checks::CheckId;
use crate::scenario::write;
use crate::suite::{FailedRun, SuiteReport};

/// One check's failures.
#[derive(Debug)]
pub struct Bug {
    /// The check.
    pub check: CheckId,
    /// Failed runs with a finding of it.
    pub runs: usize,
    /// The distinct worlds the shrunk runs came to, most runs first.
    pub worlds: Vec<ShrunkGroup>,
    /// Runs of it that could not be shrunk, with why.
    pub not_shrunk: Vec<(RunName, String)>,
}

/// `(campaign or scenario, engine, seed)` of a failed run.
pub type RunName = (String, EngineKind, u64);

/// The shrunk runs that came to one world.
#[derive(Debug)]
pub struct ShrunkGroup {
    /// The first of them, shrunk.
    pub shrunk: Shrunk,
    /// Every shrunk run that came to this world, the one shrunk first.
    pub runs: Vec<RunName>,
}

/// Groups a report's failures by check and shrinks up to `per_check` runs
/// of each; `world_of` gives a failed run's world (none: it is skipped).
/// Deterministic: checks in the order they first appear in the report,
/// runs in report order.
pub fn distinct_bugs(
    report: &SuiteReport,
    factory: &dyn ProviderFactory,
    world_of: &dyn Fn(&FailedRun) -> Option<WorldConfig>,
    per_check: usize,
) -> Vec<Bug> {
    let mut checks: Vec<CheckId> = Vec::new();
    for run in &report.failures {
        for f in &run.findings {
            if !checks.contains(&f.check) {
                checks.push(f.check);
            }
        }
    }
    checks
        .into_iter()
        .map(|check| {
            let failed: Vec<&FailedRun> = report
                .failures
                .iter()
                .filter(|r| r.findings.iter().any(|f| f.check == check))
                .collect();
            let mut groups: BTreeMap<String, usize> = BTreeMap::new();
            let mut worlds: Vec<ShrunkGroup> = Vec::new();
            let mut not_shrunk = Vec::new();
            for run in failed.iter().take(per_check) {
                let name = (run.campaign.clone(), run.engine, run.seed);
                let Some(world) = world_of(run) else {
                    not_shrunk.push((name, "its world is not known here".to_string()));
                    continue;
                };
                match Shrinker::new(factory).check(Some(check)).shrink(&world) {
                    Ok(s) => {
                        let key = key(&s.world);
                        match groups.get(&key) {
                            Some(&i) => worlds[i].runs.push(name),
                            None => {
                                groups.insert(key, worlds.len());
                                worlds.push(ShrunkGroup {
                                    shrunk: s,
                                    runs: vec![name],
                                });
                            }
                        }
                    }
                    Err(e) => not_shrunk.push((name, e.to_string())),
                }
            }
            worlds.sort_by_key(|g| std::cmp::Reverse(g.runs.len()));
            Bug {
                check,
                runs: failed.len(),
                worlds,
                not_shrunk,
            }
        })
        .collect()
}

/// What identifies a shrunk world: its scenario text without the seed.
fn key(w: &WorldConfig) -> String {
    write::to_yaml(&w.clone().seed(0), "shrunk", "")
}
