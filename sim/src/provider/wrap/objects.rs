//! The wrapped objects: one generic [`Obj`] per interface, forwarding each
//! method through its [`Wrap`] hook and wrapping every pointer on the way out.

use std::sync::Arc;

use async_trait::async_trait;

use super::Wrap;
use crate::com::{ComPtr, HrResult};
use crate::interfaces::async_output::VDS_ASYNC_OUTPUT;
use crate::interfaces::{
    AsyncStatus, IVdsAsync, IVdsHwProvider, IVdsIscsiPortal, IVdsIscsiPortalGroup, IVdsIscsiTarget,
    IVdsSubSystemIscsi, WaitOutput,
};
use crate::method::Method;
use crate::props::{
    VDS_IPADDRESS, VDS_ISCSI_IPSEC_KEY, VDS_ISCSI_PORTAL_PROP, VDS_ISCSI_PORTAL_STATUS,
    VDS_ISCSI_PORTALGROUP_PROP, VDS_ISCSI_SHARED_SECRET, VDS_ISCSI_TARGET_PROP, VDS_OBJECT_ID,
};
use crate::provider::{ProviderFault, SimProvider};

/// A provider decorated by `W`.
pub(super) struct WrappedProvider<W> {
    pub(super) inner: Arc<dyn SimProvider>,
    pub(super) wrap: Arc<W>,
}

impl<W: Wrap> SimProvider for WrappedProvider<W> {
    fn root(&self) -> Arc<dyn IVdsHwProvider> {
        Arc::new(Obj {
            inner: self.inner.root(),
            wrap: self.wrap.clone(),
        })
    }
    fn inject(&self, fault: ProviderFault) -> bool {
        self.wrap.inject(self.inner.as_ref(), fault)
    }
    fn end(&self) -> crate::provider::ProviderEnd {
        self.inner.end()
    }
}

/// The inner provider's object `I`, seen through the wrapper `W`.
struct Obj<I: ?Sized, W> {
    inner: Arc<I>,
    wrap: Arc<W>,
}

impl<I: ?Sized, W: Wrap> Obj<I, W> {
    /// Makes one call of `method` through the wrapper: its
    /// [`Wrap::before`] first (which may answer instead), then the hook's
    /// `call`; the wrapper may rewrite the failure code either gives.
    async fn through<T>(
        &self,
        method: Method,
        call: impl std::future::Future<Output = HrResult<T>>,
    ) -> HrResult<T> {
        let r = match self.wrap.before(method).await {
            Ok(()) => call.await,
            Err(hr) => Err(hr),
        };
        r.map_err(|hr| self.wrap.failure(method, hr))
    }
}

/// Wraps what a hook hands back: every interface pointer in it.
trait Rewrap<W> {
    fn rewrap(self, wrap: &Arc<W>) -> Self;
}

macro_rules! rewrap_pointers {
    ($($i:ident),*) => {$(
        impl<W: Wrap> Rewrap<W> for ComPtr<dyn $i> {
            fn rewrap(self, wrap: &Arc<W>) -> Self {
                self.map_object(|inner| Arc::new(Obj { inner, wrap: wrap.clone() }))
            }
        }
    )*};
}
rewrap_pointers!(
    IVdsSubSystemIscsi,
    IVdsIscsiTarget,
    IVdsIscsiPortalGroup,
    IVdsIscsiPortal,
    IVdsAsync
);

impl<W, T: Rewrap<W>> Rewrap<W> for Vec<T> {
    fn rewrap(self, wrap: &Arc<W>) -> Self {
        self.into_iter().map(|p| p.rewrap(wrap)).collect()
    }
}

impl<W: Wrap> Rewrap<W> for WaitOutput {
    fn rewrap(self, wrap: &Arc<W>) -> Self {
        use VDS_ASYNC_OUTPUT as O;
        let async_out = match self.async_out {
            O::VDS_ASYNCOUT_CREATEPORTALGROUP { pPortalGroupUnk } => {
                O::VDS_ASYNCOUT_CREATEPORTALGROUP {
                    pPortalGroupUnk: pPortalGroupUnk.map(|p| p.rewrap(wrap)),
                }
            }
            O::VDS_ASYNCOUT_CREATETARGET { pTargetUnk } => O::VDS_ASYNCOUT_CREATETARGET {
                pTargetUnk: pTargetUnk.map(|p| p.rewrap(wrap)),
            },
            other => other,
        };
        WaitOutput { async_out, ..self }
    }
}

/// Wraps the out-parameters of a successful (or nonsensical) answer.
fn out<W, T: Rewrap<W>>(r: HrResult<T>, wrap: &Arc<W>) -> HrResult<T> {
    r.map(|s| s.map(|o| o.rewrap(wrap)))
}

#[async_trait]
impl<W: Wrap> IVdsHwProvider for Obj<dyn IVdsHwProvider, W> {
    async fn QuerySubSystems(&self) -> HrResult<Vec<ComPtr<dyn IVdsSubSystemIscsi>>> {
        let r = self
            .through(
                Method::HwProviderQuerySubSystems,
                self.wrap.hw_provider_query_sub_systems(&*self.inner),
            )
            .await;
        out(r, &self.wrap)
    }
    async fn Reenumerate(&self) -> HrResult<()> {
        self.through(
            Method::HwProviderReenumerate,
            self.wrap.hw_provider_reenumerate(&*self.inner),
        )
        .await
    }
    async fn Refresh(&self) -> HrResult<()> {
        self.through(
            Method::HwProviderRefresh,
            self.wrap.hw_provider_refresh(&*self.inner),
        )
        .await
    }
}

#[async_trait]
impl<W: Wrap> IVdsSubSystemIscsi for Obj<dyn IVdsSubSystemIscsi, W> {
    async fn QueryTargets(&self) -> HrResult<Vec<ComPtr<dyn IVdsIscsiTarget>>> {
        out(
            self.through(
                Method::SubSystemQueryTargets,
                self.wrap.sub_system_query_targets(&*self.inner),
            )
            .await,
            &self.wrap,
        )
    }
    async fn QueryPortals(&self) -> HrResult<Vec<ComPtr<dyn IVdsIscsiPortal>>> {
        out(
            self.through(
                Method::SubSystemQueryPortals,
                self.wrap.sub_system_query_portals(&*self.inner),
            )
            .await,
            &self.wrap,
        )
    }
    async fn CreateTarget(
        &self,
        iscsi_name: Option<&str>,
        friendly_name: &str,
    ) -> HrResult<ComPtr<dyn IVdsAsync>> {
        let r = self
            .through(
                Method::SubSystemCreateTarget,
                self.wrap
                    .sub_system_create_target(&*self.inner, iscsi_name, friendly_name),
            )
            .await;
        out(r, &self.wrap)
    }
    async fn SetIpsecGroupPresharedKey(&self, key: Option<&VDS_ISCSI_IPSEC_KEY>) -> HrResult<()> {
        self.through(
            Method::SubSystemSetIpsecGroupPresharedKey,
            self.wrap
                .sub_system_set_ipsec_group_preshared_key(&*self.inner, key),
        )
        .await
    }
}

#[async_trait]
impl<W: Wrap> IVdsIscsiTarget for Obj<dyn IVdsIscsiTarget, W> {
    async fn GetProperties(&self) -> HrResult<VDS_ISCSI_TARGET_PROP> {
        self.through(
            Method::TargetGetProperties,
            self.wrap.target_get_properties(&*self.inner),
        )
        .await
    }
    async fn GetSubSystem(&self) -> HrResult<ComPtr<dyn IVdsSubSystemIscsi>> {
        out(
            self.through(
                Method::TargetGetSubSystem,
                self.wrap.target_get_sub_system(&*self.inner),
            )
            .await,
            &self.wrap,
        )
    }
    async fn QueryPortalGroups(&self) -> HrResult<Vec<ComPtr<dyn IVdsIscsiPortalGroup>>> {
        out(
            self.through(
                Method::TargetQueryPortalGroups,
                self.wrap.target_query_portal_groups(&*self.inner),
            )
            .await,
            &self.wrap,
        )
    }
    async fn QueryAssociatedLuns(&self) -> HrResult<Vec<VDS_OBJECT_ID>> {
        self.through(
            Method::TargetQueryAssociatedLuns,
            self.wrap.target_query_associated_luns(&*self.inner),
        )
        .await
    }
    async fn CreatePortalGroup(&self) -> HrResult<ComPtr<dyn IVdsAsync>> {
        out(
            self.through(
                Method::TargetCreatePortalGroup,
                self.wrap.target_create_portal_group(&*self.inner),
            )
            .await,
            &self.wrap,
        )
    }
    async fn Delete(&self) -> HrResult<ComPtr<dyn IVdsAsync>> {
        out(
            self.through(Method::TargetDelete, self.wrap.target_delete(&*self.inner))
                .await,
            &self.wrap,
        )
    }
    async fn SetFriendlyName(&self, name: &str) -> HrResult<()> {
        self.through(
            Method::TargetSetFriendlyName,
            self.wrap.target_set_friendly_name(&*self.inner, name),
        )
        .await
    }
    async fn SetSharedSecret(
        &self,
        secret: Option<&VDS_ISCSI_SHARED_SECRET>,
        initiator: Option<&str>,
    ) -> HrResult<()> {
        self.through(
            Method::TargetSetSharedSecret,
            self.wrap
                .target_set_shared_secret(&*self.inner, secret, initiator),
        )
        .await
    }
    async fn RememberInitiatorSharedSecret(
        &self,
        initiator: Option<&str>,
        secret: Option<&VDS_ISCSI_SHARED_SECRET>,
    ) -> HrResult<()> {
        self.through(
            Method::TargetRememberInitiatorSharedSecret,
            self.wrap
                .target_remember_initiator_shared_secret(&*self.inner, initiator, secret),
        )
        .await
    }
    async fn GetConnectedInitiators(&self) -> HrResult<Vec<String>> {
        self.through(
            Method::TargetGetConnectedInitiators,
            self.wrap.target_get_connected_initiators(&*self.inner),
        )
        .await
    }
}

#[async_trait]
impl<W: Wrap> IVdsIscsiPortalGroup for Obj<dyn IVdsIscsiPortalGroup, W> {
    async fn GetProperties(&self) -> HrResult<VDS_ISCSI_PORTALGROUP_PROP> {
        self.through(
            Method::PortalGroupGetProperties,
            self.wrap.portal_group_get_properties(&*self.inner),
        )
        .await
    }
    async fn GetTarget(&self) -> HrResult<ComPtr<dyn IVdsIscsiTarget>> {
        out(
            self.through(
                Method::PortalGroupGetTarget,
                self.wrap.portal_group_get_target(&*self.inner),
            )
            .await,
            &self.wrap,
        )
    }
    async fn QueryAssociatedPortals(&self) -> HrResult<Vec<ComPtr<dyn IVdsIscsiPortal>>> {
        let r = self
            .through(
                Method::PortalGroupQueryAssociatedPortals,
                self.wrap
                    .portal_group_query_associated_portals(&*self.inner),
            )
            .await;
        out(r, &self.wrap)
    }
    async fn AddPortal(&self, portal: VDS_OBJECT_ID) -> HrResult<ComPtr<dyn IVdsAsync>> {
        out(
            self.through(
                Method::PortalGroupAddPortal,
                self.wrap.portal_group_add_portal(&*self.inner, portal),
            )
            .await,
            &self.wrap,
        )
    }
    async fn RemovePortal(&self, portal: VDS_OBJECT_ID) -> HrResult<ComPtr<dyn IVdsAsync>> {
        let r = self
            .through(
                Method::PortalGroupRemovePortal,
                self.wrap.portal_group_remove_portal(&*self.inner, portal),
            )
            .await;
        out(r, &self.wrap)
    }
    async fn Delete(&self) -> HrResult<ComPtr<dyn IVdsAsync>> {
        out(
            self.through(
                Method::PortalGroupDelete,
                self.wrap.portal_group_delete(&*self.inner),
            )
            .await,
            &self.wrap,
        )
    }
}

#[async_trait]
impl<W: Wrap> IVdsIscsiPortal for Obj<dyn IVdsIscsiPortal, W> {
    async fn GetProperties(&self) -> HrResult<VDS_ISCSI_PORTAL_PROP> {
        self.through(
            Method::PortalGetProperties,
            self.wrap.portal_get_properties(&*self.inner),
        )
        .await
    }
    async fn GetSubSystem(&self) -> HrResult<ComPtr<dyn IVdsSubSystemIscsi>> {
        out(
            self.through(
                Method::PortalGetSubSystem,
                self.wrap.portal_get_sub_system(&*self.inner),
            )
            .await,
            &self.wrap,
        )
    }
    async fn QueryAssociatedPortalGroups(&self) -> HrResult<Vec<ComPtr<dyn IVdsIscsiPortalGroup>>> {
        let r = self
            .through(
                Method::PortalQueryAssociatedPortalGroups,
                self.wrap
                    .portal_query_associated_portal_groups(&*self.inner),
            )
            .await;
        out(r, &self.wrap)
    }
    async fn SetStatus(&self, status: VDS_ISCSI_PORTAL_STATUS) -> HrResult<()> {
        self.through(
            Method::PortalSetStatus,
            self.wrap.portal_set_status(&*self.inner, status),
        )
        .await
    }
    async fn SetIpsecTunnelAddress(
        &self,
        tunnel: &VDS_IPADDRESS,
        destination: &VDS_IPADDRESS,
    ) -> HrResult<()> {
        self.through(
            Method::PortalSetIpsecTunnelAddress,
            self.wrap
                .portal_set_ipsec_tunnel_address(&*self.inner, tunnel, destination),
        )
        .await
    }
    async fn GetIpsecSecurity(&self, initiator: &VDS_IPADDRESS) -> HrResult<u64> {
        self.through(
            Method::PortalGetIpsecSecurity,
            self.wrap.portal_get_ipsec_security(&*self.inner, initiator),
        )
        .await
    }
    async fn SetIpsecSecurity(
        &self,
        initiator: &VDS_IPADDRESS,
        flags: u64,
        key: Option<&VDS_ISCSI_IPSEC_KEY>,
    ) -> HrResult<()> {
        self.through(
            Method::PortalSetIpsecSecurity,
            self.wrap
                .portal_set_ipsec_security(&*self.inner, initiator, flags, key),
        )
        .await
    }
}

#[async_trait]
impl<W: Wrap> IVdsAsync for Obj<dyn IVdsAsync, W> {
    async fn Cancel(&self) -> HrResult<()> {
        self.through(Method::AsyncCancel, self.wrap.async_cancel(&*self.inner))
            .await
    }
    async fn Wait(&self) -> HrResult<WaitOutput> {
        out(
            self.through(Method::AsyncWait, self.wrap.async_wait(&*self.inner))
                .await,
            &self.wrap,
        )
    }
    async fn QueryStatus(&self) -> HrResult<AsyncStatus> {
        self.through(
            Method::AsyncQueryStatus,
            self.wrap.async_query_status(&*self.inner),
        )
        .await
    }
}
