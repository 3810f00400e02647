//! No check that cannot fail: every mutant in the catalogue is caught
//! within the default suite's seed budget (by the check the catalogue
//! names, possibly among others), and the reference provider passes every
//! check, each of them exercised.

use std::sync::Arc;

use vds_harness::mutants::MUTANTS;
use vds_harness::suite::{SuiteConfig, Verdict, run};

#[test]
fn every_mutant_is_caught_by_its_check() {
    let mut escaped = Vec::new();
    for m in MUTANTS {
        // A deadlocked provider is noticed by the wall clock: keep that short here.
        let cfg = SuiteConfig::new(m.factory())
            .fail_fast(true)
            .stuck_after(std::time::Duration::from_secs(2));
        let report = run(&cfg, &mut |_| {});
        let failed: Vec<_> = report
            .failures
            .iter()
            .flat_map(|f| f.findings.iter().map(|x| x.check))
            .collect();
        if !failed.contains(&m.caught_by.into()) {
            escaped.push(format!(
                "{}: expected {}, caught by {:?} after {} runs",
                m.name(),
                m.caught_by,
                failed,
                report.runs
            ));
        }
    }
    assert!(
        escaped.is_empty(),
        "mutants not caught as catalogued:\n{}",
        escaped.join("\n")
    );
}

#[test]
fn the_reference_provider_passes_every_check_and_every_check_is_exercised() {
    let cfg = SuiteConfig::new(Arc::new(vds_sim::provider::ReferenceFactory::default()));
    let report = run(&cfg, &mut |_| {});
    assert!(
        report.conformant(),
        "{}",
        vds_harness::report::summary(&report)
    );
    let undeclared = vds_sim::provider::declaration::Declaration::default();
    for (check, tally) in report.rows() {
        let expected = if vds_harness::checks::reachable(check.id, &undeclared) {
            Verdict::Pass
        } else {
            Verdict::Untested
        };
        assert_eq!(
            tally.verdict(),
            expected,
            "{} is {:?}",
            check.id,
            tally.verdict()
        );
    }
}
