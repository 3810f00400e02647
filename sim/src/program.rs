//! Client programs: the calls each simulated management client makes, in
//! order. Objects are named: targets present at the start by their friendly
//! name, portals by `address:port`, and anything a step produces by the
//! name in its `as` field.

use serde::{Deserialize, Serialize};

/// One client's program.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientProgram {
    /// The client's name in the trace.
    pub name: String,
    /// Its steps, in order.
    pub steps: Vec<Step>,
}

impl ClientProgram {
    /// A client with the given name and steps.
    pub fn new(name: &str, steps: Vec<Step>) -> Self {
        Self {
            name: name.to_string(),
            steps,
        }
    }
}

fn default_op() -> String {
    "op".to_string()
}

/// One call a client makes (or a pause between calls).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "call", deny_unknown_fields)]
pub enum Step {
    /// `IVdsHwProvider::Reenumerate`.
    Reenumerate,
    /// `IVdsHwProvider::Refresh`.
    Refresh,
    /// `IVdsSubSystemIscsi::QueryTargets`.
    QueryTargets,
    /// `IVdsSubSystemIscsi::QueryPortals`.
    QueryPortals,
    /// `IVdsSubSystemIscsi::CreateTarget`; the async object is named `as`.
    CreateTarget {
        /// The iSCSI name, or none to let the provider choose.
        #[serde(default)]
        iscsi_name: Option<String>,
        /// The friendly name.
        friendly_name: String,
        /// Name for the async object (default `op`).
        #[serde(rename = "as", default = "default_op")]
        bind: String,
    },
    /// `IVdsIscsiTarget::CreatePortalGroup`; the async object is named `as`.
    CreatePortalGroup {
        /// The target.
        target: String,
        /// Name for the async object (default `op`).
        #[serde(rename = "as", default = "default_op")]
        bind: String,
    },
    /// `IVdsIscsiTarget::Delete`.
    DeleteTarget {
        /// The target.
        target: String,
        /// Name for the async object (default `op`).
        #[serde(rename = "as", default = "default_op")]
        bind: String,
    },
    /// `IVdsIscsiTarget::GetProperties`.
    GetTargetProperties {
        /// The target.
        target: String,
    },
    /// `IVdsIscsiTarget::GetSubSystem`; the subsystem is released at once.
    GetSubSystem {
        /// The target.
        target: String,
    },
    /// `IVdsIscsiTarget::QueryPortalGroups`; with `as`, the groups are named
    /// `NAME.0`, `NAME.1`, ... in tag order.
    QueryPortalGroups {
        /// The target.
        target: String,
        /// Prefix for the groups' names; without it they are released at once.
        #[serde(rename = "as", default)]
        bind: Option<String>,
    },
    /// `IVdsIscsiTarget::QueryAssociatedLuns`.
    QueryAssociatedLuns {
        /// The target.
        target: String,
    },
    /// `IVdsIscsiTarget::SetFriendlyName`.
    SetFriendlyName {
        /// The target.
        target: String,
        /// The new name.
        name: String,
    },
    /// `IVdsIscsiTarget::SetSharedSecret`.
    SetSharedSecret {
        /// The target.
        target: String,
        /// The secret; none clears it.
        #[serde(default)]
        secret: Option<String>,
        /// Pass a `NULL` secret pointer with this non-zero size (the `E_POINTER` case).
        #[serde(default)]
        null_secret_with_size: Option<u32>,
        /// The initiator, or none for the default secret.
        #[serde(default)]
        initiator: Option<String>,
    },
    /// `IVdsIscsiTarget::RememberInitiatorSharedSecret`.
    RememberInitiatorSharedSecret {
        /// The target.
        target: String,
        /// The initiator; none passes a `NULL` name.
        #[serde(default)]
        initiator: Option<String>,
        /// The secret.
        #[serde(default)]
        secret: Option<String>,
    },
    /// `IVdsIscsiTarget::GetConnectedInitiators`.
    GetConnectedInitiators {
        /// The target.
        target: String,
    },
    /// `IVdsIscsiPortalGroup::GetProperties`.
    GetPortalGroupProperties {
        /// The group.
        group: String,
    },
    /// `IVdsIscsiPortalGroup::GetTarget`; the target is named `as`.
    GetTarget {
        /// The group.
        group: String,
        /// Name for the target; without it, it is released at once.
        #[serde(rename = "as", default)]
        bind: Option<String>,
    },
    /// `IVdsIscsiPortalGroup::QueryAssociatedPortals`.
    QueryAssociatedPortals {
        /// The group.
        group: String,
    },
    /// `IVdsIscsiPortalGroup::AddPortal`.
    AddPortal {
        /// The group.
        group: String,
        /// The portal, as `address:port`.
        portal: String,
        /// Name for the async object (default `op`).
        #[serde(rename = "as", default = "default_op")]
        bind: String,
    },
    /// `IVdsIscsiPortalGroup::RemovePortal`.
    RemovePortal {
        /// The group.
        group: String,
        /// The portal, as `address:port`.
        portal: String,
        /// Name for the async object (default `op`).
        #[serde(rename = "as", default = "default_op")]
        bind: String,
    },
    /// `IVdsIscsiPortalGroup::Delete`.
    DeletePortalGroup {
        /// The group.
        group: String,
        /// Name for the async object (default `op`).
        #[serde(rename = "as", default = "default_op")]
        bind: String,
    },
    /// `IVdsIscsiPortal::GetProperties`.
    GetPortalProperties {
        /// The portal, as `address:port`.
        portal: String,
    },
    /// `IVdsIscsiPortal::GetSubSystem`; the subsystem is released at once.
    GetPortalSubSystem {
        /// The portal, as `address:port`.
        portal: String,
    },
    /// `IVdsIscsiPortal::QueryAssociatedPortalGroups`.
    QueryAssociatedPortalGroups {
        /// The portal, as `address:port`.
        portal: String,
    },
    /// `IVdsIscsiPortal::SetStatus`.
    SetPortalStatus {
        /// The portal, as `address:port`.
        portal: String,
        /// The status, by SDK name (`VDS_IPS_ONLINE`, `VDS_IPS_OFFLINE`, ...).
        status: crate::props::VDS_ISCSI_PORTAL_STATUS,
    },
    /// `IVdsAsync::Wait`; a pointer in the output is named `as`.
    Wait {
        /// The async object (default `op`).
        #[serde(default = "default_op")]
        op: String,
        /// Name for the object in the output; without it, it is released at once.
        #[serde(rename = "as", default)]
        bind: Option<String>,
    },
    /// `IVdsAsync::QueryStatus`.
    QueryStatus {
        /// The async object (default `op`).
        #[serde(default = "default_op")]
        op: String,
    },
    /// `IVdsAsync::Cancel`.
    Cancel {
        /// The async object (default `op`).
        #[serde(default = "default_op")]
        op: String,
    },
    /// `IUnknown::Release` of a named pointer.
    Release {
        /// The name.
        name: String,
    },
    /// Drops a named pointer without releasing it: a deliberate leak.
    Leak {
        /// The name.
        name: String,
    },
    /// Waits this long in simulated time.
    Sleep {
        /// Milliseconds.
        ms: u64,
    },
}

/// Shorthands for the steps programs use most.
///
/// ```
/// use vds_sim::program::Step;
/// let steps = [Step::cpg("t1", "op"), Step::wait("op"), Step::query_status("op")];
/// assert!(steps.iter().all(Step::is_call));
/// ```
impl Step {
    /// `CreatePortalGroup` on `target`, its async object named `op`.
    pub fn cpg(target: &str, op: &str) -> Step {
        Step::CreatePortalGroup {
            target: target.into(),
            bind: op.into(),
        }
    }

    /// `Wait` on `op`, releasing whatever it hands back.
    pub fn wait(op: &str) -> Step {
        Step::Wait {
            op: op.into(),
            bind: None,
        }
    }

    /// `Wait` on `op`, keeping what it hands back as `name`.
    pub fn wait_as(op: &str, name: &str) -> Step {
        Step::Wait {
            op: op.into(),
            bind: Some(name.into()),
        }
    }

    /// `QueryStatus` on `op`.
    pub fn query_status(op: &str) -> Step {
        Step::QueryStatus { op: op.into() }
    }

    /// `Cancel` on `op`.
    pub fn cancel(op: &str) -> Step {
        Step::Cancel { op: op.into() }
    }

    /// `Release` of `name`.
    pub fn release(name: &str) -> Step {
        Step::Release { name: name.into() }
    }
}

impl Step {
    /// The name a step that starts an operation binds its async object to
    /// (its `as`), or `None` for any other step.
    pub fn started_op(&self) -> Option<&String> {
        match self {
            Step::CreateTarget { bind, .. }
            | Step::CreatePortalGroup { bind, .. }
            | Step::DeleteTarget { bind, .. }
            | Step::AddPortal { bind, .. }
            | Step::RemovePortal { bind, .. }
            | Step::DeletePortalGroup { bind, .. } => Some(bind),
            _ => None,
        }
    }

    /// The same name, to change it.
    pub fn started_op_mut(&mut self) -> Option<&mut String> {
        match self {
            Step::CreateTarget { bind, .. }
            | Step::CreatePortalGroup { bind, .. }
            | Step::DeleteTarget { bind, .. }
            | Step::AddPortal { bind, .. }
            | Step::RemovePortal { bind, .. }
            | Step::DeletePortalGroup { bind, .. } => Some(bind),
            _ => None,
        }
    }

    /// True for steps that are VDS calls (counted for `before_call` faults).
    pub fn is_call(&self) -> bool {
        !matches!(self, Step::Sleep { .. } | Step::Leak { .. })
    }
}
