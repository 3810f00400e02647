//! Decorators: a provider that is another provider except for a few
//! methods. [`Wrapped`] forwards every method of every interface to an inner
//! provider; a [`Wrap`] overrides the hooks it cares about. Every object the
//! inner provider hands out (through out-parameters, lists and `Wait`'s
//! output) is handed on wrapped, under the same counted reference
//! ([`ComPtr::map_object`]), so the ledger sees exactly the pointers the inner
//! provider issued, and calls on those objects reach the hooks too.
//!
//! "The reference provider, except that every portal group reports tag 1":
//!
//! ```
//! use vds_sim::prelude::*;
//!
//! #[derive(Clone, Default)]
//! struct TagOne;
//!
//! #[async_trait]
//! impl Wrap for TagOne {
//!     async fn portal_group_get_properties(
//!         &self,
//!         group: &dyn IVdsIscsiPortalGroup,
//!     ) -> HrResult<VDS_ISCSI_PORTALGROUP_PROP> {
//!         let props = group.GetProperties().await?;
//!         Ok(props.map(|p| VDS_ISCSI_PORTALGROUP_PROP { tag: 1, ..p }))
//!     }
//! }
//!
//! let factory = Wrapped::new("tag-one", ReferenceFactory::default(), TagOne);
//! assert_eq!(factory.name(), "tag-one");
//! ```

mod objects;

use std::sync::Arc;

use async_trait::async_trait;

use crate::com::{ComPtr, HrResult};
use crate::hresult::HResult;
use crate::interfaces::{
    AsyncStatus, IVdsAsync, IVdsHwProvider, IVdsIscsiPortal, IVdsIscsiPortalGroup, IVdsIscsiTarget,
    IVdsSubSystemIscsi, WaitOutput,
};
use crate::method::Method;
use crate::props::{
    VDS_IPADDRESS, VDS_ISCSI_IPSEC_KEY, VDS_ISCSI_PORTAL_PROP, VDS_ISCSI_PORTAL_STATUS,
    VDS_ISCSI_PORTALGROUP_PROP, VDS_ISCSI_SHARED_SECRET, VDS_ISCSI_TARGET_PROP, VDS_OBJECT_ID,
};
use crate::provider::{
    ProviderContext, ProviderFactory, ProviderFault, ProviderFaultKind, SimProvider,
};

/// The hooks of a decorator, one per interface method, named
/// `interface_method`. Each receives the inner provider's object and by
/// default forwards the call to it unchanged. Override a few; pointers a
/// hook returns are wrapped on the way out, whoever made them.
///
/// Each run gets its own clone of the wrapper, so state kept in it never
/// leaks from one run into the next.
#[allow(missing_docs)] // each hook is documented by the method it stands for
#[async_trait]
pub trait Wrap: Clone + Send + Sync + 'static {
    /// Rewrites the failure code `method` answers, whichever hook produced
    /// it; by default the code is left alone. One place to change a code
    /// across many methods (say, every `VDS_E_OBJECT_DELETED`).
    fn failure(&self, method: Method, hr: HResult) -> HResult {
        let _ = method;
        hr
    }

    /// Runs before every call of `method` reaches its hook; by default it
    /// does nothing. It may take simulated time (`runtime::sleep`), or
    /// answer the call itself with a failure code, and the hook is then not
    /// called.
    async fn before(&self, method: Method) -> Result<(), HResult> {
        let _ = method;
        Ok(())
    }

    /// What the decorated provider declares of its design; by default what
    /// the inner provider declares.
    fn declaration(
        &self,
        inner: crate::provider::declaration::Declaration,
    ) -> crate::provider::declaration::Declaration {
        inner
    }

    /// A provider-side fault; by default the inner provider suffers it.
    fn inject(&self, inner: &dyn SimProvider, fault: ProviderFault) -> bool {
        inner.inject(fault)
    }

    async fn hw_provider_query_sub_systems(
        &self,
        p: &dyn IVdsHwProvider,
    ) -> HrResult<Vec<ComPtr<dyn IVdsSubSystemIscsi>>> {
        p.QuerySubSystems().await
    }
    async fn hw_provider_reenumerate(&self, p: &dyn IVdsHwProvider) -> HrResult<()> {
        p.Reenumerate().await
    }
    async fn hw_provider_refresh(&self, p: &dyn IVdsHwProvider) -> HrResult<()> {
        p.Refresh().await
    }

    async fn sub_system_query_targets(
        &self,
        s: &dyn IVdsSubSystemIscsi,
    ) -> HrResult<Vec<ComPtr<dyn IVdsIscsiTarget>>> {
        s.QueryTargets().await
    }
    async fn sub_system_query_portals(
        &self,
        s: &dyn IVdsSubSystemIscsi,
    ) -> HrResult<Vec<ComPtr<dyn IVdsIscsiPortal>>> {
        s.QueryPortals().await
    }
    async fn sub_system_create_target(
        &self,
        s: &dyn IVdsSubSystemIscsi,
        iscsi_name: Option<&str>,
        friendly_name: &str,
    ) -> HrResult<ComPtr<dyn IVdsAsync>> {
        s.CreateTarget(iscsi_name, friendly_name).await
    }
    async fn sub_system_set_ipsec_group_preshared_key(
        &self,
        s: &dyn IVdsSubSystemIscsi,
        key: Option<&VDS_ISCSI_IPSEC_KEY>,
    ) -> HrResult<()> {
        s.SetIpsecGroupPresharedKey(key).await
    }

    async fn target_get_properties(
        &self,
        t: &dyn IVdsIscsiTarget,
    ) -> HrResult<VDS_ISCSI_TARGET_PROP> {
        t.GetProperties().await
    }
    async fn target_get_sub_system(
        &self,
        t: &dyn IVdsIscsiTarget,
    ) -> HrResult<ComPtr<dyn IVdsSubSystemIscsi>> {
        t.GetSubSystem().await
    }
    async fn target_query_portal_groups(
        &self,
        t: &dyn IVdsIscsiTarget,
    ) -> HrResult<Vec<ComPtr<dyn IVdsIscsiPortalGroup>>> {
        t.QueryPortalGroups().await
    }
    async fn target_query_associated_luns(
        &self,
        t: &dyn IVdsIscsiTarget,
    ) -> HrResult<Vec<VDS_OBJECT_ID>> {
        t.QueryAssociatedLuns().await
    }
    async fn target_create_portal_group(
        &self,
        t: &dyn IVdsIscsiTarget,
    ) -> HrResult<ComPtr<dyn IVdsAsync>> {
        t.CreatePortalGroup().await
    }
    async fn target_delete(&self, t: &dyn IVdsIscsiTarget) -> HrResult<ComPtr<dyn IVdsAsync>> {
        t.Delete().await
    }
    async fn target_set_friendly_name(&self, t: &dyn IVdsIscsiTarget, name: &str) -> HrResult<()> {
        t.SetFriendlyName(name).await
    }
    async fn target_set_shared_secret(
        &self,
        t: &dyn IVdsIscsiTarget,
        secret: Option<&VDS_ISCSI_SHARED_SECRET>,
        initiator: Option<&str>,
    ) -> HrResult<()> {
        t.SetSharedSecret(secret, initiator).await
    }
    async fn target_remember_initiator_shared_secret(
        &self,
        t: &dyn IVdsIscsiTarget,
        initiator: Option<&str>,
        secret: Option<&VDS_ISCSI_SHARED_SECRET>,
    ) -> HrResult<()> {
        t.RememberInitiatorSharedSecret(initiator, secret).await
    }
    async fn target_get_connected_initiators(
        &self,
        t: &dyn IVdsIscsiTarget,
    ) -> HrResult<Vec<String>> {
        t.GetConnectedInitiators().await
    }

    async fn portal_group_get_properties(
        &self,
        g: &dyn IVdsIscsiPortalGroup,
    ) -> HrResult<VDS_ISCSI_PORTALGROUP_PROP> {
        g.GetProperties().await
    }
    async fn portal_group_get_target(
        &self,
        g: &dyn IVdsIscsiPortalGroup,
    ) -> HrResult<ComPtr<dyn IVdsIscsiTarget>> {
        g.GetTarget().await
    }
    async fn portal_group_query_associated_portals(
        &self,
        g: &dyn IVdsIscsiPortalGroup,
    ) -> HrResult<Vec<ComPtr<dyn IVdsIscsiPortal>>> {
        g.QueryAssociatedPortals().await
    }
    async fn portal_group_add_portal(
        &self,
        g: &dyn IVdsIscsiPortalGroup,
        portal: VDS_OBJECT_ID,
    ) -> HrResult<ComPtr<dyn IVdsAsync>> {
        g.AddPortal(portal).await
    }
    async fn portal_group_remove_portal(
        &self,
        g: &dyn IVdsIscsiPortalGroup,
        portal: VDS_OBJECT_ID,
    ) -> HrResult<ComPtr<dyn IVdsAsync>> {
        g.RemovePortal(portal).await
    }
    async fn portal_group_delete(
        &self,
        g: &dyn IVdsIscsiPortalGroup,
    ) -> HrResult<ComPtr<dyn IVdsAsync>> {
        g.Delete().await
    }

    async fn portal_get_properties(
        &self,
        p: &dyn IVdsIscsiPortal,
    ) -> HrResult<VDS_ISCSI_PORTAL_PROP> {
        p.GetProperties().await
    }
    async fn portal_get_sub_system(
        &self,
        p: &dyn IVdsIscsiPortal,
    ) -> HrResult<ComPtr<dyn IVdsSubSystemIscsi>> {
        p.GetSubSystem().await
    }
    async fn portal_query_associated_portal_groups(
        &self,
        p: &dyn IVdsIscsiPortal,
    ) -> HrResult<Vec<ComPtr<dyn IVdsIscsiPortalGroup>>> {
        p.QueryAssociatedPortalGroups().await
    }
    async fn portal_set_status(
        &self,
        p: &dyn IVdsIscsiPortal,
        status: VDS_ISCSI_PORTAL_STATUS,
    ) -> HrResult<()> {
        p.SetStatus(status).await
    }
    async fn portal_set_ipsec_tunnel_address(
        &self,
        p: &dyn IVdsIscsiPortal,
        tunnel: &VDS_IPADDRESS,
        destination: &VDS_IPADDRESS,
    ) -> HrResult<()> {
        p.SetIpsecTunnelAddress(tunnel, destination).await
    }
    async fn portal_get_ipsec_security(
        &self,
        p: &dyn IVdsIscsiPortal,
        initiator: &VDS_IPADDRESS,
    ) -> HrResult<u64> {
        p.GetIpsecSecurity(initiator).await
    }
    async fn portal_set_ipsec_security(
        &self,
        p: &dyn IVdsIscsiPortal,
        initiator: &VDS_IPADDRESS,
        flags: u64,
        key: Option<&VDS_ISCSI_IPSEC_KEY>,
    ) -> HrResult<()> {
        p.SetIpsecSecurity(initiator, flags, key).await
    }

    async fn async_cancel(&self, a: &dyn IVdsAsync) -> HrResult<()> {
        a.Cancel().await
    }
    async fn async_wait(&self, a: &dyn IVdsAsync) -> HrResult<WaitOutput> {
        a.Wait().await
    }
    async fn async_query_status(&self, a: &dyn IVdsAsync) -> HrResult<AsyncStatus> {
        a.QueryStatus().await
    }
}

/// A provider factory that wraps every provider an inner factory makes.
pub struct Wrapped<W: Wrap> {
    name: String,
    inner: Arc<dyn ProviderFactory>,
    wrap: W,
}

impl<W: Wrap> Wrapped<W> {
    /// `inner`'s providers, decorated by `wrap`, reported under `name`.
    pub fn new(name: &str, inner: impl ProviderFactory + 'static, wrap: W) -> Self {
        Self {
            name: name.to_string(),
            inner: Arc::new(inner),
            wrap,
        }
    }
}

impl<W: Wrap> ProviderFactory for Wrapped<W> {
    fn name(&self) -> String {
        self.name.clone()
    }
    fn create(&self, ctx: ProviderContext) -> Arc<dyn SimProvider> {
        Arc::new(objects::WrappedProvider {
            inner: self.inner.create(ctx),
            wrap: Arc::new(self.wrap.clone()),
        })
    }
    fn cannot_take(&self) -> &'static [ProviderFaultKind] {
        self.inner.cannot_take()
    }
    fn declaration(&self) -> crate::provider::declaration::Declaration {
        self.wrap.declaration(self.inner.declaration())
    }
}
