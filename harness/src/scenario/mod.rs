//! YAML scenario files: strict loading, with errors that name file, line and column.
//!
//! A scenario describes one world (the array, the link, the faults, the
//! clients and their calls), which engines run it and for which seeds, and
//! what some calls must return. The format is documented field by field in
//! `docs/scenario-format.md`; the files live in `scenarios/`.
//!
//! ```
//! use vds_harness::scenario::Scenario;
//! let s = Scenario::parse(
//!     "name: one\nseeds: {start: 7, count: 2}\narray: {targets: [{name: t1}]}\n\
//!      clients:\n  - name: c1\n    steps:\n      - call: CreatePortalGroup\n        \
//!      target: t1\n        expect: [S_OK]\n      - call: Wait\n        expect_result: [S_OK]\n",
//!     "one.yaml",
//! )
//! .unwrap();
//! assert_eq!(s.seeds().collect::<Vec<_>>(), vec![7, 8]);
//! for engine in s.engines.clone() {
//!     let out = vds_sim::run(&s.world(7, engine), &vds_sim::provider::ReferenceFactory::default());
//!     assert!(s.check(&out).is_empty());
//! }
//!
//! let e = Scenario::parse("name: x\nclients: []\ncolour: red\n", "x.yaml").unwrap_err();
//! assert!(e.to_string().starts_with("x.yaml:3:1: unknown field `colour`; expected one of"));
//! ```
//!
//! Architecture Invariant: every [`ScenarioError`] has a line and a column,
//! and prints as one line.

mod error;
mod expect;
mod limits;
mod load;
mod locate;
mod names;
mod schema;
mod tables;
mod values;
pub mod write;

use std::path::Path;
use std::time::Duration;

use vds_sim::array::ArrayConfig;
use vds_sim::faults::FaultPlan;
use vds_sim::program::ClientProgram;
use vds_sim::provider::ProviderFactory;
use vds_sim::runtime::EngineKind;
use vds_sim::world::{RunOutcome, WorldConfig};

pub use error::ScenarioError;
pub use expect::{Actual, Checked, Expectation, ExpectationFailure};
pub use limits::{
    Limits, MAX_ARRAY_ITEMS, MAX_BEFORE_CALL, MAX_CLIENTS, MAX_CONCURRENT_CLIENTS, MAX_DEPTH,
    MAX_FAULTS, MAX_GROUP_LIMIT, MAX_LATENCY_MS, MAX_SCENARIO_BYTES, MAX_SEEDS, MAX_SLOW_FACTOR,
    MAX_STEPS, MAX_TIME_MS,
};

/// The seeds a scenario runs for: `start`, `start + 1`, ... (`count` of them).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct SeedRange {
    /// The first seed. Default 0.
    pub start: u64,
    /// How many seeds (at least 1). Default 1.
    pub count: u64,
}

/// A loaded scenario file.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Scenario {
    /// The file it came from, as given to [`Scenario::load`] or [`Scenario::parse`].
    pub file: String,
    /// Its `name`.
    pub name: String,
    /// Its `description`. Default empty.
    pub description: String,
    /// The engines it runs on (`engine`). Default both, madsim first.
    pub engines: Vec<EngineKind>,
    /// The seeds it runs for (`seeds`).
    pub seeds: SeedRange,
    /// Simulated time after which a run is declared hung (`time_limit_ms`). Default: the sim's, 30 s.
    pub time_limit: Duration,
    /// Smallest provider-array latency (`latency_ms.min`). Default 1 ms.
    pub min_latency: Duration,
    /// Largest provider-array latency (`latency_ms.max`). Default 5 ms.
    pub max_latency: Duration,
    /// The array at the start (`array`).
    pub array: ArrayConfig,
    /// The faults (`faults`), in file order.
    pub faults: FaultPlan,
    /// The clients and their programs (`clients`).
    pub clients: Vec<ClientProgram>,
    /// Every `expect` and `expect_result`, in file order.
    pub expectations: Vec<Expectation>,
}

/// One run of a scenario: its outcome and the expectations it broke.
#[derive(Clone, Debug)]
pub struct ScenarioRun {
    /// What happened.
    pub outcome: RunOutcome,
    /// The expectations it broke (empty when all held).
    pub failures: Vec<ExpectationFailure>,
}

impl Scenario {
    /// Reads and parses a scenario file, under the default [`Limits`].
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        load::load(path, &Limits::default())
    }

    /// Reads and parses a scenario file under these limits.
    pub fn load_with(path: &Path, limits: &Limits) -> Result<Scenario, ScenarioError> {
        load::load(path, limits)
    }

    /// Parses scenario text; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<Scenario, ScenarioError> {
        load::parse(text, file, &Limits::default())
    }

    /// Parses scenario text under these limits.
    pub fn parse_with(text: &str, file: &str, limits: &Limits) -> Result<Scenario, ScenarioError> {
        load::parse(text, file, limits)
    }

    /// The seeds to run, in order.
    pub fn seeds(&self) -> impl Iterator<Item = u64> + use<> {
        let SeedRange { start, count } = self.seeds;
        (0..count).map(move |i| start + i)
    }

    /// Every (engine, seed) pair to run: each engine, all its seeds.
    pub fn runs(&self) -> impl Iterator<Item = (EngineKind, u64)> + '_ {
        self.engines
            .iter()
            .flat_map(move |&e| self.seeds().map(move |s| (e, s)))
    }

    /// The world for one seed on one engine.
    pub fn world(&self, seed: u64, engine: EngineKind) -> WorldConfig {
        let mut cfg = WorldConfig::new(seed)
            .engine(engine)
            .array(self.array.clone())
            .faults(self.faults.clone())
            .latency(self.min_latency, self.max_latency)
            .time_limit(self.time_limit);
        for c in &self.clients {
            cfg = cfg.client(c.clone());
        }
        cfg
    }

    /// The expectations one run broke, in file order (empty when all held).
    /// Records are matched by client name and step number.
    pub fn check(&self, outcome: &RunOutcome) -> Vec<ExpectationFailure> {
        expect::check(&self.file, &self.expectations, outcome)
    }

    /// Runs one seed on one engine with a provider and checks it.
    pub fn run(&self, seed: u64, engine: EngineKind, factory: &dyn ProviderFactory) -> ScenarioRun {
        let outcome = vds_sim::run(&self.world(seed, engine), factory);
        let failures = self.check(&outcome);
        ScenarioRun { outcome, failures }
    }
}

/// Reads a scenario file (same as [`Scenario::load`]).
pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
    Scenario::load(path)
}

/// Parses scenario text (same as [`Scenario::parse`]).
pub fn parse(text: &str, file: &str) -> Result<Scenario, ScenarioError> {
    Scenario::parse(text, file)
}

/// The scenario files (`*.yaml`, `*.yml`) directly in a folder, sorted by name.
pub fn files_in(dir: &Path) -> std::io::Result<Vec<std::path::PathBuf>> {
    let mut files: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    files.sort();
    Ok(files)
}
