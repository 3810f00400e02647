//! The `vds-harness` command: see `vds-harness --help` and
//! [`vds_harness::cli`], which does all the work.

fn main() -> std::process::ExitCode {
    vds_harness::cli::main()
}
