//! A world made ready to run on a thread its caller provides, and the
//! watchdog's view of it. [`super::run`] uses both with a world thread of
//! its own; a pool of workers (the harness's suite) runs prepared worlds on
//! its workers and watches them all from one thread.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::{Runner, madsim, turmoil};
use crate::provider::ProviderFactory;
use crate::runtime::{self, EngineKind, Progress};
use crate::world::{RunContext, RunError, RunOutcome, WorldConfig};

/// A world ready to run: [`PreparedRun::run`] runs it on the calling
/// thread, which it blocks for as long as the provider does.
pub struct PreparedRun {
    runner: Runner,
    watch: RunWatch,
}

impl std::fmt::Debug for PreparedRun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedRun")
            .field("watch", &self.watch)
            .finish_non_exhaustive()
    }
}

/// What a watchdog keeps of a run: its progress, and the means to end it
/// as stuck with the trace so far.
#[derive(Clone)]
pub struct RunWatch {
    ctx: Arc<RunContext>,
    seed: u64,
    engine: EngineKind,
    stuck_after: Duration,
    provider: String,
    progress: Progress,
    seen: u64,
    since: Instant,
}

impl std::fmt::Debug for RunWatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunWatch")
            .field("seed", &self.seed)
            .field("engine", &self.engine)
            .field("seen", &self.seen)
            .finish_non_exhaustive()
    }
}

/// Builds a world on its engine, ready to run (nothing has run yet).
///
/// ```
/// use vds_sim::prelude::*;
/// let cfg = WorldConfig::new(1)
///     .array(ArrayConfig::new().target("t1"))
///     .client(ClientProgram::new("c1", vec![Step::QueryTargets]));
/// let prepared = vds_sim::engine::prepare(&cfg, &ReferenceFactory::default());
/// let outcome = std::thread::spawn(move || prepared.run()).join().unwrap();
/// assert!(outcome.error.is_none());
/// ```
pub fn prepare(cfg: &WorldConfig, factory: &dyn ProviderFactory) -> PreparedRun {
    let progress = Progress::default();
    let (ctx, runner) = match cfg.engine {
        EngineKind::Madsim => madsim::prepare_run(cfg, factory, progress.clone()),
        EngineKind::Turmoil => turmoil::prepare_run(cfg, factory, progress.clone()),
    };
    let seen = progress.count();
    PreparedRun {
        runner,
        watch: RunWatch {
            ctx,
            seed: cfg.seed,
            engine: cfg.engine,
            stuck_after: cfg.stuck_after,
            provider: factory.name(),
            progress,
            seen,
            since: Instant::now(),
        },
    }
}

impl PreparedRun {
    /// The watchdog's handle on this run, to keep before running it.
    pub fn watch(&self) -> RunWatch {
        self.watch.clone()
    }

    /// Runs the world on this thread and returns what happened; a panic
    /// or a hang comes back as a [`RunError`]. The outcome's
    /// [`census`](RunOutcome::census) is what the run asked of its engine.
    pub fn run(self) -> RunOutcome {
        let before = runtime::census();
        let (error, end) = (self.runner)();
        let census = runtime::census().since(before);
        let w = self.watch;
        let mut outcome = w.ctx.finish(w.seed, w.engine, w.provider, error, end);
        outcome.census = census;
        outcome
    }
}

impl RunWatch {
    /// True once the world has not moved for the run's
    /// [`WorldConfig::stuck_after`] of wall time since this was last asked
    /// (or since the watch began).
    pub fn is_stuck(&mut self) -> bool {
        let now = self.progress.count();
        if now != self.seen {
            (self.seen, self.since) = (now, Instant::now());
            false
        } else {
            self.since.elapsed() >= self.stuck_after
        }
    }

    /// How often a watchdog should look: often enough to see a stuck run
    /// soon after its limit, rarely enough to cost nothing.
    pub(crate) fn poll(&self) -> Duration {
        self.stuck_after
            .clamp(Duration::from_millis(1), Duration::from_millis(50))
    }

    /// The outcome of a run abandoned as stuck, with the trace so far. The
    /// thread running it is left to itself.
    pub fn stuck(&self) -> RunOutcome {
        let stuck_ms = self.stuck_after.as_millis();
        self.ended(RunError::Stuck { stuck_ms })
    }

    /// The outcome of a run whose thread ended without a verdict.
    pub(crate) fn lost(&self) -> RunOutcome {
        let message = "the world's thread ended without a verdict".to_string();
        self.ended(RunError::Engine { message })
    }

    fn ended(&self, error: RunError) -> RunOutcome {
        let provider = self.provider.clone();
        self.ctx.finish(
            self.seed,
            self.engine,
            provider,
            Some(error),
            Duration::ZERO,
        )
    }
}
