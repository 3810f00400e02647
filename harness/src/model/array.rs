//! The array as a sequential specification: what each management request
//! must do to the array's state and what it must answer, written from the
//! protocol's description alone (it shares no code with `vds_sim::array`).
//!
//! [`check_log`] holds a finished run's array to it: replayed from the
//! array's initial state, every request the array logged must have been
//! answered as the model answers it (the same refusal, or success with a
//! fresh id and the smallest free tag), and the array's final state must be
//! the model's. A disagreement is a bug of the simulator, never of the
//! provider under test.
//!
//! ```
//! use vds_harness::model::array::ArrayModel;
//! use vds_sim::array::{ArrayConfig, Array, ArrayRequest};
//!
//! let array = Array::new(ArrayConfig::new().target("t1"), 7);
//! let mut model = ArrayModel::new(&array.snapshot());
//! let t1 = array.target_named("t1").unwrap();
//! let req = ArrayRequest::CreatePortalGroup { target: t1 };
//! assert_eq!(model.expect(&req), Ok(vds_harness::model::array::Made::Group { tag: 1 }));
//! ```

use std::collections::{BTreeMap, BTreeSet};

use vds_sim::array::{ArrayError, ArrayEvent, ArrayRequest, ArraySnapshot};
use vds_sim::props::VDS_OBJECT_ID as Id;
use vds_sim::world::RunOutcome;

/// How many characters of a friendly name the array keeps.
pub const NAME_KEPT: usize = 32;

/// The `VDS_ISCSI_PORTAL_STATUS` values (there is no 3).
const PORTAL_STATUSES: [i32; 5] = [0, 1, 2, 4, 5];

#[derive(Clone, Debug, PartialEq, Eq)]
struct Target {
    /// `None` while the array chose a name the model was not told.
    iscsi_name: Option<String>,
    friendly_name: String,
    chap_enabled: bool,
    has_luns: bool,
    remembered: BTreeSet<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Group {
    target: Id,
    tag: u16,
    portals: BTreeSet<Id>,
}

/// What a request the model accepts makes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Made {
    /// A target, with a fresh id.
    Target,
    /// A portal group, with a fresh id and this tag.
    Group {
        /// The smallest tag no group of the target has.
        tag: u16,
    },
    /// Nothing new.
    Nothing,
}

/// The array's state as the specification tracks it.
#[derive(Clone, Debug)]
pub struct ArrayModel {
    limit: u16,
    targets: BTreeMap<Id, Target>,
    groups: BTreeMap<Id, Group>,
    portals: BTreeMap<Id, i32>,
    /// Every id any object ever had: a new object's must be none of them.
    used: BTreeSet<Id>,
}

impl ArrayModel {
    /// The model of an array in state `s`.
    pub fn new(s: &ArraySnapshot) -> Self {
        let targets = s
            .targets
            .values()
            .map(|t| {
                let target = Target {
                    iscsi_name: Some(t.iscsi_name.clone()),
                    friendly_name: t.friendly_name.clone(),
                    chap_enabled: t.chap_enabled,
                    has_luns: !t.luns.is_empty(),
                    remembered: t.remembered_initiators.clone(),
                };
                (t.id, target)
            })
            .collect();
        let groups = s
            .groups
            .values()
            .map(|g| {
                let group = Group {
                    target: g.target,
                    tag: g.tag,
                    portals: g.portals.clone(),
                };
                (g.id, group)
            })
            .collect();
        let portals = s
            .portals
            .values()
            .map(|p| (p.id, p.status as i32))
            .collect();
        let mut used: BTreeSet<Id> = s.targets.keys().copied().collect();
        used.extend(s.groups.keys());
        used.extend(s.portals.keys());
        used.insert(s.subsystem);
        Self {
            limit: s.group_limit,
            targets,
            groups,
            portals,
            used,
        }
    }

    fn target(&self, id: Id) -> Result<&Target, ArrayError> {
        self.targets.get(&id).ok_or(ArrayError::NotFound { id })
    }

    fn group(&self, id: Id) -> Result<&Group, ArrayError> {
        self.groups.get(&id).ok_or(ArrayError::NotFound { id })
    }

    fn groups_of(&self, target: Id) -> impl Iterator<Item = (&Id, &Group)> {
        self.groups.iter().filter(move |(_, g)| g.target == target)
    }

    /// What the array must answer to `req` in this state (without changing it).
    pub fn expect(&self, req: &ArrayRequest) -> Result<Made, ArrayError> {
        use ArrayRequest as R;
        match req {
            R::Discover | R::Snapshot => Ok(Made::Nothing),
            R::GetTarget { target } => self.target(*target).map(|_| Made::Nothing),
            R::GetPortalGroup { group } => self.group(*group).map(|_| Made::Nothing),
            R::CreateTarget { iscsi_name, .. } => {
                let chosen = iscsi_name.as_deref().filter(|n| !n.is_empty());
                let taken = |n: &str| {
                    self.targets
                        .values()
                        .any(|t| t.iscsi_name.as_deref() == Some(n))
                };
                match chosen {
                    Some(n) if taken(n) => Err(ArrayError::NameNotUnique),
                    _ => Ok(Made::Target),
                }
            }
            R::DeleteTarget { target } => {
                if self.target(*target)?.has_luns {
                    return Err(ArrayError::AssociatedLunsExist);
                }
                Ok(Made::Nothing)
            }
            R::CreatePortalGroup { target } => {
                self.target(*target)?;
                let tags: BTreeMap<u16, Id> = self
                    .groups_of(*target)
                    .map(|(id, g)| (g.tag, *id))
                    .collect();
                if tags.len() >= usize::from(self.limit) {
                    return Err(ArrayError::GroupLimitReached {
                        limit: self.limit,
                        lowest: tags.values().next().copied(),
                    });
                }
                let tag = (1..=u16::MAX)
                    .find(|t| !tags.contains_key(t))
                    .expect("fewer groups than tags");
                Ok(Made::Group { tag })
            }
            R::DeletePortalGroup { group } => {
                if !self.group(*group)?.portals.is_empty() {
                    return Err(ArrayError::AssociatedPortalsExist);
                }
                Ok(Made::Nothing)
            }
            R::AddPortal { group, portal } => {
                let target = self.group(*group)?.target;
                if !self.portals.contains_key(portal) {
                    return Err(ArrayError::NotFound { id: *portal });
                }
                match self
                    .groups_of(target)
                    .find(|(_, g)| g.portals.contains(portal))
                {
                    Some((holder, _)) if holder != group => {
                        Err(ArrayError::PortalInUse { group: *holder })
                    }
                    _ => Ok(Made::Nothing),
                }
            }
            R::RemovePortal { group, portal } => {
                if !self.group(*group)?.portals.contains(portal) {
                    return Err(ArrayError::NotFound { id: *portal });
                }
                Ok(Made::Nothing)
            }
            R::SetFriendlyName { target, .. }
            | R::SetSharedSecret { target, .. }
            | R::RememberInitiatorSecret { target, .. } => {
                self.target(*target).map(|_| Made::Nothing)
            }
            R::SetPortalStatus { portal, status } => {
                if !self.portals.contains_key(portal) {
                    return Err(ArrayError::NotFound { id: *portal });
                }
                if !PORTAL_STATUSES.contains(status) {
                    return Err(ArrayError::InvalidParameter);
                }
                Ok(Made::Nothing)
            }
        }
    }

    /// Applies a request the model accepts; `created` is the new object's
    /// id for a creation.
    fn apply(&mut self, req: &ArrayRequest, made: &Made, created: Option<Id>) {
        use ArrayRequest as R;
        let non_empty = |s: &Option<Vec<u8>>| s.as_ref().is_some_and(|s| !s.is_empty());
        match req {
            R::CreateTarget {
                iscsi_name,
                friendly_name,
            } => {
                let id = created.expect("checked by the caller");
                let target = Target {
                    iscsi_name: iscsi_name.clone().filter(|n| !n.is_empty()),
                    friendly_name: friendly_name.clone(),
                    chap_enabled: false,
                    has_luns: false,
                    remembered: BTreeSet::new(),
                };
                self.targets.insert(id, target);
            }
            R::DeleteTarget { target } => {
                self.targets.remove(target);
                self.groups.retain(|_, g| g.target != *target);
            }
            R::CreatePortalGroup { target } => {
                let Made::Group { tag } = made else {
                    unreachable!("a creation makes a group")
                };
                let group = Group {
                    target: *target,
                    tag: *tag,
                    portals: BTreeSet::new(),
                };
                self.groups
                    .insert(created.expect("checked by the caller"), group);
            }
            R::DeletePortalGroup { group } => {
                self.groups.remove(group);
            }
            R::AddPortal { group, portal } => {
                if let Some(g) = self.groups.get_mut(group) {
                    g.portals.insert(*portal);
                }
            }
            R::RemovePortal { group, portal } => {
                if let Some(g) = self.groups.get_mut(group) {
                    g.portals.remove(portal);
                }
            }
            R::SetFriendlyName { target, name } => {
                if let Some(t) = self.targets.get_mut(target) {
                    t.friendly_name = name.chars().take(NAME_KEPT).collect();
                }
            }
            R::SetSharedSecret { target, secret, .. } => {
                if let Some(t) = self.targets.get_mut(target) {
                    t.chap_enabled = non_empty(secret);
                }
            }
            R::RememberInitiatorSecret {
                target,
                initiator,
                secret,
            } => {
                if let Some(t) = self.targets.get_mut(target) {
                    if non_empty(secret) {
                        t.remembered.insert(initiator.clone());
                    } else {
                        t.remembered.remove(initiator);
                    }
                }
            }
            R::SetPortalStatus { portal, status } => {
                self.portals.insert(*portal, *status);
            }
            R::Discover | R::Snapshot | R::GetTarget { .. } | R::GetPortalGroup { .. } => {}
        }
    }

    /// Replays one logged event: an error unless the array answered as the
    /// model does.
    pub fn replay(&mut self, e: &ArrayEvent) -> Result<(), String> {
        let expected = self.expect(&e.request);
        match (&expected, &e.error) {
            (Err(want), Some(got)) if want == got => return Ok(()),
            (Err(want), got) => {
                return Err(format!(
                    "{:?} should have been refused with {want:?}; the array answered {got:?}",
                    e.request
                ));
            }
            (Ok(_), Some(got)) => {
                return Err(format!(
                    "{:?} should have succeeded; the array refused it with {got:?}",
                    e.request
                ));
            }
            (Ok(_), None) => {}
        }
        let made = expected.expect("matched above");
        match (&made, e.created, e.tag) {
            (Made::Target, Some(id), None) | (Made::Group { .. }, Some(id), Some(_))
                if !self.used.insert(id) =>
            {
                return Err(format!("{:?} made {id}, an id already used", e.request));
            }
            (Made::Target, Some(_), None) => {}
            (Made::Group { tag }, Some(_), Some(got)) if *tag != got => {
                return Err(format!(
                    "{:?} made a group with tag {got}; the smallest free tag was {tag}",
                    e.request
                ));
            }
            (Made::Group { .. }, Some(_), Some(_)) | (Made::Nothing, None, None) => {}
            (want, created, tag) => {
                return Err(format!(
                    "{:?} should have made {want:?}; the log says created {created:?} with tag {tag:?}",
                    e.request
                ));
            }
        }
        self.apply(&e.request, &made, e.created);
        Ok(())
    }

    /// The differences between the model's state and the array's state `s`.
    pub fn differences(&self, s: &ArraySnapshot) -> Vec<String> {
        let mut out = Vec::new();
        let ids: BTreeSet<Id> = self
            .targets
            .keys()
            .chain(s.targets.keys())
            .copied()
            .collect();
        for id in ids {
            match (self.targets.get(&id), s.targets.get(&id)) {
                (Some(want), Some(got)) => {
                    let name_ok = want
                        .iscsi_name
                        .as_ref()
                        .is_none_or(|n| *n == got.iscsi_name);
                    let same = name_ok
                        && want.friendly_name == got.friendly_name
                        && want.chap_enabled == got.chap_enabled
                        && want.has_luns != got.luns.is_empty()
                        && want.remembered == got.remembered_initiators;
                    if !same {
                        out.push(format!(
                            "target {id}: the model has {want:?}, the array {got:?}"
                        ));
                    }
                }
                (Some(_), None) => out.push(format!("target {id} is missing from the array")),
                (None, Some(_)) => out.push(format!("target {id} is on the array only")),
                (None, None) => {}
            }
        }
        let mut names: BTreeSet<&str> = BTreeSet::new();
        for t in s.targets.values() {
            if !names.insert(&t.iscsi_name) {
                out.push(format!("two targets are named {}", t.iscsi_name));
            }
        }
        let ids: BTreeSet<Id> = self.groups.keys().chain(s.groups.keys()).copied().collect();
        for id in ids {
            let got = s.groups.get(&id).map(|g| Group {
                target: g.target,
                tag: g.tag,
                portals: g.portals.clone(),
            });
            if self.groups.get(&id) != got.as_ref() {
                out.push(format!(
                    "group {id}: the model has {:?}, the array {got:?}",
                    self.groups.get(&id)
                ));
            }
        }
        let got: BTreeMap<Id, i32> = s
            .portals
            .values()
            .map(|p| (p.id, p.status as i32))
            .collect();
        if got != self.portals {
            out.push(format!(
                "portal statuses: the model has {:?}, the array {got:?}",
                self.portals
            ));
        }
        out
    }
}

/// Holds a run's array to the model: every logged request answered as the
/// model answers it, in time order, and the final state the model's.
/// Returns the disagreements (none for a sound simulator); after the first
/// wrong answer it stops, since the states no longer match.
pub fn check_log(out: &RunOutcome) -> Vec<String> {
    let mut model = ArrayModel::new(&out.initial_array);
    let mut last = 0;
    for (i, e) in out.array_log.iter().enumerate() {
        if e.t_us < last {
            return vec![format!("array log entry {i} goes back in time")];
        }
        last = e.t_us;
        if let Err(why) = model.replay(e) {
            return vec![format!("array log entry {i}: {why}")];
        }
    }
    model.differences(&out.array)
}
