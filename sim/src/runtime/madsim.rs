//! The madsim engine: clients, the provider's tasks and the array all run
//! as madsim tasks on virtual time, and the seed picks their interleaving.
//! The provider reaches the array through a [`LocalLink`](crate::array::link::LocalLink).

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
use crate::world::{self, RunContext, RunError, WorldConfig};

struct MadsimEngine {
    start: ::madsim::time::Instant,
    panics: super::PanicSlot,
}

impl Engine for MadsimEngine {
    fn kind(&self) -> EngineKind {
        EngineKind::Madsim
    }
    fn spawn(&self, task: Task) {
        let panics = self.panics.clone();
        drop(::madsim::task::spawn(
            async move { panics.guard(task).await },
        ));
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
    let panics = ctx.panics.clone();
    super::enter(Arc::new(MadsimEngine {
        start: ::madsim::time::Instant::now(),
        panics: panics.clone(),
    }));
    let faults = ctx.clone();
    let guard = panics.clone();
    let timed = ::madsim::task::spawn(async move {
        guard
            .guard(async {
                faults.injector.run_timed(&faults).await;
                world::drain_extra_clients(&faults).await;
            })
            .await
    });
    let handles: Vec<_> = clients
        .into_iter()
        .map(|p| {
            let (ctx, guard) = (ctx.clone(), panics.clone());
            ::madsim::task::spawn(async move { guard.guard(client::run_client(ctx, p)).await })
        })
        .collect();
    let all = async move {
        for h in handles {
            let _ = h.await;
        }
        let _ = timed.await;
    };
    let finished = super::timeout(limit, panics.until_panic(all))
        .await
        .is_some();
    (finished, super::now())
}

/// Prepares one world on madsim: the parts built here, and the run itself
/// as a closure for the thread that [`world::run`] watches.
pub fn prepare_run(
    cfg: &WorldConfig,
    factory: &dyn ProviderFactory,
) -> (Arc<RunContext>, world::Runner) {
    let ctx = prepare(cfg, factory);
    let inner = ctx.clone();
    let (seed, clients, limit) = (cfg.seed, cfg.clients.clone(), cfg.time_limit);
    let runner: world::Runner = Box::new(move || {
        let rt = ::madsim::runtime::Runtime::with_seed_and_config(
            derive(seed, Stream::Engine),
            ::madsim::Config::default(),
        );
        let result = catch_unwind(AssertUnwindSafe(|| {
            rt.block_on(drive(inner.clone(), clients, limit))
        }));
        super::exit();
        match result {
            Ok((_, end)) if inner.panics.message().is_some() => (
                Some(RunError::Panic {
                    message: inner.panics.message().unwrap_or_default(),
                }),
                end,
            ),
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
        }
    });
    (ctx, runner)
}
