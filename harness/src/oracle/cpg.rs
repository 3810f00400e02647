//! The CreatePortalGroup rules: CPG-RETURN-CODES, CPG-S_OK-NEW-GROUP,
//! CPG-ALREADY-EXISTS, CPG-LIMIT, CPG-TAG-UNIQUE.

use std::collections::BTreeMap;

use vds_sim::array::ArrayRequest;
use vds_sim::hresult::HResult;
use vds_sim::method::Method;
use vds_sim::output_type::VDS_ASYNC_OUTPUT_TYPE;
use vds_sim::profile::RuleId;
use vds_sim::props::VDS_OBJECT_ID;
use vds_sim::world::StepRecord;

use super::history::is_standard_failure;
use super::{History, Judgement};

const CPG: Method = Method::TargetCreatePortalGroup;

fn documented(hr: HResult) -> bool {
    [
        HResult::S_OK,
        HResult::VDS_S_ALREADY_EXISTS,
        HResult::VDS_E_PROVIDER_CACHE_CORRUPT,
        HResult::VDS_E_OBJECT_DELETED,
        HResult::VDS_E_ANOTHER_CALL_IN_PROGRESS,
    ]
    .contains(&hr)
        || is_standard_failure(hr)
}

/// A CreatePortalGroup whose operation a Wait reported on.
struct Finished<'a> {
    /// The CreatePortalGroup call.
    call: &'a StepRecord,
    /// The target it was called on.
    target: VDS_OBJECT_ID,
    /// The first successful Wait.
    wait: &'a StepRecord,
    /// That Wait's `pHrResult`.
    hr_result: HResult,
    /// The group it handed back, if any.
    group: Option<VDS_OBJECT_ID>,
}

/// Every CreatePortalGroup operation with a successful Wait that reported a result.
fn finished<'h>(h: &'h History) -> impl Iterator<Item = Finished<'h>> {
    h.ops
        .iter()
        .filter(|op| op.call.method == CPG)
        .filter_map(|op| {
            let target = op.call.object?;
            let wait = op.waits().find(|w| w.hr.succeeded())?;
            let hr_result = wait.hr_result?;
            let group = wait
                .output
                .as_ref()
                .and_then(|o| o.pointer.as_ref())
                .and_then(|p| p.object);
            Some(Finished {
                call: op.call,
                target,
                wait,
                hr_result,
                group,
            })
        })
}

/// CPG-RETURN-CODES: only documented codes.
pub(super) fn cpg_return_codes(h: &History, j: &mut Judgement) {
    for call in h.calls.iter().filter(|s| s.method == CPG) {
        j.hit_at(RuleId::CpgReturnCodes, call);
        // A restart during the call abandons it (RESTART-ABANDONS-OPERATIONS).
        let exiting = call.hr == HResult::VDS_E_PROVIDER_EXITING && h.restarted_during(call);
        if !documented(call.hr) && !exiting {
            j.fail(
                RuleId::CpgReturnCodes,
                call,
                format!("returned {}, not a documented code", call.hr),
            );
        }
    }
}

/// CPG-S_OK-NEW-GROUP: S_OK, then Wait hands back a new group of the target called.
pub(super) fn cpg_s_ok_new_group(h: &History, j: &mut Judgement) {
    let rule = RuleId::CpgSOkNewGroup;
    for f in finished(h).filter(|f| f.call.hr == HResult::S_OK && f.hr_result == HResult::S_OK) {
        j.hit_at(rule, f.call);
        let (target, wait) = (f.target, f.wait);
        if wait.output.as_ref().map(|o| o.output_type)
            != Some(VDS_ASYNC_OUTPUT_TYPE::VDS_ASYNCOUT_CREATEPORTALGROUP)
        {
            j.fail(
                rule,
                wait,
                "output type is not VDS_ASYNCOUT_CREATEPORTALGROUP (63)",
            );
        }
        let Some(g) = f.group else {
            j.fail(rule, wait, "cpg.pPortalGroupUnk is NULL after success");
            continue;
        };
        let created = h.applied().any(|e| {
            e.created == Some(g)
                && matches!(e.request, ArrayRequest::CreatePortalGroup { target: t } if t == target)
        });
        if !created {
            j.fail(
                rule,
                wait,
                format!(
                    "group {g} was not created on target {target} by this call (an existing group?)"
                ),
            );
        }
        // A probe that fails (cache corrupt, deleted since) says nothing either way.
        if let Some(p) = wait.probe.as_ref()
            && p.target_hr.succeeded()
            && p.target != Some(target)
        {
            j.fail(
                rule,
                wait,
                format!(
                    "the group's GetTarget gives {:?} ({}), not {target}",
                    p.target, p.target_hr
                ),
            );
        }
    }
}

/// CPG-LIMIT: no S_OK from a target that stayed at its limit.
pub(super) fn cpg_limit(h: &History, j: &mut Judgement) {
    let limit = usize::from(h.out.initial_array.group_limit);
    for f in finished(h).filter(|f| f.call.hr == HResult::S_OK && f.hr_result == HResult::S_OK) {
        j.hit_at(RuleId::CpgLimit, f.call);
        let (call, target) = (f.call, f.target);
        if h.groups_at(target, call.t_call_us) >= limit
            && !h.groups_removed_between(target, call.t_call_us, f.wait.t_us)
        {
            j.fail(
                RuleId::CpgLimit,
                call,
                format!("S_OK although target {target} had {limit} groups (its limit) throughout"),
            );
        }
    }
}

/// CPG-ALREADY-EXISTS: creates nothing, Wait hands back an existing group;
/// judged when the call returned VDS_S_ALREADY_EXISTS and when Wait's
/// pHrResult carries it.
pub(super) fn cpg_already_exists(h: &History, j: &mut Judgement) {
    let rule = RuleId::CpgAlreadyExists;
    let exists = HResult::VDS_S_ALREADY_EXISTS;
    for f in finished(h).filter(|f| f.call.hr == exists || f.hr_result == exists) {
        j.hit_at(rule, f.call);
        let (wait, hr_result, target) = (f.wait, f.hr_result, f.target);
        if wait.hr.failed() || hr_result.failed() {
            j.fail(
                rule,
                wait,
                format!("Wait {} / pHrResult {hr_result}", wait.hr),
            );
        }
        match f.group {
            None => j.fail(rule, wait, "Wait handed back a NULL group"),
            Some(g) => {
                // At some instant of the answer's window (CALL-WINDOW): the
                // call's, or for an end in pHrResult the operation's, up to
                // the Wait that revealed it.
                let end = if f.call.hr == exists {
                    f.call.t_us
                } else {
                    wait.t_us
                };
                let existing = h
                    .instants(f.call.t_call_us, end)
                    .iter()
                    .any(|t| h.group_existed_at(g, *t));
                if !existing || h.group_target.get(&g) != Some(&target) {
                    j.fail(
                        rule,
                        wait,
                        format!("group {g} is not an existing group of {target}"),
                    );
                }
            }
        }
    }
}

/// CPG-TAG-UNIQUE: what groups report is what the array assigned, distinct
/// per target; judged on the probes of groups Wait handed back and on every
/// GetProperties of a group (set-up calls included).
pub(super) fn cpg_tag_unique(h: &History, j: &mut Judgement) {
    for s in h
        .out
        .steps
        .iter()
        .filter(|s| s.method == Method::PortalGroupGetProperties && s.hr.succeeded())
    {
        let (Some(id), vds_sim::world::Seen::Group(p)) = (s.object, &s.seen) else {
            continue;
        };
        let Some(tag) = h.group_tag(id) else {
            continue;
        };
        j.hit_at(RuleId::CpgTagUnique, s);
        if p.tag != tag {
            j.fail(
                RuleId::CpgTagUnique,
                s,
                format!("group {id} reports tag {}, the array assigned {tag}", p.tag),
            );
        }
    }
    let mut reported: BTreeMap<_, BTreeMap<u16, _>> = BTreeMap::new();
    for w in h.calls.iter().filter(|s| s.method == Method::AsyncWait) {
        let Some(p) = &w.probe else { continue };
        let (Some(id), Some(tag)) = (p.id, p.tag) else {
            continue;
        };
        j.hit_at(RuleId::CpgTagUnique, w);
        let Some(g) = h.out.array.groups.get(&id) else {
            continue;
        };
        if g.tag != tag {
            j.fail(
                RuleId::CpgTagUnique,
                w,
                format!("group {id} reports tag {tag}, the array assigned {}", g.tag),
            );
        }
        let by_tag = reported.entry(g.target).or_default();
        if let Some(other) = by_tag.insert(tag, id)
            && other != id
        {
            j.fail(
                RuleId::CpgTagUnique,
                w,
                format!("groups {other} and {id} of one target both report tag {tag}"),
            );
        }
    }
}
