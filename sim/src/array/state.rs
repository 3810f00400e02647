//! The array's state and its rules: the single source of truth about
//! targets, portal groups and portals. Every change goes through
//! [`ArraySnapshot::apply`], which checks the array's invariants after it.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::protocol::{ArrayError, ArrayReply, ArrayRequest, ArrayResult};
use crate::props::{
    VDS_IPADDRESS, VDS_ISCSI_PORTAL_STATUS, VDS_ISCSI_PORTALGROUP_TAG, VDS_OBJECT_ID,
};

/// The longest friendly name the array stores; longer names are truncated.
pub const FRIENDLY_NAME_LIMIT: usize = 32;

/// One iSCSI target as the array holds it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TargetRecord {
    /// Its id.
    pub id: VDS_OBJECT_ID,
    /// Its iSCSI qualified name, unique on the array.
    pub iscsi_name: String,
    /// Its friendly name.
    pub friendly_name: String,
    /// True when a CHAP secret is set.
    pub chap_enabled: bool,
    /// Ids of the LUNs associated with it.
    pub luns: Vec<VDS_OBJECT_ID>,
    /// iSCSI names of the initiators logged in to it.
    pub connected_initiators: Vec<String>,
    /// Initiators whose mutual-CHAP secret the target remembers.
    pub remembered_initiators: BTreeSet<String>,
}

/// One portal group as the array holds it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct GroupRecord {
    /// Its id.
    pub id: VDS_OBJECT_ID,
    /// The target it belongs to.
    pub target: VDS_OBJECT_ID,
    /// Its tag, unique within the target.
    pub tag: VDS_ISCSI_PORTALGROUP_TAG,
    /// The portals in it.
    pub portals: BTreeSet<VDS_OBJECT_ID>,
}

/// One portal as the array holds it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PortalRecord {
    /// Its id.
    pub id: VDS_OBJECT_ID,
    /// Its address and port.
    pub address: VDS_IPADDRESS,
    /// Its status.
    pub status: VDS_ISCSI_PORTAL_STATUS,
}

/// Everything the array holds, in id order.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ArraySnapshot {
    /// The subsystem's id.
    pub subsystem: VDS_OBJECT_ID,
    /// The subsystem's name.
    pub(crate) subsystem_name: String,
    /// How many portal groups a target may have.
    pub group_limit: u16,
    /// Targets by id.
    pub targets: BTreeMap<VDS_OBJECT_ID, TargetRecord>,
    /// Portal groups by id.
    pub groups: BTreeMap<VDS_OBJECT_ID, GroupRecord>,
    /// Portals by id.
    pub portals: BTreeMap<VDS_OBJECT_ID, PortalRecord>,
}

impl ArraySnapshot {
    /// The groups of a target, by tag.
    pub fn groups_of(&self, target: VDS_OBJECT_ID) -> Vec<GroupRecord> {
        let mut v: Vec<_> = self
            .groups
            .values()
            .filter(|g| g.target == target)
            .cloned()
            .collect();
        v.sort_by_key(|g| g.tag);
        v
    }

    fn target(&self, id: VDS_OBJECT_ID) -> Result<&TargetRecord, ArrayError> {
        self.targets.get(&id).ok_or(ArrayError::NotFound { id })
    }

    fn group(&self, id: VDS_OBJECT_ID) -> Result<&GroupRecord, ArrayError> {
        self.groups.get(&id).ok_or(ArrayError::NotFound { id })
    }

    fn target_reply(&self, id: VDS_OBJECT_ID) -> ArrayResult {
        Ok(ArrayReply::Target {
            target: self.target(id)?.clone(),
            groups: self.groups_of(id),
            group_limit: self.group_limit,
        })
    }

    /// Applies one request. `new_id` supplies ids for created objects.
    /// The array's invariants are asserted after every change.
    pub(crate) fn apply(
        &mut self,
        req: &ArrayRequest,
        new_id: &mut dyn FnMut() -> VDS_OBJECT_ID,
    ) -> ArrayResult {
        let result = self.apply_inner(req, new_id);
        self.assert_invariants();
        result
    }

    fn apply_inner(
        &mut self,
        req: &ArrayRequest,
        new_id: &mut dyn FnMut() -> VDS_OBJECT_ID,
    ) -> ArrayResult {
        match req {
            ArrayRequest::Discover => Ok(ArrayReply::Subsystem {
                id: self.subsystem,
                name: self.subsystem_name.clone(),
            }),
            ArrayRequest::Snapshot => Ok(ArrayReply::Snapshot {
                snapshot: self.clone(),
            }),
            ArrayRequest::GetTarget { target } => self.target_reply(*target),
            ArrayRequest::GetPortalGroup { group } => Ok(ArrayReply::Group {
                group: self.group(*group)?.clone(),
            }),
            ArrayRequest::CreateTarget {
                iscsi_name,
                friendly_name,
            } => self.create_target(iscsi_name.as_deref(), friendly_name, new_id()),
            ArrayRequest::DeleteTarget { target } => self.delete_target(*target),
            ArrayRequest::CreatePortalGroup { target } => self.create_portal_group(*target, new_id),
            ArrayRequest::DeletePortalGroup { group } => self.delete_portal_group(*group),
            ArrayRequest::AddPortal { group, portal } => self.add_portal(*group, *portal),
            ArrayRequest::RemovePortal { group, portal } => self.remove_portal(*group, *portal),
            ArrayRequest::SetFriendlyName { target, name } => self.set_friendly_name(*target, name),
            ArrayRequest::SetSharedSecret {
                target,
                initiator: _,
                secret,
            } => self.set_shared_secret(*target, secret.as_deref()),
            ArrayRequest::RememberInitiatorSecret {
                target,
                initiator,
                secret,
            } => self.remember_initiator_secret(*target, initiator, secret.as_deref()),
            ArrayRequest::SetPortalStatus { portal, status } => {
                self.set_portal_status(*portal, *status)
            }
        }
    }

    /// A new target with id `id`; the array names it when the caller did not.
    fn create_target(
        &mut self,
        iscsi_name: Option<&str>,
        friendly_name: &str,
        id: VDS_OBJECT_ID,
    ) -> ArrayResult {
        let name = match iscsi_name {
            Some(n) if !n.is_empty() => n.to_string(),
            _ => format!(
                "iqn.1991-05.com.example:sim-target-{:08x}",
                id.as_u128() as u32
            ),
        };
        if self.targets.values().any(|t| t.iscsi_name == name) {
            return Err(ArrayError::NameNotUnique);
        }
        self.targets.insert(
            id,
            TargetRecord {
                id,
                iscsi_name: name,
                friendly_name: friendly_name.to_string(),
                chap_enabled: false,
                luns: Vec::new(),
                connected_initiators: Vec::new(),
                remembered_initiators: BTreeSet::new(),
            },
        );
        self.target_reply(id)
    }

    /// Deletes a target with no LUNs, and its portal groups.
    fn delete_target(&mut self, target: VDS_OBJECT_ID) -> ArrayResult {
        let t = self.target(target)?;
        if !t.luns.is_empty() {
            return Err(ArrayError::AssociatedLunsExist);
        }
        self.targets.remove(&target);
        self.groups.retain(|_, g| g.target != target);
        Ok(ArrayReply::Done { truncated: false })
    }

    /// A new portal group on `target`, with the smallest free tag; an id is
    /// drawn only once the group limit allows it.
    fn create_portal_group(
        &mut self,
        target: VDS_OBJECT_ID,
        new_id: &mut dyn FnMut() -> VDS_OBJECT_ID,
    ) -> ArrayResult {
        self.target(target)?;
        let groups = self.groups_of(target);
        let full = ArrayError::GroupLimitReached {
            limit: self.group_limit,
            lowest: groups.iter().min_by_key(|g| g.tag).map(|g| g.id),
        };
        if groups.len() >= usize::from(self.group_limit) {
            return Err(full);
        }
        let used: BTreeSet<u16> = groups.iter().map(|g| g.tag).collect();
        let tag = (1..=u16::MAX).find(|t| !used.contains(t)).ok_or(full)?;
        let id = new_id();
        let group = GroupRecord {
            id,
            target,
            tag,
            portals: BTreeSet::new(),
        };
        self.groups.insert(id, group.clone());
        Ok(ArrayReply::Group { group })
    }

    /// Deletes a portal group with no portals.
    fn delete_portal_group(&mut self, group: VDS_OBJECT_ID) -> ArrayResult {
        if !self.group(group)?.portals.is_empty() {
            return Err(ArrayError::AssociatedPortalsExist);
        }
        self.groups.remove(&group);
        Ok(ArrayReply::Done { truncated: false })
    }

    /// Puts a portal in a group, unless another group of the same target
    /// holds it; adding it to the group that holds it changes nothing.
    fn add_portal(&mut self, group: VDS_OBJECT_ID, portal: VDS_OBJECT_ID) -> ArrayResult {
        let g = self.group(group)?.clone();
        if !self.portals.contains_key(&portal) {
            return Err(ArrayError::NotFound { id: portal });
        }
        if let Some(holder) = self
            .groups_of(g.target)
            .into_iter()
            .find(|h| h.portals.contains(&portal))
        {
            if holder.id == group {
                return Ok(ArrayReply::Group { group: g });
            }
            return Err(ArrayError::PortalInUse { group: holder.id });
        }
        let g = self.groups.get_mut(&group).expect("group checked above");
        g.portals.insert(portal);
        Ok(ArrayReply::Group { group: g.clone() })
    }

    /// Takes a portal out of a group that holds it.
    fn remove_portal(&mut self, group: VDS_OBJECT_ID, portal: VDS_OBJECT_ID) -> ArrayResult {
        self.group(group)?;
        let g = self.groups.get_mut(&group).expect("group checked above");
        if !g.portals.remove(&portal) {
            return Err(ArrayError::NotFound { id: portal });
        }
        Ok(ArrayReply::Group { group: g.clone() })
    }

    /// Renames a target, keeping at most [`FRIENDLY_NAME_LIMIT`] characters.
    fn set_friendly_name(&mut self, target: VDS_OBJECT_ID, name: &str) -> ArrayResult {
        self.target(target)?;
        let t = self.targets.get_mut(&target).expect("target checked above");
        let truncated = name.chars().count() > FRIENDLY_NAME_LIMIT;
        t.friendly_name = name.chars().take(FRIENDLY_NAME_LIMIT).collect();
        Ok(ArrayReply::Done { truncated })
    }

    /// CHAP is enabled while the target has a non-empty secret.
    fn set_shared_secret(&mut self, target: VDS_OBJECT_ID, secret: Option<&[u8]>) -> ArrayResult {
        self.target(target)?;
        let t = self.targets.get_mut(&target).expect("target checked above");
        t.chap_enabled = secret.is_some_and(|s| !s.is_empty());
        Ok(ArrayReply::Done { truncated: false })
    }

    /// Remembers an initiator for mutual CHAP, or forgets it (no or an empty secret).
    fn remember_initiator_secret(
        &mut self,
        target: VDS_OBJECT_ID,
        initiator: &str,
        secret: Option<&[u8]>,
    ) -> ArrayResult {
        self.target(target)?;
        let t = self.targets.get_mut(&target).expect("target checked above");
        if secret.is_some_and(|s| !s.is_empty()) {
            t.remembered_initiators.insert(initiator.to_string());
        } else {
            t.remembered_initiators.remove(initiator);
        }
        Ok(ArrayReply::Done { truncated: false })
    }

    /// Sets a portal's status; a value outside `VDS_ISCSI_PORTAL_STATUS` is refused.
    fn set_portal_status(&mut self, portal: VDS_OBJECT_ID, status: i32) -> ArrayResult {
        let p = self
            .portals
            .get_mut(&portal)
            .ok_or(ArrayError::NotFound { id: portal })?;
        p.status =
            VDS_ISCSI_PORTAL_STATUS::try_from(status).map_err(|_| ArrayError::InvalidParameter)?;
        Ok(ArrayReply::Portal { portal: p.clone() })
    }

    /// Architecture invariant: the array never holds a state that breaks the
    /// iSCSI object model. Panics (a bug in the simulator) if it does.
    pub(crate) fn assert_invariants(&self) {
        let mut tags: BTreeSet<(VDS_OBJECT_ID, u16)> = BTreeSet::new();
        let mut portal_in_target: BTreeSet<(VDS_OBJECT_ID, VDS_OBJECT_ID)> = BTreeSet::new();
        let mut per_target: BTreeMap<VDS_OBJECT_ID, usize> = BTreeMap::new();
        for g in self.groups.values() {
            assert!(
                self.targets.contains_key(&g.target),
                "group {} has no target",
                g.id
            );
            assert!(
                tags.insert((g.target, g.tag)),
                "tag {} used twice on target {}",
                g.tag,
                g.target
            );
            *per_target.entry(g.target).or_default() += 1;
            for p in &g.portals {
                assert!(
                    self.portals.contains_key(p),
                    "group {} holds unknown portal {p}",
                    g.id
                );
                assert!(
                    portal_in_target.insert((g.target, *p)),
                    "portal {p} in two groups of target {}",
                    g.target
                );
            }
        }
        for (t, n) in per_target {
            assert!(
                n <= usize::from(self.group_limit),
                "target {t} has {n} groups, limit {}",
                self.group_limit
            );
        }
    }
}
