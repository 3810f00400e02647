//! `run` and `sweep`: the suite (or scenario files, or many seeds of one
//! campaign) against one provider, then the matrix, the failures, the JUnit
//! file and the artifacts of every failing run.

use std::path::PathBuf;
use std::sync::Arc;

use vds_sim::provider::ProviderFactory;

use super::args::{
    EngineChoice, Shard, campaign_help, check_seed_range, default_mixed_seeds, default_seeds,
    default_start, factory_limited, parse_bytes, parse_campaign, parse_count, parse_jobs,
    parse_max_steps, parse_positive, parse_provider, parse_seed, parse_shard,
};
use super::panic;
use super::progress::ProgressBar;
use super::{CliError, CliResult};
use crate::campaigns::Campaign;
use crate::report;
use crate::scenario::{Limits, MAX_SCENARIO_BYTES, MAX_STEPS, Scenario};
use crate::suite::{self, Plan, SuiteConfig, SuiteReport};

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
scenario file, reported as FILE:LINE:COL: ..., and a provider command that fails its first \
handshake), 3 inconclusive (no violation, but a check, cell or state no run reached; --partial \
does not require them).",
    after_help = "Examples:\n  vds-harness run\n  vds-harness run --seeds 1 --mixed-seeds 5 --engine madsim\n  \
vds-harness run --provider mutant:duplicate-tags --junit junit.xml --artifacts out/\n  \
vds-harness run --scenario scenarios/baseline.yaml --scenario scenarios/cancel.yaml"
)]
pub struct RunArgs {
    /// The provider under test: `reference`, `mutant:NAME` (see `mutants --list`), or `exec:COMMAND` (a provider process; docs/provider-protocol.md).
    #[arg(long, value_name = "P", default_value = "reference", value_parser = parse_provider)]
    pub provider: String,
    /// Engines to run on [default: both]. With --scenario, keeps only the scenario's runs on this engine.
    #[arg(long, value_enum, value_name = "E")]
    pub engine: Option<EngineChoice>,
    /// Seeds per fixed campaign and engine.
    #[arg(long, value_name = "N", default_value_t = default_seeds(), value_parser = parse_count, allow_hyphen_values = true)]
    pub seeds: u64,
    /// Seeds of the `mixed` campaign per engine.
    #[arg(long, value_name = "N", default_value_t = default_mixed_seeds(), value_parser = parse_count, allow_hyphen_values = true)]
    pub mixed_seeds: u64,
    /// The first seed.
    #[arg(long, value_name = "S", default_value_t = default_start(), value_parser = parse_seed, allow_hyphen_values = true)]
    pub start: u64,
    /// Run only this campaign (repeatable) [default: all]. A part of the
    /// suite still has every check required (unexercised ones make the run
    /// inconclusive, exit 3) unless --partial is given.
    #[arg(long = "campaign", value_name = "NAME", value_parser = parse_campaign, long_help = campaign_help("Run only this campaign (repeatable) [default: all]. A part of the suite still has every check required: one it leaves unexercised makes the run inconclusive (exit 3), unless --partial is given."))]
    pub campaigns: Vec<&'static Campaign>,
    /// A partial run: checks, cells and states no run exercised are not
    /// required; the last line says `partial` and how many checks went
    /// untested. For debugging one campaign, never for a gate.
    #[arg(long, conflicts_with = "scenarios")]
    pub partial: bool,
    /// Run this YAML scenario file instead of the suite (repeatable).
    #[arg(long = "scenario", value_name = "FILE", conflicts_with_all = ["campaigns", "seeds", "mixed_seeds", "start"])]
    pub scenarios: Vec<PathBuf>,
    /// Refuse a scenario file larger than this many bytes.
    #[arg(long, value_name = "N", default_value_t = MAX_SCENARIO_BYTES, value_parser = parse_bytes, allow_hyphen_values = true)]
    pub max_scenario_bytes: u64,
    /// Refuse a scenario file with a client of more than this many steps.
    #[arg(long, value_name = "N", default_value_t = MAX_STEPS, value_parser = parse_max_steps)]
    pub max_steps: usize,
    /// What the run writes besides the matrix.
    #[command(flatten)]
    pub outputs: Outputs,
    /// Wall seconds a run may make no progress before it is reported as stuck (a blocked thread).
    #[arg(long, value_name = "SECS", default_value_t = 10, value_parser = parse_positive)]
    pub stuck_after: u64,
    /// Runs made at once, 1 to 256 [default: the machine's cores]; the output is the same for any number.
    #[arg(long, value_name = "N", value_parser = parse_jobs)]
    pub jobs: Option<u64>,
    /// Shrink the first failing run of each failed check and write its
    /// minimal scenario and feature beside the artifacts.
    #[arg(long)]
    pub shrink: bool,
}

/// `vds-harness coverage`: the suite `run` makes, reported as one row per
/// (check, method) cell where the check applies, with the runs that
/// exercised it on each engine. Exits 1 when a check fails.
pub fn coverage(a: &RunArgs) -> CliResult {
    if !a.scenarios.is_empty() {
        return Err(CliError::Usage(
            "coverage measures the campaigns; expected no --scenario (run --scenario reports a file's checks)".into(),
        ));
    }
    let cfg = run_config(a, factory_limited(&a.provider, a.stuck_after)?)?;
    let plan = cfg.plan();
    if plan.is_empty() {
        return Err(CliError::Usage(format!(
            "nothing to run: --seeds {} and --mixed-seeds {} select no runs; expected at least 1 seed",
            a.seeds, a.mixed_seeds
        )));
    }
    let report = run_plan(&cfg, &plan, "coverage", false);
    out!("{}", report::coverage(&report, &report.engines));
    if report.conformant() {
        Ok(())
    } else {
        out!("{}", report::matrix(&report));
        Err(verdict_error(&report))
    }
}

/// How a suite that is not conformant ends: violations (exit 1) before an
/// inconclusive verdict (exit 3).
fn verdict_error(report: &SuiteReport) -> CliError {
    match report.failures.is_empty() {
        true => CliError::Inconclusive,
        false => CliError::Violations,
    }
}

/// `vds-harness sweep`.
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Run many seeds of one campaign (default `mixed`, the seeded random workload) \
against a provider. Shows a progress bar when standard error is a terminal, a line per tenth of \
the runs otherwise. --shard K/N takes every run i with i % N == K-1 of the unsharded plan, so N \
shards together make exactly the runs of one unsharded sweep. --shard auto reads GitLab CI's \
CI_NODE_INDEX and CI_NODE_TOTAL; --shard auto/N takes shard JOB_COMPLETION_INDEX+1 of N (a \
Kubernetes Indexed Job); on GitHub Actions pass the matrix's values as --shard K/N. A sweep is partial: checks it \
leaves unexercised are no verdict, and its last line says so.\n\n\
Exit status: 0 no violation, 1 violations found, 2 bad usage or bad input.",
    after_help = "Examples:\n  vds-harness sweep --seeds 1000\n  vds-harness sweep --seeds 1000 --shard 2/4 --junit shard2.xml\n  \
vds-harness sweep --seeds 50 --campaign cancellation --engine turmoil\n  vds-harness sweep --seeds 10 --shard 1/2 --dry-run"
)]
pub struct SweepArgs {
    /// Seeds to run per engine (at least 1).
    #[arg(long, value_name = "N", value_parser = parse_positive, allow_hyphen_values = true)]
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
    #[arg(long, value_name = "NAME", default_value = "mixed", value_parser = parse_campaign, long_help = campaign_help("The campaign."))]
    pub campaign: &'static Campaign,
    /// The provider under test: `reference`, `mutant:NAME`, or `exec:COMMAND` (a provider process).
    #[arg(long, value_name = "P", default_value = "reference", value_parser = parse_provider)]
    pub provider: String,
    /// What the run writes besides the matrix.
    #[command(flatten)]
    pub outputs: Outputs,
    /// Wall seconds a run may make no progress before it is reported as stuck (a blocked thread).
    #[arg(long, value_name = "SECS", default_value_t = 10, value_parser = parse_positive)]
    pub stuck_after: u64,
    /// Runs made at once, 1 to 256 [default: the machine's cores]; the output is the same for any number.
    #[arg(long, value_name = "N", value_parser = parse_jobs)]
    pub jobs: Option<u64>,
    /// Print the runs this sweep would make (campaign, engine, seed; one a line) and stop.
    #[arg(long)]
    pub dry_run: bool,
    /// Group the failures into distinct bugs: shrink up to N failing runs
    /// of each failed check (default 5 when given without a number) and
    /// print each distinct shrunk world once, with how many runs came to it.
    #[arg(long, value_name = "N", num_args = 0..=1, default_missing_value = "5", value_parser = parse_positive)]
    pub shrink: Option<u64>,
}

/// The suite configuration `run` maps its flags onto.
pub fn run_config(a: &RunArgs, factory: Arc<dyn ProviderFactory>) -> Result<SuiteConfig, CliError> {
    check_seed_range(a.start, a.seeds.max(a.mixed_seeds))?;
    let mut cfg = SuiteConfig::new(factory)
        .seeds(a.seeds)
        .mixed_seeds(a.mixed_seeds)
        .start(a.start)
        .stuck_after(std::time::Duration::from_secs(a.stuck_after));
    if let Some(n) = a.jobs {
        cfg = cfg.jobs(usize::try_from(n).unwrap_or(usize::MAX));
    }
    if let Some(e) = a.engine {
        cfg = cfg.engines(&e.kinds());
    }
    if !a.campaigns.is_empty() {
        let mut cs = a.campaigns.clone();
        cs.dedup_by_key(|c| c.name);
        cfg = cfg.campaigns(cs);
    }
    Ok(cfg.require_exercise(!a.partial))
}

/// The suite configuration and the (sharded) plan `sweep` maps its flags onto.
pub fn sweep_plan(
    a: &SweepArgs,
    factory: Arc<dyn ProviderFactory>,
) -> Result<(SuiteConfig, Plan), CliError> {
    check_seed_range(a.start, a.seeds)?;
    // A sweep is partial by nature: one campaign's seeds, looking for
    // failures beyond the gate; its last line says so.
    let mut cfg = SuiteConfig::new(factory)
        .campaigns(vec![a.campaign])
        .require_exercise(false)
        .seeds(a.seeds)
        .mixed_seeds(a.seeds)
        .start(a.start)
        .engines(&a.engine.kinds())
        .stuck_after(std::time::Duration::from_secs(a.stuck_after));
    if let Some(n) = a.jobs {
        cfg = cfg.jobs(usize::try_from(n).unwrap_or(usize::MAX));
    }
    let plan = match a.shard {
        Some(s) => cfg.plan().shard(s.k as u64, s.n as u64),
        None => cfg.plan(),
    };
    Ok((cfg, plan))
}

/// `vds-harness run`.
pub fn run(a: &RunArgs) -> CliResult {
    let f = factory_limited(&a.provider, a.stuck_after)?;
    a.outputs.check()?;
    if !a.scenarios.is_empty() {
        return run_scenarios(a, f);
    }
    let cfg = a.outputs.keeping_failures(run_config(a, f)?);
    let plan = cfg.plan();
    if plan.is_empty() {
        let names: Vec<&str> = cfg.campaigns.iter().map(|c| c.name).collect();
        return Err(CliError::Usage(format!(
            "nothing to run: --seeds {} and --mixed-seeds {} select no runs of the campaign(s) {}; expected at least 1 seed for a campaign chosen",
            a.seeds,
            a.mixed_seeds,
            names.join(", ")
        )));
    }
    let report = run_plan(&cfg, &plan, "run", false);
    out!("{}", report::matrix(&report));
    let shrink = a.shrink.then_some(Shrinking {
        factory: cfg.factory.as_ref(),
        scenarios: &[],
        per_check: 1,
    });
    let plan_doc = serde_json::json!({
        "command": "run",
        "campaigns": cfg.campaigns.iter().map(|c| c.name).collect::<Vec<_>>(),
        "seeds": cfg.seeds,
        "mixed_seeds": cfg.mixed_seeds,
        "start": cfg.start,
        "engines": cfg.engines.iter().map(|e| e.name()).collect::<Vec<_>>(),
        "keep_failures": a.outputs.keep_failures,
    });
    finish(&report, &a.outputs, shrink, plan_doc)
}

/// `vds-harness sweep`.
pub fn sweep(a: &SweepArgs) -> CliResult {
    let f = factory_limited(&a.provider, a.stuck_after)?;
    let (cfg, plan) = sweep_plan(a, f)?;
    if plan.is_empty() {
        let total = plan.whole();
        let shard = a
            .shard
            .map_or_else(String::new, |s| format!(" shard {s} of"));
        return Err(CliError::Usage(format!(
            "nothing to run:{shard} the {total} run(s) of the sweep selects none; expected a shard K/N with K <= {total}, or more seeds"
        )));
    }
    if !a.dry_run {
        a.outputs.check()?;
    }
    if a.dry_run {
        for id in plan.iter() {
            outln!("{} {} {}", id.campaign.name, id.engine, id.seed);
        }
        return Ok(());
    }
    let engines: Vec<&str> = cfg.engines.iter().map(|e| e.name()).collect();
    let shard = a.shard.map(|s| format!(", shard {s}")).unwrap_or_default();
    outln!(
        "sweep: campaign {}, seeds {}..{} on {}{shard}: {} runs",
        a.campaign.name,
        a.start,
        a.start + a.seeds,
        engines.join(", "),
        plan.len()
    );
    let cfg = a.outputs.keeping_failures(cfg);
    let report = run_plan(&cfg, &plan, "sweep", true);
    out!("{}", report::matrix(&report));
    let shrink = a.shrink.map(|n| Shrinking {
        factory: cfg.factory.as_ref(),
        scenarios: &[],
        per_check: usize::try_from(n).unwrap_or(usize::MAX),
    });
    let plan_doc = serde_json::json!({
        "command": "sweep",
        "campaigns": [a.campaign.name],
        "seeds": a.seeds,
        "start": a.start,
        "engines": cfg.engines.iter().map(|e| e.name()).collect::<Vec<_>>(),
        "shard": a.shard.map(|s| s.to_string()),
        "keep_failures": a.outputs.keep_failures,
    });
    finish(&report, &a.outputs, shrink, plan_doc)
}

/// Runs a plan with a progress bar, keeping the panic hook told which run is in progress.
pub(super) fn run_plan(
    cfg: &SuiteConfig,
    plan: &Plan,
    label: &'static str,
    plain: bool,
) -> SuiteReport {
    crate::interrupt::install();
    let provider = cfg.factory.name();
    panic::set_current(plan.get(0).map(|id| id.describe(&provider)));
    let mut bar = ProgressBar::new(label, plan.len(), plain);
    let report = suite::run_plan(cfg, plan, &mut |p| {
        bar.update(p.done, p.passed);
        panic::set_current(plan.get(p.done).map(|id| id.describe(&provider)));
    });
    bar.finish();
    panic::set_current(None);
    report
}

/// What `--shrink` needs: the provider, the scenario files run (their
/// failures' worlds), and how many failing runs of each check to shrink.
pub(super) struct Shrinking<'a> {
    pub factory: &'a dyn ProviderFactory,
    pub scenarios: &'a [Scenario],
    pub per_check: usize,
}

/// The files a run or sweep writes besides the matrix, and how many
/// failing runs it keeps (flags shared by `run` and `sweep`).
#[derive(Debug, Clone, clap::Args)]
pub struct Outputs {
    /// Write a JUnit XML report here.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Write the result as one JSON document to this file (schema: docs/report.schema.json).
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Where failing runs leave their trace, findings and page [default: artifacts/ when a run fails].
    #[arg(long, value_name = "DIR")]
    pub artifacts: Option<PathBuf>,
    /// Write the suite's page here: one self-contained HTML file with the
    /// matrix, the coverage cells and each distinct failure linking to its
    /// run's page in the artifacts.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Failing runs kept per failed check, with findings and trace files;
    /// every failing run is still counted and listed in DIR/failing-runs.txt.
    #[arg(long, value_name = "N", default_value_t = 20, value_parser = super::args::parse_positive)]
    pub keep_failures: u64,
}

impl Outputs {
    /// Refuses, before anything runs, a report, JUnit file or artifacts
    /// directory that could not be written.
    fn check(&self) -> CliResult {
        if let Some(path) = &self.report {
            check_output_file(path, "the report", "--report")?;
        }
        if let Some(path) = &self.junit {
            check_output_file(path, "the JUnit report", "--junit")?;
        }
        if let Some(path) = &self.html {
            check_output_file(path, "the suite's page", "--html")?;
        }
        if let Some(dir) = &self.artifacts {
            report::check_writable_dir(dir).map_err(|e| {
                CliError::Usage(format!(
                    "cannot write artifacts to {}: {e}; expected a writable directory (--artifacts DIR)",
                    dir.display()
                ))
            })?;
        }
        Ok(())
    }

    /// `cfg` listing each failing run in the artifacts directory as it is
    /// judged, and keeping `--keep-failures` per failed check with their files.
    fn keeping_failures(&self, cfg: SuiteConfig) -> SuiteConfig {
        let provider = cfg.factory.name();
        cfg.spill(report::spill_to(&self.dir(), &provider))
            .keep_per_check(usize::try_from(self.keep_failures).unwrap_or(usize::MAX))
    }

    /// Where failing runs leave their files: `--artifacts DIR`, or
    /// `artifacts/` (made only when a run fails).
    fn dir(&self) -> PathBuf {
        self.artifacts
            .clone()
            .unwrap_or_else(|| PathBuf::from("artifacts"))
    }
}

/// Refuses, before anything runs, an output file that could not be
/// written: `what` names it in the message, `flag` is the option that gave it.
pub(super) fn check_output_file(path: &std::path::Path, what: &str, flag: &str) -> CliResult {
    report::check_writable_file(path).map_err(|e| {
        CliError::Usage(format!(
            "cannot write {what} to {}: {e}; expected a file path in a writable directory ({flag} FILE)",
            path.display()
        ))
    })
}

/// Prints the failures, writes the JUnit file and the artifacts, and turns
/// the report into an exit status. An output that cannot be written is an
/// error (exit 2) unless the run found violations: then it is reported on
/// standard error and the status stays 1, so that no violation is hidden.
/// `plan` says what was asked for, in the JSON report.
pub(super) fn finish(
    report: &SuiteReport,
    outputs: &Outputs,
    shrink: Option<Shrinking<'_>>,
    plan: serde_json::Value,
) -> CliResult {
    let mut io_errors = Vec::new();
    if !report.failures.is_empty() {
        outln!();
        out!("{}", report::summary(report));
        out!("{}", report::distinct_text(report));
        let dir = outputs.dir();
        let dir = dir.as_path();
        match report::write_artifacts(dir, report) {
            Ok(written) => {
                outln!();
                outln!(
                    "{} failing run(s): trace and findings kept in {}",
                    written.len(),
                    dir.display()
                );
                if report.unkept > 0 {
                    outln!(
                        "{} more failing run(s) beyond --keep-failures per check: counted, and listed with their replay commands in {}",
                        report.unkept,
                        dir.join(report::FAILING_RUNS).display()
                    );
                }
                for a in &written {
                    outln!("  {}", a.trace.display());
                    outln!("  {}", a.findings.display());
                    outln!("  {}", a.page.display());
                    if let Some(t) = &a.transcript {
                        outln!("  {}", t.display());
                    }
                    outln!("    replay: {}", a.replay);
                }
            }
            Err(e) => io_errors.push(format!(
                "cannot write the artifacts of the failing runs to {}: {e}; expected a writable directory (--artifacts DIR)",
                dir.display()
            )),
        }
        if let Some(s) = shrink.filter(|_| report.interrupted.is_none())
            && let Err(e) =
                super::shrink::distinct_bugs(report, s.factory, s.scenarios, s.per_check, dir)
        {
            io_errors.push(e);
        }
    }
    let json = outputs.report.as_deref().map(|path| (path, plan));
    io_errors.extend(write_reports(report, json, outputs.junit.as_deref()));
    if let Some(path) = &outputs.html {
        let links = report::page::link_from(path, &outputs.dir());
        let page = report::page::suite_page(report, &links, &outputs.dir());
        if let Err(e) = report::write_atomic(path, page.as_bytes()) {
            io_errors.push(format!(
                "cannot write the suite's page to {}: {e}; expected a writable file path (--html FILE)",
                path.display()
            ));
        }
    }
    verdict_of(report, io_errors)
}

/// Writes the JSON report (to the path, with the plan it is given) and the
/// JUnit file, each atomically; says which could not be written.
pub(super) fn write_reports(
    report: &SuiteReport,
    json: Option<(&std::path::Path, serde_json::Value)>,
    junit: Option<&std::path::Path>,
) -> Vec<String> {
    let mut io_errors = Vec::new();
    if let Some((path, plan)) = json {
        let doc = report::json_report(report, plan);
        let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
        text.push('\n');
        if let Err(e) = report::write_atomic(path, text.as_bytes()) {
            io_errors.push(format!(
                "cannot write the report to {}: {e}; expected a writable file path",
                path.display()
            ));
        }
    }
    if let Some(path) = junit
        && let Err(e) = report::write_atomic(path, report::junit(report).as_bytes())
    {
        io_errors.push(format!(
            "cannot write the JUnit report to {}: {e}; expected a writable file path",
            path.display()
        ));
    }
    io_errors
}

/// The exit status of a report whose outputs are written, `io_errors`
/// saying which could not be: interrupted, conformant, or the verdict
/// (an unwritable output is exit 2 only when nothing else is wrong).
pub(super) fn verdict_of(report: &SuiteReport, io_errors: Vec<String>) -> CliResult {
    if let Some(sig) = report.interrupted {
        for msg in &io_errors {
            errln!("error: {msg}");
        }
        errln!(
            "interrupted by {sig} after {} run(s): the failures found so far are reported and written; the verdict covers those runs only",
            report.runs
        );
        return Err(CliError::Interrupted(sig));
    }
    if report.conformant() {
        return match io_errors.is_empty() {
            true => Ok(()),
            false => Err(CliError::Usage(io_errors.join("; "))),
        };
    }
    for msg in &io_errors {
        errln!("error: {msg}");
    }
    Err(verdict_error(report))
}

/// `run --scenario FILE...`: every file is loaded first (a malformed one
/// stops everything with its `FILE:LINE:COL:` message), then
/// [`suite::run_scenarios`] runs each on its engines and seeds.
fn run_scenarios(a: &RunArgs, f: Arc<dyn ProviderFactory>) -> CliResult {
    let limits = Limits::default()
        .max_bytes(a.max_scenario_bytes)
        .max_steps(a.max_steps);
    let mut scenarios = Vec::new();
    for path in &a.scenarios {
        scenarios
            .push(Scenario::load_with(path, &limits).map_err(|e| CliError::Usage(e.to_string()))?);
    }
    let keep = a.engine.map(|e| e.kinds());
    for s in &scenarios {
        if suite::scenario_plan(s, keep.as_deref()).is_empty() {
            let own: Vec<&str> = s.engines.iter().map(|e| e.name()).collect();
            return Err(CliError::Usage(format!(
                "nothing to run: scenario `{}` ({}) runs only on {}, which --engine {} excludes; expected --engine {} or both",
                s.name,
                s.file,
                own.join(", "),
                a.engine.map_or("", |e| e.name()),
                own.join(" or ")
            )));
        }
    }
    crate::interrupt::install();
    let (report, per_file) =
        suite::run_scenarios(&scenarios, f.as_ref(), keep.as_deref(), &mut |run| {
            panic::set_current(Some(run.to_string()));
        });
    panic::set_current(None);
    for t in &per_file {
        outln!(
            "scenario {} ({}): {} runs, {} failed",
            t.name,
            t.file,
            t.runs,
            t.failed
        );
    }
    out!("{}", report::matrix(&report));
    let shrink = a.shrink.then_some(Shrinking {
        factory: f.as_ref(),
        scenarios: &scenarios,
        per_check: 1,
    });
    let plan_doc = serde_json::json!({
        "command": "run",
        "scenarios": scenarios.iter().map(|s| s.file.clone()).collect::<Vec<_>>(),
    });
    finish(&report, &a.outputs, shrink, plan_doc)
}
