//! A world: one array, one provider under test, its clients and a fault
//! plan, run on one engine from one seed. [`WorldConfig`] describes it;
//! [`run`] runs it and returns a [`RunOutcome`].

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;

use crate::array::link::LinkControl;
use crate::array::{Array, ArrayConfig, ArraySnapshot};
use crate::faults::FaultPlan;
use crate::faults::injector::Injector;
use crate::hresult::HResult;
use crate::ledger::{Ledger, LedgerReport};
use crate::program::ClientProgram;
use crate::props::VDS_OBJECT_ID;
use crate::provider::{ProviderFactory, SimProvider};
use crate::runtime::EngineKind;
use crate::trace::{OutputRecord, Trace};

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
/// let outcome = vds_sim::world::run(&cfg, &vds_sim::provider::ReferenceFactory::default());
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
    /// Wall-clock time after which a run whose thread never returns is
    /// declared stuck. Default 5 s; a run that yields to the simulator takes
    /// milliseconds, and a simulated hang (turmoil stepping through the whole
    /// time limit) under a second even in a debug build.
    pub wall_limit: Duration,
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
            wall_limit: Duration::from_secs(5),
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
    /// Sets the wall-clock limit for a run whose thread never returns.
    pub fn wall_limit(mut self, limit: Duration) -> Self {
        self.wall_limit = limit;
        self
    }
}

/// What one step of a client did.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StepRecord {
    /// The client.
    pub client: String,
    /// The step's index in the program (1-based).
    pub step: usize,
    /// `Interface::Method`.
    pub method: &'static str,
    /// The object called, if it has an id.
    pub object: Option<VDS_OBJECT_ID>,
    /// The method's own HRESULT.
    pub hr: HResult,
    /// `pHrResult` of Wait or QueryStatus.
    pub hr_result: Option<HResult>,
    /// QueryStatus's percentage.
    pub percent: Option<u32>,
    /// Wait's output.
    pub output: Option<OutputRecord>,
    /// Other out-parameters, rendered as in the trace (empty after a failure).
    pub out: String,
    /// Simulated time of the call, in µs.
    pub t_call_us: u128,
    /// Simulated time of the return, in µs.
    pub t_us: u128,
    /// Trace sequence number of the call event: orders calls exactly, even at equal times.
    pub seq_call: usize,
    /// Trace sequence number of the return event.
    pub seq_return: usize,
    /// True when the provider answered nonsense: a success code as a
    /// failure (`Err`) or a failure code with out-parameters (`Ok`).
    pub inconsistent: bool,
    /// For calls on an async object: the call that started the operation.
    pub origin: Option<Origin>,
    /// For a Wait that handed back a portal group: what the group says of itself.
    pub probe: Option<GroupProbe>,
    /// For a Wait that handed back a target: what the target says of itself.
    pub target_probe: Option<TargetProbe>,
}

/// What a client learns by asking a target handed back by Wait for its properties.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TargetProbe {
    /// GetProperties's HRESULT.
    pub hr: HResult,
    /// The properties, if it answered.
    pub properties: Option<crate::props::VDS_ISCSI_TARGET_PROP>,
}

/// The call that started an asynchronous operation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Origin {
    /// Its step number in the same client.
    pub step: usize,
    /// `Interface::Method`.
    pub method: &'static str,
    /// The object it was called on.
    pub object: Option<VDS_OBJECT_ID>,
    /// What the call itself returned.
    pub hr: HResult,
}

/// What a client learns by asking a portal group handed back by Wait about
/// itself (`GetProperties`, then `GetTarget` and the target's `GetProperties`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GroupProbe {
    /// The group's id from GetProperties (if it answered).
    pub id: Option<VDS_OBJECT_ID>,
    /// The group's tag from GetProperties (if it answered).
    pub tag: Option<u16>,
    /// The id of the target GetTarget handed back (if it answered).
    pub target: Option<VDS_OBJECT_ID>,
    /// GetProperties's HRESULT.
    pub properties_hr: HResult,
    /// GetTarget's HRESULT.
    pub target_hr: HResult,
}

/// Why a run did not finish normally.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
pub enum RunError {
    /// The run was still going at its time limit (a hang, or a Wait that never ends).
    #[error("the run did not finish within {limit_ms} ms of simulated time (hang)")]
    Hang {
        /// The limit.
        limit_ms: u128,
    },
    /// Something panicked: the provider, or the simulator itself.
    #[error("panic: {message}")]
    Panic {
        /// The panic message.
        message: String,
    },
    /// The world's thread did not return within the wall-clock limit: the
    /// provider blocked its thread (a deadlock or a busy loop).
    #[error(
        "the run's thread did not return within {wall_ms} ms of wall time (the provider blocks its thread)"
    )]
    Stuck {
        /// The wall-clock limit.
        wall_ms: u128,
    },
    /// The engine itself failed.
    #[error("engine failure: {message}")]
    Engine {
        /// Its message.
        message: String,
    },
}

/// The result of one run.
#[derive(Clone, Debug, Serialize)]
pub struct RunOutcome {
    /// The seed.
    pub seed: u64,
    /// The engine.
    pub engine: EngineKind,
    /// The provider's name.
    pub provider: String,
    /// The trace, one JSON document per line.
    pub trace: Vec<String>,
    /// Every step of every client, in the order they returned.
    pub steps: Vec<StepRecord>,
    /// The ledger's verdict.
    pub ledger: LedgerReport,
    /// The array at the start.
    pub initial_array: ArraySnapshot,
    /// The array at the end.
    pub array: ArraySnapshot,
    /// Every change the array applied or refused, in order: the ground truth.
    pub array_log: Vec<crate::array::ArrayEvent>,
    /// Set when the run did not finish normally.
    pub error: Option<RunError>,
}

impl RunOutcome {
    /// The trace as one string, a newline after each line.
    pub fn trace_text(&self) -> String {
        let mut s = String::new();
        for line in &self.trace {
            s.push_str(line);
            s.push('\n');
        }
        s
    }

    /// The steps of one client, in order.
    pub fn steps_of(&self, client: &str) -> Vec<&StepRecord> {
        self.steps.iter().filter(|s| s.client == client).collect()
    }
}

/// What every part of a running world shares.
pub struct RunContext {
    /// The run's trace.
    pub trace: Trace,
    /// The interface ledger.
    pub ledger: Ledger,
    /// The array.
    pub array: Array,
    /// The array as it was when the run started.
    pub initial_array: ArraySnapshot,
    /// The provider under test.
    pub provider: Arc<dyn SimProvider>,
    /// The fault injector's handle on the link.
    pub link: Arc<dyn LinkControl>,
    /// The fault plan being fired.
    pub injector: Injector,
    /// Step records, in return order.
    pub steps: Mutex<Vec<StepRecord>>,
    /// The first panic of any task of the world.
    pub panics: crate::runtime::PanicSlot,
    /// Client tasks started by faults, still running.
    pub extra_clients: Mutex<Vec<futures::channel::oneshot::Receiver<()>>>,
}

impl RunContext {
    /// Takes the records and verdicts at the end of a run.
    pub fn finish(
        &self,
        cfg: &WorldConfig,
        provider: String,
        error: Option<RunError>,
        end: Duration,
    ) -> RunOutcome {
        let outcome = match &error {
            None => "finished".to_string(),
            Some(e) => e.to_string(),
        };
        self.trace
            .record_at(end.as_micros(), crate::trace::Event::End { outcome });
        RunOutcome {
            seed: cfg.seed,
            engine: cfg.engine,
            provider,
            trace: self.trace.lines(),
            steps: self.steps.lock().unwrap_or_else(|e| e.into_inner()).clone(),
            ledger: self.ledger.report(),
            initial_array: self.initial_array.clone(),
            array: self.array.snapshot(),
            array_log: self.array.log(),
            error,
        }
    }
}

/// Builds the parts of a world that do not depend on the engine.
pub fn build_context(
    cfg: &WorldConfig,
    factory: &dyn ProviderFactory,
    array: Array,
    link: Arc<dyn crate::array::link::ArrayLink>,
    control: Arc<dyn LinkControl>,
) -> Arc<RunContext> {
    use crate::seeds::{Stream, derive};
    let ledger = Ledger::new();
    let provider = factory.create(crate::provider::ProviderContext {
        ledger: ledger.clone(),
        link,
        seed: derive(cfg.seed, Stream::Provider),
    });
    let trace = Trace::new();
    trace.record_at(
        0,
        crate::trace::Event::Start {
            seed: cfg.seed,
            engine: cfg.engine,
            provider: factory.name(),
        },
    );
    Arc::new(RunContext {
        trace,
        ledger,
        initial_array: array.snapshot(),
        array,
        provider,
        link: control,
        injector: Injector::new(cfg.faults.clone(), derive(cfg.seed, Stream::Faults)),
        steps: Mutex::new(Vec::new()),
        panics: crate::runtime::PanicSlot::default(),
        extra_clients: Mutex::new(Vec::new()),
    })
}

/// Waits for the clients that faults started, so none is cut off.
pub async fn drain_extra_clients(ctx: &RunContext) {
    loop {
        let pending =
            std::mem::take(&mut *ctx.extra_clients.lock().unwrap_or_else(|e| e.into_inner()));
        if pending.is_empty() {
            return;
        }
        for rx in pending {
            let _ = rx.await;
        }
    }
}

/// An engine's run of a prepared world: how it ended, and the simulated time then.
pub type Runner = Box<dyn FnOnce() -> (Option<RunError>, Duration) + Send>;

/// Runs a world on its engine and returns what happened. Never panics for a
/// misbehaving provider: panics and hangs come back as [`RunError`]s.
///
/// The engine runs on a thread of its own, watched with a wall-clock limit
/// ([`WorldConfig::wall_limit`]): a provider that blocks its thread (a
/// deadlock, a busy loop) never yields to the simulator, so only the wall
/// clock can notice. The run is then reported as [`RunError::Stuck`] with
/// the trace so far, and the thread is abandoned.
pub fn run(cfg: &WorldConfig, factory: &dyn ProviderFactory) -> RunOutcome {
    let (ctx, runner) = match cfg.engine {
        EngineKind::Madsim => crate::runtime::madsim::prepare_run(cfg, factory),
        EngineKind::Turmoil => crate::runtime::turmoil::prepare_run(cfg, factory),
    };
    let (tx, rx) = std::sync::mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name(format!("vds-world-{}-{}", cfg.engine, cfg.seed))
        .spawn(move || {
            let _ = tx.send(runner());
        });
    let (error, end) = match spawned {
        Err(e) => (
            Some(RunError::Engine {
                message: format!("cannot start the world's thread: {e}"),
            }),
            Duration::ZERO,
        ),
        Ok(_) => match rx.recv_timeout(cfg.wall_limit) {
            Ok(ended) => ended,
            Err(_) => (
                Some(RunError::Stuck {
                    wall_ms: cfg.wall_limit.as_millis(),
                }),
                Duration::ZERO,
            ),
        },
    };
    ctx.finish(cfg, factory.name(), error, end)
}

/// Turns a caught panic's payload into its message.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic with a non-text payload".to_string()
    }
}
