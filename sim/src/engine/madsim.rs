//! The madsim engine: clients, the provider's tasks and the array all run
//! as madsim tasks on virtual time, and the seed picks their interleaving.
//! The provider reaches the array through a [`LocalLink`](crate::array::link::LocalLink).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::{Ending, Runner};
use crate::array::Array;
use crate::array::link::LocalLink;
use crate::client;
use crate::program::ClientProgram;
use crate::provider::ProviderFactory;
use crate::runtime::{self, Engine, EngineKind, PanicSlot, Progress, Task, Timer};
use crate::seeds::{Stream, derive};
use crate::world::{self, RunContext, WorldConfig};

struct MadsimEngine {
    start: ::madsim::time::Instant,
    panics: PanicSlot,
    progress: Progress,
    tasks: Tasks,
}

/// The tasks of one run, so that [`drive`] can abort those still pending
/// at its end: madsim never frees a task left pending when its runtime is
/// dropped (a run whose provider still waited on the array, say across a
/// partition, leaked several KB; found by the `world` fuzz target).
#[derive(Clone, Default)]
struct Tasks(Arc<Mutex<Vec<::madsim::task::AbortHandle>>>);

impl Tasks {
    fn add(&self, h: ::madsim::task::AbortHandle) {
        let mut v = self.0.lock().unwrap_or_else(|e| e.into_inner());
        // Forget finished tasks now and then, so a long run stays small.
        if v.len() % 1024 == 1023 {
            v.retain(|h| !h.is_finished());
        }
        v.push(h);
    }

    fn abort_all(&self) {
        let v = std::mem::take(&mut *self.0.lock().unwrap_or_else(|e| e.into_inner()));
        for h in v {
            h.abort();
        }
    }
}

impl Engine for MadsimEngine {
    fn kind(&self) -> EngineKind {
        EngineKind::Madsim
    }
    fn spawn(&self, task: Task) {
        let panics = self.panics.clone();
        let h = ::madsim::task::spawn(async move { panics.guard(task).await });
        self.tasks.add(h.abort_handle());
    }
    fn now(&self) -> Duration {
        ::madsim::time::Instant::now().duration_since(self.start)
    }
    fn sleep(&self, d: Duration) -> Timer {
        Box::pin(::madsim::time::sleep(d))
    }
    fn progress(&self) -> &Progress {
        &self.progress
    }
}

/// Builds the engine-independent parts of a madsim world (outside the runtime).
fn prepare(cfg: &WorldConfig, factory: &dyn ProviderFactory) -> Arc<RunContext> {
    let array = Array::new(cfg.array.clone(), derive(cfg.seed, Stream::Array));
    let link = LocalLink::new(
        array.clone(),
        derive(cfg.seed, Stream::Link),
        cfg.min_latency,
        cfg.max_latency,
    );
    world::build_context(
        cfg,
        factory,
        array,
        Arc::new(link.clone()),
        Arc::new(link),
        super::start_client,
    )
}

/// The world as one future for a madsim runtime: starts the clients and the
/// timed faults, and waits for them up to the time limit. Returns whether
/// everything finished, and the simulated time at the end.
async fn drive(
    ctx: Arc<RunContext>,
    clients: Vec<ClientProgram>,
    limit: Duration,
    progress: Progress,
) -> (bool, Duration) {
    let panics = ctx.panics.clone();
    let tasks = Tasks::default();
    runtime::enter(Arc::new(MadsimEngine {
        start: ::madsim::time::Instant::now(),
        panics: panics.clone(),
        progress,
        tasks: tasks.clone(),
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
    tasks.add(timed.abort_handle());
    for h in &handles {
        tasks.add(h.abort_handle());
    }
    let all = async move {
        for h in handles {
            let _ = h.await;
        }
        let _ = timed.await;
    };
    let finished = runtime::timeout(limit, panics.until_panic(all))
        .await
        .is_some();
    let end = runtime::now();
    tasks.abort_all();
    (finished, end)
}

/// A world as one future, for a madsim runtime of the caller's own.
pub(super) fn future(
    cfg: &WorldConfig,
    factory: &dyn ProviderFactory,
) -> impl std::future::Future<Output = (bool, Duration)> + use<> {
    drive(
        prepare(cfg, factory),
        cfg.clients.clone(),
        cfg.time_limit,
        Progress::default(),
    )
}

/// Prepares one world on madsim: the parts built here, and the run itself
/// as a closure for the thread that [`super::run`] watches.
pub(super) fn prepare_run(
    cfg: &WorldConfig,
    factory: &dyn ProviderFactory,
    progress: Progress,
) -> (Arc<RunContext>, Runner) {
    let ctx = prepare(cfg, factory);
    let inner = ctx.clone();
    let (seed, clients, limit) = (cfg.seed, cfg.clients.clone(), cfg.time_limit);
    let runner: Runner = Box::new(move || {
        let rt = ::madsim::runtime::Runtime::with_seed_and_config(
            derive(seed, Stream::Engine),
            ::madsim::Config::default(),
        );
        let result = catch_unwind(AssertUnwindSafe(|| {
            rt.block_on(drive(inner.clone(), clients, limit, progress))
        }));
        runtime::exit();
        let (ending, end) = match result {
            Ok((true, end)) => (Ending::Finished, end),
            Ok((false, end)) => (Ending::TimedOut, end),
            Err(payload) => (Ending::Unwound(payload), Duration::ZERO),
        };
        (ending.verdict(&inner.panics, limit), end)
    });
    (ctx, runner)
}
