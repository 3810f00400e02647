//! `cargo bench -p vds-harness`: the same throughput report as
//! `vds-harness bench` (judged seeds of `mixed` per second on each engine,
//! on one job and on every core, and the engine floor beside them).
//! Prints measurements; asserts nothing about time.

/// The allocator of the `vds-harness` binary, so both print the same figures.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    print!(
        "{}",
        vds_harness::bench::report(
            vds_harness::bench::DEFAULT_SEEDS,
            &vds_sim::runtime::EngineKind::ALL,
        )
    );
}
