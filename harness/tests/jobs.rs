//! The number of runs made at once changes nothing that is reported: the
//! matrix, the failures, the JUnit file and where a fail-fast run stops are
//! the same for one job and for several.

use vds_harness::mutants::MUTANTS;
use vds_harness::report::{coverage, junit, matrix, summary};
use vds_harness::suite::{SuiteConfig, SuiteReport, run};

fn everything(r: &SuiteReport) -> String {
    format!(
        "{}{}{}{}",
        matrix(r),
        summary(r),
        junit(r),
        coverage(r, &r.engines)
    )
}

#[test]
fn reports_do_not_depend_on_jobs() {
    let m = MUTANTS
        .iter()
        .find(|m| m.name == "duplicate-tags")
        .expect("catalogued");
    let cfg = SuiteConfig::new(m.factory()).seeds(2).mixed_seeds(6);
    let one = run(&cfg.clone().jobs(1), &mut |_| {});
    let three = run(&cfg.jobs(3), &mut |_| {});
    assert!(!one.conformant());
    assert_eq!(everything(&one), everything(&three));
}

#[test]
fn fail_fast_stops_at_the_same_run_for_any_jobs() {
    let m = MUTANTS
        .iter()
        .find(|m| m.name == "limit-ignored")
        .expect("catalogued");
    let cfg = SuiteConfig::new(m.factory()).fail_fast(true);
    let one = run(&cfg.clone().jobs(1), &mut |_| {});
    let four = run(&cfg.jobs(4), &mut |_| {});
    assert_eq!(one.runs, four.runs);
    assert_eq!(everything(&one), everything(&four));
}
