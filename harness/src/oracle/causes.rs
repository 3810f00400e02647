//! FAILURE-PRECEDENCE and CALL-WINDOW, as the judges share them: when a
//! failure code has a cause of its own during the call (an allocation
//! failure, a restart, a link fault, a NULL pointer), a rule about another
//! cause does not hold that answer against the provider. The causes are
//! read over the whole window of the call, from its call to its return.

use vds_sim::faults::FaultKind;
use vds_sim::hresult::HResult;
use vds_sim::world::StepRecord;

use vds_sim::method::Method;

use super::arguments::passes_null;
use super::{History, Op};

impl History<'_> {
    /// Whether an allocation failure was pending at some instant of the
    /// call: one fired before it returned, and no call answered
    /// E_OUTOFMEMORY between that fault and this call.
    pub fn allocation_pending(&self, call: &StepRecord) -> bool {
        let Some(fault) = self
            .faults
            .iter()
            .filter(|f| {
                f.kind == FaultKind::AllocationFailure && f.suffered() && f.seq < call.seq_return
            })
            .map(|f| f.seq)
            .max()
        else {
            return false;
        };
        !self.calls.iter().any(|o| {
            !std::ptr::eq(*o, call)
                && o.hr == HResult::E_OUTOFMEMORY
                && o.seq_return > fault
                && o.seq_return < call.seq_call
        })
    }

    /// Whether the provider restarted at some instant of the call.
    pub fn restarted_during(&self, call: &StepRecord) -> bool {
        self.restarts()
            .any(|f| f.seq > call.seq_call && f.seq < call.seq_return)
    }

    /// Whether a link fault had fired by the call's return.
    pub fn link_faulted_by(&self, call: &StepRecord) -> bool {
        self.faults
            .iter()
            .any(|f| f.kind.slows_the_link() && f.seq < call.seq_return)
    }

    /// For the codes of the provider's own causes, whether `hr`, answered
    /// by `call`, had its cause at some instant of the call, so that rules
    /// about other causes let it stand (FAILURE-PRECEDENCE): E_OUTOFMEMORY
    /// with an allocation failure pending, VDS_E_PROVIDER_EXITING across a
    /// restart, the link timeout after a link fault, E_POINTER for a NULL
    /// pointer the method needs. `None` for every other code.
    pub fn cause_of_its_own(&self, call: &StepRecord, hr: HResult) -> Option<bool> {
        match hr {
            HResult::E_OUTOFMEMORY => Some(self.allocation_pending(call)),
            HResult::VDS_E_PROVIDER_EXITING => Some(self.restarted_during(call)),
            HResult::E_POINTER => Some(passes_null(call)),
            hr if hr == vds_sim::outcomes::TIMEOUT => Some(self.link_faulted_by(call)),
            _ => None,
        }
    }

    /// Whether the call's own failure has a cause of its own at some
    /// instant of the call: one of [`History::cause_of_its_own`] for the
    /// provider's own codes, and for every other code a fact it states that
    /// held then (REFUSAL-WARRANTED's table: the object deleted, the portal
    /// missing or held elsewhere, LUNs or portals present, the name taken, a
    /// busy domain, a damaged cache), or VDS_E_NOT_SUPPORTED where the
    /// method's page lists it.
    pub fn excused(&self, call: &StepRecord) -> bool {
        call.hr.failed()
            && self
                .cause_of_its_own(call, call.hr)
                .unwrap_or_else(|| super::warrants::of_its_own(self, call))
    }

    /// Whether an operation's end `result` has a cause of its own that
    /// rules about other causes let stand: VDS_E_OPERATION_CANCELED after
    /// a successful Cancel (ASYNC-CANCEL), VDS_E_PROVIDER_EXITING after a
    /// restart while it ran (RESTART-ABANDONS-OPERATIONS).
    pub fn end_of_its_own(&self, op: &Op, result: HResult) -> bool {
        match result {
            HResult::VDS_E_OPERATION_CANCELED => op
                .follow
                .iter()
                .any(|s| s.method == Method::AsyncCancel && s.hr == HResult::S_OK),
            HResult::VDS_E_PROVIDER_EXITING => self.restarts().any(|f| f.seq > op.call.seq_call),
            _ => false,
        }
    }
}
