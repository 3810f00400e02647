//! [`WorldConfig`]: what a run is made of, built with setters that state their defaults.

use std::time::Duration;

use serde::Serialize;

use crate::array::ArrayConfig;
use crate::faults::FaultPlan;
use crate::program::ClientProgram;
use crate::runtime::EngineKind;

/// Everything a run is made of, built with setters that state their defaults.
///
/// ```
/// use vds_sim::array::ArrayConfig;
/// use vds_sim::program::{ClientProgram, Step};
/// use vds_sim::runtime::EngineKind;
/// use vds_sim::world::WorldConfig;
/// let cfg = WorldConfig::new(7)
///     .engine(EngineKind::Madsim)
///     .array(ArrayConfig::new().target("t1"))
///     .client(ClientProgram::new("c1", vec![
///         Step::CreatePortalGroup { target: "t1".into(), bind: "op".into() },
///         Step::Wait { op: "op".into(), bind: None },
///     ]));
/// let outcome = vds_sim::run(&cfg, &vds_sim::provider::ReferenceFactory::default());
/// assert!(outcome.error.is_none());
/// assert_eq!(outcome.steps[0].hr, vds_sim::hresult::HResult::S_OK);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WorldConfig {
    /// The run's seed; every random choice derives from it.
    pub seed: u64,
    /// The engine. Default madsim.
    pub engine: EngineKind,
    /// The array's shape and timing. Default: empty, 4 groups per target.
    pub array: ArrayConfig,
    /// The faults. Default none.
    pub faults: FaultPlan,
    /// The clients and their programs. Default none.
    pub clients: Vec<ClientProgram>,
    /// Smallest one-way latency between provider and array. Default 1 ms.
    pub min_latency: Duration,
    /// Largest one-way latency between provider and array. Default 5 ms.
    pub max_latency: Duration,
    /// Simulated time after which the run is declared hung. Default 30 s
    /// (every campaign finishes in a few simulated seconds).
    pub time_limit: Duration,
    /// Wall-clock time without any progress of the simulator after which
    /// the run is declared stuck (a task blocks its thread). Default 10 s.
    /// A healthy run, however long, makes progress all the time, so this
    /// never decides its verdict.
    pub stuck_after: Duration,
}

impl WorldConfig {
    /// A world with the given seed and every default.
    pub fn new(seed: u64) -> Self {
        Self {
            seed,
            engine: EngineKind::Madsim,
            array: ArrayConfig::default(),
            faults: FaultPlan::default(),
            clients: Vec::new(),
            min_latency: Duration::from_millis(1),
            max_latency: Duration::from_millis(5),
            time_limit: Duration::from_secs(30),
            stuck_after: Duration::from_secs(10),
        }
    }
    /// Sets the seed.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }
    /// Sets the engine.
    pub fn engine(mut self, engine: EngineKind) -> Self {
        self.engine = engine;
        self
    }
    /// Sets the array.
    pub fn array(mut self, array: ArrayConfig) -> Self {
        self.array = array;
        self
    }
    /// Sets the fault plan.
    pub fn faults(mut self, faults: FaultPlan) -> Self {
        self.faults = faults;
        self
    }
    /// Adds a client.
    pub fn client(mut self, program: ClientProgram) -> Self {
        self.clients.push(program);
        self
    }
    /// Sets the link latency range.
    pub fn latency(mut self, min: Duration, max: Duration) -> Self {
        self.min_latency = min;
        self.max_latency = max.max(min);
        self
    }
    /// Sets the hang limit.
    pub fn time_limit(mut self, limit: Duration) -> Self {
        self.time_limit = limit;
        self
    }
    /// Sets how long the simulator may make no progress, in wall time,
    /// before the run is declared stuck.
    pub fn stuck_after(mut self, limit: Duration) -> Self {
        self.stuck_after = limit;
        self
    }
}
