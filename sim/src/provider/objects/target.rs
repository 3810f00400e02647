//! The reference provider's `IVdsIscsiTarget`, CreatePortalGroup among its methods.

use super::*;

/// The provider's `IVdsIscsiTarget`.
pub(crate) struct Target {
    pub(super) shared: Arc<Shared>,
    pub(super) id: VDS_OBJECT_ID,
}

impl Target {
    /// A handle on the target with this id (which may not exist).
    pub fn new(shared: Arc<Shared>, id: VDS_OBJECT_ID) -> Self {
        Self { shared, id }
    }

    /// The target's id.
    pub(crate) fn id(&self) -> VDS_OBJECT_ID {
        self.id
    }

    /// The common prologue: the gate, then "is this target still there?".
    async fn enter(&self) -> Result<crate::array::TargetRecord, HResult> {
        self.shared.gate().await?;
        let s = self.shared.lock();
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
    /// the target is in flight (rule BUSY-IN-DOMAIN); afterwards the
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

    /// CreatePortalGroup after the target lock is taken, `restarts` being
    /// the provider's restart count then.
    async fn create_portal_group(&self, restarts: u64) -> HrResult<ComPtr<dyn IVdsAsync>> {
        // Validate with the array: deletion behind our back, link errors and
        // the current group count surface here, in the call's own return.
        let reply = self
            .ask_sync(ArrayRequest::GetTarget { target: self.id })
            .await;
        if self.shared.restarts() != restarts {
            // The provider restarted while the array answered: the lock
            // went with it, so the operation must not run. It is handed
            // back already abandoned (rule RESTART-ABANDONS-OPERATIONS; the
            // call itself may only answer the documented codes). Found by
            // the world fuzz target.
            let code = HResult::VDS_E_PROVIDER_EXITING;
            let op = AsyncOp::finished(
                &self.shared,
                T::VDS_ASYNCOUT_CREATEPORTALGROUP,
                code,
                Produced::Nothing,
            );
            return ok(async_ptr(&self.shared, op, Method::TargetCreatePortalGroup));
        }
        let (groups, limit) = match reply? {
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
        let at_limit =
            groups.len() >= usize::from(limit) || mutated_at_limit(&self.shared, &groups);
        if at_limit {
            // Rule CPG-LIMIT-EXISTING: hand back the group with the lowest tag.
            self.shared.unlock(self.id);
            let existing = groups.iter().min_by_key(|g| g.tag).map(|g| g.id);
            let produced = match existing {
                Some(id) => Produced::PortalGroup(Arc::new(PortalGroup {
                    shared: self.shared.clone(),
                    id,
                })),
                None => Produced::Nothing,
            };
            let code = HResult::VDS_S_ALREADY_EXISTS;
            let op = AsyncOp::finished(
                &self.shared,
                T::VDS_ASYNCOUT_CREATEPORTALGROUP,
                code,
                produced,
            );
            return ok_with(
                code,
                async_ptr(&self.shared, op, Method::TargetCreatePortalGroup),
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
        ok(async_ptr(&self.shared, op, Method::TargetCreatePortalGroup))
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
        ok(subsystem_ptr(&self.shared, Method::TargetGetSubSystem))
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
            .map(|id| group_ptr(&self.shared, id, Method::TargetQueryPortalGroups))
            .collect();
        ok(groups)
    }

    async fn QueryAssociatedLuns(&self) -> HrResult<Vec<VDS_OBJECT_ID>> {
        ok(self.enter().await?.luns)
    }

    async fn CreatePortalGroup(&self) -> HrResult<ComPtr<dyn IVdsAsync>> {
        self.enter().await?;
        self.shared.lock_target(self.id)?;
        let restarts = self.shared.restarts();
        let result = self.create_portal_group(restarts).await;
        // After a restart the lock is not ours to free any more.
        if result.is_err() && self.shared.restarts() == restarts {
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
        ok(async_ptr(&self.shared, op, Method::TargetDelete))
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
        // Arguments first (rule ARG-NULL-POINTER): they do not depend on the
        // target's state, so a NULL pointer is E_POINTER even while it is busy.
        if pTargetSharedSecret.is_some_and(VDS_ISCSI_SHARED_SECRET::is_null_with_size) {
            return Err(HResult::E_POINTER);
        }
        self.enter().await?;
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
        // Arguments first (rule ARG-NULL-POINTER), as in SetSharedSecret.
        let Some(initiator) = pwszInitiatorName else {
            return Err(HResult::E_POINTER);
        };
        if pInitiatorSharedSecret.is_some_and(VDS_ISCSI_SHARED_SECRET::is_null_with_size) {
            return Err(HResult::E_POINTER);
        }
        self.enter().await?;
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

/// Under the catalogue's hook `SpuriousAlreadyExists`, a target with any
/// group counts as at its limit; never for the reference.
fn mutated_at_limit(shared: &Shared, groups: &[crate::array::GroupRecord]) -> bool {
    shared.mutated(Mutation::SpuriousAlreadyExists) && !groups.is_empty()
}
