//! Simulation throughput as `sweep` delivers it: judged seeds of the
//! `mixed` campaign per wall-clock second on each engine, on one job and on
//! every core, with VDS calls and simulated time per second; beside it, in
//! the same process, the engine floor ([`vds_sim::engine::floor_run`]: a
//! world asking of its engine only what an average run asks) and the
//! harness's ratio to it. Measures, never asserts. `vds-harness bench` and
//! `cargo bench -p vds-harness` print [`report`].

use std::fmt::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use vds_sim::engine::{Shape, floor_run};
use vds_sim::provider::{ProviderFactory, ReferenceFactory};
use vds_sim::runtime::EngineKind;
use vds_sim::world::{RunOutcome, WorldConfig};

use crate::plan::Plan;

/// Seeds `bench` runs per engine and job count unless told otherwise.
pub const DEFAULT_SEEDS: u64 = 2000;

/// The one-job measurement and the floor alternate in this many slices of
/// the seeds, so that the machine's drifts weigh on both alike and their
/// ratio is steadier than either figure.
const SLICES: u64 = 5;

/// One sweep's measurements.
#[derive(Clone, Debug, Default)]
pub struct Measurement {
    /// Runs made and judged (one seed each).
    pub runs: u64,
    /// VDS calls made (step records).
    pub calls: u64,
    /// Simulated time, summed over runs (the end of each).
    pub simulated: Duration,
    /// Wall-clock time, running and judging.
    pub wall: Duration,
    /// What the runs asked of their engine, summed (an average run's
    /// shape is this over `runs`: [`Measurement::shape`]).
    pub asked: Shape,
    /// The first run that ended in an error (a provider that fails or
    /// hangs, a stuck world), described with its seed; measuring stops there.
    pub failed: Option<String>,
}

impl Measurement {
    fn merge(&mut self, other: &Measurement) {
        self.runs += other.runs;
        self.calls += other.calls;
        self.simulated += other.simulated;
        self.wall += other.wall;
        let (a, b) = (&mut self.asked, &other.asked);
        a.clients += b.clients;
        a.tasks += b.tasks;
        a.sleeps += b.sleeps;
        a.array_trips += b.array_trips;
        a.calls += b.calls;
        a.simulated += b.simulated;
    }

    fn add(&mut self, out: &RunOutcome) {
        let end = end_of(out);
        self.runs += 1;
        self.calls += out.steps.len() as u64;
        self.simulated += end;
        let clients: std::collections::BTreeSet<&str> =
            out.steps.iter().map(|s| s.client.as_str()).collect();
        let a = &mut self.asked;
        a.clients += clients.len() as u64;
        a.tasks += out.census.tasks;
        a.sleeps += out.census.sleeps;
        a.array_trips += out.census.array_requests;
        a.calls += out.steps.len() as u64;
        a.simulated += end;
    }

    /// The average run's shape, for the engine floor.
    pub fn shape(&self) -> Shape {
        let n = self.runs.max(1);
        let avg = |x: u64| (x + n / 2) / n;
        let a = &self.asked;
        Shape {
            clients: avg(a.clients),
            tasks: avg(a.tasks),
            sleeps: avg(a.sleeps),
            array_trips: avg(a.array_trips),
            calls: avg(a.calls),
            simulated: a.simulated / u32::try_from(n).unwrap_or(u32::MAX),
        }
    }
}

fn end_of(out: &RunOutcome) -> Duration {
    let end = out.trace.last().map_or(0, |l| l.t_us);
    Duration::from_micros(u64::try_from(end).unwrap_or(u64::MAX))
}

fn per_sec(n: f64, d: Duration) -> f64 {
    let s = d.as_secs_f64();
    if s > 0.0 { n / s } else { f64::INFINITY }
}

/// The `mixed` campaign's seeds `start..start + seeds` on `engine`.
fn plan(engine: EngineKind, start: u64, seeds: u64) -> Plan {
    let campaign = crate::campaigns::by_name("mixed").expect("the mixed campaign exists");
    Plan::new(vec![(campaign, seeds)], start, &[engine])
}

/// Runs and judges `plan` on `jobs` workers, as `sweep` does, and measures it.
pub fn measure(factory: &Arc<dyn ProviderFactory>, plan: &Plan, jobs: usize) -> Measurement {
    let stuck_after = WorldConfig::new(0).stuck_after;
    let mut m = Measurement::default();
    let t = Instant::now();
    crate::workers::in_order(
        factory.clone(),
        stuck_after,
        jobs,
        plan,
        &mut |i, out, j| {
            std::hint::black_box(j);
            if let Some(e) = &out.error {
                let seed = plan.get(i).map_or(0, |id| id.seed);
                m.failed = Some(format!(
                    "`replay --campaign mixed --engine {} --seed {seed}`: {e}",
                    out.engine
                ));
                return false;
            }
            m.add(&out);
            true
        },
    );
    m.wall = t.elapsed();
    m
}

/// The wall time of the floor worlds of `shape` for `seeds`, on this thread.
fn floor_time(engine: EngineKind, shape: &Shape, seeds: std::ops::Range<u64>) -> Duration {
    let t = Instant::now();
    for seed in seeds {
        std::hint::black_box(floor_run(engine, seed, shape));
    }
    t.elapsed()
}

/// One job over `seeds` seeds, and the floor over the same seeds, in
/// alternating slices: the measurement, the floor's shape (the average run
/// of the first slice) and the floor's wall time.
fn one_job_and_floor(
    factory: &Arc<dyn ProviderFactory>,
    engine: EngineKind,
    seeds: u64,
) -> (Measurement, Shape, Duration) {
    let (mut m, mut shape, mut floor) = (Measurement::default(), None, Duration::ZERO);
    let slice = seeds.div_ceil(SLICES).max(1);
    let mut start = 0;
    while start < seeds {
        let n = slice.min(seeds - start);
        let part = measure(factory, &plan(engine, start, n), 1);
        m.merge(&part);
        if part.failed.is_some() {
            m.failed = part.failed;
            break;
        }
        let shape = shape.get_or_insert_with(|| part.shape());
        floor += floor_time(engine, shape, start..start + n);
        start += n;
    }
    (m, shape.unwrap_or_default(), floor)
}

/// One row of the throughput table.
fn row(s: &mut String, engine: EngineKind, jobs: usize, m: &Measurement) {
    let _ = writeln!(
        s,
        "{:<8} {:>4} {:>6} {:>7.3} {:>14.0} {:>9.0} {:>12.0}",
        engine.name(),
        jobs,
        m.runs,
        m.wall.as_secs_f64(),
        per_sec(m.runs as f64, m.wall),
        per_sec(m.calls as f64, m.wall),
        per_sec(m.simulated.as_secs_f64(), m.wall),
    );
}

/// The bench report for `engines`, against the reference provider, with
/// `seeds` seeds per engine and job count (or why a run failed).
pub fn report(seeds: u64, engines: &[EngineKind]) -> String {
    let factory: Arc<dyn ProviderFactory> = Arc::new(ReferenceFactory::default());
    report_for(factory, seeds, engines, cores()).unwrap_or_else(|e| e)
}

/// The machine's cores, as `--jobs` defaults to.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The bench report for `engines` against the provider `factory` makes:
/// per engine one job (alternating with the floor), then `jobs` (if more
/// than one); then the floor and the ratio. `Err` at the first run that
/// ends in an error: a failing provider measures nothing worth printing.
pub fn report_for(
    factory: Arc<dyn ProviderFactory>,
    seeds: u64,
    engines: &[EngineKind],
    jobs: usize,
) -> Result<String, String> {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "bench: campaign mixed, seeds 0..{seeds} per engine, judged as `sweep` judges them; {} provider; {} core(s)",
        factory.name(),
        cores(),
    );
    let _ = writeln!(
        s,
        "{:<8} {:>4} {:>6} {:>7} {:>14} {:>9} {:>12}",
        "engine", "jobs", "runs", "wall s", "judged seeds/s", "calls/s", "sim s/wall s"
    );
    let mut floors = Vec::new();
    for &e in engines {
        let (m, shape, floor) = one_job_and_floor(&factory, e, seeds);
        let failed = |m: &Measurement| match &m.failed {
            Some(why) => Err(format!(
                "bench stopped at the run {why}; expected every run to end without error"
            )),
            None => Ok(()),
        };
        failed(&m)?;
        row(&mut s, e, 1, &m);
        if jobs > 1 {
            let m = measure(&factory, &plan(e, 0, seeds), jobs);
            failed(&m)?;
            row(&mut s, e, jobs, &m);
        }
        let floor_rate = per_sec(seeds as f64, floor);
        floors.push((
            e,
            shape,
            floor_rate,
            floor_rate / per_sec(m.runs as f64, m.wall),
        ));
    }
    let _ = writeln!(
        s,
        "engine floor: per run the average clients, tasks, timers, array round trips and calls of the first of {SLICES} slices of the one-job row, over their simulated time; one job, measured in slices alternating with that row's"
    );
    let _ = writeln!(
        s,
        "{:<8} {:>7} {:>5} {:>6} {:>5} {:>5} {:>6} {:>13} {:>13}",
        "engine",
        "clients",
        "tasks",
        "timers",
        "trips",
        "calls",
        "sim ms",
        "floor seeds/s",
        "harness/floor"
    );
    for (e, shape, floor, ratio) in floors {
        let _ = writeln!(
            s,
            "{:<8} {:>7} {:>5} {:>6} {:>5} {:>5} {:>6} {:>13.0} {:>12.1}x",
            e.name(),
            shape.clients,
            shape.tasks,
            shape.sleeps,
            shape.array_trips,
            shape.calls,
            shape.simulated.as_millis(),
            floor,
            ratio,
        );
    }
    Ok(s)
}
