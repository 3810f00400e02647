//! The engines: how a world is laid out and driven on each simulator, and
//! [`run`], which runs one world on its engine under a watchdog.
//!
//! Only the files of this module name madsim or turmoil; everything else
//! is written against the [`runtime`](crate::runtime) facade.

mod floor;
mod madsim;
mod prepared;
mod turmoil;
mod world_thread;

use std::sync::Arc;
use std::time::Duration;

use crate::provider::ProviderFactory;
use crate::runtime::{PanicSlot, panic_message};
use crate::world::{RunContext, RunError, RunOutcome, WorldConfig};

pub use self::floor::{Shape, floor_run};
pub use self::prepared::{PreparedRun, RunWatch, prepare};

/// An engine's run of a prepared world: how it ended, and the simulated time then.
type Runner = Box<dyn FnOnce() -> (Option<RunError>, Duration) + Send>;

/// How an engine's drive of a world ended, before it becomes a verdict.
enum Ending {
    /// Every client finished.
    Finished,
    /// The simulated time limit passed first.
    TimedOut,
    /// The engine reported an error of its own.
    Failed(String),
    /// A panic unwound out of the engine.
    Unwound(Box<dyn std::any::Any + Send>),
}

impl Ending {
    /// The verdict on the run: a panic caught in any task of the world
    /// comes first, as it ended the run.
    fn verdict(self, panics: &PanicSlot, limit: Duration) -> Option<RunError> {
        if let Some(message) = panics.message() {
            return Some(RunError::Panic { message });
        }
        match self {
            Ending::Finished => None,
            Ending::TimedOut => Some(RunError::Hang {
                limit_ms: limit.as_millis(),
            }),
            Ending::Failed(message) => Some(RunError::Engine { message }),
            Ending::Unwound(payload) => Some(RunError::Panic {
                message: panic_message(payload.as_ref()),
            }),
        }
    }
}

/// Runs a world on its engine and returns what happened. Never panics for a
/// misbehaving provider: panics and hangs come back as [`RunError`]s.
///
/// The engine runs on a thread of its own. The run ends by its simulated
/// time limit ([`WorldConfig::time_limit`]), so its verdict never depends on
/// the speed of the machine. The one exception is a provider that blocks its
/// thread (a deadlock, a busy loop): it never yields to the simulator, so
/// only the wall clock can notice. A watchdog reads the world's
/// [`Progress`]; when it has not moved for [`WorldConfig::stuck_after`] of
/// wall time, the run is reported as [`RunError::Stuck`] with the trace so
/// far, and the thread is abandoned.
///
/// ```
/// use vds_sim::prelude::*;
/// let cfg = WorldConfig::new(1)
///     .array(ArrayConfig::new().target("t1"))
///     .client(ClientProgram::new("c1", vec![Step::QueryTargets]));
/// let outcome = vds_sim::run(&cfg, &ReferenceFactory::default());
/// assert!(outcome.error.is_none());
/// ```
pub fn run(cfg: &WorldConfig, factory: &dyn ProviderFactory) -> RunOutcome {
    let prepared = prepare(cfg, factory);
    let mut watch = prepared.watch();
    let rx = match world_thread::submit(Box::new(move || prepared.run())) {
        Ok(rx) => rx,
        Err(_) => return watch.lost(),
    };
    loop {
        match rx.recv_timeout(watch.poll()) {
            Ok(outcome) => return outcome,
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                world_thread::abandon();
                return watch.lost();
            }
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
        }
        if watch.is_stuck() {
            world_thread::abandon();
            return watch.stuck();
        }
    }
}

/// Starts a client that a fault adds, as a task of its own.
fn start_client(ctx: Arc<RunContext>, program: crate::program::ClientProgram) {
    crate::client::spawn_program(ctx, program);
}

/// A world as one future for a madsim runtime of the caller's own, such as
/// madsim's `Runtime::check_determinism`: resolves to whether every client
/// finished within the time limit, and the simulated time at the end.
pub fn madsim_future(
    cfg: &WorldConfig,
    factory: &dyn ProviderFactory,
) -> impl std::future::Future<Output = (bool, Duration)> + use<> {
    madsim::future(cfg, factory)
}
