//! CPG-LINEARIZABLE: the results clients saw from CreatePortalGroup and the
//! deletions of targets and groups must be those of *some* serial order of
//! the operations that respects real time, run against a sequential model
//! of one target (does it exist, which groups it has, its limit).
//!
//! Each operation takes effect at one instant between its call and the
//! response that revealed its result (the call's return for synchronous
//! results, the first successful Wait for asynchronous ones). An operation
//! whose result was never revealed (no Wait, a lost answer, a restart) is
//! *optional*: it may take effect at any instant after its call, or never.
//! Changes made on the array directly (faults) take effect at their exact
//! time. Linearizability is local, so each target is checked on its own;
//! the search is Wing & Gong's, with memoisation.

use std::collections::{BTreeMap, BTreeSet};
use vds_sim::method::Method;

use vds_sim::array::ArrayRequest;
use vds_sim::hresult::HResult;
use vds_sim::props::VDS_OBJECT_ID as Id;
use vds_sim::world::StepRecord;

use vds_sim::profile::RuleId;

use super::{History, Judgement};

/// Give up (counting the target as not exercised) past this many search steps.
const BUDGET: usize = 200_000;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Effect {
    /// A group with this id was created.
    Create(Id),
    /// A group whose id nobody saw may have been created.
    CreateSome,
    /// The target was at its limit (and had this group, if one was handed back).
    AtLimit(Option<Id>),
    /// The target did not exist.
    Absent,
    /// The target was created (ground truth from the array).
    Appear,
    /// The target was deleted.
    DeleteTarget,
    /// A group was deleted.
    RemoveGroup(Id),
}

#[derive(Clone, Debug)]
struct LinOp<'a> {
    inv: u128,
    /// `None`: optional, may take effect any time after `inv`, or never.
    resp: Option<u128>,
    effect: Effect,
    at: Option<&'a StepRecord>,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Model {
    exists: bool,
    known: BTreeSet<Id>,
    unknown: u32,
}

impl Model {
    fn count(&self) -> usize {
        self.known.len() + self.unknown as usize
    }

    /// The state after `e`, or `None` if `e` cannot happen now.
    fn apply(&self, e: &Effect, limit: usize) -> Option<Model> {
        let mut m = self.clone();
        match e {
            Effect::Create(g) => {
                if !m.exists || m.count() >= limit || !m.known.insert(*g) {
                    return None;
                }
            }
            Effect::CreateSome => {
                if !m.exists || m.count() >= limit {
                    return None;
                }
                m.unknown += 1;
            }
            Effect::AtLimit(g) => {
                let has = g.is_none_or(|g| m.known.contains(&g) || m.unknown > 0);
                if !m.exists || m.count() < limit || !has {
                    return None;
                }
            }
            Effect::Absent => {
                if m.exists {
                    return None;
                }
            }
            Effect::Appear => {
                if m.exists {
                    return None;
                }
                m.exists = true;
            }
            Effect::DeleteTarget => {
                if !m.exists {
                    return None;
                }
                m = Model {
                    exists: false,
                    known: BTreeSet::new(),
                    unknown: 0,
                };
            }
            Effect::RemoveGroup(g) => {
                if !m.known.remove(g) {
                    if m.unknown == 0 {
                        return None;
                    }
                    m.unknown -= 1;
                }
            }
        }
        Some(m)
    }
}

const CPG: Method = Method::TargetCreatePortalGroup;
const DELETE_TARGET: Method = Method::TargetDelete;
const DELETE_GROUP: Method = Method::PortalGroupDelete;

/// Results that say the operation changed nothing. Any other failure (a
/// timeout, a restart) leaves it unknown whether the array applied it.
fn refused(r: HResult) -> bool {
    [
        HResult::VDS_E_OPERATION_CANCELED,
        HResult::VDS_E_ASSOCIATED_LUNS_EXIST,
        HResult::VDS_E_ASSOCIATED_PORTALS_EXIST,
        HResult::VDS_E_OBJECT_NOT_FOUND,
        HResult::VDS_E_ANOTHER_CALL_IN_PROGRESS,
        HResult::VDS_E_PROVIDER_CACHE_CORRUPT,
        HResult::E_INVALIDARG,
        HResult::E_OUTOFMEMORY,
    ]
    .contains(&r)
}

/// Failures of a call that leave it unknown whether the array applied
/// its request: the provider restarted, or the array did not answer.
fn uncertain(r: HResult) -> bool {
    [
        HResult::VDS_E_PROVIDER_EXITING,
        HResult::VDS_E_OBJECT_STATUS_FAILED,
        vds_sim::outcomes::TIMEOUT,
    ]
    .contains(&r)
}

/// The target a CreatePortalGroup or a target's or group's Delete works
/// on: the call's object, or the deleted group's target.
fn target_of(h: &History, c: &StepRecord) -> Option<Id> {
    let object = c.object?;
    match c.method {
        CPG | DELETE_TARGET => Some(object),
        DELETE_GROUP => h.group_target.get(&object).copied(),
        _ => None,
    }
}

/// Every client call and array change about each target, in the order
/// calls, operations, the array's own changes (a stable sort keeps it for
/// equal instants).
fn ops_by_target<'a>(h: &'a History<'a>) -> ByTarget<'a> {
    let mut by = ByTarget::new();
    call_ops(h, &mut by);
    operation_ops(h, &mut by);
    array_ops(h, &mut by);
    by
}

/// The operations of a history, per target.
type ByTarget<'a> = BTreeMap<Id, Vec<LinOp<'a>>>;

fn push<'a>(by: &mut ByTarget<'a>, target: Id, op: LinOp<'a>) {
    by.entry(target).or_default().push(op);
}

/// Calls whose own answer says what happened: refused because the target
/// is gone, or failed without saying whether the array applied them.
fn call_ops<'a>(h: &'a History<'a>, by: &mut ByTarget<'a>) {
    // Calls refused synchronously because the target is gone.
    for c in h.calls.iter().filter(|c| {
        (c.method == CPG || c.method == DELETE_TARGET) && c.hr == HResult::VDS_E_OBJECT_DELETED
    }) {
        if let Some(t) = c.object {
            push(
                by,
                t,
                LinOp {
                    inv: c.t_call_us,
                    resp: Some(c.t_us),
                    effect: Effect::Absent,
                    at: Some(c),
                },
            );
        }
    }
    // Calls that failed without saying whether the array applied their
    // request (a restart, a link fault): their change may have happened at
    // any instant after the call, or never.
    for c in h.calls.iter().filter(|c| uncertain(c.hr)) {
        let (Some(target), Some(object)) = (target_of(h, c), c.object) else {
            continue;
        };
        let effect = match c.method {
            CPG => Effect::CreateSome,
            DELETE_TARGET => Effect::DeleteTarget,
            _ => Effect::RemoveGroup(object),
        };
        push(
            by,
            target,
            LinOp {
                inv: c.t_call_us,
                resp: None,
                effect,
                at: Some(c),
            },
        );
    }
}

/// Operations, by what their first successful Wait revealed.
fn operation_ops<'a>(h: &'a History<'a>, by: &mut ByTarget<'a>) {
    for op in &h.ops {
        let call = op.call;
        let (Some(target), Some(object)) = (target_of(h, call), call.object) else {
            continue;
        };
        let wait = op
            .waits()
            .find(|w| w.hr.succeeded() && w.hr_result.is_some())
            .copied();
        let result = wait.and_then(|w| w.hr_result);
        let group = wait
            .and_then(|w| w.output.as_ref())
            .and_then(|o| o.pointer.as_ref())
            .and_then(|p| p.object);
        let revealed = |effect| LinOp {
            inv: call.t_call_us,
            resp: wait.map(|w| w.t_us),
            effect,
            at: wait,
        };
        let optional = |effect| LinOp {
            inv: call.t_call_us,
            resp: None,
            effect,
            at: Some(call),
        };
        match call.method {
            CPG if call.hr == HResult::VDS_S_ALREADY_EXISTS => push(
                by,
                target,
                LinOp {
                    inv: call.t_call_us,
                    resp: Some(wait.map_or(call.t_us, |w| w.t_us)),
                    effect: Effect::AtLimit(group),
                    at: Some(call),
                },
            ),
            CPG => match (result, group) {
                (Some(HResult::S_OK), Some(g)) => push(by, target, revealed(Effect::Create(g))),
                (Some(HResult::VDS_S_ALREADY_EXISTS), g) => {
                    push(by, target, revealed(Effect::AtLimit(g)))
                }
                (Some(HResult::VDS_E_OBJECT_DELETED), _) => {
                    push(by, target, revealed(Effect::Absent))
                }
                (Some(HResult::VDS_E_OPERATION_CANCELED), _) => {}
                _ => push(by, target, optional(Effect::CreateSome)),
            },
            DELETE_TARGET => match result {
                Some(HResult::S_OK) => push(by, target, revealed(Effect::DeleteTarget)),
                Some(HResult::VDS_E_OBJECT_DELETED) => push(by, target, revealed(Effect::Absent)),
                Some(r) if refused(r) => {}
                _ => push(by, target, optional(Effect::DeleteTarget)),
            },
            DELETE_GROUP => match result {
                Some(HResult::S_OK) => push(by, target, revealed(Effect::RemoveGroup(object))),
                Some(r) if refused(r) => {}
                _ => push(by, target, optional(Effect::RemoveGroup(object))),
            },
            _ => {}
        }
    }
}

/// Ground truth from the array: targets appearing, and its own changes.
fn array_ops<'a>(h: &'a History<'a>, by: &mut ByTarget<'a>) {
    // Ground truth from the array: targets appearing, and direct deletions.
    for e in h.applied() {
        let fixed = |effect| LinOp {
            inv: e.t_us,
            resp: Some(e.t_us),
            effect,
            at: None,
        };
        match (&e.request, e.direct) {
            (ArrayRequest::CreateTarget { .. }, _) => {
                if let Some(t) = e.created {
                    push(by, t, fixed(Effect::Appear));
                }
            }
            (ArrayRequest::DeleteTarget { target }, true) => {
                push(by, *target, fixed(Effect::DeleteTarget))
            }
            (ArrayRequest::CreatePortalGroup { target }, true) => {
                if let Some(g) = e.created {
                    push(by, *target, fixed(Effect::Create(g)));
                }
            }
            (ArrayRequest::DeletePortalGroup { group }, true) => {
                if let Some(t) = h.group_target.get(group) {
                    push(by, *t, fixed(Effect::RemoveGroup(*group)));
                }
            }
            _ => {}
        }
    }
}

/// Searches for a legal serial order: `Some(Ok(order))` with the indices
/// of the operations placed, in order (optional ones left out are not
/// listed), `Some(Err(()))` when there is none, `None` when the budget ran
/// out.
fn linearizable(ops: &[LinOp], init: Model, limit: usize) -> Option<Result<Vec<usize>, ()>> {
    let required: u64 = ops
        .iter()
        .enumerate()
        .filter(|(_, o)| o.resp.is_some())
        .fold(0, |m, (i, _)| m | 1 << i);
    let mut seen: BTreeSet<(u64, Model)> = BTreeSet::new();
    let mut stack = vec![(0u64, init, Vec::new())];
    let mut steps = 0;
    while let Some((done, model, order)) = stack.pop() {
        if done & required == required {
            return Some(Ok(order));
        }
        steps += 1;
        if steps > BUDGET {
            return None;
        }
        if !seen.insert((done, model.clone())) {
            continue;
        }
        // The earliest response among required operations not yet placed.
        let horizon = ops
            .iter()
            .enumerate()
            .filter(|(i, o)| done & (1 << i) == 0 && o.resp.is_some())
            .filter_map(|(_, o)| o.resp)
            .min()
            .unwrap_or(u128::MAX);
        for (i, o) in ops.iter().enumerate() {
            if done & (1 << i) != 0 || o.inv > horizon {
                continue;
            }
            if let Some(next) = model.apply(&o.effect, limit) {
                let mut placed = order.clone();
                placed.push(i);
                stack.push((done | 1 << i, next, placed));
            }
        }
    }
    Some(Err(()))
}

/// What CPG-LINEARIZABLE found for one target, for a person to read (the
/// run's page shows it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SerialOrder {
    /// The target.
    pub target: Id,
    /// True when some serial order explains what clients saw: `operations`
    /// is then that order; else it lists every operation, none of whose
    /// orders does.
    pub found: bool,
    /// The operations, each as `who effect [call..return µs]`.
    pub operations: Vec<String>,
}

/// An operation as the message and the page show it.
fn shown(o: &LinOp) -> String {
    let who = o.at.map_or("array".to_string(), |s| {
        format!("{} step {}", s.client, s.step)
    });
    let until = o.resp.map_or("…".to_string(), |r| r.to_string());
    format!("{who} {:?} [{}..{until}]", o.effect, o.inv)
}

/// CPG-LINEARIZABLE.
pub(super) fn cpg_linearizable(h: &History, j: &mut Judgement) {
    let limit = usize::from(h.out.initial_array.group_limit);
    for (target, mut ops) in ops_by_target(h) {
        if ops.len() > 64
            || !ops.iter().any(|o| {
                o.at.is_some_and(|s| {
                    s.method == CPG || s.origin.as_ref().is_some_and(|o| o.method == CPG)
                })
            })
        {
            continue;
        }
        ops.sort_by_key(|o| (o.inv, o.resp));
        let init = Model {
            exists: h.out.initial_array.targets.contains_key(&target),
            known: h
                .out
                .initial_array
                .groups_of(target)
                .into_iter()
                .map(|g| g.id)
                .collect(),
            unknown: 0,
        };
        match linearizable(&ops, init, limit) {
            None => {}
            Some(Ok(order)) => {
                j.hit_method(RuleId::CpgLinearizable, CPG);
                // Each client call of the history, for its situation.
                for s in ops.iter().filter_map(|o| o.at) {
                    j.place(RuleId::CpgLinearizable, s);
                }
                j.orders.push(SerialOrder {
                    target,
                    found: true,
                    operations: order.iter().map(|i| shown(&ops[*i])).collect(),
                });
            }
            Some(Err(())) => {
                let shown: Vec<String> = ops.iter().map(shown).collect();
                let message = format!(
                    "no serial order of the operations on target {target} explains what clients saw: {}",
                    shown.join("; ")
                );
                j.orders.push(SerialOrder {
                    target,
                    found: false,
                    operations: shown,
                });
                match ops.iter().rev().find_map(|o| o.at) {
                    Some(at) => j.fail(RuleId::CpgLinearizable, at, message),
                    None => j.fail_run(RuleId::CpgLinearizable, message),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(inv: u128, resp: Option<u128>, effect: Effect) -> LinOp<'static> {
        LinOp {
            inv,
            resp,
            effect,
            at: None,
        }
    }
    fn id(n: u128) -> Id {
        Id::from_u128(n)
    }
    fn empty() -> Model {
        Model {
            exists: true,
            known: BTreeSet::new(),
            unknown: 0,
        }
    }

    #[test]
    fn overlapping_creates_fit_the_limit_in_some_order() {
        let ops = [
            op(0, Some(10), Effect::Create(id(1))),
            op(1, Some(9), Effect::AtLimit(Some(id(1)))),
        ];
        assert_eq!(
            linearizable(&ops, empty(), 1).map(|r| r.is_ok()),
            Some(true)
        );
    }

    #[test]
    fn already_exists_before_any_group_existed_is_not_linearizable() {
        let ops = [
            op(0, Some(1), Effect::AtLimit(None)),
            op(2, Some(3), Effect::Create(id(1))),
        ];
        assert_eq!(
            linearizable(&ops, empty(), 1).map(|r| r.is_ok()),
            Some(false)
        );
    }

    #[test]
    fn a_creation_beyond_the_limit_is_not_linearizable() {
        let ops = [
            op(0, Some(1), Effect::Create(id(1))),
            op(2, Some(3), Effect::Create(id(2))),
        ];
        assert_eq!(
            linearizable(&ops, empty(), 1).map(|r| r.is_ok()),
            Some(false)
        );
        assert_eq!(
            linearizable(&ops, empty(), 2).map(|r| r.is_ok()),
            Some(true)
        );
    }

    #[test]
    fn optional_operations_may_never_happen() {
        let ops = [
            op(0, None, Effect::CreateSome),
            op(5, Some(6), Effect::Create(id(2))),
        ];
        assert_eq!(
            linearizable(&ops, empty(), 1).map(|r| r.is_ok()),
            Some(true)
        );
    }

    #[test]
    fn deleted_before_the_call_means_absent() {
        let ops = [
            op(5, Some(5), Effect::DeleteTarget),
            op(6, Some(7), Effect::Create(id(1))),
        ];
        assert_eq!(
            linearizable(&ops, empty(), 4).map(|r| r.is_ok()),
            Some(false)
        );
        let ops = [
            op(5, Some(5), Effect::DeleteTarget),
            op(6, Some(7), Effect::Absent),
        ];
        assert_eq!(
            linearizable(&ops, empty(), 4).map(|r| r.is_ok()),
            Some(true)
        );
    }
}
