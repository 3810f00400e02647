//! The VDS COM interfaces a hardware provider implements, as async Rust
//! traits: one trait per interface, one method per vtable slot, in the SDK's
//! order and with the SDK's names.
//!
//! Conventions, the same for every method:
//! - `[out]` parameters become the `out` of [`Success`](crate::com::Success);
//!   interface pointers come back as counted [`ComPtr`]s, one ledger entry each.
//! - A success code other than `S_OK` (for example `VDS_S_ALREADY_EXISTS`)
//!   is returned with [`ok_with`](crate::com::ok_with); a failure code is `Err`.
//! - An enumeration (`IEnumVdsObject`) is a `Vec` of counted pointers: the
//!   caller owes one `Release` per element.
//! - Every method may also fail with `E_OUTOFMEMORY`, `E_INVALIDARG` and
//!   HRESULT_FROM_WIN32-converted Win32 errors.
//!
//! The contract text on each method is this project's paraphrase; where the
//! documentation is silent, the decision is a rule of
//! [`profile`](crate::profile), named in the method's doc.

#![allow(non_snake_case)]

pub mod async_output;

use async_trait::async_trait;

use crate::com::{ComPtr, HrResult, Interface};
use crate::hresult::HResult;
use crate::interfaces::async_output::VDS_ASYNC_OUTPUT;
use crate::props::{
    VDS_IPADDRESS, VDS_ISCSI_IPSEC_KEY, VDS_ISCSI_PORTAL_PROP, VDS_ISCSI_PORTAL_STATUS,
    VDS_ISCSI_PORTALGROUP_PROP, VDS_ISCSI_SHARED_SECRET, VDS_ISCSI_TARGET_PROP, VDS_OBJECT_ID,
};

/// What `IVdsAsync::Wait` writes to its out-parameters.
#[derive(Debug)]
pub struct WaitOutput {
    /// `*pHrResult`: the operation's own result.
    pub hr_result: HResult,
    /// `*pAsyncOut`: the type-specific output; all pointers `NULL` when
    /// `hr_result` is a failure.
    pub async_out: VDS_ASYNC_OUTPUT,
}

/// What `IVdsAsync::QueryStatus` writes to its out-parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AsyncStatus {
    /// `*pHrResult`: `VDS_E_OPERATION_PENDING` while running, else the final result.
    pub hr_result: HResult,
    /// `*pulPercentCompleted`: 0..=99 while running, 100 when done, 0 after failure.
    pub percent_completed: u32,
}

/// An object outside this simulation's model (volume, LUN, virtual disk),
/// known only as `IUnknown`.
pub trait IUnknown: Send + Sync {}

/// `IVdsAsync` `{d5d23b6d-5a55-4492-9889-397a3c2d2dbc}`: the handle of one
/// asynchronous operation.
#[async_trait]
pub trait IVdsAsync: Send + Sync {
    /// Asks for the operation to stop. `S_OK` means it will end with
    /// `VDS_E_OPERATION_CANCELED`; `VDS_E_CANCEL_TOO_LATE` means it is past
    /// the point of no return (or finished, rule `ASYNC-CANCEL-AFTER-DONE`);
    /// `VDS_E_OPERATION_CANCELED` means it was cancelled already.
    async fn Cancel(&self) -> HrResult<()>;

    /// Waits until the operation ends. The method's own code says whether
    /// waiting worked; `hr_result` says whether the operation did. Each
    /// successful Wait hands out fresh references in its output, which the
    /// caller must release (rule `ASYNC-WAIT-REPEATABLE`); on any failure the
    /// output's pointers are `NULL`.
    async fn Wait(&self) -> HrResult<WaitOutput>;

    /// Reports progress without waiting: `hr_result` is
    /// `VDS_E_OPERATION_PENDING` while running (rule `ASYNC-PENDING-IN-HRRESULT`),
    /// and the percentage never decreases while pending.
    async fn QueryStatus(&self) -> HrResult<AsyncStatus>;
}

/// `IVdsHwProvider` `{d99bdaae-b13a-4178-9fdb-e27f16b4603e}`: the provider's root.
#[async_trait]
pub trait IVdsHwProvider: Send + Sync {
    /// Lists the subsystems the provider manages (here: iSCSI subsystems).
    async fn QuerySubSystems(&self) -> HrResult<Vec<ComPtr<dyn IVdsSubSystemIscsi>>>;

    /// Discovers subsystems again from the hardware: the first half of
    /// recovering a corrupt cache (rule `CACHE-RECOVERY-SEQUENCE`).
    async fn Reenumerate(&self) -> HrResult<()>;

    /// Re-reads the state of the known subsystems into the cache: the
    /// second half of recovering a corrupt cache.
    async fn Refresh(&self) -> HrResult<()>;
}

/// `IVdsSubSystemIscsi` `{0027346f-40d0-4b45-8cec-5906dc0380c8}`: an iSCSI storage subsystem.
#[async_trait]
pub trait IVdsSubSystemIscsi: Send + Sync {
    /// Lists the subsystem's iSCSI targets.
    async fn QueryTargets(&self) -> HrResult<Vec<ComPtr<dyn IVdsIscsiTarget>>>;

    /// Lists the subsystem's iSCSI portals.
    async fn QueryPortals(&self) -> HrResult<Vec<ComPtr<dyn IVdsIscsiPortal>>>;

    /// Starts creating a target. `pwszIscsiName` `None` or empty lets the
    /// provider choose the name; a name already used gives
    /// `VDS_E_NAME_NOT_UNIQUE`. Wait hands the new target back in `ct`.
    async fn CreateTarget(
        &self,
        pwszIscsiName: Option<&str>,
        pwszFriendlyName: &str,
    ) -> HrResult<ComPtr<dyn IVdsAsync>>;

    /// Reserved; answers `VDS_E_NOT_SUPPORTED`.
    async fn SetIpsecGroupPresharedKey(
        &self,
        _pIpsecKey: Option<&VDS_ISCSI_IPSEC_KEY>,
    ) -> HrResult<()> {
        Err(HResult::VDS_E_NOT_SUPPORTED)
    }
}

/// `IVdsIscsiTarget` `{aa8f5055-83e5-4bcc-aa73-19851a36a849}`: one iSCSI target.
#[async_trait]
pub trait IVdsIscsiTarget: Send + Sync {
    /// The target's properties.
    async fn GetProperties(&self) -> HrResult<VDS_ISCSI_TARGET_PROP>;

    /// The subsystem the target belongs to.
    async fn GetSubSystem(&self) -> HrResult<ComPtr<dyn IVdsSubSystemIscsi>>;

    /// Lists the target's portal groups (empty when it has none).
    async fn QueryPortalGroups(&self) -> HrResult<Vec<ComPtr<dyn IVdsIscsiPortalGroup>>>;

    /// Lists the ids of the LUNs associated with the target (LUN objects are
    /// outside this simulation, so ids stand in for their pointers).
    async fn QueryAssociatedLuns(&self) -> HrResult<Vec<VDS_OBJECT_ID>>;

    /// Starts creating a portal group on this target.
    ///
    /// - `S_OK`: a group is being created; Wait hands it back in `cpg`.
    /// - `VDS_S_ALREADY_EXISTS`: the target has as many groups as it may; none
    ///   is created, and Wait hands back an existing group of this target.
    /// - `VDS_E_PROVIDER_CACHE_CORRUPT`: recover with Reenumerate then Refresh.
    /// - `VDS_E_OBJECT_DELETED`: the target is gone.
    /// - `VDS_E_ANOTHER_CALL_IN_PROGRESS`: another operation on this target is
    ///   in flight (rule `BUSY-IN-DOMAIN`).
    async fn CreatePortalGroup(&self) -> HrResult<ComPtr<dyn IVdsAsync>>;

    /// Starts deleting the target and all its portal groups; refused with
    /// `VDS_E_ASSOCIATED_LUNS_EXIST` while LUNs are associated.
    async fn Delete(&self) -> HrResult<ComPtr<dyn IVdsAsync>>;

    /// Renames the target; `VDS_S_NAME_TRUNCATED` when the name was shortened.
    async fn SetFriendlyName(&self, pwszFriendlyName: &str) -> HrResult<()>;

    /// Sets (or with `None` and size 0, clears) the CHAP secret the target
    /// uses; `pwszInitiatorName` `None` means the default for all initiators.
    async fn SetSharedSecret(
        &self,
        pTargetSharedSecret: Option<&VDS_ISCSI_SHARED_SECRET>,
        pwszInitiatorName: Option<&str>,
    ) -> HrResult<()>;

    /// Records the secret an initiator uses for mutual CHAP. The initiator
    /// name is required: `None` is a `NULL` pointer (rule `ARG-NULL-POINTER`).
    async fn RememberInitiatorSharedSecret(
        &self,
        pwszInitiatorName: Option<&str>,
        pInitiatorSharedSecret: Option<&VDS_ISCSI_SHARED_SECRET>,
    ) -> HrResult<()>;

    /// The iSCSI names of the initiators logged in to the target.
    async fn GetConnectedInitiators(&self) -> HrResult<Vec<String>>;
}

/// `IVdsIscsiPortalGroup` `{fef5f89d-a3dd-4b36-bf28-e7dde045c593}`: one portal group of a target.
#[async_trait]
pub trait IVdsIscsiPortalGroup: Send + Sync {
    /// The group's properties (its id and tag).
    async fn GetProperties(&self) -> HrResult<VDS_ISCSI_PORTALGROUP_PROP>;

    /// The target the group belongs to.
    async fn GetTarget(&self) -> HrResult<ComPtr<dyn IVdsIscsiTarget>>;

    /// Lists the portals in the group (empty when it has none).
    async fn QueryAssociatedPortals(&self) -> HrResult<Vec<ComPtr<dyn IVdsIscsiPortal>>>;

    /// Starts adding a portal; `VDS_E_OBJECT_NOT_FOUND` when no portal has
    /// that id. A portal may be in one group per target.
    async fn AddPortal(&self, portalId: VDS_OBJECT_ID) -> HrResult<ComPtr<dyn IVdsAsync>>;

    /// Starts removing a portal; `VDS_E_OBJECT_NOT_FOUND` when it is not in the group.
    async fn RemovePortal(&self, portalId: VDS_OBJECT_ID) -> HrResult<ComPtr<dyn IVdsAsync>>;

    /// Starts deleting the group; `VDS_E_ASSOCIATED_PORTALS_EXIST` while it has portals.
    async fn Delete(&self) -> HrResult<ComPtr<dyn IVdsAsync>>;
}

/// `IVdsIscsiPortal` `{7fa1499d-ec85-4a8a-a47b-ff69201fcd34}`: one iSCSI portal (address and port).
#[async_trait]
pub trait IVdsIscsiPortal: Send + Sync {
    /// The portal's properties.
    async fn GetProperties(&self) -> HrResult<VDS_ISCSI_PORTAL_PROP>;

    /// The subsystem the portal belongs to.
    async fn GetSubSystem(&self) -> HrResult<ComPtr<dyn IVdsSubSystemIscsi>>;

    /// Lists the portal groups (of any target) that contain the portal.
    async fn QueryAssociatedPortalGroups(&self) -> HrResult<Vec<ComPtr<dyn IVdsIscsiPortalGroup>>>;

    /// Sets the portal online or offline; other statuses are `E_INVALIDARG`.
    async fn SetStatus(&self, status: VDS_ISCSI_PORTAL_STATUS) -> HrResult<()>;

    /// Reserved; answers `VDS_E_NOT_SUPPORTED`.
    async fn SetIpsecTunnelAddress(
        &self,
        _pTunnelAddress: &VDS_IPADDRESS,
        _pDestinationAddress: &VDS_IPADDRESS,
    ) -> HrResult<()> {
        Err(HResult::VDS_E_NOT_SUPPORTED)
    }

    /// Reserved; answers `VDS_E_NOT_SUPPORTED`.
    async fn GetIpsecSecurity(&self, _pInitiatorPortalAddress: &VDS_IPADDRESS) -> HrResult<u64> {
        Err(HResult::VDS_E_NOT_SUPPORTED)
    }

    /// Reserved; answers `VDS_E_NOT_SUPPORTED`.
    async fn SetIpsecSecurity(
        &self,
        _pInitiatorPortalAddress: &VDS_IPADDRESS,
        _ullSecurityFlags: u64,
        _pIpsecKey: Option<&VDS_ISCSI_IPSEC_KEY>,
    ) -> HrResult<()> {
        Err(HResult::VDS_E_NOT_SUPPORTED)
    }
}

macro_rules! interface_names {
    ($($t:ident),* $(,)?) => {
        $(impl Interface for dyn $t {
            const NAME: &'static str = stringify!($t);
        })*
    };
}

interface_names!(
    IUnknown,
    IVdsAsync,
    IVdsHwProvider,
    IVdsSubSystemIscsi,
    IVdsIscsiTarget,
    IVdsIscsiPortalGroup,
    IVdsIscsiPortal,
);
