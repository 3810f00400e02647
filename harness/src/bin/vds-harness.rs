//! The `vds-harness` command: see `vds-harness --help` and
//! [`vds_harness::cli`], which does all the work.

/// mimalloc instead of the system allocator: a run allocates and frees a
/// great deal, and glibc's allocator spent about a third of a madsim run
/// in malloc and free, partly contending for its arena lock when the
/// caller's thread frees a run a worker made. It changes no output.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    vds_harness::cli::main()
}
