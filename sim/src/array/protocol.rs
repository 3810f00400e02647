//! The array's management protocol: what a provider may ask the array over
//! the link, and what the array answers. It is the only way in; the same
//! messages travel in process (madsim) and as JSON lines over TCP (turmoil).

use serde::{Deserialize, Serialize};

use super::state::{ArraySnapshot, GroupRecord, PortalRecord, TargetRecord};
use crate::props::VDS_OBJECT_ID;

/// A request from a provider to the array.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op")]
pub enum ArrayRequest {
    /// The subsystem's identity (what Reenumerate discovers).
    Discover,
    /// Everything the array holds (what Refresh re-reads).
    Snapshot,
    /// One target and its groups.
    GetTarget {
        /// The target.
        target: VDS_OBJECT_ID,
    },
    /// One portal group.
    GetPortalGroup {
        /// The group.
        group: VDS_OBJECT_ID,
    },
    /// Create a target; `iscsi_name` `None` lets the array choose one.
    CreateTarget {
        /// The iSCSI qualified name, if the caller chose one.
        iscsi_name: Option<String>,
        /// The friendly name.
        friendly_name: String,
    },
    /// Delete a target and its portal groups.
    DeleteTarget {
        /// The target.
        target: VDS_OBJECT_ID,
    },
    /// Create a portal group on a target, with the smallest free tag.
    CreatePortalGroup {
        /// The target.
        target: VDS_OBJECT_ID,
    },
    /// Delete an empty portal group.
    DeletePortalGroup {
        /// The group.
        group: VDS_OBJECT_ID,
    },
    /// Put a portal in a group.
    AddPortal {
        /// The group.
        group: VDS_OBJECT_ID,
        /// The portal.
        portal: VDS_OBJECT_ID,
    },
    /// Take a portal out of a group.
    RemovePortal {
        /// The group.
        group: VDS_OBJECT_ID,
        /// The portal.
        portal: VDS_OBJECT_ID,
    },
    /// Rename a target.
    SetFriendlyName {
        /// The target.
        target: VDS_OBJECT_ID,
        /// The new name (the array keeps at most its name limit).
        name: String,
    },
    /// Set or clear a target's CHAP secret for one initiator or all.
    SetSharedSecret {
        /// The target.
        target: VDS_OBJECT_ID,
        /// The initiator, or `None` for the default secret.
        initiator: Option<String>,
        /// The secret, or `None` to clear it.
        secret: Option<Vec<u8>>,
    },
    /// Remember an initiator's secret for mutual CHAP.
    RememberInitiatorSecret {
        /// The target.
        target: VDS_OBJECT_ID,
        /// The initiator.
        initiator: String,
        /// The secret, or `None` to forget it.
        secret: Option<Vec<u8>>,
    },
    /// Set a portal's status.
    SetPortalStatus {
        /// The portal.
        portal: VDS_OBJECT_ID,
        /// The `VDS_ISCSI_PORTAL_STATUS` value.
        status: i32,
    },
}

impl ArrayRequest {
    /// True for requests that change the array.
    pub(crate) fn mutates(&self) -> bool {
        !matches!(
            self,
            ArrayRequest::Discover
                | ArrayRequest::Snapshot
                | ArrayRequest::GetTarget { .. }
                | ArrayRequest::GetPortalGroup { .. }
        )
    }
}

/// A successful answer from the array.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reply")]
pub enum ArrayReply {
    /// The subsystem's id and name.
    Subsystem {
        /// The subsystem id.
        id: VDS_OBJECT_ID,
        /// Its name.
        name: String,
    },
    /// Everything the array holds.
    Snapshot {
        /// The state.
        snapshot: ArraySnapshot,
    },
    /// A target and its groups.
    Target {
        /// The target.
        target: TargetRecord,
        /// Its portal groups, by tag.
        groups: Vec<GroupRecord>,
        /// The array's portal-group limit per target.
        group_limit: u16,
    },
    /// A portal group.
    Group {
        /// The group.
        group: GroupRecord,
    },
    /// A portal.
    Portal {
        /// The portal.
        portal: PortalRecord,
    },
    /// Done, with whether a name had to be shortened.
    Done {
        /// True when the array truncated a name.
        truncated: bool,
    },
}

/// Why the array refused a request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "error")]
pub enum ArrayError {
    /// No object has that id.
    #[error("no object {id}")]
    NotFound {
        /// The missing id.
        id: VDS_OBJECT_ID,
    },
    /// The target already has as many portal groups as the array allows.
    #[error("portal-group limit of {limit} reached")]
    GroupLimitReached {
        /// The limit.
        limit: u16,
        /// The target's group with the lowest tag: what a provider hands
        /// back instead (rule CPG-LIMIT-EXISTING).
        lowest: Option<VDS_OBJECT_ID>,
    },
    /// Another target already has that iSCSI name.
    #[error("iSCSI name not unique")]
    NameNotUnique,
    /// The target still has LUNs associated.
    #[error("LUNs associated")]
    AssociatedLunsExist,
    /// The group still has portals.
    #[error("portals associated")]
    AssociatedPortalsExist,
    /// The portal is already in a group of that target.
    #[error("portal already in group {group} of this target")]
    PortalInUse {
        /// The group holding it.
        group: VDS_OBJECT_ID,
    },
    /// The array rejected the request as malformed (ERROR_INVALID_PARAMETER).
    #[error("invalid parameter")]
    InvalidParameter,
}

/// The array's answer to one request.
pub type ArrayResult = Result<ArrayReply, ArrayError>;
