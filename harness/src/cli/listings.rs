//! `checks`, `profile` and `mutants --list`: the catalogues as text.

use std::fmt::Write;

use vds_sim::profile::{Basis, RULES};

use crate::checks::{CHECKS, applies_to};
use crate::mutants::MUTANTS;

fn basis(b: Basis) -> &'static str {
    match b {
        Basis::Documented => "documented",
        Basis::Decided => "decided",
    }
}

/// Every check: id, basis, title, and the source of the rule it enforces.
pub fn checks() -> String {
    let mut s = String::new();
    for c in CHECKS {
        let rule = c.rule();
        let _ = writeln!(s, "{:<30} {:<10} {}", c.id, basis(rule.basis), c.title);
        let _ = writeln!(s, "{:<30} {:<10} source: {}", "", "", rule.source);
    }
    let _ = writeln!(s, "{} checks", CHECKS.len());
    s
}

/// The contract profile: every rule with its basis, statement and source.
pub fn profile() -> String {
    let mut s = String::new();
    let documented = RULES
        .iter()
        .filter(|r| r.basis == Basis::Documented)
        .count();
    for r in RULES {
        let checked = if CHECKS.iter().any(|c| c.id == r.id) {
            ", checked"
        } else if r.permission.is_some() {
            ", permission"
        } else {
            ", NOT CHECKED"
        };
        let _ = writeln!(s, "{} [{}{checked}]", r.id, basis(r.basis));
        let _ = writeln!(s, "  {}", r.statement);
        let _ = writeln!(s, "  source: {}", r.source);
        if let Some(why) = r.permission {
            let _ = writeln!(s, "  no check: {why}");
        }
        let methods = applies_to(r.id);
        if !methods.is_empty() {
            let names: Vec<&str> = methods.iter().map(|m| m.sdk_name()).collect();
            let _ = writeln!(s, "  judged at: {}", names.join(", "));
        } else if r.permission.is_none() {
            let _ = writeln!(s, "  judged at: the run as a whole");
        }
        let situations = crate::checks::applies_in(r.id);
        if !situations.is_empty() {
            let names: Vec<String> = situations.iter().map(|x| x.to_string()).collect();
            let _ = writeln!(s, "  judged in: {}", names.join(", "));
        }
        if let Some(fault) = CHECKS.iter().find(|c| c.id == r.id).and_then(|c| c.needs) {
            let _ = writeln!(s, "  exercised only under the provider fault {fault:?}");
        }
        let _ = writeln!(s);
    }
    let _ = writeln!(
        s,
        "`judged at` names the methods whose calls a rule is judged on (for an operation, its Wait, QueryStatus and Cancel too); `judged in` names the situations it must also be judged in (plain: nothing unusual; deleted: the object or its target deleted on the array; fault K: a fault of kind K fired while the call or its operation was under way, a cache corruption until a Refresh cures it); `vds-harness coverage` counts the runs that reached each."
    );
    let _ = writeln!(
        s,
        "{} rules: {documented} documented, {} decided",
        RULES.len(),
        RULES.len() - documented
    );
    s
}

/// One control per line: its name (as in `--provider control:NAME`), what
/// its design is, and what it declares.
pub fn control_list() -> String {
    let mut s = String::new();
    for d in crate::controls::all() {
        let _ = writeln!(s, "{:<20} {} ({})", d.name, d.about, d.declaration());
    }
    s
}

/// One mutant per line: its name (as in `--provider mutant:NAME`), then what it breaks.
pub fn mutant_list() -> String {
    let mut s = String::new();
    for m in MUTANTS {
        let _ = writeln!(s, "{:<28} {}", m.name(), m.description);
    }
    s
}
