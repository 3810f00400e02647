//! CACHE-LEARNS-DELETIONS: reads may lag behind deletions made behind the
//! provider's back (the permission CACHE-READS-MAY-BE-STALE) only until the
//! provider learns of them: by a Refresh called after the deletion, by its
//! own operation that deleted the object, or by answering a call about the
//! object with VDS_E_OBJECT_DELETED.

use vds_sim::hresult::HResult;
use vds_sim::method::Method;
use vds_sim::profile::RuleId;
use vds_sim::props::VDS_OBJECT_ID;
use vds_sim::world::StepRecord;

use super::{History, Judgement};

/// How the provider learned that `object` (deleted on the array at
/// `t_deleted`) is gone before `read` was called, if it did.
pub(super) fn learned(
    h: &History,
    object: VDS_OBJECT_ID,
    t_deleted: u128,
    read: &StepRecord,
) -> Option<String> {
    let refresh = h.calls.iter().find(|r| {
        r.method == Method::HwProviderRefresh
            && r.hr == HResult::S_OK
            && r.t_call_us >= t_deleted
            && r.seq_return < read.seq_call
    });
    if let Some(r) = refresh {
        return Some(format!(
            "a Refresh called after the deletion succeeded ({} step {}, trace seq {})",
            r.client, r.step, r.seq_return
        ));
    }
    let parent = h.group_target.get(&object).copied();
    let about = |o: Option<VDS_OBJECT_ID>| o.is_some_and(|o| o == object || Some(o) == parent);
    let told = h.calls.iter().find_map(|c| {
        let (hr, at) = h.answer(c)?;
        (about(c.object) && hr == HResult::VDS_E_OBJECT_DELETED && at.seq_return < read.seq_call)
            .then(|| {
                format!(
                    "the provider answered {} ({} step {}) with {hr} (trace seq {})",
                    c.method, c.client, c.step, at.seq_return
                )
            })
    });
    if told.is_some() {
        return told;
    }
    h.ops
        .iter()
        .filter(|op| {
            matches!(
                op.call.method,
                Method::TargetDelete | Method::PortalGroupDelete
            ) && about(op.call.object)
        })
        .find_map(|op| {
            op.follow
                .iter()
                .find(|s| {
                    s.hr.succeeded()
                        && s.hr_result == Some(HResult::S_OK)
                        && s.seq_return < read.seq_call
                })
                .map(|s| {
                    format!(
                        "the provider's own {} ({} step {}) was seen to end with S_OK (trace seq {})",
                        op.call.method, op.call.client, op.call.step, s.seq_return
                    )
                })
        })
}

/// The reads of a target or a portal group that a deleted object must not
/// answer once the provider has learned of the deletion.
const READS: [Method; 8] = [
    Method::TargetGetProperties,
    Method::TargetGetSubSystem,
    Method::TargetQueryPortalGroups,
    Method::TargetQueryAssociatedLuns,
    Method::TargetGetConnectedInitiators,
    Method::PortalGroupGetProperties,
    Method::PortalGroupGetTarget,
    Method::PortalGroupQueryAssociatedPortals,
];

/// CACHE-LEARNS-DELETIONS: a read of a target or portal group the array
/// deleted (GetProperties, its lists, GetSubSystem or GetTarget) does not
/// succeed once the provider has learned of the deletion.
pub(super) fn cache_learns_deletions(h: &History, j: &mut Judgement) {
    let rule = RuleId::CacheLearnsDeletions;
    for read in h.calls.iter().filter(|s| READS.contains(&s.method)) {
        let Some(object) = read.object else {
            continue;
        };
        let deleted = match read.method.interface() {
            "IVdsIscsiTarget" => h.target_deleted_at(object),
            _ => h.group_deleted_at(object),
        };
        let Some(t_deleted) = deleted.filter(|t| *t <= read.t_call_us) else {
            continue;
        };
        let Some(how) = learned(h, object, t_deleted, read) else {
            continue;
        };
        j.hit_at(rule, read);
        if read.hr.succeeded() {
            j.fail(
                rule,
                read,
                format!(
                    "{} succeeded on {object}, which the array deleted at {t_deleted} us, although {how}",
                    read.method
                ),
            );
        }
    }
}
