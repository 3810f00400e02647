//! The thread a world runs on. Each calling thread keeps one and hands it
//! run after run, so a sweep does not start an OS thread per run. A run
//! that blocks its thread (a stuck provider) keeps that thread: the caller
//! [`abandon`]s it and the next run starts a fresh one.

use std::cell::RefCell;
use std::sync::mpsc::{Receiver, Sender, channel};

use crate::world::RunOutcome;

/// A run to make on the world thread.
type Work = Box<dyn FnOnce() -> RunOutcome + Send>;

/// A runner and where to send what it returned.
type Job = (Work, Sender<RunOutcome>);

thread_local! {
    /// This thread's world thread: where to send it work.
    static WORLD: RefCell<Option<Sender<Job>>> = const { RefCell::new(None) };
}

/// Hands `runner` to this thread's world thread (starting one if there is
/// none) and returns where its result will arrive.
pub(super) fn submit(runner: Work) -> Result<Receiver<RunOutcome>, String> {
    WORLD.with(|w| {
        let mut w = w.borrow_mut();
        let (tx, rx) = channel();
        let job = (runner, tx);
        let job = match w.as_ref() {
            Some(world) => match world.send(job) {
                Ok(()) => return Ok(rx),
                // The thread is gone (it cannot be, short of a panic
                // outside a run): start another for the same job.
                Err(std::sync::mpsc::SendError(job)) => job,
            },
            None => job,
        };
        let (work, jobs) = channel::<Job>();
        std::thread::Builder::new()
            .name("vds-world".to_string())
            .spawn(move || {
                for (runner, reply) in jobs {
                    let _ = reply.send(runner());
                }
            })
            .map_err(|e| format!("cannot start the world's thread: {e}"))?;
        work.send(job)
            .map_err(|_| "the world's thread ended at its start".to_string())?;
        *w = Some(work);
        Ok(rx)
    })
}

/// Forgets this thread's world thread, which is still busy with a run that
/// will not end (or has died); the next run starts a fresh one.
pub(super) fn abandon() {
    WORLD.with(|w| *w.borrow_mut() = None);
}
