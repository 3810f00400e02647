//! The run as the oracle reads it: operations with the calls made on them,
//! faults fired, and the array's history.

use std::collections::BTreeMap;
use vds_sim::method::Method;

use vds_sim::array::{ArrayEvent, ArrayRequest};
use vds_sim::hresult::HResult;
use vds_sim::output_type::VDS_ASYNC_OUTPUT_TYPE;
use vds_sim::props::VDS_OBJECT_ID;
use vds_sim::trace::Event;
use vds_sim::world::{RunOutcome, StepRecord};

/// One asynchronous operation: the call that started it and every later
/// call on its `IVdsAsync`, in return order.
#[derive(Debug)]
pub struct Op<'a> {
    /// The starting call.
    pub call: &'a StepRecord,
    /// Wait, QueryStatus and Cancel calls on it.
    pub follow: Vec<&'a StepRecord>,
}

impl Op<'_> {
    /// The output type the operation's Wait must report.
    pub fn output_type(&self) -> Option<VDS_ASYNC_OUTPUT_TYPE> {
        expected_type(self.call.method)
    }

    /// Its Wait calls.
    pub fn waits(&self) -> impl Iterator<Item = &&StepRecord> {
        self.follow.iter().filter(|s| s.method == Method::AsyncWait)
    }
}

/// The output type of an operation started by `method`.
pub fn expected_type(method: Method) -> Option<VDS_ASYNC_OUTPUT_TYPE> {
    use VDS_ASYNC_OUTPUT_TYPE as T;
    Some(match method {
        Method::SubSystemCreateTarget => T::VDS_ASYNCOUT_CREATETARGET,
        Method::TargetCreatePortalGroup => T::VDS_ASYNCOUT_CREATEPORTALGROUP,
        Method::TargetDelete => T::VDS_ASYNCOUT_DELETETARGET,
        Method::PortalGroupAddPortal => T::VDS_ASYNCOUT_ADDPORTAL,
        Method::PortalGroupRemovePortal => T::VDS_ASYNCOUT_REMOVEPORTAL,
        Method::PortalGroupDelete => T::VDS_ASYNCOUT_DELETEPORTALGROUP,
        _ => return None,
    })
}

/// A fault that fired, read from the trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultFired {
    /// Its trace sequence number.
    pub seq: usize,
    /// Simulated time it took effect, in µs.
    pub t_us: u128,
    /// Its kind, e.g. `cache_corruption`.
    pub kind: String,
    /// What it did.
    pub detail: String,
}

impl FaultFired {
    /// Whether it took effect: false for a provider-side fault the provider
    /// declined (it said it cannot simulate it), true for every other.
    pub fn suffered(&self) -> bool {
        !self.detail.starts_with("the provider cannot simulate")
    }
}

/// Everything the oracle reads, indexed.
pub struct History<'a> {
    /// The run.
    pub out: &'a RunOutcome,
    /// Program calls (set-up excluded), in return order.
    pub calls: Vec<&'a StepRecord>,
    /// Asynchronous operations, in the order they were started.
    pub ops: Vec<Op<'a>>,
    /// Faults that took effect, in order.
    pub faults: Vec<FaultFired>,
    /// Which target each portal group belongs (or belonged) to.
    pub group_target: BTreeMap<VDS_OBJECT_ID, VDS_OBJECT_ID>,
}

impl<'a> History<'a> {
    /// Indexes a run.
    pub fn new(out: &'a RunOutcome) -> Self {
        let calls: Vec<&StepRecord> = out.steps.iter().filter(|s| s.step > 0).collect();
        let mut ops: Vec<Op> = calls
            .iter()
            .filter(|s| expected_type(s.method).is_some() && s.hr.succeeded())
            .map(|s| Op {
                call: s,
                follow: Vec::new(),
            })
            .collect();
        for s in &calls {
            if let Some(o) = &s.origin
                && let Some(op) = ops
                    .iter_mut()
                    .find(|op| op.call.client == s.client && op.call.step == o.step)
            {
                op.follow.push(s);
            }
        }
        ops.sort_by_key(|op| op.call.seq_call);
        let faults = out
            .trace
            .iter()
            .filter_map(|line| match &line.event {
                Event::Fault {
                    kind,
                    fired: true,
                    detail,
                    ..
                } => Some(FaultFired {
                    seq: line.seq,
                    t_us: line.t_us,
                    kind: kind.to_string(),
                    detail: detail.clone(),
                }),
                _ => None,
            })
            .collect();
        let mut group_target: BTreeMap<_, _> = out
            .initial_array
            .groups
            .values()
            .map(|g| (g.id, g.target))
            .collect();
        for e in &out.array_log {
            if let (ArrayRequest::CreatePortalGroup { target }, Some(id)) = (&e.request, e.created)
            {
                group_target.insert(id, *target);
            }
        }
        Self {
            out,
            calls,
            ops,
            faults,
            group_target,
        }
    }

    /// What a call finally answered: its own failure, or, when it started
    /// an operation, the result of its first successful Wait; with the
    /// record that revealed it. `None` while the operation's end was never seen.
    pub fn answer<'s>(&'s self, call: &'s StepRecord) -> Option<(HResult, &'s StepRecord)> {
        if call.hr.failed() || expected_type(call.method).is_none() {
            return Some((call.hr, call));
        }
        let op = self.ops.iter().find(|o| std::ptr::eq(o.call, call))?;
        let w = op
            .waits()
            .find(|w| w.hr.succeeded() && w.hr_result.is_some())?;
        Some((w.hr_result?, *w))
    }

    /// Successful changes the array applied, in order.
    pub fn applied(&self) -> impl Iterator<Item = &ArrayEvent> {
        self.out.array_log.iter().filter(|e| e.error.is_none())
    }

    /// The portal groups `target` had when the run started.
    pub fn initial_groups_of(
        &self,
        target: VDS_OBJECT_ID,
    ) -> std::collections::BTreeSet<VDS_OBJECT_ID> {
        let groups = self.out.initial_array.groups.values();
        groups
            .filter(|g| g.target == target)
            .map(|g| g.id)
            .collect()
    }

    /// How many portal groups `target` had at simulated time `t_us`
    /// (changes at exactly `t_us` included).
    pub fn groups_at(&self, target: VDS_OBJECT_ID, t_us: u128) -> usize {
        let mut alive = self.initial_groups_of(target);
        for e in self.applied().filter(|e| e.t_us <= t_us) {
            match &e.request {
                ArrayRequest::CreatePortalGroup { target: t } if *t == target => {
                    alive.extend(e.created);
                }
                ArrayRequest::DeletePortalGroup { group } => {
                    alive.remove(group);
                }
                ArrayRequest::DeleteTarget { target: t } if *t == target => alive.clear(),
                _ => {}
            }
        }
        alive.len()
    }

    /// True when the array removed a group of `target` (or the target) in `(from, to]`.
    pub fn groups_removed_between(&self, target: VDS_OBJECT_ID, from: u128, to: u128) -> bool {
        self.applied()
            .filter(|e| e.t_us > from && e.t_us <= to)
            .any(|e| match &e.request {
                ArrayRequest::DeletePortalGroup { group } => {
                    self.group_target.get(group) == Some(&target)
                }
                ArrayRequest::DeleteTarget { target: t } => *t == target,
                _ => false,
            })
    }

    /// When the array deleted `target`, if it did.
    pub fn target_deleted_at(&self, target: VDS_OBJECT_ID) -> Option<u128> {
        self.applied()
            .find(|e| matches!(e.request, ArrayRequest::DeleteTarget { target: t } if t == target))
            .map(|e| e.t_us)
    }

    /// When the array deleted `group`, or the target it belonged to, if it did.
    pub fn group_deleted_at(&self, group: VDS_OBJECT_ID) -> Option<u128> {
        let target = self.group_target.get(&group)?;
        self.applied()
            .find(|e| match &e.request {
                ArrayRequest::DeletePortalGroup { group: g } => *g == group,
                ArrayRequest::DeleteTarget { target: t } => t == target,
                _ => false,
            })
            .map(|e| e.t_us)
    }

    /// When the array deleted `object`, a target or a group (or the group's
    /// target), if it did.
    pub fn deleted_at(&self, object: VDS_OBJECT_ID) -> Option<u128> {
        self.target_deleted_at(object)
            .or_else(|| self.group_deleted_at(object))
    }

    /// The tag the array gave `group` when it made it (or held at the start).
    pub fn group_tag(&self, group: VDS_OBJECT_ID) -> Option<u16> {
        let made = || self.out.array_log.iter().find(|e| e.created == Some(group));
        self.out
            .initial_array
            .groups
            .get(&group)
            .map(|g| g.tag)
            .or_else(|| made()?.tag)
    }

    /// Instants from `from` to `to` (simulated µs) at which the array may
    /// have been what a provider saw (CALL-WINDOW): `from`, and every change
    /// after it up to `to`.
    pub fn instants(&self, from: u128, to: u128) -> Vec<u128> {
        let mut t = vec![from];
        t.extend(
            self.applied()
                .map(|e| e.t_us)
                .filter(|t| *t > from && *t <= to),
        );
        t
    }

    /// True when `group` existed on the array at time `t_us`.
    pub fn group_existed_at(&self, group: VDS_OBJECT_ID, t_us: u128) -> bool {
        let Some(target) = self.group_target.get(&group) else {
            return false;
        };
        let mut alive = self.out.initial_array.groups.contains_key(&group);
        for e in self.applied().filter(|e| e.t_us <= t_us) {
            match &e.request {
                ArrayRequest::CreatePortalGroup { .. } if e.created == Some(group) => alive = true,
                ArrayRequest::DeletePortalGroup { group: g } if *g == group => alive = false,
                ArrayRequest::DeleteTarget { target: t } if t == target => alive = false,
                _ => {}
            }
        }
        alive
    }
}

/// The array request an operation-starting call asks for, as it appears in
/// the array's log, where the call names it (CreateTarget's is not judged so).
pub fn request_of(s: &StepRecord) -> Option<ArrayRequest> {
    let object = s.object?;
    let portal = || super::portals::portal_of(s);
    Some(match s.method {
        Method::TargetCreatePortalGroup => ArrayRequest::CreatePortalGroup { target: object },
        Method::PortalGroupAddPortal => ArrayRequest::AddPortal {
            group: object,
            portal: portal()?,
        },
        Method::PortalGroupRemovePortal => ArrayRequest::RemovePortal {
            group: object,
            portal: portal()?,
        },
        Method::PortalGroupDelete => ArrayRequest::DeletePortalGroup { group: object },
        Method::TargetDelete => ArrayRequest::DeleteTarget { target: object },
        _ => return None,
    })
}

/// The first `FRIENDLY_NAME_LIMIT` characters of a friendly name: what the
/// array keeps of it.
pub fn kept(name: &str) -> String {
    name.chars()
        .take(vds_sim::array::FRIENDLY_NAME_LIMIT)
        .collect()
}

/// True for codes that come from the standard or converted-Win32 families,
/// which any method may return under the faults that cause them.
pub fn is_standard_failure(hr: HResult) -> bool {
    hr == HResult::E_OUTOFMEMORY
        || hr == HResult::E_INVALIDARG
        || (hr.failed() && hr.facility() == 7)
}
