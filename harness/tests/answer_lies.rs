//! Broken providers the suite was not written from: the reference, except
//! that one successful answer lies, in each field of each property struct,
//! in each list, in each change reported done without being made, and in a
//! Cancel that stops nothing. The default suite must refuse every one (a
//! lie no judge reads is a hole in the oracle, whatever the reference does).

use std::sync::Arc;

use vds_harness::suite::{SuiteConfig, run};
use vds_sim::prelude::*;

/// One way to lie.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Lie {
    TargetId,
    TargetIscsiName,
    TargetFriendlyName,
    TargetChap,
    GroupId,
    GroupTag,
    PortalId,
    PortalPort,
    PortalStatus,
    QueryTargetsDropsOne,
    QueryTargetsRepeatsOne,
    QueryPortalsDropsOne,
    QueryPortalGroupsDropsOne,
    QueryPortalGroupsRepeatsOne,
    QueryAssociatedPortalsDropsOne,
    QueryAssociatedPortalGroupsDropsOne,
    InitiatorsDropOne,
    InitiatorsInventOne,
    LunsDropOne,
    LunsInventOne,
    RenameNotMade,
    SecretNotSet,
    InitiatorSecretNotKept,
    StatusNotSet,
    CancelStopsNothing,
    WaitFailureAsSuccess,
    WaitSuccessAsDeleted,
    WaitSuccessAsUnknownType,
    StatusDoneEarly,
    RenameSaysTruncated,
}

const ALL: [Lie; 30] = [
    Lie::TargetId,
    Lie::TargetIscsiName,
    Lie::TargetFriendlyName,
    Lie::TargetChap,
    Lie::GroupId,
    Lie::GroupTag,
    Lie::PortalId,
    Lie::PortalPort,
    Lie::PortalStatus,
    Lie::QueryTargetsDropsOne,
    Lie::QueryTargetsRepeatsOne,
    Lie::QueryPortalsDropsOne,
    Lie::QueryPortalGroupsDropsOne,
    Lie::QueryPortalGroupsRepeatsOne,
    Lie::QueryAssociatedPortalsDropsOne,
    Lie::QueryAssociatedPortalGroupsDropsOne,
    Lie::InitiatorsDropOne,
    Lie::InitiatorsInventOne,
    Lie::LunsDropOne,
    Lie::LunsInventOne,
    Lie::RenameNotMade,
    Lie::SecretNotSet,
    Lie::InitiatorSecretNotKept,
    Lie::StatusNotSet,
    Lie::CancelStopsNothing,
    Lie::WaitFailureAsSuccess,
    Lie::WaitSuccessAsDeleted,
    Lie::WaitSuccessAsUnknownType,
    Lie::StatusDoneEarly,
    Lie::RenameSaysTruncated,
];

/// An id no object has.
fn stranger() -> VDS_OBJECT_ID {
    "{0BADF00D-0000-4000-8000-000000000001}".parse().unwrap()
}

/// Drops the last element of a list.
fn drop_last<T>(mut v: Vec<T>) -> Vec<T> {
    v.pop();
    v
}

/// Repeats the first element of a list (one more counted reference).
fn repeat_first<I: Interface + ?Sized>(mut v: Vec<ComPtr<I>>, by: Method) -> Vec<ComPtr<I>> {
    if let Some(first) = v.first().map(|p| p.add_ref(by)) {
        v.push(first);
    }
    v
}

#[derive(Clone)]
struct Lying(Lie);

#[async_trait]
impl Wrap for Lying {
    async fn target_get_properties(
        &self,
        t: &dyn IVdsIscsiTarget,
    ) -> HrResult<VDS_ISCSI_TARGET_PROP> {
        let p = t.GetProperties().await?;
        Ok(p.map(|mut p| {
            match self.0 {
                Lie::TargetId => p.id = stranger(),
                Lie::TargetIscsiName => p.pwszIscsiName.push('x'),
                Lie::TargetFriendlyName => p.pwszFriendlyName = "someone else".into(),
                Lie::TargetChap => p.bChapEnabled = !p.bChapEnabled,
                _ => {}
            }
            p
        }))
    }
    async fn portal_group_get_properties(
        &self,
        g: &dyn IVdsIscsiPortalGroup,
    ) -> HrResult<VDS_ISCSI_PORTALGROUP_PROP> {
        let p = g.GetProperties().await?;
        Ok(p.map(|mut p| {
            match self.0 {
                Lie::GroupId => p.id = stranger(),
                Lie::GroupTag => p.tag = p.tag.wrapping_add(100),
                _ => {}
            }
            p
        }))
    }
    async fn portal_get_properties(
        &self,
        p: &dyn IVdsIscsiPortal,
    ) -> HrResult<VDS_ISCSI_PORTAL_PROP> {
        let r = p.GetProperties().await?;
        Ok(r.map(|mut p| {
            match self.0 {
                Lie::PortalId => p.id = stranger(),
                Lie::PortalPort => p.address.ulPort += 1,
                Lie::PortalStatus => {
                    p.status = if p.status == VDS_ISCSI_PORTAL_STATUS::VDS_IPS_ONLINE {
                        VDS_ISCSI_PORTAL_STATUS::VDS_IPS_OFFLINE
                    } else {
                        VDS_ISCSI_PORTAL_STATUS::VDS_IPS_ONLINE
                    }
                }
                _ => {}
            }
            p
        }))
    }
    async fn sub_system_query_targets(
        &self,
        s: &dyn IVdsSubSystemIscsi,
    ) -> HrResult<Vec<ComPtr<dyn IVdsIscsiTarget>>> {
        let r = s.QueryTargets().await?;
        Ok(match self.0 {
            Lie::QueryTargetsDropsOne => r.map(drop_last),
            Lie::QueryTargetsRepeatsOne => {
                r.map(|v| repeat_first(v, Method::SubSystemQueryTargets))
            }
            _ => r,
        })
    }
    async fn sub_system_query_portals(
        &self,
        s: &dyn IVdsSubSystemIscsi,
    ) -> HrResult<Vec<ComPtr<dyn IVdsIscsiPortal>>> {
        let r = s.QueryPortals().await?;
        Ok(match self.0 {
            Lie::QueryPortalsDropsOne => r.map(drop_last),
            _ => r,
        })
    }
    async fn target_query_portal_groups(
        &self,
        t: &dyn IVdsIscsiTarget,
    ) -> HrResult<Vec<ComPtr<dyn IVdsIscsiPortalGroup>>> {
        let r = t.QueryPortalGroups().await?;
        Ok(match self.0 {
            Lie::QueryPortalGroupsDropsOne => r.map(drop_last),
            Lie::QueryPortalGroupsRepeatsOne => {
                r.map(|v| repeat_first(v, Method::TargetQueryPortalGroups))
            }
            _ => r,
        })
    }
    async fn portal_group_query_associated_portals(
        &self,
        g: &dyn IVdsIscsiPortalGroup,
    ) -> HrResult<Vec<ComPtr<dyn IVdsIscsiPortal>>> {
        let r = g.QueryAssociatedPortals().await?;
        Ok(match self.0 {
            Lie::QueryAssociatedPortalsDropsOne => r.map(drop_last),
            _ => r,
        })
    }
    async fn portal_query_associated_portal_groups(
        &self,
        p: &dyn IVdsIscsiPortal,
    ) -> HrResult<Vec<ComPtr<dyn IVdsIscsiPortalGroup>>> {
        let r = p.QueryAssociatedPortalGroups().await?;
        Ok(match self.0 {
            Lie::QueryAssociatedPortalGroupsDropsOne => r.map(drop_last),
            _ => r,
        })
    }
    async fn target_get_connected_initiators(
        &self,
        t: &dyn IVdsIscsiTarget,
    ) -> HrResult<Vec<String>> {
        let r = t.GetConnectedInitiators().await?;
        Ok(match self.0 {
            Lie::InitiatorsDropOne => r.map(drop_last),
            Lie::InitiatorsInventOne => r.map(|mut v| {
                v.push("iqn.1991-05.com.example:nobody".into());
                v
            }),
            _ => r,
        })
    }
    async fn target_query_associated_luns(
        &self,
        t: &dyn IVdsIscsiTarget,
    ) -> HrResult<Vec<VDS_OBJECT_ID>> {
        let r = t.QueryAssociatedLuns().await?;
        Ok(match self.0 {
            Lie::LunsDropOne => r.map(drop_last),
            Lie::LunsInventOne => r.map(|mut v| {
                v.push(stranger());
                v
            }),
            _ => r,
        })
    }
    async fn target_set_friendly_name(&self, t: &dyn IVdsIscsiTarget, name: &str) -> HrResult<()> {
        match self.0 {
            Lie::RenameNotMade => ok(()),
            Lie::RenameSaysTruncated => {
                let r = t.SetFriendlyName(name).await?;
                ok_with(HResult::VDS_S_NAME_TRUNCATED, r.out)
            }
            _ => t.SetFriendlyName(name).await,
        }
    }
    async fn target_set_shared_secret(
        &self,
        t: &dyn IVdsIscsiTarget,
        secret: Option<&VDS_ISCSI_SHARED_SECRET>,
        initiator: Option<&str>,
    ) -> HrResult<()> {
        match self.0 {
            Lie::SecretNotSet => ok(()),
            _ => t.SetSharedSecret(secret, initiator).await,
        }
    }
    async fn target_remember_initiator_shared_secret(
        &self,
        t: &dyn IVdsIscsiTarget,
        initiator: Option<&str>,
        secret: Option<&VDS_ISCSI_SHARED_SECRET>,
    ) -> HrResult<()> {
        match self.0 {
            Lie::InitiatorSecretNotKept => ok(()),
            _ => t.RememberInitiatorSharedSecret(initiator, secret).await,
        }
    }
    async fn portal_set_status(
        &self,
        p: &dyn IVdsIscsiPortal,
        status: VDS_ISCSI_PORTAL_STATUS,
    ) -> HrResult<()> {
        match self.0 {
            Lie::StatusNotSet => ok(()),
            _ => p.SetStatus(status).await,
        }
    }
    async fn async_wait(&self, a: &dyn IVdsAsync) -> HrResult<WaitOutput> {
        let r = a.Wait().await?;
        Ok(r.map(|mut w| {
            let kind = w.async_out.r#type();
            match self.0 {
                Lie::WaitFailureAsSuccess if w.hr_result.failed() => w.hr_result = HResult::S_OK,
                Lie::WaitSuccessAsDeleted if w.hr_result.succeeded() => {
                    w.hr_result = HResult::VDS_E_OBJECT_DELETED;
                    w.async_out.release_pointers();
                    w.async_out = VDS_ASYNC_OUTPUT::null_of(kind);
                }
                Lie::WaitSuccessAsUnknownType if w.hr_result.succeeded() => {
                    w.async_out.release_pointers();
                    w.async_out =
                        VDS_ASYNC_OUTPUT::null_of(VDS_ASYNC_OUTPUT_TYPE::VDS_ASYNCOUT_UNKNOWN);
                }
                _ => {}
            }
            w
        }))
    }
    async fn async_query_status(&self, a: &dyn IVdsAsync) -> HrResult<AsyncStatus> {
        let r = a.QueryStatus().await?;
        Ok(r.map(|mut st| {
            if self.0 == Lie::StatusDoneEarly {
                st.hr_result = HResult::S_OK;
                st.percent_completed = 100;
            }
            st
        }))
    }
    async fn async_cancel(&self, a: &dyn IVdsAsync) -> HrResult<()> {
        match self.0 {
            Lie::CancelStopsNothing => ok(()),
            _ => a.Cancel().await,
        }
    }
}

#[test]
fn every_lie_in_a_successful_answer_is_refused() {
    let mut passed = Vec::new();
    for lie in ALL {
        let name = format!("lies-{lie:?}");
        let f = Arc::new(Wrapped::new(&name, ReferenceFactory::default(), Lying(lie)));
        let report = run(&SuiteConfig::new(f).fail_fast(true), &mut |_| {});
        if report.failures.is_empty() {
            passed.push(name);
        }
    }
    assert!(
        passed.is_empty(),
        "{} of {} lying providers passed:\n{}",
        passed.len(),
        ALL.len(),
        passed.join("\n")
    );
}
