//! A fault that fires must change something: what the clients observe
//! (codes, results, out-parameters, times) or what happens on the array.
//! Each fault kind's scenario file is run with and without its fault, on
//! the same engine and seed; a run in which the fault fired must differ
//! from the run without it. A fault that has silently become a no-op (a
//! slow-operations fault that no longer slows, a partition that lets every
//! message through) turns its runs into no-ops without any check failing;
//! this is the harness's own test that catches it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use vds_harness::scenario::{self, Scenario};
use vds_sim::provider::ReferenceFactory;
use vds_sim::trace::Event;
use vds_sim::world::RunOutcome;

fn scenario_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
    scenario::files_in(&dir).expect("scenarios/ is readable")
}

/// What a run shows of itself, without trace sequence numbers (the fault's
/// own trace event shifts them) and without the trace.
fn observed(out: &RunOutcome) -> Vec<String> {
    let steps = out.steps.iter().map(|s| {
        format!(
            "{} {} {} {:?} {} {:?} {:?} {:?} {} {}..{}",
            s.client,
            s.step,
            s.method,
            s.object,
            s.hr,
            s.hr_result,
            s.percent,
            s.output,
            s.out,
            s.t_call_us,
            s.t_us
        )
    });
    let array = out.array_log.iter().map(|e| format!("{e:?}"));
    steps.chain(array).collect()
}

fn fired(out: &RunOutcome) -> bool {
    out.trace
        .iter()
        .any(|l| matches!(l.event, Event::Fault { fired: true, .. }))
}

#[test]
fn every_fault_that_fires_changes_the_run() {
    let factory = ReferenceFactory::default();
    let mut kinds_seen = BTreeSet::new();
    let mut problems = Vec::new();
    for path in scenario_files() {
        let s = Scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
        // One rule per file, so that the run without it is the run without
        // any fault (removing one of several would re-seed the others).
        let [rule] = s.faults.rules.as_slice() else {
            continue;
        };
        let kind = rule.fault.kind();
        let mut bare = s.clone();
        bare.faults.rules.clear();
        // Two seeds on each engine keep this quick; the files' other seeds
        // are run by scenario_files.rs.
        let mut fired_runs = 0;
        for (engine, seed) in s.runs().filter(|(_, seed)| *seed < s.seeds.start + 2) {
            let with = s.run(seed, engine, &factory).outcome;
            if !fired(&with) {
                continue;
            }
            fired_runs += 1;
            let without = bare.run(seed, engine, &factory).outcome;
            if observed(&with) == observed(&without) {
                problems.push(format!(
                    "{}: the {kind} fault fired on {engine} seed {seed} but the run is the same as without it",
                    path.display()
                ));
            }
        }
        if fired_runs > 0 {
            kinds_seen.insert(kind);
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let all: BTreeSet<vds_sim::faults::FaultKind> =
        vds_sim::faults::FaultKind::ALL.iter().copied().collect();
    let missing: Vec<_> = all.difference(&kinds_seen).collect();
    assert!(
        missing.is_empty(),
        "no one-fault scenario file fires these fault kinds: {missing:?}"
    );
}
