//! Busy answers, judged against the provider's declared lock domain
//! ([`Declaration`]) and over the whole window of each call (CALL-WINDOW).
//!
//! - REFUSAL-WARRANTED's warrant for VDS_E_ANOTHER_CALL_IN_PROGRESS
//!   ([`busy_because`], read by `warrants.rs`): at some instant
//!   of the refused call, a Reenumerate or Refresh was being answered, or an
//!   operation (or a call starting one) in the call's lock domain may have
//!   been running; for a Reenumerate or Refresh, any operation, unless the
//!   provider declared that they run alongside operations.
//! - BUSY-IN-DOMAIN: two operations in one lock domain never run at once:
//!   an operation accepted after another in its domain returned, while that
//!   one is later still seen pending, is a finding.

use vds_sim::hresult::HResult;
use vds_sim::method::Method;
use vds_sim::profile::RuleId;
use vds_sim::props::VDS_OBJECT_ID;
use vds_sim::provider::declaration::{Declaration, LockDomain};
use vds_sim::world::StepRecord;

use super::{History, Judgement};

const BUSY: HResult = HResult::VDS_E_ANOTHER_CALL_IN_PROGRESS;

fn is_refresh(m: Method) -> bool {
    matches!(m, Method::HwProviderReenumerate | Method::HwProviderRefresh)
}

/// What an operation in flight holds, or what a call may be refused for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Lock {
    /// One target (and its portal groups).
    Target(VDS_OBJECT_ID),
    /// The whole provider (a provider or subsystem domain: the world has one
    /// subsystem).
    Whole,
}

/// The target a call is about: its own object, or its group's target.
fn target_of(h: &History, s: &StepRecord) -> Option<VDS_OBJECT_ID> {
    let object = s.object?;
    match s.method.interface() {
        "IVdsIscsiTarget" => Some(object),
        "IVdsIscsiPortalGroup" => h.group_target.get(&object).copied(),
        _ => None,
    }
}

/// The lock an operation started by `s` holds while it runs, if any.
fn held_by(h: &History, d: Declaration, s: &StepRecord) -> Option<Lock> {
    let starts_operation = super::history::expected_type(s.method).is_some();
    match d.lock_domain {
        LockDomain::Target => match s.method {
            // A new target is nobody's lock until it exists.
            Method::SubSystemCreateTarget => None,
            _ if starts_operation => target_of(h, s).map(Lock::Target),
            _ => None,
        },
        LockDomain::Subsystem | LockDomain::Provider => starts_operation.then_some(Lock::Whole),
    }
}

/// Whether a call `c` is in the domain of the lock `l`: a call on a provider
/// object that the lock covers (IVdsAsync calls never are).
fn covers(h: &History, l: Lock, c: &StepRecord) -> bool {
    if c.method.interface() == "IVdsAsync" {
        return false;
    }
    match l {
        Lock::Whole => true,
        Lock::Target(t) => target_of(h, c) == Some(t),
    }
}

/// Whether the operation `o` (an accepted call: every one of `History::ops`
/// is) may have been running at some instant of `c`: it was called before
/// `c` returned, and nothing had shown it over before `c` was called.
fn may_run(o: &StepRecord, follow: &[&StepRecord], c: &StepRecord) -> bool {
    let started = o.seq_call < c.seq_return;
    let seen_over = follow.iter().any(|s| {
        s.seq_return < c.seq_call
            && s.hr.succeeded()
            && (s.method == Method::AsyncCancel
                || s.hr_result
                    .is_some_and(|r| r != HResult::VDS_E_OPERATION_PENDING))
    });
    started && !seen_over
}

/// Whether two calls overlap in time (some instant of each is common).
fn overlap(a: &StepRecord, b: &StepRecord) -> bool {
    a.seq_call < b.seq_return && b.seq_call < a.seq_return
}

/// Whether the operation or call `o` may have held a lock that refuses `c`.
fn blocks(h: &History, d: Declaration, o: &StepRecord, c: &StepRecord) -> bool {
    if is_refresh(c.method) {
        // A refresh is refused by any operation, unless declared alongside.
        return !d.refresh_alongside && super::history::expected_type(o.method).is_some();
    }
    held_by(h, d, o).is_some_and(|l| covers(h, l, c))
}

/// What could have kept the provider busy at some instant of `c`, if anything.
pub(super) fn busy_because(h: &History, c: &StepRecord) -> Option<String> {
    let d = h.out.declaration;
    let name = |o: &StepRecord| format!("{} ({} step {})", o.method, o.client, o.step);
    let refresh = h
        .calls
        .iter()
        .find(|r| is_refresh(r.method) && !std::ptr::eq(**r, c) && overlap(r, c));
    if let Some(r) = refresh {
        return Some(name(r));
    }
    let op = h
        .ops
        .iter()
        .find(|op| blocks(h, d, op.call, c) && may_run(op.call, &op.follow, c));
    if let Some(op) = op {
        return Some(name(op.call));
    }
    // A call starting an operation, still being answered (it may take its
    // lock before it answers, and then fail).
    h.calls
        .iter()
        .find(|o| !std::ptr::eq(**o, c) && blocks(h, d, o, c) && overlap(o, c))
        .map(|o| name(o))
}

/// The array's log indexed by request, and how many calls asked for each
/// request: built once a run, so that evidence is a lookup, not a scan.
struct Requests<'h> {
    /// Successful applications through a provider, by request, in order.
    applied: std::collections::BTreeMap<String, Vec<&'h vds_sim::array::ArrayEvent>>,
    /// How many calls asked for each request.
    asked: std::collections::BTreeMap<String, usize>,
}

/// A request as a map key (`ArrayRequest` has no order of its own).
fn key(req: &vds_sim::array::ArrayRequest) -> String {
    serde_json::to_string(req).unwrap_or_default()
}

impl<'h> Requests<'h> {
    fn new(h: &'h History) -> Self {
        let mut applied: std::collections::BTreeMap<String, Vec<_>> = Default::default();
        for e in h.applied().filter(|e| !e.direct) {
            applied.entry(key(&e.request)).or_default().push(e);
        }
        let mut asked: std::collections::BTreeMap<String, usize> = Default::default();
        for req in h.calls.iter().filter_map(|c| super::history::request_of(c)) {
            *asked.entry(key(&req)).or_default() += 1;
        }
        Self { applied, asked }
    }

    /// Evidence that `first` still ran when `second` returned: it ended with
    /// S_OK (so its end came from the array's reply to its request), and the
    /// array applied that request only after `second` had returned, with no
    /// other call asking for the same change. The seq of the Wait that showed
    /// the end.
    fn applied_after(&self, first: &super::Op, second: &StepRecord) -> Option<usize> {
        let req = key(&super::history::request_of(first.call)?);
        let end = first
            .waits()
            .find(|w| w.hr.succeeded() && w.hr_result == Some(HResult::S_OK))?;
        let rivals = self.asked.get(&req).copied().unwrap_or(0);
        let applied = self
            .applied
            .get(&req)?
            .iter()
            .find(|e| e.t_us >= first.call.t_call_us)?;
        (rivals == 1 && applied.t_us > second.t_us && applied.t_us <= end.t_us)
            .then_some(end.seq_return)
    }
}

/// BUSY-IN-DOMAIN (see the module). Exercised wherever an operation was
/// accepted after another of its domain and the first was looked at after.
/// Only pairs whose windows overlap are looked at: a second operation
/// called after the first's last follow-up returned can show nothing.
pub(super) fn busy_in_domain(h: &History, j: &mut Judgement) {
    let rule = RuleId::BusyInDomain;
    let d = h.out.declaration;
    for c in h
        .calls
        .iter()
        .filter(|c| c.hr == BUSY && held_by(h, d, c).is_some())
    {
        j.hit_at(rule, c);
    }
    let held: Vec<Option<Lock>> = h
        .ops
        .iter()
        .map(|o| {
            (o.call.hr == HResult::S_OK)
                .then(|| held_by(h, d, o.call))
                .flatten()
        })
        .collect();
    let requests = Requests::new(h);
    for (i, first) in h.ops.iter().enumerate() {
        let Some(lock) = held[i] else {
            continue;
        };
        let Some(last_look) = first.follow.iter().map(|s| s.seq_return).max() else {
            continue;
        };
        // `h.ops` is in call order: the candidates were called after the
        // first returned and before its last follow-up returned.
        let from = h
            .ops
            .partition_point(|o| o.call.seq_call <= first.call.seq_return);
        for (k, second) in h.ops.iter().enumerate().skip(from) {
            if second.call.seq_call >= last_look {
                break;
            }
            if held[k] != Some(lock) {
                continue;
            }
            let still_pending = first
                .follow
                .iter()
                .find(|s| {
                    s.method == Method::AsyncQueryStatus
                        && s.seq_call > second.call.seq_return
                        && s.hr_result == Some(HResult::VDS_E_OPERATION_PENDING)
                })
                .map(|q| q.seq_return)
                .or_else(|| requests.applied_after(first, second.call));
            if let Some(q) = still_pending {
                j.fail(
                    rule,
                    second.call,
                    format!(
                        "{} accepted while {} ({} step {}) in the same lock domain ({}) was still running (shown at trace seq {})",
                        second.call.method,
                        first.call.method,
                        first.call.client,
                        first.call.step,
                        d.lock_domain,
                        q
                    ),
                );
            } else if first
                .follow
                .iter()
                .any(|s| s.seq_call > second.call.seq_return)
            {
                j.hit_at(rule, second.call);
            }
        }
    }
}
