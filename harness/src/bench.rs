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
use vds_sim::runtime::{self, EngineKind};
use vds_sim::world::{RunOutcome, WorldConfig};

use crate::plan::Plan;

/// Seeds `bench` runs per engine and job count unless told otherwise.
pub const DEFAULT_SEEDS: u64 = 2000;

/// How many runs give the floor its shape (the first seeds of the plan).
const SHAPE_SAMPLE: u64 = 200;

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
}

impl Measurement {
    fn merge(&mut self, other: &Measurement) {
        self.runs += other.runs;
        self.calls += other.calls;
        self.simulated += other.simulated;
        self.wall += other.wall;
    }

    fn add(&mut self, out: &RunOutcome) {
        self.runs += 1;
        self.calls += out.steps.len() as u64;
        self.simulated += end_of(out);
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
        &mut |_, out, j| {
            std::hint::black_box(j);
            m.add(&out);
            true
        },
    );
    m.wall = t.elapsed();
    m
}

/// The average shape of the first runs of `plan`, run here one by one.
fn shape_of(factory: &dyn ProviderFactory, plan: &Plan) -> Shape {
    let sample: Vec<_> = plan.iter().take(SHAPE_SAMPLE as usize).collect();
    let mut sum = Shape::default();
    for id in &sample {
        let world = id.world();
        let before = runtime::census();
        let out = vds_sim::engine::prepare(&world, factory).run();
        let after = runtime::census();
        sum.clients += world.clients.len() as u64;
        sum.tasks += after.tasks - before.tasks;
        sum.sleeps += after.sleeps - before.sleeps;
        sum.array_trips += after.array_requests - before.array_requests;
        sum.calls += out.steps.len() as u64;
        sum.simulated += end_of(&out);
    }
    let n = sample.len().max(1) as u64;
    let avg = |x: u64| (x + n / 2) / n;
    Shape {
        clients: avg(sum.clients),
        tasks: avg(sum.tasks),
        sleeps: avg(sum.sleeps),
        array_trips: avg(sum.array_trips),
        calls: avg(sum.calls),
        simulated: sum.simulated / u32::try_from(n).unwrap_or(u32::MAX),
    }
}

/// The wall time of the floor worlds of `shape` for `seeds`, on this thread.
fn floor_time(engine: EngineKind, shape: &Shape, seeds: std::ops::Range<u64>) -> Duration {
    let t = Instant::now();
    for seed in seeds {
        std::hint::black_box(floor_run(engine, seed, shape));
    }
    t.elapsed()
}

/// One job over `seeds` seeds, and the floor of `shape` over the same
/// seeds, in alternating slices: the measurement and the floor's wall time.
fn one_job_and_floor(
    factory: &Arc<dyn ProviderFactory>,
    engine: EngineKind,
    seeds: u64,
    shape: &Shape,
) -> (Measurement, Duration) {
    let (mut m, mut floor) = (Measurement::default(), Duration::ZERO);
    let slice = seeds.div_ceil(SLICES).max(1);
    let mut start = 0;
    while start < seeds {
        let n = slice.min(seeds - start);
        m.merge(&measure(factory, &plan(engine, start, n), 1));
        floor += floor_time(engine, shape, start..start + n);
        start += n;
    }
    (m, floor)
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
/// `seeds` seeds per engine and job count.
pub fn report(seeds: u64, engines: &[EngineKind]) -> String {
    let factory: Arc<dyn ProviderFactory> = Arc::new(ReferenceFactory::default());
    report_for(factory, seeds, engines, cores())
}

/// The machine's cores, as `--jobs` defaults to.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The bench report for `engines` against the provider `factory` makes:
/// per engine one job (alternating with the floor), then `jobs` (if more
/// than one); then the floor and the ratio.
pub fn report_for(
    factory: Arc<dyn ProviderFactory>,
    seeds: u64,
    engines: &[EngineKind],
    jobs: usize,
) -> String {
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
        let shape = shape_of(factory.as_ref(), &plan(e, 0, seeds));
        let (m, floor) = one_job_and_floor(&factory, e, seeds, &shape);
        row(&mut s, e, 1, &m);
        if jobs > 1 {
            row(
                &mut s,
                e,
                jobs,
                &measure(&factory, &plan(e, 0, seeds), jobs),
            );
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
        "engine floor: per run the average clients, tasks, timers, array round trips and calls of the first {SHAPE_SAMPLE} runs, over their simulated time; one job, measured in {SLICES} slices alternating with the harness's one-job row"
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
    s
}
