//! The small runtime facade the world is written against: spawn, sleep,
//! now, timeout, and the panic slot. Each engine implements [`Engine`] in
//! its own file under `engine/`; this module imports nothing else of the
//! crate and names no engine crate.
//!
//! The engine of the running world is kept in a thread-local, set by the
//! engine when a world starts ([`enter`]). Both engines run a world on one
//! thread, so every task of the world sees it.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// A boxed task.
pub(crate) type Task = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// A boxed timer, as an engine's [`Engine::sleep`] hands it out.
pub(crate) type Timer = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// Which simulation engine runs a world.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EngineKind {
    /// madsim: tasks on virtual time; the seed picks the interleaving.
    Madsim,
    /// turmoil: hosts on a simulated network; the seed drives the network.
    Turmoil,
}

impl EngineKind {
    /// Both engines, madsim first.
    pub const ALL: [EngineKind; 2] = [EngineKind::Madsim, EngineKind::Turmoil];

    /// The engine's lowercase name.
    pub fn name(self) -> &'static str {
        match self {
            EngineKind::Madsim => "madsim",
            EngineKind::Turmoil => "turmoil",
        }
    }
}

impl std::fmt::Display for EngineKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for EngineKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "madsim" => Ok(EngineKind::Madsim),
            "turmoil" => Ok(EngineKind::Turmoil),
            other => Err(format!(
                "unknown engine `{other}`: expected `madsim` or `turmoil`"
            )),
        }
    }
}

/// What an engine provides to the world.
pub(crate) trait Engine: Send + Sync {
    /// Which engine this is.
    fn kind(&self) -> EngineKind;
    /// Runs a task concurrently with the caller, in the provider's place.
    fn spawn(&self, task: Task);
    /// Simulated time since the world started.
    fn now(&self) -> Duration;
    /// A timer that fires after `d` of simulated time.
    fn sleep(&self, d: Duration) -> Timer;
    /// The world's progress counter.
    fn progress(&self) -> &Progress;
}

/// How far a world has got: a count that grows while the simulator runs
/// (timers firing, trace events, engine steps). A watchdog on another
/// thread reads it; a world whose count stands still for long in wall time
/// has a task that blocks its thread. Only that judgement uses the wall
/// clock, and it never depends on how long a healthy run takes.
#[derive(Clone, Debug, Default)]
pub(crate) struct Progress(Arc<AtomicU64>);

impl Progress {
    /// Counts one step forward.
    pub(crate) fn beat(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
    /// The count so far.
    pub(crate) fn count(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

thread_local! {
    static CURRENT: RefCell<Option<Arc<dyn Engine>>> = const { RefCell::new(None) };
    static CENSUS: std::cell::Cell<Census> = const { std::cell::Cell::new(Census { tasks: 0, sleeps: 0, array_requests: 0 }) };
}

/// What the worlds run on this thread have asked of their engine so far
/// through this facade: tasks spawned, timers waited on, array requests.
/// Each run's share is its outcome's `census`, from which `bench` gives its
/// engine floor the shape of an average run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Census {
    /// Tasks spawned with [`spawn`].
    pub tasks: u64,
    /// Timers waited on with [`sleep`] (and [`timeout`]).
    pub sleeps: u64,
    /// Requests the array served ([`note_array_request`]).
    pub array_requests: u64,
}

/// Counts one request served by the array, in this thread's [`Census`].
pub(crate) fn note_array_request() {
    count(|c| c.array_requests += 1);
}

impl Census {
    /// What was counted since `earlier`, a census of the same thread.
    pub(crate) fn since(self, earlier: Census) -> Census {
        Census {
            tasks: self.tasks - earlier.tasks,
            sleeps: self.sleeps - earlier.sleeps,
            array_requests: self.array_requests - earlier.array_requests,
        }
    }
}

/// This thread's [`Census`] so far.
pub(crate) fn census() -> Census {
    CENSUS.with(std::cell::Cell::get)
}

fn count(f: impl FnOnce(&mut Census)) {
    CENSUS.with(|c| {
        let mut n = c.get();
        f(&mut n);
        c.set(n);
    });
}

/// Makes `engine` the engine of the world running on this thread.
pub(crate) fn enter(engine: Arc<dyn Engine>) {
    CURRENT.with(|c| *c.borrow_mut() = Some(engine));
}

/// Clears the engine of this thread when a world ends.
pub(crate) fn exit() {
    CURRENT.with(|c| *c.borrow_mut() = None);
}

fn current() -> Arc<dyn Engine> {
    with_current(Arc::clone)
}

/// Calls `f` with the running world's engine, without taking a reference
/// to it (the calls made at every event need no more).
fn with_current<T>(f: impl FnOnce(&Arc<dyn Engine>) -> T) -> T {
    CURRENT.with(|c| {
        f(c.borrow()
            .as_ref()
            .expect("vds_sim::runtime used outside a running world"))
    })
}

/// The engine of the running world.
pub fn engine_kind() -> EngineKind {
    current().kind()
}

/// Runs `fut` concurrently, on the provider's side of the world.
pub fn spawn(fut: impl Future<Output = ()> + Send + 'static) {
    count(|c| c.tasks += 1);
    with_current(|e| e.spawn(Box::pin(fut)));
}

/// Simulated time since the world started.
pub fn now() -> Duration {
    with_current(|e| e.now())
}

/// Waits `d` of simulated time.
pub async fn sleep(d: Duration) {
    count(|c| c.sleeps += 1);
    let engine = current();
    engine.sleep(d).await;
    engine.progress().beat();
}

/// Counts a step of the running world's progress (nothing outside a world).
pub fn beat() {
    CURRENT.with(|c| {
        if let Some(e) = c.borrow().as_ref() {
            e.progress().beat();
        }
    });
}

/// Runs `fut` for at most `d` of simulated time; `None` if it did not finish.
pub(crate) async fn timeout<T>(d: Duration, fut: impl Future<Output = T>) -> Option<T> {
    let fut = std::pin::pin!(fut);
    let timer = std::pin::pin!(sleep(d));
    match futures::future::select(fut, timer).await {
        futures::future::Either::Left((v, _)) => Some(v),
        futures::future::Either::Right(_) => None,
    }
}

/// Where a world keeps the first panic of any of its tasks, so that a
/// panicking provider ends the run as a `RunError::Panic`
/// instead of unwinding through the engine.
#[derive(Clone, Default)]
pub(crate) struct PanicSlot {
    message: Arc<std::sync::Mutex<Option<String>>>,
    raised: Arc<tokio::sync::Notify>,
}

impl PanicSlot {
    /// The first panic's message, if any task panicked.
    pub(crate) fn message(&self) -> Option<String> {
        self.message
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Runs `fut`, catching a panic into the slot.
    pub(crate) async fn guard(&self, fut: impl Future<Output = ()>) {
        use futures::FutureExt;
        if let Err(payload) = std::panic::AssertUnwindSafe(fut).catch_unwind().await {
            let mut m = self.message.lock().unwrap_or_else(|e| e.into_inner());
            m.get_or_insert_with(|| panic_message(payload.as_ref()));
            self.raised.notify_waiters();
            self.raised.notify_one();
        }
    }

    /// Runs `fut` until it ends or any task of the world panics.
    pub(crate) async fn until_panic(&self, fut: impl Future<Output = ()>) {
        if self.message().is_some() {
            return;
        }
        let raised = self.raised.notified();
        let fut = std::pin::pin!(fut);
        let raised = std::pin::pin!(raised);
        futures::future::select(fut, raised).await;
    }
}

/// Whether a world is running on this thread (so that [`spawn`] and
/// [`sleep`] may be used).
pub fn in_world() -> bool {
    CURRENT.with(|c| c.borrow().is_some())
}

/// Simulated time since the world started, or zero outside a running world.
pub fn now_or_zero() -> Duration {
    CURRENT.with(|c| c.borrow().as_ref().map(|e| e.now()).unwrap_or_default())
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
