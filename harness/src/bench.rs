//! Simulation throughput: runs, VDS calls, simulated time and judging per
//! wall-clock second for the default campaign mix on each engine, against
//! the reference provider (or any, [`report_for`]). Measures, never asserts. `vds-harness bench` and
//! `cargo bench -p vds-harness` print [`report`].

use std::fmt::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use vds_sim::provider::{ProviderFactory, ReferenceFactory};
use vds_sim::runtime::EngineKind;

use crate::oracle;
use crate::suite::{RunId, SuiteConfig};

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

/// Runs the campaign mix of `cfg` on one engine and measures it;
/// `starting` is told each run before it starts.
pub fn measure(
    cfg: &SuiteConfig,
    engine: EngineKind,
    starting: &mut dyn FnMut(&RunId),
) -> Measurement {
    let cfg = cfg.clone().engines(&[engine]);
    let mut m = Measurement::default();
    for id in cfg.plan() {
        starting(&id);
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
    m
}

/// The bench report for `engines`, against the reference provider;
/// `starting` is told each run before it starts.
pub fn report(
    seeds: u64,
    mixed_seeds: u64,
    engines: &[EngineKind],
    starting: &mut dyn FnMut(&RunId),
) -> String {
    let factory = Arc::new(ReferenceFactory::default());
    report_for(factory, seeds, mixed_seeds, engines, starting)
}

/// The bench report for `engines`, against the provider `factory` makes
/// (an `exec:` provider's processes serve run after run, as in a sweep);
/// `starting` is told each run before it starts.
pub fn report_for(
    factory: Arc<dyn ProviderFactory>,
    seeds: u64,
    mixed_seeds: u64,
    engines: &[EngineKind],
    starting: &mut dyn FnMut(&RunId),
) -> String {
    let provider = factory.name();
    let cfg = SuiteConfig::new(factory)
        .seeds(seeds)
        .mixed_seeds(mixed_seeds);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut s = String::new();
    let _ = writeln!(
        s,
        "bench: default campaign mix ({} campaigns, {seeds} seeds each, {mixed_seeds} mixed), {provider} provider, {cores} core(s) available, one thread",
        cfg.campaigns.len()
    );
    let _ = writeln!(
        s,
        "{:<8} {:>6} {:>8} {:>10} {:>10} {:>14} {:>14}",
        "engine", "runs", "wall s", "seeds/s", "calls/s", "sim s/wall s", "judged runs/s"
    );
    for &e in engines {
        let m = measure(&cfg, e, starting);
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
