//! Rule coverage: one row per (check, method) cell where the check applies
//! ([`crate::checks::applies_to`]) and one per (check, situation) cell
//! ([`crate::checks::applies_in`]), with how many runs exercised it on
//! each engine the suite ran. A cell no run reached is named as untested.

use std::fmt::Write;

use vds_sim::method::Method;
use vds_sim::profile::RuleId;
use vds_sim::runtime::EngineKind;

use crate::checks::{CHECKS, applies_in};
use crate::oracle::Situation;
use crate::suite::SuiteReport;

/// Where a cell is: on a method, or in a situation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// The method called (for calls on an operation, the one that started it).
    Method(Method),
    /// The situation of the call.
    Situation(Situation),
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Place::Method(m) => f.pad(m.sdk_name()),
            Place::Situation(s) => f.pad(&format!("in situation: {s}")),
        }
    }
}

/// One applicable cell and its runs per engine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CoverageRow {
    /// The check.
    pub rule: RuleId,
    /// The method or situation.
    pub place: Place,
    /// Runs that exercised it, per engine the suite ran (0 included).
    pub runs: Vec<(EngineKind, u64)>,
}

impl CoverageRow {
    /// True when some engine the suite ran never exercised the cell.
    pub fn untested(&self) -> bool {
        self.runs.iter().any(|(_, n)| *n == 0)
    }
}

/// Every applicable cell of the checks, in catalogue order, for `engines`.
pub fn coverage_rows(report: &SuiteReport, engines: &[EngineKind]) -> Vec<CoverageRow> {
    let runs = |by_engine: Option<&std::collections::BTreeMap<EngineKind, u64>>| {
        engines
            .iter()
            .map(|e| (*e, by_engine.and_then(|m| m.get(e)).copied().unwrap_or(0)))
            .collect()
    };
    let mut rows = Vec::new();
    // The cells the provider's declared design can reach (`checks::reachable`).
    let d = &report.declaration;
    for c in CHECKS.iter().filter(|c| crate::checks::reachable(c.id, d)) {
        for method in crate::checks::required_methods(c.id, d) {
            rows.push(CoverageRow {
                rule: c.id,
                place: Place::Method(method),
                runs: runs(report.coverage.cells.get(&(c.id, method))),
            });
        }
        for situation in applies_in(c.id) {
            rows.push(CoverageRow {
                rule: c.id,
                place: Place::Situation(*situation),
                runs: runs(report.coverage.situations.get(&(c.id, *situation))),
            });
        }
    }
    rows
}

/// The coverage table as text, ending with `N of M applicable cells exercised on every engine`.
///
/// ```
/// use std::sync::Arc;
/// use vds_harness::suite::{run, SuiteConfig};
/// use vds_sim::runtime::EngineKind;
/// let cfg = SuiteConfig::new(Arc::new(vds_sim::provider::ReferenceFactory::default()))
///     .seeds(1)
///     .mixed_seeds(1);
/// let text = vds_harness::report::coverage(&run(&cfg, &mut |_| {}), &EngineKind::ALL);
/// assert!(text.contains("CPG-LIMIT"));
/// assert!(text.contains("applicable cells exercised on every engine"));
/// ```
pub fn coverage(report: &SuiteReport, engines: &[EngineKind]) -> String {
    let rows = coverage_rows(report, engines);
    let mut s = String::new();
    let _ = write!(s, "{:<32} {:<46}", "check", "method or situation");
    for e in engines {
        let _ = write!(s, " {:>8}", e.to_string());
    }
    let _ = writeln!(s);
    for r in &rows {
        let _ = write!(s, "{:<32} {:<46}", r.rule, r.place);
        for (_, n) in &r.runs {
            let _ = write!(s, " {n:>8}");
        }
        let _ = writeln!(s, "{}", if r.untested() { "  UNTESTED" } else { "" });
    }
    let covered = rows.iter().filter(|r| !r.untested()).count();
    states(&mut s, report, engines);
    let _ = writeln!(
        s,
        "{covered} of {} applicable cells exercised on every engine",
        rows.len()
    );
    s
}

/// The state-coverage table: per method, each state of its object and of
/// the provider that changes what it may answer, with the runs per engine
/// that made a call of the method in it.
fn states(s: &mut String, report: &SuiteReport, engines: &[EngineKind]) {
    let _ = writeln!(s);
    let _ = write!(s, "{:<46} {:<42}", "method", "state");
    for e in engines {
        let _ = write!(s, " {:>8}", e.to_string());
    }
    let _ = writeln!(s);
    let (mut cells, mut reached) = (0, 0);
    for m in crate::oracle::state_methods() {
        for st in crate::oracle::state_cells(m) {
            let by = report.coverage.states.get(&(m, *st));
            let _ = write!(s, "{:<46} {:<42}", m.sdk_name(), st.name());
            for e in engines {
                let n = by.and_then(|b| b.get(e)).copied().unwrap_or(0);
                let _ = write!(s, " {n:>8}");
            }
            let missing = report
                .unreached_states
                .iter()
                .any(|(um, us, _)| *um == m && us == st);
            let zero = engines.iter().any(|e| by.and_then(|b| b.get(e)).is_none());
            let mark = if missing {
                "  UNREACHED"
            } else if zero {
                "  (not required of this provider)"
            } else {
                ""
            };
            let _ = writeln!(s, "{mark}");
            cells += 1;
            if !zero {
                reached += 1;
            }
        }
    }
    let _ = writeln!(
        s,
        "{reached} of {cells} state cells reached on every engine"
    );
    let _ = writeln!(s);
}
