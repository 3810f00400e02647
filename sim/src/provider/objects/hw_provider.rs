//! The reference provider's `IVdsHwProvider`: the root, Reenumerate and Refresh.

use super::*;

/// The provider's `IVdsHwProvider`.
pub(crate) struct HwProvider {
    pub(super) shared: Arc<Shared>,
}

/// The copy a Refresh loads: the array's, except under the catalogue's
/// hook `RefreshKeepsCache`, which reloads a sound cache with itself.
fn mutated_snapshot(
    shared: &Shared,
    cache: &crate::provider::cache::Cache,
    snapshot: crate::array::ArraySnapshot,
    was_corrupt: bool,
) -> crate::array::ArraySnapshot {
    if !was_corrupt && shared.mutated(Mutation::RefreshKeepsCache) {
        return cache.data().clone();
    }
    snapshot
}

/// Whether the cache was corrupt as a Refresh began, which only the
/// catalogue's hooks (`CorruptAfterRefresh`, `RefreshKeepsCache`) ask.
fn mutated_was_corrupt(shared: &Shared) -> bool {
    shared.config.mutation.is_some() && !shared.lock().cache.intact()
}

/// Under the catalogue's hook `CorruptAfterRefresh`, the cure leaves a
/// cache that was corrupt corrupt; nothing for the reference.
fn mutated_after_refresh(
    shared: &Shared,
    cache: &mut crate::provider::cache::Cache,
    was_corrupt: bool,
) {
    if was_corrupt && shared.mutated(Mutation::CorruptAfterRefresh) {
        cache.corrupt(0);
    }
}

impl HwProvider {
    pub fn new(shared: Arc<Shared>) -> Self {
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
        let asked_at = self.shared.restarts();
        let answer = self.shared.ask(ArrayRequest::Discover).await;
        let mut s = self.shared.lock();
        if s.restarts != asked_at {
            // The provider restarted meanwhile: this Reenumerate is not
            // the one running now, if any (rule BUSY-IN-DOMAIN).
            return ok(());
        }
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
        let was_corrupt = mutated_was_corrupt(&self.shared);
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
                let snapshot = mutated_snapshot(&self.shared, &s.cache, snapshot, was_corrupt);
                s.cache.load_since(snapshot, &known);
                s.rediscovered = false;
                mutated_after_refresh(&self.shared, &mut s.cache, was_corrupt);
                ok(())
            }
            Ok(_) => Err(HResult::VDS_E_BAD_PROVIDER_DATA),
            Err(e) => Err(array_error_hresult(&e)),
        }
    }
}
