//! The suite's result as JUnit XML: one testcase per check (classname = the
//! provider, name = the check id), failures carrying the first findings and
//! the commands that replay them. Written by hand; every text is escaped.
//!
//! Why not the `quick-junit` crate: this writer is about 150 lines with no
//! dependency, and its output (testcase order, the `<skipped/>` of an
//! unexercised check, the failure text with replay commands) is pinned by
//! tests and read by CI tools; `quick-junit` would add a dependency tree
//! (an XML writer and more) and change the document's bytes (attribute
//! order, timestamps, declaration) for no gain in what a reader sees.

use std::collections::BTreeSet;
use std::fmt::Write;

use crate::checks::{CHECKS, CheckId};
use crate::suite::{SuiteReport, Verdict};

/// Failing runs quoted per failed check.
const RUNS_QUOTED: usize = 5;
/// Findings quoted per failing run.
const FINDINGS_QUOTED: usize = 5;

/// The report as a JUnit XML document.
///
/// Checks never exercised are `<skipped/>`. Findings whose check is not in
/// the catalogue (a scenario's own expectations, say) get a testcase of
/// their own after the catalogued ones.
///
/// ```
/// use std::sync::Arc;
/// use vds_harness::suite::{run, SuiteConfig};
/// let cfg = SuiteConfig::new(Arc::new(vds_sim::provider::ReferenceFactory::default()))
///     .seeds(1)
///     .mixed_seeds(0);
/// let xml = vds_harness::report::junit(&run(&cfg, &mut |_| {}));
/// assert!(xml.contains(r#"<testcase classname="reference" name="CPG-ALREADY-EXISTS""#));
/// assert!(xml.contains(r#"failures="0""#));
/// ```
pub fn junit(report: &SuiteReport) -> String {
    render(report, &cases(report))
}

/// One test case per check, then the failing checks outside the catalogue,
/// the unreached states and a stopped suite.
fn cases(report: &SuiteReport) -> Vec<Case> {
    let mut cases: Vec<Case> = report
        .rows()
        .into_iter()
        .map(|(check, tally)| check_case(report, check, tally))
        .collect();
    let extra: BTreeSet<CheckId> = report
        .failures
        .iter()
        .flat_map(|f| f.findings.iter().map(|x| x.check))
        .filter(|id| !CHECKS.iter().any(|c| *id == c.id))
        .collect();
    for id in extra {
        let runs = report
            .failures
            .iter()
            .filter(|f| f.findings.iter().any(|x| x.check == id))
            .count();
        cases.push(Case {
            name: id.to_string(),
            verdict: Verdict::Fail,
            message: format!("violated in {runs} runs"),
            body: failure_body(report, id),
        });
    }

    if !report.unreached_states.is_empty() {
        cases.push(Case {
            name: "STATE-COVERAGE".to_string(),
            verdict: Verdict::Inconclusive,
            message: format!(
                "no run called these methods in these states: {}",
                report
                    .unreached_states
                    .iter()
                    .map(|(m, st, e)| format!("{m} with `{st}` on {e}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            body: String::new(),
        });
    }
    // A suite stopped before the end of its plan (interrupted, or a
    // provider that hangs) judged only part of it: never green.
    if let Some(why) = &report.stopped {
        cases.push(Case {
            name: "SUITE-STOPPED".to_string(),
            verdict: Verdict::Inconclusive,
            message: why.clone(),
            body: String::new(),
        });
    }
    cases
}

/// A check's test case.
fn check_case(
    report: &SuiteReport,
    check: &crate::checks::Check,
    tally: &crate::suite::Tally,
) -> Case {
    let verdict = tally.verdict();
    Case {
        name: check.id.to_string(),
        verdict,
        message: match verdict {
            Verdict::Fail => format!(
                "{}: violated in {} of {} runs that exercised it",
                check.title, tally.failed_runs, tally.runs
            ),
            Verdict::Untested => "not exercised by any run".to_string(),
            Verdict::Inconclusive => format!(
                "{}: no run exercised it on {}; a suite run must exercise every check wherever it applies, on every engine it runs",
                check.title,
                tally
                    .unexercised_on
                    .iter()
                    .map(|e| e.to_string())
                    .chain(
                        tally
                            .unexercised_cells
                            .iter()
                            .map(|(m, e)| format!("{m} on {e}"))
                    )
                    .chain(
                        tally
                            .unexercised_situations
                            .iter()
                            .map(|(st, e)| format!("situation `{st}` on {e}"))
                    )
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Verdict::Pass => String::new(),
        },
        body: failure_body(report, check.id.into()),
    }
}

/// The JUnit XML of `cases`.
fn render(report: &SuiteReport, cases: &[Case]) -> String {
    let failures = cases.iter().filter(|c| c.verdict == Verdict::Fail).count();
    let errors = cases
        .iter()
        .filter(|c| c.verdict == Verdict::Inconclusive)
        .count();
    let skipped = cases
        .iter()
        .filter(|c| c.verdict == Verdict::Untested)
        .count();
    let provider = escape(&report.provider);
    let mut s = String::new();
    let _ = writeln!(s, r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    let _ = writeln!(
        s,
        r#"<testsuites name="vds-harness" tests="{}" failures="{failures}" errors="{errors}" skipped="{skipped}">"#,
        cases.len()
    );
    let _ = writeln!(
        s,
        r#"  <testsuite name="conformance of {provider}" tests="{}" failures="{failures}" errors="{errors}" skipped="{skipped}">"#,
        cases.len()
    );
    let _ = writeln!(s, "    <properties>");
    let _ = writeln!(s, r#"      <property name="provider" value="{provider}"/>"#);
    let _ = writeln!(
        s,
        r#"      <property name="runs" value="{}"/>"#,
        report.runs
    );
    let _ = writeln!(s, "    </properties>");
    for c in cases {
        let name = escape(&c.name);
        match c.verdict {
            Verdict::Pass => {
                let _ = writeln!(s, r#"    <testcase classname="{provider}" name="{name}"/>"#);
            }
            Verdict::Untested => {
                let _ = writeln!(
                    s,
                    r#"    <testcase classname="{provider}" name="{name}"><skipped message="{}"/></testcase>"#,
                    escape(&c.message)
                );
            }
            Verdict::Fail | Verdict::Inconclusive => {
                // An inconclusive check is a JUnit error: neither a pass nor
                // a violation, and never green.
                let tag = match c.verdict {
                    Verdict::Fail => "failure",
                    _ => "error",
                };
                let _ = writeln!(s, r#"    <testcase classname="{provider}" name="{name}">"#);
                let _ = writeln!(
                    s,
                    r#"      <{tag} message="{}" type="{name}">{}</{tag}>"#,
                    escape(&c.message),
                    escape(&c.body)
                );
                let _ = writeln!(s, "    </testcase>");
            }
        }
    }
    let _ = writeln!(s, "  </testsuite>");
    let _ = writeln!(s, "</testsuites>");
    s
}

struct Case {
    name: String,
    verdict: Verdict,
    message: String,
    body: String,
}

/// The first failing runs of one check: their findings of that check and
/// the command that replays each.
fn failure_body(report: &SuiteReport, check: CheckId) -> String {
    let mut s = String::new();
    let runs = report
        .failures
        .iter()
        .filter(|f| f.findings.iter().any(|x| x.check == check));
    for f in runs.take(RUNS_QUOTED) {
        let _ = writeln!(s, "{} on {} seed {}:", f.campaign, f.engine, f.seed);
        for finding in f
            .findings
            .iter()
            .filter(|x| x.check == check)
            .take(FINDINGS_QUOTED)
        {
            let _ = writeln!(s, "  {finding}");
        }
        let _ = writeln!(s, "  replay: {}", f.replay);
    }
    s
}

/// Escapes text for XML 1.0 attributes and character data. Characters XML
/// 1.0 cannot carry at all (most control characters) become U+FFFD.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(ch),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(
            escape(r#"a<b>&"c"'d'"#),
            "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;"
        );
        assert_eq!(escape("x\u{1}y\nz"), "x\u{FFFD}y\nz");
    }
}
