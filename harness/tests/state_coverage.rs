//! The state-coverage table: the default suite calls each method in every
//! state that changes what it may answer, and a plan that never builds a
//! state is inconclusive (exit 3), not a pass and not a violation.

use std::sync::Arc;

use vds_harness::campaigns::CAMPAIGNS;
use vds_harness::oracle::{State, state_cells, state_methods};
use vds_harness::suite::{SuiteConfig, run};
use vds_sim::method::Method;
use vds_sim::provider::ReferenceFactory;

#[test]
fn the_default_suite_reaches_every_state_cell_with_the_reference() {
    let report = run(
        &SuiteConfig::new(Arc::new(ReferenceFactory::default())),
        &mut |_| {},
    );
    assert!(
        report.unreached_states.is_empty(),
        "{:?}",
        report.unreached_states
    );
    let cells: usize = state_methods().map(|m| state_cells(m).len()).sum();
    assert!(cells >= 40, "{cells} cells");
}

#[test]
fn a_plan_that_never_builds_a_state_is_inconclusive() {
    let probe = CAMPAIGNS
        .iter()
        .find(|c| c.name == "create-and-probe")
        .expect("a campaign");
    let cfg = SuiteConfig::new(Arc::new(ReferenceFactory::default()))
        .campaigns(vec![probe])
        .seeds(1)
        .mixed_seeds(0)
        .require_exercise(true);
    let report = run(&cfg, &mut |_| {});
    assert!(report.failures.is_empty());
    assert!(report.inconclusive());
    assert!(!report.conformant());
    assert!(
        report
            .unreached_states
            .iter()
            .any(|(m, s, _)| *m == Method::TargetCreatePortalGroup && *s == State::Corrupt),
        "{:?}",
        report.unreached_states
    );
    let text = vds_harness::report::matrix(&report);
    assert!(text.contains("INCONCLUSIVE state: no run called IVdsIscsiTarget::CreatePortalGroup with `cache corrupt`"), "{text}");
    assert!(vds_harness::report::junit(&report).contains("STATE-COVERAGE"));
}
