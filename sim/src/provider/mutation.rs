//! Deliberate breakages of the reference provider, one rule each. The
//! harness's mutant catalogue turns each into a provider (`mutant:NAME`)
//! and shows that some conformance check catches it: proof that the checks
//! can fail. The reference provider itself never has a mutation.

use serde::{Deserialize, Serialize};

/// One deliberate breakage of the contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mutation {
    /// At the limit, CreatePortalGroup says S_OK (not VDS_S_ALREADY_EXISTS)
    /// and Wait hands back an existing group as if it were new.
    LimitIgnored,
    /// A failed CreatePortalGroup's Wait leaves a pointer in `cpg`.
    PointerInFailedWait,
    /// Wait takes an extra reference that nobody ever releases.
    LeakOnWait,
    /// A second Wait hands out the first Wait's reference without AddRef.
    NoAddRefOnWait,
    /// Concurrent operations on one target are not serialised.
    NoSerialisation,
    /// Reenumerate alone clears a corrupt cache (no Refresh needed).
    RecoverWithoutRefresh,
    /// A corrupt cache is served as if it were sound.
    IgnoreCorruption,
    /// Reenumerate then Refresh leave the cache corrupt.
    CorruptAfterRefresh,
    /// CreatePortalGroup's Wait output is typed `VDS_ASYNCOUT_CREATETARGET`.
    WrongOutputType,
    /// A deleted target is reported as `VDS_E_OBJECT_NOT_FOUND`.
    DeletedAsNotFound,
    /// Cancel after completion claims success.
    CancelAfterDoneSucceeds,
    /// QueryStatus's percentage goes backwards while pending.
    PercentBackwards,
    /// Every portal group reports tag 1.
    DuplicateTags,
    /// At the limit, Wait hands back a NULL group.
    AlreadyExistsNull,
    /// A finished operation reports 99 percent, not 100.
    PercentNot100,
    /// QueryStatus returns `VDS_E_OPERATION_PENDING` as its own result.
    PendingAsMethodReturn,
    /// Cancel says S_OK but the operation runs on.
    CancelIgnored,
    /// A group's GetTarget hands back some other target.
    WrongTargetInGetTarget,
    /// Wait on CreatePortalGroup never returns.
    HangOnWait,
    /// Refresh panics.
    PanicOnRefresh,
    /// Below the limit, CreatePortalGroup claims VDS_S_ALREADY_EXISTS once
    /// the target has any group.
    SpuriousAlreadyExists,
    /// QueryPortalGroups answers E_FAIL together with a list of groups.
    FailureWithOutput,
    /// Refresh deadlocks: it blocks its thread and never returns.
    DeadlockInRefresh,
}

impl Mutation {
    /// Every mutation, in catalogue order.
    pub const ALL: [Mutation; 23] = [
        Mutation::LimitIgnored,
        Mutation::PointerInFailedWait,
        Mutation::LeakOnWait,
        Mutation::NoAddRefOnWait,
        Mutation::NoSerialisation,
        Mutation::RecoverWithoutRefresh,
        Mutation::IgnoreCorruption,
        Mutation::CorruptAfterRefresh,
        Mutation::WrongOutputType,
        Mutation::DeletedAsNotFound,
        Mutation::CancelAfterDoneSucceeds,
        Mutation::PercentBackwards,
        Mutation::DuplicateTags,
        Mutation::AlreadyExistsNull,
        Mutation::PercentNot100,
        Mutation::PendingAsMethodReturn,
        Mutation::CancelIgnored,
        Mutation::WrongTargetInGetTarget,
        Mutation::HangOnWait,
        Mutation::PanicOnRefresh,
        Mutation::SpuriousAlreadyExists,
        Mutation::FailureWithOutput,
        Mutation::DeadlockInRefresh,
    ];

    /// The mutation's name, as in `mutant:NAME`.
    pub fn name(self) -> &'static str {
        match self {
            Mutation::LimitIgnored => "limit-ignored",
            Mutation::PointerInFailedWait => "pointer-in-failed-wait",
            Mutation::LeakOnWait => "leak-on-wait",
            Mutation::NoAddRefOnWait => "no-addref-on-wait",
            Mutation::NoSerialisation => "no-serialisation",
            Mutation::RecoverWithoutRefresh => "recover-without-refresh",
            Mutation::IgnoreCorruption => "ignore-corruption",
            Mutation::CorruptAfterRefresh => "corrupt-after-refresh",
            Mutation::WrongOutputType => "wrong-output-type",
            Mutation::DeletedAsNotFound => "deleted-as-not-found",
            Mutation::CancelAfterDoneSucceeds => "cancel-after-done-succeeds",
            Mutation::PercentBackwards => "percent-backwards",
            Mutation::DuplicateTags => "duplicate-tags",
            Mutation::AlreadyExistsNull => "already-exists-null",
            Mutation::PercentNot100 => "percent-not-100",
            Mutation::PendingAsMethodReturn => "pending-as-method-return",
            Mutation::CancelIgnored => "cancel-ignored",
            Mutation::WrongTargetInGetTarget => "wrong-target-in-get-target",
            Mutation::HangOnWait => "hang-on-wait",
            Mutation::PanicOnRefresh => "panic-on-refresh",
            Mutation::SpuriousAlreadyExists => "spurious-already-exists",
            Mutation::FailureWithOutput => "failure-with-output",
            Mutation::DeadlockInRefresh => "deadlock-in-refresh",
        }
    }

    /// The mutation with this name.
    pub fn from_name(name: &str) -> Option<Mutation> {
        Mutation::ALL.into_iter().find(|m| m.name() == name)
    }

    /// One line on what the mutation breaks.
    pub fn description(self) -> &'static str {
        match self {
            Mutation::LimitIgnored => {
                "at the limit, CreatePortalGroup returns S_OK and Wait hands back an existing group as new"
            }
            Mutation::PointerInFailedWait => {
                "a failed CreatePortalGroup's Wait leaves a non-NULL cpg pointer"
            }
            Mutation::LeakOnWait => "Wait takes an extra reference that is never released",
            Mutation::NoAddRefOnWait => {
                "a second Wait hands out the first Wait's reference without AddRef"
            }
            Mutation::NoSerialisation => {
                "operations on one target are not serialised (no VDS_E_ANOTHER_CALL_IN_PROGRESS)"
            }
            Mutation::RecoverWithoutRefresh => "Reenumerate alone clears a corrupt cache",
            Mutation::IgnoreCorruption => {
                "a corrupt cache is served without VDS_E_PROVIDER_CACHE_CORRUPT"
            }
            Mutation::CorruptAfterRefresh => "Reenumerate then Refresh leave the cache corrupt",
            Mutation::WrongOutputType => {
                "CreatePortalGroup's output is typed VDS_ASYNCOUT_CREATETARGET"
            }
            Mutation::DeletedAsNotFound => "a deleted target is reported as VDS_E_OBJECT_NOT_FOUND",
            Mutation::CancelAfterDoneSucceeds => "Cancel after completion returns S_OK",
            Mutation::PercentBackwards => "QueryStatus's percentage decreases while pending",
            Mutation::DuplicateTags => "every portal group reports tag 1",
            Mutation::AlreadyExistsNull => "at the limit, Wait hands back a NULL group",
            Mutation::PercentNot100 => "a finished operation reports 99 percent",
            Mutation::PendingAsMethodReturn => {
                "QueryStatus returns VDS_E_OPERATION_PENDING as its own result"
            }
            Mutation::CancelIgnored => "Cancel returns S_OK but the operation runs on",
            Mutation::WrongTargetInGetTarget => "a new group's GetTarget hands back another target",
            Mutation::HangOnWait => "Wait on CreatePortalGroup never returns",
            Mutation::PanicOnRefresh => "Refresh panics",
            Mutation::FailureWithOutput => {
                "QueryPortalGroups answers E_FAIL together with a list of groups"
            }
            Mutation::DeadlockInRefresh => {
                "Refresh deadlocks: it blocks its thread and never returns"
            }
            Mutation::SpuriousAlreadyExists => {
                "below the limit, CreatePortalGroup claims VDS_S_ALREADY_EXISTS once the target has a group"
            }
        }
    }
}
