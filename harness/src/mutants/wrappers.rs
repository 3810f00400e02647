//! The mutants that change only what an interface answers, each a small
//! [`Wrap`] over the reference provider: the reference, except one
//! behaviour. They are written exactly as a provider author outside the
//! project would write one, through `vds_sim::prelude`.

use std::sync::{Arc, Mutex};

use vds_sim::prelude::*;

/// The reference provider decorated by `wrap`, named `mutant:NAME`.
pub(super) fn over_reference<W: Wrap>(name: &str, wrap: W) -> Arc<dyn ProviderFactory> {
    Arc::new(Wrapped::new(
        &format!("mutant:{name}"),
        ReferenceFactory::default(),
        wrap,
    ))
}

/// The portal group a CreatePortalGroup's Wait hands back, if any.
fn group_of(out: &WaitOutput) -> Option<&ComPtr<dyn IVdsIscsiPortalGroup>> {
    match &out.async_out {
        VDS_ASYNC_OUTPUT::VDS_ASYNCOUT_CREATEPORTALGROUP { pPortalGroupUnk } => {
            pPortalGroupUnk.as_ref()
        }
        _ => None,
    }
}

/// An async object whose Wait answer is edited on the way out.
struct EditWait<F> {
    inner: Arc<dyn IVdsAsync>,
    edit: F,
}

#[async_trait]
impl<F: Fn(WaitOutput) -> WaitOutput + Send + Sync> IVdsAsync for EditWait<F> {
    async fn Cancel(&self) -> HrResult<()> {
        self.inner.Cancel().await
    }
    async fn Wait(&self) -> HrResult<WaitOutput> {
        Ok(self.inner.Wait().await?.map(&self.edit))
    }
    async fn QueryStatus(&self) -> HrResult<AsyncStatus> {
        self.inner.QueryStatus().await
    }
}

/// Puts an [`EditWait`] behind an operation pointer.
fn edit_wait(
    op: ComPtr<dyn IVdsAsync>,
    edit: impl Fn(WaitOutput) -> WaitOutput + Send + Sync + 'static,
) -> ComPtr<dyn IVdsAsync> {
    op.map_object(|inner| Arc::new(EditWait { inner, edit }))
}

/// At the limit, CreatePortalGroup says S_OK and Wait hands back the existing group as new.
#[derive(Clone)]
pub(super) struct LimitIgnored;

#[async_trait]
impl Wrap for LimitIgnored {
    async fn target_create_portal_group(
        &self,
        t: &dyn IVdsIscsiTarget,
    ) -> HrResult<ComPtr<dyn IVdsAsync>> {
        let r = t.CreatePortalGroup().await?;
        if r.hr != HResult::VDS_S_ALREADY_EXISTS {
            return Ok(r);
        }
        let op = edit_wait(r.out, |out| WaitOutput {
            hr_result: HResult::S_OK,
            ..out
        });
        ok(op)
    }
}

/// At the limit, Wait hands back a NULL group.
#[derive(Clone)]
pub(super) struct AlreadyExistsNull;

#[async_trait]
impl Wrap for AlreadyExistsNull {
    async fn target_create_portal_group(
        &self,
        t: &dyn IVdsIscsiTarget,
    ) -> HrResult<ComPtr<dyn IVdsAsync>> {
        let r = t.CreatePortalGroup().await?;
        if r.hr != HResult::VDS_S_ALREADY_EXISTS {
            return Ok(r);
        }
        let op = edit_wait(r.out, |out| {
            if let VDS_ASYNC_OUTPUT::VDS_ASYNCOUT_CREATEPORTALGROUP {
                pPortalGroupUnk: Some(p),
            } = out.async_out
            {
                p.release();
            }
            WaitOutput {
                async_out: VDS_ASYNC_OUTPUT::VDS_ASYNCOUT_CREATEPORTALGROUP {
                    pPortalGroupUnk: None,
                },
                ..out
            }
        });
        ok_with(HResult::VDS_S_ALREADY_EXISTS, op)
    }
}

/// Wait takes an extra reference to the new group that nobody releases.
#[derive(Clone)]
pub(super) struct LeakOnWait;

#[async_trait]
impl Wrap for LeakOnWait {
    async fn async_wait(&self, a: &dyn IVdsAsync) -> HrResult<WaitOutput> {
        let r = a.Wait().await?;
        if let Some(g) = group_of(&r.out) {
            drop(g.add_ref(Method::AsyncWait)); // dropped unreleased: the leak
        }
        Ok(r)
    }
}

/// A second Wait hands out the first Wait's reference without AddRef.
#[derive(Clone)]
pub(super) struct NoAddRefOnWait;

/// An operation that remembers the first group it handed out.
struct FirstHandout {
    inner: Arc<dyn IVdsAsync>,
    first: Mutex<Option<ComPtr<dyn IVdsIscsiPortalGroup>>>,
}

#[async_trait]
impl IVdsAsync for FirstHandout {
    async fn Cancel(&self) -> HrResult<()> {
        self.inner.Cancel().await
    }
    async fn Wait(&self) -> HrResult<WaitOutput> {
        let mut r = self.inner.Wait().await?;
        if let VDS_ASYNC_OUTPUT::VDS_ASYNCOUT_CREATEPORTALGROUP { pPortalGroupUnk } =
            &mut r.out.async_out
            && let Some(p) = pPortalGroupUnk.take()
        {
            let mut first = self.first.lock().unwrap_or_else(|e| e.into_inner());
            *pPortalGroupUnk = Some(match first.as_ref() {
                Some(alias) => {
                    p.release();
                    alias.alias_without_add_ref()
                }
                None => {
                    *first = Some(p.alias_without_add_ref());
                    p
                }
            });
        }
        Ok(r)
    }
    async fn QueryStatus(&self) -> HrResult<AsyncStatus> {
        self.inner.QueryStatus().await
    }
}

#[async_trait]
impl Wrap for NoAddRefOnWait {
    async fn target_create_portal_group(
        &self,
        t: &dyn IVdsIscsiTarget,
    ) -> HrResult<ComPtr<dyn IVdsAsync>> {
        let r = t.CreatePortalGroup().await?;
        let hr = r.hr;
        let op = r.out.map_object(|inner| {
            Arc::new(FirstHandout {
                inner,
                first: Mutex::new(None),
            })
        });
        ok_with(hr, op)
    }
}

/// Every portal group reports tag 1.
#[derive(Clone)]
pub(super) struct DuplicateTags;

#[async_trait]
impl Wrap for DuplicateTags {
    async fn portal_group_get_properties(
        &self,
        g: &dyn IVdsIscsiPortalGroup,
    ) -> HrResult<VDS_ISCSI_PORTALGROUP_PROP> {
        Ok(g.GetProperties()
            .await?
            .map(|p| VDS_ISCSI_PORTALGROUP_PROP { tag: 1, ..p }))
    }
}

/// A deleted target or group is reported as `VDS_E_OBJECT_NOT_FOUND`.
#[derive(Clone)]
pub(super) struct DeletedAsNotFound;

impl Wrap for DeletedAsNotFound {
    fn failure(&self, method: Method, hr: HResult) -> HResult {
        let on_object = matches!(
            method.interface(),
            "IVdsIscsiTarget" | "IVdsIscsiPortalGroup"
        );
        if on_object && hr == HResult::VDS_E_OBJECT_DELETED {
            HResult::VDS_E_OBJECT_NOT_FOUND
        } else {
            hr
        }
    }
}

/// QueryStatus's answer, edited by `f` when it succeeds.
async fn status_with(
    a: &dyn IVdsAsync,
    f: impl FnOnce(AsyncStatus) -> HrResult<AsyncStatus>,
) -> HrResult<AsyncStatus> {
    f(a.QueryStatus().await?.out)
}

/// A finished operation reports 99 percent, not 100.
#[derive(Clone)]
pub(super) struct PercentNot100;

#[async_trait]
impl Wrap for PercentNot100 {
    async fn async_query_status(&self, a: &dyn IVdsAsync) -> HrResult<AsyncStatus> {
        status_with(a, |s| match s.percent_completed {
            100 => ok(AsyncStatus {
                percent_completed: 99,
                ..s
            }),
            _ => ok(s),
        })
        .await
    }
}

/// QueryStatus's percentage goes backwards while pending.
#[derive(Clone)]
pub(super) struct PercentBackwards;

#[async_trait]
impl Wrap for PercentBackwards {
    async fn async_query_status(&self, a: &dyn IVdsAsync) -> HrResult<AsyncStatus> {
        status_with(a, |s| match s.hr_result {
            HResult::VDS_E_OPERATION_PENDING => ok(AsyncStatus {
                percent_completed: 99 - s.percent_completed.min(99),
                ..s
            }),
            _ => ok(s),
        })
        .await
    }
}

/// QueryStatus returns `VDS_E_OPERATION_PENDING` as its own result.
#[derive(Clone)]
pub(super) struct PendingAsMethodReturn;

#[async_trait]
impl Wrap for PendingAsMethodReturn {
    async fn async_query_status(&self, a: &dyn IVdsAsync) -> HrResult<AsyncStatus> {
        status_with(a, |s| match s.hr_result {
            HResult::VDS_E_OPERATION_PENDING => Err(HResult::VDS_E_OPERATION_PENDING),
            _ => ok(s),
        })
        .await
    }
}

/// Cancel after a successful completion claims success.
#[derive(Clone)]
pub(super) struct CancelAfterDoneSucceeds;

#[async_trait]
impl Wrap for CancelAfterDoneSucceeds {
    async fn async_cancel(&self, a: &dyn IVdsAsync) -> HrResult<()> {
        match a.Cancel().await {
            Err(hr) => match a.QueryStatus().await {
                Ok(s) if s.out.hr_result.succeeded() => ok(()),
                _ => Err(hr),
            },
            done => done,
        }
    }
}

/// Cancel says S_OK while the operation is pending, and the operation runs on.
#[derive(Clone)]
pub(super) struct CancelIgnored;

#[async_trait]
impl Wrap for CancelIgnored {
    async fn async_cancel(&self, a: &dyn IVdsAsync) -> HrResult<()> {
        match a.QueryStatus().await {
            Ok(s) if s.out.hr_result == HResult::VDS_E_OPERATION_PENDING => ok(()),
            _ => a.Cancel().await,
        }
    }
}

/// Wait on CreatePortalGroup never returns.
#[derive(Clone)]
pub(super) struct HangOnWait;

/// An operation whose Wait never returns.
struct Hanging(Arc<dyn IVdsAsync>);

#[async_trait]
impl IVdsAsync for Hanging {
    async fn Cancel(&self) -> HrResult<()> {
        self.0.Cancel().await
    }
    async fn Wait(&self) -> HrResult<WaitOutput> {
        std::future::pending().await
    }
    async fn QueryStatus(&self) -> HrResult<AsyncStatus> {
        self.0.QueryStatus().await
    }
}

#[async_trait]
impl Wrap for HangOnWait {
    async fn target_create_portal_group(
        &self,
        t: &dyn IVdsIscsiTarget,
    ) -> HrResult<ComPtr<dyn IVdsAsync>> {
        let r = t.CreatePortalGroup().await?;
        let hr = r.hr;
        ok_with(hr, r.out.map_object(|inner| Arc::new(Hanging(inner))))
    }
}

/// Refresh panics.
#[derive(Clone)]
pub(super) struct PanicOnRefresh;

#[async_trait]
impl Wrap for PanicOnRefresh {
    async fn hw_provider_refresh(&self, _: &dyn IVdsHwProvider) -> HrResult<()> {
        panic!("mutant panic-on-refresh: Refresh panicked");
    }
}

/// Refresh deadlocks: it blocks its thread and never yields to the simulator.
#[derive(Clone)]
pub(super) struct DeadlockInRefresh;

#[async_trait]
impl Wrap for DeadlockInRefresh {
    async fn hw_provider_refresh(&self, _: &dyn IVdsHwProvider) -> HrResult<()> {
        // Like a provider stuck on a lock it already holds.
        loop {
            std::thread::park();
        }
    }
}

/// QueryPortalGroups answers E_FAIL together with a list of groups.
#[derive(Clone)]
pub(super) struct FailureWithOutput;

#[async_trait]
impl Wrap for FailureWithOutput {
    async fn target_query_portal_groups(
        &self,
        t: &dyn IVdsIscsiTarget,
    ) -> HrResult<Vec<ComPtr<dyn IVdsIscsiPortalGroup>>> {
        let r = t.QueryPortalGroups().await?;
        ok_with(HResult::E_FAIL, r.out)
    }
}

/// Rewrites one operation result wherever a caller sees it: in Wait's and
/// QueryStatus's `pHrResult`, and (unless `in_calls` says no) as any
/// method's own return.
#[derive(Clone)]
pub(super) struct ResultRewrite {
    from: HResult,
    to: HResult,
    in_calls: fn(Method) -> bool,
}

impl ResultRewrite {
    fn fix(&self, hr: HResult) -> HResult {
        if hr == self.from { self.to } else { hr }
    }
}

#[async_trait]
impl Wrap for ResultRewrite {
    fn failure(&self, method: Method, hr: HResult) -> HResult {
        if (self.in_calls)(method) {
            self.fix(hr)
        } else {
            hr
        }
    }
    async fn async_wait(&self, a: &dyn IVdsAsync) -> HrResult<WaitOutput> {
        Ok(a.Wait().await?.map(|out| WaitOutput {
            hr_result: self.fix(out.hr_result),
            ..out
        }))
    }
    async fn async_query_status(&self, a: &dyn IVdsAsync) -> HrResult<AsyncStatus> {
        Ok(a.QueryStatus().await?.map(|st| AsyncStatus {
            hr_result: self.fix(st.hr_result),
            ..st
        }))
    }
}

/// `HRESULT_FROM_WIN32(ERROR_TIMEOUT)` built with the VDS facility (4)
/// instead of Win32's (7), everywhere but CreatePortalGroup's own return.
pub(super) const TIMEOUT_WRONG_FACILITY: ResultRewrite = ResultRewrite {
    from: HResult::from_win32(win32::ERROR_TIMEOUT),
    to: HResult::from_u32(0x8004_05B4),
    in_calls: |m| m != Method::TargetCreatePortalGroup,
};

/// Operations abandoned by a restart end as if canceled.
pub(super) const RESTART_AS_CANCELED: ResultRewrite = ResultRewrite {
    from: HResult::VDS_E_PROVIDER_EXITING,
    to: HResult::VDS_E_OPERATION_CANCELED,
    in_calls: |_| false,
};

/// A portal held by another group of the target is reported as not found.
#[derive(Clone)]
pub(super) struct PortalInUseAsNotFound;

impl Wrap for PortalInUseAsNotFound {
    fn failure(&self, method: Method, hr: HResult) -> HResult {
        if method == Method::PortalGroupAddPortal && hr == HResult::VDS_E_OBJECT_EXISTS {
            HResult::VDS_E_OBJECT_NOT_FOUND
        } else {
            hr
        }
    }
}

/// AddPortal refuses every portal as already in a group.
#[derive(Clone)]
pub(super) struct PortalRefusedWhenFree;

#[async_trait]
impl Wrap for PortalRefusedWhenFree {
    async fn portal_group_add_portal(
        &self,
        _g: &dyn IVdsIscsiPortalGroup,
        _portal: VDS_OBJECT_ID,
    ) -> HrResult<ComPtr<dyn IVdsAsync>> {
        Err(HResult::VDS_E_OBJECT_EXISTS)
    }
}

/// SetSharedSecret accepts a NULL secret with a non-zero size.
#[derive(Clone)]
pub(super) struct NullSecretAccepted;

#[async_trait]
impl Wrap for NullSecretAccepted {
    async fn target_set_shared_secret(
        &self,
        t: &dyn IVdsIscsiTarget,
        secret: Option<&VDS_ISCSI_SHARED_SECRET>,
        initiator: Option<&str>,
    ) -> HrResult<()> {
        match secret {
            Some(s) if s.pSharedSecret.is_none() && s.ulSharedSecretSize > 0 => ok(()),
            _ => t.SetSharedSecret(secret, initiator).await,
        }
    }
}

/// A deleted portal group answers the generic E_FAIL.
#[derive(Clone)]
pub(super) struct DeletedGroupAsEFail;

impl Wrap for DeletedGroupAsEFail {
    fn failure(&self, method: Method, hr: HResult) -> HResult {
        // The group's changing calls (those that start an operation).
        let changes = method.interface() == "IVdsIscsiPortalGroup" && method.is_async();
        if changes && hr == HResult::VDS_E_OBJECT_DELETED {
            HResult::E_FAIL
        } else {
            hr
        }
    }
}

/// After S_OK from CreatePortalGroup, Wait reports S_FALSE and no group.
#[derive(Clone)]
pub(super) struct CpgSuccessWithoutGroup;

#[async_trait]
impl Wrap for CpgSuccessWithoutGroup {
    async fn target_create_portal_group(
        &self,
        t: &dyn IVdsIscsiTarget,
    ) -> HrResult<ComPtr<dyn IVdsAsync>> {
        let r = t.CreatePortalGroup().await?;
        if r.hr != HResult::S_OK {
            return Ok(r);
        }
        let op = edit_wait(r.out, |out| {
            if out.hr_result != HResult::S_OK {
                return out;
            }
            if let VDS_ASYNC_OUTPUT::VDS_ASYNCOUT_CREATEPORTALGROUP {
                pPortalGroupUnk: Some(p),
            } = out.async_out
            {
                p.release();
            }
            WaitOutput {
                hr_result: HResult::S_FALSE,
                async_out: VDS_ASYNC_OUTPUT::VDS_ASYNCOUT_CREATEPORTALGROUP {
                    pPortalGroupUnk: None,
                },
            }
        });
        ok(op)
    }
}

/// AddPortal does its work, then reports the portal as not found.
#[derive(Clone)]
pub(super) struct AddPortalReportsNotFound;

#[async_trait]
impl Wrap for AddPortalReportsNotFound {
    async fn portal_group_add_portal(
        &self,
        g: &dyn IVdsIscsiPortalGroup,
        portal: VDS_OBJECT_ID,
    ) -> HrResult<ComPtr<dyn IVdsAsync>> {
        let r = g.AddPortal(portal).await?;
        let op = edit_wait(r.out, |out| {
            if out.hr_result == HResult::S_OK {
                WaitOutput {
                    hr_result: HResult::VDS_E_OBJECT_NOT_FOUND,
                    ..out
                }
            } else {
                out
            }
        });
        ok_with(r.hr, op)
    }
}

/// A target's Delete is always refused as if it had LUNs.
#[derive(Clone)]
pub(super) struct DeleteRefusedForLuns;

#[async_trait]
impl Wrap for DeleteRefusedForLuns {
    async fn target_delete(&self, _t: &dyn IVdsIscsiTarget) -> HrResult<ComPtr<dyn IVdsAsync>> {
        Err(HResult::VDS_E_ASSOCIATED_LUNS_EXIST)
    }
}

/// A living group's QueryAssociatedPortals answers VDS_E_OBJECT_DELETED.
#[derive(Clone)]
pub(super) struct LivingGroupDeleted;

#[async_trait]
impl Wrap for LivingGroupDeleted {
    async fn portal_group_query_associated_portals(
        &self,
        _g: &dyn IVdsIscsiPortalGroup,
    ) -> HrResult<Vec<ComPtr<dyn IVdsIscsiPortal>>> {
        Err(HResult::VDS_E_OBJECT_DELETED)
    }
}

/// CreateTarget refuses with `hr` every iSCSI name argument that `refuses`
/// picks out (`None` for NULL): chosen names refused as malformed or as
/// taken, an empty name taken as a malformed one.
#[derive(Clone)]
pub(super) struct NamesRefused {
    /// Which `pwszIscsiName` arguments are refused.
    pub refuses: fn(Option<&str>) -> bool,
    /// With what.
    pub hr: HResult,
}

#[async_trait]
impl Wrap for NamesRefused {
    async fn sub_system_create_target(
        &self,
        s: &dyn IVdsSubSystemIscsi,
        iscsi_name: Option<&str>,
        friendly_name: &str,
    ) -> HrResult<ComPtr<dyn IVdsAsync>> {
        if (self.refuses)(iscsi_name) {
            return Err(self.hr);
        }
        s.CreateTarget(iscsi_name, friendly_name).await
    }
}

/// SetFriendlyName answers VDS_E_ANOTHER_CALL_IN_PROGRESS whatever is
/// running.
#[derive(Clone)]
pub(super) struct RenameAlwaysBusy;

#[async_trait]
impl Wrap for RenameAlwaysBusy {
    async fn target_set_friendly_name(
        &self,
        _t: &dyn IVdsIscsiTarget,
        _name: &str,
    ) -> HrResult<()> {
        Err(HResult::VDS_E_ANOTHER_CALL_IN_PROGRESS)
    }
}

/// A Cancel that came too late, while the operation still ran, is claimed
/// as a success, and the operation is then reported cancelled, while the
/// array applies its change anyway. (A Cancel after the end is answered
/// truly: that lie is ASYNC-CANCEL-AFTER-DONE's, not this mutant's.)
#[derive(Default)]
pub(super) struct CancelTooLateHidden {
    /// The operations whose late Cancel was claimed, by object address.
    claimed: Mutex<std::collections::BTreeSet<usize>>,
}

/// Each run gets a fresh one.
impl Clone for CancelTooLateHidden {
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl CancelTooLateHidden {
    fn key(a: &dyn IVdsAsync) -> usize {
        a as *const dyn IVdsAsync as *const () as usize
    }
    fn claimed(&self, a: &dyn IVdsAsync) -> bool {
        let claimed = self.claimed.lock().unwrap_or_else(|e| e.into_inner());
        claimed.contains(&Self::key(a))
    }
}

#[async_trait]
impl Wrap for CancelTooLateHidden {
    async fn async_cancel(&self, a: &dyn IVdsAsync) -> HrResult<()> {
        if self.claimed(a) {
            return Err(HResult::VDS_E_OPERATION_CANCELED);
        }
        let running = a
            .QueryStatus()
            .await
            .is_ok_and(|s| s.out.hr_result == HResult::VDS_E_OPERATION_PENDING);
        if !running {
            return a.Cancel().await;
        }
        match a.Cancel().await {
            Err(HResult::VDS_E_CANCEL_TOO_LATE) => {
                let mut claimed = self.claimed.lock().unwrap_or_else(|e| e.into_inner());
                claimed.insert(Self::key(a));
                ok(())
            }
            other => other,
        }
    }
    async fn async_wait(&self, a: &dyn IVdsAsync) -> HrResult<WaitOutput> {
        let r = a.Wait().await?;
        if !self.claimed(a) {
            return Ok(r);
        }
        Ok(r.map(|mut out| {
            out.async_out.release_pointers();
            WaitOutput {
                hr_result: HResult::VDS_E_OPERATION_CANCELED,
                async_out: VDS_ASYNC_OUTPUT::null_of(out.async_out.r#type()),
            }
        }))
    }
    async fn async_query_status(&self, a: &dyn IVdsAsync) -> HrResult<AsyncStatus> {
        let r = a.QueryStatus().await?;
        if !self.claimed(a) {
            return Ok(r);
        }
        Ok(r.map(|_| AsyncStatus {
            hr_result: HResult::VDS_E_OPERATION_CANCELED,
            percent_completed: 0,
        }))
    }
}

/// QueryPortalGroups leaves out the first group of the list.
#[derive(Clone)]
pub(super) struct QueryGroupsOmitsFirst;

#[async_trait]
impl Wrap for QueryGroupsOmitsFirst {
    async fn target_query_portal_groups(
        &self,
        t: &dyn IVdsIscsiTarget,
    ) -> HrResult<Vec<ComPtr<dyn IVdsIscsiPortalGroup>>> {
        let r = t.QueryPortalGroups().await?;
        Ok(r.map(|mut groups| {
            if !groups.is_empty() {
                groups.remove(0).release();
            }
            groups
        }))
    }
}

/// Declares that it never carries out Cancel, and cancels as the reference does.
#[derive(Clone)]
pub(super) struct DeclaresNoCancel;

#[async_trait]
impl Wrap for DeclaresNoCancel {
    fn declaration(&self, inner: Declaration) -> Declaration {
        inner
            .not_supported(Method::AsyncCancel)
            .expect("Cancel may be declared not supported")
    }
}

/// Declares that its operations end in the call, and runs them on after
/// it as the reference does.
#[derive(Clone)]
pub(super) struct DeclaresOperationsEndInCall;

#[async_trait]
impl Wrap for DeclaresOperationsEndInCall {
    fn declaration(&self, inner: Declaration) -> Declaration {
        inner.operations_end_in_call(true)
    }
}
