//! `run` and `sweep`: the suite (or scenario files, or many seeds of one
//! campaign) against one provider, then the matrix, the failures, the JUnit
//! file and the artifacts of every failing run.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use vds_sim::provider::ProviderFactory;

use super::args::{
    EngineChoice, Shard, check_seed_range, default_mixed_seeds, default_seeds, default_start,
    factory, parse_campaign, parse_count, parse_positive, parse_provider, parse_seed, parse_shard,
};
use super::panic;
use super::progress::ProgressBar;
use super::{CliError, CliResult};
use crate::campaigns::Campaign;
use crate::checks::CHECKS;
use crate::oracle::{self, Finding, Judgement};
use crate::report;
use crate::scenario::Scenario;
use crate::suite::{self, FailedRun, RunId, SuiteConfig, SuiteReport, Tally};

/// The id under which a scenario's own expectations are reported.
pub const SCENARIO_EXPECTATIONS: &str = "SCENARIO-EXPECTATIONS";

/// `vds-harness run`.
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Run the conformance suite against a provider: every campaign on the chosen \
engines and seeds, each run judged by the oracle. Prints the conformance matrix (its last line \
is `N passed, N failed`), then each failing run with its findings and replay command. A failing \
run's trace and findings are written to the artifacts directory.\n\n\
With --scenario, runs YAML scenario files instead: each on all its engines and seeds, judged by \
its own expectations and by the oracle.\n\n\
Exit status: 0 conformant, 1 violations found, 2 bad usage or bad input (including a malformed \
scenario file, reported as FILE:LINE:COL: ...).",
    after_help = "Examples:\n  vds-harness run\n  vds-harness run --seeds 1 --mixed-seeds 5 --engine madsim\n  \
vds-harness run --provider mutant:duplicate-tags --junit junit.xml --artifacts out/\n  \
vds-harness run --scenario scenarios/baseline.yaml --scenario scenarios/cancel.yaml"
)]
pub struct RunArgs {
    /// The provider under test: `reference`, or `mutant:NAME` (see `mutants --list`).
    #[arg(long, value_name = "P", default_value = "reference", value_parser = parse_provider)]
    pub provider: String,
    /// Engines to run on [default: both]. With --scenario, keeps only the scenario's runs on this engine.
    #[arg(long, value_enum, value_name = "E")]
    pub engine: Option<EngineChoice>,
    /// Seeds per fixed campaign and engine.
    #[arg(long, value_name = "N", default_value_t = default_seeds(), value_parser = parse_count)]
    pub seeds: u64,
    /// Seeds of the `mixed` campaign per engine.
    #[arg(long, value_name = "N", default_value_t = default_mixed_seeds(), value_parser = parse_count)]
    pub mixed_seeds: u64,
    /// The first seed.
    #[arg(long, value_name = "S", default_value_t = default_start(), value_parser = parse_seed, allow_hyphen_values = true)]
    pub start: u64,
    /// Run only this campaign (repeatable) [default: all].
    #[arg(long = "campaign", value_name = "NAME", value_parser = parse_campaign)]
    pub campaigns: Vec<&'static Campaign>,
    /// Run this YAML scenario file instead of the suite (repeatable).
    #[arg(long = "scenario", value_name = "FILE", conflicts_with_all = ["campaigns", "seeds", "mixed_seeds", "start"])]
    pub scenarios: Vec<PathBuf>,
    /// Write a JUnit XML report here.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Where failing runs leave their trace and findings [default: artifacts/ when a run fails].
    #[arg(long, value_name = "DIR")]
    pub artifacts: Option<PathBuf>,
}

/// `vds-harness sweep`.
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Run many seeds of one campaign (default `mixed`, the seeded random workload) \
against a provider. Shows a progress bar when standard error is a terminal, a line per tenth of \
the runs otherwise. --shard K/N takes every run i with i % N == K-1 of the unsharded plan, so N \
shards together make exactly the runs of one unsharded sweep.\n\n\
Exit status: 0 conformant, 1 violations found, 2 bad usage or bad input.",
    after_help = "Examples:\n  vds-harness sweep --seeds 1000\n  vds-harness sweep --seeds 1000 --shard 2/4 --junit shard2.xml\n  \
vds-harness sweep --seeds 50 --campaign cancellation --engine turmoil\n  vds-harness sweep --seeds 10 --shard 1/2 --dry-run"
)]
pub struct SweepArgs {
    /// Seeds to run per engine (at least 1).
    #[arg(long, value_name = "N", value_parser = parse_positive)]
    pub seeds: u64,
    /// The first seed.
    #[arg(long, value_name = "S", default_value_t = default_start(), value_parser = parse_seed, allow_hyphen_values = true)]
    pub start: u64,
    /// Engines to run on.
    #[arg(long, value_enum, value_name = "E", default_value = "both")]
    pub engine: EngineChoice,
    /// Run only shard K of N (1-based), e.g. 1/4.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub shard: Option<Shard>,
    /// The campaign.
    #[arg(long, value_name = "NAME", default_value = "mixed", value_parser = parse_campaign)]
    pub campaign: &'static Campaign,
    /// The provider under test: `reference`, or `mutant:NAME`.
    #[arg(long, value_name = "P", default_value = "reference", value_parser = parse_provider)]
    pub provider: String,
    /// Write a JUnit XML report here.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Where failing runs leave their trace and findings [default: artifacts/ when a run fails].
    #[arg(long, value_name = "DIR")]
    pub artifacts: Option<PathBuf>,
    /// Print the runs this sweep would make (campaign, engine, seed; one a line) and stop.
    #[arg(long)]
    pub dry_run: bool,
}

/// The suite configuration `run` maps its flags onto.
pub fn run_config(a: &RunArgs, factory: Arc<dyn ProviderFactory>) -> Result<SuiteConfig, CliError> {
    check_seed_range(a.start, a.seeds.max(a.mixed_seeds))?;
    let mut cfg = SuiteConfig::new(factory)
        .seeds(a.seeds)
        .mixed_seeds(a.mixed_seeds)
        .start(a.start);
    if let Some(e) = a.engine {
        cfg = cfg.engines(&e.kinds());
    }
    if !a.campaigns.is_empty() {
        let mut cs = a.campaigns.clone();
        cs.dedup_by_key(|c| c.name);
        cfg = cfg.campaigns(cs);
    }
    Ok(cfg)
}

/// The suite configuration and the (sharded) plan `sweep` maps its flags onto.
pub fn sweep_plan(
    a: &SweepArgs,
    factory: Arc<dyn ProviderFactory>,
) -> Result<(SuiteConfig, Vec<RunId>), CliError> {
    check_seed_range(a.start, a.seeds)?;
    let cfg = SuiteConfig::new(factory)
        .campaigns(vec![a.campaign])
        .seeds(a.seeds)
        .mixed_seeds(a.seeds)
        .start(a.start)
        .engines(&a.engine.kinds());
    let plan: Vec<RunId> = cfg
        .plan()
        .into_iter()
        .enumerate()
        .filter(|(i, _)| a.shard.is_none_or(|s| s.takes(*i)))
        .map(|(_, id)| id)
        .collect();
    Ok((cfg, plan))
}

/// `vds-harness run`.
pub fn run(a: &RunArgs) -> CliResult {
    let f = factory(&a.provider)?;
    if !a.scenarios.is_empty() {
        return run_scenarios(a, f);
    }
    let cfg = run_config(a, f)?;
    let plan = cfg.plan();
    let report = run_plan(&cfg, &plan, "run", false);
    print!("{}", report::matrix(&report));
    finish(&report, a.junit.as_deref(), a.artifacts.as_deref())
}

/// `vds-harness sweep`.
pub fn sweep(a: &SweepArgs) -> CliResult {
    let f = factory(&a.provider)?;
    let (cfg, plan) = sweep_plan(a, f)?;
    if a.dry_run {
        for id in &plan {
            println!("{} {} {}", id.campaign.name, id.engine, id.seed);
        }
        return Ok(());
    }
    let engines: Vec<&str> = cfg.engines.iter().map(|e| e.name()).collect();
    let shard = a.shard.map(|s| format!(", shard {s}")).unwrap_or_default();
    println!(
        "sweep: campaign {}, seeds {}..{} on {}{shard}: {} runs",
        a.campaign.name,
        a.start,
        a.start + a.seeds,
        engines.join(", "),
        plan.len()
    );
    let report = run_plan(&cfg, &plan, "sweep", true);
    print!("{}", report::matrix(&report));
    finish(&report, a.junit.as_deref(), a.artifacts.as_deref())
}

/// Runs a plan with a progress bar, keeping the panic hook told which run is in progress.
pub(super) fn run_plan(
    cfg: &SuiteConfig,
    plan: &[RunId],
    label: &'static str,
    plain: bool,
) -> SuiteReport {
    let provider = cfg.factory.name();
    let describe = |id: &RunId| {
        format!(
            "{} on {} seed {} (replay: {})",
            id.campaign.name,
            id.engine,
            id.seed,
            id.replay_command(&provider)
        )
    };
    panic::set_current(plan.first().map(describe));
    let mut bar = ProgressBar::new(label, plan.len(), plain);
    let report = suite::run_plan(cfg, plan, &mut |p| {
        bar.update(p.done, p.passed);
        panic::set_current(plan.get(p.done).map(describe));
    });
    bar.finish();
    panic::set_current(None);
    report
}

/// Prints the failures, writes the JUnit file and the artifacts, and turns
/// the report into an exit status.
pub(super) fn finish(
    report: &SuiteReport,
    junit: Option<&Path>,
    artifacts: Option<&Path>,
) -> CliResult {
    let mut io_error = None;
    if !report.failures.is_empty() {
        println!();
        print!("{}", report::summary(report));
        let dir = artifacts.unwrap_or(Path::new("artifacts"));
        match report::write_artifacts(dir, report) {
            Ok(written) => {
                println!();
                println!(
                    "{} failing run(s): trace and findings kept in {}",
                    written.len(),
                    dir.display()
                );
                for a in &written {
                    println!("  {}", a.trace.display());
                    println!("  {}", a.findings.display());
                    println!("    replay: {}", a.replay);
                }
            }
            Err(e) => {
                io_error = Some(format!(
                    "cannot write the artifacts of the failing runs to {}: {e}; expected a writable directory (--artifacts DIR)",
                    dir.display()
                ));
            }
        }
    }
    if let Some(path) = junit {
        if let Err(e) = std::fs::write(path, report::junit(report)) {
            let msg = format!(
                "cannot write the JUnit report to {}: {e}; expected a writable file path",
                path.display()
            );
            io_error = Some(io_error.map_or(msg.clone(), |m| format!("{m}; {msg}")));
        }
    }
    if let Some(msg) = io_error {
        return Err(CliError::Usage(msg));
    }
    if report.conformant() {
        Ok(())
    } else {
        Err(CliError::Violations)
    }
}

/// `run --scenario FILE...`: every file is loaded first (a malformed one
/// stops everything with its `FILE:LINE:COL:` message), then each runs on
/// its engines and seeds, judged by its expectations and the oracle.
fn run_scenarios(a: &RunArgs, f: Arc<dyn ProviderFactory>) -> CliResult {
    let mut scenarios = Vec::new();
    for path in &a.scenarios {
        scenarios.push(Scenario::load(path).map_err(|e| CliError::Usage(e.to_string()))?);
    }
    let keep = a.engine.map(|e| e.kinds());
    let provider = f.name();
    let mut tallies: BTreeMap<&'static str, Tally> =
        CHECKS.iter().map(|c| (c.id, Tally::default())).collect();
    let mut failures = Vec::new();
    let mut runs = 0u64;
    for (s, path) in scenarios.iter().zip(&a.scenarios) {
        let plan: Vec<_> = s
            .runs()
            .filter(|(e, _)| keep.as_ref().is_none_or(|k| k.contains(e)))
            .collect();
        let mut failed = 0;
        for (engine, seed) in &plan {
            let replay = format!(
                "vds-harness replay --scenario {} --engine {engine} --seed {seed}{}",
                shell_quote(&path.display().to_string()),
                provider_flag(&provider)
            );
            panic::set_current(Some(format!(
                "scenario {} on {engine} seed {seed} (replay: {replay})",
                s.name
            )));
            let run = s.run(*seed, *engine, f.as_ref());
            let judgement = oracle::judge(&run.outcome);
            runs += 1;
            tally(&mut tallies, &judgement, runs);
            let mut findings = judgement.findings;
            findings.extend(run.failures.iter().map(|x| Finding {
                check: SCENARIO_EXPECTATIONS,
                client: String::new(),
                step: 0,
                seq: 0,
                message: x.to_string(),
            }));
            if !findings.is_empty() {
                failed += 1;
                failures.push(FailedRun {
                    campaign: s.name.clone(),
                    engine: *engine,
                    seed: *seed,
                    findings,
                    trace: run.outcome.trace,
                    replay,
                });
            }
        }
        panic::set_current(None);
        println!(
            "scenario {} ({}): {} runs, {} failed",
            s.name,
            path.display(),
            plan.len(),
            failed
        );
    }
    let report = SuiteReport {
        provider,
        runs,
        tallies,
        failures,
        stopped: None,
    };
    print!("{}", report::matrix(&report));
    finish(&report, a.junit.as_deref(), a.artifacts.as_deref())
}

/// Adds one run's judgement to the tallies, as the suite does.
fn tally(tallies: &mut BTreeMap<&'static str, Tally>, j: &Judgement, runs: u64) {
    for (check, n) in &j.exercised {
        if let Some(t) = tallies.get_mut(check) {
            t.runs += 1;
            t.exercised += u64::from(*n);
        }
    }
    for check in j.failed_checks() {
        if let Some(t) = tallies.get_mut(check) {
            t.failed_runs += 1;
            t.first_failure_after.get_or_insert(runs);
        }
    }
}

/// ` --provider P` unless P is the reference provider.
pub(super) fn provider_flag(provider: &str) -> String {
    if provider == "reference" {
        String::new()
    } else {
        format!(" --provider {provider}")
    }
}

/// Quotes a word for a POSIX shell when it needs it.
pub(super) fn shell_quote(s: &str) -> String {
    let safe = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-:+=,@".contains(c));
    if safe {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}
