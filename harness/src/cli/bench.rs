//! `bench`: the flags of [`crate::bench::report`], which does the work.

use super::args::{EngineChoice, check_seed_range, parse_count};
use super::panic;
use super::{CliError, CliResult};

/// `vds-harness bench`.
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Measure throughput as `sweep` delivers it: runs and judges seeds of the `mixed` \
campaign on each engine, on one job and on --jobs workers, and prints judged seeds per second, \
simulated VDS calls per second and simulated time per wall-clock second, with the machine's core \
count. Then, in the same process, the engine floor: a world that asks of the engine only what an \
average run asks (clients, tasks, timers, array round trips, calls, over the same simulated time), \
and the harness's ratio to it. Nothing is asserted on time.",
    after_help = "Examples:\n  vds-harness bench\n  vds-harness bench --engine turmoil --seeds 500\n  \
vds-harness bench --engine madsim --provider 'exec:python3 harness/examples/python_provider/provider.py'\n  \
cargo bench -p vds-harness"
)]
pub struct BenchArgs {
    /// Seeds of `mixed` per engine and job count.
    #[arg(long, value_name = "N", default_value_t = crate::bench::DEFAULT_SEEDS, value_parser = parse_count, allow_hyphen_values = true)]
    pub seeds: u64,
    /// Engines to measure.
    #[arg(long, value_enum, value_name = "E", default_value = "both")]
    pub engine: EngineChoice,
    /// Workers for the second measurement [default: the machine's cores].
    #[arg(long, value_name = "N", value_parser = parse_count)]
    pub jobs: Option<u64>,
    /// The provider to measure: `reference`, `mutant:NAME`, or `exec:COMMAND`.
    #[arg(long, value_name = "P", default_value = "reference", value_parser = super::args::parse_provider)]
    pub provider: String,
}

/// `vds-harness bench`.
pub fn command(a: &BenchArgs) -> CliResult {
    check_seed_range(0, a.seeds)?;
    let provider = a.provider.as_str();
    let factory = super::args::factory(provider)?;
    let engines = a.engine.kinds();
    let jobs = a.jobs.map_or_else(crate::bench::cores, |n| {
        usize::try_from(n).unwrap_or(usize::MAX)
    });
    panic::set_current(Some(format!("bench of provider `{provider}`")));
    let text = crate::bench::report_for(factory, a.seeds.max(1), &engines, jobs);
    panic::set_current(None);
    match text {
        Ok(text) => {
            out!("{text}");
            Ok(())
        }
        Err(why) => {
            errln!("{why}");
            Err(CliError::Violations)
        }
    }
}
