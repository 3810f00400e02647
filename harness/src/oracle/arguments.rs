//! ARG-NULL-POINTER: a NULL pointer where the method needs one.

use vds_sim::hresult::HResult;
use vds_sim::method::Method;
use vds_sim::profile::RuleId;
use vds_sim::world::StepRecord;

use super::{History, Judgement};

/// Whether the call passed a NULL pointer the method needs: a NULL secret
/// with a non-zero size, or a NULL initiator name to RememberInitiatorSharedSecret.
pub(super) fn passes_null(s: &StepRecord) -> bool {
    match s.method {
        Method::TargetSetSharedSecret => s.args.starts_with("secret=NULL size="),
        Method::TargetRememberInitiatorSharedSecret => s.args.starts_with("initiator=None"),
        _ => false,
    }
}

/// ARG-NULL-POINTER: such a call answers E_POINTER.
pub(super) fn arg_null_pointer(h: &History, j: &mut Judgement) {
    for s in h.calls.iter().filter(|s| passes_null(s)) {
        j.hit_at(RuleId::ArgNullPointer, s);
        if s.hr != HResult::E_POINTER {
            j.fail(
                RuleId::ArgNullPointer,
                s,
                format!(
                    "{} with a NULL pointer ({}) returned {}, not E_POINTER",
                    s.method, s.args, s.hr
                ),
            );
        }
    }
}
