//! `bench`: the flags of [`crate::bench::report`], which does the work.

use super::CliResult;
use super::args::{
    EngineChoice, check_seed_range, default_mixed_seeds, default_seeds, parse_count,
};
use super::panic;

/// `vds-harness bench`.
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Measure throughput: runs the default campaign mix (every campaign, the \
suite's seeds) against the reference provider on each engine and prints seeds (runs) per \
second, simulated VDS calls per second (step records), simulated time per wall-clock second, \
and the oracle's judging rate, with the machine's core count. Nothing is asserted on time.",
    after_help = "Examples:\n  vds-harness bench\n  vds-harness bench --engine turmoil --mixed-seeds 200\n  \
vds-harness bench --engine madsim --provider 'exec:python3 harness/examples/python_provider/provider.py'\n  \
cargo bench -p vds-harness"
)]
pub struct BenchArgs {
    /// Seeds per fixed campaign and engine.
    #[arg(long, value_name = "N", default_value_t = default_seeds(), value_parser = parse_count, allow_hyphen_values = true)]
    pub seeds: u64,
    /// Seeds of the `mixed` campaign per engine.
    #[arg(long, value_name = "N", default_value_t = default_mixed_seeds(), value_parser = parse_count, allow_hyphen_values = true)]
    pub mixed_seeds: u64,
    /// Engines to measure.
    #[arg(long, value_enum, value_name = "E", default_value = "both")]
    pub engine: EngineChoice,
    /// The provider to measure: `reference`, `mutant:NAME`, or `exec:COMMAND`.
    #[arg(long, value_name = "P", default_value = "reference", value_parser = super::args::parse_provider)]
    pub provider: String,
}

/// `vds-harness bench`.
pub fn command(a: &BenchArgs) -> CliResult {
    check_seed_range(0, a.seeds.max(a.mixed_seeds))?;
    let provider = a.provider.as_str();
    let factory = super::args::factory(provider)?;
    let engines = a.engine.kinds();
    let text = crate::bench::report_for(factory, a.seeds, a.mixed_seeds, &engines, &mut |id| {
        panic::set_current(Some(id.describe(provider)));
    });
    panic::set_current(None);
    out!("{text}");
    Ok(())
}
