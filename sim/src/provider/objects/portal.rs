//! The reference provider's `IVdsIscsiPortal`.

use super::*;

/// The provider's `IVdsIscsiPortal`.
pub(crate) struct Portal {
    pub(super) shared: Arc<Shared>,
    pub(super) id: VDS_OBJECT_ID,
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
        ok(subsystem_ptr(&self.shared, Method::PortalGetSubSystem))
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
            .map(|id| group_ptr(&self.shared, id, Method::PortalQueryAssociatedPortalGroups))
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
