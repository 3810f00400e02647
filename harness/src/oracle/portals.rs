//! PORTAL-ONE-GROUP-PER-TARGET: a portal is in at most one group of a
//! target, and adding it to a second answers VDS_E_OBJECT_EXISTS; the
//! refusal is warranted only when another group of the target held it.

use std::collections::BTreeSet;

use vds_sim::array::ArrayRequest;
use vds_sim::hresult::HResult;
use vds_sim::method::Method;
use vds_sim::profile::RuleId;
use vds_sim::props::VDS_OBJECT_ID as Id;
use vds_sim::world::StepRecord;

use super::{History, Judgement};

const EXISTS: HResult = HResult::VDS_E_OBJECT_EXISTS;

/// The portal an AddPortal or RemovePortal names: the id in braces in its arguments.
pub(super) fn portal_of(s: &StepRecord) -> Option<Id> {
    let (_, rest) = s.args.split_once('{')?;
    let (id, _) = rest.split_once('}')?;
    format!("{{{id}}}").parse().ok()
}

/// The groups holding `portal` on the array at time `t_us`.
pub(super) fn holders_at(h: &History, portal: Id, t_us: u128) -> BTreeSet<Id> {
    let mut holders: BTreeSet<Id> = h
        .out
        .initial_array
        .groups
        .values()
        .filter(|g| g.portals.contains(&portal))
        .map(|g| g.id)
        .collect();
    for e in h.applied().filter(|e| e.t_us <= t_us) {
        match &e.request {
            ArrayRequest::AddPortal { group, portal: p } if *p == portal => {
                holders.insert(*group);
            }
            ArrayRequest::RemovePortal { group, portal: p } if *p == portal => {
                holders.remove(group);
            }
            ArrayRequest::DeletePortalGroup { group } => {
                holders.remove(group);
            }
            ArrayRequest::DeleteTarget { target } => {
                holders.retain(|g| h.group_target.get(g) != Some(target));
            }
            _ => {}
        }
    }
    holders
}

/// Whether another group of `group`'s target held `portal` at `t_us`.
pub(super) fn held_elsewhere(h: &History, group: Id, portal: Id, t_us: u128) -> bool {
    let target = h.group_target.get(&group);
    holders_at(h, portal, t_us)
        .iter()
        .any(|g| *g != group && h.group_target.get(g) == target)
}

/// Whether AddPortal's `answer` is VDS_E_OBJECT_EXISTS or a failure that
/// comes before the provider looks at its arguments: busy, a corrupt
/// cache (found by the world fuzz target: the provider cannot know who
/// holds the portal then), a restart, an allocation failure, a Win32 code
/// from the link.
fn before_arguments(answer: HResult) -> bool {
    [
        EXISTS,
        HResult::VDS_E_ANOTHER_CALL_IN_PROGRESS,
        HResult::VDS_E_PROVIDER_CACHE_CORRUPT,
        HResult::VDS_E_PROVIDER_EXITING,
        HResult::E_OUTOFMEMORY,
    ]
    .contains(&answer)
        || (answer.failed() && answer.facility() == 7)
}

/// PORTAL-ONE-GROUP-PER-TARGET.
pub(super) fn portal_one_group_per_target(h: &History, j: &mut Judgement) {
    let rule = RuleId::PortalOneGroupPerTarget;
    for call in h
        .calls
        .iter()
        .filter(|s| s.method == Method::PortalGroupAddPortal)
    {
        let (Some(group), Some(portal)) = (call.object, portal_of(call)) else {
            continue;
        };
        let Some((answer, at)) = h.answer(call) else {
            continue;
        };
        // Times at which the array's state could have been what the provider saw.
        let times = h.instants(call.t_call_us, at.t_us);
        let held: Vec<bool> = times
            .iter()
            .map(|t| held_elsewhere(h, group, portal, *t))
            .collect();
        // The rule obliges only while the group itself exists: once it is
        // gone, DELETED-IS-OBJECT-DELETED says what to answer.
        let always = held.iter().all(|x| *x) && times.iter().all(|t| h.group_existed_at(group, *t));
        let ever = held.iter().any(|x| *x);
        if !(ever || answer == EXISTS) {
            continue;
        }
        j.hit_at(rule, call);
        if always && answer.succeeded() {
            j.fail(
                rule,
                at,
                format!(
                    "AddPortal of {portal} to group {group} answered {answer} although another group of the target held it throughout"
                ),
            );
        } else if always && !before_arguments(answer) {
            j.fail(
                rule,
                at,
                format!(
                    "AddPortal of {portal} to group {group}, held by another group of the target, answered {answer}, not {EXISTS}"
                ),
            );
        } else if answer == EXISTS && !ever {
            j.fail(
                rule,
                at,
                format!(
                    "AddPortal of {portal} to group {group} answered {EXISTS} although no other group of the target held it"
                ),
            );
        }
    }
}
