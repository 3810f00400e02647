//! The mutant catalogue: deliberately broken providers, each breaking one
//! rule, with the check that must catch it. Proof that the checks can fail.

mod wrappers;

use std::sync::Arc;

use vds_sim::hresult::HResult;
use vds_sim::profile::RuleId;
use vds_sim::provider::{Mutation, ProviderFactory, ReferenceFactory};

/// One deliberately broken provider.
#[derive(Clone, Copy, Debug)]
pub struct Mutant {
    /// Its name, as in `mutant:NAME`.
    pub name: &'static str,
    /// One line on what it breaks.
    pub description: &'static str,
    /// The check expected to catch it (others may too).
    pub caught_by: RuleId,
    /// How it is made.
    pub build: Build,
}

/// How a mutant is made.
#[derive(Clone, Copy, Debug)]
pub enum Build {
    /// A decorator over the reference provider (it changes what an interface answers).
    Wrapper(fn() -> Arc<dyn ProviderFactory>),
    /// A hook inside the reference provider (it must reach inside: serialisation, the cache).
    Hook(Mutation),
}

impl Mutant {
    /// Its name, as in `mutant:NAME`.
    pub fn name(&self) -> &'static str {
        self.name
    }
    /// The provider.
    pub fn factory(&self) -> Arc<dyn ProviderFactory> {
        match self.build {
            Build::Wrapper(make) => make(),
            Build::Hook(m) => Arc::new(ReferenceFactory::mutant(m)),
        }
    }
}

const fn hook(mutation: Mutation, caught_by: RuleId) -> Mutant {
    Mutant {
        name: mutation.name(),
        description: mutation.description(),
        caught_by,
        build: Build::Hook(mutation),
    }
}

macro_rules! wrapper {
    ($name:literal, $wrap:expr, $caught_by:expr, $description:literal) => {
        Mutant {
            name: $name,
            description: $description,
            caught_by: $caught_by,
            build: Build::Wrapper(|| wrappers::over_reference($name, $wrap)),
        }
    };
}

/// Every mutant, in catalogue order.
pub const MUTANTS: &[Mutant] = &[
    wrapper!(
        "limit-ignored",
        wrappers::LimitIgnored,
        RuleId::CpgLimit,
        "at the limit, CreatePortalGroup returns S_OK and Wait hands back an existing group as new"
    ),
    hook(
        Mutation::PointerInFailedWait,
        RuleId::WaitFailureNullPointers,
    ),
    wrapper!(
        "leak-on-wait",
        wrappers::LeakOnWait,
        RuleId::LedgerBalanced,
        "Wait takes an extra reference that is never released"
    ),
    wrapper!(
        "no-addref-on-wait",
        wrappers::NoAddRefOnWait,
        RuleId::LedgerBalanced,
        "a second Wait hands out the first Wait's reference without AddRef"
    ),
    hook(Mutation::NoSerialisation, RuleId::BusyInDomain),
    wrapper!(
        "declares-no-cancel",
        wrappers::DeclaresNoCancel,
        RuleId::DeclarationKept,
        "declares IVdsAsync::Cancel not supported, and cancels operations with S_OK"
    ),
    wrapper!(
        "declares-operations-end-in-call",
        wrappers::DeclaresOperationsEndInCall,
        RuleId::DeclarationKept,
        "declares that operations end inside the call that starts them, and reports them pending after it"
    ),
    hook(
        Mutation::RestartKeepsOperations,
        RuleId::RestartAbandonsOperations,
    ),
    hook(Mutation::RestartKeepsCache, RuleId::RestartReloadsCache),
    hook(Mutation::RefreshKeepsCache, RuleId::CacheLearnsDeletions),
    hook(
        Mutation::IgnoreAllocationFailure,
        RuleId::AllocationFailureSuffered,
    ),
    hook(
        Mutation::RecoverWithoutRefresh,
        RuleId::CacheRecoverySequence,
    ),
    hook(Mutation::IgnoreCorruption, RuleId::CacheCorruptReported),
    hook(
        Mutation::CorruptAfterRefresh,
        RuleId::CacheRecoveredAfterRefresh,
    ),
    hook(
        Mutation::WrongOutputType,
        RuleId::OutputTypeMatchesOperation,
    ),
    wrapper!(
        "deleted-as-not-found",
        wrappers::DeletedAsNotFound,
        RuleId::DeletedIsObjectDeleted,
        "a deleted target or group is reported as VDS_E_OBJECT_NOT_FOUND"
    ),
    wrapper!(
        "cancel-after-done-succeeds",
        wrappers::CancelAfterDoneSucceeds,
        RuleId::AsyncCancelAfterDone,
        "Cancel after completion returns S_OK"
    ),
    wrapper!(
        "percent-backwards",
        wrappers::PercentBackwards,
        RuleId::AsyncPercentMonotonic,
        "QueryStatus's percentage decreases while pending"
    ),
    wrapper!(
        "duplicate-tags",
        wrappers::DuplicateTags,
        RuleId::CpgTagUnique,
        "every portal group reports tag 1"
    ),
    wrapper!(
        "already-exists-null",
        wrappers::AlreadyExistsNull,
        RuleId::CpgAlreadyExists,
        "at the limit, Wait hands back a NULL group"
    ),
    wrapper!(
        "percent-not-100",
        wrappers::PercentNot100,
        RuleId::AsyncPercentRange,
        "a finished operation reports 99 percent"
    ),
    wrapper!(
        "pending-as-method-return",
        wrappers::PendingAsMethodReturn,
        RuleId::AsyncPendingInHrResult,
        "QueryStatus returns VDS_E_OPERATION_PENDING as its own result"
    ),
    wrapper!(
        "cancel-ignored",
        wrappers::CancelIgnored,
        RuleId::AsyncCancel,
        "Cancel returns S_OK but the operation runs on"
    ),
    hook(Mutation::WrongTargetInGetTarget, RuleId::CpgSOkNewGroup),
    wrapper!(
        "hang-on-wait",
        wrappers::HangOnWait,
        RuleId::RunCompletes,
        "Wait on CreatePortalGroup never returns"
    ),
    wrapper!(
        "panic-on-refresh",
        wrappers::PanicOnRefresh,
        RuleId::RunCompletes,
        "Refresh panics"
    ),
    hook(Mutation::SpuriousAlreadyExists, RuleId::CpgLinearizable),
    wrapper!(
        "failure-with-output",
        wrappers::FailureWithOutput,
        RuleId::AnswersConsistent,
        "QueryPortalGroups answers E_FAIL together with a list of groups"
    ),
    wrapper!(
        "deadlock-in-refresh",
        wrappers::DeadlockInRefresh,
        RuleId::RunCompletes,
        "Refresh deadlocks: it blocks its thread and never returns"
    ),
    wrapper!(
        "timeout-wrong-facility",
        wrappers::TIMEOUT_WRONG_FACILITY,
        RuleId::LinkErrorsAsWin32,
        "an unreachable array is reported as 0x800405B4 (ERROR_TIMEOUT in the VDS facility), except in CreatePortalGroup's own return"
    ),
    wrapper!(
        "restart-as-canceled",
        wrappers::RESTART_AS_CANCELED,
        RuleId::RestartAbandonsOperations,
        "operations abandoned by a provider restart end with VDS_E_OPERATION_CANCELED although nobody canceled them"
    ),
    wrapper!(
        "portal-in-use-as-not-found",
        wrappers::PortalInUseAsNotFound,
        RuleId::PortalOneGroupPerTarget,
        "adding a portal held by another group of the target answers VDS_E_OBJECT_NOT_FOUND"
    ),
    wrapper!(
        "portal-refused-when-free",
        wrappers::PortalRefusedWhenFree,
        RuleId::PortalOneGroupPerTarget,
        "AddPortal always answers VDS_E_OBJECT_EXISTS, even for a portal in no group"
    ),
    wrapper!(
        "null-secret-accepted",
        wrappers::NullSecretAccepted,
        RuleId::ArgNullPointer,
        "SetSharedSecret with a NULL secret of non-zero size answers S_OK"
    ),
    wrapper!(
        "deleted-group-as-e-fail",
        wrappers::DeletedGroupAsEFail,
        RuleId::DeletedIsObjectDeleted,
        "changing a deleted portal group answers E_FAIL instead of VDS_E_OBJECT_DELETED"
    ),
    wrapper!(
        "cpg-success-without-group",
        wrappers::CpgSuccessWithoutGroup,
        RuleId::OutcomeListed,
        "after CreatePortalGroup answered S_OK, Wait reports the success code S_FALSE and a NULL group"
    ),
    wrapper!(
        "add-portal-reports-not-found",
        wrappers::AddPortalReportsNotFound,
        RuleId::RefusalWarranted,
        "AddPortal adds the portal on the array, then Wait reports VDS_E_OBJECT_NOT_FOUND"
    ),
    wrapper!(
        "delete-refused-for-luns",
        wrappers::DeleteRefusedForLuns,
        RuleId::RefusalWarranted,
        "a target's Delete is refused with VDS_E_ASSOCIATED_LUNS_EXIST although it has no LUNs"
    ),
    wrapper!(
        "chosen-names-refused",
        wrappers::NamesRefused {
            refuses: |name| name.is_some(),
            hr: HResult::E_INVALIDARG,
        },
        RuleId::RefusalWarranted,
        "CreateTarget refuses every chosen iSCSI name, well formed or not, with E_INVALIDARG"
    ),
    wrapper!(
        "rename-always-busy",
        wrappers::RenameAlwaysBusy,
        RuleId::RefusalWarranted,
        "SetFriendlyName answers VDS_E_ANOTHER_CALL_IN_PROGRESS although nothing runs on the target"
    ),
    wrapper!(
        "living-group-deleted",
        wrappers::LivingGroupDeleted,
        RuleId::RefusalWarranted,
        "a group's QueryAssociatedPortals answers VDS_E_OBJECT_DELETED although the group exists"
    ),
    wrapper!(
        "empty-name-refused",
        wrappers::NamesRefused {
            refuses: |name| name == Some(""),
            hr: HResult::E_INVALIDARG,
        },
        RuleId::RefusalWarranted,
        "CreateTarget refuses an empty iSCSI name (the provider's choice) with E_INVALIDARG"
    ),
    wrapper!(
        "chosen-names-taken",
        wrappers::NamesRefused {
            refuses: |name| name.is_some_and(|n| !n.is_empty()),
            hr: HResult::VDS_E_NAME_NOT_UNIQUE,
        },
        RuleId::RefusalWarranted,
        "CreateTarget refuses every chosen iSCSI name with VDS_E_NAME_NOT_UNIQUE, taken or not"
    ),
    wrapper!(
        "query-groups-omits-first",
        wrappers::QueryGroupsOmitsFirst,
        RuleId::ReadsTrue,
        "QueryPortalGroups leaves out the first group of the target"
    ),
    wrapper!(
        "cancel-too-late-hidden",
        wrappers::CancelTooLateHidden::default(),
        RuleId::SuccessApplied,
        "a Cancel that came too late is claimed as a success and the operation reported cancelled, while the array applies its change"
    ),
];

/// The mutant with this name.
pub fn by_name(name: &str) -> Option<&'static Mutant> {
    MUTANTS.iter().find(|m| m.name() == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_covers_every_mutation_and_names_real_checks() {
        for &m in Mutation::ALL {
            assert!(
                MUTANTS
                    .iter()
                    .any(|x| matches!(x.build, Build::Hook(h) if h == m)),
                "{m:?} not catalogued"
            );
        }
        for m in MUTANTS {
            assert_eq!(m.factory().name(), format!("mutant:{}", m.name));
            let twins = MUTANTS.iter().filter(|x| x.name == m.name).count();
            assert_eq!(twins, 1, "{} twice", m.name);
        }
        for m in MUTANTS {
            assert!(
                crate::checks::by_rule(m.caught_by).is_some(),
                "{}",
                m.caught_by
            );
        }
    }
}
