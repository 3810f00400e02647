//! The workers that make a plan's runs: `jobs` threads, each taking the
//! next run from a queue, running and judging it, while the caller's thread
//! hands out work, hands results on in plan order, and watches every run
//! for a provider that blocks its thread.
//!
//! Nobody waits on anybody: workers take work from a queue kept full and
//! leave results in a list, and the caller looks at both once a tick. A run
//! costs no thread start and no wake-up, which on this project's machine
//! were a quarter of a short run's time. A worker whose run is stuck is
//! abandoned (its thread is left blocked) and replaced.

use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use vds_sim::engine::RunWatch;
use vds_sim::provider::ProviderFactory;
use vds_sim::world::RunOutcome;

use crate::oracle::{self, Judgement};
use crate::plan::{Plan, RunId};

/// How often the caller's thread looks at the workers.
const TICK: Duration = Duration::from_millis(1);

/// How many runs past the first one not yet handed on may be handed out,
/// per job: enough that no worker waits a tick for work, few enough that
/// the results kept for ordering stay small when one run is slow.
const AHEAD_PER_JOB: usize = 64;

/// A run, judged.
type Judged = (RunOutcome, Judgement);

/// What a worker is doing.
enum Slot {
    /// Between runs.
    Idle,
    /// Running the plan's run of this index.
    Running(usize, RunWatch),
    /// Given up on: its run was stuck, and its result, if it ever comes,
    /// is not wanted.
    Abandoned,
}

/// What the workers and the caller's thread share.
struct Shared {
    queue: Mutex<VecDeque<(usize, RunId)>>,
    done: Mutex<Vec<(usize, Judged)>>,
    stop: AtomicBool,
    factory: Arc<dyn ProviderFactory>,
    stuck_after: Duration,
}

struct Worker {
    slot: Arc<Mutex<Slot>>,
    handle: JoinHandle<()>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Makes the runs of `plan` on `jobs` worker threads and hands each to
/// `visit` in plan order with its index (so everything reported does not
/// depend on the number of jobs); stops making runs once `visit` returns
/// false. A run whose provider blocks its thread for `stuck_after` of wall
/// time is handed on as stuck ([`RunWatch::stuck`]).
pub(crate) fn in_order(
    factory: Arc<dyn ProviderFactory>,
    stuck_after: Duration,
    jobs: usize,
    plan: &Plan,
    visit: &mut dyn FnMut(usize, RunOutcome, Judgement) -> bool,
) {
    let shared = Arc::new(Shared {
        queue: Mutex::new(VecDeque::new()),
        done: Mutex::new(Vec::new()),
        stop: AtomicBool::new(false),
        factory,
        stuck_after,
    });
    let jobs = jobs.clamp(1, plan.len().max(1));
    let ahead = AHEAD_PER_JOB * jobs;
    let mut workers: Vec<Worker> = (0..jobs).map(|_| start(&shared)).collect();
    let mut waiting: BTreeMap<usize, Judged> = BTreeMap::new();
    let (mut due, mut sent) = (0, 0);
    'runs: while due < plan.len() {
        if crate::interrupt::received().is_some() {
            break;
        }
        {
            let mut queue = lock(&shared.queue);
            while sent < due + ahead
                && let Some(id) = plan.get(sent)
            {
                queue.push_back((sent, id));
                sent += 1;
            }
        }
        waiting.extend(std::mem::take(&mut *lock(&shared.done)));
        waiting.extend(watch(&shared, &mut workers));
        while let Some((outcome, judgement)) = waiting.remove(&due) {
            due += 1;
            if !visit(due - 1, outcome, judgement) {
                break 'runs;
            }
        }
        if due < plan.len() {
            std::thread::sleep(TICK);
        }
    }
    shared.stop.store(true, Ordering::Relaxed);
    // Let the workers end their runs (or be found stuck) before returning,
    // so that nothing runs on after the caller has its answer.
    while !workers.is_empty() {
        let _ = watch(&shared, &mut workers);
        let mut running = Vec::new();
        for w in workers {
            if matches!(*lock(&w.slot), Slot::Abandoned) {
                continue;
            }
            if !w.handle.is_finished() {
                running.push(w);
            } else if let Err(panic) = w.handle.join() {
                std::panic::resume_unwind(panic);
            }
        }
        workers = running;
        if !workers.is_empty() {
            std::thread::sleep(TICK);
        }
    }
}

/// Starts a worker.
fn start(shared: &Arc<Shared>) -> Worker {
    let slot = Arc::new(Mutex::new(Slot::Idle));
    let (mine, shared) = (slot.clone(), shared.clone());
    let handle = std::thread::Builder::new()
        .name("vds-worker".to_string())
        .spawn(move || work(&shared, &mine))
        .expect("a worker thread starts");
    Worker { slot, handle }
}

/// A worker's loop: take a run, run and judge it, leave the result.
fn work(shared: &Shared, slot: &Mutex<Slot>) {
    while !shared.stop.load(Ordering::Relaxed) {
        let Some((index, id)) = lock(&shared.queue).pop_front() else {
            std::thread::sleep(TICK);
            continue;
        };
        let world = id.world().stuck_after(shared.stuck_after);
        let prepared = vds_sim::engine::prepare(&world, shared.factory.as_ref());
        *lock(slot) = Slot::Running(index, prepared.watch());
        let outcome = prepared.run();
        {
            let mut slot = lock(slot);
            if matches!(*slot, Slot::Abandoned) {
                return;
            }
            *slot = Slot::Idle;
        }
        let judgement = oracle::judge(&outcome);
        lock(&shared.done).push((index, (outcome, judgement)));
    }
}

/// Looks at every worker: a stuck run is judged as stuck and its worker
/// replaced; a worker that died of a panic passes the panic on.
fn watch(shared: &Arc<Shared>, workers: &mut [Worker]) -> Vec<(usize, Judged)> {
    let mut stuck = Vec::new();
    for w in workers.iter_mut() {
        let ended = {
            let mut slot = lock(&w.slot);
            let stuck = match &mut *slot {
                Slot::Running(index, watch) => watch.is_stuck().then(|| (*index, watch.stuck())),
                _ => None,
            };
            if stuck.is_some() {
                *slot = Slot::Abandoned;
            }
            stuck
        };
        if let Some((index, outcome)) = ended {
            let judgement = oracle::judge(&outcome);
            stuck.push((index, (outcome, judgement)));
            if !shared.stop.load(Ordering::Relaxed) {
                let fresh = start(shared);
                let abandoned = std::mem::replace(w, fresh);
                drop(abandoned.handle);
            }
            continue;
        }
        if w.handle.is_finished() && !shared.stop.load(Ordering::Relaxed) {
            let fresh = start(shared);
            let dead = std::mem::replace(w, fresh);
            if let Err(panic) = dead.handle.join() {
                std::panic::resume_unwind(panic);
            }
        }
    }
    stuck
}
