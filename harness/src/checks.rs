//! The named conformance checks. Each has a stable id (the id of the
//! contract-profile rule it enforces, see `vds_sim::profile`), a one-line
//! title, and is implemented by the [`oracle`](crate::oracle). The same id
//! appears in the matrix, the JUnit file, the Gherkin tags and the mutant
//! kill matrix.

use serde::Serialize;
use vds_sim::faults::FaultKind;
use vds_sim::method::Method;
use vds_sim::profile::RuleId;
use vds_sim::provider::ProviderFaultKind;
use vds_sim::provider::declaration::Declaration;

use crate::situation::Situation;

/// One conformance check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Check {
    /// The profile rule it enforces; its id is the check's id.
    pub id: RuleId,
    /// One line on what it checks.
    pub title: &'static str,
    /// The provider-side fault it can be exercised only under, if any.
    pub needs: Option<ProviderFaultKind>,
}

impl Check {
    /// The profile rule this check enforces.
    pub fn rule(&self) -> &'static vds_sim::profile::Rule {
        self.id.rule()
    }
}

const fn check(id: RuleId, title: &'static str) -> Check {
    Check {
        id,
        title,
        needs: None,
    }
}

/// A check exercised only when the provider suffers `fault`.
const fn under(fault: ProviderFaultKind, c: Check) -> Check {
    Check {
        needs: Some(fault),
        ..c
    }
}

/// Every check, in the order reports list them.
pub const CHECKS: &[Check] = &[
    check(
        RuleId::RunCompletes,
        "the provider neither panics nor hangs",
    ),
    check(
        RuleId::AnswersConsistent,
        "success codes come with out-parameters, failure codes alone",
    ),
    check(
        RuleId::LedgerBalanced,
        "every reference handed out is released exactly once; none used after release",
    ),
    check(
        RuleId::CpgReturnCodes,
        "CreatePortalGroup returns only documented codes",
    ),
    check(
        RuleId::CpgSOkNewGroup,
        "S_OK then Wait hands back a new group (type 63) of the target called",
    ),
    check(
        RuleId::CpgAlreadyExists,
        "VDS_S_ALREADY_EXISTS creates nothing and Wait hands back an existing group",
    ),
    check(
        RuleId::CpgLimit,
        "S_OK never comes from a target already at its portal-group limit",
    ),
    check(
        RuleId::CpgLinearizable,
        "what clients saw of creations and deletions fits some serial order in real time",
    ),
    check(
        RuleId::CpgTagUnique,
        "groups report the tag the array assigned, distinct within a target",
    ),
    check(
        RuleId::WaitFailureNullPointers,
        "a failed Wait leaves every output pointer NULL",
    ),
    check(
        RuleId::WaitFailureOutputType,
        "a failed Wait's output type is the operation's or UNKNOWN",
    ),
    check(
        RuleId::OutputTypeMatchesOperation,
        "a successful Wait's output type matches the operation",
    ),
    check(
        RuleId::AsyncWaitRepeatable,
        "repeated Waits agree on the result and the object",
    ),
    check(
        RuleId::AsyncPendingInHrResult,
        "QueryStatus returns S_OK with VDS_E_OPERATION_PENDING in pHrResult while pending",
    ),
    check(
        RuleId::AsyncPercentRange,
        "percentage 0..=99 while pending, 100 after success, 0 after failure",
    ),
    check(
        RuleId::AsyncPercentMonotonic,
        "percentage never decreases while pending",
    ),
    check(
        RuleId::AsyncCancel,
        "a successful Cancel ends the operation with VDS_E_OPERATION_CANCELED",
    ),
    check(
        RuleId::AsyncCancelAfterDone,
        "Cancel after completion answers VDS_E_CANCEL_TOO_LATE",
    ),
    under(
        ProviderFaultKind::CorruptCache,
        check(
            RuleId::CacheCorruptReported,
            "a corrupt cache answers VDS_E_PROVIDER_CACHE_CORRUPT",
        ),
    ),
    under(
        ProviderFaultKind::CorruptCache,
        check(
            RuleId::CacheRecoverySequence,
            "only Reenumerate then Refresh restores a corrupt cache",
        ),
    ),
    under(
        ProviderFaultKind::CorruptCache,
        check(
            RuleId::CacheRecoveredAfterRefresh,
            "after Reenumerate then Refresh the cache is sound again",
        ),
    ),
    check(
        RuleId::DeletedIsObjectDeleted,
        "changing a deleted target or group (also through a held pointer) answers VDS_E_OBJECT_DELETED",
    ),
    check(
        RuleId::BusyInDomain,
        "two operations in one declared lock domain never run at once",
    ),
    check(
        RuleId::DeclarationKept,
        "a method declared not supported never succeeds; operations declared to end in the call are never pending after it",
    ),
    check(
        RuleId::LinkErrorsAsWin32,
        "an unreachable array is HRESULT_FROM_WIN32(ERROR_TIMEOUT), in every return and pHrResult",
    ),
    under(
        ProviderFaultKind::Restart,
        check(
            RuleId::RestartAbandonsOperations,
            "operations in flight at a provider restart end with VDS_E_PROVIDER_EXITING",
        ),
    ),
    under(
        ProviderFaultKind::Restart,
        check(
            RuleId::RestartReloadsCache,
            "after a provider restart, reads show the array as of the restart or later",
        ),
    ),
    check(
        RuleId::CacheLearnsDeletions,
        "once a Refresh or the provider's own Delete has told it, reads no longer show a deleted object",
    ),
    check(
        RuleId::PortalOneGroupPerTarget,
        "a portal held by another group of the target is refused with VDS_E_OBJECT_EXISTS, and only then",
    ),
    check(
        RuleId::ArgNullPointer,
        "a NULL pointer the method needs answers E_POINTER",
    ),
    check(
        RuleId::OutcomeListed,
        "every answer and every operation's end is on its method's allow-list",
    ),
    check(
        RuleId::RefusalWarranted,
        "a refusal is borne out by the array's state; a change the array made is not reported as failed",
    ),
    check(
        RuleId::ReadsTrue,
        "reads report what the array held: a target's own groups, a group's own portals, the objects' own properties",
    ),
    check(
        RuleId::SuccessApplied,
        "an operation that ends S_OK made its change on the array; a successful Cancel means the change never happens",
    ),
    under(
        ProviderFaultKind::FailNextAllocation,
        check(
            RuleId::AllocationFailureSuffered,
            "an accepted allocation failure makes some call answer E_OUTOFMEMORY before pointers are handed out again",
        ),
    ),
];

/// The check that enforces this rule, if any.
pub fn by_rule(id: RuleId) -> Option<&'static Check> {
    CHECKS.iter().find(|c| c.id == id)
}

/// The check with this printed id, e.g. `CPG-LIMIT`.
pub fn by_id(id: &str) -> Option<&'static Check> {
    by_rule(id.parse().ok()?)
}

/// The operations IVdsAsync reports on: the methods that start one.
const ASYNC: &[Method] = &[
    Method::SubSystemCreateTarget,
    Method::TargetCreatePortalGroup,
    Method::TargetDelete,
    Method::PortalGroupAddPortal,
    Method::PortalGroupRemovePortal,
    Method::PortalGroupDelete,
];

/// The methods the suite's worlds call: every method but the reserved IPsec
/// ones and IVdsAsync's, whose calls count for the method that started the
/// operation.
const CALLED: &[Method] = &[
    Method::HwProviderReenumerate,
    Method::HwProviderRefresh,
    Method::SubSystemQueryTargets,
    Method::SubSystemQueryPortals,
    Method::SubSystemCreateTarget,
    Method::TargetGetProperties,
    Method::TargetGetSubSystem,
    Method::TargetQueryPortalGroups,
    Method::TargetQueryAssociatedLuns,
    Method::TargetCreatePortalGroup,
    Method::TargetDelete,
    Method::TargetSetFriendlyName,
    Method::TargetSetSharedSecret,
    Method::TargetRememberInitiatorSharedSecret,
    Method::TargetGetConnectedInitiators,
    Method::PortalGroupGetProperties,
    Method::PortalGroupGetTarget,
    Method::PortalGroupQueryAssociatedPortals,
    Method::PortalGroupAddPortal,
    Method::PortalGroupRemovePortal,
    Method::PortalGroupDelete,
    Method::PortalGetProperties,
    Method::PortalGetSubSystem,
    Method::PortalQueryAssociatedPortalGroups,
    Method::PortalSetStatus,
];

/// Where a check applies: the methods (for calls on IVdsAsync, the method
/// that started the operation) at which a suite run must exercise it.
/// Run-wide checks (RUN-COMPLETES, LEDGER-BALANCED) apply to no one method.
pub fn applies_to(rule: RuleId) -> &'static [Method] {
    use RuleId as R;
    match rule {
        R::RunCompletes | R::LedgerBalanced => &[],
        R::AnswersConsistent | R::OutcomeListed => CALLED,
        R::ReadsTrue => &[
            Method::TargetQueryPortalGroups,
            Method::PortalGroupQueryAssociatedPortals,
            Method::TargetGetProperties,
            Method::PortalGroupGetProperties,
            Method::PortalGetProperties,
        ],
        R::SuccessApplied => &[
            Method::TargetDelete,
            Method::PortalGroupAddPortal,
            Method::PortalGroupDelete,
        ],
        R::CpgReturnCodes
        | R::CpgSOkNewGroup
        | R::CpgAlreadyExists
        | R::CpgLimit
        | R::CpgLinearizable
        | R::CpgTagUnique => &[Method::TargetCreatePortalGroup],
        // Where the provider's declaration says: `required_methods`.
        R::DeclarationKept => &[],
        R::BusyInDomain => &[
            Method::TargetCreatePortalGroup,
            Method::TargetDelete,
            Method::PortalGroupAddPortal,
            Method::PortalGroupRemovePortal,
            Method::PortalGroupDelete,
        ],
        R::WaitFailureNullPointers
        | R::WaitFailureOutputType
        | R::OutputTypeMatchesOperation
        | R::AsyncWaitRepeatable
        | R::AsyncPendingInHrResult
        | R::AsyncPercentRange
        | R::AsyncPercentMonotonic
        | R::AsyncCancel
        | R::AsyncCancelAfterDone
        | R::RestartAbandonsOperations => ASYNC,
        R::LinkErrorsAsWin32 => ASYNC,
        R::CacheCorruptReported | R::CacheRecoveredAfterRefresh => {
            &[Method::TargetCreatePortalGroup, Method::TargetGetProperties]
        }
        R::CacheRecoverySequence => &[Method::HwProviderRefresh],
        R::AllocationFailureSuffered => &[Method::TargetCreatePortalGroup],
        R::DeletedIsObjectDeleted => &[
            Method::TargetCreatePortalGroup,
            Method::TargetDelete,
            Method::TargetSetFriendlyName,
            Method::PortalGroupAddPortal,
            Method::PortalGroupRemovePortal,
            Method::PortalGroupDelete,
        ],
        R::PortalOneGroupPerTarget => &[Method::PortalGroupAddPortal],
        R::CacheLearnsDeletions => &[
            Method::TargetGetProperties,
            Method::PortalGroupGetProperties,
        ],
        R::RestartReloadsCache => &[
            Method::TargetGetProperties,
            Method::TargetQueryPortalGroups,
            Method::PortalGroupGetProperties,
        ],
        R::RefusalWarranted => &[
            Method::SubSystemCreateTarget,
            Method::TargetDelete,
            Method::PortalGroupAddPortal,
            Method::PortalGroupRemovePortal,
            Method::PortalGroupDelete,
        ],
        R::ArgNullPointer => &[
            Method::TargetSetSharedSecret,
            Method::TargetRememberInitiatorSharedSecret,
        ],
        R::CpgLimitExisting
        | R::AsyncCancelWindow
        | R::CacheReadsMayBeStale
        | R::AsyncPercentIsEstimate
        | R::RefreshWhileOperations
        | R::CallWindow
        | R::FailurePrecedence => &[],
    }
}

/// The situations in which a check must be exercised (on any of its
/// methods): where the rule applies besides the plain path, chosen from
/// what can go wrong around it: deletion behind the caller's back, and each
/// fault that can reach the calls it judges. See [`Situation`].
pub fn applies_in(rule: RuleId) -> &'static [Situation] {
    use RuleId as R;
    use Situation::{Deleted, Fault, Plain};
    const EVERY: &[Situation] = &[
        Plain,
        Deleted,
        Fault(FaultKind::CacheCorruption),
        Fault(FaultKind::DeleteTarget),
        Fault(FaultKind::DeletePortalGroup),
        Fault(FaultKind::ConcurrentCalls),
        Fault(FaultKind::AllocationFailure),
        Fault(FaultKind::InvalidArgument),
        Fault(FaultKind::LinkLoss),
        Fault(FaultKind::LinkPartition),
        Fault(FaultKind::LinkHold),
        Fault(FaultKind::LinkLatency),
        Fault(FaultKind::SlowOperations),
        Fault(FaultKind::ProviderRestart),
    ];
    const LINK: &[Situation] = &[
        Fault(FaultKind::LinkLoss),
        Fault(FaultKind::LinkPartition),
        Fault(FaultKind::LinkHold),
    ];
    match rule {
        R::RunCompletes | R::LedgerBalanced => &[],
        R::AnswersConsistent | R::OutcomeListed => EVERY,
        R::ReadsTrue | R::SuccessApplied => &[Plain],
        R::CpgReturnCodes => &[
            Plain,
            Deleted,
            Fault(FaultKind::CacheCorruption),
            Fault(FaultKind::ConcurrentCalls),
            Fault(FaultKind::AllocationFailure),
            Fault(FaultKind::InvalidArgument),
            Fault(FaultKind::LinkLoss),
            Fault(FaultKind::ProviderRestart),
        ],
        R::CpgSOkNewGroup | R::CpgTagUnique => &[Plain, Fault(FaultKind::ConcurrentCalls)],
        R::CpgAlreadyExists | R::CpgLimit => &[Plain],
        R::CpgLinearizable => &[Plain, Deleted, Fault(FaultKind::ConcurrentCalls)],
        R::WaitFailureNullPointers | R::WaitFailureOutputType => &[
            Deleted,
            Fault(FaultKind::InvalidArgument),
            Fault(FaultKind::LinkLoss),
            Fault(FaultKind::ProviderRestart),
        ],
        R::OutputTypeMatchesOperation | R::AsyncWaitRepeatable => &[Plain],
        R::AsyncPendingInHrResult | R::AsyncPercentRange | R::AsyncPercentMonotonic => {
            &[Plain, Fault(FaultKind::SlowOperations)]
        }
        R::AsyncCancel | R::AsyncCancelAfterDone => &[Plain],
        R::CacheCorruptReported | R::CacheRecoverySequence => &[Fault(FaultKind::CacheCorruption)],
        R::AllocationFailureSuffered => &[Fault(FaultKind::AllocationFailure)],
        // Judged after the cure, when the corruption is no longer in force;
        // its method cells say where.
        R::CacheRecoveredAfterRefresh => &[],
        R::DeletedIsObjectDeleted => &[Deleted],
        R::BusyInDomain => &[Plain, Fault(FaultKind::ConcurrentCalls)],
        R::DeclarationKept => &[Plain],
        R::LinkErrorsAsWin32 => LINK,
        R::RestartAbandonsOperations | R::RestartReloadsCache => {
            &[Fault(FaultKind::ProviderRestart)]
        }
        R::PortalOneGroupPerTarget => &[Plain],
        R::CacheLearnsDeletions => &[Deleted],
        R::ArgNullPointer => &[Plain],
        R::RefusalWarranted => &[
            Plain,
            Deleted,
            Fault(FaultKind::InvalidArgument),
            Fault(FaultKind::CacheCorruption),
        ],
        R::CpgLimitExisting
        | R::AsyncCancelWindow
        | R::CacheReadsMayBeStale
        | R::AsyncPercentIsEstimate
        | R::RefreshWhileOperations
        | R::CallWindow
        | R::FailurePrecedence => &[],
    }
}

/// Whether a provider of the declared design can reach `rule` at all: a
/// design that never cancels cannot show a successful Cancel; one whose
/// operations end in the call never has one pending (to poll, to fail
/// later in Wait, to be under way at a restart); DECLARATION-KEPT has
/// nothing to judge when nothing is declared (DECLARATION-KEPT's text).
pub fn reachable(rule: RuleId, d: &Declaration) -> bool {
    use RuleId as R;
    match rule {
        R::AsyncCancel => !d.never_cancels(),
        R::AsyncPercentMonotonic
        | R::WaitFailureNullPointers
        | R::WaitFailureOutputType
        | R::RestartAbandonsOperations => !d.never_pending(),
        R::DeclarationKept => !d.not_supported.is_empty() || d.operations_end_in_call,
        _ => true,
    }
}

/// The methods on which a provider of the declared design must exercise
/// `rule`: where it applies, less the methods the provider does not carry
/// out; for DECLARATION-KEPT, the methods its declaration speaks of.
pub fn required_methods(rule: RuleId, d: &Declaration) -> Vec<Method> {
    if !reachable(rule, d) {
        return Vec::new();
    }
    if rule != RuleId::DeclarationKept {
        return applies_to(rule)
            .iter()
            .copied()
            .filter(|m| !d.not_supported.contains(*m))
            .collect();
    }
    // A Cancel or QueryStatus counts on the method that started its operation.
    let follow_ups = d.operations_end_in_call || d.not_supported.contains(Method::AsyncCancel);
    let mut methods: Vec<Method> = d
        .not_supported
        .iter()
        .filter(|m| *m != Method::AsyncCancel)
        .collect();
    if follow_ups {
        methods.extend(ASYNC.iter().filter(|m| !d.not_supported.contains(**m)));
    }
    methods.sort();
    methods.dedup();
    methods
}

/// What a finding is about: a catalogued check, or the expectations
/// written in a scenario file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CheckId {
    /// A check of the contract profile.
    Rule(RuleId),
    /// A scenario file's own `expect` / `expect_result` lines.
    ScenarioExpectations,
}

impl CheckId {
    /// The printed id.
    pub const fn as_str(self) -> &'static str {
        match self {
            CheckId::Rule(r) => r.as_str(),
            CheckId::ScenarioExpectations => "SCENARIO-EXPECTATIONS",
        }
    }

    /// The rule, when the finding is about one.
    pub const fn rule(self) -> Option<RuleId> {
        match self {
            CheckId::Rule(r) => Some(r),
            CheckId::ScenarioExpectations => None,
        }
    }
}

impl From<RuleId> for CheckId {
    fn from(r: RuleId) -> Self {
        CheckId::Rule(r)
    }
}

impl PartialEq<RuleId> for CheckId {
    fn eq(&self, other: &RuleId) -> bool {
        *self == CheckId::Rule(*other)
    }
}

impl std::fmt::Display for CheckId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

impl CheckId {
    /// The check a finding's printed id names, if any.
    ///
    /// ```
    /// use vds_harness::checks::CheckId;
    /// assert_eq!(CheckId::from_name("SCENARIO-EXPECTATIONS"), Some(CheckId::ScenarioExpectations));
    /// assert_eq!(CheckId::from_name("CPG-LIMIT").map(|c| c.to_string()), Some("CPG-LIMIT".into()));
    /// assert_eq!(CheckId::from_name("NO-SUCH-CHECK"), None);
    /// ```
    pub fn from_name(s: &str) -> Option<CheckId> {
        match s {
            "SCENARIO-EXPECTATIONS" => Some(CheckId::ScenarioExpectations),
            _ => s.parse::<RuleId>().ok().map(CheckId::Rule),
        }
    }
}

impl Serialize for CheckId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_has_a_check_or_is_a_permission() {
        for r in vds_sim::profile::RULES {
            let checked = by_rule(r.id).is_some();
            assert!(
                checked != r.permission.is_some(),
                "{}: a rule either obliges (and has a check) or permits (and says why it needs none)",
                r.id
            );
        }
    }

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
