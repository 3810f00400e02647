//! [`Proxy`]: one counted interface pointer into the provider process. It
//! implements every interface trait by sending a `call` and reading the
//! reply; the ledger entry is the caller's [`ComPtr`](vds_sim::com::ComPtr),
//! as for in-process providers. Each pointer handed out gets its own
//! proxy, so dropping it (its `Release`) sends a `release`.

#![allow(non_snake_case)]

use std::sync::Arc;

use serde_json::{Value, json};
use vds_sim::com::{ComPtr, HrResult};
use vds_sim::interfaces::{
    AsyncStatus, IVdsAsync, IVdsHwProvider, IVdsIscsiPortal, IVdsIscsiPortalGroup, IVdsIscsiTarget,
    IVdsSubSystemIscsi, WaitOutput,
};
use vds_sim::method::Method;
use vds_sim::prelude::async_trait;
use vds_sim::props::{
    VDS_IPADDRESS, VDS_ISCSI_IPSEC_KEY, VDS_ISCSI_PORTAL_PROP, VDS_ISCSI_PORTAL_STATUS,
    VDS_ISCSI_PORTALGROUP_PROP, VDS_ISCSI_SHARED_SECRET, VDS_ISCSI_TARGET_PROP, VDS_OBJECT_ID,
};

use super::decode::value;
use super::session::{Answer, Session};

/// One pointer into the provider process, named by the provider's `obj` id.
pub(crate) struct Proxy {
    session: Arc<Session>,
    obj: String,
}

impl Proxy {
    /// A proxy for the provider's object `obj`.
    pub(crate) fn new(session: Arc<Session>, obj: String) -> Self {
        Self { session, obj }
    }

    async fn call(&self, method: Method, args: Value) -> Answer {
        self.session.call(&self.obj, method.sdk_name(), args).await
    }

    async fn unit(&self, method: Method, args: Value) -> HrResult<()> {
        let a = self.call(method, args).await;
        self.session.unit(a)
    }

    async fn ptr_out<I: ?Sized + super::decode::ProxyAs>(
        &self,
        method: Method,
        args: Value,
        key: &str,
    ) -> HrResult<ComPtr<I>> {
        let a = self.call(method, args).await;
        self.session.answer(a, key, |s, v| s.ptr(v, method))
    }

    async fn list_out<I: ?Sized + super::decode::ProxyAs>(
        &self,
        method: Method,
    ) -> HrResult<Vec<ComPtr<I>>> {
        let a = self.call(method, json!({})).await;
        self.session.answer(a, "ppEnum", |s, v| s.ptrs(v, method))
    }

    async fn value_out<T: serde::de::DeserializeOwned>(
        &self,
        method: Method,
        args: Value,
        key: &str,
    ) -> HrResult<T> {
        let a = self.call(method, args).await;
        self.session.answer(a, key, |_, v| value(v))
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.session.release(&self.obj);
    }
}

fn id(v: VDS_OBJECT_ID) -> Value {
    json!(v)
}

#[async_trait]
impl IVdsAsync for Proxy {
    async fn Cancel(&self) -> HrResult<()> {
        self.unit(Method::AsyncCancel, json!({})).await
    }
    async fn Wait(&self) -> HrResult<WaitOutput> {
        let a = self.call(Method::AsyncWait, json!({})).await;
        self.session.wait_output(a)
    }
    async fn QueryStatus(&self) -> HrResult<AsyncStatus> {
        let a = self.call(Method::AsyncQueryStatus, json!({})).await;
        let hr = a.out.as_ref().and_then(|o| o.get("pHrResult")).cloned();
        self.session.answer(a, "pulPercentCompleted", move |_, v| {
            Ok(AsyncStatus {
                hr_result: value(&hr.ok_or("no `pHrResult`")?)?,
                percent_completed: value(v)?,
            })
        })
    }
}

#[async_trait]
impl IVdsHwProvider for Proxy {
    async fn QuerySubSystems(&self) -> HrResult<Vec<ComPtr<dyn IVdsSubSystemIscsi>>> {
        self.list_out(Method::HwProviderQuerySubSystems).await
    }
    async fn Reenumerate(&self) -> HrResult<()> {
        self.unit(Method::HwProviderReenumerate, json!({})).await
    }
    async fn Refresh(&self) -> HrResult<()> {
        self.unit(Method::HwProviderRefresh, json!({})).await
    }
}

#[async_trait]
impl IVdsSubSystemIscsi for Proxy {
    async fn QueryTargets(&self) -> HrResult<Vec<ComPtr<dyn IVdsIscsiTarget>>> {
        self.list_out(Method::SubSystemQueryTargets).await
    }
    async fn QueryPortals(&self) -> HrResult<Vec<ComPtr<dyn IVdsIscsiPortal>>> {
        self.list_out(Method::SubSystemQueryPortals).await
    }
    async fn CreateTarget(
        &self,
        pwszIscsiName: Option<&str>,
        pwszFriendlyName: &str,
    ) -> HrResult<ComPtr<dyn IVdsAsync>> {
        let args = json!({"pwszIscsiName": pwszIscsiName, "pwszFriendlyName": pwszFriendlyName});
        self.ptr_out(Method::SubSystemCreateTarget, args, "ppAsync")
            .await
    }
    async fn SetIpsecGroupPresharedKey(
        &self,
        pIpsecKey: Option<&VDS_ISCSI_IPSEC_KEY>,
    ) -> HrResult<()> {
        let args = json!({ "pIpsecKey": pIpsecKey });
        self.unit(Method::SubSystemSetIpsecGroupPresharedKey, args)
            .await
    }
}

#[async_trait]
impl IVdsIscsiTarget for Proxy {
    async fn GetProperties(&self) -> HrResult<VDS_ISCSI_TARGET_PROP> {
        self.value_out(Method::TargetGetProperties, json!({}), "pTargetProp")
            .await
    }
    async fn GetSubSystem(&self) -> HrResult<ComPtr<dyn IVdsSubSystemIscsi>> {
        self.ptr_out(Method::TargetGetSubSystem, json!({}), "ppSubSystem")
            .await
    }
    async fn QueryPortalGroups(&self) -> HrResult<Vec<ComPtr<dyn IVdsIscsiPortalGroup>>> {
        self.list_out(Method::TargetQueryPortalGroups).await
    }
    async fn QueryAssociatedLuns(&self) -> HrResult<Vec<VDS_OBJECT_ID>> {
        self.value_out(Method::TargetQueryAssociatedLuns, json!({}), "ppEnum")
            .await
    }
    async fn CreatePortalGroup(&self) -> HrResult<ComPtr<dyn IVdsAsync>> {
        self.ptr_out(Method::TargetCreatePortalGroup, json!({}), "ppAsync")
            .await
    }
    async fn Delete(&self) -> HrResult<ComPtr<dyn IVdsAsync>> {
        self.ptr_out(Method::TargetDelete, json!({}), "ppAsync")
            .await
    }
    async fn SetFriendlyName(&self, pwszFriendlyName: &str) -> HrResult<()> {
        let args = json!({ "pwszFriendlyName": pwszFriendlyName });
        self.unit(Method::TargetSetFriendlyName, args).await
    }
    async fn SetSharedSecret(
        &self,
        pTargetSharedSecret: Option<&VDS_ISCSI_SHARED_SECRET>,
        pwszInitiatorName: Option<&str>,
    ) -> HrResult<()> {
        let args = json!({"pTargetSharedSecret": pTargetSharedSecret, "pwszInitiatorName": pwszInitiatorName});
        self.unit(Method::TargetSetSharedSecret, args).await
    }
    async fn RememberInitiatorSharedSecret(
        &self,
        pwszInitiatorName: Option<&str>,
        pInitiatorSharedSecret: Option<&VDS_ISCSI_SHARED_SECRET>,
    ) -> HrResult<()> {
        let args = json!({"pwszInitiatorName": pwszInitiatorName, "pInitiatorSharedSecret": pInitiatorSharedSecret});
        self.unit(Method::TargetRememberInitiatorSharedSecret, args)
            .await
    }
    async fn GetConnectedInitiators(&self) -> HrResult<Vec<String>> {
        let m = Method::TargetGetConnectedInitiators;
        self.value_out(m, json!({}), "ppwszInitiatorList").await
    }
}

#[async_trait]
impl IVdsIscsiPortalGroup for Proxy {
    async fn GetProperties(&self) -> HrResult<VDS_ISCSI_PORTALGROUP_PROP> {
        let m = Method::PortalGroupGetProperties;
        self.value_out(m, json!({}), "pPortalGroupProp").await
    }
    async fn GetTarget(&self) -> HrResult<ComPtr<dyn IVdsIscsiTarget>> {
        self.ptr_out(Method::PortalGroupGetTarget, json!({}), "ppTarget")
            .await
    }
    async fn QueryAssociatedPortals(&self) -> HrResult<Vec<ComPtr<dyn IVdsIscsiPortal>>> {
        self.list_out(Method::PortalGroupQueryAssociatedPortals)
            .await
    }
    async fn AddPortal(&self, portalId: VDS_OBJECT_ID) -> HrResult<ComPtr<dyn IVdsAsync>> {
        let args = json!({ "portalId": id(portalId) });
        self.ptr_out(Method::PortalGroupAddPortal, args, "ppAsync")
            .await
    }
    async fn RemovePortal(&self, portalId: VDS_OBJECT_ID) -> HrResult<ComPtr<dyn IVdsAsync>> {
        let args = json!({ "portalId": id(portalId) });
        self.ptr_out(Method::PortalGroupRemovePortal, args, "ppAsync")
            .await
    }
    async fn Delete(&self) -> HrResult<ComPtr<dyn IVdsAsync>> {
        self.ptr_out(Method::PortalGroupDelete, json!({}), "ppAsync")
            .await
    }
}

#[async_trait]
impl IVdsIscsiPortal for Proxy {
    async fn GetProperties(&self) -> HrResult<VDS_ISCSI_PORTAL_PROP> {
        self.value_out(Method::PortalGetProperties, json!({}), "pPortalProp")
            .await
    }
    async fn GetSubSystem(&self) -> HrResult<ComPtr<dyn IVdsSubSystemIscsi>> {
        self.ptr_out(Method::PortalGetSubSystem, json!({}), "ppSubSystem")
            .await
    }
    async fn QueryAssociatedPortalGroups(&self) -> HrResult<Vec<ComPtr<dyn IVdsIscsiPortalGroup>>> {
        self.list_out(Method::PortalQueryAssociatedPortalGroups)
            .await
    }
    async fn SetStatus(&self, status: VDS_ISCSI_PORTAL_STATUS) -> HrResult<()> {
        self.unit(Method::PortalSetStatus, json!({ "status": status }))
            .await
    }
    async fn SetIpsecTunnelAddress(
        &self,
        pTunnelAddress: &VDS_IPADDRESS,
        pDestinationAddress: &VDS_IPADDRESS,
    ) -> HrResult<()> {
        let args =
            json!({"pTunnelAddress": pTunnelAddress, "pDestinationAddress": pDestinationAddress});
        self.unit(Method::PortalSetIpsecTunnelAddress, args).await
    }
    async fn GetIpsecSecurity(&self, pInitiatorPortalAddress: &VDS_IPADDRESS) -> HrResult<u64> {
        let args = json!({ "pInitiatorPortalAddress": pInitiatorPortalAddress });
        self.value_out(Method::PortalGetIpsecSecurity, args, "pullSecurityFlags")
            .await
    }
    async fn SetIpsecSecurity(
        &self,
        pInitiatorPortalAddress: &VDS_IPADDRESS,
        ullSecurityFlags: u64,
        pIpsecKey: Option<&VDS_ISCSI_IPSEC_KEY>,
    ) -> HrResult<()> {
        let args = json!({
            "pInitiatorPortalAddress": pInitiatorPortalAddress,
            "ullSecurityFlags": ullSecurityFlags,
            "pIpsecKey": pIpsecKey,
        });
        self.unit(Method::PortalSetIpsecSecurity, args).await
    }
}
