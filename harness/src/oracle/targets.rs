//! DELETED-IS-OBJECT-DELETED.

use vds_sim::hresult::HResult;
use vds_sim::method::Method;
use vds_sim::profile::RuleId;
use vds_sim::world::StepRecord;

use super::history::is_standard_failure;
use super::portals::{holders_at, portal_of};
use super::{History, Judgement};

/// Calls that change a target.
const TARGET_CHANGES: [Method; 5] = [
    Method::TargetCreatePortalGroup,
    Method::TargetDelete,
    Method::TargetSetFriendlyName,
    Method::TargetSetSharedSecret,
    Method::TargetRememberInitiatorSharedSecret,
];

/// Calls that change a portal group.
const GROUP_CHANGES: [Method; 3] = [
    Method::PortalGroupAddPortal,
    Method::PortalGroupRemovePortal,
    Method::PortalGroupDelete,
];

/// When the object a changing call is made on stopped existing on the
/// array: a target by its deletion; a group by its own or its target's.
fn deleted_at(h: &History, s: &StepRecord) -> Option<u128> {
    let object = s.object?;
    if TARGET_CHANGES.contains(&s.method) {
        h.target_deleted_at(object)
    } else if GROUP_CHANGES.contains(&s.method) {
        h.group_deleted_at(object)
    } else {
        None
    }
}

/// DELETED-IS-OBJECT-DELETED: changing a deleted target answers VDS_E_OBJECT_DELETED.
pub(super) fn deleted_is_object_deleted(h: &History, j: &mut Judgement) {
    for s in &h.calls {
        let Some(deleted) = deleted_at(h, s) else {
            continue;
        };
        let target = s.object.expect("deleted_at needs an object");
        if s.t_call_us <= deleted {
            continue;
        }
        // An asynchronous operation may instead report the deletion in Wait's pHrResult.
        if s.hr.succeeded()
            && let Some(op) = h.ops.iter().find(|o| std::ptr::eq(o.call, *s))
        {
            let Some(result) = op
                .waits()
                .find(|w| w.hr.succeeded())
                .and_then(|w| w.hr_result)
            else {
                continue;
            };
            j.hit_at(RuleId::DeletedIsObjectDeleted, s);
            if result != HResult::VDS_E_OBJECT_DELETED
                && !is_standard_failure(result)
                && !h.end_of_its_own(op, result)
            {
                j.fail(
                    RuleId::DeletedIsObjectDeleted,
                    s,
                    format!("{} on {target}, deleted earlier, returned {} and its operation ended with {result}", s.method, s.hr),
                );
            }
            continue;
        }
        j.hit_at(RuleId::DeletedIsObjectDeleted, s);
        // Argument errors do not depend on the object, so they may come first.
        let argument_error = [
            HResult::E_POINTER,
            HResult::VDS_E_NOT_SUPPORTED,
            HResult::VDS_E_INITIATOR_SPECIFIC_NOT_SUPPORTED,
        ]
        .contains(&s.hr);
        // A portal argument the provider's (possibly stale) view finds in no
        // group, or in another group, is an argument error too.
        // RemovePortal's VDS_E_OBJECT_NOT_FOUND says the portal is not in the
        // group: true of a deleted group only if it was not in it when deleted.
        let in_group_when_deleted = s.method == Method::PortalGroupRemovePortal
            && portal_of(s)
                .is_some_and(|p| holders_at(h, p, deleted.saturating_sub(1)).contains(&target));
        let portal_error = matches!(
            s.method,
            Method::PortalGroupAddPortal | Method::PortalGroupRemovePortal
        ) && [
            HResult::VDS_E_OBJECT_NOT_FOUND,
            HResult::VDS_E_OBJECT_EXISTS,
        ]
        .contains(&s.hr)
            && !(s.hr == HResult::VDS_E_OBJECT_NOT_FOUND && in_group_when_deleted);
        let allowed = argument_error
            || portal_error
            || s.hr == HResult::VDS_E_OBJECT_DELETED
            || s.hr == HResult::VDS_E_PROVIDER_CACHE_CORRUPT
            || s.hr == HResult::VDS_E_ANOTHER_CALL_IN_PROGRESS
            || is_standard_failure(s.hr)
            || h.excused(s);
        if !allowed {
            j.fail(
                RuleId::DeletedIsObjectDeleted,
                s,
                format!(
                    "{} on {target}, deleted earlier, returned {}",
                    s.method, s.hr
                ),
            );
        }
    }
}
