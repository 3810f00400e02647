//! The madsim engine: clients, the provider's tasks and the array all run
//! as madsim tasks on virtual time, and the seed picks their interleaving.
//! The provider reaches the array through a [`LocalLink`].

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::time::Duration;

use super::{Engine, EngineKind, Task};
use crate::array::Array;
use crate::array::link::LocalLink;
use crate::client;
use crate::program::ClientProgram;
use crate::provider::ProviderFactory;
use crate::seeds::{Stream, derive};
use crate::world::{self, RunContext, RunError, RunOutcome, WorldConfig};

struct MadsimEngine {
    start: ::madsim::time::Instant,
}

impl Engine for MadsimEngine {
    fn kind(&self) -> EngineKind {
        EngineKind::Madsim
    }
    fn spawn(&self, task: Task) {
        drop(::madsim::task::spawn(task));
    }
    fn now(&self) -> Duration {
        ::madsim::time::Instant::now().duration_since(self.start)
    }
}

/// Builds the engine-independent parts of a madsim world (outside the runtime).
pub fn prepare(cfg: &WorldConfig, factory: &dyn ProviderFactory) -> Arc<RunContext> {
    let array = Array::new(cfg.array.clone(), derive(cfg.seed, Stream::Array));
    let link = LocalLink::new(
        array.clone(),
        derive(cfg.seed, Stream::Link),
        cfg.min_latency,
        cfg.max_latency,
    );
    world::build_context(cfg, factory, array, Arc::new(link.clone()), Arc::new(link))
}

/// The world as one future for a madsim runtime: starts the clients and the
/// timed faults, and waits for them up to the time limit. Returns whether
/// everything finished, and the simulated time at the end.
pub async fn drive(
    ctx: Arc<RunContext>,
    clients: Vec<ClientProgram>,
    limit: Duration,
) -> (bool, Duration) {
    super::enter(Arc::new(MadsimEngine {
        start: ::madsim::time::Instant::now(),
    }));
    let faults = ctx.clone();
    let timed = ::madsim::task::spawn(async move {
        faults.injector.run_timed(&faults).await;
        world::drain_extra_clients(&faults).await;
    });
    let handles: Vec<_> = clients
        .into_iter()
        .map(|p| ::madsim::task::spawn(client::run_client(ctx.clone(), p)))
        .collect();
    let all = async move {
        for h in handles {
            let _ = h.await;
        }
        let _ = timed.await;
    };
    let finished = super::timeout(limit, all).await.is_some();
    (finished, super::now())
}

/// Runs one world on madsim.
pub fn run(cfg: &WorldConfig, factory: &dyn ProviderFactory) -> RunOutcome {
    let ctx = prepare(cfg, factory);
    let rt = ::madsim::runtime::Runtime::with_seed_and_config(
        derive(cfg.seed, Stream::Engine),
        ::madsim::Config::default(),
    );
    let limit = cfg.time_limit;
    let result = catch_unwind(AssertUnwindSafe(|| {
        rt.block_on(drive(ctx.clone(), cfg.clients.clone(), limit))
    }));
    super::exit();
    let (error, end) = match result {
        Ok((true, end)) => (None, end),
        Ok((false, end)) => (
            Some(RunError::Hang {
                limit_ms: limit.as_millis(),
            }),
            end,
        ),
        Err(payload) => (
            Some(RunError::Panic {
                message: world::panic_message(payload.as_ref()),
            }),
            Duration::ZERO,
        ),
    };
    ctx.finish(cfg, factory.name(), error, end)
}
