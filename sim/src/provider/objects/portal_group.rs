//! The reference provider's `IVdsIscsiPortalGroup`.

use super::*;

/// The provider's `IVdsIscsiPortalGroup`.
pub(crate) struct PortalGroup {
    pub(super) shared: Arc<Shared>,
    pub(super) id: VDS_OBJECT_ID,
}

impl PortalGroup {
    /// A handle on the group with this id (which may not exist).
    pub fn new(shared: Arc<Shared>, id: VDS_OBJECT_ID) -> Self {
        Self { shared, id }
    }

    /// The group's id.
    pub(crate) fn id(&self) -> VDS_OBJECT_ID {
        self.id
    }

    async fn enter(&self) -> Result<crate::array::GroupRecord, HResult> {
        self.shared.gate().await?;
        let s = self.shared.lock();
        let gone = self.shared.deleted_code();
        let g = s.cache.group(self.id).cloned().ok_or(gone)?;
        // A group of a target that is gone is gone too.
        s.cache.target(g.target).ok_or(gone)?;
        Ok(g)
    }

    /// The group as the array has it now, which the cache learns; a group
    /// the array no longer has is learned deleted.
    async fn confirmed(&self) -> Result<crate::array::GroupRecord, HResult> {
        let group = self.id;
        match self
            .shared
            .ask(ArrayRequest::GetPortalGroup { group })
            .await?
        {
            Ok(ArrayReply::Group { group }) => {
                self.shared.lock().cache.put_group(group.clone());
                Ok(group)
            }
            Ok(_) => Err(HResult::VDS_E_BAD_PROVIDER_DATA),
            Err(e) => {
                if matches!(e, ArrayError::NotFound { .. }) {
                    self.shared.lock().cache.mark_deleted(group);
                }
                Err(array_error_hresult(&e))
            }
        }
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
            if deleting {
                shared.lock().cache.mark_deleted(group);
            } else if let ArrayReply::Group { group } = reply {
                shared.lock().cache.put_group(group);
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
        ok(VDS_ISCSI_PORTALGROUP_PROP {
            id: g.id,
            tag: g.tag,
        })
    }

    async fn GetTarget(&self) -> HrResult<ComPtr<dyn IVdsIscsiTarget>> {
        let g = self.enter().await?;
        let target = mutated_target(&self.shared, g.target);
        ok(target_ptr(
            &self.shared,
            target,
            Method::PortalGroupGetTarget,
        ))
    }

    async fn QueryAssociatedPortals(&self) -> HrResult<Vec<ComPtr<dyn IVdsIscsiPortal>>> {
        let g = self.enter().await?;
        ok(g.portals
            .iter()
            .map(|id| portal_ptr(&self.shared, *id, Method::PortalGroupQueryAssociatedPortals))
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
        ok(async_ptr(&self.shared, op, Method::PortalGroupAddPortal))
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
        ok(async_ptr(&self.shared, op, Method::PortalGroupRemovePortal))
    }

    async fn Delete(&self) -> HrResult<ComPtr<dyn IVdsAsync>> {
        let mut g = self.enter().await?;
        // A refusal states a fact about the array (REFUSAL-WARRANTED), and
        // the cache may be stale (a deletion behind the provider's back, or
        // its own operation that timed out): the array confirms it first.
        if !g.portals.is_empty() {
            g = self.confirmed().await?;
        }
        if !g.portals.is_empty() {
            return Err(HResult::VDS_E_ASSOCIATED_PORTALS_EXIST);
        }
        let req = ArrayRequest::DeletePortalGroup { group: self.id };
        let op = self
            .start(&g, T::VDS_ASYNCOUT_DELETEPORTALGROUP, req, None)?
            .out;
        ok(async_ptr(&self.shared, op, Method::PortalGroupDelete))
    }
}

/// The target GetTarget hands back: the group's, except under the
/// catalogue's hook `WrongTargetInGetTarget`, which picks another.
fn mutated_target(shared: &Shared, target: VDS_OBJECT_ID) -> VDS_OBJECT_ID {
    if !shared.mutated(Mutation::WrongTargetInGetTarget) {
        return target;
    }
    let s = shared.lock();
    let other = s.cache.data().targets.keys().find(|t| **t != target);
    other.copied().unwrap_or(target)
}
