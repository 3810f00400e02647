//! The controls: correct providers of other designs than the reference.
//! Each passes the default suite; a check that refused one would refuse
//! behaviour the contract allows. And each declaration is judged: the same
//! provider declaring a finer lock domain than it keeps is refused.

use std::sync::Arc;

use vds_harness::controls;
use vds_harness::report::{matrix, summary};
use vds_harness::suite::{SuiteConfig, run};
use vds_sim::prelude::*;
use vds_sim::profile::RuleId;

#[test]
fn every_control_passes_the_default_suite() {
    for control in controls::all() {
        let report = run(&SuiteConfig::new(control.factory()), &mut |_| {});
        assert!(
            report.conformant(),
            "{}\n{}\n{}",
            control.full,
            matrix(&report),
            summary(&report)
        );
    }
}

/// A provider that declares the reference's choices whatever it does.
struct DeclaresDefaults(Arc<dyn ProviderFactory>);

impl ProviderFactory for DeclaresDefaults {
    fn name(&self) -> String {
        format!("{} declaring the defaults", self.0.name())
    }
    fn create(&self, ctx: ProviderContext) -> Arc<dyn SimProvider> {
        self.0.create(ctx)
    }
    fn cannot_take(&self) -> &'static [ProviderFaultKind] {
        self.0.cannot_take()
    }
}

#[test]
fn a_provider_lock_declared_as_per_target_is_refused() {
    let f = Arc::new(DeclaresDefaults(
        controls::by_name("provider-lock").unwrap(),
    ));
    let report = run(&SuiteConfig::new(f), &mut |_| {});
    assert!(
        report
            .failures
            .iter()
            .flat_map(|r| &r.findings)
            .any(|f| f.check.rule() == Some(RuleId::RefusalWarranted)),
        "{}",
        matrix(&report)
    );
}
