//! The toy provider's `IVdsAsync`: one asynchronous operation.
//!
//! An operation is queued for [`QUEUE_TIME`] of simulated time (Cancel works
//! only then), then its one array request is sent (too late to cancel), then
//! it is done. Completion is signalled watch-style: Wait parks its waker in
//! the operation's state and `finish` wakes every parked waiter. Progress is
//! simulated time over [`ESTIMATE`].

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Poll, Waker};
use std::time::Duration;
use vds_sim::prelude::*;

use super::provider::Shared;

/// How long an operation waits in the provider before its request goes to
/// the array: the window in which Cancel succeeds (rule ASYNC-CANCEL-WINDOW
/// leaves the point of no return to the provider; the reference uses 5 ms).
pub const QUEUE_TIME: Duration = Duration::from_millis(2);

/// The duration QueryStatus's percentage is scaled to (the reference uses 60 ms).
pub const ESTIMATE: Duration = Duration::from_millis(40);

/// What an operation made, by id; Wait hands out a fresh pointer to it each time.
#[derive(Clone, Copy, Debug)]
pub enum Produced {
    /// Nothing (deletes, AddPortal, RemovePortal, every failure).
    Nothing,
    /// A portal group (CreatePortalGroup).
    Group(VDS_OBJECT_ID),
    /// A target (CreateTarget).
    Target(VDS_OBJECT_ID),
}

/// How an operation ended.
#[derive(Clone, Copy, Debug)]
pub struct Outcome {
    /// `*pHrResult`.
    pub hr: HResult,
    /// What Wait hands back when `hr` is a success.
    pub produced: Produced,
}

impl Outcome {
    /// Success with this product.
    pub fn ok(produced: Produced) -> Self {
        Self {
            hr: HResult::S_OK,
            produced,
        }
    }
    /// Failure: nothing produced.
    pub fn failed(hr: HResult) -> Self {
        Self {
            hr,
            produced: Produced::Nothing,
        }
    }
}

/// The work an operation does once sent.
pub type Work = Pin<Box<dyn Future<Output = Outcome> + Send>>;

enum Phase {
    Queued,
    Sent,
    Done(Outcome),
}

struct OpState {
    phase: Phase,
    waiters: Vec<Waker>,
    last_percent: u32,
}

/// One asynchronous operation.
pub struct ToyOp {
    shared: Arc<Shared>,
    kind: VDS_ASYNC_OUTPUT_TYPE,
    /// The target this operation holds busy and the claim it holds it with.
    busy: Option<(VDS_OBJECT_ID, u64)>,
    started: Duration,
    state: Mutex<OpState>,
}

impl ToyOp {
    fn new(
        shared: &Arc<Shared>,
        kind: VDS_ASYNC_OUTPUT_TYPE,
        busy: Option<(VDS_OBJECT_ID, u64)>,
    ) -> Arc<Self> {
        let op = Arc::new(Self {
            shared: shared.clone(),
            kind,
            busy,
            started: runtime::now(),
            state: Mutex::new(OpState {
                phase: Phase::Queued,
                waiters: Vec::new(),
                last_percent: 0,
            }),
        });
        shared.track(&op);
        op
    }

    /// An operation that has nothing to do (the `VDS_S_ALREADY_EXISTS` case).
    pub fn finished(
        shared: &Arc<Shared>,
        kind: VDS_ASYNC_OUTPUT_TYPE,
        outcome: Outcome,
    ) -> Arc<Self> {
        let op = Self::new(shared, kind, None);
        op.finish(outcome);
        op
    }

    /// Starts an operation: queued for [`QUEUE_TIME`], then `work`; or, in
    /// a design whose operations end in the call, `work` now, before the
    /// call returns. `busy` is the target claim it releases when it ends.
    pub async fn start(
        shared: &Arc<Shared>,
        kind: VDS_ASYNC_OUTPUT_TYPE,
        busy: Option<(VDS_OBJECT_ID, u64)>,
        work: Work,
    ) -> Arc<Self> {
        let op = Self::new(shared, kind, busy);
        if shared.design().in_call {
            op.lock().phase = Phase::Sent;
            let outcome = work.await;
            op.finish(outcome);
            return op;
        }
        let runner = op.clone();
        runtime::spawn(async move {
            runtime::sleep(QUEUE_TIME).await;
            if runner.send() {
                let outcome = work.await;
                runner.finish(outcome);
            }
        });
        op
    }

    fn lock(&self) -> MutexGuard<'_, OpState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Queued -> Sent; false when the operation already ended (cancelled, abandoned).
    fn send(&self) -> bool {
        let mut s = self.lock();
        if matches!(s.phase, Phase::Queued) {
            s.phase = Phase::Sent;
            true
        } else {
            false
        }
    }

    /// True until the operation has ended.
    pub fn pending(&self) -> bool {
        !matches!(self.lock().phase, Phase::Done(_))
    }

    /// Ends the operation (the first end wins), frees its target and wakes its waiters.
    pub fn finish(&self, outcome: Outcome) {
        let s = self.lock();
        self.end(s, outcome);
    }

    fn end(&self, mut s: MutexGuard<'_, OpState>, outcome: Outcome) {
        if matches!(s.phase, Phase::Done(_)) {
            return;
        }
        s.phase = Phase::Done(outcome);
        let waiters = std::mem::take(&mut s.waiters);
        drop(s);
        if let Some((target, claim)) = self.busy {
            self.shared.release(target, claim);
        }
        waiters.into_iter().for_each(Waker::wake);
    }

    async fn wait(&self) -> Outcome {
        std::future::poll_fn(|cx| {
            let mut s = self.lock();
            if let Phase::Done(o) = &s.phase {
                return Poll::Ready(*o);
            }
            if !s.waiters.iter().any(|w| w.will_wake(cx.waker())) {
                s.waiters.push(cx.waker().clone());
            }
            Poll::Pending
        })
        .await
    }

    fn output(&self, outcome: Outcome) -> VDS_ASYNC_OUTPUT {
        const WAIT: Method = Method::AsyncWait;
        if outcome.hr.failed() {
            // Rule WAIT-FAILURE-OUTPUT-TYPE allows the operation's type or
            // UNKNOWN; the toy says UNKNOWN (the reference says the operation's).
            return VDS_ASYNC_OUTPUT::VDS_ASYNCOUT_UNKNOWN;
        }
        match outcome.produced {
            Produced::Group(id) => VDS_ASYNC_OUTPUT::VDS_ASYNCOUT_CREATEPORTALGROUP {
                pPortalGroupUnk: Some(self.shared.group_ptr(id, WAIT)),
            },
            Produced::Target(id) => VDS_ASYNC_OUTPUT::VDS_ASYNCOUT_CREATETARGET {
                pTargetUnk: Some(self.shared.target_ptr(id, WAIT)),
            },
            Produced::Nothing => VDS_ASYNC_OUTPUT::null_of(self.kind),
        }
    }
}

#[async_trait]
impl IVdsAsync for ToyOp {
    async fn Cancel(&self) -> HrResult<()> {
        if self.shared.design().declines_cancel {
            return Err(HResult::VDS_E_NOT_SUPPORTED);
        }
        let s = self.lock();
        match &s.phase {
            Phase::Queued => {
                self.end(s, Outcome::failed(HResult::VDS_E_OPERATION_CANCELED));
                ok(())
            }
            Phase::Done(o) if o.hr == HResult::VDS_E_OPERATION_CANCELED => {
                Err(HResult::VDS_E_OPERATION_CANCELED)
            }
            // Sent, or finished (rule ASYNC-CANCEL-AFTER-DONE).
            Phase::Sent | Phase::Done(_) => Err(HResult::VDS_E_CANCEL_TOO_LATE),
        }
    }

    async fn Wait(&self) -> HrResult<WaitOutput> {
        let outcome = self.wait().await;
        ok(WaitOutput {
            hr_result: outcome.hr,
            async_out: self.output(outcome),
        })
    }

    async fn QueryStatus(&self) -> HrResult<AsyncStatus> {
        let elapsed = runtime::now().saturating_sub(self.started);
        let mut s = self.lock();
        let status = match &s.phase {
            Phase::Done(o) => AsyncStatus {
                hr_result: o.hr,
                percent_completed: if o.hr.failed() { 0 } else { 100 },
            },
            Phase::Queued | Phase::Sent => {
                let pct = (elapsed.as_micros() * 100 / ESTIMATE.as_micros()).min(99) as u32;
                let pct = pct.max(s.last_percent);
                s.last_percent = pct;
                AsyncStatus {
                    hr_result: HResult::VDS_E_OPERATION_PENDING,
                    percent_completed: pct,
                }
            }
        };
        ok(status)
    }
}
