//! The interface lifetime ledger: every interface pointer handed to a caller
//! is counted here, so that leaks, double releases, use after release and
//! pointers left in the output of a failed `IVdsAsync::Wait` are seen.
//!
//! In COM each pointer a caller receives carries one reference that the
//! caller owes a `Release` for. The simulation models each such reference as
//! one [`ComPtr`](crate::com::ComPtr) with a ledger entry. A correct provider
//! issues a fresh entry (the model of `AddRef`) for every pointer it hands
//! out; a provider that hands out the same entry twice is caught when the
//! caller releases both.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use serde::Serialize;

use crate::hresult::HResult;
use crate::method::{Issuer, Method};
use crate::props::VDS_OBJECT_ID;

/// Identifies one counted reference (one `AddRef` a caller owes a `Release` for).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct RefId(pub u64);

impl fmt::Display for RefId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ref#{}", self.0)
    }
}

/// What the ledger knows about one counted reference.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RefRecord {
    /// The COM interface the pointer is typed as, e.g. `IVdsIscsiPortalGroup`.
    pub interface: &'static str,
    /// The VDS object behind the pointer, if it has an id (`IVdsAsync` has none).
    pub(crate) object: Option<VDS_OBJECT_ID>,
    /// The call that handed the pointer out, e.g. `IVdsAsync::Wait`.
    pub origin: Issuer,
    /// Where the reference is in its life.
    pub(crate) state: RefState,
}

/// The life of one counted reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub(crate) enum RefState {
    /// Handed out and not yet released.
    Live,
    /// Released once, as it should be.
    Released,
    /// Dropped by its holder without `Release`: a leak.
    Forgotten,
}

/// A broken rule of interface lifetime, found as it happened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "violation")]
pub enum Violation {
    /// A reference was never released (found at the end of the run).
    Leak {
        /// The reference.
        id: RefId,
        /// What it pointed at and where it came from.
        record: RefRecord,
    },
    /// `Release` was called on a reference that had already been released.
    DoubleRelease {
        /// The reference.
        id: RefId,
        /// What it pointed at and where it came from.
        record: RefRecord,
    },
    /// A method was called through a reference after it was released.
    UseAfterRelease {
        /// The reference.
        id: RefId,
        /// What it pointed at and where it came from.
        record: RefRecord,
        /// The method that was called.
        method: Option<Method>,
    },
    /// `IVdsAsync::Wait` failed (itself or in `pHrResult`) yet its output held a pointer.
    PointerInFailedWait {
        /// The reference found in the output.
        id: RefId,
        /// Wait's own return value.
        wait_hr: HResult,
        /// The operation's result (`pHrResult`).
        hr_result: HResult,
    },
}

impl Violation {
    /// A stable short name of the kind of violation, for reports.
    pub fn kind(&self) -> &'static str {
        match self {
            Violation::Leak { .. } => "leak",
            Violation::DoubleRelease { .. } => "double-release",
            Violation::UseAfterRelease { .. } => "use-after-release",
            Violation::PointerInFailedWait { .. } => "pointer-in-failed-wait",
        }
    }
}

/// The ledger's verdict at the end of a run.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct LedgerReport {
    /// Counted references handed out during the run.
    pub issued: u64,
    /// References released exactly once.
    pub released: u64,
    /// Everything that broke the rules, in the order found (leaks last).
    pub violations: Vec<Violation>,
}

impl LedgerReport {
    /// True when every reference was released exactly once and nothing else broke.
    pub fn balanced(&self) -> bool {
        self.violations.is_empty()
    }
}

#[derive(Default)]
struct LedgerState {
    next: u64,
    refs: BTreeMap<RefId, RefRecord>,
    violations: Vec<Violation>,
}

/// Counts interface pointers. Cheap to clone: clones share one ledger.
///
/// ```
/// use vds_sim::ledger::Ledger;
/// use vds_sim::method::Method;
/// let ledger = Ledger::new();
/// let id = ledger.issue("IVdsAsync", None, Method::TargetCreatePortalGroup);
/// ledger.release(id);
/// assert!(ledger.report().balanced());
/// ```
#[derive(Clone, Default)]
pub struct Ledger {
    state: Arc<Mutex<LedgerState>>,
}

impl fmt::Debug for Ledger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ledger").finish_non_exhaustive()
    }
}

impl Ledger {
    /// A new, empty ledger.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LedgerState> {
        // A poisoned ledger still holds the truth about references; keep using it.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records a new counted reference (the model of `AddRef` before handing a pointer out).
    pub fn issue(
        &self,
        interface: &'static str,
        object: Option<VDS_OBJECT_ID>,
        origin: impl Into<Issuer>,
    ) -> RefId {
        let mut s = self.lock();
        s.next += 1;
        let id = RefId(s.next);
        s.refs.insert(
            id,
            RefRecord {
                interface,
                object,
                origin: origin.into(),
                state: RefState::Live,
            },
        );
        id
    }

    /// Records a `Release`. A second release of the same reference is a violation.
    pub fn release(&self, id: RefId) {
        let mut s = self.lock();
        let Some(record) = s.refs.get_mut(&id) else {
            panic!("ledger: release of {id}, which this ledger never issued");
        };
        match record.state {
            RefState::Live => record.state = RefState::Released,
            RefState::Released | RefState::Forgotten => {
                let record = record.clone();
                s.violations.push(Violation::DoubleRelease { id, record });
            }
        }
    }

    /// Records that a holder dropped a reference without releasing it.
    pub(crate) fn forget(&self, id: RefId) {
        let mut s = self.lock();
        if let Some(record) = s.refs.get_mut(&id)
            && record.state == RefState::Live
        {
            record.state = RefState::Forgotten;
        }
    }

    /// Records a method call through a reference; a released one is a violation.
    pub(crate) fn touch(&self, id: RefId, method: Option<Method>) {
        let mut s = self.lock();
        let Some(record) = s.refs.get(&id) else {
            return;
        };
        if record.state != RefState::Live {
            let record = record.clone();
            s.violations
                .push(Violation::UseAfterRelease { id, record, method });
        }
    }

    /// Records a pointer found in the output of a failed `Wait`.
    pub(crate) fn pointer_in_failed_wait(&self, id: RefId, wait_hr: HResult, hr_result: HResult) {
        self.lock().violations.push(Violation::PointerInFailedWait {
            id,
            wait_hr,
            hr_result,
        });
    }

    /// The record of one reference, if the ledger issued it.
    pub fn record(&self, id: RefId) -> Option<RefRecord> {
        self.lock().refs.get(&id).cloned()
    }

    /// References still live now (handed out and not released).
    pub fn live(&self) -> Vec<(RefId, RefRecord)> {
        self.lock()
            .refs
            .iter()
            .filter(|(_, r)| r.state == RefState::Live)
            .map(|(id, r)| (*id, r.clone()))
            .collect()
    }

    /// The verdict so far: every violation seen, plus a leak for each
    /// reference that is still live or was dropped without release.
    pub fn report(&self) -> LedgerReport {
        let s = self.lock();
        let mut violations = s.violations.clone();
        let mut released = 0;
        for (id, record) in &s.refs {
            match record.state {
                RefState::Released => released += 1,
                RefState::Live | RefState::Forgotten => violations.push(Violation::Leak {
                    id: *id,
                    record: record.clone(),
                }),
            }
        }
        LedgerReport {
            issued: s.refs.len() as u64,
            released,
            violations,
        }
    }
}
