//! The short account of a shrink: the check, how much was removed, the
//! calls and faults that remain, and how to run what was written.

use std::fmt::Write as _;

use vds_sim::faults::Trigger;
use vds_sim::world::{StepRecord, WorldConfig};

use super::{ShrinkFiles, Shrunk, calls};
use crate::suite::{provider_flag, shell_quote};

/// The account written to `STEM.shrink.txt` (and printed by `shrink`).
pub fn account(origin: &str, provider: &str, s: &Shrunk, files: &ShrinkFiles) -> String {
    let mut t = String::new();
    let _ = writeln!(t, "shrunk {origin} (provider {provider})");
    let _ = writeln!(t, "check: {} still fails", s.check);
    let _ = writeln!(
        t,
        "from {} to {} in {} candidate runs",
        size(&s.original),
        size(&s.world),
        s.runs
    );
    for f in &s.findings {
        let _ = writeln!(t, "finding: {f}");
    }
    let _ = writeln!(
        t,
        "calls that matter ({} engine, seed {}):",
        s.world.engine, s.world.seed
    );
    for r in s.outcome.steps.iter().filter(|r| r.step > 0) {
        let _ = writeln!(t, "  {}", describe(&s.world, r));
    }
    if s.world.faults.rules.is_empty() {
        let _ = writeln!(t, "faults that matter: none");
    } else {
        let _ = writeln!(t, "faults that matter:");
        for r in &s.world.faults.rules {
            let when = match r.at {
                Trigger::AtMs(ms) => format!("at {ms} ms"),
                Trigger::BeforeCall(n) => format!("before call {n}"),
            };
            let chance = if r.probability == 1.0 {
                String::new()
            } else {
                format!(" (probability {})", r.probability)
            };
            let _ = writeln!(t, "  {when}: {:?}{chance}", r.fault);
        }
    }
    let scenario = files.scenario.display().to_string();
    let feature = files.feature.display().to_string();
    let _ = writeln!(
        t,
        "scenario: {scenario}\n  run it: {} run --scenario {}{}",
        shell_quote(crate::providers::program()),
        shell_quote(&scenario),
        provider_flag(provider)
    );
    let _ = writeln!(
        t,
        "feature: {feature}\n  run it: {} features {} --provider {}",
        shell_quote(crate::providers::program()),
        shell_quote(&feature),
        shell_quote(provider)
    );
    let _ = writeln!(t, "trace: {}", files.trace.display());
    t
}

/// `N clients, M calls, K fault rules`.
fn size(w: &WorldConfig) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    format!(
        "{}, {}, {}",
        plural(w.clients.len(), "client", "clients"),
        plural(calls(w), "call", "calls"),
        plural(w.faults.rules.len(), "fault rule", "fault rules")
    )
}

/// One call as a line: the step in the features' words, what it returned.
fn describe(w: &WorldConfig, r: &StepRecord) -> String {
    let said = w
        .clients
        .iter()
        .find(|c| c.name == r.client)
        .and_then(|c| {
            c.steps
                .get(r.step - 1)
                .map(|s| super::gherkin::sentence(&c.name, s, &c.steps))
        })
        .unwrap_or_else(|| format!("client \"{}\" calls {}", r.client, r.method));
    let mut line = format!("#{} {said} -> {}", r.step, r.hr);
    if let Some(h) = r.hr_result {
        let _ = write!(line, ", pHrResult {h}");
    }
    if let Some(out) = &r.output {
        let _ = write!(
            line,
            ", output {}{}",
            out.output_type.name(),
            if out.pointer.is_some() {
                " with a pointer"
            } else {
                ""
            }
        );
    }
    line
}
