//! `replay`: one run, its whole trace on standard output (the same bytes
//! every time), its verdict on standard error; or, with
//! `--check-determinism`, the run made twice and compared line by line.

use std::path::PathBuf;

use vds_sim::provider::ProviderFactory;
use vds_sim::runtime::EngineKind;
use vds_sim::world::RunOutcome;

use super::args::OneRun;
use super::panic;
use super::{CliError, CliResult};
use crate::oracle;
use crate::scenario::Scenario;
use crate::suite::RunId;

/// `vds-harness replay`.
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Replay one run: prints its whole trace (one JSON document per line) on \
standard output, the same bytes every time, and the oracle's verdict on standard error. Every \
failing run reported by `run` or `sweep` prints the replay command that reproduces it.\n\n\
With --check-determinism, makes the run twice and reports whether the traces are identical, or \
the first line where they differ.\n\n\
Exit status: 0 the run passed (or is deterministic), 1 violations found (or not deterministic), \
2 bad usage or bad input.",
    after_help = "Examples:\n  vds-harness replay --seed 7\n  vds-harness replay --campaign cancellation --engine turmoil --seed 3\n  \
vds-harness replay --seed 7 --provider mutant:duplicate-tags\n  vds-harness replay --seed 7 --check-determinism\n  \
vds-harness replay --scenario scenarios/cancel.yaml --engine madsim --seed 0"
)]
pub struct ReplayArgs {
    /// Which run.
    #[command(flatten)]
    pub run: OneRun,
    /// Make the run twice and compare the traces instead of printing one.
    #[arg(long)]
    pub check_determinism: bool,
    /// Also write the run's page here: one self-contained HTML file, a
    /// timeline with a lane per client and each finding on its call.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Wall seconds the run may make no progress (or an `exec:` provider
    /// may take for one turn) before it is reported as stuck.
    #[arg(long, value_name = "SECS", default_value_t = 10, value_parser = super::args::parse_positive)]
    pub stuck_after: u64,
}

/// What to replay.
enum Subject {
    Campaign(RunId),
    Scenario(Box<Scenario>, PathBuf),
}

impl Subject {
    fn run(
        &self,
        seed: u64,
        engine: EngineKind,
        f: &dyn ProviderFactory,
        stuck_after: std::time::Duration,
    ) -> RunOutcome {
        let world = match self {
            Subject::Campaign(id) => id.world(),
            Subject::Scenario(s, _) => s.world(seed, engine),
        };
        vds_sim::run(&world.stuck_after(stuck_after), f)
    }

    /// The command that replays this run with `provider`.
    fn replay_command(&self, seed: u64, engine: EngineKind, provider: &str) -> String {
        match self {
            Subject::Campaign(id) => id.replay_command(provider),
            Subject::Scenario(s, _) => {
                crate::suite::scenario_replay_command(&s.file, engine, seed, provider)
            }
        }
    }

    fn describe(&self, seed: u64, engine: EngineKind) -> String {
        match self {
            Subject::Campaign(id) => format!("{} on {engine} seed {seed}", id.campaign.name),
            Subject::Scenario(s, path) => format!(
                "scenario {} ({}) on {engine} seed {seed}",
                s.name,
                path.display()
            ),
        }
    }
}

/// `vds-harness replay`.
pub fn replay(a: &ReplayArgs) -> CliResult {
    let f = super::args::factory_limited(&a.run.provider, a.stuck_after)?;
    if let Some(path) = &a.html {
        super::run::check_output_file(path, "the run's page", "--html")?;
    }
    let stuck_after = std::time::Duration::from_secs(a.stuck_after);
    let subject = match &a.run.scenario {
        Some(path) => Subject::Scenario(
            Box::new(Scenario::load(path).map_err(|e| CliError::Usage(e.to_string()))?),
            path.clone(),
        ),
        None => Subject::Campaign(RunId {
            campaign: a.run.campaign,
            engine: a.run.engine,
            seed: a.run.seed,
        }),
    };
    let what = subject.describe(a.run.seed, a.run.engine);
    panic::set_current(Some(what.clone()));
    let first = subject.run(a.run.seed, a.run.engine, f.as_ref(), stuck_after);

    if a.check_determinism {
        let second = subject.run(a.run.seed, a.run.engine, f.as_ref(), stuck_after);
        panic::set_current(None);
        return match first_difference(&lines(&first.trace), &lines(&second.trace)) {
            None => {
                outln!(
                    "deterministic: {what}: 2 runs, {} identical trace lines",
                    first.trace.len()
                );
                Ok(())
            }
            Some((line, a_line, b_line)) => {
                outln!("NOT deterministic: {what}: the traces differ first at line {line}");
                outln!("  first run:  {}", a_line.unwrap_or("(trace ended)"));
                outln!("  second run: {}", b_line.unwrap_or("(trace ended)"));
                Err(CliError::Violations)
            }
        };
    }

    let judgement = oracle::judge(&first);
    let mut found = judgement.findings;
    if let Subject::Scenario(s, _) = &subject {
        found.extend(s.check(&first).iter().map(|x| oracle::Finding {
            check: crate::checks::CheckId::ScenarioExpectations,
            client: String::new(),
            step: 0,
            seq: 0,
            message: x.to_string(),
        }));
    }
    let findings: Vec<String> = found.iter().map(ToString::to_string).collect();
    panic::set_current(None);
    if let Some(path) = &a.html {
        let replay = subject.replay_command(a.run.seed, a.run.engine, &f.name());
        let page = crate::report::page::run_page(&crate::report::page::RunPage {
            title: &what,
            provider: &f.name(),
            seed: a.run.seed,
            replay: &replay,
            trace: &first.trace,
            array_log: &first.array_log,
            steps: &first.steps,
            orders: &judgement.orders,
            findings: &found,
        });
        crate::report::write_atomic(path, page.as_bytes()).map_err(|e| {
            CliError::Usage(format!(
                "cannot write the run's page to {}: {e}; expected a writable file path (--html FILE)",
                path.display()
            ))
        })?;
    }
    out!("{}", first.trace_text());
    if findings.is_empty() {
        errln!("replay: {what}: passed");
        Ok(())
    } else {
        errln!("replay: {what}: {} finding(s)", findings.len());
        for f in &findings {
            errln!("  {f}");
        }
        Err(CliError::Violations)
    }
}

/// Each line of a trace as its JSON text.
fn lines(trace: &[vds_sim::trace::TraceLine]) -> Vec<String> {
    trace.iter().map(ToString::to_string).collect()
}

/// The first line (1-based) where two traces differ, with both lines.
fn first_difference<'a>(
    a: &'a [String],
    b: &'a [String],
) -> Option<(usize, Option<&'a str>, Option<&'a str>)> {
    let n = a.len().max(b.len());
    (0..n).find_map(|i| {
        let (x, y) = (a.get(i), b.get(i));
        (x != y).then(|| (i + 1, x.map(String::as_str), y.map(String::as_str)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences() {
        let a: Vec<String> = vec!["x".into(), "y".into()];
        let b: Vec<String> = vec!["x".into(), "z".into()];
        assert_eq!(first_difference(&a, &a), None);
        assert_eq!(first_difference(&a, &b), Some((2, Some("y"), Some("z"))));
        assert_eq!(first_difference(&a, &a[..1]), Some((2, Some("y"), None)));
    }
}
