//! The CreatePortalGroup checks: CPG-RETURN-CODES, CPG-S_OK-NEW-GROUP,
//! CPG-ALREADY-EXISTS, CPG-LIMIT, CPG-TAG-UNIQUE.

use std::collections::BTreeMap;
use vds_sim::method::Method;

use vds_sim::array::ArrayRequest;
use vds_sim::hresult::HResult;
use vds_sim::output_type::VDS_ASYNC_OUTPUT_TYPE;

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

pub(super) fn check(h: &History, j: &mut Judgement) {
    for call in h.calls.iter().filter(|s| s.method == CPG) {
        j.hit("CPG-RETURN-CODES");
        if !documented(call.hr) {
            j.fail(
                "CPG-RETURN-CODES",
                call,
                format!("returned {}, not a documented code", call.hr),
            );
        }
    }
    let limit = usize::from(h.out.initial_array.group_limit);
    for op in h.ops.iter().filter(|op| op.call.method == CPG) {
        let call = op.call;
        let Some(target) = call.object else { continue };
        let Some(wait) = op.waits().find(|w| w.hr.succeeded()) else {
            continue;
        };
        let Some(hr_result) = wait.hr_result else {
            continue;
        };
        let output = wait.output.as_ref();
        let group = output
            .and_then(|o| o.pointer.as_ref())
            .and_then(|p| p.object);
        let probe = wait.probe.as_ref();
        if call.hr == HResult::S_OK && hr_result == HResult::S_OK {
            j.hit("CPG-S_OK-NEW-GROUP");
            let fail = |j: &mut Judgement, m: String| j.fail("CPG-S_OK-NEW-GROUP", wait, m);
            if output.map(|o| o.output_type)
                != Some(VDS_ASYNC_OUTPUT_TYPE::VDS_ASYNCOUT_CREATEPORTALGROUP)
            {
                fail(
                    j,
                    "output type is not VDS_ASYNCOUT_CREATEPORTALGROUP (63)".into(),
                );
            }
            match group {
                None => fail(j, "cpg.pPortalGroupUnk is NULL after success".into()),
                Some(g) => {
                    let created = h.applied().any(|e| {
                        e.created == Some(g) && matches!(e.request, ArrayRequest::CreatePortalGroup { target: t } if t == target)
                    });
                    if !created {
                        fail(
                            j,
                            format!(
                                "group {g} was not created on target {target} by this call (an existing group?)"
                            ),
                        );
                    }
                    // A probe that fails (cache corrupt, deleted since) says nothing either way.
                    if let Some(p) = probe
                        && p.target_hr.succeeded()
                        && p.target != Some(target)
                    {
                        fail(
                            j,
                            format!(
                                "the group's GetTarget gives {:?} ({}), not {target}",
                                p.target, p.target_hr
                            ),
                        );
                    }
                }
            }
            j.hit("CPG-LIMIT");
            if h.groups_at(target, call.t_call_us) >= limit
                && !h.groups_removed_between(target, call.t_call_us, wait.t_us)
            {
                j.fail(
                    "CPG-LIMIT",
                    call,
                    format!(
                        "S_OK although target {target} had {limit} groups (its limit) throughout"
                    ),
                );
            }
        }
        if call.hr == HResult::VDS_S_ALREADY_EXISTS {
            j.hit("CPG-ALREADY-EXISTS");
            if wait.hr.failed() || hr_result.failed() {
                j.fail(
                    "CPG-ALREADY-EXISTS",
                    wait,
                    format!("Wait {} / pHrResult {hr_result}", wait.hr),
                );
            }
            match group {
                None => j.fail("CPG-ALREADY-EXISTS", wait, "Wait handed back a NULL group"),
                Some(g) => {
                    if !h.group_existed_at(g, call.t_call_us)
                        || h.group_target.get(&g) != Some(&target)
                    {
                        j.fail(
                            "CPG-ALREADY-EXISTS",
                            wait,
                            format!("group {g} is not an existing group of {target}"),
                        );
                    }
                }
            }
        }
    }
    // Tags: what groups report must be what the array assigned.
    let mut reported: BTreeMap<_, BTreeMap<u16, _>> = BTreeMap::new();
    for w in h.calls.iter().filter(|s| s.method == Method::AsyncWait) {
        let Some(p) = &w.probe else { continue };
        let (Some(id), Some(tag)) = (p.id, p.tag) else {
            continue;
        };
        j.hit("CPG-TAG-UNIQUE");
        if let Some(g) = h.out.array.groups.get(&id) {
            if g.tag != tag {
                j.fail(
                    "CPG-TAG-UNIQUE",
                    w,
                    format!("group {id} reports tag {tag}, the array assigned {}", g.tag),
                );
            }
            let by_tag = reported.entry(g.target).or_default();
            if let Some(other) = by_tag.insert(tag, id)
                && other != id
            {
                j.fail(
                    "CPG-TAG-UNIQUE",
                    w,
                    format!("groups {other} and {id} of one target both report tag {tag}"),
                );
            }
        }
    }
}
