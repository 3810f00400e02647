//! The situation a call was made in, for rule coverage: nothing unusual,
//! on an object the array had already deleted, or with a fault that fired
//! while the call (or the operation it follows) was under way. A rule
//! judged in every situation it applies to has been tried where providers
//! go wrong, not only on the path the reference takes.

use vds_sim::faults::FaultKind;
use vds_sim::hresult::HResult;
use vds_sim::method::Method;
use vds_sim::world::StepRecord;

use super::History;
pub use crate::situation::Situation;

impl History<'_> {
    /// The situations `s` was made in (at least one). For a call that
    /// started an operation, the situations last until its end was seen.
    pub fn situations(&self, s: &StepRecord) -> Vec<Situation> {
        let first = self.first_call_of(s);
        // A call that started an operation lasts until the operation's end was seen.
        let last = self
            .answer(s)
            .map(|(_, at)| at)
            .filter(|at| at.seq_return > s.seq_return)
            .unwrap_or(s);
        let mut found = Vec::new();
        if self.deleted_by(first, last.t_us) {
            found.push(Situation::Deleted);
        }
        // From the client's previous program call (set-up calls do not
        // count: a client a fault starts sets up after the fault).
        let since = self
            .calls
            .iter()
            .filter(|p| p.client == s.client && p.seq_return < first.seq_call)
            .map(|p| p.seq_return)
            .max()
            .unwrap_or(0);
        for f in &self.faults {
            let around = f.seq > since && f.seq < last.seq_return;
            if around || (f.kind == FaultKind::CacheCorruption && self.uncured(f.seq, s.seq_call)) {
                found.push(Situation::Fault(f.kind));
            }
        }
        found.sort();
        found.dedup();
        if found.is_empty() {
            found.push(Situation::Plain);
        }
        found
    }

    /// Whether a cache corruption at trace seq `fault` was still in force
    /// at seq `at`: no Refresh had returned S_OK between the two.
    fn uncured(&self, fault: usize, at: usize) -> bool {
        fault < at
            && !self.calls.iter().any(|c| {
                c.method == Method::HwProviderRefresh
                    && c.hr == HResult::S_OK
                    && c.seq_return > fault
                    && c.seq_return < at
            })
    }

    /// The call that started the operation `s` is about, or `s` itself.
    pub(super) fn first_call_of<'s>(&'s self, s: &'s StepRecord) -> &'s StepRecord {
        let Some(origin) = &s.origin else { return s };
        self.ops
            .iter()
            .find(|op| op.call.client == s.client && op.call.step == origin.step)
            .map_or(s, |op| op.call)
    }

    /// Whether the object `call` was made on (a target, or a group or its
    /// target) was deleted on the array at or before `t_us`.
    fn deleted_by(&self, call: &StepRecord, t_us: u128) -> bool {
        let Some(object) = call.object else {
            return false;
        };
        self.deleted_at(object).is_some_and(|t| t <= t_us)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn situations_print_as_coverage_rows_name_them() {
        assert_eq!(Situation::Plain.to_string(), "plain");
        assert_eq!(
            Situation::fault("link_loss").map(|s| s.to_string()),
            Some("fault link_loss".to_string())
        );
        assert_eq!(Situation::fault("no_such_fault"), None);
        assert!(Situation::Plain < Situation::Deleted);
    }
}
