//! The conformance suite for VDS iSCSI hardware providers, and the library
//! behind the `vds-harness` command.
#![warn(missing_docs)]

pub mod bench;
pub mod campaigns;
pub mod checks;
pub mod cli;
pub mod exec;
pub mod mutants;
pub mod oracle;
pub mod providers;
pub mod regressions;
pub mod report;
pub mod scenario;
pub mod suite;

/// Declares a `#[test]` that runs the whole conformance suite against a
/// provider factory and fails with the matrix and the failing seeds.
///
/// ```ignore
/// vds_harness::conformance_test!(my_provider_conforms, MyFactory::default());
/// ```
#[macro_export]
macro_rules! conformance_test {
    ($name:ident, $factory:expr) => {
        #[test]
        fn $name() {
            let cfg = $crate::suite::SuiteConfig::new(::std::sync::Arc::new($factory));
            let report = $crate::suite::run(&cfg, &mut |_| {});
            assert!(
                report.conformant(),
                "{}\n{}",
                $crate::report::matrix(&report),
                $crate::report::summary(&report)
            );
        }
    };
}
