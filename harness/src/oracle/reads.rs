//! READS-TRUE: what a successful read reports is the array's, as of some
//! instant before it answered (the subsystem a list or a pointer names
//! included). A list names only objects that were there
//! (a target's own groups, a group's own portals) and leaves out none that
//! was there throughout the call and that the provider knew of; properties
//! are the object's own (its id, a target's names and a CHAP state it had,
//! a portal's address and a status it had; a group's tag is
//! CPG-TAG-UNIQUE's); a target's initiators and LUNs are its own, and a
//! group's GetTarget is its own target. Stale views of deletions are
//! CACHE-READS-MAY-BE-STALE's and CACHE-LEARNS-DELETIONS'.
//!
//! Everything here is read from the array's log and the step records; the
//! judge shares no code with any provider.

use std::collections::BTreeSet;

use vds_sim::array::ArrayRequest;
use vds_sim::hresult::HResult;
use vds_sim::method::Method;
use vds_sim::profile::RuleId;
use vds_sim::props::VDS_OBJECT_ID as Id;
use vds_sim::world::{Seen, StepRecord};

use super::portals::holders_at;
use super::{History, Judgement};

const RULE: RuleId = RuleId::ReadsTrue;

/// Every instant up to the call's return at which the array changed, and the start.
fn history_until(h: &History, t_us: u128) -> Vec<u128> {
    let mut t = vec![0];
    t.extend(h.applied().map(|e| e.t_us).filter(|t| *t <= t_us));
    t
}

/// Whether an operation started by a call of `methods` on `object` may have
/// run at some instant of `s` (called before `s` returned, not seen over
/// before `s` was called).
fn change_in_flight(h: &History, s: &StepRecord, methods: &[Method], object: Id) -> bool {
    let called_before = |m: &Method| {
        h.ops_on(*m, object)
            .take_while(|op| op.call.seq_call < s.seq_return)
    };
    methods.iter().flat_map(called_before).any(|op| {
        op.call.seq_call < s.seq_return
            && !op.follow.iter().any(|f| {
                f.seq_return < s.seq_call
                    && f.hr.succeeded()
                    && f.hr_result
                        .is_some_and(|r| r != HResult::VDS_E_OPERATION_PENDING)
            })
    })
}

/// Whether a client saw an operation of `method` on `object` end with S_OK
/// before `s` was called; for Wait-revealed objects, `product` is the object
/// handed back.
fn seen_done(h: &History, s: &StepRecord, method: Method, object: Option<Id>) -> Vec<Option<Id>> {
    let ops: Box<dyn Iterator<Item = &super::Op>> = match object {
        Some(o) => Box::new(h.ops_on(method, o)),
        None => Box::new(h.ops.iter().filter(move |op| op.call.method == method)),
    };
    ops.take_while(|op| op.call.seq_call < s.seq_call)
        .filter_map(|op| {
            op.waits().find(|w| {
                w.seq_return < s.seq_call && w.hr.succeeded() && w.hr_result == Some(HResult::S_OK)
            })
        })
        .map(|w| {
            w.output
                .as_ref()
                .and_then(|o| o.pointer.as_ref())
                .and_then(|p| p.object)
        })
        .collect()
}

/// Whether a client saw an operation of `method` on `object` (whose call
/// `which` accepts) end with S_OK before `s` was called.
pub(super) fn ended_ok_before(
    h: &History,
    s: &StepRecord,
    method: Method,
    object: Id,
    which: impl Fn(&StepRecord) -> bool,
) -> bool {
    let ops = h.ops_on(method, object);
    ops.take_while(|op| op.call.seq_call < s.seq_call)
        .any(|op| {
            which(op.call)
                && op.waits().any(|w| {
                    w.seq_return < s.seq_call
                        && w.hr.succeeded()
                        && w.hr_result == Some(HResult::S_OK)
                })
        })
}

/// QueryPortalGroups: the target's own groups, none left out that the
/// provider knew of and that stood throughout the call.
fn query_portal_groups(h: &History, s: &StepRecord, listed: &[Option<Id>]) -> Option<String> {
    let target = s.object?;
    // A group listed twice is refused before this, by `repeated`.
    let unique: BTreeSet<Id> = listed.iter().flatten().copied().collect();
    for g in &unique {
        let own = h.group_target.get(g) == Some(&target);
        let born = h.group_existed_by(*g, s.t_us);
        if !own || !born {
            return Some(format!(
                "QueryPortalGroups of {target} lists {g}, which was never a group of that target"
            ));
        }
    }
    // A group whose deletion a client saw end with S_OK before the call is
    // known gone (CACHE-LEARNS-DELETIONS says the same of GetProperties).
    if let Some(g) = unique
        .iter()
        .find(|g| ended_ok_before(h, s, Method::PortalGroupDelete, **g, |_| true))
    {
        return Some(format!(
            "QueryPortalGroups of {target} lists {g}, whose deletion a client saw succeed before the call"
        ));
    }
    // Known: groups of the initial array, and groups a client saw created.
    let mut known = h.initial_groups_of(target);
    known.extend(
        seen_done(h, s, Method::TargetCreatePortalGroup, Some(target))
            .into_iter()
            .flatten(),
    );
    let when = h.instants(s.t_call_us, s.t_us);
    for g in known.difference(&unique) {
        let stood = when.iter().all(|t| h.group_existed_at(*g, *t));
        let deleting = change_in_flight(h, s, &[Method::PortalGroupDelete], *g)
            || change_in_flight(h, s, &[Method::TargetDelete], target);
        if stood && !deleting {
            return Some(format!(
                "QueryPortalGroups of {target} leaves out {g}, a group it had throughout the call"
            ));
        }
    }
    None
}

/// QueryAssociatedPortals: the group's own portals, none left out that the
/// provider knew of and that stood in it throughout the call.
fn query_associated_portals(h: &History, s: &StepRecord, listed: &[Option<Id>]) -> Option<String> {
    let group = s.object?;
    let unique: BTreeSet<Id> = listed.iter().flatten().copied().collect();
    for p in &unique {
        let ever = history_until(h, s.t_us)
            .into_iter()
            .any(|t| holders_at(h, *p, t).contains(&group));
        if !ever {
            return Some(format!(
                "QueryAssociatedPortals of {group} lists portal {p}, which was never in it"
            ));
        }
    }
    // A portal whose removal a client saw end with S_OK before the call, and
    // that was not in the group again at any instant of it, is known gone.
    let when = h.instants(s.t_call_us, s.t_us);
    let removed = unique.iter().find(|p| {
        let same = |c: &StepRecord| super::portals::portal_of(c) == Some(**p);
        ended_ok_before(h, s, Method::PortalGroupRemovePortal, group, same)
            && !when.iter().any(|t| holders_at(h, **p, *t).contains(&group))
    });
    if let Some(p) = removed {
        return Some(format!(
            "QueryAssociatedPortals of {group} lists portal {p}, whose removal a client saw succeed before the call"
        ));
    }
    let mut known: BTreeSet<Id> = h
        .out
        .initial_array
        .groups
        .get(&group)
        .map(|g| g.portals.clone())
        .unwrap_or_default();
    for op in h.ops.iter().filter(|op| {
        op.call.method == Method::PortalGroupAddPortal && op.call.object == Some(group)
    }) {
        let done = op.waits().any(|w| {
            w.seq_return < s.seq_call && w.hr.succeeded() && w.hr_result == Some(HResult::S_OK)
        });
        if done && let Some(p) = super::portals::portal_of(op.call) {
            known.insert(p);
        }
    }
    for p in known.difference(&unique) {
        let stood = when.iter().all(|t| holders_at(h, *p, *t).contains(&group));
        let changing = change_in_flight(
            h,
            s,
            &[Method::PortalGroupRemovePortal, Method::PortalGroupDelete],
            group,
        );
        if stood && !changing {
            return Some(format!(
                "QueryAssociatedPortals of {group} leaves out portal {p}, in the group throughout the call"
            ));
        }
    }
    None
}

/// QueryAssociatedPortalGroups: the groups that hold the portal, none left
/// out that the provider knew held it and that held it throughout the call.
fn query_associated_portal_groups(
    h: &History,
    s: &StepRecord,
    listed: &[Option<Id>],
) -> Option<String> {
    let portal = s.object?;
    let unique: BTreeSet<Id> = listed.iter().flatten().copied().collect();
    let until = history_until(h, s.t_us);
    if let Some(g) = unique
        .iter()
        .find(|g| !until.iter().any(|t| holders_at(h, portal, *t).contains(g)))
    {
        return Some(format!(
            "QueryAssociatedPortalGroups of portal {portal} lists group {g}, which never held it"
        ));
    }
    let when = h.instants(s.t_call_us, s.t_us);
    let mut known = holders_at(h, portal, 0);
    for op in h
        .ops
        .iter()
        .filter(|op| op.call.method == Method::PortalGroupAddPortal)
    {
        let done = op.waits().any(|w| {
            w.seq_return < s.seq_call && w.hr.succeeded() && w.hr_result == Some(HResult::S_OK)
        });
        if done
            && super::portals::portal_of(op.call) == Some(portal)
            && let Some(g) = op.call.object
        {
            known.insert(g);
        }
    }
    for g in known.difference(&unique) {
        let stood = when.iter().all(|t| holders_at(h, portal, *t).contains(g));
        let target = h.group_target.get(g).copied();
        let changing = change_in_flight(
            h,
            s,
            &[Method::PortalGroupRemovePortal, Method::PortalGroupDelete],
            *g,
        ) || target
            .is_some_and(|t| change_in_flight(h, s, &[Method::TargetDelete], t));
        if stood && !changing {
            return Some(format!(
                "QueryAssociatedPortalGroups of portal {portal} leaves out group {g}, which held it throughout the call"
            ));
        }
    }
    None
}

/// QueryTargets: targets the array had at some instant up to the answer,
/// none left out that the provider knew of (there from the start, or made
/// by a CreateTarget seen to succeed) and that stood throughout the call.
fn query_targets(h: &History, s: &StepRecord, listed: &[Option<Id>]) -> Option<String> {
    let unique: BTreeSet<Id> = listed.iter().flatten().copied().collect();
    let made_by = |t: &Id| {
        h.applied()
            .any(|e| e.created == Some(*t) && e.t_us <= s.t_us)
    };
    if let Some(t) = unique
        .iter()
        .find(|t| !h.out.initial_array.targets.contains_key(t) && !made_by(t))
    {
        return Some(format!(
            "QueryTargets lists {t}, which the array did not have by the answer"
        ));
    }
    let mut known: BTreeSet<Id> = h.out.initial_array.targets.keys().copied().collect();
    known.extend(
        seen_done(h, s, Method::SubSystemCreateTarget, None)
            .into_iter()
            .flatten(),
    );
    let left = known.difference(&unique).find(|t| {
        h.deleted_at(**t).is_none_or(|d| d > s.t_us)
            && !change_in_flight(h, s, &[Method::TargetDelete], **t)
    });
    left.map(|t| format!("QueryTargets leaves out {t}, which stood throughout the call"))
}

/// QueryPortals: the array's portals (it neither makes nor deletes any),
/// all of them.
fn query_portals(h: &History, listed: &[Option<Id>]) -> Option<String> {
    let unique: BTreeSet<Id> = listed.iter().flatten().copied().collect();
    let all: BTreeSet<Id> = h.out.initial_array.portals.keys().copied().collect();
    if let Some(p) = unique.difference(&all).next() {
        return Some(format!(
            "QueryPortals lists {p}, which is no portal of the array"
        ));
    }
    all.difference(&unique)
        .next()
        .map(|p| format!("QueryPortals leaves out portal {p}"))
}

/// QuerySubSystems and GetSubSystem: the array's one subsystem (a list
/// names it, a pointer is it).
fn subsystems(h: &History, s: &StepRecord, listed: &[Option<Id>]) -> Option<String> {
    let subsystem = h.out.initial_array.subsystem;
    if let Some(other) = listed.iter().flatten().find(|id| **id != subsystem) {
        return Some(format!(
            "{} names {other}, which is not the array's subsystem {subsystem}",
            s.method
        ));
    }
    (!listed.contains(&Some(subsystem))).then(|| {
        format!(
            "{} does not name the array's subsystem {subsystem}",
            s.method
        )
    })
}

/// The friendly names a read of `target` answered by `read` may report:
/// the one it had when the provider last learned it (see [`learned_values`])
/// and every one it had since, up to the read's return. The array keeps a
/// created target's name as given and SetFriendlyName's as truncated.
fn friendly_names(h: &History, target: Id, read: &StepRecord) -> Vec<String> {
    let mut changes: Vec<(u128, bool, String)> = Vec::new();
    for e in h.applied() {
        match &e.request {
            ArrayRequest::CreateTarget { friendly_name, .. } if e.created == Some(target) => {
                changes.push((e.t_us, e.direct, friendly_name.clone()));
            }
            ArrayRequest::SetFriendlyName { target: t, name } if *t == target => {
                changes.push((e.t_us, e.direct, super::history::kept(name)));
            }
            _ => {}
        }
    }
    let initial = h
        .out
        .initial_array
        .targets
        .get(&target)
        .map(|t| t.friendly_name.clone());
    learned_values(
        h,
        target,
        read,
        Method::TargetSetFriendlyName,
        initial,
        changes,
    )
}

/// The values a read may report of one field of `target` that only the
/// provider's own synchronous setter (`setter`) changes, given the field's
/// `initial` value and its `changes` on the array (instant, direct, value):
/// a read may be stale, but not older than what the provider had learned
/// when it was called. It learned a value when a `setter` call of its own
/// on the target returned success: the field's last change through the
/// provider by then. Every value since that one, up to the read's return,
/// may be reported (CALL-WINDOW); with nothing learned, any value the field
/// had by then.
fn learned_values<T: Clone + PartialEq>(
    h: &History,
    target: Id,
    read: &StepRecord,
    setter: Method,
    initial: Option<T>,
    changes: Vec<(u128, bool, T)>,
) -> Vec<T> {
    let learned_at = h
        .calls
        .iter()
        .filter(|c| {
            c.method == setter
                && c.object == Some(target)
                && c.hr.succeeded()
                && c.seq_return < read.seq_call
        })
        .filter_map(|c| {
            changes
                .iter()
                .filter(|(t, direct, _)| !direct && *t <= c.t_us)
                .map(|(t, _, _)| *t)
                .max()
        })
        .max();
    let mut values: Vec<T> = Vec::new();
    let mut last = initial;
    for (t, _, v) in changes {
        if t > read.t_us {
            break;
        }
        if learned_at.is_none_or(|l| t > l) {
            values.extend(last.take());
        }
        last = Some(v);
    }
    values.extend(last);
    values
}

/// The target's iSCSI name, where the run shows it.
fn iscsi_name(h: &History, target: Id) -> Option<String> {
    let known =
        |a: &vds_sim::array::ArraySnapshot| a.targets.get(&target).map(|t| t.iscsi_name.clone());
    known(&h.out.initial_array)
        .or_else(|| known(&h.out.array))
        .or_else(|| {
            h.applied().find_map(|e| match &e.request {
                ArrayRequest::CreateTarget {
                    iscsi_name: Some(n),
                    ..
                } if e.created == Some(target) && !n.is_empty() => Some(n.clone()),
                _ => None,
            })
        })
}

/// GetConnectedInitiators and QueryAssociatedLuns: the target's own, each
/// once, none left out (the array never changes either list).
fn target_lists(h: &History, s: &StepRecord) -> Option<String> {
    let target = s.object?;
    let record = h
        .out
        .initial_array
        .targets
        .get(&target)
        .or_else(|| h.out.array.targets.get(&target))?;
    let (what, got, want): (&str, Vec<String>, Vec<String>) = match &s.seen {
        Seen::Names(names) => (
            "connected initiators",
            names.clone(),
            record.connected_initiators.clone(),
        ),
        Seen::Ids(ids) => (
            "LUNs",
            ids.iter().map(Id::to_string).collect(),
            record.luns.iter().map(Id::to_string).collect(),
        ),
        _ => return None,
    };
    let (mut sorted_got, mut sorted_want) = (got.clone(), want.clone());
    sorted_got.sort();
    sorted_want.sort();
    (sorted_got != sorted_want).then(|| {
        format!(
            "{} lists {what} {got:?}; the array's target {target} has {want:?}",
            s.method
        )
    })
}

/// A group's GetTarget: a pointer to the group's own target.
fn group_target(h: &History, s: &StepRecord, listed: &[Option<Id>]) -> Option<String> {
    let want = *h.group_target.get(&s.object?)?;
    (listed != [Some(want)]).then(|| {
        format!(
            "GetTarget of group {} hands back {listed:?}; the group's target is {want}",
            s.object.unwrap_or_default()
        )
    })
}

/// The CHAP states a read of `target` answered by `read` may report (see
/// [`learned_values`]): on while a non-empty secret is set.
fn chap_values(h: &History, target: Id, read: &StepRecord) -> Vec<bool> {
    let mut changes: Vec<(u128, bool, bool)> = Vec::new();
    for e in h.applied() {
        match &e.request {
            ArrayRequest::CreateTarget { .. } if e.created == Some(target) => {
                changes.push((e.t_us, e.direct, false));
            }
            ArrayRequest::SetSharedSecret {
                target: t, secret, ..
            } if *t == target => {
                changes.push((
                    e.t_us,
                    e.direct,
                    secret.as_ref().is_some_and(|s| !s.is_empty()),
                ));
            }
            _ => {}
        }
    }
    let initial = h
        .out
        .initial_array
        .targets
        .get(&target)
        .map(|t| t.chap_enabled);
    learned_values(
        h,
        target,
        read,
        Method::TargetSetSharedSecret,
        initial,
        changes,
    )
}

/// What is wrong with a successful GetProperties, if anything.
fn properties(h: &History, s: &StepRecord) -> Option<String> {
    let object = s.object?;
    match &s.seen {
        Seen::Target(p) => {
            if p.id != object {
                return Some(format!("target {object} reports id {}", p.id));
            }
            if let Some(name) = iscsi_name(h, object)
                && p.pwszIscsiName != name
            {
                return Some(format!(
                    "target {object} reports iSCSI name {:?}, the array's is {name:?}",
                    p.pwszIscsiName
                ));
            }
            let chap = chap_values(h, object, s);
            if !chap.is_empty() && !chap.contains(&p.bChapEnabled) {
                return Some(format!(
                    "target {object} reports bChapEnabled {}, which it never had",
                    p.bChapEnabled
                ));
            }
            let names = friendly_names(h, object, s);
            (!names.is_empty() && !names.contains(&p.pwszFriendlyName)).then(|| {
                format!(
                    "target {object} reports friendly name {:?}, which the array never gave it (it had {names:?})",
                    p.pwszFriendlyName
                )
            })
        }
        // Its tag is CPG-TAG-UNIQUE's.
        Seen::Group(p) => {
            (p.id != object).then(|| format!("portal group {object} reports id {}", p.id))
        }
        Seen::Portal(p) => {
            if p.id != object {
                return Some(format!("portal {object} reports id {}", p.id));
            }
            let record = h.out.initial_array.portals.get(&object)?;
            if p.address != record.address {
                return Some(format!(
                    "portal {object} reports address {:?}, the array's is {:?}",
                    p.address, record.address
                ));
            }
            let mut statuses = vec![record.status.value()];
            statuses.extend(h.applied().filter(|e| e.t_us <= s.t_us).filter_map(
                |e| match e.request {
                    ArrayRequest::SetPortalStatus { portal, status } if portal == object => {
                        Some(status)
                    }
                    _ => None,
                },
            ));
            (!statuses.contains(&p.status.value())).then(|| {
                format!(
                    "portal {object} reports status {}, which the array never gave it",
                    p.status.name()
                )
            })
        }
        _ => None,
    }
}

/// The first entry a list names twice, if any.
fn repeated(seen: &Seen) -> Option<String> {
    fn first_twice<T: Ord + Clone>(items: impl Iterator<Item = T>) -> Option<T> {
        let mut once = BTreeSet::new();
        items.into_iter().find(|x| !once.insert(x.clone()))
    }
    match seen {
        Seen::Objects(listed) => first_twice(listed.iter().flatten()).map(|id| id.to_string()),
        Seen::Ids(ids) => first_twice(ids.iter()).map(|id| id.to_string()),
        Seen::Names(names) => first_twice(names.iter()).cloned(),
        _ => None,
    }
}

/// READS-TRUE (see the module).
/// Set-up calls are judged too: a client finds its targets and portals by
/// what they report.
pub(super) fn reads_true(h: &History, j: &mut Judgement) {
    for s in h.out.steps.iter().filter(|s| s.hr.succeeded()) {
        // A list names each object (or LUN, or initiator) once, whatever it lists.
        if let Some(twice) = repeated(&s.seen) {
            j.fail(RULE, s, format!("{} lists {twice} twice", s.method));
            continue;
        }
        let wrong = match (s.method, &s.seen) {
            (Method::TargetQueryPortalGroups, Seen::Objects(listed)) => {
                query_portal_groups(h, s, listed)
            }
            (Method::PortalGroupQueryAssociatedPortals, Seen::Objects(listed)) => {
                query_associated_portals(h, s, listed)
            }
            (Method::PortalQueryAssociatedPortalGroups, Seen::Objects(listed)) => {
                query_associated_portal_groups(h, s, listed)
            }
            (Method::SubSystemQueryTargets, Seen::Objects(listed)) => query_targets(h, s, listed),
            (
                Method::HwProviderQuerySubSystems
                | Method::TargetGetSubSystem
                | Method::PortalGetSubSystem,
                Seen::Objects(listed),
            ) => subsystems(h, s, listed),
            (Method::SubSystemQueryPortals, Seen::Objects(listed)) => query_portals(h, listed),
            (Method::PortalGroupGetTarget, Seen::Objects(listed)) => group_target(h, s, listed),
            (Method::TargetGetConnectedInitiators, Seen::Names(_))
            | (Method::TargetQueryAssociatedLuns, Seen::Ids(_)) => target_lists(h, s),
            (
                Method::TargetGetProperties
                | Method::PortalGroupGetProperties
                | Method::PortalGetProperties,
                _,
            ) => properties(h, s),
            _ => continue,
        };
        j.hit_at(RULE, s);
        if let Some(why) = wrong {
            j.fail(RULE, s, why);
        }
    }
}
