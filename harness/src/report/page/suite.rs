//! A suite's page: the conformance matrix (each check's verdict, with its
//! runs per engine), the coverage cells a person can scan, and each
//! distinct failure linking to its run's page in the artifacts.

use std::fmt::Write as _;
use std::path::Path;

use super::{COPY_SCRIPT, copyable, escape, frame};
use crate::report::{coverage_rows, distinct_failures};
use crate::suite::{SuiteReport, Verdict};

/// The page of `report`. `artifacts` is where failing runs' pages are
/// (`STEM.html`), as a link from the page's own place; `artifacts_dir` the
/// same folder as this process finds it (to link shrunk worlds' files only
/// when they were written).
pub fn suite_page(report: &SuiteReport, artifacts: &Path, artifacts_dir: &Path) -> String {
    let (passed, failed, inconclusive) = report.counts();
    let mut body = String::new();
    let _ = write!(
        body,
        "<h1>Conformance of <code>{}</code></h1><p>{} runs on {}; judged as declared: {}.</p>\
         <p><span class=\"pass\">{passed} passed</span>, <span class=\"{}\">{failed} failed</span>, \
         <span class=\"{}\">{inconclusive} inconclusive</span>.</p>",
        escape(&report.provider),
        report.runs,
        escape(
            &report
                .engines
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" and ")
        ),
        escape(&report.declaration.to_string()),
        if failed > 0 { "fail" } else { "pass" },
        if inconclusive > 0 {
            "inconclusive"
        } else {
            "pass"
        },
    );
    body.push_str(&failures(report, artifacts, artifacts_dir));
    body.push_str(&matrix(report));
    body.push_str(&coverage(report));
    frame(
        &format!("Conformance of {}", report.provider),
        &body,
        COPY_SCRIPT,
    )
}

/// The matrix: one row per check.
fn matrix(report: &SuiteReport) -> String {
    let mut s = String::from(
        "<h2>Matrix</h2><table id=\"matrix\"><thead><tr><th>check</th><th>verdict</th>",
    );
    for e in &report.engines {
        let _ = write!(s, "<th>runs on {e}</th>");
    }
    s.push_str("<th>failed runs</th><th>what it checks</th></tr></thead><tbody>");
    for (check, t) in report.rows() {
        let (class, verdict) = match t.verdict() {
            Verdict::Pass => ("pass", "pass"),
            Verdict::Fail => ("fail", "FAIL"),
            Verdict::Untested => ("untested", "untested"),
            Verdict::Inconclusive => ("inconclusive", "INCONCLUSIVE"),
        };
        let _ = write!(
            s,
            "<tr class=\"{class}\"><td><code>{}</code></td><td class=\"{class}\">{verdict}</td>",
            check.id
        );
        for e in &report.engines {
            let n = t.runs_by_engine.get(e).copied().unwrap_or(0);
            // Failing runs kept on this engine (the report keeps some per check).
            let failing = report
                .failures
                .iter()
                .filter(|f| {
                    f.engine == *e && f.findings.iter().any(|x| x.check.rule() == Some(check.id))
                })
                .count();
            let (class, cell) = if failing > 0 {
                ("fail", format!("FAIL ({failing} kept of {n})"))
            } else if t.unexercised_on.contains(e)
                || t.unexercised_cells.iter().any(|(_, on)| on == e)
                || t.unexercised_situations.iter().any(|(_, on)| on == e)
            {
                ("inconclusive", format!("UNTESTED ({n})"))
            } else if n == 0 {
                ("untested", "untested (0)".to_string())
            } else {
                ("pass", format!("pass ({n})"))
            };
            let _ = write!(s, "<td class=\"num {class}\">{cell}</td>");
        }
        let _ = write!(
            s,
            "<td class=\"num\">{}</td><td>{}</td></tr>",
            t.failed_runs,
            escape(check.title)
        );
    }
    s.push_str("</tbody></table>");
    s
}

/// The coverage cells: per check, method or situation, the runs that reached it.
fn coverage(report: &SuiteReport) -> String {
    let rows = coverage_rows(report, &report.engines);
    let reached = rows.iter().filter(|r| !r.untested()).count();
    let mut s = format!(
        "<h2>Coverage</h2><p>{reached} of {} applicable cells reached on every engine.</p><table id=\"coverage\"><thead><tr><th>check</th><th>method or situation</th>",
        rows.len()
    );
    for e in &report.engines {
        let _ = write!(s, "<th>{e}</th>");
    }
    s.push_str("</tr></thead><tbody>");
    for r in &rows {
        let class = if r.untested() { "untested" } else { "pass" };
        let _ = write!(
            s,
            "<tr class=\"{class}\"><td><code>{}</code></td><td>{}</td>",
            r.rule,
            escape(&r.place.to_string())
        );
        for (_, n) in &r.runs {
            let _ = write!(s, "<td class=\"num\">{n}</td>");
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table>");
    s
}

/// Each distinct failure (the set of checks it breaks), its runs linking
/// to their pages.
fn failures(report: &SuiteReport, artifacts: &Path, artifacts_dir: &Path) -> String {
    let groups = distinct_failures(report);
    let mut s = String::from("<h2>Failures</h2><section id=\"failures\">");
    if groups.is_empty() {
        s.push_str("<p>None.</p>");
    }
    for g in &groups {
        let names: Vec<String> = g.checks.iter().map(|c| c.to_string()).collect();
        let _ = write!(
            s,
            "<div class=\"finding-item\"><strong>{}</strong> ({} run(s))<ul>",
            escape(&names.join(", ")),
            g.runs.len()
        );
        for run in &g.runs {
            let stem = crate::report::artifact_stem(run);
            let page = artifacts.join(format!("{stem}.html"));
            let _ = write!(
                s,
                "<li><a href=\"{}\">{} on {} seed {}</a></li>",
                escape(&page.to_string_lossy()),
                escape(&run.campaign),
                run.engine,
                run.seed
            );
        }
        s.push_str("</ul>");
        let first = crate::report::artifact_stem(g.runs[0]);
        for (file, what) in [
            (format!("{first}.min.html"), "the shrunk world's page"),
            (format!("{first}.feature"), "its feature"),
            (format!("{first}.min.yaml"), "its scenario"),
        ] {
            if artifacts_dir.join(&file).is_file() {
                let _ = write!(
                    s,
                    "<p>Shrunk: <a href=\"{}\">{what}</a></p>",
                    escape(&artifacts.join(&file).to_string_lossy())
                );
            }
        }
        s.push_str(&copyable("Replay the first:", &g.runs[0].replay));
        s.push_str("</div>");
    }
    s.push_str("</section>");
    s
}
