//! The reference provider's `IVdsAsync`: one asynchronous operation, from
//! the call that starts it to the result Wait hands back.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use async_trait::async_trait;
use tokio::sync::watch;

use super::objects::{PortalGroup, Target};
use super::{Mutation, Shared};
use crate::com::{ComPtr, HrResult, ok};
use crate::hresult::HResult;
use crate::interfaces::async_output::VDS_ASYNC_OUTPUT;
use crate::interfaces::{
    AsyncStatus, IVdsAsync, IVdsIscsiPortalGroup, IVdsIscsiTarget, WaitOutput,
};
use crate::method::Method;
use crate::output_type::VDS_ASYNC_OUTPUT_TYPE;
use crate::props::VDS_OBJECT_ID;
use crate::runtime;

/// The object an operation produced, handed out afresh by each Wait.
#[derive(Clone)]
pub(crate) enum Produced {
    /// Nothing (delete, add, remove).
    Nothing,
    /// A portal group (CreatePortalGroup).
    PortalGroup(Arc<PortalGroup>),
    /// A target (CreateTarget).
    Target(Arc<Target>),
}

/// The work an operation does once it is past the point of no return.
pub(crate) type Work = Pin<Box<dyn Future<Output = (HResult, Produced)> + Send>>;

#[derive(Clone)]
enum Phase {
    /// Queued in the provider; Cancel still stops it.
    Preparing,
    /// Sent to the array; too late to cancel.
    Committed,
    /// Finished with this result.
    Done(HResult, Produced),
}

struct OpState {
    phase: Phase,
    /// The target this operation holds busy, until it ends.
    lock: Option<VDS_OBJECT_ID>,
    last_percent: u32,
}

/// One asynchronous operation of the reference provider.
pub(crate) struct AsyncOp {
    shared: Weak<Shared>,
    output_type: VDS_ASYNC_OUTPUT_TYPE,
    state: Mutex<OpState>,
    done: watch::Sender<bool>,
    started: Duration,
    estimate: Duration,
}

impl AsyncOp {
    fn new(
        shared: &Arc<Shared>,
        output_type: VDS_ASYNC_OUTPUT_TYPE,
        lock: Option<VDS_OBJECT_ID>,
    ) -> Arc<Self> {
        let op = Arc::new(Self {
            shared: Arc::downgrade(shared),
            output_type,
            state: Mutex::new(OpState {
                phase: Phase::Preparing,
                lock,
                last_percent: 0,
            }),
            done: watch::channel(false).0,
            started: runtime::now(),
            estimate: shared.config.progress_estimate,
        });
        shared.track(&op);
        op
    }

    /// An operation that is already finished (for example the
    /// `VDS_S_ALREADY_EXISTS` case, where nothing needs doing).
    pub(crate) fn finished(
        shared: &Arc<Shared>,
        output_type: VDS_ASYNC_OUTPUT_TYPE,
        hr: HResult,
        produced: Produced,
    ) -> Arc<Self> {
        let op = Self::new(shared, output_type, None);
        op.finish(hr, produced);
        op
    }

    /// Starts an operation: it waits in the provider for the configured
    /// cancel window, then runs `work`. `lock` is the target it holds busy.
    pub(crate) fn start(
        shared: &Arc<Shared>,
        output_type: VDS_ASYNC_OUTPUT_TYPE,
        lock: Option<VDS_OBJECT_ID>,
        work: Work,
    ) -> Arc<Self> {
        let op = Self::new(shared, output_type, lock);
        let runner = op.clone();
        let window = shared.config.cancel_window;
        runtime::spawn(async move {
            runtime::sleep(window).await;
            if !runner.commit() {
                return;
            }
            let (hr, produced) = work.await;
            runner.finish(hr, produced);
        });
        op
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, OpState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Moves from Preparing to Committed; false if the operation already ended.
    fn commit(&self) -> bool {
        let mut s = self.lock();
        match s.phase {
            Phase::Preparing => {
                s.phase = Phase::Committed;
                true
            }
            _ => false,
        }
    }

    /// Ends the operation with `hr` (the first end wins) and frees its target.
    pub(crate) fn finish(&self, hr: HResult, produced: Produced) {
        let lock = {
            let mut s = self.lock();
            if matches!(s.phase, Phase::Done(..)) {
                return;
            }
            s.phase = Phase::Done(hr, produced);
            s.lock.take()
        };
        if let (Some(target), Some(shared)) = (lock, self.shared.upgrade()) {
            shared.unlock(target);
        }
        self.done.send_replace(true);
    }

    /// The output of the catalogue's hook mutants that break Wait's output
    /// (`PointerInFailedWait`, `WrongOutputType`); `None` for the reference.
    fn mutated_output(
        &self,
        shared: &Arc<Shared>,
        hr: HResult,
        produced: &Produced,
    ) -> Option<VDS_ASYNC_OUTPUT> {
        let cpg = VDS_ASYNC_OUTPUT_TYPE::VDS_ASYNCOUT_CREATEPORTALGROUP;
        if hr.failed() && self.output_type == cpg && shared.mutated(Mutation::PointerInFailedWait) {
            let stray = Arc::new(PortalGroup::new(shared.clone(), VDS_OBJECT_ID::NIL));
            return Some(VDS_ASYNC_OUTPUT::VDS_ASYNCOUT_CREATEPORTALGROUP {
                pPortalGroupUnk: Some(ComPtr::issue(
                    &shared.ledger,
                    stray,
                    None,
                    Method::AsyncWait,
                )),
            });
        }
        let Produced::PortalGroup(g) = produced else {
            return None;
        };
        if hr.failed() || !shared.mutated(Mutation::WrongOutputType) {
            return None;
        }
        let target = shared.lock().cache.group(g.id()).map(|r| r.target);
        Some(VDS_ASYNC_OUTPUT::VDS_ASYNCOUT_CREATETARGET {
            pTargetUnk: target.map(|t| {
                ComPtr::issue(
                    &shared.ledger,
                    Arc::new(Target::new(shared.clone(), t)) as Arc<dyn IVdsIscsiTarget>,
                    Some(t),
                    Method::AsyncWait,
                )
            }),
        })
    }

    /// What Wait hands back for an operation that ended with `hr`.
    fn output(&self, hr: HResult, produced: &Produced) -> VDS_ASYNC_OUTPUT {
        let Some(shared) = self.shared.upgrade() else {
            return VDS_ASYNC_OUTPUT::null_of(self.output_type);
        };
        if let Some(broken) = self.mutated_output(&shared, hr, produced) {
            return broken;
        }
        if hr.failed() {
            return VDS_ASYNC_OUTPUT::null_of(self.output_type);
        }
        match produced {
            Produced::PortalGroup(g) => {
                let issue = || {
                    ComPtr::issue(
                        &shared.ledger,
                        g.clone() as Arc<dyn IVdsIscsiPortalGroup>,
                        Some(g.id()),
                        Method::AsyncWait,
                    )
                };
                VDS_ASYNC_OUTPUT::VDS_ASYNCOUT_CREATEPORTALGROUP {
                    pPortalGroupUnk: Some(issue()),
                }
            }
            Produced::Target(t) => VDS_ASYNC_OUTPUT::VDS_ASYNCOUT_CREATETARGET {
                pTargetUnk: Some(ComPtr::issue(
                    &shared.ledger,
                    t.clone() as Arc<dyn IVdsIscsiTarget>,
                    Some(t.id()),
                    Method::AsyncWait,
                )),
            },
            Produced::Nothing => VDS_ASYNC_OUTPUT::null_of(self.output_type),
        }
    }
}

#[async_trait]
impl IVdsAsync for AsyncOp {
    async fn Cancel(&self) -> HrResult<()> {
        let phase = self.lock().phase.clone();
        match phase {
            Phase::Preparing => {
                self.finish(HResult::VDS_E_OPERATION_CANCELED, Produced::Nothing);
                ok(())
            }
            Phase::Committed => Err(HResult::VDS_E_CANCEL_TOO_LATE),
            Phase::Done(hr, _) if hr == HResult::VDS_E_OPERATION_CANCELED => {
                Err(HResult::VDS_E_OPERATION_CANCELED)
            }
            Phase::Done(..) => Err(HResult::VDS_E_CANCEL_TOO_LATE),
        }
    }

    async fn Wait(&self) -> HrResult<WaitOutput> {
        let mut rx = self.done.subscribe();
        // The sender lives in self, so the channel cannot close while we wait.
        let _ = rx.wait_for(|done| *done).await;
        let Phase::Done(hr, produced) = self.lock().phase.clone() else {
            unreachable!("signalled only when done")
        };
        ok(WaitOutput {
            hr_result: hr,
            async_out: self.output(hr, &produced),
        })
    }

    async fn QueryStatus(&self) -> HrResult<AsyncStatus> {
        let now = runtime::now();
        let mut s = self.lock();
        let status = match &s.phase {
            Phase::Done(hr, _) => AsyncStatus {
                hr_result: *hr,
                percent_completed: if hr.failed() { 0 } else { 100 },
            },
            Phase::Preparing | Phase::Committed => {
                let elapsed = now.saturating_sub(self.started).as_micros();
                let estimate = self.estimate.as_micros().max(1);
                let percent = ((elapsed * 100 / estimate) as u32)
                    .min(99)
                    .max(s.last_percent);
                s.last_percent = percent;
                AsyncStatus {
                    hr_result: HResult::VDS_E_OPERATION_PENDING,
                    percent_completed: percent,
                }
            }
        };
        ok(status)
    }
}
