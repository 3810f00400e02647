#![allow(non_snake_case)]
//! The reference provider's COM objects: the provider root, the iSCSI
//! subsystem, targets, portal groups and portals. Each is a small handle
//! (the shared provider state plus an object id); every pointer handed out
//! is a fresh counted reference.

use std::sync::Arc;

use async_trait::async_trait;

use super::async_op::{AsyncOp, Produced, Work};
use super::{Mutation, Shared, array_error_hresult};
use crate::array::{ArrayError, ArrayReply, ArrayRequest};
use crate::com::{ComPtr, HrResult, ok, ok_with};
use crate::hresult::HResult;
use crate::interfaces::{
    IVdsAsync, IVdsHwProvider, IVdsIscsiPortal, IVdsIscsiPortalGroup, IVdsIscsiTarget,
    IVdsSubSystemIscsi,
};
use crate::output_type::VDS_ASYNC_OUTPUT_TYPE as T;
use crate::props::{
    VDS_ISCSI_PORTAL_PROP, VDS_ISCSI_PORTAL_STATUS, VDS_ISCSI_PORTALGROUP_PROP,
    VDS_ISCSI_SHARED_SECRET, VDS_ISCSI_TARGET_PROP, VDS_OBJECT_ID,
};

fn subsystem_ptr(shared: &Arc<Shared>, origin: &'static str) -> ComPtr<dyn IVdsSubSystemIscsi> {
    let id = shared.lock().cache.data().subsystem;
    ComPtr::issue(
        &shared.ledger,
        Arc::new(SubSystem {
            shared: shared.clone(),
        }),
        Some(id),
        origin,
    )
}

fn target_ptr(
    shared: &Arc<Shared>,
    id: VDS_OBJECT_ID,
    origin: &'static str,
) -> ComPtr<dyn IVdsIscsiTarget> {
    ComPtr::issue(
        &shared.ledger,
        Arc::new(Target {
            shared: shared.clone(),
            id,
        }),
        Some(id),
        origin,
    )
}

fn group_ptr(
    shared: &Arc<Shared>,
    id: VDS_OBJECT_ID,
    origin: &'static str,
) -> ComPtr<dyn IVdsIscsiPortalGroup> {
    ComPtr::issue(
        &shared.ledger,
        Arc::new(PortalGroup {
            shared: shared.clone(),
            id,
        }),
        Some(id),
        origin,
    )
}

fn portal_ptr(
    shared: &Arc<Shared>,
    id: VDS_OBJECT_ID,
    origin: &'static str,
) -> ComPtr<dyn IVdsIscsiPortal> {
    ComPtr::issue(
        &shared.ledger,
        Arc::new(Portal {
            shared: shared.clone(),
            id,
        }),
        Some(id),
        origin,
    )
}

fn async_ptr(
    shared: &Arc<Shared>,
    op: Arc<AsyncOp>,
    origin: &'static str,
) -> ComPtr<dyn IVdsAsync> {
    ComPtr::issue(&shared.ledger, op as Arc<dyn IVdsAsync>, None, origin)
}

/// Runs one array request as an operation's work; `done` turns the
/// array's answer into what Wait hands back. `subject` is the object the
/// operation is about: its `NotFound` means it was deleted.
fn work(
    shared: &Arc<Shared>,
    req: ArrayRequest,
    subject: Option<VDS_OBJECT_ID>,
    done: impl FnOnce(&Arc<Shared>, ArrayReply) -> (HResult, Produced) + Send + 'static,
) -> Work {
    let shared = shared.clone();
    Box::pin(async move {
        match shared.ask(req).await {
            Err(hr) => (hr, Produced::Nothing),
            Ok(Ok(reply)) => done(&shared, reply),
            Ok(Err(e)) => {
                if let ArrayError::NotFound { id } = e
                    && Some(id) == subject
                {
                    shared.lock().cache.mark_deleted(id);
                }
                (array_error_hresult(&e), Produced::Nothing)
            }
        }
    })
}

/// The provider's `IVdsHwProvider`.
pub struct HwProvider {
    shared: Arc<Shared>,
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
            "IVdsHwProvider::QuerySubSystems",
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
        if self.shared.mutated(Mutation::PanicOnRefresh) {
            panic!("mutant panic-on-refresh: Refresh panicked");
        }
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
        let answer = self.shared.ask(ArrayRequest::Snapshot).await;
        let mut s = self.shared.lock();
        s.refreshing = false;
        match answer? {
            Ok(ArrayReply::Snapshot { snapshot }) => {
                s.cache.load(snapshot);
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

/// The provider's `IVdsSubSystemIscsi`.
pub struct SubSystem {
    shared: Arc<Shared>,
}

/// Rule ARG-ISCSI-NAME: a chosen iSCSI name must be an `iqn.` or `eui.` name.
fn valid_iscsi_name(name: &str) -> bool {
    (name.starts_with("iqn.") || name.starts_with("eui."))
        && name.len() <= 223
        && !name.contains(' ')
}

#[async_trait]
impl IVdsSubSystemIscsi for SubSystem {
    async fn QueryTargets(&self) -> HrResult<Vec<ComPtr<dyn IVdsIscsiTarget>>> {
        self.shared.gate().await?;
        let ids: Vec<_> = self
            .shared
            .lock()
            .cache
            .data()
            .targets
            .keys()
            .copied()
            .collect();
        ok(ids
            .into_iter()
            .map(|id| target_ptr(&self.shared, id, "IVdsSubSystemIscsi::QueryTargets"))
            .collect())
    }

    async fn QueryPortals(&self) -> HrResult<Vec<ComPtr<dyn IVdsIscsiPortal>>> {
        self.shared.gate().await?;
        let ids: Vec<_> = self
            .shared
            .lock()
            .cache
            .data()
            .portals
            .keys()
            .copied()
            .collect();
        ok(ids
            .into_iter()
            .map(|id| portal_ptr(&self.shared, id, "IVdsSubSystemIscsi::QueryPortals"))
            .collect())
    }

    async fn CreateTarget(
        &self,
        pwszIscsiName: Option<&str>,
        pwszFriendlyName: &str,
    ) -> HrResult<ComPtr<dyn IVdsAsync>> {
        self.shared.gate().await?;
        let name = pwszIscsiName.filter(|n| !n.is_empty());
        if let Some(n) = name {
            if !valid_iscsi_name(n) {
                return Err(HResult::E_INVALIDARG);
            }
            if self
                .shared
                .lock()
                .cache
                .data()
                .targets
                .values()
                .any(|t| t.iscsi_name == n)
            {
                return Err(HResult::VDS_E_NAME_NOT_UNIQUE);
            }
        }
        let req = ArrayRequest::CreateTarget {
            iscsi_name: name.map(str::to_string),
            friendly_name: pwszFriendlyName.to_string(),
        };
        let work = work(&self.shared, req, None, |shared, reply| match reply {
            ArrayReply::Target { target, groups, .. } => {
                let id = target.id;
                shared.lock().cache.put_target(target, groups);
                (
                    HResult::S_OK,
                    Produced::Target(Arc::new(Target {
                        shared: shared.clone(),
                        id,
                    })),
                )
            }
            _ => (HResult::VDS_E_BAD_PROVIDER_DATA, Produced::Nothing),
        });
        let op = AsyncOp::start(&self.shared, T::VDS_ASYNCOUT_CREATETARGET, None, work);
        ok(async_ptr(
            &self.shared,
            op,
            "IVdsSubSystemIscsi::CreateTarget",
        ))
    }
}

/// The provider's `IVdsIscsiTarget`.
pub struct Target {
    shared: Arc<Shared>,
    id: VDS_OBJECT_ID,
}

impl Target {
    /// A handle on the target with this id (which may not exist).
    pub(crate) fn new(shared: Arc<Shared>, id: VDS_OBJECT_ID) -> Self {
        Self { shared, id }
    }

    /// The target's id.
    pub fn id(&self) -> VDS_OBJECT_ID {
        self.id
    }

    /// The common prologue: the gate, then "is this target still there?".
    async fn enter(&self) -> Result<crate::array::TargetRecord, HResult> {
        self.shared.gate().await?;
        let s = self.shared.lock();
        if s.cache.is_deleted(self.id) {
            return Err(self.shared.deleted_code());
        }
        s.cache
            .target(self.id)
            .cloned()
            .ok_or(self.shared.deleted_code())
    }

    /// A synchronous request about this target, with NotFound meaning deleted.
    async fn ask_sync(&self, req: ArrayRequest) -> Result<ArrayReply, HResult> {
        match self.shared.ask(req).await? {
            Ok(reply) => Ok(reply),
            Err(ArrayError::NotFound { id }) if id == self.id => {
                self.shared.lock().cache.mark_deleted(self.id);
                Err(self.shared.deleted_code())
            }
            Err(e) => Err(array_error_hresult(&e)),
        }
    }

    /// A synchronous change to this target: refused while an operation on
    /// the target is in flight (rule BUSY-PER-TARGET); afterwards the
    /// target's cache entry is re-read from the array, the source of truth.
    async fn change(&self, req: ArrayRequest) -> Result<ArrayReply, HResult> {
        if self.shared.lock().busy.contains(&self.id)
            && !self.shared.mutated(Mutation::NoSerialisation)
        {
            return Err(HResult::VDS_E_ANOTHER_CALL_IN_PROGRESS);
        }
        let reply = self.ask_sync(req).await?;
        if let Ok(ArrayReply::Target { target, groups, .. }) = self
            .ask_sync(ArrayRequest::GetTarget { target: self.id })
            .await
        {
            self.shared.lock().cache.put_target(target, groups);
        }
        Ok(reply)
    }

    async fn create_portal_group(&self) -> HrResult<ComPtr<dyn IVdsAsync>> {
        // Validate with the array: deletion behind our back, link errors and
        // the current group count surface here, in the call's own return.
        let (groups, limit) = match self
            .ask_sync(ArrayRequest::GetTarget { target: self.id })
            .await?
        {
            ArrayReply::Target {
                target,
                groups,
                group_limit,
            } => {
                self.shared.lock().cache.put_target(target, groups.clone());
                (groups, group_limit)
            }
            _ => return Err(HResult::VDS_E_BAD_PROVIDER_DATA),
        };
        let at_limit = groups.len() >= usize::from(limit)
            || (self.shared.mutated(Mutation::SpuriousAlreadyExists) && !groups.is_empty());
        if at_limit {
            // Rule CPG-LIMIT-EXISTING: hand back the group with the lowest tag.
            self.shared.unlock(self.id);
            let existing = groups.iter().min_by_key(|g| g.tag).map(|g| g.id);
            let produced = match existing {
                _ if self.shared.mutated(Mutation::AlreadyExistsNull) => Produced::Nothing,
                Some(id) => Produced::PortalGroup(Arc::new(PortalGroup {
                    shared: self.shared.clone(),
                    id,
                })),
                None => Produced::Nothing,
            };
            let code = if self.shared.mutated(Mutation::LimitIgnored) {
                HResult::S_OK
            } else {
                HResult::VDS_S_ALREADY_EXISTS
            };
            let op = AsyncOp::finished(
                &self.shared,
                T::VDS_ASYNCOUT_CREATEPORTALGROUP,
                code,
                produced,
            );
            return ok_with(
                code,
                async_ptr(&self.shared, op, "IVdsIscsiTarget::CreatePortalGroup"),
            );
        }
        let target = self.id;
        let work = work(
            &self.shared,
            ArrayRequest::CreatePortalGroup { target },
            Some(target),
            move |shared, reply| match reply {
                ArrayReply::Group { group } => {
                    let id = group.id;
                    shared.lock().cache.put_group(group);
                    (
                        HResult::S_OK,
                        Produced::PortalGroup(Arc::new(PortalGroup {
                            shared: shared.clone(),
                            id,
                        })),
                    )
                }
                _ => (HResult::VDS_E_BAD_PROVIDER_DATA, Produced::Nothing),
            },
        );
        let op = AsyncOp::start(
            &self.shared,
            T::VDS_ASYNCOUT_CREATEPORTALGROUP,
            Some(self.id),
            work,
        );
        ok(async_ptr(
            &self.shared,
            op,
            "IVdsIscsiTarget::CreatePortalGroup",
        ))
    }
}

#[async_trait]
impl IVdsIscsiTarget for Target {
    async fn GetProperties(&self) -> HrResult<VDS_ISCSI_TARGET_PROP> {
        let t = self.enter().await?;
        ok(VDS_ISCSI_TARGET_PROP {
            id: t.id,
            pwszIscsiName: t.iscsi_name,
            pwszFriendlyName: t.friendly_name,
            bChapEnabled: t.chap_enabled,
        })
    }

    async fn GetSubSystem(&self) -> HrResult<ComPtr<dyn IVdsSubSystemIscsi>> {
        self.enter().await?;
        ok(subsystem_ptr(&self.shared, "IVdsIscsiTarget::GetSubSystem"))
    }

    async fn QueryPortalGroups(&self) -> HrResult<Vec<ComPtr<dyn IVdsIscsiPortalGroup>>> {
        self.enter().await?;
        let ids: Vec<_> = self
            .shared
            .lock()
            .cache
            .data()
            .groups_of(self.id)
            .iter()
            .map(|g| g.id)
            .collect();
        let groups = ids
            .into_iter()
            .map(|id| group_ptr(&self.shared, id, "IVdsIscsiTarget::QueryPortalGroups"))
            .collect();
        if self.shared.mutated(Mutation::FailureWithOutput) {
            return ok_with(HResult::E_FAIL, groups);
        }
        ok(groups)
    }

    async fn QueryAssociatedLuns(&self) -> HrResult<Vec<VDS_OBJECT_ID>> {
        ok(self.enter().await?.luns)
    }

    async fn CreatePortalGroup(&self) -> HrResult<ComPtr<dyn IVdsAsync>> {
        self.enter().await?;
        self.shared.lock_target(self.id)?;
        let result = self.create_portal_group().await;
        if result.as_ref().is_err() {
            self.shared.unlock(self.id);
        }
        result
    }

    async fn Delete(&self) -> HrResult<ComPtr<dyn IVdsAsync>> {
        let t = self.enter().await?;
        if !t.luns.is_empty() {
            return Err(HResult::VDS_E_ASSOCIATED_LUNS_EXIST);
        }
        self.shared.lock_target(self.id)?;
        let target = self.id;
        let work = work(
            &self.shared,
            ArrayRequest::DeleteTarget { target },
            Some(target),
            move |shared, _| {
                shared.lock().cache.mark_deleted(target);
                (HResult::S_OK, Produced::Nothing)
            },
        );
        let op = AsyncOp::start(
            &self.shared,
            T::VDS_ASYNCOUT_DELETETARGET,
            Some(self.id),
            work,
        );
        ok(async_ptr(&self.shared, op, "IVdsIscsiTarget::Delete"))
    }

    async fn SetFriendlyName(&self, pwszFriendlyName: &str) -> HrResult<()> {
        self.enter().await?;
        let req = ArrayRequest::SetFriendlyName {
            target: self.id,
            name: pwszFriendlyName.to_string(),
        };
        let ArrayReply::Done { truncated } = self.change(req).await? else {
            return Err(HResult::VDS_E_BAD_PROVIDER_DATA);
        };
        if truncated {
            ok_with(HResult::VDS_S_NAME_TRUNCATED, ())
        } else {
            ok(())
        }
    }

    async fn SetSharedSecret(
        &self,
        pTargetSharedSecret: Option<&VDS_ISCSI_SHARED_SECRET>,
        pwszInitiatorName: Option<&str>,
    ) -> HrResult<()> {
        self.enter().await?;
        if pTargetSharedSecret.is_some_and(VDS_ISCSI_SHARED_SECRET::is_null_with_size) {
            return Err(HResult::E_POINTER);
        }
        if pwszInitiatorName.is_some() {
            return Err(HResult::VDS_E_INITIATOR_SPECIFIC_NOT_SUPPORTED);
        }
        let secret = pTargetSharedSecret.and_then(|s| s.pSharedSecret.clone());
        self.change(ArrayRequest::SetSharedSecret {
            target: self.id,
            initiator: None,
            secret,
        })
        .await?;
        ok(())
    }

    async fn RememberInitiatorSharedSecret(
        &self,
        pwszInitiatorName: Option<&str>,
        pInitiatorSharedSecret: Option<&VDS_ISCSI_SHARED_SECRET>,
    ) -> HrResult<()> {
        self.enter().await?;
        let Some(initiator) = pwszInitiatorName else {
            return Err(HResult::E_POINTER);
        };
        if pInitiatorSharedSecret.is_some_and(VDS_ISCSI_SHARED_SECRET::is_null_with_size) {
            return Err(HResult::E_POINTER);
        }
        let secret = pInitiatorSharedSecret.and_then(|s| s.pSharedSecret.clone());
        let req = ArrayRequest::RememberInitiatorSecret {
            target: self.id,
            initiator: initiator.to_string(),
            secret,
        };
        self.change(req).await?;
        ok(())
    }

    async fn GetConnectedInitiators(&self) -> HrResult<Vec<String>> {
        ok(self.enter().await?.connected_initiators)
    }
}

/// The provider's `IVdsIscsiPortalGroup`.
pub struct PortalGroup {
    shared: Arc<Shared>,
    id: VDS_OBJECT_ID,
}

impl PortalGroup {
    /// A handle on the group with this id (which may not exist).
    pub(crate) fn new(shared: Arc<Shared>, id: VDS_OBJECT_ID) -> Self {
        Self { shared, id }
    }

    /// The group's id.
    pub fn id(&self) -> VDS_OBJECT_ID {
        self.id
    }

    async fn enter(&self) -> Result<crate::array::GroupRecord, HResult> {
        self.shared.gate().await?;
        let s = self.shared.lock();
        if s.cache.is_deleted(self.id) {
            return Err(self.shared.deleted_code());
        }
        let g = s
            .cache
            .group(self.id)
            .cloned()
            .ok_or(HResult::VDS_E_OBJECT_DELETED)?;
        if s.cache.is_deleted(g.target) {
            return Err(HResult::VDS_E_OBJECT_DELETED);
        }
        Ok(g)
    }

    fn start(
        &self,
        g: &crate::array::GroupRecord,
        t: T,
        req: ArrayRequest,
        portal: Option<VDS_OBJECT_ID>,
    ) -> HrResult<Arc<AsyncOp>> {
        self.shared.lock_target(g.target)?;
        let group = self.id;
        let deleting = matches!(req, ArrayRequest::DeletePortalGroup { .. });
        let shared = self.shared.clone();
        let inner = work(&self.shared, req, Some(group), move |shared, reply| {
            match reply {
                ArrayReply::Group { group } => shared.lock().cache.put_group(group),
                _ if deleting => shared.lock().cache.mark_deleted(group),
                _ => {}
            }
            (HResult::S_OK, Produced::Nothing)
        });
        // A missing portal is VDS_E_OBJECT_NOT_FOUND, not a deleted group.
        let work: Work = Box::pin(async move {
            let (hr, produced) = inner.await;
            if hr == HResult::VDS_E_OBJECT_DELETED
                && portal.is_some()
                && shared.lock().cache.group(group).is_some()
            {
                return (HResult::VDS_E_OBJECT_NOT_FOUND, produced);
            }
            (hr, produced)
        });
        ok(AsyncOp::start(&self.shared, t, Some(g.target), work))
    }
}

#[async_trait]
impl IVdsIscsiPortalGroup for PortalGroup {
    async fn GetProperties(&self) -> HrResult<VDS_ISCSI_PORTALGROUP_PROP> {
        let g = self.enter().await?;
        let tag = if self.shared.mutated(Mutation::DuplicateTags) {
            1
        } else {
            g.tag
        };
        ok(VDS_ISCSI_PORTALGROUP_PROP { id: g.id, tag })
    }

    async fn GetTarget(&self) -> HrResult<ComPtr<dyn IVdsIscsiTarget>> {
        let g = self.enter().await?;
        let mut target = g.target;
        if self.shared.mutated(Mutation::WrongTargetInGetTarget) {
            let s = self.shared.lock();
            if let Some(other) = s.cache.data().targets.keys().find(|t| **t != g.target) {
                target = *other;
            }
        }
        ok(target_ptr(
            &self.shared,
            target,
            "IVdsIscsiPortalGroup::GetTarget",
        ))
    }

    async fn QueryAssociatedPortals(&self) -> HrResult<Vec<ComPtr<dyn IVdsIscsiPortal>>> {
        let g = self.enter().await?;
        ok(g.portals
            .iter()
            .map(|id| {
                portal_ptr(
                    &self.shared,
                    *id,
                    "IVdsIscsiPortalGroup::QueryAssociatedPortals",
                )
            })
            .collect())
    }

    async fn AddPortal(&self, portalId: VDS_OBJECT_ID) -> HrResult<ComPtr<dyn IVdsAsync>> {
        let g = self.enter().await?;
        if portalId.is_nil() {
            return Err(HResult::E_INVALIDARG);
        }
        {
            let s = self.shared.lock();
            if !s.cache.data().portals.contains_key(&portalId) {
                return Err(HResult::VDS_E_OBJECT_NOT_FOUND);
            }
            // Rule PORTAL-ONE-GROUP-PER-TARGET.
            let holder = s
                .cache
                .data()
                .groups_of(g.target)
                .into_iter()
                .find(|h| h.portals.contains(&portalId));
            if holder.is_some_and(|h| h.id != self.id) {
                return Err(HResult::VDS_E_OBJECT_EXISTS);
            }
        }
        let req = ArrayRequest::AddPortal {
            group: self.id,
            portal: portalId,
        };
        let op = self
            .start(&g, T::VDS_ASYNCOUT_ADDPORTAL, req, Some(portalId))?
            .out;
        ok(async_ptr(
            &self.shared,
            op,
            "IVdsIscsiPortalGroup::AddPortal",
        ))
    }

    async fn RemovePortal(&self, portalId: VDS_OBJECT_ID) -> HrResult<ComPtr<dyn IVdsAsync>> {
        let g = self.enter().await?;
        if !g.portals.contains(&portalId) {
            return Err(HResult::VDS_E_OBJECT_NOT_FOUND);
        }
        let req = ArrayRequest::RemovePortal {
            group: self.id,
            portal: portalId,
        };
        let op = self
            .start(&g, T::VDS_ASYNCOUT_REMOVEPORTAL, req, Some(portalId))?
            .out;
        ok(async_ptr(
            &self.shared,
            op,
            "IVdsIscsiPortalGroup::RemovePortal",
        ))
    }

    async fn Delete(&self) -> HrResult<ComPtr<dyn IVdsAsync>> {
        let g = self.enter().await?;
        if !g.portals.is_empty() {
            return Err(HResult::VDS_E_ASSOCIATED_PORTALS_EXIST);
        }
        let req = ArrayRequest::DeletePortalGroup { group: self.id };
        let op = self
            .start(&g, T::VDS_ASYNCOUT_DELETEPORTALGROUP, req, None)?
            .out;
        ok(async_ptr(&self.shared, op, "IVdsIscsiPortalGroup::Delete"))
    }
}

/// The provider's `IVdsIscsiPortal`.
pub struct Portal {
    shared: Arc<Shared>,
    id: VDS_OBJECT_ID,
}

impl Portal {
    async fn enter(&self) -> Result<crate::array::PortalRecord, HResult> {
        self.shared.gate().await?;
        let s = self.shared.lock();
        s.cache
            .data()
            .portals
            .get(&self.id)
            .cloned()
            .ok_or(HResult::VDS_E_OBJECT_DELETED)
    }
}

#[async_trait]
impl IVdsIscsiPortal for Portal {
    async fn GetProperties(&self) -> HrResult<VDS_ISCSI_PORTAL_PROP> {
        let p = self.enter().await?;
        ok(VDS_ISCSI_PORTAL_PROP {
            id: p.id,
            address: p.address,
            status: p.status,
        })
    }

    async fn GetSubSystem(&self) -> HrResult<ComPtr<dyn IVdsSubSystemIscsi>> {
        self.enter().await?;
        ok(subsystem_ptr(&self.shared, "IVdsIscsiPortal::GetSubSystem"))
    }

    async fn QueryAssociatedPortalGroups(&self) -> HrResult<Vec<ComPtr<dyn IVdsIscsiPortalGroup>>> {
        self.enter().await?;
        let ids: Vec<_> = self
            .shared
            .lock()
            .cache
            .data()
            .groups
            .values()
            .filter(|g| g.portals.contains(&self.id))
            .map(|g| g.id)
            .collect();
        ok(ids
            .into_iter()
            .map(|id| {
                group_ptr(
                    &self.shared,
                    id,
                    "IVdsIscsiPortal::QueryAssociatedPortalGroups",
                )
            })
            .collect())
    }

    async fn SetStatus(&self, status: VDS_ISCSI_PORTAL_STATUS) -> HrResult<()> {
        self.enter().await?;
        if !matches!(
            status,
            VDS_ISCSI_PORTAL_STATUS::VDS_IPS_ONLINE | VDS_ISCSI_PORTAL_STATUS::VDS_IPS_OFFLINE
        ) {
            return Err(HResult::E_INVALIDARG);
        }
        let req = ArrayRequest::SetPortalStatus {
            portal: self.id,
            status: status.value(),
        };
        match self.shared.ask(req).await? {
            Ok(ArrayReply::Portal { portal }) => {
                self.shared.lock().cache.update(|d| {
                    d.portals.insert(portal.id, portal);
                });
                ok(())
            }
            Ok(_) => Err(HResult::VDS_E_BAD_PROVIDER_DATA),
            Err(e) => Err(array_error_hresult(&e)),
        }
    }
}
