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
use super::{History, Judgement};

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

/// Whether `group` held any portal at one of the `moments`.
fn had_portals(h: &History, group: Id, moments: &[u128]) -> bool {
    let portals: Vec<Id> = h.out.initial_array.portals.keys().copied().collect();
    moments.iter().any(|t| {
        portals
            .iter()
            .any(|p| holders_at(h, *p, *t).contains(&group))
    })
}

/// Whether the provider knew, when `call` was made, that `group` holds
/// `portal`: it did from the start, or an AddPortal that put it there was
/// seen to end with S_OK before the call (and nothing took it out since).
fn known_member(h: &History, call: &StepRecord, group: Id, portal: Id) -> bool {
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

/// Why the refusal `hr` of `call` (revealed by `at`) is not warranted, if it is not.
fn unwarranted(h: &History, call: &StepRecord, hr: HResult, at: &StepRecord) -> Option<String> {
    let object = call.object?;
    let when = h.instants(call.t_call_us, at.t_us);
    // Only a portal change is judged so: a Delete answered
    // VDS_E_OBJECT_DELETED may have met a deletion by another path that
    // this oracle cannot tell from its own.
    let portal_change = matches!(
        call.method,
        Method::PortalGroupAddPortal | Method::PortalGroupRemovePortal
    );
    if let Some(req) = request_of(call).filter(|_| portal_change)
        && !UNKNOWING.contains(&hr)
        && hr != HResult::VDS_E_OBJECT_DELETED
        && made_by_this_call(h, call, &req, at)
    {
        return Some(format!(
            "the array made the change ({req:?}) while the caller was told {hr}"
        ));
    }
    match (call.method, hr) {
        (Method::TargetDelete, HResult::VDS_E_ASSOCIATED_LUNS_EXIST) => {
            let luns = h
                .out
                .initial_array
                .targets
                .get(&object)
                .is_some_and(|t| !t.luns.is_empty());
            (!luns).then(|| format!("target {object} has no LUNs"))
        }
        (Method::PortalGroupDelete, HResult::VDS_E_ASSOCIATED_PORTALS_EXIST) => {
            (!had_portals(h, object, &when)).then(|| format!("group {object} held no portal"))
        }
        (Method::PortalGroupRemovePortal, HResult::VDS_E_OBJECT_NOT_FOUND) => {
            let portal = portal_of(call)?;
            let held = when
                .iter()
                .all(|t| holders_at(h, portal, *t).contains(&object));
            (held && known_member(h, call, object, portal)).then(|| {
                format!(
                    "group {object} held portal {portal} throughout the call, as the provider knew"
                )
            })
        }
        (Method::PortalGroupAddPortal, HResult::VDS_E_OBJECT_NOT_FOUND) => {
            let portal = portal_of(call)?;
            h.out
                .initial_array
                .portals
                .contains_key(&portal)
                .then(|| format!("portal {portal} exists on the array"))
        }
        _ => None,
    }
}

/// REFUSAL-WARRANTED.
pub(super) fn refusal_warranted(h: &History, j: &mut Judgement) {
    let rule = RuleId::RefusalWarranted;
    create_target_refusals(h, j);
    invalid_argument_refusals(h, j);
    provider_fault_refusals(h, j);
    deleted_refusals(h, j);
    initiator_refusals(h, j);
    super::busy::busy_refusals(h, j);
    // CreatePortalGroup's refusals are other rules' (CPG-*, BUSY-IN-DOMAIN).
    let judged =
        |s: &&&StepRecord| s.method != Method::TargetCreatePortalGroup && request_of(s).is_some();
    for call in h.calls.iter().filter(judged) {
        let Some((hr, at)) = h.answer(call) else {
            continue;
        };
        if hr.succeeded() {
            continue;
        }
        j.hit_at(rule, call);
        if let Some(why) = unwarranted(h, call, hr, at) {
            j.fail(
                rule,
                at,
                format!("{} answered {hr}, but {why}", call.method),
            );
        }
    }
}

/// The iSCSI name a CreateTarget call chose, from its rendered arguments
/// (`iscsi_name=Some("iqn...") friendly_name=...`); `None` when it chose
/// none: NULL, or the empty name, which also leaves the choice to the
/// provider (ARG-NULL-POINTER).
fn chosen_name(args: &str) -> Option<&str> {
    args.strip_prefix("iscsi_name=Some(\"")?
        .split("\") friendly_name=")
        .next()
        .filter(|n| !n.is_empty())
}

/// Whether a target named `name` was on the array at some time in
/// `[from, to]` (simulated µs).
fn name_taken_between(h: &History, name: &str, from: u128, to: u128) -> bool {
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

/// REFUSAL-WARRANTED for CreateTarget: VDS_E_NAME_NOT_UNIQUE is warranted
/// only by a target with the chosen iSCSI name on the array while the call
/// ran.
fn create_target_refusals(h: &History, j: &mut Judgement) {
    let rule = RuleId::RefusalWarranted;
    for call in h
        .calls
        .iter()
        .filter(|s| s.method == Method::SubSystemCreateTarget)
    {
        let Some((hr, at)) = h.answer(call) else {
            continue;
        };
        if hr.succeeded() {
            continue;
        }
        j.hit_at(rule, call);
        if hr == HResult::VDS_E_NAME_NOT_UNIQUE {
            let taken = chosen_name(&call.args)
                .is_some_and(|n| name_taken_between(h, n, call.t_call_us, at.t_us));
            if !taken {
                j.fail(
                    rule,
                    at,
                    format!(
                        "CreateTarget answered {hr}, but no target on the array had its chosen iSCSI name ({})",
                        chosen_name(&call.args).unwrap_or("none: the provider chooses")
                    ),
                );
            }
        }
    }
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
fn arguments_may_be_malformed(h: &History, s: &StepRecord) -> bool {
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

/// REFUSAL-WARRANTED for E_INVALIDARG, as a call's own answer or in Wait's
/// or QueryStatus's pHrResult (set-up calls included): warranted by
/// arguments a provider may find malformed, or by an invalid_argument fault
/// (the array refuses a request as malformed) fired before the answer.
fn invalid_argument_refusals(h: &History, j: &mut Judgement) {
    let rule = RuleId::RefusalWarranted;
    for s in &h.out.steps {
        let hr = match s.hr_result.filter(|_| s.hr.succeeded()) {
            Some(r) if s.method == Method::AsyncWait || s.method == Method::AsyncQueryStatus => r,
            _ => s.hr,
        };
        if hr != HResult::E_INVALIDARG {
            continue;
        }
        j.hit_at(rule, s);
        let fault = h
            .faults
            .iter()
            .any(|f| f.kind == "invalid_argument" && f.seq < s.seq_return);
        if !fault && !arguments_may_be_malformed(h, s) {
            j.fail(
                rule,
                s,
                format!(
                    "{} {} E_INVALIDARG, but nothing in its arguments ({}) is malformed and no invalid_argument fault had fired",
                    s.method,
                    if hr == s.hr { "answered" } else { "reported in pHrResult" },
                    s.args
                ),
            );
        }
    }
}

/// REFUSAL-WARRANTED for the codes only a provider-side fault causes, as a
/// call's own answer or in Wait's or QueryStatus's pHrResult (set-up calls
/// included): E_OUTOFMEMORY needs an allocation failure,
/// VDS_E_PROVIDER_EXITING a restart, and VDS_E_PROVIDER_CACHE_CORRUPT a
/// cache corruption, suffered before the answer.
fn provider_fault_refusals(h: &History, j: &mut Judgement) {
    let rule = RuleId::RefusalWarranted;
    let causes = [
        (HResult::E_OUTOFMEMORY, "allocation_failure"),
        (HResult::VDS_E_PROVIDER_EXITING, "provider_restart"),
        (HResult::VDS_E_PROVIDER_CACHE_CORRUPT, "cache_corruption"),
    ];
    // Failures already counted: (code, an operation's start) for failures
    // reported in pHrResult, which every Wait and QueryStatus after the end
    // repeats; and how many of each code were answered so far.
    let mut counted: std::collections::BTreeSet<(HResult, String, usize)> = Default::default();
    let mut answered: std::collections::BTreeMap<HResult, usize> = Default::default();
    let mut steps: Vec<&StepRecord> = h.out.steps.iter().collect();
    steps.sort_by_key(|s| s.seq_return);
    for s in steps {
        let seen = [Some(s.hr), s.hr_result.filter(|_| s.hr.succeeded())];
        for (code, kind) in causes {
            if !seen.contains(&Some(code)) {
                continue;
            }
            j.hit_at(rule, s);
            let fired = h
                .faults
                .iter()
                .filter(|f| f.kind == kind && f.suffered() && f.seq < s.seq_return)
                .count();
            // Each allocation failure fails one allocation: one call, or one
            // operation (however many calls then report its end).
            if code == HResult::E_OUTOFMEMORY {
                let once = match &s.origin {
                    Some(o) if s.hr != code => counted.insert((code, s.client.clone(), o.step)),
                    _ => true,
                };
                if !once {
                    continue;
                }
                let n = answered.entry(code).or_default();
                *n += 1;
                if *n > fired && fired > 0 {
                    j.fail(
                        rule,
                        s,
                        format!(
                            "{} answered {code}, failure number {n} of an allocation, but only {fired} allocation_failure fault(s) had fired: each fails one allocation",
                            s.method
                        ),
                    );
                    continue;
                }
            }
            if fired == 0 {
                j.fail(
                    rule,
                    s,
                    format!(
                        "{} answered {code}, but no {kind} fault had fired",
                        s.method
                    ),
                );
            }
        }
    }
}

/// REFUSAL-WARRANTED for VDS_E_INITIATOR_SPECIFIC_NOT_SUPPORTED: only a
/// SetSharedSecret that named an initiator asked for an initiator-specific
/// secret.
fn initiator_refusals(h: &History, j: &mut Judgement) {
    let rule = RuleId::RefusalWarranted;
    let code = HResult::VDS_E_INITIATOR_SPECIFIC_NOT_SUPPORTED;
    for s in h.calls.iter().filter(|s| s.hr == code) {
        j.hit_at(rule, s);
        let named = matches!(&s.asked,
            Some(vds_sim::program::Step::SetSharedSecret { initiator: Some(i), .. }) if !i.is_empty());
        if !named {
            j.fail(
                rule,
                s,
                format!(
                    "{} answered {code}, but no initiator name was given",
                    s.method
                ),
            );
        }
    }
}

/// REFUSAL-WARRANTED for VDS_E_OBJECT_DELETED from a call on a target, a
/// portal group or a portal: the array must have deleted the object (or the
/// group's target) by the time of the answer; the array never deletes a
/// portal. A stale cache may miss a deletion,
/// but it never justifies calling a living object deleted.
fn deleted_refusals(h: &History, j: &mut Judgement) {
    let rule = RuleId::RefusalWarranted;
    // Set-up calls too: a client finds its targets and portals by reading them.
    for call in h.out.steps.iter().filter(|s| {
        matches!(
            s.method.interface(),
            "IVdsIscsiTarget" | "IVdsIscsiPortalGroup" | "IVdsIscsiPortal"
        )
    }) {
        let Some(object) = call.object else {
            continue;
        };
        let Some((hr, at)) = h.answer(call) else {
            continue;
        };
        if hr != HResult::VDS_E_OBJECT_DELETED {
            continue;
        }
        j.hit_at(rule, call);
        if h.deleted_at(object).is_none_or(|t| t > at.t_us) {
            j.fail(
                rule,
                at,
                format!(
                    "{} answered {hr}, but the array had not deleted {object}",
                    call.method
                ),
            );
        }
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
