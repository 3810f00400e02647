//! Controls that are the reference provider with one design choice made
//! another way, written as decorators ([`Wrap`]) through `vds_sim::prelude`.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use vds_sim::prelude::*;

/// How long [`SlowStart`] takes before the reference sees a call.
pub const START_DELAY: Duration = Duration::from_millis(3);

/// The reference provider, except that every call (but those on an
/// `IVdsAsync`) spends [`START_DELAY`] of simulated time before the
/// provider looks at anything: it finds a corrupt cache, a running Refresh
/// or a busy target later in the call than the reference does (rule
/// CALL-WINDOW); and a call during whose delay the provider restarted
/// answers VDS_E_PROVIDER_EXITING itself, CreatePortalGroup included (rule
/// RESTART-ABANDONS-OPERATIONS), where the reference would go on.
#[derive(Default)]
pub struct SlowStart {
    /// How many restarts the provider has had.
    restarts: AtomicU64,
}

/// Each run gets a clone: a fresh one, with no restart counted.
impl Clone for SlowStart {
    fn clone(&self) -> Self {
        Self::default()
    }
}

#[async_trait]
impl Wrap for SlowStart {
    async fn before(&self, method: Method) -> Result<(), HResult> {
        if method.interface() == "IVdsAsync" {
            return Ok(());
        }
        let before = self.restarts.load(Ordering::Relaxed);
        runtime::sleep(START_DELAY).await;
        if self.restarts.load(Ordering::Relaxed) != before {
            return Err(HResult::VDS_E_PROVIDER_EXITING);
        }
        Ok(())
    }

    fn inject(&self, inner: &dyn SimProvider, fault: ProviderFault) -> bool {
        let taken = inner.inject(fault);
        if taken && fault == ProviderFault::Restart {
            self.restarts.fetch_add(1, Ordering::Relaxed);
        }
        taken
    }
}

/// The reference provider, except that an allocation failure hits the very
/// next call of any kind, an `IVdsAsync` call included, before the
/// provider looks at its cache or its locks (rule FAILURE-PRECEDENCE: which
/// calls allocate is the provider's choice).
#[derive(Default)]
pub struct AllocationFirst {
    /// An allocation failure is pending (one per run: see `Clone`).
    pending: AtomicBool,
}

/// Each run gets a clone: a fresh one, with no failure pending.
impl Clone for AllocationFirst {
    fn clone(&self) -> Self {
        Self::default()
    }
}

#[async_trait]
impl Wrap for AllocationFirst {
    async fn before(&self, _method: Method) -> Result<(), HResult> {
        match self.pending.swap(false, Ordering::Relaxed) {
            true => Err(HResult::E_OUTOFMEMORY),
            false => Ok(()),
        }
    }

    fn inject(&self, inner: &dyn SimProvider, fault: ProviderFault) -> bool {
        match fault {
            ProviderFault::FailNextAllocation => {
                self.pending.store(true, Ordering::Relaxed);
                true
            }
            other => inner.inject(other),
        }
    }
}

/// The reference provider, except that a Reenumerate or Refresh made while
/// another runs waits for it instead of answering
/// VDS_E_ANOTHER_CALL_IN_PROGRESS: two clients' rescans overlap as the
/// callers see them and run one after the other inside (rule
/// REFRESH-WHILE-OPERATIONS leaves refusing or waiting to the provider).
#[derive(Default)]
pub struct QueuedRescans {
    /// Held by the rescan that runs.
    running: futures::lock::Mutex<()>,
}

/// Each run gets a clone: a fresh one, with no rescan running.
impl Clone for QueuedRescans {
    fn clone(&self) -> Self {
        Self::default()
    }
}

#[async_trait]
impl Wrap for QueuedRescans {
    async fn hw_provider_reenumerate(&self, p: &dyn IVdsHwProvider) -> HrResult<()> {
        let _running = self.running.lock().await;
        p.Reenumerate().await
    }

    async fn hw_provider_refresh(&self, p: &dyn IVdsHwProvider) -> HrResult<()> {
        let _running = self.running.lock().await;
        p.Refresh().await
    }
}
