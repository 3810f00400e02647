//! The conformance suite for VDS iSCSI hardware providers, and the library
//! behind the `vds-harness` command.
#![warn(missing_docs)]

pub mod bench;
pub mod campaigns;
pub mod checks;
pub mod cli;
pub mod controls;
pub mod exec;
pub mod features;
pub mod interrupt;
pub mod model;
pub mod mutants;
pub mod oracle;
pub mod plan;
pub mod providers;
pub mod regressions;
pub mod report;
pub mod scenario;
pub mod shrink;
pub mod situation;
pub mod suite;
mod workers;

/// The whole `vds-harness` command line for your own provider: `run`,
/// `sweep`, `replay`, `coverage`, `bench`, `explain`, `checks`, `profile`
/// and `mutants`, with `factory` as `--provider`'s default (and known by its
/// name), and replay commands in reports that name this program. A
/// provider author's binary is one line:
///
/// ```no_run
/// # use vds_sim::provider::ReferenceFactory as MyFactory;
/// fn main() -> std::process::ExitCode {
///     vds_harness::main(MyFactory::default())
/// }
/// ```
pub fn main(factory: impl vds_sim::provider::ProviderFactory + 'static) -> std::process::ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let program = args
        .first()
        .map_or("vds-harness".into(), |a| a.to_string_lossy().into_owned());
    providers::register_own(std::sync::Arc::new(factory), &program);
    std::process::ExitCode::from(cli::run_args(args))
}

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
