//! `bench`: simulation throughput of the default campaign mix on each
//! engine, against the reference provider. Measures, never asserts.

use std::fmt::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use vds_sim::provider::ReferenceFactory;
use vds_sim::runtime::EngineKind;

use super::CliResult;
use super::args::{
    EngineChoice, check_seed_range, default_mixed_seeds, default_seeds, parse_count,
};
use super::panic;
use crate::oracle;
use crate::suite::SuiteConfig;

/// `vds-harness bench`.
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Measure throughput: runs the default campaign mix (every campaign, the \
suite's seeds) against the reference provider on each engine and prints seeds (runs) per \
second, simulated VDS calls per second (step records), simulated time per wall-clock second, \
and the oracle's judging rate, with the machine's core count. Nothing is asserted on time.",
    after_help = "Examples:\n  vds-harness bench\n  vds-harness bench --engine turmoil --mixed-seeds 200\n  \
cargo bench -p vds-harness"
)]
pub struct BenchArgs {
    /// Seeds per fixed campaign and engine.
    #[arg(long, value_name = "N", default_value_t = default_seeds(), value_parser = parse_count)]
    pub seeds: u64,
    /// Seeds of the `mixed` campaign per engine.
    #[arg(long, value_name = "N", default_value_t = default_mixed_seeds(), value_parser = parse_count)]
    pub mixed_seeds: u64,
    /// Engines to measure.
    #[arg(long, value_enum, value_name = "E", default_value = "both")]
    pub engine: EngineChoice,
}

/// One engine's measurements.
#[derive(Clone, Debug, Default)]
pub struct Measurement {
    /// Runs made (one seed of one campaign each).
    pub runs: u64,
    /// VDS calls made (step records).
    pub calls: u64,
    /// Simulated time, summed over runs (the last return of each).
    pub simulated: Duration,
    /// Wall-clock time spent simulating.
    pub wall: Duration,
    /// Wall-clock time spent judging.
    pub judging: Duration,
}

fn per_sec(n: f64, d: Duration) -> f64 {
    let s = d.as_secs_f64();
    if s > 0.0 { n / s } else { f64::INFINITY }
}

/// Runs the default campaign mix of `cfg` on one engine and measures it.
pub fn measure(cfg: &SuiteConfig, engine: EngineKind) -> Measurement {
    let cfg = cfg.clone().engines(&[engine]);
    let mut m = Measurement::default();
    for id in cfg.plan() {
        panic::set_current(Some(format!(
            "{} on {} seed {} (replay: {})",
            id.campaign.name,
            id.engine,
            id.seed,
            id.replay_command(&cfg.factory.name())
        )));
        let t = Instant::now();
        let out = id.run(cfg.factory.as_ref());
        m.wall += t.elapsed();
        let t = Instant::now();
        let _ = std::hint::black_box(oracle::judge(&out));
        m.judging += t.elapsed();
        m.runs += 1;
        m.calls += out.steps.iter().filter(|s| s.step > 0).count() as u64;
        let end = out.steps.iter().map(|s| s.t_us).max().unwrap_or(0);
        m.simulated += Duration::from_micros(u64::try_from(end).unwrap_or(u64::MAX));
    }
    panic::set_current(None);
    m
}

/// The bench report for `engines`, against the reference provider.
pub fn report(seeds: u64, mixed_seeds: u64, engines: &[EngineKind]) -> String {
    let cfg = SuiteConfig::new(Arc::new(ReferenceFactory::default()))
        .seeds(seeds)
        .mixed_seeds(mixed_seeds);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut s = String::new();
    let _ = writeln!(
        s,
        "bench: default campaign mix ({} campaigns, {seeds} seeds each, {mixed_seeds} mixed), reference provider, {cores} core(s) available, one thread",
        cfg.campaigns.len()
    );
    let _ = writeln!(
        s,
        "{:<8} {:>6} {:>8} {:>10} {:>10} {:>14} {:>14}",
        "engine", "runs", "wall s", "seeds/s", "calls/s", "sim s/wall s", "judged runs/s"
    );
    for &e in engines {
        let m = measure(&cfg, e);
        let _ = writeln!(
            s,
            "{:<8} {:>6} {:>8.3} {:>10.1} {:>10.0} {:>14.1} {:>14.1}",
            e.name(),
            m.runs,
            m.wall.as_secs_f64(),
            per_sec(m.runs as f64, m.wall),
            per_sec(m.calls as f64, m.wall),
            per_sec(m.simulated.as_secs_f64(), m.wall),
            per_sec(m.runs as f64, m.judging),
        );
    }
    s
}

/// `vds-harness bench`.
pub fn command(a: &BenchArgs) -> CliResult {
    check_seed_range(0, a.seeds.max(a.mixed_seeds))?;
    print!("{}", report(a.seeds, a.mixed_seeds, &a.engine.kinds()));
    Ok(())
}
