//! ARG-NULL-POINTER: a NULL pointer where the method needs one.

use vds_sim::hresult::HResult;
use vds_sim::method::Method;
use vds_sim::profile::RuleId;
use vds_sim::world::StepRecord;

use super::{History, Judgement};

/// Whether the call passed a NULL pointer the method needs: a NULL secret
/// with a non-zero size (a NULL secret of size 0 means "no secret"), or a
/// NULL initiator name to RememberInitiatorSharedSecret.
pub(super) fn passes_null(s: &StepRecord) -> bool {
    null_in(s.method, &s.args)
}

/// [`passes_null`] on a method and its rendered arguments.
fn null_in(method: Method, args: &str) -> bool {
    match method {
        Method::TargetSetSharedSecret => args
            .strip_prefix("secret=NULL size=")
            .and_then(|rest| rest.split(' ').next())
            .is_some_and(|size| size != "0"),
        Method::TargetRememberInitiatorSharedSecret => args.starts_with("initiator=None"),
        _ => false,
    }
}

/// ARG-NULL-POINTER: such a call answers E_POINTER.
pub(super) fn arg_null_pointer(h: &History, j: &mut Judgement) {
    for s in h.calls.iter().filter(|s| passes_null(s)) {
        j.hit_at(RuleId::ArgNullPointer, s);
        // An allocation failure or a restart during the call may come first
        // (FAILURE-PRECEDENCE); nothing about the object's state may.
        let provider_cause = [HResult::E_OUTOFMEMORY, HResult::VDS_E_PROVIDER_EXITING]
            .contains(&s.hr)
            && h.excused(s);
        if s.hr != HResult::E_POINTER && !provider_cause {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_null_secret_of_size_zero_is_no_secret_not_a_null_pointer() {
        let m = Method::TargetSetSharedSecret;
        assert!(!null_in(m, "secret=NULL size=0 initiator=None"));
        assert!(null_in(m, "secret=NULL size=8 initiator=None"));
        assert!(!null_in(m, "secret=set initiator=None"));
    }
}
