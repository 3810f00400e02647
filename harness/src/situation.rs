//! The situation a call was made in, for rule coverage: nothing unusual,
//! on an object the array had already deleted, or with a fault that fired
//! while the call (or the operation it follows) was under way. The checks
//! name the situations each must be judged in (`checks::applies_in`); the
//! oracle names the situations of each call it judged.

use serde::Serialize;
use vds_sim::faults::FaultKind;

/// One situation a call can be made in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Situation {
    /// The object exists and no fault fired around the call.
    Plain,
    /// The object called (or the target of the group called, or the object
    /// an operation works on) had been deleted on the array by the time the
    /// call returned: the caller held its pointer across the deletion.
    Deleted,
    /// A fault of this kind fired between the client's previous call and
    /// this call's return (for a call on an operation, from before the call
    /// that started it); a cache corruption counts until a Refresh succeeds.
    Fault(FaultKind),
}

impl Situation {
    /// The situation for a fault kind named as scenario files and traces
    /// name it; `None` for an unknown name.
    pub fn fault(kind: &str) -> Option<Situation> {
        FaultKind::from_name(kind).map(Situation::Fault)
    }

    /// The situation its printed form (`plain`, `deleted`, `fault KIND`)
    /// names, if any.
    ///
    /// ```
    /// use vds_harness::oracle::Situation;
    /// for s in ["plain", "deleted", "fault link_hold"] {
    ///     assert_eq!(Situation::from_name(s).unwrap().to_string(), s);
    /// }
    /// assert_eq!(Situation::from_name("fault meteor"), None);
    /// ```
    pub fn from_name(s: &str) -> Option<Situation> {
        match s {
            "plain" => Some(Situation::Plain),
            "deleted" => Some(Situation::Deleted),
            _ => s.strip_prefix("fault ").and_then(Situation::fault),
        }
    }
}

impl std::fmt::Display for Situation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Situation::Plain => f.pad("plain"),
            Situation::Deleted => f.pad("deleted"),
            Situation::Fault(kind) => f.pad(&format!("fault {kind}")),
        }
    }
}

impl Serialize for Situation {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}
