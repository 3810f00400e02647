//! OUTCOME-LISTED: every answer is on its method's allow-list
//! (`vds_sim::outcomes`), so a kind of wrong answer no specific check
//! foresaw is still refused.

use vds_sim::hresult::HResult;
use vds_sim::method::Method;
use vds_sim::outcomes::{ends_with_object, may_end_with, may_return};
use vds_sim::profile::RuleId;

use super::{History, Judgement};

/// OUTCOME-LISTED.
pub(super) fn outcome_listed(h: &History, j: &mut Judgement) {
    let rule = RuleId::OutcomeListed;
    for s in &h.calls {
        j.hit_at(rule, s);
        if !may_return(s.method, s.hr) {
            j.fail(
                rule,
                s,
                format!(
                    "{} returned {}, which its allow-list does not hold",
                    s.method, s.hr
                ),
            );
        }
    }
    for op in &h.ops {
        let method = op.call.method;
        for s in op.follow.iter().filter(|s| {
            matches!(s.method, Method::AsyncWait | Method::AsyncQueryStatus) && s.hr.succeeded()
        }) {
            let Some(r) = s
                .hr_result
                .filter(|r| *r != HResult::VDS_E_OPERATION_PENDING)
            else {
                continue;
            };
            if !may_end_with(method, op.call.hr, r) {
                j.fail(
                    rule,
                    s,
                    format!(
                        "{method} (which returned {}) ended with {r}, which its allow-list does not hold",
                        op.call.hr
                    ),
                );
            }
            let Some(output) = s.output.as_ref().filter(|_| r.succeeded()) else {
                continue;
            };
            let object = output.pointer.is_some();
            if object != ends_with_object(method) {
                j.fail(
                    rule,
                    s,
                    format!(
                        "{method} ended with {r} and {} object; a successful {method} hands back {}",
                        if object { "an" } else { "no" },
                        if ends_with_object(method) { "one" } else { "none" }
                    ),
                );
            }
        }
    }
}
