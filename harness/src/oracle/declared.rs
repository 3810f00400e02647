//! DECLARATION-KEPT: a provider does what it declared of its design
//! ([`Declaration`](vds_sim::provider::declaration::Declaration)) where the
//! declaration excuses it from cells the suite otherwise requires.
//!
//! - A method declared not supported never answers a success code.
//! - With operations declared to end inside the call that starts them, no
//!   QueryStatus made after that call returned reports the operation
//!   pending, and no Cancel of it succeeds.
//!
//! Exercised by every call of a declared method, and by every QueryStatus
//! and Cancel of an operation when operations are declared to end in the
//! call. With the default declaration there is nothing to judge, and the
//! suite does not require the check (`checks::reachable`).

use vds_sim::hresult::HResult;
use vds_sim::method::Method;
use vds_sim::profile::RuleId;

use super::{History, Judgement};

/// DECLARATION-KEPT (see the module).
pub(super) fn declaration_kept(h: &History, j: &mut Judgement) {
    let rule = RuleId::DeclarationKept;
    let d = h.out.declaration;
    for c in h
        .calls
        .iter()
        .filter(|c| d.not_supported.contains(c.method))
    {
        if c.hr.succeeded() {
            j.fail(
                rule,
                c,
                format!(
                    "{} answered {} though the provider declared it not supported",
                    c.method, c.hr
                ),
            );
        } else {
            j.hit_at(rule, c);
        }
    }
    if !d.operations_end_in_call {
        return;
    }
    for o in h.ops.iter().filter(|o| o.call.hr.succeeded()) {
        for s in o.follow.iter().filter(|s| s.seq_call > o.call.seq_return) {
            // What the answer says of an operation declared over, if wrong.
            let wrong = match s.method {
                Method::AsyncQueryStatus
                    if s.hr == HResult::S_OK
                        && s.hr_result == Some(HResult::VDS_E_OPERATION_PENDING) =>
                {
                    Some(format!("pending ({})", HResult::VDS_E_OPERATION_PENDING))
                }
                Method::AsyncCancel if s.hr == HResult::S_OK => Some("S_OK".to_string()),
                Method::AsyncQueryStatus | Method::AsyncCancel => None,
                _ => continue,
            };
            if let Some(answer) = wrong {
                j.fail(
                    rule,
                    s,
                    format!(
                        "{} of the operation {} started ({} step {}) answered {answer} after that call returned, though the provider declared that operations end in the call",
                        s.method, o.call.method, o.call.client, o.call.step
                    ),
                );
            } else {
                j.hit_at(rule, s);
            }
        }
    }
}
