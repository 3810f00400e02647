//! The state-coverage table: for each call, the states of its object and of
//! the provider that change what the contract allows it to answer (in a
//! group or not, at the group limit, lower tags freed, deleted behind the
//! provider's back and learned or not, a corrupt cache, a Reenumerate or
//! Refresh running, a restart, an operation in flight on the same target or
//! elsewhere). A suite that never builds one of these states for a method
//! has not tried that method there, whatever its checks say: `coverage`
//! prints the table and an unreached cell makes the verdict inconclusive.
//!
//! The states are read from the run's history alone (the array's log, the
//! faults and the calls), never from the provider.

use std::collections::BTreeSet;

use serde::Serialize;
use vds_sim::array::ArrayRequest;
use vds_sim::hresult::HResult;
use vds_sim::method::Method;
use vds_sim::provider::ProviderFaultKind;
use vds_sim::world::StepRecord;

use super::portals::{holders_at, portal_of};
use super::{History, Situation};

/// A state of a call's object or of the provider that changes the answers
/// the contract allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum State {
    /// None of the others.
    Plain,
    /// CreatePortalGroup: the target had as many groups as the array allows.
    AtLimit,
    /// CreatePortalGroup: at the limit while another target had groups.
    AtLimitBesideOthers,
    /// CreatePortalGroup: a tag lower than the target's highest was free
    /// (a group deleted), so the array hands it out again.
    LowerTagFree,
    /// AddPortal, RemovePortal: the portal was in the group called.
    InThisGroup,
    /// AddPortal: the portal was in another group of the same target.
    InOtherGroup,
    /// AddPortal, RemovePortal: the portal was in no group of the target.
    InNoGroup,
    /// AddPortal, RemovePortal: the array has no portal with that id.
    NoSuchPortal,
    /// A group's Delete: the group held portals.
    HoldsPortals,
    /// The object (or its target) had been deleted on the array before the
    /// call, and the provider had not learned it.
    DeletedUnlearned,
    /// The same, and the provider had learned it, as CACHE-LEARNS-DELETIONS
    /// counts learning (a Refresh after the deletion, its own delete seen to
    /// succeed, or an earlier VDS_E_OBJECT_DELETED about it).
    DeletedLearned,
    /// A change on an object deleted behind the provider's back, learned
    /// or not (a change answers VDS_E_OBJECT_DELETED either way; only reads
    /// may lag).
    Deleted,
    /// The provider's cache was corrupt and not yet restored.
    Corrupt,
    /// A Reenumerate or Refresh of another call ran at some instant of the call.
    Refreshing,
    /// The provider restarted while the call (or its operation) ran.
    Restarting,
    /// An operation on the same target was in flight at some instant of the call.
    OperationOnTarget,
    /// An operation on another object was in flight at some instant of the call.
    OperationElsewhere,
}

impl State {
    /// Every state, in table order.
    pub const ALL: [State; 17] = [
        State::Plain,
        State::AtLimit,
        State::AtLimitBesideOthers,
        State::LowerTagFree,
        State::InThisGroup,
        State::InOtherGroup,
        State::InNoGroup,
        State::NoSuchPortal,
        State::HoldsPortals,
        State::DeletedUnlearned,
        State::DeletedLearned,
        State::Deleted,
        State::Corrupt,
        State::Refreshing,
        State::Restarting,
        State::OperationOnTarget,
        State::OperationElsewhere,
    ];

    /// The state named `name` in the table, if any.
    pub fn from_name(name: &str) -> Option<State> {
        State::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Its name in the table.
    pub const fn name(self) -> &'static str {
        match self {
            State::Plain => "plain",
            State::AtLimit => "at the group limit",
            State::AtLimitBesideOthers => "at the limit, another target with groups",
            State::LowerTagFree => "a lower tag freed",
            State::InThisGroup => "portal in this group",
            State::InOtherGroup => "portal in another group of the target",
            State::InNoGroup => "portal in no group of the target",
            State::NoSuchPortal => "no such portal",
            State::HoldsPortals => "group holds portals",
            State::DeletedUnlearned => "deleted behind its back, not learned",
            State::DeletedLearned => "deleted behind its back, learned",
            State::Deleted => "deleted behind its back",
            State::Corrupt => "cache corrupt",
            State::Refreshing => "Reenumerate or Refresh running",
            State::Restarting => "provider restarting",
            State::OperationOnTarget => "operation in flight on the target",
            State::OperationElsewhere => "operation in flight elsewhere",
        }
    }

    /// The provider fault a provider must take for a run to reach this
    /// state, if one is needed.
    pub const fn needs(self) -> Option<ProviderFaultKind> {
        match self {
            State::Corrupt => Some(ProviderFaultKind::CorruptCache),
            State::Restarting => Some(ProviderFaultKind::Restart),
            _ => None,
        }
    }
}

impl std::fmt::Display for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.name())
    }
}

impl Serialize for State {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// The cells the default suite must reach: per method, the states that
/// change what it may answer.
pub fn applicable(method: Method) -> &'static [State] {
    use Method as M;
    use State as S;
    match method {
        M::TargetCreatePortalGroup => &[
            S::Plain,
            S::AtLimit,
            S::AtLimitBesideOthers,
            S::LowerTagFree,
            S::Deleted,
            S::Corrupt,
            S::Refreshing,
            S::Restarting,
            S::OperationOnTarget,
            S::OperationElsewhere,
        ],
        M::TargetDelete => &[
            S::Plain,
            S::Deleted,
            S::Corrupt,
            S::Restarting,
            S::OperationOnTarget,
        ],
        M::PortalGroupAddPortal => &[
            S::InThisGroup,
            S::InOtherGroup,
            S::InNoGroup,
            S::NoSuchPortal,
            S::Deleted,
            S::Corrupt,
            S::Restarting,
        ],
        M::PortalGroupRemovePortal => &[
            S::InThisGroup,
            S::InNoGroup,
            S::NoSuchPortal,
            S::Deleted,
            S::Restarting,
        ],
        M::PortalGroupDelete => &[S::Plain, S::HoldsPortals, S::Deleted, S::Restarting],
        M::SubSystemCreateTarget => &[S::Plain, S::Corrupt, S::Restarting],
        M::TargetGetProperties | M::TargetQueryPortalGroups | M::PortalGroupGetProperties => {
            &[S::Plain, S::DeletedUnlearned, S::DeletedLearned, S::Corrupt]
        }
        M::HwProviderRefresh | M::HwProviderReenumerate => &[S::Plain, S::Corrupt],
        _ => &[],
    }
}

/// Every method with applicable cells, in method order.
pub fn methods() -> impl Iterator<Item = Method> {
    Method::ALL
        .iter()
        .copied()
        .filter(|m| !applicable(*m).is_empty())
}

impl History<'_> {
    /// The (method, state) cells the program calls of the run reached.
    pub fn states(&self) -> BTreeSet<(Method, State)> {
        let mut cells = BTreeSet::new();
        for s in &self.calls {
            if applicable(s.method).is_empty() {
                continue;
            }
            for state in self.states_of(s) {
                cells.insert((s.method, state));
            }
        }
        cells
    }

    /// The states `s` was made in (at least one).
    fn states_of(&self, s: &StepRecord) -> Vec<State> {
        let mut found = Vec::new();
        let situations = self.situations(s);
        if situations.contains(&Situation::Fault(
            vds_sim::faults::FaultKind::CacheCorruption,
        )) {
            found.push(State::Corrupt);
        }
        if situations.contains(&Situation::Fault(
            vds_sim::faults::FaultKind::ProviderRestart,
        )) {
            found.push(State::Restarting);
        }
        found.extend(self.deleted_state(s));
        found.extend(self.object_state(s));
        if self.refreshing_during(s) {
            found.push(State::Refreshing);
        }
        let target = s.object.map(|o| self.target_of(o));
        for op in &self.ops {
            if std::ptr::eq(op.call, s) || !self.in_flight_during(op, s) {
                continue;
            }
            let other = op.call.object.map(|o| self.target_of(o));
            found.push(if other.is_some() && other == target {
                State::OperationOnTarget
            } else {
                State::OperationElsewhere
            });
        }
        found.sort();
        found.dedup();
        if found.is_empty() {
            found.push(State::Plain);
        }
        found
    }

    /// The target `object` is or belongs to (a target is its own).
    fn target_of(&self, object: vds_sim::props::VDS_OBJECT_ID) -> vds_sim::props::VDS_OBJECT_ID {
        self.group_target.get(&object).copied().unwrap_or(object)
    }

    /// Deleted behind the provider's back before `s` was called, learned or not.
    fn deleted_state(&self, s: &StepRecord) -> Option<State> {
        let object = s.object?;
        let gone = self
            .deleted_at(object)
            .or_else(|| self.deleted_at(*self.group_target.get(&object)?))?;
        if gone > s.t_call_us {
            return None;
        }
        let direct = self.out.array_log.iter().any(|e| {
            e.direct
                && e.t_us == gone
                && matches!(
                    e.request,
                    ArrayRequest::DeleteTarget { .. } | ArrayRequest::DeletePortalGroup { .. }
                )
        });
        if !direct {
            return None;
        }
        if s.method.is_async() {
            return Some(State::Deleted);
        }
        Some(
            if super::learned::learned(self, object, gone, s).is_some() {
                State::DeletedLearned
            } else {
                State::DeletedUnlearned
            },
        )
    }

    /// The states of the object itself: the group limit and tags for
    /// CreatePortalGroup, where the portal is for AddPortal and
    /// RemovePortal, whether a group holds portals for its Delete.
    fn object_state(&self, s: &StepRecord) -> Vec<State> {
        let Some(object) = s.object else {
            return Vec::new();
        };
        let t = s.t_call_us;
        match s.method {
            Method::TargetCreatePortalGroup => {
                let mut found = Vec::new();
                let limit = usize::from(self.out.initial_array.group_limit);
                if self.groups_at(object, t) >= limit {
                    found.push(State::AtLimit);
                    let others = self
                        .group_target
                        .iter()
                        .any(|(g, tg)| *tg != object && self.group_existed_at(*g, t));
                    if others {
                        found.push(State::AtLimitBesideOthers);
                    }
                }
                let tags: BTreeSet<u16> = self
                    .group_target
                    .iter()
                    .filter(|(g, tg)| **tg == object && self.group_existed_at(**g, t))
                    .filter_map(|(g, _)| self.group_tag(*g))
                    .collect();
                if tags
                    .last()
                    .is_some_and(|max| usize::from(*max) > tags.len())
                {
                    found.push(State::LowerTagFree);
                }
                found
            }
            Method::PortalGroupAddPortal | Method::PortalGroupRemovePortal => {
                let Some(portal) = portal_of(s) else {
                    return Vec::new();
                };
                if !self.out.initial_array.portals.contains_key(&portal) {
                    return vec![State::NoSuchPortal];
                }
                let holders = holders_at(self, portal, t);
                let target = self.group_target.get(&object);
                let state = if holders.contains(&object) {
                    State::InThisGroup
                } else if holders.iter().any(|g| self.group_target.get(g) == target) {
                    State::InOtherGroup
                } else {
                    State::InNoGroup
                };
                vec![state]
            }
            Method::PortalGroupDelete => {
                let holds = self
                    .out
                    .initial_array
                    .portals
                    .keys()
                    .any(|p| holders_at(self, *p, t).contains(&object));
                if holds {
                    vec![State::HoldsPortals]
                } else {
                    Vec::new()
                }
            }
            _ => Vec::new(),
        }
    }

    /// Whether another call's Reenumerate or Refresh overlapped `s`.
    fn refreshing_during(&self, s: &StepRecord) -> bool {
        self.calls.iter().any(|r| {
            !std::ptr::eq(*r, s)
                && matches!(
                    r.method,
                    Method::HwProviderReenumerate | Method::HwProviderRefresh
                )
                && r.seq_call < s.seq_return
                && r.seq_return > s.seq_call
        })
    }

    /// Whether `op` was in flight at some instant of `s`: started before
    /// `s` returned, and seen to end only after `s` was called (an
    /// operation whose end no client saw is not counted).
    fn in_flight_during(&self, op: &super::Op, s: &StepRecord) -> bool {
        let end = op.follow.iter().find(|f| {
            f.hr.succeeded()
                && f.hr_result
                    .is_some_and(|r| r != HResult::VDS_E_OPERATION_PENDING)
        });
        op.call.seq_call < s.seq_return && end.is_some_and(|f| f.seq_return > s.seq_call)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_lists_every_state_once_with_its_own_name() {
        let names: BTreeSet<&str> = State::ALL.iter().map(|s| s.name()).collect();
        assert_eq!(names.len(), State::ALL.len());
        for m in Method::ALL {
            for s in applicable(*m) {
                assert!(State::ALL.contains(s), "{s:?}");
            }
        }
    }
}
