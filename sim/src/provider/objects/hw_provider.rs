//! The reference provider's `IVdsHwProvider`: the root, Reenumerate and Refresh.

use super::*;

/// The provider's `IVdsHwProvider`.
pub struct HwProvider {
    pub(super) shared: Arc<Shared>,
}

impl HwProvider {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Self { shared }
    }

    /// Marks a Reenumerate or Refresh as running, or says one already is.
    fn begin_refresh(&self) -> Result<(), HResult> {
        let mut s = self.shared.lock();
        if s.refreshing || !s.busy.is_empty() {
            return Err(HResult::VDS_E_ANOTHER_CALL_IN_PROGRESS);
        }
        s.refreshing = true;
        Ok(())
    }
}

#[async_trait]
impl IVdsHwProvider for HwProvider {
    async fn QuerySubSystems(&self) -> HrResult<Vec<ComPtr<dyn IVdsSubSystemIscsi>>> {
        self.shared.gate().await?;
        ok(vec![subsystem_ptr(
            &self.shared,
            Method::HwProviderQuerySubSystems,
        )])
    }

    async fn Reenumerate(&self) -> HrResult<()> {
        self.begin_refresh()?;
        let answer = self.shared.ask(ArrayRequest::Discover).await;
        let mut s = self.shared.lock();
        s.refreshing = false;
        match answer? {
            Ok(_) => {
                s.rediscovered = true;
                if self.shared.mutated(Mutation::RecoverWithoutRefresh) {
                    s.cache.reseal();
                }
                ok(())
            }
            Err(e) => Err(array_error_hresult(&e)),
        }
    }

    async fn Refresh(&self) -> HrResult<()> {
        let was_corrupt = !self.shared.lock().cache.intact();
        {
            let s = self.shared.lock();
            // Rule CACHE-RECOVERY-SEQUENCE: a corrupt cache is rebuilt only
            // by Refresh after Reenumerate.
            if !s.cache.intact()
                && !s.rediscovered
                && !s.refreshing
                && !self.shared.mutated(Mutation::IgnoreCorruption)
            {
                return Err(HResult::VDS_E_PROVIDER_CACHE_CORRUPT);
            }
        }
        self.begin_refresh()?;
        let known = self.shared.lock().cache.known();
        let asked_at = self.shared.restarts();
        let answer = self.shared.ask(ArrayRequest::Snapshot).await;
        let mut s = self.shared.lock();
        if s.restarts != asked_at {
            // The provider restarted meanwhile: its cache is empty and the
            // next call loads a copy asked for after the restart; this one
            // may predate it (rule RESTART-RELOADS-CACHE).
            return ok(());
        }
        s.refreshing = false;
        match answer? {
            Ok(ArrayReply::Snapshot { snapshot }) => {
                s.cache.load_since(snapshot, &known);
                s.rediscovered = false;
                if was_corrupt && self.shared.mutated(Mutation::CorruptAfterRefresh) {
                    s.cache.corrupt(0);
                }
                ok(())
            }
            Ok(_) => Err(HResult::VDS_E_BAD_PROVIDER_DATA),
            Err(e) => Err(array_error_hresult(&e)),
        }
    }
}
