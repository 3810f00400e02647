//! LINK-ERRORS-AS-WIN32: how a provider reports an array it cannot reach,
//! judged wherever a caller sees a failure: any method's return, and the
//! `pHrResult` of Wait and QueryStatus.

use vds_sim::hresult::{HResult, win32};
use vds_sim::profile::RuleId;
use vds_sim::world::StepRecord;

use super::{History, Judgement};

/// `HRESULT_FROM_WIN32(ERROR_TIMEOUT)`, the profile's code for an array that does not answer.
const TIMEOUT: HResult = HResult::from_win32(win32::ERROR_TIMEOUT);

/// The converted Win32 errors the profile names: the timeout, and the two
/// standard codes that are Win32 errors in disguise.
const NAMED_WIN32: [HResult; 3] = [TIMEOUT, HResult::E_INVALIDARG, HResult::E_OUTOFMEMORY];

/// Every failure a caller saw: the call, the code, and where it was seen.
fn failures<'h>(h: &'h History) -> impl Iterator<Item = (&'h StepRecord, HResult, &'static str)> {
    h.calls.iter().filter_map(|s| {
        if s.hr.failed() {
            Some((*s, s.hr, "returned"))
        } else {
            s.hr_result
                .filter(|r| r.failed())
                .map(|r| (*s, r, "put in pHrResult"))
        }
    })
}

/// LINK-ERRORS-AS-WIN32: converted Win32 errors are the profile's, in
/// facility 7, and a timeout only once a link fault could cause one.
pub(super) fn link_errors_as_win32(h: &History, j: &mut Judgement) {
    let rule = RuleId::LinkErrorsAsWin32;
    let first_link_fault = h
        .faults
        .iter()
        .filter(|f| f.kind.slows_the_link())
        .map(|f| f.seq)
        .min();
    for (s, hr, how) in failures(h) {
        j.hit_at(rule, s);
        if hr.facility() == vds_sim::hresult::FACILITY_WIN32 && !NAMED_WIN32.contains(&hr) {
            j.fail(
                rule,
                s,
                format!(
                    "{} {how} {hr}, a converted Win32 error the profile does not name",
                    s.method
                ),
            );
        } else if hr.code() == win32::ERROR_TIMEOUT as u16 && hr != TIMEOUT {
            j.fail(
                rule,
                s,
                format!(
                    "{} {how} {hr}: ERROR_TIMEOUT in facility {}; the profile's code is {TIMEOUT}",
                    s.method,
                    hr.facility()
                ),
            );
        } else if hr == TIMEOUT && first_link_fault.is_none_or(|f| f > s.seq_return) {
            j.fail(
                rule,
                s,
                format!(
                    "{} {how} {hr} although no link fault had fired: the array answers in time otherwise",
                    s.method
                ),
            );
        }
    }
}
