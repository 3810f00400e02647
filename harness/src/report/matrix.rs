//! The conformance matrix: one row per check, with its verdict and how
//! many runs exercised and failed it.

use std::fmt::Write;

use crate::suite::{SuiteReport, Verdict};

/// The matrix as text, ending with the line `N passed, N failed`.
///
/// ```
/// use std::sync::Arc;
/// use vds_harness::suite::{run, SuiteConfig};
/// let cfg = SuiteConfig::new(Arc::new(vds_sim::provider::ReferenceFactory::default()))
///     .seeds(1)
///     .mixed_seeds(1);
/// let text = vds_harness::report::matrix(&run(&cfg, &mut |_| {}));
/// assert!(text.contains("CPG-ALREADY-EXISTS"));
/// assert!(text.trim_end().ends_with("0 failed"));
/// ```
pub fn matrix(report: &SuiteReport) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "conformance of provider `{}` ({} runs)",
        report.provider, report.runs
    );
    let _ = writeln!(s, "judged as declared: {}", report.declaration);
    let _ = writeln!(
        s,
        "{:<32} {:<8} {:>6} {:>7} {:>9}  what it checks",
        "check", "verdict", "runs", "failed", "first"
    );
    for (check, t) in report.rows() {
        let verdict = match t.verdict() {
            Verdict::Pass => "pass",
            Verdict::Fail => "FAIL",
            Verdict::Untested => "untested",
            Verdict::Inconclusive => "INCONCLUSIVE",
        };
        let first = t
            .first_failure_after
            .map_or("-".to_string(), |n| format!("run {n}"));
        let _ = writeln!(
            s,
            "{:<32} {:<8} {:>6} {:>7} {:>9}  {}",
            check.id, verdict, t.runs, t.failed_runs, first, check.title
        );
    }
    for (check, t) in report.rows() {
        for (method, engine) in &t.unexercised_cells {
            let _ = writeln!(
                s,
                "INCONCLUSIVE {}: no run exercised it on {method} on {engine}; the suite judges every check wherever it applies (see README, Inconclusive)",
                check.id
            );
        }
        for (situation, engine) in &t.unexercised_situations {
            let _ = writeln!(
                s,
                "INCONCLUSIVE {}: no run exercised it in situation `{situation}` on {engine}; the suite judges every check in every situation it applies to (see README, Inconclusive)",
                check.id
            );
        }
        for engine in &t.unexercised_on {
            let _ = writeln!(
                s,
                "INCONCLUSIVE {}: no run exercised it on {engine}; the suite judges every check on every engine it runs (see README, Inconclusive)",
                check.id
            );
        }
    }
    for (method, state, engine) in &report.unreached_states {
        let _ = writeln!(
            s,
            "INCONCLUSIVE state: no run called {method} with `{state}` on {engine}; the suite must try each method in every state that changes what it may answer (see README, Inconclusive)"
        );
    }
    let cells = super::coverage_rows(report, &report.engines);
    let _ = writeln!(
        s,
        "coverage: {} of {} applicable (check, method) and (check, situation) cells exercised on every engine run (`vds-harness coverage` lists them)",
        cells.iter().filter(|c| !c.untested()).count(),
        cells.len()
    );
    if let Some(why) = &report.stopped {
        let _ = writeln!(s, "{why}");
    }
    // The state table counts as one more inconclusive item when a cell is unreached.
    let (passed, failed, inconclusive) = report.counts();
    let inconclusive = inconclusive + usize::from(!report.unreached_states.is_empty());
    let untested = report
        .tallies
        .values()
        .filter(|t| t.verdict() == Verdict::Untested)
        .count();
    match (inconclusive, report.partial) {
        (0, false) => writeln!(s, "{passed} passed, {failed} failed"),
        (n, false) => writeln!(s, "{passed} passed, {failed} failed, {n} inconclusive"),
        (_, true) => writeln!(
            s,
            "{passed} passed, {failed} failed, {untested} untested: partial (coverage not required)"
        ),
    }
    .expect("writing to a String");
    s
}

/// The failing runs, each with its first findings and its replay command.
pub fn summary(report: &SuiteReport) -> String {
    let mut s = String::new();
    for f in &report.failures {
        let _ = writeln!(s, "FAILED {} on {} seed {}", f.campaign, f.engine, f.seed);
        for finding in f.findings.iter().take(5) {
            let _ = writeln!(s, "  {finding}");
        }
        if f.findings.len() > 5 {
            let _ = writeln!(s, "  ... and {} more", f.findings.len() - 5);
        }
        let _ = writeln!(s, "  replay: {}", f.replay);
    }
    s
}

/// Failing runs that break the same set of checks: one bug, most likely,
/// seen in several runs.
pub struct Distinct<'a> {
    /// The checks each of its runs breaks.
    pub checks: Vec<crate::checks::CheckId>,
    /// Its runs, in plan order.
    pub runs: Vec<&'a crate::suite::FailedRun>,
}

/// The kept failing runs grouped by the set of checks they break, in the
/// order each group first failed.
pub fn distinct_failures(report: &SuiteReport) -> Vec<Distinct<'_>> {
    let mut groups: Vec<Distinct<'_>> = Vec::new();
    for f in &report.failures {
        let mut checks: Vec<_> = f.findings.iter().map(|x| x.check).collect();
        checks.sort();
        checks.dedup();
        match groups.iter_mut().find(|g| g.checks == checks) {
            Some(g) => g.runs.push(f),
            None => groups.push(Distinct {
                checks,
                runs: vec![f],
            }),
        }
    }
    groups
}

/// The distinct failures as text: each set of checks, how many kept runs
/// break it, and the first one's replay command.
pub fn distinct_text(report: &SuiteReport) -> String {
    let mut s = String::new();
    let groups = distinct_failures(report);
    if groups.is_empty() {
        return s;
    }
    let _ = writeln!(
        s,
        "{} distinct failure(s), grouped by the checks they break:",
        groups.len()
    );
    for g in &groups {
        let names: Vec<String> = g.checks.iter().map(|c| c.to_string()).collect();
        let _ = writeln!(
            s,
            "  {} ({} run(s)); first: {}",
            names.join(", "),
            g.runs.len(),
            g.runs[0].replay
        );
    }
    s
}
