//! `cargo bench -p vds-harness`: the same throughput report as
//! `vds-harness bench`, for the default campaign mix on each engine.
//! Prints measurements; asserts nothing about time.

fn main() {
    let defaults = vds_harness::suite::SuiteConfig::new(std::sync::Arc::new(
        vds_sim::provider::ReferenceFactory::default(),
    ));
    print!(
        "{}",
        vds_harness::bench::report(
            defaults.seeds,
            defaults.mixed_seeds,
            &vds_sim::runtime::EngineKind::ALL,
            &mut |_| {}
        )
    );
}
