//! `mutants`: every deliberately broken provider run through the suite,
//! stopping at its first failing run, and the kill matrix: which checks
//! caught it, after how many runs, and the check the catalogue expects.

use std::fmt::Write;

use super::args::{
    EngineChoice, check_seed_range, default_mixed_seeds, default_seeds, parse_count,
};
use super::listings::mutant_list;
use super::run::run_plan;
use super::{CliError, CliResult};
use vds_sim::profile::RuleId;

use crate::mutants::{MUTANTS, Mutant};
use crate::suite::{SuiteConfig, SuiteReport, Verdict};

/// `vds-harness mutants`.
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Run every mutant of the catalogue (a reference provider with one rule \
deliberately broken) through the suite, each stopping at its first failing run, and print the \
kill matrix: the mutant, whether it was caught, after how many runs, the checks that caught it, \
and the check the catalogue expects to catch it. A mutant that survives is a failure: the \
checks missed a broken rule.\n\n\
With --list, prints one mutant per line: its name (use as --provider mutant:NAME) and what it \
breaks.\n\n\
Exit status: 0 every mutant caught, 1 some mutant survived, 2 bad usage.",
    after_help = "Examples:\n  vds-harness mutants --list\n  vds-harness mutants\n  vds-harness mutants --engine madsim --seeds 2"
)]
pub struct MutantsArgs {
    /// Print the catalogue and stop.
    #[arg(long)]
    pub list: bool,
    /// Seeds per fixed campaign and engine.
    #[arg(long, value_name = "N", default_value_t = default_seeds(), value_parser = parse_count, allow_hyphen_values = true)]
    pub seeds: u64,
    /// Seeds of the `mixed` campaign per engine.
    #[arg(long, value_name = "N", default_value_t = default_mixed_seeds(), value_parser = parse_count, allow_hyphen_values = true)]
    pub mixed_seeds: u64,
    /// Engines to run on.
    #[arg(long, value_enum, value_name = "E", default_value = "both")]
    pub engine: EngineChoice,
}

/// One row of the kill matrix.
struct Row {
    mutant: &'static Mutant,
    report: SuiteReport,
}

impl Row {
    /// Caught by a violation; a check left unjudged catches nothing.
    fn caught(&self) -> bool {
        !self.report.failures.is_empty()
    }
    fn catchers(&self) -> Vec<RuleId> {
        self.report
            .rows()
            .into_iter()
            .filter(|(_, t)| t.verdict() == Verdict::Fail)
            .map(|(c, _)| c.id)
            .collect()
    }
}

/// `vds-harness mutants`.
pub fn command(a: &MutantsArgs) -> CliResult {
    if a.list {
        out!("{}", mutant_list());
        return Ok(());
    }
    check_seed_range(0, a.seeds.max(a.mixed_seeds))?;
    let mut rows = Vec::new();
    for m in MUTANTS {
        let cfg = SuiteConfig::new(m.factory())
            .engines(&a.engine.kinds())
            .seeds(a.seeds)
            .mixed_seeds(a.mixed_seeds)
            .fail_fast(true)
            // Runs take milliseconds; a deadlocked mutant need not cost the full default.
            .stuck_after(std::time::Duration::from_secs(2));
        let report = run_plan(&cfg, &cfg.plan(), "mutants", false);
        rows.push(Row { mutant: m, report });
    }
    out!("{}", kill_matrix(&rows));
    if rows.iter().all(Row::caught) {
        Ok(())
    } else {
        Err(CliError::Violations)
    }
}

fn kill_matrix(rows: &[Row]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{:<28} {:<8} {:>5}  {:<32} {:<40} caught by",
        "mutant", "verdict", "runs", "expected check", "first failing run"
    );
    for r in rows {
        let catchers = r.catchers();
        let expected = r.mutant.caught_by;
        let verdict = if !r.caught() {
            "SURVIVED"
        } else if catchers.contains(&expected) {
            "caught"
        } else {
            "caught*"
        };
        let first = r.report.failures.first().map_or("-".to_string(), |f| {
            format!("{} {} seed {}", f.campaign, f.engine, f.seed)
        });
        let _ = writeln!(
            s,
            "{:<28} {:<8} {:>5}  {:<32} {:<40} {}",
            r.mutant.name(),
            verdict,
            r.report.runs,
            expected,
            first,
            if catchers.is_empty() {
                "-".to_string()
            } else {
                catchers
                    .iter()
                    .map(|c| c.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        );
    }
    let caught = rows.iter().filter(|r| r.caught()).count();
    let other = rows
        .iter()
        .filter(|r| r.caught() && !r.catchers().contains(&r.mutant.caught_by))
        .count();
    if other > 0 {
        let _ = writeln!(
            s,
            "caught* = caught first by another check than the expected one"
        );
    }
    let _ = writeln!(
        s,
        "{} mutants: {caught} caught, {} survived",
        rows.len(),
        rows.len() - caught
    );
    s
}
