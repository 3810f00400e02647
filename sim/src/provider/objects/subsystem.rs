//! The reference provider's `IVdsSubSystemIscsi`.

use super::*;

/// The provider's `IVdsSubSystemIscsi`.
pub(crate) struct SubSystem {
    pub(super) shared: Arc<Shared>,
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
            .map(|id| target_ptr(&self.shared, id, Method::SubSystemQueryTargets))
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
            .map(|id| portal_ptr(&self.shared, id, Method::SubSystemQueryPortals))
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
            if !crate::profile::iscsi_name_well_formed(n) {
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
        ok(async_ptr(&self.shared, op, Method::SubSystemCreateTarget))
    }
}
