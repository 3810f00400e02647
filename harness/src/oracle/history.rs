//! The run as the oracle reads it: operations with the calls made on them,
//! faults fired, and the array's history.

use std::collections::BTreeMap;
use vds_sim::faults::FaultKind;
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
    /// Its kind.
    pub kind: FaultKind,
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
    /// When each portal group came to be on the array (`None`: it was
    /// there at the start) and when it was deleted, itself or with its
    /// target: one pass over the log, so that asking is not a scan.
    group_life: BTreeMap<VDS_OBJECT_ID, (Option<u128>, Option<u128>)>,
    /// The indices in `ops` of the operations each (method, object) started,
    /// in call order: judges ask about one object's operations, not all.
    ops_on: BTreeMap<(Method, VDS_OBJECT_ID), Vec<usize>>,
}

/// Each portal group's life on the array, from its log (see `History::group_life`).
fn group_lives(out: &RunOutcome) -> BTreeMap<VDS_OBJECT_ID, (Option<u128>, Option<u128>)> {
    let mut life = BTreeMap::new();
    let mut alive: BTreeMap<VDS_OBJECT_ID, Vec<VDS_OBJECT_ID>> = BTreeMap::new();
    for g in out.initial_array.groups.values() {
        life.insert(g.id, (None, None));
        alive.entry(g.target).or_default().push(g.id);
    }
    for e in out.array_log.iter().filter(|e| e.error.is_none()) {
        let mut died = |g: VDS_OBJECT_ID| {
            if let Some((_, end)) = life.get_mut(&g) {
                end.get_or_insert(e.t_us);
            }
        };
        match &e.request {
            ArrayRequest::CreatePortalGroup { target } => {
                if let Some(id) = e.created {
                    life.insert(id, (Some(e.t_us), None));
                    alive.entry(*target).or_default().push(id);
                }
            }
            ArrayRequest::DeletePortalGroup { group } => died(*group),
            ArrayRequest::DeleteTarget { target } => {
                for g in alive.remove(target).unwrap_or_default() {
                    died(g);
                }
            }
            _ => {}
        }
    }
    life
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
        let mut ops_on: BTreeMap<(Method, VDS_OBJECT_ID), Vec<usize>> = BTreeMap::new();
        for (i, op) in ops.iter().enumerate() {
            if let Some(object) = op.call.object {
                ops_on.entry((op.call.method, object)).or_default().push(i);
            }
        }
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
                    kind: *kind,
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
            group_life: group_lives(out),
            ops_on,
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

    /// The provider restarts that took effect, in order.
    pub fn restarts(&self) -> impl Iterator<Item = &FaultFired> {
        self.faults.iter().filter(|f| {
            f.kind == FaultKind::ProviderRestart && f.detail.starts_with("provider restarted")
        })
    }

    /// The operations `method` started on `object`, in call order.
    pub fn ops_on(&self, method: Method, object: VDS_OBJECT_ID) -> impl Iterator<Item = &Op<'a>> {
        self.ops_on
            .get(&(method, object))
            .into_iter()
            .flatten()
            .map(|i| &self.ops[*i])
    }

    /// True when `group` existed on the array at some instant up to `t_us`.
    pub fn group_existed_by(&self, group: VDS_OBJECT_ID, t_us: u128) -> bool {
        self.group_life.get(&group).is_some_and(|(born, died)| {
            let born = born.unwrap_or(0);
            born <= t_us && died.is_none_or(|d| d > born)
        })
    }

    /// True when `group` existed on the array at time `t_us`.
    pub fn group_existed_at(&self, group: VDS_OBJECT_ID, t_us: u128) -> bool {
        self.group_life.get(&group).is_some_and(|(born, died)| {
            born.is_none_or(|b| b <= t_us) && died.is_none_or(|d| d > t_us)
        })
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
