//! ALLOCATION-FAILURE-SUFFERED: a provider that accepted an allocation
//! failure must fail an allocation for it. Handing out a new interface
//! pointer (an `IVdsAsync`, a Query method's enumerator) allocates in any
//! design; so once a call made after the fault has done that with success,
//! some answer since the fault must have been `E_OUTOFMEMORY` (a call's own
//! HRESULT or an operation's pHrResult), unless a restart came between.
//!
//! Which call fails is the provider's choice (FAILURE-PRECEDENCE): the
//! judge asks only that one did, by the time a pointer was handed out again.

use vds_sim::hresult::HResult;
use vds_sim::method::Method;
use vds_sim::profile::RuleId;
use vds_sim::trace::Event;
use vds_sim::world::StepRecord;

use super::{FaultFired, History, Judgement};

const RULE: RuleId = RuleId::AllocationFailureSuffered;

/// Whether a successful answer of this call handed out a new interface pointer.
fn hands_out_pointer(s: &StepRecord) -> bool {
    let new_pointer = s.method.is_async()
        || matches!(
            s.method,
            Method::HwProviderQuerySubSystems
                | Method::SubSystemQueryTargets
                | Method::SubSystemQueryPortals
                | Method::TargetQueryPortalGroups
                | Method::TargetQueryAssociatedLuns
                | Method::PortalGroupQueryAssociatedPortals
                | Method::PortalQueryAssociatedPortalGroups
        );
    new_pointer && s.hr.succeeded()
}

impl History<'_> {
    /// The allocation failures the provider accepted, in order.
    pub fn allocation_failures(&self) -> impl Iterator<Item = &FaultFired> {
        self.faults
            .iter()
            .filter(|f| f.kind == vds_sim::faults::FaultKind::AllocationFailure && f.suffered())
    }

    /// The trace seq of the first restart the provider suffered after `seq`.
    fn restart_after(&self, seq: usize) -> Option<usize> {
        self.restarts().map(|f| f.seq).find(|s| *s > seq)
    }
}

pub(super) fn allocation_failure_suffered(h: &History, j: &mut Judgement) {
    for fault in h.allocation_failures() {
        let until = h.restart_after(fault.seq).unwrap_or(usize::MAX);
        // The first call made after the fault (and returned before any
        // restart) that handed out a new pointer: by its return, an
        // E_OUTOFMEMORY must have been answered.
        let Some(first) = h
            .out
            .steps
            .iter()
            .filter(|s| s.seq_call > fault.seq && s.seq_return < until && hands_out_pointer(s))
            .min_by_key(|s| s.seq_return)
        else {
            continue;
        };
        // Every answer the provider gave is a return in the trace (the
        // probes a client makes on what Wait handed back included). By
        // CALL-WINDOW an E_OUTOFMEMORY after the fault counts if its call
        // (or its operation) began before `first` returned, so that it may
        // have met the failure first, however late its answer came.
        let suffered = h.out.trace.iter().find_map(|line| match &line.event {
            Event::Return {
                client,
                step,
                hr,
                hr_result,
                ..
            } if line.seq > fault.seq
                && (*hr == HResult::E_OUTOFMEMORY
                    || *hr_result == Some(HResult::E_OUTOFMEMORY)) =>
            {
                let s = h
                    .out
                    .steps
                    .iter()
                    .find(|s| s.client == *client && s.step == *step)?;
                (h.first_call_of(s).seq_call < first.seq_return).then_some(s)
            }
            _ => None,
        });
        match suffered {
            Some(s) => j.hit_at(RULE, s),
            None => j.fail(
                RULE,
                first,
                format!(
                    "the provider accepted an allocation failure at trace seq {} and had answered no call E_OUTOFMEMORY, yet this call, made after the fault, handed out a new pointer with {}",
                    fault.seq, first.hr
                ),
            ),
        }
    }
}
