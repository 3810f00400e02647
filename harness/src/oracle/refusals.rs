//! REFUSAL-WARRANTED: a failure code is an answer about the situation, so
//! the situation must call for it. A refusal the array's state does not
//! warrant, or a change the array made while the caller was told it failed,
//! is a finding.

use vds_sim::array::ArrayRequest;
use vds_sim::hresult::HResult;
use vds_sim::method::Method;
use vds_sim::profile::RuleId;
use vds_sim::props::VDS_OBJECT_ID as Id;
use vds_sim::world::StepRecord;

use super::history::request_of;
use super::portals::{holders_at, portal_of};
use super::{History, Judgement, warrants};

/// Failures that leave the caller not knowing whether the change was made.
const UNKNOWING: [HResult; 2] = [vds_sim::outcomes::TIMEOUT, HResult::VDS_E_PROVIDER_EXITING];

/// Whether the array applied `req` between the call and its answer, and
/// only this call can have asked for it: no fault did it directly, and no
/// other call asking for the same change overlapped this one.
fn made_by_this_call(h: &History, call: &StepRecord, req: &ArrayRequest, at: &StepRecord) -> bool {
    let window = call.t_call_us..=at.t_us;
    let mut made = h
        .out
        .array_log
        .iter()
        .filter(|e| e.request == *req && window.contains(&e.t_us));
    let Some(first) = made.next() else {
        return false;
    };
    let rival = h.calls.iter().any(|o| {
        !std::ptr::eq(*o, call)
            && request_of(o).as_ref() == Some(req)
            && o.t_call_us <= at.t_us
            && h.answer(o).is_none_or(|(_, a)| a.t_us >= call.t_call_us)
    });
    first.error.is_none() && !first.direct && !rival
}

/// Whether the provider knew, when `call` was made, that `group` holds
/// `portal`: it did from the start, or an AddPortal that put it there was
/// seen to end with S_OK before the call (and nothing took it out since).
pub(super) fn known_member(h: &History, call: &StepRecord, group: Id, portal: Id) -> bool {
    let last = h
        .applied()
        .filter(|e| e.t_us < call.t_call_us)
        .filter(|e| {
            matches!(&e.request,
                ArrayRequest::AddPortal { group: g, portal: p }
                | ArrayRequest::RemovePortal { group: g, portal: p }
                    if *g == group && *p == portal)
        })
        .last();
    match last.map(|e| &e.request) {
        None => holders_at(h, portal, 0).contains(&group),
        Some(ArrayRequest::AddPortal { .. }) => {
            super::reads::ended_ok_before(h, call, Method::PortalGroupAddPortal, group, |c| {
                portal_of(c) == Some(portal)
            })
        }
        Some(_) => false,
    }
}

/// REFUSAL-WARRANTED: every failure answered, by any call of any method
/// (set-up calls included) or as an operation's end, has the warrant the
/// contract's table ([`super::warrants`]) asks of its code; and a portal
/// change the array made for this call is never reported as refused.
pub(super) fn refusal_warranted(h: &History, j: &mut Judgement) {
    let rule = RuleId::RefusalWarranted;
    let mut out_of_memory = 0;
    for a in failures(h) {
        j.hit_at(rule, a.call);
        if a.hr == HResult::E_OUTOFMEMORY {
            out_of_memory += 1;
        }
        let told = if a.end {
            format!("{} ended with {}", a.call.method, a.hr)
        } else {
            format!("{} answered {}", a.call.method, a.hr)
        };
        if let Err(why) = warrants::holds(h, &a, out_of_memory) {
            let wants = warrants::needed(a.call.method, a.hr).describe();
            j.fail(
                rule,
                a.at,
                format!("{told}, which needs {wants}, but {why}"),
            );
        } else if let Some(req) = made_by_this(h, &a) {
            j.fail(
                rule,
                a.at,
                format!("{told}, but the array made the change ({req:?}) for this call"),
            );
        }
    }
}

/// Every failure answer of the run, in the order revealed: each call's own
/// failure, and each operation's failed end once, at the first Wait or
/// QueryStatus that reported it.
fn failures<'h>(h: &'h History) -> Vec<warrants::Answer<'h>> {
    let mut steps: Vec<&StepRecord> = h.out.steps.iter().collect();
    steps.sort_by_key(|s| s.seq_return);
    let mut ended: std::collections::BTreeSet<(&str, usize)> = Default::default();
    let mut out = Vec::new();
    for s in steps {
        if s.hr.failed() {
            out.push(warrants::Answer {
                call: s,
                hr: s.hr,
                at: s,
                end: false,
            });
            continue;
        }
        let reports_end = matches!(s.method, Method::AsyncWait | Method::AsyncQueryStatus);
        let Some(r) = s
            .hr_result
            .filter(|r| reports_end && r.failed() && *r != HResult::VDS_E_OPERATION_PENDING)
        else {
            continue;
        };
        let Some(origin) = &s.origin else { continue };
        if ended.insert((s.client.as_str(), origin.step)) {
            out.push(warrants::Answer {
                call: h.first_call_of(s),
                hr: r,
                at: s,
                end: true,
            });
        }
    }
    out
}

/// The portal change the array made for the failed call `a`, if it did
/// (failures that leave the outcome unknown, and VDS_E_OBJECT_DELETED,
/// excepted).
fn made_by_this(h: &History, a: &warrants::Answer) -> Option<ArrayRequest> {
    let portal_change = matches!(
        a.call.method,
        Method::PortalGroupAddPortal | Method::PortalGroupRemovePortal
    );
    if !portal_change
        || a.call.step == 0
        || UNKNOWING.contains(&a.hr)
        || a.hr == HResult::VDS_E_OBJECT_DELETED
    {
        return None;
    }
    let req = request_of(a.call)?;
    made_by_this_call(h, a.call, &req, a.at).then_some(req)
}

/// The iSCSI name a CreateTarget call chose, from its rendered arguments
/// (`iscsi_name=Some("iqn...") friendly_name=...`); `None` when it chose
/// none: NULL, or the empty name, which also leaves the choice to the
/// provider (ARG-NULL-POINTER).
pub(super) fn chosen_name(args: &str) -> Option<&str> {
    args.strip_prefix("iscsi_name=Some(\"")?
        .split("\") friendly_name=")
        .next()
        .filter(|n| !n.is_empty())
}

/// Whether a target named `name` was on the array at some time in
/// `[from, to]` (simulated µs).
pub(super) fn name_taken_between(h: &History, name: &str, from: u128, to: u128) -> bool {
    let mut alive: std::collections::BTreeSet<_> = h
        .out
        .initial_array
        .targets
        .values()
        .filter(|t| t.iscsi_name == name)
        .map(|t| t.id)
        .collect();
    let mut taken = false;
    for e in h.applied().filter(|e| e.t_us <= to) {
        if e.t_us >= from && !alive.is_empty() {
            taken = true;
        }
        match &e.request {
            ArrayRequest::CreateTarget {
                iscsi_name: Some(n),
                ..
            } if n == name => alive.extend(e.created),
            ArrayRequest::DeleteTarget { target } => {
                alive.remove(target);
            }
            _ => {}
        }
    }
    taken || !alive.is_empty()
}

/// Whether `method` takes no argument a provider could find malformed.
fn takes_no_argument(method: Method) -> bool {
    use Method as M;
    matches!(
        method,
        M::HwProviderQuerySubSystems
            | M::HwProviderReenumerate
            | M::HwProviderRefresh
            | M::SubSystemQueryTargets
            | M::SubSystemQueryPortals
            | M::TargetGetProperties
            | M::TargetGetSubSystem
            | M::TargetQueryPortalGroups
            | M::TargetQueryAssociatedLuns
            | M::TargetCreatePortalGroup
            | M::TargetDelete
            | M::TargetGetConnectedInitiators
            | M::PortalGroupGetProperties
            | M::PortalGroupGetTarget
            | M::PortalGroupQueryAssociatedPortals
            | M::PortalGroupDelete
            | M::PortalGetProperties
            | M::PortalGetSubSystem
            | M::PortalQueryAssociatedPortalGroups
            | M::AsyncWait
            | M::AsyncQueryStatus
            | M::AsyncCancel
    )
}

/// Whether the arguments of `s` (for a Wait or QueryStatus: of the call
/// that started its operation) may be found malformed by a provider, or
/// name a portal the array does not have.
pub(super) fn arguments_may_be_malformed(h: &History, s: &StepRecord) -> bool {
    let call = h.first_call_of(s);
    if matches!(
        call.method,
        Method::PortalGroupAddPortal | Method::PortalGroupRemovePortal
    ) {
        return portal_of(call).is_none_or(|p| !h.out.initial_array.portals.contains_key(&p));
    }
    match &call.asked {
        Some(step) => super::arguments::may_be_malformed(step),
        // A set-up call: only its method is known.
        None => !takes_no_argument(call.method),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chosen_names_are_read_from_the_arguments() {
        let args = r#"iscsi_name=Some("iqn.1991-05.com.example:t1") friendly_name="dup""#;
        assert_eq!(chosen_name(args), Some("iqn.1991-05.com.example:t1"));
        assert_eq!(chosen_name(r#"iscsi_name=None friendly_name="x""#), None);
    }
}
