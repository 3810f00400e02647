//! What a provider restart does: RESTART-ABANDONS-OPERATIONS (to the
//! operations it had in flight) and RESTART-RELOADS-CACHE (to what it
//! knows of the array).

use vds_sim::array::ArrayRequest;
use vds_sim::faults::FaultKind;
use vds_sim::hresult::{HResult, win32};
use vds_sim::method::Method;
use vds_sim::profile::RuleId;
use vds_sim::world::{Seen, StepRecord};

use super::{History, Judgement, Op};

const EXITING: HResult = HResult::VDS_E_PROVIDER_EXITING;

/// Whether a fault of `kind` can explain an operation ending with `r`
/// (a code that fault causes).
fn caused_by(r: HResult, kind: FaultKind) -> bool {
    match r {
        r if r == HResult::from_win32(win32::ERROR_TIMEOUT) => kind.slows_the_link(),
        HResult::E_OUTOFMEMORY => kind == FaultKind::AllocationFailure,
        HResult::E_INVALIDARG => kind == FaultKind::InvalidArgument,
        HResult::VDS_E_PROVIDER_CACHE_CORRUPT => kind == FaultKind::CacheCorruption,
        HResult::VDS_E_OBJECT_DELETED => {
            matches!(kind, FaultKind::DeleteTarget | FaultKind::DeletePortalGroup)
        }
        _ => false,
    }
}

/// Whether something before the restart (at trace seq `restart`, time
/// `t_restart`) explains `op` ending with the failure `r` instead of being abandoned.
fn explained(h: &History, op: &Op, r: HResult, restart: usize, t_restart: u128) -> bool {
    let canceled = op.follow.iter().any(|s| {
        s.method == Method::AsyncCancel && s.hr == HResult::S_OK && s.seq_return < restart
    });
    let fault = h
        .faults
        .iter()
        .any(|f| f.seq < restart && caused_by(r, f.kind));
    let window = op.call.t_call_us..=t_restart;
    let deleted = r == HResult::VDS_E_OBJECT_DELETED
        && h.applied().any(|e| {
            window.contains(&e.t_us)
                && matches!(
                    e.request,
                    ArrayRequest::DeleteTarget { .. } | ArrayRequest::DeletePortalGroup { .. }
                )
        });
    let refused = h
        .out
        .array_log
        .iter()
        .any(|e| e.error.is_some() && window.contains(&e.t_us));
    (r == HResult::VDS_E_OPERATION_CANCELED && canceled) || fault || deleted || refused
}

/// Whether the array applied a CreatePortalGroup operation's change after
/// the restart at `t_restart`: then the operation was certainly still in
/// flight, and a provider that abandons it cannot report it done.
fn applied_after(h: &History, op: &Op, t_restart: u128) -> bool {
    let Some(target) = op.call.object else {
        return false;
    };
    // The first group created on the target after the call is the
    // operation's: the target stays busy until the operation ends.
    op.call.method == Method::TargetCreatePortalGroup
        && h.applied()
            .find(|e| {
                e.t_us >= op.call.t_call_us
                    && matches!(e.request, ArrayRequest::CreatePortalGroup { target: t } if t == target)
            })
            .is_some_and(|e| e.t_us > t_restart)
}

/// The provider restarts that happened (a restart the provider could not
/// take is traced too, and is not one).
/// RESTART-ABANDONS-OPERATIONS: an operation in flight at a restart that
/// then fails, fails with VDS_E_PROVIDER_EXITING, unless something before
/// the restart explains its failure.
pub(super) fn restart_abandons_operations(h: &History, j: &mut Judgement) {
    let rule = RuleId::RestartAbandonsOperations;
    for restart in h.restarts() {
        let (seq, t_restart) = (restart.seq, restart.t_us);
        for op in h.ops.iter().filter(|op| op.call.seq_return < seq) {
            let seen_ended = op.follow.iter().any(|s| {
                s.seq_return < seq
                    && s.hr.succeeded()
                    && s.hr_result
                        .is_some_and(|r| r != HResult::VDS_E_OPERATION_PENDING)
            });
            if seen_ended {
                continue;
            }
            // The restart ended it: no report made after the restart says
            // it still runs.
            for q in op.follow.iter().filter(|s| {
                s.method == Method::AsyncQueryStatus && s.seq_call > seq && s.hr.succeeded()
            }) {
                j.hit_at(rule, q);
                if q.hr_result == Some(HResult::VDS_E_OPERATION_PENDING) {
                    j.fail(
                        rule,
                        q,
                        format!(
                            "{} step {} was in flight at the provider restart (trace seq {seq}), yet QueryStatus after the restart reports it still pending",
                            op.call.client, op.call.step
                        ),
                    );
                }
            }
            let Some(w) = op
                .waits()
                .find(|w| w.seq_call > seq && w.hr.succeeded() && w.hr_result.is_some())
            else {
                continue;
            };
            let r = w.hr_result.expect("filtered above");
            j.hit_at(rule, w);
            if r.succeeded() && applied_after(h, op, t_restart) {
                j.fail(
                    rule,
                    w,
                    format!(
                        "{} step {} was in flight at the provider restart (trace seq {seq}): the array made its change after the restart, yet it ended with {r}, not {EXITING}",
                        op.call.client, op.call.step
                    ),
                );
            }
            if r.failed() && r != EXITING && !explained(h, op, r, seq, t_restart) {
                j.fail(
                    rule,
                    w,
                    format!(
                        "{} step {} was in flight at the provider restart (trace seq {seq}) and ended with {r}, not {EXITING}",
                        op.call.client, op.call.step
                    ),
                );
            }
        }
    }
}

/// What is wrong with a successful read `call` (answered by `at`) after the
/// restart at `t_restart`, if anything: it shows an object the array had
/// deleted by the restart, or a group count the target never had since.
fn stale_since_restart(h: &History, call: &StepRecord, t_restart: u128) -> Option<String> {
    let gone_before = |deleted: Option<u128>| deleted.is_some_and(|t| t <= t_restart);
    if let (Method::SubSystemQueryTargets, Seen::Objects(listed)) = (call.method, &call.seen) {
        return listed
            .iter()
            .flatten()
            .find(|t| gone_before(h.target_deleted_at(**t)))
            .map(|t| {
                format!(
                    "QueryTargets lists target {t}, which the array had deleted before the restart"
                )
            });
    }
    let object = call.object?;
    match call.method {
        Method::TargetGetProperties if gone_before(h.target_deleted_at(object)) => Some(format!(
            "GetProperties succeeded on target {object}, which the array had deleted before the restart"
        )),
        Method::PortalGroupGetProperties if gone_before(h.group_deleted_at(object)) => {
            Some(format!(
                "GetProperties succeeded on portal group {object}, which the array had deleted before the restart"
            ))
        }
        Method::TargetQueryPortalGroups => {
            let n: usize = call.out.strip_suffix(" groups")?.parse().ok()?;
            let counts: std::collections::BTreeSet<usize> = std::iter::once(t_restart)
                .chain(
                    h.applied()
                        .map(|e| e.t_us)
                        .filter(|t| (t_restart..=call.t_us).contains(t)),
                )
                .map(|t| h.groups_at(object, t))
                .collect();
            (!counts.contains(&n)).then(|| {
                format!(
                    "QueryPortalGroups reported {n} groups of target {object}; since the restart the array held {counts:?}"
                )
            })
        }
        _ => None,
    }
}

/// RESTART-RELOADS-CACHE: reads answered after a provider restart reflect
/// the array at or after the restart, never what the provider knew before it.
pub(super) fn restart_reloads_cache(h: &History, j: &mut Judgement) {
    let rule = RuleId::RestartReloadsCache;
    let reads = [
        Method::SubSystemQueryTargets,
        Method::TargetGetProperties,
        Method::TargetQueryPortalGroups,
        Method::PortalGroupGetProperties,
    ];
    // Set-up calls too: a client finds its targets by what QueryTargets lists.
    for call in h
        .out
        .steps
        .iter()
        .filter(|s| reads.contains(&s.method) && s.hr.succeeded())
    {
        // The last restart before the call: a read under way at a restart
        // may answer from its own round trip, true at an instant of the
        // call (CALL-WINDOW), even if the array changed after it.
        let Some(restart) = h.restarts().filter(|r| r.seq < call.seq_call).last() else {
            continue;
        };
        j.hit_at(rule, call);
        if let Some(why) = stale_since_restart(h, call, restart.t_us) {
            j.fail(rule, call, format!("{why} (trace seq {})", restart.seq));
        }
    }
}
