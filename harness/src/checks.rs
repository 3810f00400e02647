//! The named conformance checks. Each has a stable id (the id of the
//! contract-profile rule it enforces, see `vds_sim::profile`), a one-line
//! title, and is implemented by the [`oracle`](crate::oracle). The same id
//! appears in the matrix, the JUnit file, the Gherkin tags and the mutant
//! kill matrix.

use serde::Serialize;

/// One conformance check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Check {
    /// Stable id; also the id of the profile rule it enforces.
    pub id: &'static str,
    /// One line on what it checks.
    pub title: &'static str,
}

impl Check {
    /// The profile rule this check enforces.
    pub fn rule(&self) -> &'static vds_sim::profile::Rule {
        vds_sim::profile::rule(self.id).expect("every check enforces a profile rule")
    }
}

const fn check(id: &'static str, title: &'static str) -> Check {
    Check { id, title }
}

/// Every check, in the order reports list them.
pub const CHECKS: &[Check] = &[
    check("RUN-COMPLETES", "the provider neither panics nor hangs"),
    check(
        "ANSWERS-CONSISTENT",
        "success codes come with out-parameters, failure codes alone",
    ),
    check(
        "LEDGER-BALANCED",
        "every reference handed out is released exactly once; none used after release",
    ),
    check(
        "CPG-RETURN-CODES",
        "CreatePortalGroup returns only documented codes",
    ),
    check(
        "CPG-S_OK-NEW-GROUP",
        "S_OK then Wait hands back a new group (type 63) of the target called",
    ),
    check(
        "CPG-ALREADY-EXISTS",
        "VDS_S_ALREADY_EXISTS creates nothing and Wait hands back an existing group",
    ),
    check(
        "CPG-LIMIT",
        "S_OK never comes from a target already at its portal-group limit",
    ),
    check(
        "CPG-LINEARIZABLE",
        "what clients saw of creations and deletions fits some serial order in real time",
    ),
    check(
        "CPG-TAG-UNIQUE",
        "groups report the tag the array assigned, distinct within a target",
    ),
    check(
        "WAIT-FAILURE-NULL-POINTERS",
        "a failed Wait leaves every output pointer NULL",
    ),
    check(
        "WAIT-FAILURE-OUTPUT-TYPE",
        "a failed Wait's output type is the operation's or UNKNOWN",
    ),
    check(
        "OUTPUT-TYPE-MATCHES-OPERATION",
        "a successful Wait's output type matches the operation",
    ),
    check(
        "ASYNC-WAIT-REPEATABLE",
        "repeated Waits agree on the result and the object",
    ),
    check(
        "ASYNC-PENDING-IN-HRRESULT",
        "QueryStatus returns S_OK with VDS_E_OPERATION_PENDING in pHrResult while pending",
    ),
    check(
        "ASYNC-PERCENT-RANGE",
        "percentage 0..=99 while pending, 100 after success, 0 after failure",
    ),
    check(
        "ASYNC-PERCENT-MONOTONIC",
        "percentage never decreases while pending",
    ),
    check(
        "ASYNC-CANCEL",
        "a successful Cancel ends the operation with VDS_E_OPERATION_CANCELED",
    ),
    check(
        "ASYNC-CANCEL-AFTER-DONE",
        "Cancel after completion answers VDS_E_CANCEL_TOO_LATE",
    ),
    check(
        "CACHE-CORRUPT-REPORTED",
        "a corrupt cache answers VDS_E_PROVIDER_CACHE_CORRUPT",
    ),
    check(
        "CACHE-RECOVERY-SEQUENCE",
        "only Reenumerate then Refresh restores a corrupt cache",
    ),
    check(
        "CACHE-RECOVERED-AFTER-REFRESH",
        "after Reenumerate then Refresh the cache is sound again",
    ),
    check(
        "DELETED-IS-OBJECT-DELETED",
        "changing a deleted target answers VDS_E_OBJECT_DELETED",
    ),
    check(
        "BUSY-PER-TARGET",
        "overlapping operations on one target are refused as busy",
    ),
];

/// The check with this id.
pub fn by_id(id: &str) -> Option<&'static Check> {
    CHECKS.iter().find(|c| c.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_check_names_a_profile_rule_and_ids_are_unique() {
        let mut ids: Vec<_> = CHECKS.iter().map(|c| c.id).collect();
        for c in CHECKS {
            assert_eq!(c.rule().id, c.id);
        }
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), CHECKS.len());
    }
}
